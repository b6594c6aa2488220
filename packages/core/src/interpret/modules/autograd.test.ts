import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'

describe('torch.autograd.Function', () => {
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
