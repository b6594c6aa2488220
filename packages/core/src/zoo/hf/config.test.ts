import { describe, expect, it } from 'vitest'
import { HFConfig, maxConfigCount, maxConfigDimension } from './config.js'
import { parseJSON } from './json.js'
import type { JSONObject } from './json.js'

const config = (text: string) => new HFConfig(parseJSON(text) as JSONObject, 'llama')

describe('HFConfig', () => {
  it('reads the first present key, falling back on the default, and treats null as absent', () => {
    const c = config('{"n_embd": 64, "hidden_size": null}')
    expect(c.int(['hidden_size', 'n_embd'], 8)).toBe(64)
    expect(c.int('vocab_size', 100)).toBe(100)
    expect(c.present('hidden_size')).toBe(true)
    expect(c.has('hidden_size')).toBe(false)
  })

  it('names the key and the value of a bad integer', () => {
    expect(() => config('{"hidden_size": 3.5}').int('hidden_size', 8)).toThrow('`hidden_size` must be an integer, got `3.5` (model type `llama`).')
    expect(() => config('{"hidden_size": "64"}').int('hidden_size', 8)).toThrow('`hidden_size` must be an integer, got `"64"`')
    expect(() => config('{"hidden_size": 0}').int('hidden_size', 8)).toThrow('`hidden_size` must be at least 1, got `0`')
    expect(() => config('{"hidden_size": -4}').int('hidden_size', 8)).toThrow('at least 1')
  })

  it('rejects huge values before anything is built', () => {
    expect(() => config('{"vocab_size": 1e300}').int('vocab_size', 8)).toThrow(`beyond the largest supported value ${maxConfigDimension.toLocaleString('en-US')}`)
    expect(() => config('{"vocab_size": 1e400}').int('vocab_size', 8)).toThrow('`vocab_size` must be an integer, got `Infinity`')
    expect(() => config('{"num_hidden_layers": 1000000}').count('num_hidden_layers', 8)).toThrow(maxConfigCount.toLocaleString('en-US'))
  })

  it('says which key a model needs when one without a default is missing', () => {
    expect(() => config('{}').int('hidden_size')).toThrow('The config has no `hidden_size`, which a `llama` model needs.')
  })

  it('reads booleans (0 and 1 too), strings, floats and integer lists', () => {
    const c = config('{"a": true, "b": 0, "s": "gelu", "f": 0.25, "l": [1, 3]}')
    expect(c.bool('a', false)).toBe(true)
    expect(c.bool('b', true)).toBe(false)
    expect(c.str('s', 'relu')).toBe('gelu')
    expect(c.float('f', 1)).toBe(0.25)
    expect(c.ints('l')).toEqual([1, 3])
    expect(() => config('{"a": "yes"}').bool('a', false)).toThrow('`a` must be `true` or `false`')
    expect(() => config('{"l": 3}').ints('l')).toThrow('`l` must be a list of integers')
  })

  it('reads only own keys: a __proto__ key is data, not a prototype', () => {
    const c = config('{"__proto__": {"hidden_size": 1}}')
    expect(c.int('hidden_size', 8)).toBe(8)
    expect(c.has('constructor')).toBe(false)
  })

  it('derives head_dim, preferring the config key, and names both keys when it does not divide', () => {
    const c = config('{"head_dim": 96}')
    expect(c.headDim({ key: 'hidden_size', value: 100 }, { key: 'num_attention_heads', value: 3 })).toEqual({ headDim: 96, rule: 'config.head_dim' })
    expect(config('{}').headDim({ key: 'hidden_size', value: 64 }, { key: 'num_attention_heads', value: 4 })).toEqual({ headDim: 16, rule: 'hidden_size / num_attention_heads' })
    expect(() => config('{}').headDim({ key: 'hidden_size', value: 100 }, { key: 'num_attention_heads', value: 3 })).toThrow('`hidden_size` (100) is not divisible by `num_attention_heads` (3), and the config has no `head_dim`')
  })
})
