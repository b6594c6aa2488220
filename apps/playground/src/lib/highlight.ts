import type { SourceSpan } from '@nnsize/core'

/** A run of source text drawn with the same classes. */
export interface Segment {
  text: string
  /** Space-separated CSS classes (`tok-num`, `tok-call`, `match`, `err`), or `''`. */
  classes: string
}

/** Above this many characters the editor draws plain text: colouring would cost more than it helps. */
export const maxHighlightChars = 20_000

const KEYWORDS = new Set(['True', 'False', 'None', 'for', 'in', 'if', 'else', 'and', 'or', 'not', 'lambda', 'import', 'from', 'def', 'class', 'return'])
const OPEN = '([{'
const CLOSE = ')]}'

interface Token {
  start: number
  end: number
  kind: 'name' | 'call' | 'keyword' | 'num' | 'str' | 'comment' | 'bracket' | 'op' | 'space'
}

/** Splits Python-like text into coloured tokens. Tolerates anything: unknown characters are plain. */
export function tokenizeForColour(source: string): Token[] {
  const tokens: Token[] = []
  const n = source.length
  let i = 0
  const re = {
    space: /\s+/y,
    comment: /#[^\n]*/y,
    str: /(['"])(?:\\.|(?!\1)[^\\\n])*\1?/y,
    num: /(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/y,
    name: /[A-Za-z_][A-Za-z0-9_]*/y,
  }
  const match = (pattern: RegExp): number => {
    pattern.lastIndex = i
    return pattern.test(source) ? pattern.lastIndex : -1
  }
  while (i < n) {
    const ch = source[i]!
    let end: number
    if ((end = match(re.space)) > i) tokens.push({ start: i, end, kind: 'space' })
    else if (ch === '#') tokens.push({ start: i, end: (end = match(re.comment)), kind: 'comment' })
    else if (ch === '"' || ch === "'") tokens.push({ start: i, end: (end = match(re.str)), kind: 'str' })
    else if ((end = match(re.num)) > i) tokens.push({ start: i, end, kind: 'num' })
    else if ((end = match(re.name)) > i) {
      const word = source.slice(i, end)
      let next = end
      while (source[next] === ' ') next++
      tokens.push({ start: i, end, kind: KEYWORDS.has(word) ? 'keyword' : source[next] === '(' ? 'call' : 'name' })
    } else if (OPEN.includes(ch) || CLOSE.includes(ch)) tokens.push({ start: i, end: (end = i + 1), kind: 'bracket' })
    else {
      // One code point, so a surrogate pair is never split.
      end = i + (source.codePointAt(i)! > 0xffff ? 2 : 1)
      tokens.push({ start: i, end, kind: 'op' })
    }
    i = end
  }
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
  let start = Math.max(0, Math.min(span.start, source.length))
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
