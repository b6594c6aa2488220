import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { bitLength } from './budget.js'
import { isSubclass, lookupInMro } from './classes.js'
import type { PyClass } from './classes.js'
import { PyError, raise } from './exceptions.js'
import { dictSet, hashKey, identity, newDict, newSet } from './hash.js'
import type { Interpreter } from './interpreter.js'
import { positionalArgs, updateDict } from './methods.js'
import { moduleLength } from './nn-module.js'
import { binary, equals, floorDiv, floorMod, intToFloat, iteratorValue, order, rangeLength } from './operators.js'
import type { Iter } from './operators.js'
import { classOf, delAttr, isInstance, placeholderError } from './objects.js'
import { containerDunder } from './container-classes.js'
import { formatValue, toFixedExact } from './strings.js'
import { tensorLength } from './tensor.js'
import { tensorNumber } from './tensor-values.js'
import {
  boolClass,
  builtinTypes,
  dictClass,
  exceptionClasses,
  floatClass,
  frozensetClass,
  intClass,
  listClass,
  objectClass,
  rangeClass,
  setClass,
  sliceClass,
  strClass,
  tupleClass,
  typeClass,
  baseExceptionClass,
  complexClass,
} from './types.js'
import { ELLIPSIS_VALUE, FALSE, NONE, TRUE, bool, float, int, list, native, str, tuple, typeName } from '../contract/values.js'
import type { ArgValue, CallableValue, DictValue, Value } from '../contract/values.js'


function args1(name: string, args: readonly ArgValue[], span: SourceSpan, min: number, max: number, keywords: readonly string[] = []): { values: Value[]; named: Map<string, Value> } {
  return positionalArgs(name, args, min, max, span, keywords)
}

function needInt(v: Value, what: string, span: SourceSpan): bigint {
  if (v.kind === 'int') return v.value
  if (v.kind === 'bool') return v.value ? 1n : 0n
  if (v.kind === 'placeholder') throw placeholderError(v, span)
  return raise('TypeError', 'argument-type', `${what} must be an int, got ${typeName(v)}.`, span)
}

/** Sorts values as `sorted` does: stable, by `key`, optionally reversed. */
export function sortValues(it: Interpreter, items: readonly Value[], key: Value | undefined, reverse: Value | undefined, span: SourceSpan): Value[] {
  const keyed = items.map((v) => ({ v, k: key && key.kind !== 'none' ? it.callWith(key, [v], span) : v }))
  it.budget.step(span, Math.ceil(items.length * Math.log2(items.length + 1)))
  const descending = reverse !== undefined && it.truthy(reverse, span)
  keyed.sort((a, b) => {
    const c = order(it, a.k, b.k, span)
    return descending ? -c : c
  })
  return keyed.map((x) => x.v)
}

/** `len(value)`. */
export function lengthOf(it: Interpreter, value: Value, span: SourceSpan): bigint {
  if ((value.kind === 'dict' || value.kind === 'list') && value.cls !== undefined) {
    const own = containerDunder(value, '__len__')
    if (own) return needInt(it.callWith(own, [value], span), '`__len__`', span)
  }
  switch (value.kind) {
    case 'list':
    case 'tuple':
      return BigInt(value.items.length)
    case 'str':
      it.budget.scanChars(value.value.length, span)
      return BigInt([...value.value].length)
    case 'dict':
      return BigInt(value.entries.length)
    case 'set':
      return BigInt(value.items.size)
    case 'range':
      return rangeLength(value)
    case 'module': {
      const n = moduleLength(it, value.module)
      if (n !== undefined) return BigInt(n)
      break
    }
    case 'tensor':
      return BigInt(tensorLength(value, span))
    case 'bytes':
      return BigInt(value.value.length)
    case 'placeholder':
      throw placeholderError(value, span)
    case 'instance': {
      const f = lookupInMro(value.cls, '__len__')
      if (f && f.owner.user) return needInt(it.callWith(f.value, [value], span), '`__len__`', span)
      break
    }
    default:
      break
  }
  return raise('TypeError', 'type', `A ${typeName(value)} value has no \`len()\`.`, span)
}

function lazy(name: string, next: Iter): Value {
  return iteratorValue(name, next)
}

/** Python's `int(text)`: underscores between digits, surrounding spaces, a sign. */
function parsePythonInt(text: string, base: number, span: SourceSpan): bigint {
  const t = text.trim().replace(/(?<=[0-9a-zA-Z])_(?=[0-9a-zA-Z])/g, '')
  const m = /^([+-]?)(0[xob])?([0-9a-zA-Z]+)$/i.exec(t)
  const prefix = m?.[2]?.toLowerCase()
  const radix = base === 0 ? (prefix === '0x' ? 16 : prefix === '0o' ? 8 : prefix === '0b' ? 2 : 10) : base
  if (m && (!prefix || (radix === 16 && prefix === '0x') || (radix === 8 && prefix === '0o') || (radix === 2 && prefix === '0b'))) {
    const digits = m[3]!.toLowerCase()
    if (digits.length <= 20_000 && [...digits].every((d) => Number.parseInt(d, 36) < radix)) {
      let value = 0n
      const r = BigInt(radix)
      for (const d of digits) value = value * r + BigInt(Number.parseInt(d, 36))
      return m[1] === '-' ? -value : value
    }
  }
  return raise('ValueError', 'argument-value', `Invalid literal for int() with base ${base}: '${text.length > 40 ? `${text.slice(0, 40)}…` : text}'.`, span)
}

/** Rounds half to even, as Python's `round(x)`. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x)
  const diff = x - floor
  if (diff > 0.5) return floor + 1
  if (diff < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}

/** Converts a value to an int as `int(x)` does. */
export function toInt(it: Interpreter, v: Value, span: SourceSpan, base?: Value): Value {
  switch (v.kind) {
    case 'int':
      return v
    case 'bool':
      return int(v.value ? 1n : 0n)
    case 'float':
      if (!Number.isFinite(v.value)) raise(Number.isNaN(v.value) ? 'ValueError' : 'OverflowError', 'argument-value', `Cannot convert float ${v.value} to integer.`, span)
      return int(BigInt(Math.trunc(v.value)))
    case 'str':
      return int(parsePythonInt(v.value, base ? Number(needInt(base, 'base', span)) : 10, span))
    case 'placeholder':
      throw placeholderError(v, span)
    case 'tensor':
      return toInt(it, float(tensorNumber(v, span, 'int(tensor)')), span)
    case 'instance': {
      const f = lookupInMro(v.cls, '__int__') ?? lookupInMro(v.cls, '__index__')
      if (f && f.owner.user) return it.callWith(f.value, [v], span)
      break
    }
    default:
      break
  }
  return raise('TypeError', 'argument-type', `\`int()\` cannot convert ${typeName(v)}.`, span)
}

/** Converts a value to a float as `float(x)` does. */
export function toFloat(it: Interpreter, v: Value, span: SourceSpan): number {
  switch (v.kind) {
    case 'float':
      return v.value
    case 'int':
      return intToFloat(v.value, span)
    case 'bool':
      return v.value ? 1 : 0
    case 'str': {
      const t = v.value.trim().toLowerCase().replace(/(?<=\d)_(?=\d)/g, '')
      if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity
      if (/^[+-]?nan$/.test(t)) return Number.NaN
      if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t)
      return raise('ValueError', 'argument-value', `Could not convert string to float: '${v.value.slice(0, 40)}'.`, span)
    }
    case 'placeholder':
      throw placeholderError(v, span)
    case 'tensor':
      return tensorNumber(v, span, 'float(tensor)')
    case 'instance': {
      const f = lookupInMro(v.cls, '__float__')
      if (f && f.owner.user) return toFloat(it, it.callWith(f.value, [v], span), span)
      break
    }
    default:
      break
  }
  return raise('TypeError', 'argument-type', `\`float()\` cannot convert ${typeName(v)}.`, span)
}

function minMax(name: 'min' | 'max'): CallableValue {
  return native(name, (args, span, it) => {
    const { values, named } = args1(name, args, span, 1, Number.MAX_SAFE_INTEGER, ['key', 'default'])
    const items = values.length === 1 ? it!.toArray(values[0]!, span) : values
    if (items.length === 0) {
      const d = named.get('default')
      if (d) return d
      raise('ValueError', 'argument-value', `\`${name}()\` of an empty sequence.`, span)
    }
    const key = named.get('key')
    let best = items[0]!
    let bestKey = key ? it!.callWith(key, [best], span) : best
    for (let i = 1; i < items.length; i++) {
      const k = key ? it!.callWith(key, [items[i]!], span) : items[i]!
      const c = order(it!, k, bestKey, span)
      if (name === 'min' ? c < 0 : c > 0) {
        best = items[i]!
        bestKey = k
      }
    }
    return best
  })
}

/** Makes the values of a built-in class by calling it (`int('3')`, `list(x)`, `ValueError('…')`). */
function attachConstructors(): void {
  const set = (cls: PyClass, call: NonNullable<NonNullable<PyClass['native']>['call']>): void => {
    cls.native = { subclassable: cls.native?.subclassable ?? false, ...cls.native, call }
  }
  set(intClass, (args, span, it) => {
    const { values } = args1('int', args, span, 0, 2, ['base'])
    return values.length === 0 ? int(0) : toInt(it, values[0]!, span, values[1] ?? args.find((a) => a.name === 'base')?.value)
  })
  set(floatClass, (args, span, it) => {
    const { values } = args1('float', args, span, 0, 1)
    return float(values.length === 0 ? 0 : toFloat(it, values[0]!, span))
  })
  set(boolClass, (args, span, it) => {
    const { values } = args1('bool', args, span, 0, 1)
    return bool(values.length > 0 && it.truthy(values[0]!, span))
  })
  set(strClass, (args, span, it) => {
    const { values } = args1('str', args, span, 0, 1)
    return str(values.length === 0 ? '' : it.str(values[0]!, span))
  })
  set(complexClass, (args, span, it) => {
    const { values } = args1('complex', args, span, 0, 2)
    return { kind: 'complex', real: values[0] ? toFloat(it, values[0], span) : 0, imag: values[1] ? toFloat(it, values[1], span) : 0 }
  })
  set(listClass, (args, span, it) => {
    const { values } = args1('list', args, span, 0, 1)
    return list(values.length === 0 ? [] : copyItems(it, values[0]!, span))
  })
  set(tupleClass, (args, span, it) => {
    const { values } = args1('tuple', args, span, 0, 1)
    // A plain tuple is itself; a namedtuple's items make a plain tuple.
    if (values[0]?.kind === 'tuple' && values[0].fields === undefined) return values[0]
    return tuple(values.length === 0 ? [] : copyItems(it, values[0]!, span))
  })
  set(setClass, (args, span, it) => {
    const { values } = args1('set', args, span, 0, 1)
    return newSet(values.length === 0 ? [] : it.toArray(values[0]!, span), false, span)
  })
  set(frozensetClass, (args, span, it) => {
    const { values } = args1('frozenset', args, span, 0, 1)
    return newSet(values.length === 0 ? [] : it.toArray(values[0]!, span), true, span)
  })
  set(dictClass, (args, span, it) => {
    const out = newDict()
    for (const a of args) {
      if (a.name === undefined) updateDict(it, out, a.value, span)
      else dictSet(out, str(a.name), a.value, span)
    }
    return out
  })
  set(rangeClass, (args, span) => {
    const { values } = args1('range', args, span, 1, 3)
    const nums = values.map((v) => needInt(v, 'A `range()` argument', span))
    const [start, stop, step] = nums.length === 1 ? [0n, nums[0]!, 1n] : [nums[0]!, nums[1]!, nums[2] ?? 1n]
    if (step === 0n) raise('ValueError', 'argument-value', '`range()` step must not be zero.', span)
    return { kind: 'range', start, stop, step }
  })
  set(sliceClass, (args, span) => {
    const { values } = args1('slice', args, span, 1, 3)
    if (values.length === 1) return { kind: 'slice', start: NONE, stop: values[0]!, step: NONE }
    return { kind: 'slice', start: values[0]!, stop: values[1]!, step: values[2] ?? NONE }
  })
  set(typeClass, (args, span, it) => {
    if (args.length === 1) return classOf(it, args[0]!.value, span).value
    throw new NnsizeError('unsupported', 'Making a class with `type(name, bases, dict)` is not supported yet.', { span })
  })
  set(objectClass, (args, span) => {
    args1('object', args, span, 0, 0)
    return { kind: 'instance', cls: objectClass, dict: newDict() }
  })
  objectClass.dict.set('__init__', native('object.__init__', () => NONE, { binds: true }))
  baseExceptionClass.dict.set(
    '__init__',
    native('BaseException.__init__', (args) => {
      const self = args[0]!.value
      if (self.kind === 'instance') self.native = { args: tuple(args.slice(1).filter((a) => a.name === undefined).map((a) => a.value)) }
      return NONE
    }, { binds: true }),
  )
}

function copyItems(it: Interpreter, source: Value, span: SourceSpan): Value[] {
  const items = source.kind === 'list' || source.kind === 'tuple' ? [...source.items] : it.toArray(source, span)
  it.budget.allocate(items.length, span)
  return items
}

attachConstructors()

/** `super` as a value; `super()` without arguments is resolved by the caller, which knows the frame. */
export const superBuiltin: CallableValue = native('super', (args, span, it) => {
  const { values } = args1('super', args, span, 2, 2)
  const [cls, self] = values as [Value, Value]
  if (cls.kind !== 'class') raise('TypeError', 'argument-type', '`super()` argument 1 must be a class.', span)
  const selfClass = self.kind === 'class' ? self.cls : classOf(it!, self, span)
  if (!isSubclass(selfClass, cls.cls)) raise('TypeError', 'type', `\`super(${cls.cls.name}, obj)\`: obj must be an instance or subtype of \`${cls.cls.name}\`.`, span)
  return { kind: 'super', cls: cls.cls, self }
})

function isinstanceOf(it: Interpreter, value: Value, spec: Value, span: SourceSpan, subclass: boolean): boolean {
  switch (spec.kind) {
    case 'class':
      if (spec.cls.typedDict) raise('TypeError', 'type', `\`${spec.cls.name}\` is a \`TypedDict\`: TypedDict does not support instance and class checks.`, span)
      if (subclass) {
        if (value.kind !== 'class') raise('TypeError', 'argument-type', '`issubclass()` argument 1 must be a class.', span)
        return isSubclass(value.cls, spec.cls)
      }
      if (value.kind === 'placeholder') return false
      return isInstance(it, value, spec.cls, span)
    case 'tuple':
      return spec.items.some((s) => isinstanceOf(it, value, s, span, subclass))
    case 'placeholder':
    case 'typehint':
      return false
    default:
      return raise('TypeError', 'argument-type', `\`${subclass ? 'issubclass' : 'isinstance'}()\` argument 2 must be a class or a tuple of classes, got ${typeName(spec)}.`, span)
  }
}

/**
 * Why `open(path)` is refused: nnsize reads no files, so a script that reads its data where it builds the model (a
 * vocabulary from a text file) is sized from a file that only defines the model, with the sizes written in the entry.
 */
function openRefusal(path: Value | undefined): string {
  const named = path?.kind === 'str' ? `open('${path.value.slice(0, 200)}')` : 'open()'
  return `\`${named}\` is not supported: nnsize never reads files, so it cannot take sizes from a file's data. Where a script reads its data before the model is built, size the model from a file that only defines it, with the sizes the data would give written in the entry (\`--model\`).`
}

const refused = ['eval', 'exec', 'compile', 'input', '__import__', 'breakpoint', 'exit', 'quit', 'memoryview', 'bytearray']

/**
 * The globals of the module a call is in: the program's module whose file the call's span names (the module a
 * function was defined in, as Python's `globals()` gives), else the main module (the entry expression, a pasted program).
 */
function callerGlobals(it: Interpreter, span: SourceSpan): Map<string, Value> | undefined {
  let found: Map<string, Value> | undefined
  if (span.file !== undefined) for (const module of it.importer.modules.values()) if (module.kind === 'pymodule' && module.file === span.file) found = module.globals
  if (found) return found
  const main = it.mainGlobals
  return main instanceof Map ? main : undefined
}

/** What a dict from `globals()` does not let a program change in its module; `span` is the `globals()` call that made it. */
function refuseGlobalsWrite(what: string, span: SourceSpan): never {
  throw new NnsizeError('unsupported', `${what} through the dict \`globals()\` gave is not supported yet; bind or delete the module's names with \`global name\` in a function instead.`, { span })
}

/**
 * A module's globals as a dict, live as Python's: reading it sees the module's names as they are then (it is made
 * again from them whenever they changed), and writing a name through it (`globals()[name] = f`, `update`) binds the
 * name in the module. Deleting a name through it is refused, pointing at the `globals()` call that made it (`span`).
 */
function globalsDict(globals: Map<string, Value>, span: SourceSpan): DictValue {
  const dict = newDict()
  // Each write to `entries` (a new key goes last, a changed value replaces its pair) reaches the module.
  const watched = (entries: Array<[Value, Value]>): Array<[Value, Value]> =>
    new Proxy(entries, {
      set(target, property, value: unknown) {
        if (property === 'length') {
          if (typeof value === 'number' && value < target.length) refuseGlobalsWrite('Deleting names', span)
        } else if (Array.isArray(value)) {
          const [key, item] = value as [Value, Value]
          if (key.kind !== 'str') refuseGlobalsWrite('Setting a key that is not a string', span)
          globals.set(key.value, item)
        }
        return Reflect.set(target, property, value)
      },
      deleteProperty: () => refuseGlobalsWrite('Deleting names', span),
    })
  // The module's names, when they differ from the dict's: bound, rebound or deleted since it was last read.
  const sync = (): void => {
    const entries = dict.entries
    let same = entries.length === globals.size
    let i = 0
    if (same) {
      for (const [name, value] of globals) {
        const [key, item] = entries[i++]!
        if (key.kind !== 'str' || key.value !== name || item !== value) {
          same = false
          break
        }
      }
    }
    if (same) return
    const fresh: Array<[Value, Value]> = []
    for (const [name, value] of globals) fresh.push([str(name), value])
    dict.entries = watched(fresh)
    dict.index = undefined
  }
  sync()
  return new Proxy(dict, {
    get(target, property, receiver) {
      if (property === 'entries' || property === 'index') sync()
      return Reflect.get(target, property, receiver) as unknown
    },
  })
}

/**
 * `locals()`: a dict of the names the running function (or module, or class body) has bound, as a snapshot; the
 * call expression gives the frame (`kwargs = dict(locals())` at the top of a constructor). With arguments, or
 * called by other code (`map(locals, …)`), it is a `TypeError`.
 */
export const localsBuiltin: CallableValue = native('locals', (_args, span) => raise('TypeError', 'argument-type', '`locals()` takes no arguments and is called directly.', span))

/** The `builtins` module: what every Python module sees after its globals. */
export function pythonBuiltins(): Map<string, Value> {
  const b = new Map<string, Value>()
  for (const [name, cls] of builtinTypes) b.set(name, cls.value)
  for (const [name, cls] of exceptionClasses) b.set(name, cls.value)
  b.set('None', NONE)
  b.set('True', TRUE)
  b.set('False', FALSE)
  b.set('Ellipsis', ELLIPSIS_VALUE)
  b.set('NotImplemented', { kind: 'typehint', name: 'NotImplemented' })
  b.set('__debug__', TRUE)
  b.set('super', superBuiltin)
  b.set('locals', localsBuiltin)
  b.set('globals', native('globals', (args, span, it) => {
    args1('globals', args, span, 0, 0)
    const globals = callerGlobals(it!, span)
    if (!globals) throw new NnsizeError('unsupported', '`globals()` is not supported here: this code runs in no module of the program.', { span })
    return globalsDict(globals, span)
  }))
  for (const name of refused) {
    b.set(name, native(name, (_a, span) => {
      throw new NnsizeError('unsupported', `\`${name}()\` is not supported: nnsize never runs code it did not read, nor reads files.`, { span })
    }))
  }
  b.set('open', native('open', (a, span) => {
    throw new NnsizeError('unsupported', openRefusal(a[0]?.value), { span })
  }))
  b.set('print', native('print', (args, span, it) => {
    const { values, named } = args1('print', args, span, 0, Number.MAX_SAFE_INTEGER, ['sep', 'end', 'file', 'flush'])
    const sep = named.get('sep')
    const text = values.map((v) => it!.str(v, span)).join(sep?.kind === 'str' ? sep.value : ' ')
    it!.note(text.length > 1000 ? `${text.slice(0, 999)}…` : text)
    return NONE
  }))
  b.set('len', native('len', (args, span, it) => int(lengthOf(it!, args1('len', args, span, 1, 1).values[0]!, span))))
  b.set('repr', native('repr', (args, span, it) => str(it!.repr(args1('repr', args, span, 1, 1).values[0]!, span))))
  b.set('ascii', native('ascii', (args, span, it) => str(it!.repr(args1('ascii', args, span, 1, 1).values[0]!, span))))
  b.set('format', native('format', (args, span, it) => {
    const { values } = args1('format', args, span, 1, 2)
    return str(formatValue(it!, values[0]!, values[1]?.kind === 'str' ? values[1].value : '', span))
  }))
  b.set('abs', native('abs', (args, span, it) => {
    const v = args1('abs', args, span, 1, 1).values[0]!
    if (v.kind === 'int') return int(v.value < 0n ? -v.value : v.value)
    if (v.kind === 'bool') return int(v.value ? 1 : 0)
    if (v.kind === 'float') return float(Math.abs(v.value))
    if (v.kind === 'complex') return float(Math.hypot(v.real, v.imag))
    return it!.call(it!.getattr(v, 'abs', span), [], span)
  }))
  b.set('round', native('round', (args, span, it) => {
    const { values } = args1('round', args, span, 1, 2, ['ndigits'])
    const v = values[0]!
    const digits = values[1] ?? args.find((a) => a.name === 'ndigits')?.value
    if (v.kind === 'int' || v.kind === 'bool') {
      const n = v.kind === 'bool' ? (v.value ? 1n : 0n) : v.value
      if (!digits || digits.kind === 'none' || needInt(digits, 'ndigits', span) >= 0n) return int(n)
      const p = 10n ** -needInt(digits, 'ndigits', span)
      const q = floorDiv(n, p)
      const r = floorMod(n, p)
      const twice = 2n * r
      const rounded = twice > p || (twice === p && q % 2n !== 0n) ? q + 1n : q
      return int(rounded * p)
    }
    const x = toFloat(it!, v, span)
    if (!digits || digits.kind === 'none') {
      if (!Number.isFinite(x)) raise('OverflowError', 'argument-value', 'Cannot round a non-finite float to an int.', span)
      return int(BigInt(roundHalfEven(x)))
    }
    const n = Number(needInt(digits, 'ndigits', span))
    if (!Number.isFinite(x) || n > 300) return float(x)
    if (n < -300) return float(0 * x)
    return float(n >= 0 ? Number(toFixedExact(x, Math.min(n, 330))) : roundHalfEven(x / 10 ** -n) * 10 ** -n)
  }))
  b.set('divmod', native('divmod', (args, span, it) => {
    const [a, c] = args1('divmod', args, span, 2, 2).values as [Value, Value]
    return tuple([binary(it!, 'FloorDiv', a, c, span), binary(it!, 'Mod', a, c, span)])
  }))
  b.set('pow', native('pow', (args, span, it) => {
    const { values } = args1('pow', args, span, 2, 3)
    if (values.length === 3) {
      const base = needInt(values[0]!, 'base', span)
      let exp = needInt(values[1]!, 'exp', span)
      const mod = needInt(values[2]!, 'mod', span)
      if (mod === 0n) raise('ValueError', 'argument-value', 'pow() 3rd argument cannot be 0.', span)
      if (exp < 0n) raise('ValueError', 'argument-value', 'Negative exponents with a modulus are not supported.', span)
      let result = 1n
      let x = floorMod(base, mod)
      while (exp > 0n) {
        it!.budget.step(span)
        if (exp & 1n) result = (result * x) % mod
        x = (x * x) % mod
        exp >>= 1n
      }
      return int(floorMod(result, mod))
    }
    return binary(it!, 'Pow', values[0]!, values[1]!, span)
  }))
  b.set('sum', native('sum', (args, span, it) => {
    const { values, named } = args1('sum', args, span, 1, 2, ['start'])
    let total: Value = values[1] ?? named.get('start') ?? int(0)
    const next = it!.iter(values[0]!, span)
    for (let v = next(); v !== undefined; v = next()) total = binary(it!, 'Add', total, v, span)
    return total
  }))
  b.set('min', minMax('min'))
  b.set('max', minMax('max'))
  b.set('any', native('any', (args, span, it) => {
    const next = it!.iter(args1('any', args, span, 1, 1).values[0]!, span)
    for (let v = next(); v !== undefined; v = next()) if (it!.truthy(v, span)) return TRUE
    return FALSE
  }))
  b.set('all', native('all', (args, span, it) => {
    const next = it!.iter(args1('all', args, span, 1, 1).values[0]!, span)
    for (let v = next(); v !== undefined; v = next()) if (!it!.truthy(v, span)) return FALSE
    return TRUE
  }))
  b.set('sorted', native('sorted', (args, span, it) => {
    const { values, named } = args1('sorted', args, span, 1, 1, ['key', 'reverse'])
    const items = it!.toArray(values[0]!, span)
    it!.budget.allocate(items.length, span)
    return list(sortValues(it!, items, named.get('key'), named.get('reverse'), span))
  }))
  b.set('reversed', native('reversed', (args, span, it) => {
    const v = args1('reversed', args, span, 1, 1).values[0]!
    if (v.kind === 'range') {
      const n = rangeLength(v)
      return { kind: 'range', start: v.start + (n - 1n) * v.step, stop: v.start - v.step, step: -v.step }
    }
    const items = v.kind === 'list' || v.kind === 'tuple' ? v.items : it!.toArray(v, span)
    let i = items.length - 1
    return lazy('list_reverseiterator', () => (i >= 0 ? items[i--] : undefined))
  }))
  b.set('enumerate', native('enumerate', (args, span, it) => {
    const { values, named } = args1('enumerate', args, span, 1, 2, ['start'])
    let i = needInt(values[1] ?? named.get('start') ?? int(0), 'start', span)
    const next = it!.iter(values[0]!, span)
    return lazy('enumerate', () => {
      const v = next()
      if (v === undefined) return undefined
      it!.budget.allocate(2, span)
      return tuple([int(i++), v])
    })
  }))
  b.set('zip', native('zip', (args, span, it) => {
    const { values, named } = args1('zip', args, span, 0, Number.MAX_SAFE_INTEGER, ['strict'])
    const nexts = values.map((v) => it!.iter(v, span))
    const strict = named.get('strict')
    return lazy('zip', () => {
      if (nexts.length === 0) return undefined
      const items: Value[] = []
      for (const n of nexts) {
        const v = n()
        if (v === undefined) {
          if (strict && it!.truthy(strict, span) && items.length > 0) raise('ValueError', 'argument-value', '`zip()` arguments have different lengths.', span)
          return undefined
        }
        items.push(v)
      }
      it!.budget.allocate(items.length, span)
      return tuple(items)
    })
  }))
  b.set('map', native('map', (args, span, it) => {
    const { values } = args1('map', args, span, 2, Number.MAX_SAFE_INTEGER)
    const fn = values[0]!
    const nexts = values.slice(1).map((v) => it!.iter(v, span))
    return lazy('map', () => {
      const items: Value[] = []
      for (const n of nexts) {
        const v = n()
        if (v === undefined) return undefined
        items.push(v)
      }
      return it!.callWith(fn, items, span)
    })
  }))
  b.set('filter', native('filter', (args, span, it) => {
    const [fn, source] = args1('filter', args, span, 2, 2).values as [Value, Value]
    const next = it!.iter(source, span)
    return lazy('filter', () => {
      for (let v = next(); v !== undefined; v = next()) {
        const keep = fn.kind === 'none' ? it!.truthy(v, span) : it!.truthy(it!.callWith(fn, [v], span), span)
        if (keep) return v
      }
      return undefined
    })
  }))
  b.set('iter', native('iter', (args, span, it) => lazy('iterator', it!.iter(args1('iter', args, span, 1, 1).values[0]!, span))))
  b.set('next', native('next', (args, span, it) => {
    const { values } = args1('next', args, span, 1, 2)
    const source = values[0]!
    if (source.kind !== 'iterator') {
      if (source.kind === 'placeholder') throw placeholderError(source, span)
      raise('TypeError', 'type', `A ${typeName(source)} value is not an iterator; use \`next(iter(x))\`.`, span)
    }
    const v = source.next()
    if (v !== undefined) return v
    if (values[1]) return values[1]
    return raise('StopIteration', 'exception', 'The iterator is exhausted.', span)
  }))
  b.set('isinstance', native('isinstance', (args, span, it) => {
    const [v, spec] = args1('isinstance', args, span, 2, 2).values as [Value, Value]
    return bool(isinstanceOf(it!, v, spec, span, false))
  }))
  b.set('issubclass', native('issubclass', (args, span, it) => {
    const [v, spec] = args1('issubclass', args, span, 2, 2).values as [Value, Value]
    return bool(isinstanceOf(it!, v, spec, span, true))
  }))
  b.set('hasattr', native('hasattr', (args, span, it) => {
    const [v, name] = args1('hasattr', args, span, 2, 2).values as [Value, Value]
    if (name.kind !== 'str') raise('TypeError', 'argument-type', 'Attribute name must be a string.', span)
    if (v.kind === 'namespace') return bool(Object.hasOwn(v.members, name.value))
    try {
      return bool(it!.findattr(v, name.value, span) !== undefined)
    } catch (error) {
      if (error instanceof PyError && error.pyClass.name === 'AttributeError') return FALSE
      throw error
    }
  }))
  b.set('getattr', native('getattr', (args, span, it) => {
    const { values } = args1('getattr', args, span, 2, 3)
    const [v, name] = values as [Value, Value]
    if (name.kind !== 'str') raise('TypeError', 'argument-type', 'Attribute name must be a string.', span)
    if (values.length === 2) return it!.getattr(v, name.value, span)
    if (v.kind === 'namespace') return Object.hasOwn(v.members, name.value) ? v.members[name.value]! : values[2]!
    try {
      return it!.findattr(v, name.value, span) ?? values[2]!
    } catch (error) {
      if (error instanceof PyError && error.pyClass.name === 'AttributeError') return values[2]!
      throw error
    }
  }))
  b.set('setattr', native('setattr', (args, span, it) => {
    const [v, name, value] = args1('setattr', args, span, 3, 3).values as [Value, Value, Value]
    if (name.kind !== 'str') raise('TypeError', 'argument-type', 'Attribute name must be a string.', span)
    it!.setattr(v, name.value, value, span)
    return NONE
  }))
  b.set('delattr', native('delattr', (args, span, it) => {
    const [v, name] = args1('delattr', args, span, 2, 2).values as [Value, Value]
    if (name.kind !== 'str') raise('TypeError', 'argument-type', 'Attribute name must be a string.', span)
    delAttr(it!, v, name.value, span)
    return NONE
  }))
  b.set('callable', native('callable', (args, span) => {
    const v = args1('callable', args, span, 1, 1).values[0]!
    return bool(['callable', 'function', 'method', 'class', 'placeholder'].includes(v.kind) || (v.kind === 'instance' && lookupInMro(v.cls, '__call__') !== undefined) || v.kind === 'module')
  }))
  b.set('id', native('id', (args, span) => {
    const v = args1('id', args, span, 1, 1).values[0]!
    return int(identity(v.kind === 'module' ? v.module : v.kind === 'tensor' ? (v.def ?? v) : v.kind === 'class' ? v.cls : v))
  }))
  b.set('hash', native('hash', (args, span) => {
    const raw = hashKey(args1('hash', args, span, 1, 1).values[0]!, span)
    const key = typeof raw === 'string' ? raw : typeof raw === 'object' && raw !== null && !('descriptor' in raw) ? `o${identity(raw)}` : String(typeof raw === 'object' && raw !== null ? (raw as { descriptor: string }).descriptor : raw)
    let h = 0
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0
    return int(h)
  }))
  b.set('chr', native('chr', (args, span) => {
    const n = Number(needInt(args1('chr', args, span, 1, 1).values[0]!, 'chr() argument', span))
    if (n < 0 || n > 0x10ffff) raise('ValueError', 'argument-value', 'chr() arg not in range(0x110000).', span)
    return str(String.fromCodePoint(n))
  }))
  b.set('ord', native('ord', (args, span) => {
    const v = args1('ord', args, span, 1, 1).values[0]!
    if (v.kind !== 'str' || [...v.value].length !== 1) raise('TypeError', 'argument-type', '`ord()` expects a character.', span)
    return int(v.value.codePointAt(0)!)
  }))
  for (const [name, radix, prefix] of [['hex', 16, '0x'], ['oct', 8, '0o'], ['bin', 2, '0b']] as const) {
    b.set(name, native(name, (args, span) => {
      const n = needInt(args1(name, args, span, 1, 1).values[0]!, `${name}() argument`, span)
      return str(`${n < 0n ? '-' : ''}${prefix}${(n < 0n ? -n : n).toString(radix)}`)
    }))
  }
  b.set('vars', native('vars', (args, span, it) => it!.getattr(args1('vars', args, span, 1, 1).values[0]!, '__dict__', span)))
  b.set('dir', native('dir', (args, span) => {
    args1('dir', args, span, 0, 1)
    return list([])
  }))
  b.set('property', native('property', (args, span) => {
    const { values, named } = args1('property', args, span, 0, 4, ['fget', 'fset', 'fdel', 'doc'])
    const fget = values[0] ?? named.get('fget') ?? NONE
    const fset = values[1] ?? named.get('fset')
    return { kind: 'descriptor', type: 'property', fn: fget, setter: fset && fset.kind !== 'none' ? fset : undefined }
  }))
  b.set('staticmethod', native('staticmethod', (args, span) => ({ kind: 'descriptor', type: 'staticmethod', fn: args1('staticmethod', args, span, 1, 1).values[0]! })))
  b.set('classmethod', native('classmethod', (args, span) => ({ kind: 'descriptor', type: 'classmethod', fn: args1('classmethod', args, span, 1, 1).values[0]! })))
  void bitLength
  void equals
  return b
}
