import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { vocab_size: 10, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 3, num_attention_heads: 2, num_key_value_heads: 1 }

describe('ernie45', () => {
  it('puts use_bias on attention and MLP but never on the dense model’s head', () => {
    const names = analyze({ ...tiny, model_type: 'ernie4_5', head_dim: 4, use_bias: true, tie_word_embeddings: false }).tensors.map((t) => t.name)
    expect(names).toContain('model.layers.0.self_attn.o_proj.bias')
    expect(names).toContain('model.layers.0.mlp.down_proj.bias')
    expect(names).not.toContain('lm_head.bias')
  })
})

describe('ernie45Moe', () => {
  it('makes the layers from moe_layer_start_index sparse, with a frozen score-correction bias', () => {
    const r = analyze({ ...tiny, model_type: 'ernie4_5_moe', moe_num_experts: 4, moe_k: 2, moe_intermediate_size: 6, moe_num_shared_experts: 1, moe_layer_start_index: 1 })
    const sparse = [0, 1, 2].filter((i) => r.tensors.some((t) => t.name === `model.layers.${i}.mlp.experts.gate_up_proj`))
    expect(sparse).toEqual([1, 2])
    expect(r.tensors.find((t) => t.name === 'model.layers.1.mlp.gate.moe_statics.e_score_correction_bias')).toMatchObject({ shape: [1, 4], trainable: false })
    expect(r.params.frozen).toBe(8n)
    // one expert 3 × 8 × 6 = 144; 2 of 4 skipped in 2 layers
    expect(r.model?.activeParamsPerToken).toBe(r.params.total - 2n * 2n * 144n)
  })
})
