import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Constant, Module, Stmt } from './ast.js'
import { ELLIPSIS } from './ast.js'
import { keptExpressionOf, keptTreeEntry, keptTreeOf } from './kept-tree.js'
import { parse, parseExpression } from './parse.js'

const fixtures = fileURLToPath(new URL('../../test/fixtures', import.meta.url))

/** Every `.py` file under `folder`. */
function pythonFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.py'))
    .map((e) => join(e.parentPath, e.name))
}

/** The path of the first place where `a` and `b` differ in a value, a type or the order of an object's fields; undefined when alike. */
function difference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`
  if (typeof a !== 'object' || a === null || b === null) return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]) ? undefined : `${path}: bytes`
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`
  const keysA = Object.keys(a)
  const keysB = Object.keys(b as object)
  if (keysA.join(',') !== keysB.join(',')) return `${path}: fields ${keysA.join(',')} vs ${keysB.join(',')}`
  for (const key of keysA) {
    const found = difference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`)
    if (found !== undefined) return found
  }
  return undefined
}

function roundTrip(source: string): Module | undefined {
  return keptTreeOf(keptTreeEntry(source, parse(source)), source)
}

describe('kept syntax trees', () => {
  const files = pythonFiles(fixtures)

  it('gives back, for every Python file of the fixtures, the tree the parser makes: values, types and field order', () => {
    expect(files.length).toBeGreaterThan(200)
    for (const file of files) {
      const source = readFileSync(file, 'utf8')
      let tree: Module
      try {
        tree = parse(source)
      } catch {
        continue
      }
      const kept = keptTreeOf(keptTreeEntry(source, tree), source)
      expect(kept, file).toBeDefined()
      expect(difference(kept, tree), file).toBeUndefined()
    }
  })

  it('puts back the values JSON cannot hold: ints of any size, bytes, Ellipsis, infinite floats and complex numbers', () => {
    const source = 'a = 12345678901234567890123\nb = b"\\x00\\xffab"\nc = ...\nd = 1e999\ne = 1e999j\nf = -7\n'
    const tree = roundTrip(source)!
    const values = tree.body.map((s) => ((s as Stmt & { value: Constant }).value as Constant).value)
    expect(values[0]).toBe(12345678901234567890123n)
    expect(values[1]).toEqual(new Uint8Array([0, 255, 97, 98]))
    expect(values[2]).toBe(ELLIPSIS)
    expect(values[3]).toBe(Infinity)
    expect(values[4]).toEqual({ real: 0, imag: Infinity })
    expect(difference(tree, parse(source))).toBeUndefined()
  })

  it('keeps an expression (a `--model` entry) as it keeps a file, and tells the two apart', () => {
    const entry = keptTreeEntry('Net(GPTConfig(n_layer=2), 10 ** 30)', parseExpression('Net(GPTConfig(n_layer=2), 10 ** 30)'))
    const kept = keptExpressionOf(entry, 'Net(GPTConfig(n_layer=2), 10 ** 30)')
    expect(difference(kept, parseExpression('Net(GPTConfig(n_layer=2), 10 ** 30)'))).toBeUndefined()
    expect(keptTreeOf(entry, 'Net(GPTConfig(n_layer=2), 10 ** 30)')).toBeUndefined()
    expect(keptExpressionOf(keptTreeEntry('x = 1\n', parse('x = 1\n')), 'x = 1\n')).toBeUndefined()
  })

  it('is used only for the exact text it was parsed from', () => {
    const entry = keptTreeEntry('x = 1\n', parse('x = 1\n'))
    expect(keptTreeOf(entry, 'x = 1\n')).toBeDefined()
    expect(keptTreeOf(entry, 'x = 2\n')).toBeUndefined()
    expect(keptTreeOf(entry, 'x = 1\r\n')).toBeUndefined()
  })

  it('refuses an entry that is cut short, damaged or not of this format, so that the file is parsed instead', () => {
    const source = 'x = 10\ny = ...\n'
    const entry = keptTreeEntry(source, parse(source))
    expect(keptTreeOf(entry.slice(0, -1), source)).toBeUndefined()
    expect(keptTreeOf('null', source)).toBeUndefined()
    expect(keptTreeOf('{"text":"x = 10\\ny = ...\\n","tree":{"type":"Module","body":[],"start":0,"end":0}}', source)).toBeUndefined()
    const kept = JSON.parse(entry) as { special: unknown[][] }
    const damaged = (change: (special: unknown[][]) => void): string => {
      const copy = structuredClone(kept)
      change(copy.special)
      return JSON.stringify(copy)
    }
    // a special value whose path leads nowhere, onto a value that is not a placeholder, or up the prototype chain
    expect(keptTreeOf(damaged((s) => s[0]!.splice(0, 1, ['body', 9, 'value', 'value'])), source)).toBeUndefined()
    expect(keptTreeOf(damaged((s) => s[0]!.splice(0, 1, ['body', 0, 'value', 'start'])), source)).toBeUndefined()
    expect(keptTreeOf(damaged((s) => s[0]!.splice(0, 1, ['__proto__', 'polluted'])), source)).toBeUndefined()
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    // a tag or payload of no known kind
    expect(keptTreeOf(damaged((s) => s[0]!.splice(1, 2, 'int', '1.5')), source)).toBeUndefined()
    expect(keptTreeOf(damaged((s) => s[0]!.splice(1, 1, 'function')), source)).toBeUndefined()
    expect(keptTreeOf(damaged((s) => s[0]!.splice(1, 2, 'bytes', [256])), source)).toBeUndefined()
    // the undamaged entry still reads
    expect(difference(keptTreeOf(entry, source), parse(source))).toBeUndefined()
  })
})
