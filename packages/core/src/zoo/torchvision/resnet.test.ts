import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { counts, failure, forward, names } from '../../../test/torchvision.js'

describe('resnet18', () => {
  it('has torchvision\'s 11,689,512 parameters in 62 tensors and 9,620 buffer elements', () => {
    expect(counts('resnet18()')).toEqual({ class: 'ResNet', params: 11689512, paramTensors: 62, buffers: 9620, bufferBytes: 38560, bufferTensors: 60 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('resnet18()', 'parameter', [0, 1, 20, 31, 60, 61])).toEqual([
      'conv1.weight [64,3,7,7]',
      'bn1.weight [64]',
      'layer2.0.bn2.bias [128]',
      'layer3.0.bn1.weight [256]',
      'fc.weight [1000,512]',
      'fc.bias [1000]',
    ])
    expect(names('resnet18()', 'buffer', [0, 30, 59])).toEqual([
      'bn1.running_mean [64]',
      'layer3.0.bn1.running_mean [256]',
      'layer4.1.bn2.num_batches_tracked []',
    ])
  })
  it('runs resnet18() on 1×3×224×224: output (1, 1000), saves 21,616,128 bytes for backward', () => {
    expect(forward('resnet18()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 21616128, savedWithInput: 22218240 })
  })
  it('runs resnet18(num_classes=10) on 1×3×64×64: output (1, 10), saves 1,801,728 bytes for backward', () => {
    expect(forward('resnet18(num_classes=10)', '1,3,64,64')).toEqual({ output: [1, 10], saved: 1801728, savedWithInput: 1850880 })
  })
  it('runs resnet18() on 4×3×32×32: output (4, 1000), saves 1,807,872 bytes for backward', () => {
    expect(forward('resnet18()', '4,3,32,32')).toEqual({ output: [4, 1000], saved: 1807872, savedWithInput: 1857024 })
  })
  it('runs resnet18() on 2×3×64×64: output (2, 1000), saves 3,565,056 bytes for backward', () => {
    expect(forward('resnet18()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 3565056, savedWithInput: 3663360 })
  })
  it('is callable bare, by name and qualified, with torchvision\'s keyword arguments', () => {
    expect(counts('resnet18').params).toBe(11689512)
    expect(Number(analyze('torchvision.models.resnet18(num_classes=10)').params.total)).toBe(11181642)
    expect(Number(analyze('resnet18(pretrained=False, progress=False)').params.total)).toBe(11689512)
  })
  it('freezes inside an expression: only the new head trains', () => {
    const r = analyze('nn.Sequential(resnet18().requires_grad_(False), nn.Linear(1000, 10))')
    expect([Number(r.params.total), Number(r.params.trainable)]).toEqual([11699522, 10010])
    expect(r.tensors[0]!.name).toBe('0.conv1.weight')
  })
  it('takes weights: an entry fixes the structure (1000 classes), nothing is downloaded', () => {
    expect(counts("resnet18(weights='IMAGENET1K_V1')").params).toBe(11689512)
    expect(counts('resnet18(weights=ResNet18_Weights.DEFAULT)').params).toBe(11689512)
    expect(counts('resnet18(pretrained=True)').params).toBe(11689512)
    expect(failure("resnet18(weights='DEFAULT', num_classes=10)")).toEqual({ code: 'argument-value', message: expect.stringMatching(/^The parameter `num_classes` expected value 1000 but got 10 instead/) })
    expect(failure("resnet18(weights='IMAGENET1K_V2')")).toEqual({ code: 'argument-value', message: expect.stringMatching(/Valid: `ResNet18_Weights.IMAGENET1K_V1`, `ResNet18_Weights.DEFAULT` or `None`\.$/) })
  })
  it('takes weights and progress positionally, everything else by keyword, and suggests a misspelt one', () => {
    expect(counts('resnet18(None, False)').params).toBe(11689512)
    expect(failure('resnet18(10)')).toEqual({ code: 'argument-type', message: expect.stringMatching(/^`weights` must be `None`, a weights enum entry/) })
    expect(failure('resnet18(None, True, 10)').code).toBe('too-many-arguments')
    expect(failure('resnet18(num_class=10)')).toEqual({ code: 'unknown-argument', message: expect.stringMatching(/Did you mean `num_classes`\?/) })
  })
  it('rejects grouped or dilated BasicBlocks, as torchvision does', () => {
    expect(failure('resnet18(width_per_group=32)').message).toBe('BasicBlock only supports `groups=1` and `width_per_group=64`.')
    expect(failure('resnet18(replace_stride_with_dilation=[True, False, False])').message).toBe('Dilation > 1 is not supported in BasicBlock.')
  })
  it('names the layer that rejects an input', () => {
    expect(failure('resnet18()', '1,1,224,224').message).toBe('`conv1` (Conv2d) expects 3 input channels, got 1 (input of shape (1, 1, 224, 224)).')
    expect(failure('resnet18()', '1,3,16,16').message).toMatch(/^`layer3.0.bn1` \(BatchNorm2d\) .*Expected more than 1 value per channel when training/)
  })
})

describe('resnet34', () => {
  it('has torchvision\'s 21,797,672 parameters in 110 tensors and 17,060 buffer elements', () => {
    expect(counts('resnet34()')).toEqual({ class: 'ResNet', params: 21797672, paramTensors: 110, buffers: 17060, bufferBytes: 68384, bufferTensors: 108 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('resnet34()', 'parameter', [0, 1, 36, 55, 108, 109])).toEqual([
      'conv1.weight [64,3,7,7]',
      'bn1.weight [64]',
      'layer2.2.conv1.weight [128,128,3,3]',
      'layer3.0.downsample.1.weight [256]',
      'fc.weight [1000,512]',
      'fc.bias [1000]',
    ])
    expect(names('resnet34()', 'buffer', [0, 54, 107])).toEqual([
      'bn1.running_mean [64]',
      'layer3.0.downsample.1.running_mean [256]',
      'layer4.2.bn2.num_batches_tracked []',
    ])
  })
  it('runs resnet34() on 2×3×64×64: output (2, 1000), saves 5,233,152 bytes for backward', () => {
    expect(forward('resnet34()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 5233152, savedWithInput: 5331456 })
  })
})

describe('resnet50', () => {
  it('has torchvision\'s 25,557,032 parameters in 161 tensors and 53,173 buffer elements', () => {
    expect(counts('resnet50()')).toEqual({ class: 'ResNet', params: 25557032, paramTensors: 161, buffers: 53173, bufferBytes: 212904, bufferTensors: 159 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('resnet50()', 'parameter', [0, 1, 53, 80, 159, 160])).toEqual([
      'conv1.weight [64,3,7,7]',
      'bn1.weight [64]',
      'layer2.1.bn3.bias [512]',
      'layer3.0.bn3.bias [1024]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('resnet50()', 'buffer', [0, 79, 158])).toEqual([
      'bn1.running_mean [64]',
      'layer3.0.bn3.running_var [1024]',
      'layer4.2.bn3.num_batches_tracked []',
    ])
  })
  it('runs resnet50() on 1×3×224×224: output (1, 1000), saves 85,519,872 bytes for backward', () => {
    expect(forward('resnet50()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 85519872, savedWithInput: 86121984 })
  })
  it('runs resnet50() on 2×3×64×64: output (2, 1000), saves 14,155,264 bytes for backward', () => {
    expect(forward('resnet50()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 14155264, savedWithInput: 14253568 })
  })
  it('rejects a replace_stride_with_dilation that is not 3 bools', () => {
    expect(failure('resnet50(replace_stride_with_dilation=[True])').message).toBe('`replace_stride_with_dilation` should be None or a 3-element tuple, got `[True]`.')
  })
  it('dilates the last stages without striding: a 28×28 map at the end', () => {
    const f = analyze('resnet50(replace_stride_with_dilation=[False, True, True])', { input: '1,3,224,224' }).forward!
    expect(f.modules.find((s) => s.path === 'layer4')!.outputShape).toEqual([1, 2048, 28, 28])
  })
})

describe('resnet101', () => {
  it('has torchvision\'s 44,549,160 parameters in 314 tensors and 105,448 buffer elements', () => {
    expect(counts('resnet101()')).toEqual({ class: 'ResNet', params: 44549160, paramTensors: 314, buffers: 105448, bufferBytes: 422208, bufferTensors: 312 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('resnet101()', 'parameter', [0, 1, 104, 157, 312, 313])).toEqual([
      'conv1.weight [64,3,7,7]',
      'bn1.weight [64]',
      'layer3.3.bn1.bias [256]',
      'layer3.9.bn1.weight [256]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('resnet101()', 'buffer', [0, 156, 311])).toEqual([
      'bn1.running_mean [64]',
      'layer3.9.bn1.running_mean [256]',
      'layer4.2.bn3.num_batches_tracked []',
    ])
  })
  it('runs resnet101() on 2×3×64×64: output (2, 1000), saves 21,048,832 bytes for backward', () => {
    expect(forward('resnet101()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 21048832, savedWithInput: 21147136 })
  })
})

describe('resnet152', () => {
  it('has torchvision\'s 60,192,808 parameters in 467 tensors and 151,579 buffer elements', () => {
    expect(counts('resnet152()')).toEqual({ class: 'ResNet', params: 60192808, paramTensors: 467, buffers: 151579, bufferBytes: 606936, bufferTensors: 465 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('resnet152()', 'parameter', [0, 1, 155, 233, 465, 466])).toEqual([
      'conv1.weight [64,3,7,7]',
      'bn1.weight [64]',
      'layer3.4.bn3.bias [1024]',
      'layer3.13.bn2.bias [256]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('resnet152()', 'buffer', [0, 232, 464])).toEqual([
      'bn1.running_mean [64]',
      'layer3.13.bn2.running_var [256]',
      'layer4.2.bn3.num_batches_tracked []',
    ])
  })
  it('runs resnet152() on 2×3×64×64: output (2, 1000), saves 29,490,688 bytes for backward', () => {
    expect(forward('resnet152()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 29490688, savedWithInput: 29588992 })
  })
})

describe('resnext50_32x4d', () => {
  it('has torchvision\'s 25,028,904 parameters in 161 tensors and 68,277 buffer elements', () => {
    expect(counts('resnext50_32x4d()')).toEqual({ class: 'ResNet', params: 25028904, paramTensors: 161, buffers: 68277, bufferBytes: 273320, bufferTensors: 159 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('resnext50_32x4d()', 'parameter', [0, 1, 53, 80, 159, 160])).toEqual([
      'conv1.weight [64,3,7,7]',
      'bn1.weight [64]',
      'layer2.1.bn3.bias [512]',
      'layer3.0.bn3.bias [1024]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('resnext50_32x4d()', 'buffer', [0, 79, 158])).toEqual([
      'bn1.running_mean [64]',
      'layer3.0.bn3.running_var [1024]',
      'layer4.2.bn3.num_batches_tracked []',
    ])
  })
  it('runs resnext50_32x4d(replace_stride_with_dilation=[False,True,True]) on 2×3×64×64: output (2, 1000), saves 40,528,384 bytes for backward', () => {
    expect(forward('resnext50_32x4d(replace_stride_with_dilation=[False,True,True])', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 40528384, savedWithInput: 40626688 })
  })
  it('runs resnext50_32x4d() on 2×3×64×64: output (2, 1000), saves 18,508,288 bytes for backward', () => {
    expect(forward('resnext50_32x4d()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 18508288, savedWithInput: 18606592 })
  })
  it('fixes groups and width_per_group as torchvision does', () => {
    expect(failure('resnext50_32x4d(groups=8)').message).toBe('The parameter `groups` of `resnext50_32x4d` expected value 32 but got 8 instead.')
    expect(counts('resnext50_32x4d(groups=32, width_per_group=4)').params).toBe(25028904)
  })
})

describe('resnext101_32x8d', () => {
  it('has torchvision\'s 88,791,336 parameters in 314 tensors and 202,984 buffer elements', () => {
    expect(counts('resnext101_32x8d()')).toEqual({ class: 'ResNet', params: 88791336, paramTensors: 314, buffers: 202984, bufferBytes: 812352, bufferTensors: 312 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('resnext101_32x8d()', 'parameter', [0, 1, 104, 157, 312, 313])).toEqual([
      'conv1.weight [64,3,7,7]',
      'bn1.weight [64]',
      'layer3.3.bn1.bias [1024]',
      'layer3.9.bn1.weight [1024]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('resnext101_32x8d()', 'buffer', [0, 156, 311])).toEqual([
      'bn1.running_mean [64]',
      'layer3.9.bn1.running_mean [1024]',
      'layer4.2.bn3.num_batches_tracked []',
    ])
  })
  it('runs resnext101_32x8d() on 2×3×64×64: output (2, 1000), saves 41,001,472 bytes for backward', () => {
    expect(forward('resnext101_32x8d()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 41001472, savedWithInput: 41099776 })
  })
})

describe('resnext101_64x4d', () => {
  it('has torchvision\'s 83,455,272 parameters in 314 tensors and 202,984 buffer elements', () => {
    expect(counts('resnext101_64x4d()')).toEqual({ class: 'ResNet', params: 83455272, paramTensors: 314, buffers: 202984, bufferBytes: 812352, bufferTensors: 312 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('resnext101_64x4d()', 'parameter', [0, 1, 104, 157, 312, 313])).toEqual([
      'conv1.weight [64,3,7,7]',
      'bn1.weight [64]',
      'layer3.3.bn1.bias [1024]',
      'layer3.9.bn1.weight [1024]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('resnext101_64x4d()', 'buffer', [0, 156, 311])).toEqual([
      'bn1.running_mean [64]',
      'layer3.9.bn1.running_mean [1024]',
      'layer4.2.bn3.num_batches_tracked []',
    ])
  })
  it('runs resnext101_64x4d() on 2×3×64×64: output (2, 1000), saves 41,001,472 bytes for backward', () => {
    expect(forward('resnext101_64x4d()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 41001472, savedWithInput: 41099776 })
  })
})

describe('wide_resnet50_2', () => {
  it('has torchvision\'s 68,883,240 parameters in 161 tensors and 68,277 buffer elements', () => {
    expect(counts('wide_resnet50_2()')).toEqual({ class: 'ResNet', params: 68883240, paramTensors: 161, buffers: 68277, bufferBytes: 273320, bufferTensors: 159 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('wide_resnet50_2()', 'parameter', [0, 1, 53, 80, 159, 160])).toEqual([
      'conv1.weight [64,3,7,7]',
      'bn1.weight [64]',
      'layer2.1.bn3.bias [512]',
      'layer3.0.bn3.bias [1024]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('wide_resnet50_2()', 'buffer', [0, 79, 158])).toEqual([
      'bn1.running_mean [64]',
      'layer3.0.bn3.running_var [1024]',
      'layer4.2.bn3.num_batches_tracked []',
    ])
  })
  it('runs wide_resnet50_2() on 1×3×64×64: output (1, 1000), saves 9,390,592 bytes for backward', () => {
    expect(forward('wide_resnet50_2()', '1,3,64,64')).toEqual({ output: [1, 1000], saved: 9390592, savedWithInput: 9439744 })
  })
  it('runs wide_resnet50_2() on 2×3×64×64: output (2, 1000), saves 18,508,288 bytes for backward', () => {
    expect(forward('wide_resnet50_2()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 18508288, savedWithInput: 18606592 })
  })
})

describe('wide_resnet101_2', () => {
  it('has torchvision\'s 126,886,696 parameters in 314 tensors and 137,960 buffer elements', () => {
    expect(counts('wide_resnet101_2()')).toEqual({ class: 'ResNet', params: 126886696, paramTensors: 314, buffers: 137960, bufferBytes: 552256, bufferTensors: 312 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('wide_resnet101_2()', 'parameter', [0, 1, 104, 157, 312, 313])).toEqual([
      'conv1.weight [64,3,7,7]',
      'bn1.weight [64]',
      'layer3.3.bn1.bias [512]',
      'layer3.9.bn1.weight [512]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('wide_resnet101_2()', 'buffer', [0, 156, 311])).toEqual([
      'bn1.running_mean [64]',
      'layer3.9.bn1.running_mean [512]',
      'layer4.2.bn3.num_batches_tracked []',
    ])
  })
  it('runs wide_resnet101_2() on 2×3×64×64: output (2, 1000), saves 27,699,712 bytes for backward', () => {
    expect(forward('wide_resnet101_2()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 27699712, savedWithInput: 27798016 })
  })
})
