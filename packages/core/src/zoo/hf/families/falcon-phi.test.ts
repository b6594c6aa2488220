import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

describe('falcon', () => {
  const tiny = { model_type: 'falcon', vocab_size: 10, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2 }

  it('sizes query_key_value for multi-query attention (one K/V head) and shares one LayerNorm with parallel attention', () => {
    // head_dim 4: (2 query heads + 2 × 1 KV head) × 4 = 16 outputs.
    const r = analyze(tiny)
    expect(r.tensors.find((t) => t.name === 'transformer.h.0.self_attention.query_key_value.weight')?.shape).toEqual([16, 8])
    expect(r.tensors.filter((t) => t.name.startsWith('transformer.h.0.') && t.name.includes('layernorm')).map((t) => t.name)).toEqual([
      'transformer.h.0.input_layernorm.weight',
      'transformer.h.0.input_layernorm.bias',
    ])
    expect(r.model?.kvCache).toMatchObject({ kvHeads: 1, headDim: 4 })
    expect(r.model?.tiedEmbeddings).toBe(true)
  })

  it('uses ln_attn and ln_mlp and num_kv_heads with new_decoder_architecture', () => {
    const r = analyze({ ...tiny, num_attention_heads: 4, num_kv_heads: 2, new_decoder_architecture: true })
    expect(r.tensors.find((t) => t.name === 'transformer.h.0.self_attention.query_key_value.weight')?.shape).toEqual([16, 8])
    expect(r.tensors.map((t) => t.name)).toContain('transformer.h.0.ln_mlp.weight')
    expect(r.model?.kvCache?.kvHeads).toBe(2)
  })

  it('has post_attention_layernorm then input_layernorm without parallel attention', () => {
    const r = analyze({ ...tiny, parallel_attn: false, multi_query: false })
    expect(r.tensors.filter((t) => t.name.endsWith('layernorm.weight')).map((t) => t.name)).toEqual(['transformer.h.0.post_attention_layernorm.weight', 'transformer.h.0.input_layernorm.weight'])
    expect(r.model?.kvCache?.kvHeads).toBe(2)
  })

  it('matches the published Falcon 7B and 40B counts', () => {
    expect(analyze('falcon-7b').params.total).toBe(6_921_720_704n)
    expect(analyze('falcon-40b').params.total).toBe(41_303_293_952n)
  })
})

describe('phi', () => {
  it('has biased q/k/v/dense, fc1/fc2, one LayerNorm per block and an lm_head with bias', () => {
    const r = analyze({ model_type: 'phi', vocab_size: 10, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2 })
    expect(r.tensors.filter((t) => t.kind === 'parameter').map((t) => t.name)).toEqual([
      'model.embed_tokens.weight',
      ...['q_proj', 'k_proj', 'v_proj', 'dense'].flatMap((p) => [`model.layers.0.self_attn.${p}.weight`, `model.layers.0.self_attn.${p}.bias`]),
      'model.layers.0.mlp.fc1.weight',
      'model.layers.0.mlp.fc1.bias',
      'model.layers.0.mlp.fc2.weight',
      'model.layers.0.mlp.fc2.bias',
      'model.layers.0.input_layernorm.weight',
      'model.layers.0.input_layernorm.bias',
      'model.final_layernorm.weight',
      'model.final_layernorm.bias',
      'lm_head.weight',
      'lm_head.bias',
    ])
  })

  it('reads phi-msft configs (n_embd, n_head, n_layer, n_inner null → 4 × n_embd)', () => {
    const r = analyze({ model_type: 'phi-msft', architectures: ['PhiForCausalLM'], vocab_size: 10, n_embd: 8, n_head: 2, n_layer: 1, n_inner: null, rotary_dim: 2 })
    expect(r.tensors.find((t) => t.name === 'model.layers.0.mlp.fc1.weight')?.shape).toEqual([32, 8])
    expect(r.model?.notes.join(' ')).toContain('phi-msft')
  })

  it('matches the published Phi-1.5 and Phi-2 counts', () => {
    expect(analyze('phi-1.5').params.total).toBe(1_418_270_720n)
    expect(analyze('phi-2').params.total).toBe(2_779_683_840n)
  })
})

describe('phi3', () => {
  it('fuses qkv_proj and gate_up_proj, o_proj registered first', () => {
    const r = analyze({ model_type: 'phi3', vocab_size: 10, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1 })
    expect(r.tensors.filter((t) => t.name.startsWith('model.layers.0.')).map((t) => [t.name, t.shape])).toEqual([
      ['model.layers.0.self_attn.o_proj.weight', [8, 8]],
      ['model.layers.0.self_attn.qkv_proj.weight', [16, 8]],
      ['model.layers.0.mlp.gate_up_proj.weight', [32, 8]],
      ['model.layers.0.mlp.down_proj.weight', [8, 16]],
      ['model.layers.0.input_layernorm.weight', [8]],
      ['model.layers.0.post_attention_layernorm.weight', [8]],
    ])
  })

  it('matches the published Phi-3-mini count and windows with sliding_window', () => {
    const r = analyze('phi-3-mini')
    expect(r.params.total).toBe(3_821_079_552n)
    expect(r.model?.kvCache?.slidingWindow).toBe(2047)
  })
})
