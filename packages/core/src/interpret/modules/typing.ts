import type { SourceSpan } from '../../errors.js'
import type { Expr } from '../../python/ast.js'
import { makeClass } from '../classes.js'
import type { PyClass } from '../classes.js'
import { raise } from '../exceptions.js'
import { newDict, newSet } from '../hash.js'
import type { Interpreter } from '../interpreter.js'
import { dictClass, noneClass, objectClass } from '../types.js'
import { checkedFieldNames, makeNamedTupleClass } from './collections.js'
import { FALSE, NONE, TRUE, namespace, native, quoted, str, tuple } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, Value } from '../../contract/values.js'

/**
 * `typing.NamedTuple`: the base of a namedtuple class statement (`class Config(NamedTuple): dim: int = 768`, made by
 * the class statement), and called, its functional form `NamedTuple('P', [('x', int), ('y', int)])`.
 */
export const namedTupleClass: PyClass = makeClass('NamedTuple', [objectClass], {
  module: 'typing',
  native: {
    subclassable: true,
    call: (args, span, it) => {
      const positional = args.filter((a) => a.name === undefined)
      const keywords = args.filter((a) => a.name !== undefined)
      const typename = positional[0]?.value
      if (typename?.kind !== 'str' || positional.length > 2) return raise('TypeError', 'argument-type', '`NamedTuple()` takes a type name and a list of (name, type) pairs, or the fields as keywords.', span)
      const fields = positional[1]?.value
      if (fields !== undefined && fields.kind !== 'none' && keywords.length > 0) raise('TypeError', 'argument-type', 'Either list of fields or keywords can be provided to `NamedTuple`, not both.', span)
      const names = fields === undefined || fields.kind === 'none' ? keywords.map((a) => a.name!) : it.toArray(fields, span).map((pair) => {
        const name = it.toArray(pair, span)[0]
        return name?.kind === 'str' ? name.value : raise('TypeError', 'argument-type', '`NamedTuple()` fields are (name, type) pairs with string names.', span)
      })
      return makeNamedTupleClass(typename.value, checkedFieldNames(typename.value, names, false, span), [], { module: 'typing' }).value
    },
  },
})

/**
 * `typing.TypedDict`: the base of a `TypedDict` class statement (`class Options(TypedDict, total=False): ...`), and
 * called, its functional form `TypedDict('Options', {'hidden': int}, total=False)`. A `TypedDict` class makes plain
 * dicts: `Options(hidden=3)` is `{'hidden': 3}`.
 */
export const typedDictClass: PyClass = makeClass('TypedDict', [objectClass], {
  module: 'typing',
  native: {
    subclassable: true,
    call: (args, span, it) => {
      const positional = args.filter((a) => a.name === undefined)
      const keywords = args.filter((a) => a.name !== undefined && a.name !== 'total')
      const total = args.find((a) => a.name === 'total')?.value ?? TRUE
      const typename = positional[0]?.value
      if (typename?.kind !== 'str' || positional.length > 2) return raise('TypeError', 'argument-type', '`TypedDict()` takes a type name and a dict of keys and types, or the keys as keywords.', span)
      const fields = positional[1]?.value
      if (fields !== undefined && fields.kind !== 'none' && keywords.length > 0) raise('TypeError', 'argument-type', '`TypedDict` takes either a dict or keyword arguments, but not both.', span)
      let keys: Array<[string, boolean | undefined]>
      if (fields === undefined || fields.kind === 'none') keys = keywords.map((a) => [a.name!, requiredByHint(a.value)])
      else if (fields.kind === 'dict') keys = fields.entries.map(([k, v]) => [k.kind === 'str' ? k.value : raise('TypeError', 'argument-type', '`TypedDict()` keys must be strings.', span), requiredByHint(v)])
      else return raise('TypeError', 'argument-type', '`TypedDict()` takes its keys as a dict of names and types.', span)
      return makeTypedDictClass(it, typename.value, keys, [], total, { module: 'typing', span }).value
    },
  },
})

/** Calling a `TypedDict` class: `dict(*args, **kwargs)`, as Python's `_TypedDictMeta.__call__` is `dict`. */
function callTypedDictClass(args: ArgValue[], span: SourceSpan, it: Interpreter): Value {
  return it.call(dictClass.value, args, span)
}

/**
 * Makes a `TypedDict` class, a subclass of `dict` whose calls make plain dicts, with `__total__`, `__required_keys__`
 * and `__optional_keys__` as Python computes them: each key is required when marked `Required[...]`, optional when
 * marked `NotRequired[...]`, else as `total` says; the bases' keys come first.
 */
export function makeTypedDictClass(
  it: Interpreter,
  name: string,
  keys: ReadonlyArray<readonly [string, boolean | undefined]>,
  bases: readonly PyClass[],
  total: Value,
  options: { module: string; qualname?: string; span: SourceSpan; dict?: Map<string, Value> },
): PyClass {
  const required = new Set<string>()
  const optional = new Set<string>()
  const mark = (key: string, isRequired: boolean): void => {
    ;(isRequired ? required : optional).add(key)
    ;(isRequired ? optional : required).delete(key)
  }
  for (const base of bases) {
    for (const key of base.typedDict?.required ?? []) mark(key, true)
    for (const key of base.typedDict?.optional ?? []) mark(key, false)
  }
  const isTotal = it.truthy(total, options.span)
  for (const [key, declared] of keys) mark(key, declared ?? isTotal)
  const cls = makeClass(name, [dictClass], {
    module: options.module,
    qualname: options.qualname ?? name,
    span: options.span,
    ...(options.dict ? { dict: options.dict } : {}),
    native: { subclassable: true, call: callTypedDictClass },
  })
  cls.typedDict = { required: [...required], optional: [...optional] }
  cls.dict.set('__total__', total)
  cls.dict.set('__required_keys__', newSet([...required].map(str), true, options.span))
  cls.dict.set('__optional_keys__', newSet([...optional].map(str), true, options.span))
  return cls
}

/**
 * Whether an annotation marks its key `Required[...]` (true) or `NotRequired[...]` (false), also inside
 * `Annotated[...]`; else undefined. A string annotation (`'NotRequired[int]'`) marks nothing: Python 3.11 leaves it
 * a forward reference.
 */
export function requiredByAnnotation(annotation: Expr): boolean | undefined {
  if (annotation.type !== 'Subscript') return undefined
  const head = annotation.value.type === 'Name' ? annotation.value.id : annotation.value.type === 'Attribute' ? annotation.value.attr : undefined
  if (head === 'Required') return true
  if (head === 'NotRequired') return false
  if (head === 'Annotated') {
    const first = annotation.slice.type === 'Tuple' ? annotation.slice.elts[0] : annotation.slice
    return first ? requiredByAnnotation(first) : undefined
  }
  return undefined
}

/** The same for a type hint given as a value (the functional form): `NotRequired[int]` evaluates to the hint `NotRequired`. */
function requiredByHint(value: Value): boolean | undefined {
  if (value.kind !== 'typehint') return undefined
  const name = value.name.slice(value.name.lastIndexOf('.') + 1)
  return name === 'Required' ? true : name === 'NotRequired' ? false : undefined
}

/** The keyword a `TypedDict` class statement takes besides its bases: `total`. Any other is a `TypeError`, as in Python. */
export function typedDictTotal(keywords: ReadonlyArray<{ name: string | null; value: Value; span: SourceSpan }>): Value {
  let total: Value = TRUE
  for (const kw of keywords) {
    if (kw.name !== 'total') raise('TypeError', 'unknown-argument', `A \`TypedDict\` class takes the class keyword \`total\` only, not ${quoted(kw.name ?? '**')}.`, kw.span)
    total = kw.value
  }
  return total
}

/**
 * `typing` (and `typing_extensions`): type hints, which construction never uses, so every name is a harmless hint;
 * `NamedTuple` and `TypedDict` make classes.
 */
export function typingNamespace(name: string): NamespaceValue {
  const identity = (label: string): Value => native(`${name}.${label}`, (args) => args[0]?.value ?? NONE)
  return namespace(
    name,
    {
      TYPE_CHECKING: FALSE,
      cast: native(`${name}.cast`, (args) => args[1]?.value ?? NONE),
      overload: identity('overload'),
      final: identity('final'),
      no_type_check: identity('no_type_check'),
      runtime_checkable: identity('runtime_checkable'),
      get_type_hints: native(`${name}.get_type_hints`, () => newDict()),
      // `get_args(Literal['relu', 'gelu'])` (rtdl's FT-Transformer checks an activation's name against it)
      get_args: native(`${name}.get_args`, (args) => {
        const hint = args[0]?.value
        if (hint?.kind !== 'typehint' || !hint.args) return tuple([])
        return tuple(hint.name === 'Optional' ? [...hint.args, noneClass.value] : [...hint.args])
      }),
      get_origin: native(`${name}.get_origin`, (args) => {
        const hint = args[0]?.value
        return hint?.kind === 'typehint' && hint.origin ? hint.origin : NONE
      }),
      NamedTuple: namedTupleClass.value,
      TypedDict: typedDictClass.value,
    },
    (member) => ({ kind: 'typehint', name: member }),
  )
}
