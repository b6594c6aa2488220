import type { DType } from '../../tensor/dtype.js'
import { formatShape } from '../../tensor/shape.js'
import { channelsLastStrides, isLaidOutChannelsLast, setStrides } from '../layout.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { accumulateDType, anyRequiresGrad, product, result, saveIf, sizeProduct } from './common.js'
import { add, div, mul, pow, rsqrt } from './elementwise.js'
import { avgPool, mean } from './pool.js'
import { pad } from './shape.js'

// Normalisation: 1 MAC per input element (the scale-and-shift convention of docs/compute.md). The fused
// kernels (`native_batch_norm`, `native_layer_norm`, `native_group_norm`) have one backward formula for all
// their inputs, so they keep everything whenever a gradient is needed.

/** `torch.Size([1, 4])`, as PyTorch prints sizes in these messages. */
function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`
}

/**
 * The dtype of the statistics a fused norm keeps (`save_mean`, `save_invstd`, `mean`, `rstd`). CUDA's kernels keep
 * them in the accumulation type (float32 for half-precision inputs). The CPU kernels keep them in the input's dtype,
 * except in "mixed type": a half-precision input with a float32 weight, bias or running statistic among `others`,
 * where they are float32 (measured with PyTorch 2.13: `nn.LayerNorm(5).half()` keeps float16 `mean` and `rstd`,
 * `nn.LayerNorm(5)` on a float16 input float32 ones).
 */
function statsDType(ctx: ForwardContext, x: Tensor, others: ReadonlyArray<Tensor | null>): DType {
  if (ctx.device === 'cuda') return accumulateDType(x.dtype)
  return isMixedType(x, others) ? 'float32' : x.dtype
}

/**
 * The CPU kernels take a weight, bias or running statistic of another dtype than the input only in mixed type (all
 * of them float32 for a half-precision input); otherwise PyTorch 2.13 raises: `mixed dtype (CPU): expect parameter
 * to have scalar type of Float`, or for a float64 input `all inputs must share same datatype.`
 */
function checkCpuNormDTypes(ctx: ForwardContext, x: Tensor, others: ReadonlyArray<Tensor | null>): void {
  if (ctx.device !== 'cpu') return
  const other = others.filter((t): t is Tensor => t !== null && t.dtype !== x.dtype)
  if (other.length === 0) return
  if ((x.dtype === 'float16' || x.dtype === 'bfloat16') && other.every((t) => t.dtype === 'float32')) return
  const message = x.dtype === 'float64' ? 'all inputs must share same datatype.' : 'expect parameter to have scalar type of Float'
  throw ctx.error(`gets a ${x.dtype} input and ${other[0]!.dtype} parameters: mixed dtype (CPU): ${message}`, 'type')
}

/** Whether a half-precision `x` meets a float32 tensor among `others` (ATen's `is_mixed_type` on CPU). */
function isMixedType(x: Tensor, others: ReadonlyArray<Tensor | null>): boolean {
  return (x.dtype === 'float16' || x.dtype === 'bfloat16') && others.some((t) => t !== null && t.dtype === 'float32')
}

/** The tensors of `F.batch_norm` besides the input; `null` where the module has none. */
export interface BatchNormTensors {
  weight: Tensor | null
  bias: Tensor | null
  runningMean: Tensor | null
  runningVar: Tensor | null
}

/**
 * `F.batch_norm(x, running_mean, running_var, weight, bias, training)` on an `(N, C, *)` input whose channel
 * count the caller has checked. Keeps the input and, when it normalises with batch statistics (training, or no
 * running statistics), `save_mean` and `save_invstd` of `C` elements each, in the dtype {@link statsDType} gives.
 */
export function batchNorm(ctx: ForwardContext, x: Tensor, t: BatchNormTensors, training: boolean): Tensor {
  checkCpuNormDTypes(ctx, x, [t.weight, t.bias, t.runningMean, t.runningVar])
  const channels = x.shape[1]!
  const batchStats = training || t.runningMean === null
  if (batchStats && product(x.shape) / BigInt(channels || 1) === 1n) {
    throw ctx.error(`got input size ${torchSize(x.shape)}: Expected more than 1 value per channel when training.`)
  }
  if (anyRequiresGrad(x, t.weight, t.bias)) {
    ctx.save(x)
    if (batchStats) {
      const stats = statsDType(ctx, x, [t.weight, t.bias, t.runningMean, t.runningVar])
      ctx.save(ctx.tensor([channels], stats, false), ctx.tensor([channels], stats, false))
    }
  }
  ctx.macs(product(x.shape))
  return inSuggestedFormat(x, result(ctx, x.shape, x.dtype, [x, t.weight ?? undefined, t.bias ?? undefined]))
}

/**
 * `y` laid out as `empty_like(x, x.suggest_memory_format())` lays it out, as batch and group norm allocate their
 * result: channels-last for a channels-last 4-D input (a convolution's output on a channels-last input), else
 * contiguous.
 */
function inSuggestedFormat(x: Tensor, y: Tensor): Tensor {
  return isLaidOutChannelsLast(x) ? setStrides(y, channelsLastStrides(y.shape)) : y
}

/**
 * `F.instance_norm(x, running_mean, running_var, weight, bias, use_input_stats)`: batch norm on the input viewed
 * as `(1, N·C, *)`, with the weight, bias and running statistics repeated `N` times. It keeps the input, the
 * repeated weight and running statistics (`N·C` elements each, when present) and, when it uses the input's
 * statistics, `save_mean` and `save_invstd` (`N·C` each).
 */
export function instanceNorm(ctx: ForwardContext, x: Tensor, batched: readonly number[], t: BatchNormTensors, useInputStats: boolean): Tensor {
  checkCpuNormDTypes(ctx, x, [t.weight, t.bias])
  const instances = sizeProduct(ctx, 'a number of instances', batched[0]!, batched[1]!)
  if (useInputStats && product(batched.slice(2)) === 1n) {
    throw ctx.error(`got input size ${torchSize(batched)}: Expected more than 1 spatial element when training.`)
  }
  const y = result(ctx, x.shape, x.dtype, [x, t.weight ?? undefined, t.bias ?? undefined])
  ctx.macs(product(x.shape))
  if (!anyRequiresGrad(x, t.weight, t.bias)) return y
  ctx.save(x)
  if (t.weight) ctx.save(ctx.tensor([instances], t.weight.dtype, t.weight.requiresGrad))
  // without a float32 weight or bias, the CPU kernel sees the repeated running statistics in the input's dtype
  // (a bfloat16 input with float32 running statistics keeps bfloat16 copies, as PyTorch 2.13 measures)
  const mixed = ctx.device === 'cuda' || isMixedType(x, [t.weight, t.bias])
  const running = t.runningMean && (mixed ? t.runningMean.dtype : x.dtype)
  if (running) ctx.save(ctx.tensor([instances], running, false), ctx.tensor([instances], running, false))
  if (useInputStats) {
    const stats = statsDType(ctx, x, [t.weight, t.bias])
    ctx.save(ctx.tensor([instances], stats, false), ctx.tensor([instances], stats, false))
  }
  return y
}

/** Checks that `x` ends with `normalized` and returns the shape of its per-row statistics (leading sizes, then 1s). */
export function normalizedRows(ctx: ForwardContext, x: Tensor, normalized: readonly number[]): number[] {
  const lead = x.shape.length - normalized.length
  if (lead < 0 || normalized.some((d, i) => x.shape[lead + i] !== d)) {
    throw ctx.error(`Given normalized_shape=[${normalized.join(', ')}], expected input with shape [*${normalized.map((d) => `, ${d}`).join('')}], but got input of size[${x.shape.join(', ')}].`)
  }
  return [...x.shape.slice(0, lead), ...normalized.map(() => 1)]
}

/** `F.layer_norm(x, normalized_shape, weight, bias)`: `native_layer_norm` keeps the input and `mean` and `rstd`, one per normalised row. */
export function layerNorm(ctx: ForwardContext, x: Tensor, normalized: readonly number[], weight: Tensor | null, bias: Tensor | null): Tensor {
  checkCpuNormDTypes(ctx, x, [weight, bias])
  const statShape = normalizedRows(ctx, x, normalized)
  const y = result(ctx, x.shape, x.dtype, [x, weight ?? undefined, bias ?? undefined])
  ctx.macs(product(x.shape))
  if (anyRequiresGrad(x, weight, bias)) {
    const stats = statsDType(ctx, x, [weight, bias])
    ctx.save(x, ctx.tensor(statShape, stats, false), ctx.tensor(statShape, stats, false))
  }
  return y
}

/** `F.group_norm(x, num_groups, weight, bias)` on a checked `(N, C, *)` input: keeps the input and `mean` and `rstd` of shape `(N, num_groups)`. */
export function groupNorm(ctx: ForwardContext, x: Tensor, groups: number, weight: Tensor | null, bias: Tensor | null): Tensor {
  checkCpuNormDTypes(ctx, x, [weight, bias])
  const y = inSuggestedFormat(x, result(ctx, x.shape, x.dtype, [x, weight ?? undefined, bias ?? undefined]))
  ctx.macs(product(x.shape))
  if (anyRequiresGrad(x, weight, bias)) {
    const stats = statsDType(ctx, x, [weight, bias])
    ctx.save(x, ctx.tensor([x.shape[0]!, groups], stats, false), ctx.tensor([x.shape[0]!, groups], stats, false))
  }
  return y
}

/**
 * `F.rms_norm(x, normalized_shape, weight, eps)` (PyTorch 2.4+). On CPU PyTorch runs its composite form:
 * `x.pow(2).mean(dims, keepdim=True).add_(eps).rsqrt()` and `x * rstd` (then `* weight`), in float32 for
 * half-precision inputs; the ops keep the (upcast) input, `rstd` and, with a weight that requires grad, the
 * normalised tensor. On CUDA, `_fused_rms_norm` keeps only the input and `rstd`. 1 MAC per element.
 */
export function rmsNorm(ctx: ForwardContext, x: Tensor, normalized: readonly number[], weight: Tensor | null): Tensor {
  const statShape = normalizedRows(ctx, x, normalized)
  if (ctx.torch === '1.13') throw ctx.error('needs `F.rms_norm`, which PyTorch 1.13 (the `torch` option) does not have.')
  if (ctx.device === 'cuda') {
    ctx.assume({ op: 'rms_norm', kernel: '_fused_rms_norm (CUDA)' })
    const y = result(ctx, x.shape, x.dtype, [x, weight ?? undefined])
    ctx.macs(product(x.shape))
    if (anyRequiresGrad(x, weight)) ctx.save(x, ctx.tensor(statShape, accumulateDType(x.dtype), false))
    return y
  }
  const opmath = accumulateDType(x.dtype)
  const upcast = opmath === x.dtype ? x : result(ctx, x.shape, opmath, [x])
  const dims = normalized.map((_, i) => -1 - i)
  const meanSquare = mean(ctx, pow(ctx, upcast, 2), dims, true)
  const rstd = rsqrt(ctx, add(ctx, meanSquare, 0))
  let y = mul(ctx, upcast, rstd)
  if (weight) y = mul(ctx, y, weight)
  return y.dtype === x.dtype ? y : result(ctx, x.shape, x.dtype, [y])
}

/**
 * `F.local_response_norm(x, size, alpha, beta, k)`, composed as PyTorch composes it: `x * x`, padded by
 * `size − 1` channels and averaged over windows of `size` channels, `.mul(alpha).add(k).pow(beta)`, then
 * `x / div`. Each op keeps what it keeps (the input, the padded squares, the base of the power and the divisor;
 * PyTorch 1.13 also the `alpha` number). 1 MAC per element (the normalisation convention).
 */
export function localResponseNorm(ctx: ForwardContext, x: Tensor, size: number, alpha: number, beta: number, k: number): Tensor {
  if (x.shape.length < 3) throw ctx.error(`expected 3D or higher dimensionality input (got ${x.shape.length} dimensions, input of shape ${formatShape(x.shape)}).`)
  if (x.shape.includes(0)) return x
  const [n, c] = x.shape as [number, number]
  const squares = mul(ctx, x, x)
  const padding = [...x.shape.slice(2).flatMap(() => [0, 0]), Math.floor(size / 2), Math.floor((size - 1) / 2)]
  const spatial = x.shape.length === 3 ? [x.shape[2]!] : [x.shape[2]!, Number(product(x.shape.slice(3)))]
  const channelsFirst = ctx.view(squares, [n, 1, c, ...spatial])
  const padded = pad(ctx, channelsFirst, padding.slice(-2 - 2 * spatial.length), 'constant')
  const window = [size, ...spatial.map(() => 1)]
  // The window sums are the normalisation's own work: counted as 1 MAC per element, not as pooling.
  const pooled = avgPool(ctx, padded, 1 + spatial.length, { kernel: window, stride: window.map(() => 1), padding: window.map(() => 0), ceilMode: false }, { countMacs: false })
  ctx.macs(product(x.shape))
  const denominator = pow(ctx, add(ctx, mul(ctx, ctx.view(pooled, x.shape), alpha), k), beta)
  return div(ctx, x, denominator)
}

/**
 * `nn.CrossMapLRN2d(size, alpha, beta, k)`'s autograd function on a 4-D input: `save_for_backward(input, output)`
 * keeps both (its scale buffer is an attribute, not a saved tensor). 1 MAC per element.
 */
export function crossMapLrn2d(ctx: ForwardContext, x: Tensor): Tensor {
  if (x.shape.length !== 4) throw ctx.error(`CrossMapLRN2d: Expected input to be 4D, got ${x.shape.length}D instead (input of shape ${formatShape(x.shape)}).`)
  const y = result(ctx, x.shape, x.dtype, [x])
  ctx.macs(product(x.shape))
  saveIf(ctx, x.requiresGrad, x, y)
  return y
}
