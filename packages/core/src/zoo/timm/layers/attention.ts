import type { ForwardContext, Tensor } from '../../../forward/trace.js'
import { formatShape } from '../../../tensor/shape.js'
import { defineBlock, nn, runChild } from '../../torchvision/core.js'
import { createNorm } from './norm.js'
import type { NormSpec } from './norm.js'
import { dropout } from '../../../layers/dropout.js'
import { identity, linear } from '../../../layers/linear.js'

/**
 * `F.scaled_dot_product_attention(q, k, v)` as PyTorch 2.x runs it in training on CPU (the flash
 * kernel): `2 · B · H · L · S · D` multiply-accumulates; autograd keeps q, k, v, the output and the
 * float32 log-sum-exp of each query row (keys and values with fewer heads than the queries take the
 * math path instead, see below). The flash output is laid out `(B, L, H, D)` and returned as a
 * `(B, H, L, D)` view, so `out.transpose(1, 2).reshape(B, L, H · D)` is a view of it, not a copy.
 */
export function scaledDotProductAttention(ctx: ForwardContext, q: Tensor, k: Tensor, v: Tensor): Tensor {
  const [b, h, l, d] = q.shape as [number, number, number, number]
  const s = k.shape[2]!
  if (k.shape[3] !== d || v.shape[2] !== s) throw ctx.error(`cannot attend with queries ${formatShape(q.shape)}, keys ${formatShape(k.shape)} and values ${formatShape(v.shape)}.`)
  const dv = v.shape[3]!
  ctx.macs(BigInt(b) * BigInt(h) * BigInt(l) * BigInt(s) * BigInt(d + dv))
  if (k.shape[1] !== h || v.shape[1] !== h) {
    // Keys and values broadcast over the query heads: no fused kernel takes them, so PyTorch runs the
    // math path, which keeps the scaled queries, the scaled keys and the values expanded to every
    // head (contiguous copies for the batched products) and the softmax output.
    ctx.save(ctx.tensor([b, h, l, d], q.dtype), ctx.tensor([b, h, d, s], q.dtype), ctx.tensor([b, h, l, s], q.dtype), ctx.tensor([b, h, s, dv], q.dtype))
    return ctx.tensor([b, h, l, dv], q.dtype)
  }
  const out = ctx.view(ctx.tensor([b, l, h, dv], q.dtype), [b, h, l, dv])
  ctx.save(q, k, v, out, ctx.tensor([b, h, l], 'float32'))
  return out
}

/** Arguments of timm's {@link Attention}. */
export interface AttentionArgs {
  dim: number
  num_heads: number
  qkv_bias: boolean
  qk_norm?: boolean
  scale_norm?: boolean
  proj_bias?: boolean
  attn_drop?: number
  proj_drop?: number
  norm?: NormSpec
  attn_head_dim?: number | null
}

/**
 * timm's `Attention` (ViT, DeiT, CaiT's blocks, …): fused `qkv`, optional per-head `q_norm`/`k_norm`,
 * `attn_drop`, `norm` (scale norm), `proj`, `proj_drop`. The forward runs fused attention.
 */
export const Attention = defineBlock<AttentionArgs>({
  name: 'Attention',
  build(a, m) {
    const headDim = a.attn_head_dim ?? a.dim / a.num_heads
    const attnDim = a.num_heads * headDim
    const norm = a.norm ?? 'torch_layernorm'
    m.child('qkv', nn(m, linear, { in_features: a.dim, out_features: attnDim * 3, bias: a.qkv_bias }))
    m.child('q_norm', a.qk_norm ? createNorm(m, norm, headDim) : nn(m, identity))
    m.child('k_norm', a.qk_norm ? createNorm(m, norm, headDim) : nn(m, identity))
    m.child('attn_drop', nn(m, dropout, { p: a.attn_drop ?? 0 }))
    m.child('norm', a.scale_norm ? createNorm(m, norm, attnDim) : nn(m, identity))
    m.child('proj', nn(m, linear, { in_features: attnDim, out_features: a.dim, bias: a.proj_bias ?? true }))
    m.child('proj_drop', nn(m, dropout, { p: a.proj_drop ?? 0 }))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (x.shape.length !== 3) throw ctx.error(`expects (batch, tokens, dim), got shape ${formatShape(x.shape)}.`)
    const [b, n] = x.shape as [number, number]
    const heads = self.args.num_heads
    const qkv = runChild(self, 'qkv', x, ctx)
    const headDim = qkv.shape[2]! / 3 / heads
    const view = (t: Tensor): Tensor => ctx.view(t, [b, heads, n, headDim])
    const q = runChild(self, 'q_norm', view(qkv), ctx)
    const k = runChild(self, 'k_norm', view(qkv), ctx)
    const attended = scaledDotProductAttention(ctx, q, k, view(qkv))
    let y = ctx.view(attended, [b, n, heads * headDim])
    y = runChild(self, 'norm', y, ctx)
    y = runChild(self, 'proj', y, ctx)
    return runChild(self, 'proj_drop', y, ctx)
  },
})
