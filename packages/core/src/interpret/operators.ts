import { floatFloorDiv, floatMod, floatPow } from './float-arith.js'
import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { limits } from '../limits.js'
import type { CmpOperator, Operator, UnaryOperator } from '../python/ast.js'
import { bitLength } from './budget.js'
import { lookupInMro } from './classes.js'
import { raise } from './exceptions.js'
import { dictGet, dictHas, dictSet, hashKey, newDict, newSet } from './hash.js'
import type { Interpreter } from './interpreter.js'
import { classOf, placeholderError } from './objects.js'
import { containerDunder } from './container-classes.js'
import type { ContainerInstance } from './container-classes.js'
import { moduleBinary, moduleIterate, moduleLength } from './nn-module.js'
import { percentFormat } from './strings.js'
import { tensorBinary, tensorCompare, tensorIterate, tensorUnary } from './tensor.js'
import { tensorTruth } from './tensor-values.js'
import { FALSE, TRUE, bool, float, int, str, tuple, typeName } from '../contract/values.js'
import { sizeClass } from './types.js'
import type { DictValue, SetValue, Value } from '../contract/values.js'

/** The next value of an iteration, or undefined at its end. */
export type Iter = () => Value | undefined

const symbols: Record<Operator, string> = {
  Add: '+',
  Sub: '-',
  Mult: '*',
  MatMult: '@',
  Div: '/',
  Mod: '%',
  Pow: '**',
  LShift: '<<',
  RShift: '>>',
  BitOr: '|',
  BitXor: '^',
  BitAnd: '&',
  FloorDiv: '//',
}

/** The Python spelling of a binary operator (`FloorDiv` → `//`). */
export function operatorSymbol(op: Operator): string {
  return symbols[op]
}

function unsupported(op: string, left: Value, right: Value, span: SourceSpan): never {
  return raise('TypeError', 'type', `Unsupported operand types for \`${op}\`: ${typeName(left)} and ${typeName(right)}.`, span)
}

/** A number as Python arithmetic sees it: bools are ints. */
type Num = { int: bigint } | { float: number }

function asNumber(v: Value): Num | undefined {
  switch (v.kind) {
    case 'int':
      return { int: v.value }
    case 'bool':
      return { int: v.value ? 1n : 0n }
    case 'float':
      return { float: v.value }
    default:
      return undefined
  }
}

/** An int converted to a float as Python does: `OverflowError` beyond the largest double. */
export function intToFloat(value: bigint, span: SourceSpan): number {
  const f = Number(value)
  if (!Number.isFinite(f)) raise('OverflowError', 'argument-value', 'An int too large to convert to float.', span)
  return f
}

function toFloat(n: Num, span: SourceSpan): number {
  return 'int' in n ? intToFloat(n.int, span) : n.float
}

function checkedFloat(value: number, span: SourceSpan): Value {
  if (!Number.isFinite(value)) raise('OverflowError', 'argument-value', 'The arithmetic overflows to a non-finite float.', span)
  return float(value)
}

/** Python's floor division of ints. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q
}

/** Python's modulo of ints (the sign of the divisor). */
export function floorMod(a: bigint, b: bigint): bigint {
  const r = a % b
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r
}


/** Below this magnitude a sum, and a product of two, stays far below the bit budget: no need to measure. */
const small = 2n ** 30_000n
const negativeSmall = -small

function isSmall(v: bigint): boolean {
  return v < small && v > negativeSmall
}

/** Int arithmetic, with the bit budget checked before a result could grow past it. */
function intArithmetic(it: Interpreter, op: Operator, a: bigint, b: bigint, span: SourceSpan): Value | undefined {
  switch (op) {
    case 'Add':
      if (!isSmall(a) || !isSmall(b)) it.budget.intBits(Math.max(bitLength(a), bitLength(b)) + 1, span)
      return int(a + b)
    case 'Sub':
      if (!isSmall(a) || !isSmall(b)) it.budget.intBits(Math.max(bitLength(a), bitLength(b)) + 1, span)
      return int(a - b)
    case 'Mult':
      if (!isSmall(a) || !isSmall(b)) it.budget.intBits(bitLength(a) + bitLength(b), span)
      return int(a * b)
    default:
      return undefined
  }
}

function arithmetic(it: Interpreter, op: Operator, l: Num, r: Num, span: SourceSpan): Value {
  if ('int' in l && 'int' in r) {
    const a = l.int
    const b = r.int
    switch (op) {
      case 'Add':
      case 'Sub':
      case 'Mult':
        return intArithmetic(it, op, a, b, span)!
      case 'FloorDiv':
        if (b === 0n) raise('ZeroDivisionError', 'argument-value', 'Integer division or modulo by zero (division by zero).', span)
        return int(floorDiv(a, b))
      case 'Mod':
        if (b === 0n) raise('ZeroDivisionError', 'argument-value', 'Integer division or modulo by zero (division by zero).', span)
        return int(floorMod(a, b))
      case 'Div':
        if (b === 0n) raise('ZeroDivisionError', 'argument-value', 'Division by zero.', span)
        return checkedFloat(trueDivide(a, b, span), span)
      case 'Pow': {
        if (b < 0n) {
          if (a === 0n) raise('ZeroDivisionError', 'argument-value', '0 cannot be raised to a negative power (division by zero).', span)
          return checkedFloat(floatPow(intToFloat(a, span), Number(b)), span)
        }
        if (a === 0n || a === 1n || b === 0n) return int(b === 0n ? 1n : a)
        if (a === -1n) return int(b % 2n === 0n ? 1n : -1n)
        // Bits of the result, checked before computing it: (2**4096)**4096 stops here, at once.
        const bits = BigInt(bitLength(a)) * b
        it.budget.intBits(bits, span)
        return int(a ** b)
      }
      case 'LShift':
        if (b < 0n) raise('ValueError', 'argument-value', 'Negative shift count.', span)
        it.budget.intBits(BigInt(bitLength(a)) + b, span)
        return int(a << b)
      case 'RShift':
        if (b < 0n) raise('ValueError', 'argument-value', 'Negative shift count.', span)
        return int(b > 65536n ? (a < 0n ? -1n : 0n) : a >> b)
      case 'BitAnd':
        return int(a & b)
      case 'BitOr':
        return int(a | b)
      case 'BitXor':
        return int(a ^ b)
      case 'MatMult':
        break
    }
  }
  if (op === 'LShift' || op === 'RShift' || op === 'BitAnd' || op === 'BitOr' || op === 'BitXor' || op === 'MatMult') {
    return unsupported(symbols[op], numberValue(l), numberValue(r), span)
  }
  const a = toFloat(l, span)
  const b = toFloat(r, span)
  switch (op) {
    case 'Add':
      return checkedFloat(a + b, span)
    case 'Sub':
      return checkedFloat(a - b, span)
    case 'Mult':
      return checkedFloat(a * b, span)
    case 'Div':
      if (b === 0) raise('ZeroDivisionError', 'argument-value', 'Float division by zero.', span)
      return checkedFloat(a / b, span)
    case 'FloorDiv':
      if (b === 0) raise('ZeroDivisionError', 'argument-value', 'Float floor division by zero.', span)
      return checkedFloat(floatFloorDiv(a, b), span)
    case 'Mod':
      if (b === 0) raise('ZeroDivisionError', 'argument-value', 'Float modulo by zero.', span)
      return checkedFloat(floatMod(a, b), span)
    default: {
      if (a === 0 && b < 0) raise('ZeroDivisionError', 'argument-value', '0.0 cannot be raised to a negative power (division by zero).', span)
      if (a < 0 && !Number.isInteger(b)) raise('ValueError', 'argument-value', 'A negative number raised to a fractional power is complex; complex numbers are not supported.', span)
      return checkedFloat(floatPow(a, b), span)
    }
  }
}

function numberValue(n: Num): Value {
  return 'int' in n ? int(n.int) : float(n.float)
}

/** `a / b` for ints, correctly rounded when both fit a double exactly, else by scaling. */
function trueDivide(a: bigint, b: bigint, span: SourceSpan): number {
  const limit = 2n ** 53n
  if (a < limit && a > -limit && b < limit && b > -limit) return Number(a) / Number(b)
  // Scale the quotient into 64 significant bits, then divide in floating point.
  const shift = BigInt(Math.max(0, bitLength(a) - bitLength(b) - 64))
  const q = shift > 0n ? (a / (b << shift)) : a / b
  const rest = shift > 0n ? 0 : Number(a % b) / Number(b)
  return intToFloat(q, span) * 2 ** Number(shift) + rest
}

/** `result` as a `torch.Size` when `source` is one (`torch.Size([2]) * 2`). */
function sizeLike(source: Value, result: Value): Value {
  return source.kind === 'tuple' && source.cls === sizeClass && result.kind === 'tuple' ? tuple(result.items, undefined, sizeClass) : result
}

/** Repeats a sequence `n` times, charging the items (or characters) before making them: `[] * 10**18` is empty at once. */
function repeat(it: Interpreter, seq: Value, times: bigint, span: SourceSpan): Value {
  const n = times < 0n ? 0n : times
  if (seq.kind === 'str') {
    const total = BigInt(seq.value.length) * n
    it.budget.string(total, span)
    return str(total === 0n ? '' : seq.value.repeat(Number(n)))
  }
  const items = (seq as { items: Value[] }).items
  const total = BigInt(items.length) * n
  if (total === 0n) return { kind: seq.kind as 'list', items: [] }
  if (total > BigInt(limits.maxListLength)) {
    throw new NnsizeError('limit', `Repeating this ${seq.kind} makes ${total.toLocaleString('en-US')} items; the limit is ${limits.maxListLength.toLocaleString('en-US')}.`, { span })
  }
  it.budget.allocate(total, span)
  const out = new Array<Value>(Number(total))
  const len = items.length
  for (let i = 0; i < out.length; i++) out[i] = items[i % len]!
  return { kind: seq.kind as 'list', items: out }
}

/** `left op right`. */
export function binary(it: Interpreter, op: Operator, left: Value, right: Value, span: SourceSpan): Value {
  if (left.kind === 'int' && right.kind === 'int') {
    const fast = intArithmetic(it, op, left.value, right.value, span)
    if (fast) return fast
  }
  const l = asNumber(left)
  const r = asNumber(right)
  if (l !== undefined && r !== undefined) return arithmetic(it, op, l, r, span)
  if (left.kind === 'placeholder') throw placeholderError(left, span)
  if (right.kind === 'placeholder') throw placeholderError(right, span)
  if (left.kind === 'tensor' || right.kind === 'tensor') return tensorBinary(it, op, left, right, span)
  if (left.kind === 'complex' || right.kind === 'complex') {
    const a = asComplex(left, l)
    const b = asComplex(right, r)
    const result = a && b ? complexArithmetic(op, a, b, span) : undefined
    if (result) return result
  }
  if (left.kind === 'module' || right.kind === 'module') {
    const result = moduleBinary(it, op, left, right, span)
    if (result) return result
  }
  const dunder = userOperator(it, op, left, right, span)
  if (dunder) return dunder
  switch (op) {
    case 'Add':
      if (left.kind === 'str' && right.kind === 'str') {
        it.budget.string(left.value.length + right.value.length, span)
        return str(left.value + right.value)
      }
      if ((left.kind === 'list' || left.kind === 'tuple') && right.kind === left.kind) {
        it.budget.allocate(left.items.length + right.items.length, span)
        // `torch.Size` on either side makes a `torch.Size`, as its `__add__` and `__radd__` do
        if (left.kind === 'tuple' && right.kind === 'tuple' && (left.cls === sizeClass || right.cls === sizeClass)) return tuple([...left.items, ...right.items], undefined, sizeClass)
        return { kind: left.kind, items: [...left.items, ...right.items] }
      }
      break
    case 'Mult':
      if ((left.kind === 'str' || left.kind === 'list' || left.kind === 'tuple') && r && 'int' in r) return sizeLike(left, repeat(it, left, r.int, span))
      if ((right.kind === 'str' || right.kind === 'list' || right.kind === 'tuple') && l && 'int' in l) return sizeLike(right, repeat(it, right, l.int, span))
      break
    case 'Mod':
      if (left.kind === 'str') return str(percentFormat(it, left.value, right, span))
      break
    case 'BitOr':
      if (left.kind === 'dict' && right.kind === 'dict') {
        const out = newDict(left.ordered)
        it.budget.allocate(left.entries.length + right.entries.length, span)
        for (const [k, v] of left.entries) dictSet(out, k, v, span)
        for (const [k, v] of right.entries) dictSet(out, k, v, span)
        return out
      }
      if (left.kind === 'set' && right.kind === 'set') return setOperation(it, 'union', left, right, span)
      if ((left.kind === 'typehint' || left.kind === 'class' || left.kind === 'none') && (right.kind === 'typehint' || right.kind === 'class' || right.kind === 'none')) return { kind: 'typehint', name: 'Union' }
      break
    case 'BitAnd':
      if (left.kind === 'set' && right.kind === 'set') return setOperation(it, 'intersection', left, right, span)
      break
    case 'Sub':
      if (left.kind === 'set' && right.kind === 'set') return setOperation(it, 'difference', left, right, span)
      break
    case 'BitXor':
      if (left.kind === 'set' && right.kind === 'set') return setOperation(it, 'symmetric_difference', left, right, span)
      break
    default:
      break
  }
  return unsupported(symbols[op], left, right, span)
}

const dunders: Partial<Record<Operator, [string, string]>> = {
  Add: ['__add__', '__radd__'],
  Sub: ['__sub__', '__rsub__'],
  Mult: ['__mul__', '__rmul__'],
  MatMult: ['__matmul__', '__rmatmul__'],
  Div: ['__truediv__', '__rtruediv__'],
  FloorDiv: ['__floordiv__', '__rfloordiv__'],
  Mod: ['__mod__', '__rmod__'],
  Pow: ['__pow__', '__rpow__'],
}

/** A user class's `__add__` / `__radd__` (and the other arithmetic dunders). */
function userOperator(it: Interpreter, op: Operator, left: Value, right: Value, span: SourceSpan): Value | undefined {
  const names = dunders[op]
  if (!names) return undefined
  if (left.kind === 'instance') {
    const f = lookupInMro(left.cls, names[0])
    if (f && f.owner.user) return it.callWith(f.value, [left, right], span)
  }
  const ownLeft = containerDunder(left, names[0])
  if (ownLeft) return it.callWith(ownLeft, [left, right], span)
  if (right.kind === 'instance') {
    const f = lookupInMro(right.cls, names[1])
    if (f && f.owner.user) return it.callWith(f.value, [right, left], span)
  }
  const ownRight = containerDunder(right, names[1])
  if (ownRight) return it.callWith(ownRight, [right, left], span)
  return undefined
}

/** A set operation of two sets (or a set and an iterable, for the methods). */
export function setOperation(it: Interpreter, name: 'union' | 'intersection' | 'difference' | 'symmetric_difference', left: SetValue, right: SetValue, span: SourceSpan): SetValue {
  const out = new Map<unknown, Value>()
  switch (name) {
    case 'union':
      for (const [k, v] of left.items) out.set(k, v)
      for (const [k, v] of right.items) if (!out.has(k)) out.set(k, v)
      break
    case 'intersection':
      for (const [k, v] of left.items) if (right.items.has(k)) out.set(k, v)
      break
    case 'difference':
      for (const [k, v] of left.items) if (!right.items.has(k)) out.set(k, v)
      break
    case 'symmetric_difference':
      for (const [k, v] of left.items) if (!right.items.has(k)) out.set(k, v)
      for (const [k, v] of right.items) if (!left.items.has(k)) out.set(k, v)
      break
  }
  it.budget.allocate(out.size, span)
  return { kind: 'set', items: out, frozen: left.frozen }
}

/** `target op= value`: lists, sets, dicts and module lists change in place, as in Python; everything else is `target op value`. */
export function inplace(it: Interpreter, op: Operator, target: Value, value: Value, span: SourceSpan): Value {
  if (op === 'Add' && target.kind === 'list') {
    const items = it.toArray(value, span)
    it.budget.allocate(items.length, span)
    target.items.push(...items)
    return target
  }
  if (op === 'Mult' && target.kind === 'list' && value.kind === 'int') {
    const repeated = repeat(it, target, value.value, span) as { items: Value[] }
    target.items.splice(0, target.items.length, ...repeated.items)
    return target
  }
  if (target.kind === 'set' && value.kind === 'set' && (op === 'BitOr' || op === 'BitAnd' || op === 'Sub' || op === 'BitXor')) {
    const result = setOperation(it, op === 'BitOr' ? 'union' : op === 'BitAnd' ? 'intersection' : op === 'Sub' ? 'difference' : 'symmetric_difference', target, value, span)
    target.items = result.items
    return target
  }
  if (op === 'BitOr' && target.kind === 'dict' && value.kind === 'dict') {
    it.budget.allocate(value.entries.length, span)
    for (const [k, v] of value.entries) dictSet(target, k, v, span)
    return target
  }
  if (target.kind === 'module') {
    const result = moduleBinary(it, op, target, value, span, true)
    if (result) return result
  }
  if (target.kind === 'instance') {
    const name = `__i${(dunders[op]?.[0] ?? '').slice(2)}`
    const f = lookupInMro(target.cls, name)
    if (f && f.owner.user) return it.callWith(f.value, [target, value], span)
  }
  if (target.kind === 'tensor') return tensorBinary(it, op, target, value, span, true)
  return binary(it, op, target, value, span)
}

type Complex = { readonly real: number; readonly imag: number }

/** A complex number, or an int, bool or float as Python's complex arithmetic reads it (`complex(float(x), 0.0)`). */
function asComplex(v: Value, n: Num | undefined): Complex | undefined {
  if (v.kind === 'complex') return v
  if (n === undefined) return undefined
  return { real: 'int' in n ? Number(n.int) : n.float, imag: 0 }
}

function complexValue(c: Complex): Value {
  return { kind: 'complex', real: c.real, imag: c.imag }
}

function complexProduct(a: Complex, b: Complex): Complex {
  return { real: a.real * b.real - a.imag * b.imag, imag: a.real * b.imag + a.imag * b.real }
}

/** `a / b` as CPython's `_Py_c_quot` computes it (Smith's method, dividing by the larger part of `b`). */
function complexQuotient(a: Complex, b: Complex, span: SourceSpan): Complex {
  const absReal = Math.abs(b.real)
  const absImag = Math.abs(b.imag)
  if (absReal >= absImag) {
    if (absReal === 0) return raise('ZeroDivisionError', 'argument-value', 'complex division by zero', span)
    const ratio = b.imag / b.real
    const denominator = b.real + b.imag * ratio
    return { real: (a.real + a.imag * ratio) / denominator, imag: (a.imag - a.real * ratio) / denominator }
  }
  if (absImag >= absReal) {
    const ratio = b.real / b.imag
    const denominator = b.real * ratio + b.imag
    return { real: (a.real * ratio + a.imag) / denominator, imag: (a.imag * ratio - a.real) / denominator }
  }
  return { real: NaN, imag: NaN }
}

/** `a ** b` as CPython computes it: repeated squaring for an integral exponent up to 100, else in polar form. */
function complexPower(a: Complex, b: Complex, span: SourceSpan): Complex {
  if (b.imag === 0 && Number.isInteger(b.real) && Math.abs(b.real) <= 100) {
    let n = Math.abs(b.real)
    let result: Complex = { real: 1, imag: 0 }
    let square = a
    while (n > 0) {
      if (n % 2 === 1) result = complexProduct(result, square)
      n = Math.floor(n / 2)
      if (n > 0) square = complexProduct(square, square)
    }
    if (b.real < 0 && result.real === 0 && result.imag === 0) raise('ZeroDivisionError', 'argument-value', '0.0 to a negative or complex power', span)
    return b.real < 0 ? complexQuotient({ real: 1, imag: 0 }, result, span) : result
  }
  if (b.real === 0 && b.imag === 0) return { real: 1, imag: 0 }
  if (a.real === 0 && a.imag === 0) {
    if (b.imag !== 0 || b.real < 0) raise('ZeroDivisionError', 'argument-value', '0.0 to a negative or complex power', span)
    return { real: 0, imag: 0 }
  }
  const magnitude = Math.hypot(a.real, a.imag)
  const angle = Math.atan2(a.imag, a.real)
  let length = Math.pow(magnitude, b.real)
  let phase = angle * b.real
  if (b.imag !== 0) {
    length /= Math.exp(angle * b.imag)
    phase += b.imag * Math.log(magnitude)
  }
  return { real: length * Math.cos(phase), imag: length * Math.sin(phase) }
}

/** `a op b` of complex numbers (one may be an int or float); undefined for an operator complex numbers do not have (`//`, `%`, `&`). */
function complexArithmetic(op: Operator, a: Complex, b: Complex, span: SourceSpan): Value | undefined {
  switch (op) {
    case 'Add':
      return complexValue({ real: a.real + b.real, imag: a.imag + b.imag })
    case 'Sub':
      return complexValue({ real: a.real - b.real, imag: a.imag - b.imag })
    case 'Mult':
      return complexValue(complexProduct(a, b))
    case 'Div':
      return complexValue(complexQuotient(a, b, span))
    case 'Pow':
      return complexValue(complexPower(a, b, span))
    default:
      return undefined
  }
}

/** `-x`, `+x`, `~x`. */
export function unary(it: Interpreter, op: UnaryOperator, operand: Value, span: SourceSpan): Value {
  switch (operand.kind) {
    case 'int':
    case 'bool': {
      const v = operand.kind === 'bool' ? (operand.value ? 1n : 0n) : operand.value
      return int(op === 'USub' ? -v : op === 'Invert' ? ~v : v)
    }
    case 'float':
      if (op === 'Invert') break
      return float(op === 'USub' ? -operand.value : operand.value)
    case 'complex':
      if (op === 'Invert') break
      return op === 'USub' ? complexValue({ real: -operand.real, imag: -operand.imag }) : operand
    case 'tensor':
      return tensorUnary(it, op, operand, span)
    case 'placeholder':
      throw placeholderError(operand, span)
    case 'instance': {
      const name = op === 'USub' ? '__neg__' : op === 'UAdd' ? '__pos__' : '__invert__'
      const f = lookupInMro(operand.cls, name)
      if (f && f.owner.user) return it.callWith(f.value, [operand], span)
      break
    }
    default:
      break
  }
  const symbol = op === 'USub' ? '-' : op === 'UAdd' ? '+' : '~'
  return raise('TypeError', 'type', `Bad operand type for unary \`${symbol}\`: ${typeName(operand)}.`, span)
}

/** Python truthiness: empty containers, zero and `None` are false; a module is false only when it is an empty container. */
export function truthy(it: Interpreter, value: Value, span: SourceSpan): boolean {
  switch (value.kind) {
    case 'bool':
      return value.value
    case 'none':
      return false
    case 'int':
      return value.value !== 0n
    case 'float':
      return value.value !== 0
    case 'str':
      return value.value.length > 0
    case 'list':
    case 'tuple':
      if (value.kind === 'list' && value.cls !== undefined) return containerTruthy(it, value, span)
      return value.items.length > 0
    case 'dict':
      if (value.cls !== undefined) return containerTruthy(it, value, span)
      return value.entries.length > 0
    case 'set':
      return value.items.size > 0
    case 'range':
      return rangeLength(value) > 0n
    case 'complex':
      return value.real !== 0 || value.imag !== 0
    case 'module': {
      const length = moduleLength(it, value.module)
      return length === undefined || length > 0
    }
    case 'tensor':
      return tensorTruth(value, span)
    case 'placeholder':
      throw placeholderError(value, span)
    case 'instance': {
      const b = lookupInMro(value.cls, '__bool__') ?? lookupInMro(value.cls, '__len__')
      if (b && b.owner.user) {
        const result = it.callWith(b.value, [value], span)
        return result.kind === 'bool' ? result.value : result.kind === 'int' ? result.value !== 0n : truthy(it, result, span)
      }
      return true
    }
    default:
      return true
  }
}

/** The truth of a dict or list of a class derived from `dict` or `list`: its own `__bool__` or `__len__`, else whether it is empty. */
function containerTruthy(it: Interpreter, value: ContainerInstance, span: SourceSpan): boolean {
  const own = containerDunder(value, '__bool__') ?? containerDunder(value, '__len__')
  if (own) {
    const result = it.callWith(own, [value], span)
    return result.kind === 'bool' ? result.value : result.kind === 'int' ? result.value !== 0n : truthy(it, result, span)
  }
  return value.kind === 'dict' ? value.entries.length > 0 : value.items.length > 0
}

/** The length of a range. */
export function rangeLength(r: { start: bigint; stop: bigint; step: bigint }): bigint {
  if (r.step > 0n) return r.stop > r.start ? (r.stop - r.start + r.step - 1n) / r.step : 0n
  return r.start > r.stop ? (r.start - r.stop - r.step - 1n) / -r.step : 0n
}

/** `a is b`. */
export function isSame(a: Value, b: Value): boolean {
  if (a === b) return true
  if (a.kind !== b.kind) return false
  switch (a.kind) {
    case 'none':
    case 'ellipsis':
      return true
    case 'bool':
      return a.value === (b as typeof a).value
    case 'int':
      // CPython shares small ints; model code only compares them to themselves.
      return a.value === (b as typeof a).value && a.value >= -5n && a.value <= 256n
    case 'str':
      // CPython interns string constants made of name characters (and caches '' and one-character strings), so
      // `block_type is 'normal'` holds for a value that came from such a literal.
      return a.value === (b as typeof a).value && (a.value.length <= 1 || /^[A-Za-z0-9_]+$/.test(a.value))
    case 'module':
      return a.module === (b as typeof a).module
    case 'dtype':
      return a.dtype === (b as typeof a).dtype
    case 'tensor':
      return a.def !== undefined && a.def === (b as typeof a).def
    case 'method':
      return isSame(a.self, (b as typeof a).self) && isSame(a.fn, (b as typeof a).fn)
    case 'typehint':
      return a.name === (b as typeof a).name
    default:
      return false
  }
}

/** `a == b` as a boolean (tensors compare by identity here: their values are not known). */
export function equals(it: Interpreter, a: Value, b: Value, span: SourceSpan): boolean {
  if (a === b) return true
  const l = asNumber(a)
  const r = asNumber(b)
  if (l !== undefined && r !== undefined) {
    if ('int' in l && 'int' in r) return l.int === r.int
    if ('float' in l && 'float' in r) return l.float === r.float
    const [i, f] = 'int' in l ? [l.int, (r as { float: number }).float] : [(r as { int: bigint }).int, (l as { float: number }).float]
    return Number.isInteger(f) && BigInt(f) === i
  }
  if (a.kind !== b.kind) {
    // A class nnsize knows (`type(x)`) is none of an unread library's (`type(x) == ListConfig`), as `isinstance` says.
    if ((a.kind === 'class' && b.kind === 'placeholder') || (a.kind === 'placeholder' && b.kind === 'class')) return false
    if (a.kind === 'placeholder') throw placeholderError(a, span)
    if (b.kind === 'placeholder') throw placeholderError(b, span)
    if (a.kind === 'instance' || b.kind === 'instance') return userEquals(it, a, b, span) ?? false
    if (a.kind === 'set' && b.kind === 'set') return setsEqual(a, b)
    return false
  }
  switch (a.kind) {
    case 'str':
      it.budget.scanChars(a.value.length, span)
      return a.value === (b as typeof a).value
    case 'none':
    case 'ellipsis':
      return true
    case 'tuple':
    case 'list': {
      const other = (b as typeof a).items
      if (a.items.length !== other.length) return false
      it.budget.scanItems(other.length, span)
      for (let i = 0; i < other.length; i++) if (!equals(it, a.items[i]!, other[i]!, span)) return false
      return true
    }
    case 'dict': {
      const other = b as DictValue
      if (a.entries.length !== other.entries.length) return false
      it.budget.scanItems(a.entries.length, span)
      for (const [k, v] of a.entries) {
        const w = dictGet(other, k, span)
        if (w === undefined || !equals(it, v, w, span)) return false
      }
      return true
    }
    case 'set':
      return setsEqual(a, b as SetValue)
    case 'dtype':
      return a.dtype === (b as typeof a).dtype
    case 'device':
      return a.name === (b as typeof a).name
    case 'range': {
      const o = b as typeof a
      return a.start === o.start && a.stop === o.stop && a.step === o.step
    }
    case 'slice': {
      const o = b as typeof a
      return equals(it, a.start, o.start, span) && equals(it, a.stop, o.stop, span) && equals(it, a.step, o.step, span)
    }
    case 'instance':
      return userEquals(it, a, b, span) ?? false
    case 'placeholder':
      throw placeholderError(a, span)
    case 'complex':
      return a.real === (b as typeof a).real && a.imag === (b as typeof a).imag
    default:
      return isSame(a, b)
  }
}

function setsEqual(a: SetValue, b: SetValue): boolean {
  if (a.items.size !== b.items.size) return false
  for (const k of a.items.keys()) if (!b.items.has(k)) return false
  return true
}

function userEquals(it: Interpreter, a: Value, b: Value, span: SourceSpan): boolean | undefined {
  for (const [self, other] of [[a, b], [b, a]] as const) {
    if (self.kind !== 'instance') continue
    const eq = lookupInMro(self.cls, '__eq__')
    if (eq && eq.owner.user) return truthy(it, it.callWith(eq.value, [self, other], span), span)
  }
  return a === b
}

/** Orders two values for `<`: numbers, strings, and tuples/lists element by element. Returns <0, 0, >0. */
export function order(it: Interpreter, a: Value, b: Value, span: SourceSpan, op = '<'): number {
  const l = asNumber(a)
  const r = asNumber(b)
  if (l !== undefined && r !== undefined) {
    if ('int' in l && 'int' in r) return l.int < r.int ? -1 : l.int > r.int ? 1 : 0
    const x = 'int' in l ? Number(l.int) : l.float
    const y = 'int' in r ? Number(r.int) : r.float
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN
    return x < y ? -1 : x > y ? 1 : 0
  }
  if (a.kind === 'str' && b.kind === 'str') {
    it.budget.scanChars(Math.min(a.value.length, b.value.length), span)
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0
  }
  if ((a.kind === 'tuple' || a.kind === 'list') && a.kind === b.kind) {
    const x = a.items
    const y = (b as typeof a).items
    it.budget.scanItems(Math.min(x.length, y.length), span)
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (equals(it, x[i]!, y[i]!, span)) continue
      return order(it, x[i]!, y[i]!, span, op)
    }
    return x.length - y.length
  }
  if (a.kind === 'placeholder') throw placeholderError(a, span)
  if (b.kind === 'placeholder') throw placeholderError(b, span)
  if (a.kind === 'instance') {
    const lt = lookupInMro(a.cls, '__lt__')
    if (lt && lt.owner.user) return truthy(it, it.callWith(lt.value, [a, b], span), span) ? -1 : equals(it, a, b, span) ? 0 : 1
  }
  return raise('TypeError', 'type', `\`${op}\` is not supported between ${typeName(a)} and ${typeName(b)}.`, span)
}

/** `item in container`. */
export function contains(it: Interpreter, container: Value, item: Value, span: SourceSpan): boolean {
  if ((container.kind === 'dict' || container.kind === 'list') && container.cls !== undefined) {
    const own = containerDunder(container, '__contains__')
    if (own) return truthy(it, it.callWith(own, [container, item], span), span)
  }
  switch (container.kind) {
    case 'str':
      if (item.kind !== 'str') raise('TypeError', 'type', `\`in <string>\` requires a string as the left operand, not ${typeName(item)}.`, span)
      it.budget.scanChars(container.value.length, span)
      return container.value.includes(item.value)
    case 'dict':
      return dictHas(container, item, span)
    case 'set':
      return container.items.has(hashKey(item, span))
    case 'range': {
      if (item.kind !== 'int' && item.kind !== 'bool') return false
      const v = item.kind === 'bool' ? (item.value ? 1n : 0n) : item.value
      const { start, stop, step } = container
      const inside = step > 0n ? v >= start && v < stop : v <= start && v > stop
      return inside && (v - start) % step === 0n
    }
    case 'list':
    case 'tuple':
      it.budget.scanItems(container.items.length, span)
      for (const x of container.items) if (isSame(x, item) || equals(it, x, item, span)) return true
      return false
    case 'placeholder':
      throw placeholderError(container, span)
    case 'instance': {
      const f = lookupInMro(container.cls, '__contains__')
      if (f && f.owner.user) return truthy(it, it.callWith(f.value, [container, item], span), span)
      break
    }
    case 'module': {
      const key = item.kind === 'str' ? item.value : undefined
      if (key !== undefined && container.module.type === 'ModuleDict') return container.module.children.has(key)
      break
    }
    default:
      break
  }
  const next = it.iter(container, span)
  for (let x = next(); x !== undefined; x = next()) if (isSame(x, item) || equals(it, x, item, span)) return true
  return false
}

/** `left op right` for comparison operators. */
export function compare(it: Interpreter, op: CmpOperator, left: Value, right: Value, span: SourceSpan): Value {
  switch (op) {
    case 'Is':
      return bool(isSame(left, right))
    case 'IsNot':
      return bool(!isSame(left, right))
    case 'In':
      return bool(contains(it, right, left, span))
    case 'NotIn':
      return bool(!contains(it, right, left, span))
    default:
      break
  }
  if (left.kind === 'tensor' || right.kind === 'tensor') return tensorCompare(it, op, left, right, span)
  switch (op) {
    case 'Eq':
      return bool(equals(it, left, right, span))
    case 'NotEq':
      return bool(!equals(it, left, right, span))
    default: {
      if (left.kind === 'set' && right.kind === 'set') {
        const subset = [...left.items.keys()].every((k) => right.items.has(k))
        const superset = [...right.items.keys()].every((k) => left.items.has(k))
        const result = op === 'LtE' ? subset : op === 'GtE' ? superset : op === 'Lt' ? subset && !superset : superset && !subset
        return bool(result)
      }
      const symbol = op === 'Lt' ? '<' : op === 'LtE' ? '<=' : op === 'Gt' ? '>' : '>='
      const c = order(it, left, right, span, symbol)
      if (Number.isNaN(c)) return FALSE
      const result = op === 'Lt' ? c < 0 : op === 'LtE' ? c <= 0 : op === 'Gt' ? c > 0 : c >= 0
      return result ? TRUE : FALSE
    }
  }
}

/** An iterator over any iterable value; every item charges one step of the budget. */
export function iterate(it: Interpreter, value: Value, span: SourceSpan): Iter {
  const budget = it.budget
  if ((value.kind === 'dict' || value.kind === 'list') && value.cls !== undefined) {
    const own = containerDunder(value, '__iter__')
    if (own) return iterate(it, it.callWith(own, [value], span), span)
  }
  switch (value.kind) {
    case 'list':
    case 'tuple': {
      // A list grown while iterated is seen growing, as in Python.
      const items = value.items
      let i = 0
      return () => {
        if (i >= items.length) return undefined
        budget.step(span)
        return items[i++]
      }
    }
    case 'str': {
      it.budget.scanChars(value.value.length, span)
      const chars = [...value.value]
      let i = 0
      return () => {
        if (i >= chars.length) return undefined
        budget.step(span)
        return str(chars[i++]!)
      }
    }
    case 'dict': {
      const entries = value.entries
      let i = 0
      return () => {
        if (i >= entries.length) return undefined
        budget.step(span)
        return entries[i++]![0]
      }
    }
    case 'set': {
      it.budget.scanItems(value.items.size, span)
      const items = [...value.items.values()]
      let i = 0
      return () => {
        if (i >= items.length) return undefined
        budget.step(span)
        return items[i++]
      }
    }
    case 'range': {
      let current = value.start
      const { stop, step } = value
      return () => {
        if (step > 0n ? current >= stop : current <= stop) return undefined
        budget.step(span)
        const v = int(current)
        current += step
        return v
      }
    }
    case 'iterator':
      return () => {
        const v = value.next()
        if (v !== undefined) budget.step(span)
        return v
      }
    case 'module': {
      const next = moduleIterate(it, value.module, span)
      if (next) return next
      break
    }
    case 'tensor':
      return tensorIterate(it, value, span)
    case 'placeholder':
      throw placeholderError(value, span)
    case 'instance': {
      const iter = lookupInMro(value.cls, '__iter__')
      if (iter && iter.owner.user) return iterate(it, it.callWith(iter.value, [value], span), span)
      const getitem = lookupInMro(value.cls, '__getitem__')
      if (getitem && getitem.owner.user) {
        let i = 0
        return () => {
          budget.step(span)
          try {
            return it.callWith(getitem.value, [value, int(i++)], span)
          } catch (error) {
            if (error instanceof Error && 'pyClass' in error && (error as { pyClass: { name: string } }).pyClass.name === 'IndexError') return undefined
            throw error
          }
        }
      }
      break
    }
    default:
      break
  }
  return raise('TypeError', 'type', `A ${classOf(it, value, span).name} value is not iterable.`, span)
}

/** An iterator's values wrapped as a Python iterator value. */
export function iteratorValue(name: string, next: Iter): Value {
  return { kind: 'iterator', name, next }
}

/** The set of an iterable's values. */
export function toSet(it: Interpreter, value: Value, frozen: boolean, span: SourceSpan): SetValue {
  return newSet(it.toArray(value, span), frozen, span)
}

