import { describe, expect, it } from 'vitest'
import { findPrecision, precisionModes, precisionNames } from './precision.js'

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
