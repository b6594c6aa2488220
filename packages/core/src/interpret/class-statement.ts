import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import type { ClassDef } from '../python/ast.js'
import { makeClass } from './classes.js'
import type { PyClass } from './classes.js'
import type { Interpreter } from './interpreter.js'
import type { Frame } from './scope.js'
import { objectClass } from './types.js'
import { typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'

/** Metaclasses that change nothing nnsize models (`abc.ABCMeta`). */
const harmlessMetaclasses = new Set(['ABCMeta'])

/**
 * Makes the class of a `class` statement from its evaluated bases and its executed body. A base that
 * is a placeholder (a class from a library nnsize does not read) makes the class a placeholder too:
 * an error only when the program uses it.
 */
export function defineClass(
  it: Interpreter,
  stmt: ClassDef,
  body: Frame,
  bases: ReadonlyArray<{ value: Value; span: SourceSpan }>,
  keywords: ReadonlyArray<{ name: string | null; value: Value; span: SourceSpan }>,
  qualname: string,
): Value {
  const span = it.span(stmt, body)
  const baseClasses: PyClass[] = []
  for (const base of bases) {
    const v = base.value
    if (v.kind === 'placeholder') return { kind: 'placeholder', name: stmt.name, reason: { type: 'class', base: v } }
    // `Generic[T]`, `Protocol`: typing constructs add nothing at run time that nnsize models.
    if (v.kind === 'typehint') continue
    if (v.kind !== 'class') throw new NnsizeError('type', `A class can only derive from classes; \`${stmt.name}\` names ${typeName(v)} as a base.`, { span: base.span })
    if (!v.cls.user && !v.cls.native?.subclassable) {
      throw new NnsizeError('unsupported', `Deriving a class from \`${v.cls.name}\` is not supported yet.`, { span: base.span })
    }
    baseClasses.push(v.cls)
  }
  for (const kw of keywords) {
    if (kw.name === 'metaclass' && kw.value.kind === 'class' && harmlessMetaclasses.has(kw.value.cls.name)) continue
    if (kw.name === 'metaclass' && kw.value.kind === 'placeholder') return { kind: 'placeholder', name: stmt.name, reason: { type: 'class', base: kw.value } }
    throw new NnsizeError('unsupported', `Class keyword \`${kw.name ?? '**'}\` is not supported yet.`, { span: kw.span })
  }
  const cls = makeClass(stmt.name, baseClasses.length > 0 ? baseClasses : [objectClass], {
    module: body.module,
    qualname,
    span,
    user: true,
    dict: body.locals,
  })
  if (body.annotations) cls.annotations = body.annotations
  body.classCell!.cls = cls
  return cls.value
}
