import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { kvCacheBytes } from '../../memory/kvcache.js'
import { kvCache, kvCacheNote } from './model.js'

describe('kvCache', () => {
  it('is 2 × layers × kvHeads × headDim × 2 bytes per token in fp16', () => {
    expect(kvCache({ layers: 32, kvHeads: 8, headDim: 128 }).bytesPerTokenFp16).toBe(131_072n)
  })
})

describe('kvCacheNote', () => {
  it('spells out the numbers and where they came from', () => {
    expect(kvCacheNote({ layers: 2, kvHeads: 1, headDim: 4 }, 'config.head_dim', 'num_key_value_heads')).toBe('2 (K, V) × 2 layers × 1 KV heads (num_key_value_heads) × head_dim 4 (config.head_dim) × 2 bytes')
  })
})

describe('describeBuild', () => {
  it('gives the memory planner a KV-cache spec it takes as is, with the same bytes per token', () => {
    for (const name of ['llama-3.1-8b', 'mistral-7b', 'gemma-2-9b', 'gemma-3-1b', 'falcon-7b', 'phi-2']) {
      const cache = analyze(name).model!.kvCache!
      expect(kvCacheBytes(cache, 1, 1, 2).bytesPerToken, name).toBe(cache.bytesPerTokenFp16)
    }
  })

  it('lets the planner cap the windowed layers of Gemma 2 at the window (half the layers) and every layer of Mistral v0.1', () => {
    const gemma = analyze('gemma-2-9b').model!.kvCache!
    // 21 full layers × 8192 tokens + 21 windowed layers × 4096 tokens, 2 × 8 × 256 × 2 bytes each
    expect(kvCacheBytes(gemma, 1, 8192, 2).bytes).toBe((21n * 8192n + 21n * 4096n) * 2n * 8n * 256n * 2n)
    const mistral = analyze('mistral-7b').model!.kvCache!
    expect(kvCacheBytes(mistral, 1, 8192, 2).bytes).toBe(32n * 4096n * 2n * 8n * 128n * 2n)
  })

  it('gives the latent size of multi-head latent attention to the planner', () => {
    const cache = analyze('deepseek-v2-lite').model!.kvCache!
    expect(cache.bytesPerTokenFp16).toBeNull()
    // 27 layers × (512 + 64) latent elements × 2 bytes
    expect(kvCacheBytes(cache, 1, 1, 2).bytesPerToken).toBe(27n * 576n * 2n)
  }, 60_000)
})
