import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { vocab_size: 10, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 4, num_attention_heads: 2, num_key_value_heads: 1 }

describe('smollm3', () => {
  it('ties by default and windows only its no-rope layers, only with use_sliding_window', () => {
    expect(analyze({ ...tiny, model_type: 'smollm3' }).model?.tiedEmbeddings).toBe(true)
    expect(analyze({ ...tiny, model_type: 'smollm3' }).model?.kvCache?.windowedLayers).toBeUndefined()
    expect(analyze({ ...tiny, model_type: 'smollm3', use_sliding_window: true, sliding_window: 16 }).model?.kvCache?.windowedLayers).toEqual({ count: 1, window: 16 })
  })
})

describe('ministral', () => {
  it('windows the layers layer_types names', () => {
    const r = analyze({ ...tiny, model_type: 'ministral', sliding_window: 32, layer_types: ['sliding_attention', 'full_attention', 'sliding_attention', 'full_attention'] })
    expect(r.model?.kvCache?.windowedLayers).toEqual({ count: 2, window: 32 })
  })
})

describe('olmoe', () => {
  it('norms all query and key heads and routes to fused experts', () => {
    const r = analyze({ ...tiny, model_type: 'olmoe', num_experts: 4, num_experts_per_tok: 2 })
    expect(r.tensors.find((t) => t.name === 'model.layers.0.self_attn.k_norm.weight')?.shape).toEqual([4])
    expect(r.model?.activeParamsPerToken).toBe(r.params.total - 4n * 2n * 3n * 8n * 12n)
  })
})

describe('gptBigCode', () => {
  it('caches one key and value head with multi_query and keeps its causal mask as a bool buffer', () => {
    const r = analyze({ model_type: 'gpt_bigcode', vocab_size: 10, n_positions: 6, n_embd: 8, n_layer: 1, n_head: 2 })
    expect(r.tensors.find((t) => t.name === 'transformer.h.0.attn.c_attn.weight')?.shape).toEqual([16, 8])
    expect(r.model?.kvCache).toMatchObject({ kvHeads: 1, headDim: 4 })
    expect(r.tensors.find((t) => t.name === 'transformer.bias')).toMatchObject({ dtype: 'bool', shape: [6, 6], persistent: false })
  })
})
