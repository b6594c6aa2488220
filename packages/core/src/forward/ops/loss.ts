import { formatShape } from '../../tensor/shape.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { anyRequiresGrad, broadcastShapes, result, saveIf } from './common.js'
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
 * `F.smooth_l1_loss(input, target, reduction, beta)` (`nn.SmoothL1Loss`): `beta=0` runs `l1_loss` in PyTorch 2.x (which keeps the
 * difference), any other `beta` the fused `smooth_l1_loss` kernel (which keeps input and target); a negative `beta`
 * is refused as ATen refuses it.
 */
export function smoothL1Loss(ctx: ForwardContext, input: Tensor, target: Tensor, reduction: Reduction, beta: number): Tensor {
  if (!(beta >= 0)) throw ctx.error(`smooth_l1_loss does not support negative values for beta (got beta=${beta}).`)
  // PyTorch 1.13 runs the fused kernel for `beta=0` too (measured: it keeps only the input and the target)
  return beta === 0 && ctx.torch !== '1.13' ? l1Loss(ctx, input, target, reduction) : fusedPairLoss(ctx, input, target, reduction)
}

/** `F.huber_loss(input, target, reduction, delta)` (`nn.HuberLoss`): the fused kernel keeps input and target; `delta` must be positive. */
export function huberLoss(ctx: ForwardContext, input: Tensor, target: Tensor, reduction: Reduction, delta: number): Tensor {
  if (!(delta > 0)) throw ctx.error(`huber_loss does not support non-positive values for delta (got delta=${delta}).`)
  return fusedPairLoss(ctx, input, target, reduction)
}

/**
 * `F.nll_loss(input, target, weight, reduction)` on `(N, C, *)` (or `(C)`) log-probabilities and `(N, *)` class
 * indices: keeps the input, the target, the weight and the 0-dim `total_weight` (of the input's dtype).
 */
export function nllLoss(ctx: ForwardContext, input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction): Tensor {
  const batched = input.shape.length >= 2
  const expected = batched ? [input.shape[0]!, ...input.shape.slice(2)] : []
  if (target.shape.length !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw ctx.error(`expects a target of shape ${formatShape(expected)} for an input of shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}.`)
  }
  if (!isClassIndices(target)) {
    throw ctx.error(`expects class indices as its target (an integer tensor, \`:int64\`), got a ${target.dtype} tensor of shape ${formatShape(target.shape)}.`)
  }
  const classes = input.shape[batched ? 1 : 0]!
  if (weight && weight.shape[0] !== classes) throw ctx.error(`has a weight of ${weight.shape[0]} classes for an input of ${classes} classes (shape ${formatShape(input.shape)}).`)
  const y = result(ctx, reduction === 'none' ? target.shape : [], input.dtype, [input, weight ?? undefined])
  // `total_weight` has the input's dtype (nll_loss's meta function), half precision included
  if (input.requiresGrad) ctx.save(input, target, ...(weight ? [weight] : []), ctx.tensor([], input.dtype, false))
  return y
}

/** Integer dtypes `F.nll_loss` takes as class indices. */
function isClassIndices(target: Tensor): boolean {
  return target.dtype === 'int64' || target.dtype === 'int32' || target.dtype === 'uint8'
}

/**
 * `F.cross_entropy(input, target, weight, reduction, label_smoothing)`: with class indices, `log_softmax` over the
 * class dimension (it keeps its output) and {@link nllLoss}; with class probabilities (a float target of the input's
 * shape), `−(log_softmax(input) · target · weight)` summed over classes and reduced (the product keeps the target).
 *
 * `label_smoothing` ε > 0 (ATen's `cross_entropy_loss_label_smoothing`): class indices add `−Σ_c log p · weight`
 * per sample, with the ignored targets masked out (`masked_fill_` keeps the bool mask `target == ignore_index`);
 * its `'mean'` divides by the count of kept targets (a 0-dim int64) or their summed weights (a 0-dim of the
 * weight's dtype), which the division keeps; the two terms are mixed by Python numbers (nothing kept).
 * Probabilities become `target · (1 − ε) + ε / C`, a new tensor that the product keeps instead of the target.
 */
export function crossEntropy(ctx: ForwardContext, input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, labelSmoothing = 0): Tensor {
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw ctx.error(`label_smoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}.`)
  const classDim = input.shape.length === 1 ? 0 : 1
  const logProbs = logSoftmax(ctx, input, classDim)
  // The class weights broadcast along the class dimension: `weight.view(1, C, 1, …)`.
  const weightView = weight ? ctx.view(weight, input.shape.map((d, i) => (i === classDim ? weight.shape[0]! : 1))) : null
  if (isClassIndices(target)) {
    const nll = nllLoss(ctx, logProbs, target, weight, reduction)
    if (labelSmoothing === 0) return nll
    const ignored = result(ctx, target.shape, 'bool', [target])
    const perClass = weightView ? mul(ctx, logProbs, weightView) : logProbs
    // `−(…).sum(class_dim)`, then `masked_fill_(ignore_mask, 0.0)` in place.
    const smooth = result(ctx, target.shape, logProbs.dtype, [sum(ctx, perClass, [classDim])])
    saveIf(ctx, smooth.requiresGrad, ignored)
    let smoothed = smooth
    if (reduction === 'sum') smoothed = sum(ctx, smooth, smooth.shape.map((_, i) => i))
    if (reduction === 'mean') {
      const kept = result(ctx, target.shape, 'bool', [ignored])
      // `weight.gather(0, target.masked_select(~ignore_mask)).sum()` (every target kept) or `(~ignore_mask).sum()`
      const count = weight ? result(ctx, [], weight.dtype, [result(ctx, target.shape, weight.dtype, [weight, result(ctx, target.shape, target.dtype, [target, kept])])]) : result(ctx, [], 'int64', [kept])
      smoothed = div(ctx, sum(ctx, smooth, smooth.shape.map((_, i) => i)), count)
    }
    // `(1 − ε) · nll + smoothed · (ε / C)`: C++ scalar products keep nothing.
    return result(ctx, nll.shape, nll.dtype, [result(ctx, nll.shape, nll.dtype, [nll]), result(ctx, smoothed.shape, smoothed.dtype, [smoothed])])
  }
  if (target.shape.length !== input.shape.length || target.shape.some((d, i) => d !== input.shape[i])) {
    throw ctx.error(`expects class probabilities of the input's shape ${formatShape(input.shape)}, got a ${target.dtype} target of shape ${formatShape(target.shape)} (class indices are an integer tensor, \`:int64\`).`)
  }
  // `target * (1 − ε) + ε / C`: two new tensors, scalar operands keep nothing.
  const smoothedTarget = labelSmoothing > 0 ? result(ctx, target.shape, target.dtype, [result(ctx, target.shape, target.dtype, [target])]) : target
  const product = mul(ctx, logProbs, smoothedTarget)
  const weighted = weightView ? mul(ctx, product, weightView) : product
  const perSample = sum(ctx, weighted, [classDim])
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
