import { describe, expect, it } from 'vitest'
import { analyze } from '../index.js'

const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

describe('scatter_ in forward, as a vector-quantising layer builds its one-hot codes', () => {
  const source = `${prelude}class OneHot(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(6, 3)

    def forward(self, x):
        inds = torch.argmin(x, dim=1).unsqueeze(1)
        one_hot = torch.zeros(inds.size(0), 6)
        one_hot.scatter_(1, inds, INDEX_VALUE)
        return torch.matmul(one_hot, self.embedding.weight)
OneHot()`

  it('keeps the one-hot matrix for the weight’s gradient and nothing for the scatter of a number into a constant', () => {
    const forward = analyze(source.replace('INDEX_VALUE', '1'), { input: '5,6', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (5, 3); 120 bytes saved (the float32 (5, 6) one-hot
    // matrix); FlopCounterMode 180 FLOPs of aten.mm.
    expect(forward.outputShape).toEqual([5, 3])
    expect(forward.savedBytes).toBe(120n)
    expect(forward.savedBytesWithInput).toBe(120n)
    expect(forward.flopCounter.byOp).toEqual({ 'aten.mm': 180n })
  })

  it('refuses an index of another rank or dtype, as PyTorch does', () => {
    expect(() => analyze(source.replace('inds, INDEX_VALUE', 'inds[:, 0], 1'), { input: '5,6' })).toThrow('Index tensor must have the same number of dimensions as self tensor')
    expect(() => analyze(source.replace('inds, INDEX_VALUE', 'inds.float(), 1'), { input: '5,6' })).toThrow('scatter(): Expected dtype int32/int64 for index')
  })
})

describe('element-wise results take the layout of their operands, as TensorIterator lays them out', () => {
  // Samples of a latent: the mean repeated and permuted, as importance-weighted VAEs do.
  const source = `${prelude}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 10)

    def forward(self, x):
        mu = self.fc(x).repeat(5, 1, 1).permute(1, 0, 2)
        std = torch.exp(0.5 * mu)
        z = torch.randn_like(std) * std + mu
        return (z - mu) / mu, z.contiguous().view(-1, 10)
Net()`

  it('keeps what autograd keeps from a repeated tensor, which requires grad', () => {
    const forward = analyze(source, { input: '2,4', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): outputs (2, 5, 10) and (10, 10); 1,600 bytes saved (exp's
    // result, the noise, the divisor — the repeated mean — and the difference, 400 bytes each).
    expect(forward.outputShapes).toEqual([[2, 5, 10], [10, 10]])
    expect(forward.savedBytes).toBe(1600n)
  })

  it('a view of a result laid out as its permuted operand fails, as in PyTorch', () => {
    expect(() => analyze(source.replace('z.contiguous().view', 'z.view'), { input: '2,4', device: 'cpu' })).toThrow("view size is not compatible with input tensor's size and stride")
  })
})

describe('gather in forward, as a diffusion model reads its schedule at the sampled timesteps', () => {
  const source = `${prelude}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 10)
        self.register_buffer('table', torch.linspace(0, 1, 1000))

    def forward(self, x, t, i):
        y = self.fc(x)
        g = y.gather(1, i) + torch.gather(y, -1, i[:, :1])
        w = self.table.gather(-1, t).reshape(-1, 1)
        return g * w
Net()`

  it('keeps the index and the gathered tensor when it requires grad, nothing for a buffer', () => {
    const forward = analyze(source, { input: '4,10; 4:int64; 4,3:int64', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (4, 3); 176 bytes saved without the inputs (the linear
    // layer's output, kept by both gathers, and the product's operands), 432 with them (the input, the index).
    expect(forward.outputShape).toEqual([4, 3])
    expect(forward.savedBytes).toBe(176n)
    expect(forward.savedBytesWithInput).toBe(432n)
  })

  it('refuses an index of another rank, dtype or a larger size, as PyTorch does', () => {
    const run = (call: string) => () => analyze(source.replace('y.gather(1, i)', call), { input: '4,10; 4:int64; 4,3:int64' })
    expect(run('y.gather(1, i[:, 0])')).toThrow('Index tensor must have the same number of dimensions as input tensor')
    expect(run('y.gather(1, i.float())')).toThrow('gather(): Expected dtype int32/int64 for index')
    expect(run('y.gather(1, i.repeat(2, 1))')).toThrow('Size does not match at dimension 0 expected index [8, 3] to be no larger than self [4, 10] apart from dimension 1')
    expect(run('y.gather(2, i)')).toThrow('Dimension out of range')
  })
})
