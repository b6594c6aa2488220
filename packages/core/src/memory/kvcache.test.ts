import { describe, expect, it } from 'vitest'
import { NnsizeError } from '../errors.js'
import { analyze } from '../analyze.js'
import { planMemory } from './plan.js'
import { kvCacheBytes, validateKvCacheSpec } from './kvcache.js'
import type { KvCacheSize } from './kvcache.js'
import { memoryFormula } from '../present/memory-formula.js'

/** The formula the present layer writes for a KV cache. */
const formula = (size: KvCacheSize): string => memoryFormula({ bytes: size.bytes, basis: { kind: 'kv-cache', cache: size.basis, dtype: 'bf16' } })

const GiB = 1024n ** 3n

describe('kvCacheBytes', () => {
  it('gives Llama-2-70B (80 layers, 8 KV heads, head dim 128) exactly 10 GiB at 32,768 tokens in bf16', () => {
    const size = kvCacheBytes({ layers: 80, kvHeads: 8, headDim: 128 }, 1, 32768, 2)
    expect(size.bytes).toBe(10n * GiB)
    expect(formula(size)).toBe('2 (K, V) × 8 KV heads × 128 head dim × 2 B (bf16) × 80 layers × 32,768 tokens × batch 1 = 10.00 GiB')
    // the label names the dtype in use
    expect(planMemory(analyze('llama-2-70b'), { mode: 'inference', contextLength: 32768, kvCacheDType: 'fp8' }).memory.kvCache.basis).toMatchObject({ dtype: 'fp8' })
  })

  it('gives Llama-3.1-8B (32 layers, 8 KV heads, head dim 128) 128 KiB per token', () => {
    expect(kvCacheBytes({ layers: 32, kvHeads: 8, headDim: 128 }, 1, 1, 2).bytesPerToken).toBe(128n * 1024n)
  })

  it('is 4 times smaller with grouped-query attention than with one KV head per query head', () => {
    const gqa = kvCacheBytes({ layers: 32, kvHeads: 8, headDim: 128 }, 4, 4096, 2).bytes
    const mha = kvCacheBytes({ layers: 32, kvHeads: 32, headDim: 128 }, 4, 4096, 2).bytes
    expect(mha).toBe(4n * gqa)
  })

  it('scales with batch and halves in FP8', () => {
    const one = kvCacheBytes({ layers: 2, kvHeads: 2, headDim: 4 }, 1, 10, 2).bytes
    expect(kvCacheBytes({ layers: 2, kvHeads: 2, headDim: 4 }, 3, 10, 2).bytes).toBe(3n * one)
    expect(kvCacheBytes({ layers: 2, kvHeads: 2, headDim: 4 }, 1, 10, 1).bytes * 2n).toBe(one)
  })

  it('caps sliding-window layers at the window (Mistral 7B v0.1: 4,096 tokens)', () => {
    const spec = { layers: 32, kvHeads: 8, headDim: 128, slidingWindow: 4096 }
    expect(kvCacheBytes(spec, 1, 32768, 2).bytes).toBe(kvCacheBytes({ layers: 32, kvHeads: 8, headDim: 128 }, 1, 4096, 2).bytes)
    expect(kvCacheBytes(spec, 1, 1000, 2).bytes).toBe(kvCacheBytes({ layers: 32, kvHeads: 8, headDim: 128 }, 1, 1000, 2).bytes)
  })

  it('mixes windowed and global layers (Gemma 2: every other layer)', () => {
    const size = kvCacheBytes({ layers: 4, kvHeads: 1, headDim: 1, slidingWindow: 10, slidingWindowLayers: 2 }, 1, 100, 2)
    expect(size.bytes).toBe(2n * (2n * 100n + 2n * 10n) * 2n)
    expect(formula(size)).toContain('2 sliding-window layers × 10 tokens')
  })

  it('caches one latent vector per layer with multi-head latent attention (DeepSeek-V3: 61 × 576)', () => {
    const size = kvCacheBytes({ layers: 61, kvHeads: 128, headDim: 128, latentDim: 576 }, 1, 1, 2)
    expect(size.bytesPerToken).toBe(61n * 576n * 2n)
  })

  it('rejects zero, negative and fractional sizes', () => {
    expect(() => kvCacheBytes({ layers: 0, kvHeads: 8, headDim: 128 }, 1, 1, 2)).toThrow(NnsizeError)
    expect(() => kvCacheBytes({ layers: 1, kvHeads: 8, headDim: 128 }, 0, 1, 2)).toThrow('`batch` must be a positive whole number')
    expect(() => kvCacheBytes({ layers: 1, kvHeads: 8, headDim: 128 }, 1, 1.5, 2)).toThrow('`tokens`')
  })
})

describe('validateKvCacheSpec', () => {
  it('names the bad field', () => {
    expect(() => validateKvCacheSpec({ layers: 32, kvHeads: -1, headDim: 128 })).toThrow('`kvHeads`')
    expect(() => validateKvCacheSpec({ layers: 32, kvHeads: 8, headDim: Number.NaN })).toThrow('`headDim`')
    expect(() => validateKvCacheSpec({ layers: 2, kvHeads: 1, headDim: 1, slidingWindow: 4, slidingWindowLayers: 3 })).toThrow('cannot exceed')
    expect(() => validateKvCacheSpec({ layers: 2, kvHeads: 1, headDim: 1, slidingWindowLayers: 1 })).toThrow('needs `slidingWindow`')
    expect(() => validateKvCacheSpec(null as never)).toThrow('must be an object')
  })
  it('accepts a latent spec without heads', () => {
    expect(validateKvCacheSpec({ layers: 2, kvHeads: 0, headDim: 0, latentDim: 8 }).latentDim).toBe(8)
  })
})
