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

const source = `from torch import nn
from torchvision.models.vgg import VGG, make_layers, cfgs

def vgg11_cifar():
    return VGG(make_layers(cfgs['A']), num_classes=10, init_weights=False)

def small_vgg():
    cfg = [32, 'M', 64, 64, 'M', 128]
    model = VGG(make_layers(cfg, batch_norm=True), num_classes=10, dropout=0.3)
    model.classifier[0] = nn.Linear(128 * 7 * 7, 4096)
    return model
`

describe('torchvision.models.VGG as a class', () => {
  it('builds VGG(make_layers(cfgs[...])) as the vgg builders do', () => {
    expect(run(source, 'vgg11_cifar()', '2,3,32,32')).toEqual({ class: 'VGG', params: 128807306, paramTensors: 22, buffers: 0, names: ['features.0.weight', 'classifier.6.bias'], output: [2, 10], saved: 2359296 })
    const byClass = analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry: "VGG(make_layers(cfgs['D'], batch_norm=True))" }, { input: '1,3,64,64', device: 'cpu' })
    const byBuilder = analyze('vgg16_bn()', { input: '1,3,64,64', device: 'cpu' })
    expect(byClass.tensors.map((t) => `${t.name} ${t.shape}`)).toEqual(byBuilder.tensors.map((t) => `${t.name} ${t.shape}`))
    expect(byClass.forward!.savedBytes).toBe(byBuilder.forward!.savedBytes)
  })

  it('takes a configuration of the model file, batch norm and dropout; a classifier layer is replaced in place', () => {
    expect(run(source, 'small_vgg()', '2,3,32,32')).toEqual({ class: 'VGG', params: 42647242, paramTensors: 22, buffers: 580, names: ['features.0.weight', 'classifier.6.bias'], output: [2, 10], saved: 1723648 })
  })

  it('names cfgs as torchvision does, afresh for each run', () => {
    expect(showValue(evaluateSource("from torchvision.models.vgg import cfgs\ncfgs['A'].append(1)\nlen(cfgs['A'])"))).toBe('14')
    // torchvision: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M']
    expect(showValue(evaluateSource("import torchvision\nlen(torchvision.models.vgg.cfgs['A'])"))).toBe('13')
    expect(showValue(evaluateSource("from torchvision.models import vgg\nvgg.cfgs['E'][-5:]"))).toBe("[512, 512, 512, 512, 'M']")
  })
})
