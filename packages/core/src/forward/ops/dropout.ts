import { formatShape } from '../../tensor/shape.js'
import { layOutElementwise } from '../layout.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { result, saveIf } from './common.js'

/** Options of the dropout ops. */
export interface DropoutOptions {
  p: number
  /** Training mode: without it dropout returns its input. */
  training: boolean
  inplace?: boolean
}

/**
 * `F.dropout(x, p, training, inplace)`, as ATen's `_dropout_impl` runs it:
 * - `p == 0`, eval mode or an empty input: the input itself, nothing saved;
 * - `p == 1`: the input times a zero 0-dim tensor, which is saved;
 * - otherwise CPU draws a noise tensor of the input's shape and dtype and the multiplication keeps it; CUDA runs
 *   the fused `native_dropout` out of place, which keeps a 1-byte mask of the input's shape.
 * The noise, the mask and the result are made with `empty_like` or by an element-wise op, so a result keeps the
 * input's layout: a transposed input gives a transposed result, which a following `view` or `linear` must copy.
 */
export function dropout(ctx: ForwardContext, x: Tensor, options: DropoutOptions): Tensor {
  return dropoutImpl(ctx, x, x.shape, options, { feature: false, alpha: false })
}

/**
 * `F.alpha_dropout(x, p, training)`: keeps mean and variance for SELU networks; keeps a noise tensor of the
 * input's shape (CPU and CUDA alike). `inplace` is ignored, as `nn.AlphaDropout` never passes it on.
 */
export function alphaDropout(ctx: ForwardContext, x: Tensor, options: DropoutOptions): Tensor {
  return dropoutImpl(ctx, x, x.shape, { ...options, inplace: false }, { feature: false, alpha: true })
}

/**
 * Channel-wise dropout (`F.dropout1d/2d/3d`, `F.feature_alpha_dropout`) on an input the kernel sees with shape
 * `kernelShape` (`(N, C, …)`): the noise has shape `(N, C, 1, …)`. At least two dimensions are needed.
 */
export function featureDropout(ctx: ForwardContext, x: Tensor, kernelShape: readonly number[], options: DropoutOptions & { alpha?: boolean }): Tensor {
  return dropoutImpl(ctx, x, kernelShape, options.alpha ? { ...options, inplace: false } : options, { feature: true, alpha: options.alpha === true })
}

function dropoutImpl(ctx: ForwardContext, x: Tensor, shape: readonly number[], options: DropoutOptions, variant: { feature: boolean; alpha: boolean }): Tensor {
  const { p } = options
  const inplace = options.inplace === true
  if (p === 0 || !options.training || x.shape.includes(0)) return x
  const y = inplace ? x : layOutElementwise(result(ctx, x.shape, x.dtype, [x]), [x])
  if (p === 1) {
    saveIf(ctx, x.requiresGrad, ctx.tensor([], x.dtype, false))
    return y
  }
  if (variant.feature && shape.length < 2) {
    throw ctx.error(`needs an input of at least 2 dimensions, got ${formatShape(x.shape)}: Feature dropout requires at least 2 dimensions in the input.`)
  }
  if (!variant.feature && !variant.alpha && !inplace && ctx.device === 'cuda') {
    saveIf(ctx, x.requiresGrad, ctx.tensor(x.shape, 'bool', false))
    return y
  }
  const noiseShape = variant.feature ? shape.map((d, i) => (i < 2 ? d : 1)) : x.shape
  saveIf(ctx, x.requiresGrad, ctx.tensor(noiseShape, x.dtype, false))
  return y
}
