import { int, str } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, moduleList, nn, sequential } from '../torchvision/core.js'
import { convBnAct, SqueezeExcite } from './efficientnet-blocks.js'
import { commonSignature, defineFamily, forwardNotModelled } from './family.js'
import type { CommonArgs } from './family.js'
import { makeDivisible } from './layers/helpers.js'
import { selectAdaptivePool } from './layers/pool.js'
import { relu as reluLayer, sigmoid } from '../../layers/activation.js'
import { sequential as sequentialLayer } from '../../layers/containers.js'
import { conv2d } from '../../layers/conv.js'
import { identity, linear } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'
import { flatten } from '../../layers/reshape.js'

/**
 * timm's `GhostNet` (`timm.models.ghostnet`): Ghost modules (a primary convolution and cheap
 * depthwise "ghost" features), v2 with a DFC attention branch, v3 with re-parameterisable
 * training-time branches (as built for training: `infer_mode` off).
 */

const noForward = forwardNotModelled('GhostNet')
type Mode = 'original' | 'attn' | 'shortcut'
type Version = 'v1' | 'v2' | 'v3'

const conv = (m: ModuleBuilder, inCh: number, outCh: number, kernel: number | [number, number], stride: number, padding: number | [number, number], groups = 1): ModuleNode =>
  nn(m, conv2d, { in_channels: inCh, out_channels: outCh, kernel_size: kernel, stride, padding, groups, bias: false })
const bn = (m: ModuleBuilder, channels: number): ModuleNode => nn(m, batchNorm2d, { num_features: channels })
const act = (m: ModuleBuilder, relu: boolean): ModuleNode => (relu ? nn(m, reluLayer, { inplace: true }) : nn(m, identity))

interface ModuleArgs {
  in_chs: number
  out_chs: number
  relu: boolean
  stride: number
  mode: Mode
}

/** The DFC attention branch of GhostNetV2 (and v3's `shortcut` mode): 1×1, 1×5 and 5×1 depthwise convolutions with BatchNorms. */
function shortConv(m: ModuleBuilder, a: ModuleArgs): ModuleNode {
  return sequential(m, [conv(m, a.in_chs, a.out_chs, 1, a.stride, 0), bn(m, a.out_chs), conv(m, a.out_chs, a.out_chs, [1, 5], 1, [0, 2], a.out_chs), bn(m, a.out_chs), conv(m, a.out_chs, a.out_chs, [5, 1], 1, [2, 0], a.out_chs), bn(m, a.out_chs)])
}

/** `GhostModule` / `GhostModuleV2`: `primary_conv` to half the channels, `cheap_operation` (depthwise) for the other half. */
const GhostModule = (name: string) =>
  defineBlock<ModuleArgs>({
    name,
    build(a, m) {
      const init = Math.ceil(a.out_chs / 2)
      if (name === 'GhostModuleV2') m.child('gate_fn', nn(m, sigmoid))
      m.child('primary_conv', sequential(m, [conv(m, a.in_chs, init, 1, a.stride, 0), bn(m, init), act(m, a.relu)]))
      m.child('cheap_operation', sequential(m, [conv(m, init, init, 3, 1, 1, init), bn(m, init), act(m, a.relu)]))
      if (name === 'GhostModuleV2') m.child('short_conv', shortConv(m, a))
    },
    forward: noForward,
  })
const GhostModuleV1 = GhostModule('GhostModule')
const GhostModuleV2 = GhostModule('GhostModuleV2')

/** `GhostModuleV3`: three re-parameterisable primary branches, three cheap branches, a scale branch and a BatchNorm skip. */
const GhostModuleV3 = defineBlock<ModuleArgs>({
  name: 'GhostModuleV3',
  build(a, m) {
    const init = Math.ceil(a.out_chs / 2)
    m.child('gate_fn', nn(m, sigmoid))
    m.child('primary_conv', nn(m, identity))
    m.child('cheap_operation', nn(m, identity))
    m.child('primary_rpr_conv', moduleList(m, [0, 1, 2].map(() => convBnAct(m, { in_chs: a.in_chs, out_chs: init, kernel: 1, stride: a.stride, pad_type: 0, act: null }))))
    m.child('primary_activation', act(m, a.relu))
    m.child('cheap_rpr_skip', bn(m, init))
    m.child('cheap_rpr_conv', moduleList(m, [0, 1, 2].map(() => convBnAct(m, { in_chs: init, out_chs: init, kernel: 3, pad_type: 1, group_size: 1, act: null }))))
    m.child('cheap_rpr_scale', convBnAct(m, { in_chs: init, out_chs: init, kernel: 1, pad_type: 0, group_size: 1, act: null }))
    m.child('cheap_activation', act(m, a.relu))
    m.child('short_conv', a.mode === 'shortcut' ? shortConv(m, a) : nn(m, identity))
  },
  forward: noForward,
})

interface BottleneckArgs {
  in_chs: number
  mid_chs: number
  out_chs: number
  dw_kernel_size: number
  stride: number
  se_ratio: number
  mode: Mode
}

function shortcut(m: ModuleBuilder, a: BottleneckArgs, empty: () => ModuleNode): ModuleNode {
  if (a.in_chs === a.out_chs && a.stride === 1) return empty()
  return sequential(m, [conv(m, a.in_chs, a.in_chs, a.dw_kernel_size, a.stride, Math.floor((a.dw_kernel_size - 1) / 2), a.in_chs), bn(m, a.in_chs), conv(m, a.in_chs, a.out_chs, 1, 1, 0), bn(m, a.out_chs)])
}

function se(m: ModuleBuilder, a: BottleneckArgs): ModuleNode | null {
  return a.se_ratio > 0 ? block(m, SqueezeExcite, { in_chs: a.mid_chs, rd_ratio: a.se_ratio, act: 'relu', se: { gate: 'hard_sigmoid', rd_round: { divisor: 4 } } }) : null
}

/** `GhostBottleneck`: ghost expansion, strided depthwise convolution, squeeze-excite, ghost projection, shortcut. */
const GhostBottleneck = defineBlock<BottleneckArgs>({
  name: 'GhostBottleneck',
  build(a, m) {
    m.child('ghost1', block(m, a.mode === 'original' ? GhostModuleV1 : GhostModuleV2, { in_chs: a.in_chs, out_chs: a.mid_chs, relu: true, stride: 1, mode: a.mode }))
    if (a.stride > 1) {
      m.child('conv_dw', conv(m, a.mid_chs, a.mid_chs, a.dw_kernel_size, a.stride, Math.floor((a.dw_kernel_size - 1) / 2), a.mid_chs))
      m.child('bn_dw', bn(m, a.mid_chs))
    }
    const s = se(m, a)
    if (s) m.child('se', s)
    m.child('ghost2', block(m, GhostModuleV1, { in_chs: a.mid_chs, out_chs: a.out_chs, relu: false, stride: 1, mode: 'original' }))
    m.child('shortcut', shortcut(m, a, () => nn(m, sequentialLayer)))
  },
  forward: noForward,
})

/** `GhostBottleneckV3`: as v1 with re-parameterisable depthwise branches. */
const GhostBottleneckV3 = defineBlock<BottleneckArgs>({
  name: 'GhostBottleneckV3',
  build(a, m) {
    m.child('conv_dw', nn(m, identity))
    m.child('bn_dw', nn(m, identity))
    m.child('ghost1', block(m, GhostModuleV3, { in_chs: a.in_chs, out_chs: a.mid_chs, relu: true, stride: 1, mode: a.mode }))
    if (a.stride > 1) {
      m.child('dw_rpr_conv', moduleList(m, [0, 1, 2].map(() => convBnAct(m, { in_chs: a.mid_chs, out_chs: a.mid_chs, kernel: a.dw_kernel_size, stride: a.stride, pad_type: Math.floor((a.dw_kernel_size - 1) / 2), group_size: 1, act: null }))))
      m.child('dw_rpr_scale', convBnAct(m, { in_chs: a.mid_chs, out_chs: a.mid_chs, kernel: 1, stride: 2, pad_type: 0, group_size: 1, act: null }))
    } else {
      m.child('dw_rpr_conv', moduleList(m, []))
      m.child('dw_rpr_scale', nn(m, identity))
    }
    m.child('se', se(m, a) ?? nn(m, identity))
    m.child('ghost2', block(m, GhostModuleV3, { in_chs: a.mid_chs, out_chs: a.out_chs, relu: false, stride: 1, mode: 'original' }))
    m.child('shortcut', shortcut(m, a, () => nn(m, identity)))
  },
  forward: noForward,
})

/** Arguments of timm's `GhostNet`. */
export interface GhostNetArgs extends CommonArgs {
  /** Per stage, blocks of `[kernel, expansion channels, channels, se_ratio, stride]`. */
  cfgs: ReadonlyArray<ReadonlyArray<readonly [number, number, number, number, number]>>
  width: number
  /** `'v2'` and `'v3'` change the blocks; any other string builds v1's. */
  version: Version
  output_stride: number
}

/** timm's `GhostNet` and its models. */
export const ghostnet = defineFamily<GhostNetArgs>({
  module: 'ghostnet',
  className: 'GhostNet',
  defaults: { cfgs: [], num_classes: 1000, width: 1, in_chans: 3, global_pool: 'avg', drop_rate: 0.2, drop_path_rate: 0, version: 'v1', output_stride: 32 },
  signature: [...commonSignature.filter((s) => s.name !== 'drop_path_rate'), str('version'), int('output_stride')],
  // `_create_ghostnet(variant, width=…, pretrained=…, version=…, **kwargs)` passes `cfgs` and those itself.
  builderKeywords: {},
  validate(a, fail) {
    if (a.output_stride !== 32) fail('output_stride', `\`output_stride\`: only output_stride==32 is valid, dilation not supported (AssertionError), got ${a.output_stride}.`)
  },
  build(a, m) {
    const stem = makeDivisible(16 * a.width, 4)
    m.child('conv_stem', conv(m, a.in_chans, stem, 3, 2, 1))
    m.child('bn1', bn(m, stem))
    m.child('act1', nn(m, reluLayer, { inplace: true }))
    let prev = stem
    let layer = 0
    let expSize = 0
    const stages: ModuleNode[] = []
    for (const cfg of a.cfgs) {
      const layers: ModuleNode[] = []
      for (const [k, exp, c, seRatio, s] of cfg) {
        const out = makeDivisible(c * a.width, 4)
        const mid = makeDivisible(exp * a.width, 4)
        const mode: Mode = a.version === 'v2' && layer > 1 ? 'attn' : a.version === 'v3' && layer > 1 ? 'shortcut' : 'original'
        layers.push(block(m, a.version === 'v3' ? GhostBottleneckV3 : GhostBottleneck, { in_chs: prev, mid_chs: mid, out_chs: out, dw_kernel_size: k, stride: s, se_ratio: seRatio, mode }))
        prev = out
        expSize = exp
        layer++
      }
      stages.push(sequential(m, layers))
    }
    const out = makeDivisible(expSize * a.width, 4)
    stages.push(sequential(m, [convBnAct(m, { in_chs: prev, out_chs: out, kernel: 1, act: 'relu' })]))
    m.child('blocks', sequential(m, stages))
    m.child('global_pool', selectAdaptivePool(m, a.global_pool, false))
    m.child('conv_head', nn(m, conv2d, { in_channels: out, out_channels: 1280, kernel_size: 1, stride: 1, padding: 0, bias: true }))
    m.child('act2', nn(m, reluLayer, { inplace: true }))
    m.child('flatten', a.global_pool ? nn(m, flatten, { start_dim: 1 }) : nn(m, identity))
    m.child('classifier', a.num_classes > 0 ? nn(m, linear, { in_features: 1280, out_features: a.num_classes }) : nn(m, identity))
  },
  variants: {
    ghostnet_050: { cfgs: [[[3, 16, 16, 0, 1]], [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], [[5, 72, 40, 0.25, 2]], [[5, 120, 40, 0.25, 1]], [[3, 240, 80, 0, 2]], [[3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1]], [[5, 672, 160, 0.25, 2]], [[5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1]]], width: 0.5 },
    ghostnet_100: { cfgs: [[[3, 16, 16, 0, 1]], [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], [[5, 72, 40, 0.25, 2]], [[5, 120, 40, 0.25, 1]], [[3, 240, 80, 0, 2]], [[3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1]], [[5, 672, 160, 0.25, 2]], [[5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1]]], width: 1.0 },
    ghostnet_130: { cfgs: [[[3, 16, 16, 0, 1]], [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], [[5, 72, 40, 0.25, 2]], [[5, 120, 40, 0.25, 1]], [[3, 240, 80, 0, 2]], [[3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1]], [[5, 672, 160, 0.25, 2]], [[5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1]]], width: 1.3 },
    ghostnetv2_100: { cfgs: [[[3, 16, 16, 0, 1]], [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], [[5, 72, 40, 0.25, 2]], [[5, 120, 40, 0.25, 1]], [[3, 240, 80, 0, 2]], [[3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1]], [[5, 672, 160, 0.25, 2]], [[5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1]]], width: 1.0, version: 'v2' },
    ghostnetv2_130: { cfgs: [[[3, 16, 16, 0, 1]], [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], [[5, 72, 40, 0.25, 2]], [[5, 120, 40, 0.25, 1]], [[3, 240, 80, 0, 2]], [[3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1]], [[5, 672, 160, 0.25, 2]], [[5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1]]], width: 1.3, version: 'v2' },
    ghostnetv2_160: { cfgs: [[[3, 16, 16, 0, 1]], [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], [[5, 72, 40, 0.25, 2]], [[5, 120, 40, 0.25, 1]], [[3, 240, 80, 0, 2]], [[3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1]], [[5, 672, 160, 0.25, 2]], [[5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1]]], width: 1.6, version: 'v2' },
    ghostnetv3_050: { cfgs: [[[3, 16, 16, 0, 1]], [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], [[5, 72, 40, 0.25, 2]], [[5, 120, 40, 0.25, 1]], [[3, 240, 80, 0, 2]], [[3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1]], [[5, 672, 160, 0.25, 2]], [[5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1]]], width: 0.5, version: 'v3' },
    ghostnetv3_100: { cfgs: [[[3, 16, 16, 0, 1]], [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], [[5, 72, 40, 0.25, 2]], [[5, 120, 40, 0.25, 1]], [[3, 240, 80, 0, 2]], [[3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1]], [[5, 672, 160, 0.25, 2]], [[5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1]]], width: 1.0, version: 'v3' },
    ghostnetv3_130: { cfgs: [[[3, 16, 16, 0, 1]], [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], [[5, 72, 40, 0.25, 2]], [[5, 120, 40, 0.25, 1]], [[3, 240, 80, 0, 2]], [[3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1]], [[5, 672, 160, 0.25, 2]], [[5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1]]], width: 1.3, version: 'v3' },
    ghostnetv3_160: { cfgs: [[[3, 16, 16, 0, 1]], [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], [[5, 72, 40, 0.25, 2]], [[5, 120, 40, 0.25, 1]], [[3, 240, 80, 0, 2]], [[3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1]], [[5, 672, 160, 0.25, 2]], [[5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1]]], width: 1.6, version: 'v3' },
  },
})
