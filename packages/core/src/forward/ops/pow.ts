import type { DType } from '../../tensor/dtype.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { anyRequiresGrad, isTensor, result, saveIf } from './common.js'
import type { Operand, Scalar } from './common.js'
import { binaryResult } from './elementwise.js'

// Powers and in-place arithmetic by a tensor, with what PyTorch 2.13's autograd keeps for each (checked with
// saved-tensor hooks). An in-place op whose backward needs the value from before the write keeps a copy of it
// (`original_self`), a storage of its own.

/** `base ** x` of a Python number and a tensor (`2 ** x`, `torch.pow(2, x)`): keeps the exponent and the result. */
export function powScalarBase(ctx: ForwardContext, _base: Scalar, x: Tensor, dtype: DType): Tensor {
  const out = result(ctx, x.shape, dtype, [x])
  saveIf(ctx, out.requiresGrad, x, out)
  return out
}

/**
 * `a ** b` of two tensors (`torch.pow(a, b)`, broadcast): keeps both operands and the result when either
 * requires grad.
 */
export function powTensors(ctx: ForwardContext, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const out = binaryResult(ctx, a, b, dtype)
  saveIf(ctx, anyRequiresGrad(a, b), a, b, out)
  return out
}

/** A copy of `x` as it was before an in-place write, kept for backward. */
function original(ctx: ForwardContext, x: Tensor): Tensor {
  return ctx.tensor(x.shape, x.dtype, false)
}

/** `x` written in place by an op of `x` and `other`: the same storage, requiring grad when either does. */
function written(ctx: ForwardContext, x: Tensor, other: Operand): Tensor {
  if (isTensor(other)) ctx.use(other)
  const requiresGrad = anyRequiresGrad(x, other)
  return requiresGrad === x.requiresGrad ? x : { ...x, requiresGrad }
}

/**
 * `x *= y` (`mul_`) of a tensor by a tensor (already checked to broadcast to `x`'s shape): keeps `y` for `x`'s
 * gradient and a copy of `x` from before the write for `y`'s.
 */
export function mulInPlace(ctx: ForwardContext, x: Tensor, y: Tensor): Tensor {
  saveIf(ctx, x.requiresGrad, y)
  if (y.requiresGrad) ctx.save(original(ctx, x))
  return written(ctx, x, y)
}

/** `x /= y` (`div_`) by a tensor: keeps `y` when either gradient is needed and a copy of `x` for `y`'s. */
export function divInPlace(ctx: ForwardContext, x: Tensor, y: Tensor): Tensor {
  saveIf(ctx, anyRequiresGrad(x, y), y)
  if (y.requiresGrad) ctx.save(original(ctx, x))
  return written(ctx, x, y)
}

/**
 * `x **= e` (`pow_`): with a number, a copy of `x` from before the write; with a tensor, the exponent, that copy
 * and the result (`x` itself), whichever gradient is needed.
 */
export function powInPlace(ctx: ForwardContext, x: Tensor, exponent: Operand): Tensor {
  if (!isTensor(exponent)) {
    if (x.requiresGrad) ctx.save(original(ctx, x))
    return x
  }
  const out = written(ctx, x, exponent)
  if (out.requiresGrad) ctx.save(exponent, original(ctx, x), out)
  return out
}
