import { describe, expect, it } from 'vitest'
import { counts, failure, forward, names } from '../../../test/torchvision.js'

describe('mobilenet_v2', () => {
  it('has torchvision\'s 3,504,872 parameters in 158 tensors and 34,164 buffer elements', () => {
    expect(counts('mobilenet_v2()')).toEqual({ class: 'MobileNetV2', params: 3504872, paramTensors: 158, buffers: 34164, bufferBytes: 136864, bufferTensors: 156 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('mobilenet_v2()', 'parameter', [0, 1, 52, 79, 156, 157])).toEqual([
      'features.0.0.weight [32,3,3,3]',
      'features.0.1.weight [32]',
      'features.6.conv.3.weight [32]',
      'features.9.conv.3.weight [64]',
      'classifier.1.weight [1000,1280]',
      'classifier.1.bias [1000]',
    ])
    expect(names('mobilenet_v2()', 'buffer', [0, 78, 155])).toEqual([
      'features.0.1.running_mean [32]',
      'features.9.conv.3.running_mean [64]',
      'features.18.1.num_batches_tracked []',
    ])
  })
  it('runs mobilenet_v2() on 1×3×224×224: output (1, 1000), saves 77,994,752 bytes for backward', () => {
    expect(forward('mobilenet_v2()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 77994752, savedWithInput: 78596864 })
  })
  it('runs mobilenet_v2(width_mult=0.5) on 1×3×96×96: output (1, 1000), saves 7,878,848 bytes for backward', () => {
    expect(forward('mobilenet_v2(width_mult=0.5)', '1,3,96,96')).toEqual({ output: [1, 1000], saved: 7878848, savedWithInput: 7989440 })
  })
  it('runs mobilenet_v2() on 2×3×64×64: output (2, 1000), saves 12,866,816 bytes for backward', () => {
    expect(forward('mobilenet_v2()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 12866816, savedWithInput: 12965120 })
  })
  it('scales its widths with width_mult and round_nearest', () => {
    expect(counts('mobilenet_v2(width_mult=1.4, round_nearest=4)').params).toBe(6093640)
    expect(counts('mobilenet_v2(inverted_residual_setting=[[1, 16, 1, 1], [6, 24, 2, 2]])').params).toBe(1330072)
  })
  it('rejects a width multiplier that is not positive', () => {
    expect(failure('mobilenet_v2(width_mult=0)').message).toBe('`width_mult` must be positive, got 0.')
  })
})

describe('mobilenet_v3_large', () => {
  it('has torchvision\'s 5,483,032 parameters in 174 tensors and 24,446 buffer elements', () => {
    expect(counts('mobilenet_v3_large()')).toEqual({ class: 'MobileNetV3', params: 5483032, paramTensors: 174, buffers: 24446, bufferBytes: 97968, bufferTensors: 138 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('mobilenet_v3_large()', 'parameter', [0, 1, 58, 87, 172, 173])).toEqual([
      'features.0.0.weight [16,3,3,3]',
      'features.0.1.weight [16]',
      'features.6.block.1.1.bias [120]',
      'features.9.block.1.0.weight [184,1,3,3]',
      'classifier.3.weight [1000,1280]',
      'classifier.3.bias [1000]',
    ])
    expect(names('mobilenet_v3_large()', 'buffer', [0, 69, 137])).toEqual([
      'features.0.1.running_mean [16]',
      'features.8.block.2.1.running_mean [80]',
      'features.16.1.num_batches_tracked []',
    ])
  })
  it('runs mobilenet_v3_large() on 2×3×96×96: output (2, 1000), saves 16,268,160 bytes for backward', () => {
    expect(forward('mobilenet_v3_large()', '2,3,96,96')).toEqual({ output: [2, 1000], saved: 16268160, savedWithInput: 16489344 })
  })
  it('runs mobilenet_v3_large(reduced_tail=True,dilated=True,width_mult=0.75) on 2×3×64×64: output (2, 1000), saves 6,410,176 bytes for backward', () => {
    expect(forward('mobilenet_v3_large(reduced_tail=True,dilated=True,width_mult=0.75)', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 6410176, savedWithInput: 6508480 })
  })
  it('runs mobilenet_v3_large() on 2×3×64×64: output (2, 1000), saves 7,364,480 bytes for backward', () => {
    expect(forward('mobilenet_v3_large()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 7364480, savedWithInput: 7462784 })
  })
  it('takes width_mult, reduced_tail and dilated', () => {
    expect(counts('mobilenet_v3_large(reduced_tail=True, dilated=True, width_mult=0.75)').params).toBe(1620728)
  })
})

describe('mobilenet_v3_small', () => {
  it('has torchvision\'s 2,542,856 parameters in 142 tensors and 12,146 buffer elements', () => {
    expect(counts('mobilenet_v3_small()')).toEqual({ class: 'MobileNetV3', params: 2542856, paramTensors: 142, buffers: 12146, bufferBytes: 48720, bufferTensors: 102 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('mobilenet_v3_small()', 'parameter', [0, 1, 47, 71, 140, 141])).toEqual([
      'features.0.0.weight [16,3,3,3]',
      'features.0.1.weight [16]',
      'features.5.block.1.0.weight [240,1,5,5]',
      'features.7.block.0.1.weight [120]',
      'classifier.3.weight [1000,1024]',
      'classifier.3.bias [1000]',
    ])
    expect(names('mobilenet_v3_small()', 'buffer', [0, 51, 101])).toEqual([
      'features.0.1.running_mean [16]',
      'features.6.block.3.1.running_mean [40]',
      'features.12.1.num_batches_tracked []',
    ])
  })
  it('runs mobilenet_v3_small(dilated=True) on 1×3×224×224: output (1, 1000), saves 22,502,816 bytes for backward', () => {
    expect(forward('mobilenet_v3_small(dilated=True)', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 22502816, savedWithInput: 23104928 })
  })
  it('runs mobilenet_v3_small() on 2×3×64×64: output (2, 1000), saves 2,690,304 bytes for backward', () => {
    expect(forward('mobilenet_v3_small()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 2690304, savedWithInput: 2788608 })
  })
})
