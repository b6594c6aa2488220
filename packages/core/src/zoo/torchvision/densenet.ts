import { bool, float, int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { numel } from '../../tensor/shape.js'
import { block, defineBlock, defineModel, defineSequentialBlock, nn, runChild, sequentialNamed } from './core.js'
import * as ops from './ops.js'
import { relu as reluLayer } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { linear } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'
import { avgPool2d, maxPool2d } from '../../layers/pool.js'

interface DenseLayerArgs {
  num_input_features: number
  growth_rate: number
  bn_size: number
  drop_rate: number
  memory_efficient: boolean
}

/**
 * `_DenseLayer`: BN-ReLU-1×1 conv on the concatenation of every earlier
 * feature map, then BN-ReLU-3×3 conv producing `growth_rate` channels.
 */
const DenseLayer = defineBlock<DenseLayerArgs>({
  name: '_DenseLayer',
  build(a, m) {
    const bottleneck = a.bn_size * a.growth_rate
    m.child('norm1', nn(m, batchNorm2d, { num_features: a.num_input_features }))
    m.child('relu1', nn(m, reluLayer, { inplace: true }))
    m.child('conv1', nn(m, conv2d, { in_channels: a.num_input_features, out_channels: bottleneck, kernel_size: 1, stride: 1, bias: false }))
    m.child('norm2', nn(m, batchNorm2d, { num_features: bottleneck }))
    m.child('relu2', nn(m, reluLayer, { inplace: true }))
    m.child('conv2', nn(m, conv2d, { in_channels: bottleneck, out_channels: a.growth_rate, kernel_size: 3, stride: 1, padding: 1, bias: false }))
  },
  forward(self, inputs, ctx) {
    const a = self.args
    const concatenated = ops.cat(ctx, inputs, 1)
    let bottleneck
    if (a.memory_efficient) {
      // torch.utils.checkpoint: only the inputs are saved; the 1×1 bottleneck is recomputed in the backward pass.
      ctx.save(...inputs)
      const [n, c, h, w] = concatenated.shape as [number, number, number, number]
      const convMacs = BigInt(n * h * w) * BigInt(c) * BigInt(a.bn_size * a.growth_rate)
      ctx.macs(numel(concatenated.shape) + convMacs)
      // FlopCounterMode counts the 1×1 convolution that runs in the forward pass, checkpointed or not.
      ctx.flops('aten.convolution', 2n * convMacs)
      bottleneck = ctx.tensor([n, a.bn_size * a.growth_rate, h, w], concatenated.dtype)
    } else {
      bottleneck = runChild(self, 'conv1', runChild(self, 'relu1', runChild(self, 'norm1', concatenated, ctx), ctx), ctx)
    }
    const features = runChild(self, 'conv2', runChild(self, 'relu2', runChild(self, 'norm2', bottleneck, ctx), ctx), ctx)
    return ops.dropout(ctx, features, a.drop_rate, self.training)
  },
})

/** `_DenseBlock`: dense layers, each fed with all earlier outputs; returns their concatenation. */
const DenseBlock = defineBlock<DenseLayerArgs & { num_layers: number }>({
  name: '_DenseBlock',
  build(a, m) {
    for (let i = 0; i < a.num_layers; i++) {
      m.child(`denselayer${i + 1}`, block(m, DenseLayer, { ...a, num_input_features: a.num_input_features + i * a.growth_rate }))
    }
  },
  forward(self, inputs, ctx) {
    const features = [inputs[0]!]
    for (const [name, layer] of self.children) features.push(ctx.run(layer!, features, name)[0]!)
    return ops.cat(ctx, features, 1)
  },
})

/** `_Transition`: BN, ReLU, 1×1 convolution halving the channels, 2×2 average pool. */
const Transition = defineSequentialBlock<{ num_input_features: number; num_output_features: number }>('_Transition', (a, m) => {
  m.child('norm', nn(m, batchNorm2d, { num_features: a.num_input_features }))
  m.child('relu', nn(m, reluLayer, { inplace: true }))
  m.child('conv', nn(m, conv2d, { in_channels: a.num_input_features, out_channels: a.num_output_features, kernel_size: 1, stride: 1, bias: false }))
  m.child('pool', nn(m, avgPool2d, { kernel_size: 2, stride: 2 }))
})

interface DenseNetArgs {
  bn_size: number
  drop_rate: number
  num_classes: number
  memory_efficient: boolean
}

function densenet(name: string, growthRate: number, blockConfig: readonly number[], numInitFeatures: number) {
  return defineModel<DenseNetArgs>({
    name,
    className: 'DenseNet',
    signature: [int('bn_size', { default: 4 }), float('drop_rate', { default: 0 }), int('num_classes', { default: 1000 }), bool('memory_efficient', { default: false })],
    validate(a, fail) {
      if (a.drop_rate < 0 || a.drop_rate > 1) fail('drop_rate', `dropout probability has to be between 0 and 1, but got ${a.drop_rate}.`)
    },
    build(a, m) {
      const entries: Array<[string, ModuleNode]> = [
        ['conv0', nn(m, conv2d, { in_channels: 3, out_channels: numInitFeatures, kernel_size: 7, stride: 2, padding: 3, bias: false })],
        ['norm0', nn(m, batchNorm2d, { num_features: numInitFeatures })],
        ['relu0', nn(m, reluLayer, { inplace: true })],
        ['pool0', nn(m, maxPool2d, { kernel_size: 3, stride: 2, padding: 1 })],
      ]
      let features = numInitFeatures
      blockConfig.forEach((numLayers, i) => {
        entries.push([
          `denseblock${i + 1}`,
          block(m, DenseBlock, { num_layers: numLayers, num_input_features: features, bn_size: a.bn_size, growth_rate: growthRate, drop_rate: a.drop_rate, memory_efficient: a.memory_efficient }),
        ])
        features += numLayers * growthRate
        if (i !== blockConfig.length - 1) {
          entries.push([`transition${i + 1}`, block(m, Transition, { num_input_features: features, num_output_features: Math.floor(features / 2) })])
          features = Math.floor(features / 2)
        }
      })
      entries.push(['norm5', nn(m, batchNorm2d, { num_features: features })])
      m.child('features', sequentialNamed(m, entries))
      m.child('classifier', nn(m, linear, { in_features: features, out_features: a.num_classes }))
    },
    forward(self, inputs, ctx) {
      let x = runChild(self, 'features', inputs[0]!, ctx)
      x = ops.relu(ctx, x, true)
      x = ops.adaptiveAvgPool2d(ctx, x, [1, 1])
      return runChild(self, 'classifier', ops.flatten(ctx, x, 1), ctx)
    },
  })
}

/** `torchvision.models.densenet121`, `densenet161`, `densenet169`, `densenet201`. */
export const densenet121 = densenet('densenet121', 32, [6, 12, 24, 16], 64)
/** `torchvision.models.densenet161` (`DenseNet`). */
export const densenet161 = densenet('densenet161', 48, [6, 12, 36, 24], 96)
/** `torchvision.models.densenet169` (`DenseNet`). */
export const densenet169 = densenet('densenet169', 32, [6, 12, 32, 32], 64)
/** `torchvision.models.densenet201` (`DenseNet`). */
export const densenet201 = densenet('densenet201', 32, [6, 12, 48, 32], 64)
