import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { errorOf } from '../../../test/support.js'

// Parameters, output shapes and bytes autograd keeps (saved_tensors_hooks, each storage once, input excluded),
// measured with PyTorch 2.13 (CPU) and torchvision 0.28.
const params = (source: string): number => Number(analyze(source).params.total)
function run(source: string, input: string) {
  const result = analyze(source, { input, device: 'cpu' })
  return { params: Number(result.params.total), output: [...result.forward!.outputs[0]!.shape], saved: Number(result.forward!.savedBytes) }
}

describe("torchvision builders pass the class's other keywords on (**kwargs)", () => {
  it('builds ResNet with the norm_layer given (a partial, a class), after the weights fix num_classes', () => {
    expect(run('from functools import partial; resnet18(norm_layer=partial(nn.GroupNorm, 32), num_classes=10)', '2,3,64,64')).toEqual({ params: 11181642, output: [2, 10], saved: 3536896 })
    expect(run('from functools import partial; resnext50_32x4d(norm_layer=partial(nn.GroupNorm, 32), num_classes=10)', '1,3,64,64')).toEqual({ params: 23000394, output: [1, 10], saved: 9131264 })
    expect(run('resnet50(norm_layer=nn.InstanceNorm2d, num_classes=10, replace_stride_with_dilation=[False, True, True])', '1,3,64,64')).toEqual({ params: 23475402, output: [1, 10], saved: 15687168 })
    expect(params("resnet50(weights='IMAGENET1K_V2', norm_layer=nn.BatchNorm2d)")).toBe(25557032)
  })
  it('builds MobileNetV2 and MobileNetV3 with the norm_layer given (a lambda too)', () => {
    expect(run('from functools import partial; mobilenet_v3_small(norm_layer=partial(nn.BatchNorm2d, eps=0.01), num_classes=10)', '2,3,64,64')).toEqual({ params: 1528106, output: [2, 10], saved: 2671872 })
    expect(run('mobilenet_v3_large(norm_layer=lambda c: nn.GroupNorm(4, c), reduced_tail=True, dilated=True)', '1,3,64,64')).toEqual({ params: 2569352, output: [1, 1000], saved: 3987616 })
    expect(run('from functools import partial; mobilenet_v2(norm_layer=partial(nn.BatchNorm2d, momentum=0.01), width_mult=0.5)', '2,3,64,64')).toEqual({ params: 1968680, output: [2, 1000], saved: 6982080 })
  })
  it("builds EfficientNet with dropout and norm_layer (the builder's kwargs.pop('dropout', …))", () => {
    expect(run('efficientnet_b0(dropout=0.5, num_classes=10)', '2,3,64,64')).toEqual({ params: 4020358, output: [2, 10], saved: 14624904 })
    expect(run('from functools import partial; efficientnet_b1(norm_layer=partial(nn.BatchNorm2d, eps=1e-3), num_classes=10, stochastic_depth_prob=0.1)', '2,3,64,64')).toEqual({ params: 6525994, output: [2, 10], saved: 20434688 })
    expect(run('efficientnet_v2_s(dropout=0.1, num_classes=10)', '2,3,64,64')).toEqual({ params: 20190298, output: [2, 10], saved: 26209488 })
  })
  it("raises Python's TypeError for a keyword the builder passes itself", () => {
    expect(errorOf(() => analyze('efficientnet_v2_s(norm_layer=nn.BatchNorm2d)')).message).toBe("torchvision.models.efficientnet._efficientnet() got multiple values for keyword argument 'norm_layer'")
    expect(errorOf(() => analyze('resnet18(layers=[1], norm_layer=nn.BatchNorm2d)')).message).toBe("_resnet() got multiple values for argument 'layers'")
    expect(errorOf(() => analyze('mobilenet_v3_small(last_channel=10)')).message).toBe("_mobilenet_v3() got multiple values for argument 'last_channel'")
    expect(errorOf(() => analyze('resnext50_32x4d(groups=4, norm_layer=nn.BatchNorm2d)')).message).toBe('The parameter `groups` of `resnext50_32x4d` expected value 32 but got 4 instead.')
    expect(errorOf(() => analyze('resnet18(foo=1)')).code).toBe('unknown-argument')
  })
})
