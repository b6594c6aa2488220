import { int } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, roundHalfEven, sequential, sequentialNamed } from '../torchvision/core.js'
import { commonSignature, defineFamily, forwardNotModelled } from './family.js'
import type { CommonArgs } from './family.js'
import { createAct } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import { classifierHead } from './layers/classifier.js'
import { convNormAct } from './layers/conv.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import type { PadType } from './layers/conv.js'
import { createAttn } from './layers/squeeze-excite.js'
import type { AttnName, AttnOptions } from './layers/squeeze-excite.js'
import { identity } from '../../layers/linear.js'
import { avgPool2d, maxPool2d } from '../../layers/pool.js'

/**
 * timm's `CspNet` (`timm.models.cspnet`): CSPDarkNet, CSPResNet(X), DarkNet and the CS3 variants,
 * from a stem and stage configuration (dark, cross-stage or cross-stage-3 stages of dark, edge or
 * bottleneck blocks).
 */

const noForward = forwardNotModelled('CspNet')

/** `CspStemCfg`. */
export interface CspStemCfg {
  out_chs: number | readonly number[]
  stride: number
  kernel_size: number
  padding: PadType
  pool: '' | 'max'
}

/** `CspStagesCfg`: one entry per stage in each list. */
export interface CspStagesCfg {
  depth: readonly number[]
  out_chs: readonly number[]
  stride: readonly number[]
  groups: readonly number[]
  block_ratio: readonly number[]
  bottle_ratio: readonly number[]
  avg_down: readonly boolean[]
  attn_layer: ReadonlyArray<AttnName | null>
  attn_kwargs: ReadonlyArray<AttnOptions | null>
  stage_type: ReadonlyArray<'dark' | 'csp' | 'cs3'>
  block_type: ReadonlyArray<'dark' | 'edge' | 'bottle'>
  expand_ratio: readonly number[]
  cross_linear: readonly boolean[]
  down_growth: readonly boolean[]
}

/** `CspModelCfg`. */
export interface CspModelCfg {
  stem: CspStemCfg
  stages: CspStagesCfg
  zero_init_last: boolean
  act_layer: ActName
  norm_layer: 'batchnorm2d'
  aa_layer: null
}

/** `int(round(x))` with Python's rounding. */
const pyRound = (x: number): number => Math.trunc(roundHalfEven(x))

interface BlockArgs {
  in_chs: number
  out_chs: number
  bottle_ratio: number
  groups: number
  act: ActName
  attn: AttnName | null
  attn_kwargs: AttnOptions | null
  drop_path: number
}

function cna(m: ModuleBuilder, act: ActName, inCh: number, outCh: number, kernel: number, extra: { stride?: number; groups?: number; applyAct?: boolean; padding?: PadType } = {}): ModuleNode {
  return convNormAct(m, { in_channels: inCh, out_channels: outCh, kernel_size: kernel, stride: extra.stride ?? 1, groups: extra.groups ?? 1, padding: extra.padding ?? '', norm: 'batchnorm2d', normAct: { act, applyAct: extra.applyAct ?? true } })
}

function attn(m: ModuleBuilder, b: BlockArgs, channels: number): ModuleNode {
  return (b.attn && createAttn(m, b.attn, channels, { act: b.act, ...(b.attn_kwargs ?? {}) })) || nn(m, identity)
}

const blockClasses = {
  /** `BottleneckBlock`: 1×1, grouped 3×3, attention, 1×1 (no activation), drop path, activation. */
  bottle: defineBlock<BlockArgs>({
    name: 'BottleneckBlock',
    build(b, m) {
      const mid = pyRound(b.out_chs * b.bottle_ratio)
      m.child('conv1', cna(m, b.act, b.in_chs, mid, 1))
      m.child('conv2', cna(m, b.act, mid, mid, 3, { groups: b.groups }))
      m.child('attn2', attn(m, b, mid))
      m.child('conv3', cna(m, b.act, mid, b.out_chs, 1, { applyAct: false }))
      m.child('attn3', nn(m, identity))
      m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
      m.child('act3', createAct(m, b.act)!)
    },
    forward: noForward,
  }),
  /** `DarkBlock`: 1×1, attention, 3×3. */
  dark: defineBlock<BlockArgs>({
    name: 'DarkBlock',
    build(b, m) {
      const mid = pyRound(b.out_chs * b.bottle_ratio)
      m.child('conv1', cna(m, b.act, b.in_chs, mid, 1))
      m.child('attn', attn(m, b, mid))
      m.child('conv2', cna(m, b.act, mid, b.out_chs, 3, { groups: b.groups }))
      m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
    },
    forward: noForward,
  }),
  /** `EdgeBlock`: 3×3, attention, 1×1. */
  edge: defineBlock<BlockArgs>({
    name: 'EdgeBlock',
    build(b, m) {
      const mid = pyRound(b.out_chs * b.bottle_ratio)
      m.child('conv1', cna(m, b.act, b.in_chs, mid, 3, { groups: b.groups }))
      m.child('attn', attn(m, b, mid))
      m.child('conv2', cna(m, b.act, mid, b.out_chs, 1))
      m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
    },
    forward: noForward,
  }),
}

interface StageArgs {
  in_chs: number
  index: number
  stride: number
  cfg: CspModelCfg
  drop_paths: number[]
}

/** The stage's `conv_down`: average pooling and a 1×1 convolution, or a strided 3×3 convolution; `null` where a cross stage has none. */
function convDown(m: ModuleBuilder, s: StageArgs, outCh: number): ModuleNode {
  const st = s.cfg.stages
  const i = s.index
  if (st.avg_down[i]) return sequential(m, [s.stride === 2 ? nn(m, avgPool2d, { kernel_size: 2 }) : nn(m, identity), cna(m, s.cfg.act_layer, s.in_chs, st.out_chs[i]!, 1, { groups: st.groups[i]! })])
  return cna(m, s.cfg.act_layer, s.in_chs, outCh, 3, { stride: s.stride, groups: st.groups[i]! })
}

function stageBlocks(m: ModuleBuilder, s: StageArgs, inChs: number): [ModuleNode, number] {
  const st = s.cfg.stages
  const i = s.index
  const out = pyRound(st.out_chs[i]! * st.block_ratio[i]!)
  const blocks: ModuleNode[] = []
  let prev = inChs
  for (let j = 0; j < st.depth[i]!; j++) {
    blocks.push(block(m, blockClasses[st.block_type[i]!], { in_chs: prev, out_chs: out, bottle_ratio: st.bottle_ratio[i]!, groups: st.groups[i]!, act: s.cfg.act_layer, attn: st.attn_layer[i]!, attn_kwargs: st.attn_kwargs[i]!, drop_path: s.drop_paths[j] ?? 0 }))
    prev = out
  }
  return [sequential(m, blocks), prev]
}

/** `CrossStage` and `CrossStage3`: downsampling, an expansion split in two, blocks on one half, transitions. */
function crossStage(name: 'CrossStage' | 'CrossStage3') {
  return defineBlock<StageArgs>({
    name,
    build(s, m) {
      const st = s.cfg.stages
      const i = s.index
      const outChs = st.out_chs[i]!
      const down = st.down_growth[i] ? outChs : s.in_chs
      const exp = pyRound(outChs * st.expand_ratio[i]!)
      let prev = s.in_chs
      if (s.stride !== 1) {
        m.child('conv_down', convDown(m, s, down))
        prev = down
      } else if (name === 'CrossStage') {
        m.child('conv_down', nn(m, identity))
      }
      m.child('conv_exp', cna(m, s.cfg.act_layer, prev, exp, 1, { applyAct: !st.cross_linear[i] }))
      const [blocks, blockOut] = stageBlocks(m, s, Math.floor(exp / 2))
      m.child('blocks', blocks)
      if (name === 'CrossStage') m.child('conv_transition_b', cna(m, s.cfg.act_layer, blockOut, Math.floor(exp / 2), 1))
      m.child('conv_transition', cna(m, s.cfg.act_layer, exp, outChs, 1))
    },
    forward: noForward,
  })
}

const stageClasses = {
  csp: crossStage('CrossStage'),
  cs3: crossStage('CrossStage3'),
  /** `DarkStage`: downsampling, then blocks. */
  dark: defineBlock<StageArgs>({
    name: 'DarkStage',
    build(s, m) {
      const outChs = s.cfg.stages.out_chs[s.index]!
      m.child('conv_down', convDown(m, s, outChs))
      m.child('blocks', stageBlocks(m, s, outChs)[0])
    },
    forward: noForward,
  }),
}

/** Arguments of timm's `CspNet`. */
export interface CspNetArgs extends CommonArgs {
  cfg: CspModelCfg
  output_stride: number
}

/** timm's `CspNet` and its models. */
export const cspnet = defineFamily<CspNetArgs>({
  module: 'cspnet',
  className: 'CspNet',
  defaults: {
    cfg: { stem: { out_chs: 32, stride: 2, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [], out_chs: [], stride: [], groups: [], block_ratio: [], bottle_ratio: [], avg_down: [], attn_layer: [], attn_kwargs: [], stage_type: [], block_type: [], expand_ratio: [], cross_linear: [], down_growth: [] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null },
    in_chans: 3,
    num_classes: 1000,
    output_stride: 32,
    global_pool: 'avg',
    drop_rate: 0,
    drop_path_rate: 0,
  },
  signature: [...commonSignature, int('output_stride', { min: 32 })],
  build(a, m) {
    const { cfg } = a
    const stemChs = typeof cfg.stem.out_chs === 'number' ? [cfg.stem.out_chs] : cfg.stem.out_chs
    const stem: Array<[string, ModuleNode]> = []
    let prev = a.in_chans
    stemChs.forEach((chs, i) => {
      const stride = (i === 0 && cfg.stem.stride > 1) || (i === stemChs.length - 1 && cfg.stem.stride > 2 && !cfg.stem.pool) ? 2 : 1
      stem.push([`conv${i + 1}`, cna(m, cfg.act_layer, prev, chs, cfg.stem.kernel_size, { stride, padding: i === 0 ? cfg.stem.padding : '' })])
      prev = chs
    })
    if (cfg.stem.pool) stem.push(['pool', nn(m, maxPool2d, { kernel_size: 3, stride: 2, padding: 1 })])
    m.child('stem', sequentialNamed(m, stem))
    const depths = cfg.stages.depth
    const rates = a.drop_path_rate ? dropPathRates(a.drop_path_rate, depths.reduce((s, d) => s + d, 0)) : []
    const stages: ModuleNode[] = []
    let offset = 0
    depths.forEach((depth, i) => {
      stages.push(block(m, stageClasses[cfg.stages.stage_type[i]!], { in_chs: prev, index: i, stride: cfg.stages.stride[i]!, cfg, drop_paths: rates.slice(offset, offset + depth) }))
      prev = cfg.stages.out_chs[i]!
      offset += depth
    })
    m.child('stages', sequential(m, stages))
    m.child('head', classifierHead(m, { in_features: prev, num_classes: a.num_classes, pool_type: a.global_pool, drop_rate: a.drop_rate }))
  },
  variants: {
    cs3darknet_focus_l: { cfg: { stem: { out_chs: 64, stride: 2, kernel_size: 6, padding: 2, pool: '' }, stages: { depth: [3, 6, 9, 3], out_chs: [128, 256, 512, 1024], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3darknet_focus_m: { cfg: { stem: { out_chs: 48, stride: 2, kernel_size: 6, padding: 2, pool: '' }, stages: { depth: [2, 4, 6, 2], out_chs: [96, 192, 384, 768], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3darknet_focus_s: { cfg: { stem: { out_chs: 32, stride: 2, kernel_size: 6, padding: 2, pool: '' }, stages: { depth: [1, 3, 4, 1], out_chs: [64, 128, 256, 512], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3darknet_focus_x: { cfg: { stem: { out_chs: 80, stride: 2, kernel_size: 6, padding: 2, pool: '' }, stages: { depth: [3, 7, 11, 3], out_chs: [160, 320, 640, 1280], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3darknet_l: { cfg: { stem: { out_chs: [32, 64], stride: 2, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [3, 6, 9, 3], out_chs: [128, 256, 512, 1024], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3darknet_m: { cfg: { stem: { out_chs: [24, 48], stride: 2, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [2, 4, 6, 2], out_chs: [96, 192, 384, 768], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3darknet_s: { cfg: { stem: { out_chs: [16, 32], stride: 2, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [1, 3, 4, 1], out_chs: [64, 128, 256, 512], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3darknet_x: { cfg: { stem: { out_chs: [40, 80], stride: 2, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [3, 7, 11, 3], out_chs: [160, 320, 640, 1280], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3edgenet_x: { cfg: { stem: { out_chs: [40, 80], stride: 2, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [3, 7, 11, 3], out_chs: [160, 320, 640, 1280], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.5, 1.5, 1.5, 1.5], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['edge', 'edge', 'edge', 'edge'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3se_edgenet_x: { cfg: { stem: { out_chs: [40, 80], stride: 2, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [3, 7, 11, 3], out_chs: [160, 320, 640, 1280], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.5, 1.5, 1.5, 1.5], avg_down: [false, false, false, false], attn_layer: ['se', 'se', 'se', 'se'], attn_kwargs: [{ rd_ratio: 0.25 }, { rd_ratio: 0.25 }, { rd_ratio: 0.25 }, { rd_ratio: 0.25 }], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['edge', 'edge', 'edge', 'edge'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3sedarknet_l: { cfg: { stem: { out_chs: [32, 64], stride: 2, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [3, 6, 9, 3], out_chs: [128, 256, 512, 1024], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: ['se', 'se', 'se', 'se'], attn_kwargs: [{ rd_ratio: 0.25 }, { rd_ratio: 0.25 }, { rd_ratio: 0.25 }, { rd_ratio: 0.25 }], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3sedarknet_x: { cfg: { stem: { out_chs: [40, 80], stride: 2, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [3, 7, 11, 3], out_chs: [160, 320, 640, 1280], stride: [2, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: ['se', 'se', 'se', 'se'], attn_kwargs: [null, null, null, null], stage_type: ['cs3', 'cs3', 'cs3', 'cs3'], block_type: ['dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cs3sedarknet_xdw: { cfg: { stem: { out_chs: [32, 64], stride: 2, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [3, 6, 12, 4], out_chs: [256, 512, 1024, 2048], stride: [2, 2, 2, 2], groups: [1, 1, 256, 512], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [0.5, 0.5, 0.5, 0.5], avg_down: [false, false, false, false], attn_layer: ['se', 'se', 'se', 'se'], attn_kwargs: [null, null, null, null], stage_type: ['csp', 'csp', 'csp', 'csp'], block_type: ['bottle', 'bottle', 'bottle', 'bottle'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'silu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cspdarknet53: { cfg: { stem: { out_chs: 32, stride: 1, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [1, 2, 8, 8, 4], out_chs: [64, 128, 256, 512, 1024], stride: [2, 2, 2, 2, 2], groups: [1, 1, 1, 1, 1], block_ratio: [1.0, 0.5, 0.5, 0.5, 0.5], bottle_ratio: [0.5, 1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false, false], attn_layer: [null, null, null, null, null], attn_kwargs: [null, null, null, null, null], stage_type: ['csp', 'csp', 'csp', 'csp', 'csp'], block_type: ['dark', 'dark', 'dark', 'dark', 'dark'], expand_ratio: [2.0, 1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false, false], down_growth: [true, true, true, true, true] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cspresnet50: { cfg: { stem: { out_chs: 64, stride: 4, kernel_size: 7, padding: '', pool: 'max' }, stages: { depth: [3, 3, 5, 2], out_chs: [128, 256, 512, 1024], stride: [1, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [1.0, 1.0, 1.0, 1.0], bottle_ratio: [0.5, 0.5, 0.5, 0.5], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['csp', 'csp', 'csp', 'csp'], block_type: ['bottle', 'bottle', 'bottle', 'bottle'], expand_ratio: [2.0, 2.0, 2.0, 2.0], cross_linear: [true, true, true, true], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cspresnet50d: { cfg: { stem: { out_chs: [32, 32, 64], stride: 4, kernel_size: 3, padding: '', pool: 'max' }, stages: { depth: [3, 3, 5, 2], out_chs: [128, 256, 512, 1024], stride: [1, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [1.0, 1.0, 1.0, 1.0], bottle_ratio: [0.5, 0.5, 0.5, 0.5], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['csp', 'csp', 'csp', 'csp'], block_type: ['bottle', 'bottle', 'bottle', 'bottle'], expand_ratio: [2.0, 2.0, 2.0, 2.0], cross_linear: [true, true, true, true], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cspresnet50w: { cfg: { stem: { out_chs: [32, 32, 64], stride: 4, kernel_size: 3, padding: '', pool: 'max' }, stages: { depth: [3, 3, 5, 2], out_chs: [256, 512, 1024, 2048], stride: [1, 2, 2, 2], groups: [1, 1, 1, 1], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [0.25, 0.25, 0.25, 0.25], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['csp', 'csp', 'csp', 'csp'], block_type: ['bottle', 'bottle', 'bottle', 'bottle'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [true, true, true, true], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null } },
    cspresnext50: { cfg: { stem: { out_chs: 64, stride: 4, kernel_size: 7, padding: '', pool: 'max' }, stages: { depth: [3, 3, 5, 2], out_chs: [256, 512, 1024, 2048], stride: [1, 2, 2, 2], groups: [32, 32, 32, 32], block_ratio: [0.5, 0.5, 0.5, 0.5], bottle_ratio: [1.0, 1.0, 1.0, 1.0], avg_down: [false, false, false, false], attn_layer: [null, null, null, null], attn_kwargs: [null, null, null, null], stage_type: ['csp', 'csp', 'csp', 'csp'], block_type: ['bottle', 'bottle', 'bottle', 'bottle'], expand_ratio: [1.0, 1.0, 1.0, 1.0], cross_linear: [true, true, true, true], down_growth: [false, false, false, false] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null } },
    darknet17: { cfg: { stem: { out_chs: 32, stride: 1, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [1, 1, 1, 1, 1], out_chs: [64, 128, 256, 512, 1024], stride: [2, 2, 2, 2, 2], groups: [1, 1, 1, 1, 1], block_ratio: [1.0, 1.0, 1.0, 1.0, 1.0], bottle_ratio: [0.5, 0.5, 0.5, 0.5, 0.5], avg_down: [false, false, false, false, false], attn_layer: [null, null, null, null, null], attn_kwargs: [null, null, null, null, null], stage_type: ['dark', 'dark', 'dark', 'dark', 'dark'], block_type: ['dark', 'dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false, false], down_growth: [false, false, false, false, false] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null } },
    darknet21: { cfg: { stem: { out_chs: 32, stride: 1, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [1, 1, 1, 2, 2], out_chs: [64, 128, 256, 512, 1024], stride: [2, 2, 2, 2, 2], groups: [1, 1, 1, 1, 1], block_ratio: [1.0, 1.0, 1.0, 1.0, 1.0], bottle_ratio: [0.5, 0.5, 0.5, 0.5, 0.5], avg_down: [false, false, false, false, false], attn_layer: [null, null, null, null, null], attn_kwargs: [null, null, null, null, null], stage_type: ['dark', 'dark', 'dark', 'dark', 'dark'], block_type: ['dark', 'dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false, false], down_growth: [false, false, false, false, false] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null } },
    darknet53: { cfg: { stem: { out_chs: 32, stride: 1, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [1, 2, 8, 8, 4], out_chs: [64, 128, 256, 512, 1024], stride: [2, 2, 2, 2, 2], groups: [1, 1, 1, 1, 1], block_ratio: [1.0, 1.0, 1.0, 1.0, 1.0], bottle_ratio: [0.5, 0.5, 0.5, 0.5, 0.5], avg_down: [false, false, false, false, false], attn_layer: [null, null, null, null, null], attn_kwargs: [null, null, null, null, null], stage_type: ['dark', 'dark', 'dark', 'dark', 'dark'], block_type: ['dark', 'dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false, false], down_growth: [false, false, false, false, false] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null } },
    darknetaa53: { cfg: { stem: { out_chs: 32, stride: 1, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [1, 2, 8, 8, 4], out_chs: [64, 128, 256, 512, 1024], stride: [2, 2, 2, 2, 2], groups: [1, 1, 1, 1, 1], block_ratio: [1.0, 1.0, 1.0, 1.0, 1.0], bottle_ratio: [0.5, 0.5, 0.5, 0.5, 0.5], avg_down: [true, true, true, true, true], attn_layer: [null, null, null, null, null], attn_kwargs: [null, null, null, null, null], stage_type: ['dark', 'dark', 'dark', 'dark', 'dark'], block_type: ['dark', 'dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false, false], down_growth: [false, false, false, false, false] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null } },
    sedarknet21: { cfg: { stem: { out_chs: 32, stride: 1, kernel_size: 3, padding: '', pool: '' }, stages: { depth: [1, 1, 1, 2, 2], out_chs: [64, 128, 256, 512, 1024], stride: [2, 2, 2, 2, 2], groups: [1, 1, 1, 1, 1], block_ratio: [1.0, 1.0, 1.0, 1.0, 1.0], bottle_ratio: [0.5, 0.5, 0.5, 0.5, 0.5], avg_down: [false, false, false, false, false], attn_layer: ['se', 'se', 'se', 'se', 'se'], attn_kwargs: [null, null, null, null, null], stage_type: ['dark', 'dark', 'dark', 'dark', 'dark'], block_type: ['dark', 'dark', 'dark', 'dark', 'dark'], expand_ratio: [1.0, 1.0, 1.0, 1.0, 1.0], cross_linear: [false, false, false, false, false], down_growth: [false, false, false, false, false] }, zero_init_last: true, act_layer: 'leaky_relu', norm_layer: 'batchnorm2d', aa_layer: null } },
  },
})
