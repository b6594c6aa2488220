import { bool, float, int, optionalFloat, str } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, moduleList, nn } from '../torchvision/core.js'
import { defineFamily, forwardNotModelled, ignoredSpecs, imgSizeSpec, normLayerSpec } from './family.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { pair } from './layers/helpers.js'
import { createMlp } from './layers/mlp.js'
import { createNorm } from './layers/norm.js'
import type { NormSpec } from './layers/norm.js'
import { PatchEmbed, patchGrid } from './layers/patch-embed.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'

/**
 * timm's `Beit` (`timm.models.beit`): BEiT and BEiT v2, ViTs whose attention has separate q and v
 * biases (k's is a zero buffer) and a relative position bias table per block, layer scale as
 * `gamma_1`/`gamma_2`, and mean pooling with `fc_norm`. The forward pass is not modelled.
 */

const noForward = forwardNotModelled('BEiT')

/** BEiT's `Attention`: `qkv` without bias, `q_bias`, `k_bias` (buffer), `v_bias`, relative position bias over the patch grid plus the class token. */
const BeitAttention = defineBlock<{ dim: number; num_heads: number; qkv_bias: boolean; window: [number, number] | null }>({
  name: 'Attention',
  build(a, m) {
    m.child('qkv', nn(m, linear, { in_features: a.dim, out_features: a.dim * 3, bias: false }))
    if (a.qkv_bias) {
      m.param('q_bias', [a.dim])
      m.buffer('k_bias', [a.dim], { persistent: false })
      m.param('v_bias', [a.dim])
    }
    if (a.window) {
      const [h, w] = a.window
      m.param('relative_position_bias_table', [(2 * h - 1) * (2 * w - 1) + 3, a.num_heads])
      m.buffer('relative_position_index', [h * w + 1, h * w + 1], { dtype: 'int64', persistent: false })
    }
    m.child('attn_drop', nn(m, dropout, { p: 0 }))
    m.child('proj', nn(m, linear, { in_features: a.dim, out_features: a.dim }))
    m.child('proj_drop', nn(m, dropout, { p: 0 }))
  },
  forward: noForward,
})

/** BEiT's `Block`: pre-norm attention and MLP, each scaled by `gamma_1`/`gamma_2` with layer scale. */
const BeitBlock = defineBlock<{ dim: number; num_heads: number; qkv_bias: boolean; mlp_ratio: number; swiglu_mlp: boolean; scale_mlp: boolean; drop_path: number; norm: NormSpec; init_values: number | null; window: [number, number] | null }>({
  name: 'Block',
  build(a, m) {
    m.child('norm1', createNorm(m, a.norm, a.dim))
    m.child('attn', block(m, BeitAttention, { dim: a.dim, num_heads: a.num_heads, qkv_bias: a.qkv_bias, window: a.window }))
    m.child('drop_path1', dropPathOrIdentity(m, a.drop_path))
    m.child('norm2', createNorm(m, a.norm, a.dim))
    m.child('mlp', createMlp(m, a.swiglu_mlp ? 'SwiGLU' : 'Mlp', { in_features: a.dim, hidden_features: Math.trunc(a.dim * a.mlp_ratio), norm: a.scale_mlp ? a.norm : null }))
    m.child('drop_path2', dropPathOrIdentity(m, a.drop_path))
    if (a.init_values) {
      m.param('gamma_1', [a.dim])
      m.param('gamma_2', [a.dim])
    }
  },
  forward: noForward,
})

/** Arguments of timm's `Beit`. */
export interface BeitArgs {
  img_size: number | readonly [number, number]
  patch_size: number
  in_chans: number
  num_classes: number
  /** `'avg'` pools the patch tokens (then `fc_norm`); any other value pools the class token (then `norm`). */
  global_pool: string
  embed_dim: number
  depth: number
  num_heads: number
  qkv_bias: boolean
  mlp_ratio: number
  swiglu_mlp: boolean
  scale_mlp: boolean
  drop_rate: number
  drop_path_rate: number
  init_values: number | null
  use_abs_pos_emb: boolean
  use_rel_pos_bias: boolean
  use_shared_rel_pos_bias: boolean
  norm_layer: NormSpec | null
}

/** `RelativePositionBias` shared by every block. */
const RelativePositionBias = defineBlock<{ window: [number, number]; num_heads: number }>({
  name: 'RelativePositionBias',
  build(a, m) {
    const [h, w] = a.window
    m.param('relative_position_bias_table', [(2 * h - 1) * (2 * w - 1) + 3, a.num_heads])
    m.buffer('relative_position_index', [h * w + 1, h * w + 1], { dtype: 'int64', persistent: false })
  },
  forward: noForward,
})

/** timm's `Beit` and its models. */
export const beit = defineFamily<BeitArgs>({
  module: 'beit',
  className: 'Beit',
  defaults: { img_size: 224, patch_size: 16, in_chans: 3, num_classes: 1000, global_pool: 'avg', embed_dim: 768, depth: 12, num_heads: 12, qkv_bias: true, mlp_ratio: 4, swiglu_mlp: false, scale_mlp: false, drop_rate: 0, drop_path_rate: 0, init_values: null, use_abs_pos_emb: true, use_rel_pos_bias: false, use_shared_rel_pos_bias: false, norm_layer: 'layernorm' },
  signature: [
    imgSizeSpec,
    int('patch_size', { min: 1 }),
    int('num_classes', { min: 0 }),
    int('in_chans', { min: 1 }),
    str('global_pool'),
    int('embed_dim', { min: 1 }),
    int('depth', { min: 0 }),
    int('num_heads', { min: 1 }),
    bool('qkv_bias'),
    float('mlp_ratio'),
    bool('swiglu_mlp'),
    bool('scale_mlp'),
    float('drop_rate'),
    float('drop_path_rate'),
    optionalFloat('init_values'),
    bool('use_abs_pos_emb'),
    bool('use_rel_pos_bias'),
    bool('use_shared_rel_pos_bias'),
    normLayerSpec('norm_layer', ['torch_layernorm'] as const, { strings: false }),
    // The dropout rates change no tensor (the forward pass is not modelled), `head_init_scale` only the values.
    ...ignoredSpecs('pos_drop_rate', 'proj_drop_rate', 'attn_drop_rate', 'head_init_scale'),
  ],
  takesImgSize: true,
  build(a, m) {
    const norm: NormSpec = a.norm_layer ?? 'layernorm'
    const imgSize = pair(a.img_size)
    m.child('patch_embed', block(m, PatchEmbed, { img_size: imgSize, patch_size: a.patch_size, in_chans: a.in_chans, embed_dim: a.embed_dim }))
    const grid = patchGrid({ img_size: imgSize, patch_size: a.patch_size })
    m.param('cls_token', [1, 1, a.embed_dim])
    if (a.use_abs_pos_emb) m.param('pos_embed', [1, grid[0] * grid[1] + 1, a.embed_dim])
    m.child('pos_drop', nn(m, dropout, { p: 0 }))
    if (a.use_shared_rel_pos_bias) m.child('rel_pos_bias', block(m, RelativePositionBias, { window: grid, num_heads: a.num_heads }))
    const rates = dropPathRates(a.drop_path_rate, a.depth)
    const blocks: ModuleNode[] = []
    for (let i = 0; i < a.depth; i++) {
      blocks.push(block(m, BeitBlock, { dim: a.embed_dim, num_heads: a.num_heads, qkv_bias: a.qkv_bias, mlp_ratio: a.mlp_ratio, swiglu_mlp: a.swiglu_mlp, scale_mlp: a.scale_mlp, drop_path: rates[i]!, norm, init_values: a.init_values, window: a.use_rel_pos_bias ? grid : null }))
    }
    m.child('blocks', moduleList(m, blocks))
    const fcNorm = a.global_pool === 'avg'
    m.child('norm', fcNorm ? nn(m, identity) : createNorm(m, norm, a.embed_dim))
    m.child('fc_norm', fcNorm ? createNorm(m, norm, a.embed_dim) : nn(m, identity))
    m.child('head_drop', nn(m, dropout, { p: a.drop_rate }))
    m.child('head', a.num_classes > 0 ? nn(m, linear, { in_features: a.embed_dim, out_features: a.num_classes }) : nn(m, identity))
  },
  variants: {
    beit_base_patch16_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, mlp_ratio: 4, use_abs_pos_emb: false, use_rel_pos_bias: true, init_values: 0.1 },
    beit_base_patch16_384: { img_size: 384, patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, use_abs_pos_emb: false, use_rel_pos_bias: true, init_values: 0.1 },
    beit_large_patch16_224: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, use_abs_pos_emb: false, use_rel_pos_bias: true, init_values: 1e-05 },
    beit_large_patch16_384: { img_size: 384, patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, use_abs_pos_emb: false, use_rel_pos_bias: true, init_values: 1e-05 },
    beit_large_patch16_512: { img_size: 512, patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, use_abs_pos_emb: false, use_rel_pos_bias: true, init_values: 1e-05 },
    beitv2_base_patch16_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, mlp_ratio: 4, use_abs_pos_emb: false, use_rel_pos_bias: true, init_values: 1e-05 },
    beitv2_large_patch16_224: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, use_abs_pos_emb: false, use_rel_pos_bias: true, init_values: 1e-05 },
  },
})
