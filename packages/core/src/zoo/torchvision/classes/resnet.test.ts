import { describe, expect, it } from 'vitest'
import { analyze, analyzeProgram } from '../../../analyze.js'
import { evaluateSource } from '../../../interpret/program.js'
import { showValue } from '../../../contract/values.js'

// The figures were measured with torchvision 0.28's own classes on PyTorch 2.13 (CPU): the script `--verify` writes
// for each program (counts, every parameter and buffer name and shape, output shape, bytes saved for backward with
// saved-tensor hooks), run with torchvision imported.

/** What a model file builds: counts, first and last parameter names, and with an input the forward's figures. */
function run(source: string, entry: string, input?: string) {
  const r = analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry }, input === undefined ? {} : { input, device: 'cpu' })
  const params = r.tensors.filter((t) => t.kind === 'parameter')
  return {
    class: r.module,
    params: Number(r.params.total),
    paramTensors: params.length,
    buffers: Number(r.buffers.total),
    names: [params[0]!.name, params.at(-1)!.name],
    ...(r.forward ? { output: r.forward.outputShape, saved: Number(r.forward.savedBytes), savedWithInput: Number(r.forward.savedBytesWithInput) } : {}),
  }
}

/** Every tensor's name, kind and shape. */
function tensors(r: ReturnType<typeof analyze>): string[] {
  return r.tensors.map((t) => `${t.kind} ${t.name} ${t.shape.join('x')}`)
}

function failure(source: string, entry: string): string {
  try {
    analyzeProgram({ files: { 'model.py': source }, main: 'model.py', entry })
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`${entry} did not fail`)
}

const imports = 'import torch\nfrom torch import nn\nfrom torchvision.models import ResNet\nfrom torchvision.models.resnet import BasicBlock, Bottleneck, conv1x1, conv3x3\n'

describe('torchvision.models.ResNet as a class', () => {
  it('builds ResNet(BasicBlock, [2, 2, 2, 2], num_classes=10) as resnet18(num_classes=10) does', () => {
    expect(run(imports, 'ResNet(BasicBlock, [2, 2, 2, 2], num_classes=10)', '2,3,64,64')).toEqual({
      class: 'ResNet', params: 11181642, paramTensors: 62, buffers: 9620, names: ['conv1.weight', 'fc.bias'], output: [2, 10], saved: 3565056, savedWithInput: 3663360,
    })
    const byClass = analyzeProgram({ files: { 'model.py': imports }, main: 'model.py', entry: 'ResNet(Bottleneck, [3, 4, 6, 3], groups=32, width_per_group=4)' }, { input: '1,3,64,64', device: 'cpu' })
    const byBuilder = analyze('resnext50_32x4d()', { input: '1,3,64,64', device: 'cpu' })
    expect(tensors(byClass)).toEqual(tensors(byBuilder))
    expect([byClass.forward!.savedBytes, byClass.forward!.outputShape]).toEqual([byBuilder.forward!.savedBytes, byBuilder.forward!.outputShape])
  })

  it('is subclassed: super().__init__(...) builds, replaced children keep their place, forward is ResNet\'s', () => {
    const source = `${imports}
class CifarResNet(ResNet):
    def __init__(self):
        super().__init__(BasicBlock, [2, 2, 2, 2], num_classes=10)
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.maxpool = nn.Identity()
`
    expect(run(source, 'CifarResNet()', '2,3,32,32')).toEqual({
      class: 'CifarResNet', params: 11173962, paramTensors: 62, buffers: 9620, names: ['conv1.weight', 'fc.bias'], output: [2, 10], saved: 9414144, savedWithInput: 9438720,
    })
  })

  it('takes a block class of the model file (an SE bottleneck with its own expansion), as senet.pytorch does', () => {
    const source = `${imports}
class SELayer(nn.Module):
    def __init__(self, channel, reduction=16):
        super(SELayer, self).__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(nn.Linear(channel, channel // reduction, bias=False), nn.ReLU(inplace=True), nn.Linear(channel // reduction, channel, bias=False), nn.Sigmoid())

    def forward(self, x):
        b, c, _, _ = x.size()
        y = self.avg_pool(x).view(b, c)
        y = self.fc(y).view(b, c, 1, 1)
        return x * y.expand_as(x)

class SEBottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1, norm_layer=None, *, reduction=16):
        super(SEBottleneck, self).__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.se = SELayer(planes * 4, reduction)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        residual = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out = self.se(out)
        if self.downsample is not None:
            residual = self.downsample(x)
        out += residual
        out = self.relu(out)
        return out

def se_resnet50(num_classes=1000):
    model = ResNet(SEBottleneck, [3, 4, 6, 3], num_classes=num_classes)
    model.avgpool = nn.AdaptiveAvgPool2d(1)
    return model
`
    expect(run(source, 'se_resnet50(num_classes=10)', '1,3,64,64')).toEqual({
      class: 'ResNet', params: 26043466, paramTensors: 193, buffers: 53173, names: ['conv1.weight', 'fc.bias'], output: [1, 10], saved: 9110720, savedWithInput: 9159872,
    })
  })

  it('takes groups, width_per_group, dilation and a norm_layer function', () => {
    const source = `${imports}
def gn(channels):
    return nn.GroupNorm(8, channels)
`
    expect(run(source, 'ResNet(Bottleneck, [1, 2, 2, 1], num_classes=7, groups=8, width_per_group=16, replace_stride_with_dilation=[False, True, True], norm_layer=gn)', '1,3,64,64')).toEqual({
      class: 'ResNet', params: 10237767, paramTensors: 71, buffers: 0, names: ['conv1.weight', 'fc.bias'], output: [1, 7], saved: 8594880, savedWithInput: 8644032,
    })
  })

  it('runs a subclass\'s own forward, _forward_impl or super().forward; _make_layer, conv1x1 and conv3x3 build more', () => {
    const source = `${imports}
class Backbone(ResNet):
    def __init__(self):
        super().__init__(Bottleneck, [2, 1, 1, 1])
        del self.fc
        self.head = nn.Sequential(conv3x3(2048, 64), nn.BatchNorm2d(64), nn.ReLU(inplace=True), conv1x1(64, 16))

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.head(x)

class Wider(ResNet):
    def __init__(self):
        super().__init__(BasicBlock, [1, 1, 1, 1], num_classes=5)
        self.layer5 = self._make_layer(BasicBlock, 1024, 1, stride=2)
        self.fc = nn.Linear(1024, 5)

    def _forward_impl(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer5(self.layer4(self.layer3(self.layer2(self.layer1(x)))))
        return self.fc(torch.flatten(self.avgpool(x), 1))

class Probabilities(ResNet):
    def __init__(self):
        super().__init__(BasicBlock, [1, 1, 1, 1], num_classes=4)

    def forward(self, x):
        return super().forward(x).softmax(dim=-1)
`
    expect(run(source, 'Backbone()', '1,3,64,64')).toEqual({
      class: 'Backbone', params: 9267136, paramTensors: 64, buffers: 20245, names: ['conv1.weight', 'head.3.weight'], output: [1, 16, 2, 2], saved: 3900416, savedWithInput: 3949568,
    })
    expect(run(source, 'Wider()', '2,3,64,64')).toEqual({
      class: 'Wider', params: 19597125, paramTensors: 47, buffers: 11919, names: ['conv1.weight', 'layer5.0.downsample.1.bias'], output: [2, 5], saved: 2636288, savedWithInput: 2734592,
    })
    expect(run(source, 'Probabilities()', '2,3,32,32')).toEqual({
      class: 'Probabilities', params: 4907844, paramTensors: 38, buffers: 5772, names: ['conv1.weight', 'fc.bias'], output: [2, 4], saved: 662048, savedWithInput: 686624,
    })
  })

  it('keeps torchvision\'s attributes and names: the builders and classes are the same objects everywhere', () => {
    const values = (expr: string): string[] => {
      const v = evaluateSource(`import torchvision\nfrom torchvision.models.resnet import ResNet, BasicBlock, Bottleneck\nfrom torch import nn\nm = ResNet(Bottleneck, [1, 1, 1, 1])\n${expr}`)
      return v.kind === 'list' ? v.items.map((item) => showValue(item)) : [showValue(v)]
    }
    // torchvision: 2048 1 1 64 True 1 4 4 1; a stage's first block has a Sequential downsample
    expect(values('[m.inplanes, m.dilation, m.groups, m.base_width, m._norm_layer is nn.BatchNorm2d, m.layer1[0].stride, m.layer1[0].expansion, Bottleneck.expansion, BasicBlock.expansion]')).toEqual(['2048', '1', '1', '64', 'True', '1', '4', '4', '1'])
    expect(values('[isinstance(m.layer2[0], Bottleneck), isinstance(m, nn.Module), type(m.layer2[0].downsample).__name__, m.layer2[0].downsample[0].stride]')).toEqual(['True', 'True', "'Sequential'", '(2, 2)'])
    expect(values('[torchvision.models.resnet.resnet18 is torchvision.models.resnet18, ResNet is torchvision.models.ResNet, ResNet.__module__, torchvision.models.resnet.ResNet50_Weights.DEFAULT]')).toEqual([
      'True', 'True', "'torchvision.models.resnet'", 'ResNet50_Weights.IMAGENET1K_V2',
    ])
  })

  it('is imported as torchvision\'s module is: by attribute, as a module, with a star', () => {
    expect(showValue(evaluateSource('import torchvision.models.resnet as R\nfrom torchvision.models import resnet\n(R is resnet, R.BasicBlock.expansion, resnet.ResNet.__name__)'))).toBe("(True, 1, 'ResNet')")
    expect(showValue(evaluateSource('import torchvision\nfrom torchvision.models.resnet import *\n(ResNet.__name__, resnet50 is torchvision.models.resnet50)'))).toBe("('ResNet', True)")
  })

  it('is callable from an expression, qualified', () => {
    expect(Number(analyze('torchvision.models.ResNet(torchvision.models.resnet.BasicBlock, [1, 1, 1, 1], num_classes=10)').params.total)).toBe(4910922)
  })

  it('raises torchvision\'s errors', () => {
    expect(failure(imports, 'ResNet(BasicBlock, [2, 2, 2, 2], groups=2)')).toBe('BasicBlock only supports groups=1 and base_width=64')
    expect(failure(imports, 'ResNet(BasicBlock, [2, 2, 2, 2], replace_stride_with_dilation=[True, False])')).toBe('replace_stride_with_dilation should be None or a 3-element tuple, got [True, False]')
    expect(failure(imports, 'ResNet(BasicBlock, [2, 2, 2, 2], replace_stride_with_dilation=[False, False, True])')).toBe('Dilation > 1 not supported in BasicBlock')
    expect(evaluateSource(`${imports}try:\n    ResNet(BasicBlock, [2, 2, 2, 2], groups=2)\n    caught = False\nexcept ValueError:\n    caught = True\ncaught`)).toEqual({ kind: 'bool', value: true })
  })

  it('keeps working for a builder whose head is replaced', () => {
    const source = 'from torch import nn\nfrom torchvision.models import resnet18\ndef make():\n    m = resnet18()\n    m.fc = nn.Linear(512, 10)\n    return m\n'
    // torchvision: 11,181,642 parameters; the forward is resnet18's
    expect(run(source, 'make()', '2,3,64,64')).toEqual({ class: 'ResNet', params: 11181642, paramTensors: 62, buffers: 9620, names: ['conv1.weight', 'fc.bias'], output: [2, 10], saved: 3565056, savedWithInput: 3663360 })
  })
})
