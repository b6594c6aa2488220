/**
 * Python's regular expressions (the `re` module's syntax and matching rules), run by a backtracking matcher of
 * its own rather than by JavaScript's `RegExp`, whose syntax and empty-match rules differ: every step of a match is
 * reported to the caller (the interpreter's budget), and nesting is bounded, so no pattern runs unbounded.
 */

/** Python's flag bits (`re.I`, `re.M`, …), as `Pattern.flags` reports them. */
export const regexFlags = { ASCII: 256, IGNORECASE: 2, LOCALE: 4, MULTILINE: 8, DOTALL: 16, UNICODE: 32, VERBOSE: 64, DEBUG: 128 } as const

type Test = (c: string) => boolean

type Node =
  | { t: 'char'; test: Test }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'group'; index: number; body: Node }
  | { t: 'repeat'; body: Node; min: number; max: number; lazy: boolean }
  | { t: 'assert'; kind: 'bol' | 'eol' | 'start' | 'end' | 'word' | 'nonword' }
  | { t: 'look'; negate: boolean; body: Node }
  | { t: 'backref'; index: number }

/** A compiled pattern: its text, flags (with `UNICODE` for a str pattern), group count and names. */
export interface Regex {
  source: string
  flags: number
  groups: number
  names: Map<string, number>
  root: Node
}

/** A pattern Python's `re` refuses (`re.error`), with the position it names. */
export class RegexSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message)
  }
}

/** A construct of Python's regular expressions that nnsize does not match (scoped flags, lookbehind, possessive repeats). */
export class RegexUnsupported extends Error {}

const digit: Test = (c) => /\p{Nd}/u.test(c)
const asciiDigit: Test = (c) => c >= '0' && c <= '9'
const word: Test = (c) => c === '_' || /[\p{L}\p{N}]/u.test(c)
const asciiWord: Test = (c) => c === '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
const space: Test = (c) => /\s/u.test(c) || (c >= '\x1c' && c <= '\x1f')
const asciiSpace: Test = (c) => c === ' ' || (c >= '\t' && c <= '\r')
const not =
  (f: Test): Test =>
  (c) =>
    !f(c)

/** The most nested groups and repeats a pattern may have. */
const maxNesting = 100

/** Parses a Python pattern. */
export function compileRegex(source: string, flags: number): Regex {
  let i = 0
  let groups = 0
  const names = new Map<string, number>()
  let depth = 0
  // Global inline flags (`(?i)`) at the start of the pattern.
  while (source.startsWith('(?', i) && /^\(\?[aiLmsux]+\)/.test(source.slice(i, i + 12))) {
    const end = source.indexOf(')', i)
    for (const f of source.slice(i + 2, end)) flags |= { a: regexFlags.ASCII, i: regexFlags.IGNORECASE, L: regexFlags.LOCALE, m: regexFlags.MULTILINE, s: regexFlags.DOTALL, u: regexFlags.UNICODE, x: regexFlags.VERBOSE }[f]!
    i = end + 1
  }
  if (!(flags & regexFlags.ASCII)) flags |= regexFlags.UNICODE
  const ascii = (flags & regexFlags.ASCII) !== 0
  const ignoreCase = (flags & regexFlags.IGNORECASE) !== 0
  const verbose = (flags & regexFlags.VERBOSE) !== 0
  const fail = (message: string, at = i): never => {
    throw new RegexSyntaxError(`${message} at position ${at}`, at)
  }
  const folded = (test: Test): Test => (ignoreCase ? (c) => test(c) || test(c.toLowerCase()) || test(c.toUpperCase()) : test)
  const literal = (ch: string): Test => folded((c) => c === ch)

  const skipVerbose = (): void => {
    if (!verbose) return
    while (i < source.length) {
      const c = source[i]!
      if (c === '#') {
        while (i < source.length && source[i] !== '\n') i++
      } else if (/\s/.test(c)) i++
      else return
    }
  }

  /** An escape after `\`: a character class test, or a code point (for ranges). */
  const escapeAt = (inClass: boolean): { test: Test; code?: string } | Node => {
    const c = source[i++]
    if (c === undefined) fail('bad escape (end of pattern)', i - 1)
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', '\\': '\\' }
    if (simple[c!] !== undefined) return { test: literal(simple[c!]!), code: simple[c!]! }
    if (c === 'd') return { test: ascii ? asciiDigit : digit }
    if (c === 'D') return { test: not(ascii ? asciiDigit : digit) }
    if (c === 'w') return { test: ascii ? asciiWord : word }
    if (c === 'W') return { test: not(ascii ? asciiWord : word) }
    if (c === 's') return { test: ascii ? asciiSpace : space }
    if (c === 'S') return { test: not(ascii ? asciiSpace : space) }
    if (c === 'x' || c === 'u' || c === 'U') {
      const n = c === 'x' ? 2 : c === 'u' ? 4 : 8
      const hex = source.slice(i, i + n)
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) fail(`incomplete escape \\${c}${hex}`, i - 2)
      i += n
      const ch = String.fromCodePoint(parseInt(hex, 16))
      return { test: literal(ch), code: ch }
    }
    if (c === '0') {
      let digits = ''
      while (digits.length < 2 && /[0-7]/.test(source[i] ?? '')) digits += source[i++]
      const ch = String.fromCharCode(parseInt(`0${digits}`, 8))
      return { test: literal(ch), code: ch }
    }
    if (/[1-9]/.test(c!)) {
      let digits = c!
      if (/[0-9]/.test(source[i] ?? '')) digits += source[i++]
      if (inClass) fail(`bad escape \\${digits}`, i - digits.length - 1)
      const index = Number(digits)
      if (index > groups) fail(`invalid group reference ${index}`, i - digits.length)
      return { t: 'backref', index }
    }
    if (!inClass) {
      const anchors: Record<string, 'start' | 'end' | 'word' | 'nonword'> = { A: 'start', Z: 'end', b: 'word', B: 'nonword' }
      if (anchors[c!]) return { t: 'assert', kind: anchors[c!]! }
    } else if (c === 'b') return { test: literal('\b'), code: '\b' }
    if (/[a-zA-Z0-9]/.test(c!)) fail(`bad escape \\${c}`, i - 2)
    return { test: literal(c!), code: c! }
  }

  const charClass = (): Node => {
    const start = i - 1
    const negate = source[i] === '^'
    if (negate) i++
    const tests: Test[] = []
    let first = true
    for (;;) {
      if (i >= source.length) fail('unterminated character set', start)
      let c = source[i++]!
      if (c === ']' && !first) break
      first = false
      let from: string | undefined
      let test: Test
      if (c === '\\') {
        const e = escapeAt(true) as { test: Test; code?: string }
        test = e.test
        from = e.code
      } else {
        from = c
        test = literal(c)
      }
      if (from !== undefined && source[i] === '-' && source[i + 1] !== undefined && source[i + 1] !== ']') {
        i++
        c = source[i++]!
        let to = c
        if (c === '\\') {
          const e = escapeAt(true) as { test: Test; code?: string }
          if (e.code === undefined) fail(`bad character range ${from}-\\${source[i - 1]}`, i - 4)
          to = e.code!
        }
        const lo = from.codePointAt(0)!
        const hi = to.codePointAt(0)!
        if (hi < lo) fail(`bad character range ${from}-${to}`, i - 3)
        test = folded((ch) => ch.codePointAt(0)! >= lo && ch.codePointAt(0)! <= hi)
      }
      tests.push(test)
    }
    const any: Test = (c) => tests.some((t) => t(c))
    return { t: 'char', test: negate ? not(any) : any }
  }

  const atom = (): Node | undefined => {
    skipVerbose()
    const c = source[i]
    if (c === undefined || c === '|' || c === ')') return undefined
    i++
    if (c === '.') return { t: 'char', test: flags & regexFlags.DOTALL ? () => true : (ch) => ch !== '\n' }
    if (c === '^') return { t: 'assert', kind: 'bol' }
    if (c === '$') return { t: 'assert', kind: 'eol' }
    if (c === '[') return charClass()
    if (c === '\\') {
      const e = escapeAt(false)
      return 't' in e ? e : { t: 'char', test: e.test }
    }
    if (c === '*' || c === '+' || c === '?') fail('nothing to repeat', i - 1)
    if (c === '(') {
      const start = i - 1
      if (++depth > maxNesting) throw new RegexUnsupported(`groups nested more than ${maxNesting} deep`)
      let index = -1
      let look: { negate: boolean } | undefined
      if (source[i] === '?') {
        const kind = source[i + 1]
        if (kind === ':') i += 2
        else if (kind === 'P' && source[i + 2] === '<') {
          const end = source.indexOf('>', i + 3)
          const name = end < 0 ? '' : source.slice(i + 3, end)
          if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) fail(`bad character in group name '${name}'`, i + 3)
          if (names.has(name)) fail(`redefinition of group name '${name}' as group ${groups + 1}; was group ${names.get(name)}`, i + 3)
          index = ++groups
          names.set(name, index)
          i = end + 1
        } else if (kind === 'P' && source[i + 2] === '=') {
          const end = source.indexOf(')', i + 3)
          const name = end < 0 ? '' : source.slice(i + 3, end)
          const ref = names.get(name)
          if (ref === undefined) fail(`unknown group name '${name}'`, i + 3)
          i = end + 1
          depth--
          return { t: 'backref', index: ref! }
        } else if (kind === '#') {
          const end = source.indexOf(')', i)
          if (end < 0) fail('missing ), unterminated comment', start)
          i = end + 1
          depth--
          return { t: 'seq', items: [] }
        } else if (kind === '=' || kind === '!') {
          look = { negate: kind === '!' }
          i += 2
        } else if (kind === '<' && (source[i + 2] === '=' || source[i + 2] === '!')) throw new RegexUnsupported('a lookbehind `(?<=…)`')
        else throw new RegexUnsupported(`the group \`(?${kind ?? ''}…)\``)
      } else index = ++groups
      const body = alternation()
      if (source[i] !== ')') fail('missing ), unterminated subpattern', start)
      i++
      depth--
      return look ? { t: 'look', negate: look.negate, body } : { t: 'group', index, body }
    }
    return { t: 'char', test: literal(c) }
  }

  const quantified = (): Node | undefined => {
    let node = atom()
    if (!node) return undefined
    for (;;) {
      skipVerbose()
      const c = source[i]
      let min: number
      let max: number
      if (c === '*') [min, max] = [0, Infinity]
      else if (c === '+') [min, max] = [1, Infinity]
      else if (c === '?') [min, max] = [0, 1]
      else if (c === '{') {
        const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(source.slice(i, i + 24))
        if (!m || (m[1] === '' && m[2] === undefined)) return node
        min = m[1] === '' ? 0 : Number(m[1])
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
        if (max < min) fail('min repeat greater than max repeat', i + 1)
        if (min > 65535 || (max !== Infinity && max > 65535)) fail('the repetition number is too large', i + 1)
        i += m[0].length - 1
      } else return node
      i++
      if (node.t === 'assert' || node.t === 'repeat') fail('multiple repeat', i - 1)
      let lazy = false
      if (source[i] === '?') {
        lazy = true
        i++
      } else if (source[i] === '+') throw new RegexUnsupported('a possessive repeat')
      node = { t: 'repeat', body: node, min, max, lazy }
    }
  }

  const sequence = (): Node => {
    const items: Node[] = []
    for (let n = quantified(); n; n = quantified()) items.push(n)
    return items.length === 1 ? items[0]! : { t: 'seq', items }
  }

  function alternation(): Node {
    const options = [sequence()]
    while (source[i] === '|') {
      i++
      options.push(sequence())
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options }
  }

  const root = alternation()
  if (i < source.length) fail(source[i] === ')' ? 'unbalanced parenthesis' : 'unexpected end of pattern')
  return { source, flags, groups, names, root }
}

/** The spans of a match: `[start, end]` of the whole match then of each group, `-1` for a group that did not take part. */
export type RegexSpans = number[]

/** Where a match is looked for, and what counts a step. */
export interface MatchRange {
  pos: number
  endpos: number
  /** The match must end at `endpos` (`fullmatch`). */
  full?: boolean
  /** An empty match at `pos` does not count (the next match after an empty one, as `split`, `sub` and `findall` look). */
  mustAdvance?: boolean
  /** Called once per step of the matcher; it throws to stop a match that runs too long. */
  step: () => void
}

/** The most nested matcher calls one match may make (repeats of groups over a long string). */
const maxDepth = 2000

function matchFrom(re: Regex, text: string, start: number, range: MatchRange): RegexSpans | undefined {
  const caps: number[] = new Array<number>(2 * (re.groups + 1)).fill(-1)
  const end = range.endpos
  const ignoreCase = (re.flags & regexFlags.IGNORECASE) !== 0
  const multiline = (re.flags & regexFlags.MULTILINE) !== 0
  const isWord = re.flags & regexFlags.ASCII ? asciiWord : word
  let depth = 0
  const at = (k: number): string => text[k]!
  const boundary = (k: number): boolean => (k > 0 && isWord(at(k - 1))) !== (k < end && isWord(at(k)))

  const run = (node: Node, k: number, next: (j: number) => boolean): boolean => {
    range.step()
    if (++depth > maxDepth) throw new RegexUnsupported(`a match nested more than ${maxDepth} deep`)
    try {
      switch (node.t) {
        case 'char':
          return k < end && node.test(at(k)) && next(k + 1)
        case 'seq': {
          const from = (n: number, j: number): boolean => (n === node.items.length ? next(j) : run(node.items[n]!, j, (m) => from(n + 1, m)))
          return from(0, k)
        }
        case 'alt':
          for (const option of node.options) if (run(option, k, next)) return true
          return false
        case 'group': {
          if (node.index < 0) return run(node.body, k, next)
          const g = 2 * node.index
          return run(node.body, k, (j) => {
            const [s, e] = [caps[g]!, caps[g + 1]!]
            caps[g] = k
            caps[g + 1] = j
            if (next(j)) return true
            caps[g] = s
            caps[g + 1] = e
            return false
          })
        }
        case 'repeat': {
          const { body, min, max, lazy } = node
          if (body.t === 'char') {
            let n = 0
            while (n < max && k + n < end && body.test(at(k + n))) {
              n++
              if (n % 64 === 0) range.step()
            }
            if (n < min) return false
            if (lazy) {
              for (let c = min; c <= n; c++) if (next(k + c)) return true
            } else for (let c = n; c >= min; c--) if (next(k + c)) return true
            return false
          }
          // An iteration that matches empty ends the repeat once `min` is reached, as Python's matcher does.
          const again = (count: number, j: number): boolean => {
            const more = (): boolean => count < max && run(body, j, (m) => !(m === j && count >= min) && again(count + 1, m))
            if (lazy) return (count >= min && next(j)) || more()
            return more() || (count >= min && next(j))
          }
          return again(0, k)
        }
        case 'assert':
          switch (node.kind) {
            case 'bol':
              return (k === 0 || (multiline && at(k - 1) === '\n')) && next(k)
            case 'eol':
              return (k === text.length || (k === text.length - 1 && at(k) === '\n') || (multiline && at(k) === '\n')) && next(k)
            case 'start':
              return k === 0 && next(k)
            case 'end':
              return k === text.length && next(k)
            case 'word':
              return boundary(k) && next(k)
            case 'nonword':
              return !boundary(k) && next(k)
          }
          return false
        case 'look': {
          const saved = caps.slice()
          const found = run(node.body, k, () => true)
          if (node.negate) {
            caps.splice(0, caps.length, ...saved)
            return !found && next(k)
          }
          if (found && next(k)) return true
          caps.splice(0, caps.length, ...saved)
          return false
        }
        case 'backref': {
          const [s, e] = [caps[2 * node.index]!, caps[2 * node.index + 1]!]
          if (s < 0) return false
          const want = text.slice(s, e)
          const got = text.slice(k, k + want.length)
          if (k + want.length > end) return false
          return (ignoreCase ? want.toLowerCase() === got.toLowerCase() : want === got) && next(k + want.length)
        }
      }
    } finally {
      depth--
    }
  }

  const found = run(re.root, start, (j) => {
    if (range.full && j !== end) return false
    if (range.mustAdvance && start === range.pos && j === start) return false
    caps[0] = start
    caps[1] = j
    return true
  })
  return found ? caps : undefined
}

/** A match that starts at `range.pos` (`match`, `fullmatch`). */
export function regexMatch(re: Regex, text: string, range: MatchRange): RegexSpans | undefined {
  return range.pos <= range.endpos ? matchFrom(re, text, range.pos, range) : undefined
}

/** The first match at or after `range.pos` (`search`). */
export function regexSearch(re: Regex, text: string, range: MatchRange): RegexSpans | undefined {
  for (let start = range.pos; start <= range.endpos; start++) {
    const spans = matchFrom(re, text, start, range)
    if (spans) return spans
  }
  return undefined
}

/**
 * Every match from the start, each looked for after the one before (an empty match right after a match is
 * skipped, as Python 3.7+ does), at most `count` (0: all).
 */
export function regexMatches(re: Regex, text: string, count: number, step: () => void): RegexSpans[] {
  const out: RegexSpans[] = []
  let pos = 0
  let mustAdvance = false
  while (count === 0 || out.length < count) {
    const spans = regexSearch(re, text, { pos, endpos: text.length, mustAdvance, step })
    if (!spans) break
    out.push(spans)
    mustAdvance = spans[1] === spans[0]
    pos = spans[1]!
  }
  return out
}
