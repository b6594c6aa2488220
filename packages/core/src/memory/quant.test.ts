import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { planMemory } from './plan.js'
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

const expert = (experts: number, rows: number, cols: number, name = 'mlp.experts.gate_up_proj'): WeightTensor => ({ name, kind: 'parameter', shape: [experts, rows, cols], dtype: 'bfloat16', moduleType: 'GptOssExperts' })
const inferenceWeights = (model: string, weights: string): bigint => planMemory(analyze(model), { mode: 'inference', weights }).memory.weights.bytes

describe('4-bit and low-bit formats', () => {
  it('refuses the ambiguous `fp4`, listing the three formats it could mean', () => {
    expect(() => findWeightFormat('fp4')).toThrow('`fp4` is ambiguous: `bnb-fp4` (bitsandbytes FP4, 4.5 bits per weight), `mxfp4` (OCP MX, 4.25 bits) or `nvfp4`')
    expect(findWeightFormat('bnb-fp4').bitsPerWeight).toBe('4.5')
    expect(findWeightFormat('fp4-dq').id).toBe('bnb-fp4-dq')
    expect(findWeightFormat('gguf-mxfp4').id).toBe('gguf-mxfp4')
  })
  it('stores bitsandbytes FP4 as NF4: the same blocks, another code', () => {
    expect(weightBytes([matrix(256, 512)], findWeightFormat('bnb-fp4')).bytes).toBe(weightBytes([matrix(256, 512)], findWeightFormat('nf4')).bytes)
  })
  it('gives OCP MXFP4 4.25 bits per weight: 32 E2M1 values and one E8M0 scale per block', () => {
    // OCP Microscaling Formats (MX) v1.0, table 1: MXFP4 = E2M1 elements, k = 32, E8M0 scale → (32·4 + 8) / 32 = 4.25
    const r = weightBytes([matrix(4096, 4096)], findWeightFormat('mxfp4'))
    expect(r.bytes).toBe(4096n * 128n * 17n)
    expect((Number(r.bytes) * 8) / 4096 / 4096).toBe(4.25)
  })
  it('quantises only the experts of a mixture of experts in MXFP4, as the gpt-oss checkpoints store them', () => {
    const tensors = [expert(32, 2880, 5760), matrix(4096, 2880, 'Linear', 'self_attn.q_proj.weight'), { ...expert(32, 1, 5760, 'mlp.experts.gate_up_proj_bias'), shape: [32, 5760] }]
    const r = weightBytes(tensors, findWeightFormat('mxfp4'))
    expect(r.quantisedTensors).toBe(1)
    expect(r.bytes).toBe(32n * 2880n * 180n * 17n + 4096n * 2880n * 2n + 32n * 5760n * 2n)
    // the published checkpoints: gpt-oss model card (OpenAI, 2025), table 1, "Checkpoint Size": 12.8 GiB and 60.8 GiB
    expect(Number(inferenceWeights('gpt-oss-20b', 'mxfp4')) / 2 ** 30).toBeCloseTo(12.8, 1)
    expect(Number(inferenceWeights('gpt-oss-120b', 'mxfp4')) / 2 ** 30).toBeCloseTo(60.8, 1)
  })
  it('lays out NVFP4: E2M1 pairs, an FP8 scale per 16 and two float32 scales per tensor; routers and lm_head kept', () => {
    expect(weightBytes([matrix(256, 512)], findWeightFormat('nvfp4')).bytes).toBe(256n * 256n + 256n * 32n + 8n)
    const nvfp4 = findWeightFormat('nvfp4')
    expect(quantises(nvfp4, matrix(8, 16, 'Linear', 'model.layers.0.mlp.gate.weight'))).toBe(false)
    expect(quantises(nvfp4, matrix(8, 16, 'Linear', 'model.layers.0.mlp.gate_proj.weight'))).toBe(true)
    expect(quantises(nvfp4, matrix(8, 16, 'Linear', 'lm_head.weight'))).toBe(false)
  })
  it('lays out AutoAWQ WQLinear_GEMM: int32 qweight and qzeros packing 8 outputs, float16 scales per 128 inputs', () => {
    // qweight 512 × 256/8 × 4 + qzeros 4 × 32 × 4 + scales 4 × 256 × 2
    expect(weightBytes([matrix(256, 512)], findWeightFormat('awq')).bytes).toBe(65536n + 512n + 2048n)
    // TheBloke/Llama-2-7B-AWQ (model card, "Provided files"): model.safetensors 3.89 GB
    expect(Number(inferenceWeights('llama-2-7b', 'awq')) / 1e9).toBeCloseTo(3.89, 2)
  })
  it('packs HQQ by hqq\'s BaseQuantizeConfig defaults (4-bit, group 64) and other widths and groups', () => {
    expect(findWeightFormat('hqq').id).toBe('hqq-4bit-g64')
    expect(findWeightFormat('hqq').bitsPerWeight).toBe('4.5')
    // 4-bit: 2 values a byte, float16 scale and zero per group of 64
    expect(weightBytes([matrix(256, 512)], findWeightFormat('hqq')).bytes).toBe(65536n + 2048n * 4n)
    // 3-bit, group 128: 1,024 groups of 128 → ⌈1024/10⌉ × 128 int32 words
    expect(weightBytes([matrix(256, 512)], findWeightFormat('hqq:3:128')).bytes).toBe(103n * 128n * 4n + 1024n * 4n)
    expect(findWeightFormat('hqq-2bit-g16').bitsPerWeight).toBe('4')
    expect(() => findWeightFormat('hqq-7bit')).toThrow(/HQQ takes 8, 6, 5, 4, 3, 2, 1\.58, 1 bits, got `7`/)
    expect(() => findWeightFormat('hqq-4bit-g60')).toThrow(/multiple of 8/)
  })
  it('sizes EXL2 at the bits per weight given, lm_head by exllamav2\'s 6-bit head parameters', () => {
    const f = findWeightFormat('exl2:4.65')
    expect([f.id, findWeightFormat('EXL2-4.65bpw').id, findWeightFormat('exl2-5').id]).toEqual(['exl2-4.65bpw', 'exl2-4.65bpw', 'exl2-5.0bpw'])
    expect(weightBytes([matrix(4096, 4096)], f).bytes).toBe((4096n * 4096n * 465n + 799n) / 800n)
    // exllamav2 QParams(128, [8, 6], [0.15, 0.85], 4).total_bits((4096, 128256)) = 3,332,736,512 bits (≈ 6.34 bpw)
    expect(weightBytes([matrix(128256, 4096, 'Linear', 'lm_head.weight')], f).bytes).toBe(3332736512n / 8n)
    expect(weightBytes([matrix(32000, 2048, 'Linear', 'lm_head.weight')], f).bytes).toBe(419906304n / 8n)
    expect(quantises(f, matrix(8, 8, 'Embedding', 'embed_tokens.weight'))).toBe(false)
    expect(() => findWeightFormat('exl2:9')).toThrow(/EXL2 takes an average of 2 to 8 bits per weight, got `9`/)
  })
})
