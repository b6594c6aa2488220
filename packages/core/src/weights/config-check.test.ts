import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader } from '../index.js'
import { safetensors, utf8 } from '../../test/weights/build.js'

/** A 2-layer Llama of hidden size 32 (head_dim 8, 4 heads, 2 KV heads, MLP 48, vocabulary 64). */
const config = (tie: boolean, dtype: string) => ({
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  dtype,
  head_dim: 8,
  hidden_size: 32,
  intermediate_size: 48,
  max_position_embeddings: 128,
  num_attention_heads: 4,
  num_hidden_layers: 2,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: tie,
  vocab_size: 64,
})

/** The model's state_dict() names and shapes, as transformers 5.18 saves them (`lm_head.weight` last). */
function llamaTensors(withHead: boolean): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [['model.embed_tokens.weight', [64, 32]]]
  for (let i = 0; i < 2; i++) {
    const p = `model.layers.${i}`
    out.push(
      [`${p}.self_attn.q_proj.weight`, [32, 32]],
      [`${p}.self_attn.k_proj.weight`, [16, 32]],
      [`${p}.self_attn.v_proj.weight`, [16, 32]],
      [`${p}.self_attn.o_proj.weight`, [32, 32]],
      [`${p}.mlp.gate_proj.weight`, [48, 32]],
      [`${p}.mlp.up_proj.weight`, [48, 32]],
      [`${p}.mlp.down_proj.weight`, [32, 48]],
      [`${p}.input_layernorm.weight`, [32]],
      [`${p}.post_attention_layernorm.weight`, [32]],
    )
  }
  out.push(['model.norm.weight', [32]])
  if (withHead) out.push(['lm_head.weight', [64, 32]])
  return out
}

function folder(tensors: Array<[string, number[]]>, json: unknown) {
  const header: Record<string, unknown> = {}
  let at = 0
  for (const [name, shape] of tensors) {
    const bytes = shape.reduce((p, d) => p * d, 1) * 4
    header[name] = { dtype: 'F32', shape, data_offsets: [at, at + bytes] }
    at += bytes
  }
  return [bytesReader('m/model.safetensors', safetensors(header, at)), bytesReader('m/config.json', utf8(JSON.stringify(json)))]
}

describe('the check of the files against config.json', () => {
  // transformers 5.18: LlamaForCausalLM(config) has 17,568 parameters tied (19,616 untied). Loading files that hold
  // `lm_head.weight` apart with tie_word_embeddings=True keeps the two apart when their values differ ("both are
  // present in the checkpoints with different values, so we will NOT tie them"): the model then has 19,616.
  it('is not consistent when the config ties a name that the files store apart', async () => {
    const a = await analyzeWeights(folder(llamaTensors(true), config(true, 'float32')))
    const check = a.weights.config!.check
    expect([check.configParams, check.fileParams]).toEqual([17_568n, 19_616n])
    expect(check.untied).toEqual([{ name: 'lm_head.weight', shape: [64, 32], tiedTo: 'model.embed_tokens.weight' }])
    expect(check.consistent).toBe(false)
    expect(check.message).toContain('`lm_head.weight` is stored apart although the config ties it to `model.embed_tokens.weight`')
  })

  it('is consistent when the files leave the tied name out, as transformers saves them', async () => {
    const check = (await analyzeWeights(folder(llamaTensors(false), config(true, 'float32')))).weights.config!.check
    expect(check.missing).toEqual([{ name: 'lm_head.weight', shape: [64, 32], reason: 'tied', sharedWith: 'model.embed_tokens.weight' }])
    expect([check.untied, check.consistent]).toEqual([[], true])
  })

  it('lists tensors stored in another dtype than the config’s without making the files inconsistent', async () => {
    const check = (await analyzeWeights(folder(llamaTensors(true), config(false, 'bfloat16')))).weights.config!.check
    expect(check.retyped.length).toBe(21)
    expect(check.retyped[0]).toEqual({ name: 'model.embed_tokens.weight', configDType: 'bfloat16', fileDType: 'F32' })
    expect([check.configParams, check.consistent]).toEqual([19_616n, true])
  })
})
