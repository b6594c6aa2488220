import { describe, expect, it } from 'vitest'
import { analyze, analyzeProgram } from '../../../analyze.js'
import { evaluateSource } from '../../../interpret/program.js'
import { showValue } from '../../../contract/values.js'

// The figures were measured with torchvision 0.28's own classes on PyTorch 2.13 (CPU): the script `--verify` writes
// for each program (counts, every parameter and buffer name and shape, output shape, bytes saved for backward with
// saved-tensor hooks), run with torchvision imported.

function run(source: string, entry: string, input: string) {
  const r = analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry }, { input, device: 'cpu' })
  const params = r.tensors.filter((t) => t.kind === 'parameter')
  return { class: r.module, params: Number(r.params.total), paramTensors: params.length, buffers: Number(r.buffers.total), names: [params[0]!.name, params.at(-1)!.name], output: r.forward!.outputShape, saved: Number(r.forward!.savedBytes) }
}

const source = `import torch
from torch import nn
from torchvision.ops import Conv2dNormActivation, SqueezeExcitation
from torchvision.ops.misc import MLP, Permute, Conv3dNormActivation

class SE(SqueezeExcitation):
    def __init__(self, c):
        super().__init__(c, c // 4, activation=nn.SiLU)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = Conv2dNormActivation(3, 16, stride=2)
        self.plain = Conv2dNormActivation(16, 32, kernel_size=(3, 5), norm_layer=None, activation_layer=nn.SiLU)
        self.se = SE(32)
        self.dw = Conv2dNormActivation(32, 32, groups=32, dilation=2, activation_layer=nn.Hardswish, inplace=None)
        self.permute = Permute([0, 2, 3, 1])
        self.mlp = MLP(32, [64, 10], norm_layer=nn.LayerNorm, dropout=0.1)

    def forward(self, x):
        x = self.dw(self.se(self.plain(self.stem(x))))
        return self.mlp(self.permute(x))
`

describe('torchvision.ops.misc blocks as classes', () => {
  it('builds Conv2dNormActivation, SqueezeExcitation (subclassed), MLP and Permute as torchvision does', () => {
    expect(run(source, 'Net()', '2,3,32,32')).toEqual({ class: 'Net', params: 11970, paramTensors: 18, buffers: 98, names: ['stem.0.weight', 'mlp.4.bias'], output: [2, 16, 16, 10], saved: 1008640 })
    expect(run(source, 'Conv3dNormActivation(3, 8, kernel_size=3, stride=(1, 2, 2))', '1,3,4,16,16')).toEqual({ class: 'Conv3dNormActivation', params: 664, paramTensors: 3, buffers: 17, names: ['0.weight', '1.bias'], output: [1, 8, 4, 8, 8], saved: 16448 })
  })

  it('keeps torchvision\'s padding, bias and attributes', () => {
    const v = evaluateSource(`${source}\na = Conv2dNormActivation(3, 8, kernel_size=(3, 5))\nb = Conv2dNormActivation(3, 8, norm_layer=None)\n[a.out_channels, a[0].padding, a[0].bias is None, b[0].bias is None, len(b), len(MLP(4, [8, 2])), isinstance(a, nn.Sequential)]`)
    // torchvision: 8 (1, 2) True False 2 5 True
    expect(v.kind === 'list' && v.items.map((item) => showValue(item))).toEqual(['8', '(1, 2)', 'True', 'False', '2', '5', 'True'])
  })

  it('is callable from torchvision.ops and torchvision.ops.misc', () => {
    expect(Number(analyze('torchvision.ops.SqueezeExcitation(64, 16)').params.total)).toBe(2128)
    expect(Number(analyze('torchvision.ops.misc.Conv2dNormActivation(3, 16)').params.total)).toBe(464)
  })
})
