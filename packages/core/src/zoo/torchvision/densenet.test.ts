import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { counts, failure, forward, names } from '../../../test/torchvision.js'

describe('densenet121', () => {
  it('has torchvision\'s 7,978,856 parameters in 364 tensors and 83,769 buffer elements', () => {
    expect(counts('densenet121()')).toEqual({ class: 'DenseNet', params: 7978856, paramTensors: 364, buffers: 83769, bufferBytes: 335560, bufferTensors: 363 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('densenet121()', 'parameter', [0, 1, 121, 182, 362, 363])).toEqual([
      'features.conv0.weight [64,3,7,7]',
      'features.norm0.weight [64]',
      'features.denseblock3.denselayer1.norm2.bias [128]',
      'features.denseblock3.denselayer11.conv2.weight [32,128,3,3]',
      'classifier.weight [1000,1024]',
      'classifier.bias [1000]',
    ])
    expect(names('densenet121()', 'buffer', [0, 181, 362])).toEqual([
      'features.norm0.running_mean [64]',
      'features.denseblock3.denselayer11.norm2.running_var [128]',
      'features.norm5.num_batches_tracked []',
    ])
  })
  it('runs densenet121() on 1×3×64×64: output (1, 1000), saves 10,930,944 bytes for backward', () => {
    expect(forward('densenet121()', '1,3,64,64')).toEqual({ output: [1, 1000], saved: 10930944, savedWithInput: 10980096 })
  })
  it('runs densenet121(memory_efficient=True) on 1×3×64×64: output (1, 1000), saves 5,171,200 bytes for backward', () => {
    expect(forward('densenet121(memory_efficient=True)', '1,3,64,64')).toEqual({ output: [1, 1000], saved: 5171200, savedWithInput: 5220352 })
    // FlopCounterMode, PyTorch 2.13 and torchvision 0.28: 464,601,088 with and without memory_efficient (the
    // checkpointed bottleneck's 1×1 convolution runs in the forward pass).
    expect(analyze('densenet121(memory_efficient=True)', { input: '1,3,64,64', device: 'cpu' }).forward!.flopCounter.total).toBe(464601088n)
  })
  it('runs densenet121(drop_rate=0.2) on 1×3×64×64: output (1, 1000), saves 11,283,200 bytes for backward', () => {
    expect(forward('densenet121(drop_rate=0.2)', '1,3,64,64')).toEqual({ output: [1, 1000], saved: 11283200, savedWithInput: 11332352 })
  })
  it('runs densenet121() on 2×3×32×32: output (2, 1000), saves 5,638,912 bytes for backward', () => {
    expect(forward('densenet121()', '2,3,32,32')).toEqual({ output: [2, 1000], saved: 5638912, savedWithInput: 5663488 })
  })
  it('runs densenet121() on 2×3×64×64: output (2, 1000), saves 21,527,296 bytes for backward', () => {
    expect(forward('densenet121()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 21527296, savedWithInput: 21625600 })
  })
  it('rejects a drop rate outside [0, 1]', () => {
    expect(failure('densenet121(drop_rate=2)').message).toBe('dropout probability has to be between 0 and 1, but got 2.')
  })
})

describe('densenet161', () => {
  it('has torchvision\'s 28,681,000 parameters in 484 tensors and 220,097 buffer elements', () => {
    expect(counts('densenet161()')).toEqual({ class: 'DenseNet', params: 28681000, paramTensors: 484, buffers: 220097, bufferBytes: 881032, bufferTensors: 483 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('densenet161()', 'parameter', [0, 1, 161, 242, 482, 483])).toEqual([
      'features.conv0.weight [96,3,7,7]',
      'features.norm0.weight [96]',
      'features.denseblock3.denselayer8.conv1.weight [192,720,1,1]',
      'features.denseblock3.denselayer21.conv2.weight [48,192,3,3]',
      'classifier.weight [1000,2208]',
      'classifier.bias [1000]',
    ])
    expect(names('densenet161()', 'buffer', [0, 241, 482])).toEqual([
      'features.norm0.running_mean [96]',
      'features.denseblock3.denselayer21.norm2.running_var [192]',
      'features.norm5.num_batches_tracked []',
    ])
  })
  it('runs densenet161() on 2×3×64×64: output (2, 1000), saves 40,434,048 bytes for backward', () => {
    expect(forward('densenet161()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 40434048, savedWithInput: 40532352 })
  })
})

describe('densenet169', () => {
  it('has torchvision\'s 14,149,480 parameters in 508 tensors and 158,569 buffer elements', () => {
    expect(counts('densenet169()')).toEqual({ class: 'DenseNet', params: 14149480, paramTensors: 508, buffers: 158569, bufferBytes: 634952, bufferTensors: 507 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('densenet169()', 'parameter', [0, 1, 169, 254, 506, 507])).toEqual([
      'features.conv0.weight [64,3,7,7]',
      'features.norm0.weight [64]',
      'features.denseblock3.denselayer9.norm2.bias [128]',
      'features.denseblock3.denselayer23.conv2.weight [32,128,3,3]',
      'classifier.weight [1000,1664]',
      'classifier.bias [1000]',
    ])
    expect(names('densenet169()', 'buffer', [0, 253, 506])).toEqual([
      'features.norm0.running_mean [64]',
      'features.denseblock3.denselayer23.norm2.running_var [128]',
      'features.norm5.num_batches_tracked []',
    ])
  })
  it('runs densenet169() on 2×3×64×64: output (2, 1000), saves 26,230,528 bytes for backward', () => {
    expect(forward('densenet169()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 26230528, savedWithInput: 26328832 })
  })
})

describe('densenet201', () => {
  it('has torchvision\'s 20,013,928 parameters in 604 tensors and 229,257 buffer elements', () => {
    expect(counts('densenet201()')).toEqual({ class: 'DenseNet', params: 20013928, paramTensors: 604, buffers: 229257, bufferBytes: 917832, bufferTensors: 603 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('densenet201()', 'parameter', [0, 1, 201, 302, 602, 603])).toEqual([
      'features.conv0.weight [64,3,7,7]',
      'features.norm0.weight [64]',
      'features.denseblock3.denselayer15.norm1.weight [704]',
      'features.denseblock3.denselayer31.conv2.weight [32,128,3,3]',
      'classifier.weight [1000,1920]',
      'classifier.bias [1000]',
    ])
    expect(names('densenet201()', 'buffer', [0, 301, 602])).toEqual([
      'features.norm0.running_mean [64]',
      'features.denseblock3.denselayer31.norm2.running_var [128]',
      'features.norm5.num_batches_tracked []',
    ])
  })
  it('runs densenet201() on 2×3×64×64: output (2, 1000), saves 33,969,920 bytes for backward', () => {
    expect(forward('densenet201()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 33969920, savedWithInput: 34068224 })
  })
})
