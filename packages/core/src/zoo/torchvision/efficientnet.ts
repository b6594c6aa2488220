import { float, int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { block, defineBlock, defineModel, makeDivisible, nn, runChild, sequential } from './core.js'
import { activation, batchNorm, conv2dNormActivation, SqueezeExcitation, StochasticDepth } from './misc.js'
import type { NormFactory } from './misc.js'
import * as ops from './ops.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { adaptiveAvgPool2d } from '../../layers/pool.js'
import { silu as siluLayer } from '../../layers/activation.js'

/** One stage of an EfficientNet (`MBConvConfig` / `FusedMBConvConfig`), channels and depth already scaled. */
interface StageConfig {
  fused: boolean
  expand_ratio: number
  kernel: number
  stride: number
  input_channels: number
  out_channels: number
  num_layers: number
}

interface BlockArgs extends StageConfig {
  stochastic_depth_prob: number
  norm_layer: NormFactory
}

function residualForward(self: ModuleNode & { args: BlockArgs }, x: Tensor, ctx: ForwardContext): Tensor {
  let result = runChild(self, 'block', x, ctx)
  if (self.args.stride === 1 && self.args.input_channels === self.args.out_channels) {
    result = runChild(self, 'stochastic_depth', result, ctx)
    result = ops.addInPlace(ctx, result, x)
  }
  return result
}

/** `MBConv`: 1×1 expand (SiLU), depthwise k×k (SiLU), squeeze-excitation, linear 1×1 projection, stochastic depth. */
const MBConv = defineBlock<BlockArgs>({
  name: 'MBConv',
  build(c, m) {
    const silu = activation(siluLayer)
    const expanded = makeDivisible(c.input_channels * c.expand_ratio, 8)
    const layers: ModuleNode[] = []
    if (expanded !== c.input_channels) layers.push(conv2dNormActivation(m, { in_channels: c.input_channels, out_channels: expanded, kernel_size: 1, norm_layer: c.norm_layer, activation_layer: silu }))
    layers.push(conv2dNormActivation(m, { in_channels: expanded, out_channels: expanded, kernel_size: c.kernel, stride: c.stride, groups: expanded, norm_layer: c.norm_layer, activation_layer: silu }))
    layers.push(block(m, SqueezeExcitation, { input_channels: expanded, squeeze_channels: Math.max(1, Math.floor(c.input_channels / 4)), activation: silu, activation_inplace: true }))
    layers.push(conv2dNormActivation(m, { in_channels: expanded, out_channels: c.out_channels, kernel_size: 1, norm_layer: c.norm_layer, activation_layer: null }))
    m.child('block', sequential(m, layers))
    m.child('stochastic_depth', block(m, StochasticDepth, { p: c.stochastic_depth_prob, mode: 'row' }))
  },
  forward: (self, inputs, ctx) => residualForward(self, inputs[0]!, ctx),
})

/** `FusedMBConv` (EfficientNetV2): a full k×k expand convolution instead of 1×1 + depthwise, no squeeze-excitation. */
const FusedMBConv = defineBlock<BlockArgs>({
  name: 'FusedMBConv',
  build(c, m) {
    const silu = activation(siluLayer)
    const expanded = makeDivisible(c.input_channels * c.expand_ratio, 8)
    const layers: ModuleNode[] = []
    if (expanded !== c.input_channels) {
      layers.push(conv2dNormActivation(m, { in_channels: c.input_channels, out_channels: expanded, kernel_size: c.kernel, stride: c.stride, norm_layer: c.norm_layer, activation_layer: silu }))
      layers.push(conv2dNormActivation(m, { in_channels: expanded, out_channels: c.out_channels, kernel_size: 1, norm_layer: c.norm_layer, activation_layer: null }))
    } else {
      layers.push(conv2dNormActivation(m, { in_channels: c.input_channels, out_channels: c.out_channels, kernel_size: c.kernel, stride: c.stride, norm_layer: c.norm_layer, activation_layer: silu }))
    }
    m.child('block', sequential(m, layers))
    m.child('stochastic_depth', block(m, StochasticDepth, { p: c.stochastic_depth_prob, mode: 'row' }))
  },
  forward: (self, inputs, ctx) => residualForward(self, inputs[0]!, ctx),
})

/** One stage row of torchvision's `_efficientnet_conf`: `expand_ratio, kernel, stride, input_channels, out_channels, num_layers`. */
export type EfficientNetRow = readonly [expand: number, kernel: number, stride: number, input: number, out: number, layers: number]
type Row = EfficientNetRow

/** The stages of EfficientNet-B0, which the other B* scale. */
export const efficientNetV1Rows: readonly Row[] = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
]

/** EfficientNet-B*: `MBConvConfig` rows scaled by width (channels, to multiples of 8) and depth (layers, rounded up). */
function v1Config(widthMult: number, depthMult: number): StageConfig[] {
  return efficientNetV1Rows.map(([expand, kernel, stride, input, out, layers]) => ({
    fused: false,
    expand_ratio: expand,
    kernel,
    stride,
    input_channels: makeDivisible(input * widthMult, 8),
    out_channels: makeDivisible(out * widthMult, 8),
    num_layers: Math.ceil(layers * depthMult),
  }))
}

/** The stages of EfficientNetV2-S, -M and -L: whether fused (`FusedMBConvConfig`), then the row. */
export const efficientNetV2Rows: Readonly<Record<'efficientnet_v2_s' | 'efficientnet_v2_m' | 'efficientnet_v2_l', ReadonlyArray<readonly [boolean, ...Row]>>> = {
  efficientnet_v2_s: [
    [true, 1, 3, 1, 24, 24, 2],
    [true, 4, 3, 2, 24, 48, 4],
    [true, 4, 3, 2, 48, 64, 4],
    [false, 4, 3, 2, 64, 128, 6],
    [false, 6, 3, 1, 128, 160, 9],
    [false, 6, 3, 2, 160, 256, 15],
  ],
  efficientnet_v2_m: [
    [true, 1, 3, 1, 24, 24, 3],
    [true, 4, 3, 2, 24, 48, 5],
    [true, 4, 3, 2, 48, 80, 5],
    [false, 4, 3, 2, 80, 160, 7],
    [false, 6, 3, 1, 160, 176, 14],
    [false, 6, 3, 2, 176, 304, 18],
    [false, 6, 3, 1, 304, 512, 5],
  ],
  efficientnet_v2_l: [
    [true, 1, 3, 1, 32, 32, 4],
    [true, 4, 3, 2, 32, 64, 7],
    [true, 4, 3, 2, 64, 96, 7],
    [false, 4, 3, 2, 96, 192, 10],
    [false, 6, 3, 1, 192, 224, 19],
    [false, 6, 3, 2, 224, 384, 25],
    [false, 6, 3, 1, 384, 640, 7],
  ],
}

/** EfficientNetV2: `[fused, expand, kernel, stride, input, out, layers]` rows. */
function v2Config(rows: ReadonlyArray<readonly [boolean, ...Row]>): StageConfig[] {
  return rows.map(([fused, expand, kernel, stride, input, out, layers]) => ({ fused, expand_ratio: expand, kernel, stride, input_channels: input, out_channels: out, num_layers: layers }))
}

function efficientnet(name: string, stages: StageConfig[], dropout: number, lastChannel: number | null, norm: NormFactory) {
  return defineModel<{ stochastic_depth_prob: number; num_classes: number }>({
    name,
    className: 'EfficientNet',
    signature: [float('stochastic_depth_prob', { default: 0.2 }), int('num_classes', { default: 1000 })],
    validate(a, fail) {
      if (a.stochastic_depth_prob < 0 || a.stochastic_depth_prob > 1) fail('stochastic_depth_prob', `drop probability has to be between 0 and 1, but got ${a.stochastic_depth_prob}.`)
    },
    build(a, m) {
      const silu = activation(siluLayer)
      const layers: ModuleNode[] = [conv2dNormActivation(m, { in_channels: 3, out_channels: stages[0]!.input_channels, kernel_size: 3, stride: 2, norm_layer: norm, activation_layer: silu })]
      const totalBlocks = stages.reduce((sum, s) => sum + s.num_layers, 0)
      let blockId = 0
      for (const stage of stages) {
        const blocks: ModuleNode[] = []
        for (let i = 0; i < stage.num_layers; i++) {
          const args: BlockArgs = {
            ...stage,
            input_channels: i === 0 ? stage.input_channels : stage.out_channels,
            stride: i === 0 ? stage.stride : 1,
            stochastic_depth_prob: (a.stochastic_depth_prob * blockId) / totalBlocks,
            norm_layer: norm,
          }
          blocks.push(block(m, stage.fused ? FusedMBConv : MBConv, args))
          blockId++
        }
        layers.push(sequential(m, blocks))
      }
      const lastIn = stages.at(-1)!.out_channels
      const lastOut = lastChannel ?? 4 * lastIn
      layers.push(conv2dNormActivation(m, { in_channels: lastIn, out_channels: lastOut, kernel_size: 1, norm_layer: norm, activation_layer: silu }))
      m.child('features', sequential(m, layers))
      m.child('avgpool', nn(m, adaptiveAvgPool2d, { output_size: 1 }))
      m.child('classifier', sequential(m, [nn(m, dropoutLayer, { p: dropout, inplace: true }), nn(m, linear, { in_features: lastOut, out_features: a.num_classes })]))
    },
    forward(self, inputs, ctx) {
      let x = runChild(self, 'features', inputs[0]!, ctx)
      x = runChild(self, 'avgpool', x, ctx)
      return runChild(self, 'classifier', ops.flatten(ctx, x, 1), ctx)
    },
  })
}

const bn = batchNorm()
const bnSmallEps = batchNorm({ eps: 0.001, momentum: 0.01 })
const bnV2 = batchNorm({ eps: 0.001 })

/** `torchvision.models.efficientnet_b0` … `efficientnet_b7` and `efficientnet_v2_s/m/l` (`EfficientNet`). */
export const efficientnet_b0 = efficientnet('efficientnet_b0', v1Config(1.0, 1.0), 0.2, null, bn)
/** `torchvision.models.efficientnet_b1` (`EfficientNet`). */
export const efficientnet_b1 = efficientnet('efficientnet_b1', v1Config(1.0, 1.1), 0.2, null, bn)
/** `torchvision.models.efficientnet_b2` (`EfficientNet`). */
export const efficientnet_b2 = efficientnet('efficientnet_b2', v1Config(1.1, 1.2), 0.3, null, bn)
/** `torchvision.models.efficientnet_b3` (`EfficientNet`). */
export const efficientnet_b3 = efficientnet('efficientnet_b3', v1Config(1.2, 1.4), 0.3, null, bn)
/** `torchvision.models.efficientnet_b4` (`EfficientNet`). */
export const efficientnet_b4 = efficientnet('efficientnet_b4', v1Config(1.4, 1.8), 0.4, null, bn)
/** `torchvision.models.efficientnet_b5` (`EfficientNet`). */
export const efficientnet_b5 = efficientnet('efficientnet_b5', v1Config(1.6, 2.2), 0.4, null, bnSmallEps)
/** `torchvision.models.efficientnet_b6` (`EfficientNet`). */
export const efficientnet_b6 = efficientnet('efficientnet_b6', v1Config(1.8, 2.6), 0.5, null, bnSmallEps)
/** `torchvision.models.efficientnet_b7` (`EfficientNet`). */
export const efficientnet_b7 = efficientnet('efficientnet_b7', v1Config(2.0, 3.1), 0.5, null, bnSmallEps)
/** `torchvision.models.efficientnet_v2_s` (`EfficientNet`). */
export const efficientnet_v2_s = efficientnet(
  'efficientnet_v2_s',
  v2Config(efficientNetV2Rows['efficientnet_v2_s']),
  0.2,
  1280,
  bnV2,
)
/** `torchvision.models.efficientnet_v2_m` (`EfficientNet`). */
export const efficientnet_v2_m = efficientnet(
  'efficientnet_v2_m',
  v2Config(efficientNetV2Rows['efficientnet_v2_m']),
  0.3,
  1280,
  bnV2,
)
/** `torchvision.models.efficientnet_v2_l` (`EfficientNet`). */
export const efficientnet_v2_l = efficientnet(
  'efficientnet_v2_l',
  v2Config(efficientNetV2Rows['efficientnet_v2_l']),
  0.4,
  1280,
  bnV2,
)
