import type { ModuleNode } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import { defineFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { ModuleFactory } from '../modules.js'
import { towerConfig } from './clip.js'
import { clipStyleEncoder, fcMLP, patchGrid, towerSizes, visionEncoderNote } from './vision.js'
import { multiheadAttention } from '../../../layers/attention.js'
import { conv2d } from '../../../layers/conv.js'

/** SigLIP's text tower (`SiglipTextTransformer`): embeddings, encoder, final LayerNorm and a `head` to `projection_size` (default hidden). */
function siglipText(f: ModuleFactory, c: HFConfig, type: string): ModuleNode {
  const s = towerSizes(c, { hidden: 768, intermediate: 3072, layers: 12, heads: 12 })
  const positions = c.int('max_position_embeddings', 64)
  const embeddings = f.module('SiglipTextEmbeddings', [
    ['token_embedding', f.embedding(c.int('vocab_size', 32000), s.hidden)],
    ['position_embedding', f.embedding(positions, s.hidden)],
  ])
  f.buffer(embeddings, 'position_ids', [1, positions], { dtype: 'int64' })
  return f.module(type, [
    ['embeddings', embeddings],
    ['encoder', clipStyleEncoder(f, 'Siglip', s, 'siglip')],
    ['final_layer_norm', f.layerNorm(s.hidden)],
    ['head', f.linear(s.hidden, c.int('projection_size', s.hidden), true)],
  ])
}

/**
 * SigLIP's vision tower (`SiglipVisionTransformer`): a biased patch Conv2d, one position per patch (no class token),
 * the encoder, a post-LayerNorm and, unless `vision_use_head` is false, an attention-pooling `head` (a learned
 * `probe`, `nn.MultiheadAttention`, LayerNorm and MLP). Gemma 3 and PaliGemma use it without the head.
 */
export function siglipVisionTower(f: ModuleFactory, c: HFConfig, type: string, useHead = c.bool('vision_use_head', true)): ModuleNode {
  const s = towerSizes(c, { hidden: 768, intermediate: 3072, layers: 12, heads: 12 })
  const { patch, patches } = patchGrid(c, 224, 16)
  const embeddings = f.module('SiglipVisionEmbeddings', [
    ['patch_embedding', f.layer(conv2d, { in_channels: c.int('num_channels', 3), out_channels: s.hidden, kernel_size: [...patch], stride: [...patch], bias: true })],
    ['position_embedding', f.embedding(patches, s.hidden)],
  ])
  f.buffer(embeddings, 'position_ids', [1, patches], { dtype: 'int64' })
  return f.module(type, [
    ['embeddings', embeddings],
    ['encoder', clipStyleEncoder(f, 'Siglip', s, 'siglip')],
    ['post_layernorm', f.layerNorm(s.hidden)],
    ...(useHead
      ? ([
          [
            'head',
            f.module(
              'SiglipMultiheadAttentionPoolingHead',
              [
                ['attention', f.layer(multiheadAttention, { embed_dim: s.hidden, num_heads: s.heads, batch_first: true })],
                ['layernorm', f.layerNorm(s.hidden)],
                ['mlp', fcMLP(f, 'SiglipMLP', s.hidden, s.intermediate)],
              ],
              [['probe', [1, 1, s.hidden]]],
            ),
          ],
        ] as const)
      : []),
  ])
}

/**
 * SigLIP (`SiglipConfig`: text and vision towers of 768 wide, 12 layers, 12 heads; text vocabulary 32000 and 64
 * positions; 224 × 224 images in patches of 16). `SiglipModel` adds `logit_scale` and `logit_bias`;
 * `SiglipVisionModel` and `SiglipTextModel` are one tower.
 */
export const siglip = defineFamily({
  name: 'SigLIP',
  modelTypes: ['siglip', 'siglip_vision_model', 'siglip_text_model'],
  architectures: ['SiglipModel', 'SiglipVisionModel', 'SiglipTextModel'],
  // transformers 5.18's AutoModel maps `siglip_vision_model` to SiglipVisionModel and has no class for
  // `siglip_text_model`; SiglipTextModel is the class made from its config (SiglipTextConfig).
  modelTypeClasses: { siglip_vision_model: 'SiglipVisionModel', siglip_text_model: 'SiglipTextModel' },
  build(c, architecture, f) {
    f.reserve(200, 'SigLIP')
    if (architecture === 'SiglipVisionModel' || architecture === 'SiglipTextModel') {
      const vision = architecture === 'SiglipVisionModel'
      const tower = vision ? siglipVisionTower(f, towerConfig(c, 'vision_config', 'siglip_vision_model'), architecture) : siglipText(f, towerConfig(c, 'text_config', 'siglip_text_model'), architecture)
      return {
        root: tower,
        parts: [['embeddings', ['embeddings']], ['layers', ['encoder']], ['final_norm', ['post_layernorm', 'final_layer_norm']], ['head', ['head']]],
        perBlock: [['per_layer', 'encoder.layers.0']],
        tiedWeight: null,
        kvCache: null,
        kvCacheNote: vision ? visionEncoderNote : 'text encoder: no KV cache',
        notes: [],
      }
    }
    const root = f.module(
      'SiglipModel',
      [
        ['text_model', siglipText(f, towerConfig(c, 'text_config', 'siglip_text_model'), 'SiglipTextTransformer')],
        ['vision_model', siglipVisionTower(f, towerConfig(c, 'vision_config', 'siglip_vision_model'), 'SiglipVisionTransformer')],
      ],
      [
        ['logit_scale', [1]],
        ['logit_bias', [1]],
      ],
    )
    const build: HFBuild = {
      root,
      parts: [
        ['text_model', ['text_model']],
        ['vision_model', ['vision_model']],
        ['logits', ['logit_scale', 'logit_bias']],
      ],
      perBlock: [
        ['text_per_layer', 'text_model.encoder.layers.0'],
        ['vision_per_layer', 'vision_model.encoder.layers.0'],
      ],
      tiedWeight: null,
      kvCache: null,
      kvCacheNote: 'text and image encoders: no KV cache',
      notes: [],
    }
    return build
  },
})
