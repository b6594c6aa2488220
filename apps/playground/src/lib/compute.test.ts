import { describe, expect, it } from 'vitest'
import { limits } from '@nnsize/core'
import { applySuggestion, compute } from './compute.ts'

describe('compute', () => {
  it('analyses a layer and reports how long the core took', () => {
    let clock = 10
    const outcome = compute({ source: 'Conv2d(128, 256, 3)' }, () => (clock += 2.5))
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    expect(outcome.analysis.params.total).toBe(295_168n)
    expect(outcome.elapsedMs).toBe(2.5)
  })

  it('traces the forward pass when an input shape is given', () => {
    const outcome = compute({ source: 'Conv2d(3, 8, 3)', input: '1,3,32,32', device: 'cpu' })
    expect(outcome.ok && outcome.analysis.forward?.outputs[0]?.shape).toEqual([1, 8, 30, 30])
    expect(outcome.ok && outcome.analysis.forward?.device).toBe('cpu')
  })

  it('ignores an input shape left blank', () => {
    const outcome = compute({ source: 'Linear(4, 2)', input: '   ' })
    expect(outcome.ok && outcome.analysis.forward).toBeUndefined()
  })

  it('points a misspelt name at the editor with a caret excerpt and one-click fixes', () => {
    const outcome = compute({ source: 'nn.Conv2D(128, 256, 3)' })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    const { problem } = outcome
    expect(problem.field).toBe('source')
    expect(problem.code).toBe('unknown-attribute')
    expect(problem.span).toEqual({ start: 3, end: 9 })
    expect(problem.excerpt).toBe([' --> 1:4', '  |', '1 | nn.Conv2D(128, 256, 3)', '  |    ^^^^^^'].join('\n'))
    expect(problem.fixes[0]).toEqual({ suggestion: 'Conv2d', original: 'Conv2D', source: 'nn.Conv2d(128, 256, 3)' })
  })

  it('fixes a misspelt keyword without losing its value', () => {
    const outcome = compute({ source: 'Conv2d(128, 256, kernal_size=3)' })
    expect(!outcome.ok && outcome.problem.fixes.map((f) => f.source)).toEqual(['Conv2d(128, 256, kernel_size=3)'])
  })

  it('reports a malformed input shape against the input field, without a span', () => {
    const outcome = compute({ source: 'Linear(4, 2)', input: '1,a,4' })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.problem).toMatchObject({ field: 'input', code: 'option', fixes: [] })
    expect(outcome.problem.span).toBeUndefined()
    expect(outcome.problem.message).toContain('`a`')
  })

  it('reports a shape the model rejects against the editor', () => {
    const outcome = compute({ source: 'Conv2d(3, 8, 3)', input: '1,4,32,32' })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.problem.field).toBe('source')
    expect(outcome.problem.code).toBe('shape')
  })

  it('treats markup in an expression as a syntax error, as text', () => {
    const outcome = compute({ source: '<script>alert(1)</script>' })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.problem.code).toBe('syntax')
    expect(outcome.problem.excerpt).toContain('<script>alert(1)</script>')
  })

  it('answers input beyond the size limit with an error instead of a crash', () => {
    const outcome = compute({ source: `Linear(1, 1)${' '.repeat(limits.maxSourceChars)}` })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.problem.code).toBe('limit')
  })

  it('answers deeply nested brackets with an error instead of a stack overflow', () => {
    const outcome = compute({ source: `${'('.repeat(5000)}1${')'.repeat(5000)}` })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(['limit', 'syntax']).toContain(outcome.problem.code)
  })

  it('never throws, whatever the text', () => {
    for (const source of ['', '\u0000', ')))', 'lambda x: x', 'import os', '"unterminated', 'nn.Linear(', '1 +', '😀', '[Linear(1,1)] * 3']) {
      expect(() => compute({ source })).not.toThrow()
    }
  })
})

describe('applySuggestion', () => {
  it('replaces the name at the start of the span', () => {
    expect(applySuggestion('a = Conv2D(1, 2, 3)', { start: 4, end: 10 }, 'Conv2d')).toEqual({ original: 'Conv2D', source: 'a = Conv2d(1, 2, 3)' })
  })

  it('replaces the whole span when it holds no name', () => {
    expect(applySuggestion('x = 1 +* 2', { start: 6, end: 8 }, '*')).toEqual({ original: '+*', source: 'x = 1 * 2' })
  })
})
