import { bool, float, int, str } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import { showValue, typeName } from '../../contract/values.js'
import type { Value } from '../../contract/values.js'
import { NnsizeError } from '../../errors.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, sequential } from '../torchvision/core.js'
import { actLayerSpec, defineFamily, forwardNotModelled, ignoredSpecs, imgSizeSpec } from './family.js'
import type { ActName } from './layers/activations.js'
import { dropPathOrIdentity } from './layers/drop.js'
import { pair } from './layers/helpers.js'
import { createMlp } from './layers/mlp.js'
import type { MlpClass } from './layers/mlp.js'
import { createNorm } from './layers/norm.js'
import { PatchEmbed, patchGrid } from './layers/patch-embed.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'

/**
 * timm's `MlpMixer` (`timm.models.mlp_mixer`): MLP-Mixer, gMixer (gated), ResMLP (affine norms,
 * linear token mixing) and gMLP (spatial gating units). The forward pass is not modelled.
 */

const noForward = forwardNotModelled('MLP-Mixer')

/** MLP-Mixer's norms: `nn.LayerNorm` (eps 1e-6) or ResMLP's `Affine`. */
type MixerNorm = 'layernorm' | 'Affine'

/** `Affine` (ResMLP): a per-channel scale `alpha` and shift `beta`. */
const Affine = defineBlock<{ dim: number }>({
  name: 'Affine',
  build(a, m) {
    m.param('alpha', [1, 1, a.dim])
    m.param('beta', [1, 1, a.dim])
  },
  forward: noForward,
})

function norm(m: ModuleBuilder, kind: MixerNorm, dim: number): ModuleNode {
  return kind === 'Affine' ? block(m, Affine, { dim }) : createNorm(m, ['torch_layernorm', { eps: 1e-6 }], dim)
}

interface BlockArgs {
  dim: number
  seq_len: number
  mlp_ratio: number | readonly [number, number]
  mlp: MlpClass
  norm: MixerNorm
  act: ActName
  drop_path: number
}

/** `MixerBlock`: token-mixing MLP over the patches, channel-mixing MLP over the features. */
const MixerBlock = defineBlock<BlockArgs>({
  name: 'MixerBlock',
  build(a, m) {
    const [tokens, channels] = (typeof a.mlp_ratio === 'number' ? [a.mlp_ratio, a.mlp_ratio] : a.mlp_ratio).map((r) => Math.trunc(r * a.dim)) as [number, number]
    m.child('norm1', norm(m, a.norm, a.dim))
    m.child('mlp_tokens', createMlp(m, a.mlp, { in_features: a.seq_len, hidden_features: tokens, act: a.act }))
    m.child('drop_path', dropPathOrIdentity(m, a.drop_path))
    m.child('norm2', norm(m, a.norm, a.dim))
    m.child('mlp_channels', createMlp(m, a.mlp, { in_features: a.dim, hidden_features: channels, act: a.act }))
  },
  forward: noForward,
})

/** `ResBlock` (ResMLP): affine norm, linear token mixing, affine norm, channel MLP, layer scales `ls1`/`ls2`. */
const ResBlock = defineBlock<BlockArgs>({
  name: 'ResBlock',
  build(a, m) {
    m.child('norm1', norm(m, a.norm, a.dim))
    m.child('linear_tokens', nn(m, linear, { in_features: a.seq_len, out_features: a.seq_len }))
    m.child('drop_path', dropPathOrIdentity(m, a.drop_path))
    m.child('norm2', norm(m, a.norm, a.dim))
    m.child('mlp_channels', createMlp(m, a.mlp, { in_features: a.dim, hidden_features: Math.trunc(a.dim * (a.mlp_ratio as number)), act: a.act }))
    m.param('ls1', [a.dim])
    m.param('ls2', [a.dim])
  },
  forward: noForward,
})

/** `SpatialGatingUnit` (gMLP): a norm over half the features and a linear map across the tokens. */
const SpatialGatingUnit = defineBlock<{ dim: number; seq_len: number }>({
  name: 'SpatialGatingUnit',
  build(a, m) {
    m.child('norm', createNorm(m, 'torch_layernorm', Math.floor(a.dim / 2)))
    m.child('proj', nn(m, linear, { in_features: a.seq_len, out_features: a.seq_len }))
  },
  forward: noForward,
})

/** `SpatialGatingBlock` (gMLP): norm, a gated MLP whose gate is a spatial gating unit, drop path. */
const SpatialGatingBlock = defineBlock<BlockArgs>({
  name: 'SpatialGatingBlock',
  build(a, m) {
    m.child('norm', norm(m, a.norm, a.dim))
    m.child('mlp_channels', createMlp(m, 'GatedMlp', { in_features: a.dim, hidden_features: Math.trunc(a.dim * (a.mlp_ratio as number)), act: a.act, gate: (b, hidden) => block(b, SpatialGatingUnit, { dim: hidden, seq_len: a.seq_len }) }))
    m.child('drop_path', dropPathOrIdentity(m, a.drop_path))
  },
  forward: noForward,
})

const blockLayers = { MixerBlock, ResBlock, SpatialGatingBlock }

/** Arguments of timm's `MlpMixer`. */
export interface MlpMixerArgs {
  num_classes: number
  img_size: number | readonly [number, number]
  in_chans: number
  patch_size: number
  num_blocks: number
  embed_dim: number
  mlp_ratio: number | readonly [number, number]
  block_layer: keyof typeof blockLayers
  mlp_layer: MlpClass
  norm_layer: MixerNorm
  act_layer: ActName
  drop_rate: number
  drop_path_rate: number
  stem_norm: boolean
  global_pool: string
}

/** The models of `timm.models.mlp_mixer` and the arguments each passes. */
const mixerVariants: Readonly<Record<string, Partial<MlpMixerArgs>>> = {
  gmixer_12_224: { patch_size: 16, num_blocks: 12, embed_dim: 384, mlp_ratio: [1.0, 4.0], mlp_layer: 'GluMlp', act_layer: 'silu' },
  gmixer_24_224: { patch_size: 16, num_blocks: 24, embed_dim: 384, mlp_ratio: [1.0, 4.0], mlp_layer: 'GluMlp', act_layer: 'silu' },
  gmlp_b16_224: { patch_size: 16, num_blocks: 30, embed_dim: 512, mlp_ratio: 6, block_layer: 'SpatialGatingBlock', mlp_layer: 'GatedMlp' },
  gmlp_s16_224: { patch_size: 16, num_blocks: 30, embed_dim: 256, mlp_ratio: 6, block_layer: 'SpatialGatingBlock', mlp_layer: 'GatedMlp' },
  gmlp_ti16_224: { patch_size: 16, num_blocks: 30, embed_dim: 128, mlp_ratio: 6, block_layer: 'SpatialGatingBlock', mlp_layer: 'GatedMlp' },
  mixer_b16_224: { patch_size: 16, num_blocks: 12, embed_dim: 768 },
  mixer_b32_224: { patch_size: 32, num_blocks: 12, embed_dim: 768 },
  mixer_l16_224: { patch_size: 16, num_blocks: 24, embed_dim: 1024 },
  mixer_l32_224: { patch_size: 32, num_blocks: 24, embed_dim: 1024 },
  mixer_s16_224: { patch_size: 16, num_blocks: 8, embed_dim: 512 },
  mixer_s32_224: { patch_size: 32, num_blocks: 8, embed_dim: 512 },
  resmlp_12_224: { patch_size: 16, num_blocks: 12, embed_dim: 384, mlp_ratio: 4, block_layer: 'ResBlock', norm_layer: 'Affine' },
  resmlp_24_224: { patch_size: 16, num_blocks: 24, embed_dim: 384, mlp_ratio: 4, block_layer: 'ResBlock', norm_layer: 'Affine' },
  resmlp_36_224: { patch_size: 16, num_blocks: 36, embed_dim: 384, mlp_ratio: 4, block_layer: 'ResBlock', norm_layer: 'Affine' },
  resmlp_big_24_224: { patch_size: 8, num_blocks: 24, embed_dim: 768, mlp_ratio: 4, block_layer: 'ResBlock', norm_layer: 'Affine' },
}

/** `mlp_ratio`: one ratio, or `(tokens, channels)` for `MixerBlock` (`to_2tuple(mlp_ratio)`). */
const mlpRatioSpec: ArgSpec<number | [number, number]> = {
  name: 'mlp_ratio',
  required: true,
  coerce(value, span, name) {
    const ratio = (v: Value): number | undefined => (v.kind === 'float' ? v.value : v.kind === 'int' ? Number(v.value) : undefined)
    const one = ratio(value)
    if (one !== undefined) return one
    if ((value.kind === 'tuple' || value.kind === 'list') && value.items.length === 2) {
      const pair = value.items.map(ratio)
      if (pair.every((r) => r !== undefined)) return pair as [number, number]
    }
    throw new NnsizeError('argument-type', `\`${name}\` must be a number or a \`(tokens, channels)\` pair of numbers, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
  },
}

/** timm's `MlpMixer` and its models. */
export const mlpMixer = defineFamily<MlpMixerArgs>({
  module: 'mlp_mixer',
  className: 'MlpMixer',
  defaults: { num_classes: 1000, img_size: 224, in_chans: 3, patch_size: 16, num_blocks: 8, embed_dim: 512, mlp_ratio: [0.5, 4.0], block_layer: 'MixerBlock', mlp_layer: 'Mlp', norm_layer: 'layernorm', act_layer: 'gelu', drop_rate: 0, drop_path_rate: 0, stem_norm: false, global_pool: 'avg' },
  signature: [
    imgSizeSpec,
    int('num_classes', { min: 0 }),
    int('in_chans', { min: 1 }),
    int('patch_size', { min: 1 }),
    int('num_blocks', { min: 0 }),
    int('embed_dim', { min: 1 }),
    float('drop_rate'),
    float('drop_path_rate'),
    bool('stem_norm'),
    mlpRatioSpec,
    actLayerSpec('act_layer', { classOnly: true }),
    // `'avg'` pools the tokens, anything else returns them; no tensor changes (the forward pass is not modelled).
    str('global_pool'),
    ...ignoredSpecs('proj_drop_rate', 'nlhb'),
  ],
  takesImgSize: true,
  // Each model function builds `dict(patch_size=…, num_blocks=…, embed_dim=…, **kwargs)`.
  builderKeywords: {},
  build(a, m) {
    const imgSize = pair(a.img_size)
    m.child('stem', block(m, PatchEmbed, { img_size: imgSize, patch_size: a.patch_size, in_chans: a.in_chans, embed_dim: a.embed_dim, norm: a.stem_norm ? ['torch_layernorm', { eps: 1e-6 }] : null }))
    const [gh, gw] = patchGrid({ img_size: imgSize, patch_size: a.patch_size })
    const blocks: ModuleNode[] = []
    for (let i = 0; i < a.num_blocks; i++) {
      blocks.push(block(m, blockLayers[a.block_layer], { dim: a.embed_dim, seq_len: gh * gw, mlp_ratio: a.mlp_ratio, mlp: a.mlp_layer, norm: a.norm_layer, act: a.act_layer, drop_path: a.drop_path_rate }))
    }
    m.child('blocks', sequential(m, blocks))
    m.child('norm', norm(m, a.norm_layer, a.embed_dim))
    m.child('head_drop', nn(m, dropout, { p: a.drop_rate }))
    m.child('head', a.num_classes > 0 ? nn(m, linear, { in_features: a.embed_dim, out_features: a.num_classes }) : nn(m, identity))
  },
  variants: mixerVariants,
})
