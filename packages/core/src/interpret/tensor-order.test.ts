import { describe, expect, it } from 'vitest'
import { analysisToJSON, analyze } from '../index.js'
import { python, pythonError } from '../../test/interpret.js'

const prelude = 'import torch\nimport torch.nn as nn\n'

/** A model whose forward runs `body` (lines indented by 8) on `y = self.fc(x)`, `nn.Linear(4, 6)`. */
function model(body: string): string {
  return `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 6)\n\n    def forward(self, x):\n        y = self.fc(x)\n${body}\n`
}

describe('topk', () => {
  it('gives torch.return_types.topk: the values and int64 indices, with k along dim', () => {
    // PyTorch 2.13: shapes (2, 3) of (2, 5) with k=3, (2, 5) along dim 0 with k=2, a 0-d tensor stays 0-d.
    python(`
x = torch.zeros(2, 5, requires_grad=True)
r = x.topk(3)
assert r._fields == ('values', 'indices') and r.values.shape == (2, 3) and r.indices.shape == (2, 3)
assert r.values.dtype == torch.float32 and r.indices.dtype == torch.int64 and r.values.requires_grad and not r.indices.requires_grad
values, indices = torch.topk(x, k=2, dim=0, largest=False, sorted=False)
assert values.shape == (2, 5) and indices.shape == (2, 5) and r[0].shape == (2, 3) and r[1].dtype == torch.int64
assert x.topk(0).values.shape == (2, 0) and torch.tensor(3.0).topk(1).values.shape == ()
assert torch.arange(6).topk(2).values.dtype == torch.int64 and torch.zeros(4, dtype=torch.float16).topk(2, -1, True, True).values.dtype == torch.float16
`)
  })

  it('refuses what PyTorch refuses: k beyond the size, a dim out of range, bool and complex tensors, a k that is no int', () => {
    expect(pythonError('torch.zeros(2, 5).topk(6)').message).toBe('selected index k out of range: `k` is 6, but dimension 1 has size 5.')
    expect(pythonError('torch.zeros(2, 5).topk(-1)').message).toContain('selected index k out of range')
    expect(pythonError('torch.tensor(1.0).topk(2)').message).toContain('selected index k out of range')
    expect(pythonError('torch.zeros(2, 5).topk(2, dim=-3)').message).toBe('Dimension out of range (expected to be in range of [-2, 1], but got -3).')
    expect(pythonError('torch.zeros(2, dtype=torch.bool).topk(1)').message).toBe('topk does not support bool dtypes on CPU')
    expect(pythonError('torch.zeros(2, dtype=torch.cfloat).topk(1)').message).toBe('topk does not support complex dtypes on CPU')
    expect(pythonError('torch.zeros(2).topk(1.0)').message).toBe("topk(): argument 'k' (position 1) must be int, not float")
    expect(pythonError('torch.zeros(2).topk(True)').message).toBe("topk(): argument 'k' (position 1) must be int, not bool")
    expect(pythonError('torch.zeros(2).topk()').message).toBe('topk() missing 1 required positional arguments: "k"')
    expect(pythonError('torch.zeros(2).topk(1, dim=None)').message).toBe("topk(): argument 'dim' must be int, not NoneType")
    // The caret is under the call: `x.topk(9, dim=1)`, characters 26 to 42.
    const e = pythonError('x = torch.zeros(2, 5)\ny = x.topk(9, dim=1)')
    expect([e.code, e.span?.start, e.span?.end]).toEqual(['argument-value', 26, 42])
  })

  it('is an error Python code can catch as a RuntimeError', () => {
    python(`
try:
    torch.zeros(3).topk(4)
    raise AssertionError('no error')
except RuntimeError as e:
    assert 'selected index k out of range' in str(e)
`)
  })
})

describe('sort, argsort and msort', () => {
  it('sort gives torch.return_types.sort of the input shape; argsort the int64 indices; msort the values along dim 0', () => {
    python(`
x = torch.zeros(4, 6)
s = torch.sort(x, dim=0, descending=True)
assert s._fields == ('values', 'indices') and s.values.shape == (4, 6) and s.indices.dtype == torch.int64
values, indices = x.sort(stable=True)
assert values.dtype == torch.float32 and indices.shape == (4, 6) and x.sort(-1, False)[1].dtype == torch.int64
a = torch.randn(2, 7).argsort(dim=-1)
assert a.shape == (2, 7) and a.dtype == torch.int64 and torch.argsort(x, dim=0, descending=True, stable=True).shape == (4, 6)
assert torch.msort(x).shape == (4, 6) and torch.msort(x).dtype == torch.float32
assert torch.zeros(3, dtype=torch.bool).sort().values.dtype == torch.bool and torch.tensor(1.0).sort().values.shape == ()
`)
  })

  it('refuses a dim out of range, complex tensors, too many positional arguments and positional ones with `stable`', () => {
    expect(pythonError('torch.tensor(1.0).sort(dim=1)').message).toBe('Dimension out of range (expected to be in range of [-1, 0], but got 1).')
    expect(pythonError('torch.zeros(3, dtype=torch.cfloat).argsort()').message).toBe('Sort does not support complex dtypes on CPU')
    expect(pythonError('torch.zeros(3).sort(0, True, True)').code).toBe('too-many-arguments')
    expect(pythonError('torch.argsort(torch.zeros(3), 0, True, True)').code).toBe('too-many-arguments')
    // PyTorch 2.13: `stable` is keyword-only, and with it `dim` and `descending` are too (`x.argsort(0, True, stable=True)` fails).
    expect(pythonError('torch.zeros(3).argsort(0, True, stable=True)').code).toBe('argument-type')
  })
})

describe('topk and sort in a traced forward', () => {
  it('keep their int64 indices for backward (argsort and msort too), with PyTorch 2.13’s figures', () => {
    const body = [
      '        v, i = y.topk(3, dim=-1)',
      '        s = torch.sort(y, dim=1, descending=True)',
      '        a = y.argsort(dim=-1)',
      '        m = torch.msort(y)',
      '        t = torch.topk(y, 2, 1, largest=False, sorted=False)',
      '        return v * 2, i, s.values, s.indices, a, m, t.values, t[1]',
    ].join('\n')
    const json = analysisToJSON(analyze(model(body), { input: '2,3,4', device: 'cpu' }))
    // Measured with saved_tensors_hooks, PyTorch 2.13 (CPU), x of (2, 3, 4): the input (96 bytes) and the int64
    // indices of each op, (2, 3, 3), four of (2, 3, 6) or (2, 2, 6): 144 + 288 + 288 + 288 + 192 = 1,200 bytes.
    expect(json.outputShapes).toEqual([[2, 3, 3], [2, 3, 3], [2, 3, 6], [2, 3, 6], [2, 3, 6], [2, 3, 6], [2, 2, 6], [2, 2, 6]])
    expect(json.activations).toMatchObject({ savedBytes: 1200, savedBytesWithInput: 1296 })
  })

  it('keep nothing without grad: under no_grad, of a detached tensor or of random scores', () => {
    const noGrad = ['        with torch.no_grad():', '            k = y.topk(2).indices', '        r = torch.randn(2, 3).argsort(dim=-1)', '        return y.sum(-1) + k.sum(-1) + r'].join('\n')
    // Measured as above: only the input is saved (by the linear layer), 96 bytes; the output is (2, 3).
    const a = analysisToJSON(analyze(model(noGrad), { input: '2,3,4', device: 'cpu' }))
    expect(a.outputShape).toEqual([2, 3])
    expect(a.activations).toMatchObject({ savedBytes: 0, savedBytesWithInput: 96 })
    const detached = ['        k = y.detach().topk(2).indices', '        return y.sort(stable=True).values[..., :2] + y.topk(2).values, k'].join('\n')
    // Measured as above: the sort's (2, 3, 6) and the topk's (2, 3, 2) indices, 288 + 96 bytes.
    const b = analysisToJSON(analyze(model(detached), { input: '2,3,4', device: 'cpu' }))
    expect(b.outputShapes).toEqual([[2, 3, 2], [2, 3, 2]])
    expect(b.activations).toMatchObject({ savedBytes: 384, savedBytesWithInput: 480 })
  })
})
