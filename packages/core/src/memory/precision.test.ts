import { describe, expect, it } from 'vitest'
import { findPrecision, precisionBytes, precisionModes, precisionNames } from './precision.js'

describe('findPrecision', () => {
  it('maps Lightning names to their meaning', () => {
    expect(findPrecision('bf16-mixed').id).toBe('amp-bf16')
    expect(findPrecision('16-mixed').id).toBe('amp-fp16')
    expect(findPrecision('bf16-true').id).toBe('bf16')
    expect(findPrecision('32').id).toBe('fp32')
  })
  it('describes ZeRO\'s mixed precision: 2 + 2 bytes on the device, float32 master weights with the optimizer', () => {
    const m = findPrecision('mixed-fp16')
    expect([m.weightDType, m.gradDType, m.optimizerDType, m.masterWeights]).toEqual(['float16', 'float16', 'float32', true])
  })
  it('suggests a close name for an unknown precision', () => {
    expect(() => findPrecision('bf17')).toThrow(/Unknown precision `bf17`\. Did you mean/)
  })
})

describe('precisionModes', () => {
  it('has unique names', () => {
    expect(new Set(precisionNames).size).toBe(precisionNames.length)
    expect(precisionModes.length).toBe(9)
  })
})

describe('precision names', () => {
  it('resolves the bfloat16 and float16 spelling of each name to the matching modes', () => {
    const pairs: Array<[string, string]> = [['amp-fp16', 'amp-bf16'], ['fp16', 'bf16'], ['mixed-fp16', 'mixed-bf16']]
    for (const [fp16, bf16] of pairs) {
      for (const name of [fp16, ...findPrecision(fp16).aliases].filter((n) => n.includes('fp16'))) {
        expect(findPrecision(name.replace('fp16', 'bf16')).id).toBe(bf16)
      }
    }
    expect(findPrecision('fp16-mixed').id).toBe('amp-fp16')
    expect(findPrecision('mixed-bf16').id).toBe('mixed-bf16')
    expect(findPrecision('BF16_MIXED').id).toBe('amp-bf16')
    expect(findPrecision('zero-bf16').id).toBe('mixed-bf16')
  })
})

describe('precisionBytes', () => {
  it('counts weights, gradients and extra copies per parameter', () => {
    expect(precisionBytes(findPrecision('mixed-fp16'))).toEqual({ weights: 2, gradients: 2, masterWeights: 4, weightCopy: 0, perParameter: 8, optimizerElement: 4 })
    expect(precisionBytes(findPrecision('bf16-mixed'))).toEqual({ weights: 4, gradients: 4, masterWeights: 0, weightCopy: 2, perParameter: 10, optimizerElement: 4 })
    expect(precisionBytes(findPrecision('fp8')).perParameter).toBe(9)
    expect(precisionBytes(findPrecision('auto')).perParameter).toBeNull()
  })
})
