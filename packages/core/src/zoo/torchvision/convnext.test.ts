import { describe, expect, it } from 'vitest'
import { counts, forward, names } from '../../../test/torchvision.js'

describe('convnext_tiny', () => {
  it('has torchvision\'s 28,589,128 parameters in 182 tensors and 0 buffer elements', () => {
    expect(counts('convnext_tiny()')).toEqual({ class: 'ConvNeXt', params: 28589128, paramTensors: 182, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('convnext_tiny()', 'parameter', [0, 1, 60, 91, 180, 181])).toEqual([
      'features.0.0.weight [96,3,4,4]',
      'features.0.0.bias [96]',
      'features.3.2.block.5.weight [192,768]',
      'features.5.2.block.5.weight [384,1536]',
      'classifier.2.weight [1000,768]',
      'classifier.2.bias [1000]',
    ])
  })
  it('runs convnext_tiny() on 1×3×224×224: output (1, 1000), saves 108,704,292 bytes for backward', () => {
    expect(forward('convnext_tiny()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 108704292, savedWithInput: 109306404 })
  })
  it('runs convnext_tiny(stochastic_depth_prob=0.0) on 2×3×64×64: output (2, 1000), saves 17,758,928 bytes for backward', () => {
    expect(forward('convnext_tiny(stochastic_depth_prob=0.0)', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 17758928, savedWithInput: 17857232 })
  })
  it('runs convnext_tiny(num_classes=10) on 1×3×32×32: output (1, 10), saves 2,224,548 bytes for backward', () => {
    expect(forward('convnext_tiny(num_classes=10)', '1,3,32,32')).toEqual({ output: [1, 10], saved: 2224548, savedWithInput: 2236836 })
  })
  it('runs convnext_tiny() on 2×3×64×64: output (2, 1000), saves 17,759,064 bytes for backward', () => {
    expect(forward('convnext_tiny()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 17759064, savedWithInput: 17857368 })
  })
})

describe('convnext_small', () => {
  it('has torchvision\'s 50,223,688 parameters in 344 tensors and 0 buffer elements', () => {
    expect(counts('convnext_small()')).toEqual({ class: 'ConvNeXt', params: 50223688, paramTensors: 344, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('convnext_small()', 'parameter', [0, 1, 114, 172, 342, 343])).toEqual([
      'features.0.0.weight [96,3,4,4]',
      'features.0.0.bias [96]',
      'features.5.5.block.2.weight [384]',
      'features.5.11.block.5.weight [384,1536]',
      'classifier.2.weight [1000,768]',
      'classifier.2.bias [1000]',
    ])
  })
  it('runs convnext_small() on 2×3×64×64: output (2, 1000), saves 28,380,648 bytes for backward', () => {
    expect(forward('convnext_small()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 28380648, savedWithInput: 28478952 })
  })
})

describe('convnext_base', () => {
  it('has torchvision\'s 88,591,464 parameters in 344 tensors and 0 buffer elements', () => {
    expect(counts('convnext_base()')).toEqual({ class: 'ConvNeXt', params: 88591464, paramTensors: 344, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('convnext_base()', 'parameter', [0, 1, 114, 172, 342, 343])).toEqual([
      'features.0.0.weight [128,3,4,4]',
      'features.0.0.bias [128]',
      'features.5.5.block.2.weight [512]',
      'features.5.11.block.5.weight [512,2048]',
      'classifier.2.weight [1000,1024]',
      'classifier.2.bias [1000]',
    ])
  })
  it('runs convnext_base() on 2×3×64×64: output (2, 1000), saves 37,830,120 bytes for backward', () => {
    expect(forward('convnext_base()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 37830120, savedWithInput: 37928424 })
  })
})

describe('convnext_large', () => {
  it('has torchvision\'s 197,767,336 parameters in 344 tensors and 0 buffer elements', () => {
    expect(counts('convnext_large()')).toEqual({ class: 'ConvNeXt', params: 197767336, paramTensors: 344, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('convnext_large()', 'parameter', [0, 1, 114, 172, 342, 343])).toEqual([
      'features.0.0.weight [192,3,4,4]',
      'features.0.0.bias [192]',
      'features.5.5.block.2.weight [768]',
      'features.5.11.block.5.weight [768,3072]',
      'classifier.2.weight [1000,1536]',
      'classifier.2.bias [1000]',
    ])
  })
  it('runs convnext_large() on 2×3×64×64: output (2, 1000), saves 56,729,064 bytes for backward', () => {
    expect(forward('convnext_large()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 56729064, savedWithInput: 56827368 })
  })
})
