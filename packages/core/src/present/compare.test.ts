import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { planMemory } from '../memory/plan.js'
import { compareAnalyses, comparisonTable, comparisonToJSON } from './compare.js'

const withBias = analyze('nn.Conv2d(128, 256, 3)')
const withoutBias = analyze('nn.Conv2d(128, 256, 3, bias=False)')

describe('compareAnalyses', () => {
  it('gives each figure with its difference and relative change', () => {
    const c = compareAnalyses(withBias, withoutBias)
    const params = c.rows.find((r) => r.key === 'params')!
    expect([params.a, params.b, params.delta, params.deltaText]).toEqual([295168n, 294912n, -256n, '−256 (−0.09%)'])
    expect(c.rows.find((r) => r.key === 'buffers')!.deltaText).toBe('same')
    expect(c.rows.find((r) => r.key === 'paramBytes')!.deltaText).toBe('−1.00 KiB (−0.09%)')
  })
  it('names the tensors that differ', () => {
    expect(compareAnalyses(withBias, withoutBias).tensors).toEqual([{ name: 'bias', change: 'only-a', a: '(256) float32' }])
    expect(compareAnalyses(analyze('nn.Linear(2, 2)'), analyze('nn.Linear(2, 2, dtype=torch.bfloat16)')).tensors.map((t) => [t.name, t.change, t.b])).toEqual([
      ['weight', 'changed', '(2, 2) bfloat16'],
      ['bias', 'changed', '(2) bfloat16'],
    ])
  })
  it('adds compute rows when both have a forward pass', () => {
    const c = compareAnalyses(analyze('nn.Linear(10, 20)', { input: '1,10' }), analyze('nn.Linear(10, 40)', { input: '1,10' }))
    expect(c.rows.find((r) => r.key === 'macs')!.deltaText).toBe('+200 (+100.00%)')
  })
  it('marks growth from zero as new', () => {
    const c = compareAnalyses(analyze('nn.ReLU()'), analyze('nn.Linear(1, 1)'))
    expect(c.rows[0]!.deltaText).toBe('+2 (new)')
  })
})

describe('compareAnalyses with memory plans', () => {
  it('compares the budget lines of Adam and SGD', () => {
    const a = analyze('nn.Linear(1000, 1000)')
    const c = compareAnalyses(a, a, { plans: { a: planMemory(a, { optimizer: 'Adam' }), b: planMemory(a, { optimizer: 'SGD' }) } })
    const state = c.rows.find((r) => r.key === 'memory.optimizerState')!
    // Adam's `step` counters (8 B) are on the CPU, not in the GPU's optimizer state
    expect([state.a, state.b, state.deltaText]).toEqual([8n * 1001000n, 0n, '−7.64 MiB (−100.00%)'])
    expect(c.rows.find((r) => r.key === 'memory.kvCache')).toBeUndefined()
    expect(comparisonToJSON(c).a.memory!.memory.optimizerState.bytes).toBe(8 * 1001000)
  })
})

describe('comparisonTable', () => {
  it('has Quantity, both sides and the difference', () => {
    const t = comparisonTable(compareAnalyses(withBias, withoutBias), { a: 'with bias', b: 'without bias' })
    expect(t.columns.map((c) => c.header)).toEqual(['Quantity', 'with bias', 'without bias', 'Difference'])
    expect(t.rows[0]).toEqual(['Parameters', '295,168', '294,912', '−256 (−0.09%)'])
  })
})

describe('comparisonToJSON', () => {
  it('holds both analyses and exact differences', () => {
    const json = comparisonToJSON(compareAnalyses(withBias, withoutBias))
    expect(json.a.params.total).toBe(295168)
    expect(json.b.params.total).toBe(294912)
    expect(json.difference['params']).toBe(-256)
    expect(json.difference['tensors']).toBe(-1)
  })
})
