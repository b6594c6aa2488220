import { describe, expect, it } from 'vitest'
import type { Tensor } from './trace.js'
import { contiguousStrides, isContiguous, setStrides, stridesOf, viewStrides } from './layout.js'

function tensor(shape: number[]): Tensor {
  return { shape, dtype: 'float32', storage: { id: 0, bytes: 0n, origin: 'activation', allocatedAt: 0, lastUse: 0 }, requiresGrad: false }
}

describe('strides as PyTorch lays tensors out', () => {
  it('contiguous strides', () => {
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1])
    expect(contiguousStrides([])).toEqual([])
  })

  it('a reshape of contiguous data is a view', () => {
    expect(viewStrides([2, 3, 4], [12, 4, 1], [6, 4])).toEqual([4, 1])
    expect(viewStrides([2, 3, 4], [12, 4, 1], [2, 1, 12])).toEqual([12, 12, 1])
  })

  it('a transposed tensor: merging the swapped dimensions needs a copy, adding a dimension of 1 does not', () => {
    // (2, 5, 6).transpose(1, 2) has strides (30, 1, 6); the values are PyTorch's `.stride()`.
    expect(viewStrides([2, 6, 5], [30, 1, 6], [2, 30])).toBeUndefined()
    expect(viewStrides([2, 6, 5], [30, 1, 6], [2, 1, 6, 5])).toEqual([30, 6, 1, 6])
    // The batch dimensions of a (B, h, T, d) tensor transposed to (B, h, d, T) still merge.
    expect(viewStrides([2, 4, 8, 3], [96, 24, 1, 8], [8, 8, 3])).toEqual([24, 1, 8])
  })

  it('contiguity ignores dimensions of size 1', () => {
    const t = setStrides(tensor([2, 1, 3]), [3, 99, 1])
    expect(isContiguous(t)).toBe(true)
    expect(isContiguous(setStrides(tensor([3, 2]), [1, 3]))).toBe(false)
    expect(stridesOf(tensor([4, 5]))).toEqual([5, 1])
  })
})
