import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { model_type: 'gpt_oss', vocab_size: 10, hidden_size: 8, intermediate_size: 6, num_hidden_layers: 4, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 4, num_local_experts: 4, num_experts_per_tok: 2, sliding_window: 8 }

describe('gptOss', () => {
  it('gives each attention its sinks and each layer a biased router and fused, biased experts', () => {
    const r = analyze(tiny)
    expect(r.tensors.find((t) => t.name === 'model.layers.0.self_attn.sinks')?.shape).toEqual([2])
    expect(r.tensors.find((t) => t.name === 'model.layers.0.mlp.router.bias')?.shape).toEqual([4])
    expect(r.tensors.find((t) => t.name === 'model.layers.0.mlp.experts.gate_up_proj')?.shape).toEqual([4, 8, 12])
    // one expert: gate_up 8 × 12 + 12, down 6 × 8 + 8
    expect(r.model?.breakdown['per_expert']).toBe(96n + 12n + 48n + 8n)
    expect(r.model?.activeParamsPerToken).toBe(r.params.total - 4n * 2n * 164n)
  })

  it('windows every other layer', () => {
    expect(analyze(tiny).model?.kvCache?.windowedLayers).toEqual({ count: 2, window: 8 })
  })
})
