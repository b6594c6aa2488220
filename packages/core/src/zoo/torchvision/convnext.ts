import { float, int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { formatShape } from '../../tensor/shape.js'
import { block, defineBlock, defineModel, nn, runChild, sequential } from './core.js'
import { conv2dNormActivation, Permute, StochasticDepth } from './misc.js'
import type { NormFactory } from './misc.js'
import * as ops from './ops.js'
import { gelu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { linear } from '../../layers/linear.js'
import { layerNorm as layerNormLayer } from '../../layers/norm.js'
import { adaptiveAvgPool2d } from '../../layers/pool.js'
import { flatten } from '../../layers/reshape.js'

/**
 * `LayerNorm2d`: an `nn.LayerNorm` over the channels of an `(N, C, H, W)`
 * tensor (permuted to channels-last and back).
 */
const LayerNorm2d = defineBlock<{ normalized_shape: number; eps: number }>({
  name: 'LayerNorm2d',
  build(a, m) {
    m.param('weight', [a.normalized_shape])
    m.param('bias', [a.normalized_shape])
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (x.shape.length !== 4) throw ctx.error(`expects a 4-D input (N, C, H, W), got shape ${formatShape(x.shape)}.`)
    const [n, c, h, w] = x.shape as [number, number, number, number]
    const y = ops.layerNorm(ctx, ctx.view(x, [n, h, w, c]), [self.args.normalized_shape])
    return ctx.view(y, [n, c, h, w])
  },
})

const layerNorm2d: NormFactory = (m, channels) => block(m, LayerNorm2d, { normalized_shape: channels, eps: 1e-6 })

/** `CNBlock`: depthwise 7×7, LayerNorm, inverted-bottleneck MLP (GELU), layer scale, stochastic depth, residual. */
const CNBlock = defineBlock<{ dim: number; layer_scale: number; stochastic_depth_prob: number }>({
  name: 'CNBlock',
  build(a, m) {
    const d = a.dim
    m.child(
      'block',
      sequential(m, [
        nn(m, conv2d, { in_channels: d, out_channels: d, kernel_size: 7, padding: 3, groups: d, bias: true }),
        block(m, Permute, { dims: [0, 2, 3, 1] }),
        nn(m, layerNormLayer, { normalized_shape: d, eps: 1e-6 }),
        nn(m, linear, { in_features: d, out_features: 4 * d, bias: true }),
        nn(m, gelu),
        nn(m, linear, { in_features: 4 * d, out_features: d, bias: true }),
        block(m, Permute, { dims: [0, 3, 1, 2] }),
      ]),
    )
    m.param('layer_scale', [d, 1, 1])
    m.child('stochastic_depth', block(m, StochasticDepth, { p: a.stochastic_depth_prob, mode: 'row' }))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    let result = ops.mul(ctx, ctx.state(self, 'layer_scale'), runChild(self, 'block', x, ctx))
    result = runChild(self, 'stochastic_depth', result, ctx)
    return ops.addInPlace(ctx, result, x)
  },
})

interface ConvNeXtArgs {
  stochastic_depth_prob: number
  layer_scale: number
  num_classes: number
}

function convnext(name: string, stages: ReadonlyArray<readonly [number, number | null, number]>, stochasticDepthProb: number) {
  return defineModel<ConvNeXtArgs>({
    name,
    className: 'ConvNeXt',
    signature: [float('stochastic_depth_prob', { default: stochasticDepthProb }), float('layer_scale', { default: 1e-6 }), int('num_classes', { default: 1000 })],
    validate(a, fail) {
      if (a.stochastic_depth_prob < 0 || a.stochastic_depth_prob > 1) fail('stochastic_depth_prob', `drop probability has to be between 0 and 1, but got ${a.stochastic_depth_prob}.`)
    },
    build(a, m) {
      const layers: ModuleNode[] = [conv2dNormActivation(m, { in_channels: 3, out_channels: stages[0]![0], kernel_size: 4, stride: 4, padding: 0, norm_layer: layerNorm2d, activation_layer: null, bias: true })]
      const totalBlocks = stages.reduce((sum, [, , n]) => sum + n, 0)
      let blockId = 0
      for (const [input, output, numLayers] of stages) {
        const blocks: ModuleNode[] = []
        for (let i = 0; i < numLayers; i++) {
          blocks.push(block(m, CNBlock, { dim: input, layer_scale: a.layer_scale, stochastic_depth_prob: (a.stochastic_depth_prob * blockId) / (totalBlocks - 1) }))
          blockId++
        }
        layers.push(sequential(m, blocks))
        if (output !== null) layers.push(sequential(m, [layerNorm2d(m, input), nn(m, conv2d, { in_channels: input, out_channels: output, kernel_size: 2, stride: 2 })]))
      }
      m.child('features', sequential(m, layers))
      m.child('avgpool', nn(m, adaptiveAvgPool2d, { output_size: 1 }))
      const last = stages.at(-1)!
      const channels = last[1] ?? last[0]
      m.child('classifier', sequential(m, [layerNorm2d(m, channels), nn(m, flatten, { start_dim: 1 }), nn(m, linear, { in_features: channels, out_features: a.num_classes })]))
    },
    forward(self, inputs, ctx) {
      let x = runChild(self, 'features', inputs[0]!, ctx)
      x = runChild(self, 'avgpool', x, ctx)
      return runChild(self, 'classifier', x, ctx)
    },
  })
}

/** `torchvision.models.convnext_tiny`, `convnext_small`, `convnext_base`, `convnext_large` (`ConvNeXt`). */
export const convnext_tiny = convnext('convnext_tiny', [[96, 192, 3], [192, 384, 3], [384, 768, 9], [768, null, 3]], 0.1)
/** `torchvision.models.convnext_small` (`ConvNeXt`). */
export const convnext_small = convnext('convnext_small', [[96, 192, 3], [192, 384, 3], [384, 768, 27], [768, null, 3]], 0.4)
/** `torchvision.models.convnext_base` (`ConvNeXt`). */
export const convnext_base = convnext('convnext_base', [[128, 256, 3], [256, 512, 3], [512, 1024, 27], [1024, null, 3]], 0.5)
/** `torchvision.models.convnext_large` (`ConvNeXt`). */
export const convnext_large = convnext('convnext_large', [[192, 384, 3], [384, 768, 3], [768, 1536, 27], [1536, null, 3]], 0.5)
