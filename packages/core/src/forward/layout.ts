import type { Tensor } from './trace.js'

/**
 * Strides of the trace's tensors, as PyTorch lays them out: a view (`transpose`, `permute`, `expand`, a slice)
 * shares its base's storage with other strides, and whether a later `reshape`, `contiguous()` or `matmul`
 * copies depends on them. Tensors not listed here are contiguous.
 */
const strides = new WeakMap<Tensor, readonly number[]>()

/** The strides of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length)
  let step = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = step
    step *= Math.max(shape[i]!, 1)
  }
  return out
}

/** The strides of `t`. */
export function stridesOf(t: Tensor): readonly number[] {
  return strides.get(t) ?? contiguousStrides(t.shape)
}

/** Records the strides of a view. */
export function setStrides(t: Tensor, s: readonly number[]): Tensor {
  strides.set(t, [...s])
  return t
}

/** Whether `t` is contiguous as `Tensor.is_contiguous()` says (sizes of 1 and empty tensors ignore strides). */
export function isContiguous(t: Tensor): boolean {
  const s = strides.get(t)
  return !s || isContiguousStrides(t.shape, s)
}

function isContiguousStrides(shape: readonly number[], s: readonly number[]): boolean {
  if (shape.includes(0)) return true
  let expected = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    const size = shape[i]!
    if (size === 1) continue
    if (s[i] !== expected) return false
    expected *= size
  }
  return true
}

/**
 * The strides a view of `shape` over a tensor of `oldShape` and `oldStrides` would have, or undefined when
 * no view exists and `reshape` must copy (ATen's `computeStride`).
 */
export function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], shape: readonly number[]): number[] | undefined {
  if (oldShape.length === 0 || oldShape.includes(0)) return contiguousStrides(shape)
  const out = new Array<number>(shape.length).fill(1)
  let viewD = shape.length - 1
  let chunkBase = oldStrides.at(-1)!
  let tensorNumel = 1
  let viewNumel = 1
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase
        viewNumel *= shape[viewD]!
        viewD--
      }
      if (viewNumel !== tensorNumel) return undefined
      if (d > 0) {
        chunkBase = oldStrides[d - 1]!
        tensorNumel = 1
        viewNumel = 1
      }
    }
  }
  return viewD === -1 ? out : undefined
}

/** One operand of an element-wise op, for {@link elementwiseStrides}: its shape, strides and element size in bytes. */
export interface LayoutOperand {
  shape: readonly number[]
  strides: readonly number[]
  elementBytes: number
}

/**
 * The strides `TensorIterator` gives the new output of an element-wise op of `shape` (ATen's `reorder_dimensions` and
 * `compatible_stride`): the output is dense, with its dimensions in the memory order of the operands — the first
 * operand whose strides differ between two dimensions decides their order (broadcast dimensions are skipped; equal
 * strides put the larger dimension outside). `exp` of a permuted tensor is laid out as the permuted tensor, so a later
 * `view` fails as in PyTorch. Undefined when the output is contiguous.
 */
export function elementwiseStrides(shape: readonly number[], operands: readonly LayoutOperand[]): number[] | undefined {
  const rank = shape.length
  if (rank < 2 || operands.length === 0) return undefined
  // ATen's fast set-ups: operands of the output's shape, all contiguous or all with the same dense strides.
  const first = operands[0]!
  if (operands.every((op) => op.shape.length === rank && op.shape.every((d, i) => d === shape[i]) && op.strides.every((st, i) => st === first.strides[i]))) {
    if (isContiguousStrides(shape, first.strides)) return undefined
    if (isNonOverlappingAndDense(shape, first.strides)) return [...first.strides]
  }
  // Each operand's byte strides over the output's dimensions: 0 where it broadcasts or lacks the dimension.
  const bytes = operands.map((op) => {
    const offset = rank - op.shape.length
    return shape.map((size, d) => {
      const i = d - offset
      if (i < 0) return 0
      return op.shape[i] === 1 && size !== 1 ? 0 : op.strides[i]! * op.elementBytes
    })
  })
  const shouldSwap = (dim0: number, dim1: number): number => {
    for (const s of bytes) {
      const s0 = s[dim0]!
      const s1 = s[dim1]!
      if (s0 === 0 || s1 === 0) continue
      if (s0 < s1) return -1
      if (s0 > s1) return 1
      if (shape[dim0]! > shape[dim1]!) return 1
    }
    return 0
  }
  // perm[0] is the fastest-moving dimension; insertion sort as ATen does it.
  const perm = Array.from({ length: rank }, (_, i) => rank - 1 - i)
  for (let i = 1; i < rank; i++) {
    let dim1 = i
    for (let dim0 = i - 1; dim0 >= 0; dim0--) {
      const comparison = shouldSwap(perm[dim0]!, perm[dim1]!)
      if (comparison > 0) {
        const tmp = perm[dim0]!
        perm[dim0] = perm[dim1]!
        perm[dim1] = tmp
        dim1 = dim0
      } else if (comparison < 0) break
    }
  }
  if (perm.every((d, i) => d === rank - 1 - i)) return undefined
  const out = new Array<number>(rank)
  let next = 1
  for (const d of perm) {
    out[d] = next
    next *= shape[d]!
  }
  return out
}

/**
 * The strides of `empty_like(x)` and the other `*_like` factories (`memory_format=torch.preserve_format`): `x`'s own
 * when `x` is non-overlapping and dense, else dense in `x`'s memory order. Undefined when contiguous.
 */
export function preservedStrides(shape: readonly number[], xStrides: readonly number[]): number[] | undefined {
  if (isNonOverlappingAndDense(shape, xStrides)) return isContiguousStrides(shape, xStrides) ? undefined : [...xStrides]
  return elementwiseStrides(shape, [{ shape, strides: xStrides, elementBytes: 1 }])
}

/** Whether a tensor's elements fill its storage span exactly once (ATen's `is_non_overlapping_and_dense`). */
function isNonOverlappingAndDense(shape: readonly number[], s: readonly number[]): boolean {
  const order = shape.map((_, i) => i).filter((i) => shape[i] !== 1).sort((a, b) => s[a]! - s[b]! || a - b)
  let expected = 1
  for (const d of order) {
    if (s[d] !== expected) return false
    expected *= shape[d]!
  }
  return true
}
