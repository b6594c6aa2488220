import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const config = {
  model_type: 'clip',
  projection_dim: 4,
  text_config: { vocab_size: 10, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 5 },
  vision_config: { hidden_size: 12, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, image_size: 16, patch_size: 8 },
}

describe('clip', () => {
  it('builds both towers with bias-free projections to projection_dim and a scalar logit_scale', () => {
    const r = analyze({ ...config, architectures: ['CLIPModel'] })
    expect(r.tensors[0]).toMatchObject({ name: 'logit_scale', shape: [] })
    expect(r.tensors.find((t) => t.name === 'visual_projection.weight')?.shape).toEqual([4, 12])
    expect(r.tensors.find((t) => t.name === 'vision_model.embeddings.position_embedding.weight')?.shape).toEqual([5, 12])
    expect(r.tensors.some((t) => t.name === 'vision_model.embeddings.patch_embedding.bias')).toBe(false)
  })

  it('builds one tower from a composite config’s sub-config', () => {
    const vision = analyze({ ...config, architectures: ['CLIPVisionModel'] })
    expect(vision.module).toBe('CLIPVisionModel')
    expect(vision.tensors.find((t) => t.name === 'embeddings.class_embedding')?.shape).toEqual([12])
    const text = analyze({ ...config, architectures: ['CLIPTextModel'] })
    expect(text.tensors.find((t) => t.name === 'embeddings.token_embedding.weight')?.shape).toEqual([10, 8])
  })
})
