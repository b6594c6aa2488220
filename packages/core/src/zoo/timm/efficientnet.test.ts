import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { failure, forward } from '../../../test/torchvision.js'

const run = (source: string, input: string) => analyze(source, { input, device: 'cpu' }).forward!

describe('timm EfficientNet / MobileNet forward', () => {
  it('runs efficientnet_b0 and tf_efficientnet_b0 (same padding, odd input size)', () => {
    const f = run("timm.create_model('efficientnet_b0')", '2,3,224,224')
    expect([f.outputs[0]!.shape, Number(f.macs)]).toEqual([[2, 1000], 789843392])
    const tf = run("timm.create_model('tf_efficientnet_b0')", '1,3,225,225')
    expect([tf.outputs[0]!.shape, Number(tf.macs)]).toEqual([[1, 1000], 459393616])
  })
  it('runs MixNet\'s mixed depthwise convolutions (PyTorch measures 68,094,128 bytes saved)', () => {
    expect(forward("timm.create_model('mixnet_s')", '1,3,224,224')).toEqual({ output: [1, 1000], saved: 68094128, savedWithInput: 68696240 })
  })
  it('runs MobileNetV4 hybrid blocks with multi-query attention (PyTorch measures 144,903,936 bytes saved)', () => {
    const f = run("timm.create_model('mobilenetv4_hybrid_medium')", '2,3,256,256')
    expect([f.outputs[0]!.shape, Number(f.savedBytes), Number(f.savedBytesWithInput)]).toEqual([[2, 1000], 144903936, 146476800])
  })
  it('fails like PyTorch when a batch of one reaches a BatchNorm on 1×1 features', () => {
    expect(failure("timm.create_model('mobilenetv4_conv_small')", '1,3,224,224').message).toMatch(/^`norm_head` \(BatchNormAct2d\) .*Expected more than 1 value per channel when training/)
  })
  it('reads like print(model): timm\'s module classes', () => {
    const types = new Map(analyze("timm.create_model('efficientnet_b0')").modules.map((m) => [m.path, m.type]))
    expect(['', 'bn1', 'blocks.0.0', 'blocks.0.0.se', 'blocks.1.0', 'global_pool'].map((p) => types.get(p))).toEqual(['EfficientNet', 'BatchNormAct2d', 'DepthwiseSeparableConv', 'SqueezeExcite', 'InvertedResidual', 'SelectAdaptivePool2d'])
  })
})

describe('timm EfficientNet keywords', () => {
  it('takes fix_stem and stem_kernel_size (timm 1.0.29 on meta: 5,288,548 and 5,290,084 parameters)', () => {
    expect(Number(analyze("timm.create_model('efficientnet_b0', fix_stem=True)").params.total)).toBe(5288548)
    expect(Number(analyze("timm.create_model('efficientnet_b2', fix_stem=True)").params.total)).toBe(9109994)
    const stem = analyze("timm.create_model('efficientnet_b0', stem_kernel_size=5)")
    expect(Number(stem.params.total)).toBe(5290084)
    expect(stem.tensors.find((t) => t.name === 'conv_stem.weight')!.shape).toEqual([32, 3, 5, 5])
    expect(Number(analyze("timm.create_model('mobilenetv3_large_100', se_from_exp=False)").params.total)).toBe(4246504)
  })
})
