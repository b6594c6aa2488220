import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import type { ModuleNode } from '../model/module.js'
import { didYouMean, suggest } from '../suggest.js'
import { isSubclass, lookupInMro } from './classes.js'
import type { PyClass } from './classes.js'
import { catchableClass, PyError, raise } from './exceptions.js'
import { dictDelete, dictGetString, dictSet, newDict } from './hash.js'
import type { Interpreter } from './interpreter.js'
import { builtinMethod, builtinMethodNames } from './methods.js'
import { containerDunder } from './container-classes.js'
import type { ContainerInstance } from './container-classes.js'
import { moduleAttr, moduleAttrNames, moduleClassOf, moduleDelAttr, moduleSetAttr } from './nn-module.js'
import { tensorAttr, tensorSetAttr } from './tensor.js'
import {
  boolClass,
  bytesClass,
  complexClass,
  defaultDictClass,
  deviceClass,
  dictClass,
  dtypeClass,
  ellipsisClass,
  floatClass,
  frozensetClass,
  functionClass,
  intClass,
  iteratorClass,
  listClass,
  moduleTypeClass,
  noneClass,
  objectClass,
  orderedDictClass,
  parameterClass,
  rangeClass,
  setClass,
  sliceClass,
  strClass,
  tensorClass,
  tupleClass,
  typeClass,
} from './types.js'
import { NONE, quoted, str, tuple, typeName } from '../contract/values.js'
import type { InstanceValue, PlaceholderValue, Value } from '../contract/values.js'

/** The class of any value (`type(x)`). A placeholder has none: using it raises its error. */
export function classOf(it: Interpreter, value: Value, span?: SourceSpan): PyClass {
  switch (value.kind) {
    case 'int':
      return intClass
    case 'bool':
      return boolClass
    case 'float':
      return floatClass
    case 'complex':
      return complexClass
    case 'str':
      return strClass
    case 'bytes':
      return bytesClass
    case 'none':
      return noneClass
    case 'tuple':
      return value.cls ?? tupleClass
    case 'list':
      return value.cls ?? listClass
    case 'dict':
      return value.cls ?? (value.defaultFactory ? defaultDictClass : value.ordered ? orderedDictClass : dictClass)
    case 'set':
      return value.frozen ? frozensetClass : setClass
    case 'module':
      return moduleClassOf(it, value.module)
    case 'instance':
      return value.cls
    case 'class':
      return typeClass
    case 'tensor':
      return value.isParameter ? parameterClass : tensorClass
    case 'dtype':
      return dtypeClass
    case 'device':
      return deviceClass
    case 'namespace':
    case 'pymodule':
      return moduleTypeClass
    case 'callable':
    case 'function':
    case 'method':
    case 'descriptor':
      return functionClass
    case 'range':
      return rangeClass
    case 'slice':
      return sliceClass
    case 'iterator':
      return iteratorClass
    case 'ellipsis':
      return ellipsisClass
    case 'super':
    case 'typehint':
      return objectClass
    case 'placeholder':
      throw placeholderError(value, span)
  }
}

/** `isinstance(value, cls)`. */
export function isInstance(it: Interpreter, value: Value, cls: PyClass, span?: SourceSpan): boolean {
  if (cls === objectClass) return true
  return isSubclass(classOf(it, value, span), cls)
}

/** The error a placeholder raises when the program uses it, pointing at the use (or at a misspelt attribute). */
export function placeholderError(value: PlaceholderValue, span: SourceSpan | undefined): NnsizeError {
  const reason = value.reason
  switch (reason.type) {
    case 'import':
      return new NnsizeError(
        'unsupported',
        `${quoted(value.name)} comes from ${quoted(reason.module)}, which nnsize does not read${reason.span.file !== undefined ? ` (imported in ${reason.span.file})` : ''}; the model uses it here.`,
        { span: span ?? reason.span },
      )
    case 'attribute':
      if (reason.suggestions.length > 0) {
        return new NnsizeError('unknown-attribute', `${quoted(reason.owner)} has no attribute ${quoted(reason.attribute)}.${didYouMean(reason.suggestions)}`, { span: reason.span, suggestions: reason.suggestions })
      }
      return new NnsizeError('unsupported', `${quoted(value.name.replace(/\(\)$/, ''))} is not supported yet.`, { span: span ?? reason.span })
    case 'class':
      return placeholderError({ ...reason.base, name: `${value.name} (a subclass of ${reason.base.name})` }, span)
  }
}

/** A library namespace's missing attribute: a placeholder that raises when used (a typo gets "did you mean"). */
function missingLibraryAttribute(owner: Extract<Value, { kind: 'namespace' }>, name: string, span: SourceSpan): PlaceholderValue {
  const suggestions = suggest(name, Object.keys(owner.members))
  return { kind: 'placeholder', name: `${owner.name}.${name}`, reason: { type: 'attribute', owner: owner.name, attribute: name, suggestions, span } }
}

/**
 * Binds a class attribute found for `self`: a function becomes a method, `classmethod` binds the
 * class, `staticmethod` gives its function, `property` runs its getter.
 */
export function bindAttribute(it: Interpreter, value: Value, self: Value, cls: PyClass, span: SourceSpan): Value {
  switch (value.kind) {
    case 'function':
      return { kind: 'method', self, fn: value }
    case 'callable':
      return value.binds ? { kind: 'method', self, fn: value } : value
    case 'descriptor':
      if (value.type === 'staticmethod') return value.fn
      if (value.type === 'classmethod') return { kind: 'method', self: cls.value, fn: value.fn }
      return it.callWith(value.fn, [self], span)
    default:
      return value
  }
}

/** A class attribute as read from the class itself: functions stay plain, classmethods bind the class. */
function classAttribute(it: Interpreter, cls: PyClass, name: string): Value | undefined {
  switch (name) {
    case '__name__':
      return str(cls.name)
    case '__qualname__':
      return str(cls.qualname)
    case '__module__':
      return str(cls.module)
    case '__mro__':
      return tuple(cls.mro.map((c) => c.value))
    case '__bases__':
      return tuple(cls.bases.map((c) => c.value))
    case '__class__':
      return typeClass.value
    case '__doc__':
      return NONE
    default:
      break
  }
  const found = lookupInMro(cls, name)
  if (!found) return undefined
  const v = found.value
  if (v.kind === 'descriptor') {
    if (v.type === 'staticmethod') return v.fn
    if (v.type === 'classmethod') return { kind: 'method', self: cls.value, fn: v.fn }
  }
  return v
}

/** An attribute of an instance of a Python class: data descriptors, then its own attributes, then the class's. */
function instanceAttribute(it: Interpreter, inst: InstanceValue, name: string, span: SourceSpan): Value | undefined {
  if (name === '__class__') return inst.cls.value
  if (name === '__dict__') return inst.dict
  const found = lookupInMro(inst.cls, name)
  if (found && found.value.kind === 'descriptor' && found.value.type === 'property') return it.callWith(found.value.fn, [inst], span)
  const own = dictGetString(inst.dict, name)
  if (own !== undefined) return own
  if (found) return bindAttribute(it, found.value, inst, inst.cls, span)
  if (inst.cls.isException && name === 'args') return (inst.native as { args?: Value } | undefined)?.args ?? tuple([])
  return dynamicAttribute(it, inst, inst.cls, name, span)
}

/**
 * An attribute of a dict or list made by a class derived from `dict` or `list`, looked up as for an instance: the
 * class's properties, then the attributes set on it (the dict's own keys after `self.__dict__ = self`), then the
 * class's attributes and the built-in type's methods, then the class's `__getattr__`.
 */
function containerAttribute(it: Interpreter, obj: ContainerInstance, cls: PyClass, name: string, span: SourceSpan): Value | undefined {
  if (name === '__class__') return cls.value
  if (name === '__dict__') return (obj.attrs ??= newDict())
  const found = lookupInMro(cls, name)
  if (found && found.value.kind === 'descriptor' && found.value.type === 'property') return it.callWith(found.value.fn, [obj], span)
  const own = obj.attrs === undefined ? undefined : dictGetString(obj.attrs, name)
  if (own !== undefined) return own
  if (found) return bindAttribute(it, found.value, obj, cls, span)
  return builtinMethod(it, obj, name, span) ?? dynamicAttribute(it, obj, cls, name, span)
}

/** A class's `__getattr__`, for attributes found nowhere else; undefined when it raises `AttributeError`. */
export function dynamicAttribute(it: Interpreter, self: Value, cls: PyClass, name: string, span: SourceSpan): Value | undefined {
  const hook = lookupInMro(cls, '__getattr__')
  if (!hook || !hook.owner.user) return undefined
  try {
    return it.callWith(hook.value, [self, str(name)], span)
  } catch (error) {
    if (error instanceof PyError && error.pyClass.name === 'AttributeError') return undefined
    throw error
  }
}

/** `obj.name`, or undefined when the object has no such attribute. */
export function findAttr(it: Interpreter, obj: Value, name: string, span: SourceSpan): Value | undefined {
  switch (obj.kind) {
    case 'module':
      return moduleAttr(it, obj.module, name, span)
    case 'instance':
      return instanceAttribute(it, obj, name, span)
    case 'class':
      return classAttribute(it, obj.cls, name)
    case 'super': {
      const self = obj.self
      const cls = self.kind === 'class' ? self.cls : classOf(it, self, span)
      const found = lookupInMro(cls, name, obj.cls)
      if (!found) return undefined
      return self.kind === 'class' ? classAttribute(it, found.owner, name) : bindAttribute(it, found.value, self, cls, span)
    }
    case 'namespace':
      return Object.hasOwn(obj.members, name) ? obj.members[name] : obj.fallback?.(name)
    case 'pymodule':
      if (name === '__name__') return str(obj.name)
      if (name === '__dict__') return moduleDict(obj.globals)
      return obj.globals.get(name)
    case 'placeholder':
      return { kind: 'placeholder', name: `${obj.name}.${name}`, reason: obj.reason }
    case 'typehint':
      return { kind: 'typehint', name: `${obj.name}.${name}` }
    case 'tensor':
      return tensorAttr(it, obj, name, span)
    case 'callable':
      if (obj.members && Object.hasOwn(obj.members, name)) return obj.members[name]
      if (name === '__name__' || name === '__qualname__') return str(obj.name.slice(obj.name.lastIndexOf('.') + 1))
      if (name === '__doc__') return NONE
      return undefined
    case 'function':
      if (obj.attrs?.has(name)) return obj.attrs.get(name)
      switch (name) {
        case '__name__':
          return str(obj.name)
        case '__qualname__':
          return str(obj.qualname)
        case '__module__':
          return str(obj.module)
        case '__doc__': {
          const first = obj.node.type === 'Lambda' ? undefined : obj.node.body[0]
          return first?.type === 'Expr' && first.value.type === 'Constant' && typeof first.value.value === 'string' ? str(first.value.value) : NONE
        }
        case '__defaults__':
          return obj.defaults.length === 0 ? NONE : tuple(obj.defaults)
        case '__dict__':
          return newDict()
        default:
          return undefined
      }
    case 'method':
      if (name === '__self__') return obj.self
      if (name === '__func__') return obj.fn
      return findAttr(it, obj.fn, name, span)
    case 'descriptor':
      if (name === '__func__' || name === 'fget') return obj.fn
      if (obj.type === 'property' && name === 'setter') return { kind: 'callable', name: 'property.setter', invoke: (args) => ({ kind: 'descriptor', type: 'property', fn: obj.fn, setter: args[0]?.value }) }
      if (obj.type === 'property' && (name === 'getter' || name === 'deleter')) return { kind: 'callable', name: `property.${name}`, invoke: () => obj }
      return undefined
    case 'tuple':
      // An instance of a namedtuple class: its class's own attributes (the fields as properties, methods, constants).
      if (obj.cls) {
        if (name === '__class__') return obj.cls.value
        const found = lookupInMro(obj.cls, name)
        if (found && found.owner !== tupleClass && found.owner !== objectClass) return bindAttribute(it, found.value, obj, obj.cls, span)
      }
      if (name === '__class__') return classOf(it, obj, span).value
      return builtinMethod(it, obj, name, span)
    case 'dict':
    case 'list':
      if (obj.cls !== undefined) return containerAttribute(it, obj, obj.cls, name, span)
      if (name === '__class__') return classOf(it, obj, span).value
      return builtinMethod(it, obj, name, span)
    default:
      if (name === '__class__') return classOf(it, obj, span).value
      return builtinMethod(it, obj, name, span)
  }
}

function moduleDict(globals: Map<string, Value>): Value {
  const dict = newDict()
  for (const [k, v] of globals) dictSet(dict, str(k), v, undefined)
  return dict
}

/** `obj.name`: an `AttributeError` (code `unknown-attribute`, with suggestions) when missing; a placeholder for a library's unknown name. */
export function getAttr(it: Interpreter, obj: Value, name: string, span: SourceSpan): Value {
  const found = findAttr(it, obj, name, span)
  if (found !== undefined) return found
  if (obj.kind === 'namespace') return missingLibraryAttribute(obj, name, span)
  const candidates = attributeNames(it, obj)
  const suggestions = suggest(name, candidates)
  const owner = obj.kind === 'module' || obj.kind === 'class' || obj.kind === 'pymodule' ? quoted(obj.kind === 'module' ? obj.module.type : obj.kind === 'class' ? obj.cls.name : obj.name) : `A ${typeName(obj)} value`
  return raise('AttributeError', 'unknown-attribute', `${owner} has no attribute ${quoted(name)}.${didYouMean(suggestions)}`, span, suggestions)
}

function attributeNames(it: Interpreter, obj: Value): string[] {
  const names: string[] = []
  const addClass = (cls: PyClass): void => {
    for (const c of cls.mro) for (const k of c.dict.keys()) if (!k.startsWith('__')) names.push(k)
  }
  switch (obj.kind) {
    case 'module':
      names.push(...moduleAttrNames(it, obj.module))
      addClass(moduleClassOf(it, obj.module))
      break
    case 'instance':
      for (const [k] of obj.dict.entries) if (k.kind === 'str') names.push(k.value)
      addClass(obj.cls)
      break
    case 'class':
      addClass(obj.cls)
      break
    case 'pymodule':
      names.push(...obj.globals.keys())
      break
    case 'dict':
    case 'list':
      for (const [k] of obj.attrs?.entries ?? []) if (k.kind === 'str') names.push(k.value)
      if (obj.cls !== undefined) addClass(obj.cls)
      names.push(...builtinMethodNames(obj))
      break
    default:
      names.push(...builtinMethodNames(obj))
  }
  return names
}

/** `obj.name = value`. */
export function setAttr(it: Interpreter, obj: Value, name: string, value: Value, span: SourceSpan): void {
  switch (obj.kind) {
    case 'module': {
      const cls = moduleClassOf(it, obj.module)
      if (setThroughProperty(it, cls, obj, name, value, span)) return
      moduleSetAttr(it, obj.module, name, value, span)
      return
    }
    case 'instance':
      genericSetAttr(it, obj, name, value, span)
      return
    case 'dict':
    case 'list': {
      if (obj.cls === undefined) raise('AttributeError', 'unknown-attribute', `A ${typeName(obj)} value has no attribute \`${name}\` to set.`, span)
      // A class derived from `dict` or `list` may define `__setattr__` (`__setattr__ = dict.__setitem__`).
      const hook = containerDunder(obj, '__setattr__')
      if (hook) it.callWith(hook, [obj, str(name), value], span)
      else genericSetAttr(it, obj, name, value, span)
      return
    }
    case 'class':
      if (!obj.cls.user) raise('TypeError', 'type', `Cannot set attribute \`${name}\` of the built-in class \`${obj.cls.name}\`.`, span)
      obj.cls.dict.set(name, value)
      return
    case 'function':
      ;(obj.attrs ??= new Map()).set(name, value)
      return
    case 'callable':
      // A built-in function's own attributes (`T.__new__.__defaults__` of a namedtuple) can be set; no others.
      if (obj.members && Object.hasOwn(obj.members, name)) {
        obj.members[name] = value
        return
      }
      raise('AttributeError', 'unknown-attribute', `A ${typeName(obj)} value has no attribute \`${name}\` to set.`, span)
      return
    case 'tensor':
      tensorSetAttr(it, obj, name, value, span)
      return
    case 'pymodule':
      obj.globals.set(name, value)
      return
    case 'placeholder':
      // Settings of libraries nnsize does not read (`torch.backends.cudnn.benchmark = True`) change nothing it models.
      return
    case 'namespace':
      throw new NnsizeError('unsupported', `Changing \`${obj.name}.${name}\` is not supported: nnsize does not let a program change the libraries it models.`, { span })
    default:
      raise('AttributeError', 'unknown-attribute', `A ${typeName(obj)} value has no attribute \`${name}\` to set.`, span)
  }
}

/**
 * `object.__setattr__(obj, name, value)`: a property's setter, else the object's own attributes; `__dict__` replaces
 * them (`self.__dict__ = self` makes a derived dict's keys its attributes).
 */
export function genericSetAttr(it: Interpreter, obj: Value, name: string, value: Value, span: SourceSpan): void {
  const target = obj.kind === 'instance' ? obj : (obj.kind === 'dict' || obj.kind === 'list') && obj.cls !== undefined ? obj : undefined
  if (target === undefined) {
    if (obj.kind === 'module') throw new NnsizeError('unsupported', `\`object.__setattr__\` on a module (\`${obj.module.type}\`) is not supported yet; assign the attribute (\`self.${name} = …\`).`, { span })
    setAttr(it, obj, name, value, span)
    return
  }
  const cls = target.kind === 'instance' ? target.cls : target.cls!
  if (setThroughProperty(it, cls, target, name, value, span)) return
  if (name === '__dict__') {
    if (value.kind !== 'dict') raise('TypeError', 'argument-type', `\`__dict__\` must be set to a dictionary, not ${typeName(value)}.`, span)
    if (target.kind === 'instance') target.dict = value
    else target.attrs = value
    return
  }
  if (target.kind === 'instance') dictSet(target.dict, str(name), value, span)
  else dictSet((target.attrs ??= newDict()), str(name), value, span)
}

function setThroughProperty(it: Interpreter, cls: PyClass, self: Value, name: string, value: Value, span: SourceSpan): boolean {
  const found = lookupInMro(cls, name)
  if (!found || found.value.kind !== 'descriptor' || found.value.type !== 'property') return false
  if (!found.value.setter) raise('AttributeError', 'unknown-attribute', `Property \`${name}\` of \`${cls.name}\` has no setter.`, span)
  it.callWith(found.value.setter, [self, value], span)
  return true
}

/** `del obj.name`. */
export function delAttr(it: Interpreter, obj: Value, name: string, span: SourceSpan): void {
  switch (obj.kind) {
    case 'module':
      moduleDelAttr(it, obj.module, name, span)
      return
    case 'instance':
      genericDelAttr(it, obj, name, span)
      return
    case 'dict':
    case 'list': {
      if (obj.cls === undefined) raise('AttributeError', 'unknown-attribute', `A ${typeName(obj)} value has no attribute \`${name}\` to delete.`, span)
      const hook = containerDunder(obj, '__delattr__')
      if (hook) it.callWith(hook, [obj, str(name)], span)
      else genericDelAttr(it, obj, name, span)
      return
    }
    case 'class':
      if (!obj.cls.user || !obj.cls.dict.delete(name)) raise('AttributeError', 'unknown-attribute', `\`${obj.cls.name}\` has no attribute \`${name}\`.`, span)
      return
    default:
      raise('AttributeError', 'unknown-attribute', `A ${typeName(obj)} value has no attribute \`${name}\` to delete.`, span)
  }
}

/** `object.__delattr__(obj, name)`: removes one of the object's own attributes, or raises `AttributeError`. */
export function genericDelAttr(it: Interpreter, obj: Value, name: string, span: SourceSpan): void {
  if (obj.kind === 'instance') {
    if (dictDelete(obj.dict, str(name), span) === undefined) raise('AttributeError', 'unknown-attribute', `\`${obj.cls.name}\` has no attribute \`${name}\`.`, span)
    return
  }
  if ((obj.kind === 'dict' || obj.kind === 'list') && obj.cls !== undefined) {
    if (obj.attrs === undefined || dictDelete(obj.attrs, str(name), span) === undefined) raise('AttributeError', 'unknown-attribute', `\`${obj.cls.name}\` has no attribute \`${name}\`.`, span)
    return
  }
  delAttr(it, obj, name, span)
}

/** The exception object an `except … as e` binds: the raised object, or one made for an error nnsize raised. */
export function exceptionObject(_it: Interpreter, error: unknown): Value {
  if (error instanceof PyError && error.exception) return error.exception
  const cls = catchableClass(error)!
  const message = NnsizeError.isInstance(error) ? error.message : String(error)
  const args = tuple([str(message)])
  return { kind: 'instance', cls, dict: newDict(), native: { args } }
}

/** The module node of a module value made from a Python class, with its class. */
export function moduleOf(value: Value): ModuleNode | undefined {
  return value.kind === 'module' ? value.module : undefined
}

