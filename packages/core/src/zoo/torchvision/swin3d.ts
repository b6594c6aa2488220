import { float, int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { formatShape } from '../../tensor/shape.js'
import { block, defineBlock, defineModel, nn, runChild, sequential } from './core.js'
import * as ops from './ops.js'
import { attendWindows, PatchMerging, SwinTransformerBlock } from './swin.js'
import { conv3d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { layerNorm } from '../../layers/norm.js'
import { adaptiveAvgPool3d } from '../../layers/pool.js'

/**
 * The video Swin Transformer (`torchvision.models.video.swin3d_t`, `_s`, `_b`): 2×4×4 patches and
 * 8×7×7 (shifted) windows over `(N, 3, T, H, W)` clips, with torchvision's 2-D Swin block and patch merging.
 */

interface Attention3dArgs {
  dim: number
  window_size: readonly [number, number, number]
  shift_size: readonly [number, number, number]
  num_heads: number
  attention_dropout: number
  dropout: number
}

/**
 * `ShiftedWindowAttention3d`: `qkv`, `proj`, a relative position bias table over
 * `(2Wd-1)(2Wh-1)(2Ww-1)` offsets and its int64 index `(Wd·Wh·Ww, Wd·Wh·Ww)`. A window larger than
 * the input shrinks to it, without shift.
 */
const ShiftedWindowAttention3d = defineBlock<Attention3dArgs>({
  name: 'ShiftedWindowAttention3d',
  build(a, m) {
    const [wd, wh, ww] = a.window_size
    m.child('qkv', nn(m, linear, { in_features: a.dim, out_features: a.dim * 3, bias: true }))
    m.child('proj', nn(m, linear, { in_features: a.dim, out_features: a.dim, bias: true }))
    m.param('relative_position_bias_table', [(2 * wd - 1) * (2 * wh - 1) * (2 * ww - 1), a.num_heads])
    m.buffer('relative_position_index', [wd * wh * ww, wd * wh * ww], { dtype: 'int64' })
  },
  forward(self, inputs, ctx) {
    const a = self.args
    const x = inputs[0]!
    if (x.shape.length !== 5 || x.shape[4] !== a.dim) throw ctx.error(`expects a (B, T, H, W, ${a.dim}) input, got shape ${formatShape(x.shape)}.`)
    const [b, t, h, w, c] = x.shape as [number, number, number, number, number]
    const window = a.window_size.map((size, i) => Math.min(size, [t, h, w][i]!))
    const volume = window[0]! * window[1]! * window[2]!
    const fullVolume = a.window_size[0] * a.window_size[1] * a.window_size[2]
    // The bias gathers table[index[:vol, :vol].flatten()]: a shrunk window slices the index, and the
    // flattened slice is a copy that the gather keeps; then permute + contiguous copies the bias.
    if (volume < fullVolume) ctx.save(ctx.tensor([volume * volume], 'int64'))
    ctx.tensor([1, a.num_heads, volume, volume])
    const windows = [t, h, w].reduce((n, size, i) => n * Math.ceil(size / window[i]!), 1)
    const out = attendWindows(self, x, b * windows, volume, false, ctx)
    return ops.copy(ctx, out, [b, t, h, w, c])
  },
})

/** `PatchEmbed3d`: a patch-sized, patch-strided `Conv3d` (after padding the clip to whole patches), permuted to channels-last, then LayerNorm. */
const PatchEmbed3d = defineBlock<{ patch: readonly [number, number, number]; embed_dim: number }>({
  name: 'PatchEmbed3d',
  build(a, m) {
    m.child('proj', nn(m, conv3d, { in_channels: 3, out_channels: a.embed_dim, kernel_size: [...a.patch], stride: [...a.patch] }))
    m.child('norm', nn(m, layerNorm, { normalized_shape: a.embed_dim, eps: 1e-5 }))
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    if (x.shape.length !== 5) throw ctx.error(`expects clips of shape (N, 3, T, H, W), got shape ${formatShape(x.shape)}.`)
    const padded = x.shape.map((size, i) => (i < 2 ? size : size + ((self.args.patch[i - 2]! - (size % self.args.patch[i - 2]!)) % self.args.patch[i - 2]!)))
    // F.pad always makes a new tensor.
    x = ops.copy(ctx, x, padded)
    const y = runChild(self, 'proj', x, ctx)
    const [n, e, t, h, w] = y.shape as [number, number, number, number, number]
    return runChild(self, 'norm', ctx.view(y, [n, t, h, w, e]), ctx)
  },
})

function swin3d(name: string, embedDim: number, depths: readonly number[], numHeads: readonly number[]) {
  const window = [8, 7, 7] as const
  return defineModel<{ mlp_ratio: number; dropout: number; attention_dropout: number; stochastic_depth_prob: number; num_classes: number }>({
    name,
    className: 'SwinTransformer3d',
    signature: [float('mlp_ratio', { default: 4.0 }), float('dropout', { default: 0.0 }), float('attention_dropout', { default: 0.0 }), float('stochastic_depth_prob', { default: 0.1 }), int('num_classes', { default: 400 })],
    build(a, m) {
      m.child('patch_embed', block(m, PatchEmbed3d, { patch: [2, 4, 4], embed_dim: embedDim }))
      m.child('pos_drop', nn(m, dropoutLayer, { p: a.dropout }))
      const layers: ModuleNode[] = []
      const total = depths.reduce((s, d) => s + d, 0)
      let id = 0
      depths.forEach((depth, stage) => {
        const dim = embedDim * 2 ** stage
        const blocks: ModuleNode[] = []
        for (let i = 0; i < depth; i++) {
          blocks.push(
            block(m, SwinTransformerBlock, {
              dim,
              num_heads: numHeads[stage]!,
              window_size: window,
              shift_size: window.map((s) => (i % 2 === 0 ? 0 : Math.floor(s / 2))),
              mlp_ratio: a.mlp_ratio,
              dropout: a.dropout,
              attention_dropout: a.attention_dropout,
              stochastic_depth_prob: (a.stochastic_depth_prob * id++) / (total - 1),
              v2: false,
              attention: ShiftedWindowAttention3d,
            }),
          )
        }
        layers.push(sequential(m, blocks))
        if (stage < depths.length - 1) layers.push(block(m, PatchMerging, { dim, v2: false }))
      })
      m.child('features', sequential(m, layers))
      const features = embedDim * 2 ** (depths.length - 1)
      m.child('norm', nn(m, layerNorm, { normalized_shape: features, eps: 1e-5 }))
      m.child('avgpool', nn(m, adaptiveAvgPool3d, { output_size: 1 }))
      m.child('head', nn(m, linear, { in_features: features, out_features: a.num_classes }))
    },
    forward(self, inputs, ctx) {
      let x = inputs[0]!
      for (const name of ['patch_embed', 'pos_drop', 'features', 'norm']) x = runChild(self, name, x, ctx)
      const [n, t, h, w, c] = x.shape as [number, number, number, number, number]
      x = runChild(self, 'avgpool', ctx.view(x, [n, c, t, h, w]), ctx)
      return runChild(self, 'head', ops.flatten(ctx, x, 1), ctx)
    },
  })
}

/** `torchvision.models.video.swin3d_t` (`SwinTransformer3d`). */
export const swin3d_t = swin3d('swin3d_t', 96, [2, 2, 6, 2], [3, 6, 12, 24])
/** `torchvision.models.video.swin3d_s` (`SwinTransformer3d`). */
export const swin3d_s = swin3d('swin3d_s', 96, [2, 2, 18, 2], [3, 6, 12, 24])
/** `torchvision.models.video.swin3d_b` (`SwinTransformer3d`). */
export const swin3d_b = swin3d('swin3d_b', 128, [2, 2, 18, 2], [4, 8, 16, 32])
