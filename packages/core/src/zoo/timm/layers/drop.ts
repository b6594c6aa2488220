import { bool, float, int } from '../../../bind/args.js'
import * as forwardOps from '../../../forward/ops/index.js'
import { defineLayer } from '../../../layers/define-layer.js'
import type { ModuleBuilder } from '../../../layers/define-layer.js'
import { identity } from '../../../layers/linear.js'
import type { ModuleNode } from '../../../model/module.js'
import { formatShape } from '../../../tensor/shape.js'
import { nn } from '../../torchvision/core.js'

/**
 * `timm.layers.DropPath(drop_prob=0., scale_by_keep=True)`: stochastic depth per sample. No parameters; in training
 * mode with `drop_prob > 0` its forward is `x * mask`, where the mask of shape `(N, 1, …)` is drawn with `bernoulli_`
 * (and divided by the keep probability in place), so autograd keeps the mask when `x` requires grad.
 */
export const DropPath = defineLayer({
  name: 'DropPath',
  signature: [float('drop_prob', { default: 0 }), bool('scale_by_keep', { default: true })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (self.args.drop_prob === 0 || !self.training) return x
    if (x.shape.length === 0) throw ctx.error(`needs a batch dimension, got shape ${formatShape(x.shape)}.`)
    const mask = ctx.tensor([x.shape[0]!, ...x.shape.slice(1).map(() => 1)], x.dtype, false)
    return forwardOps.mul(ctx, x, mask)
  },
})

/** `DropPath(p) if p > 0. else nn.Identity()`, as timm's blocks make it. */
export function dropPathOrIdentity(m: ModuleBuilder, p: number): ModuleNode {
  return p > 0 ? nn(m, DropPath, { drop_prob: p }) : nn(m, identity)
}

/** `DropPath(p) if p > 0. else None`: the blocks that hold no module without stochastic depth. */
export function dropPathOrNone(m: ModuleBuilder, p: number): ModuleNode | null {
  return p > 0 ? nn(m, DropPath, { drop_prob: p }) : null
}

/** timm's stochastic depth rule: `drop_path_rate * i / (n - 1)` for block `i` of `n` (`torch.linspace`). */
export function dropPathRates(rate: number, blocks: number): number[] {
  if (blocks <= 1) return blocks === 1 ? [0] : []
  return Array.from({ length: blocks }, (_, i) => (rate * i) / (blocks - 1))
}

/**
 * `timm.layers.DropBlock2d(drop_prob=0.1, block_size=7, gamma_scale=1.0, with_noise=False, inplace=False,
 * couple_channels=True, scale_by_keep=True, **kwargs)`: in training with `drop_prob`, drops square blocks of an
 * `(N, C, H, W)` input. Without grad it draws block centres of shape `(N, 1, H, W)` (`(N, C, H, W)` without
 * `couple_channels`), widens them with a max pool of `min(block_size, H) × min(block_size, W)` (cut back to `H × W`
 * for even sizes) and takes `1 - mask` as the keep mask; the input is multiplied by it (in place with `inplace`), which
 * keeps the mask for backward, and with `with_noise` noise is added. Other keywords are taken and ignored.
 */
export const DropBlock2d = defineLayer({
  name: 'DropBlock2d',
  signature: [
    float('drop_prob', { default: 0.1 }),
    int('block_size', { default: 7 }),
    float('gamma_scale', { default: 1 }),
    bool('with_noise', { default: false }),
    bool('inplace', { default: false }),
    bool('couple_channels', { default: true }),
    bool('scale_by_keep', { default: true }),
  ],
  ignoresExtraKeywords: true,
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const a = self.args
    if (!self.training || !a.drop_prob) return x
    if (x.shape.length !== 4) throw ctx.error(`expects a 4-D input (N, C, H, W), got shape ${formatShape(x.shape)}.`)
    const [n, c, h, w] = x.shape as [number, number, number, number]
    const kh = Math.min(a.block_size, h)
    const kw = Math.min(a.block_size, w)
    const maskShape = [n, a.couple_channels ? 1 : c, h, w]
    const centres = ctx.tensor(maskShape, x.dtype, false)
    const pooled = forwardOps.maxPool(ctx, centres, 2, { kernel: [kh, kw], stride: [1, 1], padding: [kh >> 1, kw >> 1], dilation: [1, 1], ceilMode: false }).values
    const blocks = kh % 2 === 0 || kw % 2 === 0 ? ctx.view(pooled, maskShape) : pooled
    const keep = forwardOps.sub(ctx, 1, blocks)
    const noise = a.with_noise ? ctx.tensor(maskShape, x.dtype, false) : undefined
    if (a.inplace) {
      const y = forwardOps.mulInPlace(ctx, x, keep)
      return noise ? forwardOps.addInPlace(ctx, y, noise) : y
    }
    const y = forwardOps.mul(ctx, x, keep)
    return noise ? forwardOps.add(ctx, y, noise) : y
  },
})
