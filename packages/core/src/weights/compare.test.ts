import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader, compareWeights, NnsizeError, analyze, weightsComparisonToJSON, weightsToJSON } from '../index.js'
import { safetensors } from '../../test/weights/build.js'

const file = (name: string, tensors: Record<string, [string, number[]]>) => {
  const size: Record<string, number> = { F32: 4, BF16: 2 }
  let at = 0
  const header: Record<string, unknown> = {}
  for (const [k, [dtype, shape]] of Object.entries(tensors)) {
    const bytes = shape.reduce((p, d) => p * d, 1) * size[dtype]!
    header[k] = { dtype, shape, data_offsets: [at, at + bytes] }
    at += bytes
  }
  return analyzeWeights(bytesReader(name, safetensors(header, at)))
}

describe('compareWeights', () => {
  it('lists added, removed, reshaped and re-typed tensors with both totals', async () => {
    const a = await file('a.safetensors', { keep: ['F32', [2]], gone: ['F32', [3]], grow: ['F32', [4]], cast: ['F32', [5]] })
    const b = await file('b.safetensors', { keep: ['F32', [2]], grow: ['F32', [8]], cast: ['BF16', [5]], lora_A: ['F32', [1]] })
    const c = compareWeights(a, b)
    expect(c.added.map((t) => t.name)).toEqual(['lora_A'])
    expect(c.removed.map((t) => t.name)).toEqual(['gone'])
    expect(c.reshaped).toEqual([{ name: 'grow', a: [4], b: [8] }])
    expect(c.retyped).toEqual([{ name: 'cast', a: 'F32', b: 'BF16', bytesA: 20n, bytesB: 10n }])
    expect(c.unchanged).toBe(1)
    expect(c.params).toEqual({ a: 14n, b: 16n, delta: 2n })
    expect(weightsComparisonToJSON(c).bytes).toEqual({ a: 56, b: 54, delta: -2 })
  })

  it('takes only analyses of weight files', () => {
    expect(() => compareWeights(analyze('nn.Linear(2, 3)'), analyze('nn.Linear(2, 3)'))).toThrow(NnsizeError)
  })
})

describe('weightsToJSON', () => {
  it('writes exact integers, dropping nothing but undefined fields', async () => {
    const a = await file('a.safetensors', { w: ['F32', [2, 3]] })
    const json = weightsToJSON(a.weights)
    expect(json.tensors[0]).toEqual({ name: 'w', shape: [2, 3], dtype: 'F32', torchDType: 'float32', elements: 6, bytes: 24, file: 'a.safetensors', kind: 'parameter', dataOffsets: [0, 24] })
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
  })
})
