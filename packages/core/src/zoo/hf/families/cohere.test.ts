import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { vocab_size: 10, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 4, num_attention_heads: 2, num_key_value_heads: 1 }

describe('cohere', () => {
  it('has one weight-only LayerNorm per block and ties the head by default', () => {
    const r = analyze({ ...tiny, model_type: 'cohere' })
    expect(r.tensors.filter((t) => t.name.startsWith('model.layers.0.') && t.name.includes('norm')).map((t) => t.name)).toEqual(['model.layers.0.input_layernorm.weight'])
    expect(r.model?.tiedEmbeddings).toBe(true)
    // embeddings 80 + 4 × (q 64 + k 32 + v 32 + o 64 + MLP 3 × 96 + norm 8) + final norm 8
    expect(r.params.total).toBe(80n + 4n * 488n + 8n)
  })

  it('adds per-head q/k norms of shape (heads, head_dim) with use_qk_norm', () => {
    const r = analyze({ ...tiny, model_type: 'cohere', use_qk_norm: true })
    expect(r.tensors.find((t) => t.name === 'model.layers.0.self_attn.q_norm.weight')?.shape).toEqual([2, 4])
    expect(r.tensors.find((t) => t.name === 'model.layers.0.self_attn.k_norm.weight')?.shape).toEqual([1, 4])
  })
})

describe('cohere2', () => {
  it('windows three of every four layers', () => {
    const cache = analyze({ ...tiny, model_type: 'cohere2', num_hidden_layers: 8, sliding_window: 16 }).model!.kvCache!
    expect(cache.windowedLayers).toEqual({ count: 6, window: 16 })
  })
})
