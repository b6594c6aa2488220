import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import type { Expr, Stmt } from './ast.js'
import { parse } from './parse.js'
import { FIRST_KEYWORD, highlightTokens, Tok, tokenize, tokenizeAll } from './tokenize.js'
import type { TokenStream } from './tokenize.js'

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/python')
const expected = JSON.parse(readFileSync(resolve(fixtures, 'expected.json'), 'utf8')) as {
  corpus: Record<string, { tokens: Array<[string, number, number]> | null }>
  valid: Record<string, { tokens: Array<[string, number, number]> | null }>
}
const cases = JSON.parse(readFileSync(resolve(fixtures, 'cases.json'), 'utf8')) as { valid: Record<string, string> }

const KIND_NAMES = new Map<number, string>(Object.entries(Tok).map(([name, kind]) => [kind, name]))

/** Our tokens as Python's `tokenize` module names them (keywords are NAME, operators OP). */
function pythonTokens(stream: TokenStream): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = []
  for (let k = 0; k < stream.count; k++) {
    const kind = stream.kinds[k]!
    const name = kind >= FIRST_KEYWORD ? 'NAME' : kind >= Tok.LPAR ? 'OP' : KIND_NAMES.get(kind)!
    out.push([name, stream.starts[k]!, stream.ends[k]!])
  }
  return out
}

/** Python's FSTRING_MIDDLE ends before a doubled brace (its text holds one); ours covers both braces. */
function sameTokens(ours: Array<[string, number, number]>, python: Array<[string, number, number]>): void {
  expect(ours.length).toBe(python.length)
  ours.forEach((token, k) => {
    const theirs = python[k]!
    if (token[0] === 'FSTRING_MIDDLE' && theirs[0] === 'FSTRING_MIDDLE' && token[1] === theirs[1] && token[2] === theirs[2] + 1) return
    expect(token, `token ${k}`).toEqual(theirs)
  })
}

describe("tokens match Python's tokenize module", () => {
  for (const [name, entry] of Object.entries(expected.corpus)) {
    it(`corpus/${name}`, () => {
      const source = readFileSync(resolve(fixtures, 'corpus', name), 'utf8')
      sameTokens(pythonTokens(tokenizeAll(source)), entry.tokens!)
    })
  }
  const compared = Object.entries(cases.valid).filter(([name]) => expected.valid[name]!.tokens !== null)
  it.each(compared)('case %s', (name, source) => {
    sameTokens(pythonTokens(tokenizeAll(source)), expected.valid[name]!.tokens!)
  })
  it('compares enough cases to matter', () => {
    expect(compared.length).toBeGreaterThan(40)
  })
})

/** The top-level statements of a source, by type. */
function statementTypes(source: string): string[] {
  return parse(source).body.map((s) => s.type)
}

function firstCall(stmt: Stmt): Expr | undefined {
  let found: Expr | undefined
  const visit = (node: unknown): void => {
    if (found || node === null || typeof node !== 'object') return
    if ((node as Expr).type === 'Call') {
      found = node as Expr
      return
    }
    for (const value of Object.values(node)) visit(value)
  }
  visit(stmt)
  return found
}

describe('what nnsize reads is what Python reads (issue #12)', () => {
  it('reads """a" # """ as one triple-quoted string followed by code, not a string and a comment', () => {
    const [assign] = parse('x = """a" # """ + __import__("os").system("echo pwned")\n').body
    expect(assign!.type).toBe('Assign')
    const value = (assign as Extract<Stmt, { type: 'Assign' }>).value as Extract<Expr, { type: 'BinOp' }>
    expect(value.left).toMatchObject({ type: 'Constant', value: 'a" # ' })
    expect(value.right).toMatchObject({ type: 'Call', func: { type: 'Attribute', attr: 'system' } })
  })

  it('ends a comment at a lone \\r, so what follows is a statement', () => {
    const body = parse('m = nn.ReLU()  # harmless\r__import__("os").system("x")\n').body
    expect(body.map((s) => s.type)).toEqual(['Assign', 'Expr'])
    expect(firstCall(body[1]!)).toMatchObject({ func: { attr: 'system' } })
  })

  it('takes \\n, \\r\\n and a lone \\r as line ends everywhere, and nothing else', () => {
    expect(statementTypes('a = 1\rb = 2\r\nc = 3\n')).toEqual(['Assign', 'Assign', 'Assign'])
    // U+2028, U+2029 and U+0085 end lines in JavaScript and Unicode, not in Python: still comment.
    expect(statementTypes('# a\u2028b()\n# c\u2029d()\n# e\u0085f()\nx = 1\n')).toEqual(['Assign'])
    // A string's line ends read as \n whatever they were in the file.
    expect(parse('x = """a\r\nb\rc"""\n').body[0]).toMatchObject({ value: { value: 'a\nb\nc' } })
  })

  it('joins lines after a backslash, but not after a backslash in a comment', () => {
    expect(statementTypes('x = 1 + \\\n    2\n')).toEqual(['Assign'])
    expect(statementTypes('x = 1 + \\\r\n    2\r\n')).toEqual(['Assign'])
    expect(statementTypes('x = 1  # \\\ny = 2\n')).toEqual(['Assign', 'Assign'])
  })

  it('resets the indentation column at a form feed', () => {
    const [ifStmt, after] = parse('if 1:\n  x=1\n  \x0cy=2\n').body
    expect((ifStmt as Extract<Stmt, { type: 'If' }>).body).toHaveLength(1)
    expect(after).toMatchObject({ type: 'Assign' })
  })

  it('counts a tab to the next multiple of 8 and refuses indentation that depends on the tab size', () => {
    expect(statementTypes('if 1:\n\tx = 1\n\tif x:\n\t\ty = 2\n')).toEqual(['If'])
    expect(() => parse('if 1:\n\tx\n        y\n')).toThrow('inconsistent use of tabs and spaces in indentation')
  })

  it('normalises identifiers with NFKC, and a name that normalises to a keyword stays a name', () => {
    const body = parse('\u210c = 1\n\u{1d422}\u{1d41f} = 2\ncaf\u00e9 = 3\n').body
    expect(body.map((s) => ((s as Extract<Stmt, { type: 'Assign' }>).targets[0] as { id: string }).id)).toEqual(['H', 'if', 'caf\u00e9'])
  })

  it('refuses characters Python refuses outside strings and comments', () => {
    for (const [source, message] of [
      ['x\u00a0= 1\n', 'invalid non-printable character U+00A0'],
      ['x\x0b= 1\n', 'invalid non-printable character U+000B'],
      ['x = 1 \u20ac 2\n', "invalid character '\u20ac' (U+20AC)"],
      ['x = "\u202e"; \u202e\n', 'invalid non-printable character U+202E'],
    ] as const) {
      expect(() => parse(source)).toThrow(message)
    }
  })

  it('reads every string prefix in any case, and refuses the ones Python refuses', () => {
    for (const prefix of ['', 'r', 'u', 'R', 'U', 'f', 'F', 'fr', 'Fr', 'fR', 'FR', 'rf', 'rF', 'Rf', 'RF']) {
      const value = parse(`x = ${prefix}'\\n'\n`).body[0] as Extract<Stmt, { type: 'Assign' }>
      const raw = prefix.toLowerCase().includes('r')
      const node = value.value.type === 'JoinedStr' ? value.value.values[0]! : value.value
      expect(node, prefix).toMatchObject({ type: 'Constant', value: raw ? '\\n' : '\n' })
    }
    for (const prefix of ['b', 'B', 'br', 'Br', 'bR', 'BR', 'rb', 'rB', 'Rb', 'RB']) {
      const value = (parse(`x = ${prefix}'\\n'\n`).body[0] as Extract<Stmt, { type: 'Assign' }>).value as { value: Uint8Array }
      expect([...value.value], prefix).toEqual(prefix.toLowerCase().includes('r') ? [92, 110] : [10])
    }
    // Not prefixes: these are a name followed by a string, which is invalid syntax.
    for (const bad of ['ur', 'ub', 'bu', 'fb', 'bf', 'uf']) expect(() => parse(`x = ${bad}'a'\n`), bad).toThrow('invalid syntax')
  })
})

describe('lexical errors', () => {
  it('reports an unterminated string at its opening quote with the line it was detected on', () => {
    const error = catchError(() => parse('x = 1\ny = """abc\n\nz = 2\n'))
    expect(error.message).toBe('unterminated triple-quoted string literal (detected at line 4)')
    expect(error.span).toEqual({ start: 10, end: 11 })
  })
  it('reports a bracket that is never closed at the bracket', () => {
    const error = catchError(() => parse('foo(1,\n2\n'))
    expect(error.message).toBe("'(' was never closed")
    expect(error.span).toEqual({ start: 3, end: 4 })
  })
  it('refuses a null character anywhere', () => {
    expect(catchError(() => parse('x = "\0"\n')).span).toEqual({ start: 5, end: 6 })
  })
  it('refuses brackets nested deeper than CPython allows (200)', () => {
    expect(() => parse(`x = ${'('.repeat(200)}1${')'.repeat(200)}\n`)).not.toThrow()
    expect(() => parse(`x = ${'('.repeat(201)}1${')'.repeat(201)}\n`)).toThrow('too many nested parentheses')
  })
  it('refuses a source longer than limits.maxSourceChars with a limit error', () => {
    const error = catchError(() => tokenize('x'.repeat(limits.maxSourceChars + 1)))
    expect(error.code).toBe('limit')
  })
})

function catchError(f: () => unknown): NnsizeError {
  try {
    f()
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error('no error')
}

describe('the tolerant token stream for highlighting', () => {
  it('classifies keywords, soft keywords, names, literals, f-string parts, comments, operators and brackets', () => {
    const source = 'match x:  # c\n    case [1, "s"]:\n        y = f"{x!r:>3}" and None\n'
    const tokens = highlightTokens(source).map((t) => [t.kind, source.slice(t.start, t.end)])
    expect(tokens).toEqual([
      ['soft-keyword', 'match'], ['name', 'x'], ['operator', ':'], ['comment', '# c'], ['newline', '\n'],
      ['soft-keyword', 'case'], ['bracket', '['], ['number', '1'], ['operator', ','], ['string', '"s"'], ['bracket', ']'], ['operator', ':'], ['newline', '\n'],
      ['name', 'y'], ['operator', '='], ['fstring-start', 'f"'], ['bracket', '{'], ['name', 'x'], ['operator', '!'], ['name', 'r'], ['operator', ':'],
      ['fstring-middle', '>3'], ['bracket', '}'], ['fstring-end', '"'], ['keyword', 'and'], ['constant', 'None'], ['newline', '\n'],
    ])
  })

  it('never throws, and marks what Python would refuse as errors', () => {
    const source = 'x = "unterminated\ny = 1 \u20ac $\nif (:\n\tz = 0777 + 1_\n'
    const tokens = highlightTokens(source)
    expect(tokens.filter((t) => t.kind === 'error').map((t) => source.slice(t.start, t.end))).toEqual(['"unterminated', '\u20ac', '$', '0777', '1_'])
    expect(tokens.find((t) => source.slice(t.start, t.end) === 'y')?.kind).toBe('name')
  })

  it('keeps going through any input: every offset is inside the text and in order', () => {
    let seed = 7
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const alphabet = ['"', "'", '"""', 'f"', '{', '}', '(', ')', '\\', '\n', '\r', '#', ' ', '\t', 'x', '1', '0x', 'é', '\u2028', ':', '=', '!', 'rb"', '\x00']
    for (let n = 0; n < 300; n++) {
      const source = Array.from({ length: 1 + Math.floor(random() * 60) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
      const tokens = highlightTokens(source)
      let last = 0
      for (const t of tokens) {
        expect(t.start).toBeGreaterThanOrEqual(last)
        expect(t.end).toBeLessThanOrEqual(source.length)
        expect(t.end).toBeGreaterThanOrEqual(t.start)
        last = t.end
      }
    }
  })
})

describe('names and keywords', () => {
  /** Python 3.12's `keyword.kwlist`. */
  const kwlist = ['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']

  /** The NAME tokens of a source: their text in the source and the name they were interned as. */
  function names(stream: TokenStream): Array<{ text: string; name: string; id: number }> {
    const out: Array<{ text: string; name: string; id: number }> = []
    for (let k = 0; k < stream.count; k++) {
      if (stream.kinds[k] !== Tok.NAME) continue
      out.push({ text: stream.source.slice(stream.starts[k], stream.ends[k]), name: stream.names[stream.nameIds[k]!]!, id: stream.nameIds[k]! })
    }
    return out
  }

  it('gives every hard keyword its own kind', () => {
    const stream = tokenize(kwlist.join('\n'))
    const kinds = kwlist.map((_, k) => stream.kinds[2 * k]!)
    expect(kinds.every((kind) => kind >= FIRST_KEYWORD)).toBe(true)
    expect(new Set(kinds).size).toBe(35)
    expect(names(stream)).toEqual([])
  })

  it('reads names that differ from a keyword by a character or by case as names', () => {
    // the 169 such names Python's `keyword.iskeyword` rejects (a keyword with `_` before or after, without its last
    // character, in capitals or capitalised)
    const near = [...new Set(kwlist.flatMap((k) => [`${k}_`, k.slice(0, -1), k.toUpperCase(), k[0]!.toUpperCase() + k.slice(1).toLowerCase(), `_${k}`]))].filter((w) => !kwlist.includes(w))
    expect(near).toHaveLength(169)
    const found = names(tokenize(near.join(' + ')))
    expect(found.map((n) => n.name)).toEqual(near)
    expect(found.map((n) => n.text)).toEqual(near)
  })

  it('interns each distinct name once, however many there are', () => {
    const count = 1000
    const lines = Array.from({ length: count }, (_, k) => `v${k} = v${k} + v${(k * 7) % count}_x\n`)
    const stream = tokenize(lines.join(''))
    const found = names(stream)
    expect(found).toHaveLength(3 * count)
    expect(found.every((n) => n.name === n.text)).toBe(true)
    expect(stream.names).toHaveLength(2 * count)
    expect(new Set(stream.names).size).toBe(2 * count)
    const ids = new Map<string, number>()
    for (const n of found) {
      expect(ids.get(n.name) ?? n.id).toBe(n.id)
      ids.set(n.name, n.id)
    }
  })

  it('tells apart names whose characters add up alike', () => {
    // 97 * 33 + 98 = 98 * 33 + 65: `ab` and `bA` would share a slot of a table keyed by such a sum
    const stream = tokenize('ab = bA\nbA = ab\n')
    expect(names(stream).map((n) => n.name)).toEqual(['ab', 'bA', 'bA', 'ab'])
    expect(names(stream).map((n) => n.id)).toEqual([0, 1, 1, 0])
  })

  it('interns a name and its NFKC-equivalent spelling as one name, and a full-width keyword as a name', () => {
    // `ast.parse` gives these Name ids in source order: file file file if x if file
    const stream = tokenize('ﬁle = 1\nfile = ﬁle\nｉｆ = 2\nx = ｉｆ + file\n')
    const found = names(stream)
    expect(found.map((n) => n.name)).toEqual(['file', 'file', 'file', 'if', 'x', 'if', 'file'])
    expect(stream.names).toEqual(['file', 'if', 'x'])
    expect(new Set(found.filter((n) => n.name === 'file').map((n) => n.id)).size).toBe(1)
  })
})
