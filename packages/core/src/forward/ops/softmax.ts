import type { ForwardContext, Tensor } from '../trace.js'
import { result, saveIf, wrapDim } from './common.js'

/** `F.softmax(x, dim)`: the dimension is checked; saves its output. */
export function softmax(ctx: ForwardContext, x: Tensor, dim: number): Tensor {
  wrapDim(ctx, dim, x.shape.length)
  const y = result(ctx, x.shape, x.dtype, [x])
  saveIf(ctx, x.requiresGrad, y)
  return y
}

/** `F.log_softmax(x, dim)`: saves its output. */
export const logSoftmax = softmax

/** `F.softmin(x, dim)` (`softmax(−x)`): saves the softmax output. */
export const softmin = softmax
