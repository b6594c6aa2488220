import { contiguousStrides, isContiguous, setStrides, stridesOf, viewStrides } from '../layout.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { accumulateDType, anyRequiresGrad, result, saveIf } from './common.js'
import { div, mul } from './elementwise.js'
import { matmul } from './linear.js'

// The weights that `torch.nn.utils.weight_norm` / `spectral_norm` and their `parametrizations` versions compute from
// their parameters, as PyTorch 2.13's CPU kernels do it and save for backward (checked with saved-tensor hooks).
// FlopCounterMode counts none of it (`mv` and `dot` have no FLOP formula); the matrix-vector products count MACs.

/** A view of `base`'s storage with `shape` and `strides`. */
function viewAs(ctx: ForwardContext, base: Tensor, shape: readonly number[], strides: readonly number[]): Tensor {
  return setStrides(ctx.view(base, shape), strides)
}

/** `x.contiguous()`: `x` itself when it is contiguous, else a copy. */
function contiguous(ctx: ForwardContext, x: Tensor): Tensor {
  return isContiguous(x) ? x : result(ctx, x.shape, x.dtype, [x])
}

/** `x.transpose(a, b)`: a view. */
function transposed(ctx: ForwardContext, x: Tensor, a: number, b: number): Tensor {
  if (a === b) return x
  const shape = [...x.shape]
  const strides = [...stridesOf(x)]
  ;[shape[a], shape[b]] = [shape[b]!, shape[a]!]
  ;[strides[a], strides[b]] = [strides[b]!, strides[a]!]
  return viewAs(ctx, x, shape, strides)
}

/** `x.reshape(shape)`: a view where the strides allow one, else a copy (which saves nothing). */
function reshaped(ctx: ForwardContext, x: Tensor, shape: readonly number[]): Tensor {
  const s = viewStrides(x.shape, stridesOf(x), shape)
  return s ? viewAs(ctx, x, shape, s) : result(ctx, shape, x.dtype, [x])
}

/**
 * The shape of `torch.norm_except_dim(v, 2, dim)` for a tensor of `shape`: a 0-dim tensor for `dim = -1` (the norm
 * of all of it), else 1 everywhere but the size of dimension `dim` (negative dimensions other than -1 count from
 * the end). Undefined when `dim` is out of range.
 */
export function normExceptDimShape(shape: readonly number[], dim: number): number[] | undefined {
  if (dim === -1) return []
  const rank = shape.length
  if (dim === 0 || dim === rank - 1) return rank === 0 ? undefined : shape.map((d, i) => (i === dim ? d : 1))
  if (dim < -rank || dim >= rank) return undefined
  const d = dim < 0 ? dim + rank : dim
  return shape.map((size, i) => (i === d ? size : 1))
}

/**
 * `torch.norm_except_dim(v, 2, dim)` as ATen computes it: `v.norm()` for `dim = -1`; for the first (last) dimension
 * `v.contiguous().view(size, -1).norm(2, 1)` (`view(-1, size).norm(2, 0)`) viewed back with dimensions of 1; for
 * another, the same on `v.transpose(0, dim)`, transposed back. Each norm keeps its input and its result.
 */
function normExceptDim(ctx: ForwardContext, v: Tensor, dim: number): Tensor {
  const rank = v.shape.length
  if (dim === -1) {
    const norm = result(ctx, [], v.dtype, [v])
    saveIf(ctx, v.requiresGrad, v, norm)
    return norm
  }
  if (dim === 0 || dim === rank - 1) {
    const size = v.shape[dim]!
    const c = contiguous(ctx, v)
    const rest = c.shape.reduce((p, s, i) => (i === dim ? p : p * s), 1)
    const matrix = dim === 0 ? [size, rest] : [rest, size]
    const rows = ctx.view(c, matrix)
    const norm = result(ctx, [size], v.dtype, [rows])
    saveIf(ctx, rows.requiresGrad, rows, norm)
    const shape = v.shape.map((s, i) => (i === dim ? s : 1))
    return viewAs(ctx, norm, shape, contiguousStrides(shape))
  }
  const d = dim < 0 ? dim + rank : dim
  return transposed(ctx, normExceptDim(ctx, transposed(ctx, v, 0, d), 0), 0, d)
}

/**
 * `torch._weight_norm(v, g, dim)`: the weight `v · g / ‖v‖` of `torch.nn.utils.weight_norm` (and of the
 * `parametrizations` version). For `dim` 0 or the last dimension, the fused `_weight_norm_interface`, which keeps
 * `v`, `g` and the norms it computed (`g`'s shape, float32 for half-precision weights) whenever a gradient is
 * needed; for any other `dim` (−1: one norm of the whole tensor), `v * (g / norm_except_dim(v, 2, dim))`, whose ops
 * keep what their derivatives read.
 */
export function weightNorm(ctx: ForwardContext, v: Tensor, g: Tensor, dim: number): Tensor {
  const direction = contiguous(ctx, v)
  const magnitude = contiguous(ctx, g)
  const rank = v.shape.length
  if (dim === 0 || dim === rank - 1) {
    const w = result(ctx, v.shape, v.dtype, [direction, magnitude])
    const norms = ctx.tensor(g.shape, accumulateDType(g.dtype), false)
    saveIf(ctx, anyRequiresGrad(direction, magnitude), direction, magnitude, norms)
    return w
  }
  return mul(ctx, direction, div(ctx, magnitude, normExceptDim(ctx, direction, dim)))
}

/** `torch.mv(matrix, vector)` as a matrix product with the vector as a column: each kept for the other's gradient. */
function mv(ctx: ForwardContext, matrix: Tensor, vector: Tensor): Tensor {
  const column = ctx.view(vector, [vector.shape[0]!, 1])
  const out = matmul(ctx, matrix, column, { flopOp: null })
  return ctx.view(out, [matrix.shape[0]!])
}

/** `torch.dot(a, b)` (and `vdot` of real tensors): a 0-dim tensor; each kept for the other's gradient. */
function dot(ctx: ForwardContext, a: Tensor, b: Tensor): Tensor {
  const out = matmul(ctx, ctx.view(a, [1, a.shape[0]!]), ctx.view(b, [b.shape[0]!, 1]), { flopOp: null })
  return ctx.view(out, [])
}

/** How {@link spectralNorm} runs. */
export interface SpectralNormOptions {
  /** The dimension of the weight that gives the matrix's rows (moved first, the rest flattened). */
  dim: number
  /** Power iterations to run first (none outside training), under `no_grad`, updating `u` and `v` in place. */
  powerIterations: number
  /** Whether `u` and `v` are cloned before `sigma` reads them (new tensors that are kept) or read as they are. */
  clone: boolean
}

/**
 * The weight of spectral normalisation, `weight / sigma` with `sigma = u · (W v)` (`W`: the weight as a matrix, its
 * `dim` first): `torch.nn.utils.spectral_norm`'s forward pre-hook and the `_SpectralNorm` parametrization. The power
 * iterations (`W v` and `Wᵀ u` each) run without grad; `mv` keeps the vector it reads, `dot` the `u` it reads, the
 * division keeps `sigma` (and the weight, when it is no parameter). The matrix is a view of the weight, or a copy
 * where permuting `dim` first leaves it not viewable (kept by nothing).
 */
export function spectralNorm(ctx: ForwardContext, weight: Tensor, u: Tensor, v: Tensor, options: SpectralNormOptions): Tensor {
  const rank = weight.shape.length
  const { dim } = options
  let moved = weight
  if (dim !== 0) {
    const order = [dim, ...[...Array(rank).keys()].filter((d) => d !== dim)]
    const s = stridesOf(weight)
    moved = viewAs(
      ctx,
      weight,
      order.map((d) => weight.shape[d]!),
      order.map((d) => s[d]!),
    )
  }
  const rows = moved.shape[0]!
  const columns = moved.shape.slice(1).reduce((p, d) => p * d, 1)
  const matrix = reshaped(ctx, moved, [rows, columns])
  if (options.powerIterations > 0) {
    const before = ctx.setGradEnabled(false)
    try {
      const transposedMatrix = transposed(ctx, matrix, 0, 1)
      for (let i = 0; i < options.powerIterations; i++) {
        ctx.use(mv(ctx, transposedMatrix, u))
        ctx.use(mv(ctx, matrix, v))
      }
    } finally {
      ctx.setGradEnabled(before)
    }
  }
  const left = options.clone ? ctx.tensor(u.shape, u.dtype, false) : u
  const right = options.clone ? ctx.tensor(v.shape, v.dtype, false) : v
  const sigma = dot(ctx, left, mv(ctx, matrix, right))
  return div(ctx, weight, sigma)
}

/**
 * `F.normalize(x, dim=0)` of a 1-D weight (the `_SpectralNorm` parametrization of a vector): `x.norm(2, 0,
 * keepdim=True)` (keeps `x` and the norm), `clamp_min(eps)` (keeps the norm), expanded to `x`'s shape, then `x /
 * denom` (keeps the clamped norm, and `x` when it is no parameter).
 */
export function normalizeVector(ctx: ForwardContext, x: Tensor): Tensor {
  const norm = result(ctx, [1], x.dtype, [x])
  saveIf(ctx, x.requiresGrad, x, norm)
  const clamped = result(ctx, [1], x.dtype, [norm])
  saveIf(ctx, norm.requiresGrad, norm)
  return div(ctx, x, viewAs(ctx, clamped, x.shape, [0]))
}
