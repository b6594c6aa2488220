import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { counts, failure, forward, names } from '../../../test/torchvision.js'

describe('maxvit_t', () => {
  it('has torchvision\'s 30,919,624 parameters in 458 tensors and 100,472 buffer elements', () => {
    expect(counts('maxvit_t()')).toEqual({ class: 'MaxVit', params: 30919624, paramTensors: 458, buffers: 100472, bufferBytes: 613312, bufferTensors: 124 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('maxvit_t()', 'parameter', [0, 1, 152, 229, 456, 457])).toEqual([
      'stem.0.0.weight [64,3,3,3]',
      'stem.0.1.weight [64]',
      'blocks.1.layers.1.layers.window_attention.mlp_layer.1.weight [512,128]',
      'blocks.2.layers.1.layers.window_attention.attn_layer.1.to_qkv.bias [768]',
      'classifier.3.bias [512]',
      'classifier.5.weight [1000,512]',
    ])
    expect(names('maxvit_t()', 'buffer', [0, 62, 123])).toEqual([
      'stem.0.1.running_mean [64]',
      'blocks.2.layers.1.layers.MBconv.layers.conv_a.1.running_var [1024]',
      'blocks.3.layers.1.layers.grid_attention.attn_layer.1.relative_position_index [49,49]',
    ])
  })
  it('maxvit_t(input_size=(448,448), num_classes=3): has torchvision\'s 30,409,160 parameters in 458 tensors and 100,472 buffer elements', () => {
    expect(counts('maxvit_t(input_size=(448,448), num_classes=3)')).toEqual({ class: 'MaxVit', params: 30409160, paramTensors: 458, buffers: 100472, bufferBytes: 613312, bufferTensors: 124 })
  })
  it('maxvit_t(input_size=(448,448), num_classes=3): names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('maxvit_t(input_size=(448,448), num_classes=3)', 'parameter', [0, 1, 152, 229, 456, 457])).toEqual([
      'stem.0.0.weight [64,3,3,3]',
      'stem.0.1.weight [64]',
      'blocks.1.layers.1.layers.window_attention.mlp_layer.1.weight [512,128]',
      'blocks.2.layers.1.layers.window_attention.attn_layer.1.to_qkv.bias [768]',
      'classifier.3.bias [512]',
      'classifier.5.weight [3,512]',
    ])
    expect(names('maxvit_t(input_size=(448,448), num_classes=3)', 'buffer', [0, 62, 123])).toEqual([
      'stem.0.1.running_mean [64]',
      'blocks.2.layers.1.layers.MBconv.layers.conv_a.1.running_var [1024]',
      'blocks.3.layers.1.layers.grid_attention.attn_layer.1.relative_position_index [49,49]',
    ])
  })
  it('counts the attention matmuls as aten.bmm in the FlopCounterMode figure (PyTorch 2.13)', () => {
    const f = analyze('maxvit_t(num_classes=10)', { input: '1,3,224,224', device: 'cpu' }).forward!.flopCounter
    expect([f.total, f.byOp['aten.bmm']]).toEqual([11115079680n, 354041856n])
  })
  it('runs maxvit_t() on 1×3×224×224: output (1, 1000), saves 307,324,736 bytes for backward', () => {
    expect(forward('maxvit_t()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 307324736, savedWithInput: 307926848 })
  })
  it('runs maxvit_t() on 2×3×224×224: output (2, 1000), saves 613,656,016 bytes for backward', () => {
    expect(forward('maxvit_t()', '2,3,224,224')).toEqual({ output: [2, 1000], saved: 613656016, savedWithInput: 614860240 })
  })
  it('needs an input_size whose stage grids are multiples of 7', () => {
    expect(failure('maxvit_t(input_size=(64, 64))').message).toBe('Input size (16, 16) of block 0 is not divisible by partition size 7. Consider changing the input size; this one yields the block input sizes (16, 16), (8, 8), (4, 4), (2, 2).')
    expect(failure('maxvit_t()', '1,3,448,448').message).toMatch(/was built for a 56×56 grid/)
  })
})
