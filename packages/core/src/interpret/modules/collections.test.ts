import { describe, expect, it } from 'vitest'
import { files, python, pythonError } from '../../../test/interpret.js'

// Every program here ran as written under Python 3.11.7 (the venv of PyTorch 2.13), all its asserts holding.

describe('classes derived from a collections.namedtuple class', () => {
  it('make namedtuples of the base fields, with their own __new__ (defaults) and further subclasses', () => {
    python(`
import collections
from collections import namedtuple

_PipeBase = collections.namedtuple('_PipeBase', ['identifier', 'queue', 'result'])


class Pipe(_PipeBase):
    __slots__ = ()

    def run(self, msg):
        return self.identifier, msg


p = Pipe(1, queue=2, result=3)
assert p == (1, 2, 3) and p.identifier == 1 and p.result == 3 and p[1] == 2
ident, queue, result = p
assert (ident, queue, result) == (1, 2, 3)
assert Pipe._fields == ('identifier', 'queue', 'result') and issubclass(Pipe, _PipeBase) and issubclass(Pipe, tuple)
assert Pipe.run(p, 'm') == (1, 'm')
assert p._replace(result=9) == (1, 2, 9)


class ShapeSpec(namedtuple('_ShapeSpec', ['channels', 'height', 'width', 'stride'])):
    def __new__(cls, channels=None, height=None, width=None, stride=None):
        return super().__new__(cls, channels, height, width, stride)


spec = ShapeSpec(channels=64, stride=4)
assert spec == (64, None, None, 4) and spec.channels == 64 and spec.stride == 4 and ShapeSpec() == (None,) * 4


class BlockArgs(namedtuple('BlockArgs', 'kernel stride')):
    def __new__(cls, kernel, stride=1):
        return super(BlockArgs, cls).__new__(cls, kernel, stride)


assert BlockArgs(3) == (3, 1) and BlockArgs(3, 2).stride == 2


class Deeper(Pipe):
    pass


assert Deeper(4, 5, 6).queue == 5 and Deeper._make([7, 8, 9]).result == 9


class Both(collections.namedtuple('A', 'x'), collections.namedtuple('B', 'y')):
    pass


assert Both(1) == (1,) and Both(x=2).x == 2 and Both._fields == ('x',)
`)
  })

  it("let Synchronized-BatchNorm's comm.py (`class _Pipe(_PipeBase)`) load", () => {
    const source = [
      'import collections',
      'import torch.nn as nn',
      "_PipeBase = collections.namedtuple('_PipeBase', ['identifier', 'queue', 'result'])",
      'class Pipe(_PipeBase):',
      '    def run(self, msg):',
      '        return self.identifier, msg',
      'class M(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv2d(3, 8, 3)',
      '    def forward(self, x):',
      '        return self.conv(x)',
    ].join('\n')
    // PyTorch 2.13: 224 parameters (a Conv2d(3, 8, 3)).
    expect(files({ 'm.py': source }, 'm.py', 'M()').params.total).toBe(224n)
  })

  it('refuse a namedtuple base mixed with a module class', () => {
    const mixed = pythonError('import collections\nclass P(collections.namedtuple("P", "x"), nn.Module):\n    pass\n')
    expect([mixed.code, mixed.message]).toEqual(['unsupported', 'Deriving a class from the namedtuple class `P` and from `Module` is not supported yet.'])
    expect(mixed.span).toEqual({ start: 61, end: 70 })
  })
})

describe('collections.namedtuple', () => {
  it('checks its names as Python does, or renames the bad ones', () => {
    python(`
import collections

R = collections.namedtuple('R', 'a, def, a, _b', rename=True)
assert R._fields == ('a', '_1', '_2', '_3')
caught = []


def expect(kind, make):
    try:
        make()
    except kind as e:
        caught.append(type(e).__name__)
        return
    raise AssertionError('no error')


expect(ValueError, lambda: collections.namedtuple('P', 'x x'))
expect(ValueError, lambda: collections.namedtuple('P', 'x def'))
expect(ValueError, lambda: collections.namedtuple('P', 'x 1y'))
expect(ValueError, lambda: collections.namedtuple('P', 'x _y'))
expect(TypeError, lambda: collections.namedtuple('P', 'x', defaults=[1, 2]))
expect(TypeError, lambda: collections.namedtuple('P', 'x y')._make([1]))
assert caught == ['ValueError', 'ValueError', 'ValueError', 'ValueError', 'TypeError', 'TypeError'], caught
`)
    expect(pythonError('import collections\nP = collections.namedtuple("P", "x x")\n').message).toBe("Encountered duplicate field name: 'x'.")
  })
})
