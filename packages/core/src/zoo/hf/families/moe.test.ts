import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { vocab_size: 16, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1 }

describe('mixtral', () => {
  const config = { ...tiny, model_type: 'mixtral', num_local_experts: 4, num_experts_per_tok: 2 }

  it('names the router gate and the fused experts as transformers 5 does', () => {
    const names = analyze(config).tensors.filter((t) => t.name.startsWith('model.layers.0.mlp.')).map((t) => [t.name.slice(19), t.shape])
    expect(names).toEqual([
      ['gate.weight', [4, 8]],
      ['experts.gate_up_proj', [4, 24, 8]],
      ['experts.down_proj', [4, 8, 12]],
    ])
  })

  it('reports total and active parameters per token', () => {
    // Expert: 3 × 8 × 12 = 288; router 32; attention 192; norms 16 → layer 1392. Active skips 2 of 4 experts per layer.
    const r = analyze(config)
    expect(r.model?.breakdown['per_expert']).toBe(288n)
    expect(r.model?.breakdown['per_layer_router']).toBe(32n)
    expect(r.model?.breakdown['per_layer_experts']).toBe(4n * 288n)
    expect(r.model?.breakdown['per_layer']).toBe(192n + 32n + 4n * 288n + 16n)
    expect(r.params.total).toBe(2n * 1392n + 128n + 8n + 128n)
    expect(r.model?.activeParamsPerToken).toBe(r.params.total - 2n * 2n * 288n)
  })

  it('rejects more experts per token than experts', () => {
    expect(() => analyze({ ...config, num_experts_per_tok: 5 })).toThrow('`num_experts_per_tok` (5) is larger than `num_local_experts` (4)')
  })

  it('matches the published Mixtral 8x22B count', () => {
    const r = analyze('mixtral-8x22b')
    expect(r.params.total).toBe(140_620_634_112n)
    // 56 layers × 6 unused experts × (3 × 6144 × 16384)
    expect(r.model?.activeParamsPerToken).toBe(140_620_634_112n - 56n * 6n * 3n * 6144n * 16384n)
  })
})

describe('qwen2Moe', () => {
  it('has routed experts, a shared expert and its gate, and dense layers where mlp_only_layers says', () => {
    const r = analyze({ ...tiny, model_type: 'qwen2_moe', num_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 6, shared_expert_intermediate_size: 10, mlp_only_layers: [1] })
    const names = r.tensors.map((t) => t.name)
    expect(names).toContain('model.layers.0.mlp.shared_expert.gate_proj.weight')
    expect(r.tensors.find((t) => t.name === 'model.layers.0.mlp.shared_expert_gate.weight')?.shape).toEqual([1, 8])
    expect(names).toContain('model.layers.1.mlp.gate_proj.weight')
    expect(names.some((n) => n.startsWith('model.layers.1.mlp.experts'))).toBe(false)
    // one MoE layer, 2 of 4 experts (3 × 8 × 6 each) skipped per token
    expect(r.model?.activeParamsPerToken).toBe(r.params.total - 2n * 144n)
  })

  it('honours qkv_bias and accepts a shared expert of size 0, as transformers 5.18 builds them', () => {
    // torch 2.13 + transformers 5.18 on meta: 1752 parameters; 1720 without q/k/v biases; 1464 with
    // shared_expert_intermediate_size 0 (empty shared-expert Linears, the 1 × 8 gate still there).
    const config = { ...tiny, vocab_size: 10, model_type: 'qwen2_moe', num_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 4, shared_expert_intermediate_size: 6 }
    expect(analyze(config).params.total).toBe(1752n)
    const unbiased = analyze({ ...config, qkv_bias: false })
    expect(unbiased.params.total).toBe(1720n)
    expect(unbiased.tensors.some((t) => t.name.endsWith('_proj.bias'))).toBe(false)
    const empty = analyze({ ...config, shared_expert_intermediate_size: 0 })
    expect(empty.params.total).toBe(1464n)
    expect(empty.tensors.filter((t) => t.name.startsWith('model.layers.0.mlp.shared_expert')).map((t) => `${t.name.slice(19)} ${t.shape.join('×')}`)).toEqual([
      'shared_expert.gate_proj.weight 0×8',
      'shared_expert.up_proj.weight 0×8',
      'shared_expert.down_proj.weight 8×0',
      'shared_expert_gate.weight 1×8',
    ])
  })

  it('windows the even layers below max_window_layers, as Qwen2MoeConfig.layer_types does', () => {
    // transformers 5.18: DynamicCache(config) of 8 layers with use_sliding_window and sliding_window 16 has
    // DynamicSlidingWindowLayer(16) at layer 0 only with max_window_layers 2, at 0, 2, 4, 6 with the default 28, none
    // without use_sliding_window; with a 4-entry layer_types, the layers it lists.
    const config = { ...tiny, model_type: 'qwen2_moe', num_hidden_layers: 8, num_experts: 4, num_experts_per_tok: 2, use_sliding_window: true, sliding_window: 16 }
    expect(analyze({ ...config, max_window_layers: 2 }).model?.kvCache?.windowedLayers).toEqual({ count: 1, window: 16 })
    expect(analyze(config).model?.kvCache?.windowedLayers).toEqual({ count: 4, window: 16 })
    expect(analyze({ ...config, use_sliding_window: false, max_window_layers: 2 }).model?.kvCache).not.toHaveProperty('windowedLayers')
    const types = ['sliding_attention', 'full_attention', 'sliding_attention', 'sliding_attention', 'full_attention', 'full_attention', 'full_attention', 'full_attention']
    expect(analyze({ ...config, max_window_layers: 2, layer_types: types }).model?.kvCache?.windowedLayers).toEqual({ count: 3, window: 16 })
    expect(() => analyze({ ...config, layer_types: types.slice(0, 6) })).toThrow('`num_hidden_layers` (8) must be equal to the number of `layer_types` (6)')
  })

  it('matches the published Qwen1.5-MoE-A2.7B count', () => {
    expect(analyze('qwen1.5-moe-a2.7b').params.total).toBe(14_315_784_192n)
  })
})

describe('qwen3Moe', () => {
  it('windows every layer with use_sliding_window, whatever max_window_layers says, as transformers 5.18 does', () => {
    // transformers 5.18: Qwen3MoeConfig has no layer_types; DynamicCache(config) of 4 layers is 4 ×
    // DynamicSlidingWindowLayer(16) with max_window_layers 2, 4 × (4096) with no sliding_window given, and follows a
    // layer_types the config file has (one window at layer 1).
    const config = { ...tiny, model_type: 'qwen3_moe', num_hidden_layers: 4, num_experts: 4, num_experts_per_tok: 2, use_sliding_window: true }
    const cache = analyze({ ...config, sliding_window: 16, max_window_layers: 2 }).model?.kvCache
    expect(cache?.slidingWindow).toBe(16)
    expect(cache).not.toHaveProperty('windowedLayers')
    expect(analyze(config).model?.kvCache?.slidingWindow).toBe(4096)
    expect(analyze({ ...config, sliding_window: 16, layer_types: ['full_attention', 'sliding_attention', 'full_attention', 'full_attention'] }).model?.kvCache?.windowedLayers).toEqual({ count: 1, window: 16 })
    expect(analyze({ ...config, use_sliding_window: false, sliding_window: 16 }).model?.kvCache).not.toHaveProperty('slidingWindow')
  })

  it('matches the published Qwen3 MoE sizes (total and activated)', () => {
    const small = analyze('qwen3-30b-a3b')
    expect(small.params.total).toBe(30_532_122_624n)
    expect(small.model?.activeParamsPerToken).toBe(3_353_032_704n)
    expect(small.tensors.some((t) => t.name.includes('shared_expert'))).toBe(false)
  }, 60_000)
})
