import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'

describe('torch.compile', () => {
  const source = (compile: string): string =>
    `import torch\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n\n    def forward(self, x, scale=1.0):\n        return self.fc(x) * scale\n\n@torch.compile\ndef double(x):\n    return 2 * x\n\nmodel = ${compile}\n`

  it('wraps a module in an OptimizedModule whose names start with _orig_mod., as PyTorch 2.13 does', () => {
    // PyTorch 2.13: type OptimizedModule (torch._dynamo.eval_frame), parameters _orig_mod.fc.weight, _orig_mod.fc.bias.
    for (const compile of ['torch.compile(Net())', 'torch.compile(Net(), mode="max-autotune")', 'torch.compile(mode="reduce-overhead")(Net())']) {
      const a = analyze({ files: { 'm.py': source(compile) }, main: 'm.py' }, { input: '3,4', device: 'cpu' })
      expect(a.module, compile).toBe('OptimizedModule')
      expect(a.tensors.map((t) => t.name), compile).toEqual(['_orig_mod.fc.weight', '_orig_mod.fc.bias'])
      expect(a.params.total).toBe(10n)
      expect(a.forward?.outputShape, compile).toEqual([3, 2])
      // the saved activations are eager PyTorch's, which the note says
      expect(a.notes.some((n) => n.includes('`torch.compile` is run as the eager code it compiles')), compile).toBe(true)
    }
  })

  it('leaves a function as it is', () => {
    const a = analyze({ files: { 'm.py': source('Net()\nassert double(3) == 6') }, main: 'm.py' })
    expect(a.module).toBe('Net')
  })
})
