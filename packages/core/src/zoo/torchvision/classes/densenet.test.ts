import { describe, expect, it } from 'vitest'
import { analyze, analyzeProgram } from '../../../analyze.js'

// The figures were measured with torchvision 0.28's own classes on PyTorch 2.13 (CPU): the script `--verify` writes
// for each program (counts, every parameter and buffer name and shape, output shape, bytes saved for backward with
// saved-tensor hooks), run with torchvision imported.

function run(source: string, entry: string, input: string) {
  const r = analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry }, { input, device: 'cpu' })
  const params = r.tensors.filter((t) => t.kind === 'parameter')
  return { class: r.module, params: Number(r.params.total), paramTensors: params.length, buffers: Number(r.buffers.total), names: [params[0]!.name, params.at(-1)!.name], output: r.forward!.outputShape, saved: Number(r.forward!.savedBytes) }
}

const source = `from torch import nn
from torchvision.models import DenseNet
from torchvision.models.densenet import _DenseBlock, _Transition

class Blocks(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.block = _DenseBlock(num_layers=3, num_input_features=16, bn_size=2, growth_rate=8, drop_rate=0)
        self.trans = _Transition(40, 20)

    def forward(self, x):
        return self.trans(self.block(self.stem(x)))
`

describe('torchvision.models.DenseNet as a class', () => {
  it('builds DenseNet() as densenet121() does, memory-efficient too', () => {
    for (const [entry, builder] of [['DenseNet()', 'densenet121()'], ['DenseNet(memory_efficient=True)', 'densenet121(memory_efficient=True)']] as const) {
      const byClass = analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry }, { input: '1,3,64,64', device: 'cpu' })
      const byBuilder = analyze(builder, { input: '1,3,64,64', device: 'cpu' })
      expect(byClass.tensors.map((t) => `${t.name} ${t.shape}`)).toEqual(byBuilder.tensors.map((t) => `${t.name} ${t.shape}`))
      expect(byClass.forward!.savedBytes).toBe(byBuilder.forward!.savedBytes)
    }
  })

  it('takes its growth rate, blocks, stem width, dropout and memory_efficient (the bottlenecks checkpointed)', () => {
    const cifar = 'DenseNet(growth_rate=12, block_config=(4, 8, 6), num_init_features=24, num_classes=10'
    expect(run(source, `${cifar})`, '2,3,32,32')).toEqual({ class: 'DenseNet', params: 180394, paramTensors: 121, buffers: 5236, names: ['features.conv0.weight', 'classifier.bias'], output: [2, 10], saved: 969984 })
    expect(run(source, `${cifar}, memory_efficient=True)`, '2,3,32,32').saved).toBe(640512)
    expect(run(source, 'DenseNet(growth_rate=12, block_config=(3, 3), num_init_features=16, drop_rate=0.2, num_classes=10)', '2,3,32,32')).toEqual({
      class: 'DenseNet', params: 46174, paramTensors: 46, buffers: 1247, names: ['features.conv0.weight', 'classifier.bias'], output: [2, 10], saved: 492336,
    })
  })

  it('makes its blocks: _DenseBlock (a ModuleDict of dense layers) and _Transition (a Sequential)', () => {
    expect(run(source, 'Blocks()', '2,3,16,16')).toEqual({ class: 'Blocks', params: 6176, paramTensors: 23, buffers: 327, names: ['stem.weight', 'trans.conv.weight'], output: [2, 20, 8, 8], saved: 697600 })
  })
})
