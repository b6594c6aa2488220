import { describe, expect, it } from 'vitest'
import type { Tensor } from './trace.js'
import { contiguousStrides, expandedStrides, isContiguous, preservedStrides, setStrides, stridesOf, viewStrides } from './layout.js'

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

describe('the layout of *_like tensors, as empty_like chooses it (memory_format=torch.preserve_format)', () => {
  // Each value is PyTorch 2.13's `.stride()` of the same expression.
  it('keeps a dense layout and makes a strided one dense in the same order', () => {
    // torch.empty_like(torch.randn(3, 4).t()).stride() == (1, 4)
    expect(preservedStrides(setStrides(tensor([4, 3]), [1, 4]))).toEqual([1, 4])
    // torch.exp(...) of torch.randn(2, 1, 3).permute(2, 1, 0) (strides (1, 3, 3)) and empty_like of it: (1, 3, 3)
    expect(preservedStrides(setStrides(tensor([3, 1, 2]), [1, 3, 3]))).toEqual([1, 3, 3])
    // torch.randn(4, 6)[:, ::2] (strides (6, 2)): (3, 1), contiguous; torch.randn(6, 4).t()[:, ::2] (strides (1, 8)): (1, 4)
    expect(preservedStrides(setStrides(tensor([4, 3]), [6, 2]))).toBeUndefined()
    expect(preservedStrides(setStrides(tensor([4, 3]), [1, 8]))).toEqual([1, 4])
    expect(preservedStrides(tensor([4, 3]))).toBeUndefined()
  })
})

describe('expandedStrides', () => {
  it('gives the strides of PyTorch 2.13\'s `x.expand(*sizes).stride()`', () => {
    // Measured: torch.zeros(3, 1).expand(2, 3, 4) (0, 1, 0); .expand(1, 3, 1) (3, 1, 1); .expand(1, 1, 3, 1)
    // (3, 3, 1, 1); .expand(3, 0) (1, 0); torch.zeros(3).expand(1, 3) (3, 1); torch.zeros(2, 3).t().expand(1, 3, 2)
    // (3, 1, 3); torch.zeros(1, 3)[:, ::2].expand(4, 2) (0, 2); torch.tensor(1.).expand(1, 3) (0, 0).
    expect(expandedStrides(tensor([3, 1]), [2, 3, 4])).toEqual([0, 1, 0])
    expect(expandedStrides(tensor([3, 1]), [1, 3, 1])).toEqual([3, 1, 1])
    expect(expandedStrides(tensor([3, 1]), [1, 1, 3, 1])).toEqual([3, 3, 1, 1])
    expect(expandedStrides(tensor([3, 1]), [3, 0])).toEqual([1, 0])
    expect(expandedStrides(tensor([3]), [1, 3])).toEqual([3, 1])
    expect(expandedStrides(setStrides(tensor([3, 2]), [1, 3]), [1, 3, 2])).toEqual([3, 1, 3])
    expect(expandedStrides(setStrides(tensor([1, 2]), [3, 2]), [4, 2])).toEqual([0, 2])
    expect(expandedStrides(tensor([]), [1, 3])).toEqual([0, 0])
  })
})
