import { describe, expect, it } from 'vitest'
import { analyze, analyzeProgram } from '../../../analyze.js'
import { evaluateSource } from '../../../interpret/program.js'
import { showValue } from '../../../contract/values.js'

// The figures were measured with torchvision 0.28's own classes on PyTorch 2.13 (CPU): the script `--verify` writes
// for each program (counts, every parameter and buffer name and shape, output shape, bytes saved for backward with
// saved-tensor hooks), run with torchvision imported; the values and errors with the same statements in Python.

function analysis(source: string, entry: string, input: string) {
  return analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry }, { input, device: 'cpu' })
}

function run(source: string, entry: string, input: string) {
  const r = analysis(source, entry, input)
  const params = r.tensors.filter((t) => t.kind === 'parameter')
  return { class: r.module, params: Number(r.params.total), paramTensors: params.length, buffers: Number(r.buffers.total), names: [params[0]!.name, params.at(-1)!.name], outputs: r.forward!.outputShapes, saved: Number(r.forward!.savedBytes) }
}

function failure(source: string, entry: string): string {
  try {
    analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry })
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`${entry} did not fail`)
}

const source = `import torch
from torch import nn
import torch.nn.functional as F
from torchvision.models.inception import Inception3, BasicConv2d, InceptionA, InceptionB, InceptionC, InceptionD, InceptionE, InceptionAux, InceptionOutputs

class NoAux(Inception3):
    def __init__(self):
        super().__init__(num_classes=10, aux_logits=False, transform_input=True, init_weights=False)
        self.fc = nn.Linear(2048, 4)

class MyConv(nn.Module):
    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=True, **kwargs)
    def forward(self, x):
        return F.relu(self.conv(x))

def custom():
    return Inception3(num_classes=5, inception_blocks=[MyConv, InceptionA, InceptionB, InceptionC, InceptionD, InceptionE, InceptionAux], init_weights=False, dropout=0.2)

def blocks():
    return nn.Sequential(InceptionA(32, pool_features=8), InceptionB(232), InceptionC(712, channels_7x7=16), InceptionD(768), InceptionE(1280))
`

describe('torchvision.models.Inception3 as a class', () => {
  it('builds Inception3() as inception_v3() does: InceptionOutputs(logits, aux_logits) while training, with the FutureWarning', () => {
    const byClass = analysis(source, 'Inception3(num_classes=10)', '2,3,299,299')
    const byBuilder = analyze('inception_v3(num_classes=10)', { input: '2,3,299,299', device: 'cpu' })
    expect(byClass.tensors.map((t) => `${t.name} ${t.shape}`)).toEqual(byBuilder.tensors.map((t) => `${t.name} ${t.shape}`))
    expect([byClass.forward!.savedBytes, byClass.forward!.outputShapes]).toEqual([byBuilder.forward!.savedBytes, byBuilder.forward!.outputShapes])
    // torchvision: an InceptionOutputs of two (2, 10) tensors; 194,583,808 bytes saved
    expect(run(source, 'Inception3(num_classes=10)', '2,3,299,299')).toEqual({
      class: 'Inception3', params: 24371444, paramTensors: 292, buffers: 36320, names: ['Conv2d_1a_3x3.conv.weight', 'fc.bias'], outputs: [[2, 10], [2, 10]], saved: 194583808,
    })
    expect(byClass.notes?.some((note) => note.includes('The default weight initialization of inception_v3 will be changed'))).toBe(true)
    expect(analysis(source, 'Inception3(num_classes=10, init_weights=False)', '2,3,299,299').notes ?? []).toEqual([])
  })

  it('returns the logits alone in eval mode or without aux_logits; a subclass with transform_input replaces fc', () => {
    expect(run(source, 'Inception3(num_classes=10, init_weights=False).eval()', '2,3,299,299')).toMatchObject({ outputs: [[2, 10]], saved: 194199296 })
    expect(run(source, 'NoAux()', '2,3,160,160')).toEqual({ class: 'NoAux', params: 21793764, paramTensors: 284, buffers: 34526, names: ['Conv2d_1a_3x3.conv.weight', 'fc.bias'], outputs: [[2, 4]], saved: 47357440 })
  })

  it('takes its seven block classes, a conv block of the model file passed on to every block', () => {
    expect(run(source, 'custom()', '2,3,299,299')).toEqual({ class: 'Inception3', params: 24356954, paramTensors: 287, buffers: 35515, names: ['Conv2d_1a_3x3.conv.weight', 'fc.bias'], outputs: [[2, 5], [2, 5]], saved: 161147904 })
  })

  it('makes InceptionA to InceptionE, BasicConv2d passing its keywords to nn.Conv2d', () => {
    expect(run(source, 'blocks()', '2,32,35,35')).toEqual({ class: 'Sequential', params: 8268976, paramTensors: 108, buffers: 13012, names: ['0.branch1x1.conv.weight', '4.branch_pool.bn.bias'], outputs: [[2, 2048, 8, 8]], saved: 36269440 })
    const v = evaluateSource(`${source}\nc = BasicConv2d(3, 8, kernel_size=(1, 3), padding=(0, 1), stride=2)\na = InceptionAux(768, 10)\no = InceptionOutputs(1, 2)\n[c.conv.kernel_size, c.conv.padding, c.conv.stride, c.conv.bias, c.bn.eps, a.conv1.stddev, a.fc.stddev, o.logits, o.aux_logits, InceptionOutputs._fields]`)
    // torchvision: [(1, 3), (0, 1), (2, 2), None, 0.001, 0.01, 0.001, 1, 2, ('logits', 'aux_logits')]
    expect(v.kind === 'list' && v.items.map((item) => showValue(item))).toEqual(['(1, 3)', '(0, 1)', '(2, 2)', 'None', '0.001', '0.01', '0.001', '1', '2', "('logits', 'aux_logits')"])
    const names = evaluateSource('import torchvision\nfrom torchvision.models.inception import Inception3, InceptionOutputs\n[Inception3 is torchvision.models.Inception3, InceptionOutputs is torchvision.models.InceptionOutputs]')
    expect(names.kind === 'list' && names.items.map((item) => showValue(item))).toEqual(['True', 'True'])
  })

  it('raises torchvision\'s errors', () => {
    expect(failure(source, 'Inception3(inception_blocks=[BasicConv2d], init_weights=False)')).toBe('length of inception_blocks should be 7 instead of 1')
    expect(failure(source, 'BasicConv2d(3, 4, kernel_size=1, bias=True)')).toBe("torch.nn.modules.conv.Conv2d() got multiple values for keyword argument 'bias'")
  })
})
