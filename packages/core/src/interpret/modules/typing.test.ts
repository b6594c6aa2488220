import { describe, expect, it } from 'vitest'
import { files, python, pythonError } from '../../../test/interpret.js'

// Every program here ran as written under Python 3.11.7 (the venv of PyTorch 2.13), all its asserts holding.

describe('typing.NamedTuple class statements', () => {
  it('make a namedtuple class: fields in annotation order with their defaults, construction by position or keyword', () => {
    python(`
from typing import NamedTuple
import typing


class Config(NamedTuple):
    """A model's sizes."""
    vocab_size: int = 5
    dim: int = 768
    scale = 2

    def twice(self):
        return self.dim * 2

    @classmethod
    def small(cls):
        return cls(dim=8)


c = Config(vocab_size=100, dim=64)
assert c.vocab_size == 100 and c.dim == 64 and c == (100, 64)
assert Config(1) == (1, 768) and Config() == (5, 768) and Config(dim=3) == (5, 3)
assert c[0] == 100 and c[-1] == 64 and len(c) == 2 and list(c) == [100, 64] and c[0:1] == (100,)
v, d = c
assert (v, d) == (100, 64)
assert Config._fields == ('vocab_size', 'dim')
assert Config._field_defaults == {'vocab_size': 5, 'dim': 768}
assert c._asdict() == {'vocab_size': 100, 'dim': 64}
assert c._replace(dim=1) == (100, 1) and c._replace(dim=1).vocab_size == 100
assert Config._make([3, 4]) == (3, 4) and Config._make([3, 4]).dim == 4
assert Config.scale == 2 and Config.__name__ == 'Config' and Config.__qualname__ == 'Config'
assert Config.__new__.__defaults__ == (5, 768)
assert issubclass(Config, tuple) and isinstance(c, tuple)
assert Config.small() == (5, 8) and Config.twice(c) == 128
assert c + (1,) == (100, 64, 1) and type(tuple(c)) is tuple
assert Config._replace(c, dim=2) == (100, 2) and Config._replace(c, vocab_size=2) == (2, 64) and Config._asdict(c) == {'vocab_size': 100, 'dim': 64}
assert hasattr(Config, 'dim') and not hasattr(Config, 'other')


class NoDefault(NamedTuple):
    vocab_size: int
    dim: int = 768


assert NoDefault(100, 64).vocab_size == 100 and NoDefault(7).dim == 768

P = NamedTuple('P', [('x', int), ('y', int)])
assert P(1, 2).y == 2 and P._fields == ('x', 'y')
Q = typing.NamedTuple('Q', x=int)
assert Q(x=3).x == 3


class Sub(Config):
    extra: int = 3


s = Sub(1, 2)
assert s == (1, 2) and s.dim == 2 and Sub._fields == ('vocab_size', 'dim') and Sub.extra == 3 and issubclass(Sub, Config)
assert hasattr(Sub, 'vocab_size')

errors = []
for make in (lambda: Config(1, 2, 3), lambda: Config(1, vocab_size=2), lambda: Config(foo=2), lambda: NoDefault()):
    try:
        make()
    except TypeError:
        errors.append('TypeError')
assert errors == ['TypeError'] * 4, errors
`)
  })

  it('size a model from the fields given, not the class defaults (the repro of a silent wrong count)', () => {
    const source = [
      'from typing import NamedTuple',
      'import torch.nn as nn',
      'class Config(NamedTuple):',
      '    vocab_size: int = 5',
      '    dim: int = 768',
      'class NoDefault(NamedTuple):',
      '    vocab_size: int',
      '    dim: int = 768',
      'class M(nn.Module):',
      '    def __init__(self, cfg):',
      '        super().__init__()',
      '        self.emb = nn.Embedding(cfg.vocab_size, cfg.dim)',
      '    def forward(self, x):',
      '        return self.emb(x)',
    ].join('\n')
    // PyTorch 2.13: 6,400 parameters for both (an Embedding(100, 64)); nnsize read 3,840 (the defaults 5 × 768) before.
    expect(files({ 'm.py': source }, 'm.py', 'M(Config(vocab_size=100, dim=64))').params.total).toBe(6400n)
    expect(files({ 'm.py': source }, 'm.py', 'M(NoDefault(100, 64))').params.total).toBe(6400n)
  })

  it('refuse what Python refuses, at the definition or the call', () => {
    const order = pythonError('from typing import NamedTuple\nclass Bad(NamedTuple):\n    a: int = 1\n    b: int\n')
    expect([order.code, order.message]).toEqual(['type', 'Non-default namedtuple field `b` cannot follow default field `a`.'])
    expect(order.span).toEqual({ start: 72, end: 78 })
    expect(pythonError('from typing import NamedTuple\nclass Bad(NamedTuple):\n    _a: int\n').message).toBe("Field names cannot start with an underscore: '_a'.")
    const prohibited = pythonError('from typing import NamedTuple\nclass Bad(NamedTuple):\n    a: int\n    def _replace(self):\n        return self\n')
    expect(prohibited.message).toBe('Cannot overwrite NamedTuple attribute `_replace` (in `Bad`).')
    expect(prohibited.span).toEqual({ start: 68, end: 107 })
    expect(pythonError('from typing import NamedTuple\nclass Bad(NamedTuple, object):\n    a: int\n').message).toBe('`Bad` can only inherit from `NamedTuple` and `Generic`, not from `object`.')
    expect(pythonError('from typing import NamedTuple\nclass Bad(NamedTuple, total=False):\n    a: int\n').code).toBe('unknown-argument')
    const call = 'from typing import NamedTuple\nclass C(NamedTuple):\n    a: int\n    b: int = 2\n'
    expect(pythonError(`${call}C(1, 2, 3)`).message).toBe('`C()` takes 2 positional arguments but 3 were given.')
    expect(pythonError(`${call}C(1, a=3)`).message).toBe('`C()` got multiple values for argument `a`.')
    expect(pythonError(`${call}C(c=3)`).message).toBe('`C()` got an unexpected keyword argument `c`; its fields are `a`, `b`.')
    expect(pythonError(`${call}C()`).message).toBe('`C()` is missing required argument `a`.')
    // The same refusals as Python's exceptions, which `except` catches.
    python(`
from typing import NamedTuple
import collections
import typing

caught = []


def expect(kind, make):
    try:
        make()
    except kind as e:
        caught.append(type(e).__name__)
        return
    raise AssertionError('no error')


def bad_order():
    class Bad(NamedTuple):
        a: int = 1
        b: int


def underscore():
    class Bad(NamedTuple):
        _a: int


def prohibited():
    class Bad(NamedTuple):
        a: int

        def _replace(self):
            return self


def other_base():
    class Bad(NamedTuple, object):
        a: int


expect(TypeError, bad_order)
expect(ValueError, underscore)
expect(AttributeError, prohibited)
expect(TypeError, other_base)
expect(TypeError, lambda: typing.NamedTuple('P', [('x', int)], y=int))
assert caught == ['TypeError', 'ValueError', 'AttributeError', 'TypeError', 'TypeError'], caught
`)
  })
})

describe('instances of namedtuple classes', () => {
  it("are tuples of their class, with the class's methods and properties", () => {
    python(`
import collections
from typing import NamedTuple


class Config(NamedTuple):
    vocab_size: int = 5
    dim: int = 768
    scale = 2

    def twice(self):
        return self.dim * self.scale

    @property
    def area(self):
        return self.vocab_size * self.dim

    @classmethod
    def small(cls):
        return cls(dim=8)


c = Config(vocab_size=100, dim=64)
assert c.twice() == 128 and c.area == 6400 and c.scale == 2 and c.small() == (5, 8)
assert isinstance(c, Config) and type(c) is Config and isinstance(c, tuple) and not isinstance((100, 64), Config)
r = c._replace(dim=1)
assert type(r) is Config and r.twice() == 2 and type(Config._make([1, 2])) is Config
assert type(c[0:1]) is tuple and type(c + (1,)) is tuple and type(tuple(c)) is tuple


class Sub(Config):
    extra: int = 3

    def f(self):
        return self.extra + self.dim + super().twice()


s = Sub(1, 2)
assert type(s) is Sub and isinstance(s, Config) and s.f() == 9 and type(s._replace(dim=9)) is Sub and s._replace(dim=9).f() == 30

_PipeBase = collections.namedtuple('_PipeBase', ['identifier', 'queue', 'result'])


class Pipe(_PipeBase):
    __slots__ = ()

    def run(self, msg):
        return self.identifier, msg


p = Pipe(1, 2, 3)
assert p.run('m') == (1, 'm') and isinstance(p, Pipe) and isinstance(p, _PipeBase) and not isinstance(_PipeBase(1, 2, 3), Pipe)
assert type(p).__name__ == 'Pipe' and p.__class__ is Pipe


class ShapeSpec(collections.namedtuple('_ShapeSpec', ['channels', 'height', 'width', 'stride'])):
    def __new__(cls, channels=None, height=None, width=None, stride=None):
        return super().__new__(cls, channels, height, width, stride)

    @property
    def size(self):
        return (self.height, self.width)


spec = ShapeSpec(channels=64, height=7, width=9)
assert type(spec) is ShapeSpec and spec.size == (7, 9)

P = collections.namedtuple('P', 'x y')
assert type(P(1, 2)) is P and P(1, 2).x == 1 and P(1, 2)._replace(x=3) == (3, 2)
`)
  })
})

describe('typing.TypedDict class statements', () => {
  it('make a class whose calls make plain dicts, with total=, Required/NotRequired and inherited keys', () => {
    python(`
from typing import TypedDict
import typing
try:
    from typing import NotRequired, Required
except ImportError:
    pass


class Options(TypedDict, total=False):
    hidden: int
    layers: int


o = Options(hidden=3)
assert o == {'hidden': 3} and type(o) is dict and o.get('layers', 2) == 2
assert Options() == {} and Options({'a': 1}, b=2) == {'a': 1, 'b': 2}
assert Options.__total__ is False and Options.__optional_keys__ == frozenset({'hidden', 'layers'}) and Options.__required_keys__ == frozenset()
assert issubclass(Options, dict)


class More(Options):
    depth: int
    width: 'NotRequired[int]'


assert More.__total__ is True and More.__required_keys__ == frozenset({'depth', 'width'})
assert More.__optional_keys__ == frozenset({'hidden', 'layers'})
assert More(depth=1) == {'depth': 1}


class Strict(TypedDict):
    a: int
    b: NotRequired[int]


assert Strict.__required_keys__ == frozenset({'a'}) and Strict.__optional_keys__ == frozenset({'b'})

F = TypedDict('F', {'x': int, 'y': NotRequired[int]}, total=True)
assert F(x=1) == {'x': 1} and F.__required_keys__ == frozenset({'x'}) and F.__optional_keys__ == frozenset({'y'})
G = typing.TypedDict('G', {'x': int}, total=False)
assert G.__optional_keys__ == frozenset({'x'})

caught = []
for check in (lambda: isinstance({}, Options), lambda: issubclass(dict, Options)):
    try:
        check()
    except TypeError:
        caught.append('TypeError')
assert caught == ['TypeError', 'TypeError']
`)
  })

  it("let a model file with `class Options(TypedDict, total=False)` load (meta-llama's generation.py)", () => {
    const source = [
      'from typing import TypedDict',
      'import torch.nn as nn',
      'class Options(TypedDict, total=False):',
      '    hidden: int',
      'class M(nn.Module):',
      '    def __init__(self, opts: Options):',
      '        super().__init__()',
      "        self.fc = nn.Linear(8, opts.get('hidden', 4))",
      '    def forward(self, x):',
      '        return self.fc(x)',
    ].join('\n')
    // PyTorch 2.13: 27 parameters for a Linear(8, 3), 36 for the default Linear(8, 4).
    expect(files({ 'm.py': source }, 'm.py', "M({'hidden': 3})").params.total).toBe(27n)
    expect(files({ 'm.py': source }, 'm.py', 'M(Options(hidden=3))').params.total).toBe(27n)
    expect(files({ 'm.py': source }, 'm.py', 'M(Options())').params.total).toBe(36n)
  })

  it('refuse other bases, other class keywords and isinstance, as Python does', () => {
    const base = pythonError('from typing import TypedDict\nclass Bad(TypedDict, dict):\n    a: int\n')
    expect(base.message).toBe('`Bad` cannot inherit from both a `TypedDict` type and a non-`TypedDict` base class (`dict`).')
    expect(base.span).toEqual({ start: 50, end: 54 })
    expect(pythonError('from typing import TypedDict\nclass Bad(TypedDict, closed=True):\n    a: int\n').message).toBe('A `TypedDict` class takes the class keyword `total` only, not `closed`.')
    expect(pythonError('from typing import TypedDict\nclass O(TypedDict):\n    a: int\nisinstance({}, O)\n').message).toBe('`O` is a `TypedDict`: TypedDict does not support instance and class checks.')
  })
})

describe('typing.get_args and get_origin', () => {
  it("read what a hint was subscripted with (rtdl's FT-Transformer checks a name against a Literal)", () => {
    // The lines Python 3.12 prints for the same program.
    expect(
      python(`import typing
from typing import Literal, Optional, Dict
Act = Literal["ReLU", "ReGLU"]
print(typing.get_args(Act), "ReLU" in typing.get_args(Act), typing.get_origin(Act) is Literal)
print(typing.get_args(Optional[int]), typing.get_args(Dict[str, int]), typing.get_args(int), typing.get_origin(int))`),
    ).toEqual(["('ReLU', 'ReGLU') True True", "(<class 'int'>, <class 'NoneType'>) (<class 'str'>, <class 'int'>) () None"])
  })
})
