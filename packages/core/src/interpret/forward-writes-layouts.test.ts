import { describe, expect, it } from 'vitest'
import { analyze } from '../index.js'

// Dropout's layout, writes into plain tensors, tensors as slice bounds and the `F.upsample` aliases, in model files
// such as Time-Series-Library's Transformer, pytorch-llama's KV cache, WaveGlow and U-2-Net. Every figure was measured
// with PyTorch 2.13 (CPU kernels, training mode, saved-tensor hooks; parameters, buffers and inputs excluded).
const source = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Drop(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(7, 32, 3, padding=1, bias=False)
        self.drop = nn.Dropout(0.1)
        self.q = nn.Linear(32, 32)
        self.k = nn.Linear(32, 32)

    def forward(self, x):
        h = self.drop(self.conv(x.permute(0, 2, 1)).transpose(1, 2))
        return self.q(h) + self.k(h)


class Cache(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        self.a = nn.Linear(16, 16)
        self.b = nn.Linear(16, 16)
        self.plain = torch.zeros(2, 6, 16)
        self.register_buffer('buf', torch.zeros(2, 6, 16), persistent=False)

    def forward(self, x):
        if self.kind == 'plain':
            cache = self.plain
        elif self.kind == 'buffer':
            cache = self.buf
        else:
            cache = torch.zeros(2, 6, 16)
        cache[:, 1:5] = self.a(x)
        keys = cache[:, :5]
        return keys * self.b(x).sum(1, keepdim=True)


class Gate(nn.Module):
    def __init__(self, c=16):
        super().__init__()
        self.conv = nn.Conv1d(4, 2 * c, 3, padding=1)
        self.n = torch.IntTensor([c])

    def forward(self, x):
        k = self.n[0]
        h = self.conv(x)
        return torch.tanh(h[:, :k]) * torch.sigmoid(h[:, k:])


class Up(nn.Module):
    def __init__(self, how):
        super().__init__()
        self.how = how
        self.conv = nn.Conv2d(3, 8, 3, padding=1)

    def forward(self, x):
        h = self.conv(x)
        if self.how == 0:
            return F.upsample(h, size=(12, 10), mode='bilinear')
        if self.how == 1:
            return F.upsample_nearest(h, scale_factor=2)
        return F.upsample_bilinear(h, size=(9, 7))
`

function traced(entry: string, input: string): { outputShape: readonly number[] | undefined; savedBytes: bigint } {
  const forward = analyze({ files: { 'm.py': source }, main: 'm.py', entry }, { input, device: 'cpu' }).forward!
  return { outputShape: forward.outputShape, savedBytes: forward.savedBytes }
}

describe('model files: layouts, writes and aliases in forward', () => {
  it('keeps the layout of a transposed input through dropout, so each linear layer copies and saves its input', () => {
    // dropout's noise is `empty_like(x)`: the result stays transposed; a contiguous result would save 8,192 bytes less
    expect(traced('Drop()', '2,32,7')).toEqual({ outputShape: [2, 32, 32], savedBytes: 24_576n })
  })

  it('makes a tensor written with a value that requires grad require grad itself, whatever its index', () => {
    // `cache[:, 1:5] = self.a(x)`: the product then keeps its other operand too (896 bytes; 384 if the cache were
    // constant); a registered buffer is state, so only the operand is counted
    expect(traced("Cache('plain')", '2,4,16')).toEqual({ outputShape: [2, 5, 16], savedBytes: 896n })
    expect(traced("Cache('local')", '2,4,16')).toEqual({ outputShape: [2, 5, 16], savedBytes: 896n })
    expect(traced("Cache('buffer')", '2,4,16')).toEqual({ outputShape: [2, 5, 16], savedBytes: 128n })
  })

  it('takes a one-element integer tensor of known value as a slice bound, as its `__index__` gives it', () => {
    expect(traced('Gate()', '2,4,32')).toEqual({ outputShape: [2, 16, 32], savedBytes: 8_192n })
    const floatBound = `import torch\nimport torch.nn as nn\nclass M(nn.Module):\n    def forward(self, x):\n        return x[:, :torch.tensor(2.0)]\nm = M()\n`
    expect(() => analyze(floatBound, { input: '2,4' })).toThrow('only integer tensors of a single element can be converted to an index')
  })

  it('runs `F.upsample`, `F.upsample_nearest` and `F.upsample_bilinear` as `F.interpolate`', () => {
    expect(traced('Up(0)', '2,3,6,5')).toEqual({ outputShape: [2, 8, 12, 10], savedBytes: 0n })
    expect(traced('Up(1)', '2,3,6,5')).toEqual({ outputShape: [2, 8, 12, 10], savedBytes: 0n })
    expect(traced('Up(2)', '2,3,6,5')).toEqual({ outputShape: [2, 8, 9, 7], savedBytes: 0n })
  })
})
