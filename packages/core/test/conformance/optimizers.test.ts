import { describe, expect, it } from 'vitest'
import { analyze, optimizerStateBytes, parseOptimizer } from '../../src/index.js'
import { readCases } from './reference.js'

const cases = readCases('layers.jsonl').filter((c) => c.optimizer_state_bytes !== undefined)
const only = process.env['NNSIZE_CASES']

describe('layers.jsonl: optimizer state after one step matches PyTorch 1.13 (with torch: 1.13)', () => {
  it('has the reference cases with optimizer state', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: ${c.expr.length > 90 ? `${c.expr.slice(0, 90)}…` : c.expr}`, () => {
      const { tensors } = analyze(c.expr)
      const expected = c.optimizer_state_bytes!
      const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, Number(optimizerStateBytes(tensors, parseOptimizer(key, { torch: '1.13' })))]))
      expect(actual).toEqual(expected)
    })
  }
})
