import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { failure, python, pythonError } from '../../test/interpret.js'

// Every shape and message below was measured with PyTorch 2.13 (CPU), running the same Python.

describe('broadcasting while a model is built, as PyTorch 2.13 broadcasts', () => {
  it('operators, torch.where, torch.polar and masked_fill broadcast every operand, 0-size dimensions included', () => {
    python(`
assert (torch.zeros(5, 1, 0) + torch.zeros(5, 0)).shape == (5, 5, 0) and (torch.zeros(0) * torch.zeros(())).shape == (0,)
assert torch.where(torch.zeros(0, 1) > 0, torch.zeros(3), 1.0).shape == (0, 3) and torch.polar(torch.zeros(2, 1), torch.zeros(3)).shape == (2, 3)
assert torch.zeros(3, 1).masked_fill(torch.zeros(4) > 0, 1.0).shape == (3, 4) and torch.zeros(2, 3).masked_fill(torch.zeros(()) > 0, 1.0).shape == (2, 3)
`)
  })

  it('torch.broadcast_shapes, torch.broadcast_tensors and Tensor.broadcast_to', () => {
    python(`
assert torch.broadcast_shapes((2,), (3, 1), (1, 1, 1)) == (1, 3, 2) and torch.broadcast_shapes(3, (2, 1)) == (2, 3)
assert torch.broadcast_shapes([0, 1], (5,)) == (0, 5) and torch.broadcast_shapes() == ()
assert [t.shape for t in torch.broadcast_tensors(torch.zeros(3, 1), torch.zeros(4), torch.zeros(2, 1, 1))] == [(2, 3, 4)] * 3
assert torch.zeros(3, 1).broadcast_to((2, 3, 4)).shape == (2, 3, 4) and torch.broadcast_to(torch.zeros(3, 1), (-1, 5)).shape == (3, 5)
assert torch.zeros(1, 3).expand_as(torch.zeros(0, 3)).shape == (0, 3) and torch.zeros(3, 1).expand_as(other=torch.zeros(3, 2)).shape == (3, 2)
`)
  })

  it('names the last dimension that differs, as PyTorch compares from the right', () => {
    const cases: Array<[string, string]> = [
      ['torch.zeros(2, 3) + torch.zeros(3, 4)', 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1'],
      ['torch.zeros(2, 3, 4) + torch.zeros(5, 4)', 'The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1'],
      ['torch.zeros(2, 0) - torch.zeros(3)', 'The size of tensor a (0) must match the size of tensor b (3) at non-singleton dimension 1'],
      ['torch.zeros(2, 3) < torch.zeros(4, 1, 2)', 'The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 2'],
      // The condition and `x` broadcast to (2, 3) first; `y` then differs in the last dimension.
      ['torch.where(torch.zeros(2, 1) > 0, torch.zeros(3), torch.zeros(4, 2, 2))', 'The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 2'],
      ['torch.zeros(2, 7, 3, 4) @ torch.zeros(5, 4, 6)', 'The size of tensor a (7) must match the size of tensor b (5) at non-singleton dimension 1'],
      // Out of place, masked_fill broadcasts the mask (tensor a) with the tensor.
      ['torch.zeros(2, 3).masked_fill(torch.zeros(4) > 0, 1.0)', 'The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1'],
      ['torch.broadcast_tensors(torch.zeros(2, 3), torch.zeros(3), torch.zeros(4, 3))', 'The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0'],
    ]
    for (const [code, message] of cases) {
      const e = pythonError(code)
      expect(e.code).toBe('shape')
      expect(e.message).toContain(`${message}: shapes `)
    }
  })

  it('torch.broadcast_shapes refuses what does not fit, and negative sizes with a ValueError', () => {
    // PyTorch words this one differently (`Attempting to broadcast a dimension of length 4 at -1! …`); nnsize uses
    // the message of every other broadcast.
    expect(pythonError('torch.broadcast_shapes((2, 3), (4,))').message).toContain('The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1')
    python(`
try:
    torch.broadcast_shapes((-1,), (3,))
    assert False
except ValueError as e:
    assert str(e) == 'Attempting to broadcast a dimension with negative length!'
`)
  })

  it('writes in place only what keeps the tensor\'s shape: +=, copy_ and masked_fill_', () => {
    const cases: Array<[string, string]> = [
      ['x = torch.zeros(1)\nx += torch.zeros(0)', "output with shape [1] doesn't match the broadcast shape [0]"],
      ['torch.zeros(3).copy_(torch.zeros(2, 3))', "output with shape [3] doesn't match the broadcast shape [2, 3]"],
      ['torch.zeros(1, 3).copy_(torch.zeros(0, 3))', "output with shape [1, 3] doesn't match the broadcast shape [0, 3]"],
      ['torch.zeros(3).masked_fill_(torch.zeros(2, 3) > 0, 1.0)', "output with shape [3] doesn't match the broadcast shape [2, 3]"],
      ['torch.zeros(2, 3).masked_fill_(torch.zeros(4) > 0, 1.0)', 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1'],
      ['x = torch.zeros(3)\nx += torch.zeros(4)', 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0'],
    ]
    for (const [code, message] of cases) {
      const e = pythonError(code)
      expect(e.code).toBe('shape')
      expect(e.message).toContain(message)
    }
    python('x = torch.zeros(0, 3)\nx.copy_(torch.zeros(1, 3))\nx += torch.zeros(1)\nassert x.shape == (0, 3)')
  })

  it('expand, expand_as and broadcast_to refuse in PyTorch\'s words', () => {
    const cases: Array<[string, string]> = [
      ['torch.zeros(3, 2).expand(3, 4)', 'The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 1.  Target sizes: [3, 4].  Tensor sizes: [3, 2]'],
      ['torch.zeros(3, 2).expand_as(torch.zeros(2, 3, 4))', 'The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 2.  Target sizes: [2, 3, 4].  Tensor sizes: [3, 2]'],
      ['torch.zeros(0).broadcast_to((1,))', 'The expanded size of the tensor (1) must match the existing size (0) at non-singleton dimension 0.  Target sizes: [1].  Tensor sizes: [0]'],
      ['torch.zeros(3, 1).expand(-1, 3, 4)', "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension 0"],
      ['torch.zeros(3, 1).expand(4)', 'the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)'],
    ]
    for (const [code, message] of cases) {
      const e = pythonError(code)
      expect(e.code).toBe('shape')
      expect(e.message).toContain(message)
    }
  })

  it('t[index] = value drops the value\'s leading 1s and expands it to the selection', () => {
    python(`
x = torch.zeros(2, 3)
x[0] = torch.zeros(1, 1, 3)
x[:, 1] = torch.zeros(2)
x[1:] = torch.zeros(3)
x[..., 0] = torch.tensor(1.0)
x[0:0] = torch.zeros(1, 3)
`)
    const cases: Array<[string, string]> = [
      ['x = torch.zeros(2, 3)\nx[:] = torch.zeros(3, 3)', 'The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.  Target sizes: [2, 3].  Tensor sizes: [3, 3]'],
      ['x = torch.zeros(2, 3)\nx[0] = torch.zeros(2, 1, 3)', 'the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (3)'],
      ['x = torch.zeros(2, 3)\nx[0] = torch.zeros(0)', 'The expanded size of the tensor (3) must match the existing size (0) at non-singleton dimension 0.  Target sizes: [3].  Tensor sizes: [0]'],
    ]
    for (const [code, message] of cases) expect(pythonError(code).message).toContain(message)
  })

  it('index tensors broadcast together, or raise PyTorch\'s IndexError naming their shapes', () => {
    python(`
x = torch.zeros(5, 5, 5)
assert x[torch.zeros(2, 1, dtype=torch.long), torch.zeros(3, dtype=torch.long)].shape == (2, 3, 5)
assert x[:, torch.zeros(2, 1, dtype=torch.long), torch.zeros(3, dtype=torch.long)].shape == (5, 2, 3)
try:
    x[[0, 1], [0, 1, 2]]
    assert False
except IndexError as e:
    assert str(e) == 'shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]'
`)
    const e = pythonError('torch.zeros(5, 5, 5)[torch.zeros(2, 1, dtype=torch.long), torch.zeros(3, dtype=torch.long), torch.zeros(4, dtype=torch.long)]')
    expect(e.message).toContain('shape mismatch: indexing tensors could not be broadcast together with shapes [2, 1], [3], [4]')
  })

  it('points at the expression that fails', () => {
    const source = 'import torch\nimport torch.nn as nn\na = torch.zeros(2, 3)\nb = a * torch.zeros(4)\nnn.Identity()'
    const e = failure(() => analyze(source))
    expect(source.slice(e.span!.start, e.span!.end)).toBe('a * torch.zeros(4)')
  })
})

describe('broadcasting in a traced forward pass', () => {
  it('broadcast_tensors and broadcast_to run, to the shape PyTorch gives', () => {
    const source = `import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        y = self.fc(x)
        a, b = torch.broadcast_tensors(y, torch.zeros(3, 1, 4))
        return a + b + y.broadcast_to((3, 2, 4))
`
    const f = analyze(source, { input: '2,4', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([3, 2, 4])
  })
})
