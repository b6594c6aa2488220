import { NnsizeError } from '../errors.js'
import type { Offsets } from './ast.js'

/** Kinds of token the tokenizer emits. */
export type TokenKind = 'name' | 'int' | 'float' | 'str' | 'op' | 'newline' | 'eof'

/** One token with its place in the source. */
export interface Token extends Offsets {
  kind: TokenKind
  text: string
  /** Decoded value for strings. */
  value: string | undefined
}

function makeToken(kind: TokenKind, text: string, start: number, end: number, value?: string): Token {
  return { kind, text, value, start, end }
}

const TWO_CHAR_OPERATORS = ['**', '//', '->', '==', '!=', '<=', '>=', '+=', '-=', '*=']
const ONE_CHAR_OPERATORS = ['(', ')', '[', ']', '{', '}', ',', ':', '.', '=', '*', '/', '+', '-', '%', ';', '<', '>', '@', '|', '&', '~', '^']
/** The operators each character can start, longest first; a token's text is one of these strings, never a new one. */
const OPERATORS_BY_FIRST = new Map<string, string[]>()
for (const op of [...TWO_CHAR_OPERATORS, ...ONE_CHAR_OPERATORS]) {
  const list = OPERATORS_BY_FIRST.get(op[0]!) ?? []
  list.push(op)
  OPERATORS_BY_FIRST.set(op[0]!, list)
}
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' }

/**
 * Splits source text into tokens. Newlines inside brackets are joined, as in
 * Python; `#` starts a comment. Never throws anything but {@link NnsizeError}.
 */
export function tokenize(source: string): Token[] {
  const tokenizer = new Tokenizer(source)
  const tokens: Token[] = []
  for (;;) {
    const token = tokenizer.next()
    tokens.push(token)
    if (token.kind === 'eof') return tokens
  }
}

/**
 * Produces tokens one at a time, so a parser can consume them as they come (tokens then die young,
 * which keeps garbage collection cheap on long inputs).
 */
export class Tokenizer {
  private i = 0
  private depth = 0
  /** Each distinct name once: a name that repeats (`nn`, `Linear`) is one string, however often it appears. */
  private readonly names = new Map<string, string>()

  /** Reads `source` from offset `start` (0: the beginning), as if the text before it were not there. */
  constructor(
    private readonly source: string,
    start = 0,
  ) {
    this.i = start
  }

  /** The next token; `eof` at the end, and again on every later call. */
  next(): Token {
    const source = this.source
    const n = source.length
    let i = this.i
    while (i < n) {
      const ch = source[i]!
      if (ch === '#') {
        while (i < n && source[i] !== '\n') i++
        continue
      }
      if (ch === '\n') {
        i++
        if (this.depth === 0) {
          this.i = i
          return makeToken('newline', '\n', i - 1, i)
        }
        continue
      }
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\u00a0') {
        i++
        continue
      }
      if (ch === '\\' && source[i + 1] === '\n') {
        i += 2
        continue
      }
      const start = i
      let next: Token
      if (isNameStart(ch)) {
        while (i < n && isNamePart(source[i]!)) i++
        next = makeToken('name', this.intern(source.slice(start, i)), start, i)
      } else if (isDigit(ch) || (ch === '.' && isDigit(source[i + 1] ?? ''))) {
        next = readNumber(source, start)
      } else if (ch === '"' || ch === "'") {
        next = readString(source, start)
      } else {
        const op = operatorAt(source, i)
        if (!op) {
          const codePoint = source.codePointAt(i)!
          const width = codePoint > 0xffff ? 2 : 1
          throw new NnsizeError('syntax', `Unexpected character \`${source.slice(i, i + width)}\`.`, { span: { start: i, end: i + width } })
        }
        if (op === '(' || op === '[' || op === '{') this.depth++
        if (op === ')' || op === ']' || op === '}') this.depth = Math.max(0, this.depth - 1)
        next = makeToken('op', op, start, i + op.length)
      }
      this.i = next.end
      return next
    }
    this.i = n
    return makeToken('eof', '', n, n)
  }

  private intern(name: string): string {
    const known = this.names.get(name)
    if (known !== undefined) return known
    this.names.set(name, name)
    return name
  }
}

/** The operator that starts at `i` (the longer one where two do), if any. */
function operatorAt(source: string, i: number): string | undefined {
  const candidates = OPERATORS_BY_FIRST.get(source[i]!)
  if (candidates) for (const op of candidates) if (op.length === 1 || source[i + 1] === op[1]) return op
  return undefined
}

function isDigit(ch: string): boolean {
  const c = ch.charCodeAt(0)
  return c >= 48 && c <= 57
}
function isNameStart(ch: string): boolean {
  const c = ch.charCodeAt(0)
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95
}
function isNamePart(ch: string): boolean {
  const c = ch.charCodeAt(0)
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57)
}

function readNumber(source: string, start: number): Token {
  let i = start
  const n = source.length
  if (source[i] === '0' && /[xXoObB]/.test(source[i + 1] ?? '')) {
    const base = source[i + 1]!.toLowerCase()
    i += 2
    const digits = base === 'x' ? /[0-9a-fA-F_]/ : base === 'o' ? /[0-7_]/ : /[01_]/
    while (i < n && digits.test(source[i]!)) i++
    const text = source.slice(start, i)
    checkUnderscores(text, start, i)
    if (text.length === 2) throw new NnsizeError('syntax', `Incomplete number \`${text}\`.`, { span: { start, end: i } })
    return makeToken('int', text, start, i)
  }
  let isFloat = false
  while (i < n && (isDigit(source[i]!) || source[i] === '_')) i++
  if (source[i] === '.' && !isNameStart(source[i + 1] ?? '')) {
    isFloat = true
    i++
    while (i < n && (isDigit(source[i]!) || source[i] === '_')) i++
  }
  if ((source[i] === 'e' || source[i] === 'E') && /[0-9+-]/.test(source[i + 1] ?? '')) {
    const save = i
    i++
    if (source[i] === '+' || source[i] === '-') i++
    if (!isDigit(source[i] ?? '')) i = save
    else {
      isFloat = true
      while (i < n && (isDigit(source[i]!) || source[i] === '_')) i++
    }
  }
  const text = source.slice(start, i)
  checkUnderscores(text, start, i)
  if (isNamePart(source[i] ?? '')) {
    let end = i
    while (end < n && isNamePart(source[end]!)) end++
    throw new NnsizeError('syntax', `Invalid number \`${source.slice(start, end)}\`.`, { span: { start, end } })
  }
  return makeToken(isFloat ? 'float' : 'int', text, start, i)
}

function checkUnderscores(text: string, start: number, end: number): void {
  if (/__|_$|_\.|\._|_[eE]|[eE][+-]?_/.test(text)) {
    throw new NnsizeError('syntax', `Invalid underscore in number \`${text}\`: underscores may only separate digits.`, { span: { start, end } })
  }
}

function readString(source: string, start: number): Token {
  const quote = source[start]!
  let i = start + 1
  let value = ''
  while (i < source.length) {
    const ch = source[i]!
    if (ch === quote) {
      return makeToken('str', source.slice(start, i + 1), start, i + 1, value)
    }
    if (ch === '\n') break
    if (ch === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!
      value += ESCAPES[next] ?? `\\${next}`
      i += 2
      continue
    }
    value += ch
    i++
  }
  throw new NnsizeError('syntax', 'Unterminated string: add the closing quote.', { span: { start, end: i } })
}
