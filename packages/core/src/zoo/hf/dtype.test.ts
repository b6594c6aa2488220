import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { checkpointDType } from './dtype.js'

const tiny = { model_type: 'llama', vocab_size: 10, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2 }

describe('checkpointDType', () => {
  it('reads transformers 5’s dtype before torch_dtype, and says which', () => {
    expect(checkpointDType({ torch_dtype: 'bfloat16' })).toEqual({ dtype: { dtype: 'bfloat16', source: 'config torch_dtype' } })
    expect(checkpointDType({ dtype: 'float16', torch_dtype: 'bfloat16' })).toEqual({ dtype: { dtype: 'float16', source: 'config dtype' } })
    expect(checkpointDType({ torch_dtype: 'torch.float16' }).dtype).toEqual({ dtype: 'float16', source: 'config torch_dtype' })
  })

  it('reads a multimodal config’s text_config when the top level names none', () => {
    expect(checkpointDType({ text_config: { torch_dtype: 'bfloat16' } }).dtype).toEqual({ dtype: 'bfloat16', source: 'config torch_dtype' })
  })

  it('falls back on the catalogue, then on float32, and never takes a value that is not a floating-point dtype', () => {
    expect(checkpointDType({}, 'float32')).toEqual({ dtype: { dtype: 'float32', source: 'catalogue' } })
    expect(checkpointDType({})).toEqual({ dtype: { dtype: 'float32', source: 'default' } })
    expect(checkpointDType(null)).toEqual({ dtype: { dtype: 'float32', source: 'default' } })
    const auto = checkpointDType({ torch_dtype: 'auto' })
    expect(auto.dtype).toEqual({ dtype: 'float32', source: 'default' })
    expect(auto.note).toBe('The config\'s `torch_dtype` (`"auto"`) names no floating-point dtype; it is not used to size the weights.')
    expect(checkpointDType({ torch_dtype: 'int8', dtype: null }).note).toContain('`"int8"`')
    expect(checkpointDType({ torch_dtype: ['x'] }).note).toContain('(a list)')
  })
})

describe('a config’s dtype in the analysis', () => {
  it('sizes the parameters in it and reports it on the model', () => {
    const r = analyze({ ...tiny, dtype: 'bfloat16' })
    expect(r.model?.dtype).toEqual({ dtype: 'bfloat16', source: 'config dtype' })
    expect(r.params.bytes).toBe(r.params.total * 2n)
    // rotary frequencies are computed in float32 at load time
    expect(r.tensors.find((t) => t.name === 'model.rotary_emb.inv_freq')?.dtype).toBe('float32')
    expect(analyze(tiny).model?.dtype).toEqual({ dtype: 'float32', source: 'default' })
  })
})

describe('applyCheckpointDType', () => {
  const dtypeOf = (config: Record<string, unknown>, name: string): string | undefined => analyze(config).tensors.find((t) => t.name === name)?.dtype

  it('keeps what transformers keeps in float32 in half precision (`_keep_in_fp32_modules_strict`)', () => {
    const ernie = { model_type: 'ernie4_5_moe', vocab_size: 10, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, moe_num_experts: 2, moe_k: 1, moe_intermediate_size: 4 }
    expect(dtypeOf({ ...ernie, torch_dtype: 'bfloat16' }, 'model.layers.1.mlp.gate.weight')).toBe('float32')
    expect(dtypeOf({ ...ernie, torch_dtype: 'bfloat16' }, 'model.layers.1.mlp.gate.moe_statics.e_score_correction_bias')).toBe('float32')
    expect(dtypeOf({ ...ernie, torch_dtype: 'bfloat16' }, 'model.layers.1.mlp.experts.gate_up_proj')).toBe('bfloat16')
  })

  it('keeps float16-only exceptions (`_keep_in_fp32_modules`) out of bfloat16', () => {
    const t5 = { model_type: 't5', vocab_size: 10, d_model: 4, d_kv: 2, d_ff: 8, num_layers: 1, num_heads: 2 }
    expect(dtypeOf({ ...t5, torch_dtype: 'float16' }, 'encoder.block.0.layer.1.DenseReluDense.wo.weight')).toBe('float32')
    expect(dtypeOf({ ...t5, torch_dtype: 'float16' }, 'encoder.block.0.layer.1.DenseReluDense.wi.weight')).toBe('float16')
    expect(dtypeOf({ ...t5, torch_dtype: 'bfloat16' }, 'encoder.block.0.layer.1.DenseReluDense.wo.weight')).toBe('bfloat16')
  })
})

describe('tensors made under the default dtype and in their own', () => {
  // Measured with torch 2.13 + transformers 5.18: each class built in float32, cast with `.to(dtype)`,
  // `save_pretrained`, then `from_pretrained(dtype="auto")`.
  const dtypeOf = (config: Record<string, unknown>, name: string): string | undefined => analyze(config).tensors.find((t) => t.name === name)?.dtype

  it('gives non-persistent buffers made under the default dtype the checkpoint\'s (Gemma\'s embed_scale, Falcon-Mamba\'s unit norm weights)', () => {
    const gemma = { model_type: 'gemma', vocab_size: 10, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 4, torch_dtype: 'bfloat16' }
    expect(dtypeOf(gemma, 'model.embed_tokens.embed_scale')).toBe('bfloat16')
    expect(dtypeOf(gemma, 'model.rotary_emb.inv_freq')).toBe('float32')
    const falconMamba = { model_type: 'falcon_mamba', vocab_size: 10, hidden_size: 8, state_size: 2, num_hidden_layers: 1, torch_dtype: 'float16' }
    expect(dtypeOf(falconMamba, 'backbone.layers.0.mixer.dt_layernorm.weight')).toBe('float16')
    expect(dtypeOf(falconMamba, 'backbone.layers.0.mixer.b_layernorm.weight')).toBe('float16')
  })

  it('keeps the dtype of tensors made in one of their own (GPT-J\'s `.float()` table, wav2vec2\'s FloatTensor codevectors)', () => {
    expect(dtypeOf({ model_type: 'gptj', vocab_size: 10, n_embd: 8, n_layer: 1, n_head: 2, rotary_dim: 2, n_positions: 6, torch_dtype: 'bfloat16' }, 'transformer.h.0.attn.embed_positions')).toBe('float32')
    const wav2vec2 = { model_type: 'wav2vec2', architectures: ['Wav2Vec2ForPreTraining'], hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, conv_dim: [4], conv_stride: [5], conv_kernel: [10], num_conv_pos_embeddings: 4, num_conv_pos_embedding_groups: 2, num_codevectors_per_group: 2, num_codevector_groups: 2, codevector_dim: 4, proj_codevector_dim: 4, torch_dtype: 'bfloat16' }
    expect(dtypeOf(wav2vec2, 'quantizer.codevectors')).toBe('float32')
    expect(dtypeOf(wav2vec2, 'wav2vec2.masked_spec_embed')).toBe('bfloat16')
  })
})

describe('quantized checkpoints', () => {
  it('say that the published weights are quantized', () => {
    expect(analyze('gpt-oss-20b').model?.notes).toContain('The config has a `quantization_config` (`quant_method` `mxfp4`): the published weights are quantized, while the parameters here are sized in bfloat16 as if loaded unquantized.')
  })
})
