import { describe, expect, it } from 'vitest'
import { NnsizeError } from '../../errors.js'
import { buildHFModel, hfArchitectures, hfFamilies, hfModelTypes } from './index.js'
import { parseJSON } from './json.js'
import { TRANSFORMERS_MODEL_TYPES } from './transformers-model-types-data.js'

function errorOf(config: unknown): NnsizeError {
  try {
    buildHFModel(config)
  } catch (e) {
    if (NnsizeError.isInstance(e)) return e
    throw e
  }
  throw new Error('no error')
}

describe('hfFamilies', () => {
  it('covers every family of the brief, each class and model type once', () => {
    expect(hfFamilies.map((f) => f.name)).toEqual([
      'GPT-2', 'BERT', 'RoBERTa', 'DistilBERT', 'ALBERT', 'T5', 'mT5', 'BART', 'OPT', 'GPT-NeoX', 'GPT-J', 'Falcon', 'Llama', 'Mistral', 'Mixtral', 'Qwen2',
      'Qwen2-MoE', 'Qwen3', 'Qwen3-MoE', 'Gemma', 'Gemma 2', 'Gemma 3', 'Phi', 'Phi-3', 'StarCoder2', 'DeepSeek-V2', 'DeepSeek-V3', 'OLMo', 'OLMo 2',
      'Cohere', 'Cohere 2', 'StableLM', 'Granite', 'Granite-MoE', 'Granite-MoE-Shared', 'GLM', 'GLM-4', 'ERNIE 4.5', 'ERNIE 4.5 MoE', 'GPT-OSS', 'BLOOM',
      'Mamba', 'Falcon-Mamba', 'Mamba-2', 'Jamba', 'RecurrentGemma', 'XLM-RoBERTa', 'ELECTRA', 'DeBERTa-v2', 'ModernBERT',
      'ViT', 'DeiT', 'BEiT', 'DINOv2', 'CLIP', 'SigLIP', 'Whisper', 'Wav2Vec2', 'Gemma 3 (vision)', 'Qwen2-VL', 'Qwen2.5-VL', 'Llama 4', 'Llama 4 (vision)',
      'SmolLM3', 'Ministral', 'OLMoE', 'GPT-BigCode',
    ])
    expect(new Set(hfArchitectures).size).toBe(hfFamilies.reduce((n, f) => n + f.architectures.length, 0))
    expect(new Set(hfModelTypes).size).toBe(hfFamilies.reduce((n, f) => n + f.modelTypes.length, 0))
  })

  it('builds every class of every family from its defaults alone', () => {
    for (const family of hfFamilies) {
      for (const architecture of family.architectures) {
        const { model, root } = buildHFModel({ architectures: [architecture], model_type: family.modelTypes[0] })
        expect(model.architecture).toBe(architecture)
        expect(root.type).toBe(architecture)
      }
    }
  }, 120_000)
})

describe('buildHFModel', () => {
  it('falls back on model_type when architectures is absent', () => {
    expect(buildHFModel({ model_type: 'gpt2', n_layer: 1 }).model.architecture).toBe('GPT2LMHeadModel')
  })

  it('lists the supported families for an unknown model_type, suggesting close ones', () => {
    const e = errorOf({ model_type: 'lama' })
    expect(e.code).toBe('config')
    expect(e.message).toContain('Unsupported `model_type` `lama`. Did you mean `llama`')
    expect(e.message).toContain('Supported families: GPT-2, BERT,')
  })

  it('lists the supported families for an unknown architecture, without steering it to another family', () => {
    const e = errorOf({ architectures: ['XmodForMaskedLM'], model_type: 'xmod' })
    expect(e.code).toBe('config')
    expect(e.message).toContain('Unsupported architecture `XmodForMaskedLM` (model type `xmod`). `xmod` is a transformers 5.18 model type that nnsize does not support yet. Supported families: GPT-2, BERT,')
    expect(e.message).toContain('DeepSeek-V3')
    expect(e.suggestions).toEqual([])
  })

  it('suggests only real misspellings, never a family that merely looks alike', () => {
    const suggestionsFor = (config: unknown): string[] => errorOf(config).suggestions
    // other families with near names: a version, an extension, a short name one letter away
    for (const type of ['gemma3n', 'qwen2_audio', 'qwen4', 'mpt3', 'gpt_neo', 'bort', 'falcon_h1', 'llama5']) expect(suggestionsFor({ model_type: type }), type).toEqual([])
    expect(suggestionsFor({ architectures: ['Gemma3nForCausalLM'] })).toEqual([])
    expect(suggestionsFor({ architectures: ['RwkvForCausalLM'] })).toEqual([])
    // slips of the keyboard
    expect(suggestionsFor({ model_type: 'lama' })).toEqual(['llama'])
    expect(suggestionsFor({ model_type: 'mistrla' })).toEqual(['mistral'])
    expect(suggestionsFor({ model_type: 'Qwen2' })).toEqual(['qwen2'])
    expect(suggestionsFor({ model_type: 'gpt-neox' })).toEqual(['gpt_neox'])
    expect(suggestionsFor({ architectures: ['LLamaForCausalLM'] })).toEqual(['LlamaForCausalLM'])
    expect(suggestionsFor({ architectures: ['MistarlForCausalLM'] })).toEqual(['MistralForCausalLM'])
  })

  it('says a transformers model type it does not build is not supported yet, suggesting no family that looks alike', () => {
    // each is a key of transformers 5.18's CONFIG_MAPPING_NAMES
    for (const type of ['llava', 'mllama', 'zamba', 'zamba2', 'bamba']) {
      const e = errorOf({ model_type: type })
      expect(e.message, type).toContain(`Unsupported \`model_type\` \`${type}\`. \`${type}\` is a transformers 5.18 model type that nnsize does not support yet. Supported families:`)
      expect(e.suggestions, type).toEqual([])
    }
    const e = errorOf({ architectures: ['LlavaForConditionalGeneration'], model_type: 'llava' })
    expect(e.message).toContain('Unsupported architecture `LlavaForConditionalGeneration` (model type `llava`). `llava` is a transformers 5.18 model type')
    expect(e.suggestions).toEqual([])
    // a slip as close to a model type nnsize does not build as to one it does is not steered to either
    expect(errorOf({ model_type: 'mlama' }).suggestions).toEqual([])
  })

  it('keeps the list of transformers 5.18 model types, which has every one it builds', () => {
    const types = new Set(TRANSFORMERS_MODEL_TYPES.split(' '))
    expect(types.size).toBe(725) // len(CONFIG_MAPPING_NAMES) in transformers 5.18
    // `phi-msft` is the model type of Phi's old remote-code configs, which transformers does not read
    expect(hfModelTypes.filter((t) => !types.has(t))).toEqual(['phi-msft'])
  })

  it('names the classes it builds for a known model_type with another head', () => {
    const e = errorOf({ architectures: ['LlamaForSequenceClassification'], model_type: 'llama' })
    expect(e.message).toBe('`LlamaForSequenceClassification` is not a class nnsize builds; for `model_type` `llama` it builds `LlamaForCausalLM`, `LlamaModel`.')
    expect(e.suggestions).toEqual(['LlamaForCausalLM', 'LlamaModel'])
  })

  it('needs architectures or model_type, of the right types', () => {
    expect(errorOf({ hidden_size: 8 }).message).toContain('neither `architectures` nor `model_type`')
    expect(errorOf({ architectures: 'LlamaForCausalLM' }).message).toContain('`architectures` must be a list of class names')
    expect(errorOf({ model_type: 3 }).message).toContain('`model_type` must be a string')
    expect(errorOf([1, 2]).message).toContain('must be a JSON object, got a list')
    expect(errorOf(null).message).toContain('got null')
  })

  it('is not fooled by keys named after object internals', () => {
    expect(errorOf(parseJSON('{"model_type": "constructor"}')).message).toContain('Unsupported `model_type` `constructor`')
    expect(errorOf(parseJSON('{"model_type": "__proto__"}')).message).toContain('Unsupported `model_type` `__proto__`')
    expect(errorOf(parseJSON('{"architectures": ["toString"]}')).message).toContain('Unsupported architecture `toString`')
    const r = buildHFModel(parseJSON('{"model_type": "gpt2", "n_layer": 1, "__proto__": {"n_embd": 4}, "constructor": {"n_embd": 8}}'))
    expect(r.model.kvCache?.headDim).toBe(64) // n_embd stays 768 (default), 12 heads
    expect(({} as Record<string, unknown>)['n_embd']).toBeUndefined()
  })

  it('refuses sizes that would build too many modules before building them', () => {
    expect(errorOf({ model_type: 'llama', num_hidden_layers: 99_999 }).code).toBe('limit')
    expect(errorOf({ model_type: 'mixtral', num_hidden_layers: 20_000 }).message).toContain('modules; the limit is 100,000')
  })

  it('builds many experts as two fused tensors per layer, not one module per expert', () => {
    const { model, root } = buildHFModel({ model_type: 'mixtral', num_hidden_layers: 1000, num_local_experts: 10_000, hidden_size: 64, intermediate_size: 32, num_attention_heads: 4, num_key_value_heads: 4, vocab_size: 10 })
    expect(model.breakdown['per_expert']).toBe(3n * 64n * 32n)
    expect(root.children.get('model')?.children.get('layers')?.children.get('999')?.children.get('mlp')?.children.get('experts')?.params.get('gate_up_proj')?.shape).toEqual([10_000, 64, 64])
  })

  it('refuses huge values with the key named', () => {
    expect(errorOf({ model_type: 'llama', vocab_size: 1e20 }).message).toContain('`vocab_size` is `100000000000000000000`, beyond the largest supported value')
    expect(errorOf({ model_type: 'llama', hidden_size: -1 }).message).toContain('`hidden_size` must be at least 1')
    // 2^31 − 1 heads of 2^31 − 1: a q_proj of about 4.6e18 rows, past exact doubles
    const huge = errorOf({ model_type: 'llama', num_hidden_layers: 1, num_attention_heads: 2 ** 31 - 1, num_key_value_heads: 1, head_dim: 2 ** 31 - 1 })
    expect(huge.code).toBe('limit')
    expect(huge.message).toContain('beyond 9,007,199,254,740,991')
  })
})
