import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { limits } from '../limits.js'
import { didYouMean, suggest } from '../suggest.js'
import { spanOf } from './ast.js'
import type { Expr, Offsets, Program } from './ast.js'
import { showValue, typeName } from './values.js'
import type { ArgValue, Value } from './values.js'

/** Variables visible to a program: builtins plus what its assignments define. */
export type Scope = Map<string, Value>

/** Hooks the evaluator needs from the rest of the core (attributes of modules, for instance). */
export interface EvaluatorHooks {
  /** `value.name` for values whose attributes are not plain members (modules). */
  attribute(object: Value, name: string, span: SourceSpan, nameSpan: SourceSpan): Value | undefined
  /** `value[index]` for modules (Sequential, ModuleList, ModuleDict). */
  subscript(object: Value, index: Value, span: SourceSpan): Value | undefined
}

/** Evaluates a program's statements in order and returns the value of the last one. */
export function evaluateProgram(program: Program, globals: Scope, hooks: EvaluatorHooks): { value: Value; span: SourceSpan } {
  const scope: Scope = new Map()
  const evaluator = new Evaluator(globals, scope, hooks)
  let last: { value: Value; span: SourceSpan } | undefined
  for (const statement of program.statements) {
    const value = evaluator.evaluate(statement.value)
    if (statement.type === 'assign') scope.set(statement.target, value)
    last = { value, span: spanOf(statement.value) }
  }
  return last!
}

/** Evaluates one expression in the given scope (no assignments). */
export function evaluateExpression(expr: Expr, globals: Scope, hooks: EvaluatorHooks): Value {
  return new Evaluator(globals, new Map(), hooks).evaluate(expr)
}

class Evaluator {
  constructor(
    private readonly globals: Scope,
    private readonly scope: Scope,
    private readonly hooks: EvaluatorHooks,
  ) {}

  evaluate(expr: Expr): Value {
    switch (expr.type) {
      case 'int':
        return { kind: 'int', value: expr.value }
      case 'float':
        return { kind: 'float', value: expr.value }
      case 'str':
        return { kind: 'str', value: expr.value }
      case 'bool':
        return { kind: 'bool', value: expr.value }
      case 'none':
        return { kind: 'none' }
      case 'name':
        return this.lookup(expr.name, expr)
      case 'attribute':
        return this.attribute(expr)
      case 'call':
        return this.call(expr)
      case 'tuple':
        return { kind: 'tuple', items: expr.items.map((e) => this.evaluate(e)) }
      case 'list':
        return { kind: 'list', items: expr.items.map((e) => this.evaluate(e)) }
      case 'dict': {
        const entries: Array<[Value, Value]> = []
        for (const { key, value } of expr.entries) {
          const k = this.evaluate(key)
          if (k.kind !== 'str' && k.kind !== 'int') {
            throw new NnsizeError('type', `Dictionary keys must be strings or ints, got ${typeName(k)}.`, { span: spanOf(key) })
          }
          const v = this.evaluate(value)
          const existing = entries.findIndex(([ek]) => ek.kind === k.kind && ek.value === k.value)
          if (existing >= 0) entries[existing] = [k, v]
          else entries.push([k, v])
        }
        return { kind: 'dict', entries }
      }
      case 'listcomp':
        return this.comprehension(expr)
      case 'unary': {
        const operand = this.evaluate(expr.operand)
        if (operand.kind === 'int') return { kind: 'int', value: expr.op === '-' ? -operand.value : operand.value }
        if (operand.kind === 'float') return { kind: 'float', value: expr.op === '-' ? -operand.value : operand.value }
        if (operand.kind === 'bool') return { kind: 'int', value: expr.op === '-' ? -BigInt(operand.value) : BigInt(operand.value) }
        throw new NnsizeError('type', `Bad operand type for unary \`${expr.op}\`: ${typeName(operand)}.`, { span: spanOf(expr) })
      }
      case 'binary':
        return this.binary(expr)
      case 'subscript':
        return this.subscript(expr)
    }
  }

  private lookup(name: string, at: Offsets): Value {
    const value = this.scope.get(name) ?? this.globals.get(name)
    if (value) return value
    const suggestions = suggest(name, [...this.scope.keys(), ...this.globals.keys()])
    throw new NnsizeError('unknown-name', `\`${name}\` is not defined.${didYouMean(suggestions)}`, { span: spanOf(at), suggestions })
  }

  private attribute(expr: Extract<Expr, { type: 'attribute' }>): Value {
    const object = this.evaluate(expr.object)
    const members = object.kind === 'namespace' ? object.members : object.kind === 'callable' ? object.members : undefined
    if (members && Object.hasOwn(members, expr.name)) return members[expr.name]!
    const nameSpan = { start: expr.nameStart, end: expr.end }
    const fromHook = this.hooks.attribute(object, expr.name, spanOf(expr), nameSpan)
    if (fromHook) return fromHook
    const owner = object.kind === 'namespace' || object.kind === 'callable' ? `\`${object.name}\`` : `A ${typeName(object)} value`
    const suggestions = members ? suggest(expr.name, Object.keys(members)) : []
    throw new NnsizeError('unknown-attribute', `${owner} has no attribute \`${expr.name}\`.${didYouMean(suggestions)}`, { span: nameSpan, suggestions })
  }

  private call(expr: Extract<Expr, { type: 'call' }>): Value {
    const callee = this.evaluate(expr.callee)
    if (callee.kind !== 'callable') {
      throw new NnsizeError('type', `\`${showValue(callee)}\` (${typeName(callee)}) is not callable.`, { span: spanOf(expr.callee) })
    }
    const args: ArgValue[] = []
    for (const arg of expr.args) {
      if (arg.type === 'keyword') {
        args.push({ name: arg.name, value: this.evaluate(arg.value), span: spanOf(arg), valueSpan: spanOf(arg.value) })
      } else if (arg.type === 'star') {
        const value = this.evaluate(arg.value)
        const span = spanOf(arg)
        const valueSpan = spanOf(arg.value)
        for (const item of this.iterate(value, valueSpan)) args.push({ name: undefined, value: item, span, valueSpan })
      } else if (arg.type === 'double-star') {
        const value = this.evaluate(arg.value)
        const span = spanOf(arg)
        const valueSpan = spanOf(arg.value)
        if (value.kind !== 'dict') throw new NnsizeError('type', `\`**\` needs a dict, got ${typeName(value)}.`, { span: valueSpan })
        for (const [k, v] of value.entries) {
          if (k.kind !== 'str') throw new NnsizeError('type', 'Keywords passed with `**` must be strings.', { span: valueSpan })
          args.push({ name: k.value, value: v, span, valueSpan })
        }
      } else {
        // A positional argument is its expression: one span serves as both.
        const span = spanOf(arg)
        args.push({ name: undefined, value: this.evaluate(arg), span, valueSpan: span })
      }
    }
    return callee.invoke(args, spanOf(expr))
  }

  private iterate(value: Value, span: SourceSpan): Value[] {
    if (value.kind === 'list' || value.kind === 'tuple') return value.items
    if (value.kind === 'dict') return value.entries.map(([k]) => k)
    if (value.kind === 'str') return [...value.value].map((c) => ({ kind: 'str', value: c }))
    throw new NnsizeError('type', `A ${typeName(value)} is not iterable.`, { span })
  }

  private comprehension(expr: Extract<Expr, { type: 'listcomp' }>): Value {
    const items = this.iterate(this.evaluate(expr.iterable), spanOf(expr.iterable))
    const saved = this.scope.get(expr.target)
    const out: Value[] = []
    try {
      for (const item of items) {
        this.scope.set(expr.target, item)
        out.push(this.evaluate(expr.element))
      }
    } finally {
      if (saved) this.scope.set(expr.target, saved)
      else this.scope.delete(expr.target)
    }
    return { kind: 'list', items: out }
  }

  private subscript(expr: Extract<Expr, { type: 'subscript' }>): Value {
    const object = this.evaluate(expr.object)
    const index = this.evaluate(expr.index)
    if ((object.kind === 'list' || object.kind === 'tuple') && index.kind === 'int') {
      const n = BigInt(object.items.length)
      const i = index.value < 0n ? index.value + n : index.value
      if (i < 0n || i >= n) throw new NnsizeError('argument-value', `Index ${index.value} is out of range for a ${object.kind} of length ${n}.`, { span: spanOf(expr.index) })
      return object.items[Number(i)]!
    }
    if (object.kind === 'dict') {
      const found = object.entries.find(([k]) => k.kind === index.kind && (k as { value: unknown }).value === (index as { value?: unknown }).value)
      if (found) return found[1]
      throw new NnsizeError('argument-value', `Key ${showValue(index)} is not in the dict.`, { span: spanOf(expr.index) })
    }
    const fromHook = this.hooks.subscript(object, index, spanOf(expr.index))
    if (fromHook) return fromHook
    throw new NnsizeError('type', `A ${typeName(object)} cannot be indexed with ${typeName(index)}.`, { span: spanOf(expr) })
  }

  private binary(expr: Extract<Expr, { type: 'binary' }>): Value {
    const left = this.evaluate(expr.left)
    const right = this.evaluate(expr.right)
    const op = expr.op
    const l = asNumber(left)
    const r = asNumber(right)
    if (l !== undefined && r !== undefined) return arithmetic(op, l, r, expr)
    if (op === '*') {
      const sequence = left.kind === 'list' || left.kind === 'tuple' ? left : right.kind === 'list' || right.kind === 'tuple' ? right : undefined
      const count = sequence === left ? right : left
      if (sequence && count.kind === 'int') {
        const total = BigInt(sequence.items.length) * (count.value < 0n ? 0n : count.value)
        if (total > BigInt(limits.maxListLength)) {
          throw new NnsizeError('limit', `Repeating this ${sequence.kind} makes ${total.toLocaleString('en-US')} items; the limit is ${limits.maxListLength.toLocaleString('en-US')}.`, { span: spanOf(expr) })
        }
        const items: Value[] = []
        for (let i = 0n; i < (count.value < 0n ? 0n : count.value); i++) items.push(...sequence.items)
        return { kind: sequence.kind, items }
      }
    }
    if (op === '+' && left.kind === right.kind && (left.kind === 'list' || left.kind === 'tuple')) {
      const items = [...left.items, ...(right as { items: Value[] }).items]
      if (items.length > limits.maxListLength) throw new NnsizeError('limit', `The list has more than ${limits.maxListLength} items, the limit.`, { span: spanOf(expr) })
      return { kind: left.kind, items }
    }
    if (op === '+' && left.kind === 'str' && right.kind === 'str') return { kind: 'str', value: left.value + right.value }
    throw new NnsizeError('type', `Unsupported operand types for \`${op}\`: ${typeName(left)} and ${typeName(right)}.`, { span: spanOf(expr) })
  }
}

type Num = { int: bigint } | { float: number }

function asNumber(v: Value): Num | undefined {
  if (v.kind === 'int') return { int: v.value }
  if (v.kind === 'bool') return { int: v.value ? 1n : 0n }
  if (v.kind === 'float') return { float: v.value }
  return undefined
}

function toFloat(n: Num): number {
  return 'int' in n ? Number(n.int) : n.float
}

function floatValue(value: number, at: Offsets): Value {
  if (!Number.isFinite(value)) throw new NnsizeError('argument-value', 'The arithmetic overflows to a non-finite float.', { span: spanOf(at) })
  return { kind: 'float', value }
}

function arithmetic(op: string, l: Num, r: Num, at: Offsets): Value {
  if ('int' in l && 'int' in r) {
    const a = l.int
    const b = r.int
    switch (op) {
      case '+':
        return { kind: 'int', value: a + b }
      case '-':
        return { kind: 'int', value: a - b }
      case '*':
        return { kind: 'int', value: a * b }
      case '/':
        if (b === 0n) throw new NnsizeError('argument-value', 'Division by zero.', { span: spanOf(at) })
        return floatValue(Number(a) / Number(b), at)
      case '//':
      case '%': {
        if (b === 0n) throw new NnsizeError('argument-value', 'Integer division by zero.', { span: spanOf(at) })
        let q = a / b
        if ((a % b !== 0n) && ((a < 0n) !== (b < 0n))) q -= 1n
        return { kind: 'int', value: op === '//' ? q : a - q * b }
      }
      case '**':
        if (b < 0n) return floatValue(Number(a) ** Number(b), at)
        if (b > 4096n && (a > 1n || a < -1n)) throw new NnsizeError('limit', `\`${a} ** ${b}\` is too large to compute.`, { span: spanOf(at) })
        return { kind: 'int', value: a ** b }
    }
  }
  const a = toFloat(l)
  const b = toFloat(r)
  switch (op) {
    case '+':
      return floatValue(a + b, at)
    case '-':
      return floatValue(a - b, at)
    case '*':
      return floatValue(a * b, at)
    case '/':
      if (b === 0) throw new NnsizeError('argument-value', 'Division by zero.', { span: spanOf(at) })
      return floatValue(a / b, at)
    case '//':
      if (b === 0) throw new NnsizeError('argument-value', 'Division by zero.', { span: spanOf(at) })
      return floatValue(Math.floor(a / b), at)
    case '%':
      if (b === 0) throw new NnsizeError('argument-value', 'Division by zero.', { span: spanOf(at) })
      return floatValue(a - Math.floor(a / b) * b, at)
    default:
      return floatValue(a ** b, at)
  }
}
