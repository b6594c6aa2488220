import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import type { ArgSpec } from '../bind/args.js'
import { showValue, typeName } from '../interpret/values.js'
import type { Value } from '../interpret/values.js'
import { spanOf } from '../python/ast.js'
import type { Expr } from '../python/ast.js'
import { evaluateConstant } from '../interpret/program.js'

/**
 * Evaluates a constant argument expression of an option (`1e-4`, `(0.9, 0.95)`, `True`, `'strong_wolfe'`, `3e-4 * 2`)
 * with the expression language's own evaluator and no names in scope. Anything else is an `option` error
 * pointing at the expression.
 */
export function constantValue(expr: Expr): Value {
  try {
    return evaluateConstant(expr)
  } catch (error) {
    if (!NnsizeError.isInstance(error)) throw error
    if (error.code === 'unknown-name' || error.code === 'unknown-attribute' || error.code === 'unsupported') {
      throw new NnsizeError('option', 'Only constants (numbers, strings, `True`/`False`/`None`, tuples) can be given here.', { span: spanOf(expr) })
    }
    throw new NnsizeError('option', error.message, { span: error.span ?? spanOf(expr), suggestions: error.suggestions })
  }
}

/** Python's `repr` of a float, as PyTorch's messages show it (`0.001`, `1e-05`, `-1.0`). */
export function pyFloat(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(1)
  const abs = Math.abs(value)
  const text = abs !== 0 && (abs < 1e-4 || abs >= 1e16) ? value.toExponential() : String(value)
  return text.replace(/e([+-])(\d)$/, 'e$10$2')
}

function typeError(name: string, expected: string, value: Value, span: SourceSpan): NnsizeError {
  return new NnsizeError('option', `\`${name}\` must be ${expected}, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
}

function toNumber(value: Value, name: string, span: SourceSpan): number {
  if (value.kind === 'float') return value.value
  if (value.kind === 'int') return Number(value.value)
  throw typeError(name, 'a number', value, span)
}

/** A float argument that may be `None`. */
export function floatOrNone(name: string, defaultValue: number | null): ArgSpec<number | null> {
  return { name, required: false, default: defaultValue, coerce: (v, span, n) => (v.kind === 'none' ? null : toNumber(v, n, span)) }
}

/** A float argument (ints accepted). */
export function num(name: string, defaultValue: number, options: { keywordOnly?: boolean } = {}): ArgSpec<number> {
  return { name, required: false, default: defaultValue, ...(options.keywordOnly ? { keywordOnly: true } : {}), coerce: (v, span, n) => toNumber(v, n, span) }
}

/** An int argument with a lower bound. */
export function integer(name: string, defaultValue: number | null, min: number, options: { keywordOnly?: boolean } = {}): ArgSpec<number | null> {
  return {
    name,
    required: false,
    default: defaultValue,
    ...(options.keywordOnly ? { keywordOnly: true } : {}),
    coerce: (v, span, n) => {
      if (v.kind === 'none' && defaultValue === null) return null
      if (v.kind !== 'int') throw typeError(n, 'an int', v, span)
      if (v.value < BigInt(min) || v.value > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new NnsizeError('option', `\`${n}\` must be an int from ${min} to ${Number.MAX_SAFE_INTEGER}, got \`${v.value}\`.`, { span })
      }
      return Number(v.value)
    },
  }
}

/** A `True`/`False` argument (`None` allowed when the default is `None`). */
export function flag(name: string, defaultValue: boolean | null, options: { keywordOnly?: boolean } = {}): ArgSpec<boolean | null> {
  return {
    name,
    required: false,
    default: defaultValue,
    ...(options.keywordOnly ? { keywordOnly: true } : {}),
    coerce: (v, span, n) => {
      if (v.kind === 'none' && defaultValue === null) return null
      if (v.kind === 'bool') return v.value
      if (v.kind === 'int' && (v.value === 0n || v.value === 1n)) return v.value === 1n
      throw typeError(n, '`True` or `False`', v, span)
    },
  }
}

/** A tuple of `size` floats (`betas=(0.9, 0.999)`); `nullable` entries may be `None`. */
export function floats(name: string, defaultValue: ReadonlyArray<number | null>, options: { nullable?: readonly number[]; keywordOnly?: boolean } = {}): ArgSpec<Array<number | null>> {
  const size = defaultValue.length
  return {
    name,
    required: false,
    default: [...defaultValue],
    ...(options.keywordOnly ? { keywordOnly: true } : {}),
    coerce: (v, span, n) => {
      if ((v.kind !== 'tuple' && v.kind !== 'list') || v.items.length !== size) throw typeError(n, `a tuple of ${size} numbers`, v, span)
      return v.items.map((item, i) => (item.kind === 'none' && options.nullable?.includes(i) ? null : toNumber(item, `${n}[${i}]`, span)))
    },
  }
}

/** A string argument from a fixed list (or `None` when that is the default). */
export function choice(name: string, choices: readonly string[], defaultValue: string | null, options: { keywordOnly?: boolean } = {}): ArgSpec<string | null> {
  return {
    name,
    required: false,
    default: defaultValue,
    ...(options.keywordOnly ? { keywordOnly: true } : {}),
    coerce: (v, span, n) => {
      if (v.kind === 'none' && defaultValue === null) return null
      if (v.kind !== 'str' || !choices.includes(v.value)) {
        throw new NnsizeError('option', `\`${n}\` must be ${defaultValue === null ? '`None` or ' : ''}one of ${choices.map((c) => `'${c}'`).join(', ')}, got \`${showValue(v)}\`.`, { span })
      }
      return v.value
    },
  }
}

/** Any value, accepted and ignored (it does not change memory). */
export function ignored(name: string, options: { keywordOnly?: boolean } = {}): ArgSpec<Value> {
  return { name, required: false, default: { kind: 'none' }, ...(options.keywordOnly ? { keywordOnly: true } : {}), coerce: (v) => v }
}
