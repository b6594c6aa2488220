import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { counts, failure, forward } from '../../../test/torchvision.js'

function types(source: string, paths: readonly string[]): string[] {
  const modules = analyze(source).modules
  return paths.map((p) => `${p}:${modules.find((m) => m.path === p)?.type ?? 'missing'}`)
}

describe('torchvision.models.quantization (quantize=False)', () => {
  it('builds the quantizable classes: subclassed blocks, FloatFunctional, stubs, ReLU(inplace=False) for ReLU and ReLU6', () => {
    expect(types('torchvision.models.quantization.resnet50()', ['', 'layer1.0', 'layer1.0.skip_add_relu', 'layer1.0.skip_add_relu.activation_post_process', 'layer1.0.relu2', 'quant', 'dequant'])).toEqual([
      ':QuantizableResNet',
      'layer1.0:QuantizableBottleneck',
      'layer1.0.skip_add_relu:FloatFunctional',
      'layer1.0.skip_add_relu.activation_post_process:Identity',
      'layer1.0.relu2:ReLU',
      'quant:QuantStub',
      'dequant:DeQuantStub',
    ])
    expect(types('torchvision.models.quantization.mobilenet_v2()', ['features.2', 'features.2.conv.0.2', 'features.2.skip_add'])).toEqual(['features.2:QuantizableInvertedResidual', 'features.2.conv.0.2:ReLU', 'features.2.skip_add:FloatFunctional'])
    expect(types('torchvision.models.quantization.mobilenet_v3_large()', ['features.4.block.2', 'features.4.block.2.skip_mul'])).toEqual(['features.4.block.2:QuantizableSqueezeExcitation', 'features.4.block.2.skip_mul:FloatFunctional'])
    expect(types('torchvision.models.quantization.inception_v3()', ['Mixed_7c', 'Mixed_7c.myop3', 'Conv2d_1a_3x3', 'Conv2d_1a_3x3.relu'])).toEqual(['Mixed_7c:QuantizableInceptionE', 'Mixed_7c.myop3:FloatFunctional', 'Conv2d_1a_3x3:QuantizableBasicConv2d', 'Conv2d_1a_3x3.relu:ReLU'])
    const relu = analyze('torchvision.models.quantization.shufflenet_v2_x1_0()').modules.find((m) => m.path === 'conv1.2')!
    expect([relu.type, relu.node.args['inplace']]).toEqual(['ReLU', false])
  })
  it('keeps the float classifiers\' parameters and buffers', () => {
    expect(counts('torchvision.models.quantization.resnet50()')).toMatchObject({ params: 25557032, paramTensors: 161, buffers: 53173 })
    expect(counts('torchvision.models.quantization.mobilenet_v3_large()')).toMatchObject({ params: 5483032, buffers: 24446 })
    expect(counts("get_model('quantized_mobilenet_v2', backend='qnnpack')").class).toBe('QuantizableMobileNetV2')
  })
  it('drops Inception3\'s auxiliary head with float weights unless aux_logits=True is given (unlike the float builder)', () => {
    expect(counts("torchvision.models.quantization.inception_v3(weights='DEFAULT')").params).toBe(23834568)
    expect(counts("torchvision.models.quantization.inception_v3(weights='DEFAULT', aux_logits=True)").params).toBe(27161264)
    expect(counts("inception_v3(weights='DEFAULT')").params).toBe(27161264)
  })
  it('saves for backward what PyTorch 2.13 saves', () => {
    expect(forward('torchvision.models.quantization.resnet18()', '1,3,64,64')).toEqual({ output: [1, 1000], saved: 1801728, savedWithInput: 1850880 })
    expect(forward('torchvision.models.quantization.resnet50()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 14155264, savedWithInput: 14253568 })
    expect(forward('torchvision.models.quantization.mobilenet_v2()', '1,3,64,64')).toEqual({ output: [1, 1000], saved: 4507904, savedWithInput: 4557056 })
    expect(forward('torchvision.models.quantization.shufflenet_v2_x1_0()', '1,3,64,64')).toEqual({ output: [1, 1000], saved: 1683408, savedWithInput: 1732560 })
  })
  it('refuses quantize=True and quantized weights with quantize=False', () => {
    expect(failure('torchvision.models.quantization.resnet50(quantize=True)').message).toMatch(/^`quantize=True` builds quantized int8 modules/)
    expect(failure('torchvision.models.quantization.resnet50(weights=ResNet50_QuantizedWeights.DEFAULT)').message).toMatch(/^Invalid Weight class provided; expected `ResNet50_Weights` but received `ResNet50_QuantizedWeights`/)
  })
})
