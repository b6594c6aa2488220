import { describe, expect, it } from 'vitest'
import { counts, forward, names } from '../../../test/torchvision.js'

describe('alexnet', () => {
  it('has torchvision\'s 61,100,840 parameters in 16 tensors and 0 buffer elements', () => {
    expect(counts('alexnet()')).toEqual({ class: 'AlexNet', params: 61100840, paramTensors: 16, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('alexnet()', 'parameter', [0, 1, 5, 8, 14, 15])).toEqual([
      'features.0.weight [64,3,11,11]',
      'features.0.bias [64]',
      'features.6.bias [384]',
      'features.10.weight [256,256,3,3]',
      'classifier.6.weight [1000,4096]',
      'classifier.6.bias [1000]',
    ])
  })
  it('runs alexnet() on 1×3×224×224: output (1, 1000), saves 3,139,072 bytes for backward', () => {
    expect(forward('alexnet()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 3139072, savedWithInput: 3741184 })
  })
  it('runs alexnet(num_classes=10) on 2×3×128×128: output (2, 10), saves 2,094,080 bytes for backward', () => {
    expect(forward('alexnet(num_classes=10)', '2,3,128,128')).toEqual({ output: [2, 10], saved: 2094080, savedWithInput: 2487296 })
  })
  it('runs alexnet() on 2×3×64×64: output (2, 1000), saves 656,384 bytes for backward', () => {
    expect(forward('alexnet()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 656384, savedWithInput: 754688 })
  })
})
