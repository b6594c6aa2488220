import { bool, int } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, roundHalfEven, sequential } from '../torchvision/core.js'
import { commonSignature, defineFamily, forwardNotModelled } from './family.js'
import type { CommonArgs } from './family.js'
import { createAct } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import { classifierHead } from './layers/classifier.js'
import { convNormAct, createConv2d } from './layers/conv.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { makeDivisible, subclass } from './layers/helpers.js'
import { createNormAct } from './layers/norm-act.js'
import type { NormSpec } from './layers/norm.js'
import { AvgPool2dSame } from './layers/pool.js'
import { SEModule } from './layers/squeeze-excite.js'
import { identity } from '../../layers/linear.js'
import { avgPool2d } from '../../layers/pool.js'

/**
 * timm's `RegNet` (`timm.models.regnet`): RegNetX, RegNetY (squeeze-excite), RegNetZ (inverted
 * bottlenecks, linear output) and the pre-activation RegNetV, their stage widths generated from
 * `w0`, `wa`, `wm` and `depth` as timm computes them (in float32).
 */

const noForward = forwardNotModelled('RegNet')

/** The `RegNetCfg` of a model. */
export interface RegNetCfg {
  depth: number
  w0: number
  wa: number
  wm: number
  group_size: number
  bottle_ratio: number
  se_ratio: number
  group_min_ratio: number
  stem_width: number
  downsample: 'conv1x1' | 'avg' | null
  linear_out: boolean
  preact: boolean
  num_features: number
  act_layer: ActName
  norm_layer: NormSpec
}

/**
 * `generate_regnet` and `_get_stage_args`: per-block widths from the linear rule, quantised to
 * powers of `wm` (float32 tensors in timm, so every step is rounded to float32), grouped into
 * stages of equal width, then `adjust_widths_groups_comp`.
 */
export function regnetStageWidths(cfg: RegNetCfg): Array<{ width: number; depth: number; groups: number }> {
  const f = Math.fround
  const quant = 8
  const logWm = f(Math.log(cfg.wm))
  const widths: number[] = []
  for (let i = 0; i < cfg.depth; i++) {
    const cont = f(f(i * f(cfg.wa)) + cfg.w0)
    const exp = f(roundHalfEven(f(f(Math.log(f(cont / cfg.w0))) / logWm)))
    const w = f(roundHalfEven(f(f(cfg.w0 * f(Math.pow(f(cfg.wm), exp))) / quant)))
    widths.push(Math.trunc(f(w * quant)))
  }
  const counts = new Map<number, number>()
  for (const w of widths) counts.set(w, (counts.get(w) ?? 0) + 1)
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([width, depth]) => {
      const bottleneck = Math.trunc(width * cfg.bottle_ratio)
      const groups = Math.min(cfg.group_size, bottleneck)
      const adjusted = cfg.group_min_ratio ? makeDivisible(bottleneck, groups, cfg.group_min_ratio) : Math.trunc(roundHalfEven(bottleneck / groups) * groups)
      return { width: Math.trunc(adjusted / cfg.bottle_ratio), depth, groups }
    })
}

interface BlockArgs {
  in_chs: number
  out_chs: number
  stride: number
  dilation: [number, number]
  bottle_ratio: number
  group_size: number
  drop_path: number
  cfg: RegNetCfg
}

function shortcut(m: ModuleBuilder, b: BlockArgs, preact: boolean): ModuleNode | null {
  const { cfg } = b
  if (b.in_chs === b.out_chs && b.stride === 1 && b.dilation[0] === b.dilation[1]) return nn(m, identity)
  if (!cfg.downsample) return null
  const conv = (kernel: number, stride: number, dilation: number): ModuleNode =>
    preact ? createConv2d(m, b.in_chs, b.out_chs, kernel, { stride, dilation }) : convNormAct(m, { in_channels: b.in_chs, out_channels: b.out_chs, kernel_size: kernel, stride, dilation, norm: cfg.norm_layer, applyNorm: true, normAct: { applyAct: false } })
  if (cfg.downsample === 'avg') {
    const avgStride = b.dilation[0] === 1 ? b.stride : 1
    let pool = nn(m, identity)
    if (b.stride > 1 || b.dilation[0] > 1) {
      pool = avgStride === 1 && b.dilation[0] > 1 ? subclass(m, avgPool2d, { kernel_size: [2, 2], stride: [1, 1], padding: 0, ceil_mode: true, count_include_pad: false }, AvgPool2dSame) : nn(m, avgPool2d, { kernel_size: 2, stride: avgStride, ceil_mode: true, count_include_pad: false })
    }
    return sequential(m, [pool, conv(1, 1, 1)])
  }
  const kernel = 1
  return conv(kernel, b.stride, 1)
}

function se(m: ModuleBuilder, b: BlockArgs, bottleneck: number): ModuleNode {
  return b.cfg.se_ratio ? block(m, SEModule, { channels: bottleneck, rd_channels: Math.trunc(roundHalfEven(b.in_chs * b.cfg.se_ratio)), act: b.cfg.act_layer }) : nn(m, identity)
}

/** RegNet's `Bottleneck`: 1×1, grouped 3×3 (stride), squeeze-excite, 1×1 projection, shortcut. */
const Bottleneck = defineBlock<BlockArgs>({
  name: 'Bottleneck',
  build(b, m) {
    const { cfg } = b
    const bottleneck = Math.trunc(roundHalfEven(b.out_chs * b.bottle_ratio))
    const groups = Math.floor(bottleneck / b.group_size)
    const cna = (inCh: number, outCh: number, kernel: number, extra: { stride?: number; dilation?: number; groups?: number; act?: boolean } = {}): ModuleNode =>
      convNormAct(m, { in_channels: inCh, out_channels: outCh, kernel_size: kernel, stride: extra.stride ?? 1, dilation: extra.dilation ?? 1, groups: extra.groups ?? 1, norm: cfg.norm_layer, normAct: { act: cfg.act_layer, applyAct: extra.act ?? true } })
    m.child('conv1', cna(b.in_chs, bottleneck, 1))
    m.child('conv2', cna(bottleneck, bottleneck, 3, { stride: b.stride, dilation: b.dilation[0], groups }))
    m.child('se', se(m, b, bottleneck))
    m.child('conv3', cna(bottleneck, b.out_chs, 1, { act: false }))
    m.child('act3', cfg.linear_out ? nn(m, identity) : createAct(m, cfg.act_layer)!)
    const down = shortcut(m, b, false)
    if (down) m.child('downsample', down)
    m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
  },
  forward: noForward,
})

/** RegNet's `PreBottleneck` (RegNetV): pre-activation norms before each convolution. */
const PreBottleneck = defineBlock<BlockArgs>({
  name: 'PreBottleneck',
  build(b, m) {
    const { cfg } = b
    const bottleneck = Math.trunc(roundHalfEven(b.out_chs * b.bottle_ratio))
    const groups = Math.floor(bottleneck / b.group_size)
    const norm = (channels: number): ModuleNode => createNormAct(m, cfg.norm_layer, channels, { act: cfg.act_layer })
    m.child('norm1', norm(b.in_chs))
    m.child('conv1', createConv2d(m, b.in_chs, bottleneck, 1))
    m.child('norm2', norm(bottleneck))
    m.child('conv2', createConv2d(m, bottleneck, bottleneck, 3, { stride: b.stride, dilation: b.dilation[0], groups }))
    m.child('se', se(m, b, bottleneck))
    m.child('norm3', norm(bottleneck))
    m.child('conv3', createConv2d(m, bottleneck, b.out_chs, 1))
    const down = shortcut(m, b, true)
    if (down) m.child('downsample', down)
    m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
  },
  forward: noForward,
})

/** `RegStage`: blocks `b1` … `bN`. */
const RegStage = defineBlock<Record<string, never>>({ name: 'RegStage', build() {}, forward: noForward })

/** Arguments of timm's `RegNet`. */
export interface RegNetArgs extends CommonArgs {
  cfg: RegNetCfg
  output_stride: number
  zero_init_last: boolean
}

/** timm's `RegNet` and its models. */
export const regnet = defineFamily<RegNetArgs>({
  module: 'regnet',
  className: 'RegNet',
  defaults: {
    cfg: { depth: 21, w0: 80, wa: 42.63, wm: 2.66, group_size: 24, bottle_ratio: 1, se_ratio: 0, group_min_ratio: 0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' },
    in_chans: 3,
    num_classes: 1000,
    output_stride: 32,
    global_pool: 'avg',
    drop_rate: 0,
    drop_path_rate: 0,
    zero_init_last: true,
  },
  signature: [...commonSignature, int('output_stride', { min: 8 }), bool('zero_init_last')],
  // `regnetz_005` is `_create_regnet('regnetz_005', pretrained, zero_init_last=False, **kwargs)`; `cfg` is the
  // model's own configuration, given to the class as `model_cfg`.
  builderKeywords: { except: ['cfg'] },
  validate(a, fail) {
    if (![8, 16, 32].includes(a.output_stride)) fail('output_stride', `\`output_stride\` must be 8, 16 or 32, got ${a.output_stride}.`)
  },
  build(a, m) {
    const { cfg } = a
    m.child('stem', cfg.preact ? createConv2d(m, a.in_chans, cfg.stem_width, 3, { stride: 2 }) : convNormAct(m, { in_channels: a.in_chans, out_channels: cfg.stem_width, kernel_size: 3, stride: 2, norm: cfg.norm_layer, normAct: { act: cfg.act_layer } }))
    const stages = regnetStageWidths(cfg)
    const rates = dropPathRates(a.drop_path_rate, stages.reduce((s, st) => s + st.depth, 0))
    let prev = cfg.stem_width
    let netStride = 2
    let dilation = 1
    let offset = 0
    stages.forEach((stage, i) => {
      let stride = 2
      if (netStride >= a.output_stride) {
        dilation *= 2
        stride = 1
      } else {
        netStride *= 2
      }
      const node = block(m, RegStage, {})
      let first = dilation === 1 || dilation === 2 ? 1 : 2
      for (let j = 0; j < stage.depth; j++) {
        node.children.set(
          `b${j + 1}`,
          block(m, cfg.preact ? PreBottleneck : Bottleneck, { in_chs: j === 0 ? prev : stage.width, out_chs: stage.width, stride: j === 0 ? stride : 1, dilation: [first, dilation], bottle_ratio: cfg.bottle_ratio, group_size: stage.groups, drop_path: rates[offset + j]!, cfg }),
        )
        first = dilation
      }
      m.child(`s${i + 1}`, node)
      prev = stage.width
      offset += stage.depth
    })
    let features = prev
    if (cfg.num_features) {
      m.child('final_conv', convNormAct(m, { in_channels: prev, out_channels: cfg.num_features, kernel_size: 1, norm: cfg.norm_layer, normAct: { act: cfg.act_layer } }))
      features = cfg.num_features
    } else {
      m.child('final_conv', cfg.linear_out || cfg.preact ? createAct(m, cfg.act_layer)! : nn(m, identity))
    }
    m.child('head', classifierHead(m, { in_features: features, num_classes: a.num_classes, pool_type: a.global_pool, drop_rate: a.drop_rate }))
  },
  variants: {
    regnetv_040: { cfg: { depth: 22, w0: 96, wa: 31.41, wm: 2.24, group_size: 64, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: true, num_features: 0, act_layer: 'silu', norm_layer: 'batchnorm2d' } },
    regnetv_064: { cfg: { depth: 25, w0: 112, wa: 33.22, wm: 2.27, group_size: 72, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'avg', linear_out: false, preact: true, num_features: 0, act_layer: 'silu', norm_layer: 'batchnorm2d' } },
    regnetx_002: { cfg: { depth: 13, w0: 24, wa: 36.44, wm: 2.49, group_size: 8, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_004: { cfg: { depth: 22, w0: 24, wa: 24.48, wm: 2.54, group_size: 16, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_004_tv: { cfg: { depth: 22, w0: 24, wa: 24.48, wm: 2.54, group_size: 16, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.9, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_006: { cfg: { depth: 16, w0: 48, wa: 36.97, wm: 2.24, group_size: 24, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_008: { cfg: { depth: 16, w0: 56, wa: 35.73, wm: 2.28, group_size: 16, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_016: { cfg: { depth: 18, w0: 80, wa: 34.01, wm: 2.25, group_size: 24, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_032: { cfg: { depth: 25, w0: 88, wa: 26.31, wm: 2.25, group_size: 48, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_040: { cfg: { depth: 23, w0: 96, wa: 38.65, wm: 2.43, group_size: 40, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_064: { cfg: { depth: 17, w0: 184, wa: 60.83, wm: 2.07, group_size: 56, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_080: { cfg: { depth: 23, w0: 80, wa: 49.56, wm: 2.88, group_size: 120, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_120: { cfg: { depth: 19, w0: 168, wa: 73.36, wm: 2.37, group_size: 112, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_160: { cfg: { depth: 22, w0: 216, wa: 55.59, wm: 2.1, group_size: 128, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetx_320: { cfg: { depth: 23, w0: 320, wa: 69.86, wm: 2.0, group_size: 168, bottle_ratio: 1.0, se_ratio: 0.0, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_002: { cfg: { depth: 13, w0: 24, wa: 36.44, wm: 2.49, group_size: 8, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_004: { cfg: { depth: 16, w0: 48, wa: 27.89, wm: 2.09, group_size: 8, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_006: { cfg: { depth: 15, w0: 48, wa: 32.54, wm: 2.32, group_size: 16, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_008: { cfg: { depth: 14, w0: 56, wa: 38.84, wm: 2.4, group_size: 16, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_008_tv: { cfg: { depth: 14, w0: 56, wa: 38.84, wm: 2.4, group_size: 16, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.9, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_016: { cfg: { depth: 27, w0: 48, wa: 20.71, wm: 2.65, group_size: 24, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_032: { cfg: { depth: 21, w0: 80, wa: 42.63, wm: 2.66, group_size: 24, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_040: { cfg: { depth: 22, w0: 96, wa: 31.41, wm: 2.24, group_size: 64, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_040_sgn: { cfg: { depth: 22, w0: 96, wa: 31.41, wm: 2.24, group_size: 64, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'silu', norm_layer: ['groupnorm', { group_size: 16 }] } },
    regnety_064: { cfg: { depth: 25, w0: 112, wa: 33.22, wm: 2.27, group_size: 72, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_080: { cfg: { depth: 17, w0: 192, wa: 76.82, wm: 2.19, group_size: 56, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_080_tv: { cfg: { depth: 17, w0: 192, wa: 76.82, wm: 2.19, group_size: 56, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.9, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_120: { cfg: { depth: 19, w0: 168, wa: 73.36, wm: 2.37, group_size: 112, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_160: { cfg: { depth: 18, w0: 200, wa: 106.23, wm: 2.48, group_size: 112, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_320: { cfg: { depth: 20, w0: 232, wa: 115.89, wm: 2.53, group_size: 232, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_640: { cfg: { depth: 20, w0: 352, wa: 147.48, wm: 2.4, group_size: 328, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_1280: { cfg: { depth: 27, w0: 456, wa: 160.83, wm: 2.52, group_size: 264, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnety_2560: { cfg: { depth: 27, w0: 640, wa: 230.83, wm: 2.53, group_size: 373, bottle_ratio: 1.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: 'conv1x1', linear_out: false, preact: false, num_features: 0, act_layer: 'relu', norm_layer: 'batchnorm2d' } },
    regnetz_005: { cfg: { depth: 21, w0: 16, wa: 10.7, wm: 2.51, group_size: 4, bottle_ratio: 4.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: null, linear_out: true, preact: false, num_features: 1024, act_layer: 'silu', norm_layer: 'batchnorm2d' }, zero_init_last: false },
    regnetz_040: { cfg: { depth: 28, w0: 48, wa: 14.5, wm: 2.226, group_size: 8, bottle_ratio: 4.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: null, linear_out: true, preact: false, num_features: 0, act_layer: 'silu', norm_layer: 'batchnorm2d' }, zero_init_last: false },
    regnetz_040_h: { cfg: { depth: 28, w0: 48, wa: 14.5, wm: 2.226, group_size: 8, bottle_ratio: 4.0, se_ratio: 0.25, group_min_ratio: 0.0, stem_width: 32, downsample: null, linear_out: true, preact: false, num_features: 1536, act_layer: 'silu', norm_layer: 'batchnorm2d' }, zero_init_last: false },
  },
})
