import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { failure, printed, python } from '../../test/interpret.js'

const names = (source: string): string[] => analyze(source).tensors.map((t) => `${t.name}:${t.shape.join('x')}:${t.dtype}`)

describe('nn.Module semantics, as PyTorch', () => {
  it('registers parameters, buffers and submodules in assignment order; reassignment keeps the place', () => {
    const source = `
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.b = nn.Linear(2, 2)
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))
        self.a = nn.Parameter(torch.ones(3))
        self.b = nn.Linear(2, 4)
        self.extra = None
        self.gate = nn.Parameter(torch.zeros(1), requires_grad=False)
Net()`
    // `named_parameters()` lists a module's own parameters before its children's.
    expect(names(source)).toEqual(['a:3:float32', 'gate:1:float32', 'b.weight:4x2:float32', 'b.bias:4:float32', 'steps::int64'])
    const r = analyze(source)
    expect(r.params.frozen).toBe(1n)
    expect(r.modules.map((m) => m.path)).toEqual(['', 'b'])
  })

  it('None placeholders, register_parameter, add_module and non-persistent buffers', () => {
    const r = analyze(`
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_parameter("bias", None)
        self.add_module("proj", nn.Linear(2, 2, bias=False))
        self.register_buffer("mask", torch.ones(4, 4).tril(), persistent=False)
        self.register_buffer("nothing", None)
        self.head = None
M()`)
    expect(r.tensors.map((t) => [t.name, t.kind, t.persistent])).toEqual([
      ['proj.weight', 'parameter', true],
      ['mask', 'buffer', false],
    ])
  })

  it('ties weights by assignment (counted once, listed under the first name)', () => {
    const r = analyze(`
class LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 8)
        self.head = nn.Linear(8, 100, bias=False)
        self.head.weight = self.embed.weight
LM()`)
    expect(r.params.total).toBe(800n)
    expect(r.tensors.map((t) => t.name)).toEqual(['embed.weight'])
  })

  it('refuses to assign a plain tensor over a parameter, or a number over a module, as PyTorch does', () => {
    const tensor = failure(() => analyze('m = nn.Linear(2, 2)\nm.weight = torch.zeros(2, 2)\nm'))
    expect(tensor.code).toBe('type')
    expect(tensor.message).toContain('as parameter `weight` (torch.nn.Parameter or None expected)')
    expect(failure(() => analyze('m = nn.Sequential(nn.ReLU())\nm.add_module("a.b", nn.ReLU())\nm')).code).toBe('argument-value')
  })

  it('freezes with a loop over parameters, and casts with .double(), .half() and .to()', () => {
    const r = analyze(`
m = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
for p in m[0].parameters():
    p.requires_grad = False
m.double()`)
    expect(r.params.frozen).toBe(6n)
    expect(r.tensors.map((t) => t.dtype)).toEqual(['float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'int64'])
    expect(analyze('nn.Linear(2, 2).to(torch.float16)').params.bytes).toBe(12n)
    expect(failure(() => analyze('nn.Linear(2, 2).to(torch.int64)')).message).toContain('only accepts floating point or complex dtypes')
  })

  it('ModuleList, ModuleDict and Sequential methods: append, extend, insert, +=, indexing, slicing, iteration, len', () => {
    python(`
layers = nn.ModuleList()
layers.append(nn.Linear(1, 1))
layers.extend([nn.ReLU(), nn.Tanh()])
layers.insert(1, nn.Identity())
layers += [nn.GELU()]
assert len(layers) == 5 and type(layers[1]).__name__ == "Identity" and len(layers[1:3]) == 2
assert [type(m).__name__ for m in layers] == ["Linear", "Identity", "ReLU", "Tanh", "GELU"]
del layers[0]
assert len(layers) == 4 and type(layers[0]).__name__ == "Identity"
d = nn.ModuleDict({"a": nn.ReLU()})
d["b"] = nn.Tanh()
assert list(d.keys()) == ["a", "b"] and "b" in d and len(d) == 2
s = nn.Sequential(nn.ReLU())
s.append(nn.Tanh())
assert len(s + s) == 4 and isinstance(s[-1], nn.Tanh) and len(s[:1]) == 1
assert not nn.Sequential() and bool(s)
`)
  })

  it('ParameterList and ParameterDict wrap tensors into parameters', () => {
    expect(names('nn.ParameterList([torch.zeros(2), nn.Parameter(torch.ones(3, 3))])')).toEqual(['0:2:float32', '1:3x3:float32'])
    expect(names('p = nn.ParameterDict({"scale": torch.ones(4)})\np["shift"] = torch.zeros(4)\np')).toEqual(['scale:4:float32', 'shift:4:float32'])
  })

  it('apply, named_parameters, modules and children iterate in PyTorch order', () => {
    expect(
      analyze(`
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        self.head = nn.Linear(2, 1)
        self.seen = []
        self.apply(self._init)
        self.names = [n for n, _ in self.named_parameters()]
        self.count = sum(p.numel() for p in self.parameters())
        assert [type(m).__name__ for m in self.modules()] == ["Net", "Sequential", "Linear", "ReLU", "Linear"]
        assert [n for n, _ in self.named_children()] == ["body", "head"]
        assert self.names == ["body.0.weight", "body.0.bias", "head.weight", "head.bias"] and self.count == 9
        assert self.seen == ["Linear", "ReLU", "Sequential", "Linear", "Net"]
    def _init(self, m):
        self.seen.append(type(m).__name__)
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.bias)
Net()`).params.total,
    ).toBe(9n)
  })

  it('reads built-in layers’ arguments back as attributes, and getattr(nn, name) finds layers', () => {
    python(`
conv = nn.Conv2d(3, 8, 3, stride=2)
assert conv.in_channels == 3 and conv.kernel_size == (3, 3) and conv.stride == (2, 2) and conv.bias is not None
ln = nn.LayerNorm(4)
assert ln.eps == 1e-05 and ln.normalized_shape == (4,)
rnn = getattr(nn, "GRU")(4, 8, 2)
assert rnn.hidden_size == 8 and rnn.num_layers == 2 and isinstance(rnn, nn.GRU) and isinstance(rnn, nn.Module)
`)
  })

  it('subclasses of built-in layers build the layer into themselves, and may replace its submodules', () => {
    const r = analyze(`
class Model(nn.Transformer):
    def __init__(self, d):
        super(Model, self).__init__(d_model=d, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=8)
        self.decoder = nn.Linear(d, 3)
Model(4)`)
    expect(r.module).toBe('Model')
    expect(r.modules.filter((m) => m.depth === 1).map((m) => `${m.path}:${m.type}`)).toEqual(['encoder:TransformerEncoder', 'decoder:Linear'])
    const seq = analyze('class Stack(nn.Sequential):\n    def __init__(self, n):\n        super().__init__(*[nn.Linear(2, 2) for _ in range(n)])\nStack(3)')
    expect(seq.module).toBe('Stack')
    expect(seq.params.total).toBe(18n)
  })

  it('copies modules with copy.deepcopy, keeping sharing inside the copy', () => {
    const r = analyze(`
import copy
block = nn.Linear(4, 4)
pair = nn.Sequential(block, block)
nn.ModuleList([copy.deepcopy(pair) for _ in range(3)])`)
    expect(r.params.total).toBe(60n)
  })

  it('a module called while being built is traced for its output shape', () => {
    python(`
features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.MaxPool2d(2), nn.Flatten())
n = features(torch.zeros(1, 1, 10, 10)).shape[1]
assert n == 64
`)
  })
})

describe('nn.Module.__setattr__ and __getattr__ called by name', () => {
  it('register and find submodules as attribute assignment and lookup do', () => {
    const source = `
class Tree(nn.Module):
    def __init__(self, levels):
        super().__init__()
        for i in range(levels):
            self.__setattr__('level_%d' % i, nn.Linear(2, 2))
        self.__setattr__('scale', nn.Parameter(torch.ones(2)))
        self.head = self.__getattr__('level_%d' % (levels - 1))
Tree(2)`
    expect(names(source)).toEqual(['scale:2:float32', 'level_0.weight:2x2:float32', 'level_0.bias:2:float32', 'level_1.weight:2x2:float32', 'level_1.bias:2:float32'])
    expect(failure(() => analyze(source.replace("'level_%d' % (levels - 1)", "'depth'"))).message).toContain('`Tree` object has no attribute `depth`')
  })
})

describe('nn.ModuleList with None items', () => {
  it('registers None as PyTorch does: counted in len, skipped by named_children and parameters', () => {
    // PyTorch 2.13: ModuleList([Linear(1, 1), None, ReLU()]) has len 3, m[1] is None, children '0' and '2', 2 parameters.
    python(`
m = nn.ModuleList([nn.Linear(1, 1), None, nn.ReLU()])
assert len(m) == 3 and m[1] is None and [n for n, _ in m.named_children()] == ['0', '2']
assert sum(1 for _ in m.parameters()) == 2 and [x is None for x in m] == [False, True, False]
`)
  })

  it('append and extend take None too (x-transformers\' `skip_combines.append(None)`), and refuse other values', () => {
    // PyTorch 2.13: children '0': None, '1': None, '2': ReLU(), len 3; append(3) is `TypeError: int is not a Module subclass`.
    python(`
l = nn.ModuleList()
l.append(None)
l.extend([None, nn.ReLU()])
assert len(l) == 3 and l[0] is None and l[1] is None and [n for n, _ in l.named_children()] == ['2']
s = nn.Sequential()
s.append(None)
assert len(s) == 1
`)
    expect(failure(() => python('l = nn.ModuleList()\nl.append(3)')).message).toContain('int is not a Module subclass')
  })

  it('reads the constructor arguments of a built-in base in the forward of a Python subclass', () => {
    // PyTorch 2.13 prints (2, 2) (0, 0) (1, 1) 1 and gives (1, 8, 4, 4) for a (1, 3, 9, 9) input.
    const r = analyze(
      `
class SameConv(nn.Conv2d):
    def __init__(self, i, o, k, stride=1, **kwargs):
        super().__init__(i, o, k, stride, **kwargs)
    def forward(self, x):
        print(self.stride, self.padding, self.dilation, self.groups)
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
SameConv(3, 8, 3, 2, bias=False)`,
      { input: '1,3,9,9', device: 'cpu' },
    )
    expect(r.notes).toContain('(2, 2) (0, 0) (1, 1) 1')
    expect(r.forward?.outputShapes).toEqual([[1, 8, 4, 4]])
  })
})

describe('deleting a submodule', () => {
  it('by delattr(), self.__delattr__ and nn.Module.__delattr__, as RepVGG\'s switch_to_deploy does', () => {
    // PyTorch 2.13: each leaves `b` alone, 10 parameters.
    for (const del of ["delattr(self, 'a')", "self.__delattr__('a')", "nn.Module.__delattr__(self, 'a')", 'del self.a']) {
      const r = analyze(`class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = nn.Linear(4, 4)\n        self.b = nn.Linear(4, 2)\n        ${del}\nM()`)
      expect(r.params.total, del).toBe(10n)
      expect(r.tensors.map((t) => t.name), del).toEqual(['b.weight', 'b.bias'])
    }
  })
})

describe('state_dict and load_state_dict, as PyTorch 2.13 runs them', () => {
  // Every printed line below is what PyTorch 2.13 prints for the same program.
  it('state_dict lists a shared module under each of its names, own tensors first, with a prefix', () => {
    expect(
      printed(`import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 3)
        self.b = self.a
        self.register_buffer('r', torch.zeros(2), persistent=False)
        self.register_buffer('q', torch.zeros(2))
m = M()
print(list(m.state_dict().keys()))
print(list(m.state_dict(prefix='p.').keys()))`),
    ).toEqual(["['q', 'a.weight', 'a.bias', 'b.weight', 'b.bias']", "['p.q', 'p.a.weight', 'p.a.bias', 'p.b.weight', 'p.b.bias']"])
  })

  it('load_state_dict checks keys, shapes and values, strictly or not, and assign takes the dtype', () => {
    expect(
      printed(`import torch
import torch.nn as nn
t = nn.Linear(2, 3)
print(t.load_state_dict(nn.Linear(2, 3).state_dict()).missing_keys)
r = t.load_state_dict({'weight': torch.zeros(3, 2), 'bias': torch.zeros(3), 'x.y': torch.zeros(1)}, strict=False)
print(r.missing_keys, r.unexpected_keys)
for sd in [{'weight': torch.zeros(3, 2)}, {'weight': torch.zeros(3, 2), 'bias': torch.zeros(3), 'extra': torch.zeros(1), 'z': 1}, {'weight': torch.zeros(2, 2), 'bias': torch.zeros(3)}, {'weight': 3, 'bias': torch.zeros(3)}]:
    try:
        t.load_state_dict(sd)
    except Exception as e:
        print(type(e).__name__, repr(str(e)))
try:
    t.load_state_dict([1])
except Exception as e:
    print(type(e).__name__, repr(str(e)))
s = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
print(s.load_state_dict({'0.weight': torch.zeros(3, 2, dtype=torch.float64), '0.bias': torch.zeros(3)}, assign=True).unexpected_keys, s[0].weight.dtype, s[0].weight.requires_grad)
try:
    s.load_state_dict({'0.weight': torch.zeros(3, 2), '0.bias': torch.zeros(3), '1.foo': torch.zeros(1), '2.x': torch.zeros(1)})
except Exception as e:
    print(type(e).__name__, repr(str(e)))
class Q(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('n', None)
        self.register_buffer('r', torch.zeros(2), persistent=False)
        self.s = nn.Parameter(torch.tensor(1.0))
q = Q()
print(q.load_state_dict({'s': torch.ones(1), 'r': torch.zeros(2)}, strict=False).unexpected_keys)`),
    ).toEqual([
      '[]',
      "[] ['x.y']",
      `RuntimeError 'Error(s) in loading state_dict for Linear:\\n\\tMissing key(s) in state_dict: "bias". '`,
      `RuntimeError 'Error(s) in loading state_dict for Linear:\\n\\tUnexpected key(s) in state_dict: "extra", "z". '`,
      `RuntimeError 'Error(s) in loading state_dict for Linear:\\n\\tsize mismatch for weight: copying a param with shape torch.Size([2, 2]) from checkpoint, the shape in current model is torch.Size([3, 2]).'`,
      `RuntimeError 'Error(s) in loading state_dict for Linear:\\n\\tWhile copying the parameter named "weight", expected torch.Tensor or Tensor-like object from checkpoint but received <class \\'int\\'>'`,
      `TypeError "Expected state_dict to be dict-like, got <class 'list'>."`,
      '[] torch.float64 True',
      `RuntimeError 'Error(s) in loading state_dict for Sequential:\\n\\tUnexpected key(s) in state_dict: "2.x", "1.foo". '`,
      "['r']",
    ])
  })

  it("a target network built as a copy of the online one (CleanRL's DQN) counts both", () => {
    const r = analyze(`import torch.nn as nn
class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        self.online = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        self.target = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        self.target.load_state_dict(self.online.state_dict())
model = Agent()`)
    // PyTorch 2.13: 46 parameters, 23 in each network.
    expect(r.params.total).toBe(46n)
  })
})
