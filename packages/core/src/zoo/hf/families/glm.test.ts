import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { vocab_size: 10, hidden_size: 16, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 8 }

describe('glm', () => {
  it('fuses gate and up projections, biases q/k/v only, and rotates half of each head', () => {
    const r = analyze({ ...tiny, model_type: 'glm' })
    expect(r.tensors.find((t) => t.name === 'model.layers.0.mlp.gate_up_proj.weight')?.shape).toEqual([24, 16])
    const names = r.tensors.map((t) => t.name)
    expect(names).toContain('model.layers.0.self_attn.v_proj.bias')
    expect(names).not.toContain('model.layers.0.self_attn.o_proj.bias')
    expect(r.tensors.find((t) => t.name === 'model.rotary_emb.inv_freq')?.shape).toEqual([2])
  })
})

describe('glm4', () => {
  it('adds norms after attention and after the MLP', () => {
    const names = analyze({ ...tiny, model_type: 'glm4' }).tensors.filter((t) => t.name.endsWith('layernorm.weight')).map((t) => t.name.slice(15))
    expect(names).toEqual(['input_layernorm.weight', 'post_attention_layernorm.weight', 'post_self_attn_layernorm.weight', 'post_mlp_layernorm.weight'])
  })

  it('reads partial_rotary_factor from rope_parameters, as transformers 5 writes it', () => {
    const r = analyze({ ...tiny, model_type: 'glm4', rope_parameters: { rope_type: 'default', rope_theta: 10000, partial_rotary_factor: 1 } })
    expect(r.tensors.find((t) => t.name === 'model.rotary_emb.inv_freq')?.shape).toEqual([4])
  })
})
