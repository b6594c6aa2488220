import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import type { SourceSpan } from '../errors.js'
import type { Comprehension, Constant, Expr, JoinedStr, Lambda } from '../python/ast.js'
import { makeFunction } from './calls.js'
import { localsBuiltin, superBuiltin } from './builtins.js'
import { locate, raise } from './exceptions.js'
import { dictSet, newDict, newSet } from './hash.js'
import type { Interpreter } from './interpreter.js'
import { binary, compare, unary } from './operators.js'
import { getItem } from './subscript.js'
import { Frame } from './scope.js'
import { lookupName, storeName } from './names.js'
import { assignTarget } from './statements.js'
import { formatValue } from './strings.js'
import { ELLIPSIS_VALUE, FALSE, NONE, TRUE, bool, float, int, str } from '../contract/values.js'
import type { ArgValue, DictValue, Value } from '../contract/values.js'

/** Evaluates one expression node in a frame. */
export function evalExpr(it: Interpreter, expr: Expr, frame: Frame): Value {
  switch (expr.type) {
    case 'Constant':
      return constant(expr)
    case 'Name':
      return lookupName(it, expr.id, frame, expr)
    case 'Attribute': {
      const object = evalExpr(it, expr.value, frame)
      return it.getattr(object, expr.attr, attributeSpan(it, expr, frame))
    }
    case 'Call':
      return evalCall(it, expr, frame)
    case 'BinOp':
      return binary(it, expr.op, evalExpr(it, expr.left, frame), evalExpr(it, expr.right, frame), it.span(expr, frame))
    case 'UnaryOp': {
      const operand = evalExpr(it, expr.operand, frame)
      if (expr.op === 'Not') return bool(!it.truthy(operand, it.span(expr.operand, frame)))
      return unary(it, expr.op, operand, it.span(expr, frame))
    }
    case 'BoolOp': {
      let value: Value = NONE
      for (let i = 0; i < expr.values.length; i++) {
        const operand = expr.values[i]!
        value = evalExpr(it, operand, frame)
        const t = it.truthy(value, it.span(operand, frame))
        if (expr.op === 'And' ? !t : t) return value
      }
      return value
    }
    case 'Compare': {
      let left = evalExpr(it, expr.left, frame)
      for (let i = 0; i < expr.ops.length; i++) {
        const right = evalExpr(it, expr.comparators[i]!, frame)
        const result = compare(it, expr.ops[i]!, left, right, it.span(expr, frame))
        if (expr.ops.length === 1) return result
        if (!it.truthy(result, it.span(expr, frame))) return result
        left = right
      }
      return TRUE
    }
    case 'IfExp':
      return it.truthy(evalExpr(it, expr.test, frame), it.span(expr.test, frame)) ? evalExpr(it, expr.body, frame) : evalExpr(it, expr.orelse, frame)
    case 'Lambda':
      return lambda(it, expr, frame)
    case 'Dict': {
      const span = it.span(expr, frame)
      it.budget.allocate(expr.keys.length, span)
      const dict = newDict()
      for (let i = 0; i < expr.keys.length; i++) {
        const keyNode = expr.keys[i] ?? null
        if (keyNode === null) {
          mergeMapping(it, dict, evalExpr(it, expr.values[i]!, frame), it.span(expr.values[i]!, frame))
          continue
        }
        const key = evalExpr(it, keyNode, frame)
        dictSet(dict, key, evalExpr(it, expr.values[i]!, frame), it.span(keyNode, frame))
      }
      return dict
    }
    case 'Set':
      return newSet(elements(it, expr.elts, frame), false, it.span(expr, frame))
    case 'List':
      return { kind: 'list', items: elements(it, expr.elts, frame) }
    case 'Tuple':
      return { kind: 'tuple', items: elements(it, expr.elts, frame) }
    case 'ListComp': {
      const items: Value[] = []
      const span = it.span(expr, frame)
      comprehension(it, expr.generators, frame, span, (inner) => {
        it.budget.allocate(1, span)
        items.push(evalExpr(it, expr.elt, inner))
      })
      return { kind: 'list', items }
    }
    case 'SetComp': {
      const items: Value[] = []
      const span = it.span(expr, frame)
      comprehension(it, expr.generators, frame, span, (inner) => {
        it.budget.allocate(1, span)
        items.push(evalExpr(it, expr.elt, inner))
      })
      return newSet(items, false, span)
    }
    case 'DictComp': {
      const dict = newDict()
      const span = it.span(expr, frame)
      comprehension(it, expr.generators, frame, span, (inner) => {
        it.budget.allocate(1, span)
        const key = evalExpr(it, expr.key, inner)
        dictSet(dict, key, evalExpr(it, expr.value, inner), it.span(expr.key, inner))
      })
      return dict
    }
    case 'GeneratorExp':
      return generator(it, expr, frame)
    case 'Subscript':
      return getItem(it, evalExpr(it, expr.value, frame), evalIndex(it, expr.slice, frame), it.span(expr, frame))
    case 'Slice':
      return evalIndex(it, expr, frame)
    case 'JoinedStr':
      return str(joined(it, expr, frame))
    case 'FormattedValue':
      return str(formatted(it, expr, frame))
    case 'NamedExpr': {
      const value = evalExpr(it, expr.value, frame)
      // `:=` inside a comprehension binds in the enclosing function (or module).
      let target = frame
      while (target.kind === 'comprehension' && target.parent) target = target.parent
      storeName(it, expr.target.id, value, target, expr.target)
      return value
    }
    case 'Starred':
      throw new NnsizeError('syntax', 'A starred expression (`*x`) can only be used in a call, a list, a tuple or an assignment target.', { span: it.span(expr, frame) })
    case 'Yield': {
      if (!frame.yields) throw new NnsizeError('unsupported-syntax', '`yield` outside a generator function is not supported.', { span: it.span(expr, frame) })
      it.budget.allocate(1, it.span(expr, frame))
      frame.yields.push(expr.value ? evalExpr(it, expr.value, frame) : NONE)
      return NONE
    }
    case 'YieldFrom': {
      if (!frame.yields) throw new NnsizeError('unsupported-syntax', '`yield from` outside a generator function is not supported.', { span: it.span(expr, frame) })
      const span = it.span(expr, frame)
      const next = it.iter(evalExpr(it, expr.value, frame), span)
      for (let v = next(); v !== undefined; v = next()) {
        it.budget.allocate(1, span)
        frame.yields.push(v)
      }
      return NONE
    }
    case 'Await':
      throw new NnsizeError('unsupported-syntax', '`await` is not supported: nnsize does not run asynchronous code.', { span: it.span(expr, frame) })
  }
}

/** The span of an attribute's name alone (`Conv2D` in `nn.Conv2D`): its last characters. */
function attributeSpan(it: Interpreter, expr: Extract<Expr, { type: 'Attribute' }>, frame: Frame): SourceSpan {
  const start = Math.max(expr.start, expr.end - expr.attr.length)
  return frame.file === undefined ? { start, end: expr.end } : { start, end: expr.end, file: frame.file }
}

function constant(expr: Constant): Value {
  const v = expr.value
  switch (typeof v) {
    case 'bigint':
      return int(v)
    case 'number':
      return float(v)
    case 'string':
      return str(v)
    case 'boolean':
      return v ? TRUE : FALSE
    case 'symbol':
      return ELLIPSIS_VALUE
    default:
      if (v === null) return NONE
      if (v instanceof Uint8Array) return { kind: 'bytes', value: v }
      return { kind: 'complex', real: v.real, imag: v.imag }
  }
}

/** The items of a list, tuple or set display, with `*x` spread. */
function elements(it: Interpreter, elts: readonly Expr[], frame: Frame): Value[] {
  const out: Value[] = []
  for (let i = 0; i < elts.length; i++) {
    const elt = elts[i]!
    if (elt.type === 'Starred') {
      const span = it.span(elt, frame)
      const next = it.iter(evalExpr(it, elt.value, frame), span)
      for (let v = next(); v !== undefined; v = next()) {
        it.budget.allocate(1, span)
        out.push(v)
      }
    } else {
      out.push(evalExpr(it, elt, frame))
    }
  }
  if (elts.length > 0) it.budget.allocate(elts.length, it.span(elts[0]!, frame))
  return out
}

/** Adds the items of a mapping (`{**m}`, `f(**m)`) to a dict. */
function mergeMapping(it: Interpreter, into: DictValue, mapping: Value, span: SourceSpan): void {
  if (mapping.kind === 'dict') {
    it.budget.allocate(mapping.entries.length, span)
    for (const [k, v] of mapping.entries) dictSet(into, k, v, span)
    return
  }
  const keys = it.findattr(mapping, 'keys', span)
  if (!keys) raise('TypeError', 'type', `'${mapping.kind}' object is not a mapping`, span)
  const next = it.iter(it.call(keys, [], span), span)
  for (let k = next(); k !== undefined; k = next()) {
    it.budget.allocate(1, span)
    dictSet(into, k, getItem(it, mapping, k, span), span)
  }
}

/** Evaluates a subscript's index: slices become slice values, also inside a tuple (`x[:, 0::2]`). */
export function evalIndex(it: Interpreter, expr: Expr, frame: Frame): Value {
  if (expr.type === 'Slice') {
    return {
      kind: 'slice',
      start: expr.lower ? evalExpr(it, expr.lower, frame) : NONE,
      stop: expr.upper ? evalExpr(it, expr.upper, frame) : NONE,
      step: expr.step ? evalExpr(it, expr.step, frame) : NONE,
    }
  }
  if (expr.type === 'Tuple' && expr.elts.some((e) => e.type === 'Slice')) {
    return { kind: 'tuple', items: expr.elts.map((e) => evalIndex(it, e, frame)) }
  }
  return evalExpr(it, expr, frame)
}

/** Evaluates a call's arguments (spreading `*args` and `**kwargs`) and calls. */
function evalCall(it: Interpreter, expr: Extract<Expr, { type: 'Call' }>, frame: Frame): Value {
  const fn = evalExpr(it, expr.func, frame)
  if (fn === superBuiltin && expr.args.length === 0 && expr.keywords.length === 0) return zeroArgumentSuper(it, frame, it.span(expr, frame))
  if (fn === localsBuiltin && expr.args.length === 0 && expr.keywords.length === 0) {
    const dict = newDict()
    for (const [name, value] of frame.locals) dictSet(dict, str(name), value, undefined)
    return dict
  }
  const args: ArgValue[] = []
  // indexed loops: the interpreter's calls run cold, where `for … of` allocates a result object per item
  for (let i = 0; i < expr.args.length; i++) {
    const arg = expr.args[i]!
    if (arg.type === 'Starred') {
      const span = it.span(arg, frame)
      const valueSpan = it.span(arg.value, frame)
      const next = it.iter(evalExpr(it, arg.value, frame), valueSpan)
      for (let v = next(); v !== undefined; v = next()) {
        it.budget.allocate(1, span)
        if (args.length >= limits.maxListLength) throw new NnsizeError('limit', `A call with more than ${limits.maxListLength.toLocaleString('en-US')} arguments; the limit is ${limits.maxListLength.toLocaleString('en-US')}.`, { span })
        args.push({ value: v, span, valueSpan })
      }
    } else if (arg.type === 'GeneratorExp') {
      const span = it.span(arg, frame)
      args.push({ value: generator(it, arg, frame), span, valueSpan: span })
    } else {
      const span = it.span(arg, frame)
      args.push({ value: evalExpr(it, arg, frame), span, valueSpan: span })
    }
  }
  for (let i = 0; i < expr.keywords.length; i++) {
    const kw = expr.keywords[i]!
    const span = it.span(kw, frame)
    const valueSpan = it.span(kw.value, frame)
    const value = evalExpr(it, kw.value, frame)
    if (kw.arg !== null) {
      args.push({ name: kw.arg, value, span, valueSpan })
      continue
    }
    const mapping = newDict()
    mergeMapping(it, mapping, value, valueSpan)
    for (const [k, v] of mapping.entries) {
      if (k.kind !== 'str') raise('TypeError', 'type', 'keywords must be strings', valueSpan)
      args.push({ name: k.value, value: v, span, valueSpan })
    }
  }
  const span = it.span(expr, frame)
  try {
    return it.call(fn, args, span)
  } catch (error) {
    throw locate(error, span)
  }
}

/** `super()` in a method: the class whose body defined the method, and the method's first argument. */
function zeroArgumentSuper(it: Interpreter, frame: Frame, span: SourceSpan): Value {
  let f: Frame | undefined = frame
  while (f && f.kind === 'comprehension') f = f.parent
  const cls = f?.definingClass?.cls
  const self = f?.selfName !== undefined ? f.locals.get(f.selfName) : undefined
  if (!f || f.kind !== 'function' || !cls || !self) raise('RuntimeError', 'type', '`super()` without arguments works only in a method of a class: write `super(Class, self)`.', span)
  return { kind: 'super', cls, self }
}

function lambda(it: Interpreter, expr: Lambda, frame: Frame): Value {
  return makeFunction(it, expr, '<lambda>', frame, [])
}

/**
 * Runs the `for … in … if …` clauses of a comprehension, calling `body` in the comprehension's own
 * scope for each combination. The first iterable is evaluated in the enclosing scope, as in Python.
 */
function comprehension(it: Interpreter, generators: readonly Comprehension[], frame: Frame, span: SourceSpan, body: (inner: Frame) => void): void {
  const parent = frame.kind === 'class' ? frame.parent : frame
  const inner = new Frame('comprehension', frame.globals, parent, frame.file, frame.module)
  const first = evalExpr(it, generators[0]!.iter, frame)
  const loop = (level: number, iterable: Value): void => {
    const gen = generators[level]!
    const next = it.iter(iterable, it.span(gen.iter, frame))
    outer: for (let item = next(); item !== undefined; item = next()) {
      it.budget.step(span)
      assignTarget(it, gen.target, item, inner)
      for (const cond of gen.ifs) if (!it.truthy(evalExpr(it, cond, inner), it.span(cond, inner))) continue outer
      if (level + 1 < generators.length) loop(level + 1, evalExpr(it, generators[level + 1]!.iter, inner))
      else body(inner)
    }
  }
  loop(0, first)
}

/**
 * A generator expression: lazy, as in Python (`sum(p.numel() for p in self.parameters())`,
 * `any(...)` stops early). Each item is computed when asked for.
 */
function generator(it: Interpreter, expr: Extract<Expr, { type: 'GeneratorExp' }>, frame: Frame): Value {
  const span = it.span(expr, frame)
  const parent = frame.kind === 'class' ? frame.parent : frame
  const inner = new Frame('comprehension', frame.globals, parent, frame.file, frame.module)
  const gens = expr.generators
  const iters: Array<(() => Value | undefined) | undefined> = new Array(gens.length)
  iters[0] = it.iter(evalExpr(it, gens[0]!.iter, frame), it.span(gens[0]!.iter, frame))
  let done = false
  const next = (): Value | undefined => {
    if (done) return undefined
    let level = gens.length - 1
    // Advance the innermost iterator; refill inner ones from outer ones as they run out.
    for (;;) {
      const current = iters[level]
      const item = current ? current() : undefined
      if (item === undefined) {
        if (level === 0) {
          done = true
          return undefined
        }
        iters[level] = undefined
        level--
        continue
      }
      it.budget.step(span)
      const gen = gens[level]!
      assignTarget(it, gen.target, item, inner)
      if (!gen.ifs.every((cond) => it.truthy(evalExpr(it, cond, inner), it.span(cond, inner)))) continue
      if (level + 1 < gens.length) {
        level++
        iters[level] = it.iter(evalExpr(it, gens[level]!.iter, inner), it.span(gens[level]!.iter, inner))
        continue
      }
      return evalExpr(it, expr.elt, inner)
    }
  }
  return { kind: 'iterator', name: 'generator', next }
}

/** The text of an f-string. */
function joined(it: Interpreter, expr: JoinedStr, frame: Frame): string {
  const parts: string[] = []
  let length = 0
  for (const part of expr.values) {
    const text = part.type === 'Constant' ? String(part.value) : formatted(it, part, frame)
    length += text.length
    parts.push(text)
  }
  it.budget.string(length, it.span(expr, frame))
  return parts.join('')
}

/** One `{value!r:spec}` of an f-string. */
function formatted(it: Interpreter, expr: Extract<Expr, { type: 'FormattedValue' }>, frame: Frame): string {
  const span = it.span(expr, frame)
  let value = evalExpr(it, expr.value, frame)
  if (expr.conversion === 114 || expr.conversion === 97) value = str(it.repr(value, span))
  else if (expr.conversion === 115) value = str(it.str(value, span))
  const spec = expr.format_spec ? joined(it, expr.format_spec, frame) : ''
  return formatValue(it, value, spec, span)
}
