import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

// Bytes autograd keeps (saved_tensors_hooks, each storage once, input excluded) and FlopCounterMode totals, measured
// with PyTorch 2.13 (CPU) and timm 1.0.29.
const run = (source: string, input: string) => analyze(source, { input, device: 'cpu' }).forward!
const saved = (source: string, input: string): number => Number(run(source, input).savedBytes)

describe('timm SelectAdaptivePool2d', () => {
  it('keeps the int64 indices of F.adaptive_max_pool2d in avgmax and catavgmax pooling', () => {
    expect(saved("timm.create_model('resnet18', global_pool='avgmax', num_classes=10)", '1,3,64,64')).toBe(1805824)
    expect(saved("timm.create_model('resnet18', global_pool='catavgmax', num_classes=10)", '2,3,64,64')).toBe(3577344)
    expect(saved("timm.create_model('convnext_atto', global_pool='avgmax', num_classes=10)", '1,3,64,64')).toBe(2539976)
    expect(saved("timm.create_model('efficientnet_b0', global_pool='avgmax', num_classes=10)", '1,3,64,64')).toBe(7422048)
  })
  it('keeps the result of x.amax in the fast pools (FastAdaptiveMaxPool and the avgmax forms)', () => {
    expect(saved("timm.create_model('resnet18', global_pool='fastavgmax', num_classes=10)", '1,3,64,64')).toBe(1803776)
    expect(saved("timm.create_model('resnet18', global_pool='fastcatavgmax', num_classes=10)", '2,3,64,64')).toBe(3573248)
    expect(saved("timm.create_model('resnet18', global_pool='fastmax', num_classes=10)", '2,3,64,64')).toBe(3565056)
  })
})

describe('timm BlurPool2d', () => {
  it('is a depthwise convolution in the FlopCounterMode figure', () => {
    const f = run("timm.create_model('resnetblur50', num_classes=10)", '1,3,64,64')
    expect(f.flopCounter.total).toBe(837750784n)
    expect(f.flopCounter.byOp['aten.convolution']).toBe(837709824n)
    expect(saved("timm.create_model('resnetblur18', num_classes=10)", '2,3,64,64')).toBe(6954496)
  })
})
