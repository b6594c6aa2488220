import { describe, expect, it } from 'vitest'
import { analyze } from '@nnsize/core'
import { explainAnalysis, moduleRows } from '@nnsize/core/present'
import type { AnalyzeOptions, AnalyzeSource } from '@nnsize/core'
import { Answerer } from './answer.ts'
import { computeMemory } from './memory.ts'
import { analysisView } from './view.ts'

/** An answerer over the full analysis that counts how often it analyses. */
function counting() {
  const calls: AnalyzeSource[] = []
  const answerer = new Answerer((source: AnalyzeSource, options?: AnalyzeOptions) => {
    calls.push(source)
    return analyze(source, options)
  }, computeMemory)
  return { answerer, calls }
}

describe('analysisView', () => {
  it('copies through postMessage (a structured clone) and keeps each module one object', () => {
    const analysis = analyze('block = nn.Sequential(nn.Linear(8, 8), nn.ReLU())\nnn.Sequential(block, block, nn.Linear(8, 2))', { input: '4,8' })
    expect(() => structuredClone(analysis)).toThrow()
    const copy = structuredClone(analysisView(analysis))
    expect(copy.params.total).toBe(90n)
    expect(copy.modules.map((m) => m.path)).toEqual(analysis.modules.map((m) => m.path))
    expect(copy.tensors.map((t) => t.name)).toEqual(analysis.tensors.map((t) => t.name))
    // Rows meet their forward stats by module identity, after the copy as before it.
    const stats = copy.forward!.modules.find((s) => s.path === '2')!
    expect(copy.modules.find((m) => m.path === '2')!.node).toBe(stats.module)
    expect(moduleRows(copy).map((r) => [r.path, r.outputShape, r.macs])).toEqual(moduleRows(analysis).map((r) => [r.path, r.outputShape, r.macs]))
    expect(copy.root.type).toBe('Sequential')
    expect(copy.root.layer).toBeUndefined()
  })
})

describe('Answerer', () => {
  it('answers with the outcome, the argument switches and the memory plan', () => {
    const { answerer } = counting()
    const answer = answerer.answer({ state: { source: 'nn.Linear(4, 2)' }, explain: false })
    expect(answer.outcome.ok && answer.outcome.analysis.params.total).toBe(10n)
    expect(answer.switches.map((s) => [s.name, s.value, s.toggled])).toEqual([['bias', true, 'nn.Linear(4, 2, bias=False)']])
    expect(answer.memory?.ok && answer.memory.plan.memory.total.bytes).toBeGreaterThan(0n)
    expect(answer.explanation).toBeUndefined()
    expect(answer.snippet).toContain('model = nn.Linear(4, 2)')
    expect(() => structuredClone(answer)).not.toThrow()
  })

  it('analyses again only when the source, input, device or PyTorch release changes', () => {
    const { answerer, calls } = counting()
    answerer.answer({ state: { source: 'nn.Linear(4, 2)' }, explain: false })
    const planned = answerer.answer({ state: { source: 'nn.Linear(4, 2)', mode: 'training', optimizer: 'SGD', units: 'si' }, explain: true })
    expect(calls).toEqual(['nn.Linear(4, 2)'])
    expect(planned.memory?.ok && planned.memory.plan.mode).toBe('training')
    answerer.answer({ state: { source: 'nn.Linear(4, 2)', input: '1,4' }, explain: false })
    expect(calls).toEqual(['nn.Linear(4, 2)', 'nn.Linear(4, 2)'])
  })

  it('writes the explanation when asked, from the full analysis, in the page units', () => {
    const { answerer } = counting()
    const answer = answerer.answer({ state: { source: 'nn.Conv2d(128, 256, 3)', units: 'si' }, explain: true })
    expect(answer.explanation).toEqual(explainAnalysis(analyze('nn.Conv2d(128, 256, 3)'), { units: 'si' }))
    expect(answer.explanation?.[0]?.lines[0]?.text).toContain('in_channels × out_channels')
  })

  it('plans and explains the last good model while the input has an error', () => {
    const { answerer } = counting()
    answerer.answer({ state: { source: 'nn.Linear(4, 2)' }, explain: false })
    const answer = answerer.answer({ state: { source: 'nn.Linear(4, ' }, explain: true })
    expect(answer.outcome.ok).toBe(false)
    expect(!answer.outcome.ok && answer.outcome.problem.code).toBe('syntax')
    expect(answer.switches).toEqual([])
    expect(answer.memory?.ok).toBe(true)
    expect(answer.explanation?.length).toBeGreaterThan(0)
  })

  it('answers a model name with the model collections', () => {
    const { answerer } = counting()
    const answer = answerer.answer({ state: { source: 'resnet18' }, explain: false })
    expect(answer.outcome.ok && answer.outcome.analysis.params.total).toBe(11_689_512n)
    // A catalogue model is not Python: no snippet.
    expect(answerer.answer({ state: { source: 'llama-3.1-8b' }, explain: false }).snippet).toBeUndefined()
  })
})
