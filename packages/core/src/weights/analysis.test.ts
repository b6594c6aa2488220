import { describe, expect, it } from 'vitest'
import { analysisToJSON, analyzeWeights, bytesReader, formatFormula, moduleTable, planMemory, summaryRows, tensorTable, unknownModuleType } from '../index.js'
import { safetensors, utf8 } from '../../test/weights/build.js'

const file = (tensors: Record<string, [string, number[]]>, name = 'model.safetensors') => {
  const size = { F32: 4, BF16: 2, I64: 8, U8: 1 } as Record<string, number>
  let at = 0
  const header: Record<string, unknown> = {}
  for (const [k, [dtype, shape]] of Object.entries(tensors)) {
    const bytes = shape.reduce((p, d) => p * d, 1) * size[dtype]!
    header[k] = { dtype, shape, data_offsets: [at, at + bytes] }
    at += bytes
  }
  return bytesReader(name, safetensors(header, at))
}

describe('the analysis of weight files', () => {
  it('builds the module tree from dotted names, classes unknown', async () => {
    const a = await analyzeWeights(file({ 'model.layers.0.mlp.up.weight': ['BF16', [8, 4]], 'model.layers.0.mlp.up.bias': ['BF16', [8]], 'model.norm.weight': ['F32', [4]] }))
    expect(a.modules.map((m) => [m.path, m.type])).toEqual([
      ['', unknownModuleType],
      ['model', '?'],
      ['model.layers', '?'],
      ['model.layers.0', '?'],
      ['model.layers.0.mlp', '?'],
      ['model.layers.0.mlp.up', '?'],
      ['model.norm', '?'],
    ])
    expect(a.modules.find((m) => m.path === 'model.layers')?.params.total).toBe(40n)
    expect(a.tensors.map((t) => [t.name, t.dtype, t.storageType])).toEqual([
      ['model.layers.0.mlp.up.weight', 'bfloat16', 'BF16'],
      ['model.layers.0.mlp.up.bias', 'bfloat16', 'BF16'],
      ['model.norm.weight', 'float32', 'F32'],
    ])
    expect(a.params.bytes).toBe(80n + 16n)
  })

  it('counts running statistics, inverse frequencies and integer tensors as buffers', async () => {
    const a = await analyzeWeights(file({ 'bn.weight': ['F32', [4]], 'bn.running_mean': ['F32', [4]], 'bn.num_batches_tracked': ['I64', []], 'rotary_emb.inv_freq': ['F32', [8]], 'mask': ['U8', [4]], 'rope_freqs.weight': ['F32', [2]] }))
    // Buffers in module order, as `named_buffers()`: the root's own `mask` first.
    expect(a.tensors.filter((t) => t.kind === 'buffer').map((t) => t.name)).toEqual(['mask', 'bn.running_mean', 'bn.num_batches_tracked', 'rotary_emb.inv_freq', 'rope_freqs.weight'])
    expect([a.params.total, a.buffers.total]).toEqual([4n, 19n])
    // The file's own count keeps every tensor.
    expect(a.weights.params).toBe(23n)
  })

  it('checks the files against a config.json beside them: tied, saved buffers, reshaped, other dtype', async () => {
    const config = { architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 16, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 64, tie_word_embeddings: true, torch_dtype: 'float32' }
    const tensors: Record<string, [string, number[]]> = {
      'model.embed_tokens.weight': ['F32', [16, 8]],
      'model.layers.0.input_layernorm.weight': ['F32', [8]],
      'model.layers.0.post_attention_layernorm.weight': ['F32', [8]],
      'model.layers.0.self_attn.q_proj.weight': ['F32', [8, 8]],
      'model.layers.0.self_attn.k_proj.weight': ['F32', [4, 8]],
      'model.layers.0.self_attn.v_proj.weight': ['F32', [4, 8]],
      'model.layers.0.self_attn.o_proj.weight': ['F32', [8, 8]],
      'model.layers.0.self_attn.rotary_emb.inv_freq': ['F32', [2]],
      'model.layers.0.mlp.gate_proj.weight': ['F32', [16, 8]],
      'model.layers.0.mlp.up_proj.weight': ['F32', [16, 8]],
      'model.layers.0.mlp.down_proj.weight': ['F32', [8, 16]],
      'model.norm.weight': ['F32', [8]],
    }
    const consistent = await analyzeWeights([file(tensors, 'm/model.safetensors'), bytesReader('m/config.json', utf8(JSON.stringify(config)))])
    const check = consistent.weights.config!.check
    expect(check.missing).toEqual([{ name: 'lm_head.weight', shape: [16, 8], reason: 'tied', sharedWith: 'model.embed_tokens.weight' }])
    expect(check.extra).toEqual([{ name: 'model.layers.0.self_attn.rotary_emb.inv_freq', shape: [2], reason: 'buffer' }])
    expect(check.consistent).toBe(true)
    expect(check.configParams).toBe(check.fileParams - 2n)
    expect(check.message).toMatch(/^the config predicts 728 parameters; the files hold 730 in 12 tensors; `lm_head.weight` is tied to `model.embed_tokens.weight` and not stored; 1 saved buffers the model computes itself/)
    // The config's model describes the KV cache for the planner.
    expect(consistent.model?.kvCache).toMatchObject({ layers: 1, kvHeads: 1, headDim: 4 })
    expect(consistent.weights.contextLength).toBe(64)

    const changed = await analyzeWeights([file({ ...tensors, 'model.norm.weight': ['BF16', [9]], 'model.layers.0.mlp.up_proj.lora_A.weight': ['F32', [2, 8]] }, 'm/model.safetensors'), bytesReader('m/config.json', utf8(JSON.stringify(config)))])
    const c2 = changed.weights.config!.check
    expect(c2.consistent).toBe(false)
    expect(c2.reshaped).toEqual([{ name: 'model.norm.weight', configShape: [8], fileShape: [9] }])
    expect(c2.retyped).toEqual([{ name: 'model.norm.weight', configDType: 'float32', fileDType: 'BF16' }])
    expect(c2.extra.map((e) => [e.name, e.reason])).toContainEqual(['model.layers.0.mlp.up_proj.lora_A.weight', 'lora'])
  })

  it('goes through the formatters and the planner as any analysis does', async () => {
    const a = await analyzeWeights(file({ 'fc.weight': ['BF16', [8, 4]], 'fc.bias': ['F32', [8]] }))
    expect(analysisToJSON(a).tensors.map((t) => [t.name, t.dtype, t.bytes])).toEqual([
      ['fc.weight', 'bfloat16', 64],
      ['fc.bias', 'float32', 32],
    ])
    expect(summaryRows(a).length).toBeGreaterThan(0)
    expect(tensorTable(a).rows.length).toBe(2)
    expect(moduleTable(a).rows.length).toBeGreaterThan(0)
    // Training plans take each tensor's dtype from the file: 32 bf16 + 8 float32 elements.
    const plan = planMemory(a, { optimizer: 'AdamW()' })
    expect(plan.memory.weights.bytes).toBe(96n)
  })

  it('keeps two tensors whose names split alike (`a.b`, `a/b`) as two tensors of the module tree, and says so', async () => {
    const a = await analyzeWeights(file({ 'a.b': ['F32', [2]], 'a/b': ['F32', [3]] }))
    expect([a.weights.params, a.params.total]).toEqual([5n, 5n])
    expect(a.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['a.b', [2]],
      ['a.b (2)', [3]],
    ])
    expect(a.weights.warnings).toEqual(['`a.b` and `a/b` are different tensors with one name in the module tree, `a.b` (a key that holds `/` or `.` reads like a path); both are counted, the second as `a.b (2)` in the module tree.'])
  })

  it('writes a 0-dim tensor as the term 1 of the formula', async () => {
    // numel(): torch.ones(()) 1, torch.ones(0) 0, torch.ones(3, 0, 4) 0, torch.ones(2) 2.
    const a = await analyzeWeights(file({ s: ['F32', []], e: ['F32', [0]], m: ['F32', [3, 0, 4]], w: ['F32', [2]] }))
    expect(formatFormula(a).text).toBe('1 + 0 + 3 × 0 × 4 + 2 = 3')
  })

  it('analyses the files without a config nnsize cannot build, and says so', async () => {
    const a = await analyzeWeights([file({ w: ['F32', [2]] }, 'm/model.safetensors'), bytesReader('m/config.json', utf8('{"model_type": "no-such-model"}'))])
    expect(a.weights.config).toBeNull()
    expect(a.weights.warnings[0]).toMatch(/^`m\/config.json` describes a model nnsize cannot build/)
  })
})
