import { describe, expect, it } from 'vitest'
import { NnsizeError } from '../errors.js'
import { applySuggestion, diagnose, diagnosticLines, formatErrorWithSource } from './diagnostic.js'

describe('formatErrorWithSource', () => {
  it('puts a caret under the span', () => {
    const error = new NnsizeError('argument-value', '`in_channels` must be divisible by `groups` (got 30 and 4).', { span: { start: 28, end: 29 } })
    expect(formatErrorWithSource(error, 'nn.Conv2d(30, 64, 3, groups=4)')).toBe(
      [
        'error[argument-value]: `in_channels` must be divisible by `groups` (got 30 and 4).',
        ' --> 1:29',
        '  |',
        '1 | nn.Conv2d(30, 64, 3, groups=4)',
        '  |                             ^',
      ].join('\n'),
    )
  })

  it('finds the line of a multi-line source', () => {
    const error = new NnsizeError('syntax', 'x', { span: { start: 8, end: 11 } })
    expect(formatErrorWithSource(error, 'a = 1\n  b c\n')).toContain('2 |   b c\n  |   ^')
  })

  it('shows only the message without a span', () => {
    expect(formatErrorWithSource(new NnsizeError('option', 'bad'), 'x')).toBe('error[option]: bad')
  })
})

describe('diagnose', () => {
  const source = 'x = 1\nnn.Conv2d(3, 8, kernal_size=3)'
  const error = new NnsizeError('unknown-argument', '`Conv2d` has no argument `kernal_size`.', { span: { start: 22, end: 35 }, suggestions: ['kernel_size'] })

  it('gives the place, the excerpt with its caret and each suggestion with the source it makes', () => {
    const d = diagnose(error, source, { origin: 'model.txt' })
    expect(d).toMatchObject({ code: 'unknown-argument', line: 2, column: 17, origin: 'model.txt', field: undefined })
    expect(d.excerpt).toEqual({ line: 2, text: 'nn.Conv2d(3, 8, kernal_size=3)', caretColumn: 16, caretWidth: 13 })
    expect(d.suggestions).toEqual([{ text: 'kernel_size', original: 'kernal_size', replace: { start: 22, end: 33 }, source: 'x = 1\nnn.Conv2d(3, 8, kernel_size=3)' }])
    expect(diagnosticLines(d, { header: (t) => `<${t}>`, caret: (t) => `[${t}]` })).toEqual([
      '<error[unknown-argument]:> `Conv2d` has no argument `kernal_size`.',
      ' --> model.txt:2:17',
      '  |',
      '2 | nn.Conv2d(3, 8, kernal_size=3)',
      '  |                 [^^^^^^^^^^^^^]',
    ])
  })

  it('names a request field in the app\'s words when the error gives the reason apart', () => {
    const e = new NnsizeError('option', '`contextLength` must be a whole number from 1 to 2,147,483,647, got `0`.', { field: 'seq', reason: 'must be a whole number from 1 to 2,147,483,647, got `0`.' })
    expect(diagnose(e, '', { fieldLabel: (f) => `--${f}` })).toMatchObject({ message: '--seq must be a whole number from 1 to 2,147,483,647, got `0`.', field: 'seq', excerpt: undefined })
    expect(diagnose(e, '').message).toBe(e.message)
  })

  it('replaces the whole span when it holds no name', () => {
    expect(applySuggestion('a + 1', { start: 2, end: 3 }, '-').source).toBe('a - 1')
  })
})
