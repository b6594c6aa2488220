import { describe, expect, it } from 'vitest'
import { messageParts } from './text.ts'

describe('messageParts', () => {
  it('splits names in backticks from the text around them', () => {
    expect(messageParts('`nn` has no attribute `Conv2D`.')).toEqual([
      { text: 'nn', code: true },
      { text: ' has no attribute ', code: false },
      { text: 'Conv2D', code: true },
      { text: '.', code: false },
    ])
  })

  it('keeps a lone backtick as text', () => {
    expect(messageParts('a `b')).toEqual([
      { text: 'a ', code: false },
      { text: '`b', code: false },
    ])
  })

  it('keeps markup as plain text', () => {
    expect(messageParts('got `<script>`')).toEqual([
      { text: 'got ', code: false },
      { text: '<script>', code: true },
    ])
  })
})
