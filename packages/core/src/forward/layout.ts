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
