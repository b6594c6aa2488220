import { NnsizeError } from '../errors.js'
import { Cursor, decodeUtf8, grouped, malformed } from './bytes.js'

/*
 * A reader for Python pickles that never runs them. It interprets the opcodes into plain data: lists, tuples,
 * dicts, strings, numbers, references to globals, and "calls" that are only recorded. Nothing is imported and
 * nothing is called; what a call would have made is decided by the caller (pytorch.ts) for the few globals
 * PyTorch's `weights_only` loader allows.
 */

/** A Python value as read from a pickle. Integers are `number` when safe, else `bigint`; floats are `number`. */
export type PyValue = null | boolean | number | bigint | string | PyList | PyTuple | PyDict | PySet | PyBytes | PyGlobal | PyCall | PyObject | PyOpaque

/** A `list`. */
export interface PyList {
  kind: 'list'
  items: PyValue[]
}

/** A `tuple`. */
export interface PyTuple {
  kind: 'tuple'
  items: PyValue[]
}

/** A `dict`, `OrderedDict` or `Counter`: keys in insertion order; attributes set by BUILD kept apart. */
export interface PyDict {
  kind: 'dict'
  /** `dict`, or the global that made it (`collections.OrderedDict`). */
  type: string
  keys: PyValue[]
  values: PyValue[]
  /** Position of each key that is not an object, for lookups and replacing values. */
  index: Map<PyValue, number>
}

/** A new empty dict of the given type. */
export function newDict(type = 'dict'): PyDict {
  return { kind: 'dict', type, keys: [], values: [], index: new Map() }
}

/** A `set` or `frozenset`. */
export interface PySet {
  kind: 'set'
  items: PyValue[]
}

/** `bytes` or `bytearray`: their length, and their bytes when short (at most {@link keptBytes}: dict keys, tags). */
export interface PyBytes {
  kind: 'bytes'
  length: number
  data?: Uint8Array
}

/** Bytes values up to this length keep their bytes (to name a `bytes` dict key as Python writes it). */
export const keptBytes = 256

/** A reference to `module.name` (a class or function), never imported. */
export interface PyGlobal {
  kind: 'global'
  module: string
  name: string
  /** As written in the pickle (`__builtin__.set`). */
  written: string
}

/** A call `fn(*args)` that was recorded, not made; `state` is what BUILD would have set. */
export interface PyCall {
  kind: 'call'
  fn: PyGlobal
  args: PyValue[]
  state: PyValue | undefined
}

/** An object made by `cls.__new__(cls, *args)` (NEWOBJ) and its BUILD state: a class instance, only named. */
export interface PyObject {
  kind: 'object'
  cls: PyGlobal
  args: PyValue[]
  state: PyValue | undefined
}

/** What a hook made of a call or a persistent id (a tensor, a storage): opaque to the pickle reader. */
export interface PyOpaque {
  kind: 'opaque'
  value: unknown
}

/** What the pickle reader asks of its user. */
export interface PickleHooks {
  /**
   * Decides what `GLOBAL module name` may be: `allowed` (a value the hooks understand), `class` (an unknown
   * class, allowed only to be instantiated with NEWOBJ and filled with BUILD: named, never imported), or
   * refused by throwing.
   */
  global(module: string, name: string, written: string): 'allowed' | 'class'
  /** Resolves a persistent id (PyTorch: a storage record). */
  persistentLoad(pid: PyValue): PyValue
  /** Makes the value of `fn(*args)` for an allowed global; may return a recorded {@link PyCall}. */
  call(fn: PyGlobal, args: PyValue[]): PyValue
}

const MARK = Symbol('mark')
type StackItem = PyValue | typeof MARK

/** Python 2 module names that Python 3 reads under other names (`_compat_pickle.IMPORT_MAPPING`, the part that matters here). */
const moduleRenames: Readonly<Record<string, string>> = { __builtin__: 'builtins', copy_reg: 'copyreg' }

/** Largest integer text or LONG byte length accepted: PyTorch never writes integers this large. */
const maxLongBytes = 256

/** Names of the pickle opcodes, by byte (Python's `pickletools` names). */
export const opcodeNames: ReadonlyMap<number, string> = new Map([
  [0x28, 'MARK'], [0x29, 'EMPTY_TUPLE'], [0x2e, 'STOP'], [0x30, 'POP'], [0x31, 'POP_MARK'], [0x32, 'DUP'], [0x42, 'BINBYTES'],
  [0x43, 'SHORT_BINBYTES'], [0x46, 'FLOAT'], [0x47, 'BINFLOAT'], [0x49, 'INT'], [0x4a, 'BININT'], [0x4b, 'BININT1'], [0x4c, 'LONG'],
  [0x4d, 'BININT2'], [0x4e, 'NONE'], [0x50, 'PERSID'], [0x51, 'BINPERSID'], [0x52, 'REDUCE'], [0x53, 'STRING'], [0x54, 'BINSTRING'],
  [0x55, 'SHORT_BINSTRING'], [0x56, 'UNICODE'], [0x58, 'BINUNICODE'], [0x5d, 'EMPTY_LIST'], [0x61, 'APPEND'], [0x62, 'BUILD'], [0x63, 'GLOBAL'],
  [0x64, 'DICT'], [0x65, 'APPENDS'], [0x67, 'GET'], [0x68, 'BINGET'], [0x69, 'INST'], [0x6a, 'LONG_BINGET'], [0x6c, 'LIST'], [0x6f, 'OBJ'],
  [0x70, 'PUT'], [0x71, 'BINPUT'], [0x72, 'LONG_BINPUT'], [0x73, 'SETITEM'], [0x74, 'TUPLE'], [0x75, 'SETITEMS'], [0x7d, 'EMPTY_DICT'],
  [0x80, 'PROTO'], [0x81, 'NEWOBJ'], [0x82, 'EXT1'], [0x83, 'EXT2'], [0x84, 'EXT4'], [0x85, 'TUPLE1'], [0x86, 'TUPLE2'], [0x87, 'TUPLE3'],
  [0x88, 'NEWTRUE'], [0x89, 'NEWFALSE'], [0x8a, 'LONG1'], [0x8b, 'LONG4'], [0x8c, 'SHORT_BINUNICODE'], [0x8d, 'BINUNICODE8'], [0x8e, 'BINBYTES8'],
  [0x8f, 'EMPTY_SET'], [0x90, 'ADDITEMS'], [0x91, 'FROZENSET'], [0x92, 'NEWOBJ_EX'], [0x93, 'STACK_GLOBAL'], [0x94, 'MEMOIZE'], [0x95, 'FRAME'],
  [0x96, 'BYTEARRAY8'], [0x97, 'NEXT_BUFFER'], [0x98, 'READONLY_BUFFER'],
])

/** Python's repr of bytes: `b'ab\x00'`, single quotes unless the bytes hold one and no double quote. */
export function bytesRepr(data: Uint8Array): string {
  const quote = data.includes(0x27) && !data.includes(0x22) ? '"' : "'"
  let out = ''
  for (const b of data) {
    if (b === 0x5c) out += '\\\\'
    else if (b === quote.charCodeAt(0)) out += `\\${quote}`
    else if (b === 0x09) out += '\\t'
    else if (b === 0x0a) out += '\\n'
    else if (b === 0x0d) out += '\\r'
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`
    else out += String.fromCharCode(b)
  }
  return `b${quote}${out}${quote}`
}

/** Python's repr-like short text of a global. */
export function globalName(g: PyGlobal): string {
  return `${g.module}.${g.name}`
}

/** `items` of a list or tuple, else null. */
export function sequenceItems(value: PyValue | undefined): PyValue[] | null {
  return typeof value === 'object' && value !== null && (value.kind === 'list' || value.kind === 'tuple') ? value.items : null
}

/** The value under a string key of a dict, else undefined. */
export function dictGet(value: PyValue | undefined, key: string): PyValue | undefined {
  if (typeof value !== 'object' || value === null || value.kind !== 'dict') return undefined
  const i = value.index.get(key)
  return i === undefined ? undefined : value.values[i]
}

/** Thrown by {@link readPickle} with `partial` when the bytes end before the pickle's STOP: read more and retry. */
export const pickleTruncated: unique symbol = Symbol('pickle truncated')

class PickleCursor extends Cursor {
  constructor(
    bytes: Uint8Array,
    what: string,
    private readonly partial: boolean,
  ) {
    super(bytes, what)
  }
  protected override take(n: number): number {
    if (this.partial && n > this.remaining) throw pickleTruncated
    return super.take(n)
  }
}

/**
 * Reads one pickle (protocols 0 to 5) from `bytes`, which must hold it up to its STOP. `what` names it in
 * messages. Every opcode is bounded by the input: no value is larger than the bytes that describe it, and a
 * reference to an undefined memo entry, a short stack or an unknown opcode is a `weights-format` error. With
 * `partial`, `bytes` may be a prefix of a longer stream: running out of bytes throws {@link pickleTruncated}.
 */
export function readPickle(bytes: Uint8Array, hooks: PickleHooks, what: string, partial = false): { value: PyValue; end: number; protocol: number; opcodes: Set<number> } {
  const c = new PickleCursor(bytes, what, partial)
  // Which opcodes the pickle uses (PyTorch's `weights_only` unpickler implements only some).
  const used = new Uint8Array(256)
  const short = (length: number | bigint, message: string): void => {
    if (length > c.remaining) {
      if (partial) throw pickleTruncated
      fail(message)
    }
  }
  let stack: StackItem[] = []
  const marks: StackItem[][] = []
  const memo = new Map<number, PyValue>()
  let protocol = 0
  const fail = (message: string): never => malformed(`${what}: ${message} (at byte ${grouped(c.pos)}).`)
  // `stack` is replaced at each MARK: push through a function so that the stack is read after the value is made.
  const push = (v: StackItem): void => {
    stack.push(v)
  }
  const pop = (): PyValue => {
    const v = stack.pop()
    if (v === undefined) return fail('the pickle pops more values than it pushed')
    if (v === MARK) return fail('a value was expected, found a mark')
    return v
  }
  const top = (): PyValue => {
    const v = stack[stack.length - 1]
    if (v === undefined || v === MARK) return fail('the pickle uses a value it never pushed')
    return v
  }
  const popMark = (): PyValue[] => {
    const items = stack
    const outer = marks.pop()
    if (outer === undefined) return fail('the pickle closes a mark it never opened')
    stack = outer
    return items as PyValue[]
  }
  const line = (): string => {
    const start = c.pos
    const end = bytes.indexOf(0x0a, start)
    if (end < 0 && partial && bytes.length - start <= 4096) throw pickleTruncated
    if (end < 0 || end - start > 4096) return fail('a text argument has no end of line')
    c.pos = end + 1
    return String.fromCharCode(...bytes.subarray(start, end))
  }
  const text = (length: number): string => {
    short(length, `a string claims ${grouped(length)} bytes but only ${grouped(c.remaining)} are left`)
    const s = decodeUtf8(c.slice(length), true)
    return s ?? fail('a string is not valid UTF-8')
  }
  const int = (n: number | bigint): number | bigint => (typeof n === 'bigint' && n >= -BigInt(Number.MAX_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n)
  const long = (length: number): number | bigint => {
    if (length > maxLongBytes) fail(`an integer of ${grouped(length)} bytes is larger than any checkpoint writes`)
    const b = c.slice(length)
    let v = 0n
    for (let k = length - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]!)
    if (length > 0 && b[length - 1]! >= 0x80) v -= 1n << BigInt(length * 8)
    return int(v)
  }
  const global = (module: string, name: string): PyGlobal => {
    const written = `${module}.${name}`
    const g: PyGlobal = { kind: 'global', module: moduleRenames[module] ?? module, name, written }
    hooks.global(g.module, g.name, written)
    return g
  }
  const setItems = (target: PyValue, items: PyValue[]): void => {
    if (items.length % 2 !== 0) fail('SETITEMS with an odd number of values')
    // Items set on a class instance (a dict subclass in a whole-module pickle) are not followed.
    if (typeof target === 'object' && target !== null && target.kind === 'object') return
    if (typeof target !== 'object' || target === null || target.kind !== 'dict') {
      fail('SETITEM on something that is not a dict')
      return
    }
    for (let k = 0; k < items.length; k += 2) {
      const key = items[k]!
      const existing = typeof key === 'object' && key !== null ? undefined : target.index.get(key)
      if (existing !== undefined) target.values[existing] = items[k + 1]!
      else {
        if (typeof key !== 'object' || key === null) target.index.set(key, target.keys.length)
        target.keys.push(key)
        target.values.push(items[k + 1]!)
      }
    }
  }
  const appendItems = (target: PyValue, items: PyValue[]): void => {
    if (typeof target === 'object' && target !== null && (target.kind === 'list' || target.kind === 'set')) {
      for (const item of items) target.items.push(item)
      return
    }
    // Items appended to a class instance (a list subclass in a whole-module pickle) are not followed.
    if (typeof target === 'object' && target !== null && target.kind === 'object') return
    fail('APPEND on something that is not a list')
  }
  const instantiate = (cls: PyValue, args: PyValue[]): PyValue => {
    if (typeof cls !== 'object' || cls === null || cls.kind !== 'global') return fail('NEWOBJ of something that is not a class')
    if (hooks.global(cls.module, cls.name, cls.written) === 'class') return { kind: 'object', cls, args, state: undefined }
    return hooks.call(cls, args)
  }
  const reduce = (fn: PyValue, args: PyValue): PyValue => {
    const items = sequenceItems(args)
    if (items === null) return fail('REDUCE arguments are not a tuple')
    if (typeof fn !== 'object' || fn === null || fn.kind !== 'global') return fail('REDUCE of something that is not a function')
    if (hooks.global(fn.module, fn.name, fn.written) === 'class') {
      throw new NnsizeError('unsafe-pickle', `${what} calls \`${fn.written}\`, which is not one of the globals PyTorch's \`weights_only\` loader allows; loading it would run that code. nnsize does not run it.`)
    }
    if (fn.module === 'copyreg' && fn.name === '_reconstructor') {
      // copyreg._reconstructor(cls, base, state): how protocols 0 and 1 make class instances.
      const cls = items[0]
      if (typeof cls === 'object' && cls !== null && cls.kind === 'global') return { kind: 'object', cls, args: [], state: undefined }
      return fail('`copyreg._reconstructor` without a class')
    }
    return hooks.call(fn, items)
  }
  for (;;) {
    short(1, 'the pickle ends without STOP')
    const op = c.u8()
    used[op] = 1
    switch (op) {
      case 0x80: // PROTO
        protocol = c.u8()
        if (protocol > 5) fail(`unsupported pickle protocol ${protocol}`)
        break
      case 0x95: // FRAME
        c.skip(8)
        break
      case 0x2e: // STOP
        if (marks.length > 0) fail('the pickle stops inside a mark')
        return { value: pop(), end: c.pos, protocol, opcodes: new Set([...used.keys()].filter((k) => used[k] === 1)) }
      case 0x28: // MARK
        marks.push(stack)
        stack = []
        break
      case 0x30: // POP
        if (stack.pop() === undefined) fail('POP on an empty stack')
        break
      case 0x31: // POP_MARK
        popMark()
        break
      case 0x32: // DUP
        push(top())
        break
      case 0x4e: // NONE
        push(null)
        break
      case 0x88: // NEWTRUE
        push(true)
        break
      case 0x89: // NEWFALSE
        push(false)
        break
      case 0x4a: // BININT
        push(c.i32())
        break
      case 0x4b: // BININT1
        push(c.u8())
        break
      case 0x4d: // BININT2
        push(c.u16())
        break
      case 0x8a: // LONG1
        push(long(c.u8()))
        break
      case 0x8b: {
        // LONG4
        const n = c.i32()
        if (n < 0) fail('negative LONG4 length')
        push(long(n))
        break
      }
      case 0x49: {
        // INT (text): also True/False as 01/00
        const s = line()
        if (s === '01' || s === '00') push(s === '01')
        else if (/^[+-]?\d{1,80}$/.test(s)) push(int(BigInt(s)))
        else fail(`bad INT \`${s.slice(0, 20)}\``)
        break
      }
      case 0x4c: {
        // LONG (text)
        const s = line().replace(/L$/, '')
        if (!/^[+-]?\d{1,600}$/.test(s)) fail(`bad LONG \`${s.slice(0, 20)}\``)
        push(int(BigInt(s)))
        break
      }
      case 0x46: {
        // FLOAT (text)
        const s = line()
        const v = Number(s)
        if (s.trim() === '' || (Number.isNaN(v) && !/^[+-]?nan$/i.test(s))) fail(`bad FLOAT \`${s.slice(0, 20)}\``)
        push(v)
        break
      }
      case 0x47: {
        // BINFLOAT: big-endian
        const b = c.slice(8)
        push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false))
        break
      }
      case 0x53: {
        // STRING (text, quoted)
        const s = line()
        if (s.length < 2 || (s[0] !== "'" && s[0] !== '"') || s[s.length - 1] !== s[0]) fail('bad STRING quoting')
        push(s.slice(1, -1))
        break
      }
      case 0x54: // BINSTRING
        push(binaryString(c.i32()))
        break
      case 0x55: // SHORT_BINSTRING
        push(binaryString(c.u8()))
        break
      case 0x56: {
        // UNICODE (raw-unicode-escape text)
        const s = line()
        push(s.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))))
        break
      }
      case 0x58: // BINUNICODE
        push(text(c.u32()))
        break
      case 0x8c: // SHORT_BINUNICODE
        push(text(c.u8()))
        break
      case 0x8d: // BINUNICODE8
        push(text(length8()))
        break
      case 0x42: // BINBYTES
        push(skipBytes(c.u32()))
        break
      case 0x43: // SHORT_BINBYTES
        push(skipBytes(c.u8()))
        break
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        push(skipBytes(length8()))
        break
      case 0x5d: // EMPTY_LIST
        push({ kind: 'list', items: [] })
        break
      case 0x6c: // LIST
        push({ kind: 'list', items: popMark() })
        break
      case 0x61: {
        // APPEND
        const item = pop()
        appendItems(top(), [item])
        break
      }
      case 0x65: {
        // APPENDS
        const items = popMark()
        appendItems(top(), items)
        break
      }
      case 0x29: // EMPTY_TUPLE
        push({ kind: 'tuple', items: [] })
        break
      case 0x74: // TUPLE
        push({ kind: 'tuple', items: popMark() })
        break
      case 0x85: // TUPLE1
        push({ kind: 'tuple', items: [pop()] })
        break
      case 0x86: {
        // TUPLE2
        const b = pop()
        push({ kind: 'tuple', items: [pop(), b] })
        break
      }
      case 0x87: {
        // TUPLE3
        const z = pop()
        const y = pop()
        push({ kind: 'tuple', items: [pop(), y, z] })
        break
      }
      case 0x7d: // EMPTY_DICT
        push(newDict())
        break
      case 0x64: {
        // DICT
        const d = newDict()
        setItems(d, popMark())
        push(d)
        break
      }
      case 0x73: {
        // SETITEM
        const v = pop()
        const k = pop()
        setItems(top(), [k, v])
        break
      }
      case 0x75: {
        // SETITEMS
        const items = popMark()
        setItems(top(), items)
        break
      }
      case 0x8f: // EMPTY_SET
        push({ kind: 'set', items: [] })
        break
      case 0x90: {
        // ADDITEMS
        const items = popMark()
        appendItems(top(), items)
        break
      }
      case 0x91: // FROZENSET
        push({ kind: 'set', items: popMark() })
        break
      case 0x70: // PUT (text)
        memo.set(memoIndex(line()), top())
        break
      case 0x71: // BINPUT
        memo.set(c.u8(), top())
        break
      case 0x72: // LONG_BINPUT
        memo.set(c.u32(), top())
        break
      case 0x94: // MEMOIZE
        memo.set(memo.size, top())
        break
      case 0x67: // GET (text)
        push(recall(memoIndex(line())))
        break
      case 0x68: // BINGET
        push(recall(c.u8()))
        break
      case 0x6a: // LONG_BINGET
        push(recall(c.u32()))
        break
      case 0x63: {
        // GLOBAL module\nname\n
        const module = line()
        push(global(module, line()))
        break
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop()
        const module = pop()
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings')
        push(global(module as string, name as string))
        break
      }
      case 0x52: {
        // REDUCE
        const args = pop()
        const fn = pop()
        push(reduce(fn, args))
        break
      }
      case 0x81: {
        // NEWOBJ
        const args = sequenceItems(pop()) ?? fail('NEWOBJ arguments are not a tuple')
        push(instantiate(pop(), args))
        break
      }
      case 0x92: {
        // NEWOBJ_EX
        pop() // kwargs
        const args = sequenceItems(pop()) ?? fail('NEWOBJ_EX arguments are not a tuple')
        push(instantiate(pop(), args))
        break
      }
      case 0x69: {
        // INST module\nname\n: calls the class with the marked arguments
        const module = line()
        const cls = global(module, line())
        push(reduce(cls, { kind: 'tuple', items: popMark() }))
        break
      }
      case 0x6f: {
        // OBJ: the class is the first marked item
        const items = popMark()
        if (items.length === 0) fail('OBJ without a class')
        push(reduce(items[0]!, { kind: 'tuple', items: items.slice(1) }))
        break
      }
      case 0x62: {
        // BUILD
        const state = pop()
        const target = top()
        if (typeof target === 'object' && target !== null && (target.kind === 'object' || target.kind === 'call')) target.state = state
        else if (typeof target === 'object' && target !== null && (target.kind === 'dict' || target.kind === 'opaque')) {
          // OrderedDict attributes (`_metadata` of a state dict), tensor state: not items.
        } else fail('BUILD on a value that takes no state')
        break
      }
      case 0x50: // PERSID (text)
        push(hooks.persistentLoad(line()))
        break
      case 0x51: // BINPERSID
        push(hooks.persistentLoad(pop()))
        break
      case 0x82:
      case 0x83:
      case 0x84:
        throw new NnsizeError('unsafe-pickle', `${what} uses the copyreg extension registry (EXT opcodes), which refers to globals by number; nnsize does not follow it.`)
      case 0x97:
      case 0x98:
        fail('out-of-band buffers (protocol 5) are not part of a checkpoint')
        break
      default:
        fail(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')}`)
    }
  }

  function length8(): number {
    const n = c.u64()
    short(n, `a value claims ${grouped(n)} bytes but only ${grouped(c.remaining)} are left`)
    return Number(n)
  }
  function binaryString(length: number): string {
    if (length < 0) fail('a string has a negative length')
    short(length, `a string claims ${grouped(length)} bytes but only ${grouped(c.remaining)} are left`)
    // Python 2 `str`: bytes; read as Latin-1 as `torch.load(encoding='latin1')` does.
    return String.fromCharCode(...c.slice(length).subarray(0, Math.min(length, 4096)))
  }
  function skipBytes(length: number): PyBytes {
    short(length, `bytes claim ${grouped(length)} bytes but only ${grouped(c.remaining)} are left`)
    if (length > keptBytes) {
      c.skip(length)
      return { kind: 'bytes', length }
    }
    return { kind: 'bytes', length, data: c.slice(length).slice() }
  }
  function memoIndex(s: string): number {
    if (!/^\d{1,10}$/.test(s)) fail(`bad memo index \`${s.slice(0, 20)}\``)
    return Number(s)
  }
  function recall(index: number): PyValue {
    const v = memo.get(index)
    return v === undefined ? fail(`the pickle refers to memo entry ${index}, which it never stored`) : v
  }
}
