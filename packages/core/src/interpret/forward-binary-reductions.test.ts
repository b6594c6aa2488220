import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'

const model = (body: string) => `import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 5)
        self.register_buffer('levels', torch.tensor([8, 5, 5, 5, 4], dtype=torch.int32))
    def forward(self, x):
        y = self.fc(x)
        ${body}
m = M()
`

describe('`%` (torch.remainder) in forward', () => {
  // Measured with PyTorch 2.13 (CPU, input (3, 5) requiring grad, saved-tensor hooks, the input left out; the
  // linear layer keeps only its input).
  it('keeps nothing for a number divisor or an integer buffer (FSQ), and both operands for a divisor requiring grad', () => {
    const number = analyze(model('return y % 2'), { input: '3,5', device: 'cpu' }).forward!
    expect(number.outputShape).toEqual([3, 5])
    expect(number.savedBytes).toBe(0n)
    const buffer = analyze(model('return torch.where(self.levels % 2 == 0, y, -y)'), { input: '3,5', device: 'cpu' }).forward!
    expect(buffer.outputShape).toEqual([3, 5])
    // `torch.where` keeps its condition (5 bools)
    expect(buffer.savedBytes).toBe(5n)
    const tensors = analyze(model('return y % (y + 3)'), { input: '3,5', device: 'cpu' }).forward!
    // `y` (60 bytes) and `y + 3` (60 bytes)
    expect(tensors.savedBytes).toBe(120n)
  })
})

describe('maximum, minimum and prod in forward', () => {
  // Measured with PyTorch 2.13 (CPU, input (3, 5) requiring grad, saved-tensor hooks, the input left out).
  it('maximum and minimum keep both operands; prod keeps its input and result', () => {
    const saved = (body: string): bigint => analyze(model(body), { input: '3,5', device: 'cpu' }).forward!.savedBytes
    expect(saved('return torch.maximum(y, y * 2)')).toBe(120n)
    expect(saved('return torch.minimum(y, torch.zeros(1, 5))')).toBe(80n)
    expect(saved('return y.maximum(torch.zeros(5))')).toBe(80n)
    expect(saved('return torch.prod(y, -1)')).toBe(72n)
    expect(saved('return y.prod()')).toBe(64n)
    expect(analyze(model('return y.prod(1, keepdim=True) + torch.prod(self.levels)'), { input: '3,5', device: 'cpu' }).forward!.outputShape).toEqual([3, 1])
  })
})
