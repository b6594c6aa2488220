import { bool, float, int, optionalFloat, optionalInt, str } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, moduleList, nn, optionalBool } from '../torchvision/core.js'
import { defineFamily, forwardNotModelled, ignoredSpecs, normLayerSpec, vitShapeSpecs } from './family.js'
import type { ActName } from './layers/activations.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { pair } from './layers/helpers.js'
import { createMlp } from './layers/mlp.js'
import { createNorm } from './layers/norm.js'
import type { NormSpec } from './layers/norm.js'
import { PatchEmbed, patchGrid } from './layers/patch-embed.js'
import { AttentionPoolLatent } from './vision-transformer.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear as linearLayer } from '../../layers/linear.js'

/**
 * timm's `Eva` (`timm.models.eva`): EVA and EVA-02 (rotary position embedding, SwiGLU, sub-LN),
 * the ViT-RoPE models, DINOv3 and Perception Encoder ViTs. Rotary embeddings hold their tables as
 * buffers (not saved in `state_dict`). The forward pass is not modelled.
 */

const noForward = forwardNotModelled('EVA')

interface AttnArgs {
  dim: number
  num_heads: number
  qkv_bias: boolean
  qkv_fused: boolean
  scale_norm: boolean
  norm: NormSpec
  rope_attention: boolean
}

/** `EvaAttention` (fused `qkv` with separate q/v biases, or q/k/v projections where k has no bias) and `AttentionRope`. */
function attention(name: 'EvaAttention' | 'AttentionRope') {
  return defineBlock<AttnArgs>({
    name,
    build(a, m) {
      const d = a.dim
      const linear = (outF: number, bias: boolean): ModuleNode => nn(m, linearLayer, { in_features: d, out_features: outF, bias })
      if (a.qkv_fused) {
        if (name === 'EvaAttention') {
          m.child('qkv', linear(d * 3, false))
          if (a.qkv_bias) {
            m.param('q_bias', [d])
            m.buffer('k_bias', [d], { persistent: false })
            m.param('v_bias', [d])
          }
        } else {
          m.child('qkv', linear(d * 3, a.qkv_bias))
        }
      } else {
        m.child('q_proj', linear(d, a.qkv_bias))
        m.child('k_proj', linear(d, name === 'EvaAttention' ? false : a.qkv_bias))
        m.child('v_proj', linear(d, a.qkv_bias))
      }
      m.child('q_norm', nn(m, identity))
      m.child('k_norm', nn(m, identity))
      m.child('attn_drop', nn(m, dropout, { p: 0 }))
      m.child('norm', a.scale_norm ? createNorm(m, a.norm, d) : nn(m, identity))
      m.child('proj', nn(m, linearLayer, { in_features: d, out_features: d }))
      m.child('proj_drop', nn(m, dropout, { p: 0 }))
    },
    forward: noForward,
  })
}
const EvaAttention = attention('EvaAttention')
const AttentionRope = attention('AttentionRope')

interface BlockArgs extends AttnArgs {
  mlp_ratio: number
  swiglu_mlp: boolean
  swiglu_align_to: number
  scale_mlp: boolean
  init_values: number | null
  drop_path: number
  act: ActName
}

function mlp(m: ModuleBuilder, a: BlockArgs, post: boolean): ModuleNode {
  const hidden = Math.trunc(a.dim * a.mlp_ratio)
  const norm = a.scale_mlp ? a.norm : null
  if (!a.swiglu_mlp) return createMlp(m, 'Mlp', { in_features: a.dim, hidden_features: hidden, act: a.act, norm })
  if (a.scale_mlp || (!post && a.swiglu_align_to)) return createMlp(m, 'SwiGLU', { in_features: a.dim, hidden_features: hidden, norm, align_to: a.swiglu_align_to })
  return createMlp(m, 'GluMlp', { in_features: a.dim, hidden_features: hidden * 2, norm, act: 'silu', gate_last: false })
}

function attn(m: ModuleBuilder, a: BlockArgs): ModuleNode {
  return block(m, a.rope_attention ? AttentionRope : EvaAttention, a)
}

/** `EvaBlock`: pre-norm attention and MLP, scaled by `gamma_1`/`gamma_2` with layer scale. */
const EvaBlock = defineBlock<BlockArgs>({
  name: 'EvaBlock',
  build(a, m) {
    m.child('norm1', createNorm(m, a.norm, a.dim))
    m.child('attn', attn(m, a))
    if (a.init_values !== null) m.param('gamma_1', [a.dim])
    m.child('drop_path1', dropPathOrIdentity(m, a.drop_path))
    m.child('norm2', createNorm(m, a.norm, a.dim))
    m.child('mlp', mlp(m, a, false))
    if (a.init_values !== null) m.param('gamma_2', [a.dim])
    m.child('drop_path2', dropPathOrIdentity(m, a.drop_path))
  },
  forward: noForward,
})

/** `EvaBlockPostNorm`: attention and MLP each followed by its norm (EVA-02 enormous). */
const EvaBlockPostNorm = defineBlock<BlockArgs>({
  name: 'EvaBlockPostNorm',
  build(a, m) {
    m.child('attn', attn(m, a))
    m.child('norm1', createNorm(m, a.norm, a.dim))
    m.child('drop_path1', dropPathOrIdentity(m, a.drop_path))
    m.child('mlp', mlp(m, a, true))
    m.child('norm2', createNorm(m, a.norm, a.dim))
    m.child('drop_path2', dropPathOrIdentity(m, a.drop_path))
  },
  forward: noForward,
})

/** `PatchDropoutWithIndices(patch_drop_rate, num_prefix_tokens)`: no tensors. */
const PatchDropoutWithIndices = defineBlock<Record<string, never>>({ name: 'PatchDropoutWithIndices', build() {}, forward: noForward })

/** The rotary embedding classes: their tables are non-persistent buffers (`RotaryEmbeddingMixed` learns `freqs`). */
const RotaryEmbedding = (name: string) => defineBlock<{ build: (m: ModuleBuilder) => void }>({ name, build: (a, m) => a.build(m), forward: noForward })
const RotaryEmbeddingCat = RotaryEmbedding('RotaryEmbeddingCat')
const RotaryEmbeddingMixed = RotaryEmbedding('RotaryEmbeddingMixed')
const RotaryEmbeddingDinoV3 = RotaryEmbedding('RotaryEmbeddingDinoV3')

/** Arguments of timm's `Eva`. */
export interface EvaArgs {
  img_size: number | readonly [number, number]
  patch_size: number
  in_chans: number
  num_classes: number
  global_pool: '' | 'avg' | 'avgmax' | 'max' | 'token' | 'map'
  embed_dim: number
  depth: number
  num_heads: number
  qkv_bias: boolean
  qkv_fused: boolean
  mlp_ratio: number
  swiglu_mlp: boolean
  swiglu_align_to: number
  scale_mlp: boolean
  scale_attn_inner: boolean
  attn_type: 'eva' | 'rope'
  drop_rate: number
  patch_drop_rate: number
  drop_path_rate: number
  norm_layer: NormSpec
  init_values: number | null
  class_token: boolean
  num_reg_tokens: number
  no_embed_class: boolean
  use_abs_pos_emb: boolean
  use_rot_pos_emb: boolean
  rope_type: 'cat' | 'mixed' | 'dinov3'
  use_post_norm: boolean
  use_pre_transformer_norm: boolean
  use_post_transformer_norm: boolean | null
  use_fc_norm: boolean | null
  attn_pool_num_heads: number | null
  attn_pool_mlp_ratio: number | null
  dynamic_img_size: boolean
  act_layer: ActName
}

/** timm's `Eva` and its models. */
export const eva = defineFamily<EvaArgs>({
  module: 'eva',
  className: 'Eva',
  defaults: {
    img_size: 224,
    patch_size: 16,
    in_chans: 3,
    num_classes: 1000,
    global_pool: 'avg',
    embed_dim: 768,
    depth: 12,
    num_heads: 12,
    qkv_bias: true,
    qkv_fused: true,
    mlp_ratio: 4,
    swiglu_mlp: false,
    swiglu_align_to: 0,
    scale_mlp: false,
    scale_attn_inner: false,
    attn_type: 'eva',
    drop_rate: 0,
    patch_drop_rate: 0,
    drop_path_rate: 0,
    norm_layer: 'layernorm',
    init_values: null,
    class_token: true,
    num_reg_tokens: 0,
    no_embed_class: false,
    use_abs_pos_emb: true,
    use_rot_pos_emb: false,
    rope_type: 'cat',
    use_post_norm: false,
    use_pre_transformer_norm: false,
    use_post_transformer_norm: null,
    use_fc_norm: null,
    attn_pool_num_heads: null,
    attn_pool_mlp_ratio: null,
    dynamic_img_size: false,
    act_layer: 'gelu',
  },
  signature: [
    ...vitShapeSpecs,
    bool('qkv_bias'),
    bool('qkv_fused'),
    float('mlp_ratio'),
    bool('swiglu_mlp'),
    int('swiglu_align_to', { min: 0 }),
    bool('scale_mlp'),
    bool('scale_attn_inner'),
    str('attn_type', { choices: ['eva', 'rope'] as const }),
    float('drop_rate'),
    float('patch_drop_rate'),
    float('drop_path_rate'),
    normLayerSpec('norm_layer', ['torch_layernorm'] as const, { strings: false }),
    optionalFloat('init_values'),
    bool('class_token'),
    int('num_reg_tokens', { min: 0 }),
    bool('no_embed_class'),
    bool('use_abs_pos_emb'),
    bool('use_rot_pos_emb'),
    str('rope_type', { choices: ['cat', 'mixed', 'dinov3'] as const }),
    bool('use_post_norm'),
    bool('use_pre_transformer_norm'),
    optionalBool('use_post_transformer_norm'),
    optionalBool('use_fc_norm'),
    optionalInt('attn_pool_num_heads', { min: 1 }),
    optionalFloat('attn_pool_mlp_ratio'),
    bool('dynamic_img_size'),
    bool('dynamic_img_pad'),
    // Dropout rates change no tensor (the forward pass is not modelled); the RoPE settings and `head_init_scale` only values.
    ...ignoredSpecs('pos_drop_rate', 'proj_drop_rate', 'attn_drop_rate', 'rope_grid_offset', 'rope_grid_indexing', 'rope_temperature', 'rope_rotate_half', 'ref_feat_shape', 'head_init_scale'),
  ],
  validate(a, fail) {
    if (a.patch_drop_rate < 0 || a.patch_drop_rate >= 1) fail('patch_drop_rate', `\`patch_drop_rate\` must be in [0, 1), got ${a.patch_drop_rate}.`)
  },
  takesImgSize: true,
  build(a, m) {
    const fcNorm = a.use_fc_norm ?? a.global_pool === 'avg'
    const postNorm = a.use_post_transformer_norm ?? !fcNorm
    const imgSize = pair(a.img_size)
    m.child('patch_embed', block(m, PatchEmbed, { img_size: imgSize, patch_size: a.patch_size, in_chans: a.in_chans, embed_dim: a.embed_dim, bias: !a.use_pre_transformer_norm, strict_img_size: !a.dynamic_img_size, output_fmt: a.dynamic_img_size ? 'NHWC' : 'NLC' }))
    const grid = patchGrid({ img_size: imgSize, patch_size: a.patch_size })
    const patches = grid[0] * grid[1]
    const prefix = (a.class_token ? 1 : 0) + a.num_reg_tokens
    if (a.class_token) m.param('cls_token', [1, 1, a.embed_dim])
    if (a.num_reg_tokens) m.param('reg_token', [1, a.num_reg_tokens, a.embed_dim])
    if (a.use_abs_pos_emb) m.param('pos_embed', [1, a.no_embed_class ? patches : patches + prefix, a.embed_dim])
    m.child('pos_drop', nn(m, dropout, { p: 0 }))
    if (a.patch_drop_rate > 0) m.child('patch_drop', block(m, PatchDropoutWithIndices, {}))
    if (a.use_rot_pos_emb) {
      const headDim = Math.floor(a.embed_dim / a.num_heads)
      const fixed = !a.dynamic_img_size
      if (a.rope_type === 'mixed') {
        m.child('rope', block(m, RotaryEmbeddingMixed, { build: (b) => {
          b.param('freqs', [2, a.depth, a.num_heads, headDim / 2])
          if (fixed) {
            b.buffer('t_x', [patches], { persistent: false })
            b.buffer('t_y', [patches], { persistent: false })
          }
        } }))
      } else if (a.rope_type === 'dinov3') {
        m.child('rope', block(m, RotaryEmbeddingDinoV3, { build: (b) => {
          b.buffer('periods', [Math.floor(headDim / 4)], { persistent: false })
          if (fixed) b.buffer('pos_embed_cached', [patches, headDim * 2], { persistent: false })
        } }))
      } else {
        m.child('rope', block(m, RotaryEmbeddingCat, { build: (b) => {
          if (fixed) b.buffer('pos_embed', [patches, headDim * 2], { persistent: false })
          else b.buffer('bands', [Math.floor(headDim / 4)], { persistent: false })
        } }))
      }
    }
    m.child('norm_pre', a.use_pre_transformer_norm ? createNorm(m, a.norm_layer, a.embed_dim) : nn(m, identity))
    const rates = dropPathRates(a.drop_path_rate, a.depth)
    const blocks: ModuleNode[] = []
    for (let i = 0; i < a.depth; i++) {
      blocks.push(
        block(m, a.use_post_norm ? EvaBlockPostNorm : EvaBlock, {
          dim: a.embed_dim,
          num_heads: a.num_heads,
          qkv_bias: a.qkv_bias,
          qkv_fused: a.qkv_fused,
          scale_norm: a.scale_attn_inner,
          norm: a.norm_layer,
          rope_attention: a.attn_type === 'rope',
          mlp_ratio: a.mlp_ratio,
          swiglu_mlp: a.swiglu_mlp,
          swiglu_align_to: a.swiglu_align_to,
          scale_mlp: a.scale_mlp,
          init_values: a.init_values,
          drop_path: rates[i]!,
          act: a.act_layer,
        }),
      )
    }
    m.child('blocks', moduleList(m, blocks))
    m.child('norm', postNorm ? createNorm(m, a.norm_layer, a.embed_dim) : nn(m, identity))
    if (a.global_pool === 'map') {
      m.child('attn_pool', block(m, AttentionPoolLatent, { in_features: a.embed_dim, num_heads: a.attn_pool_num_heads ?? a.num_heads, mlp_ratio: a.attn_pool_mlp_ratio ?? a.mlp_ratio, norm: a.norm_layer, act: 'gelu' }))
    }
    m.child('fc_norm', fcNorm ? createNorm(m, a.norm_layer, a.embed_dim) : nn(m, identity))
    m.child('head_drop', nn(m, dropout, { p: a.drop_rate }))
    m.child('head', a.num_classes > 0 ? nn(m, linearLayer, { in_features: a.embed_dim, out_features: a.num_classes }) : nn(m, identity))
  },
  variants: {
    eva02_base_patch14_224: { img_size: 224, patch_size: 14, embed_dim: 768, depth: 12, num_heads: 12, qkv_fused: false, mlp_ratio: 2.6666666666666665, swiglu_mlp: true, scale_mlp: true, use_rot_pos_emb: true },
    eva02_base_patch14_448: { img_size: 448, patch_size: 14, embed_dim: 768, depth: 12, num_heads: 12, qkv_fused: false, mlp_ratio: 2.6666666666666665, swiglu_mlp: true, scale_mlp: true, use_rot_pos_emb: true },
    eva02_base_patch16_clip_224: { img_size: 224, patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, qkv_fused: false, mlp_ratio: 2.6666666666666665, swiglu_mlp: true, scale_mlp: true, scale_attn_inner: true, use_rot_pos_emb: true, global_pool: 'token' },
    eva02_enormous_patch14_clip_224: { img_size: 224, patch_size: 14, embed_dim: 1792, depth: 64, num_heads: 16, mlp_ratio: 8.571428571428571, use_post_norm: true, global_pool: 'token' },
    eva02_large_patch14_224: { img_size: 224, patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 2.6666666666666665, qkv_fused: false, swiglu_mlp: true, scale_mlp: true, use_rot_pos_emb: true },
    eva02_large_patch14_448: { img_size: 448, patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 2.6666666666666665, qkv_fused: false, swiglu_mlp: true, scale_mlp: true, use_rot_pos_emb: true },
    eva02_large_patch14_clip_224: { img_size: 224, patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 2.6666666666666665, qkv_fused: false, swiglu_mlp: true, scale_mlp: true, scale_attn_inner: true, use_rot_pos_emb: true, global_pool: 'token' },
    eva02_large_patch14_clip_336: { img_size: 336, patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 2.6666666666666665, qkv_fused: false, swiglu_mlp: true, scale_mlp: true, scale_attn_inner: true, use_rot_pos_emb: true, global_pool: 'token' },
    eva02_small_patch14_224: { img_size: 224, patch_size: 14, embed_dim: 384, depth: 12, num_heads: 6, mlp_ratio: 2.6666666666666665, swiglu_mlp: true, use_rot_pos_emb: true },
    eva02_small_patch14_336: { img_size: 336, patch_size: 14, embed_dim: 384, depth: 12, num_heads: 6, mlp_ratio: 2.6666666666666665, swiglu_mlp: true, use_rot_pos_emb: true },
    eva02_tiny_patch14_224: { img_size: 224, patch_size: 14, embed_dim: 192, depth: 12, num_heads: 3, mlp_ratio: 2.6666666666666665, swiglu_mlp: true, use_rot_pos_emb: true },
    eva02_tiny_patch14_336: { img_size: 336, patch_size: 14, embed_dim: 192, depth: 12, num_heads: 3, mlp_ratio: 2.6666666666666665, swiglu_mlp: true, use_rot_pos_emb: true },
    eva_giant_patch14_224: { patch_size: 14, embed_dim: 1408, depth: 40, num_heads: 16, mlp_ratio: 4.363636363636363 },
    eva_giant_patch14_336: { patch_size: 14, embed_dim: 1408, depth: 40, num_heads: 16, mlp_ratio: 4.363636363636363 },
    eva_giant_patch14_560: { patch_size: 14, embed_dim: 1408, depth: 40, num_heads: 16, mlp_ratio: 4.363636363636363 },
    eva_giant_patch14_clip_224: { patch_size: 14, embed_dim: 1408, depth: 40, num_heads: 16, mlp_ratio: 4.363636363636363, global_pool: 'token' },
    vit_7b_patch16_dinov3: { patch_size: 16, dynamic_img_size: true, embed_dim: 4096, depth: 40, num_heads: 32, qkv_bias: false, mlp_ratio: 2, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, swiglu_mlp: true, swiglu_align_to: 64, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch16_dinov3: { patch_size: 16, dynamic_img_size: true, embed_dim: 768, depth: 12, num_heads: 12, qkv_bias: false, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch16_dinov3_qkvb: { patch_size: 16, dynamic_img_size: true, embed_dim: 768, depth: 12, num_heads: 12, qkv_bias: true, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch16_lingbot: { patch_size: 16, dynamic_img_size: true, embed_dim: 768, depth: 12, num_heads: 12, qkv_bias: true, global_pool: 'token', init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch16_rope_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, mlp_ratio: 4, attn_type: 'rope', use_fc_norm: false, qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', use_abs_pos_emb: false, use_rot_pos_emb: true},
    vit_base_patch16_rope_ape_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, mlp_ratio: 4, attn_type: 'rope', qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', no_embed_class: true, use_abs_pos_emb: true, use_rot_pos_emb: true},
    vit_base_patch16_rope_mixed_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, mlp_ratio: 4, qkv_bias: true, attn_type: 'rope', init_values: 1e-05, class_token: true, global_pool: 'token', use_abs_pos_emb: false, use_rot_pos_emb: true, rope_type: 'mixed' },
    vit_base_patch16_rope_mixed_ape_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, mlp_ratio: 4, attn_type: 'rope', qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', no_embed_class: true, use_abs_pos_emb: true, use_rot_pos_emb: true, rope_type: 'mixed' },
    vit_base_patch16_rope_reg1_gap_256: { img_size: 256, patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, qkv_fused: true, qkv_bias: true, init_values: 1e-05, class_token: false, num_reg_tokens: 1, use_rot_pos_emb: true, use_abs_pos_emb: false },
    vit_betwixt_patch16_rope_reg4_gap_256: { img_size: 256, patch_size: 16, embed_dim: 640, depth: 12, num_heads: 10, qkv_fused: true, qkv_bias: true, init_values: 1e-05, class_token: false, num_reg_tokens: 4, use_rot_pos_emb: true, use_abs_pos_emb: false },
    vit_giant_patch16_lingbot: { patch_size: 16, dynamic_img_size: true, embed_dim: 1536, depth: 40, num_heads: 24, qkv_bias: false, global_pool: 'token', mlp_ratio: 2.6666666666666665, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, swiglu_mlp: true, swiglu_align_to: 8, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_huge_plus_patch16_dinov3: { patch_size: 16, dynamic_img_size: true, embed_dim: 1280, depth: 32, num_heads: 20, qkv_bias: false, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, swiglu_mlp: true, swiglu_align_to: 8, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_huge_plus_patch16_dinov3_qkvb: { patch_size: 16, dynamic_img_size: true, embed_dim: 1280, depth: 32, num_heads: 20, qkv_bias: true, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, swiglu_mlp: true, swiglu_align_to: 8, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_large_patch16_dinov3: { patch_size: 16, dynamic_img_size: true, embed_dim: 1024, depth: 24, num_heads: 16, qkv_bias: false, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_large_patch16_dinov3_qkvb: { patch_size: 16, dynamic_img_size: true, embed_dim: 1024, depth: 24, num_heads: 16, qkv_bias: true, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_large_patch16_lingbot: { patch_size: 16, dynamic_img_size: true, embed_dim: 1024, depth: 24, num_heads: 16, qkv_bias: true, global_pool: 'token', init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_large_patch16_rope_224: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 4, attn_type: 'rope', qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', use_abs_pos_emb: false, use_rot_pos_emb: true},
    vit_large_patch16_rope_ape_224: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 4, attn_type: 'rope', qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', no_embed_class: true, use_abs_pos_emb: true, use_rot_pos_emb: true},
    vit_large_patch16_rope_mixed_224: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 4, attn_type: 'rope', qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', use_abs_pos_emb: false, use_rot_pos_emb: true, rope_type: 'mixed' },
    vit_large_patch16_rope_mixed_ape_224: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 4, attn_type: 'rope', qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', no_embed_class: true, use_abs_pos_emb: true, use_rot_pos_emb: true, rope_type: 'mixed' },
    vit_medium_patch16_rope_reg1_gap_256: { img_size: 256, patch_size: 16, embed_dim: 512, depth: 12, num_heads: 8, qkv_fused: true, qkv_bias: true, init_values: 1e-05, class_token: false, num_reg_tokens: 1, use_rot_pos_emb: true, use_abs_pos_emb: false },
    vit_mediumd_patch16_rope_reg1_gap_256: { img_size: 256, patch_size: 16, embed_dim: 512, depth: 20, num_heads: 8, qkv_fused: true, qkv_bias: false, init_values: 1e-05, class_token: false, num_reg_tokens: 1, use_rot_pos_emb: true, use_abs_pos_emb: false },
    vit_pe_core_base_patch16_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, mlp_ratio: 4.0, global_pool: 'map', attn_type: 'rope', use_pre_transformer_norm: true, use_rot_pos_emb: true, attn_pool_num_heads: 8, attn_pool_mlp_ratio: 4.0, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_core_gigantic_patch14_448: { patch_size: 14, embed_dim: 1536, depth: 50, num_heads: 16, mlp_ratio: 5.833333333333333, global_pool: 'map', attn_type: 'rope', class_token: false, use_pre_transformer_norm: true, use_rot_pos_emb: true, attn_pool_num_heads: 8, attn_pool_mlp_ratio: 4.0, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_core_large_patch14_336: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 4.0, global_pool: 'map', attn_type: 'rope', use_pre_transformer_norm: true, use_rot_pos_emb: true, attn_pool_num_heads: 8, attn_pool_mlp_ratio: 4.0, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_core_small_patch16_384: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6, mlp_ratio: 4.0, global_pool: 'map', attn_type: 'rope', use_pre_transformer_norm: true, use_rot_pos_emb: true, attn_pool_num_heads: 8, attn_pool_mlp_ratio: 4.0, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_core_tiny_patch16_384: { patch_size: 16, embed_dim: 192, depth: 12, num_heads: 3, mlp_ratio: 4.0, global_pool: 'map', attn_type: 'rope', use_pre_transformer_norm: true, use_rot_pos_emb: true, attn_pool_num_heads: 8, attn_pool_mlp_ratio: 4.0, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_lang_gigantic_patch14_448: { patch_size: 14, embed_dim: 1536, depth: 47, num_heads: 16, mlp_ratio: 5.833333333333333, attn_type: 'rope', class_token: false, use_rot_pos_emb: true, use_pre_transformer_norm: true, use_post_transformer_norm: false, use_fc_norm: false, init_values: 0.1, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_lang_large_patch14_448: { patch_size: 14, embed_dim: 1024, depth: 23, num_heads: 16, mlp_ratio: 4.0, attn_type: 'rope', class_token: true, use_rot_pos_emb: true, use_pre_transformer_norm: true, use_post_transformer_norm: false, use_fc_norm: false, init_values: 0.1, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_spatial_base_patch16_512: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, mlp_ratio: 4.0, attn_type: 'rope', use_pre_transformer_norm: true, use_post_transformer_norm: false, use_fc_norm: false, use_rot_pos_emb: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_spatial_gigantic_patch14_448: { patch_size: 14, embed_dim: 1536, depth: 50, num_heads: 16, mlp_ratio: 5.833333333333333, attn_type: 'rope', class_token: false, use_rot_pos_emb: true, use_pre_transformer_norm: true, use_post_transformer_norm: false, use_fc_norm: false, init_values: 0.1, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_spatial_large_patch14_448: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 4.0, attn_type: 'rope', use_pre_transformer_norm: true, use_post_transformer_norm: false, use_fc_norm: false, use_rot_pos_emb: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_spatial_small_patch16_512: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6, mlp_ratio: 4.0, attn_type: 'rope', use_pre_transformer_norm: true, use_post_transformer_norm: false, use_fc_norm: false, use_rot_pos_emb: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_pe_spatial_tiny_patch16_512: { patch_size: 16, embed_dim: 192, depth: 12, num_heads: 3, mlp_ratio: 4.0, attn_type: 'rope', use_pre_transformer_norm: true, use_post_transformer_norm: false, use_fc_norm: false, use_rot_pos_emb: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_small_patch16_dinov3: { patch_size: 16, dynamic_img_size: true, embed_dim: 384, depth: 12, num_heads: 6, qkv_bias: false, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_small_patch16_dinov3_qkvb: { patch_size: 16, dynamic_img_size: true, embed_dim: 384, depth: 12, num_heads: 6, qkv_bias: true, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_small_patch16_lingbot: { patch_size: 16, dynamic_img_size: true, embed_dim: 384, depth: 12, num_heads: 6, qkv_bias: true, global_pool: 'token', init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_small_patch16_rope_224: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6, mlp_ratio: 4, attn_type: 'rope', qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', use_abs_pos_emb: false, use_rot_pos_emb: true},
    vit_small_patch16_rope_ape_224: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6, mlp_ratio: 4, attn_type: 'rope', qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', no_embed_class: true, use_abs_pos_emb: true, use_rot_pos_emb: true},
    vit_small_patch16_rope_mixed_224: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6, mlp_ratio: 4, attn_type: 'rope', qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', use_abs_pos_emb: false, use_rot_pos_emb: true, rope_type: 'mixed' },
    vit_small_patch16_rope_mixed_ape_224: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6, mlp_ratio: 4, attn_type: 'rope', qkv_bias: true, init_values: 1e-05, class_token: true, global_pool: 'token', no_embed_class: true, use_abs_pos_emb: true, use_rot_pos_emb: true, rope_type: 'mixed' },
    vit_small_plus_patch16_dinov3: { patch_size: 16, dynamic_img_size: true, embed_dim: 384, depth: 12, num_heads: 6, qkv_bias: false, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, swiglu_mlp: true, swiglu_align_to: 8, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_small_plus_patch16_dinov3_qkvb: { patch_size: 16, dynamic_img_size: true, embed_dim: 384, depth: 12, num_heads: 6, qkv_bias: true, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, swiglu_mlp: true, swiglu_align_to: 8, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_tiny_patch16_dinov3_qkvb: { patch_size: 16, dynamic_img_size: true, embed_dim: 192, depth: 12, num_heads: 3, qkv_bias: true, init_values: 1e-05, rope_type: 'dinov3', use_rot_pos_emb: true, use_abs_pos_emb: false, num_reg_tokens: 4, use_fc_norm: false, norm_layer: ['layernorm', { eps: 1e-05 }] },
  },
})
