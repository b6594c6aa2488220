import { expandedStrides, isContiguous, setStrides } from '../layout.js'
import { isFloatingDType, scalarTypeName } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { anyRequiresGrad, broadcastShapes, product, result, sameShape, saveIf } from './common.js'
import { div, mul } from './elementwise.js'
import { sum } from './pool.js'

// Distances and norms: `torch.cdist`, `torch.linalg.vector_norm` (which `linalg.norm` and `linalg.matrix_norm` with
// `'fro'` run) and `F.cosine_similarity`, with what PyTorch 2.13 keeps for backward.

/**
 * `torch.linalg.vector_norm(x, ord, dims, keepdim, dtype=…)`: the result of `dtype` over `dims` (already wrapped);
 * `LinalgVectorNormBackward0` keeps the input and the result, whatever the order. No multiply-accumulates are counted,
 * as for `Tensor.norm`.
 */
export function vectorNorm(ctx: ForwardContext, x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType = x.dtype): Tensor {
  const reduced = new Set(dims)
  const shape = keepdim ? x.shape.map((s, i) => (reduced.has(i) ? 1 : s)) : x.shape.filter((_, i) => !reduced.has(i))
  const y = result(ctx, shape, dtype, [x])
  saveIf(ctx, x.requiresGrad, x, y)
  return y
}

/** How `torch.cdist` computes its distances (`compute_mode`): `_cdist_forward`, or `_euclidean_dist`'s matrix products. */
export type CdistPath = 'direct' | 'matmul'

/**
 * The path `torch.cdist(x1, x2, p, compute_mode)` takes in PyTorch 2.13: the Euclidean distance (`p = 2`) by matrix
 * products when `compute_mode` asks for them (`'use_mm_for_euclid_dist'`) or, by default, when either operand has more
 * than 25 rows; an empty operand always runs `_cdist_forward`.
 */
export function cdistPath(x1: readonly number[], x2: readonly number[], p: number, mode: 'if-necessary' | 'always' | 'never'): CdistPath {
  if (product(x1) === 0n || product(x2) === 0n || p !== 2 || mode === 'never') return 'direct'
  return mode === 'always' || x1.at(-2)! > 25 || x2.at(-2)! > 25 ? 'matmul' : 'direct'
}

/**
 * `torch.cdist(x1, x2, p)` of `(…, P, M)` and `(…, R, M)`, the batch dimensions broadcast: `(…, P, R)`, of
 * `batch × P × R × M` multiply-accumulates (2× in backward: both operands get a gradient). FlopCounterMode counts none,
 * on either path. `CdistBackward0` keeps both operands as given and the result. On the matrix-product path with more
 * than one batch, each operand is first expanded to the batch and made contiguous (a copy where it is not already:
 * a broadcast batch, a transposed view), and `EuclideanDistBackward0` keeps those and the result.
 */
export function cdist(ctx: ForwardContext, x1: Tensor, x2: Tensor, path: CdistPath): Tensor {
  const [rows1, columns] = x1.shape.slice(-2) as [number, number]
  const rows2 = x2.shape.at(-2)!
  const batch = broadcastShapes(ctx, x1.shape.slice(0, -2), x2.shape.slice(0, -2))
  let a = x1
  let b = x2
  if (path === 'matmul' && product(batch) !== 1n) {
    const contiguous = (x: Tensor, rows: number): Tensor => {
      const shape = [...batch, rows, columns]
      const expanded = sameShape(shape, x.shape) ? x : setStrides(ctx.view(x, shape), expandedStrides(x, shape))
      return isContiguous(expanded) ? expanded : result(ctx, shape, x.dtype, [x])
    }
    a = contiguous(x1, rows1)
    b = contiguous(x2, rows2)
  }
  const out = result(ctx, [...batch, rows1, rows2], x1.dtype, [x1, x2])
  ctx.macs(product(batch) * BigInt(rows1) * BigInt(rows2) * BigInt(columns), 2)
  saveIf(ctx, anyRequiresGrad(x1, x2), a, b, out)
  return out
}

/** The order of floating dtypes in type promotion; float16 and bfloat16 together promote to float32. */
const floatingOrder: readonly DType[] = ['float8_e5m2', 'float8_e4m3fn', 'float16', 'bfloat16', 'float32', 'float64']

/**
 * The floating dtype `F.cosine_similarity` computes in (`torch.result_type(x1, x2)`): an integer or bool operand takes
 * the other's floating dtype. Undefined when that is no real floating dtype (two integer operands, a complex one).
 */
export function cosineSimilarityDType(a: DType, b: DType): DType | undefined {
  const real = (d: DType): boolean => isFloatingDType(d) && !d.startsWith('complex')
  const integral = (d: DType): boolean => !isFloatingDType(d)
  if (a === b) return real(a) ? a : undefined
  if (integral(a)) return real(b) ? b : undefined
  if (integral(b)) return real(a) ? a : undefined
  if (!real(a) || !real(b)) return undefined
  if ((a === 'float16' && b === 'bfloat16') || (a === 'bfloat16' && b === 'float16')) return 'float32'
  return floatingOrder.indexOf(a) > floatingOrder.indexOf(b) ? a : b
}

/**
 * `F.cosine_similarity(x1, x2, dim, eps)` (and `nn.CosineSimilarity`) as ATen composes it: an integer operand cast to
 * the common floating dtype, both expanded to their broadcast shape (views), each divided by its own vector norm along
 * `dim` (kept with `keepdim`, then cloned, then clamped to `eps` in place without grad), the two quotients multiplied
 * and summed over `dim`. The norms keep their input and result, the divisions their operands, the product both
 * quotients; the sum counts one multiply-accumulate per element. `dim` is wrapped against the broadcast shape.
 */
export function cosineSimilarity(ctx: ForwardContext, x1: Tensor, x2: Tensor, dim: number): Tensor {
  const dtype = cosineSimilarityDType(x1.dtype, x2.dtype)
  if (dtype === undefined) throw ctx.error(`expected common dtype to be floating point, yet common dtype is ${scalarTypeName(x1.dtype === x2.dtype ? x1.dtype : isFloatingDType(x1.dtype) ? x1.dtype : x2.dtype)}`)
  const cast = (x: Tensor): Tensor => (isFloatingDType(x.dtype) ? x : result(ctx, x.shape, dtype, [x]))
  const [a, b] = [cast(x1), cast(x2)]
  const shape = broadcastShapes(ctx, a.shape, b.shape)
  const expand = (x: Tensor): Tensor => (sameShape(x.shape, shape) ? x : setStrides(ctx.view(x, shape), expandedStrides(x, shape)))
  const normalised = (x: Tensor): Tensor => {
    const norm = vectorNorm(ctx, x, [dim], true)
    const clone = result(ctx, norm.shape, norm.dtype, [norm])
    return div(ctx, x, clone, x.dtype)
  }
  const [na, nb] = [normalised(expand(a)), normalised(expand(b))]
  const productDType = na.dtype === nb.dtype ? na.dtype : cosineSimilarityDType(na.dtype, nb.dtype)!
  return sum(ctx, mul(ctx, na, nb, productDType), [dim])
}
