import { raise } from '../exceptions.js'
import { dictSet, newDict } from '../hash.js'
import { updateDict } from '../methods.js'
import { defaultDictClass, dictClass, orderedDictClass, tupleClass } from '../types.js'
import { isSubclass, lookupInMro, makeClass, namedTupleSpecOf } from '../classes.js'
import type { NamedTupleSpec, NativeClass, PyClass } from '../classes.js'
import type { Interpreter } from '../interpreter.js'
import { KEYWORDS } from '../../python/tokenize.js'
import { NONE, namespace, native, quoted, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, Value } from '../../contract/values.js'
import type { SourceSpan } from '../../errors.js'

/** Where a namedtuple class was made: its module (`__module__`), and for a class statement its qualified name and place. */
export interface NamedTupleClassOptions {
  module: string
  qualname?: string
  span?: SourceSpan
}

/**
 * Makes a namedtuple class (`collections.namedtuple`, `typing.NamedTuple`), a subclass of `tuple`. Calling it takes
 * the fields by position or keyword, the missing ones from the last `defaults`, and gives a tuple with these fields
 * (`p.x`, `p[0]`). The class has the fields as read-only properties, `_fields`, `_field_defaults`, `_make`,
 * `_replace`, `_asdict`, and a `__new__` whose `__defaults__` a program may replace
 * (`T.__new__.__defaults__ = (None,) * len(T._fields)`).
 */
export function makeNamedTupleClass(typename: string, fields: readonly string[], defaults: readonly Value[], options: NamedTupleClassOptions): PyClass {
  // `T.__new__(cls, ...)`, also as `super().__new__(cls, ...)` from a subclass's own `__new__`.
  const newFunction = native(`${typename}.__new__`, (args, span) => {
    const target = args[0]?.value
    return construct(spec, target?.kind === 'class' ? target.cls : cls, args.slice(1), span)
  }, { members: { __defaults__: defaults.length > 0 ? tuple([...defaults]) : NONE } })
  const spec: NamedTupleSpec = { fields, newFunction }
  const cls = makeClass(typename, [tupleClass], { module: options.module, qualname: options.qualname ?? typename, span: options.span, native: namedTupleNative })
  cls.namedtuple = spec
  /** The instance a method of the class was called on. */
  const selfOf = (args: readonly ArgValue[], method: string, span: SourceSpan): Extract<Value, { kind: 'tuple' }> => {
    const self = args[0]?.value
    return self?.kind === 'tuple' && self.items.length === fields.length ? self : raise('TypeError', 'argument-type', `\`${typename}.${method}\` takes a \`${typename}\`, got ${self ? typeName(self) : 'nothing'}.`, span)
  }
  // Each field is a read-only property of the class, as Python's `_tuplegetter` (`T.x`, `hasattr(T, 'x')`).
  fields.forEach((field, index) => {
    cls.dict.set(field, { kind: 'descriptor', type: 'property', fn: native(`${typename}.${field}`, (args, span) => selfOf(args, field, span).items[index]!) })
  })
  const fieldDefaults = newDict()
  defaults.forEach((v, i) => dictSet(fieldDefaults, str(fields[fields.length - defaults.length + i]!), v, undefined))
  cls.dict.set('__new__', newFunction)
  cls.dict.set('_fields', tuple(fields.map(str)))
  cls.dict.set('_field_defaults', fieldDefaults)
  const make = native(`${typename}._make`, (args, span, it) => {
    const [target, iterable] = [args[0]?.value, args[1]?.value]
    if (args.length !== 2 || iterable === undefined || args[1]!.name !== undefined) raise('TypeError', 'argument-type', `\`${typename}._make()\` takes one iterable.`, span)
    const items = it!.toArray(iterable, span)
    if (items.length !== fields.length) raise('TypeError', 'argument-value', `Expected ${fields.length} arguments, got ${items.length}.`, span)
    return construct(spec, target?.kind === 'class' ? target.cls : cls, items.map((value) => ({ value, span, valueSpan: span })), span)
  })
  cls.dict.set('_make', { kind: 'descriptor', type: 'classmethod', fn: make })
  cls.dict.set('_replace', native(`${typename}._replace`, (args, span) => {
    const self = selfOf(args, '_replace', span)
    const changes = args.slice(1)
    const positional = changes.find((a) => a.name === undefined)
    if (positional) raise('TypeError', 'too-many-arguments', '`_replace()` takes keyword arguments only.', positional.span)
    const unknown = changes.map((a) => a.name!).filter((k) => !fields.includes(k))
    if (unknown.length > 0) raise('ValueError', 'argument-value', `Got unexpected field names: [${unknown.map((k) => `'${k}'`).join(', ')}]`, span)
    return construct(spec, self.cls ?? cls, fields.map((f, i) => ({ value: changes.find((a) => a.name === f)?.value ?? self.items[i]!, span, valueSpan: span })), span)
  }, { binds: true }))
  cls.dict.set('_asdict', native(`${typename}._asdict`, (args, span) => {
    const self = selfOf(args, '_asdict', span)
    if (args.length > 1) raise('TypeError', 'too-many-arguments', '`_asdict()` takes no arguments.', span)
    const out = newDict()
    fields.forEach((f, i) => dictSet(out, str(f), self.items[i]!, span))
    return out
  }, { binds: true }))
  return cls
}

/**
 * How a namedtuple class and the classes derived from it are called: a subclass's own `__new__` when it defines one
 * (`def __new__(cls, channels=None): return super().__new__(cls, channels)`), else the fields; then its own
 * `__init__`, when it defines one.
 */
export const namedTupleNative: NativeClass = {
  subclassable: true,
  call: (args, span, it, cls) => {
    const spec = namedTupleSpecOf(cls)!
    const ownNew = lookupInMro(cls, '__new__')
    const made = ownNew && ownNew.value !== spec.newFunction ? it.call(ownNew.value, [{ value: cls.value, span, valueSpan: span }, ...args], span) : construct(spec, cls, args, span)
    const init = lookupInMro(cls, '__init__')
    if (init && init.value.kind === 'function' && made.kind === 'tuple' && made.cls !== undefined && isSubclass(made.cls, cls)) it.call(init.value, [{ value: made, span, valueSpan: span }, ...args], span)
    return made
  },
}

/** An instance of the namedtuple class `cls` from the arguments of its call: the fields by position or keyword, the rest from `__new__.__defaults__`. */
function construct(spec: NamedTupleSpec, cls: PyClass, args: readonly ArgValue[], span: SourceSpan): Value {
  const { fields } = spec
  const { name } = cls
  // The defaults are those of `__new__` when called: a program may set `T.__new__.__defaults__` afterwards.
  const current = spec.newFunction.members!['__defaults__']!
  const defaults = current.kind === 'tuple' ? current.items : []
  const items: Array<Value | undefined> = new Array<Value | undefined>(fields.length).fill(undefined)
  let position = 0
  for (const a of args) {
    if (a.name === undefined) {
      if (position >= fields.length) {
        const given = args.filter((b) => b.name === undefined).length
        raise('TypeError', 'too-many-arguments', `\`${name}()\` takes ${fields.length} positional argument${fields.length === 1 ? '' : 's'} but ${given} were given.`, a.span)
      }
      items[position++] = a.value
      continue
    }
    const at = fields.indexOf(a.name)
    if (at < 0) raise('TypeError', 'unknown-argument', `\`${name}()\` got an unexpected keyword argument ${quoted(a.name)}; its fields are ${fields.map(quoted).join(', ') || 'none'}.`, a.span)
    if (items[at] !== undefined) raise('TypeError', 'too-many-arguments', `\`${name}()\` got multiple values for argument ${quoted(a.name)}.`, a.span)
    items[at] = a.value
  }
  const firstDefault = fields.length - defaults.length
  const filled = items.map((v, k) => v ?? (k >= firstDefault ? defaults[k - firstDefault]! : raise('TypeError', 'missing-argument', `\`${name}()\` is missing required argument ${quoted(fields[k]!)}.`, span)))
  return tuple(filled, fields, cls)
}

/** The field names `collections.namedtuple` takes: `'x y'`, `'x, y'`, `['x', 'y']`. */
function fieldNamesOf(it: Interpreter, value: Value, span: SourceSpan): string[] {
  return value.kind === 'str' ? value.value.replace(/,/g, ' ').split(/\s+/).filter((f) => f !== '') : it.toArray(value, span).map((f) => it.str(f, span))
}

/**
 * A namedtuple's type name and field names checked as Python checks them (identifiers, no keywords, no leading
 * underscore, no duplicates), or with `rename` the bad field names replaced by `_0`, `_1`, … by position.
 */
export function checkedFieldNames(typename: string, fields: readonly string[], rename: boolean, span: SourceSpan): string[] {
  const names = [...fields]
  if (rename) {
    const seen = new Set<string>()
    names.forEach((name, index) => {
      if (!isIdentifier(name) || KEYWORDS.has(name) || name.startsWith('_') || seen.has(name)) names[index] = `_${index}`
      seen.add(name)
    })
  }
  for (const name of [typename, ...names]) {
    if (!isIdentifier(name)) raise('ValueError', 'argument-value', `Type names and field names must be valid identifiers: '${name}'.`, span)
    if (KEYWORDS.has(name)) raise('ValueError', 'argument-value', `Type names and field names cannot be a keyword: '${name}'.`, span)
  }
  const seen = new Set<string>()
  for (const name of names) {
    if (name.startsWith('_') && !rename) raise('ValueError', 'argument-value', `Field names cannot start with an underscore: '${name}'.`, span)
    if (seen.has(name)) raise('ValueError', 'argument-value', `Encountered duplicate field name: '${name}'.`, span)
    seen.add(name)
  }
  return names
}

/** A Python identifier (`str.isidentifier()`). */
function isIdentifier(name: string): boolean {
  return /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)
}

/** `collections`: `OrderedDict`, `defaultdict`, `namedtuple`, and `collections.abc`'s names as type hints. */
export function collectionsNamespace(): NamespaceValue {
  orderedDictClass.native = {
    subclassable: false,
    call: (args, span, it) => {
      const out = newDict(true)
      for (const a of args) {
        if (a.name === undefined) updateDict(it, out, a.value, span)
        else dictSet(out, str(a.name), a.value, span)
      }
      return out
    },
  }
  defaultDictClass.native = {
    subclassable: false,
    call: (args, span, it) => {
      const out = newDict()
      const factory = args[0]?.name === undefined ? args[0]?.value : undefined
      if (factory && factory.kind !== 'none') out.defaultFactory = factory
      for (const a of args.slice(factory ? 1 : 0)) {
        if (a.name === undefined) updateDict(it, out, a.value, span)
        else dictSet(out, str(a.name), a.value, span)
      }
      return out
    },
  }
  // `namedtuple(typename, field_names, *, rename=False, defaults=None, module=None)`
  const namedtuple = native('collections.namedtuple', (args, span, it) => {
    const positional = args.filter((a) => a.name === undefined)
    const named = new Map(args.filter((a) => a.name !== undefined).map((a) => [a.name!, a.value]))
    for (const a of args) {
      if (a.name !== undefined && !['typename', 'field_names', 'rename', 'defaults', 'module'].includes(a.name)) raise('TypeError', 'unknown-argument', `\`namedtuple()\` got an unexpected keyword argument ${quoted(a.name)}.`, a.span)
    }
    if (positional.length > 2) raise('TypeError', 'too-many-arguments', `\`namedtuple()\` takes 2 positional arguments but ${positional.length} were given.`, span)
    const typename = positional[0]?.value ?? named.get('typename')
    const fieldsValue = positional[1]?.value ?? named.get('field_names')
    if (typename?.kind !== 'str') return raise('TypeError', 'argument-type', '`namedtuple` needs a type name.', span)
    if (fieldsValue === undefined) return raise('TypeError', 'missing-argument', '`namedtuple()` is missing its field names.', span)
    const rename = named.get('rename')
    const fields = checkedFieldNames(typename.value, fieldNamesOf(it!, fieldsValue, span), rename !== undefined && it!.truthy(rename, span), span)
    const defaultsValue = named.get('defaults')
    const defaults = defaultsValue && defaultsValue.kind !== 'none' ? it!.toArray(defaultsValue, span) : []
    if (defaults.length > fields.length) raise('TypeError', 'argument-value', 'Got more default values than field names.', span)
    const module = named.get('module')
    return makeNamedTupleClass(typename.value, fields, defaults, { module: module?.kind === 'str' ? module.value : 'collections' }).value
  })
  const abc = namespace('collections.abc', {}, (name) => ({ kind: 'typehint', name: `collections.abc.${name}` }))
  void dictClass
  return namespace('collections', { OrderedDict: orderedDictClass.value, defaultdict: defaultDictClass.value, namedtuple, abc })
}
