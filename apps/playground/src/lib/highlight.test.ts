import { describe, expect, it } from 'vitest'
import { bracketAtCaret, highlight, lineCount, lineOf, matchBrackets, maxHighlightChars, tokenizeForColour } from './highlight.ts'

const join = (segments: { text: string }[]): string => segments.map((s) => s.text).join('')

describe('tokenizeForColour', () => {
  it('covers the text exactly, token after token', () => {
    const source = "m = nn.Conv2d(3, 1_024, (3, 3), bias=False)  # 'c'\ns = \"x\\\"y\" + 1e-5"
    const tokens = tokenizeForColour(source)
    expect(tokens.map((t) => source.slice(t.start, t.end)).join('')).toBe(source)
    const kinds = Object.fromEntries(tokens.map((t) => [source.slice(t.start, t.end), t.kind]))
    expect(kinds).toMatchObject({ Conv2d: 'call', '1_024': 'num', False: 'keyword', "# 'c'": 'comment', '"x\\"y"': 'str', '1e-5': 'num', nn: 'name' })
  })

  it('keeps a surrogate pair in one token', () => {
    const tokens = tokenizeForColour('😀')
    expect(tokens).toEqual([{ start: 0, end: 2, kind: 'op' }])
  })

  it('reads the core\'s token stream: what the core takes for a string, a comment or a name, the editor colours so', () => {
    const source = "x = f'{a}'  # note\nlambda"
    const kinds = tokenizeForColour(source).filter((t) => t.kind !== 'space').map((t) => [source.slice(t.start, t.end), t.kind])
    expect(kinds).toEqual([
      ['x', 'name'],
      ['=', 'op'],
      // An f-string as Python reads it: its start and end are string, the field's expression is code.
      ["f'", 'str'],
      ['{', 'bracket'],
      ['a', 'name'],
      ['}', 'bracket'],
      ["'", 'str'],
      ['# note', 'comment'],
      ['lambda', 'keyword'],
    ])
  })
})

describe('matchBrackets', () => {
  it('pairs nested brackets', () => {
    const { pairs, unmatched } = matchBrackets('f([1, (2)], {3})')
    expect([...pairs.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [1, 15],
      [2, 9],
      [6, 8],
      [8, 6],
      [9, 2],
      [12, 14],
      [14, 12],
      [15, 1],
    ])
    expect(unmatched.size).toBe(0)
  })

  it('flags a closing bracket of the wrong kind and the brackets left open', () => {
    const { pairs, unmatched } = matchBrackets('f([1, (2)], {3)')
    expect(pairs.get(2)).toBe(9)
    expect([...unmatched].sort((a, b) => a - b)).toEqual([1, 12, 14])
  })

  it('ignores brackets inside strings and comments', () => {
    const { pairs, unmatched } = matchBrackets('f(")", "(")  # )')
    expect(pairs.get(1)).toBe(10)
    expect(unmatched.size).toBe(0)
  })
})

describe('bracketAtCaret', () => {
  it('prefers the bracket just before the caret, then the one after', () => {
    const { pairs } = matchBrackets('a(b(c))')
    expect(bracketAtCaret('a(b(c))', 7, pairs)).toEqual([6, 1])
    expect(bracketAtCaret('a(b(c))', 3, pairs)).toEqual([3, 5])
    expect(bracketAtCaret('a(b(c))', 0, pairs)).toBeUndefined()
  })
})

describe('highlight', () => {
  it('gives back the text exactly, with classes for colour and the bracket pair at the caret', () => {
    const source = 'Conv2d(128, 256, 3)'
    const segments = highlight(source, source.length, undefined)
    expect(join(segments)).toBe(source)
    expect(segments.filter((s) => s.classes.includes('match')).map((s) => s.text)).toEqual(['(', ')'])
    expect(segments.find((s) => s.text === 'Conv2d')?.classes).toBe('tok-call')
  })

  it('underlines the error span, splitting tokens at its edges', () => {
    const source = 'nn.Conv2D(1, 2, 3)'
    const segments = highlight(source, -1, { start: 3, end: 7 })
    expect(join(segments)).toBe(source)
    expect(segments.filter((s) => s.classes.includes('err')).map((s) => s.text)).toEqual(['Conv'])
  })

  it('marks an empty span at the end of the text with a zero-width point', () => {
    const source = 'Conv2d(1, 2'
    const segments = highlight(source, -1, { start: 11, end: 11 })
    expect(join(segments)).toBe(source)
    expect(segments.at(-1)).toEqual({ text: '', classes: 'err-point' })
  })

  it('marks the character an empty span stands on', () => {
    const segments = highlight('a b', -1, { start: 2, end: 2 })
    expect(segments.filter((s) => s.classes.includes('err')).map((s) => s.text)).toEqual(['b'])
  })

  it('clamps a span that lies beyond the text', () => {
    expect(join(highlight('abc', -1, { start: 10, end: 20 }))).toBe('abc')
  })

  it('draws huge text plain, in one segment plus the error mark', () => {
    const source = 'x'.repeat(maxHighlightChars + 1)
    expect(highlight(source, 0, undefined)).toEqual([{ text: source, classes: '' }])
    const marked = highlight(source, 0, { start: 5, end: 6 })
    expect(marked.map((s) => s.classes)).toEqual(['', 'err', ''])
    expect(join(marked)).toBe(source)
  })

  it('keeps markup as text', () => {
    const source = '<script>alert(1)</script>'
    expect(join(highlight(source, 0, undefined))).toBe(source)
  })
})

describe('lineCount', () => {
  it('counts lines, an empty text being one line', () => {
    expect(lineCount('')).toBe(1)
    expect(lineCount('a\nb\n')).toBe(3)
  })
})

describe('lineOf', () => {
  it('gives the 1-based line of an offset', () => {
    expect(lineOf('a\nbc\nd', 0)).toBe(1)
    expect(lineOf('a\nbc\nd', 3)).toBe(2)
    expect(lineOf('a\nbc\nd', 5)).toBe(3)
  })
})
