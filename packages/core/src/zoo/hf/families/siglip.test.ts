import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const vision = { model_type: 'siglip_vision_model', architectures: ['SiglipVisionModel'], hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, image_size: 16, patch_size: 8 }

describe('siglip', () => {
  it('pools with a probe and nn.MultiheadAttention unless vision_use_head is false', () => {
    const r = analyze(vision)
    expect(r.tensors.find((t) => t.name === 'head.attention.in_proj_weight')?.shape).toEqual([24, 8])
    expect(r.tensors.find((t) => t.name === 'embeddings.position_embedding.weight')?.shape).toEqual([4, 8])
    expect(analyze({ ...vision, vision_use_head: false }).tensors.some((t) => t.name.startsWith('head.'))).toBe(false)
  })

  it('builds the tower a tower\'s own model type names when the config names no class', () => {
    // transformers 5.18 (meta): AutoModel.from_config makes a SiglipVisionModel of 101,472 parameters and 16 buffer
    // elements; it has no class for siglip_text_model, whose config class builds SiglipTextModel (78,656 parameters).
    const tower = { hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 2 }
    const image = analyze({ model_type: 'siglip_vision_model', ...tower, image_size: 32, patch_size: 8 })
    expect([image.module, image.params.total, image.buffers.total]).toEqual(['SiglipVisionModel', 101_472n, 16n])
    const text = analyze({ model_type: 'siglip_text_model', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100, max_position_embeddings: 16 })
    expect([text.module, text.params.total]).toEqual(['SiglipTextModel', 78_656n])
  })
})
