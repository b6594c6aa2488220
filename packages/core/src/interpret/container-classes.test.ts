import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { printed, python, pythonError } from '../../test/interpret.js'

// Every program below was run with Python 3.11 (/work/torch-venv, torch 2.13 CPU): its asserts hold there, and what it
// prints is what Python printed.

describe('classes derived from dict and list, as Python makes them', () => {
  it('AttrDict: `self.__dict__ = self` makes the keys the attributes; copies, `dict(h)` and `**h` are plain dicts', () => {
    python(`
class AttrDict(dict):
    def __init__(self, *args, **kwargs):
        super(AttrDict, self).__init__(*args, **kwargs)
        self.__dict__ = self

h = AttrDict({'dim': 4, 'keys': 1}, depth=2)
assert h.dim == 4 and h['dim'] == 4 and h.depth == 2
# the instance's attributes come before the class's methods, as in Python
assert h.keys == 1 and h.__dict__ is h and vars(h) is h
h.extra = [1]
h['late'] = 'x'
assert h['extra'] == [1] and h.late == 'x' and 'extra' in h and len(h) == 5
assert list(h) == ['dim', 'keys', 'depth', 'extra', 'late'] and [k for k, v in h.items()][-1] == 'late'
del h.extra
assert 'extra' not in h and not hasattr(h, 'extra') and getattr(h, 'extra', None) is None
assert type(h) is AttrDict and isinstance(h, dict) and isinstance(h, AttrDict) and type(h).__name__ == 'AttrDict'
assert h.__class__ is AttrDict and issubclass(AttrDict, dict) and AttrDict.__mro__[1] is dict
assert h == {'dim': 4, 'keys': 1, 'depth': 2, 'late': 'x'} and h.get('dim') == 4 and h.get('nope', 3) == 3
assert h.pop('keys') == 1 and h.setdefault('dim', 0) == 4 and h.setdefault('heads', 8) == 8 and h.heads == 8
h.update({'dim': 6}, act='gelu')
assert h.dim == 6 and h.act == 'gelu'
# copies, dict(h), **h and | make plain dicts, as in Python
assert type(h.copy()) is dict and type(dict(h)) is dict and type({**h}) is dict and type(h | {}) is dict
h2 = AttrDict(h)
assert h2 == h and h2 is not h and h2.dim == 6 and AttrDict().__dict__ == {}
h.__init__({'more': 1})
assert h.more == 1 and h.dim == 6

def build(dim, depth, **rest):
    return dim * depth + len(rest)
assert build(**AttrDict(dim=3, depth=2, a=0)) == 7
`)
  })

  it('config classes: `__getattr__`, `__setattr__`, properties, classmethods, easydict, `__getattr__ = dict.get`', () => {
    python(`
class Config(dict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)

    def __setattr__(self, name, value):
        self[name] = value

    @property
    def width(self):
        return self['dim'] * 2

    @classmethod
    def default(cls):
        return cls(dim=8, depth=2)

c = Config.default()
assert type(c) is Config and c.dim == 8 and c.width == 16 and c.depth == 2
c.heads = 4
assert c['heads'] == 4 and len(c) == 3 and c.__dict__ == {}
assert not hasattr(c, 'missing') and getattr(c, 'missing', 7) == 7
assert sorted(c) == ['depth', 'dim', 'heads'] and list(c.items())[0] == ('dim', 8)

class Sub(Config):
    pass
s = Sub(dim=2)
assert s.width == 4 and isinstance(s, Config) and type(s).__mro__[1:3] == (Config, dict)

# easydict: attributes and keys kept together by __setattr__, nested dicts converted
class EasyDict(dict):
    def __init__(self, d=None, **kwargs):
        super().__init__()
        for k, v in dict(d or {}, **kwargs).items():
            setattr(self, k, v)

    def __setattr__(self, name, value):
        if isinstance(value, dict) and not isinstance(value, EasyDict):
            value = EasyDict(value)
        super().__setattr__(name, value)
        super().__setitem__(name, value)

    __setitem__ = __setattr__

e = EasyDict({'model': {'dim': 3}}, lr=0.1)
assert e.model.dim == 3 and e['model']['dim'] == 3 and isinstance(e.model, EasyDict) and e.lr == 0.1
e['extra'] = {'a': 1}
assert e.extra.a == 1 and e.__dict__['extra'] is e['extra']

# the built-in methods as class attributes
class dotdict(dict):
    __getattr__ = dict.get
    __setattr__ = dict.__setitem__
    __delattr__ = dict.__delitem__

d = dotdict(a=1)
d.b = 2
assert d.zz is None and d == {'a': 1, 'b': 2}
del d.a
assert d == {'b': 2} and list(dict.keys(d)) == ['b'] and dict.get(d, 'b') == 2
`)
  })

  it('registries, `__missing__`, `super().__getitem__`, `fromkeys`, and classes derived from OrderedDict and defaultdict', () => {
    python(`
class Registry(dict):
    def register(self, name):
        def wrap(fn):
            self[name] = fn
            return fn
        return wrap

ACTIVATIONS = Registry()

@ACTIVATIONS.register('double')
def double(x):
    return 2 * x

assert ACTIVATIONS['double'](4) == 8 and list(ACTIVATIONS.keys()) == ['double'] and isinstance(ACTIVATIONS, dict)

class Counts(dict):
    def __missing__(self, key):
        return 0

cnt = Counts()
cnt['a'] += 1
cnt['a'] += 1
assert cnt == {'a': 2} and cnt['b'] == 0 and 'b' not in cnt and cnt.get('b') is None

class Scaled(dict):
    def __getitem__(self, key):
        return super().__getitem__(key) * 10

s = Scaled(a=1)
assert s['a'] == 10 and s.get('a') == 1 and dict(s) == {'a': 1} and list(s.values()) == [1]

fk = Scaled.fromkeys(['a', 'b'], 1)
assert type(fk) is Scaled and fk['b'] == 10 and dict.fromkeys('ab') == {'a': None, 'b': None}

from collections import OrderedDict, defaultdict

class Blocks(OrderedDict):
    pass

o = Blocks([('b', 1), ('a', 2)])
o.move_to_end('b')
assert list(o) == ['a', 'b'] and isinstance(o, OrderedDict) and type(o).__name__ == 'Blocks'

class Groups(defaultdict):
    def __init__(self):
        super().__init__(list)

g = Groups()
g['x'].append(1)
g['x'].append(2)
assert g['x'] == [1, 2] and isinstance(g, defaultdict) and type(g) is Groups and len(g) == 1
`)
  })

  it('lists: the methods, plain lists from slices and operators, attributes, `super().__init__`, overridden dunders', () => {
    python(`
class ModuleSpecs(list):
    def total(self):
        return sum(self)

specs = ModuleSpecs([3, 4])
specs.append(5)
specs.extend([1])
specs.insert(0, 2)
assert specs == [2, 3, 4, 5, 1] and specs.total() == 15 and type(specs) is ModuleSpecs
assert specs.pop() == 1 and specs.index(4) == 2 and specs.count(3) == 1
specs.sort(reverse=True)
assert specs == [5, 4, 3, 2] and specs[-1] == 2 and 4 in specs and len(specs) == 4
specs.reverse()
assert list(specs) == [2, 3, 4, 5] and sorted(specs, reverse=True) == [5, 4, 3, 2] and tuple(specs) == (2, 3, 4, 5)
# slices, +, *, list() and sorted() make plain lists; += extends in place
assert type(specs[1:]) is list and type(specs + [1]) is list and type(specs * 2) is list and type(list(specs)) is list and type(sorted(specs)) is list
specs += [6]
assert type(specs) is ModuleSpecs and specs[-1] == 6 and isinstance(specs, list) and issubclass(ModuleSpecs, list)
specs.name = 'blocks'
assert specs.name == 'blocks' and vars(specs) == {'name': 'blocks'}
first, *rest = specs
assert first == 2 and rest == [3, 4, 5, 6]

class Range(list):
    def __init__(self, n):
        super().__init__(range(n))
        self.n = n

r = Range(3)
assert r == [0, 1, 2] and r.n == 3 and r.__dict__ == {'n': 3}
r.__init__(2)
assert r == [0, 1] and r.n == 2

class Evens(list):
    def __iter__(self):
        return iter([x for x in super().__iter__() if x % 2 == 0])

    def __len__(self):
        return 99

    def __contains__(self, item):
        return item == 'any'

    def __getitem__(self, i):
        return super().__getitem__(i) * 10

ev = Evens([1, 2, 3, 4])
assert [x for x in ev] == [2, 4] and len(ev) == 99 and 'any' in ev and 1 not in ev and bool(ev) and ev[1] == 20
`)
  })

  it('`object.__setattr__`, `object.__delattr__` and `self.__dict__ = d` on instances of plain classes', () => {
    python(`
class P:
    def __init__(self):
        object.__setattr__(self, 'x', 1)

p = P()
assert p.x == 1 and hasattr(p, '__setattr__')
object.__delattr__(p, 'x')
assert not hasattr(p, 'x')

class Q:
    def __init__(self, **kw):
        self.__dict__ = kw

q = Q(a=2)
assert q.a == 2 and vars(q) == {'a': 2}
`)
  })

  it('print as the dict or list they are', () => {
    expect(
      printed(`
class AttrDict(dict):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__ = self

class Specs(list):
    pass

h = AttrDict(dim=4)
h.act = 'relu'
print(h, repr(Specs([1, 2])), type(h).__name__, type(Specs()).__name__)
`),
    ).toEqual(["{'dim': 4, 'act': 'relu'} [1, 2] AttrDict Specs"])
  })

  it('raise TypeError as Python does for wrong arguments, a wrong `__dict__`, hashing, and bases whose instances conflict', () => {
    expect(
      printed(`
class AttrDict(dict):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__ = self

class Specs(list):
    pass

caught = []
for attempt in [lambda: AttrDict(3), lambda: AttrDict({}, {}), lambda: Specs(1, 2), lambda: Specs(x=1), lambda: dict.keys([1]), lambda: hash(AttrDict()), lambda: setattr(Specs(), '__dict__', 3)]:
    try:
        attempt()
    except TypeError:
        caught.append(True)
try:
    class Both(dict, list):
        pass
except TypeError:
    caught.append(True)
try:
    class Failing(dict, ValueError):
        pass
except TypeError:
    caught.append(True)
print(len(caught))
`),
    ).toEqual(['9'])
    const conflict = pythonError('class Both(dict, list):\n    pass')
    expect([conflict.code, conflict.message]).toEqual(['type', '`Both`: multiple bases have instance lay-out conflict (`dict` and `list`).'])
    expect(pythonError('h = dict.keys([1])').message).toBe('Descriptor `keys` of `dict` objects needs a `dict`, got list.')
    const unhashable = pythonError('class D(dict):\n    pass\nhash(D())')
    expect(unhashable.message).toBe("unhashable type: 'D'")
  })

  it('refuses a class derived from both a module and a dict', () => {
    const error = pythonError('class Both(nn.Module, dict):\n    pass')
    expect([error.code, error.message]).toEqual(['unsupported', 'Deriving a class from both `Module` (a module) and `dict` is not supported yet.'])
  })
})

const hifiGanLike = `import torch
import torch.nn as nn
import torch.nn.functional as F

LRELU_SLOPE = 0.1


class AttrDict(dict):
    def __init__(self, *args, **kwargs):
        super(AttrDict, self).__init__(*args, **kwargs)
        self.__dict__ = self


class ResBlock(nn.Module):
    def __init__(self, h, channels, kernel_size=3, dilation=(1, 3)):
        super().__init__()
        self.h = h
        self.convs = nn.ModuleList([nn.Conv1d(channels, channels, kernel_size, 1, dilation=d, padding=(kernel_size * d - d) // 2) for d in dilation])

    def forward(self, x):
        for conv in self.convs:
            x = conv(F.leaky_relu(x, LRELU_SLOPE)) + x
        return x


class Generator(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.h = h
        self.num_kernels = len(h.resblock_kernel_sizes)
        self.num_upsamples = len(h["upsample_rates"])
        self.conv_pre = nn.Conv1d(h.num_mels, h.upsample_initial_channel, 7, 1, padding=3)
        self.ups = nn.ModuleList()
        for i, (u, k) in enumerate(zip(h.upsample_rates, h.upsample_kernel_sizes)):
            self.ups.append(nn.ConvTranspose1d(h.upsample_initial_channel // (2 ** i), h.upsample_initial_channel // (2 ** (i + 1)), k, u, padding=(k - u) // 2))
        self.resblocks = nn.ModuleList()
        for i in range(len(self.ups)):
            ch = h.upsample_initial_channel // (2 ** (i + 1))
            for k, d in zip(h.resblock_kernel_sizes, h.resblock_dilation_sizes):
                self.resblocks.append(ResBlock(h, ch, k, d))
        self.conv_post = nn.Conv1d(ch, 1, 7, 1, padding=3)

    def forward(self, x):
        x = self.conv_pre(x)
        for i in range(self.num_upsamples):
            x = self.ups[i](F.leaky_relu(x, LRELU_SLOPE))
            xs = None
            for j in range(self.num_kernels):
                y = self.resblocks[i * self.num_kernels + j](x)
                xs = y if xs is None else xs + y
            x = xs / self.num_kernels
        return torch.tanh(self.conv_post(F.leaky_relu(x)))


h = AttrDict({
    "num_mels": 16,
    "upsample_initial_channel": 32,
    "upsample_rates": [4, 2],
    "upsample_kernel_sizes": [8, 4],
    "resblock_kernel_sizes": [3, 5],
    "resblock_dilation_sizes": [[1, 3], [1, 3]],
})
`

const containersModel = `from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F


class Config(dict):
    def __getattr__(self, name):
        return self[name]


class Specs(list):
    def build(self):
        return nn.Sequential(*self)


class Blocks(OrderedDict):
    pass


class Net(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        specs = Specs()
        for i in range(cfg.depth):
            specs.append(nn.Conv2d(cfg.dim if i else 3, cfg.dim, 3))
        self.body = specs.build()
        heads = Blocks()
        heads['cls'] = nn.Linear(cfg.dim, cfg.classes)
        heads['box'] = nn.Linear(**Config(in_features=cfg.dim, out_features=4))
        self.heads = nn.ModuleDict(heads)
        self.extra = nn.ModuleList(Specs([nn.Identity(), nn.Linear(cfg.dim, cfg.dim)]))
        self.pad = Specs([1, 1, 2, 2])

    def forward(self, x):
        x = self.body(F.pad(x, self.pad))
        x = x.mean((2, 3))
        x = self.extra[1](self.extra[0](x))
        return self.heads['cls'](x), self.heads['box'](x)


cfg = Config(dim=8, depth=2, classes=5)
`

describe('models configured and built with classes derived from dict and list, as PyTorch 2.13 builds and runs them', () => {
  // Measured with PyTorch 2.13.0 (CPU, training mode): parameters summed from `m.parameters()`, saved activation bytes
  // by `torch.autograd.graph.saved_tensors_hooks` (each storage once, parameters and the input left out), as
  // test/fixtures/forward/generate.py measures them.
  it('a HiFi-GAN-like Generator(h) with h = AttrDict({...}): 13,521 parameters, output (2, 1, 80)', () => {
    const r = analyze({ files: { 'generator.py': hifiGanLike }, main: 'generator.py', entry: 'Generator(h)' }, { input: '2,16,10', device: 'cpu' })
    expect(r.params.total).toBe(13_521n)
    expect(r.tensors.filter((t) => t.kind === 'parameter')).toHaveLength(24)
    expect(r.forward?.outputShapes).toEqual([[2, 1, 80]])
    expect(r.forward?.savedBytes).toBe(97_920n)
  })

  it('a list subclass unpacked into nn.Sequential, an OrderedDict subclass into nn.ModuleDict, and one given to F.pad', () => {
    const r = analyze({ files: { 'net.py': containersModel }, main: 'net.py', entry: 'Net(cfg)' }, { input: '2,3,12,12', device: 'cpu' })
    expect(r.params.total).toBe(961n)
    expect(r.tensors.filter((t) => t.kind === 'parameter').map((t) => t.name)).toEqual([
      'body.0.weight', 'body.0.bias', 'body.1.weight', 'body.1.bias', 'heads.cls.weight', 'heads.cls.bias', 'heads.box.weight', 'heads.box.bias', 'extra.1.weight', 'extra.1.bias',
    ])
    expect(r.forward?.outputShapes).toEqual([[2, 5], [2, 4]])
    expect(r.forward?.savedBytes).toBe(16_256n)
  })
})
