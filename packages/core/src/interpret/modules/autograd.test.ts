import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'
import { printed } from '../../../test/interpret.js'

const prelude = 'import torch\nimport torch.nn as nn\n'

/** Two custom functions: one with `forward(ctx, …)` that saves an input, a parameter and a result, one with `setup_context`. */
const functions = `${prelude}class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, k):
        ctx.k = k
        y = x * w
        ctx.save_for_backward(x, w, y)
        print('needs', ctx.needs_input_grad, torch.is_grad_enabled(), y.requires_grad)
        return y * k, y.sum()

    @staticmethod
    def backward(ctx, g, g2):
        x, w, y = ctx.saved_tensors
        return g * w * ctx.k, None, None

class Clamp(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x.clamp(min=0)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        ctx.save_for_backward(x)
        ctx.mark_non_differentiable(output)

    @staticmethod
    def backward(ctx, g):
        return g

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.w = nn.Parameter(torch.ones(8))

    def forward(self, x):
        a, s = Scale.apply(self.fc(x), self.w, 3.0)
        print(a.requires_grad, s.requires_grad, tuple(s.shape))
        c = Clamp.apply(a)
        print(c.requires_grad)
        return torch.relu(a) + s + c
model = Net()
`

describe('torch.autograd.Function: a custom function runs its forward with grad mode off and keeps what ctx.save_for_backward gets', () => {
  it('saves the tensors given to save_for_backward (parameters never), and its results require grad unless marked non-differentiable', () => {
    const analysis = analyze(functions, { input: '4,8', device: 'cpu' })
    const forward = analysis.forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (4, 8); 512 bytes saved (the linear layer's output and
    // `y` that `Scale` saves, the ReLU's output, `a` that `Clamp` saves), 640 with the input; 512 FLOPs (the addmm).
    // Its prints: `needs (True, True, False) False False`, `True True ()`, `False`.
    expect(forward.outputShape).toEqual([4, 8])
    expect(forward.savedBytes).toBe(512n)
    expect(forward.savedBytesWithInput).toBe(640n)
    expect(forward.flopCounter.total).toBe(512n)
    expect(analysis.notes).toEqual(['needs (True, True, False) False False', 'True True ()', 'False'])
  })

  it('a forward that runs submodules under torch.no_grad (gradient checkpointing) saves nothing of theirs', () => {
    const source = `${prelude}class Checkpoint(torch.autograd.Function):
    @staticmethod
    def forward(ctx, run, x):
        ctx.run = run
        ctx.inputs = [x]
        with torch.no_grad():
            return run(x)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 8))
        self.head = nn.Linear(8, 2)

    def forward(self, x):
        return self.head(Checkpoint.apply(self.body, x))
model = Net()
`
    const forward = analyze(source, { input: '4,8', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (4, 2); 128 bytes saved (the head's input) with or
    // without the input, which nothing saves; FlopCounterMode 2,176 FLOPs (the body's two addmm and the head's).
    expect(forward.outputShape).toEqual([4, 2])
    expect(forward.savedBytes).toBe(128n)
    expect(forward.savedBytesWithInput).toBe(128n)
    expect(forward.flopCounter.total).toBe(2176n)
    expect(forward.modules.map((m) => m.path)).toEqual(['', 'body', 'body.0', 'body.1', 'body.2', 'head'])
  })

  it('refuses apply on Function itself and on a subclass without forward, as PyTorch does', () => {
    expect(() => printed(`${prelude}torch.autograd.Function.apply(torch.ones(2))`)).toThrow('You must implement the forward function for custom autograd.Function.')
    expect(() => printed(`${prelude}class F(torch.autograd.Function):\n    pass\nF.apply(torch.ones(2))`)).toThrow('You must implement the forward function for custom autograd.Function.')
  })
})

describe('torch.autograd.Function with a Swish of its own, as EfficientNet-PyTorch writes it', () => {
  it('runs forward with grad off, saves what save_for_backward keeps and tracks the outputs', () => {
    // PyTorch 2.13 on a (4, 8) input: prints \`True True False torch.int64\`, gives (4, 16) and saves 544 bytes
    // besides the input (the linear layer's output that Swish keeps, Split's exp and its int64 argmax).
    const r = analyze(
      `
class Swish(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i * torch.sigmoid(i)
        ctx.save_for_backward(i)
        ctx.scale = 2
        return result
    @staticmethod
    def backward(ctx, g):
        i, = ctx.saved_tensors
        return g * ctx.scale
class Split(torch.autograd.Function):
    @staticmethod
    def forward(x, k):
        return x.exp(), x.argmax(-1)
    @staticmethod
    def setup_context(ctx, inputs, output):
        e, idx = output
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(e, idx)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 16)
    def forward(self, x):
        h = Swish.apply(self.fc(x))
        e, idx = Split.apply(h, 3)
        print(h.requires_grad, e.requires_grad, idx.requires_grad, idx.dtype)
        return e * 2
m = Net()
`,
      { input: '4,8', device: 'cpu' },
    )
    expect(r.notes).toContain('True True False torch.int64')
    expect(r.forward?.outputShapes).toEqual([[4, 16]])
    expect(r.forward?.savedBytes).toBe(544n)
    expect(r.forward?.savedBytesWithInput).toBe(672n)
  })
})

describe('torch.autograd.Variable', () => {
  it('gives back the tensor it wraps, as PyTorch has since 0.4', () => {
    const r = analyze(`${prelude}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(torch.autograd.Variable(x))
Net()`, { input: '2,4', device: 'cpu' })
    expect(r.forward!.outputShape).toEqual([2, 3])
  })
})

describe('torch.autograd.Function results keep their layout', () => {
  // mamba.py's PScan: a Function clones a transposed activation and returns it; the clone keeps the transposed
  // layout (`preserve_format`), so the `@` that follows copies it and keeps the copy.
  const scan = (save: boolean) => `${prelude}import torch.nn.functional as F
class Ident(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x_in):
        x = x_in.clone()
        ${save ? 'ctx.save_for_backward(x)' : 'pass'}
        return x

    @staticmethod
    def backward(ctx, g):
        return g

class M(nn.Module):
    def __init__(self, e=8, n=4):
        super().__init__()
        self.A = nn.Parameter(torch.randn(e, n))

    def forward(self, d, c):
        s = F.softplus(d.transpose(1, 2))
        h = Ident.apply(s.unsqueeze(-1) * self.A)
        return (h @ c.unsqueeze(-1)).squeeze(3)
model = M()
`
  it('a transposed clone returned by a Function is copied by matmul, besides the clone it saved', () => {
    // Measured with PyTorch 2.13 (CPU, inputs (2, 8, 6) and (2, 6, 4) requiring grad): output (2, 6, 8);
    // 3,456 bytes saved (softplus's output 384, the saved clone 1,536 and matmul's contiguous copy 1,536).
    const saving = analyze(scan(true), { input: '2,8,6;2,6,4', device: 'cpu' }).forward!
    expect(saving.outputShape).toEqual([2, 6, 8])
    expect(saving.savedBytes).toBe(3456n)
    // Without save_for_backward: 1,920 bytes (softplus's output and matmul's copy).
    expect(analyze(scan(false), { input: '2,8,6;2,6,4', device: 'cpu' }).forward!.savedBytes).toBe(1920n)
  })
})
