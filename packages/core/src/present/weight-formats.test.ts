import { describe, expect, it } from 'vitest'
import { findWeightFormat } from '../memory/quant.js'
import { weightFormatChoice, weightFormatDraft, weightFormatFamilies, weightFormatName } from './weight-formats.js'

describe('weightFormatChoice', () => {
  it('gives each format a label with its bits and a one-line summary from its description', () => {
    expect(weightFormatChoice(findWeightFormat('awq'))).toEqual({ id: 'awq', label: 'awq (4.15625 bits)', summary: 'AWQ 4-bit, group size 128 (AutoAWQ `WQLinear_GEMM`), 4.15625 bits per weight' })
    expect(weightFormatChoice(findWeightFormat('gptq')).summary).toBe('GPTQ 4-bit, group size 128 (AutoGPTQ/GPTQModel QuantLinear), ≈ 4.16 bits per weight')
    expect(weightFormatChoice(findWeightFormat('mxfp4')).summary).toBe('OCP MXFP4, 4.25 bits per weight')
    expect(weightFormatChoice(findWeightFormat('nvfp4')).summary).toBe('NVIDIA NVFP4 (TensorRT Model Optimizer), 4.5 bits per weight')
    expect(weightFormatChoice(findWeightFormat('bnb-fp4')).summary).toBe('bitsandbytes 4-bit FP4 without double quantisation, 4.5 bits per weight')
    expect(weightFormatChoice(findWeightFormat('exl2:4.65')).label).toBe('exl2-4.65bpw (≈ 4.65 bits)')
    expect(weightFormatChoice(findWeightFormat('auto'))).toEqual({ id: 'auto', label: 'auto', summary: 'every tensor in the dtype the model is built with' })
    for (const c of [...['awq', 'int4', 'bnb-fp4', 'mxfp4', 'nvfp4', 'q4_k', 'fp8'].map((n) => weightFormatChoice(findWeightFormat(n)))]) expect(c.summary).not.toMatch(/\n/)
  })
})

describe('weightFormatDraft and weightFormatName', () => {
  it('write the names the command line takes, which the core parses', () => {
    expect(weightFormatName({ family: 'exl2', bitsPerWeight: '4.65' })).toBe('exl2-4.65bpw')
    expect(weightFormatName({ family: 'hqq', bits: '3', groupSize: '128' })).toBe('hqq-3bit-g128')
    expect(findWeightFormat(weightFormatName({ family: 'hqq', bits: '3', groupSize: '128' })).id).toBe('hqq-3bit-g128')
    for (const f of weightFormatFamilies) expect(findWeightFormat(weightFormatName(f.start)).id).toBe(f.family === 'exl2' ? 'exl2-4.65bpw' : 'hqq-4bit-g64')
  })
  it('reads a name back as typed, other spellings through the parser, and leaves the rest as given', () => {
    expect(weightFormatDraft('exl2-4.bpw')).toEqual({ family: 'exl2', bitsPerWeight: '4.' })
    expect(weightFormatDraft('exl2-9bpw')).toEqual({ family: 'exl2', bitsPerWeight: '9' })
    expect(weightFormatDraft('exl2:4.65')).toEqual({ family: 'exl2', bitsPerWeight: '4.65' })
    expect(weightFormatDraft('hqq')).toEqual({ family: 'hqq', bits: '4', groupSize: '64' })
    expect(weightFormatDraft('hqq-7bit-g64')).toEqual({ family: 'hqq', bits: '7', groupSize: '64' })
    expect(weightFormatDraft('GPTQ')).toEqual({ family: 'listed', name: 'int4' })
    expect(weightFormatDraft('q9_z')).toEqual({ family: 'listed', name: 'q9_z' })
  })
})
