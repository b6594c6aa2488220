import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { failure, python } from '../../../test/interpret.js'

/** What PyTorch 2.13 and timm 1.0.29 build and save for small programs (`test/fixtures/timm-attention/measure.py`). */
interface AttentionCase {
  id: string
  code: string
  input_shape: number[]
  param_shapes: Array<[string, number[]]>
  modules: Array<[string, string]>
  output_shape: number[]
  saved_activation_bytes: number
  flops_fwd_flopcounter: number
  flops_fwd_by_op: Record<string, number>
}

const cases = JSON.parse(readFileSync(new URL('../../../test/fixtures/timm-attention/timm-attention.json', import.meta.url), 'utf8')) as AttentionCase[]
const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nfrom timm.models.vision_transformer import Attention, Mlp\n'

describe("timm's Attention builds, traces and saves as in PyTorch 2.13 with timm 1.0.29", () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10)
  })
  for (const c of cases) {
    it(c.id, () => {
      const a = analyze(`${prelude}${c.code}\nm`, { input: c.input_shape.join(','), device: 'cpu' })
      expect(a.tensors.filter((t) => t.kind === 'parameter').map((t) => [t.name, t.shape])).toEqual(c.param_shapes)
      expect(a.modules.map((m) => [m.path, m.type])).toEqual(c.modules)
      const f = a.forward!
      expect(f, a.forwardNote?.message).toBeDefined()
      expect(f.outputShape).toEqual(c.output_shape)
      expect(f.savedBytes).toBe(BigInt(c.saved_activation_bytes))
      expect(f.flopCounter.total).toBe(BigInt(c.flops_fwd_flopcounter))
      expect(Object.fromEntries(Object.entries(f.flopCounter.byOp).map(([op, n]) => [op, Number(n)]))).toEqual(c.flops_fwd_by_op)
    })
  }
})

describe("timm's Attention as Python code sees it", () => {
  // Each expected line is what PyTorch 2.13 with timm 1.0.29 prints for the same code.
  const header = 'import torch\nimport torch.nn as nn\nfrom timm.models.vision_transformer import Attention\n'
  it('has timm’s attributes', () => {
    expect(python(`${header}m = Attention(64, num_heads=4)\nprint(m.num_heads, m.head_dim, m.attn_dim, m.scale, m.fused_attn, m.gate, type(m).__module__, type(m).__name__)`)).toEqual(['4 16 64 0.25 True None timm.layers.attention Attention'])
    expect(python(`${header}m = Attention(64, num_heads=4, attn_head_dim=24, dim_out=32)\nprint(m.head_dim, m.attn_dim, m.scale, m.proj.out_features, m.qkv.out_features)`)).toEqual(['24 96 0.2041241452319315 32 288'])
  })

  it('asserts and unpacks as timm does', () => {
    const raised = (call: string): string[] => python(`${header}try:\n    ${call}\nexcept Exception as e:\n    print(type(e).__name__, repr(str(e)))`)
    expect(raised('Attention(10, num_heads=3)')).toEqual(["AssertionError 'dim should be divisible by num_heads'"])
    expect(raised('Attention(8, qk_norm=True)')).toEqual(["AssertionError 'norm_layer must be provided if qk_norm or scale_norm is True'"])
    expect(raised('Attention(64)(torch.randn(2, 64))')).toEqual(["ValueError 'not enough values to unpack (expected 3, got 2)'"])
    expect(raised('Attention(64)(torch.randn(1, 2, 3, 64))')).toEqual(["ValueError 'too many values to unpack (expected 3)'"])
  })

  it('is not in timm.models.layers, as in timm', () => {
    // Python: ImportError: cannot import name 'Attention' from 'timm.models.layers'; nnsize: a placeholder, an error where used.
    expect(failure(() => python('from timm.models.layers import Attention\nm = nn.Sequential(Attention(8))')).message).toContain('is not supported yet')
    expect(python('from timm.layers import Attention as A\nfrom timm.layers.attention import Attention as B\nprint(A is B)')).toEqual(['True'])
  })
})
