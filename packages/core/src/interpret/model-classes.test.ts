import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { mainFileOf, modelClasses } from './model-classes.js'

const unetParts = `import torch.nn as nn

class DoubleConv(nn.Module):
    def __init__(self, in_channels, out_channels, mid_channels=None):
        super().__init__()
        mid_channels = mid_channels or out_channels
        self.conv = nn.Sequential(nn.Conv2d(in_channels, mid_channels, 3, padding=1), nn.Conv2d(mid_channels, out_channels, 3, padding=1))

    def forward(self, x):
        return self.conv(x)
`

const unetModel = `from unet_parts import *

class UNet(nn.Module):
    def __init__(self, n_channels, n_classes, bilinear=False):
        super(UNet, self).__init__()
        self.inc = DoubleConv(n_channels, 64)
        self.outc = nn.Conv2d(64, n_classes, 1)
`

describe('modelClasses', () => {
  it('lists the module classes of source text with their parameters and defaults, printed from the tree', () => {
    const text = `import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self, width: int = 4, *layers, act='relu', bias, **kw):\n        super().__init__()\nclass Config:\n    pass\nclass Plain(object):\n    pass\n`
    const classes = modelClasses(text)
    expect(text.slice(classes[0]!.span.start, classes[0]!.span.end)).toBe(`class Net(nn.Module):\n    def __init__(self, width: int = 4, *layers, act='relu', bias, **kw):\n        super().__init__()`)
    expect(classes).toEqual([
      {
        name: 'Net',
        file: undefined,
        span: { start: 22, end: 143 },
        parameters: [
          { name: 'width', default: '4', kind: 'positional' },
          { name: 'layers', default: undefined, kind: 'varargs' },
          { name: 'act', default: "'relu'", kind: 'keyword' },
          { name: 'bias', default: undefined, kind: 'keyword' },
          { name: 'kw', default: undefined, kind: 'kwargs' },
        ],
        buildsWithoutArguments: false,
      },
    ])
  })

  it('follows base classes of the files, and takes an inherited __init__', () => {
    const classes = modelClasses({ files: { 'unet_parts.py': unetParts, 'net.py': 'from unet_parts import DoubleConv\nclass Wide(DoubleConv):\n    pass\nclass Head(torch.nn.Linear):\n    pass\n' }, main: 'net.py' })
    expect(classes.map((c) => [c.name, c.file, c.parameters.map((p) => `${p.name}=${p.default ?? ''}`).join(' '), c.buildsWithoutArguments])).toEqual([
      ['Wide', 'net.py', 'in_channels= out_channels= mid_channels=None', false],
      ['Head', 'net.py', 'in_features= out_features= bias=True', false],
    ])
  })

  it('says which classes build without arguments, and only lists the main file', () => {
    const classes = modelClasses({ files: { 'unet_parts.py': unetParts, 'a.py': 'import torch\nclass A(torch.nn.Sequential):\n    def __init__(self, n=2):\n        super().__init__()\nclass B(A):\n    pass\n' }, main: './a.py' })
    expect(classes.map((c) => [c.name, c.buildsWithoutArguments])).toEqual([
      ['A', true],
      ['B', true],
    ])
  })

  it('gives no classes for a file that does not parse, and ends on a cycle of bases', () => {
    expect(modelClasses('class Net(nn.Module:\n')).toEqual([])
    expect(modelClasses('class A(B):\n    pass\nclass B(A):\n    pass\n')).toEqual([])
  })

  it('lists what the analysis would build with an entry: the entry then builds it', () => {
    const program = { files: { 'unet/unet_parts.py': unetParts, 'unet/unet_model.py': unetModel.replace('from unet_parts', 'from .unet_parts'), 'unet/__init__.py': '' }, main: 'unet/unet_model.py' }
    const [unet] = modelClasses(program)
    expect(unet!.name).toBe('UNet')
    expect(unet!.parameters.map((p) => p.name)).toEqual(['n_channels', 'n_classes', 'bilinear'])
    // DoubleConv(3, 64) = 3·64·9 + 64 + 64·64·9 + 64; the 1×1 head = 64·2 + 2
    expect(analyze({ ...program, entry: 'UNet(3, 2)' }).params.total).toBe(BigInt(3 * 64 * 9 + 64 + 64 * 64 * 9 + 64 + 64 * 2 + 2))
  })
})

describe('mainFileOf', () => {
  it('takes the file that defines models and is imported by none', () => {
    expect(mainFileOf({ 'unet_parts.py': unetParts, 'unet_model.py': unetModel })).toBe('unet_model.py')
    expect(mainFileOf({ 'unet/unet_parts.py': unetParts, 'unet/unet_model.py': unetModel.replace('from unet_parts', 'from .unet_parts'), 'unet/__init__.py': 'from .unet_model import UNet\n' })).toBe('unet/unet_model.py')
  })

  it('prefers a file that builds a model at its end', () => {
    expect(mainFileOf({ 'a_parts.py': unetParts, 'train.py': 'from a_parts import DoubleConv\nmodel = DoubleConv(3, 8)\n' })).toBe('train.py')
  })

  it('leaves out files that do not parse and files that are not Python', () => {
    expect(mainFileOf({ 'README.md': '# hi', 'a.py': 'class A(nn.Module:\n', 'b.py': 'x = 1\n' })).toBe('b.py')
    expect(() => mainFileOf({})).toThrow('A program needs at least one file.')
  })
})
