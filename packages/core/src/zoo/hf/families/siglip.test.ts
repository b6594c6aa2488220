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
})
