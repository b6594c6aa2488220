import { describe, expect, it } from 'vitest'
import { analyze, analyzeProgram } from '../../../analyze.js'
import { evaluateSource } from '../../../interpret/program.js'
import { showValue } from '../../../contract/values.js'

// The figures were measured with torchvision 0.28's own classes on PyTorch 2.13 (CPU): the script `--verify` writes
// for each program (counts, every parameter and buffer name and shape, output shape, bytes saved for backward with
// saved-tensor hooks), run with torchvision imported; the values and errors with the same statements in Python.

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

/** The Python values of the list the program ends with. */
function values(program: string): string[] {
  const v = evaluateSource(program)
  if (v.kind !== 'list') throw new Error('the program does not end with a list')
  return v.items.map((item) => showValue(item))
}

const source = `from functools import partial
from torch import nn
from torchvision.ops import SqueezeExcitation
from torchvision.models.mobilenetv3 import InvertedResidualConfig, InvertedResidual, MobileNetV3, _mobilenet_v3_conf

def small():
    return MobileNetV3(_mobilenet_v3_conf('mobilenet_v3_small', width_mult=0.5)[0], last_channel=512, num_classes=10)

class Tiny(MobileNetV3):
    def __init__(self):
        setting, last = _mobilenet_v3_conf('mobilenet_v3_large', reduced_tail=True, dilated=True)
        super().__init__(setting, last, num_classes=5, dropout=0.1)
        self.classifier[-1] = nn.Linear(last, 7)

    def _forward_impl(self, x):
        x = self.features(x)
        return self.classifier(self.avgpool(x).flatten(1))

def block():
    se = partial(SqueezeExcitation, scale_activation=nn.Sigmoid)
    return nn.Sequential(
        InvertedResidual(InvertedResidualConfig(16, 3, 64, 24, True, 'HS', 2, 1, 1.0), nn.BatchNorm2d),
        InvertedResidual(InvertedResidualConfig(24, 5, 72, 24, True, 'RE', 1, 1, 1.0), partial(nn.BatchNorm2d, eps=1e-3), se_layer=se),
    )
`

describe('torchvision.models.MobileNetV3 as a class', () => {
  it('builds MobileNetV3(*_mobilenet_v3_conf(arch)) as the builder does', () => {
    for (const arch of ['large', 'small']) {
      const byClass = analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry: `MobileNetV3(*_mobilenet_v3_conf('mobilenet_v3_${arch}'))` }, { input: '2,3,64,64', device: 'cpu' })
      const byBuilder = analyze(`mobilenet_v3_${arch}()`, { input: '2,3,64,64', device: 'cpu' })
      expect(byClass.tensors.map((t) => `${t.name} ${t.shape}`)).toEqual(byBuilder.tensors.map((t) => `${t.name} ${t.shape}`))
      expect(byClass.forward!.savedBytes).toBe(byBuilder.forward!.savedBytes)
    }
  })

  it('takes a setting of its own width and last channel; a subclass with a reduced, dilated tail overrides _forward_impl', () => {
    expect(run(source, 'small()', '2,3,64,64')).toEqual({ class: 'MobileNetV3', params: 409394, paramTensors: 142, buffers: 6178, names: ['features.0.0.weight', 'classifier.3.bias'], output: [2, 10], saved: 1380032 })
    expect(run(source, 'Tiny()', '2,3,64,64')).toEqual({ class: 'Tiny', params: 1932839, paramTensors: 174, buffers: 19166, names: ['features.0.0.weight', 'classifier.3.bias'], output: [2, 7], saved: 8048768 })
  })

  it('makes InvertedResidual blocks with any norm and se_layer, with and without the residual connection', () => {
    expect(run(source, 'block()', '2,16,16,16')).toEqual({ class: 'Sequential', params: 14712, paramTensors: 26, buffers: 646, names: ['0.block.0.0.weight', '1.block.3.1.bias'], output: [2, 24, 8, 8], saved: 751040 })
    // torchvision: [False, True, 8, 'Conv2dNormActivation', 3]
    expect(values(`${source}\nb = InvertedResidual(InvertedResidualConfig(16, 3, 72, 24, False, 'RE', 2, 1, 0.35), nn.BatchNorm2d)\n[b.use_res_connect, b._is_cn, b.out_channels, type(b.block[1]).__name__, len(b.block)]`)).toEqual(['False', 'True', '8', "'Conv2dNormActivation'", '3'])
  })

  it('scales a config\'s channels with adjust_channels and makes the tables of _mobilenet_v3_conf', () => {
    const program = `${source}
c = InvertedResidualConfig(16, 3, 72, 24, False, "RE", 2, 1, 0.35)
s, last = _mobilenet_v3_conf('mobilenet_v3_small', width_mult=0.5, reduced_tail=True, dilated=True)
[c.input_channels, c.kernel, c.expanded_channels, c.out_channels, c.use_se, c.use_hs, c.stride, c.dilation, InvertedResidualConfig.adjust_channels(20, 0.5), c.adjust_channels(100, 1.3),
 len(s), last, s[-1].out_channels, s[-1].dilation, s[8].expanded_channels, s[8].input_channels, s[0].use_hs, s[3].use_hs]`
    // torchvision: [8, 3, 24, 8, False, False, 2, 1, 16, 128] and [11, 256, 24, 2, 144, 24, False, True]
    expect(values(program)).toEqual(['8', '3', '24', '8', 'False', 'False', '2', '1', '16', '128', '11', '256', '24', '2', '144', '24', 'False', 'True'])
    expect(values('import torchvision\nfrom torchvision.models.mobilenet import MobileNetV3\n[MobileNetV3 is torchvision.models.MobileNetV3]')).toEqual(['True'])
  })

  it('raises torchvision\'s errors', () => {
    expect(failure(source, "_mobilenet_v3_conf('mobilenet_v3_tiny')")).toBe('Unsupported model type mobilenet_v3_tiny')
    expect(failure(source, 'MobileNetV3([], 1280)')).toBe('The inverted_residual_setting should not be empty')
    expect(failure(source, 'MobileNetV3([1, 2], 1280)')).toBe('The inverted_residual_setting should be List[InvertedResidualConfig]')
    expect(failure(source, "InvertedResidual(InvertedResidualConfig(16, 3, 16, 16, False, 'RE', 3, 1, 1.0), nn.BatchNorm2d)")).toBe('illegal stride value')
  })
})
