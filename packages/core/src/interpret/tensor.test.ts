import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { failure, python } from '../../test/interpret.js'

describe('tensors while a model is built: shapes and dtypes, values only of small known tensors', () => {
  it('factories take sizes as arguments, a tuple or size=, with dtype', () => {
    python(`
assert torch.zeros(2, 3).shape == (2, 3) and torch.ones((4,)).shape == (4,) and torch.empty(size=(1, 2)).shape == (1, 2)
assert torch.zeros(2, dtype=torch.long).dtype == torch.int64 and torch.full((2,), 1).dtype == torch.int64 and torch.full((2,), 1.0).dtype == torch.float32
assert torch.arange(5).dtype == torch.int64 and torch.arange(0, 1, 0.25).shape == (4,) and torch.arange(0, 10, 2, dtype=torch.float).dtype == torch.float32
assert torch.linspace(0, 1, 7).shape == (7,) and torch.eye(3).shape == (3, 3) and torch.eye(2, 5).shape == (2, 5)
assert torch.tensor([[1, 2], [3, 4]]).shape == (2, 2) and torch.tensor([1.0, 2]).dtype == torch.float32 and torch.tensor(True).dtype == torch.bool
assert torch.Tensor(3, 4).shape == (3, 4) and torch.Tensor([1, 2]).dtype == torch.float32 and torch.LongTensor(2).dtype == torch.int64
assert torch.randn(2, 3).numel() == 6 and torch.zeros(2, 3).size(-1) == 3 and torch.zeros(2, 3).ndim == 2
`)
  })

  it('arithmetic broadcasts and promotes dtypes as PyTorch does', () => {
    python(`
a = torch.zeros(5, 1)
b = torch.zeros(4)
assert (a * b).shape == (5, 4) and (a + 1).dtype == torch.float32
assert (torch.arange(3) * 2.5).dtype == torch.float32 and (torch.arange(3) / 2).dtype == torch.float32 and (torch.arange(3) // 2).dtype == torch.int64
assert (torch.zeros(2, dtype=torch.float64) + torch.zeros(2)).dtype == torch.float64
assert (torch.zeros(2) + torch.tensor(1.0, dtype=torch.float64)).dtype == torch.float32
assert (torch.zeros(2, 3) @ torch.zeros(3, 4)).shape == (2, 4) and torch.matmul(torch.zeros(7, 2, 3), torch.zeros(3, 5)).shape == (7, 2, 5)
assert (torch.zeros(3) > 0).dtype == torch.bool and torch.exp(torch.arange(3)).dtype == torch.float32
`)
    const e = failure(() => python('torch.zeros(2, 3) + torch.zeros(4)'))
    expect(e.code).toBe('shape')
    expect(e.message).toContain('must match the size of tensor b (4) at non-singleton dimension 1')
  })

  it('shape methods: view with -1, transpose, permute, unsqueeze, squeeze, flatten, expand, repeat, chunk, split, indexing', () => {
    python(`
x = torch.zeros(2, 3, 4)
assert x.view(-1, 4).shape == (6, 4) and x.reshape(2, -1).shape == (2, 12) and x.transpose(0, 2).shape == (4, 3, 2)
assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.unsqueeze(1).shape == (2, 1, 3, 4) and x[:, :1].squeeze(1).shape == (2, 4)
assert x.flatten(1).shape == (2, 12) and x[:, :, None].expand(2, 3, 5, 4).shape == (2, 3, 5, 4) and x.repeat(1, 2, 1).shape == (2, 6, 4)
assert [t.shape for t in x.chunk(2, dim=-1)] == [(2, 3, 2), (2, 3, 2)] and [t.shape for t in x.split([1, 2], dim=1)] == [(2, 1, 4), (2, 2, 4)]
assert x[0].shape == (3, 4) and x[:, -1, :].shape == (2, 4) and x[:, [-1], :].shape == (2, 1, 4) and x[..., 1::2].shape == (2, 3, 2)
assert torch.cat([x, x], dim=1).shape == (2, 6, 4) and torch.stack([x, x]).shape == (2, 2, 3, 4) and x.t if False else True
`)
    // PyTorch 2.13's messages: `shape '[4, 2]' is invalid for input of size 6`, and with the `-1` as written.
    expect(failure(() => python('torch.zeros(2, 3).view(4, 2)')).message).toContain("shape '[4, 2]' is invalid for input of size 6")
    expect(failure(() => python('torch.zeros(2, 3).reshape(-1, 4)')).message).toContain("shape '[-1, 4]' is invalid for input of size 6")
  })

  it('torch.meshgrid gives one tensor per input of all their lengths; indexing="xy" swaps the first two', () => {
    // Measured with PyTorch 2.13: shapes (2, 3) for 'ij' (the default), (3, 2, 5) for 'xy'; a 0-d input counts 1.
    python(`
y, x = torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")
assert y.shape == (2, 3) and x.shape == (2, 3) and y.dtype == torch.int64
assert [t.shape for t in torch.meshgrid([torch.arange(2), torch.arange(3), torch.arange(5)], indexing="xy")] == [(3, 2, 5), (3, 2, 5), (3, 2, 5)]
assert [t.shape for t in torch.meshgrid(torch.tensor(3), torch.arange(4))] == [(1, 4), (1, 4)]
`)
    expect(failure(() => python('torch.meshgrid(torch.arange(2), torch.arange(3.0))')).message).toMatch(/meshgrid expects all tensors to have the same dtype/)
    expect(failure(() => python('torch.meshgrid(torch.zeros(2, 2))')).message).toMatch(/Expected 0D or 1D tensor/)
    expect(failure(() => python("torch.meshgrid(torch.arange(2), indexing='ab')")).message).toMatch(/indexing must be one of "xy" or "ij", but received: ab/)
  })

  it('torch.arange takes start, end and step by position or keyword', () => {
    // PyTorch 2.13: arange(0, 7, step=2) has 4 elements, arange(start=1, end=4) 3, arange(2, end=9) 7, arange(end=3) 3.
    python(`
assert torch.arange(0, 7, step=2).shape == (4,) and torch.arange(start=1, end=4).shape == (3,)
assert torch.arange(2, end=9).shape == (7,) and torch.arange(end=3).shape == (3,) and torch.arange(1, 10, step=3).dtype == torch.int64
`)
  })

  it('var and std reduce like mean; their keepdim is third by position (after unbiased)', () => {
    python(`
x = torch.zeros(2, 3, 4, 5)
assert torch.var(x, dim=1, unbiased=False, keepdim=True).shape == (2, 1, 4, 5) and x.var(-1).shape == (2, 3, 4)
assert x.std(dim=(1, 2)).shape == (2, 5) and torch.std(x).shape == () and x.var(1, True, True).shape == (2, 1, 4, 5)
`)
  })

  it('in-place tril_ and triu_ keep the tensor (a causal mask built with fill_ and triu_)', () => {
    python(`
mask = torch.empty(5, 5)
mask.fill_(float("-inf"))
assert mask.triu_(1) is mask and mask.tril_(0).shape == (5, 5)
`)
  })

  it('numpy scalar math on Python numbers gives floats, as numpy float64 works with tensors', () => {
    // PyTorch 2.13 with numpy: nn.Parameter(torch.ones([]) * np.log(1 / 0.07)) is a float32 scalar; np.log(0) is -inf.
    python(`
import math
import numpy as np
s = nn.Parameter(torch.ones([]) * np.log(1 / 0.07))
assert s.shape == () and s.dtype == torch.float32
assert abs(np.log(1 / 0.07) - 2.659260036932778) < 1e-12 and np.sqrt(16) == 4.0 and np.floor(2.5) == 2.0 and isinstance(np.floor(2.5), float)
assert np.log(0) == -np.inf and np.pi == math.pi
`)
    expect(failure(() => python("import numpy as np\nnp.log(['a'])")).message).toMatch(/is an array of Python objects, which nnsize does not model/)
    expect(failure(() => python('import numpy as np\nnn.Linear(2, int(np.polyval([2, 3], 1)))')).message).toContain('`np.polyval()` comes from `numpy`, which nnsize does not read')
  })

  it('repeat_interleave with an int repeats along a dimension, or over the flattened tensor', () => {
    // PyTorch 2.13: (2, 3, 4).repeat_interleave(2, dim=1) is (2, 6, 4); repeat_interleave(3) is (72,).
    python(`
x = torch.zeros(2, 3, 4)
assert x.repeat_interleave(2, dim=1).shape == (2, 6, 4) and x.repeat_interleave(3).shape == (72,) and torch.repeat_interleave(x, 2, dim=-1).shape == (2, 3, 8)
`)
    expect(failure(() => python('torch.zeros(2, 3).repeat_interleave(-1, dim=1)')).message).toMatch(/Repeats must be non-negative/)
    expect(failure(() => python('torch.zeros(2, 3).repeat_interleave(torch.tensor([1, 2]), dim=0)')).message).toMatch(/depends on its values/)
  })

  it('builds a sinusoidal positional encoding buffer, with slice assignment', () => {
    const r = analyze(`
import math
d_model, max_len = 8, 50
pe = torch.zeros(max_len, d_model)
position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
pe[:, 0::2] = torch.sin(position * div_term)
pe[:, 1::2] = torch.cos(position * div_term)
m = nn.Module()
m.register_buffer("pe", pe.unsqueeze(0).transpose(0, 1))
m`)
    expect(r.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual([['pe', [50, 1, 8], 'float32']])
  })

  it('complex tensors: torch.polar gives complex64 (8 bytes per element)', () => {
    const r = analyze(`
freqs = 1.0 / (10000.0 ** (torch.arange(0, 8, 2)[: 4].float() / 8))
t = torch.arange(16)
freqs = torch.outer(t, freqs).float()
m = nn.Module()
m.register_buffer("freqs_cis", torch.polar(torch.ones_like(freqs), freqs))
m`)
    expect(r.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual([['freqs_cis', [16, 4], 'complex64']])
    expect(r.buffers.bytes).toBe(16n * 4n * 8n)
  })

  it('values that depend on data are not known: item() and a tensor in a condition say so', () => {
    expect(failure(() => python('torch.randn(1).item()')).code).toBe('unsupported')
    expect(failure(() => python('if torch.randn(1):\n    pass')).code).toBe('unsupported')
  })

  it('nn.init functions check and return their tensor; calculate_gain and fans are computed', () => {
    python(`
w = nn.Parameter(torch.empty(4, 3, 2, 2))
assert nn.init.kaiming_uniform_(w, a=math.sqrt(5)) is w
fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(w)
assert (fan_in, fan_out) == (12, 16) and nn.init.calculate_gain("relu") == math.sqrt(2)
`)
  })

  it('torch.equal answers from known values, False for different shapes; bernoulli keeps the shape and dtype', () => {
    // PyTorch 2.13 prints True False True False False True; bernoulli of (2, 3) float32 is (2, 3) float32, of float64 float64.
    python(`
assert torch.equal(torch.tensor([1.0, 2.0]), torch.tensor([1, 2])) is True and torch.equal(torch.ones(2), torch.ones(3)) is False
assert torch.equal(torch.arange(3), torch.arange(3) * 1) and not torch.tensor(0.5).equal(torch.tensor(0.25))
assert not torch.equal(torch.ones(1, 2), torch.ones(2)) and torch.equal(torch.linspace(0, 1, 3), torch.tensor([0, 0.5, 1]))
b = torch.bernoulli(torch.full((2, 3), 0.5))
assert b.shape == (2, 3) and b.dtype == torch.float32 and torch.bernoulli(torch.zeros(4, dtype=torch.float64)).dtype == torch.float64
`)
    const random = failure(() => python('torch.equal(torch.bernoulli(torch.tensor(0.5)), torch.tensor(1.0))'))
    expect([random.code, random.message]).toEqual(['unsupported', expect.stringContaining('depends on their values')])
    expect(failure(() => python('torch.bernoulli(torch.ones(2, dtype=torch.int64))')).message).toContain('floating-point probabilities')
    expect(failure(() => python('torch.equal(torch.ones(2), 1)')).code).toBe('argument-type')
  })
})

describe('Tensor.type with a legacy tensor type', () => {
  it('casts to its dtype, as the class or its name, as PyTorch 2.13 does', () => {
    python(`
x = torch.arange(3.)
assert x.type(torch.LongTensor).dtype == torch.int64 and x.type('torch.ByteTensor').dtype == torch.uint8
assert x.type(torch.Tensor).dtype == torch.float32 and x.type(torch.float64).dtype == torch.float64
assert x.long().type() == 'torch.LongTensor'
`)
    expect(failure(() => python("torch.arange(3.).type('foo')")).message).toContain("invalid type: 'foo'")
  })
})

describe('torch.hstack, vstack, dstack and column_stack', () => {
  it('make each tensor at least 1-, 2- or 3-D and concatenate, as PyTorch 2.13 does', () => {
    python(`
a = torch.zeros(3)
b = torch.ones(3)
m = torch.zeros(2, 3)
assert torch.hstack([a, b]).shape == (6,) and torch.vstack([a, b]).shape == (2, 3) and torch.dstack([a, b]).shape == (1, 3, 2)
assert torch.column_stack([a, b]).shape == (3, 2) and torch.row_stack((a, b)).shape == (2, 3)
assert torch.hstack([m, m]).shape == (2, 6) and torch.vstack([m, m]).shape == (4, 3) and torch.dstack([m, m]).shape == (2, 3, 2)
assert torch.column_stack([m, torch.zeros(2)]).shape == (2, 4)
h = torch.hstack([torch.tensor(1.), torch.tensor(2)])
assert h.shape == (2,) and h.dtype == torch.float32
`)
    expect(failure(() => python('torch.hstack([])')).message).toContain('hstack expects a non-empty TensorList')
  })
})

describe('indexing a tensor with a name from a library nnsize does not read', () => {
  it("is that library's error, not a wrong count of indices", () => {
    const e = failure(() => python('import scipy\nt = torch.zeros(3)\nt[:, scipy.newaxis]'))
    expect(e.message).toContain('`scipy.newaxis` comes from `scipy`, which nnsize does not read')
  })
})

describe('torch.tensor of data other than nested lists', () => {
  it('takes a range as a sequence of ints, and refuses what PyTorch 2.13 refuses', () => {
    python(`
t = torch.tensor(range(4))
assert t.shape == (4,) and t.dtype == torch.int64
u = torch.tensor([range(2), range(2)])
assert u.shape == (2, 2) and u.dtype == torch.int64
`)
    expect(failure(() => python('torch.tensor(None)')).message).toContain('Could not infer dtype of NoneType')
    expect(failure(() => python("torch.tensor('ab')")).message).toContain("new(): invalid data type 'str'")
    expect(failure(() => python('import scipy\ntorch.tensor(scipy.x)')).message).toContain('`scipy.x` comes from `scipy`')
  })
})

describe('bit shifts of tensors', () => {
  it('shift integer tensors (a bool tensor as int64) and refuse floats, as PyTorch 2.13 does', () => {
    python(`
t = torch.tensor([64, 60, 50])
assert (t >> 2).shape == (3,) and (t >> 2).dtype == torch.int64 and (t << 1).dtype == torch.int64
assert (torch.tensor([1, 2], dtype=torch.int32) >> 1).dtype == torch.int32 and (torch.tensor([True]) >> 1).dtype == torch.int64
assert t.bitwise_right_shift(1).shape == (3,)
`)
    expect(failure(() => python('torch.tensor([1.5]) >> 1')).message).toContain(`"rshift_cpu" not implemented for 'Float'`)
  })
})

describe('nonzero and argwhere', () => {
  it('take their shape from known values, and refuse values nnsize does not know', () => {
    // PyTorch 2.13: (2, 2) int64, two (2,) tensors with as_tuple=True.
    python(`
t = torch.tensor([[0, 1], [2, 0]])
assert t.nonzero().shape == (2, 2) and t.nonzero().dtype == torch.int64 and torch.argwhere(t).shape == (2, 2)
a, b = t.nonzero(as_tuple=True)
assert a.shape == (2,) and b.shape == (2,)
assert torch.nonzero(torch.tensor([0., 3., 0., float('nan')])).shape == (2, 1)
`)
    expect(failure(() => python('torch.randn(3).nonzero()')).message).toContain("`nonzero` gives a shape that depends on the tensor's values")
  })
})
