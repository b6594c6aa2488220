import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'
import { python } from '../../../test/interpret.js'

describe('torch.jit', () => {
  it('a class deriving from torch.jit.ScriptModule is a module, and @torch.jit.script_method returns the method', () => {
    const source = `import torch
import torch.nn as nn

class Block(torch.jit.ScriptModule):
    expansion = 2

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c * Block.expansion, 3, padding=1)
        self.bn = nn.BatchNorm2d(c * Block.expansion)

    @torch.jit.script_method
    def forward(self, x):
        return self.bn(self.conv(x)).relu()

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block(3)
        self.fc = nn.Linear(6, 10)

    def forward(self, x):
        return self.fc(self.block(x).mean((2, 3)))
Net()`
    const analysis = analyze(source, { input: '2,3,6,6', device: 'cpu' })
    // Measured with PyTorch 2.13 (CPU, training mode): 250 parameters, 13 buffer elements; output (2, 10), 3,552 / 4,416
    // bytes saved, 23,568 FLOPs.
    expect(analysis.params.total).toBe(250n)
    expect(analysis.buffers.total).toBe(13n)
    expect(analysis.tensors.map((t) => t.name)).toEqual(['block.conv.weight', 'block.conv.bias', 'block.bn.weight', 'block.bn.bias', 'fc.weight', 'fc.bias', 'block.bn.running_mean', 'block.bn.running_var', 'block.bn.num_batches_tracked'])
    const forward = analysis.forward!
    expect(forward.outputShape).toEqual([2, 10])
    expect([forward.savedBytes, forward.savedBytesWithInput, forward.flopCounter.total]).toEqual([3552n, 4416n, 23568n])
  })
})

describe('torch.nn.modules files', () => {
  it('give nn classes by file, as `from torch.nn.modules.module import Module` (pygcn) and `torch.nn.modules.conv` do', () => {
    python(`
from torch.nn.modules.module import Module
from torch.nn.modules.conv import Conv2d
from torch.nn.modules.batchnorm import BatchNorm2d
import torch.nn.modules.linear as lin
from torch.nn.modules.utils import _pair
assert Module is nn.Module and Conv2d is nn.Conv2d and BatchNorm2d is nn.BatchNorm2d and lin.Linear is nn.Linear and _pair(3) == (3, 3)
assert torch.nn.modules.Linear is nn.Linear
`)
  })
})

describe('torch.distributed', () => {
  it('is one process without a process group, as PyTorch 2.13 says outside a launcher', () => {
    python(`
import torch.distributed as dist
assert dist.is_available() and not dist.is_initialized() and not dist.is_nccl_available()
try:
    dist.get_world_size()
    raise AssertionError('no error')
except ValueError as e:
    assert str(e) == 'Default process group has not been initialized, please make sure to call init_process_group.'
`)
  })
})
