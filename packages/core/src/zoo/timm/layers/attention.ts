import type { ForwardContext, Tensor } from '../../../forward/trace.js'
import * as forwardOps from '../../../forward/ops/index.js'
import { preservedStrides, setStrides, stridesOf, viewStrides } from '../../../forward/layout.js'
import { formatShape } from '../../../tensor/shape.js'
import { defineBlock, nn, runChild } from '../../torchvision/core.js'
import { createNorm } from './norm.js'
import type { NormSpec } from './norm.js'
import { dropout } from '../../../layers/dropout.js'
import { identity, linear } from '../../../layers/linear.js'

/**
 * `t.view(B, N, H, D).transpose(1, 2)` of `H` heads of `D` features at the start of rows `width` wide (`width` is
 * `H · D` for a tensor of its own, more for one of the slices `qkv.unbind(0)`, `torch.split` or `chunk` make): a
 * `(B, H, N, D)` view of `t`'s storage, with the strides that view has. Pass the slice's first row as `t`.
 */
export function headsView(ctx: ForwardContext, t: Tensor, b: number, n: number, heads: number, headDim: number, width = heads * headDim): Tensor {
  return setStrides(ctx.view(t, [b, heads, n, headDim]), [n * width, headDim, width, 1])
}

/**
 * `F.scaled_dot_product_attention(q, k, v, dropout_p=…)` on `(B, H, L, D)` operands, as forward/ops models it: the
 * kernel PyTorch picks ({@link forwardOps.attentionKernel}: CPU flash attention without dropout, the math path with
 * it, or where keys and values are shared by the query heads), what that kernel keeps and its FlopCounterMode
 * figure. The flash kernels lay their output out as the query (`empty_like(q)`), CUDA's memory-efficient kernel as
 * `(B, L, H, D)`, the math path contiguously, which decides whether {@link mergeHeads} copies. PyTorch 1.13 has no
 * `scaled_dot_product_attention`, so timm runs its unfused path there (see {@link unfusedAttention}); `attnDrop` runs
 * the module's `attn_drop` on the weights.
 */
export function attend(ctx: ForwardContext, q: Tensor, k: Tensor, v: Tensor, dropoutP = 0, attnDrop?: (weights: Tensor) => Tensor): Tensor {
  if (q.shape.length !== 4 || k.shape.length !== 4 || v.shape.length !== 4 || k.shape[3] !== q.shape[3] || v.shape[2] !== k.shape[2]) {
    throw ctx.error(`cannot attend with queries ${formatShape(q.shape)}, keys ${formatShape(k.shape)} and values ${formatShape(v.shape)}.`)
  }
  if (ctx.torch === '1.13') return unfusedAttention(ctx, q, k, v, dropoutP, attnDrop)
  // The math path's `attn @ v` folds v's batch and heads with `reshape`: a copy when its strides do not allow a view.
  const valueNeedsCopy = viewStrides(v.shape, stridesOf(v), [v.shape[0]! * v.shape[1]!, v.shape[2]!, v.shape[3]!]) === undefined
  const out = forwardOps.scaledDotProductAttention(ctx, q, k, v, { dropoutP, valueNeedsCopy })
  const kernel = forwardOps.attentionKernel(ctx, q, k, v, dropoutP)
  if (kernel === 'flash-cpu' || kernel === 'flash-cuda') {
    const strides = preservedStrides(q)
    if (strides) setStrides(out, strides)
  } else if (kernel === 'efficient-cuda') {
    const [, h, l, d] = out.shape as [number, number, number, number]
    setStrides(out, [l * h * d, d, h * d, 1])
  }
  return out
}

/**
 * `a @ b` of `(B, H, n, k)` by `(B, H, k, m)` as `torch.matmul` runs it: each operand folded to `(B · H, …)` with
 * `reshape` (a copy where its strides allow no view), then `bmm`, which keeps the folded operands.
 */
function batchedMatmul(ctx: ForwardContext, a: Tensor, b: Tensor): Tensor {
  const fold = (t: Tensor): Tensor => {
    const shape = [t.shape[0]! * t.shape[1]!, t.shape[2]!, t.shape[3]!]
    const strides = viewStrides(t.shape, stridesOf(t), shape)
    return strides ? setStrides(ctx.view(t, shape), strides) : forwardOps.copy(ctx, t, shape)
  }
  const out = forwardOps.matmul(ctx, fold(a), fold(b))
  return ctx.view(out, [a.shape[0]!, a.shape[1]!, a.shape[2]!, b.shape[3]!])
}

/**
 * timm's attention without `F.scaled_dot_product_attention` (`fused_attn` off, as under PyTorch 1.13):
 * `q * scale`, `q @ k.transpose(-2, -1)`, softmax, `attn_drop`, `attn @ v`, each op keeping what it keeps.
 */
function unfusedAttention(ctx: ForwardContext, q: Tensor, k: Tensor, v: Tensor, dropoutP: number, attnDrop?: (weights: Tensor) => Tensor): Tensor {
  const [b, h, n, d] = k.shape as [number, number, number, number]
  const ks = stridesOf(k)
  const scaled = forwardOps.mul(ctx, q, d ** -0.5)
  const scores = batchedMatmul(ctx, scaled, setStrides(ctx.view(k, [b, h, d, n]), [ks[0]!, ks[1]!, ks[3]!, ks[2]!]))
  let weights = forwardOps.softmax(ctx, scores, -1)
  weights = attnDrop ? attnDrop(weights) : dropoutP > 0 ? forwardOps.dropout(ctx, weights, { p: dropoutP, training: true }) : weights
  return batchedMatmul(ctx, weights, v)
}

/**
 * `y.transpose(1, 2).reshape(B, N, H · D)` of a `(B, H, N, D)` attention output: a view when its layout is
 * `(B, N, H, D)`, else a contiguous copy.
 */
export function mergeHeads(ctx: ForwardContext, y: Tensor): Tensor {
  const [b, h, n, d] = y.shape as [number, number, number, number]
  const s = stridesOf(y)
  const shape = [b, n, h * d]
  const strides = viewStrides([b, n, h, d], [s[0]!, s[2]!, s[1]!, s[3]!], shape)
  return strides ? setStrides(ctx.view(y, shape), strides) : forwardOps.copy(ctx, y, shape)
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
 * `attn_drop`, `norm` (scale norm), `proj`, `proj_drop`. The forward runs `F.scaled_dot_product_attention` with
 * `attn_drop`'s probability in training ({@link attend}).
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
    // `qkv(x).reshape(B, N, 3, H, D).permute(2, 0, 3, 1, 4).unbind(0)`: q, k and v are strided views of qkv.
    const qkv = runChild(self, 'qkv', x, ctx)
    const attnDim = qkv.shape[2]! / 3
    const headDim = attnDim / heads
    const split = (): Tensor => headsView(ctx, qkv, b, n, heads, headDim, 3 * attnDim)
    const q = runChild(self, 'q_norm', split(), ctx)
    const k = runChild(self, 'k_norm', split(), ctx)
    const attended = attend(ctx, q, k, split(), self.training ? (self.args.attn_drop ?? 0) : 0, (w) => runChild(self, 'attn_drop', w, ctx))
    let y = mergeHeads(ctx, attended)
    y = runChild(self, 'norm', y, ctx)
    y = runChild(self, 'proj', y, ctx)
    return runChild(self, 'proj_drop', y, ctx)
  },
})
