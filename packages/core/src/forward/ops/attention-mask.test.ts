import { describe, expect, it } from 'vitest'
import { traceOps } from '../../../test/support.js'
import * as ops from './index.js'
import { setStrides } from '../layout.js'

// `attn_mask`, `enable_gqa` and the kernel PyTorch 2.13 picks. The CPU figures are measured (saved-tensor
// hooks, test/fixtures/forward/generate_ops.py); the CUDA ones follow ATen's sdp_utils.cpp and attention.cpp:
// flash refuses any mask (`check_for_attn_mask`), memory-efficient attention refuses grouped heads
// (`check_batch_size_and_num_heads_dense<false>`) and keeps the mask as its bias, padded by `pad_bias` to a last
// dimension that is a multiple of 8 when its strides are not.

const [B, H, L, S, E] = [2, 3, 5, 7, 4]

describe('scaled_dot_product_attention with a mask', () => {
  it('CPU: flash attention keeps a bool mask converted to the query dtype (5 × 7 float32 = 140 bytes)', () => {
    const r = traceOps([[B, H, L, E], [B, H, S, E], [B, H, S, E]], (ctx, [q, k, v]) => ops.scaledDotProductAttention(ctx, q!, k!, v!, { attnMask: ctx.tensor([L, S], 'bool', false) }))
    expect(r.kernels.map((k) => k.kernel)).toEqual(['flash attention (CPU)'])
    // output 480 + log-sum-exp 2·3·5·4 = 120 + mask 140 (measured: 740 without the inputs)
    expect(r.saved).toBe(740n)
  })

  it('CPU: a mask that requires grad rules out flash attention', () => {
    const r = traceOps([[B, H, L, E], [B, H, S, E], [B, H, S, E], [L, S]], (ctx, [q, k, v, m]) => ops.scaledDotProductAttention(ctx, q!, k!, v!, { attnMask: m! }))
    expect(r.kernels.map((k) => k.kernel)).toEqual(['math (composite)'])
  })

  it('CUDA: a mask rules out flash attention even in float16; memory-efficient attention keeps the mask padded to 8 columns', () => {
    const r = traceOps(
      [],
      (ctx) => {
        const [q, k, v] = [ctx.tensor([B, H, L, 8], 'float16', true), ctx.tensor([B, H, S, 8], 'float16', true), ctx.tensor([B, H, S, 8], 'float16', true)]
        return ops.scaledDotProductAttention(ctx, q, k, v, { attnMask: ctx.tensor([L, S], 'bool', false) })
      },
      { device: 'cuda' },
    )
    expect(r.kernels.map((k) => k.kernel)).toEqual(['memory-efficient attention (CUDA)'])
    // q 480 + k 672 + v 672 + out 480 + log-sum-exp (2, 3, 32) float32 768 + mask (5, 8) float16 80
    expect(r.withInput).toBe(480n + 672n + 672n + 480n + 768n + 80n)
  })

  it('CUDA: an aligned float mask of the query dtype is kept as it is', () => {
    const r = traceOps([[B, H, L, E], [B, H, 8, E], [B, H, 8, E], [L, 8]], (ctx, [q, k, v, m]) => ops.scaledDotProductAttention(ctx, q!, k!, v!, { attnMask: { ...m!, requiresGrad: false } }), { device: 'cuda' })
    expect(r.kernels.map((k) => k.kernel)).toEqual(['memory-efficient attention (CUDA)'])
    // inputs q 480, k 768, v 768, the mask 160 (an input: counted once, with the inputs); out 480, log-sum-exp 768
    expect(r.saved).toBe(480n + 768n)
    expect(r.withInput).toBe(480n + 768n + 768n + 480n + 768n + 160n)
  })

  it('CUDA: grouped heads rule out memory-efficient attention; the math path repeats key and value', () => {
    const r = traceOps([[B, 6, L, E], [B, H, S, E], [B, H, S, E]], (ctx, [q, k, v]) => ops.scaledDotProductAttention(ctx, q!, k!, v!, { groupedHeads: true }), { device: 'cuda' })
    expect(r.kernels.map((k) => k.kernel)).toEqual(['math (composite)'])
    expect(r.outputs).toEqual([[B, 6, L, E]])
  })
})

describe('FLOPs as FlopCounterMode counts them', () => {
  it('CPU flash attention has no formula (0); the math path is two bmm calls; CUDA kernels count sdpa_flop = 2 × MACs', () => {
    const shapes = [[B, H, L, E], [B, H, S, E], [B, H, S, E]]
    const macs = BigInt(B * H * L * S * (E + E))
    expect(traceOps(shapes, (ctx, [q, k, v]) => ops.scaledDotProductAttention(ctx, q!, k!, v!)).flopCounter).toEqual({ total: 0n, byOp: {} })
    expect(traceOps(shapes, (ctx, [q, k, v]) => ops.scaledDotProductAttention(ctx, q!, k!, v!, { dropoutP: 0.1 })).flopCounter).toEqual({ total: 2n * macs, byOp: { 'aten.bmm': 2n * macs } })
    expect(traceOps(shapes, (ctx, [q, k, v]) => ops.scaledDotProductAttention(ctx, q!, k!, v!), { device: 'cuda' }).flopCounter).toEqual({ total: 2n * macs, byOp: { 'aten._scaled_dot_product_efficient_attention': 2n * macs } })
  })

  it('a linear layer is 2 × MACs of addmm (with a bias) or mm', () => {
    expect(traceOps([[3, 4]], (ctx, [x]) => ops.linear(ctx, x!, ctx.tensor([5, 4]), ctx.tensor([5]))).flopCounter.byOp).toEqual({ 'aten.addmm': 120n })
    expect(traceOps([[3, 4]], (ctx, [x]) => ops.linear(ctx, x!, ctx.tensor([5, 4]))).flopCounter.byOp).toEqual({ 'aten.mm': 120n })
  })

  it('a contiguous input of four dimensions with a bias is flattened into one addmm in PyTorch 2.x; a transposed one runs mm', () => {
    // Measured with FlopCounterMode, PyTorch 2.13 (CPU): nn.Linear(4, 3) on (2, 3, 5, 4) is addmm 720; on a
    // transposed (2, 3, 5, 4) view, mm 720.
    expect(traceOps([[2, 3, 5, 4]], (ctx, [x]) => ops.linear(ctx, x!, ctx.tensor([3, 4]), ctx.tensor([3]))).flopCounter.byOp).toEqual({ 'aten.addmm': 720n })
    expect(traceOps([[2, 3, 4, 5]], (ctx, [x]) => ops.linear(ctx, setStrides(ctx.view(x!, [2, 3, 5, 4]), [60, 20, 1, 5]), ctx.tensor([3, 4]), ctx.tensor([3]))).flopCounter.byOp).toEqual({ 'aten.mm': 720n })
  })
})
