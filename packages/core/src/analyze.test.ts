import { describe, expect, it } from 'vitest'
import { analyze, analyzeConfig } from './analyze.js'
import { NnsizeError } from './errors.js'
import { analysisToJSON } from './format/json.js'
import { models } from './zoo/index.js'
import { int } from './bind/args.js'
import { defineLayer } from './layers/define-layer.js'
import type { LayerDefinition } from './layers/define-layer.js'

function errorOf(run: () => unknown): NnsizeError {
  try {
    run()
  } catch (e) {
    if (NnsizeError.isInstance(e)) return e
    throw e
  }
  throw new Error('no error')
}

const tinyLlama = { architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 16, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1 }

describe('analyze', () => {
  it('takes a parsed config.json object', () => {
    const r = analyze(tinyLlama)
    expect(r.module).toBe('LlamaForCausalLM')
    expect(r.params.total).toBe(1256n)
    expect(r.model?.family).toBe('Llama')
    expect(JSON.parse(r.input)).toEqual(tinyLlama)
  })

  it('takes the JSON text of a config and keeps it as the input', () => {
    const text = JSON.stringify(tinyLlama, null, 2)
    const r = analyze(text)
    expect(r.params.total).toBe(1256n)
    expect(r.input).toBe(text)
  })

  it('points at the position of malformed JSON', () => {
    const e = errorOf(() => analyze('{"model_type": "llama",}'))
    expect(e.code).toBe('config')
    expect(e.message).toContain('line 1, column 24')
    expect(e.span).toEqual({ start: 23, end: 24 })
  })

  it('resolves a whole-input model name before parsing, with or without the organisation', () => {
    for (const name of ['llama-3.1-8b', 'meta-llama/Llama-3.1-8B', 'LLAMA-3.1-8B']) {
      const r = analyze(name)
      expect(r.params.total, name).toBe(8_030_261_248n)
      expect(r.model?.checkpoint).toBe('meta-llama/Llama-3.1-8B')
      expect(r.input).toBe(name)
    }
    expect(analyze('gpt2').model?.checkpoint).toBe('openai-community/gpt2')
  })

  it('says "did you mean" for an unknown model name', () => {
    const e = errorOf(() => analyze('llama-3.1-9b'))
    expect(e.code).toBe('unknown-model')
    expect(e.message).toContain('Did you mean `llama-3.1-8b`')
    expect(errorOf(() => analyze('meta-llama/Llama-9')).code).toBe('unknown-model')
  })

  it('turns a bare unknown name close to a catalogue model into unknown-model, and leaves other names alone', () => {
    const e = errorOf(() => analyze('gpt3'))
    expect(e.code).toBe('unknown-model')
    expect(e.suggestions).toContain('gpt2')
    expect(errorOf(() => analyze('zzzzzz')).code).toBe('unknown-name')
  })

  it('still evaluates dotted names and expressions', () => {
    expect(errorOf(() => analyze('nn.Linear')).message).toContain('Call it')
    expect(analyze('nn.Linear(2, 3)').params.total).toBe(9n)
    expect(analyze('nn.Linear(2, 3)').model).toBeUndefined()
    expect(errorOf(() => analyze('123')).message).toContain('must end with a module, got int')
  })

  it('calls a bare model builder with no required arguments, as `name()`', () => {
    const builder = defineLayer<{ width: number }>({
      name: 'tinynet',
      className: 'TinyNet',
      signature: [int('width', { default: 3 })],
      build: ({ width }, m) => void m.param('weight', [width, width]),
    })
    const registry = models as LayerDefinition[]
    registry.push(builder)
    try {
      const bare = analyze('tinynet')
      expect(bare.module).toBe('TinyNet')
      expect(bare.params.total).toBe(9n)
      expect(analyze('torchvision.models.tinynet').params.total).toBe(9n)
    } finally {
      registry.splice(registry.indexOf(builder), 1)
    }
  })

  it.runIf(models.some((m) => m.name === 'resnet50'))('calls a bare torchvision model builder with its defaults', () => {
    const bare = analyze('resnet50')
    expect(bare.params.total).toBe(analyze('resnet50()').params.total)
    expect(bare.module).toBe('ResNet')
  })

  it('rejects values that are neither text nor a config object', () => {
    expect(errorOf(() => analyze(42 as unknown as string)).message).toContain('got number')
    expect(errorOf(() => analyze([1] as unknown as string)).message).toContain('got a list')
    expect(errorOf(() => analyze({ model_type: 'llama', vocab_size: 10n } as unknown as Record<string, unknown>)).code).toBe('config')
  })
})

describe('analyzeConfig', () => {
  it('names the input it is given and the checkpoint', () => {
    const r = analyzeConfig(tinyLlama, 'my-config', {}, 'org/tiny')
    expect(r.input).toBe('my-config')
    expect(r.model?.checkpoint).toBe('org/tiny')
  })
})

describe('analysisToJSON (model)', () => {
  it('adds the model facts, exact integers above 2^53 as strings, and keeps the other keys', () => {
    const json = analysisToJSON(analyze('llama-3.1-405b'))
    expect(json.params.total).toBe(405_853_388_800)
    expect(json.model).toMatchObject({
      family: 'Llama',
      architecture: 'LlamaForCausalLM',
      checkpoint: 'meta-llama/Llama-3.1-405B',
      tiedEmbeddings: false,
      paramsUntied: 405_853_388_800,
      activeParamsPerToken: null,
      kvCache: { layers: 126, kvHeads: 8, headDim: 128, bytesPerTokenFp16: 516_096 },
    })
    expect(json.model?.breakdown['lm_head']).toBe(16384 * 128256)
    expect(Object.keys(json).slice(0, 6)).toEqual(['input', 'module', 'params', 'buffers', 'formula', 'tensors'])
    expect(analysisToJSON(analyze('nn.Linear(2, 3)')).model).toBeUndefined()
  })
})
