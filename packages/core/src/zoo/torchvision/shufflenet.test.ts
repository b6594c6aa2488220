import { describe, expect, it } from 'vitest'
import { counts, forward, names } from '../../../test/torchvision.js'

describe('shufflenet_v2_x0_5', () => {
  it('has torchvision\'s 1,366,792 parameters in 170 tensors and 8,008 buffer elements', () => {
    expect(counts('shufflenet_v2_x0_5()')).toEqual({ class: 'ShuffleNetV2', params: 1366792, paramTensors: 170, buffers: 8008, bufferBytes: 32256, bufferTensors: 168 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('shufflenet_v2_x0_5()', 'parameter', [0, 1, 56, 85, 168, 169])).toEqual([
      'conv1.0.weight [24,3,3,3]',
      'conv1.1.weight [24]',
      'stage3.0.branch2.4.bias [48]',
      'stage3.3.branch2.6.weight [48]',
      'fc.weight [1000,1024]',
      'fc.bias [1000]',
    ])
    expect(names('shufflenet_v2_x0_5()', 'buffer', [0, 84, 167])).toEqual([
      'conv1.1.running_mean [24]',
      'stage3.3.branch2.6.running_mean [48]',
      'conv5.1.num_batches_tracked []',
    ])
  })
  it('runs shufflenet_v2_x0_5() on 1×3×224×224: output (1, 1000), saves 10,485,056 bytes for backward', () => {
    expect(forward('shufflenet_v2_x0_5()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 10485056, savedWithInput: 11087168 })
  })
  it('runs shufflenet_v2_x0_5() on 2×3×64×64: output (2, 1000), saves 1,745,984 bytes for backward', () => {
    expect(forward('shufflenet_v2_x0_5()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 1745984, savedWithInput: 1844288 })
  })
})

describe('shufflenet_v2_x1_0', () => {
  it('has torchvision\'s 2,278,604 parameters in 170 tensors and 16,236 buffer elements', () => {
    expect(counts('shufflenet_v2_x1_0()')).toEqual({ class: 'ShuffleNetV2', params: 2278604, paramTensors: 170, buffers: 16236, bufferBytes: 65168, bufferTensors: 168 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('shufflenet_v2_x1_0()', 'parameter', [0, 1, 56, 85, 168, 169])).toEqual([
      'conv1.0.weight [24,3,3,3]',
      'conv1.1.weight [24]',
      'stage3.0.branch2.4.bias [116]',
      'stage3.3.branch2.6.weight [116]',
      'fc.weight [1000,1024]',
      'fc.bias [1000]',
    ])
    expect(names('shufflenet_v2_x1_0()', 'buffer', [0, 84, 167])).toEqual([
      'conv1.1.running_mean [24]',
      'stage3.3.branch2.6.running_mean [116]',
      'conv5.1.num_batches_tracked []',
    ])
  })
  it('runs shufflenet_v2_x1_0() on 2×3×64×64: output (2, 1000), saves 3,302,096 bytes for backward', () => {
    expect(forward('shufflenet_v2_x1_0()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 3302096, savedWithInput: 3400400 })
  })
})

describe('shufflenet_v2_x1_5', () => {
  it('has torchvision\'s 3,503,624 parameters in 170 tensors and 23,496 buffer elements', () => {
    expect(counts('shufflenet_v2_x1_5()')).toEqual({ class: 'ShuffleNetV2', params: 3503624, paramTensors: 170, buffers: 23496, bufferBytes: 94208, bufferTensors: 168 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('shufflenet_v2_x1_5()', 'parameter', [0, 1, 56, 85, 168, 169])).toEqual([
      'conv1.0.weight [24,3,3,3]',
      'conv1.1.weight [24]',
      'stage3.0.branch2.4.bias [176]',
      'stage3.3.branch2.6.weight [176]',
      'fc.weight [1000,1024]',
      'fc.bias [1000]',
    ])
    expect(names('shufflenet_v2_x1_5()', 'buffer', [0, 84, 167])).toEqual([
      'conv1.1.running_mean [24]',
      'stage3.3.branch2.6.running_mean [176]',
      'conv5.1.num_batches_tracked []',
    ])
  })
  it('runs shufflenet_v2_x1_5() on 2×3×64×64: output (2, 1000), saves 4,675,136 bytes for backward', () => {
    expect(forward('shufflenet_v2_x1_5()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 4675136, savedWithInput: 4773440 })
  })
})

describe('shufflenet_v2_x2_0', () => {
  it('has torchvision\'s 7,393,996 parameters in 170 tensors and 33,772 buffer elements', () => {
    expect(counts('shufflenet_v2_x2_0()')).toEqual({ class: 'ShuffleNetV2', params: 7393996, paramTensors: 170, buffers: 33772, bufferBytes: 135312, bufferTensors: 168 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('shufflenet_v2_x2_0()', 'parameter', [0, 1, 56, 85, 168, 169])).toEqual([
      'conv1.0.weight [24,3,3,3]',
      'conv1.1.weight [24]',
      'stage3.0.branch2.4.bias [244]',
      'stage3.3.branch2.6.weight [244]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('shufflenet_v2_x2_0()', 'buffer', [0, 84, 167])).toEqual([
      'conv1.1.running_mean [24]',
      'stage3.3.branch2.6.running_mean [244]',
      'conv5.1.num_batches_tracked []',
    ])
  })
  it('runs shufflenet_v2_x2_0() on 2×3×64×64: output (2, 1000), saves 6,313,168 bytes for backward', () => {
    expect(forward('shufflenet_v2_x2_0()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 6313168, savedWithInput: 6411472 })
  })
})
