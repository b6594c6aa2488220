import { float, int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import type { LayerDefinition } from '../../layers/define-layer.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { formatShape } from '../../tensor/shape.js'
import { block, defineBlock, defineModel, nn, runChild, sequential } from './core.js'
import { activation, MLP, Permute, StochasticDepth } from './misc.js'
import * as ops from './ops.js'
import { gelu, relu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { linear } from '../../layers/linear.js'
import { layerNorm } from '../../layers/norm.js'
import { adaptiveAvgPool2d } from '../../layers/pool.js'
import { flatten } from '../../layers/reshape.js'

interface AttentionArgs {
  dim: number
  /** Two sizes (H, W), or three (T, H, W) for the video Swin. */
  window_size: readonly number[]
  shift_size: readonly number[]
  num_heads: number
  attention_dropout: number
  dropout: number
  /** Swin v2: cosine attention with a learned logit scale and a continuous position bias MLP. */
  v2: boolean
}

/**
 * `ShiftedWindowAttention` / `ShiftedWindowAttentionV2`: multi-head
 * self-attention inside (shifted) windows, with a relative position bias
 * (a learned table in v1, a small MLP over log-spaced coordinates in v2).
 */
const ShiftedWindowAttention = defineBlock<AttentionArgs>({
  name: 'ShiftedWindowAttention',
  build(a, m) {
    const [wh = 1, ww = 1] = a.window_size
    m.child('qkv', nn(m, linear, { in_features: a.dim, out_features: a.dim * 3, bias: true }))
    m.child('proj', nn(m, linear, { in_features: a.dim, out_features: a.dim, bias: true }))
    if (a.v2) m.buffer('relative_coords_table', [1, 2 * wh - 1, 2 * ww - 1, 2], { dtype: 'float32' })
    else m.param('relative_position_bias_table', [(2 * wh - 1) * (2 * ww - 1), a.num_heads])
    m.buffer('relative_position_index', [wh * ww * wh * ww], { dtype: 'int64' })
    if (a.v2) {
      m.param('logit_scale', [a.num_heads, 1, 1])
      m.child('cpb_mlp', sequential(m, [nn(m, linear, { in_features: 2, out_features: 512, bias: true }), nn(m, relu, { inplace: true }), nn(m, linear, { in_features: 512, out_features: a.num_heads, bias: false })]))
    }
  },
  forward(self, inputs, ctx) {
    const a = self.args
    const x = inputs[0]!
    if (x.shape.length !== 4 || x.shape[3] !== a.dim) throw ctx.error(`expects a (B, H, W, ${a.dim}) input, got shape ${formatShape(x.shape)}.`)
    const [b, h, w, c] = x.shape as [number, number, number, number]
    const [wh = 1, ww = 1] = a.window_size
    const padH = h + ((wh - (h % wh)) % wh)
    const padW = w + ((ww - (w % ww)) % ww)
    const windows = (padH / wh) * (padW / ww)
    const length = wh * ww
    // Relative position bias: table[index] (v1) or 16 * sigmoid(cpb_mlp(coords)[index]) (v2), made contiguous.
    if (a.v2) {
      runChild(self, 'cpb_mlp', ctx.state(self, 'relative_coords_table'), ctx)
      ops.scale(ctx, ops.sigmoid(ctx, ctx.tensor([1, a.num_heads, length, length])))
    }
    const out = attendWindows(self, x, b * windows, length, a.v2, ctx)
    // Window reverse (permute + reshape), roll back and crop: copies.
    return ops.copy(ctx, out, [b, h, w, c])
  },
})

/**
 * The attention of `shifted_window_attention` (2-D and 3-D) over `rows` windows of `length` tokens:
 * the window partition (a copy), `qkv`, scaled (v1) or cosine (v2) scores, softmax, dropout, the
 * weighted sum and `proj`. Returns `proj`'s output, `(rows, length, C)`.
 */
export function attendWindows(self: ModuleNode & { args: { num_heads: number; attention_dropout: number; dropout: number } }, x: Tensor, rows: number, length: number, v2: boolean, ctx: ForwardContext): Tensor {
  const c = x.shape.at(-1)!
  const heads = self.args.num_heads
  const headDim = Math.floor(c / heads)
  // F.pad, torch.roll and the window partition (permute + reshape) each copy: nothing saved.
  ctx.use(x)
  const partitioned = ctx.tensor([rows, length, c], x.dtype)
  const qkv = runChild(self, 'qkv', partitioned, ctx)
  const split = [rows * heads, length, headDim]
  // q, k and v are strided views of qkv. For q @ k^T and attn @ v, matmul folds
  // (windows, heads) into one batch dimension: a copy, unless there is a single
  // window row (one image, one window), where the views fold as they are and qkv
  // itself is what autograd keeps.
  const single = rows === 1
  let attn: Tensor
  if (v2) {
    // F.normalize(q) and F.normalize(k): norm (saves q/k and its result), clamp_min (its result), division (both).
    ctx.save(qkv)
    for (let i = 0; i < 2; i++) ctx.save(ctx.tensor([rows, heads, length, 1]), ctx.tensor([rows, heads, length, 1]))
    attn = ops.matmul(ctx, ctx.tensor(split), ctx.tensor([rows * heads, headDim, length]))
    // logit_scale.clamp(max=log 100).exp(), then attn * logit_scale.
    attn = ops.mul(ctx, ctx.view(attn, [rows, heads, length, length]), ctx.tensor([heads, 1, 1]))
  } else {
    // q * head_dim ** -0.5 keeps the Python float; then q @ k^T.
    const q = ops.scale(ctx, ctx.tensor(split))
    attn = ops.matmul(ctx, single ? q : ctx.tensor(split), single ? ctx.view(qkv, [rows * heads, headDim, length]) : ctx.tensor([rows * heads, headDim, length]))
  }
  attn = ctx.tensor([rows, heads, length, length])
  attn = ops.softmax(ctx, attn)
  // F.dropout without `training=`: applied in training and evaluation alike.
  attn = ops.dropout(ctx, attn, self.args.attention_dropout, true)
  const context = ops.matmul(ctx, ctx.view(attn, [rows * heads, length, length]), single ? ctx.view(qkv, split) : ctx.tensor(split))
  const out = runChild(self, 'proj', ops.copy(ctx, context, [rows, length, c]), ctx)
  return ops.dropout(ctx, out, self.args.dropout, true)
}

interface BlockArgs extends AttentionArgs {
  mlp_ratio: number
  stochastic_depth_prob: number
  /** The attention class (`attn_layer`): `ShiftedWindowAttention(V2)` by default, `ShiftedWindowAttention3d` in the video Swin. */
  attention?: LayerDefinition
}

/** `SwinTransformerBlock` (pre-norm) and `SwinTransformerBlockV2` (post-norm): window attention and MLP with residuals. */
export const SwinTransformerBlock = defineBlock<BlockArgs>({
  name: 'SwinTransformerBlock',
  build(a, m) {
    m.child('norm1', nn(m, layerNorm, { normalized_shape: a.dim, eps: 1e-5 }))
    m.child('attn', block(m, a.attention ?? (a.v2 ? ShiftedWindowAttentionV2 : ShiftedWindowAttention), a))
    m.child('stochastic_depth', block(m, StochasticDepth, { p: a.stochastic_depth_prob, mode: 'row' }))
    m.child('norm2', nn(m, layerNorm, { normalized_shape: a.dim, eps: 1e-5 }))
    m.child('mlp', block(m, MLP, { in_channels: a.dim, hidden_channels: [Math.trunc(a.dim * a.mlp_ratio), a.dim], activation_layer: activation(gelu), inplace: null, dropout: a.dropout }))
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    const branch = (first: string, second: string, y: Tensor): Tensor => runChild(self, 'stochastic_depth', runChild(self, second, runChild(self, first, y, ctx), ctx), ctx)
    const v2 = self.args.v2
    x = ops.add(ctx, x, v2 ? branch('attn', 'norm1', x) : branch('norm1', 'attn', x))
    x = ops.add(ctx, x, v2 ? branch('mlp', 'norm2', x) : branch('norm2', 'mlp', x))
    return x
  },
})

const ShiftedWindowAttentionV2 = { ...ShiftedWindowAttention, name: 'ShiftedWindowAttentionV2' }
const SwinTransformerBlockV2 = { ...SwinTransformerBlock, name: 'SwinTransformerBlockV2' }

/** `_patch_merging_pad`: pads H and W (the last two dimensions before C) to even sizes and concatenates the four 2×2 phases along channels. */
function patchMergingPad(ctx: ForwardContext, x: Tensor): Tensor {
  if (x.shape.length < 3) throw ctx.error(`expects a (…, H, W, C) input, got shape ${formatShape(x.shape)}.`)
  const [h, w, c] = x.shape.slice(-3) as [number, number, number]
  ctx.use(x)
  return ctx.tensor([...x.shape.slice(0, -3), Math.ceil(h / 2), Math.ceil(w / 2), 4 * c], x.dtype)
}

/** `PatchMerging` (norm then reduction) and `PatchMergingV2` (reduction then norm): halves H and W, doubles C. */
export const PatchMerging = defineBlock<{ dim: number; v2: boolean }>({
  name: 'PatchMerging',
  build(a, m) {
    m.child('reduction', nn(m, linear, { in_features: 4 * a.dim, out_features: 2 * a.dim, bias: false }))
    m.child('norm', nn(m, layerNorm, { normalized_shape: a.v2 ? 2 * a.dim : 4 * a.dim, eps: 1e-5 }))
  },
  forward(self, inputs, ctx) {
    const x = patchMergingPad(ctx, inputs[0]!)
    return self.args.v2 ? runChild(self, 'norm', runChild(self, 'reduction', x, ctx), ctx) : runChild(self, 'reduction', runChild(self, 'norm', x, ctx), ctx)
  },
})
const PatchMergingV2 = { ...PatchMerging, name: 'PatchMergingV2' }

interface SwinArgs {
  mlp_ratio: number
  dropout: number
  attention_dropout: number
  stochastic_depth_prob: number
  num_classes: number
}

function swin(name: string, embedDim: number, depths: readonly number[], numHeads: readonly number[], window: number, stochasticDepthProb: number, v2: boolean) {
  return defineModel<SwinArgs>({
    name,
    className: 'SwinTransformer',
    signature: [float('mlp_ratio', { default: 4.0 }), float('dropout', { default: 0.0 }), float('attention_dropout', { default: 0.0 }), float('stochastic_depth_prob', { default: stochasticDepthProb }), int('num_classes', { default: 1000 })],
    validate(a, fail) {
      if (a.stochastic_depth_prob < 0 || a.stochastic_depth_prob > 1) fail('stochastic_depth_prob', `drop probability has to be between 0 and 1, but got ${a.stochastic_depth_prob}.`)
      if (!(a.mlp_ratio > 0)) fail('mlp_ratio', `\`mlp_ratio\` must be positive, got ${a.mlp_ratio}.`)
    },
    build(a, m) {
      const layers: ModuleNode[] = [
        sequential(m, [
          nn(m, conv2d, { in_channels: 3, out_channels: embedDim, kernel_size: [4, 4], stride: [4, 4] }),
          block(m, Permute, { dims: [0, 2, 3, 1] }),
          nn(m, layerNorm, { normalized_shape: embedDim, eps: 1e-5 }),
        ]),
      ]
      const totalBlocks = depths.reduce((s, d) => s + d, 0)
      let blockId = 0
      depths.forEach((depth, stage) => {
        const dim = embedDim * 2 ** stage
        const blocks: ModuleNode[] = []
        for (let i = 0; i < depth; i++) {
          const shift = i % 2 === 0 ? 0 : Math.floor(window / 2)
          blocks.push(
            block(m, v2 ? SwinTransformerBlockV2 : SwinTransformerBlock, {
              dim,
              num_heads: numHeads[stage]!,
              window_size: [window, window],
              shift_size: [shift, shift],
              mlp_ratio: a.mlp_ratio,
              dropout: a.dropout,
              attention_dropout: a.attention_dropout,
              stochastic_depth_prob: (a.stochastic_depth_prob * blockId) / (totalBlocks - 1),
              v2,
            }),
          )
          blockId++
        }
        layers.push(sequential(m, blocks))
        if (stage < depths.length - 1) layers.push(block(m, v2 ? PatchMergingV2 : PatchMerging, { dim, v2 }))
      })
      m.child('features', sequential(m, layers))
      const features = embedDim * 2 ** (depths.length - 1)
      m.child('norm', nn(m, layerNorm, { normalized_shape: features, eps: 1e-5 }))
      m.child('permute', block(m, Permute, { dims: [0, 3, 1, 2] }))
      m.child('avgpool', nn(m, adaptiveAvgPool2d, { output_size: 1 }))
      m.child('flatten', nn(m, flatten, { start_dim: 1 }))
      m.child('head', nn(m, linear, { in_features: features, out_features: a.num_classes }))
    },
    forward(self, inputs, ctx) {
      let x = inputs[0]!
      for (const name of ['features', 'norm', 'permute', 'avgpool', 'flatten', 'head']) x = runChild(self, name, x, ctx)
      return x
    },
  })
}

/** `torchvision.models.swin_t`, `swin_s`, `swin_b` (Swin Transformer, 7×7 windows). */
export const swin_t = swin('swin_t', 96, [2, 2, 6, 2], [3, 6, 12, 24], 7, 0.2, false)
/** `torchvision.models.swin_s` (`SwinTransformer`). */
export const swin_s = swin('swin_s', 96, [2, 2, 18, 2], [3, 6, 12, 24], 7, 0.3, false)
/** `torchvision.models.swin_b` (`SwinTransformer`). */
export const swin_b = swin('swin_b', 128, [2, 2, 18, 2], [4, 8, 16, 32], 7, 0.5, false)
/** `torchvision.models.swin_v2_t`, `swin_v2_s`, `swin_v2_b` (Swin Transformer V2, 8×8 windows). */
export const swin_v2_t = swin('swin_v2_t', 96, [2, 2, 6, 2], [3, 6, 12, 24], 8, 0.2, true)
/** `torchvision.models.swin_v2_s` (`SwinTransformer`). */
export const swin_v2_s = swin('swin_v2_s', 96, [2, 2, 18, 2], [3, 6, 12, 24], 8, 0.3, true)
/** `torchvision.models.swin_v2_b` (`SwinTransformer`). */
export const swin_v2_b = swin('swin_v2_b', 128, [2, 2, 18, 2], [4, 8, 16, 32], 8, 0.5, true)
