import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'

/** `path: Type` of a module and of each of its children. */
function tree(source: string, path: string): string[] {
  const modules = analyze(source).modules
  const node = modules.find((m) => m.path === path)!.node
  return [node.type, ...[...node.children].map(([name, child]) => `${name}: ${child!.type}`)]
}

function args(source: string, path: string): Record<string, unknown> {
  return analyze(source).modules.find((m) => m.path === path)!.node.args
}

function stats(source: string, input: string, path: string) {
  const s = analyze(source, { input, device: 'cpu', torch: '1.13' }).forward!.modules.find((m) => m.path === path)!
  return { output: s.outputShape, saved: Number(s.savedBytes) }
}

describe('batchNorm', () => {
  it('passes eps and momentum to nn.BatchNorm2d', () => {
    expect(args('efficientnet_b5()', 'features.0.1')).toMatchObject({ num_features: 48, eps: 0.001, momentum: 0.01 })
    expect(args('efficientnet_b0()', 'features.0.1')).toMatchObject({ num_features: 32, eps: 1e-5, momentum: 0.1 })
  })
})

describe('activation', () => {
  it('makes the activation class, in place where torchvision asks for it', () => {
    expect(tree('mobilenet_v3_small()', 'features.0')).toEqual(['Conv2dNormActivation', '0: Conv2d', '1: BatchNorm2d', '2: Hardswish'])
    expect(args('mobilenet_v3_small()', 'features.0.2')).toMatchObject({ inplace: true })
  })
})

describe('Conv2dNormActivation', () => {
  it('pads to keep the size, drops the bias before a norm layer, and skips missing layers', () => {
    expect(tree('mobilenet_v2()', 'features.0')).toEqual(['Conv2dNormActivation', '0: Conv2d', '1: BatchNorm2d', '2: ReLU6'])
    expect(args('mobilenet_v2()', 'features.0.0')).toMatchObject({ kernel_size: [3, 3], stride: [2, 2], padding: [1, 1], bias: false })
    expect(tree('convnext_tiny()', 'features.0')).toEqual(['Conv2dNormActivation', '0: Conv2d', '1: LayerNorm2d'])
    expect(args('convnext_tiny()', 'features.0.0')).toMatchObject({ kernel_size: [4, 4], padding: [0, 0], bias: true })
    expect(tree('maxvit_t()', 'stem.1')).toEqual(['Conv2dNormActivation', '0: Conv2d'])
  })
})

describe('conv2dNormActivation', () => {
  it('builds a Conv2dNormActivation block with dilation-aware padding', () => {
    expect(args('mobilenet_v3_large(dilated=True)', 'features.13.block.1.0')).toMatchObject({ kernel_size: [5, 5], dilation: [2, 2], padding: [4, 4], stride: [1, 1] })
  })
})

describe('SqueezeExcitation', () => {
  it('pools, squeezes, excites and scales its input', () => {
    expect(tree('efficientnet_b0()', 'features.1.0.block.1')).toEqual(['SqueezeExcitation', 'avgpool: AdaptiveAvgPool2d', 'fc1: Conv2d', 'fc2: Conv2d', 'activation: SiLU', 'scale_activation: Sigmoid'])
    expect(tree('mobilenet_v3_large()', 'features.4.block.2').at(-1)).toBe('scale_activation: Hardsigmoid')
    expect(stats('efficientnet_b0()', '1,3,64,64', 'features.1.0.block.1')).toEqual({ output: [1, 32, 32, 32], saved: 32 * 4 + 8 * 4 + 8 * 4 + 32 * 4 + 32 * 32 * 32 * 4 })
  })
})

describe('StochasticDepth', () => {
  it('saves a per-sample noise tensor while training with p > 0', () => {
    expect(stats('convnext_tiny()', '2,3,64,64', 'features.1.0.stochastic_depth').saved).toBe(0)
    expect(stats('convnext_tiny()', '2,3,64,64', 'features.1.1.stochastic_depth').saved).toBe(8)
    expect(stats('convnext_tiny().eval()', '2,3,64,64', 'features.1.1.stochastic_depth').saved).toBe(0)
  })
})

describe('Permute', () => {
  it('reorders dimensions as a view', () => {
    expect(stats('convnext_tiny()', '1,3,64,64', 'features.1.0.block.1')).toEqual({ output: [1, 16, 16, 96], saved: 0 })
  })
})

describe('MLP', () => {
  it('stacks Linear, activation and Dropout layers', () => {
    expect(tree('swin_t()', 'features.1.0.mlp')).toEqual(['MLP', '0: Linear', '1: GELU', '2: Dropout', '3: Linear', '4: Dropout'])
    expect(tree('vit_b_16()', 'encoder.layers.encoder_layer_0.mlp')[0]).toBe('MLPBlock')
  })
})
