import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'

const model = (body: string) => `import torch
import torch.nn as nn
import torch.nn.functional as F
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 5)
    def forward(self, x):
        y = self.fc(x)
        ${body}
m = M()
`

const traced = (body: string) => analyze(model(body), { input: '3,5', device: 'cpu' }).forward!
const fails = (body: string) => () => analyze(model(body), { input: '3,5' })

// Every number below was measured with PyTorch 2.13 (CPU, input (3, 5) requiring grad, saved-tensor hooks, the
// input left out; `y` is the linear layer's output, 60 bytes of float32).

describe('index_select and tile', () => {
  it('index_select keeps only its index; tile keeps nothing', () => {
    const selected = traced('return y.index_select(1, torch.tensor([0, 2, 2, 4])) * 2')
    expect(selected.outputShape).toEqual([3, 4])
    // IndexSelectBackward0: the int64 index, 4 × 8 bytes
    expect(selected.savedBytes).toBe(32n)
    const int32 = traced('return torch.index_select(y, 0, torch.tensor([1, 0], dtype=torch.int32)) * 2')
    expect(int32.outputShape).toEqual([2, 5])
    expect(int32.savedBytes).toBe(8n)
    const tiled = traced('return torch.tile(y, (2,)) * 2')
    expect(tiled.outputShape).toEqual([3, 10])
    expect(tiled.savedBytes).toBe(0n)
    expect(traced('return y.tile(2, 1, 1) * 2').outputShape).toEqual([2, 3, 5])
  })

  it('refuses the index PyTorch refuses', () => {
    expect(fails('return y.index_select(1, torch.tensor([[0]]))')).toThrow('index_select(): Index is supposed to be a vector')
    expect(fails('return y.index_select(1, torch.tensor([0.0]))')).toThrow('index_select(): Expected dtype int32 or int64 for index')
    expect(fails('return y.index_select(2, torch.tensor([0]))')).toThrow('Dimension out of range')
  })
})

describe('isnan, isinf, isfinite, isposinf, isneginf, signbit and isclose', () => {
  it('make bool tensors; isfinite and isclose keep what their inner abs keep', () => {
    // Each product keeps its bool mask (15 bytes): 5 × 15.
    const masks = traced('return y * torch.isnan(y) + y * y.isinf() + y * torch.isposinf(y) + y * torch.isneginf(y) + y * torch.signbit(y)')
    expect(masks.outputShape).toEqual([3, 5])
    expect(masks.savedBytes).toBe(75n)
    // `isfinite` runs `y.abs()`, whose AbsBackward0 keeps `y`.
    expect(traced('return torch.isfinite(y)').savedBytes).toBe(60n)
    // `isclose`: the difference and its abs (2 × 60), and `rtol * other` when the other requires grad.
    expect(traced('return torch.isclose(y, y.flip(0))').savedBytes).toBe(180n)
    expect(traced('return torch.isclose(y, y.flip(0).detach())').savedBytes).toBe(120n)
    // with no tolerance it is `y == other` alone
    expect(traced('return torch.isclose(y, y.flip(0), rtol=0, atol=0)').savedBytes).toBe(0n)
  })

  it('isclose needs one dtype', () => {
    expect(fails('return torch.isclose(y, torch.ones(5, dtype=torch.float64))')).toThrow('Float did not match Double')
  })
})

describe('take_along_dim, logaddexp, xlogy, sgn, heaviside, fmax and rot90', () => {
  it('keep what their backward reads', () => {
    // GatherBackward0: the (3, 1) int64 index (24 bytes) and `y` (60)
    const taken = traced('return torch.take_along_dim(y, torch.tensor([[0], [1], [2]]), dim=1) * 2')
    expect(taken.outputShape).toEqual([3, 1])
    expect(taken.savedBytes).toBe(84n)
    // both operands of each: `y` and `y.flip(0)`
    expect(traced('return torch.logaddexp(y, y.flip(0)) + torch.logaddexp2(y, y.flip(0).detach())').savedBytes).toBe(180n)
    expect(traced('return torch.xlogy(y, y.flip(0)) + torch.xlogy(y, 2.0)').savedBytes).toBe(120n)
    expect(traced('return torch.fmax(y, y.flip(0)) + torch.fmin(y.detach(), y.flip(0))').savedBytes).toBe(180n)
    // SgnBackward0: the input and the result, for each call
    expect(traced('return torch.sgn(y) + y.sgn()').savedBytes).toBe(180n)
    expect(traced('return torch.heaviside(y, y.flip(0))').savedBytes).toBe(0n)
    const turned = traced('return torch.rot90(y) * 2 + y.rot90(3, [1, 0]) * 2')
    expect(turned.outputShape).toEqual([5, 3])
    expect(turned.savedBytes).toBe(0n)
  })

  it('refuses what PyTorch refuses', () => {
    expect(fails('return torch.logaddexp(torch.arange(5), torch.arange(5))')).toThrow(`"logaddexp_cpu" not implemented for 'Long'`)
    expect(fails('return torch.heaviside(y, torch.arange(5))')).toThrow('heaviside is not yet implemented for tensors with different dtypes.')
    expect(fails('return torch.take_along_dim(y, torch.tensor([[0]], dtype=torch.int32), 1)')).toThrow('torch.take_along_dim(): dtype of indices should be Long but got Int')
    expect(fails('return torch.take_along_dim(y, torch.tensor([0]), 1)')).toThrow('input and indices should have the same number of dimensions, but got 2 dimensions for input, and 1 dimensions for indices')
    expect(fails('return torch.rot90(y, 1, [0])')).toThrow('expected total rotation dims == 2, but got dims = 1')
    expect(fails('return torch.rot90(y, 1, [1, 1])')).toThrow('expected rotation dims to be different, but got dim0 = 1 and dim1 = 1')
    expect(fails('return torch.rot90(y[0])')).toThrow('expected total dims >= 2, but got total dims = 1')
  })
})

describe('F.pairwise_distance and masked_select', () => {
  it('pairwise_distance keeps the shifted difference and the norms (NormBackward1)', () => {
    // `y - y.flip(0) + eps` (60 bytes) and the (3,) norms (12 bytes)
    const distance = traced('return F.pairwise_distance(y, y.flip(0))')
    expect(distance.outputShape).toEqual([3])
    expect(distance.savedBytes).toBe(72n)
    expect(traced('return F.pairwise_distance(y, y[0].detach(), keepdim=True) * 2').outputShape).toEqual([3, 1])
    // (3, 5) + (3,) for the first, (5,) + () for the second
    expect(traced('return F.pairwise_distance(y.detach(), y.flip(0), p=1.0).sum() + F.pairwise_distance(y[0], y[1])').savedBytes).toBe(96n)
  })

  it('masked_select has a known length for a mask of known values, and refuses the mask PyTorch refuses', () => {
    const built = `import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        n = torch.randn(3, 5).masked_select(torch.tensor([True, False, True, True, False])).shape[0]
        m = torch.masked_select(torch.randn(3, 5), torch.tensor([[True], [False], [True]])).shape[0]
        self.fc = nn.Linear(n, m)
    def forward(self, x):
        return self.fc(x)
m = M()
`
    // PyTorch 2.13: 9 and 10 elements selected
    expect(analyze(built).params.total).toBe(9n * 10n + 10n)
    expect(fails('return y.masked_select(torch.ones(5))')).toThrow('masked_select: expected BoolTensor for mask')
    expect(fails('return y.masked_select(torch.ones(4, dtype=torch.bool))')).toThrow('The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1')
    // A mask computed in `forward` has values nnsize does not know: the forward pass is left untraced, with the reason.
    expect(analyze(model('return y.masked_select(y > 0)'), { input: '3,5' }).forwardNote?.message).toContain('depends on the values of the mask')
  })
})
