import { describe, expect, it } from 'vitest'
import { analyze } from '../index.js'
import { python } from '../../test/interpret.js'

function einopsModel(line: string): string {
  return `import torch.nn as nn\nfrom einops import rearrange, repeat, reduce\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        return ${line}\n`
}

function outputOf(line: string, input: string): number[] | undefined {
  return analyze(einopsModel(line), { input, device: 'cpu' }).forward!.outputShape
}

describe('einops patterns in forward', () => {
  it('rearrange splits, merges and reorders axes, with `...`', () => {
    expect(outputOf("rearrange(self.fc(x), 'b (h w) c -> b c h w', h=2)", '3,6,4')).toEqual([3, 4, 2, 3])
    expect(outputOf("rearrange(self.fc(x), '... c -> c ...')", '3,5,7,4')).toEqual([4, 3, 5, 7])
    expect(outputOf("rearrange(self.fc(x), 'b n c -> (b n) c')", '3,5,4')).toEqual([15, 4])
  })

  it('repeat adds axes of the lengths given; reduce removes them', () => {
    expect(outputOf("repeat(self.fc(x), 'b c -> b n c', n=7)", '3,4')).toEqual([3, 7, 4])
    expect(outputOf("reduce(self.fc(x), 'b (n k) c -> b n c', 'max', k=2)", '3,6,4')).toEqual([3, 3, 4])
    expect(outputOf("reduce(self.fc(x), 'b n c -> b c', 'mean')", '3,6,4')).toEqual([3, 4])
  })

  it('refuses patterns that do not fit, naming the pattern', () => {
    expect(() => outputOf("rearrange(self.fc(x), 'b (h w) c -> b c h w')", '3,6,4')).toThrow(/cannot both be inferred/)
    expect(() => outputOf("rearrange(self.fc(x), 'b (h w) c -> b c h w', h=4)", '3,6,4')).toThrow(/cannot be split by 4/)
    expect(() => outputOf("rearrange(self.fc(x), 'b n c -> b c')", '3,6,4')).toThrow(/use `reduce`/)
    expect(() => outputOf("rearrange(self.fc(x), 'b n -> b n')", '3,6,4')).toThrow(/the input has 3 dimensions/)
    expect(() => outputOf("repeat(self.fc(x), 'b c -> b n c')", '3,4')).toThrow(/new axis `n` needs its length/)
  })
})

describe('einops while a model is built (shapes only)', () => {
  it('repeat, rearrange and reduce give the shapes and dtype einops gives a tensor in __init__', () => {
    // Measured with einops 0.8.2 on PyTorch 2.13: repeat(torch.arange(1, 17), 'n -> d n', d=8) is (8, 16) int64.
    python(`
from einops import rearrange, repeat, reduce
a = repeat(torch.arange(1, 17), 'n -> d n', d=8)
assert a.shape == (8, 16) and a.dtype == torch.int64
assert rearrange(torch.zeros(2, 6, 4), 'b (h w) c -> b c h w', h=2).shape == (2, 4, 2, 3)
assert reduce(torch.zeros(2, 6, 4), 'b n c -> b c', 'max').shape == (2, 4)
`)
  })

  it('einops.einsum takes the tensors first and a pattern of named axes last', () => {
    python(`
from einops import einsum
assert einsum(torch.zeros(2, 3, 5), torch.zeros(5, 7), 'b l d_in, d_in n -> b l d_in n').shape == (2, 3, 5, 7)
assert einsum(torch.zeros(2, 3, 5), torch.zeros(2, 3, 7), torch.zeros(2, 3, 5), 'b l d, b l n, b l d -> b l d n').shape == (2, 3, 5, 7)
`)
    expect(() => python("from einops import einsum\neinsum(torch.zeros(2, 3, 5), torch.zeros(5, 7), 'b l d, d n -> b l q')")).toThrow(/Unknown axis q on right side of einsum/)
    expect(() => python("from einops import einsum\neinsum(torch.zeros(2, 3, 5), torch.zeros(5, 7), 'b l d, d n')")).toThrow(/must contain '->'/)
    expect(() => python("from einops import rearrange\nrearrange(torch.zeros(2, 6), 'b (h w) -> b h w')")).toThrow(/cannot both be inferred/)
  })
})

describe('einops.einsum in forward', () => {
  it('runs torch.einsum with one letter per axis name: bmm FLOPs and saved bytes as PyTorch counts them', () => {
    const source = `import torch.nn as nn\nfrom einops import einsum\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        y = self.fc(x)\n        return einsum(y, y, 'b i d, b j d -> b i j')\n`
    const f = analyze(source, { input: '2,3,4', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU): output (2, 3, 3); saved 96 bytes (y, kept once for the bmm);
    // FlopCounterMode: addmm 192, bmm 2 · 2 · 3 · 4 · 3 = 144.
    expect(f.outputShape).toEqual([2, 3, 3])
    expect(f.savedBytes).toBe(96n)
    expect(f.flopCounter.byOp).toEqual({ 'aten.addmm': 192n, 'aten.bmm': 144n })
  })
})

describe('einops brackets around an ellipsis, pack and unpack', () => {
  it('`(...)` on the right merges the ellipsis axes into one (one of length 1 when there are none)', () => {
    // Measured with einops 0.8.2: 'b ... d -> b (...) d' gives (2, 90, 4) for (2, 3, 5, 6, 4) and (2, 1, 4) for (2, 4).
    expect(outputOf("rearrange(self.fc(x), 'b ... d -> b (...) d')", '2,3,5,6,4')).toEqual([2, 90, 4])
    expect(outputOf("rearrange(self.fc(x), 'b ... d -> b (...) d')", '2,4')).toEqual([2, 1, 4])
    expect(outputOf("rearrange(self.fc(x), 'b ... d -> b ... d')", '2,3,5,4')).toEqual([2, 3, 5, 4])
  })

  it('pack flattens the axes under `*` and concatenates; unpack splits them back into the packed shapes', () => {
    const source = `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nfrom einops import pack, unpack\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n        self.tok = nn.Parameter(torch.randn(4))\n\n    def forward(self, x):\n        y = self.fc(x)\n        t = self.tok.expand(x.shape[0], 4)\n        z, ps = pack([t, y], 'b * d')\n        assert ps == [(), (3, 5)] and z.shape == (2, 16, 4)\n        a, b = unpack(F.relu(z), ps, 'b * d')\n        return a, b\n`
    const f = analyze(source, { input: '2,3,5,4', device: 'cpu' }).forward!
    // Measured with einops 0.8.2 on PyTorch 2.13 (CPU): outputs (2, 4) and (2, 3, 5, 4); 512 bytes saved (relu's output).
    expect(f.outputShapes).toEqual([[2, 4], [2, 3, 5, 4]])
    expect(f.savedBytes).toBe(512n)
    python(`
from einops import pack, unpack
z, ps = pack([torch.zeros(2, 4), torch.zeros(2, 3, 5, 4)], 'b * d')
assert z.shape == (2, 16, 4) and ps == [(), (3, 5)]
assert [t.shape for t in unpack(torch.zeros(2, 16, 4), [(), (-1, 5)], 'b * d')] == [(2, 4), (2, 3, 5, 4)]
`)
    expect(() => python("from einops import pack\npack([torch.zeros(2, 4)], 'b d')")).toThrow(/exactly one `\*`/)
    expect(() => python("from einops import unpack\nunpack(torch.zeros(2, 16, 4), [(), (2, 5)], 'b * d')")).toThrow(/the packed shapes add up to 11/)
  })
})
