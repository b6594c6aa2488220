import { describe, expect, it } from 'vitest'
import { analyze } from '../index.js'

const prelude = 'import torch\nimport torch.nn as nn\n'

/** A model whose method `name` runs `body` on `y = self.fc(x)` (a (2, 6) float32 result for a (2, 4) input). */
function methodModel(bodies: Record<string, string>): string {
  const methods = Object.entries(bodies)
    .map(([name, body]) => `    def ${name}(self, x):\n        y = self.fc(x)\n${body.split('\n').map((line) => `        ${line}`).join('\n')}\n`)
    .join('')
  return `${prelude}class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 6)
    def forward(self, x):
        return self.fc(x)
${methods}m = A()
`
}

function savedBytes(source: string, method: string): bigint {
  return analyze(source, { input: '2,4', device: 'cpu', call: `m.${method}(x[0])` }).forward!.savedBytes
}

describe('views of tensors made from constants in forward are views of their storage', () => {
  it('keeps the constant itself, not an expanded copy, for `expand` and `broadcast_tensors`', () => {
    const source = `${prelude}class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
    def forward(self, x):
        logits = self.fc(x)
        v = torch.zeros(2, dtype=torch.long).unsqueeze(-1)
        v, lp = torch.broadcast_tensors(v, logits)
        return lp.gather(-1, v[..., :1])
    def g(self, x):
        logits = self.fc(x)
        v = torch.zeros(2, 1, dtype=torch.long).expand(2, 3)
        return logits.gather(-1, v[..., :1])
m = A()
`
    // Measured with PyTorch 2.13 (CPU, saved-tensor hooks): 40 bytes saved for both (gather keeps the 16-byte int64
    // constant the index views, and the linear layer its weight-gradient operand); an expanded copy would be 72.
    expect(analyze(source, { input: '2,4', device: 'cpu' }).forward!.savedBytes).toBe(40n)
    expect(savedBytes(source, 'g')).toBe(40n)
  })

  it('does so for the other view methods too', () => {
    const source = methodModel({
      t: 'i = torch.zeros(6, 2, dtype=torch.long).t()\nreturn y.gather(-1, i)',
      view: 'i = torch.zeros(12, dtype=torch.long).view(2, 6)[:, :3]\nreturn y.gather(-1, i)',
      transpose: 'i = torch.zeros(3, 2, dtype=torch.long).transpose(0, 1)\nreturn y.gather(-1, i)',
      split: 'a, b = torch.zeros(4, 3, dtype=torch.long).split(2)\nreturn y.gather(-1, b)',
      expand_as: 'i = torch.zeros(1, 1, dtype=torch.long).expand_as(y)\nreturn y.gather(-1, i)',
      unsqueeze: 'i = torch.zeros(2, dtype=torch.long).unsqueeze(1).expand(2, 4)\nreturn y.gather(-1, i)',
      weights: 'w = torch.ones(6).view(1, 6).expand(2, 6)\nreturn y * w',
    })
    // Measured with PyTorch 2.13 (CPU, saved-tensor hooks), (2, 4) input: bytes saved by each method.
    const measured = { t: 144n, view: 144n, transpose: 96n, split: 144n, expand_as: 56n, unsqueeze: 64n, weights: 24n }
    for (const [method, bytes] of Object.entries(measured)) expect([method, savedBytes(source, method)]).toEqual([method, bytes])
  })
})

describe('element-wise functions keep what their backward needs', () => {
  it('keeps the input or the output of each', () => {
    const source = methodModel({
      all: `y = torch.sigmoid(y) * 0.5 + 0.1
outs = [y.log1p(), torch.log2(y), y.log10(), y.expm1(), torch.exp2(y), (y - 0.3).erfinv(), torch.erfc(y), y.sinh(), y.cosh(), y.asin(), torch.acos(y), y.atan(), y.asinh(), (y + 1).acosh(), torch.atanh(y), torch.arcsin(y), y.arccos(), y.arctan(), y.arcsinh(), (y + 2).arccosh(), y.arctanh()]
return sum(o.sum() for o in outs)`,
      single: 'return y.sinh()',
      output: 'return y.expm1()',
      inplace: `y = torch.sigmoid(y) * 0.5 + 0.1
a = y * 1.0
a.log1p_()
b = y * 2.0
b.expm1_()
c = y * 0.5
c.sinh_()
return a + b + c`,
    })
    // Measured with PyTorch 2.13 (CPU, saved-tensor hooks), (2, 4) input: expm1 and exp2 keep their result, the
    // others their input (a 48-byte (2, 6) float32 tensor each); in place, log1p_ and sinh_ keep a copy of the input.
    expect(savedBytes(source, 'all')).toBe(336n)
    expect(savedBytes(source, 'single')).toBe(48n)
    expect(savedBytes(source, 'output')).toBe(48n)
    expect(savedBytes(source, 'inplace')).toBe(192n)
  })
})

describe('assignment through a boolean mask in forward (`index_put_`)', () => {
  const source = methodModel({
    fill: "out = y.clone()\nout[y > 0] = float('-inf')\nreturn out.softmax(-1)",
    constant: 'out = y.clone()\nout[torch.ones(2, 6, dtype=torch.bool)] = 0\nreturn out * 2',
    tensor: 'out = y * 1.0\nout[y > 0] = y.sum()\nreturn out',
    indices: 'out = y * 1.0\nout[:, torch.tensor([0, 2])] = 0.0\nreturn out',
    into: 'out = torch.zeros(2, 6)\nout[y > 0] = y.sum()\nreturn out * 3',
    rows: 'out = y * 1.0\nout[torch.tensor([True, False])] = torch.ones(1, 6)\nreturn out',
    grad: 'out = torch.zeros(2, 6)\nout[y > 0] = y.sum()\nreturn out.exp()',
  })

  it('keeps the mask (or the index tensors) when the target or the value requires grad', () => {
    // Measured with PyTorch 2.13 (CPU, saved-tensor hooks), (2, 4) input: the 12-byte bool mask, the 16-byte int64
    // indices, the 2-byte row mask; softmax keeps its 48-byte result, and so does exp of zeros that an assigned value
    // requiring grad made require grad.
    const measured = { fill: 60n, constant: 12n, tensor: 12n, indices: 16n, into: 12n, rows: 2n, grad: 60n }
    for (const [method, bytes] of Object.entries(measured)) expect([method, savedBytes(source, method)]).toEqual([method, bytes])
  })

  it('refuses a value whose size must match the number of true elements, and a mask of the wrong shape', () => {
    const refused = methodModel({ many: 'out = y * 1.0\nout[y > 0] = torch.zeros(4)\nreturn out', wrong: 'out = y * 1.0\nout[torch.ones(6, dtype=torch.bool)] = 0.0\nreturn out' })
    const note = (method: string): string => analyze(refused, { input: '2,4', device: 'cpu', call: `m.${method}(x[0])` }).notes.join('\n')
    expect(note('many')).toContain('Assigning a tensor of shape (4,) to `t[mask]` needs one value per true element of the mask')
    // PyTorch 2.13: IndexError: The shape of the mask [6] at index 0 does not match the shape of the indexed tensor [2, 6] at index 0
    expect(() => note('wrong')).toThrow('The shape of the mask [6] at index 0 does not match the shape of the indexed tensor [2, 6] at index 0')
  })
})

describe('x.T and x.mT of a tensor made in forward from constants', () => {
  it('are views of its storage, so the matrix products that keep them keep it once', () => {
    const r = analyze(
      `import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 5)
    def forward(self, x):
        y = self.fc(x)
        c = torch.ones(5, 5) * 2
        return c.T @ y.t() + c.mT @ y.t() + c @ y.t()
m = M()
`,
      { input: '3,5', device: 'cpu' },
    )
    // Measured with PyTorch 2.13 (CPU, input (3, 5) requiring grad, saved-tensor hooks, the input left out): the
    // three products keep `c` (100 bytes) once, through its two views and itself.
    expect(r.forward!.outputShape).toEqual([5, 3])
    expect(r.forward!.savedBytes).toBe(100n)
  })
})
