import { NnsizeError } from '../../errors.js'
import { bool, float, int } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import { showValue } from '../../contract/values.js'
import type { ModuleNode } from '../../model/module.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import { block, defineBlock, defineModel, makeDivisible, nn, roundHalfEven, runChild, sequential } from './core.js'
import { activation, batchNorm, conv2dNormActivation, SqueezeExcitation } from './misc.js'
import type { NormFactory } from './misc.js'
import * as ops from './ops.js'
import { hardsigmoid, hardswish as hardswishLayer, relu as reluLayer, relu6 as relu6Layer } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'
import { adaptiveAvgPool2d as adaptiveAvgPool2dLayer } from '../../layers/pool.js'

interface V2BlockArgs {
  inp: number
  oup: number
  stride: number
  expand_ratio: number
}

/** MobileNetV2's `InvertedResidual`: 1×1 expand, 3×3 depthwise (ReLU6), linear 1×1 projection, residual when shapes allow. */
const InvertedResidualV2 = defineBlock<V2BlockArgs>({
  name: 'InvertedResidual',
  build(a, m) {
    const hidden = roundHalfEven(a.inp * a.expand_ratio)
    const relu6 = activation(relu6Layer)
    const layers: ModuleNode[] = []
    if (a.expand_ratio !== 1) layers.push(conv2dNormActivation(m, { in_channels: a.inp, out_channels: hidden, kernel_size: 1, activation_layer: relu6 }))
    layers.push(
      conv2dNormActivation(m, { in_channels: hidden, out_channels: hidden, stride: a.stride, groups: hidden, activation_layer: relu6 }),
      nn(m, conv2d, { in_channels: hidden, out_channels: a.oup, kernel_size: 1, stride: 1, padding: 0, bias: false }),
      nn(m, batchNorm2d, { num_features: a.oup }),
    )
    m.child('conv', sequential(m, layers))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const out = runChild(self, 'conv', x, ctx)
    return self.args.stride === 1 && self.args.inp === self.args.oup ? ops.add(ctx, x, out) : out
  },
})

export const defaultV2Setting: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
]

const settingSpec: ArgSpec<Array<[number, number, number, number]> | null> = {
  name: 'inverted_residual_setting',
  required: false,
  default: null,
  coerce(value, span, name) {
    if (value.kind === 'none') return null
    const rows = value.kind === 'list' || value.kind === 'tuple' ? value.items : []
    const ok = rows.length > 0 && rows.every((row) => (row.kind === 'list' || row.kind === 'tuple') && row.items.length === 4 && row.items.every((v) => v.kind === 'int' && v.value > 0n && v.value < 1_000_000n))
    if (!ok) throw new NnsizeError('argument-value', `\`${name}\` should be a non-empty list of \`[t, c, n, s]\` lists of positive ints, got \`${showValue(value)}\`.`, { span })
    return rows.map((row) => (row as { items: Array<{ value: bigint }> }).items.map((v) => Number(v.value)) as [number, number, number, number])
  },
}

/** `torchvision.models.mobilenet_v2` (`MobileNetV2`). */
export const mobilenet_v2 = defineModel<{ num_classes: number; width_mult: number; inverted_residual_setting: Array<[number, number, number, number]> | null; round_nearest: number; dropout: number }>({
  name: 'mobilenet_v2',
  className: 'MobileNetV2',
  signature: [int('num_classes', { default: 1000 }), float('width_mult', { default: 1.0 }), settingSpec, int('round_nearest', { default: 8, min: 1 }), float('dropout', { default: 0.2 })],
  validate(a, fail) {
    if (!(a.width_mult > 0)) fail('width_mult', `\`width_mult\` must be positive, got ${a.width_mult}.`)
    for (const [, , , s] of a.inverted_residual_setting ?? []) if (s > 2) fail('inverted_residual_setting', `stride should be 1 or 2 instead of ${s}.`)
  },
  build(a, m) {
    const relu6 = activation(relu6Layer)
    let inputChannel = makeDivisible(32 * a.width_mult, a.round_nearest)
    const lastChannel = makeDivisible(1280 * Math.max(1.0, a.width_mult), a.round_nearest)
    const features: ModuleNode[] = [conv2dNormActivation(m, { in_channels: 3, out_channels: inputChannel, stride: 2, activation_layer: relu6 })]
    for (const [t, c, n, s] of a.inverted_residual_setting ?? defaultV2Setting) {
      const outputChannel = makeDivisible(c * a.width_mult, a.round_nearest)
      for (let i = 0; i < n; i++) {
        features.push(block(m, InvertedResidualV2, { inp: inputChannel, oup: outputChannel, stride: i === 0 ? s : 1, expand_ratio: t }))
        inputChannel = outputChannel
      }
    }
    features.push(conv2dNormActivation(m, { in_channels: inputChannel, out_channels: lastChannel, kernel_size: 1, activation_layer: relu6 }))
    m.child('features', sequential(m, features))
    m.child('classifier', sequential(m, [nn(m, dropoutLayer, { p: a.dropout }), nn(m, linear, { in_features: lastChannel, out_features: a.num_classes })]))
  },
  forward(self, inputs, ctx) {
    let x = runChild(self, 'features', inputs[0]!, ctx)
    x = ops.adaptiveAvgPool2d(ctx, x, [1, 1])
    return runChild(self, 'classifier', ops.flatten(ctx, x, 1), ctx)
  },
})

/** One row of MobileNetV3's `InvertedResidualConfig`, channels already scaled by `width_mult`. */
interface V3Config {
  input_channels: number
  kernel: number
  expanded_channels: number
  out_channels: number
  use_se: boolean
  use_hs: boolean
  stride: number
  dilation: number
}

/** MobileNetV3's `InvertedResidual`: optional expand, depthwise conv, optional squeeze-excitation (hard sigmoid), projection. */
const InvertedResidualV3 = defineBlock<V3Config & { norm_layer: NormFactory }>({
  name: 'InvertedResidual',
  build(c, m) {
    const act = activation(c.use_hs ? hardswishLayer : reluLayer)
    const layers: ModuleNode[] = []
    if (c.expanded_channels !== c.input_channels) {
      layers.push(conv2dNormActivation(m, { in_channels: c.input_channels, out_channels: c.expanded_channels, kernel_size: 1, norm_layer: c.norm_layer, activation_layer: act }))
    }
    layers.push(
      conv2dNormActivation(m, {
        in_channels: c.expanded_channels,
        out_channels: c.expanded_channels,
        kernel_size: c.kernel,
        stride: c.dilation > 1 ? 1 : c.stride,
        dilation: c.dilation,
        groups: c.expanded_channels,
        norm_layer: c.norm_layer,
        activation_layer: act,
      }),
    )
    if (c.use_se) {
      layers.push(block(m, SqueezeExcitation, { input_channels: c.expanded_channels, squeeze_channels: makeDivisible(Math.floor(c.expanded_channels / 4), 8), scale_activation: activation(hardsigmoid) }))
    }
    layers.push(conv2dNormActivation(m, { in_channels: c.expanded_channels, out_channels: c.out_channels, kernel_size: 1, norm_layer: c.norm_layer, activation_layer: null }))
    m.child('block', sequential(m, layers))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const result = runChild(self, 'block', x, ctx)
    return self.args.stride === 1 && self.args.input_channels === self.args.out_channels ? ops.addInPlace(ctx, result, x) : result
  },
})

/** A row of torchvision's `_mobilenet_v3_conf` (`bneck_conf`'s arguments), `dilated` for the tail's rows. */
export type MobileNetV3Row = readonly [input: number, kernel: number, expanded: number, out: number, se: boolean, act: 'RE' | 'HS', stride: number, dilated: boolean]

/** The rows of `mobilenet_v3_large` or `_small`, `reduce` dividing the tail's channels (`reduced_tail`). */
export function mobileNetV3Rows(arch: 'large' | 'small', reduce: (channels: number) => number): MobileNetV3Row[] {
  return arch === 'large'
    ? [
        [16, 3, 16, 16, false, 'RE', 1, false],
        [16, 3, 64, 24, false, 'RE', 2, false],
        [24, 3, 72, 24, false, 'RE', 1, false],
        [24, 5, 72, 40, true, 'RE', 2, false],
        [40, 5, 120, 40, true, 'RE', 1, false],
        [40, 5, 120, 40, true, 'RE', 1, false],
        [40, 3, 240, 80, false, 'HS', 2, false],
        [80, 3, 200, 80, false, 'HS', 1, false],
        [80, 3, 184, 80, false, 'HS', 1, false],
        [80, 3, 184, 80, false, 'HS', 1, false],
        [80, 3, 480, 112, true, 'HS', 1, false],
        [112, 3, 672, 112, true, 'HS', 1, false],
        [112, 5, 672, reduce(160), true, 'HS', 2, true],
        [reduce(160), 5, reduce(960), reduce(160), true, 'HS', 1, true],
        [reduce(160), 5, reduce(960), reduce(160), true, 'HS', 1, true],
      ]
    : [
        [16, 3, 16, 16, true, 'RE', 2, false],
        [16, 3, 72, 24, false, 'RE', 2, false],
        [24, 3, 88, 24, false, 'RE', 1, false],
        [24, 5, 96, 40, true, 'HS', 2, false],
        [40, 5, 240, 40, true, 'HS', 1, false],
        [40, 5, 240, 40, true, 'HS', 1, false],
        [40, 5, 120, 48, true, 'HS', 1, false],
        [48, 5, 144, 48, true, 'HS', 1, false],
        [48, 5, 288, reduce(96), true, 'HS', 2, true],
        [reduce(96), 5, reduce(576), reduce(96), true, 'HS', 1, true],
        [reduce(96), 5, reduce(576), reduce(96), true, 'HS', 1, true],
      ]
}

function v3Settings(arch: 'large' | 'small', widthMult: number, reducedTail: boolean, dilated: boolean): { rows: V3Config[]; lastChannel: number } {
  const r = reducedTail ? 2 : 1
  const adjust = (channels: number) => makeDivisible(channels * widthMult, 8)
  const rows = mobileNetV3Rows(arch, (channels) => Math.floor(channels / r))
  return {
    rows: rows.map(([input, kernel, expanded, out, se, act, stride, tail]) => ({
      input_channels: adjust(input),
      kernel,
      expanded_channels: adjust(expanded),
      out_channels: adjust(out),
      use_se: se,
      use_hs: act === 'HS',
      stride,
      dilation: tail && dilated ? 2 : 1,
    })),
    lastChannel: adjust(Math.floor((arch === 'large' ? 1280 : 1024) / r)),
  }
}

interface MobileNetV3Args {
  num_classes: number
  width_mult: number
  reduced_tail: boolean
  dilated: boolean
  dropout: number
}

/** What {@link mobileNetV3Features} makes: the `features` Sequential and the sizes of its stages. */
export interface MobileNetV3Features {
  features: ModuleNode
  /** Output channels of each entry of `features` (torchvision's `out_channels` attribute). */
  outChannels: number[]
  /** Whether each entry is a strided block (torchvision's `_is_cn`), as the detection and segmentation extractors read it. */
  strided: boolean[]
  /** Channels of the last block, before the final 1×1 convolution. */
  lastIn: number
  /** Width of the classifier's hidden layer (`last_channel`). */
  lastChannel: number
}

/** `MobileNetV3.features` for `mobilenet_v3_large` or `_small` with `width_mult`, `reduced_tail` and `dilated`, and the given `norm_layer`. */
export function mobileNetV3Features(m: ModuleBuilder, arch: 'large' | 'small', a: { width_mult: number; reduced_tail: boolean; dilated: boolean }, norm: NormFactory): MobileNetV3Features {
  const hardswish = activation(hardswishLayer)
  const { rows, lastChannel } = v3Settings(arch, a.width_mult, a.reduced_tail, a.dilated)
  const layers: ModuleNode[] = [conv2dNormActivation(m, { in_channels: 3, out_channels: rows[0]!.input_channels, kernel_size: 3, stride: 2, norm_layer: norm, activation_layer: hardswish })]
  for (const row of rows) layers.push(block(m, InvertedResidualV3, { ...row, norm_layer: norm }))
  const lastIn = rows.at(-1)!.out_channels
  layers.push(conv2dNormActivation(m, { in_channels: lastIn, out_channels: 6 * lastIn, kernel_size: 1, norm_layer: norm, activation_layer: hardswish }))
  return {
    features: sequential(m, layers),
    outChannels: [rows[0]!.input_channels, ...rows.map((r) => r.out_channels), 6 * lastIn],
    strided: [false, ...rows.map((r) => r.stride > 1), false],
    lastIn,
    lastChannel,
  }
}

function mobilenetV3(name: string, arch: 'large' | 'small') {
  return defineModel<MobileNetV3Args>({
    name,
    className: 'MobileNetV3',
    signature: [int('num_classes', { default: 1000 }), float('width_mult', { default: 1.0 }), bool('reduced_tail', { default: false }), bool('dilated', { default: false }), float('dropout', { default: 0.2 })],
    validate(a, fail) {
      if (!(a.width_mult > 0)) fail('width_mult', `\`width_mult\` must be positive, got ${a.width_mult}.`)
    },
    build(a, m) {
      const { features, lastIn, lastChannel } = mobileNetV3Features(m, arch, a, batchNorm({ eps: 0.001, momentum: 0.01 }))
      m.child('features', features)
      m.child('avgpool', nn(m, adaptiveAvgPool2dLayer, { output_size: 1 }))
      m.child(
        'classifier',
        sequential(m, [
          nn(m, linear, { in_features: 6 * lastIn, out_features: lastChannel }),
          nn(m, hardswishLayer, { inplace: true }),
          nn(m, dropoutLayer, { p: a.dropout, inplace: true }),
          nn(m, linear, { in_features: lastChannel, out_features: a.num_classes }),
        ]),
      )
    },
    forward(self, inputs, ctx) {
      let x = runChild(self, 'features', inputs[0]!, ctx)
      x = runChild(self, 'avgpool', x, ctx)
      return runChild(self, 'classifier', ops.flatten(ctx, x, 1), ctx)
    },
  })
}

/** `torchvision.models.mobilenet_v3_large` and `mobilenet_v3_small` (`MobileNetV3`). */
export const mobilenet_v3_large = mobilenetV3('mobilenet_v3_large', 'large')
/** `torchvision.models.mobilenet_v3_small` (`MobileNetV3`). */
export const mobilenet_v3_small = mobilenetV3('mobilenet_v3_small', 'small')
