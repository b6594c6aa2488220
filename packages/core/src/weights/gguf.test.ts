import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader, planMemory } from '../index.js'
import { bytes, gguf, gv, refusal, sparseReader, u32, u64 } from '../../test/weights/build.js'
import { ggufKvCache } from './gguf.js'
import type { GGUFValue } from './types.js'

const llama = (extra: Array<[string, Uint8Array]> = []): Array<[string, Uint8Array]> => [
  ['general.architecture', gv.str('llama')],
  ['llama.block_count', gv.u32(32)],
  ['llama.context_length', gv.u32(8192)],
  ['llama.embedding_length', gv.u32(4096)],
  ['llama.attention.head_count', gv.u32(32)],
  ['llama.attention.head_count_kv', gv.u32(8)],
  ...extra,
]
const meta = (entries: Record<string, number | number[]>): Record<string, GGUFValue> =>
  Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, Array.isArray(v) ? { type: 'ARRAY', elemType: 'UINT32', count: v.length, values: v } : { type: 'UINT32', value: v }]))

describe('readGGUF', () => {
  it('reverses dimensions to PyTorch order and sizes block types by blocks × block bytes', async () => {
    const file = gguf(llama(), [
      { name: 'blk.0.ffn_down.weight', dims: [14336, 4096], type: 12, offset: 0 },
      { name: 'output_norm.weight', dims: [4096], type: 0, offset: 33_030_144 },
    ], 33_030_144 + 16384)
    const head = file.subarray(0, 512)
    // Metadata is read in 64 KiB windows: never more, however large the file.
    const a = await analyzeWeights(sparseReader('m.gguf', head, file.length, 65_536))
    const [down, norm] = a.weights.tensors
    expect(down).toMatchObject({ shape: [4096, 14336], ggufDims: [14336, 4096], dtype: 'Q4_K', torchDType: null, blocks: 229_376n, bytes: 33_030_144n })
    expect(norm).toMatchObject({ shape: [4096], dtype: 'F32', bytes: 16384n })
    // The analysis keeps each tensor's exact stored bytes; the planner serves them as stored.
    expect(a.params.bytes).toBe(33_030_144n + 16384n)
    const plan = planMemory(a, { mode: 'inference', contextLength: 8192, overheadBytes: 0n })
    expect(plan.memory.weights.bytes).toBe(33_030_144n + 16384n)
    // The KV cache from the metadata: 2 × 32 layers × 8 heads × 128 × 2 bytes × 8192 tokens.
    expect(a.model?.kvCache).toMatchObject({ layers: 32, kvHeads: 8, headDim: 128 })
    expect(plan.memory.kvCache.bytes).toBe(2n * 32n * 8n * 128n * 2n * 8192n)
    expect(a.weights.contextLength).toBe(8192)
  })

  it('ties the output head when there is no output.weight', async () => {
    const a = await analyzeWeights(bytesReader('t.gguf', gguf(llama(), [{ name: 'token_embd.weight', dims: [8, 4], type: 0, offset: 0 }], 128)))
    expect(a.model).toMatchObject({ family: 'llama', tiedEmbeddings: true })
  })

  const refusals: Array<[string, Uint8Array, RegExp]> = [
    ['version 1', gguf([], [], 0, 1), /GGUF version 1; nnsize reads versions 2 and 3/],
    ['a big-endian file', bytes('GGUF', 0, 0, 0, 3, u64(0), u64(0)), /big-endian/],
    ['2^63 − 1 tensors', bytes('GGUF', u32(3), u64(2n ** 63n - 1n), u64(0), new Uint8Array(100)), /declares 9,223,372,036,854,775,807 tensors/],
    ['more metadata than the file holds', bytes('GGUF', u32(3), u64(0), u64(1000), new Uint8Array(100)), /more than its 124 bytes can hold/],
    ['a string longer than the file', bytes('GGUF', u32(3), u64(0), u64(1), u64(2n ** 40n), new Uint8Array(20)), /claims 1,099,511,627,776 bytes/],
    ['an array of 2^40 elements', gguf([['a', bytes(u32(9), u32(4), u64(2n ** 40n))]], [], 0), /claims 1,099,511,627,776 elements/],
    ['an unknown value type', gguf([['a', bytes(u32(77))]], [], 0), /value type 77/],
    ['an unknown ggml type', gguf([], [{ name: 'w', dims: [4], type: 99, offset: 0 }], 32), /ggml type 99/],
    ['rows that are not whole blocks', gguf([], [{ name: 'w', dims: [100, 2], type: 8, offset: 0 }], 512), /rows of 100 elements, not a multiple of its block size 32/],
    ['overlapping tensors', gguf([], [{ name: 'a', dims: [16], type: 0, offset: 0 }, { name: 'b', dims: [16], type: 0, offset: 32 }], 128), /`b` \(data offset 32\) overlaps `a`/],
    ['an unaligned tensor', gguf([], [{ name: 'a', dims: [4], type: 0, offset: 4 }], 64), /not a multiple of the alignment 32/],
    ['a truncated data section', gguf([], [{ name: 'a', dims: [1024], type: 0, offset: 0 }], 100), /truncated/],
    ['an alignment that is not a power of two', gguf([['general.alignment', gv.u32(48)]], [], 0), /power of two/],
    // gguf-py 0.19 GGUFReader: "Bad type for general.alignment field" for a UINT64 (type 10) alignment.
    ['an alignment stored as a UINT64', gguf([['general.alignment', bytes(u32(10), u64(32))]], [], 0), /`general.alignment` is a UINT64; GGUF readers \(gguf-py, llama.cpp\) require a UINT32/],
  ]
  for (const [what, file, message] of refusals) {
    it(`refuses ${what}`, async () => {
      const started = performance.now()
      const e = await refusal(analyzeWeights(bytesReader('x.gguf', file)))
      expect(e.message).toMatch(message)
      expect(performance.now() - started).toBeLessThan(1000)
    })
  }

  it('needs every part of a split set', async () => {
    const part = gguf([['split.no', bytes(u32(2), 0, 0)], ['split.count', bytes(u32(2), 2, 0)]], [], 0)
    const e = await refusal(analyzeWeights(bytesReader('m-00001-of-00002.gguf', part)))
    expect(e.code).toBe('missing-file')
    expect(e.message).toContain('`m-00002-of-00002.gguf`')
  })
})

describe('ggufKvCache', () => {
  it('uses key and value lengths, per-layer head counts, latent attention and sliding windows', () => {
    expect(ggufKvCache(meta({ 'q.block_count': 4, 'q.attention.head_count': 8, 'q.attention.head_count_kv': [2, 2, 0, 2], 'q.attention.key_length': 64 }), 'q').kvCache).toMatchObject({ layers: 3, kvHeads: 2, headDim: 64 })
    expect(ggufKvCache(meta({ 'd.block_count': 2, 'd.attention.head_count': 16, 'd.attention.kv_lora_rank': 512, 'd.rope.dimension_count': 64, 'd.attention.key_length': 192 }), 'd').kvCache).toMatchObject({ latentDim: 576 })
    expect(ggufKvCache(meta({ 'm.block_count': 2, 'm.attention.head_count': 4, 'm.attention.key_length': 64, 'm.attention.value_length': 32 }), 'm').kvCache).toMatchObject({ latentDim: 4 * 96 })
    expect(ggufKvCache(meta({ 'gemma2.block_count': 42, 'gemma2.attention.head_count': 16, 'gemma2.attention.head_count_kv': 8, 'gemma2.attention.key_length': 256, 'gemma2.attention.sliding_window': 4096 }), 'gemma2').kvCache).toMatchObject({ windowedLayers: { count: 21, window: 4096 } })
    expect(ggufKvCache(meta({ 'x.block_count': 2 }), 'x')).toMatchObject({ kvCache: null })
  })
})
