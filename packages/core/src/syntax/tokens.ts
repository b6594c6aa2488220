import { NnsizeError } from '../errors.js'
import { Tokenizer } from '../expr/tokenize.js'

/** What a piece of source text is, for colouring: the tokens an editor draws, whatever the text holds. */
export type SyntaxTokenKind = 'name' | 'keyword' | 'number' | 'string' | 'comment' | 'operator' | 'bracket' | 'error'

/** One token: its kind and the half-open range of the source it covers. Text between tokens is white space. */
export interface SyntaxToken {
  kind: SyntaxTokenKind
  start: number
  end: number
}

/** Python's keywords (`keyword.kwlist`). */
const KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield'])

const BRACKETS = new Set(['(', ')', '[', ']', '{', '}'])

/** Comments in the white space between two tokens (the tokenizer skips them). */
function commentsIn(source: string, from: number, to: number, out: SyntaxToken[]): void {
  for (let i = source.indexOf('#', from); i !== -1 && i < to; i = source.indexOf('#', i)) {
    let end = source.indexOf('\n', i)
    if (end === -1 || end > to) end = to
    out.push({ kind: 'comment', start: i, end })
    i = end
  }
}

/**
 * The tokens of source text, as the core's tokenizer reads them, for highlighting: names, keywords, numbers,
 * strings, comments, operators and brackets, in order. It never throws: text the tokenizer refuses becomes an
 * `error` token (an unterminated string a `string` one) and reading goes on after it.
 */
export function syntaxTokens(source: string): SyntaxToken[] {
  const out: SyntaxToken[] = []
  let tokenizer = new Tokenizer(source)
  let at = 0
  for (;;) {
    let token: ReturnType<Tokenizer['next']>
    try {
      token = tokenizer.next()
    } catch (error) {
      if (!NnsizeError.isInstance(error) || !error.span) throw error
      const start = Math.max(at, error.span.start)
      const end = Math.max(start + 1, error.span.end)
      commentsIn(source, at, start, out)
      out.push({ kind: source[start] === '"' || source[start] === "'" ? 'string' : 'error', start, end: Math.min(end, source.length) })
      at = Math.min(end, source.length)
      if (at >= source.length) return out
      tokenizer = new Tokenizer(source, at)
      continue
    }
    commentsIn(source, at, token.start, out)
    if (token.kind === 'eof') return out
    at = token.end
    if (token.kind === 'newline') continue
    const kind: SyntaxTokenKind =
      token.kind === 'name' ? (KEYWORDS.has(token.text) ? 'keyword' : 'name') : token.kind === 'int' || token.kind === 'float' ? 'number' : token.kind === 'str' ? 'string' : BRACKETS.has(token.text) ? 'bracket' : 'operator'
    out.push({ kind, start: token.start, end: token.end })
  }
}
