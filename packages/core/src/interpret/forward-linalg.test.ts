import { describe, expect, it } from 'vitest'
import { analyze } from '../index.js'
import { python } from '../../test/interpret.js'

const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

/** A model whose forward runs `body` on the output `x` of a linear layer of `width` features (so that `x` requires grad). */
function model(body: string, width: number): string {
  return `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(${width}, ${width})\n        self.cos = nn.CosineSimilarity(dim=-1)\n        self.register_buffer('inv_freq', 1.0 / (10000 ** (torch.arange(0, 8, 2).float() / 8)))\n\n    def forward(self, x):\n        x = self.fc(x)\n        ${body}\nmodel = Net()\n`
}

describe('distances, norms, products and diagonals in forward, as PyTorch 2.13 keeps them', () => {
  // Measured with PyTorch 2.13 (CPU, training mode) on an input of the given shape that requires grad, with saved-tensor
  // hooks (distinct storages) and FlopCounterMode: the output shape, the bytes saved without and with the input, and the
  // FLOPs (those of `fc` and of any `mm`/`bmm`/`baddbmm`).
  const cases: Array<[string, string, number, number[], number, number, number]> = [
    ['return torch.cdist(x.view(2, 5, 4), x.view(2, 5, 4)[:, :3])', '2,20', 20, [2, 5, 3], 280, 440, 1600],
    ['return torch.cdist(x.view(2, 1, 5, 4), x.view(2, 5, 4)[:1, :3].expand(3, 3, 4))', '2,20', 20, [2, 3, 5, 3], 520, 680, 1600],
    ['return torch.cdist(x.view(2, 30, 4), x.view(2, 30, 4).detach())', '2,120', 120, [2, 30, 30], 8160, 9120, 57600],
    ['a = x.view(2, 1, 30, 4)\n        return torch.cdist(a, a[0])', '2,120', 120, [2, 1, 30, 30], 9120, 10080, 57600],
    ['a = x.view(2, 4, 30).transpose(1, 2)\n        return torch.cdist(a, a[:, :5], p=2.0)', '2,120', 120, [2, 30, 5], 2320, 3280, 57600],
    ['return torch.cdist(x.view(30, 8), x.view(30, 8)[:26].transpose(0, 1).t())', '30,8', 8, [30, 26], 4080, 5040, 3840],
    ['a = x.view(2, 5, 4)\n        return torch.cdist(a, a[:1], compute_mode=\'use_mm_for_euclid_dist\')', '2,20', 20, [2, 5, 5], 520, 680, 1600],
    ['a = x.view(2, 30, 4)\n        return torch.cdist(a, a[:1], p=2, compute_mode=\'donot_use_mm_for_euclid_dist\')', '2,120', 120, [2, 30, 30], 8160, 9120, 57600],
    ['a = x.view(2, 30, 4)\n        return torch.cdist(a, a[:1], 1.0)', '2,120', 120, [2, 30, 30], 8160, 9120, 57600],
    ['return torch.logsumexp(x, -1)', '3,5', 5, [3], 72, 132, 150],
    ['return x.logsumexp((0, 1), keepdim=True)', '3,5', 5, [1, 1], 64, 124, 150],
    ['return torch.logsumexp(torch.arange(6).view(3, 2), dim=1) + x', '2,3', 3, [2, 3], 0, 24, 36],
    ['return torch.outer(x[0], x[1])', '2,6', 6, [6, 6], 48, 96, 144],
    ['return torch.outer(x[0], x[1].detach())', '2,6', 6, [6, 6], 48, 96, 144],
    ['return x[0].detach().outer(x[1])', '2,6', 6, [6, 6], 48, 96, 144],
    ['t = torch.arange(x.shape[0], dtype=torch.float32)\n        freqs = torch.ger(t, self.inv_freq)\n        return x * torch.cat([freqs, freqs], -1).cos()', '5,8', 8, [5, 8], 160, 320, 640],
    ['return F.cosine_similarity(x[:3], x[3:])', '6,5', 5, [3], 288, 408, 300],
    ['return F.cosine_similarity(x.view(2, 3, 5), x.view(2, 3, 5)[:1], dim=-1)', '6,5', 5, [2, 3], 456, 576, 300],
    ['return F.cosine_similarity(x.view(2, 1, 5), x.view(2, 5).detach(), -1)', '2,5', 5, [2, 2], 152, 192, 100],
    ['return torch.cosine_similarity(x[:3], x[3:], -1)', '6,5', 5, [3], 288, 408, 300],
    ['return self.cos(x[:3], x[3:])', '6,5', 5, [3], 288, 408, 300],
    ['return F.cosine_similarity(x, torch.ones(3, 5, dtype=torch.long))', '3,5', 5, [3], 144, 204, 150],
    ['return F.cosine_similarity(x, x.double())', '3,5', 5, [3], 432, 492, 150],
    ['return F.cosine_similarity(x[0], x[1], dim=0)', '2,5', 5, [], 96, 136, 100],
    ['return torch.cumprod(x, 1)', '3,5', 5, [3, 5], 120, 180, 150],
    ['return x.cumprod(1, dtype=torch.float64)', '3,5', 5, [3, 5], 180, 240, 150],
    ['v, m = torch.var_mean(x, -1)\n        return v + m', '3,5', 5, [3], 60, 120, 150],
    ['v, m = torch.var_mean(x, False)\n        return v * m', '3,5', 5, [], 68, 128, 150],
    ['s, m = torch.std_mean(x, dim=0, keepdim=True)\n        return s, m', '3,5', 5, [1, 5], 80, 140, 150],
    ['a = x.view(2, 3, 4)\n        b = x.view(2, 4, 3)\n        return torch.baddbmm(torch.zeros(3), a, b.detach())', '2,12', 12, [2, 3, 3], 96, 192, 720],
    ['a = x.view(2, 3, 4)\n        return torch.baddbmm(a, a.detach(), a.detach().transpose(1, 2).matmul(a.detach()))', '2,12', 12, [2, 3, 4], 0, 96, 960],
    ['return torch.atan2(x, x.detach().flip(0))', '3,5', 5, [3, 5], 120, 180, 150],
    ['return x[:, :1].atan2(x[0])', '3,5', 5, [3, 5], 60, 120, 150],
    ['return torch.hypot(x, x.flip(0))', '3,5', 5, [3, 5], 180, 240, 150],
    ['return torch.hypot(x.detach(), x)', '3,5', 5, [3, 5], 120, 180, 150],
    ['return torch.addcmul(x, x[:, :1], x[0].detach(), value=2)', '3,5', 5, [3, 5], 60, 120, 150],
    ['return torch.addcmul(x.detach(), x[:, :1].detach(), x[0])', '3,5', 5, [3, 5], 60, 120, 150],
    ['return torch.addcdiv(x, x[:, :1].detach(), x[0].detach())', '3,5', 5, [3, 5], 60, 120, 150],
    ['return x.detach().addcdiv(x[:, :1].detach(), x[0])', '3,5', 5, [3, 5], 60, 120, 150],
    ['return x.detach().addcdiv(x[:, :1], x[0].detach())', '3,5', 5, [3, 5], 60, 120, 150],
    ['return torch.diag(x[0]) + torch.diag(x, 1).sum()', '4,5', 5, [5, 5], 0, 80, 200],
    ['return torch.diag(x[0], -2)', '4,5', 5, [7, 7], 0, 80, 200],
    ['return torch.diag_embed(x, offset=1, dim1=0, dim2=2)', '2,4', 4, [5, 2, 5], 0, 32, 64],
    ['return torch.diagonal(x.view(2, 4, 5), 1, 0, 2) * 2', '8,5', 5, [4, 2], 0, 160, 400],
    ['return x.view(2, 4, 5).diagonal(dim1=-2, dim2=-1).exp()', '8,5', 5, [2, 4], 32, 192, 400],
    ['return torch.diff(x, dim=-1)', '3,5', 5, [3, 4], 0, 60, 150],
    ['return x.diff(n=2, dim=0)', '4,5', 5, [2, 5], 0, 80, 200],
    ['return torch.diff(x, prepend=x[:, :2], append=torch.zeros(3, 1))', '3,5', 5, [3, 7], 0, 60, 150],
    ['return torch.trace(x) * x', '4,5', 5, [4, 5], 84, 164, 200],
    ['return torch.dist(x, x.flip(0).detach()) * x', '3,5', 5, [3, 5], 124, 184, 150],
    ['return x.dist(x[0], 1) * x', '3,5', 5, [3, 5], 64, 124, 150],
    ['return torch.cross(x.view(4, 3), x.view(4, 3).detach(), dim=-1)', '4,3', 3, [4, 3], 48, 96, 72],
    ['return torch.cross(x.view(2, 3, 3), x.view(2, 3, 3).flip(0))', '6,3', 3, [2, 3, 3], 144, 216, 108],
    ['return torch.linalg.cross(x.view(2, 1, 3), x.view(1, 2, 3))', '2,3', 3, [2, 2, 3], 24, 48, 36],
    ['return torch.frac(x) * x', '3,5', 5, [3, 5], 120, 180, 150],
    ['v, i = torch.cummax(x, -1)\n        return v', '3,5', 5, [3, 5], 180, 240, 150],
    ['return x.cummin(0).values', '3,5', 5, [3, 5], 180, 240, 150],
    ['return torch.kthvalue(x, 2, -1).values', '3,5', 5, [3], 24, 84, 150],
    ['return x.kthvalue(2, 0, True)[0]', '3,5', 5, [1, 5], 40, 100, 150],
    ['return torch.mode(x, -1)[0]', '3,5', 5, [3], 24, 84, 150],
    ['return torch.block_diag(x, x[0], x[0, 0])', '2,3', 3, [4, 7], 0, 24, 36],
    ['return torch.linalg.vector_norm(x, dim=-1)', '3,5', 5, [3], 72, 132, 150],
    ['return torch.linalg.vector_norm(x)', '3,5', 5, [], 64, 124, 150],
    ['return torch.linalg.vector_norm(x, ord=float(\'inf\'), dim=(0,), keepdim=True, dtype=torch.float64)', '3,5', 5, [1, 5], 100, 160, 150],
    ['return torch.linalg.norm(x, dim=-1)', '3,5', 5, [3], 72, 132, 150],
    ['return torch.linalg.norm(x, \'fro\')', '3,5', 5, [], 64, 124, 150],
    ['return torch.linalg.norm(x.view(2, 3, 5), dim=(1, 2))', '6,5', 5, [2], 128, 248, 300],
    ['return torch.linalg.matrix_norm(x.view(2, 3, 5), keepdim=True)', '6,5', 5, [2, 1, 1], 128, 248, 300],
    ['return torch.linalg.vecdot(x, x.detach())', '3,5', 5, [3], 60, 120, 150],
    ['return torch.linalg.vecdot(x.view(3, 1, 5), x, dim=-1)', '3,5', 5, [3, 3], 60, 120, 150],
    ['return torch.linalg.matmul(x.view(2, 4, 5), x[:4].t())', '8,5', 5, [2, 4, 4], 160, 320, 720],
    ['return torch.linalg.diagonal(x.view(2, 4, 5), offset=-1) + 1', '8,5', 5, [2, 3], 0, 160, 400],
    ['return x * torch.linalg.vector_norm(self.fc.weight, dim=1)', '3,5', 5, [3, 5], 80, 140, 150],
    ['with torch.no_grad():\n            y = torch.cdist(x, x) + torch.logsumexp(x, 1, keepdim=True) + torch.linalg.vector_norm(x, dim=1)\n        return y', '3,5', 5, [3, 3], 0, 60, 150],
  ]
  for (const [body, input, width, shape, saved, withInput, flops] of cases) {
    it(body, () => {
      const f = analyze(model(body, width), { input, device: 'cpu' }).forward!
      expect([f.outputShape, f.savedBytes, f.savedBytesWithInput, f.flopCounter.total]).toEqual([shape, BigInt(saved), BigInt(withInput), BigInt(flops)])
    })
  }
})

describe('multiply-accumulates of cdist, logsumexp and baddbmm', () => {
  it('cdist counts batch × P × R × M, twice as much again in backward; FlopCounterMode counts none (PyTorch 2.13)', () => {
    const f = analyze(model('return torch.cdist(x.view(2, 30, 4), x.view(2, 30, 4).detach())', 120), { input: '2,120', device: 'cpu' }).forward!
    // fc: 2 · 120 · 120 = 28,800; cdist: 2 · 30 · 30 · 4 = 7,200. Backward: 2 × each.
    expect([f.macs, f.backwardMacs, f.flopCounter.byOp]).toEqual([36000n, 72000n, { 'aten.addmm': 57600n }])
  })

  it('logsumexp counts one per input element, as a sum does', () => {
    const f = analyze(model('return torch.logsumexp(x, -1)', 5), { input: '3,5', device: 'cpu' }).forward!
    // fc: 3 · 5 · 5 = 75; logsumexp: 15.
    expect(f.macs).toBe(90n)
  })

  it('baddbmm is b × n × m × p, which FlopCounterMode counts as aten.baddbmm whatever beta and alpha', () => {
    const f = analyze(model('a = x.view(2, 3, 4)\n        b = x.view(2, 4, 3)\n        return torch.baddbmm(torch.zeros(3), a, b.detach(), beta=0.5, alpha=2)', 12), { input: '2,12', device: 'cpu' }).forward!
    // Measured with FlopCounterMode, PyTorch 2.13 (CPU): addmm 2 · 2 · 12 · 12 = 576, baddbmm 2 · 2 · 3 · 4 · 3 = 144.
    expect([f.outputShape, f.savedBytes, f.flopCounter.byOp]).toEqual([[2, 3, 3], 96n, { 'aten.addmm': 576n, 'aten.baddbmm': 144n }])
    // fc: 288; baddbmm: 72, backward 2 × each.
    expect([f.macs, f.backwardMacs]).toEqual([360n, 720n])
  })
})

describe('while the model is built', () => {
  it('gives the shapes and dtypes PyTorch 2.13 gives', () => {
    // Measured with PyTorch 2.13: each expression's shape and dtype.
    const cases: Array<[string, string, number[], string]> = [
      ['cdist', 'torch.cdist(torch.zeros(2, 1, 5, 4, dtype=torch.float64), torch.zeros(3, 6, 4, dtype=torch.float64))', [2, 3, 5, 6], 'float64'],
      ['logsumexp', 'torch.logsumexp(torch.arange(6).view(2, 3), 1)', [2], 'float32'],
      ['outer', 'torch.outer(torch.arange(3), torch.ones(4))', [3, 4], 'float32'],
      ['var', 'torch.var_mean(torch.zeros(3, 5), 1, keepdim=True)[0]', [3, 1], 'float32'],
      ['mean', 'torch.std_mean(torch.zeros(3, 5, dtype=torch.float16), dim=(0, 1))[1]', [], 'float16'],
      ['cumprod', 'torch.ones(3, 4, dtype=torch.int32).cumprod(1)', [3, 4], 'int64'],
      ['baddbmm', 'torch.baddbmm(torch.zeros(4), torch.zeros(2, 3, 5), torch.zeros(2, 5, 4))', [2, 3, 4], 'float32'],
      ['atan2', 'torch.atan2(torch.arange(3), torch.arange(3).view(3, 1))', [3, 3], 'float32'],
      ['hypot', 'torch.hypot(torch.zeros(3, 1), torch.zeros(4, dtype=torch.float64))', [3, 4], 'float64'],
      ['addcmul', 'torch.addcmul(torch.zeros(5), torch.zeros(3, 1), torch.ones(1, 5, dtype=torch.long))', [3, 5], 'float32'],
      ['diag', 'torch.diag(torch.arange(4), -2)', [6, 6], 'int64'],
      ['diag2', 'torch.diag(torch.zeros(4, 5), 2)', [3], 'float32'],
      ['diag_embed', 'torch.diag_embed(torch.zeros(3, 5), 1, 0, 2)', [6, 3, 6], 'float32'],
      ['diagonal', 'torch.zeros(2, 4, 5).diagonal(-1, 1, 2)', [2, 3], 'float32'],
      ['diff', 'torch.diff(torch.arange(5) > 2, prepend=torch.zeros(2, dtype=torch.bool))', [6], 'bool'],
      ['trace', 'torch.ones(3, 3, dtype=torch.int32).trace()', [], 'int64'],
      ['dist', 'torch.dist(torch.zeros(3, 5), torch.arange(5))', [], 'float32'],
      ['cross', 'torch.cross(torch.zeros(2, 3, 3), torch.zeros(2, 3, 3))', [2, 3, 3], 'float32'],
      ['frac', 'torch.zeros(2, dtype=torch.float16).frac()', [2], 'float16'],
      ['cummax', 'torch.cummax(torch.zeros(3, 4), 0).indices', [3, 4], 'int64'],
      ['kthvalue', 'torch.kthvalue(torch.zeros(3, 4), 2, 0, True).values', [1, 4], 'float32'],
      ['mode', 'torch.zeros(3, 4, dtype=torch.long).mode().values', [3], 'int64'],
      ['block_diag', 'torch.block_diag(torch.zeros(2, 3, dtype=torch.int32), torch.ones(4), torch.tensor(1.0))', [4, 8], 'float32'],
      ['vector_norm', 'torch.linalg.vector_norm(torch.zeros(3, 4), 1, (0, 1), True, dtype=torch.float64)', [1, 1], 'float64'],
      ['norm', 'torch.linalg.norm(torch.zeros(2, 3, 4), dim=(0, 2))', [3], 'float32'],
      ['norm_vec', 'torch.linalg.norm(torch.zeros(2, 3, 4), 3, -1)', [2, 3], 'float32'],
      ['matrix_norm', 'torch.linalg.matrix_norm(torch.zeros(2, 3, 4, dtype=torch.float64))', [2], 'float64'],
      ['vecdot', 'torch.linalg.vecdot(torch.zeros(2, 1, 5), torch.zeros(3, 5))', [2, 3], 'float32'],
      ['lcross', 'torch.linalg.cross(torch.zeros(2, 1, 3), torch.zeros(1, 4, 3))', [2, 4, 3], 'float32'],
      ['lmatmul', 'torch.linalg.matmul(torch.zeros(2, 3, 4), torch.zeros(4, 5))', [2, 3, 5], 'float32'],
      ['ldiagonal', 'torch.linalg.diagonal(torch.zeros(2, 3, 4), offset=1)', [2, 3], 'float32'],
      ['cos', 'torch.nn.functional.cosine_similarity(torch.zeros(2, 1, 5), torch.ones(3, 5, dtype=torch.long), dim=-1)', [2, 3], 'float32'],
      ['tcos', 'torch.cosine_similarity(torch.zeros(4, 5), torch.zeros(4, 5))', [4], 'float32'],
    ]
    const registered = cases.map(([name, expression]) => `        self.register_buffer('${name}', ${expression})\n`).join('')
    const a = analyze(`${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n${registered}model = Net()\n`)
    expect(a.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual(cases.map(([name, , shape, dtype]) => [name, shape, dtype]))
  })

  it('var_mean and std_mean give a tuple, kthvalue, mode, cummax and cummin a named tuple of values and int64 indices', () => {
    python(`import torch
v, m = torch.var_mean(torch.zeros(3, 5), False)
assert v.shape == () and m.shape == ()
s, m = torch.std_mean(torch.zeros(3, 5), 1, True, True)
assert s.shape == (3, 1) and m.shape == (3, 1)
k = torch.kthvalue(torch.zeros(3, 5), 2)
assert k.values.shape == (3,) and k.indices.dtype == torch.int64 and k[1].shape == (3,)
values, indices = torch.zeros(3, 5).cummin(0)
assert values.shape == (3, 5) and indices.dtype == torch.int64
assert torch.zeros(3, 5, dtype=torch.bool).mode(0, keepdim=True).values.dtype == torch.bool`)
  })
})

describe('PyTorch 2.13\'s errors', () => {
  // Measured with PyTorch 2.13: the exception and its message (nnsize does not number argument positions, and adds the
  // shapes after a broadcast error's sentence).
  const cases: Array<[string, string, string]> = [
    ["torch.cdist(torch.randn(3), torch.randn(3, 4))", 'RuntimeError', "cdist only supports at least 2D tensors, X1 got: 1D"],
    ["torch.cdist(torch.randn(3, 4), torch.arange(12).view(3, 4))", 'RuntimeError', "cdist only supports floating-point dtypes, X2 got: Long"],
    ["torch.cdist(torch.randn(3, 4), torch.randn(3, 5))", 'RuntimeError', "X1 and X2 must have the same number of columns. X1: 4 X2: 5"],
    ["torch.cdist(torch.randn(3, 4), torch.randn(3, 4), p=-1)", 'RuntimeError', "cdist only supports non-negative p values"],
    ["torch.cdist(torch.randn(3, 4), torch.randn(3, 4).double())", 'RuntimeError', "expected scalar type Float but found Double"],
    ["torch.cdist(torch.randn(3, 4).half(), torch.randn(3, 4).half())", 'NotImplementedError', "\"cdist\" not implemented for 'Half'"],
    ["torch.cdist(torch.randn(3, 4), torch.randn(3, 4), compute_mode='foo')", 'ValueError', "foo is not a valid value for compute_mode"],
    ["torch.cdist(torch.randn(2, 3, 4), torch.randn(3, 3, 4))", 'RuntimeError', "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"],
    ["torch.logsumexp(torch.randn(3, 4))", 'TypeError', "logsumexp() missing 1 required positional arguments: \"dim\""],
    ["torch.logsumexp(torch.randn(3, 4), (1, 1))", 'RuntimeError', "dim 1 appears multiple times in the list of dims"],
    ["torch.outer(torch.randn(3, 4), torch.randn(3))", 'RuntimeError', "outer: Expected 1-D argument self, but got 2-D"],
    ["torch.outer(torch.randn(3), torch.randn(3, 4))", 'RuntimeError', "outer: Expected 1-D argument vec2, but got 2-D"],
    ["torch.var_mean(torch.arange(3))", 'RuntimeError', "var_mean only support floating point and complex dtypes"],
    ["torch.std_mean(torch.arange(3), 0)", 'RuntimeError', "std_mean only support floating point and complex dtypes"],
    ["torch.baddbmm(torch.randn(2, 3, 4), torch.randn(2, 3, 5), torch.randn(2, 6, 4))", 'RuntimeError', "Expected size for first two dimensions of batch2 tensor to be: [2, 5] but got: [2, 6]."],
    ["torch.baddbmm(torch.randn(2, 3, 4), torch.randn(2, 3, 5).double(), torch.randn(2, 5, 4))", 'RuntimeError', "Input dtypes must be the same, got: input float, batch1: double, batch2: float"],
    ["torch.baddbmm(torch.randn(3, 3, 4), torch.randn(2, 3, 5), torch.randn(2, 5, 4))", 'RuntimeError', "The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.  Target sizes: [2, 3, 4].  Tensor sizes: [3, 3, 4]"],
    ["torch.baddbmm(torch.randn(2, 3, 4), torch.randn(3, 5), torch.randn(5, 4))", 'IndexError', "Dimension out of range (expected to be in range of [-2, 1], but got 2)"],
    ["torch.atan2(torch.randn(3), 2.0)", 'TypeError', "atan2(): argument 'other' must be Tensor, not float"],
    ["torch.hypot(torch.arange(3), torch.arange(3))", 'NotImplementedError', "\"hypot_cpu\" not implemented for 'Long'"],
    ["torch.hypot(torch.randn(3), torch.randn(4))", 'RuntimeError', "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0"],
    ["torch.addcmul(torch.randn(3, 5), torch.randn(3, 5), torch.randn(4))", 'RuntimeError', "The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 1"],
    ["torch.addcdiv(torch.arange(3), torch.arange(3), torch.arange(3))", 'RuntimeError', "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes."],
    ["torch.diag(torch.randn(2, 3, 4))", 'RuntimeError', "diag(): Supports 1D or 2D tensors. Got 3D"],
    ["torch.diag_embed(torch.randn(3, 4), dim1=1, dim2=1)", 'RuntimeError', "diagonal dimensions cannot be identical 1, 1"],
    ["torch.diagonal(torch.randn(3, 4), 0, 1, 1)", 'RuntimeError', "diagonal dimensions cannot be identical 1, 1"],
    ["torch.diff(torch.tensor(1.0))", 'RuntimeError', "diff expects input to be at least one-dimensional"],
    ["torch.diff(torch.randn(3, 4), n=-1)", 'RuntimeError', "order must be non-negative but got -1"],
    ["torch.diff(torch.randn(3, 4), dim=1, prepend=torch.randn(2, 2))", 'RuntimeError', "diff expects the shape of tensor to prepend or append to match that of input except along the differencing dimension; input.size(0) = 3, but got tensor.size(0) = 2"],
    ["torch.diff(torch.randn(3, 4), prepend=torch.randn(3))", 'RuntimeError', "diff expects prepend or append to be the same dimension as input"],
    ["torch.trace(torch.randn(3))", 'RuntimeError', "trace: expected a matrix, but got tensor with dim 1"],
    ["torch.trace(torch.ones(3, 3, dtype=torch.bool))", 'NotImplementedError', "\"trace\" not implemented for 'Bool'"],
    ["torch.dist(torch.arange(3), torch.arange(3))", 'RuntimeError', "norm(): input dtype should be either floating point or complex. Got Long instead."],
    ["torch.cross(torch.randn(2, 4), torch.randn(2, 4))", 'RuntimeError', "no dimension of size 3 in input"],
    ["torch.cross(torch.randn(2, 1, 3), torch.randn(4, 3))", 'RuntimeError', "linalg.cross: inputs must have the same number of dimensions."],
    ["torch.cross(torch.randn(2, 3), torch.randn(2, 3), dim=0)", 'RuntimeError', "linalg.cross: inputs dimension 0 must have length 3. Got 2 and 2"],
    ["torch.cross(torch.randn(2, 3), torch.randn(2, 3).double(), dim=1)", 'RuntimeError', "expected scalar type Float but found Double"],
    ["torch.frac(torch.arange(3))", 'NotImplementedError', "\"frac_cpu\" not implemented for 'Long'"],
    ["torch.cummax(torch.randn(3))", 'TypeError', "cummax() missing 1 required positional arguments: \"dim\""],
    ["torch.kthvalue(torch.randn(3, 4), 5)", 'RuntimeError', "kthvalue(): selected number k out of range for dimension 1"],
    ["torch.kthvalue(torch.randn(3, 4), 1.0)", 'TypeError', "kthvalue(): argument 'k' (position 1) must be int, not float"],
    ["torch.block_diag(torch.randn(2, 3), torch.randn(2, 2, 2))", 'RuntimeError', "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input 1 has 3 dimensions"],
    ["torch.linalg.vector_norm(torch.arange(3))", 'RuntimeError', "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"],
    ["torch.linalg.vector_norm(torch.randn(3), ord='fro')", 'TypeError', "linalg_vector_norm(): argument 'ord' must be Number, not str"],
    ["torch.linalg.vector_norm(torch.randn(3), dtype=torch.float16)", 'RuntimeError', "linalg.vector_norm: the dtype of the input (Float) should be convertible without narrowing to the specified dtype (Half)"],
    ["torch.linalg.vector_norm(torch.randn(3), dtype=torch.long)", 'RuntimeError', "linalg.vector_norm: dtype should be floating point or complex, but got Long"],
    ["torch.linalg.vector_norm(torch.randn(3, 4), dim=(1, 1))", 'RuntimeError', "dim 1 appears multiple times in the list of dims"],
    ["torch.linalg.vector_norm(torch.randn(3, 4), 2, 1, True, torch.float64)", 'TypeError', "linalg_vector_norm() takes from 1 to 4 positional arguments but 5 were given"],
    ["torch.linalg.vector_norm(torch.randn(3, 4), foo=1)", 'TypeError', "linalg_vector_norm() got an unexpected keyword argument 'foo'"],
    ["torch.linalg.norm(torch.randn(2, 3, 4), ord=2)", 'RuntimeError', "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D."],
    ["torch.linalg.norm(torch.randn(2, 3, 4), dim=(0, 1, 2))", 'RuntimeError', "linalg.norm: If dim is specified, it must be of length 1 or 2. Got [0, 1, 2]"],
    ["torch.linalg.norm(torch.randn(3), 'fro')", 'RuntimeError', "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."],
    ["torch.linalg.norm(torch.randn(3, 4), 'fro', dim=1)", 'RuntimeError', "linalg.matrix_norm: dim must be a 2-tuple. Got 1"],
    ["torch.linalg.matrix_norm(torch.randn(3))", 'RuntimeError', "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."],
    ["torch.linalg.matrix_norm(torch.randn(3, 4), ord='foo')", 'RuntimeError', "linalg.matrix_norm: Order foo not supported."],
    ["torch.linalg.matrix_norm(torch.randn(3, 4), ord=3)", 'RuntimeError', "linalg.matrix_norm: Order 3 not supported."],
    ["torch.linalg.matrix_norm(torch.randn(3, 4), dim=(0,))", 'RuntimeError', "linalg.matrix_norm: dim must be a 2-tuple. Got 0"],
    ["torch.linalg.matrix_norm(torch.randn(3, 4), dim=(1, -1))", 'RuntimeError', "linalg.matrix_norm: dims must be different. Got (1, 1)"],
    ["torch.linalg.matrix_norm(torch.arange(12).view(3, 4))", 'RuntimeError', "linalg.matrix_norm: Expected a floating point or complex tensor as input. Got Long"],
    ["torch.linalg.vecdot(torch.arange(3), torch.arange(3))", 'RuntimeError', "linalg.vecdot: Expected a floating point or complex tensor as input. Got Long"],
    ["torch.linalg.vecdot(torch.randn(3), torch.randn(3).double())", 'RuntimeError', "linalg.vecdot: Expected x and y to have the same dtype, but found x of type Float and y of type Double instead"],
    ["torch.linalg.vecdot(torch.randn(3), torch.randn(3), 0)", 'TypeError', "linalg_vecdot() takes 2 positional arguments but 3 were given"],
    ["torch.linalg.diagonal(torch.randn(3, 3), 1)", 'TypeError', "linalg_diagonal() takes 1 positional argument but 2 were given"],
    ["torch.linalg.cross(torch.randn(3, 4), torch.randn(3, 4))", 'RuntimeError', "linalg.cross: inputs dimension -1 must have length 3. Got 4 and 4"],
    ["torch.cosine_similarity(torch.arange(3), torch.arange(3), 0)", 'RuntimeError', "expected common dtype to be floating point, yet common dtype is Long"],
    ["torch.nn.functional.cosine_similarity(torch.arange(3), torch.arange(3), 0)", 'RuntimeError', "expected common dtype to be floating point, yet common dtype is Long"],
    ["torch.nn.functional.cosine_similarity(torch.randn(3, 4), torch.randn(3, 5))", 'RuntimeError', "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1"],
    ["torch.nn.functional.cosine_similarity(torch.randn(4), torch.randn(4))", 'IndexError', "Dimension out of range (expected to be in range of [-1, 0], but got 1)"],
  ]
  for (const [expression, exception, message] of cases) {
    it(expression, () => {
      python(`import torch\ntry:\n    ${expression}\n    raised = None\nexcept ${exception} as e:\n    raised = str(e)\nassert raised is not None and raised.startswith(${JSON.stringify(message)}), raised`)
    })
  }

  it('cdist, var_mean, std_mean, block_diag and cosine_similarity are no tensor methods', () => {
    python(`import torch\nfor name in ['cdist', 'var_mean', 'std_mean', 'block_diag', 'cosine_similarity']:\n    assert not hasattr(torch.zeros(3), name), name\nfor name in ['logsumexp', 'outer', 'ger', 'baddbmm', 'atan2', 'hypot', 'addcmul', 'addcdiv', 'diag', 'diag_embed', 'diagonal', 'diff', 'trace', 'dist', 'cross', 'frac', 'cummax', 'cummin', 'kthvalue', 'mode']:\n    assert hasattr(torch.zeros(3), name), name`)
  })
})

describe('decompositions, inverses and solvers in forward, as PyTorch 2.13 keeps them', () => {
  // Measured with PyTorch 2.13 (CPU, training mode) as above, with the output's dtype: what each backward node keeps
  // (`LinalgSolveExBackward0` keeps A, its LU factors, the int32 pivots and the result; `LinalgLstsqBackward0` keeps A, B
  // and the solution, the top of a `max(m, n) × k` buffer; `LinalgSvdBackward0` keeps U, S and Vh; …). None is counted
  // as MACs or by FlopCounterMode (the FLOPs are those of `fc` and of any `mm` around them).
  const cases: Array<[string, string, number, number[], string, number, number, number]> = [
    ['return torch.linalg.lstsq(x.view(5, 3), x.view(5, 3)[:, :2]).solution', '3,5', 5, [3, 2], 'float32', 100, 160, 150],
    ['return torch.linalg.lstsq(x.view(5, 3), x.view(5, 3)[:, 0]).solution', '3,5', 5, [3], 'float32', 80, 140, 150],
    ['s, r, k, sv = torch.linalg.lstsq(x.view(5, 3), x.view(5, 3)[:, :2].detach(), driver=\'gelsd\')\n        return s + sv.sum()', '3,5', 5, [3, 2], 'float32', 100, 160, 150],
    ['return torch.linalg.lstsq(x.view(3, 5), x.view(3, 5)[:, :2], driver=\'gelsy\')[0]', '3,5', 5, [5, 2], 'float32', 100, 160, 150],
    ['return torch.linalg.lstsq(x.view(3, 5, 1), x.view(3, 5, 1).detach()).solution', '3,5', 5, [3, 1, 1], 'float32', 120, 180, 150],
    ['return torch.linalg.solve(x[:, :3], x[:, 3:])', '3,5', 5, [3, 2], 'float32', 132, 192, 150],
    ['return torch.linalg.solve(x[:, :3], x[:, 3].detach())', '3,5', 5, [3], 'float32', 120, 180, 150],
    ['return torch.linalg.solve(x[:, :3], x[:, 3:].t().detach(), left=False)', '3,5', 5, [2, 3], 'float32', 132, 192, 150],
    ['return torch.linalg.solve(x[:, :3].detach(), x[:, 3:])', '3,5', 5, [3, 2], 'float32', 132, 192, 150],
    ['return torch.linalg.solve_ex(x[:, :3], x[:, 3:]).result', '3,5', 5, [3, 2], 'float32', 132, 192, 150],
    ['return torch.linalg.inv(x[:, :3])', '3,5', 5, [3, 3], 'float32', 36, 96, 150],
    ['return x[:, :3].inverse() @ x', '3,5', 5, [3, 5], 'float32', 96, 156, 240],
    ['return torch.linalg.inv_ex(x[:, :3]).inverse', '3,5', 5, [3, 3], 'float32', 36, 96, 150],
    ['return torch.linalg.pinv(x)', '3,5', 5, [5, 3], 'float32', 120, 180, 150],
    ['return torch.pinverse(x)', '3,5', 5, [5, 3], 'float32', 120, 180, 150],
    ['return torch.linalg.pinv(x[:, :3], hermitian=True)', '3,5', 5, [3, 3], 'float32', 96, 156, 150],
    ['return torch.linalg.qr(x)[0]', '3,5', 5, [3, 3], 'float32', 96, 156, 150],
    ['q, r = torch.linalg.qr(x.t())\n        return q', '3,5', 5, [5, 3], 'float32', 96, 156, 150],
    ['return torch.linalg.qr(x, mode=\'r\')[1]', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
    ['return torch.linalg.qr(x, mode=\'complete\').Q', '3,5', 5, [3, 3], 'float32', 96, 156, 150],
    ['return torch.linalg.svd(x)[0]', '3,5', 5, [3, 3], 'float32', 148, 208, 150],
    ['U, S, Vh = torch.linalg.svd(x, full_matrices=False)\n        return U', '3,5', 5, [3, 3], 'float32', 108, 168, 150],
    ['return torch.linalg.svdvals(x)', '3,5', 5, [3], 'float32', 108, 168, 150],
    ['return x * torch.linalg.svdvals(x.detach()).sum()', '3,5', 5, [3, 5], 'float32', 4, 64, 150],
    ['return torch.svd(x.t())[2]', '3,5', 5, [3, 3], 'float32', 108, 168, 150],
    ['return torch.svd(x, some=False).U', '3,5', 5, [3, 3], 'float32', 148, 208, 150],
    ['return torch.linalg.eigh(x[:, :3])[0]', '3,5', 5, [3], 'float32', 48, 108, 150],
    ['return torch.linalg.eigh(x[:, :3], UPLO=\'U\').eigenvectors', '3,5', 5, [3, 3], 'float32', 48, 108, 150],
    ['return torch.linalg.eigvalsh(x[:, :3])', '3,5', 5, [3], 'float32', 48, 108, 150],
    ['return torch.linalg.cholesky(x[:, :3] @ x[:, :3].t() + torch.eye(3))', '3,5', 5, [3, 3], 'float32', 96, 156, 204],
    ['return torch.linalg.cholesky_ex(x[:, :3] @ x[:, :3].t() + torch.eye(3)).L', '3,5', 5, [3, 3], 'float32', 96, 156, 204],
    ['return torch.cholesky(x[:, :3] @ x[:, :3].t() + torch.eye(3), upper=True)', '3,5', 5, [3, 3], 'float32', 96, 156, 204],
    ['return torch.linalg.det(x[:, :3])', '3,5', 5, [], 'float32', 112, 172, 150],
    ['return torch.linalg.det(x.view(3, 5)[:, :3].expand(2, 3, 3))', '3,5', 5, [2], 'float32', 164, 224, 150],
    ['return torch.det(x[:, :3]) * x', '3,5', 5, [3, 5], 'float32', 112, 172, 150],
    ['return x[:, :3].det() * x', '3,5', 5, [3, 5], 'float32', 112, 172, 150],
    ['return torch.linalg.slogdet(x[:, :3])[1]', '3,5', 5, [], 'float32', 112, 172, 150],
    ['return torch.linalg.slogdet(x[:, :3].double()).logabsdet', '3,5', 5, [], 'float64', 164, 224, 150],
    ['s, l = torch.slogdet(x[:, :3])\n        return l * x', '3,5', 5, [3, 5], 'float32', 116, 176, 150],
    ['return torch.logdet(x[:, :3] @ x[:, :3].t())', '3,5', 5, [], 'float32', 149, 209, 204],
    ['return x @ torch.linalg.inv(self.fc.weight)', '3,5', 5, [3, 5], 'float32', 160, 220, 300],
    ['return torch.svd(x, compute_uv=False)[1]', '3,5', 5, [3], 'float32', 108, 168, 150],
    ['return torch.linalg.solve(x[:, :3].unsqueeze(0), x.view(1, 3, 5).expand(2, 3, 5).contiguous()[:, :, 3:])', '3,5', 5, [2, 3, 2], 'float32', 156, 216, 150],
    ['return torch.linalg.solve(x[:, :3].expand(2, 3, 3), x[:, 3:])', '3,5', 5, [2, 3, 2], 'float32', 204, 264, 150],
    ['return torch.linalg.lstsq(x.view(1, 5, 3), x.view(5, 3)[:, :2].expand(2, 5, 2)).solution', '3,5', 5, [2, 3, 2], 'float32', 140, 200, 150],
    ['return torch.linalg.det(x[:, :3].detach()) * x', '3,5', 5, [3, 5], 'float32', 4, 64, 150],
    ['return torch.linalg.eigh(x.view(3, 5)[:2, :2].expand(3, 2, 2)).eigenvalues', '3,5', 5, [3, 2], 'float32', 72, 132, 150],
  ]
  for (const [body, input, width, shape, dtype, saved, withInput, flops] of cases) {
    it(body, () => {
      const f = analyze(model(body, width), { input, device: 'cpu' }).forward!
      expect([f.outputShape, f.outputs[0]!.dtype, f.savedBytes, f.savedBytesWithInput, f.flopCounter.total]).toEqual([shape, dtype, BigInt(saved), BigInt(withInput), BigInt(flops)])
    })
  }
})
