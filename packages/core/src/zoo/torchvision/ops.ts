import * as shared from '../../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { formatShape, numel } from '../../tensor/shape.js'

/**
 * The functional operations torchvision's forward passes use between modules
 * (`out += identity`, `torch.cat`, `torch.flatten`, `F.adaptive_avg_pool2d`, …),
 * each with the tensors autograd saves for it on CPU and the compute it adds (the
 * FlopCounterMode convention: matmuls, normalisation and average pooling count,
 * element-wise arithmetic does not). Ops whose saved tensors differ between
 * PyTorch releases run the shared definitions in forward/ops.
 */

const { broadcastShapes } = shared

/** `a + b` (out of place): saves nothing. */
export function add(ctx: ForwardContext, a: Tensor, b: Tensor): Tensor {
  return ctx.tensor(broadcastShapes(ctx, a.shape, b.shape), a.dtype)
}

/** `a += b`: writes into `a`, saves nothing. */
export function addInPlace(ctx: ForwardContext, a: Tensor, b: Tensor): Tensor {
  shared.checkInPlace(ctx, a.shape, b.shape)
  ctx.use(b)
  return a
}

/** `a * b` of two tensors: each is saved for the other's gradient. */
export function mul(ctx: ForwardContext, a: Tensor, b: Tensor): Tensor {
  const out = ctx.tensor(broadcastShapes(ctx, a.shape, b.shape), a.dtype)
  ctx.save(a, b)
  return out
}

/** `torch.cat(tensors, dim)`: a new tensor; nothing saved. */
export function cat(ctx: ForwardContext, tensors: readonly Tensor[], dim: number): Tensor {
  const first = tensors[0]!
  const d = dim < 0 ? dim + first.shape.length : dim
  let size = 0
  for (const t of tensors) {
    if (t.shape.length !== first.shape.length || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw ctx.error(`cannot concatenate tensors of shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} along dimension ${d}.`)
    }
    size += t.shape[d]!
  }
  ctx.use(...tensors)
  return ctx.tensor(first.shape.map((s, i) => (i === d ? size : s)), first.dtype)
}

/** `torch.flatten(x, start_dim)`: a view. */
export function flatten(ctx: ForwardContext, x: Tensor, startDim = 1): Tensor {
  const lead = x.shape.slice(0, startDim)
  return ctx.view(x, [...lead, Number(numel(x.shape.slice(startDim)))])
}

/** `F.relu(x, inplace)`: saves its output. */
export function relu(ctx: ForwardContext, x: Tensor, inplace: boolean): Tensor {
  const y = inplace ? x : ctx.tensor(x.shape, x.dtype)
  ctx.save(y)
  return y
}

/** `torch.sigmoid(x)`: saves its output. */
export function sigmoid(ctx: ForwardContext, x: Tensor): Tensor {
  const y = ctx.tensor(x.shape, x.dtype)
  ctx.save(y)
  return y
}

/** `F.softmax(x, dim)`: saves its output. */
export function softmax(ctx: ForwardContext, x: Tensor): Tensor {
  const y = ctx.tensor(x.shape, x.dtype)
  ctx.save(y)
  return y
}

/** Output size of one pooling dimension, PyTorch's `pooling_output_shape`. */
export function poolOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  const numerator = size + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)
  let out = Math.floor(numerator / stride) + 1
  if (ceilMode && (out - 1) * stride >= size + padding) out--
  return out
}

function pooledShape(ctx: ForwardContext, x: Tensor, kernel: number, stride: number, padding: number, ceilMode: boolean, op: string): number[] {
  if (x.shape.length !== 3 && x.shape.length !== 4) throw ctx.error(`\`${op}\` expects a 3-D or 4-D input, got shape ${formatShape(x.shape)}.`)
  const spatial = x.shape.slice(-2)
  const out = spatial.map((s) => poolOutputSize(s, kernel, stride, padding, 1, ceilMode))
  const shape = [...x.shape.slice(0, -2), ...out]
  if (out.some((o) => o <= 0)) throw ctx.error(`Given input size: ${formatShape(x.shape.slice(-3)).replace(/, /g, 'x')}. Calculated output size: ${formatShape(shape.slice(-3)).replace(/, /g, 'x')}. Output size is too small.`)
  return shape
}

/** `F.max_pool2d`: saves its input and the int64 indices of the maxima. */
export function maxPool2d(ctx: ForwardContext, x: Tensor, kernel: number, stride: number, padding = 0, ceilMode = false): Tensor {
  const shape = pooledShape(ctx, x, kernel, stride, padding, ceilMode, 'max_pool2d')
  const y = ctx.tensor(shape, x.dtype)
  ctx.save(x, ctx.tensor(shape, 'int64'))
  return y
}

/** `F.avg_pool2d`: saves its input; output elements × window elements multiply-accumulates. */
export function avgPool2d(ctx: ForwardContext, x: Tensor, kernel: number, stride: number, padding = 0, ceilMode = false): Tensor {
  const shape = pooledShape(ctx, x, kernel, stride, padding, ceilMode, 'avg_pool2d')
  ctx.macs(numel(shape) * BigInt(kernel * kernel))
  ctx.save(x)
  return ctx.tensor(shape, x.dtype)
}

/**
 * `F.adaptive_avg_pool2d(x, (h, w))`: one multiply-accumulate per element of every window; keeps its input,
 * except a global average (`(1, 1)`), which is a `mean` (see forward/ops).
 */
export function adaptiveAvgPool2d(ctx: ForwardContext, x: Tensor, output: readonly [number, number]): Tensor {
  if (x.shape.length !== 3 && x.shape.length !== 4) throw ctx.error(`\`adaptive_avg_pool2d\` expects a 3-D or 4-D input, got shape ${formatShape(x.shape)}.`)
  return shared.adaptiveAvgPool(ctx, x, 2, output)
}

/** `x.mean(dims)`: one multiply-accumulate per input element; PyTorch 1.13 keeps the input, 2.x nothing. */
export function mean(ctx: ForwardContext, x: Tensor, dims: readonly number[]): Tensor {
  return shared.mean(ctx, x, dims)
}

/**
 * `F.layer_norm(x, normalized_shape, weight, bias)`: saves its input and the
 * per-row mean and reciprocal standard deviation; one multiply-accumulate per element.
 */
export function layerNorm(ctx: ForwardContext, x: Tensor, normalizedShape: readonly number[]): Tensor {
  const k = normalizedShape.length
  const tail = x.shape.slice(-k)
  if (x.shape.length < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw ctx.error(`expects inputs whose last dimensions are ${formatShape(normalizedShape)}, got shape ${formatShape(x.shape)}.`)
  }
  const statShape = [...x.shape.slice(0, -k), ...normalizedShape.map(() => 1)]
  ctx.macs(numel(x.shape))
  ctx.save(x, ctx.tensor(statShape, 'float32'), ctx.tensor(statShape, 'float32'))
  return ctx.tensor(x.shape, x.dtype)
}

/**
 * Dropout in training mode. PyTorch's CPU kernel multiplies by a float noise
 * tensor of the input's shape and saves it; the CUDA kernel saves a one-byte
 * mask instead. `p = 0` and evaluation mode return the input untouched.
 */
export function dropout(ctx: ForwardContext, x: Tensor, p: number, training: boolean, inplace = false): Tensor {
  if (!training || p === 0) return x
  const y = inplace ? x : ctx.tensor(x.shape, x.dtype)
  if (p === 1) return y
  ctx.save(ctx.tensor(x.shape, ctx.device === 'cuda' ? 'bool' : x.dtype))
  return y
}

/** torchvision's `stochastic_depth` in `row` mode: multiplies by a saved `(N, 1, …)` noise tensor when training with `p > 0`. */
export function stochasticDepth(ctx: ForwardContext, x: Tensor, p: number, training: boolean): Tensor {
  if (!training || p === 0) return x
  const noise = ctx.tensor([x.shape[0]!, ...x.shape.slice(1).map(() => 1)], x.dtype)
  ctx.save(noise)
  return ctx.tensor(x.shape, x.dtype)
}

/**
 * A batched matrix product `a @ b` of `(…, n, k)` by `(…, k, m)` (batch dims
 * broadcast), counted by FlopCounterMode as `aten.mm` or `aten.bmm`. Saves both operands; pass contiguous
 * copies where PyTorch copies.
 */
export function matmul(ctx: ForwardContext, a: Tensor, b: Tensor): Tensor {
  const [n, k] = a.shape.slice(-2) as [number, number]
  const [k2, m] = b.shape.slice(-2) as [number, number]
  if (k !== k2) throw ctx.error(`cannot multiply matrices of shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}.`)
  const batch = broadcastShapes(ctx, a.shape.slice(0, -2), b.shape.slice(0, -2))
  const macs = numel(batch) * BigInt(n) * BigInt(k) * BigInt(m)
  ctx.macs(macs)
  // `torch.matmul` folds a batch by a matrix into one `mm`; batches on both sides are a `bmm`.
  ctx.flops(b.shape.length === 2 ? 'aten.mm' : 'aten.bmm', 2n * macs)
  ctx.save(a, b)
  return ctx.tensor([...batch, n, m], a.dtype)
}

/** `F.linear(x, weight, bias)` with a `(out, in)` weight: saves the input (a contiguous copy when `copyInput`) and the weight. */
export function linear(ctx: ForwardContext, x: Tensor, weight: Tensor, copyInput = false): Tensor {
  const [outFeatures, inFeatures] = weight.shape as [number, number]
  if (x.shape.at(-1) !== inFeatures) throw ctx.error(`cannot apply a linear map of ${inFeatures} input features to an input of shape ${formatShape(x.shape)}.`)
  const saved = copyInput ? ctx.tensor(x.shape, x.dtype) : x
  ctx.macs(numel(x.shape.slice(0, -1)) * BigInt(inFeatures) * BigInt(outFeatures))
  ctx.save(saved, weight)
  return ctx.tensor([...x.shape.slice(0, -1), outFeatures], x.dtype)
}

/** A copy with its own storage: `.contiguous()` of a permuted view, `reshape` that cannot view. Saves nothing. */
export function copy(ctx: ForwardContext, x: Tensor, shape: readonly number[] = x.shape): Tensor {
  ctx.use(x)
  return ctx.tensor(shape, x.dtype)
}

/**
 * `x * 0.5` or `x / 2.0` with a Python number: PyTorch 1.13 keeps the number as a
 * 0-dim float64 tensor (8 bytes) for the gradient, 2.x keeps nothing.
 */
export function scale(ctx: ForwardContext, x: Tensor): Tensor {
  return shared.mul(ctx, x, 0.5)
}

/**
 * `F.interpolate(x, size=..., mode=...)` in `nearest`, `bilinear` or `trilinear` mode: a new tensor
 * with the trailing spatial dimensions resized; the backward needs only the sizes, so nothing is saved.
 * Linear modes count one multiply-accumulate per output element and input corner.
 */
export function interpolate(ctx: ForwardContext, x: Tensor, size: readonly number[], mode: 'nearest' | 'bilinear' | 'trilinear'): Tensor {
  if (x.shape.length !== size.length + 2) throw ctx.error(`cannot resize an input of shape ${formatShape(x.shape)} to ${size.length} spatial sizes ${formatShape(size)}.`)
  const shape = [...x.shape.slice(0, 2), ...size]
  if (mode !== 'nearest') ctx.macs(numel(shape) * BigInt(2 ** size.length))
  ctx.use(x)
  return ctx.tensor(shape, x.dtype)
}

/** `torch.tanh(x)`: saves its output. */
export function tanh(ctx: ForwardContext, x: Tensor): Tensor {
  const y = ctx.tensor(x.shape, x.dtype)
  ctx.save(y)
  return y
}
