import { formatShape } from '../../tensor/shape.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { accumulateDType, anyRequiresGrad, broadcastShapes, result, saveIf } from './common.js'
import { abs, add, div, exp, mul, sub } from './elementwise.js'
import { logSoftmax } from './softmax.js'
import { mean, sum } from './pool.js'

/** How a loss reduces its element-wise values: `'none'` keeps them, `'mean'` and `'sum'` return a 0-dim tensor. */
export type Reduction = 'none' | 'mean' | 'sum'

/** `apply_loss_reduction` of a composite loss: `mean` or `sum` over every element, or the values themselves. */
function reduce(ctx: ForwardContext, values: Tensor, reduction: Reduction): Tensor {
  const all = values.shape.map((_, i) => i)
  if (reduction === 'mean') return mean(ctx, values, all)
  if (reduction === 'sum') return sum(ctx, values, all)
  return values
}

/** Checks that `input` and `target` broadcast, as the element-wise losses do, and returns their shape. */
function pairShape(ctx: ForwardContext, input: Tensor, target: Tensor): number[] {
  return broadcastShapes(ctx, input.shape, target.shape)
}

/**
 * A loss computed by one fused kernel that keeps its operands (`mse_loss`, `huber_loss`, `smooth_l1_loss`,
 * `soft_margin_loss`, `binary_cross_entropy`, `binary_cross_entropy_with_logits`): it keeps `input`, `target`
 * and the weights given, and reduces inside the kernel.
 */
export function fusedPairLoss(ctx: ForwardContext, input: Tensor, target: Tensor, reduction: Reduction, weights: ReadonlyArray<Tensor | null> = [], options: { kernel?: string; targetHasNoGradient?: boolean } = {}): Tensor {
  const shape = pairShape(ctx, input, target)
  if (options.targetHasNoGradient && target.requiresGrad) {
    throw ctx.error(`cannot take a target that requires grad: the function '${options.kernel}' is not differentiable with respect to argument 'target', and nnsize's float inputs require grad, as in PyTorch's reference measurement.`)
  }
  const present = weights.filter((w): w is Tensor => w !== null)
  const y = result(ctx, reduction === 'none' ? shape : [], input.dtype, [input, target, ...present])
  saveIf(ctx, anyRequiresGrad(input, target), input, target, ...present)
  return y
}

/** `F.l1_loss(input, target, reduction)`: `|input − target|`, then the reduction; `abs` keeps the difference. */
export function l1Loss(ctx: ForwardContext, input: Tensor, target: Tensor, reduction: Reduction): Tensor {
  pairShape(ctx, input, target)
  return reduce(ctx, abs(ctx, sub(ctx, input, target)), reduction)
}

/**
 * `F.nll_loss(input, target, weight, reduction)` on `(N, C, *)` (or `(C)`) log-probabilities and `(N, *)` class
 * indices: keeps the input, the target, the weight and the 0-dim `total_weight`.
 */
export function nllLoss(ctx: ForwardContext, input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction): Tensor {
  const batched = input.shape.length >= 2
  const expected = batched ? [input.shape[0]!, ...input.shape.slice(2)] : []
  if (target.shape.length !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw ctx.error(`expects a target of shape ${formatShape(expected)} for an input of shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}.`)
  }
  if (target.dtype !== 'int64' && target.dtype !== 'int32' && target.dtype !== 'uint8') {
    throw ctx.error(`expects class indices as its target (an integer tensor, \`:int64\`), got a ${target.dtype} tensor of shape ${formatShape(target.shape)}.`)
  }
  const classes = input.shape[batched ? 1 : 0]!
  if (weight && weight.shape[0] !== classes) throw ctx.error(`has a weight of ${weight.shape[0]} classes for an input of ${classes} classes (shape ${formatShape(input.shape)}).`)
  const y = result(ctx, reduction === 'none' ? target.shape : [], input.dtype, [input, weight ?? undefined])
  if (input.requiresGrad) ctx.save(input, target, ...(weight ? [weight] : []), ctx.tensor([], accumulateDType(input.dtype), false))
  return y
}

/**
 * `F.cross_entropy(input, target, weight, reduction)`: with class indices, `log_softmax` over the class dimension
 * (it keeps its output) and {@link nllLoss}; with class probabilities (a float target of the input's shape),
 * `−(log_softmax(input) · target)` summed over classes and reduced (the product keeps the target).
 */
export function crossEntropy(ctx: ForwardContext, input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction): Tensor {
  const classDim = input.shape.length === 1 ? 0 : 1
  const logProbs = logSoftmax(ctx, input, classDim)
  if (target.dtype === 'int64' || target.dtype === 'int32' || target.dtype === 'uint8') return nllLoss(ctx, logProbs, target, weight, reduction)
  if (target.shape.length !== input.shape.length || target.shape.some((d, i) => d !== input.shape[i])) {
    throw ctx.error(`expects class probabilities of the input's shape ${formatShape(input.shape)}, got a ${target.dtype} target of shape ${formatShape(target.shape)} (class indices are an integer tensor, \`:int64\`).`)
  }
  const weighted = weight ? mul(ctx, logProbs, weight) : logProbs
  const perSample = sum(ctx, mul(ctx, weighted, target), [classDim])
  // The negation and the division by the sample count are C++ scalar ops: nothing more is kept.
  if (reduction === 'none') return perSample
  return result(ctx, [], perSample.dtype, [perSample])
}

/**
 * `F.kl_div(input, target, reduction, log_target)`: `xlogy(target, target) − target · input` (the product keeps
 * the target), or with `log_target` `exp(target) · (target − input)` (keeping `exp(target)`), then the reduction;
 * `'batchmean'` is the sum divided by the batch size.
 */
export function klDiv(ctx: ForwardContext, input: Tensor, target: Tensor, reduction: Reduction | 'batchmean', logTarget: boolean): Tensor {
  pairShape(ctx, input, target)
  const pointwise = logTarget ? mul(ctx, exp(ctx, target), sub(ctx, target, input)) : sub(ctx, result(ctx, target.shape, target.dtype, [target]), mul(ctx, target, input))
  if (reduction !== 'batchmean') return reduce(ctx, pointwise, reduction)
  // `reduced.sum() / input.size(0)`: a Python-int divisor.
  const total = reduce(ctx, pointwise, 'sum')
  return input.shape.length === 0 ? total : div(ctx, total, { int: input.shape[0]! })
}

/**
 * `F.pairwise_distance(x1, x2, p, eps, keepdim)`: `norm(x1 − x2 + eps, p, −1)`; the norm keeps its input and its
 * result.
 */
export function pairwiseDistance(ctx: ForwardContext, x1: Tensor, x2: Tensor, keepdim: boolean): Tensor {
  const difference = add(ctx, sub(ctx, x1, x2), 1e-6)
  const dims = difference.shape.length
  const shape = dims === 0 ? [] : keepdim ? [...difference.shape.slice(0, -1), 1] : difference.shape.slice(0, -1)
  const y = result(ctx, shape, difference.dtype, [difference])
  saveIf(ctx, difference.requiresGrad, difference, y)
  return y
}
