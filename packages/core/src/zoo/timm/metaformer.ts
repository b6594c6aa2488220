import { bool, float, int } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import { showValue, typeName } from '../../contract/values.js'
import type { Value } from '../../contract/values.js'
import { NnsizeError } from '../../errors.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, sequential, sequentialNamed } from '../torchvision/core.js'
import { actLayerSpec, commonSignature, defineFamily, forwardNotModelled, ignoredSpecs } from './family.js'
import type { ActName } from './layers/activations.js'
import type { CommonArgs } from './family.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { subclass } from './layers/helpers.js'
import { Mlp } from './layers/mlp.js'
import { createNorm } from './layers/norm.js'
import { selectAdaptivePool } from './layers/pool.js'
import { relu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'
import { avgPool2d } from '../../layers/pool.js'
import { flatten } from '../../layers/reshape.js'
import { groupNorm, layerNorm } from '../../layers/norm.js'

/**
 * timm's `MetaFormer` (`timm.models.metaformer`): PoolFormer (v1, v2), ConvFormer and CAFormer,
 * blocks of a token mixer (pooling, separable convolution or attention) and an MLP, with
 * bias-free norms, `StarReLU` and res-scale layers.
 */

const noForward = forwardNotModelled('MetaFormer')

/** The norm classes MetaFormer uses, by timm's class names. */
export type MetaNorm = 'LayerNorm2dNoBias' | 'LayerNormNoBias' | 'GroupNorm1NoBias' | 'GroupNorm1' | 'LayerNorm2d'

const NoBias = (name: string) => defineBlock({ name, build() {}, forward: noForward })
const norms: Record<'LayerNorm2dNoBias' | 'LayerNormNoBias' | 'GroupNorm1NoBias', ReturnType<typeof NoBias>> = {
  LayerNorm2dNoBias: NoBias('LayerNorm2dNoBias'),
  LayerNormNoBias: NoBias('LayerNormNoBias'),
  GroupNorm1NoBias: NoBias('GroupNorm1NoBias'),
}

/** A MetaFormer norm layer: the bias-free ones keep `bias` registered as `None`. */
function metaNorm(m: ModuleBuilder, name: MetaNorm, channels: number): ModuleNode {
  if (name === 'GroupNorm1') return createNorm(m, 'groupnorm1', channels)
  if (name === 'LayerNorm2d') return createNorm(m, 'layernorm2d', channels)
  const node =
    name === 'GroupNorm1NoBias'
      ? subclass(m, groupNorm, { num_groups: 1, num_channels: channels, eps: 1e-6 }, norms[name])
      : subclass(m, layerNorm, { normalized_shape: [channels], eps: name === 'LayerNormNoBias' ? 1e-5 : 1e-6 }, norms[name])
  node.params.set('bias', null)
  return node
}

/** `StarReLU`: `scale * relu(x) ** 2 + bias`, one learned scale and bias. */
const StarReLU = defineBlock<Record<string, never>>({
  name: 'StarReLU',
  build(_a, m) {
    m.child('relu', nn(m, relu, { inplace: false }))
    m.param('scale', [1])
    m.param('bias', [1])
  },
  forward: noForward,
})

/** `SquaredReLU`: `relu(x) ** 2`. */
const SquaredReLU = defineBlock<Record<string, never>>({
  name: 'SquaredReLU',
  build(_a, m) {
    m.child('relu', nn(m, relu, { inplace: false }))
  },
  forward: noForward,
})

/** `Scale`: a learned per-channel scale (layer scale or res scale). */
const Scale = defineBlock<{ dim: number }>({
  name: 'Scale',
  build(a, m) {
    m.param('scale', [a.dim])
  },
  forward: noForward,
})

/**
 * The token mixers' own keywords, which `MetaFormer(**kwargs)` hands every mixer (each reads its own and ignores the
 * rest): `SepConv`'s `expansion_ratio`, `bias`, `kernel_size`, `padding`; `Attention`'s `head_dim`, `num_heads`,
 * `qkv_bias`, `proj_bias`; `Pooling`'s `pool_size`.
 */
export interface MixerArgs {
  expansion_ratio: number
  bias: boolean
  kernel_size: number
  padding: number
  head_dim: number
  num_heads: number | null
  qkv_bias: boolean
  proj_bias: boolean
  pool_size: number
}

const mixerDefaults: MixerArgs = { expansion_ratio: 2, bias: false, kernel_size: 7, padding: 3, head_dim: 32, num_heads: null, qkv_bias: false, proj_bias: false, pool_size: 3 }

/** `SepConv`: 1×1 expansion, `StarReLU`, depthwise k×k, 1×1 projection (no biases by default). */
const SepConv = defineBlock<{ dim: number; mixer: MixerArgs }>({
  name: 'SepConv',
  build({ dim, mixer: x }, m) {
    const mid = Math.trunc(x.expansion_ratio * dim)
    m.child('pwconv1', nn(m, conv2d, { in_channels: dim, out_channels: mid, kernel_size: 1, bias: x.bias }))
    m.child('act1', block(m, StarReLU, {}))
    m.child('dwconv', nn(m, conv2d, { in_channels: mid, out_channels: mid, kernel_size: x.kernel_size, padding: x.padding, groups: mid, bias: x.bias }))
    m.child('act2', nn(m, identity))
    m.child('pwconv2', nn(m, conv2d, { in_channels: mid, out_channels: dim, kernel_size: 1, bias: x.bias }))
  },
  forward: noForward,
})

/** `Pooling` (PoolFormer): average pooling (3×3 by default) minus the input. */
const Pooling = defineBlock<{ dim: number; mixer: MixerArgs }>({
  name: 'Pooling',
  build({ mixer: x }, m) {
    m.child('pool', nn(m, avgPool2d, { kernel_size: x.pool_size, stride: 1, padding: Math.floor(x.pool_size / 2), count_include_pad: false }))
  },
  forward: noForward,
})

/** MetaFormer's `Attention`: heads of `head_dim` (32) channels, `dim // head_dim` of them (at least one), `qkv` and `proj` without biases by default. */
const Attention = defineBlock<{ dim: number; mixer: MixerArgs }>({
  name: 'Attention',
  build({ dim, mixer: x }, m) {
    const heads = x.num_heads || Math.floor(dim / x.head_dim) || 1
    const attnDim = heads * x.head_dim
    m.child('qkv', nn(m, linear, { in_features: dim, out_features: attnDim * 3, bias: x.qkv_bias }))
    m.child('attn_drop', nn(m, dropout, { p: 0 }))
    m.child('proj', nn(m, linear, { in_features: attnDim, out_features: dim, bias: x.proj_bias }))
    m.child('proj_drop', nn(m, dropout, { p: 0 }))
  },
  forward: noForward,
})

/** Token mixers by timm's class names. */
export type TokenMixer = 'Pooling' | 'SepConv' | 'Attention'
const mixers = { Pooling, SepConv, Attention }

interface BlockArgs {
  dim: number
  mixer: TokenMixer
  mixer_args: MixerArgs
  mlp_act: MlpAct
  mlp_bias: boolean
  norm: MetaNorm
  drop_path: number
  layer_scale: number | null
  res_scale: number | null
}

/** `MetaFormerBlock`: norm, token mixer, drop path, layer scale and res scale; then the same around an MLP. */
const MetaFormerBlock = defineBlock<BlockArgs>({
  name: 'MetaFormerBlock',
  build(a, m) {
    const scale = (init: number | null): ModuleNode => (init !== null ? block(m, Scale, { dim: a.dim }) : nn(m, identity))
    m.child('norm1', metaNorm(m, a.norm, a.dim))
    m.child('token_mixer', block(m, mixers[a.mixer], { dim: a.dim, mixer: a.mixer_args }))
    m.child('drop_path1', dropPathOrIdentity(m, a.drop_path))
    m.child('layer_scale1', scale(a.layer_scale))
    m.child('res_scale1', scale(a.res_scale))
    m.child('norm2', metaNorm(m, a.norm, a.dim))
    const mlp = block(m, Mlp, { in_features: a.dim, hidden_features: 4 * a.dim, act: a.mlp_act === 'StarReLU' ? 'gelu' : a.mlp_act, bias: a.mlp_bias, use_conv: a.mixer !== 'Attention' })
    if (a.mlp_act === 'StarReLU') mlp.children.set('act', block(m, StarReLU, {}))
    m.child('mlp', mlp)
    m.child('drop_path2', dropPathOrIdentity(m, a.drop_path))
    m.child('layer_scale2', scale(a.layer_scale))
    m.child('res_scale2', scale(a.res_scale))
  },
  forward: noForward,
})

/** `MetaFormerStage`: `downsample` (norm + strided 3×3 convolution after the first stage) and `blocks`. */
const MetaFormerStage = defineBlock<Record<string, never>>({ name: 'MetaFormerStage', build() {}, forward: noForward })
/** `Stem`: a 7×7 stride-4 convolution and a norm. */
const Stem = defineBlock<Record<string, never>>({ name: 'Stem', build() {}, forward: noForward })
/** `Downsampling`: a norm and a strided convolution. */
const Downsampling = defineBlock<Record<string, never>>({ name: 'Downsampling', build() {}, forward: noForward })

/** `MlpHead`: `fc1` to 4 × dim, `SquaredReLU`, LayerNorm, dropout, `fc2`. */
const MlpHead = defineBlock<{ dim: number; num_classes: number; drop_rate: number }>({
  name: 'MlpHead',
  build(a, m) {
    const hidden = 4 * a.dim
    m.child('fc1', nn(m, linear, { in_features: a.dim, out_features: hidden }))
    m.child('act', block(m, SquaredReLU, {}))
    m.child('norm', createNorm(m, 'layernorm', hidden))
    m.child('fc2', nn(m, linear, { in_features: hidden, out_features: a.num_classes }))
    m.child('head_drop', nn(m, dropout, { p: a.drop_rate }))
  },
  forward: noForward,
})

/** The MLP activation: MetaFormer's own `StarReLU` or a `torch.nn` activation class. */
type MlpAct = 'StarReLU' | ActName

/** Arguments of timm's `MetaFormer` (with the token mixers' own, which its `**kwargs` passes on). */
export interface MetaFormerArgs extends CommonArgs, MixerArgs {
  depths: readonly number[]
  dims: readonly number[]
  token_mixers: TokenMixer | readonly TokenMixer[]
  mlp_act: MlpAct
  mlp_bias: boolean
  layer_scale_init_values: number | null | ReadonlyArray<number | null>
  res_scale_init_values: number | null | ReadonlyArray<number | null>
  downsample_norm: MetaNorm | null
  norm_layers: MetaNorm | readonly MetaNorm[]
  use_mlp_head: boolean
}

const perStage = <T>(value: T | readonly T[], n: number): T[] => (Array.isArray(value) ? [...(value as readonly T[])] : new Array<T>(n).fill(value as T))

/** `layer_scale_init_values` and `res_scale_init_values`: one init value (a `Scale` layer) or one per stage, `None` for none. */
function scaleInitSpec(name: string): ArgSpec<number | ReadonlyArray<number | null>> {
  const one = (v: Value): number | null | undefined => (v.kind === 'float' ? v.value : v.kind === 'int' ? Number(v.value) : v.kind === 'none' ? null : undefined)
  return {
    name,
    required: true,
    coerce(value, span, argName) {
      const single = one(value)
      if (typeof single === 'number') return single
      if (value.kind === 'tuple' || value.kind === 'list') {
        const values = value.items.map(one)
        if (values.every((v) => v !== undefined)) return values as Array<number | null>
      }
      throw new NnsizeError('argument-type', `\`${argName}\` must be a number or one number (or None) per stage, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
    },
  }
}

/** Keywords `MetaFormer` passes its stages and blocks itself: given to `create_model`, Python's `TypeError`. */
const metaCollisions: ReadonlySet<string> = new Set(['in_chs', 'out_chs', 'depth', 'token_mixer', 'downsample_norm', 'norm_layer', 'proj_drop', 'dp_rates', 'layer_scale_init_value', 'res_scale_init_value', 'dim', 'drop_path', 'use_nchw'])

/** timm's `MetaFormer` and its models. */
export const metaformer = defineFamily<MetaFormerArgs>({
  module: 'metaformer',
  className: 'MetaFormer',
  defaults: {
    in_chans: 3,
    num_classes: 1000,
    global_pool: 'avg',
    depths: [2, 2, 6, 2],
    dims: [64, 128, 320, 512],
    token_mixers: 'Pooling',
    mlp_act: 'StarReLU',
    mlp_bias: false,
    drop_path_rate: 0,
    drop_rate: 0,
    layer_scale_init_values: null,
    res_scale_init_values: [null, null, 1, 1],
    downsample_norm: 'LayerNorm2dNoBias',
    norm_layers: 'LayerNorm2dNoBias',
    use_mlp_head: true,
    ...mixerDefaults,
  },
  signature: [
    ...commonSignature,
    bool('use_mlp_head'),
    bool('mlp_bias'),
    actLayerSpec('mlp_act', { classOnly: true }),
    scaleInitSpec('layer_scale_init_values'),
    scaleInitSpec('res_scale_init_values'),
    // Dropout changes no tensor, and the forward pass is not modelled.
    ...ignoredSpecs('proj_drop_rate'),
    // the token mixers' keywords, passed on by `**kwargs`
    float('expansion_ratio'),
    bool('bias'),
    int('kernel_size', { min: 1 }),
    int('padding', { min: 0 }),
    int('head_dim', { min: 1 }),
    int('num_heads', { min: 1 }),
    bool('qkv_bias'),
    bool('proj_bias'),
    int('pool_size', { min: 1 }),
    ...ignoredSpecs('attn_drop'),
  ],
  // Each model function builds `dict(depths=…, dims=…, token_mixers=…, norm_layers=…, **kwargs)`.
  builderKeywords: {},
  // `MetaFormer(**kwargs)` hands other keywords to every stage, block and token mixer.
  otherKeywords: { collide: metaCollisions, refuse: (name) => (name === 'act1_layer' || name === 'act2_layer' ? "MetaFormer passes it on to `SepConv`, whose activation classes nnsize does not take (MetaFormer's `StarReLU` is not in the expression language)" : undefined) },
  validate(a, fail) {
    const n = a.depths.length
    for (const key of ['layer_scale_init_values', 'res_scale_init_values'] as const) {
      const v = a[key]
      if (Array.isArray(v) && v.length < n) fail(key, `\`${key}\` needs one value per stage (${n}), got ${v.length} (IndexError: list index out of range).`)
    }
  },
  build(a, m) {
    const n = a.depths.length
    const mixers = perStage(a.token_mixers, n)
    const normLayers = perStage(a.norm_layers, n)
    const layerScales = perStage(a.layer_scale_init_values, n)
    const resScales = perStage(a.res_scale_init_values, n)
    const mixerArgs = Object.fromEntries(Object.keys(mixerDefaults).map((key) => [key, a[key as keyof MixerArgs]])) as unknown as MixerArgs
    const stem = block(m, Stem, {})
    stem.children.set('conv', nn(m, conv2d, { in_channels: a.in_chans, out_channels: a.dims[0]!, kernel_size: 7, stride: 4, padding: 2 }))
    stem.children.set('norm', a.downsample_norm ? metaNorm(m, a.downsample_norm, a.dims[0]!) : nn(m, identity))
    m.child('stem', stem)
    const rates = dropPathRates(a.drop_path_rate, a.depths.reduce((s, d) => s + d, 0))
    let prev = a.dims[0]!
    let offset = 0
    const stages: ModuleNode[] = []
    for (let i = 0; i < n; i++) {
      const stage = block(m, MetaFormerStage, {})
      if (prev === a.dims[i]) {
        stage.children.set('downsample', nn(m, identity))
      } else {
        const down = block(m, Downsampling, {})
        down.children.set('norm', a.downsample_norm ? metaNorm(m, a.downsample_norm, prev) : nn(m, identity))
        down.children.set('conv', nn(m, conv2d, { in_channels: prev, out_channels: a.dims[i]!, kernel_size: 3, stride: 2, padding: 1 }))
        stage.children.set('downsample', down)
      }
      const blocks: ModuleNode[] = []
      for (let j = 0; j < a.depths[i]!; j++) {
        blocks.push(block(m, MetaFormerBlock, { dim: a.dims[i]!, mixer: mixers[i]!, mixer_args: mixerArgs, mlp_act: a.mlp_act, mlp_bias: a.mlp_bias, norm: normLayers[i]!, drop_path: rates[offset + j]!, layer_scale: layerScales[i]!, res_scale: resScales[i]! }))
      }
      stage.children.set('blocks', sequential(m, blocks))
      stages.push(stage)
      prev = a.dims[i]!
      offset += a.depths[i]!
    }
    m.child('stages', sequential(m, stages))
    const features = a.dims.at(-1)!
    const fc = a.num_classes > 0 ? (a.use_mlp_head ? block(m, MlpHead, { dim: features, num_classes: a.num_classes, drop_rate: a.drop_rate }) : nn(m, linear, { in_features: features, out_features: a.num_classes })) : nn(m, identity)
    m.child(
      'head',
      sequentialNamed(m, [
        ['global_pool', selectAdaptivePool(m, a.global_pool, false)],
        ['norm', createNorm(m, 'layernorm2d', features)],
        ['flatten', a.global_pool ? nn(m, flatten, { start_dim: 1 }) : nn(m, identity)],
        ['drop', a.use_mlp_head ? nn(m, dropout, { p: a.drop_rate }) : nn(m, identity)],
        ['fc', fc],
      ]),
    )
  },
  variants: {
    caformer_b36: { depths: [3, 12, 18, 3], dims: [128, 256, 512, 768], token_mixers: ['SepConv', 'SepConv', 'Attention', 'Attention'], norm_layers: ['LayerNorm2dNoBias', 'LayerNorm2dNoBias', 'LayerNormNoBias', 'LayerNormNoBias'] },
    caformer_m36: { depths: [3, 12, 18, 3], dims: [96, 192, 384, 576], token_mixers: ['SepConv', 'SepConv', 'Attention', 'Attention'], norm_layers: ['LayerNorm2dNoBias', 'LayerNorm2dNoBias', 'LayerNormNoBias', 'LayerNormNoBias'] },
    caformer_s18: { depths: [3, 3, 9, 3], dims: [64, 128, 320, 512], token_mixers: ['SepConv', 'SepConv', 'Attention', 'Attention'], norm_layers: ['LayerNorm2dNoBias', 'LayerNorm2dNoBias', 'LayerNormNoBias', 'LayerNormNoBias'] },
    caformer_s36: { depths: [3, 12, 18, 3], dims: [64, 128, 320, 512], token_mixers: ['SepConv', 'SepConv', 'Attention', 'Attention'], norm_layers: ['LayerNorm2dNoBias', 'LayerNorm2dNoBias', 'LayerNormNoBias', 'LayerNormNoBias'] },
    convformer_b36: { depths: [3, 12, 18, 3], dims: [128, 256, 512, 768], token_mixers: 'SepConv', norm_layers: 'LayerNorm2dNoBias' },
    convformer_m36: { depths: [3, 12, 18, 3], dims: [96, 192, 384, 576], token_mixers: 'SepConv', norm_layers: 'LayerNorm2dNoBias' },
    convformer_s18: { depths: [3, 3, 9, 3], dims: [64, 128, 320, 512], token_mixers: 'SepConv', norm_layers: 'LayerNorm2dNoBias' },
    convformer_s36: { depths: [3, 12, 18, 3], dims: [64, 128, 320, 512], token_mixers: 'SepConv', norm_layers: 'LayerNorm2dNoBias' },
    poolformer_m36: { depths: [6, 6, 18, 6], dims: [96, 192, 384, 768], downsample_norm: null, mlp_act: 'gelu', mlp_bias: true, norm_layers: 'GroupNorm1', layer_scale_init_values: 1e-06, res_scale_init_values: null, use_mlp_head: false },
    poolformer_m48: { depths: [8, 8, 24, 8], dims: [96, 192, 384, 768], downsample_norm: null, mlp_act: 'gelu', mlp_bias: true, norm_layers: 'GroupNorm1', layer_scale_init_values: 1e-06, res_scale_init_values: null, use_mlp_head: false },
    poolformer_s12: { depths: [2, 2, 6, 2], dims: [64, 128, 320, 512], downsample_norm: null, mlp_act: 'gelu', mlp_bias: true, norm_layers: 'GroupNorm1', layer_scale_init_values: 1e-05, res_scale_init_values: null, use_mlp_head: false },
    poolformer_s24: { depths: [4, 4, 12, 4], dims: [64, 128, 320, 512], downsample_norm: null, mlp_act: 'gelu', mlp_bias: true, norm_layers: 'GroupNorm1', layer_scale_init_values: 1e-05, res_scale_init_values: null, use_mlp_head: false },
    poolformer_s36: { depths: [6, 6, 18, 6], dims: [64, 128, 320, 512], downsample_norm: null, mlp_act: 'gelu', mlp_bias: true, norm_layers: 'GroupNorm1', layer_scale_init_values: 1e-06, res_scale_init_values: null, use_mlp_head: false },
    poolformerv2_m36: { depths: [6, 6, 18, 6], dims: [96, 192, 384, 768], norm_layers: 'GroupNorm1NoBias', use_mlp_head: false },
    poolformerv2_m48: { depths: [8, 8, 24, 8], dims: [96, 192, 384, 768], norm_layers: 'GroupNorm1NoBias', use_mlp_head: false },
    poolformerv2_s12: { depths: [2, 2, 6, 2], dims: [64, 128, 320, 512], norm_layers: 'GroupNorm1NoBias', use_mlp_head: false },
    poolformerv2_s24: { depths: [4, 4, 12, 4], dims: [64, 128, 320, 512], norm_layers: 'GroupNorm1NoBias', use_mlp_head: false },
    poolformerv2_s36: { depths: [6, 6, 18, 6], dims: [64, 128, 320, 512], norm_layers: 'GroupNorm1NoBias', use_mlp_head: false },
  },
})
