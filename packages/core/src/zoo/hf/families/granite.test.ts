import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { vocab_size: 10, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1 }

describe('granite', () => {
  it('is Llama-shaped; its multipliers hold no parameters', () => {
    const granite = analyze({ ...tiny, model_type: 'granite', embedding_multiplier: 12, logits_scaling: 8 })
    const llama = analyze({ ...tiny, model_type: 'llama' })
    expect(granite.params.total).toBe(llama.params.total)
  })
})

describe('graniteMoe', () => {
  it('registers the MoE after the norms and counts the experts a token uses', () => {
    const r = analyze({ ...tiny, model_type: 'granitemoe', num_local_experts: 4, num_experts_per_tok: 1 })
    const layer = r.tensors.filter((t) => t.name.startsWith('model.layers.0.')).map((t) => t.name.slice(15))
    expect(layer.slice(-5)).toEqual(['input_layernorm.weight', 'post_attention_layernorm.weight', 'block_sparse_moe.router.weight', 'block_sparse_moe.experts.gate_up_proj', 'block_sparse_moe.experts.down_proj'])
    // one expert: 3 × 8 × 12 = 288; 3 of 4 skipped in each of 2 layers
    expect(r.model?.breakdown['per_expert']).toBe(288n)
    expect(r.model?.activeParamsPerToken).toBe(r.params.total - 2n * 3n * 288n)
  })

  it('adds the shared MLP of Granite-MoE-Shared, which every token uses', () => {
    const r = analyze({ ...tiny, model_type: 'granitemoeshared', num_local_experts: 4, num_experts_per_tok: 1, shared_intermediate_size: 6 })
    expect(r.tensors.find((t) => t.name === 'model.layers.1.shared_mlp.input_linear.weight')?.shape).toEqual([12, 8])
    expect(analyze({ ...tiny, model_type: 'granitemoeshared', shared_intermediate_size: 0 }).tensors.some((t) => t.name.includes('shared_mlp'))).toBe(false)
  })
})
