import { describe, expect, it } from 'vitest'
import { analyze, limits } from '@nnsize/core'
import { compute } from './compute.ts'

describe('compute', () => {
  it('analyses a layer and reports how long the core took', () => {
    let clock = 10
    const outcome = compute({ source: 'Conv2d(128, 256, 3)' }, undefined, () => (clock += 2.5))
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
    expect(problem.excerpt).toEqual({ line: 1, text: 'nn.Conv2D(128, 256, 3)', caretColumn: 3, caretWidth: 6 })
    expect(problem.suggestions[0]).toEqual({ text: 'Conv2d', original: 'Conv2D', replace: { start: 3, end: 9 }, source: 'nn.Conv2d(128, 256, 3)' })
  })

  it('fixes a misspelt keyword without losing its value', () => {
    const outcome = compute({ source: 'Conv2d(128, 256, kernal_size=3)' })
    expect(!outcome.ok && outcome.problem.suggestions.map((f) => f.source)).toEqual(['Conv2d(128, 256, kernel_size=3)'])
  })

  it('keeps the counts of a model whose input shape is malformed, and reports the shape at the input field', () => {
    const outcome = compute({ source: 'Linear(4, 2)', input: '1,a,4' })
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    expect(outcome.analysis.params.total).toBe(10n)
    expect(outcome.analysis.forward).toBeUndefined()
    expect(outcome.inputProblem).toMatchObject({ field: 'input', code: 'option', suggestions: [], span: undefined })
    expect(outcome.inputProblem?.message).toContain('`a`')
  })

  it('reports a shape the model rejects at the input field, with its place in the model to show', () => {
    const outcome = compute({ source: 'Conv2d(3, 8, 3)', input: '1,4,32,32' })
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    expect(outcome.analysis.params.total).toBe(224n)
    expect(outcome.inputProblem).toMatchObject({ field: 'input', code: 'shape', span: { start: 0, end: 15 } })
  })

  it('names a bad device or PyTorch version by the page\'s label for it', () => {
    const outcome = compute({ source: 'Linear(4, 2)', input: '2,4', device: 'tpu' })
    expect(outcome.ok && outcome.inputProblem).toMatchObject({ field: 'device', message: '“Activations as saved by” must be `cpu` or `cuda`, got `tpu`.' })
  })

  it('treats markup in an expression as a syntax error, as text', () => {
    const outcome = compute({ source: '<script>alert(1)</script>' })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.problem.code).toBe('syntax')
    expect(outcome.problem.excerpt?.text).toBe('<script>alert(1)</script>')
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

describe('compute before and after the model collections are loaded', () => {
  it('answers an expression from the layers alone, and says when the collections may answer what it could not', () => {
    expect(compute({ source: 'nn.Linear(4, 2)' }).ok).toBe(true)
    for (const source of ['resnet18()', 'llama-3.1-8b', '{"model_type": "gpt2"}', 'torchvision.models.vgg11()']) {
      const outcome = compute({ source })
      expect(outcome.ok === false && outcome.needsModels).toBe(true)
    }
    const typo = compute({ source: 'nn.Linear(4, 2' })
    expect(typo.ok === false && typo.needsModels).toBe(false)
  })

  it('answers model names and configs with the full analysis', () => {
    const outcome = compute({ source: 'resnet18()', input: '1,3,64,64' }, analyze)
    expect(outcome.ok && outcome.analysis.module).toBe('ResNet')
    expect(outcome.ok && outcome.analysis.forward?.outputs[0]?.shape).toEqual([1, 1000])
    const unknown = compute({ source: 'resnet-50' }, analyze)
    expect(unknown.ok === false && unknown.needsModels).toBe(false)
  })
})
