import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { counts, forward, names } from '../../../test/torchvision.js'

/** FlopCounterMode's figures for one forward pass on CPU (measured with PyTorch 2.13 and torchvision 0.28). */
const flopCounter = (source: string, input: string) => analyze(source, { input, device: 'cpu' }).forward!.flopCounter

describe('swin_t', () => {
  it('has torchvision\'s 28,288,354 parameters in 173 tensors and 28,812 buffer elements', () => {
    expect(counts('swin_t()')).toEqual({ class: 'SwinTransformer', params: 28288354, paramTensors: 173, buffers: 28812, bufferBytes: 230496, bufferTensors: 12 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('swin_t()', 'parameter', [0, 1, 57, 86, 171, 172])).toEqual([
      'features.0.0.weight [96,3,4,4]',
      'features.0.0.bias [96]',
      'features.3.1.mlp.3.weight [192,768]',
      'features.5.1.mlp.3.weight [384,1536]',
      'head.weight [1000,768]',
      'head.bias [1000]',
    ])
    expect(names('swin_t()', 'buffer', [0, 6, 11])).toEqual([
      'features.1.0.attn.relative_position_index [2401]',
      'features.5.2.attn.relative_position_index [2401]',
      'features.7.1.attn.relative_position_index [2401]',
    ])
  })
  it('counts the attention matmuls as aten.bmm in the FlopCounterMode figure', () => {
    const f = flopCounter('swin_t(num_classes=10)', '1,3,64,64')
    expect([f.total, f.byOp['aten.bmm']]).toEqual([1541769984n, 68226816n])
    expect(flopCounter('swin_v2_t(num_classes=10)', '1,3,64,64').total).toBe(1735246848n)
  })
  it('runs swin_t() on 1×3×112×112: output (1, 1000), saves 29,098,208 bytes for backward', () => {
    expect(forward('swin_t()', '1,3,112,112')).toEqual({ output: [1, 1000], saved: 29098208, savedWithInput: 29248736 })
  })
  it('runs swin_t(dropout=0.1,attention_dropout=0.1) on 1×3×64×64: output (1, 1000), saves 23,459,168 bytes for backward', () => {
    expect(forward('swin_t(dropout=0.1,attention_dropout=0.1)', '1,3,64,64')).toEqual({ output: [1, 1000], saved: 23459168, savedWithInput: 23508320 })
  })
  it('runs swin_t() on 2×3×64×64: output (2, 1000), saves 29,430,400 bytes for backward', () => {
    expect(forward('swin_t()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 29430400, savedWithInput: 29528704 })
  })
})

describe('swin_s', () => {
  it('has torchvision\'s 49,606,258 parameters in 329 tensors and 57,624 buffer elements', () => {
    expect(counts('swin_s()')).toEqual({ class: 'SwinTransformer', params: 49606258, paramTensors: 329, buffers: 57624, bufferBytes: 460992, bufferTensors: 24 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('swin_s()', 'parameter', [0, 1, 109, 164, 327, 328])).toEqual([
      'features.0.0.weight [96,3,4,4]',
      'features.0.0.bias [96]',
      'features.5.3.norm2.bias [384]',
      'features.5.7.mlp.3.weight [384,1536]',
      'head.weight [1000,768]',
      'head.bias [1000]',
    ])
    expect(names('swin_s()', 'buffer', [0, 12, 23])).toEqual([
      'features.1.0.attn.relative_position_index [2401]',
      'features.5.8.attn.relative_position_index [2401]',
      'features.7.1.attn.relative_position_index [2401]',
    ])
  })
  it('runs swin_s() on 2×3×64×64: output (2, 1000), saves 47,722,528 bytes for backward', () => {
    expect(forward('swin_s()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 47722528, savedWithInput: 47820832 })
  })
})

describe('swin_b', () => {
  it('has torchvision\'s 87,768,224 parameters in 329 tensors and 57,624 buffer elements', () => {
    expect(counts('swin_b()')).toEqual({ class: 'SwinTransformer', params: 87768224, paramTensors: 329, buffers: 57624, bufferBytes: 460992, bufferTensors: 24 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('swin_b()', 'parameter', [0, 1, 109, 164, 327, 328])).toEqual([
      'features.0.0.weight [128,3,4,4]',
      'features.0.0.bias [128]',
      'features.5.3.norm2.bias [512]',
      'features.5.7.mlp.3.weight [512,2048]',
      'head.weight [1000,1024]',
      'head.bias [1000]',
    ])
    expect(names('swin_b()', 'buffer', [0, 12, 23])).toEqual([
      'features.1.0.attn.relative_position_index [2401]',
      'features.5.8.attn.relative_position_index [2401]',
      'features.7.1.attn.relative_position_index [2401]',
    ])
  })
  it('runs swin_b() on 2×3×64×64: output (2, 1000), saves 63,618,032 bytes for backward', () => {
    expect(forward('swin_b()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 63618032, savedWithInput: 63716336 })
  })
})

describe('swin_v2_t', () => {
  it('has torchvision\'s 28,351,570 parameters in 209 tensors and 54,552 buffer elements', () => {
    expect(counts('swin_v2_t()')).toEqual({ class: 'SwinTransformer', params: 28351570, paramTensors: 209, buffers: 54552, bufferBytes: 414816, bufferTensors: 24 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('swin_v2_t()', 'parameter', [0, 1, 69, 104, 207, 208])).toEqual([
      'features.0.0.weight [96,3,4,4]',
      'features.0.0.bias [96]',
      'features.3.1.mlp.3.weight [192,768]',
      'features.5.1.mlp.3.weight [384,1536]',
      'head.weight [1000,768]',
      'head.bias [1000]',
    ])
    expect(names('swin_v2_t()', 'buffer', [0, 12, 23])).toEqual([
      'features.1.0.attn.relative_coords_table [1,15,15,2]',
      'features.5.2.attn.relative_coords_table [1,15,15,2]',
      'features.7.1.attn.relative_position_index [4096]',
    ])
  })
  it('runs swin_v2_t() on 1×3×128×128: output (1, 1000), saves 55,161,824 bytes for backward', () => {
    expect(forward('swin_v2_t()', '1,3,128,128')).toEqual({ output: [1, 1000], saved: 55161824, savedWithInput: 55358432 })
  })
  it('runs swin_v2_t() on 2×3×64×64: output (2, 1000), saves 49,851,832 bytes for backward', () => {
    expect(forward('swin_v2_t()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 49851832, savedWithInput: 49950136 })
  })
})

describe('swin_v2_s', () => {
  it('has torchvision\'s 49,737,442 parameters in 401 tensors and 109,104 buffer elements', () => {
    expect(counts('swin_v2_s()')).toEqual({ class: 'SwinTransformer', params: 49737442, paramTensors: 401, buffers: 109104, bufferBytes: 829632, bufferTensors: 48 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('swin_v2_s()', 'parameter', [0, 1, 133, 200, 399, 400])).toEqual([
      'features.0.0.weight [96,3,4,4]',
      'features.0.0.bias [96]',
      'features.5.3.norm2.bias [384]',
      'features.5.7.mlp.3.weight [384,1536]',
      'head.weight [1000,768]',
      'head.bias [1000]',
    ])
    expect(names('swin_v2_s()', 'buffer', [0, 24, 47])).toEqual([
      'features.1.0.attn.relative_coords_table [1,15,15,2]',
      'features.5.8.attn.relative_coords_table [1,15,15,2]',
      'features.7.1.attn.relative_position_index [4096]',
    ])
  })
  it('runs swin_v2_s() on 2×3×64×64: output (2, 1000), saves 92,842,264 bytes for backward', () => {
    expect(forward('swin_v2_s()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 92842264, savedWithInput: 92940568 })
  })
})

describe('swin_v2_b', () => {
  it('has torchvision\'s 87,930,848 parameters in 401 tensors and 109,104 buffer elements', () => {
    expect(counts('swin_v2_b()')).toEqual({ class: 'SwinTransformer', params: 87930848, paramTensors: 401, buffers: 109104, bufferBytes: 829632, bufferTensors: 48 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('swin_v2_b()', 'parameter', [0, 1, 133, 200, 399, 400])).toEqual([
      'features.0.0.weight [128,3,4,4]',
      'features.0.0.bias [128]',
      'features.5.3.norm2.bias [512]',
      'features.5.7.mlp.3.weight [512,2048]',
      'head.weight [1000,1024]',
      'head.bias [1000]',
    ])
    expect(names('swin_v2_b()', 'buffer', [0, 24, 47])).toEqual([
      'features.1.0.attn.relative_coords_table [1,15,15,2]',
      'features.5.8.attn.relative_coords_table [1,15,15,2]',
      'features.7.1.attn.relative_position_index [4096]',
    ])
  })
  it('runs swin_v2_b() on 2×3×64×64: output (2, 1000), saves 120,091,280 bytes for backward', () => {
    expect(forward('swin_v2_b()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 120091280, savedWithInput: 120189584 })
  })
})
