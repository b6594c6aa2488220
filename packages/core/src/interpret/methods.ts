import type { SourceSpan } from '../errors.js'
import { dtypeBytes, isFloatingDType } from '../tensor/dtype.js'
import { raise } from './exceptions.js'
import { dictDelete, dictGet, dictHas, dictSet, hashKey, newDict } from './hash.js'
import type { Interpreter } from './interpreter.js'
import { contains, equals, iteratorValue, order, rangeLength, setOperation, toSet } from './operators.js'
import { strFormat } from './strings.js'
import { sortValues } from './builtins.js'
import { numpyScalarMethod } from './modules/numpy.js'
import { sizeClass } from './types.js'
import { FALSE, NONE, TRUE, bool, float, int, list, native, str, tuple, typeName } from '../contract/values.js'
import type { ArgValue, CallableValue, DictValue, SetValue, Value } from '../contract/values.js'

/** Positional arguments of a method, checked for count; keywords are refused unless listed. */
export function positionalArgs(name: string, args: readonly ArgValue[], min: number, max: number, span: SourceSpan, keywords: readonly string[] = []): { values: Value[]; named: Map<string, Value> } {
  const values: Value[] = []
  const named = new Map<string, Value>()
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a.name === undefined) values.push(a.value)
    else if (keywords.includes(a.name)) named.set(a.name, a.value)
    else raise('TypeError', 'unknown-argument', `\`${name}()\` takes no keyword argument \`${a.name}\`.`, a.span)
  }
  if (values.length < min || values.length > max) {
    raise('TypeError', values.length < min ? 'missing-argument' : 'too-many-arguments', `\`${name}()\` takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'} (${values.length} given).`, span)
  }
  return { values, named }
}

function method(owner: string, name: string, body: (values: Value[], named: Map<string, Value>, span: SourceSpan, it: Interpreter) => Value, min = 0, max = min, keywords: readonly string[] = []): CallableValue {
  const qualified = `${owner}.${name}`
  return native(qualified, (args, span, it) => {
    const { values, named } = positionalArgs(qualified, args, min, max, span, keywords)
    return body(values, named, span, it!)
  })
}

function needStr(v: Value | undefined, what: string, span: SourceSpan): string {
  if (v?.kind !== 'str') return raise('TypeError', 'argument-type', `${what} must be a string, got ${v ? typeName(v) : 'nothing'}.`, span)
  return v.value
}

function needInt(v: Value | undefined, what: string, span: SourceSpan): bigint {
  if (v?.kind === 'int') return v.value
  if (v?.kind === 'bool') return v.value ? 1n : 0n
  return raise('TypeError', 'argument-type', `${what} must be an int, got ${v ? typeName(v) : 'nothing'}.`, span)
}

function madeString(it: Interpreter, text: string, span: SourceSpan): Value {
  it.budget.string(text.length, span)
  return str(text)
}

function strMethod(it: Interpreter, self: string, name: string, span: SourceSpan): Value | undefined {
  // Every string method reads the string once: charged per call.
  const m = (fn: Parameters<typeof method>[2], min = 0, max = min, keywords: readonly string[] = []): CallableValue =>
    method('str', name, (v, n, sp, interp) => {
      interp.budget.scanChars(self.length, sp)
      return fn(v, n, sp, interp)
    }, min, max, keywords)
  const prefixTest = (test: (s: string, p: string) => boolean) =>
    m((v, _n, sp) => {
      const p = v[0]!
      if (p.kind === 'tuple') return bool(p.items.some((x) => test(self, needStr(x, 'A prefix', sp))))
      return bool(test(self, needStr(p, 'A prefix', sp)))
    }, 1, 1)
  switch (name) {
    case 'format':
      return native('str.format', (args, sp, interp) => {
        interp!.budget.scanChars(self.length, sp)
        const positional = args.filter((a) => a.name === undefined).map((a) => a.value)
        const named = new Map(args.filter((a) => a.name !== undefined).map((a) => [a.name!, a.value]))
        return str(strFormat(interp!, self, positional, named, sp))
      })
    case 'join':
      return m((v, _n, sp, interp) => {
        const parts = interp.toArray(v[0]!, sp).map((p) => needStr(p, 'Each item joined', sp))
        const total = parts.reduce((n, p) => n + p.length, 0) + self.length * Math.max(0, parts.length - 1)
        interp.budget.string(total, sp)
        return str(parts.join(self))
      }, 1, 1)
    case 'split':
    case 'rsplit':
      return m((v, named, sp, interp) => {
        const sep = v[0] ?? named.get('sep')
        const maxsplit = Number(needInt(v[1] ?? named.get('maxsplit') ?? int(-1), 'maxsplit', sp))
        let parts: string[]
        if (sep === undefined || sep.kind === 'none') {
          parts = self.trim().split(/\s+/).filter((p) => p !== '')
          if (maxsplit >= 0 && parts.length > maxsplit + 1) {
            const head = name === 'split' ? parts.slice(0, maxsplit) : parts.slice(parts.length - maxsplit)
            const restText = name === 'split' ? self.trim().split(/\s+/).slice(maxsplit).join(' ') : self.trim().split(/\s+/).slice(0, parts.length - maxsplit).join(' ')
            parts = name === 'split' ? [...head, restText] : [restText, ...head]
          }
        } else {
          const s = needStr(sep, 'The separator', sp)
          if (s === '') raise('ValueError', 'argument-value', 'Empty separator.', sp)
          parts = self.split(s)
          if (maxsplit >= 0 && parts.length > maxsplit + 1) parts = name === 'split' ? [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(s)] : [parts.slice(0, parts.length - maxsplit).join(s), ...parts.slice(parts.length - maxsplit)]
        }
        interp.budget.allocate(parts.length, sp)
        return list(parts.map(str))
      }, 0, 2, ['sep', 'maxsplit'])
    case 'strip':
    case 'lstrip':
    case 'rstrip':
      return m((v, _n, sp) => {
        const chars = v[0] === undefined || v[0].kind === 'none' ? undefined : needStr(v[0], 'The characters', sp)
        let start = 0
        let end = self.length
        const strip = (c: string): boolean => (chars === undefined ? /\s/.test(c) : chars.includes(c))
        if (name !== 'rstrip') while (start < end && strip(self[start]!)) start++
        if (name !== 'lstrip') while (end > start && strip(self[end - 1]!)) end--
        return str(self.slice(start, end))
      }, 0, 1)
    case 'startswith':
      return prefixTest((s, p) => s.startsWith(p))
    case 'endswith':
      return prefixTest((s, p) => s.endsWith(p))
    case 'replace':
      return m((v, _n, sp, interp) => {
        const old = needStr(v[0], 'The text to replace', sp)
        const repl = needStr(v[1], 'The replacement', sp)
        const count = v[2] === undefined ? -1n : needInt(v[2], 'count', sp)
        const parts = self.split(old)
        const n = count < 0n ? parts.length - 1 : Math.min(parts.length - 1, Number(count))
        interp.budget.string(self.length + n * (repl.length - old.length), sp)
        if (n === parts.length - 1) return str(parts.join(repl))
        return str(parts.slice(0, n + 1).join(repl) + old + parts.slice(n + 1).join(old))
      }, 2, 3)
    case 'lower':
      return m((_v, _n, sp, interp) => madeString(interp, self.toLowerCase(), sp))
    case 'upper':
      return m((_v, _n, sp, interp) => madeString(interp, self.toUpperCase(), sp))
    case 'casefold':
      return m((_v, _n, sp, interp) => madeString(interp, self.toLowerCase(), sp))
    case 'capitalize':
      return m((_v, _n, sp, interp) => madeString(interp, self.charAt(0).toUpperCase() + self.slice(1).toLowerCase(), sp))
    case 'title':
      return m((_v, _n, sp, interp) => madeString(interp, self.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()), sp))
    case 'swapcase':
      return m((_v, _n, sp, interp) => madeString(interp, [...self].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''), sp))
    case 'find':
    case 'rfind':
    case 'index':
    case 'rindex':
      return m((v, _n, sp) => {
        const sub = needStr(v[0], 'The substring', sp)
        const at = name.startsWith('r') ? self.lastIndexOf(sub) : self.indexOf(sub)
        if (at < 0 && name.endsWith('index')) raise('ValueError', 'argument-value', 'Substring not found.', sp)
        return int(at)
      }, 1, 1)
    case 'count':
      return m((v, _n, sp) => {
        const sub = needStr(v[0], 'The substring', sp)
        return int(sub === '' ? self.length + 1 : self.split(sub).length - 1)
      }, 1, 1)
    case 'isdigit':
    case 'isnumeric':
    case 'isdecimal':
      return m(() => bool(/^\d+$/u.test(self)))
    case 'isalpha':
      return m(() => bool(/^\p{L}+$/u.test(self)))
    case 'isalnum':
      return m(() => bool(/^[\p{L}\p{N}]+$/u.test(self)))
    case 'isspace':
      return m(() => bool(/^\s+$/u.test(self)))
    case 'isupper':
      return m(() => bool(/\p{Lu}/u.test(self) && self === self.toUpperCase()))
    case 'islower':
      return m(() => bool(/\p{Ll}/u.test(self) && self === self.toLowerCase()))
    case 'isidentifier':
      return m(() => bool(/^[\p{L}_][\p{L}\p{N}_]*$/u.test(self)))
    case 'zfill':
      return m((v, _n, sp, interp) => {
        const width = Number(needInt(v[0], 'width', sp))
        const sign = self.startsWith('-') || self.startsWith('+') ? self[0]! : ''
        const body = sign ? self.slice(1) : self
        return madeString(interp, sign + body.padStart(Math.max(0, width - sign.length), '0'), sp)
      }, 1, 1)
    case 'ljust':
    case 'rjust':
    case 'center':
      return m((v, _n, sp, interp) => {
        const width = Number(needInt(v[0], 'width', sp))
        const fill = v[1] === undefined ? ' ' : needStr(v[1], 'The fill character', sp)
        interp.budget.string(width, sp)
        if (width <= self.length) return str(self)
        const total = width - self.length
        if (name === 'ljust') return str(self + fill.repeat(total))
        if (name === 'rjust') return str(fill.repeat(total) + self)
        const left = Math.floor(total / 2) + (total % 2 === 1 && self.length % 2 === 1 ? 1 : 0)
        return str(fill.repeat(left) + self + fill.repeat(total - left))
      }, 1, 2)
    case 'splitlines':
      return m((_v, _n, sp, interp) => {
        const lines = self.split(/\r\n|\r|\n/)
        if (lines.at(-1) === '') lines.pop()
        interp.budget.allocate(lines.length, sp)
        return list(lines.map(str))
      }, 0, 1)
    case 'partition':
    case 'rpartition':
      return m((v, _n, sp) => {
        const sep = needStr(v[0], 'The separator', sp)
        const at = name === 'partition' ? self.indexOf(sep) : self.lastIndexOf(sep)
        if (at < 0) return name === 'partition' ? tuple([str(self), str(''), str('')]) : tuple([str(''), str(''), str(self)])
        return tuple([str(self.slice(0, at)), str(sep), str(self.slice(at + sep.length))])
      }, 1, 1)
    case 'removeprefix':
      return m((v, _n, sp) => {
        const p = needStr(v[0], 'The prefix', sp)
        return str(self.startsWith(p) ? self.slice(p.length) : self)
      }, 1, 1)
    case 'removesuffix':
      return m((v, _n, sp) => {
        const p = needStr(v[0], 'The suffix', sp)
        return str(p !== '' && self.endsWith(p) ? self.slice(0, -p.length) : self)
      }, 1, 1)
    case 'encode':
      return m((_v, _n, sp) => raise('TypeError', 'unsupported', '`str.encode` is not supported: nnsize has no bytes.', sp), 0, 2)
    default:
      void it
      void span
      return undefined
  }
}

function listMethod(self: Extract<Value, { kind: 'list' }>, name: string): Value | undefined {
  const m = (fn: Parameters<typeof method>[2], min = 0, max = min, keywords: readonly string[] = []): CallableValue => method('list', name, fn, min, max, keywords)
  switch (name) {
    case 'append':
      return m((v, _n, sp, it) => {
        it.budget.allocate(1, sp)
        self.items.push(v[0]!)
        return NONE
      }, 1, 1)
    case 'extend':
      return m((v, _n, sp, it) => {
        const items = it.toArray(v[0]!, sp)
        it.budget.allocate(items.length, sp)
        self.items.push(...items)
        return NONE
      }, 1, 1)
    case 'insert':
      return m((v, _n, sp, it) => {
        const n = self.items.length
        let i = Number(needInt(v[0], 'The index', sp))
        if (i < 0) i = Math.max(0, i + n)
        it.budget.allocate(1, sp)
        self.items.splice(Math.min(i, n), 0, v[1]!)
        return NONE
      }, 2, 2)
    case 'pop':
      return m((v, _n, sp) => {
        if (self.items.length === 0) raise('IndexError', 'argument-value', 'Pop from an empty list.', sp)
        const n = self.items.length
        let i = v[0] === undefined ? n - 1 : Number(needInt(v[0], 'The index', sp))
        if (i < 0) i += n
        if (i < 0 || i >= n) raise('IndexError', 'argument-value', 'Pop index out of range.', sp)
        return self.items.splice(i, 1)[0]!
      }, 0, 1)
    case 'remove':
      return m((v, _n, sp, it) => {
        it.budget.scanItems(self.items.length, sp)
        const i = self.items.findIndex((x) => equals(it, x, v[0]!, sp))
        if (i < 0) raise('ValueError', 'argument-value', 'list.remove(x): x not in list.', sp)
        self.items.splice(i, 1)
        return NONE
      }, 1, 1)
    case 'index':
      return m((v, _n, sp, it) => {
        it.budget.scanItems(self.items.length, sp)
        const i = self.items.findIndex((x) => equals(it, x, v[0]!, sp))
        if (i < 0) raise('ValueError', 'argument-value', 'The value is not in the list.', sp)
        return int(i)
      }, 1, 3)
    case 'count':
      return m((v, _n, sp, it) => {
        it.budget.scanItems(self.items.length, sp)
        return int(self.items.filter((x) => equals(it, x, v[0]!, sp)).length)
      }, 1, 1)
    case 'reverse':
      return m(() => {
        self.items.reverse()
        return NONE
      })
    case 'sort':
      return m((_v, named, sp, it) => {
        const sorted = sortValues(it, self.items, named.get('key'), named.get('reverse'), sp)
        self.items.splice(0, self.items.length, ...sorted)
        return NONE
      }, 0, 0, ['key', 'reverse'])
    case 'copy':
      return m((_v, _n, sp, it) => {
        it.budget.allocate(self.items.length, sp)
        return list([...self.items])
      })
    case 'clear':
      return m(() => {
        self.items.length = 0
        return NONE
      })
    default:
      return undefined
  }
}

function tupleMethod(self: Extract<Value, { kind: 'tuple' }>, name: string): Value | undefined {
  // A namedtuple's fields are attributes.
  const field = self.fields?.indexOf(name) ?? -1
  if (field >= 0) return self.items[field]
  if (self.fields && name === '_fields') return tuple(self.fields.map(str))
  const fields = self.fields
  if (fields && name === '_replace') {
    return native('namedtuple._replace', (args, sp) => {
      if (args.some((a) => a.name === undefined)) raise('TypeError', 'too-many-arguments', '`_replace()` takes keyword arguments only.', sp)
      const unknown = args.map((a) => a.name!).filter((k) => !fields.includes(k))
      if (unknown.length > 0) raise('ValueError', 'argument-value', `Got unexpected field names: [${unknown.map((k) => `'${k}'`).join(', ')}]`, sp)
      return tuple(self.items.map((v, i) => args.find((a) => a.name === fields[i])?.value ?? v), fields)
    })
  }
  // `torch.Size.numel()`: the product of the sizes
  if (self.cls === sizeClass && name === 'numel') return method('Size', name, () => int(self.items.reduce((p, d) => p * (d.kind === 'int' ? d.value : 1n), 1n)))
  if (fields && name === '_asdict') {
    return method('namedtuple', name, (_v, _n, sp) => {
      const out = newDict(true)
      fields.forEach((f, i) => dictSet(out, str(f), self.items[i]!, sp))
      return out
    })
  }
  switch (name) {
    case 'index':
      return method('tuple', name, (v, _n, sp, it) => {
        const i = self.items.findIndex((x) => equals(it, x, v[0]!, sp))
        if (i < 0) raise('ValueError', 'argument-value', 'The value is not in the tuple.', sp)
        return int(i)
      }, 1, 3)
    case 'count':
      return method('tuple', name, (v, _n, sp, it) => int(self.items.filter((x) => equals(it, x, v[0]!, sp)).length), 1, 1)
    default:
      return undefined
  }
}

/** Adds the pairs of a mapping or of an iterable of pairs to a dict (`dict.update`, `dict(...)`). */
export function updateDict(it: Interpreter, target: DictValue, source: Value, span: SourceSpan): void {
  if (source.kind === 'dict') {
    it.budget.allocate(source.entries.length, span)
    for (const [k, v] of source.entries) dictSet(target, k, v, span)
    return
  }
  const next = it.iter(source, span)
  for (let pair = next(); pair !== undefined; pair = next()) {
    const items = it.toArray(pair, span)
    if (items.length !== 2) raise('ValueError', 'argument-value', `Dictionary update sequence element has length ${items.length}; 2 is required.`, span)
    it.budget.allocate(1, span)
    dictSet(target, items[0]!, items[1]!, span)
  }
}

function dictMethod(self: DictValue, name: string): Value | undefined {
  const m = (fn: Parameters<typeof method>[2], min = 0, max = min, keywords: readonly string[] = []): CallableValue => method('dict', name, fn, min, max, keywords)
  switch (name) {
    case 'keys':
      return m((_v, _n, sp, it) => {
        it.budget.allocate(self.entries.length, sp)
        return list(self.entries.map(([k]) => k))
      })
    case 'values':
      return m((_v, _n, sp, it) => {
        it.budget.allocate(self.entries.length, sp)
        return list(self.entries.map(([, v]) => v))
      })
    case 'items':
      return m((_v, _n, sp, it) => {
        it.budget.allocate(self.entries.length * 2, sp)
        return list(self.entries.map(([k, v]) => tuple([k, v])))
      })
    case 'get':
      return m((v, _n, sp) => dictGet(self, v[0]!, sp) ?? v[1] ?? NONE, 1, 2)
    case 'pop':
      return m((v, _n, sp) => {
        const removed = dictDelete(self, v[0]!, sp)
        if (removed !== undefined) return removed
        if (v[1] !== undefined) return v[1]
        return raise('KeyError', 'argument-value', `Key ${typeName(v[0]!) === 'str' ? `'${(v[0] as { value: string }).value}'` : typeName(v[0]!)} is not in the dict.`, sp)
      }, 1, 2)
    case 'popitem':
      return m((_v, _n, sp) => {
        const last = self.entries.at(-1)
        if (!last) raise('KeyError', 'argument-value', 'popitem(): dictionary is empty.', sp)
        dictDelete(self, last[0], sp)
        return tuple([last[0], last[1]])
      })
    case 'setdefault':
      return m((v, _n, sp, it) => {
        const found = dictGet(self, v[0]!, sp)
        if (found !== undefined) return found
        it.budget.allocate(1, sp)
        dictSet(self, v[0]!, v[1] ?? NONE, sp)
        return v[1] ?? NONE
      }, 1, 2)
    case 'update':
      return native('dict.update', (args, sp, it) => {
        for (const a of args) {
          if (a.name === undefined) updateDict(it!, self, a.value, sp)
          else dictSet(self, str(a.name), a.value, sp)
        }
        return NONE
      })
    case 'copy':
      return m((_v, _n, sp, it) => {
        it.budget.allocate(self.entries.length, sp)
        const out = newDict(self.ordered)
        for (const [k, v] of self.entries) dictSet(out, k, v, sp)
        return out
      })
    case 'clear':
      return m(() => {
        self.entries.length = 0
        self.index = new Map()
        return NONE
      })
    case 'move_to_end':
      return m((v, _n, sp) => {
        const value = dictDelete(self, v[0]!, sp)
        if (value === undefined) raise('KeyError', 'argument-value', 'Key not found.', sp)
        dictSet(self, v[0]!, value, sp)
        return NONE
      }, 1, 2)
    case '__getitem__':
      return m((v, _n, sp) => dictGet(self, v[0]!, sp) ?? raise('KeyError', 'argument-value', 'Key not found.', sp), 1, 1)
    case '__contains__':
      return m((v, _n, sp) => bool(dictHas(self, v[0]!, sp)), 1, 1)
    default:
      return undefined
  }
}

function setMethod(self: SetValue, name: string): Value | undefined {
  const m = (fn: Parameters<typeof method>[2], min = 0, max = min): CallableValue => method('set', name, fn, min, max)
  const mutate = (fn: (sp: SourceSpan, it: Interpreter, v: Value[]) => void) =>
    m((v, _n, sp, it) => {
      if (self.frozen) raise('AttributeError', 'unknown-attribute', `A frozenset has no method \`${name}\`.`, sp)
      fn(sp, it, v)
      return NONE
    }, 0, 8)
  switch (name) {
    case 'add':
      return mutate((sp, it, v) => {
        it.budget.allocate(1, sp)
        const k = hashKey(v[0]!, sp)
        if (!self.items.has(k)) self.items.set(k, v[0]!)
      })
    case 'discard':
    case 'remove':
      return mutate((sp, _it, v) => {
        if (!self.items.delete(hashKey(v[0]!, sp)) && name === 'remove') raise('KeyError', 'argument-value', 'The value is not in the set.', sp)
      })
    case 'update':
      return mutate((sp, it, v) => {
        for (const other of v) for (const x of it.toArray(other, sp)) {
          it.budget.allocate(1, sp)
          const k = hashKey(x, sp)
          if (!self.items.has(k)) self.items.set(k, x)
        }
      })
    case 'clear':
      return mutate(() => self.items.clear())
    case 'pop':
      return m((_v, _n, sp) => {
        const first = self.items.entries().next()
        if (first.done) raise('KeyError', 'argument-value', 'Pop from an empty set.', sp)
        self.items.delete(first.value[0])
        return first.value[1]
      })
    case 'copy':
      return m(() => ({ kind: 'set', items: new Map(self.items), frozen: self.frozen }))
    case 'union':
    case 'intersection':
    case 'difference':
    case 'symmetric_difference':
      return m((v, _n, sp, it) => v.reduce<SetValue>((acc, other) => setOperation(it, name, acc, toSet(it, other, false, sp), sp), self), 0, 8)
    case 'issubset':
      return m((v, _n, sp, it) => bool([...self.items.keys()].every((k) => toSet(it, v[0]!, false, sp).items.has(k))), 1, 1)
    case 'issuperset':
      return m((v, _n, sp, it) => bool([...toSet(it, v[0]!, false, sp).items.keys()].every((k) => self.items.has(k))), 1, 1)
    case 'isdisjoint':
      return m((v, _n, sp, it) => bool([...toSet(it, v[0]!, false, sp).items.keys()].every((k) => !self.items.has(k))), 1, 1)
    default:
      return undefined
  }
}

/** Methods and attributes of built-in values (`str.join`, `list.append`, `dict.items`, `int.bit_length`, `dtype.is_floating_point`, …). */
export function builtinMethod(it: Interpreter, obj: Value, name: string, span: SourceSpan): Value | undefined {
  if ((obj.kind === 'int' || obj.kind === 'float') && obj.numpy) {
    const numpyMethod = numpyScalarMethod(obj, name)
    if (numpyMethod) return numpyMethod
  }
  switch (obj.kind) {
    case 'str':
      return strMethod(it, obj.value, name, span)
    case 'list':
      return listMethod(obj, name)
    case 'tuple':
      return tupleMethod(obj, name)
    case 'dict':
      return dictMethod(obj, name)
    case 'set':
      return setMethod(obj, name)
    case 'int':
    case 'bool': {
      const v = obj.kind === 'bool' ? (obj.value ? 1n : 0n) : obj.value
      switch (name) {
        case 'bit_length':
          return method('int', name, () => int(v === 0n ? 0 : (v < 0n ? -v : v).toString(2).length))
        case 'real':
        case 'numerator':
          return int(v)
        case 'imag':
          return int(0)
        case 'denominator':
          return int(1)
        case 'is_integer':
          return method('int', name, () => TRUE)
        default:
          return undefined
      }
    }
    case 'float':
      switch (name) {
        case 'is_integer':
          return method('float', name, () => bool(Number.isInteger(obj.value)))
        case 'real':
          return obj
        case 'imag':
          return float(0)
        case 'hex':
          return undefined
        default:
          return undefined
      }
    case 'complex':
      if (name === 'real') return float(obj.real)
      if (name === 'imag') return float(obj.imag)
      return undefined
    case 'range':
      if (name === 'start') return int(obj.start)
      if (name === 'stop') return int(obj.stop)
      if (name === 'step') return int(obj.step)
      if (name === 'index') return method('range', name, (v, _n, sp, interp) => {
        if (!contains(interp, obj, v[0]!, sp)) raise('ValueError', 'argument-value', 'The value is not in the range.', sp)
        return int((needInt(v[0], 'value', sp) - obj.start) / obj.step)
      }, 1, 1)
      if (name === 'count') return method('range', name, (v, _n, sp, interp) => int(contains(interp, obj, v[0]!, sp) ? 1 : 0), 1, 1)
      void rangeLength
      return undefined
    case 'slice':
      if (name === 'start') return obj.start
      if (name === 'stop') return obj.stop
      if (name === 'step') return obj.step
      return undefined
    case 'dtype':
      switch (name) {
        case 'is_floating_point':
          return bool(isFloatingDType(obj.dtype) && !obj.dtype.startsWith('complex'))
        case 'is_complex':
          return bool(obj.dtype.startsWith('complex'))
        case 'itemsize':
          return int(dtypeBytes[obj.dtype])
        case 'is_signed':
          return bool(obj.dtype !== 'uint8' && obj.dtype !== 'bool')
        default:
          return undefined
      }
    case 'device':
      if (name === 'type') return str(obj.name.split(':')[0]!)
      if (name === 'index') return obj.name.includes(':') ? int(BigInt(obj.name.split(':')[1]!)) : NONE
      // `with torch.device(...):` sets the default device of new tensors; sizes do not depend on it.
      if (name === '__enter__') return native('device.__enter__', () => obj)
      if (name === '__exit__') return native('device.__exit__', () => FALSE)
      return undefined
    case 'iterator':
      if (name === '__next__') return native('iterator.__next__', (_a, sp) => obj.next() ?? raise('StopIteration', 'exception', 'The iterator is exhausted.', sp))
      if (name === '__iter__') return native('iterator.__iter__', () => obj)
      return undefined
    case 'none':
      return undefined
    default:
      void order
      void iteratorValue
      void FALSE
      return undefined
  }
}

/** Attribute names of a built-in value, for "did you mean". */
export function builtinMethodNames(obj: Value): string[] {
  switch (obj.kind) {
    case 'str':
      return ['format', 'join', 'split', 'rsplit', 'strip', 'lstrip', 'rstrip', 'startswith', 'endswith', 'replace', 'lower', 'upper', 'find', 'index', 'count', 'zfill', 'ljust', 'rjust', 'center', 'partition', 'removeprefix', 'removesuffix']
    case 'list':
      return ['append', 'extend', 'insert', 'pop', 'remove', 'index', 'count', 'reverse', 'sort', 'copy', 'clear']
    case 'dict':
      return ['keys', 'values', 'items', 'get', 'pop', 'popitem', 'setdefault', 'update', 'copy', 'clear']
    case 'set':
      return ['add', 'discard', 'remove', 'update', 'clear', 'pop', 'copy', 'union', 'intersection', 'difference']
    case 'tuple':
      return ['index', 'count']
    default:
      return []
  }
}
