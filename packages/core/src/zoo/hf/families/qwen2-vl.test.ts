import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const text = { vocab_size: 10, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1 }

describe('qwen2VL', () => {
  it('reads the text model from the top level of a flat config, as the Hub holds them', () => {
    const r = analyze({ model_type: 'qwen2_vl', ...text, vision_config: { depth: 1, embed_dim: 4, hidden_size: 8, num_heads: 2, patch_size: 2 } })
    expect(r.tensors.find((t) => t.name === 'model.language_model.embed_tokens.weight')?.shape).toEqual([10, 8])
    // 2 × 2 merged patches of 4 channels → 16 → the text width 8
    expect(r.tensors.find((t) => t.name === 'model.visual.merger.mlp.2.weight')?.shape).toEqual([8, 16])
    expect(r.tensors.find((t) => t.name === 'model.visual.patch_embed.proj.weight')?.shape).toEqual([4, 3, 2, 2, 2])
    expect(r.model?.tiedEmbeddings).toBe(false)
  })

  it('windows the text layers from max_window_layers on, 80 by default', () => {
    // transformers 5.18: Qwen2VLTextConfig's max_window_layers is 80; DynamicCache(config) of a flat qwen2_vl config
    // with 82 layers and use_sliding_window has DynamicSlidingWindowLayer(64) at layers 80 and 81 (the same for qwen2_5_vl).
    for (const model_type of ['qwen2_vl', 'qwen2_5_vl']) {
      const r = analyze({ model_type, ...text, num_hidden_layers: 82, use_sliding_window: true, sliding_window: 64, vision_config: { depth: 1, embed_dim: 4, hidden_size: 8, num_heads: 2, out_hidden_size: 8 } })
      expect(r.model?.kvCache?.windowedLayers, model_type).toEqual({ count: 2, window: 64 })
    }
  })

  it('ties the head when text_config asks for it', () => {
    const r = analyze({ model_type: 'qwen2_vl', text_config: { ...text, tie_word_embeddings: true }, vision_config: { depth: 1, embed_dim: 4, hidden_size: 8, num_heads: 2 } })
    expect(r.model?.tiedEmbeddings).toBe(true)
  })
})

describe('qwen25VL', () => {
  it('uses RMSNorm blocks with a biased SwiGLU and merges to out_hidden_size', () => {
    const r = analyze({ model_type: 'qwen2_5_vl', ...text, vision_config: { depth: 1, hidden_size: 4, intermediate_size: 6, num_heads: 2, out_hidden_size: 8 } })
    expect(r.tensors.find((t) => t.name === 'model.visual.blocks.0.mlp.gate_proj.bias')?.shape).toEqual([6])
    expect(r.tensors.some((t) => t.name === 'model.visual.blocks.0.norm1.bias')).toBe(false)
  })
})
