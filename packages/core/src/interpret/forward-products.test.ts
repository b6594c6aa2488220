import { describe, expect, it } from 'vitest'
import { analyze } from '../index.js'
import { python } from '../../test/interpret.js'

const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

/** A model whose forward runs `body` on the output `x` of a linear layer of `width` features (so that `x` requires grad). */
function model(body: string, width: number): string {
  return `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(${width}, ${width})\n        self.cos = nn.CosineSimilarity(dim=-1)\n        self.register_buffer('inv_freq', 1.0 / (10000 ** (torch.arange(0, 8, 2).float() / 8)))\n\n    def forward(self, x):\n        x = self.fc(x)\n        ${body}\nmodel = Net()\n`
}

/** Rows of the forward pass: body, input, width, output shape, output dtype, bytes saved without and with the input, FLOPs. */
type Row = [string, string, number, number[], string, number, number, number]

/**
 * Checks each row against nnsize's trace. The figures were measured with PyTorch 2.13 (CPU, training mode) on an input
 * of the given shape that requires grad, with saved-tensor hooks (distinct storages, the parameters' and the input's
 * apart) and FlopCounterMode (the FLOPs are the linear layer's and any counted product's).
 */
function traced(rows: readonly Row[]): void {
  for (const [body, input, width, shape, dtype, saved, withInput, flops] of rows) {
    it(body, () => {
      const f = analyze(model(body, width), { input, device: 'cpu' }).forward!
      expect([f.outputShape, f.outputs[0]!.dtype, f.savedBytes, f.savedBytesWithInput, f.flopCounter.total]).toEqual([shape, dtype, BigInt(saved), BigInt(withInput), BigInt(flops)])
    })
  }
}

/**
 * Checks expressions while a model is built: each row gives the shape and dtype PyTorch 2.13 returns, or the exception
 * and its message's first line (measured with PyTorch 2.13 on the CPU).
 */
function built(shapes: ReadonlyArray<[string, number[], string]>, errors: ReadonlyArray<[string, string, string]>): void {
  it('gives the shapes and dtypes of PyTorch 2.13', () => {
    for (const [expression, shape, dtype] of shapes) {
      python(`import torch\ny = ${expression}\nassert tuple(y.shape) == (${shape.map((d) => `${d},`).join(' ')}) and y.dtype == torch.${dtype}, (${JSON.stringify(expression)}, y.shape, y.dtype)`)
    }
  })
  it('raises what PyTorch 2.13 raises, in its words', () => {
    for (const [expression, type, message] of errors) {
      python(`import torch\ntry:\n    ${expression}\n    assert False, ${JSON.stringify(`${expression}: no error`)}\nexcept ${type} as e:\n    assert str(e).split(chr(10))[0].startswith(${JSON.stringify(message)}), (${JSON.stringify(expression)}, str(e))`)
    }
  })
}

describe('clamp_min and clamp_max, cumsum and cumprod, complex Python numbers in forward', () => {
  traced([
      ['return torch.clamp_min(x, 0.1)', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['return x.clamp_max(0.1)', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['return torch.clamp_min(x, x[0].detach())', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['return torch.clamp_max(x, x[0])', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['return torch.clamp_min(x.detach(), x[0])', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['return torch.clamp_min(x, torch.ones(3, 5, dtype=torch.long))', '3,5', 5, [3, 5], 'float32', 180, 240, 150],
      ['y = x * 2\n        y.clamp_min_(0.1)\n        return y', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['y = x * 2\n        y.clamp_max_(x[0].detach())\n        return y', '3,5', 5, [3, 5], 'float32', 120, 180, 150],
      ['return torch.clamp_min(x, torch.ones(3, 1, dtype=torch.float64))', '3,5', 5, [3, 5], 'float64', 84, 144, 150],
      ['return torch.arange(5).cumsum(0) + x', '3,5', 5, [3, 5], 'float32', 0, 60, 150],
      ['return (x > 0).cumsum(1)', '3,5', 5, [3, 5], 'int64', 0, 60, 150],
      ['return x.cumsum(1, dtype=torch.float64)', '3,5', 5, [3, 5], 'float64', 0, 60, 150],
      ['return torch.cumsum(x, 1)', '3,5', 5, [3, 5], 'float32', 0, 60, 150],
      ['return torch.cumprod(torch.arange(1, 6, dtype=torch.int32), 0) * x', '3,5', 5, [3, 5], 'float32', 40, 100, 150],
      ['return 1j * x', '3,5', 5, [3, 5], 'complex64', 0, 60, 150],
      ['A = -torch.exp(x) + 1j * x\n        return torch.exp(A)', '3,5', 5, [3, 5], 'complex64', 180, 240, 150],
      ['return 2j / x', '3,5', 5, [3, 5], 'complex64', 60, 120, 150],
      ['return 2 / x', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['return x.double() * 2j', '3,5', 5, [3, 5], 'complex128', 0, 60, 150],
      ['return x ** 1j', '3,5', 5, [3, 5], 'complex64', 60, 120, 150],
      ['return x * torch.exp(1j * self.fc.weight[0])', '3,5', 5, [3, 5], 'complex64', 100, 160, 150],
      ['return (1j - x).real', '3,5', 5, [3, 5], 'float32', 0, 60, 150],
  ])
})

describe('addmm, addbmm, addmv, mv, dot and vdot in forward', () => {
  traced([
      ['return torch.addmm(x[0], x.t(), x)', '3,5', 5, [5, 5], 'float32', 60, 120, 300],
      ['return torch.addmm(x[0].detach(), x.t(), x.detach(), beta=0.5, alpha=2)', '3,5', 5, [5, 5], 'float32', 60, 120, 300],
      ['return torch.addmm(x[0], x.t().detach(), x.detach())', '3,5', 5, [5, 5], 'float32', 0, 60, 300],
      ['return x[0].addmm(x.t(), x.detach())', '3,5', 5, [5, 5], 'float32', 60, 120, 300],
      ['return torch.addmm(self.fc.bias, x, self.fc.weight.t())', '3,5', 5, [3, 5], 'float32', 60, 120, 300],
      ['y = x * 2\n        y[:, :3].addmm_(x[:, :2], x[:2, :3].detach())\n        return y', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['return torch.addbmm(x[0], x.view(3,1,5).transpose(1,2), x.view(3,1,5))', '3,5', 5, [5, 5], 'float32', 60, 120, 150],
      ['return torch.addbmm(x[0,0], x.view(3,5,1).detach(), x.view(3,1,5), beta=2)', '3,5', 5, [5, 5], 'float32', 60, 120, 150],
      ['return torch.addmv(x[0], x.t(), x[:, 0])', '3,5', 5, [5], 'float32', 60, 120, 150],
      ['return torch.addmv(x[0].detach(), x.t(), x[:, 0].detach(), alpha=3)', '3,5', 5, [5], 'float32', 60, 120, 150],
      ['return torch.mv(x, x[0])', '3,5', 5, [3], 'float32', 60, 120, 150],
      ['return x.t().detach().mv(x[:, 0])', '3,5', 5, [5], 'float32', 60, 120, 150],
      ['return torch.dot(x[0], x[1]) * x', '3,5', 5, [3, 5], 'float32', 64, 124, 150],
      ['return x[0].vdot(x[1].detach()) * x', '3,5', 5, [3, 5], 'float32', 64, 124, 150],
      ['with torch.no_grad():\n            y = torch.dot(x[0], x[1]) + torch.addmm(x[0], x.t(), x).sum()\n        return y * x', '3,5', 5, [3, 5], 'float32', 4, 64, 300],
  ])

  it('count their multiply-accumulates, twice again in backward; FlopCounterMode counts aten.addmm only (PyTorch 2.13)', () => {
    // FlopCounterMode, PyTorch 2.13 (CPU): fc's addmm 150 and the product's own; `addmm_` in place, `addbmm`, `addmv`, `mv`
    // and `dot` are not counted. MACs: fc 3 · 5 · 5 = 75, then the product's.
    const cases: Array<[string, Record<string, number>, number]> = [
      ['return torch.addmm(x[0], x.t(), x)', { 'aten.addmm': 300 }, 75 + 5 * 3 * 5],
      ['y = x * 2\n        y[:, :3].addmm_(x[:, :2], x[:2, :3].detach())\n        return y', { 'aten.addmm': 150 }, 75 + 3 * 2 * 3],
      ['return torch.addbmm(x[0], x.view(3,1,5).transpose(1,2), x.view(3,1,5))', { 'aten.addmm': 150 }, 75 + 3 * 5 * 1 * 5],
      ['return torch.addmv(x[0], x.t(), x[:, 0])', { 'aten.addmm': 150 }, 75 + 5 * 3],
      ['return torch.mv(x, x[0])', { 'aten.addmm': 150 }, 75 + 3 * 5],
      ['return torch.dot(x[0], x[1]) * x', { 'aten.addmm': 150 }, 75 + 5],
    ]
    for (const [body, byOp, macs] of cases) {
      const f = analyze(model(body, 5), { input: '3,5', device: 'cpu' }).forward!
      expect([body, f.flopCounter.byOp, f.macs, f.backwardMacs]).toEqual([body, Object.fromEntries(Object.entries(byOp).map(([k, v]) => [k, BigInt(v)])), BigInt(macs), BigInt(2 * macs)])
    }
  })
})

describe('lerp, tensordot, median, logcumsumexp and quantile in forward', () => {
  traced([
      ['return torch.lerp(x, x.flip(0), 0.3)', '3,5', 5, [3, 5], 'float32', 0, 60, 150],
      ['return torch.lerp(x, x.flip(0), x[0])', '3,5', 5, [3, 5], 'float32', 120, 180, 150],
      ['return torch.lerp(x, x.flip(0).detach(), x[0].detach())', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['return torch.lerp(x.detach(), x.flip(0).detach(), x[0])', '3,5', 5, [3, 5], 'float32', 120, 180, 150],
      ['return x.lerp(x[:, :1], x[0, :1])', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['y = x * 2\n        y.lerp_(x.flip(0), x[0])\n        return y', '3,5', 5, [3, 5], 'float32', 180, 240, 150],
      ['y = x * 2\n        y.lerp_(x.flip(0), 0.5)\n        return y', '3,5', 5, [3, 5], 'float32', 0, 60, 150],
      ['return torch.lerp(x, x, torch.tensor(0.5, dtype=torch.float64))', '3,5', 5, [3, 5], 'float32', 8, 68, 150],
      ['return torch.tensordot(x, x.detach(), dims=([1], [1]))', '3,5', 5, [3, 3], 'float32', 60, 120, 240],
      ['return torch.tensordot(x, x.t(), dims=1)', '3,5', 5, [3, 3], 'float32', 60, 120, 240],
      ['return torch.tensordot(x.view(3,5,1), x.view(5,1,3), dims=2)', '3,5', 5, [3, 3], 'float32', 120, 180, 240],
      ['return torch.tensordot(x, x, dims=0)', '3,5', 5, [3, 5, 3, 5], 'float32', 60, 120, 600],
      ['return torch.tensordot(x, x, dims=2) * x', '3,5', 5, [3, 5], 'float32', 64, 124, 150],
      ['return torch.tensordot(x.view(3,1,5), x.view(1, 5, 3), dims=[[2, 1], [1, 0]])', '3,5', 5, [3, 3], 'float32', 120, 180, 240],
      ['return torch.tensordot(x.view(3,1,5), x.view(1, 5, 3), dims=torch.tensor([[2], [1]]))', '3,5', 5, [3, 1, 1, 3], 'float32', 60, 120, 240],
      ['return torch.tensordot(x.view(3,1,5), x.view(1, 5, 3), dims=torch.tensor(1))', '3,5', 5, [3, 1, 5, 3], 'float32', 72, 132, 240],
      ['return torch.tensordot(x.view(3,5,1).transpose(0,2), x.view(1,3,5), dims=([2],[1]))', '3,5', 5, [1, 5, 1, 5], 'float32', 60, 120, 300],
      ['return torch.tensordot(x[0], x.t(), dims=1)', '3,5', 5, [3], 'float32', 60, 120, 180],
      ['return torch.tensordot(x[0], x[1], dims=1) * x', '3,5', 5, [3, 5], 'float32', 64, 124, 150],
      ['return torch.tensordot(x.view(3, 5, 1), x.view(5, 3), dims=([1, 0], [0, 1]))', '3,5', 5, [1], 'float32', 60, 120, 150],
      ['return torch.tensordot(x, self.fc.weight, dims=([1], [1]))', '3,5', 5, [3, 5], 'float32', 60, 120, 300],
      ['return torch.median(x) * x', '3,5', 5, [3, 5], 'float32', 64, 124, 150],
      ['return torch.median(x, 1).values', '3,5', 5, [3], 'float32', 24, 84, 150],
      ['v, i = x.median(dim=0, keepdim=True)\n        return v', '3,5', 5, [1, 5], 'float32', 40, 100, 150],
      ['return torch.nanmedian(x) * x', '3,5', 5, [3, 5], 'float32', 64, 124, 150],
      ['return x.nanmedian(-1)[0]', '3,5', 5, [3], 'float32', 24, 84, 150],
      ['return torch.logcumsumexp(x, 1)', '3,5', 5, [3, 5], 'float32', 120, 180, 150],
      ['return x.logcumsumexp(dim=0)', '3,5', 5, [3, 5], 'float32', 120, 180, 150],
      ['return torch.quantile(x, 0.3)', '3,5', 5, [], 'float32', 200, 260, 150],
      ['return torch.quantile(x, 0.3, dim=1)', '3,5', 5, [3], 'float32', 240, 300, 150],
      ['return torch.quantile(x, 0.3, dim=1, keepdim=True)', '3,5', 5, [3, 1], 'float32', 240, 300, 150],
      ['return torch.quantile(x, torch.tensor([0.1, 0.5, 0.9]), dim=1)', '3,5', 5, [3, 3], 'float32', 360, 420, 150],
      ['return torch.quantile(x, torch.tensor([0.1, 0.5, 0.9]))', '3,5', 5, [3], 'float32', 240, 300, 150],
      ['return torch.quantile(x, torch.tensor([0.1, 0.5, 0.9]), dim=0, keepdim=True)', '3,5', 5, [3, 1, 5], 'float32', 480, 540, 150],
      ['return torch.quantile(x, torch.tensor(0.5), dim=0)', '3,5', 5, [5], 'float32', 280, 340, 150],
      ['return torch.quantile(x, 0.3, dim=1, interpolation=\'lower\')', '3,5', 5, [3], 'float32', 204, 264, 150],
      ['return torch.quantile(x, 0.3, dim=1, interpolation=\'midpoint\')', '3,5', 5, [3], 'float32', 240, 300, 150],
      ['return x.quantile(0.7, 0, interpolation=\'nearest\')', '3,5', 5, [5], 'float32', 220, 280, 150],
      ['return torch.nanquantile(x, 0.3, dim=1)', '3,5', 5, [3], 'float32', 240, 300, 150],
      ['return torch.nanquantile(x, 0.3)', '3,5', 5, [], 'float32', 200, 260, 150],
      ['return torch.quantile(x.t(), 0.3)', '3,5', 5, [], 'float32', 200, 260, 150],
      ['return torch.quantile(x.view(3, 5, 1), 0.2, dim=1, keepdim=True)', '3,5', 5, [3, 1, 1], 'float32', 240, 300, 150],
      ['return torch.quantile(x.detach(), 0.3, dim=1) * x[:, 0]', '3,5', 5, [3], 'float32', 12, 72, 150],
      ['y = x.view(2, 3, 4)\n        return torch.tensordot(y, y, dims=([2, 1], [2, 1]))', '1,24', 24, [2, 2], 'float32', 192, 288, 1248],
      ['y = x.view(2, 3, 4)\n        return torch.tensordot(y, x.view(3, 8), dims=([1], [0]))', '1,24', 24, [2, 4, 8], 'float32', 192, 288, 1536],
      ['z = x.view(3, 5)\n        return torch.tensordot(z, z.t().contiguous().t(), dims=2)', '1,15', 15, [], 'float32', 120, 180, 450],
      ['z = x.view(3, 1, 5)\n        return torch.tensordot(z, z, dims=3)', '1,15', 15, [], 'float32', 120, 180, 450],
      ['y = x.view(2, 3, 4)\n        return torch.tensordot(y.transpose(0, 2), y.transpose(0, 2), dims=3)', '1,24', 24, [], 'float32', 96, 192, 1152],
      ['return torch.linalg.qr(x)[0]', '3,5', 5, [3, 3], 'float32', 96, 156, 150],
      ['q, r = torch.linalg.qr(x.t())\n        return q', '3,5', 5, [5, 3], 'float32', 96, 156, 150],
      ['return torch.linalg.qr(x, mode=\'r\')[1]', '3,5', 5, [3, 5], 'float32', 60, 120, 150],
      ['return torch.linalg.qr(x, mode=\'complete\').Q', '3,5', 5, [3, 3], 'float32', 96, 156, 150],
  ])

  it('tensordot counts its mm (FlopCounterMode) and its dot or sum (MACs only)', () => {
    // PyTorch 2.13: `tensordot(x, x.t(), 1)` is one `mm` of (3, 5) by (5, 3), 90 FLOPs; `dims=2` of two (3, 5) is a `dot`
    // of 15, which FlopCounterMode does not count.
    const mm = analyze(model('return torch.tensordot(x, x.t(), dims=1)', 5), { input: '3,5', device: 'cpu' }).forward!
    expect([mm.flopCounter.byOp, mm.macs]).toEqual([{ 'aten.addmm': 150n, 'aten.mm': 90n }, 75n + 45n])
    const dot = analyze(model('return torch.tensordot(x, x, dims=2) * x', 5), { input: '3,5', device: 'cpu' }).forward!
    expect([dot.flopCounter.byOp, dot.macs]).toEqual([{ 'aten.addmm': 150n }, 75n + 15n])
  })

  it('quantile refuses a q that requires grad in forward', () => {
    const a = analyze(model('return torch.quantile(x, x[0, :2].detach().requires_grad_())', 5), { input: '3,5', device: 'cpu' })
    expect(a.forwardNote?.message).toBe('`torch.quantile` with a `q` that requires grad is not supported yet in forward.')
  })
})

describe('view_as_complex and view_as_real in forward are views', () => {
  // Measured with PyTorch 2.13 as above: a parameter seen as complex (S4D's `torch.view_as_complex(self.C)`) stays the
  // parameter's storage.
  traced([
      ['f = torch.view_as_real(torch.fft.fft2(x.view(3, 1, 5)))\n        return f.flatten(-2) * 2', '3,5', 5, [3, 1, 10], 'float32', 0, 60, 150],
      ['c = torch.view_as_complex(x.view(3, 5, 1).expand(3, 5, 2).contiguous())\n        return (c * 1j).real', '3,5', 5, [3, 5], 'float32', 0, 60, 150],
      ['c = torch.view_as_complex(x[:, :4].contiguous().view(3, 2, 2))\n        return torch.view_as_real(c * c).exp()', '3,5', 5, [3, 2, 2], 'float32', 96, 156, 150],
  ])
})

describe('these functions while the model is built', () => {
  built(
    [
        ["torch.clamp_min(torch.arange(3), 0.5)", [3], 'float32'],
        ["torch.clamp_min(torch.arange(3), 1)", [3], 'int64'],
        ["torch.clamp_max(torch.arange(3), torch.ones(3))", [3], 'float32'],
        ["torch.clamp_min(torch.ones(3, 1), torch.ones(3, 4))", [3, 4], 'float32'],
        ["torch.clamp_max(torch.ones(3, dtype=torch.bool), 0)", [3], 'int64'],
        ["torch.clamp_min(torch.ones(3, dtype=torch.int32), torch.tensor(2.5))", [3], 'float32'],
        ["torch.zeros(2, 3).clamp_min(torch.zeros(3, dtype=torch.float64))", [2, 3], 'float64'],
        ["torch.zeros(2, 3).clamp_max_(1)", [2, 3], 'float32'],
        ["torch.arange(6).cumsum(0)", [6], 'int64'],
        ["torch.ones(3, dtype=torch.bool).cumsum(0)", [3], 'int64'],
        ["torch.ones(3, dtype=torch.int32).cumsum(0, dtype=torch.float16)", [3], 'float16'],
        ["torch.ones(2, 3).cumsum(dim=1, dtype=torch.float64)", [2, 3], 'float64'],
        ["torch.cumsum(torch.ones(3, dtype=torch.uint8), 0)", [3], 'int64'],
        ["torch.ones(3, dtype=torch.int8).cumprod(0)", [3], 'int64'],
        ["1j * torch.zeros(3)", [3], 'complex64'],
        ["torch.zeros(2, dtype=torch.float64) * 2j", [2], 'complex128'],
        ["torch.arange(3) + 1j", [3], 'complex64'],
        ["(torch.zeros(3) > 0) * 1j", [3], 'complex64'],
        ["torch.addmm(torch.zeros(3), torch.zeros(2, 4), torch.zeros(4, 3))", [2, 3], 'float32'],
        ["torch.addmm(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 4, dtype=torch.long), torch.zeros(4, 3, dtype=torch.long), beta=0.5)", [2, 3], 'int64'],
        ["torch.zeros(2, 3).addmm(torch.zeros(2, 4), torch.zeros(4, 3), beta=2, alpha=0.5)", [2, 3], 'float32'],
        ["torch.zeros(3, 3).addmm_(torch.zeros(3, 3), torch.zeros(3, 3))", [3, 3], 'float32'],
        ["torch.addmv(torch.zeros(1), torch.zeros(3, 4), torch.zeros(4))", [3], 'float32'],
        ["torch.mv(torch.zeros(3, 4), torch.zeros(4))", [3], 'float32'],
        ["torch.dot(torch.zeros(3, dtype=torch.int8), torch.zeros(3, dtype=torch.int8))", [], 'int8'],
        ["torch.zeros(4).vdot(torch.zeros(4))", [], 'float32'],
        ["torch.lerp(torch.zeros(3, 1), torch.zeros(4), torch.zeros(2, 1, 1))", [2, 3, 4], 'float32'],
        ["torch.lerp(torch.zeros(3), torch.zeros(3), 0.5)", [3], 'float32'],
        ["torch.zeros(3).half().lerp(torch.zeros(3).half(), 1)", [3], 'float16'],
        ["torch.lerp(torch.zeros(3), torch.zeros(3), torch.zeros((), dtype=torch.float64))", [3], 'float32'],
        ["torch.tensordot(torch.zeros(3, 4, 5), torch.zeros(4, 5, 6))", [3, 6], 'float32'],
        ["torch.tensordot(torch.zeros(3, 4, 5), torch.zeros(4, 3, 2), dims=([1, 0], [0, 1]))", [5, 2], 'float32'],
        ["torch.tensordot(torch.zeros(3, 4), torch.zeros(4, 2), 1)", [3, 2], 'float32'],
        ["torch.tensordot(torch.zeros(3, 4), torch.zeros(2, 5), dims=0)", [3, 4, 2, 5], 'float32'],
        ["torch.tensordot(torch.zeros(3, 1, 5), torch.zeros(1, 5, 3), dims=torch.tensor([[2], [1]]))", [3, 1, 1, 3], 'float32'],
        ["torch.tensordot(torch.zeros(3, 1, 5), torch.zeros(1, 5, 3), dims=torch.tensor(1))", [3, 1, 5, 3], 'float32'],
        ["torch.tensordot(torch.arange(6).view(2, 3), torch.arange(6).view(3, 2), 1)", [2, 2], 'int64'],
        ["torch.median(torch.zeros(3, 4))", [], 'float32'],
        ["torch.median(torch.zeros(3, 4), 1).values", [3], 'float32'],
        ["torch.median(torch.zeros(3, 4), dim=0, keepdim=True).indices", [1, 4], 'int64'],
        ["torch.zeros(3, 4).nanmedian(-1)[0]", [3], 'float32'],
        ["torch.median(torch.arange(5))", [], 'int64'],
        ["torch.median(torch.zeros(0, 3), 1).values", [0], 'float32'],
        ["torch.median(torch.zeros(()), 0, True).values", [], 'float32'],
        ["torch.logcumsumexp(torch.zeros(2, 3), 1)", [2, 3], 'float32'],
        ["torch.zeros(3, dtype=torch.float64).logcumsumexp(dim=0)", [3], 'float64'],
        ["torch.logcumsumexp(torch.zeros(()), 0)", [], 'float32'],
        ["torch.quantile(torch.zeros(3, 5), 0.3)", [], 'float32'],
        ["torch.quantile(torch.zeros(3, 5), 0.3, dim=1, keepdim=True)", [3, 1], 'float32'],
        ["torch.quantile(torch.zeros(3, 5), torch.tensor([0.1, 0.5, 0.9]), dim=0, keepdim=True)", [3, 1, 5], 'float32'],
        ["torch.quantile(torch.zeros(3, 5, dtype=torch.float64), torch.tensor([0.1, 0.9], dtype=torch.float64))", [2], 'float64'],
        ["torch.zeros(3, 4).quantile(0.5, keepdim=True)", [1, 1], 'float32'],
        ["torch.nanquantile(torch.zeros(()), 0.5, 0, True)", [], 'float32'],
        ["torch.quantile(torch.zeros(3, 5), 0.5, -1, interpolation='nearest')", [3], 'float32'],
    ],
    [
        ["torch.arange(3).clamp_min_(0.5)", 'RuntimeError', "result type Float can't be cast to the desired output type long int"],
        ["torch.arange(3).clamp_min_(torch.ones(3))", 'RuntimeError', "result type Float can't be cast to the desired output type Long"],
        ["torch.clamp_min(torch.ones(3, dtype=torch.bool), True)", 'NotImplementedError', "\"clamp_min_scalar_cpu\" not implemented for 'Bool'"],
        ["torch.clamp_min(torch.zeros(3), 1j)", 'NotImplementedError', "clamp is not supported for complex types"],
        ["torch.clamp_min(torch.zeros(3))", 'TypeError', "clamp_min() received an invalid combination of arguments - got (Tensor), but expected one of:"],
        ["torch.clamp_min(torch.zeros(3), torch.ones(2))", 'RuntimeError', "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"],
        ["torch.zeros(3).clamp_min_(torch.ones(2, 3))", 'RuntimeError', "output with shape [3] doesn't match the broadcast shape [2, 3]"],
        ["torch.cumsum(torch.ones(3))", 'TypeError', "cumsum() missing 1 required positional arguments: \"dim\""],
        ["torch.addmm(torch.zeros(3).double(), torch.zeros(3), torch.zeros(3, 3))", 'RuntimeError', "self and mat2 must have the same dtype, but got Double and Float"],
        ["torch.addmm(torch.zeros(3), torch.zeros(3).double(), torch.zeros(3, 3))", 'RuntimeError', "mat1 and mat2 must have the same dtype, but got Double and Float"],
        ["torch.addmm(torch.zeros(3), torch.zeros(3), torch.zeros(3, 3))", 'RuntimeError', "mat1 must be a matrix, got 1-D tensor"],
        ["torch.addmm(torch.zeros(3), torch.zeros(3, 3), torch.zeros(3))", 'RuntimeError', "mat2 must be a matrix, got 1-D tensor"],
        ["torch.addmm(torch.zeros(3), torch.zeros(3, 2), torch.zeros(3, 3))", 'RuntimeError', "mat1 and mat2 shapes cannot be multiplied (3x2 and 3x3)"],
        ["torch.addmm(torch.zeros(2), torch.zeros(3, 3), torch.zeros(3, 3))", 'RuntimeError', "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 1.  Target sizes: [3, 3].  Tensor sizes: [2]"],
        ["torch.addmm(torch.zeros(3, 3, 3), torch.zeros(3, 3), torch.zeros(3, 3))", 'RuntimeError', "expand(torch.FloatTensor{[3, 3, 3]}, size=[3, 3]): the number of sizes provided (2) must be greater or equal to the number of dimensions in the tensor (3)"],
        ["torch.addmm(torch.zeros(3, 3, dtype=torch.bool), torch.zeros(3, 3, dtype=torch.bool), torch.zeros(3, 3, dtype=torch.bool))", 'NotImplementedError', "\"addmm_impl_cpu_\" not implemented for 'Bool'"],
        ["torch.addmm(torch.zeros(3, 3), torch.zeros(3, 3), torch.zeros(3, 3), alpha=1j)", 'RuntimeError', "value cannot be converted to type float without overflow"],
        ["torch.addmm(torch.zeros(3, 3), torch.zeros(3, 3), torch.zeros(3, 3), 2, 3)", 'TypeError', "addmm() received an invalid combination of arguments - got (Tensor, Tensor, Tensor, int, int), but expected one of:"],
        ["torch.zeros(3).addmm_(torch.zeros(3, 3), torch.zeros(3, 3))", 'RuntimeError', "Bad in-place call: input tensor size [3] and output tensor size [3, 3] should match"],
        ["torch.addbmm(torch.zeros(5), torch.zeros(3, 5, 2), torch.zeros(3, 2, 4))", 'RuntimeError', "The expanded size of the tensor (4) must match the existing size (5) at non-singleton dimension 1.  Target sizes: [5, 4].  Tensor sizes: [5]"],
        ["torch.addbmm(torch.zeros(5, 5), torch.zeros(3, 5, 1), torch.zeros(2, 1, 5))", 'RuntimeError', "batch1 and batch2 must have same number of batches, got 3 and 2"],
        ["torch.addbmm(torch.zeros(5, 5), torch.zeros(3, 5, 2), torch.zeros(3, 1, 5))", 'RuntimeError', "Incompatible matrix sizes for bmm (5x2 and 1x5)"],
        ["torch.addbmm(torch.zeros(5, 5), torch.zeros(3, 5), torch.zeros(3, 5, 5))", 'RuntimeError', "batch1 must be a 3D tensor"],
        ["torch.addbmm(torch.zeros(5, 5), torch.zeros(3, 5, 2), torch.zeros(3, 5))", 'IndexError', "Dimension out of range (expected to be in range of [-2, 1], but got 2)"],
        ["torch.addbmm(torch.zeros(5, 5), torch.zeros(3, 5, 2).double(), torch.zeros(3, 2, 5))", 'RuntimeError', "mat1 and mat2 must have the same dtype, but got Double and Float"],
        ["torch.addbmm(torch.zeros(2, 5, 5), torch.zeros(3, 5, 2), torch.zeros(3, 2, 5))", 'RuntimeError', "expand(torch.FloatTensor{[2, 5, 5]}, size=[5, 5]): the number of sizes provided (2) must be greater or equal to the number of dimensions in the tensor (3)"],
        ["torch.addmv(torch.zeros(2), torch.zeros(3, 3), torch.zeros(3))", 'RuntimeError', "size mismatch, got input (2), mat (3x3), vec (3)"],
        ["torch.addmv(torch.zeros(()), torch.zeros(3, 3), torch.zeros(2))", 'IndexError', "Dimension specified as 0 but tensor has no dimensions"],
        ["torch.addmv(torch.zeros(3, 3), torch.zeros(3, 3), torch.zeros(3))", 'RuntimeError', "vector + matrix @ vector expected, got 2, 2, 1"],
        ["torch.addmv(torch.zeros(3), torch.zeros(3, 3), torch.zeros(3).double())", 'RuntimeError', "addmv input tensors must have the same dtype, but got Float, Float, and Double"],
        ["torch.mv(torch.zeros(3, 3), torch.zeros(2))", 'RuntimeError', "size mismatch, got input (3), mat (3x3), vec (2)"],
        ["torch.mv(torch.zeros(3, 3), torch.zeros(3, 1))", 'RuntimeError', "vector + matrix @ vector expected, got 1, 2, 2"],
        ["torch.mv(torch.zeros(3, 3).double(), torch.zeros(3))", 'RuntimeError', "addmv input tensors must have the same dtype, but got Float, Double, and Float"],
        ["torch.mv(torch.zeros(3, 3, dtype=torch.bool), torch.zeros(3, dtype=torch.bool))", 'NotImplementedError', "\"addmv_impl_cpu\" not implemented for 'Bool'"],
        ["torch.dot(torch.zeros(3), torch.zeros(2).double())", 'RuntimeError', "dot : expected both vectors to have same dtype, but found Float and Double"],
        ["torch.dot(torch.zeros(3, dtype=torch.bool), torch.zeros(2, dtype=torch.bool))", 'RuntimeError', "inconsistent tensor size, expected tensor [3] and src [2] to have the same number of elements, but got 3 and 2 elements respectively"],
        ["torch.dot(torch.zeros(3), torch.zeros(3, 1))", 'RuntimeError', "1D tensors expected, but got 1D and 2D tensors"],
        ["torch.dot(torch.zeros(3), 2)", 'TypeError', "dot(): argument 'tensor' (position 2) must be Tensor, not int"],
        ["torch.vdot(torch.zeros(3, dtype=torch.bool), torch.zeros(3, dtype=torch.bool))", 'NotImplementedError', "\"dot\" not implemented for 'Bool'"],
        ["torch.lerp(torch.zeros(3), torch.zeros(()).double(), 0.5)", 'RuntimeError', "expected dtype float for `end` but got dtype double"],
        ["torch.lerp(torch.zeros(3), torch.zeros(3), torch.zeros(3, dtype=torch.long))", 'RuntimeError', "expected dtype float for `weight` but got dtype long int"],
        ["torch.lerp(torch.arange(3), torch.arange(3), 0.5)", 'NotImplementedError', "\"lerp_kernel_scalar\" not implemented for 'Long'"],
        ["torch.lerp(torch.arange(3), torch.arange(3), torch.arange(3))", 'NotImplementedError', "\"lerp_kernel_tensor\" not implemented for 'Long'"],
        ["torch.lerp(torch.zeros(3), torch.zeros(3))", 'TypeError', "lerp() received an invalid combination of arguments - got (Tensor, Tensor), but expected one of:"],
        ["torch.lerp(torch.zeros(3), 2.0, 0.5)", 'TypeError', "lerp() received an invalid combination of arguments - got (Tensor, float, float), but expected one of:"],
        ["torch.lerp(torch.zeros(3), torch.zeros(2), 0.5)", 'RuntimeError', "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"],
        ["torch.zeros(3).lerp_(torch.zeros(2, 3), 0.5)", 'RuntimeError', "output with shape [3] doesn't match the broadcast shape [2, 3]"],
        ["torch.lerp(torch.zeros(3), torch.zeros(3), 1j)", 'RuntimeError', "value cannot be converted to type float without overflow"],
        ["torch.tensordot(torch.zeros(3, 5), torch.zeros(3, 5), dims=([1], [0]))", 'RuntimeError', "contracted dimensions need to match, but first has size 5 in dim 1 and second has size 3 in dim 0"],
        ["torch.tensordot(torch.zeros(3, 5), torch.zeros(3, 5).double(), dims=([1], [1]))", 'RuntimeError', "both inputs should have same dtype"],
        ["torch.tensordot(torch.zeros(3, 5), torch.zeros(3, 5), dims=3)", 'RuntimeError', "tensordot expects dims < ndim_a or ndim_b, but got dims=3"],
        ["torch.tensordot(torch.zeros(3, 5), torch.zeros(3, 5), dims=-1)", 'RuntimeError', "tensordot expects dims >= 0, but got dims=-1"],
        ["torch.tensordot(torch.zeros(3, 5), torch.zeros(3, 5), dims=([1, 0], [1]))", 'RuntimeError', "both dimension lists should have same length"],
        ["torch.tensordot(torch.zeros(3, 5), torch.zeros(3, 5), dims=([2], [1]))", 'IndexError', "Dimension out of range (expected to be in range of [-2, 1], but got 2)"],
        ["torch.tensordot(torch.zeros(3, 5), torch.zeros(3, 5), dims=1.5)", 'RuntimeError', "tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] containing two lists, but got dims=1.5"],
        ["torch.tensordot(torch.zeros(3, 5), torch.zeros(3, 5), dims=(2, 1))", 'TypeError', "tensordot(): argument 'dims_self' (position 3) must be tuple of ints, not int"],
        ["torch.median(torch.ones(3, dtype=torch.bool))", 'NotImplementedError', "\"median_cpu\" not implemented for 'Bool'"],
        ["torch.median(torch.ones(3, dtype=torch.bool), 0)", 'NotImplementedError', "\"median_out\" not implemented for 'Bool'"],
        ["torch.median(torch.zeros(0, 3), 0)", 'IndexError', "median(): Expected reduction dim 0 to have non-zero size."],
        ["torch.median(torch.zeros(3, 4), 2)", 'IndexError', "Dimension out of range (expected to be in range of [-2, 1], but got 2)"],
        ["torch.median(torch.zeros(3, 4), 1.0)", 'TypeError', "median(): argument 'dim' (position 2) must be int, not float"],
        ["torch.median(torch.zeros(3), keepdim=True)", 'TypeError', "median() missing 1 required positional arguments: \"dim\""],
        ["torch.median(torch.zeros(3, 4), dim=1, keepdim=1)", 'TypeError', "median(): argument 'keepdim' must be bool, not int"],
        ["torch.nanmedian(torch.zeros(0, 3), 0)", 'IndexError', "median(): Expected reduction dim 0 to have non-zero size."],
        ["torch.logcumsumexp(torch.arange(3), 0)", 'NotImplementedError', "\"logcumsumexp_out_cpu\" not implemented for 'Long'"],
        ["torch.logcumsumexp(torch.zeros(3))", 'TypeError', "logcumsumexp() missing 1 required positional arguments: \"dim\""],
        ["torch.quantile(torch.zeros(3), 1.5)", 'RuntimeError', "quantile() q must be in the range [0, 1] but got 1.5"],
        ["torch.quantile(torch.zeros(0), 0.5, interpolation='foo')", 'RuntimeError', "quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got foo"],
        ["torch.quantile(torch.zeros(0), 0.5)", 'RuntimeError', "quantile() input tensor must be non-empty"],
        ["torch.quantile(torch.zeros(3), torch.zeros(2, 2))", 'RuntimeError', "quantile() q must be a scalar or 1D tensor"],
        ["torch.quantile(torch.arange(3), 0.5)", 'RuntimeError', "quantile() input tensor must be either float or double dtype"],
        ["torch.quantile(torch.zeros(3).half(), 0.5)", 'RuntimeError', "quantile() input tensor must be either float or double dtype"],
        ["torch.quantile(torch.zeros(3), torch.tensor([0.5], dtype=torch.float64))", 'RuntimeError', "quantile() q tensor must be same dtype as the input tensor"],
        ["torch.quantile(torch.zeros(3), 0.5, dim=1)", 'IndexError', "Dimension out of range (expected to be in range of [-1, 0], but got 1)"],
        ["torch.quantile(torch.zeros(3), torch.tensor([0.5, 2.0]))", 'RuntimeError', "quantile() q values must be in the range [0, 1]"],
        ["torch.quantile(torch.zeros(3), [0.5])", 'TypeError', "quantile() received an invalid combination of arguments - got (Tensor, list), but expected one of:"],
    ],
  )

  it('refuses a complex number with a float16 tensor (complex32 is not modelled)', () => {
    expect(() => python('import torch\ntorch.zeros(3).half() * 1j')).toThrow('makes a complex32 (`torch.chalf`) tensor, which is not supported yet')
  })
})
