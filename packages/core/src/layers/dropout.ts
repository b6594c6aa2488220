import { bool, float } from '../bind/args.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import type { ModuleNode } from '../model/module.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { LayerDefinition } from './define-layer.js'

/** Bound arguments of every dropout layer. */
export interface DropoutArgs {
  p: number
  inplace: boolean
}

/** Which dropout variant: element-wise or per channel ("feature"), plain or alpha (self-normalising). */
interface Variant {
  name: string
  feature: boolean
  alpha: boolean
  /** The shape the kernel sees (dropout1d/3d add a batch dimension to unbatched inputs), or throws. */
  kernelShape?: (x: Tensor, ctx: ForwardContext) => readonly number[]
}

/**
 * One training-mode dropout pass, as ATen's `_dropout_impl` does it:
 * - `p == 0`, eval mode or an empty input: the input itself is returned, nothing is saved;
 * - `p == 1`: the input times a zero scalar, which is saved (one element);
 * - otherwise a noise tensor (input's dtype) of the input's shape, or `(N, C, 1, …)` for
 *   feature dropout, is drawn and saved by the multiplication.
 * On CUDA, plain out-of-place dropout with `0 < p < 1` runs the fused kernel, which saves
 * a 1-byte mask of the input's shape instead of the noise.
 * `AlphaDropout` and `FeatureAlphaDropout` ignore `inplace` (their `forward` never passes it on).
 */
function dropoutForward(variant: Variant, self: ModuleNode & { args: DropoutArgs }, x: Tensor, ctx: ForwardContext): Tensor {
  const { p } = self.args
  const inplace = self.args.inplace && !variant.alpha
  const shape = variant.kernelShape?.(x, ctx) ?? x.shape
  if (p === 0 || !self.training || x.shape.includes(0)) return x
  const y = inplace ? x : ctx.tensor(x.shape, x.dtype)
  if (p === 1) {
    ctx.save(ctx.tensor([], x.dtype))
    return y
  }
  if (variant.feature && shape.length < 2) {
    throw ctx.error(`needs an input of at least 2 dimensions, got ${formatShape(x.shape)}: Feature dropout requires at least 2 dimensions in the input.`)
  }
  if (!variant.feature && !variant.alpha && !inplace && ctx.device === 'cuda') {
    ctx.save(ctx.tensor(x.shape, 'bool'))
    return y
  }
  const noiseShape = variant.feature ? shape.map((d, i) => (i < 2 ? d : 1)) : x.shape
  ctx.save(ctx.tensor(noiseShape, x.dtype))
  return y
}

function makeDropout(variant: Variant): LayerDefinition<DropoutArgs> {
  return defineLayer<DropoutArgs>({
    name: variant.name,
    signature: [float('p', { default: 0.5 }), bool('inplace', { default: false })],
    validate({ p }, fail) {
      if (!(p >= 0 && p <= 1)) fail('p', `dropout probability has to be between 0 and 1, but got \`p=${p}\`.`)
    },
    build() {},
    forward: (self, inputs, ctx) => dropoutForward(variant, self, inputs[0]!, ctx),
  })
}

/** `nn.Dropout(p=0.5, inplace=False)`: zeroes elements; CPU saves float noise of the input's size, CUDA a 1-byte mask. */
export const dropout = makeDropout({ name: 'Dropout', feature: false, alpha: false })

/** `nn.Dropout1d(p=0.5, inplace=False)`: zeroes whole channels of `(N, C, L)` or `(C, L)` inputs. */
export const dropout1d = makeDropout({
  name: 'Dropout1d',
  feature: true,
  alpha: false,
  kernelShape(x, ctx) {
    if (x.shape.length !== 2 && x.shape.length !== 3) {
      throw ctx.error(`expects a 2D or 3D input (channel-wise dropout on 1 spatial dimension, optional batch dimension), but received a ${x.shape.length}D input of shape ${formatShape(x.shape)}.`)
    }
    return x.shape.length === 2 ? [1, ...x.shape] : x.shape
  },
})

/**
 * `nn.Dropout2d(p=0.5, inplace=False)`: zeroes whole channels; the noise has shape `(N, C, 1, 1)`.
 * PyTorch treats any input as batched here (a 3-D input gets channel-wise 1-D behaviour).
 */
export const dropout2d = makeDropout({ name: 'Dropout2d', feature: true, alpha: false })

/** `nn.Dropout3d(p=0.5, inplace=False)`: zeroes whole channels of `(N, C, D, H, W)` inputs; other ranks gain a batch dimension first. */
export const dropout3d = makeDropout({
  name: 'Dropout3d',
  feature: true,
  alpha: false,
  kernelShape: (x) => (x.shape.length === 5 ? x.shape : [1, ...x.shape]),
})

/** `nn.AlphaDropout(p=0.5, inplace=False)`: keeps mean and variance for SELU networks; saves noise of the input's size. */
export const alphaDropout = makeDropout({ name: 'AlphaDropout', feature: false, alpha: true })

/** `nn.FeatureAlphaDropout(p=0.5, inplace=False)`: alpha dropout of whole channels; saves noise of shape `(N, C, 1, …)`. */
export const featureAlphaDropout = makeDropout({ name: 'FeatureAlphaDropout', feature: true, alpha: true })
