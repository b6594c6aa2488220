import type { DType } from '../../tensor/dtype.js'
import { formatShape } from '../../tensor/shape.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { abs, mul, pow, relu, sign } from './elementwise.js'
import { exactSize, floorDiv, product, result, saveIf } from './common.js'

// Pooling. PyTorch's CPU and CUDA pooling kernels keep the same tensors (max pooling: input and int64 indices;
// average pooling: input), so both device profiles share these rules. Global average pooling to size 1 runs
// `mean`, whose saved tensors changed between releases (see {@link mean}).

/** Checks that `x` is a `dims`-D spatial input, unbatched `(C, *spatial)` or batched `(N, C, *spatial)`. */
export function spatialInput(ctx: ForwardContext, x: Tensor, dims: number): { batched: boolean; spatial: number[] } {
  const rank = x.shape.length
  if (rank !== dims + 1 && rank !== dims + 2) {
    throw ctx.error(`expects a ${dims + 1}-D (unbatched) or ${dims + 2}-D (batched) input, got ${rank}-D input of shape ${formatShape(x.shape)}.`)
  }
  return { batched: rank === dims + 2, spatial: x.shape.slice(-dims) }
}

/**
 * PyTorch's `pooling_output_shape`, exact at any size: `floor` (or `ceil` with `ceil_mode`) of the window count,
 * where in ceil mode the last window must start inside the input or its left padding.
 */
export function poolOutputSize(size: number, kernel: number, padding: number, stride: number, dilation: number, ceilMode: boolean): bigint {
  const s = BigInt(stride)
  const span = BigInt(size) + 2n * BigInt(padding) - BigInt(dilation) * BigInt(kernel - 1) - 1n + (ceilMode ? s - 1n : 0n)
  let out = floorDiv(span, s) + 1n
  if (ceilMode && (out - 1n) * s >= BigInt(size) + BigInt(padding)) out--
  return out
}

/** A sliding window: kernel, stride, padding and dilation per spatial dimension, and the rounding mode. */
export interface PoolWindow {
  kernel: readonly number[]
  stride: readonly number[]
  padding: readonly number[]
  dilation: readonly number[]
  ceilMode: boolean
}

/** Output sizes of a sliding-window pooling, with PyTorch's checks (positive kernel, stride and dilation; padding at most half the window). */
export function poolOutput(ctx: ForwardContext, x: Tensor, dims: number, w: PoolWindow): number[] {
  const { spatial } = spatialInput(ctx, x, dims)
  const positive = (values: readonly number[], name: string): void => {
    if (values.some((v) => v <= 0)) throw ctx.error(`needs \`${name}\` greater than zero, got ${formatShape(values)}.`)
  }
  positive(w.kernel, 'kernel_size')
  positive(w.stride, 'stride')
  positive(w.dilation, 'dilation')
  w.padding.forEach((p, i) => {
    const extent = (w.kernel[i]! - 1) * w.dilation[i]! + 1
    if (p > Math.floor(extent / 2)) {
      throw ctx.error(`pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${w.kernel[i]} and dilation=${w.dilation[i]}.`)
    }
  })
  const out = spatial.map((size, i) => poolOutputSize(size, w.kernel[i]!, w.padding[i]!, w.stride[i]!, w.dilation[i]!, w.ceilMode))
  if (out.some((o) => o < 1n)) {
    const channels = x.shape[x.shape.length - dims - 1]!
    throw ctx.error(`got an input of shape ${formatShape(x.shape)}. Calculated output size: (${[BigInt(channels), ...out].join('x')}). Output size is too small.`)
  }
  return out.map((o) => exactSize(ctx, o, 'an output size'))
}

function withSpatial(x: Tensor, dims: number, spatial: readonly number[]): number[] {
  return [...x.shape.slice(0, -dims), ...spatial]
}

/** Max pooling's results: the values and the int64 indices of the maxima, both of `shape`; the input and the indices are kept. */
export function maxPoolResult(ctx: ForwardContext, x: Tensor, shape: readonly number[]): { values: Tensor; indices: Tensor } {
  const values = result(ctx, shape, x.dtype, [x])
  const indices = ctx.tensor(shape, 'int64', false)
  saveIf(ctx, x.requiresGrad, x, indices)
  return { values, indices }
}

/** `F.max_pool{1,2,3}d(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices)`: 0 MACs; keeps the input and the indices. */
export function maxPool(ctx: ForwardContext, x: Tensor, dims: number, w: PoolWindow): { values: Tensor; indices: Tensor } {
  return maxPoolResult(ctx, x, withSpatial(x, dims, poolOutput(ctx, x, dims, w)))
}

/**
 * `F.avg_pool{1,2,3}d(x, kernel_size, stride, padding, ceil_mode, …)`: output elements × window elements MACs;
 * keeps its input (1-D pooling runs as 2-D on a view of it). `countMacs: false` leaves the MACs to a caller
 * that counts its own (local response normalisation).
 */
export function avgPool(ctx: ForwardContext, x: Tensor, dims: number, w: Omit<PoolWindow, 'dilation'>, options: { countMacs?: boolean } = {}): Tensor {
  const out = poolOutput(ctx, x, dims, { ...w, dilation: w.kernel.map(() => 1) })
  const y = result(ctx, withSpatial(x, dims, out), x.dtype, [x])
  if (options.countMacs !== false) ctx.macs(product(y.shape) * product(w.kernel))
  saveIf(ctx, x.requiresGrad, x)
  return y
}

/** The shape of `x` reduced over `dims` (negative ones count from the end). */
function reducedShape(x: Tensor, dims: readonly number[], keepdim: boolean): number[] {
  const drop = new Set(dims.map((d) => (d < 0 ? d + x.shape.length : d)))
  return keepdim ? x.shape.map((s, i) => (drop.has(i) ? 1 : s)) : x.shape.filter((_, i) => !drop.has(i))
}

/** A reduction over `dims` (one MAC per input element) with a result of `dtype`, keeping nothing. */
function reduction(ctx: ForwardContext, x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType = x.dtype): Tensor {
  const y = result(ctx, reducedShape(x, dims, keepdim), dtype, [x])
  ctx.macs(product(x.shape))
  return y
}

/** `x.amax(dims, keepdim)`: 0 MACs, as max pooling; `AmaxBackward0` keeps the input and the result. */
export function amax(ctx: ForwardContext, x: Tensor, dims: readonly number[], keepdim = false): Tensor {
  const y = result(ctx, reducedShape(x, dims, keepdim), x.dtype, [x])
  saveIf(ctx, x.requiresGrad, x, y)
  return y
}

/** `x.sum(dims, keepdim)`: one MAC per input element; keeps nothing (its backward needs only the sizes). */
export function sum(ctx: ForwardContext, x: Tensor, dims: readonly number[], keepdim = false): Tensor {
  return reduction(ctx, x, dims, keepdim)
}

/**
 * `torch.logsumexp(x, dims, keepdim)`: one MAC per input element, as a reduction; `LogsumexpBackward0` keeps the input
 * and the result. `dtype` is the result's (float32 for an integer input).
 */
export function logsumexp(ctx: ForwardContext, x: Tensor, dims: readonly number[], keepdim = false, dtype: DType = x.dtype): Tensor {
  const y = reduction(ctx, x, dims, keepdim, dtype)
  saveIf(ctx, x.requiresGrad, x, y)
  return y
}

/**
 * `x.mean(dims, keepdim)`: one MAC per input element. PyTorch 1.13 keeps the input for backward; 2.x keeps
 * only its sizes, so nothing is saved.
 */
export function mean(ctx: ForwardContext, x: Tensor, dims: readonly number[], keepdim = false): Tensor {
  const y = reduction(ctx, x, dims, keepdim)
  saveIf(ctx, ctx.torch === '1.13' && x.requiresGrad, x)
  return y
}

/**
 * Total input elements read by adaptive pooling windows along one dimension: window i spans
 * `[⌊i·in/out⌋, ⌈(i+1)·in/out⌉)`, and the sizes add up to `in + out − gcd(in, out)` (0 for an empty output).
 */
export function adaptiveWindowSum(input: number, output: number): bigint {
  let a = BigInt(input)
  let b = BigInt(output)
  const total = a + b
  while (b !== 0n) [a, b] = [b, a % b]
  return total - a
}

/** Resolves adaptive pooling's `output_size` (`null` keeps that input size). */
export function adaptiveOutput(ctx: ForwardContext, x: Tensor, dims: number, size: ReadonlyArray<number | null>): number[] {
  const { spatial } = spatialInput(ctx, x, dims)
  return spatial.map((s, i) => size[i] ?? s)
}

/**
 * `F.adaptive_avg_pool{1,2,3}d(x, output_size)`: MACs are the sum of all window sizes. An output of size 1 in
 * every dimension is a global average, which PyTorch computes as `mean` over the spatial dimensions (what it
 * keeps depends on the release, see {@link mean}); any other size keeps the input.
 */
export function adaptiveAvgPool(ctx: ForwardContext, x: Tensor, dims: number, size: ReadonlyArray<number | null>): Tensor {
  const out = adaptiveOutput(ctx, x, dims, size)
  if (out.every((o) => o === 1)) {
    return mean(
      ctx,
      x,
      out.map((_, i) => i - dims),
      true,
    )
  }
  const y = result(ctx, withSpatial(x, dims, out), x.dtype, [x])
  let windows = product(x.shape.slice(0, -dims))
  x.shape.slice(-dims).forEach((s, i) => (windows *= adaptiveWindowSum(s, out[i]!)))
  ctx.macs(windows)
  saveIf(ctx, x.requiresGrad, x)
  return y
}

/** `F.adaptive_max_pool{1,2,3}d(x, output_size, return_indices)`: keeps the input and the int64 indices. */
export function adaptiveMaxPool(ctx: ForwardContext, x: Tensor, dims: number, size: ReadonlyArray<number | null>): { values: Tensor; indices: Tensor } {
  return maxPoolResult(ctx, x, withSpatial(x, dims, adaptiveOutput(ctx, x, dims, size)))
}

/**
 * `F.lp_pool{1,2,3}d(x, norm_type, kernel_size, stride, ceil_mode)`, composed as PyTorch composes it:
 * `(sign(out) · relu(|out|)).mul(∏kernel).pow(1 / p)` with `out = avg_pool(x.pow(p))`; each op keeps what it keeps.
 */
export function lpPool(ctx: ForwardContext, x: Tensor, dims: number, normType: number, kernel: readonly number[], stride: readonly number[] | null, ceilMode: boolean): Tensor {
  spatialInput(ctx, x, dims)
  if (normType === Infinity) return maxPool(ctx, abs(ctx, x), dims, { kernel, stride: stride ?? kernel, padding: kernel.map(() => 0), dilation: kernel.map(() => 1), ceilMode }).values
  const out = avgPool(ctx, pow(ctx, x, normType), dims, { kernel, stride: stride ?? kernel, padding: kernel.map(() => 0), ceilMode })
  const signed = mul(ctx, sign(ctx, out), relu(ctx, abs(ctx, out)))
  return pow(ctx, mul(ctx, signed, { int: product(kernel) }), 1 / normType)
}

/**
 * `output_size` of `F.max_unpoolNd` (`_unpool_output_size`): the spatial sizes, given with or without the batch and
 * channel sizes; each must lie strictly between the default size minus and plus `stride`.
 */
function unpoolOutputSize(ctx: ForwardContext, outputSize: readonly number[], defaults: readonly bigint[], dims: number, stride: readonly number[]): bigint[] {
  const sizes = outputSize.length === dims + 2 ? outputSize.slice(2) : outputSize
  if (sizes.length !== dims) throw ctx.error(`output_size should be a sequence containing ${dims} or ${dims + 2} elements, but it has a length of '${sizes.length}'`)
  return sizes.map((size, d) => {
    const min = defaults[d]! - BigInt(stride[d]!)
    const max = defaults[d]! + BigInt(stride[d]!)
    if (!(min < BigInt(size) && BigInt(size) < max)) throw ctx.error(`invalid output_size "[${outputSize.join(', ')}]" (dim ${d} must be between ${min} and ${max})`)
    return BigInt(size)
  })
}

/**
 * `F.max_unpool{1,2,3}d(x, indices, kernel_size, stride, padding)` (and `nn.MaxUnpool{1,2,3}d`): an input of `dims`
 * spatial dimensions and indices of its shape; output size per dimension `(size − 1)·stride − 2·padding + kernel`
 * unless `output_size` says otherwise; keeps the indices.
 */
export function maxUnpool(ctx: ForwardContext, x: Tensor, indices: Tensor, dims: number, kernel: readonly number[], stride: readonly number[], padding: readonly number[], outputSize?: readonly number[]): Tensor {
  spatialInput(ctx, x, dims)
  if (x.shape.length !== indices.shape.length || x.shape.some((d, i) => d !== indices.shape[i])) {
    throw ctx.error(`expects \`indices\` of the same shape as its input, got ${formatShape(indices.shape)} and ${formatShape(x.shape)}.`)
  }
  const spatial = x.shape.slice(-dims)
  const defaults = spatial.map((s, i) => (BigInt(s) - 1n) * BigInt(stride[i]!) - 2n * BigInt(padding[i]!) + BigInt(kernel[i]!))
  const sizes = outputSize === undefined ? defaults : unpoolOutputSize(ctx, outputSize, defaults, dims, stride)
  if (sizes.some((o) => o < 1n)) throw ctx.error(`got an input of shape ${formatShape(x.shape)}. Calculated output size: (${sizes.join('x')}). Output size is too small.`)
  const y = result(
    ctx,
    withSpatial(
      x,
      dims,
      sizes.map((o) => exactSize(ctx, o, 'an output size')),
    ),
    x.dtype,
    [x],
  )
  saveIf(ctx, x.requiresGrad, indices)
  return y
}
