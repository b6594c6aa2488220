import type { Expr, Module } from './ast.js'
import { ELLIPSIS } from './ast.js'

/**
 * A syntax tree kept as text between runs, as Python keeps a file's compiled code in `__pycache__`: an app with a
 * cache folder stores the tree of each file it read, and the next run on the same text reads the tree back instead of
 * parsing again. The entry holds the exact source text it was parsed from, and a tree is only ever given back for
 * that same text, character for character.
 *
 * The entry is JSON: `{ "text": source, "tree": tree, "special": [[path, tag, payload], …] }`. JSON has no
 * `bigint`, `bytes`, `Ellipsis`, `undefined` or non-finite floats, so each such value is written as `null` in the tree
 * and listed in `special` with its path (the keys and indexes from the root), to be put back in place; every other
 * value, and the order of every node's fields, comes back as the parser made it.
 */
export interface KeptTreeEntry {
  text: string
  tree: unknown
  special: Array<[Array<string | number>, SpecialTag, unknown]>
}

/** How a value JSON cannot hold is written in {@link KeptTreeEntry.special}. */
type SpecialTag = 'int' | 'float' | 'bytes' | 'ellipsis' | 'undefined'

/** Deepest path in a kept tree: deeper than the parser's nesting bound ever makes. */
const maxPathLength = 10_000

/** The entry that keeps `tree`, the tree `parse(text)` (or `parseExpression(text)`) made. */
export function keptTreeEntry(text: string, tree: Module | Expr): string {
  const special: KeptTreeEntry['special'] = []
  const path: Array<string | number> = []
  const plain = (value: unknown): unknown => {
    switch (typeof value) {
      case 'bigint':
        special.push([[...path], 'int', value.toString()])
        return null
      case 'number':
        if (Number.isFinite(value) && !Object.is(value, -0)) return value
        special.push([[...path], 'float', Object.is(value, -0) ? '-0' : String(value)])
        return null
      case 'symbol':
        if (value !== ELLIPSIS) throw new TypeError('A syntax tree holds no symbol but Ellipsis.')
        special.push([[...path], 'ellipsis', null])
        return null
      case 'undefined':
        special.push([[...path], 'undefined', null])
        return null
      case 'object': {
        if (value === null) return null
        if (value instanceof Uint8Array) {
          special.push([[...path], 'bytes', Array.from(value)])
          return null
        }
        if (Array.isArray(value)) {
          const out: unknown[] = []
          for (let i = 0; i < value.length; i++) {
            path.push(i)
            out.push(plain(value[i]))
            path.pop()
          }
          return out
        }
        const out: Record<string, unknown> = {}
        for (const key of Object.keys(value)) {
          path.push(key)
          out[key] = plain((value as Record<string, unknown>)[key])
          path.pop()
        }
        return out
      }
      default:
        return value
    }
  }
  const entry: KeptTreeEntry = { text, tree: plain(tree), special }
  return JSON.stringify(entry)
}

/**
 * The tree kept in `entry` when it was parsed from exactly `text`; undefined for an entry of another text, or one
 * that is not a whole entry of this format (damaged, cut short, of another version): the file is then parsed.
 */
export function keptTreeOf(entry: string, text: string): Module | undefined {
  const tree = keptNodeOf(entry, text)
  return tree !== undefined && tree.type === 'Module' && Array.isArray((tree as Partial<Module>).body) ? (tree as Module) : undefined
}

/** The expression kept in `entry` (by {@link keptTreeEntry} from `parseExpression(text)`) when it was parsed from exactly `text`. */
export function keptExpressionOf(entry: string, text: string): Expr | undefined {
  const tree = keptNodeOf(entry, text)
  return tree !== undefined && tree.type !== 'Module' ? (tree as Expr) : undefined
}

/** The node kept in `entry` for exactly `text`, with its special values in place; undefined for anything else. */
function keptNodeOf(entry: string, text: string): { type: string } | undefined {
  let kept: unknown
  try {
    kept = JSON.parse(entry)
  } catch {
    return undefined
  }
  if (typeof kept !== 'object' || kept === null) return undefined
  const { text: keptText, tree, special } = kept as Partial<KeptTreeEntry>
  if (keptText !== text || !Array.isArray(special) || !isNode(tree)) return undefined
  for (const item of special) {
    if (!Array.isArray(item) || item.length !== 3) return undefined
    const [path, tag, payload] = item as [unknown, unknown, unknown]
    if (!Array.isArray(path) || path.length === 0 || path.length > maxPathLength) return undefined
    const value = specialValue(tag, payload)
    if (value === invalid || !putAt(tree, path, value)) return undefined
  }
  return tree
}

function isNode(tree: unknown): tree is { type: string } {
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) return false
  const node = tree as { type?: unknown; start?: unknown; end?: unknown }
  return typeof node.type === 'string' && typeof node.start === 'number' && typeof node.end === 'number'
}

/** Marks a special value that is malformed. */
const invalid = Symbol('invalid')

function specialValue(tag: unknown, payload: unknown): unknown {
  switch (tag) {
    case 'int':
      return typeof payload === 'string' && /^-?\d+$/.test(payload) ? BigInt(payload) : invalid
    case 'float':
      return payload === 'Infinity' ? Infinity : payload === '-Infinity' ? -Infinity : payload === 'NaN' ? NaN : payload === '-0' ? -0 : invalid
    case 'bytes':
      return Array.isArray(payload) && payload.every((b) => Number.isInteger(b) && b >= 0 && b <= 255) ? Uint8Array.from(payload as number[]) : invalid
    case 'ellipsis':
      return ELLIPSIS
    case 'undefined':
      return undefined
    default:
      return invalid
  }
}

/** Replaces the value at `path` in `root` (a `null` the entry wrote there); false when the path does not lead to one. */
function putAt(root: object, path: readonly unknown[], value: unknown): boolean {
  let at: unknown = root
  for (let i = 0; i < path.length; i++) {
    const step = path[i]
    if (typeof at !== 'object' || at === null) return false
    const key = Array.isArray(at) ? (typeof step === 'number' && Number.isInteger(step) && step >= 0 && step < at.length ? step : undefined) : typeof step === 'string' && step !== '__proto__' && Object.hasOwn(at, step) ? step : undefined
    if (key === undefined) return false
    const holder = at as Record<string | number, unknown>
    if (i === path.length - 1) {
      if (holder[key] !== null) return false
      holder[key] = value
      return true
    }
    at = holder[key]
  }
  return false
}
