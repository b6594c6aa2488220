import { describe, expect, it } from 'vitest'
import { files, python, pythonError } from '../../../test/interpret.js'

describe('functools.partial', () => {
  it('is a class whose objects hold func, args and keywords, flattened as in Python 3.11', () => {
    python(`
import functools
p = functools.partial(nn.InstanceNorm2d, affine=False)
q = functools.partial(p, 8, eps=1e-3)
assert type(p) == functools.partial and isinstance(q, functools.partial) and callable(p)
assert q.func is nn.InstanceNorm2d and q.args == (8,) and q.keywords == {'affine': False, 'eps': 0.001}
r = functools.partial(pow, 2)
assert r(10) == 1024 and r.args == (2,) and r.keywords == {}
`)
    expect(pythonError('import functools\nfunctools.partial()').message).toContain("type 'partial' takes at least one argument")
  })

  it("decides CycleGAN's convolution bias as PyTorch does (`type(norm_layer) == functools.partial`)", () => {
    // pytorch-CycleGAN-and-pix2pix's networks.py: an instance norm without affine parameters means biased convolutions.
    const source = [
      'import functools',
      'import torch.nn as nn',
      'class M(nn.Module):',
      '    def __init__(self, norm_layer=functools.partial(nn.InstanceNorm2d, affine=False)):',
      '        super().__init__()',
      '        if type(norm_layer) == functools.partial:',
      '            use_bias = norm_layer.func == nn.InstanceNorm2d',
      '        else:',
      '            use_bias = norm_layer == nn.InstanceNorm2d',
      '        self.conv = nn.Conv2d(3, 8, 3, padding=1, bias=use_bias)',
      '        self.norm = norm_layer(8, momentum=0.2)',
    ].join('\n')
    const a = files({ 'm.py': source }, 'm.py', 'M()')
    // PyTorch 2.13: 224 parameters (the convolution's 216 and its bias of 8), and an InstanceNorm2d without any.
    expect(a.params.total).toBe(224n)
    expect(a.tensors.map((t) => t.name)).toEqual(['conv.weight', 'conv.bias'])
  })
})
