import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { model_type: 'stablelm', vocab_size: 10, hidden_size: 16, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1 }

describe('stablelm', () => {
  it('rotates a quarter of each head by default and uses LayerNorm with bias', () => {
    const r = analyze(tiny)
    // head_dim 8 × 0.25 = 2 rotated dims: one frequency
    expect(r.tensors.find((t) => t.name === 'model.rotary_emb.inv_freq')?.shape).toEqual([1])
    expect(r.tensors.some((t) => t.name === 'model.layers.0.post_attention_layernorm.bias')).toBe(true)
  })

  it('drops the post-attention norm with use_parallel_residual and adds per-head q/k LayerNorms with qk_layernorm', () => {
    const r = analyze({ ...tiny, use_parallel_residual: true, qk_layernorm: true, use_qkv_bias: true })
    const names = r.tensors.map((t) => t.name)
    expect(names).not.toContain('model.layers.0.post_attention_layernorm.weight')
    expect(names.filter((n) => n.includes('q_layernorm'))).toEqual(['model.layers.0.self_attn.q_layernorm.norms.0.weight', 'model.layers.0.self_attn.q_layernorm.norms.1.weight'])
    expect(names).toContain('model.layers.0.self_attn.k_proj.bias')
    expect(names).not.toContain('model.layers.0.self_attn.o_proj.bias')
  })
})
