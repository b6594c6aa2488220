import { describe, expect, it } from 'vitest'
import { failure, python } from '../../test/interpret.js'
import { analyze } from '../analyze.js'

const prelude = 'import torch\nimport torch.nn as nn\n'

function model(forward: string): string {
  return `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = nn.Parameter(torch.zeros(4, 5))\n\n    def forward(self, x):\n        return ${forward}\n`
}

describe('torch.einsum on shapes (checked with PyTorch 2.13)', () => {
  it('the common forms: batched products, attention scores with spaces, ellipsis broadcasting, implicit output', () => {
    python(`
a = torch.zeros(2, 3, 4)
assert torch.einsum('bij,bjk->bik', a, torch.zeros(2, 4, 5)).shape == (2, 3, 5)
assert torch.einsum('bhqd,bhkd->bhqk', torch.zeros(2, 3, 4, 5), torch.zeros(2, 3, 6, 5)).shape == (2, 3, 4, 6)
assert torch.einsum('b h i d, b h j d -> b h i j', torch.zeros(2, 3, 4, 5), torch.zeros(2, 3, 6, 5)).shape == (2, 3, 4, 6)
assert torch.einsum('...ij,...jk', a, torch.zeros(1, 4, 5)).shape == (2, 3, 5)
assert torch.einsum('ba,cb', torch.zeros(3, 2), torch.zeros(4, 3)).shape == (2, 4)
assert torch.einsum('i...->...', a).shape == (3, 4) and torch.einsum('...i', a).shape == (2, 3, 4)
assert torch.einsum('ii->i', torch.zeros(4, 4)).shape == (4,) and torch.einsum('ii', torch.zeros(4, 4)).shape == ()
assert torch.einsum('ij,jk', [torch.zeros(2, 3), torch.zeros(3, 4)]).shape == (2, 4)
assert torch.einsum('ij,jk->ik', torch.zeros(2, 3, dtype=torch.long), torch.zeros(3, 4, dtype=torch.long)).dtype == torch.int64
assert torch.einsum('ij,ij->ij', torch.zeros(2, 3), torch.zeros(2, 3, dtype=torch.float64)).dtype == torch.float64
`)
  })

  const errors: Array<[string, string]> = [
    ["torch.einsum('bij,bkj->bik', torch.zeros(2, 3, 4), torch.zeros(2, 5, 3))", 'einsum(): subscript j has size 3 for operand 1 which does not broadcast with previously seen size 4'],
    ["torch.einsum('ij,jk', torch.zeros(2, 3))", 'einsum(): fewer operands were provided than specified in the equation'],
    ["torch.einsum('ij', torch.zeros(2, 3), torch.zeros(3, 3))", 'einsum(): more operands were provided than specified in the equation'],
    ["torch.einsum('ijk', torch.zeros(2, 3))", 'einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for operand 0 and no ellipsis was given'],
    ["torch.einsum('ij->ii', torch.zeros(2, 3))", 'einsum(): output subscript i appears more than once in the output'],
    ["torch.einsum('ij->k', torch.zeros(2, 3))", 'einsum(): output subscript k does not appear in the equation for any input operand'],
    ["torch.einsum('ii->i', torch.zeros(2, 3))", "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2"],
    ["torch.einsum('i1', torch.zeros(2, 3))", 'einsum(): invalid subscript given at index 1 in the equation string, subscripts must be in [a-zA-Z]'],
    ["torch.einsum('..ij', torch.zeros(2, 3))", "einsum(): found '.' for operand 0 that is not part of any ellipsis"],
    ["torch.einsum('ij,jk', torch.zeros(2, 3), torch.zeros(3, 4, dtype=torch.float64))", 'expected scalar type Float but found Double'],
  ]
  for (const [code, message] of errors) {
    it(`refuses ${code} as PyTorch does`, () => {
      const e = failure(() => python(code))
      expect(e.code).toBe('shape')
      expect(e.message).toBe(message)
    })
  }

  it('the sublist format is refused as not supported yet', () => {
    expect(failure(() => python('torch.einsum(torch.zeros(2, 3), [0, 1])')).code).toBe('unsupported')
  })
})

describe('torch.einsum in forward', () => {
  it('counts the multiply-accumulates of the bmm it reduces to: batch × i × j × k', () => {
    const f = analyze(model("torch.einsum('bij,jk->bik', x, self.w)"), { input: '2,3,4', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([2, 3, 5])
    expect(f.macs).toBe(2n * 3n * 4n * 5n)
  })

  it('contracts three operands left to right, as ATen does without opt_einsum: 2·3·4 + 2·4·5 MACs', () => {
    const f = analyze(model("torch.einsum('ij,jk,kl->il', x, torch.ones(3, 4), self.w)"), { input: '2,3', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([2, 5])
    expect(f.macs).toBe(2n * 3n * 4n + 2n * 4n * 5n)
  })

  it('a product without a sum is a `mul` that keeps both operands (no MACs)', () => {
    const f = analyze(model("torch.einsum('bi,bj->bij', x, x)"), { input: '2,4', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([2, 4, 4])
    expect(f.macs).toBe(0n)
    // Both operands are views of the input (32 bytes), which is saved; nothing else.
    expect(f.savedBytes).toBe(0n)
    expect(f.savedBytesWithInput).toBe(32n)
  })
})

describe('the layout of an einsum result, as PyTorch 2.13 lays it out', () => {
  // `.view(-1)` works on a contiguous result only; contiguity measured with `Tensor.is_contiguous()`.
  const cases: Array<[string, string, boolean]> = [
    ['bij,bjk->bik', 'torch.ones(2, 3, 4) * S, torch.ones(2, 4, 5) * S', true],
    ['bhqk,bhkd->bqhd', 'torch.ones(2, 3, 4, 6) * S, torch.ones(2, 3, 6, 5) * S', false],
    // the right operand's dimensions first: `bmm(right, left)`, a contiguous result
    ['bij,bjk->bki', 'torch.ones(2, 3, 4) * S, torch.ones(2, 4, 5) * S', true],
    ['ij,jk->ki', 'torch.ones(3, 4) * S, torch.ones(4, 5) * S', true],
    // a product without a sum is laid out as its operands are (TensorIterator)
    ['bi,bj->bij', 'torch.ones(2, 3) * S, torch.ones(2, 4) * S', true],
    ['bi,bj->jib', 'torch.ones(2, 3) * S, torch.ones(2, 4) * S', false],
    ['ij->ji', 'torch.ones(3, 4) * S', false],
  ]
  for (const [equation, operands, contiguous] of cases) {
    it(`${equation}: ${contiguous ? 'contiguous' : 'not contiguous'}`, () => {
      const run = () => analyze(model(`torch.einsum('${equation}', ${operands.replaceAll('S', 'x.sum()')}).view(-1)`), { input: '2,4', device: 'cpu' })
      if (contiguous) expect(run().forward).toBeDefined()
      else expect(run).toThrow('view size is not compatible')
    })
  }
})
