import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { errorCodes, NnsizeError } from '../../src/index.js'
import { parse } from '../../src/python/parse.js'
import { highlightTokens } from '../../src/python/tokenize.js'
import { unparse } from '../../src/python/unparse.js'
import { readCases } from '../conformance/reference.js'
import { firstDifference, toCpythonJson, withoutPositions } from '../python.js'
import { mutate, prng } from './mutate.js'

const iterations = Number(process.env['NNSIZE_FUZZ_ITERATIONS'] ?? 3000) / 3
const seed = Number(process.env['NNSIZE_FUZZ_SEED'] ?? 20261129)
const codes = new Set<string>(Object.values(errorCodes))
const fixtures = resolve(fileURLToPath(new URL('.', import.meta.url)), '../fixtures/python')

/** Python sources to mutate: the corpus, the lexical cases and the real model files. */
const sources: string[] = [
  ...readdirSync(resolve(fixtures, 'corpus')).map((name) => readFileSync(resolve(fixtures, 'corpus', name), 'utf8')),
  ...Object.values((JSON.parse(readFileSync(resolve(fixtures, 'cases.json'), 'utf8')) as { valid: Record<string, string> }).valid),
  ...new Set(readCases<{ files: Record<string, string> }>('code.jsonl').flatMap((c) => Object.values(c.files))),
]

/** Pieces of Python that stress the lexer and parser when spliced in anywhere. */
const PYTHON_FRAGMENTS = [
  '"""', "'''", 'f"{', '}', '{{', 'rb"', 'f"{x!r:>{w}}"', '\\\n', '\r', '\r\n', '\x0c', '\t', '    ', '\n    ', '\n', '#', '# \\',
  ':', ':=', '->', '**', '//=', '...', '@', 'lambda', 'lambda *a, **k:', 'yield', 'yield from', 'await', 'async ', 'not ', ' is not ', ' not in ',
  'if', 'else', 'elif x:', 'match x:\n    case [a, *b] | {"k": c} if d:\n        pass\n', 'type T[U] = int\n', 'def f[T](*, a=1, /):',
  'class C[T](B, metaclass=M):', 'try:\n    pass\nexcept* E as e:\n    pass\n', 'with (a as b, c):', 'global x', 'nonlocal y', 'del ',
  '\u00e9', '\u2028', '\u202e', '\u{1d422}\u{1d41f}', '\ufeff', '\x00', '0x', '0777', '1_000', '1e', '1j', '9'.repeat(5000),
  '('.repeat(60), ')'.repeat(60), '-'.repeat(600), '.a'.repeat(600), 'not '.repeat(600), '\\N{BULLET}', '\\N{NOPE}', '\\x4',
]

/** A random sequence of Python tokens: grammatical pieces in ungrammatical order. */
function tokenSoup(random: () => number): string {
  const words = ['x', 'nn', '.', 'Linear', '(', ')', '[', ']', '{', '}', ',', ':', '=', '+', '-', '*', '**', '/', '%', '@', '<', '==', 'and', 'or',
    'not', 'in', 'is', 'if', 'else', 'for', 'lambda', 'yield', 'await', 'return', 'def', 'class', 'import', 'from', 'as', 'with', 'try', 'except',
    'finally', 'while', 'pass', 'match', 'case', 'type', '_', '1', '2.5', '3j', '"s"', "b'b'", 'f"{x}"', 'None', 'True', '\n', '\n    ', '\n\t', ';', '...', ':=', '->', '\\\n']
  const n = 1 + Math.floor(random() * 80)
  let out = ''
  for (let k = 0; k < n; k++) out += words[Math.floor(random() * words.length)]! + (random() < 0.7 ? ' ' : '')
  return out
}

/** Parses `source`: a tree, or an NnsizeError with a known code and a span inside the source; never anything else. */
function check(source: string): void {
  const started = performance.now()
  let tree: ReturnType<typeof parse> | undefined
  try {
    tree = parse(source)
  } catch (error) {
    if (!NnsizeError.isInstance(error)) throw new Error(`crash on ${JSON.stringify(source.slice(0, 300))}: ${String(error)}`)
    if (!codes.has(error.code)) throw new Error(`unknown code ${error.code}`)
    const span = error.span
    if (!span || span.start < 0 || span.end > source.length || span.start > span.end) {
      throw new Error(`span ${JSON.stringify(span)} outside the source ${JSON.stringify(source.slice(0, 200))}`)
    }
  }
  if (tree) {
    // What parses prints back to source that parses to the same tree.
    const text = unparse(tree)
    const again = parse(text)
    const difference = firstDifference(withoutPositions(toCpythonJson(again)), withoutPositions(toCpythonJson(tree)))
    if (difference) throw new Error(`round trip of ${JSON.stringify(source.slice(0, 300))} differs: ${difference}`)
  }
  const tokens = highlightTokens(source)
  for (const t of tokens) if (t.start < 0 || t.end > source.length || t.start > t.end) throw new Error(`highlight token outside ${JSON.stringify(source.slice(0, 100))}`)
  const elapsed = performance.now() - started
  if (elapsed > 2000) throw new Error(`${JSON.stringify(source.slice(0, 200))} took ${elapsed.toFixed(0)} ms`)
}

describe('fuzzing the Python front-end', () => {
  it(`parses or raises a typed error for ${iterations} mutated sources, and round-trips what parses (seed ${seed})`, () => {
    const random = prng(seed)
    for (let i = 0; i < iterations; i++) {
      const source = sources[Math.floor(random() * sources.length)]!
      // A window of a long file keeps each case quick; mutations then hit its structure anywhere.
      const from = source.length > 4000 ? Math.floor(random() * (source.length - 3000)) : 0
      const window = source.slice(from, from + 3000)
      let text = mutate(window, random, PYTHON_FRAGMENTS)
      if (random() < 0.5) text = mutate(text, random, PYTHON_FRAGMENTS)
      check(text)
    }
    expect(iterations).toBeGreaterThan(0)
  }, 300_000)

  it(`parses or raises a typed error for ${iterations} random token sequences (seed ${seed})`, () => {
    const random = prng(seed + 1)
    let parsed = 0
    for (let i = 0; i < iterations; i++) {
      const text = tokenSoup(random)
      try {
        parse(text)
        parsed++
      } catch {
        // counted below
      }
      check(text)
    }
    expect(parsed).toBeGreaterThan(0)
  }, 300_000)

  it('round-trips every source of the corpus unchanged', () => {
    for (const source of sources) check(source)
  })
})
