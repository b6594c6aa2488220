import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

describe('jamba', () => {
  it('caches keys and values only in its attention layers and keeps a state in the Mamba layers', () => {
    const model = analyze({ model_type: 'jamba', vocab_size: 10, hidden_size: 16, intermediate_size: 8, num_hidden_layers: 8, num_attention_heads: 2, num_key_value_heads: 1, num_experts: 4, num_experts_per_tok: 2, mamba_d_state: 2 }).model!
    expect(model.kvCache).toMatchObject({ layers: 1, kvHeads: 1, headDim: 8 })
    expect(model.stateCache).toMatchObject({ layers: 7, convElementsPerLayer: 32 * 4, recurrentElementsPerLayer: 32 * 2 })
    // 4 MoE layers (1, 3, 5, 7), each skipping 2 of 4 experts of 3 × 16 × 8
    expect(model.breakdown['per_expert']).toBe(384n)
    expect(model.breakdown['per_layer_router']).toBe(64n)
  })

  it('keeps the Mamba layers\' SSM state in float32, as transformers does', () => {
    // transformers 5.18, torch 2.13 (CPU): a bfloat16 JambaForCausalLM of 4 layers (attention at 1 and 3), hidden 64,
    // d_state 16, d_conv 4, after a prefill and a decode step holds, in each Mamba layer, a conv state (1, 128, 4)
    // bfloat16 and an SSM state (1, 128, 16) float32: 18,432 bytes per sequence.
    const model = analyze({ model_type: 'jamba', vocab_size: 100, hidden_size: 64, intermediate_size: 96, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, num_experts: 2, num_experts_per_tok: 1, attn_layer_period: 2, attn_layer_offset: 1, mamba_d_state: 16, mamba_d_conv: 4, mamba_expand: 2 }).model!
    expect(model.stateCache).toMatchObject({ layers: 2, recurrentDType: 'float32', bytesPerSequenceFp16: 18_432n })
  })

  it('gives a layer of one expert the dense JambaMLP (layers_num_experts)', () => {
    // torch 2.13 + transformers 5.18 on meta: 18579 parameters, every feed_forward a JambaMLP.
    const r = analyze({ model_type: 'jamba', vocab_size: 10, hidden_size: 16, intermediate_size: 8, num_hidden_layers: 8, num_attention_heads: 2, num_key_value_heads: 1, num_experts: 1, mamba_d_state: 2 })
    expect(r.params.total).toBe(18579n)
    expect(r.tensors.filter((t) => t.name.startsWith('model.layers.1.feed_forward.')).map((t) => t.name)).toEqual(['gate_proj', 'up_proj', 'down_proj'].map((p) => `model.layers.1.feed_forward.${p}.weight`))
    expect(r.model?.activeParamsPerToken).toBeNull()
  })
})
