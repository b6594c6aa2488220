import { int } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, sequential, sequentialNamed } from '../torchvision/core.js'
import { commonSignature, defineFamily, forwardNotModelled } from './family.js'
import type { CommonArgs } from './family.js'
import { createAct } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import { classifierHead } from './layers/classifier.js'
import { createStdConv2d } from './layers/conv.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { makeDivisible } from './layers/helpers.js'
import { createAttn } from './layers/squeeze-excite.js'
import type { AttnName, AttnOptions } from './layers/squeeze-excite.js'
import { identity } from '../../layers/linear.js'
import { avgPool2d, maxPool2d } from '../../layers/pool.js'

/**
 * timm's `NormFreeNet` (`timm.models.nfnet`): NFNet-F0…F7 (and the DeepMind `dm_` ports with
 * TensorFlow padding), NFNet-L, ECA-NFNet-L, NF-RegNet and NF-ResNet: weight-standardised
 * convolutions (`ScaledStdConv2d` with a learned `gain`) and no normalisation layers.
 */

const noForward = forwardNotModelled('NFNet')

/** `GammaAct`: an activation followed by a fixed gain (`gamma_in_act` models). */
const GammaAct = defineBlock<Record<string, never>>({ name: 'GammaAct', build() {}, forward: noForward })

/** `NfCfg`. */
export interface NfCfg {
  depths: readonly number[]
  channels: readonly number[]
  alpha: number
  stem_type: '' | 'deep' | 'deep_tiered' | 'deep_quad' | '3x3' | '7x7' | 'deep_pool' | '3x3_pool' | '7x7_pool'
  stem_chs: number | null
  group_size: number | null
  attn_layer: AttnName | null
  attn_kwargs: AttnOptions
  attn_gain: number
  width_factor: number
  bottle_ratio: number
  num_features: number
  ch_div: number
  reg: boolean
  extra_conv: boolean
  gamma_in_act: boolean
  same_padding: boolean
  std_conv_eps: number
  skipinit: boolean
  zero_init_fc: boolean
  act_layer: ActName
}

interface Layers {
  conv: (inCh: number, outCh: number, kernel: number, o?: { stride?: number; groups?: number }) => ModuleNode
  act: (inplace?: boolean) => ModuleNode
}

function layers(m: ModuleBuilder, cfg: NfCfg): Layers {
  return {
    conv: (inCh, outCh, kernel, o = {}) => createStdConv2d(m, inCh, outCh, kernel, { stride: o.stride ?? 1, groups: o.groups ?? 1, padding: cfg.same_padding ? 'same' : null, scaled: true }),
    act: (inplace) => (cfg.gamma_in_act ? block(m, GammaAct, {}) : createAct(m, cfg.act_layer, inplace)!),
  }
}

/** `DownsampleAvg`: average pooling and a 1×1 weight-standardised convolution. */
const DownsampleAvg = defineBlock<Record<string, never>>({ name: 'DownsampleAvg', build() {}, forward: noForward })

interface BlockArgs {
  in_chs: number
  out_chs: number
  stride: number
  bottle_ratio: number
  drop_path: number
  cfg: NfCfg
}

/** `NormFreeBlock`: pre-activation bottleneck (`act1`, `conv1`, `act2`, `conv2`, optional `conv2b`, attention, `act3`, `conv3`), `skipinit_gain`. */
const NormFreeBlock = defineBlock<BlockArgs>({
  name: 'NormFreeBlock',
  build(b, m) {
    const { cfg } = b
    const l = layers(m, cfg)
    let mid = makeDivisible(cfg.reg ? b.in_chs * b.bottle_ratio : b.out_chs * b.bottle_ratio, cfg.ch_div)
    const groups = cfg.group_size ? Math.floor(mid / cfg.group_size) : 1
    if (cfg.group_size && cfg.group_size % cfg.ch_div === 0) mid = cfg.group_size * groups
    if (b.in_chs !== b.out_chs || b.stride !== 1) {
      const down = block(m, DownsampleAvg, {})
      down.children.set('pool', b.stride > 1 ? nn(m, avgPool2d, { kernel_size: 2, stride: b.stride, ceil_mode: true, count_include_pad: false }) : nn(m, identity))
      down.children.set('conv', l.conv(b.in_chs, b.out_chs, 1))
      m.child('downsample', down)
    }
    const attn = (channels: number): ModuleNode | null => createAttn(m, cfg.attn_layer, channels, cfg.attn_kwargs)
    m.child('act1', l.act())
    m.child('conv1', l.conv(b.in_chs, mid, 1))
    m.child('act2', l.act(true))
    m.child('conv2', l.conv(mid, mid, 3, { stride: b.stride, groups }))
    if (cfg.extra_conv) {
      m.child('act2b', l.act(true))
      m.child('conv2b', l.conv(mid, mid, 3, { groups }))
    }
    if (cfg.reg && cfg.attn_layer) m.child('attn', attn(mid))
    m.child('act3', l.act())
    m.child('conv3', l.conv(mid, b.out_chs, 1))
    if (!cfg.reg && cfg.attn_layer) m.child('attn_last', attn(b.out_chs))
    m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
    if (cfg.skipinit) m.param('skipinit_gain', [])
  },
  forward: noForward,
})

/** Arguments of timm's `NormFreeNet`. */
export interface NfNetArgs extends CommonArgs {
  cfg: NfCfg
  output_stride: number
}

/** timm's `NormFreeNet` and its models. */
export const nfnet = defineFamily<NfNetArgs>({
  module: 'nfnet',
  className: 'NormFreeNet',
  defaults: {
    cfg: { depths: [], channels: [], alpha: 0.2, stem_type: '', stem_chs: null, group_size: null, attn_layer: null, attn_kwargs: {}, attn_gain: 2, width_factor: 1, bottle_ratio: 0.5, num_features: 0, ch_div: 8, reg: false, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-5, skipinit: false, zero_init_fc: false, act_layer: 'relu' },
    num_classes: 1000,
    in_chans: 3,
    global_pool: 'avg',
    output_stride: 32,
    drop_rate: 0,
    drop_path_rate: 0,
  },
  signature: [...commonSignature, int('output_stride', { min: 32 })],
  build(a, m) {
    const { cfg } = a
    const l = layers(m, cfg)
    const stemChs = makeDivisible((cfg.stem_chs || cfg.channels[0]!) * cfg.width_factor, cfg.ch_div)
    const stem: Array<[string, ModuleNode]> = []
    let stemStride = 2
    if (cfg.stem_type.includes('deep')) {
      const quad = cfg.stem_type.includes('quad')
      const chs = quad ? [stemChs >> 3, stemChs >> 2, stemChs >> 1, stemChs] : cfg.stem_type.includes('tiered') ? [Math.floor((3 * stemChs) / 8), stemChs >> 1, stemChs] : [stemChs >> 1, stemChs >> 1, stemChs]
      const strides = quad ? [2, 1, 1, 2] : [2, 1, 1]
      if (quad) stemStride = 4
      let prev = a.in_chans
      chs.forEach((c, i) => {
        stem.push([`conv${i + 1}`, l.conv(prev, c, 3, { stride: strides[i]! })])
        if (i !== chs.length - 1) stem.push([`act${i + 2}`, l.act(true)])
        prev = c
      })
    } else {
      stem.push(['conv', l.conv(a.in_chans, stemChs, cfg.stem_type.includes('3x3') ? 3 : 7, { stride: 2 })])
    }
    if (cfg.stem_type.includes('pool')) {
      stem.push(['pool', nn(m, maxPool2d, { kernel_size: 3, stride: 2, padding: 1 })])
      stemStride = 4
    }
    m.child('stem', sequentialNamed(m, stem))
    const rates = dropPathRates(a.drop_path_rate, cfg.depths.reduce((s, d) => s + d, 0))
    let prev = stemChs
    let offset = 0
    const stages: ModuleNode[] = []
    cfg.depths.forEach((depth, i) => {
      const stride = i === 0 && stemStride > 2 ? 1 : 2
      const out = makeDivisible(cfg.channels[i]! * cfg.width_factor, cfg.ch_div)
      const blocks: ModuleNode[] = []
      for (let j = 0; j < depth; j++) {
        blocks.push(block(m, NormFreeBlock, { in_chs: prev, out_chs: out, stride: j === 0 ? stride : 1, bottle_ratio: cfg.reg && i === 0 && j === 0 ? 1 : cfg.bottle_ratio, drop_path: rates[offset + j]!, cfg }))
        prev = out
      }
      stages.push(sequential(m, blocks))
      offset += depth
    })
    m.child('stages', sequential(m, stages))
    let features = prev
    if (cfg.num_features) {
      features = makeDivisible(cfg.width_factor * cfg.num_features, cfg.ch_div)
      m.child('final_conv', l.conv(prev, features, 1))
    } else {
      m.child('final_conv', nn(m, identity))
    }
    m.child('final_act', l.act(cfg.num_features > 0))
    m.child('head', classifierHead(m, { in_features: features, num_classes: a.num_classes, pool_type: a.global_pool, drop_rate: a.drop_rate }))
  },
  variants: {
    dm_nfnet_f0: { cfg: { depths: [1, 2, 6, 3], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: true, same_padding: true, std_conv_eps: 1e-05, skipinit: true, zero_init_fc: false, act_layer: 'gelu' } },
    dm_nfnet_f1: { cfg: { depths: [2, 4, 12, 6], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: true, same_padding: true, std_conv_eps: 1e-05, skipinit: true, zero_init_fc: false, act_layer: 'gelu' } },
    dm_nfnet_f2: { cfg: { depths: [3, 6, 18, 9], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: true, same_padding: true, std_conv_eps: 1e-05, skipinit: true, zero_init_fc: false, act_layer: 'gelu' } },
    dm_nfnet_f3: { cfg: { depths: [4, 8, 24, 12], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: true, same_padding: true, std_conv_eps: 1e-05, skipinit: true, zero_init_fc: false, act_layer: 'gelu' } },
    dm_nfnet_f4: { cfg: { depths: [5, 10, 30, 15], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: true, same_padding: true, std_conv_eps: 1e-05, skipinit: true, zero_init_fc: false, act_layer: 'gelu' } },
    dm_nfnet_f5: { cfg: { depths: [6, 12, 36, 18], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: true, same_padding: true, std_conv_eps: 1e-05, skipinit: true, zero_init_fc: false, act_layer: 'gelu' } },
    dm_nfnet_f6: { cfg: { depths: [7, 14, 42, 21], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: true, same_padding: true, std_conv_eps: 1e-05, skipinit: true, zero_init_fc: false, act_layer: 'gelu' } },
    eca_nfnet_l0: { cfg: { depths: [1, 2, 6, 3], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 64, attn_layer: 'eca', attn_kwargs: {}, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 2304, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    eca_nfnet_l1: { cfg: { depths: [2, 4, 12, 6], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 64, attn_layer: 'eca', attn_kwargs: {}, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    eca_nfnet_l2: { cfg: { depths: [3, 6, 18, 9], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 64, attn_layer: 'eca', attn_kwargs: {}, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    eca_nfnet_l3: { cfg: { depths: [4, 8, 24, 12], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 64, attn_layer: 'eca', attn_kwargs: {}, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    nf_ecaresnet26: { cfg: { depths: [2, 2, 2, 2], channels: [256, 512, 1024, 2048], alpha: 0.2, stem_type: '7x7_pool', stem_chs: 64, group_size: null, attn_layer: 'eca', attn_kwargs: {}, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 0, ch_div: 8, reg: false, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'relu' } },
    nf_ecaresnet50: { cfg: { depths: [3, 4, 6, 3], channels: [256, 512, 1024, 2048], alpha: 0.2, stem_type: '7x7_pool', stem_chs: 64, group_size: null, attn_layer: 'eca', attn_kwargs: {}, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 0, ch_div: 8, reg: false, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'relu' } },
    nf_ecaresnet101: { cfg: { depths: [3, 4, 23, 3], channels: [256, 512, 1024, 2048], alpha: 0.2, stem_type: '7x7_pool', stem_chs: 64, group_size: null, attn_layer: 'eca', attn_kwargs: {}, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 0, ch_div: 8, reg: false, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'relu' } },
    nf_regnet_b0: { cfg: { depths: [1, 3, 6, 6], channels: [48, 104, 208, 440], alpha: 0.2, stem_type: '3x3', stem_chs: null, group_size: 8, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 0.75, bottle_ratio: 2.25, num_features: 1280, ch_div: 8, reg: true, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    nf_regnet_b1: { cfg: { depths: [2, 4, 7, 7], channels: [48, 104, 208, 440], alpha: 0.2, stem_type: '3x3', stem_chs: null, group_size: 8, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 0.75, bottle_ratio: 2.25, num_features: 1280, ch_div: 8, reg: true, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    nf_regnet_b2: { cfg: { depths: [2, 4, 8, 8], channels: [56, 112, 232, 488], alpha: 0.2, stem_type: '3x3', stem_chs: null, group_size: 8, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 0.75, bottle_ratio: 2.25, num_features: 1419, ch_div: 8, reg: true, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    nf_regnet_b3: { cfg: { depths: [2, 5, 9, 9], channels: [56, 128, 248, 528], alpha: 0.2, stem_type: '3x3', stem_chs: null, group_size: 8, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 0.75, bottle_ratio: 2.25, num_features: 1536, ch_div: 8, reg: true, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    nf_regnet_b4: { cfg: { depths: [2, 6, 11, 11], channels: [64, 144, 288, 616], alpha: 0.2, stem_type: '3x3', stem_chs: null, group_size: 8, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 0.75, bottle_ratio: 2.25, num_features: 1792, ch_div: 8, reg: true, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    nf_regnet_b5: { cfg: { depths: [3, 7, 14, 14], channels: [80, 168, 336, 704], alpha: 0.2, stem_type: '3x3', stem_chs: null, group_size: 8, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 0.75, bottle_ratio: 2.25, num_features: 2048, ch_div: 8, reg: true, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    nf_resnet26: { cfg: { depths: [2, 2, 2, 2], channels: [256, 512, 1024, 2048], alpha: 0.2, stem_type: '7x7_pool', stem_chs: 64, group_size: null, attn_layer: null, attn_kwargs: {}, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 0, ch_div: 8, reg: false, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'relu' } },
    nf_resnet50: { cfg: { depths: [3, 4, 6, 3], channels: [256, 512, 1024, 2048], alpha: 0.2, stem_type: '7x7_pool', stem_chs: 64, group_size: null, attn_layer: null, attn_kwargs: {}, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 0, ch_div: 8, reg: false, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'relu' } },
    nf_resnet101: { cfg: { depths: [3, 4, 23, 3], channels: [256, 512, 1024, 2048], alpha: 0.2, stem_type: '7x7_pool', stem_chs: 64, group_size: null, attn_layer: null, attn_kwargs: {}, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 0, ch_div: 8, reg: false, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'relu' } },
    nf_seresnet26: { cfg: { depths: [2, 2, 2, 2], channels: [256, 512, 1024, 2048], alpha: 0.2, stem_type: '7x7_pool', stem_chs: 64, group_size: null, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.0625 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 0, ch_div: 8, reg: false, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'relu' } },
    nf_seresnet50: { cfg: { depths: [3, 4, 6, 3], channels: [256, 512, 1024, 2048], alpha: 0.2, stem_type: '7x7_pool', stem_chs: 64, group_size: null, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.0625 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 0, ch_div: 8, reg: false, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'relu' } },
    nf_seresnet101: { cfg: { depths: [3, 4, 23, 3], channels: [256, 512, 1024, 2048], alpha: 0.2, stem_type: '7x7_pool', stem_chs: 64, group_size: null, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.0625 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 0, ch_div: 8, reg: false, extra_conv: false, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'relu' } },
    nfnet_f0: { cfg: { depths: [1, 2, 6, 3], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'gelu' } },
    nfnet_f1: { cfg: { depths: [2, 4, 12, 6], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'gelu' } },
    nfnet_f2: { cfg: { depths: [3, 6, 18, 9], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'gelu' } },
    nfnet_f3: { cfg: { depths: [4, 8, 24, 12], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'gelu' } },
    nfnet_f4: { cfg: { depths: [5, 10, 30, 15], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'gelu' } },
    nfnet_f5: { cfg: { depths: [6, 12, 36, 18], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'gelu' } },
    nfnet_f6: { cfg: { depths: [7, 14, 42, 21], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'gelu' } },
    nfnet_f7: { cfg: { depths: [8, 16, 48, 24], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 128, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.5 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.5, num_features: 3072, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'gelu' } },
    nfnet_l0: { cfg: { depths: [1, 2, 6, 3], channels: [256, 512, 1536, 1536], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 64, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.25, rd_divisor: 8 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 2304, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
    test_nfnet: { cfg: { depths: [1, 1, 1, 1], channels: [32, 64, 96, 128], alpha: 0.2, stem_type: 'deep_quad', stem_chs: 128, group_size: 8, attn_layer: 'se', attn_kwargs: { rd_ratio: 0.25, rd_divisor: 8 }, attn_gain: 2.0, width_factor: 1.0, bottle_ratio: 0.25, num_features: 192, ch_div: 8, reg: false, extra_conv: true, gamma_in_act: false, same_padding: false, std_conv_eps: 1e-05, skipinit: false, zero_init_fc: false, act_layer: 'silu' } },
  },
})
