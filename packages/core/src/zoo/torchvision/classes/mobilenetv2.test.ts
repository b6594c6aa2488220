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

function failure(source: string, entry: string): string {
  try {
    analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry })
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`${entry} did not fail`)
}

const source = `from functools import partial
from torch import nn
from torchvision.models.mobilenetv2 import MobileNetV2, InvertedResidual, _make_divisible

def small():
    setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 40, 2, 2]]
    return MobileNetV2(num_classes=10, width_mult=0.5, inverted_residual_setting=setting, norm_layer=partial(nn.BatchNorm2d, eps=1e-3))

class Tiny(MobileNetV2):
    def __init__(self):
        super().__init__(num_classes=3, width_mult=0.35, round_nearest=4, dropout=0.0)
        self.classifier = nn.Linear(self.last_channel, 3)

def block():
    return nn.Sequential(InvertedResidual(16, 16, 1, 6), InvertedResidual(16, 24, 2, 1))
`

describe('torchvision.models.MobileNetV2 as a class', () => {
  it('builds MobileNetV2() as mobilenet_v2() does', () => {
    const byClass = analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry: 'MobileNetV2(width_mult=0.75)' }, { input: '2,3,64,64', device: 'cpu' })
    const byBuilder = analyze('mobilenet_v2(width_mult=0.75)', { input: '2,3,64,64', device: 'cpu' })
    expect(byClass.tensors.map((t) => `${t.name} ${t.shape}`)).toEqual(byBuilder.tensors.map((t) => `${t.name} ${t.shape}`))
    expect(byClass.forward!.savedBytes).toBe(byBuilder.forward!.savedBytes)
  })

  it('takes its own setting, width, rounding and a norm_layer partial; a subclass replaces the classifier', () => {
    expect(run(source, 'small()', '2,3,64,64')).toEqual({ class: 'MobileNetV2', params: 67002, paramTensors: 50, buffers: 4352, names: ['features.0.0.weight', 'classifier.1.bias'], output: [2, 10], saved: 6280128 })
    expect(run(source, 'Tiny()', '2,3,64,64')).toEqual({ class: 'Tiny', params: 394691, paramTensors: 158, buffers: 13804, names: ['features.0.0.weight', 'classifier.bias'], output: [2, 3], saved: 5074144 })
  })

  it('makes InvertedResidual blocks, with and without the residual connection', () => {
    expect(run(source, 'block()', '2,16,16,16')).toEqual({ class: 'Sequential', params: 4960, paramTensors: 15, buffers: 501, names: ['0.conv.0.0.weight', '1.conv.2.bias'], output: [2, 24, 8, 8], saved: 1284032 })
    const v = evaluateSource(`${source}\nb = InvertedResidual(16, 24, 2, 6)\n[b.use_res_connect, b._is_cn, b.out_channels, b.stride, type(b.conv[0]).__name__]`)
    // torchvision: False True 24 2 Conv2dNormActivation
    expect(v.kind === 'list' && v.items.map((item) => showValue(item))).toEqual(['False', 'True', '24', '2', "'Conv2dNormActivation'"])
  })

  it('rounds channels with _make_divisible as torchvision does, types included', () => {
    const v = evaluateSource('from torchvision.models._utils import _make_divisible\nfrom torchvision.models.mobilenet import MobileNetV2\nimport torchvision\n[_make_divisible(32 * 0.35, 8), _make_divisible(1280 * 1.4, 8), _make_divisible(10, 8, 16), _make_divisible(20.0, 8.0), _make_divisible(3, 8, 2.0), MobileNetV2 is torchvision.models.MobileNetV2]')
    // torchvision: [16, 1792, 16, 24.0, 10.0, True]
    expect(v.kind === 'list' && v.items.map((item) => showValue(item))).toEqual(['16', '1792', '16', '24.0', '10.0', 'True'])
  })

  it('raises torchvision\'s errors', () => {
    expect(failure(source, 'InvertedResidual(16, 16, 3, 6)')).toBe('stride should be 1 or 2 instead of 3')
    expect(failure(source, 'MobileNetV2(inverted_residual_setting=[[1, 16, 1]])')).toBe('inverted_residual_setting should be non-empty or a 4-element list, got [[1, 16, 1]]')
    expect(failure(source, 'MobileNetV2(inverted_residual_setting=[])')).toBe('inverted_residual_setting should be non-empty or a 4-element list, got []')
  })
})
