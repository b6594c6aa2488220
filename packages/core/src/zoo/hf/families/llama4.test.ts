import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const text = { vocab_size: 10, hidden_size: 8, intermediate_size: 4, intermediate_size_mlp: 12, num_hidden_layers: 4, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 4, num_local_experts: 4, num_experts_per_tok: 1 }

describe('llama4Text', () => {
  it('interleaves MoE layers with dense ones, each with a shared expert, and counts one routed expert per token', () => {
    const r = analyze({ ...text, model_type: 'llama4_text', interleave_moe_layer_step: 2 })
    const moe = [0, 1, 2, 3].filter((i) => r.tensors.some((t) => t.name === `model.layers.${i}.feed_forward.experts.gate_up_proj`))
    expect(moe).toEqual([1, 3])
    expect(r.tensors.find((t) => t.name === 'model.layers.0.feed_forward.gate_proj.weight')?.shape).toEqual([12, 8])
    // routed expert: gate_up 8 × 8 + down 4 × 8 = 96; 3 of 4 skipped in 2 layers
    expect(r.model?.breakdown['per_expert']).toBe(96n)
    expect(r.model?.activeParamsPerToken).toBe(r.params.total - 2n * 3n * 96n)
  })

  it('bounds three of every four layers’ cache by the attention chunk', () => {
    expect(analyze({ ...text, model_type: 'llama4_text', num_hidden_layers: 8, attention_chunk_size: 16 }).model?.kvCache?.windowedLayers).toEqual({ count: 6, window: 16 })
  })
})

describe('llama4', () => {
  it('nests a whole Llama4ForCausalLM beside the vision model and keeps the vision rotary table as complex64', () => {
    const r = analyze({
      model_type: 'llama4',
      text_config: text,
      vision_config: { hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2, image_size: 16, patch_size: 8, vision_output_dim: 6, projector_input_dim: 6, projector_output_dim: 6 },
    })
    expect(r.model?.architecture).toBe('Llama4ForConditionalGeneration')
    expect(r.tensors.some((t) => t.name === 'language_model.lm_head.weight')).toBe(true)
    expect(r.tensors.find((t) => t.name === 'vision_model.rotary_embedding.freqs_ci')).toMatchObject({ dtype: 'complex64', shape: [5, 1, 2] })
    expect(r.model?.activeParamsPerToken).not.toBeNull()
  })
})
