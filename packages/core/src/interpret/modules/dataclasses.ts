import type { SourceSpan } from '../../errors.js'
import type { Expr } from '../../python/ast.js'
import { lookupInMro, makeClass } from '../classes.js'
import type { DataclassField, PyClass } from '../classes.js'
import { raise } from '../exceptions.js'
import { dictSet, newDict } from '../hash.js'
import type { Interpreter } from '../interpreter.js'
import { classOf } from '../objects.js'
import { objectClass } from '../types.js'
import { FALSE, NONE, TRUE, bool, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, InstanceValue, NamespaceValue, Value } from '../../contract/values.js'

/** `dataclasses.Field`: what `field(...)` returns. */
const fieldClass: PyClass = makeClass('Field', [objectClass], { module: 'dataclasses', native: { subclassable: false } })
const missing: Value = { kind: 'typehint', name: 'dataclasses.MISSING' }

interface FieldSpec {
  default?: Value
  factory?: Value
  init: boolean
}

/** `x: ClassVar[int]` is no field. */
function isClassVar(annotation: Expr): boolean {
  let node = annotation
  if (node.type === 'Subscript') node = node.value
  if (node.type === 'Name') return node.id === 'ClassVar'
  if (node.type === 'Attribute') return node.attr === 'ClassVar'
  if (node.type === 'Constant' && typeof node.value === 'string') return node.value.startsWith('ClassVar')
  return false
}

function fieldsOf(cls: PyClass, span: SourceSpan): DataclassField[] {
  const fields = new Map<string, DataclassField>()
  for (const base of [...cls.mro].reverse().slice(0, -1)) for (const f of base.dataclass ?? []) fields.set(f.name, f)
  for (const [name, annotation] of cls.annotations ?? []) {
    if (isClassVar(annotation)) continue
    const declared = cls.dict.get(name)
    const field: DataclassField = { name, init: true }
    if (declared?.kind === 'instance' && declared.cls === fieldClass) {
      const spec = declared.native as FieldSpec
      if (spec.default !== undefined) {
        field.default = spec.default
        cls.dict.set(name, spec.default)
      } else cls.dict.delete(name)
      if (spec.factory !== undefined) field.factory = spec.factory
      field.init = spec.init
    } else if (declared !== undefined) {
      if (declared.kind === 'list' || declared.kind === 'dict' || declared.kind === 'set') {
        raise('ValueError', 'argument-value', `Mutable default ${typeName(declared)} for field \`${name}\` is not allowed: use default_factory.`, span)
      }
      field.default = declared
    }
    fields.delete(name)
    fields.set(name, field)
  }
  let seenDefault = false
  for (const f of fields.values()) {
    if (!f.init) continue
    const hasDefault = f.default !== undefined || f.factory !== undefined
    if (seenDefault && !hasDefault) raise('TypeError', 'type', `Non-default argument \`${f.name}\` follows default argument in dataclass \`${cls.name}\`.`, span)
    seenDefault ||= hasDefault
  }
  return [...fields.values()]
}

/** The `__init__` `@dataclass` writes: fields in order, defaults and factories, then `__post_init__`. */
function generatedInit(cls: PyClass, fields: DataclassField[]): Value {
  const initFields = fields.filter((f) => f.init)
  return native(`${cls.name}.__init__`, (args, span, it) => {
    const self = args[0]!.value
    const given = new Map<string, Value>()
    let position = 0
    for (const a of args.slice(1)) {
      if (a.name === undefined) {
        const f = initFields[position++]
        if (!f) raise('TypeError', 'too-many-arguments', `\`${cls.name}()\` takes ${initFields.length} positional argument${initFields.length === 1 ? '' : 's'} but ${args.length - 1} were given.`, a.span)
        given.set(f.name, a.value)
      } else {
        if (!initFields.some((f) => f.name === a.name)) raise('TypeError', 'unknown-argument', `\`${cls.name}()\` has no argument \`${a.name}\`. Its fields are ${initFields.map((f) => `\`${f.name}\``).join(', ') || 'none'}.`, a.span)
        if (given.has(a.name)) raise('TypeError', 'too-many-arguments', `\`${cls.name}()\` got multiple values for argument \`${a.name}\`.`, a.span)
        given.set(a.name, a.value)
      }
    }
    for (const f of fields) {
      let value = f.init ? given.get(f.name) : undefined
      if (value === undefined && f.default !== undefined) value = f.default
      if (value === undefined && f.factory !== undefined) value = it!.callWith(f.factory, [], span)
      if (value === undefined) {
        if (!f.init) continue
        raise('TypeError', 'missing-argument', `\`${cls.name}()\` is missing required argument \`${f.name}\`.`, span)
      }
      it!.setattr(self, f.name, value, span)
    }
    const post = lookupInMro(cls, '__post_init__')
    if (post) it!.callWith(post.value, [self], span)
    return NONE
  }, { binds: true })
}

function decorate(cls: PyClass, options: Map<string, Value>, span: SourceSpan, it: Interpreter): Value {
  const fields = fieldsOf(cls, span)
  cls.dataclass = fields
  const init = options.get('init')
  if ((init === undefined || it.truthy(init, span)) && !cls.dict.has('__init__')) cls.dict.set('__init__', generatedInit(cls, fields))
  return cls.value
}

function fieldValues(it: Interpreter, obj: Value, span: SourceSpan): Array<[string, Value]> {
  const cls = obj.kind === 'instance' ? obj.cls : classOf(it, obj, span)
  if (!cls.dataclass) raise('TypeError', 'argument-type', `\`${typeName(obj)}\` is not a dataclass instance.`, span)
  return cls.dataclass.map((f) => [f.name, it.getattr(obj, f.name, span)])
}

function asDict(it: Interpreter, value: Value, span: SourceSpan): Value {
  if (value.kind === 'instance' && value.cls.dataclass) {
    const out = newDict()
    for (const [k, v] of fieldValues(it, value, span)) dictSet(out, str(k), asDict(it, v, span), span)
    return out
  }
  if (value.kind === 'list') return { kind: 'list', items: value.items.map((v) => asDict(it, v, span)) }
  if (value.kind === 'tuple') return tuple(value.items.map((v) => asDict(it, v, span)))
  return value
}

/** `dataclasses`: `@dataclass` (fields from the class's annotations, in order), `field`, `fields`, `asdict`, `replace`. */
export function dataclassesNamespace(): NamespaceValue {
  const dataclass = native('dataclasses.dataclass', (args, span, it) => {
    const first = args[0]
    const options = new Map(args.filter((a) => a.name !== undefined).map((a) => [a.name!, a.value]))
    // A class derived from a library nnsize does not read stays a placeholder: an error only where the program uses it.
    if (first && first.name === undefined) {
      if (first.value.kind === 'placeholder') return first.value
      if (first.value.kind !== 'class') return raise('TypeError', 'argument-type', '`@dataclass` decorates a class.', span)
      return decorate(first.value.cls, options, span, it!)
    }
    return native('dataclasses.dataclass', (inner, innerSpan, it2) => {
      const c = inner[0]?.value
      if (c?.kind === 'placeholder') return c
      if (c?.kind !== 'class') return raise('TypeError', 'argument-type', '`@dataclass(...)` decorates a class.', innerSpan)
      return decorate(c.cls, options, innerSpan, it2!)
    })
  })
  const field = native('dataclasses.field', (args: ArgValue[], span) => {
    const spec: FieldSpec = { init: true }
    for (const a of args) {
      if (a.name === undefined) raise('TypeError', 'too-many-arguments', '`field()` takes keyword arguments only.', a.span)
      if (a.name === 'default') spec.default = a.value
      else if (a.name === 'default_factory') spec.factory = a.value
      else if (a.name === 'init') spec.init = a.value.kind === 'bool' ? a.value.value : true
    }
    if (spec.default !== undefined && spec.factory !== undefined) raise('ValueError', 'argument-value', 'Cannot specify both default and default_factory.', span)
    const instance: InstanceValue = { kind: 'instance', cls: fieldClass, dict: newDict(), native: spec }
    return instance
  })
  const fields = native('dataclasses.fields', (args, span, it) => {
    const target = args[0]?.value
    const cls = target?.kind === 'class' ? target.cls : target ? classOf(it!, target, span) : undefined
    if (!cls?.dataclass) return raise('TypeError', 'argument-type', '`fields()` takes a dataclass or an instance of one.', span)
    return tuple(cls.dataclass.map((f) => {
      const dict = newDict()
      dictSet(dict, str('name'), str(f.name), span)
      dictSet(dict, str('default'), f.default ?? missing, span)
      return { kind: 'instance', cls: fieldClass, dict } satisfies InstanceValue
    }))
  })
  return namespace('dataclasses', {
    dataclass,
    field,
    fields,
    asdict: native('dataclasses.asdict', (args, span, it) => asDict(it!, args[0]?.value ?? NONE, span)),
    astuple: native('dataclasses.astuple', (args, span, it) => tuple(fieldValues(it!, args[0]?.value ?? NONE, span).map(([, v]) => v))),
    replace: native('dataclasses.replace', (args, span, it) => {
      const obj = args[0]?.value
      if (obj?.kind !== 'instance' || !obj.cls.dataclass) return raise('TypeError', 'argument-type', '`replace()` takes a dataclass instance.', span)
      const changes = new Map(args.slice(1).filter((a) => a.name !== undefined).map((a) => [a.name!, a]))
      const callArgs: ArgValue[] = obj.cls.dataclass.filter((f) => f.init).map((f) => changes.get(f.name) ?? { name: f.name, value: it!.getattr(obj, f.name, span), span, valueSpan: span })
      return it!.call(obj.cls.value, callArgs, span)
    }),
    is_dataclass: native('dataclasses.is_dataclass', (args, span, it) => {
      const v = args[0]?.value
      if (!v) return FALSE
      const cls = v.kind === 'class' ? v.cls : v.kind === 'placeholder' ? undefined : classOf(it!, v, span)
      return bool(cls?.dataclass !== undefined)
    }),
    MISSING: missing,
    Field: fieldClass.value,
    KW_ONLY: { kind: 'typehint', name: 'KW_ONLY' },
    InitVar: { kind: 'typehint', name: 'InitVar' },
  })
}

void TRUE
