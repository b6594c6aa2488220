import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { failure, python } from '../../../test/interpret.js'

/** What PyTorch 2.13 and timm 1.0.29 build and save for small programs (`test/fixtures/timm-layers/measure.py`). */
interface LayerCase {
  id: string
  code: string
  input_shape: number[]
  param_shapes: Array<[string, number[]]>
  buffer_shapes: Array<[string, number[]]>
  state_dict: string[]
  output_shape: number[]
  saved_activation_bytes: number
  flops_fwd_flopcounter: number
  flops_fwd_by_op: Record<string, number>
}

const cases = JSON.parse(readFileSync(new URL('../../../test/fixtures/timm-layers/timm-layers.json', import.meta.url), 'utf8')) as LayerCase[]
const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

describe('timm.layers classes in model files build, trace and save as in PyTorch 2.13 with timm 1.0.29', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20)
  })
  for (const c of cases) {
    it(c.id, () => {
      const a = analyze(`${prelude}${c.code}`, { input: c.input_shape.join(','), device: 'cpu' })
      const params = a.tensors.filter((t) => t.kind === 'parameter').map((t) => [t.name, t.shape])
      const buffers = a.tensors.filter((t) => t.kind === 'buffer').map((t) => [t.name, t.shape])
      expect(params).toEqual(c.param_shapes)
      expect(buffers).toEqual(c.buffer_shapes)
      // No case has buffers, so `state_dict()` lists the parameters in the same order.
      expect(a.tensors.map((t) => t.name)).toEqual(c.state_dict)
      const f = a.forward!
      expect(f.outputShape).toEqual(c.output_shape)
      expect(f.savedBytes).toBe(BigInt(c.saved_activation_bytes))
      expect(f.flopCounter.total).toBe(BigInt(c.flops_fwd_flopcounter))
      expect(Object.fromEntries(Object.entries(f.flopCounter.byOp).map(([op, n]) => [op, Number(n)]))).toEqual(c.flops_fwd_by_op)
    })
  }
})

describe('timm.layers refuses what timm 1.0.29 refuses', () => {
  it('asserts an even hidden width in GluMlp, and in GatedMlp with a gate', () => {
    // PyTorch 2.13 + timm 1.0.29: `GluMlp(8, 15)` and `GatedMlp(8, 15, gate_layer=nn.Identity)` raise AssertionError.
    const asserts = (call: string): string[] => python(`from timm.layers import GluMlp, GatedMlp\ntry:\n    ${call}\nexcept AssertionError as e:\n    print('AssertionError', repr(str(e)))`)
    expect(asserts('GluMlp(8, 15)')).toEqual(["AssertionError ''"])
    expect(asserts('GatedMlp(8, 15, gate_layer=nn.Identity)')).toEqual(["AssertionError ''"])
    expect(asserts('GluMlp(8, 14)')).toEqual([])
    expect(python('from timm.layers import GatedMlp\nm = GatedMlp(8, 15)\nprint(m.fc2.in_features)')).toEqual(['15'])
  })

  it('does not serve SwiGLU, LayerScale or use_fused_attn from timm.models.layers, nor to_1tuple from timm.layers', () => {
    // Python: ImportError: cannot import name 'SwiGLU' from 'timm.models.layers' (and 'to_1tuple' from 'timm.layers');
    // nnsize: the name is a placeholder, an error where it is used.
    for (const code of ['from timm.models.layers import SwiGLU\nm = nn.Sequential(SwiGLU(4))', 'from timm.models.layers import LayerScale\nm = nn.Sequential(LayerScale(4))', 'from timm.models.layers import use_fused_attn\nm = nn.Linear(4, 4, bias=use_fused_attn())', 'from timm.layers import to_1tuple\nm = nn.Conv2d(1, 1, to_1tuple(2))']) {
      expect(failure(() => python(code)).message, code).toContain('is not supported yet')
    }
    expect(python('import timm.models.layers as L\nprint(L.GluMlp.__name__, L.DropBlock2d.__name__, L.LayerNorm2d.__name__)')).toEqual(['GluMlp DropBlock2d LayerNorm2d'])
    expect(python('from timm.layers.helpers import to_1tuple\nprint(to_1tuple("ab"))')).toEqual(["('ab',)"])
  })

  it('refuses inputs of the wrong rank in forward', () => {
    const forward = (code: string): unknown => analyze(`${prelude}${code}`, { input: '2,3,4', device: 'cpu' })
    // Python: ValueError: not enough values to unpack (expected 4, got 3).
    expect(() => forward('from timm.layers import DropBlock2d\nm = DropBlock2d(0.1, 3)')).toThrow('expects a 4-D input (N, C, H, W), got shape (2, 3, 4)')
    // Python: RuntimeError from `permute`: input.dim() = 3 is not equal to len(dims) = 4 (nnsize: the dimension 3 of
    // the permutation is out of range).
    expect(() => forward('from timm.layers import LayerNorm2d\nm = LayerNorm2d(3)')).toThrow('Dimension out of range')
    // In eval mode DropBlock2d returns its input, of any rank, as timm's does.
    expect(() => forward('from timm.layers import DropBlock2d\nm = DropBlock2d(0.1, 3).eval()')).not.toThrow()
  })
})
