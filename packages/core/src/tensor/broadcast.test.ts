import { describe, expect, it } from 'vitest'
import { broadcastMismatchMessage, broadcastResult, broadcastShapes, expandedShape, inPlaceBroadcastError } from './broadcast.js'

// Every expected value below was measured with PyTorch 2.13 (CPU): the shape of `torch.broadcast_tensors(*map(torch.zeros,
// shapes))` (equal to `torch.broadcast_shapes(*shapes)`), the message it raises (`a + b` raises the same for two shapes),
// `torch.zeros(shape).expand(*sizes)` (equal to `broadcast_to`) and `torch.zeros(a).add_(torch.zeros(b))`.

const fits: Array<[shapes: number[][], shape: number[]]> = [
    [[[], []], []],
    [[[], [3]], [3]],
    [[[3], []], [3]],
    [[[2, 3], [3]], [2, 3]],
    [[[2, 1], [1, 3]], [2, 3]],
    [[[4, 1, 5], [3, 1]], [4, 3, 5]],
    [[[0], [1]], [0]],
    [[[1], [0]], [0]],
    [[[0], []], [0]],
    [[[0, 3], [1, 3]], [0, 3]],
    [[[2, 0, 4], [1, 4]], [2, 0, 4]],
    [[[5, 1, 0], [5, 0]], [5, 5, 0]],
    [[[0], [0]], [0]],
    [[[8, 1, 6, 1], [7, 1, 5]], [8, 7, 6, 5]],
    [[[1, 1, 1], [1]], [1, 1, 1]],
    [[[5, 4], [3, 5, 1]], [3, 5, 4]],
    [[[1], [3, 1], [1, 1, 4]], [1, 3, 4]],
    [[[2, 1, 3], [4, 1], [1]], [2, 4, 3]],
    [[[], [], []], []],
    [[[0, 1], [1, 5], [1]], [0, 5]],
    [[[0, 1], [1, 0]], [0, 0]],
    [[[5, 2]], [5, 2]],
    [[], []],
    [[[2, 3], [1], [3], [1, 1, 3]], [1, 2, 3]],
]

const refuses: Array<[shapes: number[][], message: string]> = [
    [[[3], [4]], "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0"],
    [[[2, 3], [3, 4]], "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"],
    [[[0], [2]], "The size of tensor a (0) must match the size of tensor b (2) at non-singleton dimension 0"],
    [[[2, 0], [2, 3]], "The size of tensor a (0) must match the size of tensor b (3) at non-singleton dimension 1"],
    [[[1, 2, 3], [4, 2, 2]], "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 2"],
    [[[2, 3, 4], [5, 4]], "The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1"],
    [[[2, 3, 4], [2, 1, 5]], "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 2"],
    [[[2, 0], [3]], "The size of tensor a (0) must match the size of tensor b (3) at non-singleton dimension 1"],
    [[[2, 3], [3], [4, 3]], "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0"],
    [[[2, 3], [1], [2, 4]], "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"],
    [[[3], [3], [4]], "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0"],
    [[[1], [2], [3]], "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"],
    [[[2, 1], [1, 3], [4, 1, 2]], "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 2"],
]

const fail = (message: string): never => {
  throw new Error(message)
}

describe('broadcastResult', () => {
  for (const [shapes, shape] of fits) {
    it(`broadcasts ${JSON.stringify(shapes)} to ${JSON.stringify(shape)}`, () => {
      expect(broadcastResult(shapes)).toEqual({ shape })
    })
  }

  it('reports the operand and the last dimension that do not fit, with the sizes PyTorch names a and b', () => {
    // (2, 3) and (3) broadcast to (2, 3); against (4, 3) the first dimension differs: a is 2, b is 4.
    expect(broadcastResult([[2, 3], [3], [4, 3]])).toEqual({ mismatch: { operand: 2, dimension: 0, sizeA: 2, sizeB: 4 } })
    // Both dimensions differ; PyTorch compares from the last, so it names dimension 1 (3 and 4).
    expect(broadcastResult([[2, 3], [3, 4]])).toEqual({ mismatch: { operand: 1, dimension: 1, sizeA: 3, sizeB: 4 } })
  })

  it('does not change the shapes it is given', () => {
    const a = [2, 1]
    const result = broadcastResult([a, [3]])
    expect(result.shape).toEqual([2, 3])
    expect(a).toEqual([2, 1])
    result.shape![0] = 7
    expect(a).toEqual([2, 1])
  })
})

describe('broadcastShapes', () => {
  for (const [shapes, message] of refuses) {
    it(`refuses ${JSON.stringify(shapes)} in PyTorch's words`, () => {
      expect(() => broadcastShapes(shapes, fail)).toThrow(`${message}: shapes `)
      expect(broadcastResult(shapes).shape).toBeUndefined()
    })
  }

  it('returns the broadcast shape when the shapes fit, without calling fail', () => {
    expect(broadcastShapes([[4, 1, 5], [3, 1]], fail)).toEqual([4, 3, 5])
  })
})

describe('broadcastMismatchMessage', () => {
  it('is PyTorch\'s message followed by every shape', () => {
    const shapes = [[2, 3], [3], [4, 3]]
    const { mismatch } = broadcastResult(shapes)
    expect(broadcastMismatchMessage(shapes, mismatch!)).toBe('The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0: shapes (2, 3), (3) and (4, 3) do not broadcast.')
    expect(broadcastMismatchMessage([[2, 3], [4]], broadcastResult([[2, 3], [4]]).mismatch!)).toBe('The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1: shapes (2, 3) and (4) do not broadcast.')
  })
})

const expands: Array<[shape: number[], sizes: number[], result: number[] | string]> = [
    [[3, 1], [3, 4], [3, 4]],
    [[3, 1], [2, 3, 4], [2, 3, 4]],
    [[3, 1], [-1, 4], [3, 4]],
    [[3, 1], [2, -1, 4], [2, 3, 4]],
    [[3, 1], [-1, 3, 4], "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension 0"],
    [[3, 2], [3, 4], "The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 1.  Target sizes: [3, 4].  Tensor sizes: [3, 2]"],
    [[3, 1], [4], "expand(torch.FloatTensor{[3, 1]}, size=[4]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)"],
    [[0, 1], [0, 5], [0, 5]],
    [[1], [0], [0]],
    [[0], [1], "The expanded size of the tensor (1) must match the existing size (0) at non-singleton dimension 0.  Target sizes: [1].  Tensor sizes: [0]"],
    [[], [2, 3], [2, 3]],
    [[], [], []],
    [[2], [0, 2], [0, 2]],
    [[1, 3], [2, 3, 0], "The expanded size of the tensor (0) must match the existing size (3) at non-singleton dimension 2.  Target sizes: [2, 3, 0].  Tensor sizes: [1, 3]"],
    [[3, 1], [3, 0], [3, 0]],
    [[2], [-1], [2]],
    [[2, 3], [4, -1, -1], [4, 2, 3]],
    [[1, 1], [2, 1], [2, 1]],
]

describe('expandedShape', () => {
  for (const [shape, sizes, result] of expands) {
    it(`expands ${JSON.stringify(shape)} to ${JSON.stringify(sizes)} as PyTorch does`, () => {
      const r = expandedShape(shape, sizes)
      if (typeof result !== 'string') expect(r).toEqual({ shape: result })
      // PyTorch names the tensor's type (`torch.FloatTensor{[3, 1]}`); nnsize names its shape.
      else expect(r.error).toBe(result.replace(/^expand\(torch\.FloatTensor\{(\[[^\]]*\])\}/, 'expand(tensor of shape $1'))
    })
  }

  it('refuses a negative size other than -1', () => {
    expect(expandedShape([3, 1], [3, -2]).error).toBe('Trying to create tensor with negative dimension -2: [3, -2]')
  })
})

const inPlace: Array<[output: number[], operand: number[], message: string | undefined]> = [
    [[3, 1], [3, 4], "output with shape [3, 1] doesn't match the broadcast shape [3, 4]"],
    [[3, 4], [2, 3, 4], "output with shape [3, 4] doesn't match the broadcast shape [2, 3, 4]"],
    [[3, 4], [4], undefined],
    [[0], [1], undefined],
    [[1], [0], "output with shape [1] doesn't match the broadcast shape [0]"],
    [[3], [4], "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0"],
    [[], [], undefined],
    [[2, 3], [], undefined],
    [[], [1], "output with shape [] doesn't match the broadcast shape [1]"],
    [[3], [2, 3], "output with shape [3] doesn't match the broadcast shape [2, 3]"],
]

describe('inPlaceBroadcastError', () => {
  for (const [output, operand, message] of inPlace) {
    it(`${JSON.stringify(output)} += ${JSON.stringify(operand)}`, () => {
      const error = inPlaceBroadcastError(output, [operand])
      if (message === undefined) expect(error).toBeUndefined()
      else expect(error?.startsWith(message)).toBe(true)
    })
  }
})
