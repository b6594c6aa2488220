import { describe, expect, it } from 'vitest'
import { syntaxTokens } from './tokens.js'

const kinds = (source: string): Array<[string, string]> => syntaxTokens(source).map((t) => [t.kind, source.slice(t.start, t.end)])

describe('syntaxTokens', () => {
  it('reads names, keywords, numbers, strings, operators, brackets and comments in order', () => {
    expect(kinds("x = nn.Linear(1_000, 2.5e-3, bias=True)  # a comment\n[m for m in 'ab']")).toEqual([
      ['name', 'x'],
      ['operator', '='],
      ['name', 'nn'],
      ['operator', '.'],
      ['name', 'Linear'],
      ['bracket', '('],
      ['number', '1_000'],
      ['operator', ','],
      ['number', '2.5e-3'],
      ['operator', ','],
      ['name', 'bias'],
      ['operator', '='],
      ['keyword', 'True'],
      ['bracket', ')'],
      ['comment', '# a comment'],
      ['bracket', '['],
      ['name', 'm'],
      ['keyword', 'for'],
      ['name', 'm'],
      ['keyword', 'in'],
      ['string', "'ab'"],
      ['bracket', ']'],
    ])
  })

  it('goes on after text the tokenizer refuses, and never throws', () => {
    expect(kinds('a $ b')).toEqual([
      ['name', 'a'],
      ['error', '$'],
      ['name', 'b'],
    ])
    expect(kinds("f('open\nx")).toEqual([
      ['name', 'f'],
      ['bracket', '('],
      ['string', "'open"],
      ['name', 'x'],
    ])
    expect(kinds('8b + 1')).toEqual([
      ['error', '8b'],
      ['operator', '+'],
      ['number', '1'],
    ])
    for (const text of ['', '\u0000', '"', '😀', '#', '\\', "'''", '1__0', 'a\\\nb']) expect(() => syntaxTokens(text)).not.toThrow()
  })

  it('covers the text without overlaps, in order', () => {
    const source = 'nn.Sequential(\n  nn.Conv2d(3, 8, 3),  # first\n  nn.ReLU(),\n)'
    const tokens = syntaxTokens(source)
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!.start).toBeGreaterThanOrEqual(tokens[i - 1]!.end)
    expect(tokens.every((t) => source.slice(t.start, t.end).trim() !== '')).toBe(true)
  })
})
