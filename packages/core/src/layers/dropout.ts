import { bool, float } from '../bind/args.js'
import type { ArgsOf } from '../bind/args.js'
import * as ops from '../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import type { ModuleNode } from '../model/module.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'

/** The arguments of every dropout layer. */
const dropoutSignature = [float('p', { default: 0.5 }), bool('inplace', { default: false })]

/** Which dropout variant: element-wise or per channel ("feature"), plain or alpha (self-normalising). */
interface Variant {
  name: string
  feature: boolean
  alpha: boolean
  /** The shape the kernel sees (dropout1d/3d add a batch dimension to unbatched inputs), or throws. */
  kernelShape?: (x: Tensor, ctx: ForwardContext) => readonly number[]
}

/** One dropout call of the module, through the functional op of its variant. */
function dropoutForward(variant: Variant, self: ModuleNode & { args: ArgsOf<typeof dropoutSignature> }, x: Tensor, ctx: ForwardContext): Tensor {
  const options = { p: self.args.p, training: self.training, inplace: self.args.inplace }
  const shape = variant.kernelShape?.(x, ctx) ?? x.shape
  if (variant.feature) return ops.featureDropout(ctx, x, shape, { ...options, alpha: variant.alpha })
  return variant.alpha ? ops.alphaDropout(ctx, x, options) : ops.dropout(ctx, x, options)
}

function makeDropout(variant: Variant) {
  return defineLayer({
    name: variant.name,
    signature: dropoutSignature,
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
