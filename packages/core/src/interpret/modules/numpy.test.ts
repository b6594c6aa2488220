import { describe, expect, it } from 'vitest'
import { files, python, pythonError } from '../../../test/interpret.js'

describe('numpy scalars', () => {
  it('have item and astype, as numpy 2 gives them (Informer\'s `np.ceil(np.log(L_K)).astype("int").item()`)', () => {
    // Values of numpy 2 (Python 3.11).
    python(`
import numpy as np
a = np.ceil(np.log(96))
assert a == 5.0 and isinstance(a, float)
b = a.astype('int')
assert b == 5 and b.item() == 5 and isinstance(b.item(), int)
assert 5 * a.astype('int').item() == 25 and np.log(10).astype(int) == 2
assert np.log(10.).astype('float32').item() == 2.3025851249694824
assert np.sqrt(2).item() == 2 ** 0.5 and isinstance(np.sqrt(2).item(), float)
assert np.floor(-2.5).astype('int64').item() == -3 and np.log(0.06).astype(int).item() == -2
`)
  })

  it('power, maximum, minimum, prod and sum: int64 of ints, float64 otherwise (StarGAN\'s `np.power(2, repeat_num)`)', () => {
    // Values of numpy 2 (Python 3.11).
    python(`
import numpy as np
assert np.power(2, 4) == 16 and isinstance(np.power(2, 4).item(), int) and int(32 / np.power(2, 4)) == 2
assert np.power(2.0, 3) == 8.0 and isinstance(np.power(2.0, 3).item(), float) and np.power(2, 0.5) == 2 ** 0.5
assert np.maximum(3, 4.5) == 4.5 and np.minimum(3, 4) == 3 and isinstance(np.minimum(3, 4).item(), int)
assert np.prod([2, 3]) == 6 and isinstance(np.prod([2, 3]).item(), int) and np.prod((2, 3.0)) == 6.0
assert np.sum([1, 2]) == 3 and np.prod([]) == 1.0 and isinstance(np.prod([]).item(), float)
assert np.power(2, 63) == -9223372036854775808
`)
    expect(pythonError('import numpy as np\nnp.power(2, -1)').message).toContain('Integers to negative integer powers are not allowed.')
  })

  it('refuses an astype numpy does not know, and Python floats have no astype', () => {
    // numpy 2.4.6: np.log(3).astype('foo') raises TypeError: data type 'foo' not understood.
    expect(pythonError("import numpy as np\nnp.log(3).astype('foo')").message).toBe("data type 'foo' not understood")
    expect(pythonError('x = 3.0\nx.astype(int)').message).toContain('has no attribute `astype`')
  })
})

// Each program passes in Python 3.11 with numpy 2.4.6 and PyTorch 2.13.0 (CPU) as written (/work/torch-venv).
describe('numpy arrays while a model is built', () => {
  it('constructors and shapes: float64 and int64 defaults, dtypes numpy infers from data', () => {
    python(`
import numpy as np
# dtypes of the constructors: float64 and int64 defaults
assert np.arange(4).dtype == np.int64 and np.arange(4.0).dtype == np.float64 and np.arange(3, dtype=np.float32).dtype == np.float32
assert np.linspace(0, 1, 5).dtype == np.float64 and np.zeros((2, 3)).dtype == np.float64 and np.ones(3).shape == (3,)
assert np.empty([2, 3], dtype='int32').dtype == np.int32 and np.full((2,), 3).dtype == np.int64 and np.full((2,), 3.0).dtype == np.float64
assert np.array([1, 2.0]).dtype == np.float64 and np.array([True, 1]).dtype == np.int64 and np.array([np.float32(1), np.float32(2)]).dtype == np.float32
assert np.array([1, np.float32(2)]).dtype == np.float64 and np.array([]).shape == (0,) and np.array(3).shape == ()
assert np.array([[1, 2], [3, 4]], dtype=np.float32).dtype == np.float32 and np.array([[1, 2], [3, 4]]).shape == (2, 2)
assert np.asarray([1, 2]).dtype == np.int64 and np.eye(3).shape == (3, 3) and np.zeros_like(np.arange(3, dtype=np.int32)).dtype == np.int32
a = np.arange(6).reshape(2, 3)
assert a.shape == (2, 3) and a.ndim == 2 and a.size == 6 and len(a) == 2 and a.T.shape == (3, 2) and a.dtype == np.int64
assert a.reshape(-1).shape == (6,) and np.reshape(a, (3, -1)).shape == (3, 2) and a.flatten().shape == (6,) and a.ravel().shape == (6,)
assert np.ones((2, 3, 4)).transpose(1, 0, 2).shape == (3, 2, 4) and np.ones((2, 3, 4)).transpose().shape == (4, 3, 2)
assert np.expand_dims(np.ones(3), 0).shape == (1, 3) and np.expand_dims(np.ones(3), (0, 2)).shape == (1, 3, 1) and np.ones((1, 3)).squeeze().shape == (3,)
assert a.astype(np.float32).dtype == np.float32 and a.astype(float).dtype == np.float64 and a.astype('int32').dtype == np.int32
assert a.tolist() == [[0, 1, 2], [3, 4, 5]] and isinstance(a.tolist()[0][0], int)
assert np.array([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]] and np.array([1.7, -2.7], dtype=int).tolist() == [1, -2]
`)
  })

  it('values as numpy computes them: linspace, arange (float steps too), pairwise sums, reductions, grids', () => {
    python(`
import numpy as np
# values as numpy computes them
assert np.linspace(0, 0.1, 4).tolist() == [0.0, 0.03333333333333333, 0.06666666666666667, 0.1]
assert np.linspace(0, 1, 5, endpoint=False).tolist() == [0.0, 0.2, 0.4, 0.6000000000000001, 0.8]
assert np.linspace(0, 0.1, 4, dtype=np.float32).tolist() == [0.0, 0.03333333507180214, 0.06666667014360428, 0.10000000149011612]
assert np.linspace(0, 10, 4, dtype=int).tolist() == [0, 3, 6, 10] and np.linspace(2, 3, 1).tolist() == [2.0] and np.linspace(0, 1, 0).tolist() == []
assert np.arange(0, 1, 0.1).tolist() == [0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9]
assert np.arange(-1.5, 2.7, 0.7).tolist() == [-1.5, -0.8, -0.10000000000000009, 0.5999999999999996, 1.2999999999999998, 2.0, 2.6999999999999993]
assert np.arange(1, 2, 0.3, dtype=np.float32).tolist() == [1.0, 1.2999999523162842, 1.5999999046325684, 1.8999998569488525]
assert np.arange(1, 10, 3).tolist() == [1, 4, 7] and np.arange(5)[1:].shape == (4,)
dpr = [x.item() for x in np.linspace(0, 0.3, 4)]
assert dpr == [0.0, 0.09999999999999999, 0.19999999999999998, 0.3]
assert np.sum([0.1, 0.2, 0.3]) == 0.6000000000000001 and np.sum(np.arange(10) * 0.1) == 4.500000000000001 and np.mean(np.arange(10) * 0.1) == 0.45000000000000007
assert np.sum(np.arange(300) * 0.7) == 31395.0 and sum((np.arange(300) * 0.7).tolist()) == 31394.999999999996 and np.sum(np.arange(50) * 0.1) == 122.50000000000001
assert np.arange(6).reshape(2, 3).sum(axis=0).tolist() == [3, 5, 7] and np.arange(6).reshape(2, 3).sum(1, keepdims=True).shape == (2, 1)
assert np.prod(np.array([2, 3])) == 6 and isinstance(np.prod(np.array([2, 3])).item(), int) and np.arange(4).max() == 3 and np.mean(np.arange(4)) == 1.5
assert np.cumsum(np.array([1, 2, 3])).tolist() == [1, 3, 6] and np.cumsum(np.ones((2, 2), dtype=np.int32)).dtype == np.int64
assert np.sum(np.ones(3, dtype=np.float32)).dtype == np.float32 and np.mean(np.ones(3, dtype=np.int32)).dtype == np.float64
assert np.concatenate([np.arange(2), np.arange(3)]).tolist() == [0, 1, 0, 1, 2] and np.stack([np.arange(2), np.arange(2)]).tolist() == [[0, 1], [0, 1]]
xs, ys = np.meshgrid(np.arange(3), np.arange(2))
assert xs.tolist() == [[0, 1, 2], [0, 1, 2]] and ys.tolist() == [[0, 0, 0], [1, 1, 1]]
assert np.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]] and np.full((2,), 7).tolist() == [7, 7]
a = np.linspace(0, 1, 3)
assert a[1] == 0.5 and isinstance(a[1].item(), float) and a[-1] == 1.0 and [float(x) for x in a] == [0.0, 0.5, 1.0] and list(np.arange(3)) == [0, 1, 2]
assert np.arange(6).reshape(2, 3)[1].tolist() == [3, 4, 5] and np.arange(6).reshape(2, 3)[1, 2] == 5
`)
  })

  it('grids, joins, products, random arrays (shapes only) and type information', () => {
    python(`
import numpy as np
# shapes of grids, joins and products
f32 = np.arange(3, dtype=np.float32)
assert np.meshgrid(f32, np.arange(5))[0].shape == (5, 3) and np.meshgrid(f32, np.arange(5), indexing='ij')[1].shape == (3, 5)
assert np.meshgrid(f32, np.arange(5), np.arange(7))[0].shape == (5, 3, 7) and np.meshgrid(f32, np.arange(5))[1].dtype == np.int64
assert np.meshgrid(f32, np.arange(5), sparse=True)[0].shape == (1, 3) and len(np.meshgrid(f32, f32)) == 2
assert np.stack([f32, f32], axis=1).shape == (3, 2) and np.stack([f32, np.arange(3)]).dtype == np.float64
assert np.concatenate([np.ones((2, 3)), np.ones((2, 3))], axis=None).shape == (12,) and np.concatenate([np.ones((2, 2)), np.ones((2, 3))], axis=1).shape == (2, 5)
assert np.vstack([f32, f32]).shape == (2, 3) and np.hstack([f32, f32]).shape == (6,)
assert np.einsum('m,d->md', f32, np.arange(4, dtype=np.float64)).shape == (3, 4) and np.einsum('m,d->md', f32, np.arange(4, dtype=np.float64)).dtype == np.float64
assert np.outer(np.ones((2, 2)), f32).shape == (4, 3) and np.dot(np.ones((2, 3, 4)), np.ones((5, 4, 6))).shape == (2, 3, 5, 6)
assert np.random.rand(2, 3).shape == (2, 3) and np.random.randn(4).dtype == np.float64 and np.random.randint(0, 5, (2,)).dtype == np.int64
assert np.random.uniform(0, 1, (2,)).shape == (2,) and np.random.normal(size=(3,)).shape == (3,) and np.random.permutation(5).shape == (5,)
assert np.random.choice(5, 3).shape == (3,) and np.random.default_rng(0).random((2, 2)).shape == (2, 2)
np.random.seed(0)
assert np.float32(3).dtype == np.float32 and np.int64(3.7) == 3 and np.float64(f32).dtype == np.float64 and np.dtype('f4') == np.float32
assert np.finfo(np.float32).eps == 1.1920928955078125e-07 and np.iinfo(np.int32).max == 2147483647
`)
    // A random number alone has no value nnsize can know.
    expect(pythonError('import numpy as np\nx = np.random.rand()').code).toBe('unsupported')
  })

  it('element-wise functions keep numpy\'s dtypes (bool floors to bool, int8 sines to float16), and the other array functions', () => {
    python(`
import numpy as np
a = np.arange(6).reshape(2, 3)
assert a.reshape(3, 2, order='F').shape == (3, 2) and np.reshape(a, (3, 2), order='C').tolist() == [[0, 1], [2, 3], [4, 5]]
assert a.flatten().tolist() == [0, 1, 2, 3, 4, 5] and a.ravel('F').shape == (6,)
assert np.floor(np.array([True])).dtype == np.bool_ and np.square(np.array([True])).dtype == np.int8 and np.sin(np.array([1], dtype=np.int8)).dtype == np.float16
assert np.rint(np.arange(3)).dtype == np.float64 and np.round(2.5) == 2.0 and np.round(np.arange(3)).dtype == np.int64
assert np.arctan2(np.arange(2), np.arange(2)).dtype == np.float64 and np.logical_and(np.arange(2), 1).dtype == np.bool_
assert np.add(1, 2) == 3 and isinstance(np.add(1, 2).item(), int) and np.true_divide(3, 2) == 1.5 and np.floor_divide(-7, 2) == -4 and np.mod(-7, 2) == 1
assert np.maximum(2, 3.5) == 3.5 and np.minimum(np.arange(3), 1).shape == (3,) and np.minimum(np.arange(3), 1).dtype == np.int64
assert np.ndim([[1]]) == 2 and np.shape([[1, 2]]) == (1, 2) and np.size([[1, 2]]) == 2
assert np.atleast_2d(np.arange(2)).shape == (1, 2) and np.column_stack([np.arange(2), np.arange(2)]).shape == (2, 2)
assert np.moveaxis(np.ones((2, 3, 4)), 0, -1).shape == (3, 4, 2) and np.broadcast_to(np.arange(2), (3, 2)).shape == (3, 2)
assert np.tile(np.ones((2, 3)), (2, 1, 1)).shape == (2, 2, 3) and np.tile(np.ones((2, 3)), 2).shape == (2, 6) and np.repeat(np.arange(3), 2).shape == (6,)
assert np.logspace(0, 2, 3).dtype == np.float64 and np.identity(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
assert np.ones((2, 3)).std(0).shape == (3,) and np.std(np.arange(4)).dtype == np.float64 and np.argmax(np.arange(3, dtype=np.int32)).dtype == np.int64
assert np.ones(3).dtype.name == 'float64' and np.float64(1.5).dtype == np.float64
assert np.int64(300).astype(np.uint8) == 44 and np.int32(5).astype(np.int64) == 5
`)
  })

  it("numpy 2's removed aliases are its AttributeError where they are used as a dtype (MAE's `dtype=np.float`)", () => {
    // numpy 2.4.6: np.arange(4, dtype=np.float) raises AttributeError: module 'numpy' has no attribute 'float'. (and advice)
    const error = pythonError('import numpy as np\nomega = np.arange(4, dtype=np.float)')
    expect(error.message.split('\n')[0]).toBe("module 'numpy' has no attribute 'float'.")
    expect(error.code).toBe('unknown-attribute')
  })
})

describe('models that build position tables and schedules with numpy', () => {
  // DiT's and MAE's get_2d_sincos_pos_embed (np.arange float32, np.meshgrid, np.stack, reshape, np.einsum, np.sin and
  // np.cos, np.concatenate) written out with the same numpy calls, copied into a frozen parameter with
  // `torch.from_numpy(...).float()`, and a grid buffer left float64. PyTorch 2.13: 1,392 and 4,992 parameters.
  const sincos = `# The 2-D sine-cosine position table of DiT's and MAE's get_2d_sincos_pos_embed, written out with the same numpy calls.
import numpy as np
import torch
import torch.nn as nn


def sincos_1d(dim, positions):
    omega = np.arange(dim // 2, dtype=np.float64)
    omega /= dim / 2.
    omega = 1. / 10000**omega
    positions = positions.reshape(-1)
    angles = np.einsum('m,d->md', positions, omega)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)


def sincos_2d(dim, size, cls_token=False):
    grid_h = np.arange(size, dtype=np.float32)
    grid_w = np.arange(size, dtype=np.float32)
    grid = np.meshgrid(grid_w, grid_h)
    grid = np.stack(grid, axis=0)
    grid = grid.reshape([2, 1, size, size])
    table = np.concatenate([sincos_1d(dim // 2, grid[0]), sincos_1d(dim // 2, grid[1])], axis=1)
    if cls_token:
        table = np.concatenate([np.zeros([1, dim]), table], axis=0)
    return table


class Embed(nn.Module):
    def __init__(self, dim=48, size=4, cls_token=False):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, 2, 2)
        tokens = size * size + (1 if cls_token else 0)
        self.pos_embed = nn.Parameter(torch.zeros(1, tokens, dim), requires_grad=False)
        table = sincos_2d(dim, size, cls_token)
        assert table.shape == (tokens, dim) and table.dtype == np.float64
        self.pos_embed.data.copy_(torch.from_numpy(table).float().unsqueeze(0))
        self.register_buffer('grid', torch.from_numpy(np.stack(np.meshgrid(np.arange(size), np.arange(size, dtype=np.float32)))))

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2) + self.pos_embed`
  it('the 2-D sine-cosine table of DiT and MAE: a float32 parameter, a float64 buffer', () => {
    const small = files({ 'sincos.py': sincos }, 'sincos.py', 'Embed()')
    expect(small.params.total).toBe(1392n)
    expect(small.tensors.map((t) => [t.kind, t.name, t.shape, t.dtype])).toEqual([
      ['parameter', 'pos_embed', [1, 16, 48], 'float32'],
      ['parameter', 'proj.weight', [48, 3, 2, 2], 'float32'],
      ['parameter', 'proj.bias', [48], 'float32'],
      ['buffer', 'grid', [2, 4, 4], 'float64'],
    ])
    const large = files({ 'sincos.py': sincos }, 'sincos.py', 'Embed(dim=64, size=8, cls_token=True)')
    expect(large.params.total).toBe(4992n)
    expect(large.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual([
      ['pos_embed', [1, 65, 64], 'float32'],
      ['proj.weight', [64, 3, 2, 2], 'float32'],
      ['proj.bias', [64], 'float32'],
      ['grid', [2, 8, 8], 'float64'],
    ])
  })

  it("attention-is-all-you-need-pytorch's sinusoid table: np.array of lists, slice assignment, FloatTensor as a buffer", () => {
    // PyTorch 2.13: no parameters; pos_table (1, 200, 64) and (1, 7, 10), float32.
    const source = `# attention-is-all-you-need-pytorch's PositionalEncoding table, written out with the same numpy calls.
import numpy as np
import torch
import torch.nn as nn


class PositionalEncoding(nn.Module):
    def __init__(self, d_hid, n_position=200):
        super().__init__()
        self.register_buffer('pos_table', self._table(n_position, d_hid))

    def _table(self, n_position, d_hid):
        def angles(position):
            return [position / np.power(10000, 2 * (j // 2) / d_hid) for j in range(d_hid)]

        table = np.array([angles(p) for p in range(n_position)])
        table[:, 0::2] = np.sin(table[:, 0::2])
        table[:, 1::2] = np.cos(table[:, 1::2])
        return torch.FloatTensor(table).unsqueeze(0)

    def forward(self, x):
        return x + self.pos_table[:, :x.size(1)].clone().detach()`
    for (const [entry, shape] of [['PositionalEncoding(64)', [1, 200, 64]], ['PositionalEncoding(10, n_position=7)', [1, 7, 10]]] as const) {
      const r = files({ 'sinusoid.py': source }, 'sinusoid.py', entry)
      expect(r.params.total).toBe(0n)
      expect(r.tensors.map((t) => [t.kind, t.name, t.shape, t.dtype])).toEqual([['buffer', 'pos_table', shape, 'float32']])
    }
  })

  it("dinov2's drop-path rates from np.linspace(...).tolist(), and np.prod of a shape in a message", () => {
    // PyTorch 2.13: Net() has 216 parameters (three Linear(8, 8)); Net(drop_path_rate=0.1) 72 (rates 0.0, 0.05, 0.1).
    const source = `import numpy as np
import torch
import torch.nn as nn

class Net(nn.Module):
    # dinov2 / many ViTs: stochastic-depth rates from np.linspace(...).tolist()
    def __init__(self, depth=3, drop_path_rate=0.0):
        super().__init__()
        dpr = np.linspace(0, drop_path_rate, depth).tolist()
        self.blocks = nn.ModuleList([nn.Dropout(dpr[i]) if dpr[i] > 0.0 else nn.Linear(8, 8) for i in range(depth)])
        # ldm Decoder: numpy reduction of a tuple of ints, only printed
        self.z_shape = (1, 4, 2, 2)
        print("z of shape {} = {} dimensions".format(self.z_shape, np.prod(self.z_shape)))

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return x`
    const plain = files({ 'net.py': source }, 'net.py', 'Net()')
    expect(plain.params.total).toBe(216n)
    expect(plain.notes).toEqual(['z of shape (1, 4, 2, 2) = 16 dimensions'])
    expect(files({ 'net.py': source }, 'net.py', 'Net(drop_path_rate=0.1)').params.total).toBe(72n)
  })
})
