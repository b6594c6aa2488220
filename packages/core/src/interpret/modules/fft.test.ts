import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'

const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

describe('torch.fft: the complex transforms', () => {
  it('fft2 of a real input is complex64 of its shape, keeps nothing and has no FLOPs; view_as_real adds a dimension of 2', () => {
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 8)\n\n    def forward(self, x):\n        f = torch.view_as_real(torch.fft.fft2(x))\n        return self.fc(f.flatten(-2))\n`
    const f = analyze(source, { input: '2,3,4,4', device: 'cpu' }).forward!
    // PyTorch 2.13 (CPU): (2, 3, 4, 8); the layer keeps its (24, 8) float32 input, 768 bytes; addmm 3,072 FLOPs.
    expect([f.outputShape, f.savedBytes, f.flopCounter.byOp]).toEqual([[2, 3, 4, 8], 768n, { 'aten.addmm': 3072n }])
  })

  it('fftn with signal sizes transforms the last dimensions to those sizes', () => {
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        return torch.fft.fftn(self.fc(x), s=(6, 5))\n`
    const f = analyze(source, { input: '2,3,4', device: 'cpu' }).forward!
    // PyTorch 2.13: (2, 6, 5), nothing saved.
    expect([f.outputShape, f.savedBytes]).toEqual([[2, 6, 5], 0n])
  })

  it('while the model is built: float64 gives complex128, n and dim pick the size and the dimension', () => {
    const source = `${prelude}from torch.fft import fft, ifft2\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.register_buffer('a', torch.view_as_real(fft(torch.zeros(3, 5, dtype=torch.float64), n=8, dim=0)))\n        self.register_buffer('b', torch.view_as_real(ifft2(torch.zeros(2, 3, 4))))\nmodel = Net()\n`
    const a = analyze(source)
    // PyTorch 2.13: (8, 5, 2) float64 and (2, 3, 4, 2) float32.
    expect(a.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual([['a', [8, 5, 2], 'float64'], ['b', [2, 3, 4, 2], 'float32']])
  })
})
