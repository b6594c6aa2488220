import { highlightTokens } from '../python/tokenize.js'
import type { HighlightKind } from '../python/tokenize.js'

/** What a piece of source text is, for colouring: the tokens an editor draws, whatever the text holds. */
export type SyntaxTokenKind = 'name' | 'keyword' | 'number' | 'string' | 'comment' | 'operator' | 'bracket' | 'error'

/** One token: its kind and the half-open range of the source it covers. Text between tokens is white space. */
export interface SyntaxToken {
  kind: SyntaxTokenKind
  start: number
  end: number
}

const kindOf: Record<HighlightKind, SyntaxTokenKind | undefined> = {
  keyword: 'keyword',
  'soft-keyword': 'keyword',
  constant: 'keyword',
  name: 'name',
  number: 'number',
  string: 'string',
  'fstring-start': 'string',
  'fstring-middle': 'string',
  'fstring-end': 'string',
  comment: 'comment',
  operator: 'operator',
  bracket: 'bracket',
  newline: undefined,
  error: 'error',
}

/**
 * The tokens of source text, as the core's Python tokenizer reads them, for highlighting: names, keywords,
 * numbers, strings, comments, operators and brackets, in order. It never throws: text the tokenizer refuses becomes
 * an `error` token (an unterminated string a `string` one) and reading goes on after it.
 */
export function syntaxTokens(source: string): SyntaxToken[] {
  const out: SyntaxToken[] = []
  for (const token of highlightTokens(source)) {
    let kind = kindOf[token.kind]
    if (kind === undefined || token.end <= token.start) continue
    if (kind === 'error' && /^[rRbBuUfF]{0,2}['"]/.test(source.slice(token.start, token.start + 3))) kind = 'string'
    out.push({ kind, start: token.start, end: token.end })
  }
  return out
}
