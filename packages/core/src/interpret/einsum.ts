import type { SourceSpan } from '../errors.js'
import * as ops from '../forward/ops/index.js'
import type { Tensor } from '../forward/trace.js'
import type { DType } from '../tensor/dtype.js'
import { scalarTypeName } from '../tensor/dtype.js'
import { raise } from './exceptions.js'
import { elementwiseStrides, setStrides, stridesOf } from '../forward/layout.js'
import { reshapeOf, viewOf } from './tensor-methods.js'
import type { TraceOps } from './tensor-methods.js'

/**
 * `torch.einsum(equation, *operands)` as ATen runs it without opt_einsum (PyTorch's CPU wheels ship without
 * it): the equation is parsed, each operand takes diagonals for repeated labels, is unsqueezed and permuted to
 * one common order (output labels, then contracted labels), and the operands are contracted left to right in
 * pairs, each pair as `bmm` of permuted and reshaped operands (`sumproduct_pair`), or as `mul` when the pair
 * sums over nothing. The same steps run on shapes alone ({@link einsumShape}) and on the trace's tensors, whose
 * kernels decide what is copied, saved and counted.
 */

/** The tensor operations einsum is made of, on some representation `T` of a tensor. */
export interface EinsumKernels<T extends object> {
  shape(t: T): readonly number[]
  dtype(t: T): DType
  permute(t: T, order: readonly number[]): T
  /** `t.diagonal(0, a, b).movedim(-1, a)` with `a < b`: a view. */
  diagonal(t: T, a: number, b: number): T
  /** `t.unsqueeze(t.dim())`. */
  unsqueezeLast(t: T): T
  /** `t.sum(dims, keepdim)`. */
  sum(t: T, dims: readonly number[], keepdim: boolean): T
  mul(a: T, b: T): T
  bmm(a: T, b: T): T
  /** `reshape`: a view where the strides allow one, else a copy. */
  reshape(t: T, shape: readonly number[]): T
  /** `view`: always a view here (the callers only drop or split dimensions that allow one). */
  view(t: T, shape: readonly number[]): T
  /** Throws PyTorch's `RuntimeError` with `message`. */
  fail(message: string): never
}

const letters = 26
const total = letters * 2
const ELLIPSIS = total

function subscriptOf(c: string): number {
  return c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 65 : c.charCodeAt(0) - 97 + letters
}

function labelOf(s: number): string {
  return s < letters ? String.fromCharCode(65 + s) : String.fromCharCode(97 + s - letters)
}

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

/** Runs `equation` over `operands` with the kernels `k`; the result as ATen's `einsum` returns it. */
export function runEinsum<T extends object>(equation: string, operands: readonly T[], k: EinsumKernels<T>): T {
  const numOps = operands.length
  if (numOps === 0) k.fail('einsum(): must provide at least one operand')
  const arrow = equation.indexOf('->')
  const lhs = arrow === -1 ? equation : equation.slice(0, arrow)

  // 1. Labels of each operand, ELLIPSIS for `...`.
  const opLabels: number[][] = Array.from({ length: numOps }, () => [])
  let ellInInput = false
  let current = 0
  for (let i = 0; i < lhs.length; i++) {
    const c = lhs[i]!
    if (c === ' ') continue
    if (c === '.') {
      if (ellInInput) k.fail(`einsum(): found '.' for operand ${current} for which an ellipsis was already found`)
      if (!(i + 2 < lhs.length && lhs[++i] === '.' && lhs[++i] === '.')) k.fail(`einsum(): found '.' for operand ${current} that is not part of any ellipsis`)
      opLabels[current]!.push(ELLIPSIS)
      ellInInput = true
    } else if (c === ',') {
      current++
      if (current >= numOps) k.fail('einsum(): fewer operands were provided than specified in the equation')
      ellInInput = false
    } else {
      if (!isLetter(c)) k.fail(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`)
      opLabels[current]!.push(subscriptOf(c))
    }
  }
  if (current !== numOps - 1) k.fail('einsum(): more operands were provided than specified in the equation')

  // 2. How often each label occurs, and how many dimensions the ellipsis covers.
  const labelCount = new Array<number>(total).fill(0)
  let ellNumDim = 0
  operands.forEach((op, i) => {
    const labels = opLabels[i]!
    const ndims = k.shape(op).length
    let nlabels = labels.length
    let hasEllipsis = false
    for (const label of labels) {
      if (label === ELLIPSIS) {
        nlabels--
        hasEllipsis = true
        ellNumDim = Math.max(ellNumDim, ndims - nlabels)
      } else labelCount[label]!++
    }
    if (hasEllipsis ? nlabels > ndims : nlabels !== ndims) {
      k.fail(
        `einsum(): the number of subscripts in the equation (${nlabels}) ${hasEllipsis ? 'is more than' : 'does not match'} the number of dimensions (${ndims}) for operand ${i}${hasEllipsis ? '' : ' and no ellipsis was given'}`,
      )
    }
  })

  // 3. The position of each label in the common order: the output's, then the contracted ones.
  const labelIndex = new Array<number>(total).fill(-1)
  let permIndex = 0
  let ellIndex = 0
  let ellInOutput = false
  if (arrow === -1) {
    permIndex = ellNumDim
    ellInOutput = true
    for (let label = 0; label < total; label++) if (labelCount[label] === 1) labelIndex[label] = permIndex++
  } else {
    const rhs = equation.slice(arrow + 2)
    for (let i = 0; i < rhs.length; i++) {
      const c = rhs[i]!
      if (c === ' ') continue
      if (c === '.') {
        if (ellInOutput) k.fail("einsum(): found '.' for output but an ellipsis (...) was already found")
        if (!(i + 2 < rhs.length && rhs[++i] === '.' && rhs[++i] === '.')) k.fail("einsum(): found '.' for output that is not part of any ellipsis (...)")
        ellIndex = permIndex
        permIndex += ellNumDim
        ellInOutput = true
        continue
      }
      if (!isLetter(c)) k.fail(`einsum(): invalid subscript given at index ${lhs.length + 2 + i} in the equation string, subscripts must be in [a-zA-Z]`)
      const s = subscriptOf(c)
      if (!(labelCount[s]! > 0 && labelIndex[s] === -1)) {
        k.fail(`einsum(): output subscript ${c}${labelIndex[s]! > -1 ? ' appears more than once in the output' : ' does not appear in the equation for any input operand'}`)
      }
      labelIndex[s] = permIndex++
    }
  }
  const outNumDim = permIndex
  if (!ellInOutput) {
    ellIndex = permIndex
    permIndex += ellNumDim
  }
  for (let label = 0; label < total; label++) if (labelCount[label]! > 0 && labelIndex[label] === -1) labelIndex[label] = permIndex++

  // 4. Diagonals, missing dimensions and the permutation of each operand; sizes must broadcast.
  const labelSize = new Array<number>(total).fill(1)
  const ellSizes = new Array<number>(ellNumDim).fill(1)
  const dimCounts = new Array<number>(permIndex).fill(0)
  const ops: T[] = []
  operands.forEach((operand, i) => {
    let op = operand
    const permutation = new Array<number>(permIndex).fill(-1)
    const labels = opLabels[i]!
    let dim = 0
    for (const s of labels) {
      const shape = k.shape(op)
      if (s === ELLIPSIS) {
        const ndim = k.shape(operand).length - (labels.length - 1)
        for (let j = ellNumDim - ndim; j < ellNumDim; j++) {
          const size = shape[dim]!
          if (size !== 1) {
            if (ellSizes[j] !== 1 && ellSizes[j] !== size) {
              k.fail(`einsum(): dimension ${dim} covered by ellipsis in operand ${i}has size ${size} which does not broadcast with previously seen ellipsis with size ${ellSizes[j]} for the respective dimension`)
            }
            ellSizes[j] = size
            dimCounts[ellIndex + j]!++
          }
          permutation[ellIndex + j] = dim++
        }
      } else if (permutation[labelIndex[s]!] === -1) {
        const size = shape[dim]!
        if (size !== 1) {
          if (labelSize[s] !== 1 && labelSize[s] !== size) {
            k.fail(`einsum(): subscript ${labelOf(s)} has size ${size} for operand ${i} which does not broadcast with previously seen size ${labelSize[s]}`)
          }
          labelSize[s] = size
          dimCounts[labelIndex[s]!]!++
        }
        permutation[labelIndex[s]!] = dim++
      } else {
        const prev = permutation[labelIndex[s]!]!
        if (shape[dim] !== shape[prev]) k.fail(`einsum(): subscript ${labelOf(s)} is repeated for operand ${i} but the sizes don't match, ${shape[dim]} != ${shape[prev]}`)
        op = k.diagonal(op, prev, dim)
      }
    }
    for (let p = 0; p < permutation.length; p++) {
      if (permutation[p] === -1) {
        op = k.unsqueezeLast(op)
        permutation[p] = dim++
      }
    }
    ops.push(k.permute(op, permutation))
  })

  // 5. Contract left to right.
  while (ops.length > 1) {
    let a = ops.shift()!
    let b = ops.shift()!
    const sumDims: number[] = []
    const aSum: number[] = []
    const bSum: number[] = []
    for (let d = outNumDim; d < permIndex; d++) {
      const sa = k.shape(a)[d] !== 1
      const sb = k.shape(b)[d] !== 1
      if (sa && sb) {
        if (--dimCounts[d]! === 1) {
          sumDims.push(d)
          dimCounts[d] = 0
        }
      } else if (dimCounts[d] === 1) {
        if (sa) {
          aSum.push(d)
          dimCounts[d] = 0
        } else if (sb) {
          bSum.push(d)
          dimCounts[d] = 0
        }
      }
    }
    if (aSum.length > 0) a = k.sum(a, aSum, true)
    if (bSum.length > 0) b = k.sum(b, bSum, true)
    ops.unshift(sumProductPair(a, b, sumDims, k))
  }

  // 6. Drop the contracted dimensions.
  const result = ops[0]!
  if (permIndex - outNumDim > 0) {
    if (numOps > 1) return k.view(result, k.shape(result).slice(0, outNumDim))
    return k.sum(
      result,
      Array.from({ length: permIndex - outNumDim }, (_, i) => outNumDim + i),
      false,
    )
  }
  return result
}

/** ATen's `sumproduct_pair`: `(left * right).sum(sumDims, keepdim=True)` as a `bmm` of permuted, reshaped operands. */
function sumProductPair<T extends object>(left0: T, right0: T, sumDims: readonly number[], k: EinsumKernels<T>): T {
  let left = left0
  let right = right0
  if (sumDims.length === 0) return k.mul(left, right)
  if (k.dtype(left) !== k.dtype(right)) k.fail(`expected scalar type ${scalarTypeName(k.dtype(left))} but found ${scalarTypeName(k.dtype(right))}`)
  const dim = k.shape(left).length
  const summed = new Set(sumDims)
  const lro: number[] = []
  const lo: number[] = []
  const ro: number[] = []
  let lroSize = 1
  let loSize = 1
  let roSize = 1
  let sumSize = 1
  for (let i = 0; i < dim; i++) {
    const ls = k.shape(left)[i]!
    const rs = k.shape(right)[i]!
    const sl = ls !== 1
    const sr = rs !== 1
    if (summed.has(i)) {
      if (sl && sr) {
        if (ls !== rs) k.fail('non-broadcast dimensions must match')
        sumSize *= ls
      } else if (sl) left = k.sum(left, [i], true)
      else if (sr) right = k.sum(right, [i], true)
    } else if (sl && sr) {
      if (ls !== rs) k.fail('non-broadcast dimensions must match')
      lro.push(i)
      lroSize *= ls
    } else if (sl) {
      lo.push(i)
      loSize *= ls
    } else {
      ro.push(i)
      roSize *= rs
    }
  }
  const sizes = (t: T, dims: readonly number[]): number[] => dims.map((d) => k.shape(t)[d]!)
  const ones = sumDims.map(() => 1)
  // When every dimension only the right operand has comes before every one only the left has, PyTorch 2.13
  // multiplies the other way round, `bmm(right, left)`, so that the result is laid out in the output's order
  // (measured: `'bij,bjk->bki'` keeps `(b, k, j)` and `(b, j, i)` and returns a contiguous result).
  const swap = lo.length > 0 && ro.length > 0 && Math.max(...ro) < Math.min(...lo)
  const order = swap ? [...lro, ...ro, ...sumDims, ...lo] : [...lro, ...lo, ...sumDims, ...ro]
  const outSize = swap ? [...sizes(left, lro), ...sizes(right, ro), ...ones, ...sizes(left, lo)] : [...sizes(left, lro), ...sizes(left, lo), ...ones, ...sizes(right, ro)]
  const operm = new Array<number>(dim).fill(-1)
  order.forEach((d, i) => {
    operm[d] = i
  })
  const product = swap
    ? k.bmm(k.reshape(k.permute(right, [...lro, ...ro, ...sumDims, ...lo]), [lroSize, roSize, sumSize]), k.reshape(k.permute(left, [...lro, ...sumDims, ...lo, ...ro]), [lroSize, sumSize, loSize]))
    : k.bmm(k.reshape(k.permute(left, [...lro, ...lo, ...sumDims, ...ro]), [lroSize, loSize, sumSize]), k.reshape(k.permute(right, [...lro, ...sumDims, ...ro, ...lo]), [lroSize, sumSize, roSize]))
  return k.permute(k.view(product, outSize), operm)
}

/**
 * Shapes alone: the output shape and dtype of `torch.einsum(equation, *operands)`, or PyTorch's error. A product
 * without a sum promotes the dtypes (`promote`); a `bmm` needs equal ones.
 */
export function einsumShape(
  equation: string,
  operands: ReadonlyArray<{ shape: readonly number[]; dtype: DType }>,
  promote: (a: DType, b: DType) => DType,
  fail: (message: string) => never,
): { shape: number[]; dtype: DType } {
  type S = { shape: readonly number[]; dtype: DType }
  const permuted = (t: S, order: readonly number[]): S => ({ shape: order.map((d) => t.shape[d]!), dtype: t.dtype })
  const out = runEinsum<S>(equation, operands, {
    shape: (t) => t.shape,
    dtype: (t) => t.dtype,
    permute: permuted,
    diagonal: (t, a, b) => {
      const shape = t.shape.filter((_, i) => i !== a && i !== b)
      shape.splice(a, 0, Math.min(t.shape[a]!, t.shape[b]!))
      return { shape, dtype: t.dtype }
    },
    unsqueezeLast: (t) => ({ shape: [...t.shape, 1], dtype: t.dtype }),
    sum: (t, dims, keepdim) => ({ shape: keepdim ? t.shape.map((d, i) => (dims.includes(i) ? 1 : d)) : t.shape.filter((_, i) => !dims.includes(i)), dtype: t.dtype }),
    mul: (a, b) => ({ shape: a.shape.map((d, i) => (d === 1 ? b.shape[i]! : d)), dtype: promote(a.dtype, b.dtype) }),
    bmm: (a, b) => ({ shape: [a.shape[0]!, a.shape[1]!, b.shape[2]!], dtype: a.dtype }),
    reshape: (t, shape) => ({ shape: [...shape], dtype: t.dtype }),
    view: (t, shape) => ({ shape: [...shape], dtype: t.dtype }),
    fail,
  })
  return { shape: [...out.shape], dtype: out.dtype }
}

/** `torch.einsum` on the trace's tensors: views where ATen makes views, `reshape` copies, `bmm`/`mul`/`sum` kernels. */
export function einsumTraced(t: TraceOps, equation: string, operands: readonly Tensor[], span: SourceSpan): Tensor {
  const permute = (x: Tensor, order: readonly number[]): Tensor => {
    const s = stridesOf(x)
    return viewOf(
      t,
      x,
      order.map((d) => x.shape[d]!),
      order.map((d) => s[d]!),
    )
  }
  return runEinsum<Tensor>(equation, operands, {
    shape: (x) => x.shape,
    dtype: (x) => x.dtype,
    permute,
    diagonal: (x, a, b) => {
      const s = stridesOf(x)
      const keep = x.shape.map((_, i) => i).filter((i) => i !== a && i !== b)
      const shape = keep.map((i) => x.shape[i]!)
      const strides = keep.map((i) => s[i]!)
      shape.splice(a, 0, Math.min(x.shape[a]!, x.shape[b]!))
      strides.splice(a, 0, s[a]! + s[b]!)
      return viewOf(t, x, shape, strides)
    },
    unsqueezeLast: (x) => viewOf(t, x, [...x.shape, 1], [...stridesOf(x), 1]),
    sum: (x, dims, keepdim) => ops.sum(t.ctx, x, dims, keepdim),
    mul: (a, b) => setStrides(ops.mul(t.ctx, a, b), elementwiseStrides([a, b])),
    bmm: (a, b) => ops.matmul(t.ctx, a, b),
    reshape: (x, shape) => reshapeOf(t, x, shape, false, span),
    view: (x, shape) => reshapeOf(t, x, shape, true, span),
    fail: (message) => raise('RuntimeError', 'shape', message, span),
  })
}
