import { describe, expect, it } from 'vitest'
import { findWeightFormat, quantises, weightBytes, weightFormatNames, weightFormats } from './quant.js'
import type { WeightTensor } from './quant.js'

const matrix = (rows: number, cols: number, moduleType = 'Linear', name = 'proj.weight'): WeightTensor => ({ name, kind: 'parameter', shape: [rows, cols], dtype: 'float32', moduleType })
const vector = (n: number): WeightTensor => ({ name: 'norm.weight', kind: 'parameter', shape: [n], dtype: 'float32', moduleType: 'LayerNorm' })

describe('findWeightFormat', () => {
  it('finds GGUF types in any case and bitsandbytes aliases', () => {
    expect(findWeightFormat('Q4_K').id).toBe('q4_k')
    expect(findWeightFormat('gguf-q8_0').id).toBe('q8_0')
    expect(findWeightFormat('qlora').id).toBe('nf4-dq')
  })
  it('suggests a close name', () => {
    expect(() => findWeightFormat('q4k')).toThrow(/Unknown weight format `q4k`/)
  })
})

describe('weightFormats', () => {
  it('gives GGUF types their real bits per weight', () => {
    const bits = Object.fromEntries(weightFormats.map((f) => [f.id, f.bitsPerWeight]))
    expect(bits).toMatchObject({ q4_0: '4.5', q4_1: '5', q5_0: '5.5', q8_0: '8.5', q2_k: '2.625', q3_k: '3.4375', q4_k: '4.5', q5_k: '5.5', q6_k: '6.5625', iq4_xs: '4.25', iq2_xxs: '2.0625' })
    expect(new Set(weightFormatNames).size).toBe(weightFormatNames.length)
  })
})

describe('quantises', () => {
  it('leaves vectors and integer buffers alone and spares lm_head in bitsandbytes formats', () => {
    const nf4 = findWeightFormat('nf4')
    expect(quantises(nf4, matrix(8, 8))).toBe(true)
    expect(quantises(nf4, vector(8))).toBe(false)
    expect(quantises(nf4, matrix(8, 8, 'Embedding', 'embed.weight'))).toBe(false)
    expect(quantises(nf4, matrix(8, 8, 'Linear', 'lm_head.weight'))).toBe(false)
    expect(quantises(findWeightFormat('q4_k'), matrix(8, 8, 'Embedding', 'embed.weight'))).toBe(true)
    expect(quantises(findWeightFormat('fp16'), { name: 'n', kind: 'buffer', shape: [1], dtype: 'int64' })).toBe(false)
  })
})

describe('weightBytes', () => {
  it('stores Q4_0 as 18 bytes per 32 weights and Q4_K as 144 per 256, vectors in F32', () => {
    expect(weightBytes([matrix(4096, 4096)], findWeightFormat('q4_0')).bytes).toBe(4096n * 128n * 18n)
    expect(weightBytes([matrix(4096, 4096)], findWeightFormat('q4_k')).bytes).toBe(4096n * 16n * 144n)
    expect(weightBytes([matrix(10, 300), vector(10)], findWeightFormat('q6_k')).bytes).toBe(10n * 2n * 210n + 40n)
  })
  it('gives NF4 with double quantisation ≈ 4.127 bits per weight (QLoRA)', () => {
    const r = weightBytes([matrix(8192, 8192)], findWeightFormat('nf4-dq'))
    expect((Number(r.bytes) * 8) / 8192 / 8192).toBeCloseTo(4.127, 3)
    const plainNf4 = weightBytes([matrix(8192, 8192)], findWeightFormat('nf4'))
    expect((Number(plainNf4.bytes) * 8) / 8192 / 8192).toBeCloseTo(4.5, 3)
  })
  it('stores LLM.int8() weights in one byte plus a float32 scale per output row, the rest in float16', () => {
    const r = weightBytes([matrix(100, 50), vector(100)], findWeightFormat('int8'))
    expect(r.bytes).toBe(5000n + 400n + 200n)
    expect(r.quantisedTensors).toBe(1)
  })
  it('lays out GPTQ 4-bit with group size 128', () => {
    // qweight 512/8 × 256 × 4 + qzeros 4 × 32 × 4 + scales 4 × 256 × 2 + g_idx 512 × 4
    expect(weightBytes([matrix(256, 512)], findWeightFormat('int4')).bytes).toBe(65536n + 512n + 2048n + 2048n)
  })
  it('converts every float tensor for plain dtypes', () => {
    expect(weightBytes([matrix(10, 10), vector(10)], findWeightFormat('bf16')).bytes).toBe(220n)
    expect(weightBytes([matrix(10, 10)], findWeightFormat('auto')).bytes).toBe(400n)
  })
})
