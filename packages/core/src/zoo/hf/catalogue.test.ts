import { describe, expect, it } from 'vitest'
import { NnsizeError } from '../../errors.js'
import { catalogue, catalogueNames, findModel, modelSuggestions, resolveModel } from './catalogue.js'
import { buildHFModel } from './index.js'

describe('catalogue', () => {
  it('has the checkpoints the brief names, each under a unique id', () => {
    const ids = catalogue.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const name of ['gpt2', 'gpt2-xl', 'bert-base-uncased', 'roberta-large', 'distilbert-base-uncased', 'albert-base-v2', 't5-large', 'flan-t5-base', 'bart-large', 'opt-1.3b', 'pythia-1b', 'gpt-j-6b', 'falcon-7b', 'llama-2-13b', 'llama-3-70b', 'llama-3.1-405b', 'llama-3.2-1b', 'mistral-7b', 'mixtral-8x22b', 'qwen2.5-32b', 'qwen3-4b', 'gemma-7b', 'gemma-2-27b', 'gemma-3-12b', 'phi-2', 'phi-3-mini', 'starcoder2-15b', 'deepseek-v2-lite', 'deepseek-v3', 'olmo-7b']) {
      expect(findModel(name), name).toBeDefined()
    }
  })

  it('stores configs that every family builder accepts, as the class they name', () => {
    for (const entry of catalogue) {
      const { model } = buildHFModel(entry.config)
      const named = entry.config['architectures'] as string[] | undefined
      if (named) expect(model.architecture, entry.id).toBe(named[0])
    }
  }, 120_000)

  it('records the dtype of every checkpoint: in its config as published, else from its weight files', () => {
    for (const entry of catalogue) {
      const published = entry.config['torch_dtype'] ?? (entry.config['text_config'] as Record<string, unknown> | undefined)?.['torch_dtype']
      expect(published !== undefined || entry.dtype !== undefined, entry.id).toBe(true)
      expect(published !== undefined && entry.dtype !== undefined, entry.id).toBe(false)
      expect(entry.source).toBe(`https://huggingface.co/${entry.id}/blob/main/config.json`)
    }
    expect(findModel('llama-3.1-8b')?.config['torch_dtype']).toBe('bfloat16')
    expect(findModel('gpt2')?.dtype).toBe('float32')
  })

  it('prices a state-space checkpoint\'s SSM state in float32', () => {
    // transformers 5.18, torch 2.13 (CPU forward with use_cache): a bfloat16 FalconMamba of tiiuae/falcon-mamba-7b's
    // sizes (hidden 4096, state 16, conv 4) holds 589,824 bytes per layer per sequence (conv 8192 × 4 bfloat16, SSM
    // 8192 × 16 float32); its 64 layers 37,748,736.
    expect(buildHFModel(findModel('falcon-mamba-7b')!.config).model.stateCache?.bytesPerSequenceFp16).toBe(37_748_736n)
  })

  it('has no name that answers to two checkpoints', () => {
    const names = catalogue.flatMap((e) => [e.id, e.id.split('/')[1]!, ...(e.aliases ?? [])].map((n) => n.toLowerCase()))
    expect(names.length).toBeGreaterThan(2 * catalogue.length)
    const owners = new Map<string, string>()
    for (const entry of catalogue) {
      for (const n of [entry.id, entry.id.split('/')[1]!, ...(entry.aliases ?? [])]) {
        const key = n.toLowerCase()
        expect(owners.get(key) ?? entry.id, key).toBe(entry.id)
        owners.set(key, entry.id)
      }
    }
    expect(catalogueNames().length).toBe(new Set(names).size)
  })
})

describe('findModel', () => {
  it('resolves case-insensitively, with and without the organisation', () => {
    for (const name of ['llama-3.1-8b', 'meta-llama/Llama-3.1-8B', 'Llama-3.1-8B', 'META-LLAMA/LLAMA-3.1-8B', ' llama3.1-8b ', 'meta-llama-3.1-8b']) {
      expect(findModel(name)?.id, name).toBe('meta-llama/Llama-3.1-8B')
    }
    expect(findModel('meta-llama/Meta-Llama-3.1-8B')?.id).toBe('meta-llama/Llama-3.1-8B')
    expect(findModel('gpt2')?.id).toBe('openai-community/gpt2')
  })

  it('does not find names that are not there, including object keys', () => {
    expect(findModel('gpt5')).toBeUndefined()
    expect(findModel('someone-else/gpt2')).toBeUndefined()
    expect(findModel('constructor')).toBeUndefined()
    expect(findModel('__proto__')).toBeUndefined()
  })
})

describe('modelSuggestions', () => {
  it('offers the closest names', () => {
    expect(modelSuggestions('llama-3.1-9b')).toContain('llama-3.1-8b')
    expect(modelSuggestions('mistral-7')).toContain('mistral-7b')
  })
})

describe('resolveModel', () => {
  it('throws unknown-model with "did you mean"', () => {
    try {
      resolveModel('lama-3.1-8b')
      expect.unreachable()
    } catch (e) {
      expect(NnsizeError.isInstance(e) && e.code).toBe('unknown-model')
      expect((e as NnsizeError).message).toContain('No model named `lama-3.1-8b` in the catalogue. Did you mean `llama-3.1-8b`')
      expect((e as NnsizeError).suggestions[0]).toBe('llama-3.1-8b')
    }
  })
})
