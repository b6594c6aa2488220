import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { limits } from '../limits.js'
import type { ModuleNode } from '../model/module.js'
import type { DType } from '../tensor/dtype.js'
import { showValue, typeName } from '../interpret/values.js'
import type { Value } from '../interpret/values.js'

/** How one constructor argument is named, defaulted and converted. */
export interface ArgSpec<T = unknown> {
  name: string
  /** False when the argument has a default. */
  required: boolean
  /** The JS value used when the argument is omitted. */
  default?: T
  /** Only by keyword (after `*` in the Python signature). */
  keywordOnly?: boolean
  /** Converts an interpreter value, throwing {@link NnsizeError} with `span` on a bad one. */
  coerce(value: Value, span: SourceSpan, name: string): T
  /** A float argument: a whole number bound to it reads back as a Python `float` (`m.eps` is `1.0`, not `1`). */
  isFloat?: boolean
}

function typeError(name: string, expected: string, value: Value, span: SourceSpan): NnsizeError {
  return new NnsizeError('argument-type', `\`${name}\` must be ${expected}, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
}

function toSafeInt(v: bigint, name: string, span: SourceSpan): number {
  if (v > BigInt(limits.maxDimension) || v < -BigInt(limits.maxDimension)) {
    throw new NnsizeError('limit', `\`${name}\` is ${v}, beyond the largest supported size ${limits.maxDimension}.`, { span })
  }
  return Number(v)
}

/** Converts an int value (not a bool) to a JS number, checking range and `min`. */
export function coerceInt(value: Value, span: SourceSpan, name: string, min?: number): number {
  if (value.kind !== 'int') {
    if (value.kind === 'float' && Number.isInteger(value.value)) {
      throw new NnsizeError('argument-type', `\`${name}\` must be an int, got float \`${showValue(value)}\`: write \`${value.value}\`.`, { span })
    }
    throw typeError(name, 'an int', value, span)
  }
  const n = toSafeInt(value.value, name, span)
  if (min !== undefined && n < min) {
    throw new NnsizeError('argument-value', `\`${name}\` must be ${min === 0 ? 'non-negative' : `at least ${min}`}, got \`${n}\`.`, { span })
  }
  return n
}

/** Spec options shared by every helper. */
interface Options<T> {
  default?: T
  keywordOnly?: boolean
}

function spec<T>(name: string, options: Options<T> | undefined, coerce: ArgSpec<T>['coerce']): ArgSpec<T> {
  const hasDefault = options !== undefined && 'default' in options
  return {
    name,
    required: !hasDefault,
    ...(hasDefault ? { default: options.default as T } : {}),
    ...(options?.keywordOnly ? { keywordOnly: true } : {}),
    coerce,
  }
}

/** An `int` argument; `min` defaults to 0 (sizes). */
export function int(name: string, options?: Options<number> & { min?: number }): ArgSpec<number> {
  return spec(name, options, (v, span, n) => coerceInt(v, span, n, options?.min ?? 0))
}

/** An `int` argument that may be `None`. */
export function optionalInt(name: string, options?: Options<number | null> & { min?: number }): ArgSpec<number | null> {
  return spec(name, options, (v, span, n) => (v.kind === 'none' ? null : coerceInt(v, span, n, options?.min ?? 0)))
}

/** A `float` argument (ints are accepted, as in Python). */
export function float(name: string, options?: Options<number>): ArgSpec<number> {
  return {
    ...spec(name, options, (v, span, n) => {
      if (v.kind === 'float') return v.value
      if (v.kind === 'int') return Number(v.value)
      throw typeError(n, 'a float', v, span)
    }),
    isFloat: true,
  }
}

/** A `float` argument that may be `None`. */
export function optionalFloat(name: string, options?: Options<number | null>): ArgSpec<number | null> {
  return {
    ...spec(name, options, (v, span, n) => {
      if (v.kind === 'none') return null
      if (v.kind === 'float') return v.value
      if (v.kind === 'int') return Number(v.value)
      throw typeError(n, 'a float or None', v, span)
    }),
    isFloat: true,
  }
}

/** A `bool` argument. Python would accept any truthy value; nnsize asks for `True`/`False` (or 0/1). */
export function bool(name: string, options?: Options<boolean>): ArgSpec<boolean> {
  return spec(name, options, (v, span, n) => {
    if (v.kind === 'bool') return v.value
    if (v.kind === 'int' && (v.value === 0n || v.value === 1n)) return v.value === 1n
    throw typeError(n, '`True` or `False`', v, span)
  })
}

/** A string argument, optionally one of `choices`. */
export function str<T extends string>(name: string, options?: Options<T> & { choices?: readonly T[] }): ArgSpec<T> {
  return spec(name, options, (v, span, n) => {
    if (v.kind !== 'str') throw typeError(n, options?.choices ? `one of ${options.choices.map((c) => `'${c}'`).join(', ')}` : 'a string', v, span)
    if (options?.choices && !options.choices.includes(v.value as T)) {
      throw new NnsizeError('argument-value', `\`${n}\` must be one of ${options.choices.map((c) => `'${c}'`).join(', ')}, got '${v.value}'.`, { span })
    }
    return v.value as T
  })
}

/** Converts an int or a tuple/list of `size` ints into a list of `size` ints (PyTorch's `_pair`, `_triple`). */
export function coerceInts(value: Value, span: SourceSpan, name: string, size: number, min = 0): number[] {
  if (value.kind === 'int') return new Array<number>(size).fill(coerceInt(value, span, name, min))
  if (value.kind === 'tuple' || value.kind === 'list') {
    if (value.items.length !== size) {
      throw new NnsizeError('argument-value', `\`${name}\` must be an int or a tuple of ${size} ints, got ${value.items.length} values \`${showValue(value)}\`.`, { span })
    }
    return value.items.map((item) => coerceInt(item, span, name, min))
  }
  throw typeError(name, size === 1 ? 'an int' : `an int or a tuple of ${size} ints`, value, span)
}

/** An int or a tuple of `size` ints, normalised to `size` ints. */
export function ints(name: string, size: number, options?: Options<number[]> & { min?: number }): ArgSpec<number[]> {
  return spec(name, options, (v, span, n) => coerceInts(v, span, n, size, options?.min ?? 0))
}

/** Converts an int, a list/tuple of ints or a `torch.Size` to a shape. */
export function coerceShape(value: Value, span: SourceSpan, name: string): number[] {
  if (value.kind === 'int') return [coerceInt(value, span, name)]
  if (value.kind === 'tuple' || value.kind === 'list') return value.items.map((item) => coerceInt(item, span, name))
  throw typeError(name, 'an int, a list of ints or a `torch.Size`', value, span)
}

/** A shape argument such as LayerNorm's `normalized_shape`. */
export function shape(name: string, options?: Options<number[]>): ArgSpec<number[]> {
  return spec(name, options, coerceShape)
}

/** `dtype=torch.float16`, or `None` for the default. */
export function dtype(): ArgSpec<DType | null> {
  return spec('dtype', { default: null }, (v, span, n) => {
    if (v.kind === 'none') return null
    if (v.kind === 'dtype') return v.dtype
    throw typeError(n, 'a `torch.dtype` such as `torch.float16`', v, span)
  })
}

/** `device=...`: accepted and ignored (sizes do not depend on the device). */
export function device(): ArgSpec<string | null> {
  return spec('device', { default: null }, (v, span, n) => {
    if (v.kind === 'none') return null
    if (v.kind === 'str') return v.value
    if (v.kind === 'device') return v.name
    if (v.kind === 'int') return `cuda:${v.value}`
    throw typeError(n, "a device such as `'cuda'`", v, span)
  })
}

/** A module argument (`nn.TransformerEncoder(encoder_layer, ...)`). */
export function module(name: string, options?: Options<ModuleNode | null> & { optional?: boolean }): ArgSpec<ModuleNode | null> {
  return spec(name, options, (v, span, n) => {
    if (v.kind === 'module') return v.module
    if (v.kind === 'none' && options?.optional) return null
    throw typeError(n, 'a module such as `nn.Linear(8, 8)`', v, span)
  })
}

/** Any value, handed over as the interpreter's {@link Value}. */
export function any(name: string, options?: Options<Value>): ArgSpec<Value> {
  return spec(name, options, (v) => v)
}

/** A tuple of `size` floats (`betas=(0.9, 0.999)`); the entries listed in `nullable` may also be `None`. */
export function floats(name: string, size: number, options?: Options<Array<number | null>> & { nullable?: readonly number[] }): ArgSpec<Array<number | null>> {
  return spec(name, options, (v, span, n) => {
    if ((v.kind !== 'tuple' && v.kind !== 'list') || v.items.length !== size) throw typeError(n, `a tuple of ${size} numbers`, v, span)
    return v.items.map((item, i) => {
      if (item.kind === 'none' && options?.nullable?.includes(i)) return null
      if (item.kind === 'float') return item.value
      if (item.kind === 'int') return Number(item.value)
      throw typeError(`${n}[${i}]`, 'a number', item, span)
    })
  })
}

/** A string argument that may be `None`, optionally one of `choices`. */
export function optionalStr<T extends string>(name: string, options?: Options<T | null> & { choices?: readonly T[] }): ArgSpec<T | null> {
  const text = str<T>(name, { choices: options?.choices })
  return spec(name, options, (v, span, n) => {
    if (v.kind === 'none') return null
    try {
      return text.coerce(v, span, n)
    } catch (error) {
      if (!NnsizeError.isInstance(error) || !options?.choices) throw error
      throw new NnsizeError(error.code, `\`${n}\` must be \`None\` or one of ${options.choices.map((c) => `'${c}'`).join(', ')}, got \`${showValue(v)}\`.`, { span })
    }
  })
}
