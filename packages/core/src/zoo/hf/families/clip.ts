import type { ModuleNode } from '../../../model/module.js'
import { HFConfig } from '../config.js'
import { defineFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { ModuleFactory } from '../modules.js'
import { clipStyleEncoder, patchGrid, towerSizes, visionEncoderNote } from './vision.js'
import { conv2d } from '../../../layers/conv.js'

/** A tower's config: `key` of a composite config (`vision_config`), else the config itself (a `clip_vision_model` config). */
export function towerConfig(c: HFConfig, key: string, modelType: string): HFConfig {
  const sub = c.object(key)
  return sub ? new HFConfig(sub, modelType) : c
}

/** CLIP's text tower (`CLIPTextTransformer`): token and position embeddings, the encoder, a final LayerNorm. */
function clipText(f: ModuleFactory, c: HFConfig): ModuleNode {
  const s = towerSizes(c, { hidden: 512, intermediate: 2048, layers: 12, heads: 8 })
  const positions = c.int('max_position_embeddings', 77)
  const embeddings = f.module('CLIPTextEmbeddings', [
    ['token_embedding', f.embedding(c.int('vocab_size', 49408), s.hidden)],
    ['position_embedding', f.embedding(positions, s.hidden)],
  ])
  f.buffer(embeddings, 'position_ids', [1, positions], { dtype: 'int64' })
  return f.module('CLIPTextTransformer', [
    ['embeddings', embeddings],
    ['encoder', clipStyleEncoder(f, 'CLIP', s, 'clip')],
    ['final_layer_norm', f.layerNorm(s.hidden)],
  ])
}

/** CLIP's vision tower: a class embedding, a bias-free patch Conv2d, positions for every patch plus the class token, pre- and post-LayerNorms. */
function clipVision(f: ModuleFactory, c: HFConfig, type: string): ModuleNode {
  const s = towerSizes(c, { hidden: 768, intermediate: 3072, layers: 12, heads: 12 })
  const { patch, patches } = patchGrid(c, 224, 32)
  const embeddings = f.module(
    'CLIPVisionEmbeddings',
    [
      ['patch_embedding', f.layer(conv2d, { in_channels: c.int('num_channels', 3), out_channels: s.hidden, kernel_size: [...patch], stride: [...patch], bias: false })],
      ['position_embedding', f.embedding(patches + 1, s.hidden)],
    ],
    [['class_embedding', [s.hidden]]],
  )
  f.buffer(embeddings, 'position_ids', [1, patches + 1], { dtype: 'int64' })
  return f.module(type, [
    ['embeddings', embeddings],
    ['pre_layrnorm', f.layerNorm(s.hidden)],
    ['encoder', clipStyleEncoder(f, 'CLIP', s, 'clip')],
    ['post_layernorm', f.layerNorm(s.hidden)],
  ])
}

/**
 * CLIP (`CLIPConfig`: `projection_dim` 512; text tower 512 wide, 12 layers, 8 heads, 77 positions, vocabulary 49408;
 * vision tower 768 wide, 12 layers, 12 heads, 224 × 224 images in patches of 32). `CLIPModel` has both towers, a
 * scalar `logit_scale` and bias-free projections; `CLIPVisionModel` and `CLIPTextModel` are one tower, read from
 * `vision_config`/`text_config` or from a `clip_vision_model`/`clip_text_model` config.
 */
export const clip = defineFamily({
  name: 'CLIP',
  modelTypes: ['clip', 'clip_vision_model', 'clip_text_model'],
  architectures: ['CLIPModel', 'CLIPVisionModel', 'CLIPTextModel'],
  modelTypeClasses: { clip_vision_model: 'CLIPVisionModel', clip_text_model: 'CLIPTextModel' },
  build(c, architecture, f) {
    f.reserve(200, 'CLIP')
    if (architecture === 'CLIPVisionModel' || architecture === 'CLIPTextModel') {
      const vision = architecture === 'CLIPVisionModel'
      const tower = vision ? clipVision(f, towerConfig(c, 'vision_config', 'clip_vision_model'), architecture) : clipText(f, towerConfig(c, 'text_config', 'clip_text_model'))
      tower.type = architecture
      return {
        root: tower,
        parts: [['embeddings', ['embeddings']], ['layers', ['encoder']], ['final_norm', vision ? ['pre_layrnorm', 'post_layernorm'] : ['final_layer_norm']]],
        perBlock: [['per_layer', 'encoder.layers.0']],
        tiedWeight: null,
        kvCache: null,
        kvCacheNote: vision ? visionEncoderNote : 'text encoder: no KV cache',
        notes: [],
      }
    }
    const text = towerConfig(c, 'text_config', 'clip_text_model')
    const vision = towerConfig(c, 'vision_config', 'clip_vision_model')
    const projection = c.int('projection_dim', 512)
    const textModel = clipText(f, text)
    const visionModel = clipVision(f, vision, 'CLIPVisionTransformer')
    const root = f.module(
      'CLIPModel',
      [
        ['text_model', textModel],
        ['vision_model', visionModel],
        ['visual_projection', f.linear(vision.int('hidden_size', 768), projection, false)],
        ['text_projection', f.linear(text.int('hidden_size', 512), projection, false)],
      ],
      [['logit_scale', []]],
    )
    const build: HFBuild = {
      root,
      parts: [
        ['text_model', ['text_model']],
        ['vision_model', ['vision_model']],
        ['projections', ['visual_projection', 'text_projection', 'logit_scale']],
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
