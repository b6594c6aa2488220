import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, sequential, sequentialNamed } from '../torchvision/core.js'
import { commonSignature, defineFamily, forwardNotModelled, imgSizeSpec } from './family.js'
import type { CommonArgs } from './family.js'
import type { ActName } from './layers/activations.js'
import { classifierHead, normMlpClassifierHead } from './layers/classifier.js'
import { createConv2d } from './layers/conv.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { makeDivisible, pair } from './layers/helpers.js'
import { LayerScale, LayerScale2d } from './layers/layer-scale.js'
import { ConvMlp, Mlp } from './layers/mlp.js'
import { createNormAct } from './layers/norm-act.js'
import { createNorm } from './layers/norm.js'
import type { NormName, NormSpec } from './layers/norm.js'
import { createPool2d } from './layers/pool.js'
import { createRelPos } from './layers/pos-embed-rel.js'
import type { RelPosType } from './layers/pos-embed-rel.js'
import { createAttn } from './layers/squeeze-excite.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear as linearLayer } from '../../layers/linear.js'

/**
 * timm's `MaxxVit` (`timm.models.maxxvit`): CoAtNet (MBConv stages, then transformer stages with a
 * relative position bias over the whole feature map), MaxViT (MBConv + block- and grid-partitioned
 * attention per block), MaxxViT (ConvNeXt blocks instead of MBConv) and the parallel-partition
 * variant, from one configuration of conv and transformer settings. The forward pass is not modelled.
 */

const noForward = forwardNotModelled('MaxxVit')

/** The pooling of `Downsample2d`: 3×3 stride-2 (`max`, `avg`) or 2×2 (`max2`, `avg2`). */
type DownPool = 'max' | 'max2' | 'avg' | 'avg2'

/** `MaxxVitConvCfg`, after its `__post_init__` (norm layers and eps filled in for the block type). */
export interface MaxxVitConvCfg {
  block_type: 'mbconv' | 'convnext'
  expand_ratio: number
  expand_output: boolean
  kernel_size: number
  group_size: number
  pre_norm_act: boolean
  output_bias: boolean
  stride_mode: 'pool' | '1x1' | 'dw'
  pool_type: DownPool
  downsample_pool_type: DownPool
  padding: '' | 'same'
  attn_early: boolean
  attn_layer: 'se'
  attn_act_layer: ActName
  attn_ratio: number
  init_values: number | null
  act_layer: ActName
  norm_layer: NormName
  norm_layer_cl: NormName | ''
  norm_eps: number
}

/** `MaxxVitTransformerCfg`; `window_size` and `grid_size` default to the input size over `partition_ratio`. */
export interface MaxxVitTransformerCfg {
  dim_head: number
  head_first: boolean
  expand_ratio: number
  expand_first: boolean
  shortcut_bias: boolean
  attn_bias: boolean
  attn_drop: number
  proj_drop: number
  pool_type: DownPool
  rel_pos_type: RelPosType
  rel_pos_dim: number
  partition_ratio: number
  window_size: readonly [number, number] | null
  grid_size: readonly [number, number] | null
  no_block_attn: boolean
  use_nchw_attn: boolean
  init_values: number | null
  act_layer: ActName
  norm_layer: NormName
  norm_layer_cl: NormName
  norm_eps: number
}

const convDefaults: MaxxVitConvCfg = {
  block_type: 'mbconv',
  expand_ratio: 4,
  expand_output: true,
  kernel_size: 3,
  group_size: 1,
  pre_norm_act: false,
  output_bias: true,
  stride_mode: 'dw',
  pool_type: 'avg2',
  downsample_pool_type: 'avg2',
  padding: '',
  attn_early: false,
  attn_layer: 'se',
  attn_act_layer: 'silu',
  attn_ratio: 0.25,
  init_values: 1e-6,
  act_layer: 'gelu',
  norm_layer: 'batchnorm2d',
  norm_layer_cl: '',
  norm_eps: 1e-5,
}

const transformerDefaults: MaxxVitTransformerCfg = {
  dim_head: 32,
  head_first: true,
  expand_ratio: 4,
  expand_first: true,
  shortcut_bias: true,
  attn_bias: true,
  attn_drop: 0,
  proj_drop: 0,
  pool_type: 'avg2',
  rel_pos_type: 'bias',
  rel_pos_dim: 512,
  partition_ratio: 32,
  window_size: null,
  grid_size: null,
  no_block_attn: false,
  use_nchw_attn: false,
  init_values: null,
  act_layer: 'gelu',
  norm_layer: 'layernorm2d',
  norm_layer_cl: 'layernorm',
  norm_eps: 1e-6,
}

/** A stage's block kinds: `C` conv, `T` transformer, `M` MaxViT, `PM` parallel MaxViT. */
type BlockKind = 'C' | 'T' | 'M' | 'PM'

/** Arguments of timm's `MaxxVit` (the `MaxxVitCfg` fields flattened in, its conv and transformer settings as overrides). */
export interface MaxxVitArgs extends CommonArgs {
  img_size: number | readonly [number, number]
  embed_dim: readonly number[]
  depths: readonly number[]
  block_type: ReadonlyArray<BlockKind | readonly BlockKind[]>
  stem_width: number | readonly [number, number]
  stem_bias: boolean
  head_hidden_size: number | null
  conv: Partial<MaxxVitConvCfg>
  transformer: Partial<MaxxVitTransformerCfg>
}

/** `Downsample2d(dim, dim_out, pool_type, padding, bias)`: `pool`, then `expand` (a 1×1 conv where the width changes). */
const Downsample2d = defineBlock<{ dim: number; dim_out: number; pool_type: DownPool; padding: '' | 'same'; bias: boolean }>({
  name: 'Downsample2d',
  build(a, m) {
    const pad = (fallback: number): '' | 'same' | number => (a.padding === '' ? fallback : a.padding)
    const pool =
      a.pool_type === 'max'
        ? createPool2d(m, 'max', 3, 2, pad(1))
        : a.pool_type === 'max2'
          ? createPool2d(m, 'max', 2, 2, pad(0))
          : a.pool_type === 'avg'
            ? createPool2d(m, 'avg', 3, 2, pad(1), { count_include_pad: false })
            : createPool2d(m, 'avg', 2, 2, pad(0))
    m.child('pool', pool)
    m.child('expand', a.dim !== a.dim_out ? nn(m, conv2d, { in_channels: a.dim, out_channels: a.dim_out, kernel_size: 1, bias: a.bias }) : nn(m, identity))
  },
  forward: noForward,
})

function downsample(m: ModuleBuilder, dim: number, dimOut: number, poolType: DownPool, bias = true, padding: '' | 'same' = ''): ModuleNode {
  return block(m, Downsample2d, { dim, dim_out: dimOut, pool_type: poolType, padding, bias })
}

function layerScale(m: ModuleBuilder, dim: number, initValues: number | null, channelsFirst: boolean): ModuleNode {
  return initValues ? nn(m, channelsFirst ? LayerScale2d : LayerScale, { dim, init_values: initValues }) : nn(m, identity)
}

function norm(name: NormName, eps: number): NormSpec {
  return [name, { eps }]
}

interface ConvBlockArgs {
  in_chs: number
  out_chs: number
  stride: number
  cfg: MaxxVitConvCfg
  drop_path: number
}

/** `MbConvBlock`: pre-norm, 1×1 expansion, k×k depthwise (strided), squeeze-excite, 1×1 projection; a pooled shortcut when strided. */
const MbConvBlock = defineBlock<ConvBlockArgs>({
  name: 'MbConvBlock',
  build(a, m) {
    const { cfg } = a
    const normAct = (channels: number, applyAct = true): ModuleNode => createNormAct(m, norm(cfg.norm_layer, cfg.norm_eps), channels, { act: cfg.act_layer, applyAct })
    const mid = makeDivisible((cfg.expand_output ? a.out_chs : a.in_chs) * cfg.expand_ratio)
    const groups = cfg.group_size ? mid / cfg.group_size : 1
    m.child('shortcut', a.stride === 2 ? downsample(m, a.in_chs, a.out_chs, cfg.pool_type, cfg.output_bias, cfg.padding) : nn(m, identity))
    const [stridePool, stride1, stride2] = cfg.stride_mode === 'pool' ? [a.stride, 1, 1] : cfg.stride_mode === '1x1' ? [1, a.stride, 1] : [1, 1, a.stride]
    m.child('pre_norm', normAct(a.in_chs, cfg.pre_norm_act))
    m.child('down', stridePool > 1 ? downsample(m, a.in_chs, a.in_chs, cfg.downsample_pool_type, true, cfg.padding) : nn(m, identity))
    m.child('conv1_1x1', createConv2d(m, a.in_chs, mid, 1, { stride: stride1 }))
    m.child('norm1', normAct(mid))
    m.child('conv2_kxk', createConv2d(m, mid, mid, cfg.kernel_size, { stride: stride2, groups, padding: cfg.padding }))
    const se = (): ModuleNode | null => createAttn(m, [cfg.attn_layer, { act: cfg.attn_act_layer, rd_channels: Math.trunc(cfg.attn_ratio * (cfg.expand_output ? a.out_chs : mid)) }], mid)
    if (cfg.attn_early) {
      m.child('se_early', se())
      m.child('norm2', normAct(mid))
    } else {
      m.child('norm2', normAct(mid))
      m.child('se', se())
    }
    m.child('conv3_1x1', createConv2d(m, mid, a.out_chs, 1, { bias: cfg.output_bias }))
    m.child('drop_path', dropPathOrIdentity(m, a.drop_path))
  },
  forward: noForward,
})

/** MaxxViT's `ConvNeXtBlock`: a pooled or 1×1 shortcut, k×k depthwise conv, norm, conv MLP, layer scale. */
const ConvNeXtBlock = defineBlock<ConvBlockArgs>({
  name: 'ConvNeXtBlock',
  build(a, m) {
    const { cfg } = a
    m.child(
      'shortcut',
      a.stride === 2
        ? downsample(m, a.in_chs, a.out_chs, 'avg2')
        : a.in_chs !== a.out_chs
          ? nn(m, conv2d, { in_channels: a.in_chs, out_channels: a.out_chs, kernel_size: 1, bias: cfg.output_bias })
          : nn(m, identity),
    )
    const stridePool = cfg.stride_mode === 'pool' ? a.stride : 1
    m.child('down', stridePool === 2 ? downsample(m, a.in_chs, a.in_chs, cfg.downsample_pool_type) : nn(m, identity))
    m.child('conv_dw', createConv2d(m, a.in_chs, a.out_chs, 7, { stride: cfg.stride_mode === 'pool' ? 1 : a.stride, depthwise: true, bias: cfg.output_bias }))
    m.child('norm', createNorm(m, norm(cfg.norm_layer, cfg.norm_eps), a.out_chs))
    m.child('mlp', block(m, ConvMlp, { in_features: a.out_chs, hidden_features: Math.trunc(cfg.expand_ratio * a.out_chs), bias: cfg.output_bias, act: cfg.act_layer }))
    m.child('ls', layerScale(m, a.out_chs, cfg.init_values, true))
    m.child('drop_path', dropPathOrIdentity(m, a.drop_path))
  },
  forward: noForward,
})

function convBlock(m: ModuleBuilder, args: ConvBlockArgs): ModuleNode {
  return block(m, args.cfg.block_type === 'convnext' ? ConvNeXtBlock : MbConvBlock, args)
}

interface AttentionArgs {
  dim: number
  dim_out: number
  window: readonly [number, number]
  cfg: MaxxVitTransformerCfg
}

/** `Attention2d` (1×1 conv projections on `(N, C, H, W)`) and `AttentionCl` (linear, channels last): `qkv`, `rel_pos`, `proj`. */
function attention(name: 'Attention2d' | 'AttentionCl') {
  return defineBlock<AttentionArgs>({
    name,
    build(a, m) {
      const { cfg } = a
      const dimAttn = name === 'Attention2d' ? (cfg.expand_first ? a.dim_out : a.dim) : cfg.expand_first && a.dim_out > a.dim ? a.dim_out : a.dim
      const linear = (inF: number, outF: number): ModuleNode =>
        name === 'Attention2d' ? nn(m, conv2d, { in_channels: inF, out_channels: outF, kernel_size: 1, bias: cfg.attn_bias }) : nn(m, linearLayer, { in_features: inF, out_features: outF, bias: cfg.attn_bias })
      m.child('qkv', linear(a.dim, dimAttn * 3))
      m.child('rel_pos', createRelPos(m, cfg.rel_pos_type, { window_size: a.window, num_heads: Math.floor(dimAttn / cfg.dim_head), hidden_dim: cfg.rel_pos_dim }))
      m.child('attn_drop', nn(m, dropout, { p: cfg.attn_drop }))
      m.child('proj', linear(dimAttn, a.dim_out))
      m.child('proj_drop', nn(m, dropout, { p: cfg.proj_drop }))
    },
    forward: noForward,
  })
}
const Attention2d = attention('Attention2d')
const AttentionCl = attention('AttentionCl')

/** `TransformerBlock2d`: CoAtNet's transformer block on `(N, C, H, W)`, attention over the whole (downsampled) feature map. */
const TransformerBlock2d = defineBlock<{ dim: number; dim_out: number; stride: number; feat_size: [number, number]; cfg: MaxxVitTransformerCfg; drop_path: number }>({
  name: 'TransformerBlock2d',
  build(a, m) {
    const { cfg } = a
    const normLayer = (dim: number): ModuleNode => createNorm(m, norm(cfg.norm_layer, cfg.norm_eps), dim)
    if (a.stride === 2) {
      m.child('shortcut', downsample(m, a.dim, a.dim_out, cfg.pool_type, cfg.shortcut_bias))
      m.child('norm1', sequentialNamed(m, [['norm', normLayer(a.dim)], ['down', downsample(m, a.dim, a.dim, cfg.pool_type)]]))
    } else {
      m.child('shortcut', nn(m, identity))
      m.child('norm1', normLayer(a.dim))
    }
    m.child('attn', block(m, Attention2d, { dim: a.dim, dim_out: a.dim_out, window: a.feat_size, cfg }))
    m.child('ls1', layerScale(m, a.dim_out, cfg.init_values, true))
    m.child('drop_path1', dropPathOrIdentity(m, a.drop_path))
    m.child('norm2', normLayer(a.dim_out))
    m.child('mlp', block(m, ConvMlp, { in_features: a.dim_out, hidden_features: Math.trunc(a.dim_out * cfg.expand_ratio), act: cfg.act_layer, drop: cfg.proj_drop }))
    m.child('ls2', layerScale(m, a.dim_out, cfg.init_values, true))
    m.child('drop_path2', dropPathOrIdentity(m, a.drop_path))
  },
  forward: noForward,
})

/** The norms, layer scales and MLP around a partition attention: channels last (`LayerNorm`, `Mlp`) or NCHW (`LayerNorm2d`, `ConvMlp`). */
function partitionBlock(m: ModuleBuilder, dim: number, cfg: MaxxVitTransformerCfg, dropPath: number, channelsFirst: boolean, attn: Array<[string, ModuleNode]>): void {
  const normLayer = (): ModuleNode => createNorm(m, norm(channelsFirst ? cfg.norm_layer : cfg.norm_layer_cl, cfg.norm_eps), dim)
  m.child('norm1', normLayer())
  for (const [name, module] of attn) m.child(name, module)
  m.child('ls1', layerScale(m, dim, cfg.init_values, channelsFirst))
  m.child('drop_path1', dropPathOrIdentity(m, dropPath))
  m.child('norm2', normLayer())
  m.child('mlp', block(m, channelsFirst ? ConvMlp : Mlp, { in_features: dim, hidden_features: Math.trunc(dim * cfg.expand_ratio), act: cfg.act_layer, drop: cfg.proj_drop }))
  m.child('ls2', layerScale(m, dim, cfg.init_values, channelsFirst))
  m.child('drop_path2', dropPathOrIdentity(m, dropPath))
}

interface PartitionArgs {
  dim: number
  grid: boolean
  cfg: MaxxVitTransformerCfg
  drop_path: number
}

/** `PartitionAttentionCl` / `PartitionAttention2d`: attention within windows (`block`) or across a dilated grid (`grid`). */
function partitionAttention(name: 'PartitionAttentionCl' | 'PartitionAttention2d') {
  const channelsFirst = name === 'PartitionAttention2d'
  return defineBlock<PartitionArgs>({
    name,
    build(a, m) {
      const window = (a.grid ? a.cfg.grid_size : a.cfg.window_size)!
      partitionBlock(m, a.dim, a.cfg, a.drop_path, channelsFirst, [['attn', block(m, channelsFirst ? Attention2d : AttentionCl, { dim: a.dim, dim_out: a.dim, window, cfg: a.cfg })]])
    },
    forward: noForward,
  })
}
const PartitionAttentionCl = partitionAttention('PartitionAttentionCl')
const PartitionAttention2d = partitionAttention('PartitionAttention2d')

/** `ParallelPartitionAttention`: block and grid attention side by side, each producing half the channels. */
const ParallelPartitionAttention = defineBlock<{ dim: number; cfg: MaxxVitTransformerCfg; drop_path: number }>({
  name: 'ParallelPartitionAttention',
  build(a, m) {
    const attn = (): ModuleNode => block(m, AttentionCl, { dim: a.dim, dim_out: a.dim / 2, window: a.cfg.window_size!, cfg: a.cfg })
    partitionBlock(m, a.dim, a.cfg, a.drop_path, false, [
      ['attn_block', attn()],
      ['attn_grid', attn()],
    ])
  },
  forward: noForward,
})

interface MaxxBlockArgs {
  dim: number
  dim_out: number
  stride: number
  conv: MaxxVitConvCfg
  transformer: MaxxVitTransformerCfg
  drop_path: number
}

/** `MaxxVitBlock`: a conv block, then block-partition (unless disabled) and grid-partition attention. */
const MaxxVitBlock = defineBlock<MaxxBlockArgs>({
  name: 'MaxxVitBlock',
  build(a, m) {
    m.child('conv', convBlock(m, { in_chs: a.dim, out_chs: a.dim_out, stride: a.stride, cfg: a.conv, drop_path: a.drop_path }))
    const partition = a.transformer.use_nchw_attn ? PartitionAttention2d : PartitionAttentionCl
    const args = (grid: boolean): PartitionArgs => ({ dim: a.dim_out, grid, cfg: a.transformer, drop_path: a.drop_path })
    if (!a.transformer.no_block_attn) m.child('attn_block', block(m, partition, args(false)))
    m.child('attn_grid', block(m, partition, args(true)))
  },
  forward: noForward,
})

/** `ParallelMaxxVitBlock`: two conv blocks (`num_conv=2`), then parallel block and grid attention. */
const ParallelMaxxVitBlock = defineBlock<MaxxBlockArgs>({
  name: 'ParallelMaxxVitBlock',
  build(a, m) {
    const conv = (inChs: number, stride: number): ModuleNode => convBlock(m, { in_chs: inChs, out_chs: a.dim_out, stride, cfg: a.conv, drop_path: a.drop_path })
    m.child('conv', sequential(m, [conv(a.dim, a.stride), conv(a.dim_out, 1)]))
    m.child('attn', block(m, ParallelPartitionAttention, { dim: a.dim_out, cfg: a.transformer, drop_path: a.drop_path }))
  },
  forward: noForward,
})

/** `MaxxVitStage`: its `blocks`, the first strided. */
const MaxxVitStage = defineBlock<Record<string, never>>({ name: 'MaxxVitStage', build() {}, forward: noForward })

/** `Stem`: a stride-2 conv, norm + activation, a second conv. */
const Stem = defineBlock<{ in_chs: number; out_chs: [number, number]; padding: '' | 'same'; bias: boolean; act: ActName; norm: NormSpec }>({
  name: 'Stem',
  build(a, m) {
    m.child('conv1', createConv2d(m, a.in_chs, a.out_chs[0], 3, { stride: 2, padding: a.padding, bias: a.bias }))
    m.child('norm1', createNormAct(m, a.norm, a.out_chs[0], { act: a.act }))
    m.child('conv2', createConv2d(m, a.out_chs[0], a.out_chs[1], 3, { padding: a.padding, bias: a.bias }))
  },
  forward: noForward,
})

function buildMaxxVit(a: MaxxVitArgs, m: ModuleBuilder): void {
  const conv: MaxxVitConvCfg = { ...convDefaults, ...a.conv }
  let transformer: MaxxVitTransformerCfg = { ...transformerDefaults, ...a.transformer }
  const img = pair(a.img_size)
  if (transformer.window_size === null) {
    const partition: [number, number] = [Math.floor(img[0] / transformer.partition_ratio), Math.floor(img[1] / transformer.partition_ratio)]
    transformer = { ...transformer, window_size: partition, grid_size: partition }
  }
  const stemWidth = pair(a.stem_width)
  m.child('stem', block(m, Stem, { in_chs: a.in_chans, out_chs: stemWidth, padding: conv.padding, bias: a.stem_bias, act: conv.act_layer, norm: norm(conv.norm_layer, conv.norm_eps) }))
  let feat: [number, number] = [Math.floor(img[0] / 2), Math.floor(img[1] / 2)]
  const rates = dropPathRates(a.drop_path_rate, a.depths.reduce((s, d) => s + d, 0))
  let offset = 0
  let inChs = stemWidth[1]
  const stages: ModuleNode[] = []
  a.embed_dim.forEach((outChs, i) => {
    feat = [Math.floor((feat[0] - 1) / 2) + 1, Math.floor((feat[1] - 1) / 2) + 1]
    const depth = a.depths[i]!
    const kinds = a.block_type[i]!
    const blocks: ModuleNode[] = []
    for (let j = 0; j < depth; j++) {
      const kind = typeof kinds === 'string' ? kinds : kinds[Math.min(j, kinds.length - 1)]!
      const stride = j === 0 ? 2 : 1
      const dropPath = rates[offset + j]!
      const maxx: MaxxBlockArgs = { dim: inChs, dim_out: outChs, stride, conv, transformer, drop_path: dropPath }
      if (kind === 'C') blocks.push(convBlock(m, { in_chs: inChs, out_chs: outChs, stride, cfg: conv, drop_path: dropPath }))
      else if (kind === 'T') blocks.push(block(m, TransformerBlock2d, { dim: inChs, dim_out: outChs, stride, feat_size: feat, cfg: transformer, drop_path: dropPath }))
      else blocks.push(block(m, kind === 'M' ? MaxxVitBlock : ParallelMaxxVitBlock, maxx))
      inChs = outChs
    }
    const stage = block(m, MaxxVitStage, {})
    stage.children.set('blocks', sequential(m, blocks))
    stages.push(stage)
    offset += depth
  })
  m.child('stages', sequential(m, stages))
  const features = a.embed_dim.at(-1)!
  const finalNorm = norm(transformer.norm_layer, transformer.norm_eps)
  if (a.head_hidden_size) {
    m.child('norm', nn(m, identity))
    m.child('head', normMlpClassifierHead(m, { in_features: features, num_classes: a.num_classes, hidden_size: a.head_hidden_size, pool_type: a.global_pool, drop_rate: a.drop_rate, norm: finalNorm, act: 'tanh' }))
  } else {
    m.child('norm', createNorm(m, finalNorm, features))
    m.child('head', classifierHead(m, { in_features: features, num_classes: a.num_classes, pool_type: a.global_pool, drop_rate: a.drop_rate }))
  }
}

/** timm's `MaxxVit` and its models (CoAtNet, MaxViT, MaxxViT, MaxxViT-V2). */
export const maxxvit = defineFamily<MaxxVitArgs>({
  module: 'maxxvit',
  className: 'MaxxVit',
  defaults: {
    img_size: 224,
    in_chans: 3,
    num_classes: 1000,
    global_pool: 'avg',
    drop_rate: 0,
    drop_path_rate: 0,
    embed_dim: [96, 192, 384, 768],
    depths: [2, 3, 5, 2],
    block_type: ['C', 'C', 'T', 'T'],
    stem_width: 64,
    stem_bias: false,
    head_hidden_size: null,
    conv: {},
    transformer: {},
  },
  signature: [imgSizeSpec, ...commonSignature],
  takesImgSize: true,
  validate(a, fail) {
    const img = pair(a.img_size)
    const ratio = a.transformer.partition_ratio ?? transformerDefaults.partition_ratio
    if (img.some((s) => s < ratio)) fail('img_size', `\`img_size\` must be at least ${ratio} for MaxxViT's attention partitions, got ${img.join('×')}.`)
  },
  build: buildMaxxVit,
  variants: {
    coatnet_0_224: { head_hidden_size: 768 },
    coatnet_0_rw_224: { depths: [2, 3, 7, 2], stem_width: [32, 64], conv: { expand_output: false, pre_norm_act: true, output_bias: false, stride_mode: 'pool', attn_early: true, attn_act_layer: 'relu', act_layer: 'silu' }, transformer: { expand_first: false, shortcut_bias: false } },
    coatnet_1_224: { depths: [2, 6, 14, 2], head_hidden_size: 768 },
    coatnet_1_rw_224: { depths: [2, 6, 14, 2], stem_width: [32, 64], conv: { expand_output: false, pre_norm_act: true, output_bias: false, attn_early: true, attn_act_layer: 'relu', act_layer: 'silu' }, transformer: { expand_first: false, shortcut_bias: false } },
    coatnet_2_224: { embed_dim: [128, 256, 512, 1024], depths: [2, 6, 14, 2], stem_width: 128, head_hidden_size: 1024 },
    coatnet_2_rw_224: { embed_dim: [128, 256, 512, 1024], depths: [2, 6, 14, 2], stem_width: [64, 128], conv: { expand_output: false, pre_norm_act: true, output_bias: false, act_layer: 'silu' }, transformer: { expand_first: false } },
    coatnet_3_224: { embed_dim: [192, 384, 768, 1536], depths: [2, 6, 14, 2], stem_width: 192, head_hidden_size: 1536 },
    coatnet_3_rw_224: { embed_dim: [192, 384, 768, 1536], depths: [2, 6, 14, 2], stem_width: [96, 192], conv: { expand_output: false, pre_norm_act: true, output_bias: false, act_layer: 'silu' }, transformer: { expand_first: false, init_values: 1e-06 } },
    coatnet_4_224: { embed_dim: [192, 384, 768, 1536], depths: [2, 12, 28, 2], stem_width: 192, head_hidden_size: 1536 },
    coatnet_5_224: { embed_dim: [256, 512, 1280, 2048], depths: [2, 12, 28, 2], stem_width: 192, head_hidden_size: 2048 },
    coatnet_bn_0_rw_224: { depths: [2, 3, 7, 2], stem_width: [32, 64], conv: { expand_output: false, pre_norm_act: true, output_bias: false, attn_early: true, attn_act_layer: 'relu', act_layer: 'silu' }, transformer: { expand_first: false, shortcut_bias: false, norm_layer: 'batchnorm2d' } },
    coatnet_nano_cc_224: { embed_dim: [64, 128, 256, 512], depths: [3, 4, 6, 3], block_type: ['C', 'C', ['C', 'T'], ['C', 'T']], stem_width: [32, 64], conv: { expand_output: false, pre_norm_act: true, output_bias: false, stride_mode: 'pool', attn_act_layer: 'relu', act_layer: 'silu' }, transformer: { expand_first: false } },
    coatnet_nano_rw_224: { embed_dim: [64, 128, 256, 512], depths: [3, 4, 6, 3], stem_width: [32, 64], conv: { expand_output: false, stride_mode: 'pool', act_layer: 'silu' }, transformer: { expand_first: false } },
    coatnet_pico_rw_224: { embed_dim: [64, 128, 256, 512], stem_width: [32, 64], conv: { expand_output: false, act_layer: 'silu' }, transformer: { expand_first: false } },
    coatnet_rmlp_0_rw_224: { depths: [2, 3, 7, 2], stem_width: [32, 64], conv: { expand_output: false, pre_norm_act: true, output_bias: false, attn_act_layer: 'relu', act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp' } },
    coatnet_rmlp_1_rw2_224: { depths: [2, 6, 14, 2], stem_width: [32, 64], conv: { expand_output: false, pre_norm_act: true, output_bias: false, attn_act_layer: 'relu', act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp' } },
    coatnet_rmlp_1_rw_224: { depths: [2, 6, 14, 2], stem_width: [32, 64], conv: { expand_output: false, pre_norm_act: true, output_bias: false, stride_mode: 'pool', pool_type: 'max', attn_early: true, attn_act_layer: 'relu', act_layer: 'silu' }, transformer: { expand_first: false, shortcut_bias: false, pool_type: 'max', rel_pos_type: 'mlp', rel_pos_dim: 384 } },
    coatnet_rmlp_2_rw_224: { embed_dim: [128, 256, 512, 1024], depths: [2, 6, 14, 2], stem_width: [64, 128], conv: { expand_output: false, pre_norm_act: true, output_bias: false, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp', init_values: 1e-06 } },
    coatnet_rmlp_2_rw_384: { embed_dim: [128, 256, 512, 1024], depths: [2, 6, 14, 2], stem_width: [64, 128], conv: { expand_output: false, pre_norm_act: true, output_bias: false, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp', init_values: 1e-06 } },
    coatnet_rmlp_3_rw_224: { embed_dim: [192, 384, 768, 1536], depths: [2, 6, 14, 2], stem_width: [96, 192], conv: { expand_output: false, pre_norm_act: true, output_bias: false, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp', init_values: 1e-06 } },
    coatnet_rmlp_nano_rw_224: { embed_dim: [64, 128, 256, 512], depths: [3, 4, 6, 3], stem_width: [32, 64], conv: { expand_output: false, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp', rel_pos_dim: 384 } },
    coatnext_nano_rw_224: { embed_dim: [64, 128, 256, 512], depths: [3, 4, 6, 3], stem_width: [32, 64], conv: { block_type: 'convnext', expand_output: false, init_values: 1e-05, norm_layer: 'layernorm2d', norm_layer_cl: 'layernorm', norm_eps: 1e-06 }, transformer: { expand_first: false } },
    maxvit_base_tf_224: { depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_bias: true, head_hidden_size: 768, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_base_tf_384: { depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_bias: true, head_hidden_size: 768, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_base_tf_512: { depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_bias: true, head_hidden_size: 768, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_large_tf_224: { embed_dim: [128, 256, 512, 1024], depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: 128, stem_bias: true, head_hidden_size: 1024, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_large_tf_384: { embed_dim: [128, 256, 512, 1024], depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: 128, stem_bias: true, head_hidden_size: 1024, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_large_tf_512: { embed_dim: [128, 256, 512, 1024], depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: 128, stem_bias: true, head_hidden_size: 1024, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_nano_rw_256: { embed_dim: [64, 128, 256, 512], depths: [1, 2, 3, 1], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false } },
    maxvit_pico_rw_256: { embed_dim: [32, 64, 128, 256], depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [24, 32], conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false } },
    maxvit_rmlp_base_rw_224: { depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], head_hidden_size: 768, conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp' } },
    maxvit_rmlp_base_rw_384: { depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], head_hidden_size: 768, conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp' } },
    maxvit_rmlp_nano_rw_256: { embed_dim: [64, 128, 256, 512], depths: [1, 2, 3, 1], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp' } },
    maxvit_rmlp_pico_rw_256: { embed_dim: [32, 64, 128, 256], depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [24, 32], conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp' } },
    maxvit_rmlp_small_rw_224: { depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp', init_values: 1e-06 } },
    maxvit_rmlp_small_rw_256: { depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp', init_values: 1e-06 } },
    maxvit_rmlp_tiny_rw_256: { embed_dim: [64, 128, 256, 512], depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false, rel_pos_type: 'mlp' } },
    maxvit_small_tf_224: { depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_bias: true, head_hidden_size: 768, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_small_tf_384: { depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_bias: true, head_hidden_size: 768, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_small_tf_512: { depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_bias: true, head_hidden_size: 768, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_tiny_pm_256: { embed_dim: [64, 128, 256, 512], depths: [2, 2, 5, 2], block_type: ['PM', 'PM', 'PM', 'PM'], stem_width: [32, 64], conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false } },
    maxvit_tiny_rw_224: { embed_dim: [64, 128, 256, 512], depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false } },
    maxvit_tiny_rw_256: { embed_dim: [64, 128, 256, 512], depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], conv: { expand_output: false, output_bias: false, attn_ratio: 0.0625, act_layer: 'silu' }, transformer: { expand_first: false } },
    maxvit_tiny_tf_224: { embed_dim: [64, 128, 256, 512], depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_bias: true, head_hidden_size: 512, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_tiny_tf_384: { embed_dim: [64, 128, 256, 512], depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_bias: true, head_hidden_size: 512, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_tiny_tf_512: { embed_dim: [64, 128, 256, 512], depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_bias: true, head_hidden_size: 512, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_xlarge_tf_224: { embed_dim: [192, 384, 768, 1536], depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: 192, stem_bias: true, head_hidden_size: 1536, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_xlarge_tf_384: { embed_dim: [192, 384, 768, 1536], depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: 192, stem_bias: true, head_hidden_size: 1536, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxvit_xlarge_tf_512: { embed_dim: [192, 384, 768, 1536], depths: [2, 6, 14, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: 192, stem_bias: true, head_hidden_size: 1536, conv: { padding: 'same', act_layer: 'gelu_tanh', norm_eps: 0.001 }, transformer: { head_first: false, rel_pos_type: 'bias_tf', act_layer: 'gelu_tanh', norm_eps: 1e-05 } },
    maxxvit_rmlp_nano_rw_256: { embed_dim: [64, 128, 256, 512], depths: [1, 2, 3, 1], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], conv: { block_type: 'convnext', expand_output: false, norm_layer: 'layernorm2d', norm_layer_cl: 'layernorm', norm_eps: 1e-06 }, transformer: { expand_first: false, rel_pos_type: 'mlp', init_values: 1e-06 } },
    maxxvit_rmlp_small_rw_256: { depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [48, 96], conv: { block_type: 'convnext', expand_output: false, norm_layer: 'layernorm2d', norm_layer_cl: 'layernorm', norm_eps: 1e-06 }, transformer: { expand_first: false, rel_pos_type: 'mlp', init_values: 1e-06 } },
    maxxvit_rmlp_tiny_rw_256: { embed_dim: [64, 128, 256, 512], depths: [2, 2, 5, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [32, 64], conv: { block_type: 'convnext', expand_output: false, norm_layer: 'layernorm2d', norm_layer_cl: 'layernorm', norm_eps: 1e-06 }, transformer: { expand_first: false, rel_pos_type: 'mlp', init_values: 1e-06 } },
    maxxvitv2_nano_rw_256: { depths: [1, 2, 3, 1], block_type: ['M', 'M', 'M', 'M'], stem_width: [48, 96], conv: { block_type: 'convnext', expand_output: false, norm_layer: 'layernorm2d', norm_layer_cl: 'layernorm', norm_eps: 1e-06 }, transformer: { expand_first: false, no_block_attn: true, init_values: 1e-06 } },
    maxxvitv2_rmlp_base_rw_224: { embed_dim: [128, 256, 512, 1024], depths: [2, 6, 12, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [64, 128], conv: { block_type: 'convnext', expand_output: false, norm_layer: 'layernorm2d', norm_layer_cl: 'layernorm', norm_eps: 1e-06 }, transformer: { expand_first: false, rel_pos_type: 'mlp', no_block_attn: true, init_values: 1e-06 } },
    maxxvitv2_rmlp_base_rw_384: { embed_dim: [128, 256, 512, 1024], depths: [2, 6, 12, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [64, 128], conv: { block_type: 'convnext', expand_output: false, norm_layer: 'layernorm2d', norm_layer_cl: 'layernorm', norm_eps: 1e-06 }, transformer: { expand_first: false, rel_pos_type: 'mlp', no_block_attn: true, init_values: 1e-06 } },
    maxxvitv2_rmlp_large_rw_224: { embed_dim: [160, 320, 640, 1280], depths: [2, 6, 16, 2], block_type: ['M', 'M', 'M', 'M'], stem_width: [80, 160], head_hidden_size: 1280, conv: { block_type: 'convnext', expand_output: false, norm_layer: 'layernorm2d', norm_layer_cl: 'layernorm', norm_eps: 1e-06 }, transformer: { expand_first: false, rel_pos_type: 'mlp', no_block_attn: true, init_values: 1e-06 } },
  },
})

