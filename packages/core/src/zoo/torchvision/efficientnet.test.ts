import { describe, expect, it } from 'vitest'
import { counts, failure, forward, names } from '../../../test/torchvision.js'

describe('efficientnet_b0', () => {
  it('has torchvision\'s 5,288,548 parameters in 213 tensors and 42,065 buffer elements', () => {
    expect(counts('efficientnet_b0()')).toEqual({ class: 'EfficientNet', params: 5288548, paramTensors: 213, buffers: 42065, bufferBytes: 168456, bufferTensors: 147 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_b0()', 'parameter', [0, 1, 71, 106, 211, 212])).toEqual([
      'features.0.0.weight [32,3,3,3]',
      'features.0.1.weight [32]',
      'features.4.0.block.2.fc1.weight [10,240,1,1]',
      'features.5.0.block.0.1.bias [480]',
      'classifier.1.weight [1000,1280]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_b0()', 'buffer', [0, 73, 146])).toEqual([
      'features.0.1.running_mean [32]',
      'features.5.0.block.0.1.running_var [480]',
      'features.8.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_b0() on 1×3×224×224: output (1, 1000), saves 88,010,884 bytes for backward', () => {
    expect(forward('efficientnet_b0()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 88010884, savedWithInput: 88612996 })
  })
  it('runs efficientnet_b0() on 2×3×64×64: output (2, 1000), saves 14,665,864 bytes for backward', () => {
    expect(forward('efficientnet_b0()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 14665864, savedWithInput: 14764168 })
  })
  it('rejects an input whose last stages shrink to 1×1 in training, as BatchNorm does', () => {
    expect(failure('efficientnet_b0()', '1,3,32,32').message).toMatch(/^`features.6.0.block.1.1` \(BatchNorm2d\) .*Expected more than 1 value per channel when training/)
  })
})

describe('efficientnet_b1', () => {
  it('has torchvision\'s 7,794,184 parameters in 301 tensors and 62,117 buffer elements', () => {
    expect(counts('efficientnet_b1()')).toEqual({ class: 'EfficientNet', params: 7794184, paramTensors: 301, buffers: 62117, bufferBytes: 248744, bufferTensors: 207 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_b1()', 'parameter', [0, 1, 100, 150, 299, 300])).toEqual([
      'features.0.0.weight [32,3,3,3]',
      'features.0.1.weight [32]',
      'features.3.2.block.3.1.bias [40]',
      'features.4.3.block.3.0.weight [80,480,1,1]',
      'classifier.1.weight [1000,1280]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_b1()', 'buffer', [0, 103, 206])).toEqual([
      'features.0.1.running_mean [32]',
      'features.4.3.block.3.1.running_var [80]',
      'features.8.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_b1() on 2×3×64×64: output (2, 1000), saves 20,475,648 bytes for backward', () => {
    expect(forward('efficientnet_b1()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 20475648, savedWithInput: 20573952 })
  })
})

describe('efficientnet_b2', () => {
  it('has torchvision\'s 9,109,994 parameters in 301 tensors and 67,637 buffer elements', () => {
    expect(counts('efficientnet_b2()')).toEqual({ class: 'EfficientNet', params: 9109994, paramTensors: 301, buffers: 67637, bufferBytes: 270824, bufferTensors: 207 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_b2()', 'parameter', [0, 1, 100, 150, 299, 300])).toEqual([
      'features.0.0.weight [32,3,3,3]',
      'features.0.1.weight [32]',
      'features.3.2.block.3.1.bias [48]',
      'features.4.3.block.3.0.weight [88,528,1,1]',
      'classifier.1.weight [1000,1408]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_b2()', 'buffer', [0, 103, 206])).toEqual([
      'features.0.1.running_mean [32]',
      'features.4.3.block.3.1.running_var [88]',
      'features.8.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_b2() on 2×3×64×64: output (2, 1000), saves 21,500,768 bytes for backward', () => {
    expect(forward('efficientnet_b2()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 21500768, savedWithInput: 21599072 })
  })
})

describe('efficientnet_b3', () => {
  it('has torchvision\'s 12,233,232 parameters in 340 tensors and 87,374 buffer elements', () => {
    expect(counts('efficientnet_b3()')).toEqual({ class: 'EfficientNet', params: 12233232, paramTensors: 340, buffers: 87374, bufferBytes: 349808, bufferTensors: 234 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_b3()', 'parameter', [0, 1, 113, 170, 338, 339])).toEqual([
      'features.0.0.weight [40,3,3,3]',
      'features.0.1.weight [40]',
      'features.4.0.block.3.1.bias [96]',
      'features.5.0.block.1.1.weight [576]',
      'classifier.1.weight [1000,1536]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_b3()', 'buffer', [0, 117, 233])).toEqual([
      'features.0.1.running_mean [40]',
      'features.5.0.block.1.1.running_mean [576]',
      'features.8.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_b3(stochastic_depth_prob=0.0) on 2×3×64×64: output (2, 1000), saves 28,445,440 bytes for backward', () => {
    expect(forward('efficientnet_b3(stochastic_depth_prob=0.0)', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 28445440, savedWithInput: 28543744 })
  })
  it('runs efficientnet_b3() on 2×3×64×64: output (2, 1000), saves 28,445,592 bytes for backward', () => {
    expect(forward('efficientnet_b3()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 28445592, savedWithInput: 28543896 })
  })
})

describe('efficientnet_b4', () => {
  it('has torchvision\'s 19,341,616 parameters in 418 tensors and 125,296 buffer elements', () => {
    expect(counts('efficientnet_b4()')).toEqual({ class: 'EfficientNet', params: 19341616, paramTensors: 418, buffers: 125296, bufferBytes: 501568, bufferTensors: 288 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_b4()', 'parameter', [0, 1, 139, 209, 416, 417])).toEqual([
      'features.0.0.weight [48,3,3,3]',
      'features.0.1.weight [48]',
      'features.4.0.block.3.1.bias [112]',
      'features.5.0.block.1.1.weight [672]',
      'classifier.1.weight [1000,1792]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_b4()', 'buffer', [0, 144, 287])).toEqual([
      'features.0.1.running_mean [48]',
      'features.5.0.block.1.1.running_mean [672]',
      'features.8.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_b4() on 2×3×64×64: output (2, 1000), saves 37,641,224 bytes for backward', () => {
    expect(forward('efficientnet_b4()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 37641224, savedWithInput: 37739528 })
  })
})

describe('efficientnet_b5', () => {
  it('has torchvision\'s 30,389,784 parameters in 506 tensors and 172,852 buffer elements', () => {
    expect(counts('efficientnet_b5()')).toEqual({ class: 'EfficientNet', params: 30389784, paramTensors: 506, buffers: 172852, bufferBytes: 691872, bufferTensors: 348 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_b5()', 'parameter', [0, 1, 168, 253, 504, 505])).toEqual([
      'features.0.0.weight [48,3,3,3]',
      'features.0.1.weight [48]',
      'features.4.0.block.1.1.bias [384]',
      'features.4.6.block.3.1.bias [128]',
      'classifier.1.weight [1000,2048]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_b5()', 'buffer', [0, 174, 347])).toEqual([
      'features.0.1.running_mean [48]',
      'features.5.0.block.0.1.running_mean [768]',
      'features.8.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_b5() on 2×3×64×64: output (2, 1000), saves 51,862,528 bytes for backward', () => {
    expect(forward('efficientnet_b5()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 51862528, savedWithInput: 51960832 })
  })
})

describe('efficientnet_b6', () => {
  it('has torchvision\'s 43,040,704 parameters in 584 tensors and 224,566 buffer elements', () => {
    expect(counts('efficientnet_b6()')).toEqual({ class: 'EfficientNet', params: 43040704, paramTensors: 584, buffers: 224566, bufferBytes: 898800, bufferTensors: 402 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_b6()', 'parameter', [0, 1, 194, 292, 582, 583])).toEqual([
      'features.0.0.weight [56,3,3,3]',
      'features.0.1.weight [56]',
      'features.4.0.block.1.1.bias [432]',
      'features.4.7.block.3.1.bias [144]',
      'classifier.1.weight [1000,2304]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_b6()', 'buffer', [0, 201, 401])).toEqual([
      'features.0.1.running_mean [56]',
      'features.5.0.block.0.1.running_mean [864]',
      'features.8.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_b6() on 2×3×64×64: output (2, 1000), saves 66,416,496 bytes for backward', () => {
    expect(forward('efficientnet_b6()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 66416496, savedWithInput: 66514800 })
  })
})

describe('efficientnet_b7', () => {
  it('has torchvision\'s 66,347,960 parameters in 711 tensors and 310,883 buffer elements', () => {
    expect(counts('efficientnet_b7()')).toEqual({ class: 'EfficientNet', params: 66347960, paramTensors: 711, buffers: 310883, bufferBytes: 1244184, bufferTensors: 489 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_b7()', 'parameter', [0, 1, 237, 355, 709, 710])).toEqual([
      'features.0.0.weight [64,3,3,3]',
      'features.0.1.weight [64]',
      'features.4.0.block.3.1.bias [160]',
      'features.5.0.block.0.0.weight [960,160,1,1]',
      'classifier.1.weight [1000,2560]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_b7()', 'buffer', [0, 244, 488])).toEqual([
      'features.0.1.running_mean [64]',
      'features.5.0.block.0.1.running_var [960]',
      'features.8.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_b7() on 2×3×64×64: output (2, 1000), saves 89,175,936 bytes for backward', () => {
    expect(forward('efficientnet_b7()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 89175936, savedWithInput: 89274240 })
  })
})

describe('efficientnet_v2_s', () => {
  it('has torchvision\'s 21,458,488 parameters in 452 tensors and 153,982 buffer elements', () => {
    expect(counts('efficientnet_v2_s()')).toEqual({ class: 'EfficientNet', params: 21458488, paramTensors: 452, buffers: 153982, bufferBytes: 616368, bufferTensors: 330 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_v2_s()', 'parameter', [0, 1, 150, 226, 450, 451])).toEqual([
      'features.0.0.weight [24,3,3,3]',
      'features.0.1.weight [24]',
      'features.5.1.block.0.1.bias [960]',
      'features.5.7.block.0.0.weight [960,160,1,1]',
      'classifier.1.weight [1000,1280]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_v2_s()', 'buffer', [0, 165, 329])).toEqual([
      'features.0.1.running_mean [24]',
      'features.5.6.block.0.1.running_mean [960]',
      'features.7.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_v2_s() on 1×3×96×96: output (1, 1000), saves 29,089,928 bytes for backward', () => {
    expect(forward('efficientnet_v2_s()', '1,3,96,96')).toEqual({ output: [1, 1000], saved: 29089928, savedWithInput: 29200520 })
  })
  it('runs efficientnet_v2_s() on 2×3×64×64: output (2, 1000), saves 26,250,448 bytes for backward', () => {
    expect(forward('efficientnet_v2_s()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 26250448, savedWithInput: 26348752 })
  })
})

describe('efficientnet_v2_m', () => {
  it('has torchvision\'s 54,139,356 parameters in 649 tensors and 292,189 buffer elements', () => {
    expect(counts('efficientnet_v2_m()')).toEqual({ class: 'EfficientNet', params: 54139356, paramTensors: 649, buffers: 292189, bufferBytes: 1169384, bufferTensors: 471 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_v2_m()', 'parameter', [0, 1, 216, 324, 647, 648])).toEqual([
      'features.0.0.weight [24,3,3,3]',
      'features.0.1.weight [24]',
      'features.5.4.block.0.1.weight [1056]',
      'features.5.12.block.1.1.bias [1056]',
      'classifier.1.weight [1000,1280]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_v2_m()', 'buffer', [0, 235, 470])).toEqual([
      'features.0.1.running_mean [24]',
      'features.5.11.block.0.1.running_var [1056]',
      'features.8.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_v2_m() on 2×3×64×64: output (2, 1000), saves 43,053,904 bytes for backward', () => {
    expect(forward('efficientnet_v2_m()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 43053904, savedWithInput: 43152208 })
  })
})

describe('efficientnet_v2_l', () => {
  it('has torchvision\'s 118,515,272 parameters in 897 tensors and 512,793 buffer elements', () => {
    expect(counts('efficientnet_v2_l()')).toEqual({ class: 'EfficientNet', params: 118515272, paramTensors: 897, buffers: 512793, bufferBytes: 2052040, bufferTensors: 651 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('efficientnet_v2_l()', 'parameter', [0, 1, 299, 448, 895, 896])).toEqual([
      'features.0.0.weight [32,3,3,3]',
      'features.0.1.weight [32]',
      'features.5.5.block.1.1.bias [1344]',
      'features.5.16.block.3.1.weight [224]',
      'classifier.1.weight [1000,1280]',
      'classifier.1.bias [1000]',
    ])
    expect(names('efficientnet_v2_l()', 'buffer', [0, 325, 650])).toEqual([
      'features.0.1.running_mean [32]',
      'features.5.15.block.0.1.running_var [1344]',
      'features.8.1.num_batches_tracked []',
    ])
  })
  it('runs efficientnet_v2_l() on 2×3×64×64: output (2, 1000), saves 75,639,616 bytes for backward', () => {
    expect(forward('efficientnet_v2_l()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 75639616, savedWithInput: 75737920 })
  })
})
