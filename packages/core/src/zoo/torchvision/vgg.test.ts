import { describe, expect, it } from 'vitest'
import { counts, forward, names } from '../../../test/torchvision.js'

describe('vgg11', () => {
  it('has torchvision\'s 132,863,336 parameters in 22 tensors and 0 buffer elements', () => {
    expect(counts('vgg11()')).toEqual({ class: 'VGG', params: 132863336, paramTensors: 22, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vgg11()', 'parameter', [0, 1, 7, 11, 20, 21])).toEqual([
      'features.0.weight [64,3,3,3]',
      'features.0.bias [64]',
      'features.8.bias [256]',
      'features.13.bias [512]',
      'classifier.6.weight [1000,4096]',
      'classifier.6.bias [1000]',
    ])
  })
  it('runs vgg11() on 2×3×64×64: output (2, 1000), saves 8,245,248 bytes for backward', () => {
    expect(forward('vgg11()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 8245248, savedWithInput: 8343552 })
  })
})

describe('vgg11_bn', () => {
  it('has torchvision\'s 132,868,840 parameters in 38 tensors and 5,512 buffer elements', () => {
    expect(counts('vgg11_bn()')).toEqual({ class: 'VGG', params: 132868840, paramTensors: 38, buffers: 5512, bufferBytes: 22080, bufferTensors: 24 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vgg11_bn()', 'parameter', [0, 1, 12, 19, 36, 37])).toEqual([
      'features.0.weight [64,3,3,3]',
      'features.0.bias [64]',
      'features.11.weight [256,256,3,3]',
      'features.16.bias [512]',
      'classifier.6.weight [1000,4096]',
      'classifier.6.bias [1000]',
    ])
    expect(names('vgg11_bn()', 'buffer', [0, 12, 23])).toEqual([
      'features.1.running_mean [64]',
      'features.16.running_mean [512]',
      'features.26.num_batches_tracked []',
    ])
  })
  it('runs vgg11_bn() on 1×3×64×64: output (1, 1000), saves 6,569,472 bytes for backward', () => {
    expect(forward('vgg11_bn()', '1,3,64,64')).toEqual({ output: [1, 1000], saved: 6569472, savedWithInput: 6618624 })
  })
  it('runs vgg11_bn() on 2×3×64×64: output (2, 1000), saves 13,116,928 bytes for backward', () => {
    expect(forward('vgg11_bn()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 13116928, savedWithInput: 13215232 })
  })
})

describe('vgg13', () => {
  it('has torchvision\'s 133,047,848 parameters in 26 tensors and 0 buffer elements', () => {
    expect(counts('vgg13()')).toEqual({ class: 'VGG', params: 133047848, paramTensors: 26, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vgg13()', 'parameter', [0, 1, 8, 13, 24, 25])).toEqual([
      'features.0.weight [64,3,3,3]',
      'features.0.bias [64]',
      'features.10.weight [256,128,3,3]',
      'features.15.bias [512]',
      'classifier.6.weight [1000,4096]',
      'classifier.6.bias [1000]',
    ])
  })
  it('runs vgg13() on 2×3×64×64: output (2, 1000), saves 11,390,976 bytes for backward', () => {
    expect(forward('vgg13()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 11390976, savedWithInput: 11489280 })
  })
})

describe('vgg13_bn', () => {
  it('has torchvision\'s 133,053,736 parameters in 46 tensors and 5,898 buffer elements', () => {
    expect(counts('vgg13_bn()')).toEqual({ class: 'VGG', params: 133053736, paramTensors: 46, buffers: 5898, bufferBytes: 23632, bufferTensors: 30 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vgg13_bn()', 'parameter', [0, 1, 15, 23, 44, 45])).toEqual([
      'features.0.weight [64,3,3,3]',
      'features.0.bias [64]',
      'features.11.bias [128]',
      'features.18.bias [256]',
      'classifier.6.weight [1000,4096]',
      'classifier.6.bias [1000]',
    ])
    expect(names('vgg13_bn()', 'buffer', [0, 15, 29])).toEqual([
      'features.1.running_mean [64]',
      'features.18.running_mean [256]',
      'features.32.num_batches_tracked []',
    ])
  })
  it('runs vgg13_bn() on 2×3×64×64: output (2, 1000), saves 19,409,920 bytes for backward', () => {
    expect(forward('vgg13_bn()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 19409920, savedWithInput: 19508224 })
  })
})

describe('vgg16', () => {
  it('has torchvision\'s 138,357,544 parameters in 32 tensors and 0 buffer elements', () => {
    expect(counts('vgg16()')).toEqual({ class: 'VGG', params: 138357544, paramTensors: 32, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vgg16()', 'parameter', [0, 1, 10, 16, 30, 31])).toEqual([
      'features.0.weight [64,3,3,3]',
      'features.0.bias [64]',
      'features.12.weight [256,256,3,3]',
      'features.19.weight [512,512,3,3]',
      'classifier.6.weight [1000,4096]',
      'classifier.6.bias [1000]',
    ])
  })
  it('runs vgg16(num_classes=10) on 1×3×32×32: output (1, 10), saves 1,679,360 bytes for backward', () => {
    expect(forward('vgg16(num_classes=10)', '1,3,32,32')).toEqual({ output: [1, 10], saved: 1679360, savedWithInput: 1691648 })
  })
  it('runs vgg16() on 2×3×64×64: output (2, 1000), saves 12,242,944 bytes for backward', () => {
    expect(forward('vgg16()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 12242944, savedWithInput: 12341248 })
  })
})

describe('vgg16_bn', () => {
  it('has torchvision\'s 138,365,992 parameters in 58 tensors and 8,461 buffer elements', () => {
    expect(counts('vgg16_bn()')).toEqual({ class: 'VGG', params: 138365992, paramTensors: 58, buffers: 8461, bufferBytes: 33896, bufferTensors: 39 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vgg16_bn()', 'parameter', [0, 1, 19, 29, 56, 57])).toEqual([
      'features.0.weight [64,3,3,3]',
      'features.0.bias [64]',
      'features.15.bias [256]',
      'features.24.bias [512]',
      'classifier.6.weight [1000,4096]',
      'classifier.6.bias [1000]',
    ])
    expect(names('vgg16_bn()', 'buffer', [0, 19, 38])).toEqual([
      'features.1.running_mean [64]',
      'features.21.running_var [256]',
      'features.41.num_batches_tracked []',
    ])
  })
  it('runs vgg16_bn() on 2×3×64×64: output (2, 1000), saves 21,124,096 bytes for backward', () => {
    expect(forward('vgg16_bn()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 21124096, savedWithInput: 21222400 })
  })
})

describe('vgg19', () => {
  it('has torchvision\'s 143,667,240 parameters in 38 tensors and 0 buffer elements', () => {
    expect(counts('vgg19()')).toEqual({ class: 'VGG', params: 143667240, paramTensors: 38, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vgg19()', 'parameter', [0, 1, 12, 19, 36, 37])).toEqual([
      'features.0.weight [64,3,3,3]',
      'features.0.bias [64]',
      'features.14.weight [256,256,3,3]',
      'features.21.bias [512]',
      'classifier.6.weight [1000,4096]',
      'classifier.6.bias [1000]',
    ])
  })
  it('runs vgg19() on 2×3×64×64: output (2, 1000), saves 13,094,912 bytes for backward', () => {
    expect(forward('vgg19()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 13094912, savedWithInput: 13193216 })
  })
})

describe('vgg19_bn', () => {
  it('has torchvision\'s 143,678,248 parameters in 70 tensors and 11,024 buffer elements', () => {
    expect(counts('vgg19_bn()')).toEqual({ class: 'VGG', params: 143678248, paramTensors: 70, buffers: 11024, bufferBytes: 44160, bufferTensors: 48 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vgg19_bn()', 'parameter', [0, 1, 23, 35, 68, 69])).toEqual([
      'features.0.weight [64,3,3,3]',
      'features.0.bias [64]',
      'features.18.bias [256]',
      'features.28.bias [512]',
      'classifier.6.weight [1000,4096]',
      'classifier.6.bias [1000]',
    ])
    expect(names('vgg19_bn()', 'buffer', [0, 24, 47])).toEqual([
      'features.1.running_mean [64]',
      'features.28.running_mean [512]',
      'features.50.num_batches_tracked []',
    ])
  })
  it('runs vgg19_bn() on 2×3×64×64: output (2, 1000), saves 22,838,272 bytes for backward', () => {
    expect(forward('vgg19_bn()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 22838272, savedWithInput: 22936576 })
  })
})
