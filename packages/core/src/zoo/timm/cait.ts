import { bool, float, int, str } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, moduleList, nn, sequential } from '../torchvision/core.js'
import { actLayerSpec, defineFamily, forwardNotModelled, ignoredSpecs, imgSizeSpec } from './family.js'
import type { ActName } from './layers/activations.js'
import { dropPathOrIdentity } from './layers/drop.js'
import { pair } from './layers/helpers.js'
import { Mlp } from './layers/mlp.js'
import { createNorm } from './layers/norm.js'
import { PatchEmbed, patchGrid } from './layers/patch-embed.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'

/**
 * timm's `Cait` (`timm.models.cait`): CaiT, self-attention blocks with talking heads and layer
 * scale over the patches, then class-attention blocks over the class token. The forward pass is
 * not modelled.
 */

const noForward = forwardNotModelled('CaiT')

/** `TalkingHeadAttn`: fused `qkv`, and `proj_l`/`proj_w` mixing the heads before and after the softmax. */
const TalkingHeadAttn = defineBlock<{ dim: number; num_heads: number; qkv_bias: boolean }>({
  name: 'TalkingHeadAttn',
  build(a, m) {
    m.child('qkv', nn(m, linear, { in_features: a.dim, out_features: a.dim * 3, bias: a.qkv_bias }))
    m.child('attn_drop', nn(m, dropout, { p: 0 }))
    m.child('proj', nn(m, linear, { in_features: a.dim, out_features: a.dim }))
    m.child('proj_l', nn(m, linear, { in_features: a.num_heads, out_features: a.num_heads }))
    m.child('proj_w', nn(m, linear, { in_features: a.num_heads, out_features: a.num_heads }))
    m.child('proj_drop', nn(m, dropout, { p: 0 }))
  },
  forward: noForward,
})

/** `ClassAttn`: the class token attends to every token (`q`, `k`, `v` projections). */
const ClassAttn = defineBlock<{ dim: number; num_heads: number; qkv_bias: boolean }>({
  name: 'ClassAttn',
  build(a, m) {
    for (const name of ['q', 'k', 'v']) m.child(name, nn(m, linear, { in_features: a.dim, out_features: a.dim, bias: a.qkv_bias }))
    m.child('attn_drop', nn(m, dropout, { p: 0 }))
    m.child('proj', nn(m, linear, { in_features: a.dim, out_features: a.dim }))
    m.child('proj_drop', nn(m, dropout, { p: 0 }))
  },
  forward: noForward,
})

interface BlockArgs {
  dim: number
  num_heads: number
  mlp_ratio: number
  qkv_bias: boolean
  drop_path: number
  act: ActName
}

function layerScaleBlock(name: string, attn: typeof ClassAttn) {
  return defineBlock<BlockArgs>({
    name,
    build(a, m) {
      m.child('norm1', createNorm(m, ['torch_layernorm', { eps: 1e-6 }], a.dim))
      m.child('attn', block(m, attn, a))
      m.child('drop_path', dropPathOrIdentity(m, a.drop_path))
      m.child('norm2', createNorm(m, ['torch_layernorm', { eps: 1e-6 }], a.dim))
      m.child('mlp', block(m, Mlp, { in_features: a.dim, hidden_features: Math.trunc(a.dim * a.mlp_ratio), act: a.act }))
      m.param('gamma_1', [a.dim])
      m.param('gamma_2', [a.dim])
    },
    forward: noForward,
  })
}
/** `LayerScaleBlock`: talking-heads attention and MLP with layer scale `gamma_1`/`gamma_2`. */
const LayerScaleBlock = layerScaleBlock('LayerScaleBlock', TalkingHeadAttn)
/** `LayerScaleBlockClassAttn`: class attention and MLP with layer scale. */
const LayerScaleBlockClassAttn = layerScaleBlock('LayerScaleBlockClassAttn', ClassAttn)

/** Arguments of timm's `Cait`. */
export interface CaitArgs {
  img_size: number | readonly [number, number]
  patch_size: number
  in_chans: number
  num_classes: number
  global_pool: 'token' | 'avg' | ''
  embed_dim: number
  depth: number
  num_heads: number
  mlp_ratio: number
  qkv_bias: boolean
  drop_rate: number
  drop_path_rate: number
  init_values: number
  depth_token_only: number
  mlp_ratio_token_only: number
  /** A `torch.nn` class (the MLPs call it). */
  act_layer: ActName
}

/** timm's `Cait` and its models. */
export const cait = defineFamily<CaitArgs>({
  module: 'cait',
  className: 'Cait',
  defaults: { img_size: 224, patch_size: 16, in_chans: 3, num_classes: 1000, global_pool: 'token', embed_dim: 768, depth: 12, num_heads: 12, mlp_ratio: 4, qkv_bias: true, drop_rate: 0, drop_path_rate: 0, init_values: 1e-4, depth_token_only: 2, mlp_ratio_token_only: 4, act_layer: 'gelu' },
  signature: [
    imgSizeSpec,
    int('patch_size', { min: 1 }),
    int('in_chans', { min: 1 }),
    int('num_classes', { min: 0 }),
    str('global_pool', { choices: ['', 'token', 'avg'] as const }),
    int('embed_dim', { min: 1 }),
    int('depth', { min: 0 }),
    int('num_heads', { min: 1 }),
    float('mlp_ratio'),
    bool('qkv_bias'),
    float('drop_rate'),
    float('drop_path_rate'),
    float('init_values'),
    int('depth_token_only', { min: 0 }),
    float('mlp_ratio_token_only'),
    actLayerSpec('act_layer', { classOnly: true }),
    // The dropout rates change no tensor (the forward pass is not modelled).
    ...ignoredSpecs('pos_drop_rate', 'proj_drop_rate', 'attn_drop_rate'),
  ],

  takesImgSize: true,
  build(a, m) {
    const imgSize = pair(a.img_size)
    m.child('patch_embed', block(m, PatchEmbed, { img_size: imgSize, patch_size: a.patch_size, in_chans: a.in_chans, embed_dim: a.embed_dim }))
    const [gh, gw] = patchGrid({ img_size: imgSize, patch_size: a.patch_size })
    m.param('cls_token', [1, 1, a.embed_dim])
    m.param('pos_embed', [1, gh * gw, a.embed_dim])
    m.child('pos_drop', nn(m, dropout, { p: 0 }))
    const common = { dim: a.embed_dim, num_heads: a.num_heads, qkv_bias: a.qkv_bias, act: a.act_layer }
    const blocks: ModuleNode[] = Array.from({ length: a.depth }, () => block(m, LayerScaleBlock, { ...common, mlp_ratio: a.mlp_ratio, drop_path: a.drop_path_rate }))
    m.child('blocks', sequential(m, blocks))
    m.child('blocks_token_only', moduleList(m, Array.from({ length: a.depth_token_only }, () => block(m, LayerScaleBlockClassAttn, { ...common, mlp_ratio: a.mlp_ratio_token_only, drop_path: 0 }))))
    m.child('norm', createNorm(m, ['torch_layernorm', { eps: 1e-6 }], a.embed_dim))
    m.child('head_drop', nn(m, dropout, { p: a.drop_rate }))
    m.child('head', a.num_classes > 0 ? nn(m, linear, { in_features: a.embed_dim, out_features: a.num_classes }) : nn(m, identity))
  },
  variants: {
    cait_m36_384: { patch_size: 16, embed_dim: 768, depth: 36, num_heads: 16, init_values: 1e-06 },
    cait_m48_448: { patch_size: 16, embed_dim: 768, depth: 48, num_heads: 16, init_values: 1e-06 },
    cait_s24_224: { patch_size: 16, embed_dim: 384, depth: 24, num_heads: 8, init_values: 1e-05 },
    cait_s24_384: { patch_size: 16, embed_dim: 384, depth: 24, num_heads: 8, init_values: 1e-05 },
    cait_s36_384: { patch_size: 16, embed_dim: 384, depth: 36, num_heads: 8, init_values: 1e-06 },
    cait_xs24_384: { patch_size: 16, embed_dim: 288, depth: 24, num_heads: 6, init_values: 1e-05 },
    cait_xxs24_224: { patch_size: 16, embed_dim: 192, depth: 24, num_heads: 4, init_values: 1e-05 },
    cait_xxs24_384: { patch_size: 16, embed_dim: 192, depth: 24, num_heads: 4, init_values: 1e-05 },
    cait_xxs36_224: { patch_size: 16, embed_dim: 192, depth: 36, num_heads: 4, init_values: 1e-05 },
    cait_xxs36_384: { patch_size: 16, embed_dim: 192, depth: 36, num_heads: 4, init_values: 1e-05 },
  },
})
