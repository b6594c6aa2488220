import { describe, expect, it } from 'vitest'
import { analyze } from '../index.js'

// Forward keywords of built-in layers and channels-last activations, measured with PyTorch 2.13 (CPU kernels,
// training mode, saved-tensor hooks; parameters, buffers and inputs excluded).
const wrapper = `import torch
import torch.nn as nn
import torch.nn.functional as F


class W(nn.Module):
    def __init__(self, mod):
        super().__init__()
        self.mod = mod

    def forward(self, *args, **kwargs):
        return self.mod(*args, **kwargs)
`

function outputShape(entry: string, input: string, call: string): readonly number[] | undefined {
  return analyze({ files: { 'w.py': wrapper }, main: 'w.py', entry }, { input, call, device: 'cpu' }).forward!.outputShape
}

describe('forward keywords of built-in layers', () => {
  it('sizes a transposed convolution or a max unpooling by `output_size=`', () => {
    expect(outputShape('W(nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1))', '1,4,5,5', 'm(x[0], output_size=[10, 10])')).toEqual([1, 2, 10, 10])
    expect(outputShape('W(nn.ConvTranspose1d(4, 2, 3, stride=3))', '2,4,5', 'm(x[0], output_size=[17])')).toEqual([2, 2, 17])
    // the batch and channel sizes may come first
    expect(outputShape('W(nn.ConvTranspose3d(2, 2, 2, stride=2))', '1,2,2,3,3', 'm(x[0], output_size=(1, 2, 5, 7, 6))')).toEqual([1, 2, 5, 7, 6])
    expect(outputShape('W(nn.MaxUnpool2d(2, stride=2))', '1,2,2,2; 1,2,2,2:int64', 'm(x[0], x[1], output_size=[5, 5])')).toEqual([1, 2, 5, 5])
    // PyTorch: "requested an output size of [5, 5], but valid sizes range from [9, 9] to [10, 10] (for an input of torch.Size([5, 5]))"
    expect(() => outputShape('W(nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1))', '1,4,5,5', 'm(x[0], output_size=[5, 5])')).toThrow('valid sizes range from [9, 9] to [10, 10]')
  })

  it("refuses a keyword the layer's forward does not take, as PyTorch's TypeError", () => {
    expect(() => outputShape('W(nn.Linear(4, 2))', '1,4', 'm(x[0], bogus=1)')).toThrow("`Linear.forward()` got an unexpected keyword argument 'bogus'")
  })
})

const channelsLast = `import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self, k):
        super().__init__()
        layers = {'a': [nn.Conv2d(2, 4, 3), nn.Flatten(), nn.Linear(36, 3)], 'b': [nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(36, 3)], 'c': [nn.Conv2d(2, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(36, 3)], 'd': [nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU()]}[k]
        self.f = nn.Sequential(*layers)
    def forward(self, x):
        return self.f(x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2))
`

describe('channels-last activations', () => {
  it('stay channels-last through batch norm and activations, and flattening them for a linear layer copies', () => {
    const saved = (kind: string): bigint => analyze({ files: { 'm.py': channelsLast }, main: 'm.py', entry: `M('${kind}')` }, { input: '2,2,5,5', device: 'cpu' }).forward!.savedBytes
    // conv → flatten → linear; with batch norm; with ReLU, whose kept output is not the flattened copy the linear
    // layer keeps (a contiguous result would share it: 688); conv → batch norm → ReLU
    expect([saved('a'), saved('b'), saved('c'), saved('d')]).toEqual([688n, 1008n, 976n, 1008n])
  })

  it('makes a channels-last copy with `contiguous(memory_format=torch.channels_last)`, and lays out a model moved to it', () => {
    const source = `import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k
        self.f = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(36, 3))
    def forward(self, x):
        if self.k == 1:
            x = x.contiguous(memory_format=torch.channels_last)
        if self.k == 2:
            x = x.contiguous(memory_format=torch.channels_last).contiguous(memory_format=torch.channels_last)
        if self.k == 3:
            x = x.contiguous(memory_format=torch.contiguous_format)
        return self.f(x)
model = M(0).to(memory_format=torch.channels_last)
`
    const traced = (entry: string) => analyze({ files: { 'm.py': source }, main: 'm.py', entry }, { input: '2,2,5,5', device: 'cpu' })
    // PyTorch 2.13: the convolution of a channels-last input is channels-last, so the flattened copy is the linear
    // layer's own (976 bytes); a second `contiguous` is no copy; `torch.contiguous_format` changes nothing (288)
    expect([traced('M(1)'), traced('M(2)'), traced('M(3)')].map((a) => a.forward!.savedBytes)).toEqual([976n, 976n, 288n])
    // `model = M(0).to(memory_format=torch.channels_last)`: the convolution's channels-last weight makes its output
    // channels-last (576 bytes); contiguous weights would keep 288
    expect(analyze({ files: { 'm.py': source }, main: 'm.py' }, { input: '2,2,5,5', device: 'cpu' }).forward!.savedBytes).toBe(576n)
    const stack = 'nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(36, 3))'
    expect(analyze(`${stack}.to(memory_format=torch.channels_last)`, { input: '2,2,5,5', device: 'cpu' }).forward!.savedBytes).toBe(896n)
    expect(analyze(`${stack}.to(memory_format=torch.channels_last).to(memory_format=torch.contiguous_format)`, { input: '2,2,5,5', device: 'cpu' }).forward!.savedBytes).toBe(608n)
    // PyTorch 2.13: "required rank 4 tensor to use channels_last format"
    expect(() => analyze('nn.Sequential(nn.Conv3d(2, 2, 3)).to(memory_format=torch.channels_last)')).toThrow('required rank 4 tensor to use channels_last format')
  })

  it('takes `x.to(memory_format=torch.channels_last)` as the channels-last copy, and refuses it for another rank', () => {
    const source = `import torch, torch.nn as nn
class P(nn.Module):   # BN(channels-last) -> permute -> LayerNorm
    def __init__(s):
        super().__init__(); s.c = nn.Conv2d(3, 8, 3, padding=1); s.bn = nn.BatchNorm2d(8); s.ln = nn.LayerNorm(8)
    def forward(s, x):
        x = x.to(memory_format=torch.channels_last)
        return s.ln(s.bn(s.c(x)).permute(0, 2, 3, 1))
class P2(nn.Module):  # conv(channels-last) -> permute -> LayerNorm
    def __init__(s):
        super().__init__(); s.c = nn.Conv2d(3, 8, 3, padding=1); s.ln = nn.LayerNorm(8)
    def forward(s, x):
        x = x.to(memory_format=torch.channels_last)
        return s.ln(s.c(x).permute(0, 2, 3, 1))
class F2(nn.Module):  # flatten(2) then softmax
    def __init__(s):
        super().__init__(); s.c = nn.Conv2d(3, 8, 3, padding=1)
    def forward(s, x):
        x = x.to(memory_format=torch.channels_last)
        return s.c(x).flatten(2).softmax(-1)
class P0(nn.Module):  # contiguous NCHW input, permute -> LN
    def __init__(s):
        super().__init__(); s.c = nn.Conv2d(3, 8, 3, padding=1); s.ln = nn.LayerNorm(8)
    def forward(s, x):
        return s.ln(s.c(x).permute(0, 2, 3, 1))
`
    const saved = (entry: string): bigint => analyze({ files: { 'm.py': source }, main: 'm.py', entry }, { input: '1,3,8,8', device: 'cpu' }).forward!.savedBytes
    // PyTorch 2.13 (CPU): the channels-last convolution output makes `flatten(2)`, and `permute` then LayerNorm, copy
    expect([saved('F2()'), saved('P()'), saved('P2()'), saved('P0()')]).toEqual([2_816n, 5_440n, 3_328n, 2_560n])
    const rank3 = 'import torch\nimport torch.nn as nn\nclass M(nn.Module):\n    def forward(self, x):\n        return x.contiguous(memory_format=torch.channels_last)\nm = M()\n'
    expect(() => analyze(rank3, { input: '2,3,8' })).toThrow('required rank 4 tensor to use channels_last format')
  })
})
