import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { failure, python } from '../../test/interpret.js'

/** Programs and what PyTorch 2.13 and timm 1.0.29 print for them (`test/fixtures/values/generate.py`). */
interface ValuesCase {
  id: string
  code: string
  printed: string[]
}

const cases = JSON.parse(readFileSync(new URL('../../test/fixtures/values/values.json', import.meta.url), 'utf8')) as ValuesCase[]

describe('values of tensors made while building, and timm.layers helpers, print as in PyTorch 2.13', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20)
  })
  for (const c of cases) {
    it(c.id, () => {
      expect(python(`import torch\nimport torch.nn as nn\n${c.code}`)).toEqual(c.printed)
    })
  }
})

describe('knownValues', () => {
  it('refuses the values of a tensor that depends on data, with a caret at the call', () => {
    const e = failure(() => python('x = torch.randn(3)\ny = x[0].item()'))
    expect(e.code).toBe('unsupported')
    expect(e.message).toContain('`.item()` needs the value of a tensor')
    expect(e.span).toMatchObject({ start: 'x = torch.randn(3)\ny = '.length })
    expect(failure(() => python('float(torch.linspace(0, 1, 4).erf()[0])')).message).toContain('`float(tensor)` needs the value')
    expect(failure(() => python('torch.empty(2).tolist()')).code).toBe('unsupported')
  })

  it('forgets the values once the tensor, or a view of it, is written in place', () => {
    for (const code of ['t = torch.zeros(2)\nt.add_(1)', 't = torch.zeros(2)\nv = t[1]\nt[0] = 1', 't = torch.zeros(2)\nv = t.view(2, 1)\nv.mul_(2)', 't = torch.zeros(2)\nnn.init.normal_(t)', 't = torch.ones(2)\nt += 1', 't = torch.zeros(2)\nv = t[:1]\nv[0] = 1', 't = torch.zeros(2)\nt[0] = torch.randn(1)']) {
      expect(failure(() => python(`${code}\nt.tolist()`)).code, code).toBe('unsupported')
    }
    // A value read before the write keeps what it read.
    expect(python('t = torch.arange(3)\nfirst = t[0].item()\nt.add_(5)\nprint(first)')).toEqual(['0'])
  })

  it('keeps no values for parameters and buffers, nor for tensors beyond 4,096 elements', () => {
    expect(failure(() => python('p = nn.Parameter(torch.zeros(1))\np.item()')).code).toBe('unsupported')
    expect(failure(() => python('torch.zeros(4097)[0].item()')).code).toBe('unsupported')
    expect(python('print(torch.zeros(4096)[4095].item())')).toEqual(['0.0'])
  })
})

describe('values through functions, comparisons and assignments', () => {
  it('keeps no value where PyTorch may round a math-library result either way, and settles it where both ways agree', () => {
    // PyTorch 2.13 (CPU, MKL): exp(-3.881624221801758) is 0.02061731182038784, one ulp above the correctly rounded
    // 0.02061730995774269; sqrt(267) is 16.340133666992188, one ulp below 16.34013557434082. Then 1 - exp(x) is
    // 0.9793826937675476, exp(x) > 0.02 and bool(exp(x)) are True, sqrt(267).floor() is 16.0, sqrt(267) < 16.34 False.
    const e = failure(() => python('torch.exp(torch.tensor([-3.881624221801758])).item()'))
    expect(e.code).toBe('unsupported')
    expect(e.message).toContain('midpoint between two float32s')
    expect(failure(() => python('torch.tensor([267.0]).sqrt().tolist()')).code).toBe('unsupported')
    expect(failure(() => python('(torch.tensor([267.0]).sqrt() * 2).item()')).code).toBe('unsupported')
    expect(failure(() => python('torch.tensor([267.0]).sqrt().double().item()')).code).toBe('unsupported')
    const settled = 'x = torch.exp(torch.tensor([-3.881624221801758]))\ns = torch.tensor([267.0]).sqrt()\nprint((1 - x).item(), (x > 0.02).item(), bool(x), s.floor().item(), (s < 16.34).item(), (1 - x.clone().detach()[0]).item())'
    expect(python(settled)).toEqual(['0.9793826937675476 True True 16.0 False 0.9793826937675476'])
  })

  it('keeps no value where PyTorch wraps around or rounds in a way nnsize does not reproduce', () => {
    // PyTorch 2.13: int32 2 ** 31 wraps to -2147483648; float32 x ** 4 and x ** 1.5 go through SLEEF's or the C library's pow;
    // uint8 negation wraps; float64 exp is MKL's; `add` with `alpha` fuses `alpha * other` into the sum.
    for (const code of ['(torch.tensor([2], dtype=torch.int32) ** 31).tolist()', '(torch.tensor([1.1]) ** 4).item()', 'torch.tensor([2.0]).pow(1.5).item()', 'torch.arange(3, dtype=torch.uint8).neg().tolist()', 'torch.tensor([1.0], dtype=torch.float64).exp().item()', 'torch.arange(3).add(1, alpha=2).tolist()']) {
      expect(failure(() => python(code)).code, code).toBe('unsupported')
    }
  })

  it('keeps the values of a tensor written by index only while no view of it exists', () => {
    // PyTorch 2.13: [5.0, 0.0, 2.0] then, written through the view v = t[1:], [5.0, 9.0, 2.0].
    expect(python('t = torch.zeros(3)\nt[0] = 5\nt[2] = torch.tensor(2.0)\nprint(t.tolist())')).toEqual(['[5.0, 0.0, 2.0]'])
    expect(failure(() => python('t = torch.zeros(3)\nv = t[1:]\nt[1] = 9\nv.tolist()')).code).toBe('unsupported')
    // Repeated positions with a tensor of values, and a list mixed with ints, are not computed.
    expect(failure(() => python('t = torch.zeros(3)\nt[[0, 0]] = torch.tensor([1.0, 2.0])\nt.tolist()')).code).toBe('unsupported')
    expect(failure(() => python('t = torch.zeros(2, 3)\nt[0, [1, 2]] = torch.tensor([1.0, 2.0])\nt.tolist()')).code).toBe('unsupported')
  })

  it('answers the truth of a numpy array as numpy 2 does', () => {
    // numpy 2.4.6: the two errors, then False True.
    const code =
      'import numpy as np\nfor a in (np.zeros(2), np.zeros(0)):\n    try:\n        bool(a)\n    except ValueError as e:\n        print(e)\nprint(bool(np.array([0.0])), bool(np.array([[3]])))'
    expect(python(code)).toEqual([
      'The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()',
      'The truth value of an empty array is ambiguous. Use `array.size > 0` to check that an array is not empty.',
      'False True',
    ])
  })

  it('builds the models that read these values: RetNet decay rates, tabnet widths, a sum started at 0', () => {
    const model = (source: string, input: string): [bigint, number[][] | undefined, bigint | undefined] => {
      const a = analyze(`import math\nimport torch\nimport torch.nn as nn\n${source}`, { input })
      return [a.params.total, a.forward?.outputShapes, a.forward?.savedBytes]
    }
    // PyTorch 2.13: 272 parameters and a (2, 64) output (one (2, 16) projection per decay rate, four of them).
    const decays = 'class Decays(nn.Module):\n    def __init__(self, d=16, heads=4):\n        super().__init__()\n        self.gammas = (1 - torch.exp(torch.linspace(math.log(1 / 32), math.log(1 / 512), heads))).detach().cpu().tolist()\n        self.proj = nn.Linear(d, d)\n    def forward(self, x):\n        return torch.cat([self.proj(x) * g for g in self.gammas], -1)\nDecays()'
    expect(model(decays, '2,16').slice(0, 2)).toEqual([272n, [[2, 64]]])
    // PyTorch 2.13: widths 3 + 1 + 3 + 1 + 1 + 1 = 10, so Linear(10, 2) has 22 parameters.
    const emb = 'class Emb(nn.Module):\n    def __init__(self, n=6, cat_idxs=(0, 2)):\n        super().__init__()\n        cont = torch.ones(n, dtype=torch.bool)\n        cont[list(cat_idxs)] = 0\n        width = 0\n        for i in range(n):\n            if cont[i] == 1:\n                width += 1\n            else:\n                width += 3\n        self.fc = nn.Linear(width, 2)\n    def forward(self, x):\n        return self.fc(x)\nEmb()'
    expect(model(emb, '3,10').slice(0, 2)).toEqual([22n, [[3, 2]]])
    // PyTorch 2.13: (2, 8) and 72 parameters; the adds save nothing (saved-tensor hooks see only the input and weight).
    const acc = 'class Acc(nn.Module):\n    def __init__(self, d=8):\n        super().__init__()\n        self.fc = nn.Linear(d, d)\n    def forward(self, x):\n        res = 0\n        for _ in range(2):\n            res = torch.add(res, self.fc(x))\n        return torch.mul(2, res) + torch.sub(1, res)\nAcc()'
    expect(model(acc, '2,8')).toEqual([72n, [[2, 8]], 0n])
  })
})

describe('timm.layers', () => {
  it('is an error where construction uses a name it does not model, or a module timm 1.0 no longer has', () => {
    expect(failure(() => python('from timm.layers import ConvMlp\nm = nn.Sequential(ConvMlp(4))')).message).toContain('`timm.layers.ConvMlp`')
    const e = failure(() => python('import timm.models.vision_transformer as vit\nm = nn.Sequential(vit.PatchEmbedWithSize())'))
    expect(e.message).toBe('`timm.models.vision_transformer.PatchEmbedWithSize` is not supported yet.')
    // timm 1.0 keeps `helpers` in `timm.layers` only: Python fails at this import, nnsize where the name is used.
    expect(python('from timm.layers.helpers import to_2tuple\nprint(to_2tuple(2))')).toEqual(['(2, 2)'])
    expect(failure(() => python('from timm.models.layers.helpers import to_2tuple\nm = nn.Conv2d(1, 1, to_2tuple(2))')).code).toBe('unsupported')
  })
})

describe('timm.layers.DropPath', () => {
  it('keeps its (N, 1, …) mask in training and is the identity in eval mode or with drop_prob 0', () => {
    const model = (p: string, train = true): bigint | undefined =>
      analyze(`from timm.layers import DropPath\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 8)\n        self.drop = DropPath(${p})\n    def forward(self, x):\n        return x + self.drop(self.fc(x).permute(0, 2, 1))\nm = M()${train ? '' : '.eval()'}`, { input: '3,8,8' }).forward?.savedBytes
    // Linear keeps its input (the model's input, not counted); the mask is 3 × 1 × 1 float32.
    expect(model('0.25')).toBe(12n)
    expect(model('0.')).toBe(0n)
    expect(model('0.25', false)).toBe(0n)
  })
})

describe('known values through reductions', () => {
  it("sum, prod, amax and amin of known values where the result is certain (vector-quantize-pytorch's FSQ levels)", () => {
    // The lines PyTorch 2.13 prints for the same program.
    expect(
      python(`import torch
lv = torch.tensor([8, 5, 5], dtype=torch.int32)
print(lv.prod().item(), lv.sum().item(), lv.amax().item(), lv.amin().item(), lv.prod().dtype)
f = torch.tensor([[1.5, 2.0], [3.0, 4.0]])
print(f.amax(1).tolist())
g = torch.tensor([[1., 2.], [3., 4.]])
print(g.sum().item(), g.prod(1).tolist(), g.sum(dim=1, keepdim=True).tolist(), torch.tensor([True, False, True]).sum().item())`),
    ).toEqual(['200 18 8 5 torch.int64', '[2.0, 4.0]', '10.0 [2.0, 12.0] [[3.0], [7.0]] 2'])
  })

  it('a sum whose float32 rounding depends on the order of addition stays unknown', () => {
    expect(failure(() => python('import torch\nprint(torch.tensor([1.5, 2.0]).sum().item())')).message).toContain('nnsize knows the values only')
    expect(failure(() => python('import torch\nprint(torch.full((3,), 2.0 ** 23).sum().item())')).message).toContain('nnsize knows the values only')
  })

  it('builds an embedding sized by a product of levels', () => {
    const r = analyze(`import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(s, levels=[8, 5, 5]):
        super().__init__()
        n = torch.tensor(levels, dtype=torch.int32).prod().item()
        s.l = nn.Embedding(n, 4)
model = M()`)
    // PyTorch 2.13: 800 parameters (an Embedding(200, 4)).
    expect(r.params.total).toBe(800n)
  })
})

describe('known values of registered buffers', () => {
  it("a buffer keeps its tensor's values while its dtype holds them (vector-quantize-pytorch's FSQ)", () => {
    // The lines PyTorch 2.13 prints for the same program.
    expect(
      python(`import torch
import torch.nn as nn
class Q(nn.Module):
    def __init__(self, levels=[8, 5, 5, 5]):
        super().__init__()
        _levels = torch.tensor(levels, dtype=torch.int32)
        self.register_buffer('_levels', _levels, persistent=False)
        self.codebook_size = self._levels.prod().item()
        self.register_buffer('scale', torch.tensor([0.5, 2.0]))
        print(self.codebook_size, self.scale.tolist())
        self.emb = nn.Embedding(self.codebook_size, 4)
        self.double()
        print(self.scale.dtype, self.scale.tolist(), self._levels.dtype, self._levels.sum().item())
q = Q()
print(sum(p.numel() for p in q.parameters()))`),
    ).toEqual(['1000 [0.5, 2.0]', 'torch.float64 [0.5, 2.0] torch.int32 23', '4000'])
  })

  it('a buffer cast to a dtype that rounds its values, a written buffer and a parameter have none', () => {
    const prelude = 'import torch\nimport torch.nn as nn\nm = nn.Module()\n'
    expect(failure(() => python(`${prelude}m.register_buffer('third', torch.tensor([1 / 3]))\nm.half()\nprint(m.third.tolist())`)).message).toContain('nnsize knows the values only')
    expect(failure(() => python(`${prelude}m.register_buffer('b', torch.ones(2))\nm.b.add_(1)\nprint(m.b.tolist())`)).message).toContain('nnsize knows the values only')
    expect(failure(() => python(`${prelude}m.p = nn.Parameter(torch.ones(2))\nprint(m.p.tolist())`)).message).toContain('nnsize knows the values only')
  })
})
