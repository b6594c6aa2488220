import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { NnsizeError } from '../errors.js'
import { readCases } from '../../test/conformance/reference.js'
import { firstDifference, toCpythonJson, withoutPositions } from '../../test/python.js'
import { parse } from './parse.js'
import { unparse } from './unparse.js'

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/python')
const expected = JSON.parse(readFileSync(resolve(fixtures, 'expected.json'), 'utf8')) as {
  corpus: Record<string, { ast: unknown }>
  valid: Record<string, { ast: unknown }>
  invalid: Record<string, { message: string; line: number | null; start: number | null }>
  reference: Record<string, { statements: string[] }>
}
const cases = JSON.parse(readFileSync(resolve(fixtures, 'cases.json'), 'utf8')) as { valid: Record<string, string>; invalid: Record<string, string> }
const corpus = Object.keys(expected.corpus).map((name) => [name, readFileSync(resolve(fixtures, 'corpus', name), 'utf8')] as const)

/** The tree of `source` compared with CPython's: undefined when equal, else where they differ. */
function differenceFromCpython(source: string, cpython: unknown): string | undefined {
  return firstDifference(toCpythonJson(parse(source)), cpython)
}

/** `parse(unparse(tree))` gives the same tree (positions aside). */
function roundTripDifference(source: string): string | undefined {
  const tree = parse(source)
  const again = parse(unparse(tree))
  return firstDifference(withoutPositions(toCpythonJson(again)), withoutPositions(toCpythonJson(tree)))
}

describe('the syntax tree matches CPython 3.12', () => {
  it.each(corpus)('corpus/%s: every node, field and position', (name, source) => {
    expect(differenceFromCpython(source, expected.corpus[name]!.ast)).toBeUndefined()
  })

  it.each(Object.entries(cases.valid))('case %s', (name, source) => {
    expect(differenceFromCpython(source, expected.valid[name]!.ast)).toBeUndefined()
  })

  it('for every real model file of the conformance suite, statement by statement', () => {
    const files = new Map<string, string>()
    for (const c of readCases('code.jsonl')) {
      const record = c as unknown as { id: string; files: Record<string, string> }
      for (const [path, text] of Object.entries(record.files)) if (![...files.values()].includes(text)) files.set(`${record.id}:${path}`, text)
    }
    expect([...files.keys()]).toEqual(Object.keys(expected.reference))
    for (const [key, source] of files) {
      const module = toCpythonJson(parse(source)) as unknown[]
      const digests = (module[3] as unknown[]).map((stmt) => createHash('sha256').update(asciiJson(stmt)).digest('hex').slice(0, 16))
      expect(digests, key).toEqual(expected.reference[key]!.statements)
    }
  })
})

/** JSON as Python's `json.dumps(..., separators=(',', ':'), ensure_ascii=True)` writes it. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => (ch === '\u007f' ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`))
}

describe('printing a tree back gives source that parses to the same tree', () => {
  it.each(corpus)('corpus/%s', (_, source) => {
    expect(roundTripDifference(source)).toBeUndefined()
  })
  it.each(Object.entries(cases.valid))('case %s', (_, source) => {
    expect(roundTripDifference(source)).toBeUndefined()
  })
  it('every real model file', () => {
    for (const c of readCases('code.jsonl')) {
      for (const source of Object.values((c as unknown as { files: Record<string, string> }).files)) expect(roundTripDifference(source)).toBeUndefined()
    }
  })
})

describe('what CPython rejects is rejected', () => {
  it.each(Object.entries(cases.invalid))('%s', (name, source) => {
    const cpython = expected.invalid[name]!
    let error: unknown
    try {
      parse(source)
    } catch (e) {
      error = e
    }
    expect(NnsizeError.isInstance(error), `${name} parses`).toBe(true)
    const e = error as NnsizeError
    expect(e.code).toBe('syntax')
    // CPython gives no position for a few errors (a decimal literal that is too long): ours is on the literal.
    expect({ message: e.message, start: cpython.start === null ? null : e.span?.start }).toEqual({ message: cpython.message, start: cpython.start })
  })
})
