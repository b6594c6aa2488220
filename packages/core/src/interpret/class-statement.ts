import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import type { ClassDef, Expr } from '../python/ast.js'
import { makeClass, namedTupleSpecOf } from './classes.js'
import { containerBase, isContainerClass } from './container-classes.js'
import type { PyClass } from './classes.js'
import { raise } from './exceptions.js'
import type { Interpreter } from './interpreter.js'
import { makeNamedTupleClass, namedTupleNative } from './modules/collections.js'
import { makeTypedDictClass, namedTupleClass, requiredByAnnotation, typedDictClass, typedDictTotal } from './modules/typing.js'
import type { Frame } from './scope.js'
import { objectClass } from './types.js'
import { quoted, typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'

/** Metaclasses that change nothing nnsize models (`abc.ABCMeta`). */
const harmlessMetaclasses = new Set(['ABCMeta'])

/** A class keyword as the class statement evaluated it (`total=False`, `metaclass=ABCMeta`). */
type ClassKeyword = { name: string | null; value: Value; span: SourceSpan }

/**
 * Makes the class of a `class` statement from its evaluated bases and its executed body. A base that
 * is a placeholder (a class from a library nnsize does not read) makes the class a placeholder too:
 * an error only when the program uses it. `typing.NamedTuple` and `typing.TypedDict` as bases make a
 * namedtuple class and a `TypedDict` class, as their metaclasses do.
 */
export function defineClass(
  it: Interpreter,
  stmt: ClassDef,
  body: Frame,
  bases: ReadonlyArray<{ value: Value; span: SourceSpan }>,
  keywords: readonly ClassKeyword[],
  qualname: string,
): Value {
  const span = it.span(stmt, body)
  const baseClasses: Array<{ cls: PyClass; span: SourceSpan }> = []
  let namedTupleBase = false
  let typedDictBase = false
  for (const base of bases) {
    const v = base.value
    if (v.kind === 'placeholder') return { kind: 'placeholder', name: stmt.name, reason: { type: 'class', base: v } }
    // `Generic[T]`, `Protocol`: typing constructs add nothing at run time that nnsize models.
    if (v.kind === 'typehint') continue
    if (v.kind !== 'class') throw new NnsizeError('type', `A class can only derive from classes; \`${stmt.name}\` names ${typeName(v)} as a base.`, { span: base.span })
    if (v.cls === namedTupleClass) {
      namedTupleBase = true
      continue
    }
    if (v.cls === typedDictClass) {
      typedDictBase = true
      continue
    }
    if (v.cls.typedDict) typedDictBase = true
    baseClasses.push({ cls: v.cls, span: base.span })
  }
  if (namedTupleBase) return namedTupleStatement(it, stmt, body, baseClasses, keywords, qualname, span)
  if (typedDictBase) return typedDictStatement(it, stmt, body, baseClasses, keywords, qualname, span)
  for (const base of baseClasses) {
    if (!base.cls.user && !base.cls.native?.subclassable && !isContainerClass(base.cls)) {
      throw new NnsizeError('unsupported', `Deriving a class from \`${base.cls.name}\` is not supported yet.`, { span: base.span })
    }
  }
  for (const kw of keywords) {
    if (kw.name === 'metaclass' && kw.value.kind === 'class' && harmlessMetaclasses.has(kw.value.cls.name)) continue
    if (kw.name === 'metaclass' && kw.value.kind === 'placeholder') return { kind: 'placeholder', name: stmt.name, reason: { type: 'class', base: kw.value } }
    throw new NnsizeError('unsupported', `Class keyword \`${kw.name ?? '**'}\` is not supported yet.`, { span: kw.span })
  }
  const classes = baseClasses.map((b) => b.cls)
  // `class AttrDict(dict)`: its instances are dicts that carry the class (see container-classes.ts).
  const container = containerBase(stmt.name, baseClasses)
  const tupleBase = classes.find((b) => namedTupleSpecOf(b) !== undefined)
  if (tupleBase) checkNamedTupleBases(baseClasses, tupleBase)
  // A class derived from a namedtuple class makes namedtuples, as its base does: it is called as its base is, so it
  // is made as a built-in class is (not `user`), with its base's native construction.
  const cls = makeClass(stmt.name, classes.length > 0 ? classes : [objectClass], {
    module: body.module,
    qualname,
    span,
    user: tupleBase === undefined,
    dict: body.locals,
    ...(tupleBase ? { native: namedTupleNative } : {}),
  })
  if (container) cls.container = container
  if (body.annotations) cls.annotations = body.annotations
  body.classCell!.cls = cls
  return cls.value
}

/**
 * The other bases of a class derived from a namedtuple class: more namedtuple classes (the first along the MRO makes
 * the instances, as in Python) and plain Python classes (mixins); no module, exception or other built-in.
 */
function checkNamedTupleBases(bases: ReadonlyArray<{ cls: PyClass; span: SourceSpan }>, tupleBase: PyClass): void {
  for (const { cls: base, span } of bases) {
    if (base === objectClass || namedTupleSpecOf(base) !== undefined) continue
    if (!base.user || base.isModule || base.isException) {
      throw new NnsizeError('unsupported', `Deriving a class from the namedtuple class \`${tupleBase.name}\` and from \`${base.name}\` is not supported yet.`, { span })
    }
  }
}

/** What a `NamedTuple` class body may not define, as in Python. */
const prohibitedInNamedTuple = new Set(['__new__', '__init__', '__slots__', '__getnewargs__', '_fields', '_field_defaults', '_make', '_replace', '_asdict', '_source'])

/** What a `NamedTuple` class body defines that the class does not keep. */
const specialInNamedTuple = new Set(['__module__', '__name__', '__annotations__'])

/** Where a class body defines `name` (`def name`, `name = …`, `name: int = …`), or the whole class when it is not found. */
function definitionSpan(it: Interpreter, stmt: ClassDef, body: Frame, name: string): SourceSpan {
  const found = stmt.body.find((s) => {
    if (s.type === 'FunctionDef' || s.type === 'AsyncFunctionDef' || s.type === 'ClassDef') return s.name === name
    if (s.type === 'Assign') return s.targets.some((t) => t.type === 'Name' && t.id === name)
    if (s.type === 'AnnAssign') return s.target.type === 'Name' && s.target.id === name
    return false
  })
  return it.span(found ?? stmt, body)
}

/** The annotated names of a class body, each once, in the order first annotated, with its first annotation. */
function annotatedNames(body: Frame): Array<[string, Expr]> {
  const seen = new Map<string, Expr>()
  for (const [name, annotation] of body.annotations ?? []) if (!seen.has(name)) seen.set(name, annotation)
  return [...seen]
}

/**
 * `class Config(NamedTuple): vocab_size: int = 30522`: a namedtuple class, as Python's `NamedTupleMeta` makes it: the
 * annotated names are its fields in order, their values in the body their defaults, and the body's other names
 * (methods, properties, constants) its attributes.
 */
function namedTupleStatement(it: Interpreter, stmt: ClassDef, body: Frame, baseClasses: ReadonlyArray<{ cls: PyClass; span: SourceSpan }>, keywords: readonly ClassKeyword[], qualname: string, span: SourceSpan): Value {
  const other = baseClasses[0]
  if (other) raise('TypeError', 'type', `\`${stmt.name}\` can only inherit from \`NamedTuple\` and \`Generic\`, not from \`${other.cls.name}\`.`, other.span)
  const keyword = keywords[0]
  if (keyword) raise('TypeError', 'unknown-argument', `A \`NamedTuple\` class takes no class keyword, not ${quoted(keyword.name ?? '**')}.`, keyword.span)
  const fields = annotatedNames(body)
  const withDefault: string[] = []
  for (const [field] of fields) {
    if (body.locals.has(field)) withDefault.push(field)
    else if (withDefault.length > 0) {
      raise('TypeError', 'type', `Non-default namedtuple field \`${field}\` cannot follow default field${withDefault.length > 1 ? 's' : ''} ${withDefault.map(quoted).join(', ')}.`, definitionSpan(it, stmt, body, field))
    }
    if (field.startsWith('_')) raise('ValueError', 'argument-value', `Field names cannot start with an underscore: '${field}'.`, definitionSpan(it, stmt, body, field))
  }
  const names = fields.map(([field]) => field)
  const cls = makeNamedTupleClass(stmt.name, names, withDefault.map((field) => body.locals.get(field)!), { module: body.module, qualname, span })
  for (const [key, value] of body.locals) {
    if (prohibitedInNamedTuple.has(key)) raise('AttributeError', 'type', `Cannot overwrite NamedTuple attribute \`${key}\` (in \`${stmt.name}\`).`, definitionSpan(it, stmt, body, key))
    if (!specialInNamedTuple.has(key) && !names.includes(key)) cls.dict.set(key, value)
  }
  body.classCell!.cls = cls
  return cls.value
}

/**
 * `class Options(TypedDict, total=False): hidden: int`: a `TypedDict` class, as Python's `_TypedDictMeta` makes it.
 * Its bases are `TypedDict` classes only; its keys are its annotated names.
 */
function typedDictStatement(it: Interpreter, stmt: ClassDef, body: Frame, baseClasses: ReadonlyArray<{ cls: PyClass; span: SourceSpan }>, keywords: readonly ClassKeyword[], qualname: string, span: SourceSpan): Value {
  const other = baseClasses.find((b) => !b.cls.typedDict)
  if (other) raise('TypeError', 'type', `\`${stmt.name}\` cannot inherit from both a \`TypedDict\` type and a non-\`TypedDict\` base class (\`${other.cls.name}\`).`, other.span)
  const total = typedDictTotal(keywords)
  const keys = annotatedNames(body).map(([key, annotation]) => [key, requiredByAnnotation(annotation)] as const)
  const cls = makeTypedDictClass(it, stmt.name, keys, baseClasses.map((b) => b.cls), total, { module: body.module, qualname, span, dict: body.locals })
  body.classCell!.cls = cls
  return cls.value
}
