import { describe, expect, it } from 'vitest'
import { failure, python } from '../../test/interpret.js'
import { analyze } from '../analyze.js'

// Each message and dtype below is what PyTorch 2.13 gives for the same call.

describe('tensor exponents', () => {
  it('a number, a tensor or a number base, with the dtype of torch.result_type', () => {
    python(`
x = torch.zeros(3, 4)
i = torch.arange(4)
assert (x ** 2).dtype == torch.float32 and (2 ** x).shape == (3, 4) and (x ** torch.zeros(4)).shape == (3, 4)
assert (i ** 0.5).dtype == torch.float32 and (i ** 2).dtype == torch.int64 and (2.0 ** i).dtype == torch.float32
assert torch.pow(2, x).shape == (3, 4) and torch.pow(x, 3).dtype == torch.float32 and x.pow(x).shape == (3, 4)
assert (i ** torch.zeros(4)).dtype == torch.float32 and (x ** torch.tensor(2.0, dtype=torch.float64)).dtype == torch.float32
`)
  })
})

describe('in-place arithmetic by a tensor', () => {
  it('keeps the shape and dtype of the tensor written', () => {
    python(`
x = torch.zeros(3, 4)
x *= torch.zeros(4)
x += torch.zeros(1, 4)
x.mul_(torch.zeros(3, 1))
x /= torch.zeros(4, dtype=torch.float64)
assert x.shape == (3, 4) and x.dtype == torch.float32
n = torch.zeros(3, 4, dtype=torch.int32)
n += torch.zeros(4, dtype=torch.int64)
assert n.dtype == torch.int32
`)
  })

  const errors: Array<[string, string]> = [
    ['x = torch.zeros(3, 4)\nx *= torch.zeros(2, 3, 4)', "output with shape [3, 4] doesn't match the broadcast shape [2, 3, 4]"],
    ['torch.zeros(1, 4).add_(torch.zeros(3, 4))', "output with shape [1, 4] doesn't match the broadcast shape [3, 4]"],
    ['x = torch.zeros(3, 4, dtype=torch.long)\nx *= torch.zeros(4)', "result type Float can't be cast to the desired output type Long"],
    ['x = torch.zeros(3, 4, dtype=torch.long)\nx /= 2', "result type Float can't be cast to the desired output type Long"],
    ['x = torch.zeros(3, dtype=torch.bool)\nx += 2', "result type Long can't be cast to the desired output type Bool"],
    ['torch.zeros(3).mul_(torch.zeros(3, dtype=torch.complex64))', "result type ComplexFloat can't be cast to the desired output type Float"],
    ['torch.zeros(3, dtype=torch.long).pow_(0.5)', "result type Float can't be cast to the desired output type Long"],
  ]
  for (const [code, message] of errors) {
    it(`refuses ${code.replaceAll('\n', '; ')}`, () => {
      expect(failure(() => python(code)).message).toBe(message)
    })
  }
})

describe('shape rules PyTorch checks', () => {
  const errors: Array<[string, string, string]> = [
    ['torch.zeros(3, 4).transpose(0)', 'missing-argument', 'transpose() missing 1 required positional arguments: "dim1"'],
    ['torch.transpose(torch.zeros(3, 4), 0)', 'missing-argument', 'transpose() missing 1 required positional arguments: "dim1"'],
    ['torch.zeros(3, 4).transpose()', 'missing-argument', 'transpose() missing 2 required positional argument: "dim0", "dim1"'],
    ['torch.zeros(3, 4).chunk(0)', 'argument-value', 'chunk expects `chunks` to be greater than 0, got: 0'],
    ['torch.zeros(3, 4).chunk(-1)', 'argument-value', 'chunk expects `chunks` to be greater than 0, got: -1'],
    ['torch.zeros(3, 4).mean(dim=(0, 0))', 'argument-value', 'dim 0 appears multiple times in the list of dims'],
    ['torch.zeros(3, 4).sum(dim=(0, -2))', 'argument-value', 'dim 0 appears multiple times in the list of dims'],
  ]
  for (const [code, errorCode, message] of errors) {
    it(`refuses ${code}`, () => {
      const e = failure(() => python(code))
      expect(e.code).toBe(errorCode)
      expect(e.message).toBe(message)
    })
  }

  it("an index beyond a list is Python's IndexError at its line and column, also in forward", () => {
    const top = failure(() => python('a = [1, 2]\nb = a[5]'))
    expect(top.message).toBe('list index out of range: index 5 of a list of length 2.')
    expect(top.span).toMatchObject({ start: 15, end: 19 })
    const source = 'import torch\nimport torch.nn as nn\nclass N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.l = nn.Linear(4, 4)\n    def forward(self, x):\n        s = (1,)\n        return self.l(x) * s[3]\nm = N()\n'
    const e = failure(() => analyze(source, { input: '2,4' }))
    expect(e.message).toBe('tuple index out of range: index 3 of a tuple of length 1.')
    expect(source.slice(e.span!.start, e.span!.end)).toBe('s[3]')
  })
})
