import type { TensorDef } from '../../../model/module.js'
import { HFConfig } from '../config.js'
import { defineFamily } from '../family.js'
import { nestedParts } from '../model.js'
import type { HFBuild } from '../model.js'
import { gemma3 } from './llama.js'
import { siglipVisionTower } from './siglip.js'

/**
 * Gemma 3 with vision (`Gemma3Config`, `google/gemma-3-4b-it` and larger): `model.vision_tower`, a SigLIP vision
 * tower built from `vision_config` (with its pooling head unless `vision_use_head` is false, as the published
 * configs set); `model.multi_modal_projector`, an RMSNorm over the vision width and a projection matrix
 * `mm_input_projection_weight` (vision width × text width); `model.language_model`, a `Gemma3TextModel` from
 * `text_config`; and the `lm_head`, tied to the text embeddings unless `tie_word_embeddings` is false.
 */
export const gemma3Multimodal = defineFamily({
  name: 'Gemma 3 (vision)',
  modelTypes: ['gemma3'],
  architectures: ['Gemma3ForConditionalGeneration', 'Gemma3Model'],
  build(c, architecture, f) {
    const text = new HFConfig(c.object('text_config') ?? {}, 'gemma3_text')
    const vision = new HFConfig(c.object('vision_config') ?? {}, 'siglip_vision_model')
    const language = gemma3.build(text, 'Gemma3TextModel', f)
    const visionWidth = vision.int('hidden_size', 768)
    const textWidth = text.int('hidden_size', 2304)
    const projector = f.module('Gemma3MultiModalProjector', [['mm_soft_emb_norm', f.rmsNorm('Gemma3RMSNorm', visionWidth)]], [['mm_input_projection_weight', [visionWidth, textWidth]]])
    const model = f.module('Gemma3Model', [
      ['vision_tower', siglipVisionTower(f, vision, 'SiglipVisionModel')],
      ['multi_modal_projector', projector],
      ['language_model', language.root],
    ])
    const withHead = architecture === 'Gemma3ForConditionalGeneration'
    let root = model
    let tiedWeight: TensorDef | null = null
    if (withHead) {
      const embed = language.root.children.get('embed_tokens')!
      const head = f.linear(textWidth, text.int('vocab_size', 262208), false)
      // The head is tied by the top-level `Gemma3Config.tie_word_embeddings` (default true); `text_config`'s is not read.
      if (c.bool('tie_word_embeddings', true)) tiedWeight = f.tie(head, embed)
      root = f.module(architecture, [
        ['model', model],
        ['lm_head', head],
      ])
    }
    const p = withHead ? 'model.' : ''
    const nested = nestedParts(language, `${p}language_model.`)
    const build: HFBuild = {
      root,
      parts: [
        ['vision_tower', [`${p}vision_tower`]],
        ['multi_modal_projector', [`${p}multi_modal_projector`]],
        ...nested.parts.filter(([key]) => key !== 'lm_head'),
        ['lm_head', withHead ? ['lm_head'] : []],
      ],
      perBlock: [...nested.perBlock, ['vision_per_layer', `${p}vision_tower.encoder.layers.0`]],
      tiedWeight,
      kvCache: language.kvCache,
      kvCacheNote: `${language.kvCacheNote} (the language model's; the vision tower caches nothing)`,
      notes: language.notes,
    }
    return build
  },
})
