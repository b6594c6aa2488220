import { describe, expect, it } from 'vitest'
import { analyze } from '@nnsize/core'
import { writeHash } from './state.ts'
import { compute } from './compute.ts'
import { computeMemory } from './memory.ts'
import { examples } from './examples.ts'
import { availableExamples } from './availability.ts'

describe('examples', () => {
  it('opens with the seed question and gives every entry a unique id', () => {
    expect(examples[0]?.state.source).toBe('Conv2d(128, 256, 3)')
    expect(new Set(examples.map((e) => e.id)).size).toBe(examples.length)
  })

  it.each(examples.map((e) => [e.id, e] as const))('%s analyses, plans its memory and fits in a link', (_, example) => {
    const outcome = compute(example.state, analyze)
    if (!outcome.ok) throw new Error(`${example.id}: ${outcome.problem.message}`)
    const memory = computeMemory(outcome.analysis, example.state)
    if (!memory.ok) throw new Error(`${example.id}: ${memory.message}`)
    expect(writeHash(example.state).ok).toBe(true)
  })
})

describe('availableExamples', () => {
  it('keeps the examples the core can evaluate and leaves out one it cannot', () => {
    const unknown = { id: 'x', title: 'x', blurb: 'x', state: { source: 'NotALayer(3)' } }
    expect(availableExamples([...examples, unknown]).map((e) => e.id)).toEqual(examples.map((e) => e.id))
  })
})
