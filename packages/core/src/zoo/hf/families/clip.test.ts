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

  it('builds the tower a tower\'s own model type names when the config names no class, as AutoModel does', () => {
    // transformers 5.18 AutoModel.from_config (meta): CLIPVisionModel of 72,384 parameters and a 17-element
    // embeddings.position_ids; CLIPTextModel of 127,744 parameters and 77 buffer elements.
    const vision = analyze({ model_type: 'clip_vision_model', hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 2, image_size: 32, patch_size: 8 })
    expect([vision.module, vision.params.total, vision.buffers.total]).toEqual(['CLIPVisionModel', 72_384n, 17n])
    const text = analyze({ model_type: 'clip_text_model', vocab_size: 1000, hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 2 })
    expect([text.module, text.params.total, text.buffers.total]).toEqual(['CLIPTextModel', 127_744n, 77n])
    expect(analyze({ ...config }).module).toBe('CLIPModel')
  })
})
