import type { SourceSpan } from '../errors.js'
import { raise } from './exceptions.js'
import { typeName } from '../contract/values.js'
import type { DictValue, SetValue, Value } from '../contract/values.js'

const ids = new WeakMap<object, number>()
const tupleKeys = new WeakMap<object, HashKey>()
let nextId = 1

/** A number that identifies an object for as long as it lives (Python's `id`). */
export function identity(object: object): number {
  let id = ids.get(object)
  if (id === undefined) {
    id = nextId++
    ids.set(object, id)
  }
  return id
}

/** A key of a dict or set: what JavaScript's `Map` compares (strings and bigints by value, objects by identity). */
export type HashKey = string | bigint | number | null | object

/** Composite keys (tuples, frozensets, dtypes, …) made canonical, so that equal ones are one object. */
const interned = new Map<string, object>()
/** Largest number of composite keys kept; beyond it keys are still correct, only not shared with later ones. */
const maxInterned = 100_000

function intern(descriptor: string): object {
  let key = interned.get(descriptor)
  if (!key) {
    key = { descriptor }
    if (interned.size < maxInterned) interned.set(descriptor, key)
  }
  return key
}

/** A text that identifies a key inside a composite key's descriptor. */
function describe(key: HashKey): string {
  switch (typeof key) {
    case 'string':
      return `s${key.length}:${key}`
    case 'bigint':
      return `n${key}`
    case 'number':
      return `f${key}`
    case 'object':
      if (key === null) return 'N'
      if ('descriptor' in key) return `(${(key as { descriptor: string }).descriptor})`
      return `o${identity(key)}`
    default:
      return `?`
  }
}

/**
 * The key a value has in a dict or set: equal values (by Python's `==` for hashable values: `1`,
 * `1.0` and `True` are one key) have equal keys; objects are keyed by identity. Unhashable values
 * (lists, dicts, sets) raise `TypeError`. Strings are their own key (no copy, hashed once by the engine).
 */
export function hashKey(value: Value, span: SourceSpan | undefined): HashKey {
  switch (value.kind) {
    case 'str':
      return value.value
    case 'int':
      return value.value
    case 'bool':
      return value.value ? 1n : 0n
    case 'float':
      return Number.isInteger(value.value) ? BigInt(value.value) : value.value
    case 'none':
      return null
    case 'tuple': {
      // Tuples are immutable: hashed once (a huge tuple used as a key again and again costs nothing more).
      const known = tupleKeys.get(value)
      if (known !== undefined) return known
      const key = intern(`t${value.items.map((item) => describe(hashKey(item, span))).join(',')}`)
      tupleKeys.set(value, key)
      return key
    }
    case 'dtype':
      return intern(`d${value.dtype}`)
    case 'device':
      return intern(`v${value.name}`)
    case 'ellipsis':
      return intern('E')
    case 'complex':
      return value.imag === 0 ? hashKey({ kind: 'float', value: value.real }, span) : intern(`c${value.real},${value.imag}`)
    case 'set':
      if (value.frozen) return intern(`z${[...value.items.keys()].map((k) => describe(k as HashKey)).sort().join(',')}`)
      return raise('TypeError', 'type', "unhashable type: 'set'", span)
    case 'list':
    case 'dict':
    case 'slice':
      return raise('TypeError', 'type', `unhashable type: '${typeName(value)}'`, span)
    case 'module':
      return value.module
    case 'class':
      return value.cls
    case 'method':
      return intern(`m${describe(hashKey(value.self, span))}|${describe(hashKey(value.fn, span))}`)
    case 'tensor':
      return value.def ?? value
    case 'typehint':
      return intern(`h${value.name}`)
    default:
      return value
  }
}

/** Makes sure `dict.index` maps every key to its position (after legacy code built `entries` alone). */
function indexOf(dict: DictValue, span: SourceSpan | undefined): Map<unknown, number> {
  let index = dict.index
  if (index === undefined || index.size !== dict.entries.length) {
    index = new Map<unknown, number>()
    const entries = dict.entries
    const kept: Array<[Value, Value]> = []
    for (const entry of entries) {
      const key = hashKey(entry[0], span)
      const at = index.get(key)
      if (at === undefined) {
        index.set(key, kept.length)
        kept.push(entry)
      } else kept[at] = [kept[at]![0], entry[1]]
    }
    if (kept.length !== entries.length) dict.entries = kept
    dict.index = index
  }
  return index
}

/** `dict[key]`, or undefined when the key is missing. */
export function dictGet(dict: DictValue, key: Value, span: SourceSpan | undefined): Value | undefined {
  const at = indexOf(dict, span).get(hashKey(key, span))
  return at === undefined ? undefined : dict.entries[at]![1]
}

/** `dict[name]` for a string key (attributes kept in a dict), or undefined. */
export function dictGetString(dict: DictValue, name: string): Value | undefined {
  const at = indexOf(dict, undefined).get(name)
  return at === undefined ? undefined : dict.entries[at]![1]
}

/** `key in dict`. */
export function dictHas(dict: DictValue, key: Value, span: SourceSpan | undefined): boolean {
  return indexOf(dict, span).has(hashKey(key, span))
}

/** `dict[key] = value`: a new key goes last, an existing one keeps its place (and its first key object). */
export function dictSet(dict: DictValue, key: Value, value: Value, span: SourceSpan | undefined): void {
  const index = indexOf(dict, span)
  const hash = hashKey(key, span)
  const at = index.get(hash)
  if (at === undefined) {
    index.set(hash, dict.entries.length)
    dict.entries.push([key, value])
  } else dict.entries[at] = [dict.entries[at]![0], value]
}

/** `del dict[key]` / `dict.pop(key)`: the removed value, or undefined when missing. */
export function dictDelete(dict: DictValue, key: Value, span: SourceSpan | undefined): Value | undefined {
  const index = indexOf(dict, span)
  const hash = hashKey(key, span)
  const at = index.get(hash)
  if (at === undefined) return undefined
  const [, removed] = dict.entries[at]!
  dict.entries.splice(at, 1)
  index.delete(hash)
  for (const [k, position] of index) if (position > at) index.set(k, position - 1)
  return removed
}

/** A new empty dict. */
export function newDict(ordered = false): DictValue {
  return { kind: 'dict', entries: [], index: new Map(), ...(ordered ? { ordered: true } : {}) }
}

/** A new set (or frozenset) of the given values, duplicates dropped. */
export function newSet(values: Iterable<Value>, frozen: boolean, span: SourceSpan | undefined): SetValue {
  const items = new Map<HashKey, Value>()
  for (const v of values) {
    const key = hashKey(v, span)
    if (!items.has(key)) items.set(key, v)
  }
  return { kind: 'set', items, frozen }
}
