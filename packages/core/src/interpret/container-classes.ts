import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { isSubclass, lookupInMro, namedTupleSpecOf } from './classes.js'
import type { PyClass } from './classes.js'
import { raise } from './exceptions.js'
import { dictHas, dictSet, newDict } from './hash.js'
import type { Interpreter } from './interpreter.js'
import { builtinMethod, positionalArgs, updateDict } from './methods.js'
import { genericDelAttr, genericSetAttr } from './objects.js'
import { equals, isSame, iteratorValue } from './operators.js'
import { baseDelItem, baseGetItem, baseSetItem, setItem } from './subscript.js'
import { defaultDictClass, dictClass, listClass, objectClass, orderedDictClass } from './types.js'
import { NONE, bool, int, native, str, typeName } from '../contract/values.js'
import type { ArgValue, CallableValue, DictValue, Value, ValueOf } from '../contract/values.js'

/**
 * Classes derived from the built-in containers (`class AttrDict(dict)`, `class Specs(list)`, `OrderedDict`,
 * `defaultdict`). Their instances are the dicts and lists they are, carrying their class (`cls`) and the attributes set
 * on them (`attrs`): every builtin and layer that takes a dict or list takes them as it is, and `type(x)`, the class's
 * methods and its overridden dunders (`__getitem__`, `__missing__`, `__getattr__`, `__setattr__`, …) answer as in
 * Python. The built-in classes hold their methods as class attributes, so that `super().__init__(*args)`,
 * `dict.__init__(self, d)`, `super().__getitem__(key)` and `__getattr__ = dict.get` work.
 */

/** The built-in classes a class statement may derive from to make dicts or lists. */
const containerClasses: ReadonlySet<PyClass> = new Set([dictClass, listClass, orderedDictClass, defaultDictClass])

/** An instance of a class derived from `dict` or `list`. */
export type ContainerInstance = DictValue | ValueOf<'list'>

/** The class of a dict or list made by a class derived from `dict` or `list`; undefined for any other value. */
function containerClassOf(value: Value): PyClass | undefined {
  return value.kind === 'dict' || value.kind === 'list' ? value.cls : undefined
}

/** The class's own definition of a dunder (`__getitem__`, `__len__`) for a dict or list of a derived class; undefined when it keeps the built-in one. */
export function containerDunder(value: Value, name: string): Value | undefined {
  const cls = containerClassOf(value)
  if (cls === undefined) return undefined
  const found = lookupInMro(cls, name)
  return found && found.owner.user ? found.value : undefined
}

/** True for `dict`, `list`, `OrderedDict` and `defaultdict`, which a class statement may derive from. */
export function isContainerClass(cls: PyClass): boolean {
  return containerClasses.has(cls)
}

/**
 * The built-in container a class with these bases derives from (the most derived, `OrderedDict` before `dict`), or
 * undefined. Two that are not one the other's base (`dict` and `list`), or a container with a tuple or an exception,
 * cannot share an instance, as in Python; a module class and a container is not supported.
 */
export function containerBase(name: string, bases: ReadonlyArray<{ cls: PyClass; span: SourceSpan }>): PyClass | undefined {
  let found: PyClass | undefined
  for (const base of bases) {
    const container = isContainerClass(base.cls) ? base.cls : base.cls.container
    if (container === undefined) continue
    if (found === undefined || isSubclass(container, found)) found = container
    else if (!isSubclass(found, container)) raise('TypeError', 'type', `\`${name}\`: multiple bases have instance lay-out conflict (\`${found.name}\` and \`${container.name}\`).`, base.span)
  }
  if (found === undefined) return undefined
  for (const base of bases) {
    if (base.cls.isModule) throw new NnsizeError('unsupported', `Deriving a class from both \`${base.cls.name}\` (a module) and \`${found.name}\` is not supported yet.`, { span: base.span })
    if (base.cls.isException || namedTupleSpecOf(base.cls) !== undefined) {
      raise('TypeError', 'type', `\`${name}\`: multiple bases have instance lay-out conflict (\`${found.name}\` and \`${base.cls.name}\`).`, base.span)
    }
  }
  return found
}

/** The empty dict or list a class derived from a container makes before its `__init__` runs (the built-in `__new__`). */
export function newContainerInstance(cls: PyClass): ContainerInstance {
  const base = cls.container!
  if (base === listClass) return { kind: 'list', items: [], cls }
  const made = newDict(isSubclass(base, orderedDictClass))
  made.cls = cls
  return made
}

/** The `self` a built-in container method was called with, of the kind its class holds. */
function selfOf<K extends 'dict' | 'list'>(args: readonly ArgValue[], kind: K, owner: PyClass, name: string, span: SourceSpan): ValueOf<K> {
  const self = args[0]?.value
  if (self?.kind === kind) return self as ValueOf<K>
  return raise('TypeError', 'argument-type', `Descriptor \`${name}\` of \`${owner.name}\` objects needs a \`${owner.name}\`, got ${self ? typeName(self) : 'nothing'}.`, span)
}

/** A method of a built-in container class as a class attribute: called with `self` first, bound when read from an instance. */
function containerMethod<K extends 'dict' | 'list'>(owner: PyClass, kind: K, name: string, body: (self: ValueOf<K>, args: ArgValue[], span: SourceSpan, it: Interpreter) => Value): CallableValue {
  return native(`${owner.name}.${name}`, (args, span, it) => body(selfOf(args, kind, owner, name, span), args.slice(1), span, it!), { binds: true })
}

/** The named method of a built-in container class (`dict.keys`, `list.append`): the method of the value, with the rest of the arguments. */
function namedMethod(owner: PyClass, kind: 'dict' | 'list', name: string): CallableValue {
  return containerMethod(owner, kind, name, (self, args, span, it) => {
    const bound = builtinMethod(it, self, name, span)
    if (bound === undefined) return raise('AttributeError', 'unknown-attribute', `\`${owner.name}\` has no method \`${name}\`.`, span)
    return it.call(bound, args, span)
  })
}

/**
 * Fills a dict from `dict(...)`'s arguments: at most one mapping or iterable of pairs, then keywords, with the built-in
 * assignment (never the class's `__setitem__`), as CPython's `dict.__init__`.
 */
function initDict(it: Interpreter, self: DictValue, args: readonly ArgValue[], owner: string, span: SourceSpan): void {
  const positional = args.filter((a) => a.name === undefined)
  if (positional.length > 1) raise('TypeError', 'too-many-arguments', `\`${owner}\` expected at most 1 argument, got ${positional.length}.`, span)
  if (positional[0]) updateDict(it, self, positional[0].value, span)
  for (const a of args) if (a.name !== undefined) dictSet(self, str(a.name), a.value, a.span)
}

/** True for a value `callable()` accepts as a `defaultdict` factory. */
function isCallableValue(value: Value): boolean {
  return value.kind === 'callable' || value.kind === 'function' || value.kind === 'method' || value.kind === 'class' || value.kind === 'placeholder' || (value.kind === 'instance' && lookupInMro(value.cls, '__call__') !== undefined)
}

/** Installs the built-in containers' methods as class attributes, and `object.__setattr__` / `object.__delattr__`. */
function installContainerMethods(): void {
  for (const name of ['keys', 'values', 'items', 'get', 'pop', 'popitem', 'setdefault', 'update', 'copy', 'clear']) dictClass.dict.set(name, namedMethod(dictClass, 'dict', name))
  orderedDictClass.dict.set('move_to_end', namedMethod(orderedDictClass, 'dict', 'move_to_end'))
  for (const name of ['append', 'extend', 'insert', 'pop', 'remove', 'index', 'count', 'reverse', 'sort', 'copy', 'clear']) listClass.dict.set(name, namedMethod(listClass, 'list', name))

  dictClass.dict.set('__init__', containerMethod(dictClass, 'dict', '__init__', (self, args, span, it) => {
    initDict(it, self, args, 'dict', span)
    return NONE
  }))
  defaultDictClass.dict.set('__init__', containerMethod(defaultDictClass, 'dict', '__init__', (self, args, span, it) => {
    const first = args[0]?.name === undefined ? args[0]?.value : undefined
    if (first !== undefined && first.kind !== 'none' && !isCallableValue(first)) raise('TypeError', 'argument-type', `The first argument of \`defaultdict\` must be callable or None, got ${typeName(first)}.`, span)
    if (first !== undefined && first.kind !== 'none') self.defaultFactory = first
    else delete self.defaultFactory
    initDict(it, self, first === undefined ? args : args.slice(1), 'defaultdict', span)
    return NONE
  }))
  listClass.dict.set('__init__', containerMethod(listClass, 'list', '__init__', (self, args, span, it) => {
    const keyword = args.find((a) => a.name !== undefined)
    if (keyword) raise('TypeError', 'unknown-argument', '`list()` takes no keyword arguments.', keyword.span)
    if (args.length > 1) raise('TypeError', 'too-many-arguments', `\`list\` expected at most 1 argument, got ${args.length}.`, span)
    // As CPython: the list is emptied, then extended (`l.__init__(l)` leaves it empty).
    self.items.length = 0
    if (args[0]) {
      const items = it.toArray(args[0].value, span)
      it.budget.allocate(items.length, span)
      self.items.push(...items)
    }
    return NONE
  }))

  for (const [owner, kind] of [[dictClass, 'dict'], [listClass, 'list']] as const) {
    owner.dict.set('__getitem__', containerMethod(owner, kind, '__getitem__', (self, args, span, it) => {
      const { values } = positionalArgs(`${owner.name}.__getitem__`, args, 1, 1, span)
      return baseGetItem(it, self, values[0]!, span)
    }))
    owner.dict.set('__setitem__', containerMethod(owner, kind, '__setitem__', (self, args, span, it) => {
      const { values } = positionalArgs(`${owner.name}.__setitem__`, args, 2, 2, span)
      baseSetItem(it, self, values[0]!, values[1]!, span)
      return NONE
    }))
    owner.dict.set('__delitem__', containerMethod(owner, kind, '__delitem__', (self, args, span, it) => {
      const { values } = positionalArgs(`${owner.name}.__delitem__`, args, 1, 1, span)
      baseDelItem(it, self, values[0]!, span)
      return NONE
    }))
    owner.dict.set('__contains__', containerMethod(owner, kind, '__contains__', (self, args, span, it) => {
      const item = positionalArgs(`${owner.name}.__contains__`, args, 1, 1, span).values[0]!
      return bool(baseContains(it, self, item, span))
    }))
    owner.dict.set('__len__', containerMethod(owner, kind, '__len__', (self, args, span) => {
      positionalArgs(`${owner.name}.__len__`, args, 0, 0, span)
      return int(self.kind === 'dict' ? self.entries.length : self.items.length)
    }))
    owner.dict.set('__iter__', containerMethod(owner, kind, '__iter__', (self, args, span) => {
      positionalArgs(`${owner.name}.__iter__`, args, 0, 0, span)
      return baseIterator(self)
    }))
  }

  // `dict.fromkeys(keys, value=None)`: the class called with no arguments, then each key set, through its `__setitem__`.
  dictClass.dict.set('fromkeys', {
    kind: 'descriptor',
    type: 'classmethod',
    fn: native('dict.fromkeys', (args, span, it) => {
      const { values } = positionalArgs('dict.fromkeys', args.slice(1), 1, 2, span)
      const made = it!.call(args[0]!.value, [], span)
      const value = values[1] ?? NONE
      for (const key of it!.toArray(values[0]!, span)) setItem(it!, made, key, value, span)
      return made
    }),
  })

  // `object.__setattr__(self, name, value)` / `super().__setattr__(name, value)`: the attribute set as if the class defined no `__setattr__`.
  objectClass.dict.set('__setattr__', native('object.__setattr__', (args, span, it) => {
    const { values } = positionalArgs('object.__setattr__', args, 3, 3, span)
    if (values[1]!.kind !== 'str') raise('TypeError', 'argument-type', `Attribute name must be a string, not ${typeName(values[1]!)}.`, span)
    genericSetAttr(it!, values[0]!, values[1].value, values[2]!, span)
    return NONE
  }, { binds: true }))
  objectClass.dict.set('__delattr__', native('object.__delattr__', (args, span, it) => {
    const { values } = positionalArgs('object.__delattr__', args, 2, 2, span)
    if (values[1]!.kind !== 'str') raise('TypeError', 'argument-type', `Attribute name must be a string, not ${typeName(values[1]!)}.`, span)
    genericDelAttr(it!, values[0]!, values[1].value, span)
    return NONE
  }, { binds: true }))
}

/** `item in self` as the built-in container answers it, without the class's `__contains__`. */
function baseContains(it: Interpreter, self: ContainerInstance, item: Value, span: SourceSpan): boolean {
  if (self.kind === 'dict') return dictHas(self, item, span)
  it.budget.scanItems(self.items.length, span)
  for (const x of self.items) if (isSame(x, item) || equals(it, x, item, span)) return true
  return false
}

/** `iter(self)` as the built-in container makes it: a dict's keys, a list's items (seen growing while iterated, as in Python). */
function baseIterator(self: ContainerInstance): Value {
  let i = 0
  if (self.kind === 'dict') return iteratorValue('dict_keyiterator', () => (i < self.entries.length ? self.entries[i++]![0] : undefined))
  return iteratorValue('list_iterator', () => (i < self.items.length ? self.items[i++] : undefined))
}

installContainerMethods()
