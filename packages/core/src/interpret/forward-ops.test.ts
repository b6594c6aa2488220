import { describe, expect, it } from 'vitest'
import { analysisToJSON, analyze } from '../index.js'
import { python } from '../../test/interpret.js'

const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

function attentionModel(call: string): string {
  return `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        q = self.fc(x)\n        k = torch.zeros(2, 3, 7, 4)\n        return ${call}\n`
}

describe('F.scaled_dot_product_attention refuses what PyTorch 2.13 refuses', () => {
  const errors: Array<[string, string]> = [
    ['F.scaled_dot_product_attention(q, k, k, attn_mask=torch.zeros(6, 7))', 'The size of tensor a (5) must match the size of tensor b (6) at non-singleton dimension 2'],
    ['F.scaled_dot_product_attention(q, k, k, attn_mask=torch.zeros(5, 7, dtype=torch.long))', 'Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: long int and  query.dtype: float instead.'],
    ['F.scaled_dot_product_attention(q, k, k, dropout_p=1.5)', 'dropout probability has to be between 0 and 1, but got 1.5'],
    ['F.scaled_dot_product_attention(q, k.double(), k)', 'Expected query, key, and value to have the same dtype, but got query.dtype: float key.dtype: double and value.dtype: float instead.'],
    ['F.scaled_dot_product_attention(q.repeat(1, 2, 1, 1), k, k)', 'The size of tensor a (6) must match the size of tensor b (3) at non-singleton dimension 1'],
    ['F.scaled_dot_product_attention(torch.cat([q, q[:, :1]], 1), k, k, enable_gqa=True)', 'Number of heads in key and value must divide the number of heads in query'],
  ]
  for (const [call, message] of errors) {
    it(call, () => {
      expect(() => analyze(attentionModel(call), { input: '2,3,5,4', device: 'cpu' })).toThrow(message)
    })
  }

  it('a mask of (3, L, S) broadcasts over the batch, as in PyTorch', () => {
    const f = analyze(attentionModel('F.scaled_dot_product_attention(q, k, k, attn_mask=torch.zeros(3, 5, 7), is_causal=False, scale=0.1)'), { input: '2,3,5,4', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([2, 3, 5, 4])
  })
})

describe('the CPU flash kernel of F.scaled_dot_product_attention: unit-stride inputs, an output laid out as the query', () => {
  /** q, k, v of (2, 4, 64, 32) from a 1×1 convolution's output, transposed views whose last dimension has stride 64. */
  const model = (body: string): string =>
    `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.to_qkv = nn.Conv2d(32, 384, 1, bias=False)\n        self.to_out = nn.Conv2d(128, 32, 1)\n\n    def forward(self, x):\n        b, c, h, w = x.shape\n        q, k, v = self.to_qkv(x).view(b, 3, 4, 32, h * w).transpose(3, 4).unbind(1)\n${body}\n`
  // Measured with PyTorch 2.13 (CPU, training mode) on x of (2, 32, 8, 8): bytes saved without and with the input, and
  // FlopCounterMode's FLOPs.
  const cases: Array<[string, string, number[], number, number, number]> = [
    [
      'inputs whose last dimension is not contiguous run the math path (two bmm calls and a softmax saved)',
      '        out = F.scaled_dot_product_attention(q, k, v)\n        return self.to_out(out.transpose(2, 3).reshape(b, 128, h, w))',
      [2, 32, 8, 8],
      393216,
      409600,
      8388608,
    ],
    [
      'with contiguous inputs the flash kernel runs, and its contiguous output is copied to feed the convolution',
      '        out = F.scaled_dot_product_attention(q.contiguous(), k.contiguous(), v.contiguous())\n        return self.to_out(out.transpose(2, 3).reshape(b, 128, h, w))',
      [2, 32, 8, 8],
      329728,
      346112,
      4194304,
    ],
    [
      'the output of contiguous inputs, transposed and reshaped, is a copy, which a linear layer saves',
      '        out = F.scaled_dot_product_attention(q.contiguous(), k.contiguous(), v.contiguous())\n        return F.linear(out.transpose(1, 2).reshape(b, h * w, 128), self.to_out.weight.view(32, 128))',
      [2, 64, 32],
      329728,
      346112,
      4194304,
    ],
  ]
  for (const [title, body, shape, saved, withInput, flops] of cases) {
    it(title, () => {
      const f = analyze(model(body), { input: '2,32,8,8', device: 'cpu' }).forward!
      expect(f.outputShape).toEqual(shape)
      expect(f.savedBytes).toBe(BigInt(saved))
      expect(f.savedBytesWithInput).toBe(BigInt(withInput))
      expect(f.flopCounter.total).toBe(BigInt(flops))
    })
  }
})

describe('FLOPs as FlopCounterMode counts them, in JSON', () => {
  it('counts the bmm calls of an einsum and the addmm of a linear layer, not the softmax', () => {
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        y = self.fc(x)\n        return torch.einsum('bij,bkj->bik', y, y).softmax(-1)\n`
    const json = analysisToJSON(analyze(source, { input: '2,3,4', device: 'cpu' }))
    // Measured with FlopCounterMode, PyTorch 2.13 (CPU). fc: 2 · (2·3) · 4 · 4 = 192 (3-D contiguous input with a bias: addmm); einsum: 2 · 2 · 3 · 4 · 3 = 144 (bmm)
    expect(json.flopCounter).toEqual({ total: 336, byOp: { 'aten.addmm': 192, 'aten.bmm': 144 } })
  })
})

describe('FLOPs as FlopCounterMode counts them, for a catalogue model', () => {
  it('resnet18 on (1, 3, 224, 224): 3,628,146,688, as FlopCounterMode measures it (PyTorch 2.13, torchvision 0.28)', () => {
    const f = analyze('resnet18', { input: '1,3,224,224' }).forward!
    expect(f.flopCounter.total).toBe(3_628_146_688n)
    expect(2n * f.macs).toBe(3_633_164_288n)
  })
})

describe('element-wise results keep their input\'s layout, as TensorIterator lays them out', () => {
  it('an activation of a transposed view is transposed too, so a linear layer flattens a copy of it', () => {
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        y = F.silu(x.transpose(1, 2))\n        return self.fc(y) * y\n`
    const f = analyze(source, { input: '2,4,5', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU): y has strides (20, 1, 5); `mm` saves a contiguous (10, 4) copy of it
    // (160 bytes), the product saves y (160) and the layer's output (160): 480 bytes, the input apart; mm 320 FLOPs.
    expect(f.savedBytes).toBe(480n)
    expect(f.flopCounter.byOp).toEqual({ 'aten.mm': 320n })
  })
})

describe('var and std in forward', () => {
  it('var keeps its input; std its input and its result', () => {
    const model = (body: string): string => `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(5, 5)\n\n    def forward(self, x):\n        y = self.fc(x)\n        return ${body}\n`
    // Measured with saved-tensor hooks, PyTorch 2.13 (CPU), y of shape (2, 3, 4, 5) (480 bytes): var saves y;
    // std over (1, 2) saves y and its (2, 5) result (40 bytes).
    const run = (body: string) => analyze(model(body), { input: '2,3,4,5', device: 'cpu' }).forward!
    expect(run('torch.var(y, dim=1, unbiased=False, keepdim=True)').savedBytes).toBe(480n)
    expect(run('torch.var(y, dim=1, unbiased=False, keepdim=True)').outputShape).toEqual([2, 1, 4, 5])
    expect(run('y.std(dim=(1, 2))').savedBytes).toBe(520n)
  })
})

describe('F.max_unpool, as nn.MaxUnpool runs it', () => {
  it('unpools with the indices of F.max_pool, to the size it computes or to output_size', () => {
    // SegNet (UNET-ZOO) unpools functionally. Measured with PyTorch 2.13 (CPU, saved-tensor hooks), input excluded.
    const model = (body: string): string => `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv1 = nn.Conv1d(3, 4, 3, padding=1)\n\n    def forward(self, x):\n        y = self.conv1(x)\n        p, idx = F.max_pool1d(y, 3, stride=2, return_indices=True)\n        return ${body}\n`
    // output_size as a torch.Size with the batch and channel dimensions: (2, 4, 9), 832 bytes saved
    const sized = analyze(model('F.max_unpool1d(p, idx, 3, stride=2, output_size=y.size()) * y'), { input: '2,3,9', device: 'cpu' }).forward!
    expect(sized.outputShape).toEqual([2, 4, 9])
    expect(sized.savedBytes).toBe(832n)
    // without it: (4 − 1)·2 + 3 = 9 as well; a kernel of 2 gives (4 − 1)·2 + 2 = 8
    expect(analyze(model('F.max_unpool1d(p, idx, 2, stride=2)'), { input: '2,3,9', device: 'cpu' }).forward!.outputShape).toEqual([2, 4, 8])
  })
})

describe('torch.special', () => {
  it("runs the functions it shares with torch, under their names there, and says which others it does not model", () => {
    // denoising-diffusion-pytorch's continuous-time schedule: `from torch.special import expm1`
    const model = (imports: string, body: string): string => `${prelude}${imports}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lin = nn.Linear(4, 4)\n\n    def forward(self, x):\n        return self.lin(${body})\n`
    const same = (imports: string, body: string, plain: string) => {
      const a = analyze(model(imports, body), { input: '2,4', device: 'cpu' }).forward!
      const b = analyze(model('', plain), { input: '2,4', device: 'cpu' }).forward!
      expect([a.outputShape, a.savedBytes]).toEqual([b.outputShape, b.savedBytes])
    }
    same('from torch.special import expm1\n', 'expm1(x)', 'torch.expm1(x)')
    same('', 'torch.special.expit(x) * torch.special.log1p(x.abs())', 'torch.sigmoid(x) * torch.log1p(x.abs())')
    const note = analyze(model('', 'torch.special.ndtr(x)'), { input: '2,4' }).forwardNote!
    expect(note.message).toBe('`torch.special.ndtr` is not supported yet.')
    expect([note.line, note.column]).toEqual([10, 25])
  })
})

describe('super().forward in a subclass of a built-in layer', () => {
  it('runs the layer\'s own forward rule on the same module (CLIP\'s LayerNorm that casts its input), and norm keeps its input and result', () => {
    const source = `${prelude}class LayerNorm(nn.LayerNorm):\n    def forward(self, x: torch.Tensor):\n        orig_type = x.dtype\n        ret = super().forward(x.type(torch.float32))\n        return ret.type(orig_type)\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n        self.ln = LayerNorm(4)\n\n    def forward(self, x):\n        y = self.ln(self.fc(x))\n        return y / y.norm(dim=-1, keepdim=True)\n`
    const r = analyze(source, { input: '2,3,4', device: 'cpu' })
    // Measured with saved-tensor hooks, PyTorch 2.13 (CPU), x of (2, 3, 4): 28 parameters; 264 bytes saved: the
    // layer norm's input (96), mean and rstd (24 + 24), y (96) and its norm (24), kept by the norm and the division.
    expect(r.params.total).toBe(28n)
    expect(r.forward!.outputShape).toEqual([2, 3, 4])
    expect(r.forward!.savedBytes).toBe(264n)
  })
})

describe('F.multi_head_attention_forward', () => {
  it('runs the nn.MultiheadAttention rule with the weights given (CLIP\'s attention pool): separate projections, another output width', () => {
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.q = nn.Linear(8, 8)\n        self.k = nn.Linear(8, 8)\n        self.v = nn.Linear(8, 8)\n        self.c = nn.Linear(8, 6)\n\n    def forward(self, x):\n        x = x.permute(1, 0, 2)\n        out, w = F.multi_head_attention_forward(query=x[:1], key=x, value=x, embed_dim_to_check=8, num_heads=2, q_proj_weight=self.q.weight, k_proj_weight=self.k.weight, v_proj_weight=self.v.weight, in_proj_weight=None, in_proj_bias=torch.cat([self.q.bias, self.k.bias, self.v.bias]), bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0, out_proj_weight=self.c.weight, out_proj_bias=self.c.bias, use_separate_proj_weight=True, training=self.training, need_weights=False)\n        return out.squeeze(0), w\n`
    const f = analyze(source, { input: '2,5,8', device: 'cpu' }).forward!
    // Measured with saved-tensor hooks and FlopCounterMode, PyTorch 2.13 (CPU), x of (2, 5, 8): output (2, 6) and
    // None; 1424 bytes saved (the key/value projections read a copy of the permuted input); mm 2816 (q, k, v of a
    // non-contiguous input), addmm 192 (the output projection).
    expect(f.outputShapes).toEqual([[2, 6]])
    expect(f.outputStructure).toBe('(T, None)')
    expect(f.savedBytes).toBe(1424n)
    expect(f.flopCounter.byOp).toEqual({ 'aten.mm': 2816n, 'aten.addmm': 192n })
  })
})

describe('repeat and repeat_interleave in forward', () => {
  it('make new tensors that require grad as their input does (grouped-query attention repeats keys this way)', () => {
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        y = self.fc(x).repeat(1, 2)\n        z = self.fc(x).repeat_interleave(2, dim=1)\n        return y * z\n`
    const f = analyze(source, { input: '3,4', device: 'cpu' }).forward!
    // Measured with saved-tensor hooks, PyTorch 2.13 (CPU), x of (3, 4): the product keeps both (3, 8) operands, 192 bytes.
    expect(f.outputShape).toEqual([3, 8])
    expect(f.savedBytes).toBe(192n)
  })
})

describe('torch.matmul folds a batch as ATen does', () => {
  it('a matrix that requires grad by a batch is one mm; a batch of 1 that requires grad is squeezed first', () => {
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n        self.q = nn.Parameter(torch.randn(3, 4))\n\n    def forward(self, x):\n        y = self.fc(x)\n        a = torch.matmul(self.q, y.transpose(-1, -2))\n        b = torch.matmul(self.q.detach(), y.transpose(-1, -2))\n        c = torch.matmul(y[:, :3], y.transpose(-1, -2)[:1])\n        return a.softmax(-1) * b + c.sum()\n`
    const f = analyze(source, { input: '2,5,4', device: 'cpu' }).forward!
    // Measured with saved-tensor hooks and FlopCounterMode, PyTorch 2.13 (CPU), x of (2, 5, 4): 496 bytes saved;
    // addmm 320 (the layer), mm 480 (q @ yᵀ folded, and the batch of 1 squeezed), bmm 240 (the detached q, expanded).
    expect(f.outputShape).toEqual([2, 3, 5])
    expect(f.savedBytes).toBe(496n)
    expect(f.flopCounter.byOp).toEqual({ 'aten.addmm': 320n, 'aten.mm': 480n, 'aten.bmm': 240n })
  })
})

describe('max and min along a dimension give a named tuple', () => {
  const model = (ret: string): string =>
    `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 6)\n\n    def forward(self, x):\n        y = self.fc(x)\n        m = y.max(dim=-1)\n        n = torch.min(y, 1)\n        return ${ret}\n`
  it('read as `.values` / `.indices` or by position, with PyTorch 2.13’s figures', () => {
    for (const ret of ['m.values * 2, n.indices, m[1], y.max(-1, keepdim=True).values', 'm[0] * 2, n[1], m[1], y.max(-1, keepdim=True)[0]']) {
      const json = analysisToJSON(analyze(model(ret), { input: '2,3,4', device: 'cpu' }))
      // Measured with saved_tensors_hooks, PyTorch 2.13 (CPU): the input (96 bytes) and the three int64 index
      // tensors kept for backward, (2, 3), (2, 6) and (2, 3, 1): 48 + 96 + 48 bytes.
      expect(json.outputShapes, ret).toEqual([[2, 3], [2, 6], [2, 3], [2, 3, 1]])
      expect(json.activations, ret).toMatchObject({ savedBytes: 192, savedBytesWithInput: 288 })
    }
  })

  it('outside forward too, with its fields', () => {
    // m.values and m.indices have shape (3,), m._fields == ('values', 'indices'): nn.Linear(5, 3), 18 parameters
    const source = `${prelude}m = torch.zeros(3, 5).max(dim=1)\nmodel = nn.Linear(m.values.shape[0] + len(m._fields), m.indices.shape[0])\n`
    expect(analyze(source).params.total).toBe(18n)
  })
})

describe('matmul with a vector runs as ATen does: dot, mv, a folded mv or a bmm', () => {
  const net = (init: string, body: string): string =>
    `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n${init}\n\n    def forward(self, x):\n        return ${body}\n`
  // Measured with PyTorch 2.13 (CPU): saved bytes without the input and the parameters, FlopCounterMode's counts
  // (it has no formula for `mv` and `dot`).
  const cases: Array<[string, string, string, string, number[], bigint, Record<string, bigint>]> = [
    ['a batch by a parameter vector: one mv of the folded batch', '        self.fc = nn.Linear(4, 4)\n        self.v = nn.Parameter(torch.zeros(4))', '(self.fc(x) @ self.v).tanh()', '2,3,5,4', [2, 3, 5], 600n, { 'aten.addmm': 960n }],
    ['a matrix by a vector: mv', '        self.fc = nn.Linear(4, 4)\n        self.v = nn.Parameter(torch.zeros(4))', 'self.fc(x) @ self.v', '6,4', [6], 96n, { 'aten.addmm': 192n }],
    ['two vectors: dot, a 0-dim result', '        self.v = nn.Parameter(torch.zeros(4))', 'x.sin() @ self.v', '4', [], 16n, {}],
    ['a vector by a matrix: mm', '        self.w = nn.Parameter(torch.zeros(4, 3))', 'x.sin() @ self.w', '4', [3], 16n, { 'aten.mm': 24n }],
    ['a vector by a batch: one mv of the batch transposed, copied to fold it', '        self.w = nn.Parameter(torch.zeros(2, 4, 3))', 'x.sin() @ self.w', '4', [2, 3], 112n, { }],
    ['a transposed batch by a vector without grad: a bmm', '        self.fc = nn.Linear(4, 4)', 'self.fc(x).transpose(0, 1) @ torch.ones(4)', '2,3,4', [3, 2], 16n, { 'aten.addmm': 192n, 'aten.bmm': 48n }],
  ]
  for (const [title, init, body, input, shape, saved, flops] of cases) {
    it(title, () => {
      const f = analyze(net(init, body), { input, device: 'cpu' }).forward!
      expect([f.outputShape, f.savedBytes, f.flopCounter.byOp]).toEqual([shape, saved, flops])
    })
  }
})

describe('views of tensors made in forward share their storage', () => {
  it('indices sliced from random ones keep the whole storage of the indices when a gather saves them', () => {
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        x = self.fc(x)\n        ids = torch.rand(2, 16).argsort(dim=-1)\n        keep = ids[:, 8:]\n        return x[torch.arange(2)[:, None], keep]\n`
    const f = analyze(source, { input: '2,16,4', device: 'cpu' }).forward!
    // PyTorch 2.13: the batch index (2, 1) and the slice (2, 8) of the (2, 16) int64 indices: 16 + 256 bytes.
    expect([f.outputShape, f.savedBytes]).toEqual([[2, 8, 4], 272n])
  })
})

describe('F.kl_div and Tensor.unfold in forward', () => {
  it('F.kl_div with batchmean keeps the target of its product', () => {
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 10)\n\n    def forward(self, x):\n        y = self.fc(x)\n        target = torch.randn(2, 10).softmax(dim=-1)\n        return F.kl_div(F.log_softmax(y, dim=-1), target, reduction='batchmean')\n`
    const f = analyze(source, { input: '2,4', device: 'cpu' }).forward!
    // PyTorch 2.13: log_softmax's result and the target, 80 bytes each.
    expect([f.outputShape, f.savedBytes, f.flopCounter.byOp]).toEqual([[], 160n, { 'aten.addmm': 160n }])
  })

  it('unfold is a view of windows along a dimension', () => {
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        w = self.fc(x).unfold(1, 3, 2)\n        return w * w\n`
    const f = analyze(source, { input: '2,7,4', device: 'cpu' }).forward!
    // PyTorch 2.13: (2, 3, 4, 3); the product keeps the view, whose storage is the layer's (2, 7, 4) output.
    expect([f.outputShape, f.savedBytes]).toEqual([[2, 3, 4, 3], 224n])
  })

  it('unfold refuses windows larger than the dimension and steps below 1, as PyTorch does', () => {
    const model = (call: string): string => `${prelude}class Net(nn.Module):\n    def forward(self, x):\n        return x.${call}\n`
    expect(() => analyze(model('unfold(2, 6, 1)'), { input: '2,3,5', device: 'cpu' })).toThrow('maximum size for tensor at dimension 2 is 5 but size is 6')
    expect(() => analyze(model('unfold(2, 2, 0)'), { input: '2,3,5', device: 'cpu' })).toThrow('step is 0 but must be > 0')
  })
})

describe('while the model is built', () => {
  it('F.pad pads a tensor of indices, fmod and erfinv keep shapes and dtypes, torch.amp.autocast changes nothing', () => {
    const source = `${prelude}from torch.amp import autocast\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.register_buffer('ids', F.pad(torch.zeros(4, 4, dtype=torch.long), (2, 0, 2, 0), value=7))\n        i = torch.arange(1, 5, dtype=torch.float64).unsqueeze(1)\n        self.register_buffer('z', torch.erfinv(2.0 * torch.fmod(i * torch.ones(3, dtype=torch.float64), 1.0) - 1.0))\n        self.register_buffer('r', torch.arange(6).fmod(2.5))\n\n    @autocast('cuda', enabled=False)\n    def forward(self, x):\n        return x * 2\nmodel = Net()\n`
    const a = analyze(source, { input: '2,3', device: 'cpu' })
    // PyTorch 2.13: (6, 6) int64, (4, 3) float64, (6,) float32.
    expect(a.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual([['ids', [6, 6], 'int64'], ['z', [4, 3], 'float64'], ['r', [6], 'float32']])
    expect(a.forward!.outputShape).toEqual([2, 3])
  })

  it('F.pad refuses what PyTorch refuses', () => {
    const model = (pad: string): string => `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.register_buffer('b', F.pad(torch.zeros(3, 4, 5), ${pad}))\nmodel = Net()\n`
    expect(() => analyze(model('(1, 0, 0)'))).toThrow('`F.pad` got padding of length 3: its length must be divisible by 2.')
    expect(() => analyze(model('(1, -7)'))).toThrow('`F.pad` got padding (1, -7) for dimension 2 of size 5 (input (3, 4, 5)): the padded size would be negative (narrow(): length must be non-negative).')
    expect(() => analyze(model('(1, 0) * 4'))).toThrow('`F.pad` got padding of length 8 for an input of 3 dimensions (3, 4, 5): the padding can be at most twice as long as the number of dimensions.')
  })

  it('F.pad while the model is built checks each mode as the forward pass does (PyTorch 2.13 refuses all four)', () => {
    const model = (args: string): string => `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.register_buffer('b', F.pad(torch.zeros(3, 4, 5), ${args}))\nmodel = Net()\n`
    // PyTorch: "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (5, 0) at dimension 2 of input [3, 4, 5]"
    expect(() => analyze(model("(5, 0), mode='reflect'"))).toThrow('`F.pad` got reflection padding (5, 0) for dimension 2 of size 5 (input (3, 4, 5)): padding size should be less than the corresponding input dimension.')
    // PyTorch: "Padding value causes wrapping around more than once."
    expect(() => analyze(model("(6, 0), 'circular'"))).toThrow('`F.pad` got circular padding (6, 0) for dimension 2 of size 5 (input (3, 4, 5)): padding value causes wrapping around more than once.')
    // PyTorch: "input (W: 5) is too small. Calculated output W: -1"
    expect(() => analyze(model("(-3, -3), mode='replicate'"))).toThrow('`F.pad` input (W: 5) is too small for replicate padding (-3, -3). Calculated output W: -1.')
    // PyTorch: NotImplementedError "Unrecognised padding mode bogus"
    expect(() => analyze(model("(1, 1), mode='bogus'"))).toThrow('`F.pad` got padding mode `bogus`, which is not one of `constant`, `reflect`, `replicate`, `circular`.')
    // what PyTorch accepts: (3, 4, 5) padded by (1, 1) in reflect mode is (3, 4, 7)
    expect(analyze(model("(1, 1), mode='reflect'")).tensors.map((t) => [t.name, t.shape])).toEqual([['b', [3, 4, 7]]])
  })
})

describe('torch.bernoulli in forward', () => {
  it('makes a new tensor that requires grad when its probabilities do, and keeps nothing itself', () => {
    const source = `import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        h = self.fc(x)
        mask = torch.bernoulli(torch.sigmoid(h))
        return h * mask + x.bernoulli()
Net()`
    const forward = analyze(source, { input: '2,8', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (2, 8); the sigmoid's output and both factors of the
    // product are kept (192 bytes, 256 with the input the linear layer keeps); FlopCounterMode 256 FLOPs.
    expect(forward.outputShape).toEqual([2, 8])
    expect([forward.savedBytes, forward.savedBytesWithInput, forward.flopCounter.total]).toEqual([192n, 256n, 256n])
  })
})

describe('copy_ and F.one_hot in forward, as magnitude-preserving layers and class embeddings use them', () => {
  const source = `${prelude}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(6, 10))
        self.emb = nn.Linear(5, 6, bias=False)

    def forward(self, x, labels):
        if self.training:
            with torch.no_grad():
                self.weight.copy_(F.normalize(self.weight, dim=1))
        codes = F.one_hot(labels, 5)
        return F.linear(x, self.weight) + self.emb(codes.float() * 2)
Net()`

  it('a weight normalised in place under no_grad keeps nothing; one-hot codes are int64 of (…, num_classes)', () => {
    const forward = analyze(source, { input: '4,10; 4:int64', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (4, 6); 80 bytes saved (the float codes the
    // embedding keeps), 240 with the inputs; FlopCounterMode 720 FLOPs (two mm).
    expect(forward.outputShape).toEqual([4, 6])
    expect(forward.savedBytes).toBe(80n)
    expect(forward.savedBytesWithInput).toBe(240n)
    expect(forward.flopCounter.total).toBe(720n)
  })

  it('refuses what PyTorch refuses, and a class count that depends on the values', () => {
    const run = (call: string) => () => analyze(source.replace('F.one_hot(labels, 5)', call), { input: '4,10; 4:int64', device: 'cpu' })
    expect(run('F.one_hot(labels.int(), 5)')).toThrow('one_hot is only applicable to index tensor of type LongTensor.')
    expect(run('F.one_hot(labels, 0)')).toThrow('Class values must be smaller than num_classes.')
    expect(analyze(source.replace('F.one_hot(labels, 5)', 'F.one_hot(labels)'), { input: '4,10; 4:int64' }).forwardNote?.message).toContain('give `num_classes`')
  })
})

describe('view ops in place (`unsqueeze_`, `squeeze_`, `transpose_`, `t_`)', () => {
  // SKNet's branches (`fea = conv(x).unsqueeze_(dim=1)`); a buffer shaped in place before it is registered.
  const model = `${prelude}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        pe = torch.zeros(5, 4)
        pe.unsqueeze_(0).transpose_(1, 2)
        self.register_buffer('pe', pe)
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4, 6)

    def forward(self, x):
        fea = self.conv(x).unsqueeze_(dim=1)
        feas = torch.cat([fea, fea], dim=1)
        s = feas.sum(dim=1)
        s.transpose_(1, 3)
        return self.fc(s)
`

  it('change the tensor itself, as PyTorch 2.13 does (measured on x of (2, 3, 8, 8), CPU)', () => {
    const a = analyze(model, { input: '2,3,8,8', device: 'cpu' })
    expect(a.tensors.find((t) => t.name === 'pe')?.shape).toEqual([1, 4, 5])
    expect(a.forward?.outputShape).toEqual([2, 8, 8, 6])
    expect(a.forward?.savedBytes).toBe(2048n)
    expect(a.forward?.savedBytesWithInput).toBe(3584n)
  })

  it('refuse a parameter, whose registered shape would change', () => {
    const net = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = nn.Parameter(torch.zeros(3))\n\n    def forward(self, x):\n        return x * self.w.unsqueeze_(0)\n`
    const a = analyze(net, { input: '2,3', device: 'cpu' })
    expect(a.params.total).toBe(3n)
    expect(a.forward).toBeUndefined()
    expect(a.forwardNote?.message).toContain('`unsqueeze_` of a parameter changes its registered shape in place')
    expect(a.forwardNote?.line).toBe(10)
  })
})

describe('element-wise ops in place (`erfinv_`, `floor_`, `exp_`, `sigmoid_`)', () => {
  // A hand-copied `trunc_normal_` (erfinv_) at construction, timm's old `drop_path` (floor_) and in-place activations
  // in forward, as DINO's and DeiT's descendants write them.
  const model = `${prelude}def drop_path(x, drop_prob: float = 0., training: bool = False):
    if drop_prob == 0. or not training:
        return x
    keep_prob = 1 - drop_prob
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    random_tensor = keep_prob + torch.rand(shape, dtype=x.dtype, device=x.device)
    random_tensor.floor_()
    return x.div(keep_prob) * random_tensor

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.w = nn.Parameter(torch.empty(3, 8))
        with torch.no_grad():
            self.w.uniform_(-1, 1)
            self.w.erfinv_()
            self.w.mul_(2.0)
            self.w.clamp_(min=-2, max=2)

    def forward(self, x):
        y = x + drop_path(self.fc(x), 0.1, self.training)
        z = y * 2
        z.exp_()
        z.sigmoid_()
        return z @ self.w.t()
`

  it('write into the tensor, as PyTorch 2.13 does (measured on x of (2, 8), CPU)', () => {
    const a = analyze(model, { input: '2,8', device: 'cpu' })
    expect(a.params.total).toBe(96n)
    expect(a.forward?.outputShape).toEqual([2, 3])
    expect(a.forward?.savedBytes).toBe(72n)
    expect(a.forward?.savedBytesWithInput).toBe(136n)
  })

  it('refuse a floating result in an integer tensor, as PyTorch does', () => {
    expect(() => analyze(`${prelude}t = torch.arange(3)\nt.exp_()\nnn.Linear(2, 2)`)).toThrow("result type Float can't be cast to the desired output type Long")
  })
})

describe('F.scaled_dot_product_attention with a key and value broadcast over the batch or the heads', () => {
  // litgpt's adapter prefix: k and v of batch 1 (with a bool mask), or of 1 head without `enable_gqa`. The fused kernels
  // need one batch size and head count, so the math path runs, and `matmul` keeps copies of k and v at the full batch.
  const model = (kv: string, extra: string): string =>
    `${prelude}class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.q = nn.Linear(64, 64)\n        self.prefix = nn.Parameter(torch.randn(${kv}))\n\n    def forward(self, x):\n        q = self.q(x).view(2, 16, 4, 16).transpose(1, 2)\n        return F.scaled_dot_product_attention(q, self.prefix * 2.0, self.prefix * 3.0${extra})\n`
  // Measured with PyTorch 2.13 (CPU, training mode) on x of (2, 16, 64): bytes saved, input excluded.
  it('batch 1 with a bool mask: 14,336 bytes', () => {
    const f = analyze(model('1, 4, 4, 16', ', attn_mask=torch.ones(16, 4, dtype=torch.bool)'), { input: '2,16,64', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([2, 4, 16, 16])
    expect(f.savedBytes).toBe(14336n)
  })

  it('one head for four: 32,768 bytes', () => {
    const f = analyze(model('2, 1, 16, 16', ''), { input: '2,16,64', device: 'cpu' }).forward!
    expect(f.savedBytes).toBe(32768n)
  })
})

describe('torch.hstack in forward (llama\'s causal mask with a cache prefix)', () => {
  it('concatenates along the second dimension, as PyTorch 2.13 measures (x of (2, 16, 8), CPU)', () => {
    const model = `${prelude}class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 8)\n\n    def forward(self, x):\n        n = x.shape[1]\n        mask = torch.hstack([torch.zeros(n, 2), torch.triu(torch.full((n, n), float("-inf")), 1)])\n        return self.fc(x) + mask[:, 2:].sum()\n`
    const f = analyze(model, { input: '2,16,8', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([2, 16, 8])
    expect(f.savedBytes).toBe(0n)
    expect(f.savedBytesWithInput).toBe(1024n)
  })
})

describe('index_copy and index_copy_ (litgpt LoRA\'s `zero_pad`)', () => {
  // Measured with PyTorch 2.13 (CPU) on x of (2, 8): IndexCopyBackward keeps the index (a buffer here) and the source.
  const model = (call: string): string =>
    `${prelude}class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 4)\n        self.register_buffer("ind", torch.tensor([0, 2, 4, 6]), persistent=False)\n\n    def forward(self, x):\n        y = self.fc(x)\n        out = y.new_zeros(2, 8)\n        return ${call}\n`
  for (const call of ['out.index_copy_(dim=-1, index=self.ind, source=y)', 'out.index_copy(1, self.ind, y)', 'torch.index_copy(out, 1, self.ind, y)']) {
    it(call, () => {
      const f = analyze(model(call), { input: '2,8', device: 'cpu' }).forward!
      expect(f.outputShape).toEqual([2, 8])
      expect(f.savedBytes).toBe(32n)
      expect(f.savedBytesWithInput).toBe(96n)
    })
  }

  it("refuses what PyTorch refuses", () => {
    const errors: Array<[string, string]> = [
      ['t.index_copy(1, torch.tensor([0, 1]), torch.zeros(2, 3))', 'index_copy_(): Number of indices (2) should be equal to source.size(dim) (3)'],
      ['t.index_copy(1, torch.tensor([0., 1]), torch.zeros(2, 2))', 'index_copy_(): Expected a long tensor for index, but got Float'],
      ['t.index_copy(1, torch.tensor([[0, 1]]), torch.zeros(2, 2))', 'index_copy_(): Index should have dimension 1 or 0 (got 2)'],
    ]
    for (const [code, message] of errors) expect(() => analyze(`${prelude}t = torch.zeros(2, 8)\n${code}\nnn.Linear(2, 2)`), code).toThrow(message)
  })
})

describe('softmax with dtype=', () => {
  it('casts first, so the result and what it keeps are of that dtype (measured with PyTorch 2.13 on x of (2, 8), CPU)', () => {
    const model = `${prelude}class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 8)\n\n    def forward(self, x):\n        y = self.fc(x).double()\n        a = F.softmax(y, dim=-1, dtype=torch.float32)\n        b = y.log_softmax(-1, dtype=torch.float32)\n        c = torch.softmax(y, -1, dtype=torch.float32)\n        return a + b + c\n`
    const f = analyze(model, { input: '2,8', device: 'cpu' }).forward!
    // three float32 (2, 8) outputs kept: 3 × 64 bytes (they were float64 before the fix: 384)
    expect(f.savedBytes).toBe(192n)
    python('x = torch.zeros(2, 3, dtype=torch.float64)\nassert x.softmax(-1, dtype=torch.float32).dtype == torch.float32 and F.log_softmax(x, -1, dtype=torch.float16).dtype == torch.float16')
  })
})
