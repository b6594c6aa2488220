import { describe, expect, it } from 'vitest'
import { counts, forward, names } from '../../../test/torchvision.js'

describe('mnasnet0_5', () => {
  it('has torchvision\'s 2,218,512 parameters in 158 tensors and 20,676 buffer elements', () => {
    expect(counts('mnasnet0_5()')).toEqual({ class: 'MNASNet', params: 2218512, paramTensors: 158, buffers: 20676, bufferBytes: 82912, bufferTensors: 156 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('mnasnet0_5()', 'parameter', [0, 1, 52, 79, 156, 157])).toEqual([
      'layers.0.weight [16,3,3,3]',
      'layers.1.weight [16]',
      'layers.9.1.layers.7.weight [24]',
      'layers.10.1.layers.7.weight [40]',
      'classifier.1.weight [1000,1280]',
      'classifier.1.bias [1000]',
    ])
    expect(names('mnasnet0_5()', 'buffer', [0, 78, 155])).toEqual([
      'layers.1.running_mean [16]',
      'layers.10.1.layers.7.running_mean [40]',
      'layers.15.num_batches_tracked []',
    ])
  })
  it('runs mnasnet0_5() on 2×3×64×64: output (2, 1000), saves 4,106,816 bytes for backward', () => {
    expect(forward('mnasnet0_5()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 4106816, savedWithInput: 4205120 })
  })
})

describe('mnasnet0_75', () => {
  it('has torchvision\'s 3,170,208 parameters in 158 tensors and 29,860 buffer elements', () => {
    expect(counts('mnasnet0_75()')).toEqual({ class: 'MNASNet', params: 3170208, paramTensors: 158, buffers: 29860, bufferBytes: 119648, bufferTensors: 156 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('mnasnet0_75()', 'parameter', [0, 1, 52, 79, 156, 157])).toEqual([
      'layers.0.weight [24,3,3,3]',
      'layers.1.weight [24]',
      'layers.9.1.layers.7.weight [32]',
      'layers.10.1.layers.7.weight [64]',
      'classifier.1.weight [1000,1280]',
      'classifier.1.bias [1000]',
    ])
    expect(names('mnasnet0_75()', 'buffer', [0, 78, 155])).toEqual([
      'layers.1.running_mean [24]',
      'layers.10.1.layers.7.running_mean [64]',
      'layers.15.num_batches_tracked []',
    ])
  })
  it('runs mnasnet0_75() on 2×3×64×64: output (2, 1000), saves 6,363,584 bytes for backward', () => {
    expect(forward('mnasnet0_75()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 6363584, savedWithInput: 6461888 })
  })
})

describe('mnasnet1_0', () => {
  it('has torchvision\'s 4,383,312 parameters in 158 tensors and 37,972 buffer elements', () => {
    expect(counts('mnasnet1_0()')).toEqual({ class: 'MNASNet', params: 4383312, paramTensors: 158, buffers: 37972, bufferBytes: 152096, bufferTensors: 156 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('mnasnet1_0()', 'parameter', [0, 1, 52, 79, 156, 157])).toEqual([
      'layers.0.weight [32,3,3,3]',
      'layers.1.weight [32]',
      'layers.9.1.layers.7.weight [40]',
      'layers.10.1.layers.7.weight [80]',
      'classifier.1.weight [1000,1280]',
      'classifier.1.bias [1000]',
    ])
    expect(names('mnasnet1_0()', 'buffer', [0, 78, 155])).toEqual([
      'layers.1.running_mean [32]',
      'layers.10.1.layers.7.running_mean [80]',
      'layers.15.num_batches_tracked []',
    ])
  })
  it('runs mnasnet1_0() on 1×3×96×96: output (1, 1000), saves 8,179,840 bytes for backward', () => {
    expect(forward('mnasnet1_0()', '1,3,96,96')).toEqual({ output: [1, 1000], saved: 8179840, savedWithInput: 8290432 })
  })
  it('runs mnasnet1_0() on 2×3×64×64: output (2, 1000), saves 7,299,200 bytes for backward', () => {
    expect(forward('mnasnet1_0()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 7299200, savedWithInput: 7397504 })
  })
})

describe('mnasnet1_3', () => {
  it('has torchvision\'s 6,282,256 parameters in 158 tensors and 48,868 buffer elements', () => {
    expect(counts('mnasnet1_3()')).toEqual({ class: 'MNASNet', params: 6282256, paramTensors: 158, buffers: 48868, bufferBytes: 195680, bufferTensors: 156 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('mnasnet1_3()', 'parameter', [0, 1, 52, 79, 156, 157])).toEqual([
      'layers.0.weight [40,3,3,3]',
      'layers.1.weight [40]',
      'layers.9.1.layers.7.weight [56]',
      'layers.10.1.layers.7.weight [104]',
      'classifier.1.weight [1000,1280]',
      'classifier.1.bias [1000]',
    ])
    expect(names('mnasnet1_3()', 'buffer', [0, 78, 155])).toEqual([
      'layers.1.running_mean [40]',
      'layers.10.1.layers.7.running_mean [104]',
      'layers.15.num_batches_tracked []',
    ])
  })
  it('runs mnasnet1_3() on 2×3×64×64: output (2, 1000), saves 9,818,816 bytes for backward', () => {
    expect(forward('mnasnet1_3()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 9818816, savedWithInput: 9917120 })
  })
})
