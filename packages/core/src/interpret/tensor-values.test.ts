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
    expect(failure(() => python('float(torch.linspace(0, 1, 4).exp()[0])')).message).toContain('`float(tensor)` needs the value')
    expect(failure(() => python('torch.empty(2).tolist()')).code).toBe('unsupported')
  })

  it('forgets the values once the tensor, or a view of it, is written in place', () => {
    for (const code of ['t = torch.zeros(2)\nt.add_(1)', 't = torch.zeros(2)\nt[0] = 1', 't = torch.zeros(2)\nv = t.view(2, 1)\nv.mul_(2)', 't = torch.zeros(2)\nnn.init.normal_(t)', 't = torch.ones(2)\nt += 1']) {
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
