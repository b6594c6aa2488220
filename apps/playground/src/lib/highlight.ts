import { syntaxTokens } from '@nnsize/core/syntax'
import type { SourceSpan } from '@nnsize/core'
import type { SyntaxTokenKind } from '@nnsize/core/syntax'

/** A run of source text drawn with the same classes. */
export interface Segment {
  text: string
  /** Space-separated CSS classes (`tok-num`, `tok-call`, `match`, `err`), or `''`. */
  classes: string
}

/** Above this many characters the editor draws plain text: colouring would cost more than it helps. */
export const maxHighlightChars = 20_000

const OPEN = '([{'
const CLOSE = ')]}'

/** A token of the core's syntax stream, as the editor colours it; `space` fills the text between tokens. */
export interface Token {
  start: number
  end: number
  kind: 'name' | 'call' | 'keyword' | 'num' | 'str' | 'comment' | 'bracket' | 'op' | 'space'
}

const KIND: Readonly<Record<SyntaxTokenKind, Token['kind']>> = { name: 'name', keyword: 'keyword', number: 'num', string: 'str', comment: 'comment', operator: 'op', bracket: 'bracket', error: 'op' }

/**
 * The core's token stream as the editor colours it: a name followed by `(` is a call, and the text between
 * tokens is white space, so that the tokens cover the source exactly.
 */
export function tokenizeForColour(source: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  for (const t of syntaxTokens(source)) {
    if (t.start > at) tokens.push({ start: at, end: t.start, kind: 'space' })
    let kind = KIND[t.kind]
    if (kind === 'name') {
      let next = t.end
      while (source[next] === ' ') next++
      if (source[next] === '(') kind = 'call'
    }
    tokens.push({ start: t.start, end: t.end, kind })
    at = t.end
  }
  if (at < source.length) tokens.push({ start: at, end: source.length, kind: 'space' })
  return tokens
}

/** Pairs of matching bracket offsets, and the offsets of brackets that have no partner. */
export function matchBrackets(source: string, tokens: readonly Token[] = tokenizeForColour(source)): { pairs: Map<number, number>; unmatched: Set<number> } {
  const pairs = new Map<number, number>()
  const unmatched = new Set<number>()
  const stack: number[] = []
  for (const token of tokens) {
    if (token.kind !== 'bracket') continue
    const ch = source[token.start]!
    if (OPEN.includes(ch)) {
      stack.push(token.start)
      continue
    }
    const open = stack.at(-1)
    if (open !== undefined && OPEN.indexOf(source[open]!) === CLOSE.indexOf(ch)) {
      stack.pop()
      pairs.set(open, token.start)
      pairs.set(token.start, open)
    } else {
      unmatched.add(token.start)
    }
  }
  for (const open of stack) unmatched.add(open)
  return { pairs, unmatched }
}

/**
 * The bracket pair to highlight for a caret at `caret`: the bracket just before the caret,
 * else the one just after, as code editors do.
 */
export function bracketAtCaret(source: string, caret: number, pairs: ReadonlyMap<number, number>): [number, number] | undefined {
  for (const at of [caret - 1, caret]) {
    const partner = pairs.get(at)
    if (partner !== undefined) return [at, partner]
  }
  return undefined
}

/**
 * Segments for the editor's overlay: coloured tokens, the bracket pair at the caret, unmatched
 * brackets and the error span. An empty span marks the character it stands on (or a point at the
 * end of a line). The segments' texts joined give `source` back exactly.
 */
export function highlight(source: string, caret: number, errorSpan?: SourceSpan): Segment[] {
  if (source.length > maxHighlightChars) return markError([{ text: source, classes: '' }], source, errorSpan)
  const tokens = tokenizeForColour(source)
  const { pairs, unmatched } = matchBrackets(source, tokens)
  const atCaret = new Set(bracketAtCaret(source, caret, pairs) ?? [])
  const segments: Segment[] = tokens.map((t) => {
    const classes = t.kind === 'space' || t.kind === 'op' || t.kind === 'name' ? [] : [`tok-${t.kind}`]
    if (t.kind === 'bracket') {
      if (atCaret.has(t.start)) classes.push('match')
      if (unmatched.has(t.start)) classes.push('unmatched')
    }
    return { text: source.slice(t.start, t.end), classes: classes.join(' ') }
  })
  return markError(segments, source, errorSpan)
}

function markError(segments: Segment[], source: string, span: SourceSpan | undefined): Segment[] {
  if (!span) return segments
  const start = Math.max(0, Math.min(span.start, source.length))
  let end = Math.max(start, Math.min(span.end, source.length))
  let point = false
  if (end === start) {
    if (start < source.length && source[start] !== '\n') end = start + 1
    else point = true
  }
  const out: Segment[] = []
  let offset = 0
  for (const segment of segments) {
    const segStart = offset
    const segEnd = offset + segment.text.length
    offset = segEnd
    if (point && start >= segStart && start < segEnd) {
      if (start > segStart) out.push({ text: segment.text.slice(0, start - segStart), classes: segment.classes })
      out.push({ text: '', classes: 'err-point' })
      out.push({ text: segment.text.slice(start - segStart), classes: segment.classes })
      point = false
      continue
    }
    if (segEnd <= start || segStart >= end) {
      out.push(segment)
      continue
    }
    const cuts = [segStart, Math.max(segStart, start), Math.min(segEnd, end), segEnd]
    for (let k = 0; k < 3; k++) {
      const from = cuts[k]!
      const to = cuts[k + 1]!
      if (to <= from) continue
      const inside = k === 1
      out.push({ text: segment.text.slice(from - segStart, to - segStart), classes: inside ? `${segment.classes} err`.trim() : segment.classes })
    }
  }
  if (point) out.push({ text: '', classes: 'err-point' })
  return out
}

/** How many lines the text has (the editor's gutter). */
export function lineCount(source: string): number {
  let count = 1
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) count++
  return count
}

/** The 1-based line of an offset. */
export function lineOf(source: string, offset: number): number {
  return lineCount(source.slice(0, Math.max(0, offset)))
}
