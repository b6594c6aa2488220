import { bool, float, floats, int, ints } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, moduleList, nn, sequential } from '../torchvision/core.js'
import { commonSignature, defineFamily, forwardNotModelled } from './family.js'
import type { CommonArgs } from './family.js'
import { createAct, createActOrIdentity } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import { classifierHead } from './layers/classifier.js'
import { convNormAct, createConv2d } from './layers/conv.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { createNorm } from './layers/norm.js'
import type { NormSpec } from './layers/norm.js'
import { createAttn } from './layers/squeeze-excite.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'

/**
 * timm's `FastVit` (`timm.models.fastvit`): structurally reparameterizable MobileOne blocks —
 * parallel k×k and 1×1 conv + BatchNorm branches and a BatchNorm identity, merged into one conv
 * for inference — RepMixer token mixing, large-kernel patch embeddings, conditional position
 * encodings and attention in the last stages. `inference_mode=True` builds the merged form (one
 * `reparam_conv` per block). The forward pass is not modelled.
 */

const noForward = forwardNotModelled('FastVit')

/** `MobileOneBlock` arguments (`group_size`: 0 for a dense conv, 1 for depthwise). */
interface MobileOneArgs {
  in_chs: number
  out_chs: number
  kernel_size: number
  stride?: number
  group_size?: number
  use_se?: boolean
  use_act?: boolean
  use_scale_branch?: boolean
  num_conv_branches?: number
  act?: ActName
  inference_mode: boolean
}

function groupsOf(groupSize: number, channels: number): number {
  return groupSize ? channels / groupSize : 1
}

/** A conv + BatchNorm branch without activation (`ConvNormAct(..., apply_act=False)`). */
function convBn(m: ModuleBuilder, inChs: number, outChs: number, kernel: number, stride: number, groups: number): ModuleNode {
  return convNormAct(m, { in_channels: inChs, out_channels: outChs, kernel_size: kernel, stride, groups, normAct: { applyAct: false } })
}

/** `MobileOneBlock`: `se`, then the `identity` BatchNorm, `conv_kxk` branches and the 1×1 `conv_scale` (or one `reparam_conv`), `act`. */
const MobileOneBlock = defineBlock<MobileOneArgs>({
  name: 'MobileOneBlock',
  build(a, m) {
    const stride = a.stride ?? 1
    const groups = groupsOf(a.group_size ?? 0, a.in_chs)
    m.child('se', a.use_se ? createAttn(m, ['se', { rd_divisor: 1 }], a.out_chs) : nn(m, identity))
    if (a.inference_mode) {
      m.child('reparam_conv', createConv2d(m, a.in_chs, a.out_chs, a.kernel_size, { stride, groups, bias: true }))
    } else {
      if (a.out_chs === a.in_chs && stride === 1) m.child('identity', nn(m, batchNorm2d, { num_features: a.in_chs }))
      const branches = a.num_conv_branches ?? 1
      if (branches > 0) m.child('conv_kxk', moduleList(m, Array.from({ length: branches }, () => convBn(m, a.in_chs, a.out_chs, a.kernel_size, stride, groups))))
      if (a.kernel_size > 1 && (a.use_scale_branch ?? true)) m.child('conv_scale', convBn(m, a.in_chs, a.out_chs, 1, stride, groups))
    }
    m.child('act', a.use_act ?? true ? createAct(m, a.act ?? 'gelu') : nn(m, identity))
  },
  forward: noForward,
})

function mobileOne(m: ModuleBuilder, args: MobileOneArgs): ModuleNode {
  return block(m, MobileOneBlock, args)
}

/** `ReparamLargeKernelConv`: a large-kernel and a 3×3 conv + BatchNorm branch (or one `reparam_conv`), `se`, `act`. */
const ReparamLargeKernelConv = defineBlock<{ in_chs: number; out_chs: number; kernel_size: number; stride: number; use_se: boolean; act: ActName | null; inference_mode: boolean }>({
  name: 'ReparamLargeKernelConv',
  build(a, m) {
    if (a.inference_mode) {
      m.child('reparam_conv', createConv2d(m, a.in_chs, a.out_chs, a.kernel_size, { stride: a.stride, groups: a.in_chs, bias: true }))
    } else {
      m.child('large_conv', convBn(m, a.in_chs, a.out_chs, a.kernel_size, a.stride, a.in_chs))
      m.child('small_conv', convBn(m, a.in_chs, a.out_chs, 3, a.stride, a.in_chs))
    }
    m.child('se', a.use_se ? createAttn(m, ['se', { rd_ratio: 0.25 }], a.out_chs) : nn(m, identity))
    m.child('act', createActOrIdentity(m, a.act))
  },
  forward: noForward,
})

/** FastViT's `PatchEmbed`: a strided large-kernel conv, then a 1×1 MobileOne block. */
const PatchEmbed = defineBlock<{ patch_size: number; stride: number; in_chs: number; embed_dim: number; use_se: boolean; lkc_use_act: boolean; act: ActName; inference_mode: boolean }>({
  name: 'PatchEmbed',
  build(a, m) {
    m.child(
      'proj',
      sequential(m, [
        block(m, ReparamLargeKernelConv, { in_chs: a.in_chs, out_chs: a.embed_dim, kernel_size: a.patch_size, stride: a.stride, use_se: a.use_se, act: a.lkc_use_act ? a.act : null, inference_mode: a.inference_mode }),
        mobileOne(m, { in_chs: a.embed_dim, out_chs: a.embed_dim, kernel_size: 1, act: a.act, inference_mode: a.inference_mode }),
      ]),
    )
  },
  forward: noForward,
})

/** FastViT's own `LayerScale2d`: a `(dim, 1, 1)` `gamma`. */
const LayerScale2d = defineBlock<{ dim: number }>({
  name: 'LayerScale2d',
  build(a, m) {
    m.param('gamma', [a.dim, 1, 1])
  },
  forward: noForward,
})

function layerScale(m: ModuleBuilder, dim: number, initValue: number | null): ModuleNode {
  return initValue !== null ? block(m, LayerScale2d, { dim }) : nn(m, identity)
}

/** `RepMixer`: a depthwise MobileOne `mixer` minus a BatchNorm-only `norm`, layer-scaled (or one depthwise `reparam_conv`). */
const RepMixer = defineBlock<{ dim: number; kernel_size: number; layer_scale: number | null; inference_mode: boolean }>({
  name: 'RepMixer',
  build(a, m) {
    if (a.inference_mode) {
      m.child('reparam_conv', nn(m, conv2d, { in_channels: a.dim, out_channels: a.dim, kernel_size: a.kernel_size, padding: Math.floor(a.kernel_size / 2), groups: a.dim, bias: true }))
      return
    }
    const branch = (extra: Partial<MobileOneArgs>): ModuleNode => mobileOne(m, { in_chs: a.dim, out_chs: a.dim, kernel_size: a.kernel_size, group_size: 1, use_act: false, inference_mode: false, ...extra })
    m.child('norm', branch({ use_scale_branch: false, num_conv_branches: 0 }))
    m.child('mixer', branch({}))
    m.child('layer_scale', layerScale(m, a.dim, a.layer_scale))
  },
  forward: noForward,
})

/** FastViT's `ConvMlp`: a 7×7 depthwise conv + BatchNorm, then 1×1 `fc1`, `act`, `fc2`, `drop`. */
const ConvMlp = defineBlock<{ in_chs: number; hidden: number; act: ActName; drop: number }>({
  name: 'ConvMlp',
  build(a, m) {
    m.child('conv', convBn(m, a.in_chs, a.in_chs, 7, 1, a.in_chs))
    m.child('fc1', nn(m, conv2d, { in_channels: a.in_chs, out_channels: a.hidden, kernel_size: 1 }))
    m.child('act', createAct(m, a.act))
    m.child('fc2', nn(m, conv2d, { in_channels: a.hidden, out_channels: a.in_chs, kernel_size: 1 }))
    m.child('drop', nn(m, dropout, { p: a.drop }))
  },
  forward: noForward,
})

/** `RepConditionalPosEnc`: a depthwise 7×7 `pos_enc` conv added to its input (or one `reparam_conv`). */
const RepConditionalPosEnc = defineBlock<{ dim: number; inference_mode: boolean }>({
  name: 'RepConditionalPosEnc',
  build(a, m) {
    m.child(a.inference_mode ? 'reparam_conv' : 'pos_enc', nn(m, conv2d, { in_channels: a.dim, out_channels: a.dim, kernel_size: [7, 7], stride: 1, padding: 3, groups: a.dim, bias: true }))
  },
  forward: noForward,
})

/** FastViT's `Attention` on `(N, C, H, W)`: heads of 32, `qkv` without bias. */
const Attention = defineBlock<{ dim: number }>({
  name: 'Attention',
  build(a, m) {
    m.child('qkv', nn(m, linear, { in_features: a.dim, out_features: a.dim * 3, bias: false }))
    m.child('attn_drop', nn(m, dropout, { p: 0 }))
    m.child('proj', nn(m, linear, { in_features: a.dim, out_features: a.dim }))
    m.child('proj_drop', nn(m, dropout, { p: 0 }))
  },
  forward: noForward,
})

interface BlockArgs {
  dim: number
  kernel_size: number
  mlp_ratio: number
  act: ActName
  norm: NormSpec
  drop: number
  drop_path: number
  layer_scale: number | null
  inference_mode: boolean
}

function mlp(m: ModuleBuilder, a: BlockArgs): ModuleNode {
  return block(m, ConvMlp, { in_chs: a.dim, hidden: Math.trunc(a.dim * a.mlp_ratio), act: a.act, drop: a.drop })
}

/** `RepMixerBlock`: RepMixer token mixing, then a layer-scaled conv MLP. */
const RepMixerBlock = defineBlock<BlockArgs>({
  name: 'RepMixerBlock',
  build(a, m) {
    m.child('token_mixer', block(m, RepMixer, { dim: a.dim, kernel_size: a.kernel_size, layer_scale: a.layer_scale, inference_mode: a.inference_mode }))
    m.child('mlp', mlp(m, a))
    m.child('layer_scale', layerScale(m, a.dim, a.layer_scale))
    m.child('drop_path', dropPathOrIdentity(m, a.drop_path))
  },
  forward: noForward,
})

/** `AttentionBlock`: norm, attention, then a conv MLP, each layer-scaled. */
const AttentionBlock = defineBlock<BlockArgs>({
  name: 'AttentionBlock',
  build(a, m) {
    m.child('norm', createNorm(m, a.norm, a.dim))
    m.child('token_mixer', block(m, Attention, { dim: a.dim }))
    m.child('layer_scale_1', layerScale(m, a.dim, a.layer_scale))
    m.child('drop_path1', dropPathOrIdentity(m, a.drop_path))
    m.child('mlp', mlp(m, a))
    m.child('layer_scale_2', layerScale(m, a.dim, a.layer_scale))
    m.child('drop_path2', dropPathOrIdentity(m, a.drop_path))
  },
  forward: noForward,
})

/** `FastVitStage`: `downsample`, `pos_emb`, `blocks`. */
const FastVitStage = defineBlock<Record<string, never>>({ name: 'FastVitStage', build() {}, forward: noForward })

/** Arguments of timm's `FastVit`. */
export interface FastVitArgs extends CommonArgs {
  layers: readonly number[]
  token_mixers: ReadonlyArray<'repmixer' | 'attention'>
  embed_dims: readonly number[]
  mlp_ratios: readonly number[]
  downsamples: readonly boolean[]
  se_downsamples: readonly boolean[]
  repmixer_kernel_size: number
  /** The stages with a `RepConditionalPosEnc` (timm passes a 7×7 partial or `None` per stage). */
  pos_embs: readonly boolean[]
  down_patch_size: number
  down_stride: number
  proj_drop_rate: number
  layer_scale_init_value: number | null
  lkc_use_act: boolean
  stem_use_scale_branch: boolean
  cls_ratio: number
  norm_layer: NormSpec
  act_layer: ActName
  inference_mode: boolean
}

function buildFastVit(a: FastVitArgs, m: ModuleBuilder): void {
  const io = { act: a.act_layer, inference_mode: a.inference_mode }
  const first = a.embed_dims[0]!
  const stemScale = a.stem_use_scale_branch
  m.child(
    'stem',
    sequential(m, [
      mobileOne(m, { in_chs: a.in_chans, out_chs: first, kernel_size: 3, stride: 2, use_scale_branch: stemScale, ...io }),
      mobileOne(m, { in_chs: first, out_chs: first, kernel_size: 3, stride: 2, group_size: 1, use_scale_branch: stemScale, ...io }),
      mobileOne(m, { in_chs: first, out_chs: first, kernel_size: 1, use_scale_branch: stemScale, ...io }),
    ]),
  )
  const rates = dropPathRates(a.drop_path_rate, a.layers.reduce((s, d) => s + d, 0))
  let offset = 0
  let prev = first
  const stages = a.layers.map((depth, i) => {
    const dim = a.embed_dims[i]!
    const stage = block(m, FastVitStage, {})
    const downsample = a.downsamples[i]! || prev !== dim
    stage.children.set(
      'downsample',
      downsample
        ? block(m, PatchEmbed, { patch_size: a.down_patch_size, stride: a.down_stride, in_chs: prev, embed_dim: dim, use_se: a.se_downsamples[i]!, lkc_use_act: a.lkc_use_act, ...io })
        : nn(m, identity),
    )
    stage.children.set('pos_emb', a.pos_embs[i] ? block(m, RepConditionalPosEnc, { dim, inference_mode: a.inference_mode }) : nn(m, identity))
    const blocks = Array.from({ length: depth }, (_, j) => {
      const args: BlockArgs = { dim, kernel_size: a.repmixer_kernel_size, mlp_ratio: a.mlp_ratios[i]!, act: a.act_layer, norm: a.norm_layer, drop: a.proj_drop_rate, drop_path: rates[offset + j]!, layer_scale: a.layer_scale_init_value, inference_mode: a.inference_mode }
      return block(m, a.token_mixers[i] === 'attention' ? AttentionBlock : RepMixerBlock, args)
    })
    stage.children.set('blocks', sequential(m, blocks))
    offset += depth
    prev = dim
    return stage
  })
  m.child('stages', sequential(m, stages))
  const features = Math.trunc(prev * a.cls_ratio)
  m.child('final_conv', mobileOne(m, { in_chs: prev, out_chs: features, kernel_size: 3, group_size: 1, use_se: true, num_conv_branches: 1, ...io }))
  m.child('head', classifierHead(m, { in_features: features, num_classes: a.num_classes, pool_type: a.global_pool, drop_rate: a.drop_rate }))
}

const cpe = [false, false, false, true] as const
const mci = { se_downsamples: [false, false, true, true], pos_embs: cpe, token_mixers: ['repmixer', 'repmixer', 'repmixer', 'attention'], lkc_use_act: true } as const
const mciLarge = {
  se_downsamples: [false, false, false, false, false],
  downsamples: [false, true, true, true, true],
  pos_embs: [false, false, false, true, true],
  token_mixers: ['repmixer', 'repmixer', 'repmixer', 'attention', 'attention'],
  lkc_use_act: true,
  norm_layer: ['layernorm2d', { eps: 1e-5 }],
  stem_use_scale_branch: false,
} as const
const sa = { pos_embs: cpe, token_mixers: ['repmixer', 'repmixer', 'repmixer', 'attention'] } as const

/** timm's `FastVit` and its models. */
export const fastvit = defineFamily<FastVitArgs>({
  module: 'fastvit',
  className: 'FastVit',
  defaults: {
    in_chans: 3,
    num_classes: 1000,
    global_pool: 'avg',
    drop_rate: 0,
    drop_path_rate: 0,
    layers: [2, 2, 6, 2],
    token_mixers: ['repmixer', 'repmixer', 'repmixer', 'repmixer'],
    embed_dims: [64, 128, 256, 512],
    mlp_ratios: [4, 4, 4, 4],
    downsamples: [false, true, true, true],
    se_downsamples: [false, false, false, false],
    repmixer_kernel_size: 3,
    pos_embs: [false, false, false, false],
    down_patch_size: 7,
    down_stride: 2,
    proj_drop_rate: 0,
    layer_scale_init_value: 1e-5,
    lkc_use_act: false,
    stem_use_scale_branch: true,
    cls_ratio: 2,
    norm_layer: 'batchnorm2d',
    act_layer: 'gelu',
    inference_mode: false,
  },
  signature: [
    ...commonSignature,
    bool('inference_mode'),
    float('proj_drop_rate'),
    float('layer_scale_init_value'),
    ints('layers', 4, { min: 0 }),
    ints('embed_dims', 4, { min: 1 }),
    floats('mlp_ratios', 4),
    int('repmixer_kernel_size', { min: 1 }),
    int('down_patch_size', { min: 1 }),
    int('down_stride', { min: 1 }),
    float('cls_ratio'),
    bool('lkc_use_act'),
    bool('stem_use_scale_branch'),
  ],
  build: buildFastVit,
  variants: {
    fastvit_t8: { layers: [2, 2, 4, 2], embed_dims: [48, 96, 192, 384], mlp_ratios: [3, 3, 3, 3] },
    fastvit_t12: { layers: [2, 2, 6, 2], embed_dims: [64, 128, 256, 512], mlp_ratios: [3, 3, 3, 3] },
    fastvit_s12: { layers: [2, 2, 6, 2], embed_dims: [64, 128, 256, 512], mlp_ratios: [4, 4, 4, 4] },
    fastvit_sa12: { layers: [2, 2, 6, 2], embed_dims: [64, 128, 256, 512], mlp_ratios: [4, 4, 4, 4], ...sa },
    fastvit_sa24: { layers: [4, 4, 12, 4], embed_dims: [64, 128, 256, 512], mlp_ratios: [4, 4, 4, 4], ...sa },
    fastvit_sa36: { layers: [6, 6, 18, 6], embed_dims: [64, 128, 256, 512], mlp_ratios: [4, 4, 4, 4], ...sa },
    fastvit_ma36: { layers: [6, 6, 18, 6], embed_dims: [76, 152, 304, 608], mlp_ratios: [4, 4, 4, 4], ...sa },
    fastvit_mci0: { layers: [2, 6, 10, 2], embed_dims: [64, 128, 256, 512], mlp_ratios: [3, 3, 3, 3], ...mci },
    fastvit_mci1: { layers: [4, 12, 20, 4], embed_dims: [64, 128, 256, 512], mlp_ratios: [3, 3, 3, 3], ...mci },
    fastvit_mci2: { layers: [4, 12, 24, 4], embed_dims: [80, 160, 320, 640], mlp_ratios: [3, 3, 3, 3], ...mci },
    fastvit_mci3: { layers: [2, 12, 24, 4, 2], embed_dims: [96, 192, 384, 768, 1536], mlp_ratios: [4, 4, 4, 4, 4], ...mciLarge },
    fastvit_mci4: { layers: [2, 12, 24, 4, 4], embed_dims: [128, 256, 512, 1024, 2048], mlp_ratios: [4, 4, 4, 4, 4], ...mciLarge },
  },
})
