import { NnsizeError } from '../errors.js'
import { broadcastShapes } from '../tensor/broadcast.js'
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
  if (!s) return true
  if (t.shape.includes(0)) return true
  let expected = 1
  for (let i = t.shape.length - 1; i >= 0; i--) {
    const size = t.shape[i]!
    if (size === 1) continue
    if (s[i] !== expected) return false
    expected *= size
  }
  return true
}

/**
 * Whether a 4-D tensor's strides are those of channels-last memory (`x.suggest_memory_format() ==
 * torch.channels_last`, ATen's `is_channels_last_strides_2d`): the channels vary fastest, then the width, the
 * height and the batch. Ambiguous layouts (a size-1 channel dimension with equal strides) read as contiguous.
 */
export function isChannelsLast2d(shape: readonly number[], s: readonly number[]): boolean {
  if (shape.length !== 4 || s[1] === 0) return false
  let min = 0
  for (const d of [1, 3, 2, 0]) {
    const size = shape[d]!
    if (size === 0 || s[d]! < min) return false
    if (d === 0 && min === s[1]) return false
    min = s[d]!
    if (size > 1) min *= size
  }
  return true
}

/** Whether `t` is a 4-D tensor laid out channels-last rather than contiguous (its suggested memory format). */
export function isLaidOutChannelsLast(t: Tensor): boolean {
  return t.shape.length === 4 && !isContiguous(t) && isChannelsLast2d(t.shape, stridesOf(t))
}

/** The strides of a channels-last tensor of a 4-D `shape` (`N, C, H, W` laid out as `N, H, W, C`). */
export function channelsLastStrides(shape: readonly number[]): number[] {
  const [, c, h, w] = shape.map((d) => Math.max(d, 1)) as [number, number, number, number]
  return [h * w * c, 1, w * c, c]
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

/**
 * The strides of `x.expand(*shape)` (a view; `shape` already checked by `expandedShape`), as ATen's
 * `infer_expand_geometry` gives them: a dimension that grows from 1 has stride 0, one that keeps its size keeps its
 * stride, and a new leading dimension has stride 0, or when of size 1 the extent of the dimension after it. A 0-d
 * tensor expands with every stride 0.
 */
export function expandedStrides(x: Tensor, shape: readonly number[]): number[] {
  const xs = stridesOf(x)
  const lead = shape.length - x.shape.length
  const out = new Array<number>(shape.length).fill(0)
  if (x.shape.length === 0) return out
  for (let i = shape.length - 1; i >= 0; i--) {
    const own = i >= lead ? x.shape[i - lead]! : 1
    if (own !== shape[i]) out[i] = 0
    else out[i] = i >= lead ? xs[i - lead]! : i + 1 < shape.length ? shape[i + 1]! * out[i + 1]! : 1
  }
  return out
}

/**
 * The strides TensorIterator gives the result of an element-wise op of `operands` broadcast to `shape`: the
 * dimensions ordered as the operands lay them out (`reorder_dimensions`: by stride, the first operand first,
 * broadcast dimensions deferring to the next operand, equal strides by size), the result contiguous in that order.
 * An operand of lower rank is aligned to the right, as broadcasting aligns it.
 */
export function elementwiseStrides(operands: readonly Tensor[], shape: readonly number[] = broadcastShapeOf(operands)): number[] {
  const rank = shape.length
  const strides = operands.map((x) => {
    const s = stridesOf(x)
    const pad = rank - x.shape.length
    return shape.map((size, d) => (d < pad || (x.shape[d - pad] === 1 && size !== 1) ? 0 : s[d - pad]!))
  })
  const shouldSwap = (d0: number, d1: number): number => {
    for (const s of strides) {
      const [s0, s1] = [s[d0]!, s[d1]!]
      if (s0 === 0 || s1 === 0) continue
      if (s0 < s1) return -1
      if (s0 > s1) return 1
      if (shape[d0]! > shape[d1]!) return 1
    }
    return 0
  }
  // Fastest to slowest, starting from the reversed order; an insertion sort that leaves ambiguous pairs alone.
  const perm = Array.from({ length: rank }, (_, i) => rank - 1 - i)
  for (let i = 1; i < rank; i++) {
    let d1 = i
    for (let d0 = i - 1; d0 >= 0; d0--) {
      const c = shouldSwap(perm[d0]!, perm[d1]!)
      if (c > 0) {
        ;[perm[d0], perm[d1]] = [perm[d1]!, perm[d0]!]
        d1 = d0
      } else if (c < 0) break
    }
  }
  const out = new Array<number>(rank)
  let step = 1
  for (const d of perm) {
    out[d] = step
    step *= Math.max(shape[d]!, 1)
  }
  return out
}

function broadcastShapeOf(operands: readonly Tensor[]): number[] {
  return broadcastShapes(
    operands.map((x) => x.shape),
    (message) => {
      throw new NnsizeError('shape', message)
    },
  )
}

/**
 * Lays out the result `out` of an element-wise op of `operands` as TensorIterator does: contiguous when every
 * operand is, else in the operands' order of dimensions (an activation of a transposed view is transposed too).
 */
export function layOutElementwise(out: Tensor, operands: ReadonlyArray<Tensor | undefined>): Tensor {
  const tensors = operands.filter((x): x is Tensor => x !== undefined && x.shape.length > 0)
  if (tensors.every((x) => !strides.has(x) || isContiguous(x))) return out
  const s = elementwiseStrides(tensors, out.shape)
  const contiguous = contiguousStrides(out.shape)
  return s.every((v, i) => v === contiguous[i]) ? out : setStrides(out, s)
}

/**
 * The strides of `torch.empty_like(x)` and the other `*_like` factories (`memory_format=torch.preserve_format`):
 * `x`'s own when `x` is non-overlapping and dense, else dense in `x`'s order of dimensions (ATen's
 * `infer_dense_strides`). Undefined when that is contiguous.
 */
export function preservedStrides(x: Tensor): number[] | undefined {
  if (isContiguous(x)) return undefined
  const s = stridesOf(x)
  const out = isNonOverlappingAndDense(x.shape, s) ? [...s] : elementwiseStrides([x], x.shape)
  const contiguous = contiguousStrides(x.shape)
  return out.every((v, i) => v === contiguous[i]) ? undefined : out
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
