import { describe, expect, it } from 'vitest'
import { printed, python, pythonError } from '../../test/interpret.js'

describe('Python semantics the interpreter follows (each program checks itself with assert)', () => {
  it('ints are exact, with floor division and modulo of Python', () => {
    python(`
assert 7 // 2 == 3 and -7 // 2 == -4 and 7 // -2 == -4
assert -7 % 3 == 2 and 7 % -3 == -2
assert 2 ** 100 == 1267650600228229401496703205376
assert 10 / 4 == 2.5 and 2 ** -1 == 0.5
assert True + True == 2 and 1 == 1.0 and {1: 'a'}[1.0] == 'a'
assert divmod(-7, 2) == (-4, 1) and abs(-3) == 3 and round(2.5) == 2 and round(3.5) == 4 and round(1234, -2) == 1200
assert int('1_000') == 1000 and int(3.9) == 3 and int(-3.9) == -3 and float('1e-3') == 0.001
assert 1 < 2 < 3 and not (1 < 3 < 2) and 3 > 2 >= 2
assert (1 << 10) == 1024 and (255 & 15) == 15 and (1 | 2) == 3 and ~0 == -1
`)
  })

  it('strings: f-strings, format specs, % and .format', () => {
    expect(
      printed(`
d = 7
print(f"{d:03d}|{3.14159:.2f}|{1234567:,}|{'x':>4}|{0.5:.1%}|{255:x}|{d!r}")
print("%d-%s-%.3f-%5.1f|%-4s|" % (3, "a", 1 / 3, 2.25, "ab"))
print("{} and {name}".format(1, name="two"), "{0}{0}".format("ab"))
print(repr("it's"), repr('say "hi"'), str(1e-05), str(1e16), str(0.1 + 0.2), 3.0)
print("a,b,,c".split(","), " x y ".split(), "-".join(["a", "b"]), "abc".upper()[::-1])
`),
    ).toEqual([
      "007|3.14|1,234,567|   x|50.0%|ff|7",
      '3-a-0.333-  2.2|ab  |',
      '1 and two abab',
      `"it's" 'say "hi"' 1e-05 1e+16 0.30000000000000004 3.0`,
      "['a', 'b', '', 'c'] ['x', 'y'] a-b CBA",
    ])
  })

  it('lists, tuples, dicts and sets: operations, slicing, comprehensions, unpacking', () => {
    python(`
a = [1, 2, 3, 4, 5]
assert a[1:4] == [2, 3, 4] and a[::-2] == [5, 3, 1] and a[-2:] == [4, 5]
a[1:3] = [9]
assert a == [1, 9, 4, 5]
a.append(6); a.insert(0, 0); a.extend(range(2)); a += [7]
assert a == [0, 1, 9, 4, 5, 6, 0, 1, 7] and a.pop() == 7 and a.index(9) == 2
first, *rest, last = [1, 2, 3, 4]
assert first == 1 and rest == [2, 3] and last == 4
(x, y), z = (1, 2), 3
assert x + y + z == 6
d = {k: v for k, v in zip("abc", range(3)) if v != 1}
assert d == {"a": 0, "c": 2} and list(d.items()) == [("a", 0), ("c", 2)]
d.update(b=5); d["a"] += 1
assert sorted(d) == ["a", "b", "c"] and d.get("z", 9) == 9 and d.pop("c") == 2
s = {1, 2, 3} & {2, 3, 4}
assert s == {2, 3} and {1} | {2} == {1, 2} and {x % 3 for x in range(10)} == {0, 1, 2}
assert [i * j for i in range(3) for j in range(2) if i] == [0, 1, 0, 2]
assert sum(x for x in range(5)) == 10 and any(x > 3 for x in range(5)) and not all([1, 0])
assert max([3, 1, 2]) == 3 and min(3, 1, 2) == 1 and max(["aa", "b"], key=len) == "aa"
assert sorted([3, 1, 2], reverse=True) == [3, 2, 1] and list(reversed((1, 2))) == [2, 1]
assert list(enumerate("ab", start=1)) == [(1, "a"), (2, "b")] and list(map(lambda v: v * 2, [1, 2])) == [2, 4]
assert list(filter(None, [0, 1, 2])) == [1, 2] and len(range(0, 10, 3)) == 4 and 9 in range(0, 10, 3)
assert (1, 2) < (1, 3) and [1, 2] == [1, 2] and (1,) + (2,) == (1, 2) and [0] * 3 == [0, 0, 0]
`)
  })

  it('functions: defaults, *args, **kwargs, keyword-only, positional-only, closures, lambdas, recursion, generators', () => {
    python(`
def f(a, b=2, *args, c, d=4, **kw):
    return (a, b, args, c, d, kw)
assert f(1, c=3) == (1, 2, (), 3, 4, {})
assert f(1, 5, 6, 7, c=3, e=8) == (1, 5, (6, 7), 3, 4, {"e": 8})
def p(a, /, b):
    return a - b
assert p(5, b=2) == 3
def counter():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    return inc
c = counter(); c(); c()
assert c() == 3
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
assert fact(20) == 2432902008176640000
adders = [lambda x, i=i: x + i for i in range(3)]
assert [g(10) for g in adders] == [10, 11, 12]
def gen(n):
    for i in range(n):
        if i % 2:
            yield i
assert list(gen(6)) == [1, 3, 5]
total = 0
def add(x):
    global total
    total += x
add(2); add(3)
assert total == 5
`)
  })

  it('control flow: while/for with break, continue and else; try/except/else/finally; with; assert', () => {
    python(`
out = []
for i in range(10):
    if i == 2:
        continue
    if i == 5:
        break
    out.append(i)
else:
    out.append("no break")
assert out == [0, 1, 3, 4]
n = 0
while n < 3:
    n += 1
else:
    n = n * 10
assert n == 30
def g():
    try:
        return {"a": 1}["b"]
    except KeyError as e:
        return "missing " + str(e).split()[0]
    finally:
        pass
assert g().startswith("missing")
def h():
    try:
        x = 1
    except Exception:
        x = 2
    else:
        x = 3
    finally:
        x = x * 10
    return x
assert h() == 30
try:
    raise ValueError("bad")
except (TypeError, ValueError) as e:
    assert e.args == ("bad",) and str(e) == "bad"
try:
    [][1]
except LookupError:
    pass
with torch.no_grad():
    x = 5
assert x == 5
`)
  })

  it('classes: inheritance with C3 MRO, super() in both forms, properties, class and static methods, class attributes', () => {
    python(`
class A:
    kind = "a"
    def __init__(self, v):
        self.v = v
    def name(self):
        return "A"
    @property
    def double(self):
        return self.v * 2
    @double.setter
    def double(self, value):
        self.v = value // 2
    @classmethod
    def make(cls, v):
        return cls(v)
    @staticmethod
    def helper(x):
        return x + 1
class B(A):
    def name(self):
        return "B" + super().name()
class C(A):
    kind = "c"
    def name(self):
        return "C" + super(C, self).name()
class D(B, C):
    def name(self):
        return "D" + super().name()
d = D.make(4)
assert d.name() == "DBCA" and [k.__name__ for k in D.__mro__] == ["D", "B", "C", "A", "object"]
assert d.double == 8 and d.kind == "c" and D.helper(1) == 2 and isinstance(d, A) and issubclass(D, C)
d.double = 20
assert d.v == 10 and hasattr(d, "v") and not hasattr(d, "w") and getattr(d, "w", 7) == 7
setattr(d, "w", 1)
assert d.w == 1 and type(d) is D and d.__class__.__name__ == "D"
`)
  })

  it('dataclasses: fields in order, defaults, field(default_factory), __post_init__, inheritance', () => {
    python(`
from dataclasses import dataclass, field
from typing import Optional, List
@dataclass
class Config:
    dim: int = 16
    n_heads: Optional[int] = None
    names: List[str] = field(default_factory=list)
    ratio: float = 4.0
    def __post_init__(self):
        if self.n_heads is None:
            self.n_heads = self.dim // 4
@dataclass
class Big(Config):
    depth: int = 2
c = Config(32)
assert c.dim == 32 and c.n_heads == 8 and c.names == [] and c.ratio == 4.0
b = Big(dim=8, depth=3)
assert (b.dim, b.n_heads, b.depth) == (8, 2, 3) and repr(Config()) == "Config(dim=16, n_heads=4, names=[], ratio=4.0)"
c.__dict__.update({"dim": 64})
assert c.dim == 64
`)
  })

  it('math, functools, itertools, collections and copy', () => {
    python(`
import math, functools, itertools, collections, copy
assert math.sqrt(16) == 4.0 and math.floor(2.7) == 2 and math.ceil(2.1) == 3 and math.gcd(12, 18) == 6
assert abs(math.log(10000.0) - 9.210340371976184) < 1e-12 and math.isclose(math.erf(1.0), 0.8427007929497149)
assert math.prod([2, 3, 4]) == 24 and math.factorial(5) == 120 and math.log(8, 2) == 3.0
assert functools.reduce(lambda a, b: a * b, [1, 2, 3, 4]) == 24 and functools.partial(pow, 2)(10) == 1024
assert list(itertools.chain([1], (2, 3))) == [1, 2, 3] and list(itertools.product("ab", repeat=2))[1] == ("a", "b")
assert list(itertools.islice(itertools.count(5), 3)) == [5, 6, 7] and len(list(itertools.combinations(range(4), 2))) == 6
dd = collections.defaultdict(list)
dd["x"].append(1)
assert dd["x"] == [1]
P = collections.namedtuple("P", "x y")
p = P(1, y=2)
assert p.x + p.y == 3 and p[1] == 2 and tuple(p) == (1, 2)
a = [[1], [2]]
b = copy.deepcopy(a)
b[0].append(3)
assert a == [[1], [2]] and copy.copy(a)[0] is a[0]
`)
  })

  it('print, warnings.warn and f-strings in constructors become notes', () => {
    expect(printed('import warnings\nprint("params:", 3, sep=" ")\nwarnings.warn("careful")')).toEqual(['params: 3', 'warning: careful'])
  })

  it('raise and a failed assert point at the statement, with the message', () => {
    const source = 'x = 1\nraise ValueError("When using the tied flag, nhid must be equal to emsize")'
    const raised = pythonError(source)
    expect(raised.code).toBe('exception')
    expect(raised.message).toBe("The model's code raised `ValueError`: When using the tied flag, nhid must be equal to emsize")
    expect(raised.span).toEqual({ start: 6, end: source.length })
    const failed = pythonError('n = 3\nassert n % 2 == 0, f"n={n} must be even"')
    expect(failed.code).toBe('exception')
    expect(failed.message).toBe('`assert n % 2 == 0` failed: n=3 must be even.')
  })

  it('unknown names get suggestions; unsupported statements reached say so', () => {
    const e = pythonError('hidden_size = 3\nhiden_size + 1')
    expect(e.code).toBe('unknown-name')
    expect(e.suggestions).toContain('hidden_size')
    expect(pythonError('match 1:\n    case 1:\n        pass').code).toBe('unsupported-syntax')
    expect(pythonError('async def f():\n    pass').code).toBe('unsupported-syntax')
  })

  it('code that is never run may be anything Python parses', () => {
    python(`
def train(model, loader, optimizer):
    async def fetch():
        await something()
    match loader:
        case [first, *rest]:
            pass
    for data, target in loader:
        optimizer.zero_grad()
        loss = model(data).sum()
        loss.backward()
if False:
    import this_does_not_exist
    exec("anything")
`)
  })
})

describe('identity of strings, as CPython interns them', () => {
  it('a name-like string constant is the same object wherever it comes from', () => {
    python(`
def block(kind='normal'):
    assert kind is 'normal' and kind is not 'proj' and '' is ''
    return kind
assert block() == 'normal'
`)
  })
})

describe('namedtuple configs as model files write them', () => {
  it('defaults set through T.__new__.__defaults__, _fields, _replace and _asdict', () => {
    python(`
import collections
Params = collections.namedtuple('Params', ['width', 'depth', 'dropout'])
Params.__new__.__defaults__ = (None,) * len(Params._fields)
p = Params(width=1.0)
assert p == (1.0, None, None) and Params._fields == ('width', 'depth', 'dropout')
q = p._replace(depth=2, dropout=0.2)
assert q.depth == 2 and q.width == 1.0 and p.depth is None and q._fields == Params._fields
assert q._asdict() == {'width': 1.0, 'depth': 2, 'dropout': 0.2}
Block = collections.namedtuple('Block', 'kernel stride', defaults=[1])
assert Block(3) == (3, 1) and Block.__new__.__defaults__ == (1,)
`)
  })

  it('unknown fields of _replace and other attributes of a built-in function are errors', () => {
    expect(pythonError("import collections\nP = collections.namedtuple('P', 'x')\nP(1)._replace(y=2)").message).toContain("Got unexpected field names: ['y']")
    expect(pythonError("import collections\nP = collections.namedtuple('P', 'x')\nP.__new__.other = 1").message).toContain('has no attribute `other` to set')
  })
})

describe('locals()', () => {
  it('is a snapshot dict of the names the function has bound (kwargs = dict(locals()) in a constructor)', () => {
    python(`
def f(a, b=2, *, s1_dim=3):
    kwargs = dict(locals())
    c = 4
    return kwargs, locals()

k, l = f(1)
assert k == {'a': 1, 'b': 2, 's1_dim': 3} and l == {'a': 1, 'b': 2, 's1_dim': 3, 'kwargs': k, 'c': 4}
`)
    expect(() => python('locals(1)')).toThrow(/takes no arguments/)
  })
})

describe('torch.device and torch.accelerator as text, as PyTorch 2.13 (CPU) prints them', () => {
  it('str of a device is its name, repr names its type and index', () => {
    const code = "d = torch.device('cpu')\nprint(d, str(d), repr(d), f'{d}', torch.device('cuda', 1), repr(torch.device('cuda:0')))"
    expect(printed(code)).toEqual(["cpu cpu device(type='cpu') cpu cuda:1 device(type='cuda', index=0)"])
  })

  it('a CPU build has no accelerator', () => {
    const code = 'print(torch.accelerator.is_available(), torch.accelerator.current_accelerator(), torch.accelerator.device_count())'
    expect(printed(code)).toEqual(['False None 0'])
  })
})
