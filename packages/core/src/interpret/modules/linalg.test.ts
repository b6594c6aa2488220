import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'
import { python } from '../../../test/interpret.js'

const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

/** A model whose forward returns `expression` of `x`, the output of a linear layer of 5 features. */
function model(expression: string): string {
  return `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(5, 5)\n\n    def forward(self, x):\n        x = self.fc(x)\n        return ${expression}\nmodel = Net()\n`
}

describe('torch.linalg norms', () => {
  it('vector_norm, norm and matrix_norm with ord=fro are one vector norm that keeps its input and result (PyTorch 2.13)', () => {
    // Measured with PyTorch 2.13 (CPU) on x of (6, 5): the output shape and the bytes saved (fc's input aside).
    const cases: Array<[string, number[], number]> = [
      ['torch.linalg.vector_norm(x, ord=1, dim=-1)', [6], 144],
      ['torch.linalg.vector_norm(x, dim=(0, 1), keepdim=True, dtype=torch.float64)', [1, 1], 128],
      ['torch.linalg.norm(x)', [], 124],
      ['torch.linalg.norm(x, ord=2, dim=0)', [5], 140],
      ['torch.linalg.norm(x.view(2, 3, 5), dim=(0, 2))', [3], 132],
      ['torch.linalg.matrix_norm(x.view(2, 3, 5), keepdim=True)', [2, 1, 1], 128],
      ['torch.linalg.norm(x, ord="fro")', [], 124],
    ]
    for (const [expression, shape, saved] of cases) {
      const f = analyze(model(expression), { input: '6,5', device: 'cpu' }).forward!
      expect([expression, f.outputShape, f.savedBytes, f.flopCounter.byOp]).toEqual([expression, shape, BigInt(saved), { 'aten.addmm': 300n }])
    }
  })

  it('a norm of a parameter in forward keeps its result only', () => {
    const f = analyze(model('x * torch.linalg.vector_norm(self.fc.weight, dim=1)'), { input: '3,5', device: 'cpu' }).forward!
    // PyTorch 2.13: the norm (5,) (20 bytes), the product's two operands (x, 60 bytes; the norm again): 80 bytes.
    expect([f.outputShape, f.savedBytes]).toEqual([[3, 5], 80n])
  })

  it('vecdot is a product and a sum; cross, matmul and diagonal take linalg\'s defaults', () => {
    // Measured with PyTorch 2.13 (CPU) on x of (6, 5): output shape, bytes saved (fc's input aside; both operands of
    // `cross` are views of x, one storage), FLOPs.
    const cases: Array<[string, number[], number, number]> = [
      ['torch.linalg.vecdot(x, x.detach())', [6], 120, 300],
      ['torch.linalg.vecdot(x.view(6, 1, 5), x, dim=-1)', [6, 6], 120, 300],
      ['torch.linalg.cross(x[:, :3].view(2, 3, 3), x[:, 2:].reshape(2, 3, 3))', [2, 3, 3], 120, 300],
      ['torch.linalg.matmul(x.view(2, 3, 5), x[:3].t())', [2, 3, 3], 120, 480],
      ['torch.linalg.diagonal(x.view(2, 3, 5), offset=1).exp()', [2, 3], 24, 300],
    ]
    for (const [expression, shape, saved, flops] of cases) {
      const f = analyze(model(expression), { input: '6,5', device: 'cpu' }).forward!
      expect([expression, f.outputShape, f.savedBytes, f.flopCounter.total]).toEqual([expression, shape, BigInt(saved), BigInt(flops)])
    }
  })
})

describe('what torch.linalg does not model', () => {
  it('the other functions are refused by name, in forward and while the model is built', () => {
    const a = analyze(model('torch.linalg.inv(x.view(6, 5)[:5])'), { input: '6,5', device: 'cpu' })
    expect(a.forward).toBeUndefined()
    expect(a.notes?.join('\n')).toContain('`torch.linalg.inv` is not supported yet.')
    for (const name of ['svd', 'qr', 'eigh', 'solve', 'det', 'pinv', 'matrix_exp', 'lstsq']) {
      expect(() => python(`import torch\ntorch.linalg.${name}(torch.zeros(3, 3))`)).toThrow(`\`torch.linalg.${name}\` is not supported yet.`)
    }
  })

  it('the nuclear, spectral and max-sum matrix norms are refused; an unknown order is PyTorch\'s error', () => {
    expect(() => python("import torch\ntorch.linalg.matrix_norm(torch.zeros(3, 4), 'nuc')")).toThrow("`torch.linalg.matrix_norm` with `ord='nuc'` is not supported yet")
    expect(() => python('import torch\ntorch.linalg.norm(torch.zeros(3, 4), 2)')).toThrow('`torch.linalg.matrix_norm` with `ord=2` is not supported yet')
    expect(() => python("import torch\ntorch.linalg.norm(torch.zeros(3, 4), float('inf'), dim=(0, 1))")).toThrow('`torch.linalg.matrix_norm` with `ord=inf` is not supported yet')
    // PyTorch 2.13: RuntimeError "linalg.matrix_norm: Order 3 not supported."
    python('import torch\ntry:\n    torch.linalg.matrix_norm(torch.zeros(3, 4), 3)\n    assert False\nexcept RuntimeError as e:\n    assert str(e) == "linalg.matrix_norm: Order 3 not supported.", str(e)')
  })

  it('out= is refused', () => {
    expect(() => python('import torch\ntorch.linalg.vector_norm(torch.zeros(3), out=torch.zeros(()))')).toThrow('`torch.linalg.vector_norm` with `out=` is not supported yet.')
  })
})
