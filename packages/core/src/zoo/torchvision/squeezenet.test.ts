import { describe, expect, it } from 'vitest'
import { counts, forward, names } from '../../../test/torchvision.js'

describe('squeezenet1_0', () => {
  it('has torchvision\'s 1,248,424 parameters in 52 tensors and 0 buffer elements', () => {
    expect(counts('squeezenet1_0()')).toEqual({ class: 'SqueezeNet', params: 1248424, paramTensors: 52, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('squeezenet1_0()', 'parameter', [0, 1, 17, 26, 50, 51])).toEqual([
      'features.0.weight [96,3,7,7]',
      'features.0.bias [96]',
      'features.5.expand1x1.bias [128]',
      'features.8.squeeze.weight [48,256,1,1]',
      'classifier.1.weight [1000,512,1,1]',
      'classifier.1.bias [1000]',
    ])
  })
  it('runs squeezenet1_0() on 2×3×96×96: output (2, 1000), saves 11,613,248 bytes for backward', () => {
    expect(forward('squeezenet1_0()', '2,3,96,96')).toEqual({ output: [2, 1000], saved: 11613248, savedWithInput: 11834432 })
  })
  it('runs squeezenet1_0() on 2×3×64×64: output (2, 1000), saves 4,681,792 bytes for backward', () => {
    expect(forward('squeezenet1_0()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 4681792, savedWithInput: 4780096 })
  })
})

describe('squeezenet1_1', () => {
  it('has torchvision\'s 1,235,496 parameters in 52 tensors and 0 buffer elements', () => {
    expect(counts('squeezenet1_1()')).toEqual({ class: 'SqueezeNet', params: 1235496, paramTensors: 52, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('squeezenet1_1()', 'parameter', [0, 1, 17, 26, 50, 51])).toEqual([
      'features.0.weight [64,3,3,3]',
      'features.0.bias [64]',
      'features.6.expand1x1.bias [128]',
      'features.9.squeeze.weight [48,256,1,1]',
      'classifier.1.weight [1000,512,1,1]',
      'classifier.1.bias [1000]',
    ])
  })
  it('runs squeezenet1_1() on 1×3×224×224: output (1, 1000), saves 20,467,616 bytes for backward', () => {
    expect(forward('squeezenet1_1()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 20467616, savedWithInput: 21069728 })
  })
  it('runs squeezenet1_1(num_classes=10) on 1×3×64×64: output (1, 10), saves 1,380,456 bytes for backward', () => {
    expect(forward('squeezenet1_1(num_classes=10)', '1,3,64,64')).toEqual({ output: [1, 10], saved: 1380456, savedWithInput: 1429608 })
  })
  it('runs squeezenet1_1() on 2×3×64×64: output (2, 1000), saves 2,832,192 bytes for backward', () => {
    expect(forward('squeezenet1_1()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 2832192, savedWithInput: 2930496 })
  })
})
