import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = {
  model_type: 'deepseek_v3',
  vocab_size: 16,
  hidden_size: 8,
  intermediate_size: 12,
  moe_intermediate_size: 4,
  num_hidden_layers: 3,
  num_attention_heads: 2,
  n_routed_experts: 4,
  n_shared_experts: 1,
  num_experts_per_tok: 2,
  first_k_dense_replace: 1,
  q_lora_rank: 6,
  kv_lora_rank: 5,
  qk_nope_head_dim: 3,
  qk_rope_head_dim: 2,
  v_head_dim: 3,
}

describe('deepseekV3', () => {
  it('builds multi-head latent attention with the low-rank query and key/value paths', () => {
    const r = analyze(tiny)
    expect(r.tensors.filter((t) => t.name.startsWith('model.layers.0.self_attn.')).map((t) => [t.name.slice('model.layers.0.self_attn.'.length), t.shape])).toEqual([
      ['q_a_proj.weight', [6, 8]],
      ['q_a_layernorm.weight', [6]],
      ['q_b_proj.weight', [10, 6]], // 2 heads × (3 + 2)
      ['kv_a_proj_with_mqa.weight', [7, 8]], // kv_lora_rank 5 + rope 2
      ['kv_a_layernorm.weight', [5]],
      ['kv_b_proj.weight', [12, 5]], // 2 heads × (3 + 3)
      ['o_proj.weight', [8, 6]],
    ])
  })

  it('keeps the first first_k_dense_replace layers dense and gives the others routed + shared experts', () => {
    const r = analyze(tiny)
    const names = r.tensors.map((t) => t.name)
    expect(names).toContain('model.layers.0.mlp.gate_proj.weight')
    // transformers 5 fuses the routed experts: gate_up_proj (experts, 2 × moe_intermediate, hidden), down_proj (experts, hidden, moe_intermediate)
    expect(r.tensors.find((t) => t.name === 'model.layers.1.mlp.experts.down_proj')?.shape).toEqual([4, 8, 4])
    expect(names).toContain('model.layers.1.mlp.gate.weight')
    expect(r.tensors.find((t) => t.name === 'model.layers.1.mlp.shared_experts.up_proj.weight')?.shape).toEqual([4, 8])
    expect(r.tensors.find((t) => t.name === 'model.layers.1.mlp.gate.e_score_correction_bias')).toMatchObject({ kind: 'buffer', shape: [4] })
    // 2 MoE layers skip 2 of 4 experts (3 × 8 × 4 each) per token
    expect(r.model?.activeParamsPerToken).toBe(r.params.total - 2n * 2n * 96n)
    expect(r.model?.breakdown['per_expert']).toBe(96n)
  })

  it('makes every layer from first_k_dense_replace sparse whatever moe_layer_freq says, as transformers 5.18 does, with a note', () => {
    // transformers 5.18 (DeepseekV3DecoderLayer: MoE when layer_idx >= first_k_dense_replace) reads no moe_layer_freq.
    const r = analyze({ ...tiny, num_hidden_layers: 4, moe_layer_freq: 2 })
    const sparse = [0, 1, 2, 3].filter((i) => r.tensors.some((t) => t.name === `model.layers.${i}.mlp.experts.gate_up_proj`))
    expect(sparse).toEqual([1, 2, 3])
    expect(r.model?.notes).toContain(
      "The config's `moe_layer_freq` (2) is not applied by transformers 5.18: every layer from `first_k_dense_replace` on is a mixture of experts, as built here (DeepSeek's own code makes only every `moe_layer_freq`-th layer sparse).",
    )
    expect(analyze({ ...tiny, moe_layer_freq: 1 }).model?.notes.some((n) => n.includes('moe_layer_freq'))).toBe(false)
  })

  it('reports the latent KV-cache size instead of the standard bytes', () => {
    const r = analyze(tiny)
    expect(r.model?.kvCache).toEqual({ layers: 3, kvHeads: 2, headDim: 5, latentDim: 7, bytesPerTokenFp16: null })
    expect(r.model?.kvCacheNote).toContain('latent')
  })

  it('matches the DeepSeek-V3 count with the routing bias as a buffer (671B + 58 × 256 as parameters in DeepSeek\'s code)', () => {
    const r = analyze('deepseek-v3')
    expect(r.params.total + 58n * 256n).toBe(671_026_419_200n)
    expect(r.model?.activeParamsPerToken).toBe(37_552_282_624n)
  }, 120_000)
})

describe('deepseekV2', () => {
  it('uses a single q_proj when q_lora_rank is null, and matches DeepSeek-V2-Lite (15.7B)', () => {
    const r = analyze('deepseek-v2-lite')
    expect(r.tensors.map((t) => t.name)).toContain('model.layers.0.self_attn.q_proj.weight')
    expect(r.params.total).toBe(15_706_484_224n)
  }, 60_000)

  it('is dense when n_routed_experts is absent', () => {
    const r = analyze({ ...tiny, model_type: 'deepseek_v2', n_routed_experts: null })
    expect(r.model?.activeParamsPerToken).toBeNull()
    expect(r.tensors.some((t) => t.name.includes('experts'))).toBe(false)
  })

  it('builds routed experts without num_experts_per_tok, as transformers 5 does, and says the active count is unknown', () => {
    const r = analyze({ ...tiny, model_type: 'deepseek_v2', num_experts_per_tok: null })
    expect(r.model?.activeParamsPerToken).toBeNull()
    expect(r.model?.notes).toContain('The config has no `num_experts_per_tok`, so the parameters a token uses are not known.')
    expect(r.tensors.find((t) => t.name === 'model.layers.1.mlp.experts.gate_up_proj')?.shape).toEqual([4, 8, 8])
  })
})
