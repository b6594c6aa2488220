import { pad } from '../../../forward/ops/index.js'
import { formatShape } from '../../../tensor/shape.js'
import { defineBlock, nn, runChild } from '../../torchvision/core.js'
import { pair } from './helpers.js'
import { createNorm } from './norm.js'
import type { NormSpec } from './norm.js'
import { conv2d } from '../../../layers/conv.js'
import { identity } from '../../../layers/linear.js'

/** Arguments of {@link PatchEmbed}. */
export interface PatchEmbedArgs {
  img_size: readonly [number, number] | null
  patch_size: number | readonly [number, number]
  in_chans: number
  embed_dim: number
  norm?: NormSpec | null
  /** Flatten to `(N, tokens, C)` (true) or keep `(N, H, W, C)` (`output_fmt='NHWC'`) / `(N, C, H, W)`. */
  output_fmt?: 'NLC' | 'NHWC' | 'NCHW'
  bias?: boolean
  strict_img_size?: boolean
  dynamic_img_pad?: boolean
}

/** The token grid of a patch embedding: image size over patch size, per dimension. */
export function patchGrid(a: Pick<PatchEmbedArgs, 'img_size' | 'patch_size'>): [number, number] {
  const [ph, pw] = pair(a.patch_size)
  const [h, w] = a.img_size ?? [0, 0]
  return [Math.floor(h / ph), Math.floor(w / pw)]
}

/**
 * `PatchEmbed`: `proj`, a convolution with kernel and stride `patch_size`, then `norm`. The forward
 * checks the image size when `strict_img_size` (as timm asserts) and flattens to tokens.
 */
export const PatchEmbed = defineBlock<PatchEmbedArgs>({
  name: 'PatchEmbed',
  build(a, m) {
    const patch = pair(a.patch_size)
    m.child('proj', nn(m, conv2d, { in_channels: a.in_chans, out_channels: a.embed_dim, kernel_size: patch, stride: patch, bias: a.bias ?? true }))
    m.child('norm', a.norm ? createNorm(m, a.norm, a.embed_dim) : nn(m, identity))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const a = self.args
    if (x.shape.length !== 4) throw ctx.error(`expects images (N, C, H, W), got shape ${formatShape(x.shape)}.`)
    const [, , h, w] = x.shape as [number, number, number, number]
    const [ph, pw] = pair(a.patch_size)
    if (a.img_size && (a.strict_img_size ?? true)) {
      if (h !== a.img_size[0]) throw ctx.error(`Input height (${h}) doesn't match model (${a.img_size[0]}). (Build it with \`img_size=${h}\` for other sizes.)`)
      if (w !== a.img_size[1]) throw ctx.error(`Input width (${w}) doesn't match model (${a.img_size[1]}).`)
    } else if (!a.dynamic_img_pad && (h % ph !== 0 || w % pw !== 0)) {
      throw ctx.error(`Input size (${h}, ${w}) should be divisible by patch size (${ph}, ${pw}).`)
    }
    // `dynamic_img_pad`: `F.pad(x, (0, pad_w, 0, pad_h))` up to a multiple of the patch size, a new tensor even when
    // nothing is padded (constant padding keeps nothing; `proj` keeps the padded copy).
    const input = a.dynamic_img_pad ? pad(ctx, x, [0, (pw - (w % pw)) % pw, 0, (ph - (h % ph)) % ph], 'constant') : x
    const y = runChild(self, 'proj', input, ctx)
    const [n, c, gh, gw] = y.shape as [number, number, number, number]
    const fmt = a.output_fmt ?? 'NLC'
    const tokens = fmt === 'NLC' ? ctx.view(y, [n, gh * gw, c]) : fmt === 'NHWC' ? ctx.view(y, [n, gh, gw, c]) : y
    return runChild(self, 'norm', tokens, ctx)
  },
})
