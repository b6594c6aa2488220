import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { limits } from '../limits.js'
import type { ClassDef, Expr, Stmt, Try, With } from '../python/ast.js'
import { unparse } from '../python/unparse.js'
import { makeFunction } from './calls.js'
import { defineClass } from './class-statement.js'
import { catchableClass, catches, locate, PyError, raise } from './exceptions.js'
import { evalIndex } from './expressions.js'
import type { Interpreter } from './interpreter.js'
import { deleteName, lookupName, storeName } from './names.js'
import { inplace } from './operators.js'
import { Frame } from './scope.js'
import { delItem, getItem, setItem } from './subscript.js'
import { delAttr, exceptionObject } from './objects.js'
import { importFrom, importModules } from './imports.js'
import { NONE, str, typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'

/** How a block of statements ended. */
export type Signal = 0 | 1 | 2 | 3
/** The block ran to its end. */
export const NORMAL: Signal = 0
/** A `break` ended it. */
export const BREAK: Signal = 1
/** A `continue` ended it. */
export const CONTINUE: Signal = 2
/** A `return` ended it (the value is in the frame). */
export const RETURN: Signal = 3

/** Runs statements in order until one breaks, continues or returns. */
export function execBlock(it: Interpreter, body: readonly Stmt[], frame: Frame): Signal {
  for (let i = 0; i < body.length; i++) {
    const signal = execStmt(it, body[i]!, frame)
    if (signal !== NORMAL) return signal
  }
  return NORMAL
}

/** Runs one statement. */
export function execStmt(it: Interpreter, stmt: Stmt, frame: Frame): Signal {
  if (++it.budget.steps > limits.maxSteps) it.budget.step(it.span(stmt, frame), 0)
  switch (stmt.type) {
    case 'Expr':
      it.evaluate(stmt.value, frame)
      return NORMAL
    case 'Assign': {
      const value = it.evaluate(stmt.value, frame)
      for (let i = 0; i < stmt.targets.length; i++) assignTarget(it, stmt.targets[i]!, value, frame)
      return NORMAL
    }
    case 'AugAssign':
      augmentedAssign(it, stmt, frame)
      return NORMAL
    case 'AnnAssign':
      if (frame.kind === 'class' && stmt.target.type === 'Name' && stmt.simple) (frame.annotations ??= []).push([stmt.target.id, stmt.annotation])
      if (stmt.value) assignTarget(it, stmt.target, it.evaluate(stmt.value, frame), frame)
      return NORMAL
    case 'Pass':
      return NORMAL
    case 'Return':
      frame.returnValue = stmt.value ? it.evaluate(stmt.value, frame) : NONE
      return RETURN
    case 'If':
      return it.truthy(it.evaluate(stmt.test, frame), it.span(stmt.test, frame)) ? execBlock(it, stmt.body, frame) : execBlock(it, stmt.orelse, frame)
    case 'While': {
      const span = it.span(stmt, frame)
      while (it.truthy(it.evaluate(stmt.test, frame), span)) {
        it.budget.step(span)
        const signal = execBlock(it, stmt.body, frame)
        if (signal === BREAK) return NORMAL
        if (signal === RETURN) return signal
      }
      return execBlock(it, stmt.orelse, frame)
    }
    case 'For': {
      const span = it.span(stmt.iter, frame)
      const next = it.iter(it.evaluate(stmt.iter, frame), span)
      for (let item = next(); item !== undefined; item = next()) {
        assignTarget(it, stmt.target, item, frame)
        const signal = execBlock(it, stmt.body, frame)
        if (signal === BREAK) return NORMAL
        if (signal === RETURN) return signal
      }
      return execBlock(it, stmt.orelse, frame)
    }
    case 'Break':
      return BREAK
    case 'Continue':
      return CONTINUE
    case 'FunctionDef': {
      const decorators = stmt.decorator_list.map((d) => it.evaluate(d, frame))
      const fn = decorate(it, decorators, stmt.decorator_list, makeFunction(it, stmt, stmt.name, frame, []), stmt.name, frame)
      storeName(it, stmt.name, fn, frame, stmt)
      return NORMAL
    }
    case 'ClassDef':
      storeName(it, stmt.name, classStatement(it, stmt, frame), frame, stmt)
      return NORMAL
    case 'Import':
      importModules(it, stmt, frame)
      return NORMAL
    case 'ImportFrom':
      importFrom(it, stmt, frame)
      return NORMAL
    case 'Global':
    case 'Nonlocal':
      return NORMAL
    case 'Assert':
      if (!it.truthy(it.evaluate(stmt.test, frame), it.span(stmt.test, frame))) {
        const message = stmt.msg ? `: ${it.str(it.evaluate(stmt.msg, frame), it.span(stmt.msg, frame))}` : ''
        const test = unparse(stmt.test)
        throw new PyError('exception', 'AssertionError', `\`assert ${test.length > 80 ? `${test.slice(0, 79)}…` : test}\` failed${message.length > 300 ? `${message.slice(0, 299)}…` : message}.`, it.span(stmt, frame))
      }
      return NORMAL
    case 'Raise':
      throw raiseStatement(it, stmt, frame)
    case 'Try':
      return tryStatement(it, stmt, frame)
    case 'With':
      return withStatement(it, stmt, frame, 0)
    case 'Delete':
      for (const target of stmt.targets) deleteTarget(it, target, frame)
      return NORMAL
    case 'TypeAlias':
      storeName(it, stmt.name.id, { kind: 'typehint', name: stmt.name.id }, frame, stmt)
      return NORMAL
    case 'Match':
    case 'TryStar':
    case 'AsyncFunctionDef':
    case 'AsyncFor':
    case 'AsyncWith':
      throw new NnsizeError('unsupported-syntax', `${statementName(stmt)} is not supported yet in the code that builds a model.`, { span: it.span(stmt, frame) })
  }
}

function statementName(stmt: Stmt): string {
  switch (stmt.type) {
    case 'Match':
      return 'A `match` statement'
    case 'TryStar':
      return '`except*`'
    case 'AsyncFunctionDef':
      return '`async def`'
    case 'AsyncFor':
      return '`async for`'
    default:
      return '`async with`'
  }
}

/** Binds a value to an assignment target: a name, an attribute, an item, or a tuple/list of targets to unpack. */
export function assignTarget(it: Interpreter, target: Expr, value: Value, frame: Frame): void {
  switch (target.type) {
    case 'Name':
      storeName(it, target.id, value, frame, target)
      return
    case 'Attribute':
      it.setattr(it.evaluate(target.value, frame), target.attr, value, it.span(target, frame))
      return
    case 'Subscript': {
      const object = it.evaluate(target.value, frame)
      setItem(it, object, evalIndex(it, target.slice, frame), value, it.span(target, frame))
      return
    }
    case 'Tuple':
    case 'List':
      unpack(it, target.elts, value, frame, it.span(target, frame))
      return
    default:
      throw new NnsizeError('syntax', `Cannot assign to ${target.type}.`, { span: it.span(target, frame) })
  }
}

function unpack(it: Interpreter, targets: readonly Expr[], value: Value, frame: Frame, span: SourceSpan): void {
  const starAt = targets.findIndex((t) => t.type === 'Starred')
  const items = value.kind === 'tuple' || value.kind === 'list' ? value.items : it.toArray(value, span)
  if (starAt < 0) {
    if (items.length !== targets.length) {
      raise('ValueError', 'argument-value', items.length > targets.length ? `Too many values to unpack (expected ${targets.length}, got ${items.length}).` : `Not enough values to unpack (expected ${targets.length}, got ${items.length}).`, span)
    }
    for (let i = 0; i < targets.length; i++) assignTarget(it, targets[i]!, items[i]!, frame)
    return
  }
  const after = targets.length - starAt - 1
  if (items.length < targets.length - 1) raise('ValueError', 'argument-value', `Not enough values to unpack (expected at least ${targets.length - 1}, got ${items.length}).`, span)
  for (let i = 0; i < starAt; i++) assignTarget(it, targets[i]!, items[i]!, frame)
  const rest = items.slice(starAt, items.length - after)
  it.budget.allocate(rest.length, span)
  assignTarget(it, (targets[starAt] as Extract<Expr, { type: 'Starred' }>).value, { kind: 'list', items: rest }, frame)
  for (let i = 0; i < after; i++) assignTarget(it, targets[starAt + 1 + i]!, items[items.length - after + i]!, frame)
}

function augmentedAssign(it: Interpreter, stmt: Extract<Stmt, { type: 'AugAssign' }>, frame: Frame): void {
  const span = it.span(stmt, frame)
  const rhs = () => it.evaluate(stmt.value, frame)
  const target = stmt.target
  switch (target.type) {
    case 'Name': {
      const current = lookupName(it, target.id, frame, target)
      storeName(it, target.id, inplace(it, stmt.op, current, rhs(), span), frame, target)
      return
    }
    case 'Attribute': {
      const object = it.evaluate(target.value, frame)
      const attrSpan = it.span(target, frame)
      const current = it.getattr(object, target.attr, attrSpan)
      it.setattr(object, target.attr, inplace(it, stmt.op, current, rhs(), span), attrSpan)
      return
    }
    case 'Subscript': {
      const object = it.evaluate(target.value, frame)
      const index = evalIndex(it, target.slice, frame)
      const itemSpan = it.span(target, frame)
      const current = getItem(it, object, index, itemSpan)
      setItem(it, object, index, inplace(it, stmt.op, current, rhs(), span), itemSpan)
      return
    }
  }
}

function deleteTarget(it: Interpreter, target: Expr, frame: Frame): void {
  switch (target.type) {
    case 'Name':
      deleteName(it, target.id, frame, target)
      return
    case 'Attribute':
      delAttr(it, it.evaluate(target.value, frame), target.attr, it.span(target, frame))
      return
    case 'Subscript':
      delItem(it, it.evaluate(target.value, frame), evalIndex(it, target.slice, frame), it.span(target, frame))
      return
    case 'Tuple':
    case 'List':
      for (const t of target.elts) deleteTarget(it, t, frame)
      return
    default:
      throw new NnsizeError('syntax', `Cannot delete ${target.type}.`, { span: it.span(target, frame) })
  }
}

/** Runs a class body and makes the class (then applies its decorators). */
function classStatement(it: Interpreter, stmt: ClassDef, frame: Frame): Value {
  const decorators = stmt.decorator_list.map((d) => it.evaluate(d, frame))
  const bases = stmt.bases.map((b) => ({ value: it.evaluate(b, frame), span: it.span(b, frame) }))
  const keywords = stmt.keywords.map((k) => ({ name: k.arg, value: it.evaluate(k.value, frame), span: it.span(k, frame) }))
  const body = new Frame('class', frame.globals, frame, frame.file, frame.module, undefined, undefined, new Map())
  body.classCell = {}
  const qualname = frame.kind === 'class' ? `${frame.locals.get('__qualname__')?.kind === 'str' ? (frame.locals.get('__qualname__') as { value: string }).value : ''}.${stmt.name}` : frame.kind === 'function' ? `<locals>.${stmt.name}` : stmt.name
  body.locals.set('__module__', str(frame.module))
  body.locals.set('__qualname__', str(qualname))
  execBlock(it, stmt.body, body)
  return decorate(it, decorators, stmt.decorator_list, defineClass(it, stmt, body, bases, keywords, qualname), qualname, frame)
}

const notedDecorators = new WeakMap<Interpreter, Set<string>>()

/**
 * Applies decorators, the innermost first. One from a library nnsize does not read (`@beartype`, a registry's
 * `@register()`) is taken to return what it decorates, as such decorators do, and a note says so once per decorator:
 * calling a placeholder would leave a placeholder where the function or class was, and a constructor that never runs.
 */
function decorate(it: Interpreter, decorators: readonly Value[], exprs: readonly Expr[], target: Value, name: string, frame: Frame): Value {
  let value = target
  for (let i = decorators.length - 1; i >= 0; i--) {
    const decorator = decorators[i]!
    const span = it.span(exprs[i]!, frame)
    if (decorator.kind === 'placeholder' && decorator.reason.type === 'import') {
      const noted = notedDecorators.get(it) ?? new Set<string>()
      notedDecorators.set(it, noted)
      const written = unparse(exprs[i]!)
      if (!noted.has(written)) {
        noted.add(written)
        it.note(`\`@${written}\` comes from \`${decorator.reason.module}\`, which nnsize does not read: it is taken to return what it decorates (\`${name}\`${span.file === undefined ? '' : ` in ${span.file}`}).`)
      }
      continue
    }
    value = it.callWith(decorator, [value], span)
  }
  return value
}

function raiseStatement(it: Interpreter, stmt: Extract<Stmt, { type: 'Raise' }>, frame: Frame): unknown {
  const span = it.span(stmt, frame)
  if (!stmt.exc) {
    const current = frame.handling?.at(-1)
    if (current === undefined) return new PyError('exception', 'RuntimeError', 'No active exception to re-raise.', span)
    return current
  }
  let exc = it.evaluate(stmt.exc, frame)
  if (exc.kind === 'class' && exc.cls.isException) exc = it.call(exc, [], span)
  if (exc.kind !== 'instance' || !exc.cls.isException) {
    return new PyError('type', 'TypeError', `Exceptions must derive from BaseException, not ${typeName(exc)}.`, span)
  }
  const text = it.str(exc, span)
  return new PyError('exception', exc.cls, `The model's code raised \`${exc.cls.name}\`${text === '' ? '' : `: ${text.length > 500 ? `${text.slice(0, 499)}…` : text}`}`, span, exc)
}

/** Handlers that catch a failed import, read from the syntax (nothing is evaluated before the body runs). */
const importErrorBases = new Set(['ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException'])

function catchesImportError(stmt: Try): boolean {
  return stmt.handlers.some((h) => h.type_ === null || (h.type_.type === 'Name' ? importErrorBases.has(h.type_.id) : h.type_.type === 'Tuple' && h.type_.elts.some((e) => e.type === 'Name' && importErrorBases.has(e.id))))
}

/** Runs a `try` body whose handlers catch a failed import (see `Interpreter.importFallbacks`). */
function importGuarded(it: Interpreter, body: readonly Stmt[], frame: Frame): Signal {
  it.importFallbacks++
  try {
    return execBlock(it, body, frame)
  } finally {
    it.importFallbacks--
  }
}

function tryStatement(it: Interpreter, stmt: Try, frame: Frame): Signal {
  let signal: Signal = NORMAL
  let pending: unknown
  let failed = false
  try {
    try {
      signal = catchesImportError(stmt) ? importGuarded(it, stmt.body, frame) : execBlock(it, stmt.body, frame)
    } catch (error) {
      failed = true
      if (catchableClass(error) === undefined) throw error
      const handler = stmt.handlers.find((h) => {
        if (h.type_ === null) return true
        const types = it.evaluate(h.type_, frame)
        const classes = types.kind === 'tuple' ? types.items : [types]
        return classes.some((c) => c.kind === 'class' && catches(error, c.cls))
      })
      if (!handler) throw error
      if (handler.name) storeName(it, handler.name, exceptionObject(it, error), frame, handler)
      ;(frame.handling ??= []).push(error)
      try {
        signal = execBlock(it, handler.body, frame)
      } finally {
        frame.handling.pop()
        if (handler.name) frame.locals.delete(handler.name)
      }
    }
    if (!failed && signal === NORMAL) signal = execBlock(it, stmt.orelse, frame)
  } catch (error) {
    pending = error
  }
  if (stmt.finalbody.length > 0) {
    const saved = frame.returnValue
    const after = execBlock(it, stmt.finalbody, frame)
    // A `return`, `break` or `continue` in `finally` wins over what was pending, as in Python.
    if (after !== NORMAL) return after
    frame.returnValue = saved
  }
  if (pending !== undefined) throw pending
  return signal
}

function withStatement(it: Interpreter, stmt: With, frame: Frame, index: number): Signal {
  if (index >= stmt.items.length) return execBlock(it, stmt.body, frame)
  const item = stmt.items[index]!
  const span = it.span(item, frame)
  const manager = it.evaluate(item.context_expr, frame)
  const enter = it.findattr(manager, '__enter__', span)
  const exit = it.findattr(manager, '__exit__', span)
  if (!enter || !exit) raise('TypeError', 'type', `\`${typeName(manager)}\` cannot be used in \`with\`: it is not a context manager.`, span)
  const entered = it.call(enter, [], span)
  if (item.optional_vars) assignTarget(it, item.optional_vars, entered, frame)
  let signal: Signal
  try {
    signal = withStatement(it, stmt, frame, index + 1)
  } catch (error) {
    if (catchableClass(error) !== undefined) {
      const exc = exceptionObject(it, error)
      const cls = exc.kind === 'instance' ? exc.cls.value : NONE
      if (it.truthy(it.callWith(exit, [cls, exc, NONE], span), span)) return NORMAL
    }
    throw locate(error, span)
  }
  it.callWith(exit, [NONE, NONE, NONE], span)
  return signal
}
