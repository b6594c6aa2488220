import { float, int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, roundHalfEven, sequential } from '../torchvision/core.js'
import { actLayerSpec, commonSignature, defineFamily, forwardNotModelled } from './family.js'
import type { CommonArgs } from './family.js'
import { createAct } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import { classifierHead } from './layers/classifier.js'
import { convNormAct } from './layers/conv.js'
import { DropPath } from './layers/drop.js'
import { makeDivisible } from './layers/helpers.js'
import { SEModule } from './layers/squeeze-excite.js'

/** timm's `RexNet` (`timm.models.rexnet`): ReXNet and ReXNet-R, channels growing linearly block by block. */

/** `LinearBottleneck`: optional 1×1 expansion, depthwise 3×3, squeeze-excite with BatchNorm, ReLU6, linear 1×1 projection. */
const LinearBottleneck = defineBlock<{ in_chs: number; out_chs: number; stride: number; exp_ratio: number; se_ratio: number; ch_div: number; act: ActName; dw_act: ActName; drop_path: number }>({
  name: 'LinearBottleneck',
  build(a, m) {
    let dw = a.in_chs
    if (a.exp_ratio !== 1) {
      dw = makeDivisible(roundHalfEven(a.in_chs * a.exp_ratio), a.ch_div)
      m.child('conv_exp', convNormAct(m, { in_channels: a.in_chs, out_channels: dw, kernel_size: 1, normAct: { act: a.act } }))
    }
    m.child('conv_dw', convNormAct(m, { in_channels: dw, out_channels: dw, kernel_size: 3, stride: a.stride, groups: dw, normAct: { applyAct: false } }))
    if (a.se_ratio > 0) m.child('se', block(m, SEModule, { channels: dw, rd_channels: makeDivisible(Math.trunc(dw * a.se_ratio), a.ch_div), norm: 'batchnorm2d' }))
    m.child('act_dw', createAct(m, a.dw_act))
    m.child('conv_pwl', convNormAct(m, { in_channels: dw, out_channels: a.out_chs, kernel_size: 1, normAct: { applyAct: false } }))
    if (a.drop_path > 0) m.child('drop_path', nn(m, DropPath, { drop_prob: a.drop_path }))
  },
  forward: forwardNotModelled('RexNet'),
})

/** Arguments of timm's `RexNet`. */
export interface RexNetArgs extends CommonArgs {
  output_stride: number
  initial_chs: number
  final_chs: number
  width_mult: number
  depth_mult: number
  se_ratio: number
  ch_div: number
  act_layer: ActName
  dw_act_layer: ActName
}

/** `_block_cfg`: per block its channels, expansion ratio, stride and squeeze-excite ratio. */
function blockCfg(a: RexNetArgs): Array<[number, number, number, number]> {
  const layers = [1, 2, 2, 3, 3, 5].map((n) => Math.ceil(n * a.depth_mult))
  const strides = [1, 2, 2, 2, 1, 2].flatMap((s, i) => [s, ...new Array<number>(layers[i]! - 1).fill(1)])
  const total = layers.reduce((s, n) => s + n, 0)
  const expRatios = [...new Array<number>(layers[0]!).fill(1), ...new Array<number>(total - layers[0]!).fill(6)]
  let base = a.width_mult < 1 ? a.initial_chs / a.width_mult : a.initial_chs
  const chs: number[] = []
  for (let i = 0; i < total; i++) {
    chs.push(makeDivisible(roundHalfEven(base * a.width_mult), a.ch_div))
    base += a.final_chs / (total * 1.0)
  }
  const se = [...new Array<number>(layers[0]! + layers[1]!).fill(0), ...new Array<number>(total - layers[0]! - layers[1]!).fill(a.se_ratio)]
  return chs.map((c, i) => [c, expRatios[i]!, strides[i]!, se[i]!])
}

/** timm's `RexNet` and its models. */
export const rexnet = defineFamily<RexNetArgs>({
  module: 'rexnet',
  className: 'RexNet',
  defaults: { in_chans: 3, num_classes: 1000, global_pool: 'avg', output_stride: 32, initial_chs: 16, final_chs: 180, width_mult: 1, depth_mult: 1, se_ratio: 1 / 12, ch_div: 1, act_layer: 'swish', dw_act_layer: 'relu6', drop_rate: 0.2, drop_path_rate: 0 },
  signature: [...commonSignature, int('output_stride', { min: 8 }), float('width_mult'), float('depth_mult'), float('se_ratio'), int('ch_div', { min: 1 }), int('initial_chs', { min: 1 }), int('final_chs', { min: 0 }), actLayerSpec('act_layer'), actLayerSpec('dw_act_layer')],
  // `rexnet_130` is `_create_rexnet('rexnet_130', pretrained, width_mult=1.3, **kwargs)`.
  builderKeywords: {},
  build(a, m) {
    const stemBase = a.width_mult < 1 ? 32 / a.width_mult : 32
    const stem = makeDivisible(roundHalfEven(stemBase * a.width_mult), a.ch_div)
    m.child('stem', convNormAct(m, { in_channels: a.in_chans, out_channels: stem, kernel_size: 3, stride: 2, normAct: { act: a.act_layer } }))
    const cfg = blockCfg(a)
    const features: ModuleNode[] = []
    let prev = stem
    cfg.forEach(([chs, exp, stride, se], i) => {
      const dp = (a.drop_path_rate * i) / (cfg.length - 1)
      features.push(block(m, LinearBottleneck, { in_chs: prev, out_chs: chs, stride, exp_ratio: exp, se_ratio: se, ch_div: a.ch_div, act: a.act_layer, dw_act: a.dw_act_layer, drop_path: dp }))
      prev = chs
    })
    const pen = makeDivisible(1280 * a.width_mult, a.ch_div)
    features.push(convNormAct(m, { in_channels: prev, out_channels: pen, kernel_size: 1, normAct: { act: a.act_layer } }))
    m.child('features', sequential(m, features))
    m.child('head', classifierHead(m, { in_features: pen, num_classes: a.num_classes, pool_type: a.global_pool, drop_rate: a.drop_rate }))
  },
  variants: {
    rexnet_100: {},
    rexnet_130: { width_mult: 1.3 },
    rexnet_150: { width_mult: 1.5 },
    rexnet_200: { width_mult: 2.0 },
    rexnet_300: { width_mult: 3.0 },
    rexnetr_100: { ch_div: 8 },
    rexnetr_130: { width_mult: 1.3, ch_div: 8 },
    rexnetr_150: { width_mult: 1.5, ch_div: 8 },
    rexnetr_200: { width_mult: 2.0, ch_div: 8 },
    rexnetr_300: { width_mult: 3.0, ch_div: 16 },
  },
})
