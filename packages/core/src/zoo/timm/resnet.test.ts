import { describe, expect, it } from 'vitest'
import { analyze, buildModule } from '../../analyze.js'
import { errorOf } from '../../../test/support.js'
import { failure, forward } from '../../../test/torchvision.js'

const macs = (source: string, input: string): number => Number(analyze(source, { input, device: 'cpu' }).forward!.macs)

describe('timm ResNet forward', () => {
  it('runs resnet50 on 2×3×224×224 as torchvision\'s: 8.2 GMACs, 170,827,264 bytes saved for backward', () => {
    expect(forward("timm.create_model('resnet50')", '2,3,224,224')).toEqual({ output: [2, 1000], saved: 170827264, savedWithInput: 172031488 })
    expect(macs("timm.create_model('resnet50')", '2,3,224,224')).toBe(8200797184)
    expect(macs("timm.create_model('resnet50')", '2,3,224,224')).toBe(macs('resnet50()', '2,3,224,224'))
  })
  it('runs the deep-stem, avg-down resnet50d (PyTorch measures 186,482,688 bytes saved)', () => {
    expect(forward("timm.create_model('resnet50d')", '2,3,224,224')).toEqual({ output: [2, 1000], saved: 186482688, savedWithInput: 187686912 })
    expect(macs("timm.create_model('resnet50d')", '2,3,224,224')).toBe(8684493824)
  })
  it('returns pooled features without a classifier (num_classes=0)', () => {
    expect(forward("timm.create_model('resnet50', num_classes=0)", '1,3,224,224')).toEqual({ output: [1, 2048], saved: 85511680, savedWithInput: 86113792 })
  })
  it('names the layer that rejects an input, as PyTorch would', () => {
    expect(failure("timm.create_model('resnet50')", '1,1,224,224').message).toBe('`conv1` (Conv2d) expects 3 input channels, got 1 (input of shape (1, 1, 224, 224)).')
    expect(failure("timm.create_model('resnet50', global_pool='')", '1,3,224,224').message).toMatch(/^`fc` \(Linear\) cannot multiply an input of shape \(1, 2048, 7, 7\)/)
  })
  it('reads like print(model): timm\'s module classes', () => {
    const types = new Map(analyze("timm.create_model('seresnext26d_32x4d')").modules.map((m) => [m.path, m.type]))
    expect([types.get(''), types.get('layer1.0'), types.get('layer1.0.se'), types.get('layer2.0.downsample.0'), types.get('global_pool')]).toEqual(['ResNet', 'Bottleneck', 'SEModule', 'AvgPool2d', 'SelectAdaptivePool2d'])
  })
})

describe('timm ResNet block_args', () => {
  it("takes block_args, which replace the model's own (timm 1.0.29 on meta: resnet50 with SE has 28,088,024 parameters)", () => {
    const se = analyze("timm.create_model('resnet50', block_args=dict(attn_layer='se'))")
    expect(Number(se.params.total)).toBe(28088024)
    expect(se.tensors.find((t) => t.name === 'layer1.0.se.fc1.weight')!.shape).toEqual([16, 256, 1, 1])
    expect(Number(analyze("timm.create_model('resnet50', block_args=dict(attn_layer='eca'))").params.total)).toBe(25557118)
    expect(Number(analyze("timm.create_model('resnet18', block_args=dict(attn_layer=True))").params.total)).toBe(11779624)
    // seresnet50 is `block_args=dict(attn_layer='se')`: an empty dict builds plain ResNet-50 blocks
    expect(Number(analyze("timm.create_model('seresnet50', block_args=dict())").params.total)).toBe(25557032)
  })
  it('refuses the block keywords make_blocks passes itself, and unknown attention names, as timm does', () => {
    expect(errorOf(() => buildModule("timm.create_model('resnet50', block_args=dict(cardinality=2))")).message).toMatch(/got multiple values for keyword argument 'cardinality'/)
    expect(errorOf(() => buildModule("timm.create_model('resnet50', block_args=dict(zz=2))")).message).toMatch(/unexpected keyword argument 'zz'/)
    expect(errorOf(() => buildModule("timm.create_model('resnet50', block_args=dict(attn_layer='zz'))")).message).toMatch(/Invalid attn module \(zz\)/)
  })
})
