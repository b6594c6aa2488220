import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const params = (config: Record<string, unknown>) => analyze(config).tensors.filter((t) => t.kind === 'parameter').map((t) => [t.name, t.shape])

describe('gpt2', () => {
  const tiny = { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 10, n_positions: 8, n_embd: 4, n_layer: 1, n_head: 2 }

  it('names and shapes every tensor as GPT2LMHeadModel does, Conv1D weights stored (in, out)', () => {
    // modeling_gpt2.py: GPT2Block = ln_1, attn (c_attn Conv1D(3·n_embd, n_embd), c_proj), ln_2, mlp (c_fc Conv1D(n_inner, n_embd), c_proj).
    expect(params(tiny)).toEqual([
      ['transformer.wte.weight', [10, 4]],
      ['transformer.wpe.weight', [8, 4]],
      ['transformer.h.0.ln_1.weight', [4]],
      ['transformer.h.0.ln_1.bias', [4]],
      ['transformer.h.0.attn.c_attn.weight', [4, 12]],
      ['transformer.h.0.attn.c_attn.bias', [12]],
      ['transformer.h.0.attn.c_proj.weight', [4, 4]],
      ['transformer.h.0.attn.c_proj.bias', [4]],
      ['transformer.h.0.ln_2.weight', [4]],
      ['transformer.h.0.ln_2.bias', [4]],
      ['transformer.h.0.mlp.c_fc.weight', [4, 16]],
      ['transformer.h.0.mlp.c_fc.bias', [16]],
      ['transformer.h.0.mlp.c_proj.weight', [16, 4]],
      ['transformer.h.0.mlp.c_proj.bias', [4]],
      ['transformer.ln_f.weight', [4]],
      ['transformer.ln_f.bias', [4]],
    ])
  })

  it('counts the tied lm_head once and gives the untied figure', () => {
    // 40 wte + 32 wpe + 8 ln_1 + 60 c_attn + 20 c_proj + 8 ln_2 + 80 c_fc + 68 c_proj + 8 ln_f = 324; untied adds 10 × 4.
    const r = analyze(tiny)
    expect(r.params.total).toBe(324n)
    expect(r.model?.tiedEmbeddings).toBe(true)
    expect(r.model?.paramsUntied).toBe(364n)
    expect(r.model?.breakdown).toEqual({ embeddings: 72n, layers: 244n, final_norm: 8n, lm_head: 0n, per_layer: 244n })
    expect(r.model?.notes[0]).toContain('counted once')
  })

  it('has its own lm_head weight when tie_word_embeddings is false', () => {
    const r = analyze({ ...tiny, tie_word_embeddings: false })
    expect(r.params.total).toBe(364n)
    expect(r.tensors.at(-1)?.name).toBe('lm_head.weight')
    expect(r.model?.breakdown['lm_head']).toBe(40n)
  })

  it('uses 4 × n_embd for n_inner when null, and the KV cache is n_embd / n_head per head', () => {
    const r = analyze({ ...tiny, n_inner: null })
    expect(r.tensors.find((t) => t.name.endsWith('c_fc.weight'))?.shape).toEqual([4, 16])
    // 2 (K, V) × 1 layer × 2 heads × 2 (head_dim) × 2 bytes
    expect(r.model?.kvCache).toEqual({ layers: 1, kvHeads: 2, headDim: 2, bytesPerTokenFp16: 16n })
  })

  it('matches the published GPT-2 sizes (medium, large, xl)', () => {
    expect(analyze('gpt2-medium').params.total).toBe(354_823_168n)
    expect(analyze('gpt2-large').params.total).toBe(774_030_080n)
    expect(analyze('gpt2-xl').params.total).toBe(1_557_611_200n)
  })

  it('rejects n_embd not divisible by n_head', () => {
    expect(() => analyze({ ...tiny, n_head: 3 })).toThrow('`n_embd` (4) is not divisible by `n_head` (3)')
  })
})

describe('gptj', () => {
  it('has bias-free k/v/q/out projections, a biased MLP and a biased untied lm_head', () => {
    // modeling_gptj.py: GPTJAttention registers k_proj, v_proj, q_proj, out_proj (bias=False); GPTJMLP fc_in, fc_out; lm_head bias=True.
    const names = params({ model_type: 'gptj', vocab_size: 10, n_embd: 4, n_layer: 1, n_head: 2, rotary_dim: 2 }).map(([n]) => n)
    expect(names).toEqual([
      'transformer.wte.weight',
      'transformer.h.0.ln_1.weight',
      'transformer.h.0.ln_1.bias',
      'transformer.h.0.attn.k_proj.weight',
      'transformer.h.0.attn.v_proj.weight',
      'transformer.h.0.attn.q_proj.weight',
      'transformer.h.0.attn.out_proj.weight',
      'transformer.h.0.mlp.fc_in.weight',
      'transformer.h.0.mlp.fc_in.bias',
      'transformer.h.0.mlp.fc_out.weight',
      'transformer.h.0.mlp.fc_out.bias',
      'transformer.ln_f.weight',
      'transformer.ln_f.bias',
      'lm_head.weight',
      'lm_head.bias',
    ])
  })

  it('matches the published GPT-J 6B count', () => {
    expect(analyze('gpt-j-6b').params.total).toBe(6_050_882_784n)
  })
})

describe('gptNeoX', () => {
  it('fuses query_key_value and keeps the head (`lm_head` in transformers 5) untied', () => {
    // modeling_gpt_neox.py: GPTNeoXLayer = input_layernorm, post_attention_layernorm, attention, mlp.
    const r = analyze({ model_type: 'gpt_neox', vocab_size: 10, hidden_size: 4, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 8 })
    expect(r.tensors.filter((t) => t.kind === 'parameter').map((t) => t.name)).toEqual([
      'gpt_neox.embed_in.weight',
      'gpt_neox.layers.0.input_layernorm.weight',
      'gpt_neox.layers.0.input_layernorm.bias',
      'gpt_neox.layers.0.post_attention_layernorm.weight',
      'gpt_neox.layers.0.post_attention_layernorm.bias',
      'gpt_neox.layers.0.attention.query_key_value.weight',
      'gpt_neox.layers.0.attention.query_key_value.bias',
      'gpt_neox.layers.0.attention.dense.weight',
      'gpt_neox.layers.0.attention.dense.bias',
      'gpt_neox.layers.0.mlp.dense_h_to_4h.weight',
      'gpt_neox.layers.0.mlp.dense_h_to_4h.bias',
      'gpt_neox.layers.0.mlp.dense_4h_to_h.weight',
      'gpt_neox.layers.0.mlp.dense_4h_to_h.bias',
      'gpt_neox.final_layer_norm.weight',
      'gpt_neox.final_layer_norm.bias',
      'lm_head.weight',
    ])
    expect(r.model?.tiedEmbeddings).toBe(false)
    // rotary_pct 0.25 of head_dim 2 → 0 rotary dims: an empty inv_freq buffer.
    expect(r.tensors.find((t) => t.name === 'gpt_neox.rotary_emb.inv_freq')?.persistent).toBe(false)
  })

  it('matches the published Pythia sizes', () => {
    expect(analyze('pythia-70m').params.total).toBe(70_426_624n)
    expect(analyze('pythia-410m').params.total).toBe(405_334_016n)
    expect(analyze('pythia-6.9b').params.total).toBe(6_857_302_016n)
    expect(analyze('pythia-12b').params.total).toBe(11_846_072_320n)
  })
})

describe('opt', () => {
  it('adds project_in/project_out and drops the final LayerNorm for opt-350m', () => {
    const r = analyze('facebook/opt-350m')
    const names = r.tensors.map((t) => t.name)
    expect(names).toContain('model.decoder.project_out.weight')
    expect(names).toContain('model.decoder.project_in.weight')
    expect(names).not.toContain('model.decoder.final_layer_norm.weight')
    expect(r.tensors.find((t) => t.name === 'model.decoder.embed_tokens.weight')?.shape).toEqual([50272, 512])
    // OPTLearnedPositionalEmbedding keeps 2 extra rows.
    expect(r.tensors.find((t) => t.name === 'model.decoder.embed_positions.weight')?.shape).toEqual([2050, 1024])
    // project_out 1024 × 512 + project_in 512 × 1024
    expect(r.model?.breakdown['embed_projections']).toBe(1_048_576n)
    expect(r.model?.breakdown['final_norm']).toBe(0n)
    expect(r.params.total).toBe(331_196_416n)
  })

  it('registers k_proj, v_proj, q_proj, out_proj in that order', () => {
    const names = analyze({ model_type: 'opt', vocab_size: 10, hidden_size: 4, num_hidden_layers: 1, num_attention_heads: 2, ffn_dim: 8, max_position_embeddings: 6 }).tensors.map((t) => t.name)
    expect(names.filter((n) => n.includes('self_attn.') && n.endsWith('weight'))).toEqual([
      'model.decoder.layers.0.self_attn.k_proj.weight',
      'model.decoder.layers.0.self_attn.v_proj.weight',
      'model.decoder.layers.0.self_attn.q_proj.weight',
      'model.decoder.layers.0.self_attn.out_proj.weight',
    ])
  })

  it('has no LayerNorm parameters when layer_norm_elementwise_affine is false', () => {
    const r = analyze({ model_type: 'opt', vocab_size: 10, hidden_size: 4, num_hidden_layers: 1, num_attention_heads: 2, ffn_dim: 8, layer_norm_elementwise_affine: false })
    expect(r.tensors.some((t) => t.name.includes('layer_norm'))).toBe(false)
  })
})
