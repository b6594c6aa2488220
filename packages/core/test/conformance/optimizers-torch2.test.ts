import { describe, expect, it } from 'vitest'
import { analyze, optimizerStateBytes, parseOptimizer } from '../../src/index.js'
import { readCases } from './reference.js'

interface OptimizerCase {
  id: string
  expr: string
  optimizer_state_bytes: Record<string, number>
  torch113_optimizer_state_bytes: Record<string, number>
  changed: string[]
}

const cases = readCases<OptimizerCase>('torch2/optimizers.jsonl')
const only = process.env['NNSIZE_CASES']

describe('torch2/optimizers.jsonl: optimizer state after one step matches PyTorch 2.13 (the default)', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: ${c.expr.length > 90 ? `${c.expr.slice(0, 90)}…` : c.expr}`, () => {
      const { tensors } = analyze(c.expr)
      const actual = Object.fromEntries(Object.keys(c.optimizer_state_bytes).map((key) => [key, Number(optimizerStateBytes(tensors, parseOptimizer(key)))]))
      expect(actual).toEqual(c.optimizer_state_bytes)
      // the 1.13 figures kept beside them
      const old = Object.fromEntries(Object.keys(c.torch113_optimizer_state_bytes).map((key) => [key, Number(optimizerStateBytes(tensors, parseOptimizer(key, { torch: '1.13' })))]))
      expect(old).toEqual(c.torch113_optimizer_state_bytes)
    })
  }
})
