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

/** The string the program ends with. */
function text(program: string): string {
  const v = evaluateSource(program)
  if (v.kind !== 'str') throw new Error('the program does not end with a string')
  return v.value
}

/** The Python values of the list the program ends with. */
function values(program: string): string[] {
  const v = evaluateSource(program)
  if (v.kind !== 'list') throw new Error('the program does not end with a list')
  return v.items.map((item) => showValue(item))
}

const source = `import copy, dataclasses
from functools import partial
from torch import nn
from torchvision.models.efficientnet import EfficientNet, MBConvConfig, FusedMBConvConfig, MBConv, FusedMBConv, StochasticDepth, _efficientnet_conf, _MBConvConfig

def b0():
    setting, last = _efficientnet_conf('efficientnet_b0', width_mult=1.0, depth_mult=1.0)
    return EfficientNet(setting, 0.2, last_channel=last, num_classes=10)

def custom():
    setting = [
        FusedMBConvConfig(1, 3, 1, 16, 16, 2),
        FusedMBConvConfig(4, 3, 2, 16, 32, 2),
        MBConvConfig(4, 3, 2, 64, 96, 3, width_mult=0.5, depth_mult=1.4),
        MBConvConfig(6, 5, 1, 48, 40, 2),
    ]
    return EfficientNet(setting, dropout=0.1, stochastic_depth_prob=0.3, num_classes=7, norm_layer=partial(nn.BatchNorm2d, eps=1e-3), last_channel=256)

class Small(EfficientNet):
    def __init__(self):
        setting, last = _efficientnet_conf('efficientnet_b0', width_mult=0.5, depth_mult=0.5)
        super().__init__(setting, 0.2, num_classes=3)
        self.classifier = nn.Linear(self.classifier[1].in_features, 3)

def blocks():
    return nn.Sequential(
        MBConv(MBConvConfig(4, 3, 1, 16, 16, 1), 0.5, nn.BatchNorm2d),
        FusedMBConv(FusedMBConvConfig(1, 3, 1, 16, 16, 1), 0.25, nn.BatchNorm2d),
        FusedMBConv(FusedMBConvConfig(4, 3, 2, 16, 24, 1), 0.0, partial(nn.BatchNorm2d, eps=1e-3)),
        StochasticDepth(0.5, 'batch'),
    )
`

describe('torchvision.models.EfficientNet as a class', () => {
  it('builds EfficientNet from _efficientnet_conf as the builders do', () => {
    const cases = [
      ["EfficientNet(_efficientnet_conf('efficientnet_b0', width_mult=1.0, depth_mult=1.0)[0], 0.2)", 'efficientnet_b0()'],
      ["EfficientNet(_efficientnet_conf('efficientnet_b3', width_mult=1.2, depth_mult=1.4)[0], 0.3)", 'efficientnet_b3()'],
      ["EfficientNet(*_efficientnet_conf('efficientnet_v2_s')[:1], 0.2, last_channel=1280, norm_layer=partial(nn.BatchNorm2d, eps=1e-03))", 'efficientnet_v2_s()'],
    ]
    for (const [entry, builder] of cases) {
      const byClass = analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry: entry! }, { input: '2,3,64,64', device: 'cpu' })
      const byBuilder = analyze(builder!, { input: '2,3,64,64', device: 'cpu' })
      expect(byClass.tensors.map((t) => `${t.name} ${t.shape}`)).toEqual(byBuilder.tensors.map((t) => `${t.name} ${t.shape}`))
      expect(byClass.forward!.savedBytes).toBe(byBuilder.forward!.savedBytes)
    }
  })

  it('takes its own stages, stochastic depth, norm layer and last channel; a subclass replaces the classifier', () => {
    expect(run(source, 'b0()', '2,3,64,64')).toEqual({ class: 'EfficientNet', params: 4020358, paramTensors: 213, buffers: 42065, names: ['features.0.0.weight', 'classifier.1.bias'], output: [2, 10], saved: 14624904 })
    expect(run(source, 'custom()', '2,3,64,64')).toEqual({ class: 'EfficientNet', params: 260229, paramTensors: 117, buffers: 7485, names: ['features.0.0.weight', 'classifier.1.bias'], output: [2, 7], saved: 8962712 })
    expect(run(source, 'Small()', '2,3,64,64')).toEqual({ class: 'Small', params: 659043, paramTensors: 135, buffers: 12927, names: ['features.0.0.weight', 'classifier.bias'], output: [2, 3], saved: 5167000 })
  })

  it('makes MBConv and FusedMBConv blocks, whose stochastic depth keeps its noise while training', () => {
    // Two row noises of (2, 1, 1, 1) and one batch noise of (1, 1, 1, 1): 8 + 8 + 4 bytes of the total.
    expect(run(source, 'blocks()', '2,16,16,16')).toEqual({ class: 'Sequential', params: 16756, paramTensors: 22, buffers: 502, names: ['0.block.0.0.weight', '2.block.1.1.bias'], output: [2, 24, 8, 8], saved: 1195028 })
    // In eval mode StochasticDepth returns its input and keeps no noise (and batch norm keeps other tensors).
    expect(run(source, 'blocks().eval()', '2,16,16,16').saved).toBe(1193024)
  })

  it('scales configs as torchvision does: a dataclass, its adjust_channels and adjust_depth, copied with copy.copy', () => {
    const program = `${source}
m = MBConvConfig(6, 5, 2, 40, 80, 3, width_mult=1.1, depth_mult=1.2)
c = copy.copy(m)
c.stride = 1
s, last = _efficientnet_conf('efficientnet_v2_m')
sd = StochasticDepth(0.25, 'row')
mb = MBConv(m, 0.1, nn.BatchNorm2d)
[m.input_channels, m.out_channels, m.num_layers, m.block.__name__, MBConvConfig.adjust_depth(3, 1.2), _MBConvConfig.adjust_channels(10, 1.0, 16), m.adjust_channels(33, 0.5),
 m.stride, c.stride, dataclasses.is_dataclass(m), len(s), last, type(s[0]).__name__, type(s[3]).__name__, sum(c.num_layers for c in s), sd.__repr__(), sd.p, sd.mode, mb.use_res_connect, mb.out_channels, mb.stochastic_depth.__repr__(), len(mb.block)]`
    // torchvision: the same list, printed by Python (a module's own `__repr__` called: nnsize's `repr()` of a module is its own)
    expect(values(program)).toEqual([
      '48', '88', '4', "'MBConv'", '4', '16', '16',
      '2', '1', 'True', '7', '1280', "'FusedMBConvConfig'", "'MBConvConfig'", '57', "'StochasticDepth(p=0.25, mode=row)'", '0.25', "'row'", 'False', '88', "'StochasticDepth(p=0.1, mode=row)'", '4',
    ])
    expect(text(`${source}\nrepr(MBConvConfig(6, 5, 2, 40, 80, 3, width_mult=1.1, depth_mult=1.2))`)).toBe(
      "MBConvConfig(expand_ratio=6, kernel=5, stride=2, input_channels=48, out_channels=88, num_layers=4, block=<class 'torchvision.models.efficientnet.MBConv'>)",
    )
    expect(text(`${source}\nrepr(FusedMBConvConfig(4, 3, 2, 24, 48, 4))`)).toBe(
      "FusedMBConvConfig(expand_ratio=4, kernel=3, stride=2, input_channels=24, out_channels=48, num_layers=4, block=<class 'torchvision.models.efficientnet.FusedMBConv'>)",
    )
    expect(values('import torchvision\nfrom torchvision.models.efficientnet import EfficientNet\n[EfficientNet is torchvision.models.EfficientNet]')).toEqual(['True'])
  })

  it('raises torchvision\'s errors', () => {
    expect(failure(source, "_efficientnet_conf('efficientnet_b0')")).toBe("'width_mult'")
    expect(failure(source, "_efficientnet_conf('resnet')")).toBe('Unsupported model type resnet')
    expect(failure(source, 'EfficientNet([], 0.2)')).toBe('The inverted_residual_setting should not be empty')
    expect(failure(source, 'EfficientNet([1], 0.2)')).toBe('The inverted_residual_setting should be List[MBConvConfig]')
    expect(failure(source, 'MBConv(MBConvConfig(1, 3, 0, 16, 16, 1), 0.0, nn.BatchNorm2d)')).toBe('illegal stride value')
    expect(failure(`import torch\n${source}`, "StochasticDepth(1.5, 'row')(torch.ones(2, 3))")).toBe('drop probability has to be between 0 and 1, but got 1.5')
  })
})
