import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { limits } from '../limits.js'
import type { ArgSpec } from '../contract/args.js'
import type { ModuleNode } from '../contract/module.js'
import type { DType } from '../tensor/dtype.js'
import { showValue, typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'

export type { ArgSpec, ArgsOf, SpecValue } from '../contract/args.js'

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
export interface Options<T> {
  default?: T
  keywordOnly?: boolean
}

/** Whether options of type `O` leave an argument required: they do unless they give a default. */
export type RequiredBy<O> = [O] extends [undefined] ? true : [O] extends [{ default: unknown }] ? false : 'default' extends keyof NonNullable<O> ? boolean : true

function spec<T, N extends string, R extends boolean>(name: N, options: Options<T> | undefined, coerce: ArgSpec<T>['coerce'], isFloat = false): ArgSpec<T, N, R> {
  // Fields set one by one rather than spread from parts: every layer's signature is made when the core loads, in code
  // that runs once, cold. An option not given is no field at all.
  const out: ArgSpec<T, N, R> = { name, required: !(options !== undefined && 'default' in options) as R, coerce }
  if (!out.required) out.default = options!.default as T
  if (options?.keywordOnly === true) out.keywordOnly = true
  if (isFloat) out.isFloat = true
  return out
}

/** An `int` argument; `min` defaults to 0 (sizes). */
export function int<const N extends string, O extends (Options<number> & { min?: number }) | undefined = undefined>(name: N, options?: O): ArgSpec<number, N, RequiredBy<O>> {
  return spec(name, options, (v, span, n) => coerceInt(v, span, n, options?.min ?? 0))
}

/** An `int` argument that may be `None`. */
export function optionalInt<const N extends string, O extends (Options<number | null> & { min?: number }) | undefined = undefined>(name: N, options?: O): ArgSpec<number | null, N, RequiredBy<O>> {
  return spec(name, options, (v, span, n) => (v.kind === 'none' ? null : coerceInt(v, span, n, options?.min ?? 0)))
}

/** A `float` argument (ints are accepted, as in Python). */
export function float<const N extends string, O extends Options<number> | undefined = undefined>(name: N, options?: O): ArgSpec<number, N, RequiredBy<O>> {
  return spec(
    name,
    options,
    (v, span, n) => {
      if (v.kind === 'float') return v.value
      if (v.kind === 'int') return Number(v.value)
      throw typeError(n, 'a float', v, span)
    },
    true,
  )
}

/** A `float` argument that may be `None`. */
export function optionalFloat<const N extends string, O extends Options<number | null> | undefined = undefined>(name: N, options?: O): ArgSpec<number | null, N, RequiredBy<O>> {
  return spec(
    name,
    options,
    (v, span, n) => {
      if (v.kind === 'none') return null
      if (v.kind === 'float') return v.value
      if (v.kind === 'int') return Number(v.value)
      throw typeError(n, 'a float or None', v, span)
    },
    true,
  )
}

/** A `bool` argument. Python would accept any truthy value; nnsize asks for `True`/`False` (or 0/1). */
export function bool<const N extends string, O extends Options<boolean> | undefined = undefined>(name: N, options?: O): ArgSpec<boolean, N, RequiredBy<O>> {
  return spec(name, options, (v, span, n) => {
    if (v.kind === 'bool') return v.value
    if (v.kind === 'int' && (v.value === 0n || v.value === 1n)) return v.value === 1n
    throw typeError(n, '`True` or `False`', v, span)
  })
}

/** Options of a string argument: its default and the values it takes. */
export interface StrOptions<T extends string> extends Options<T> {
  choices?: readonly T[]
}

/** A string argument, optionally one of `choices`. */
export function str<const N extends string, const T extends string = string>(name: N, options: StrOptions<T> & { default: T }): ArgSpec<T, N, false>
export function str<const N extends string, const T extends string = string>(name: N, options?: StrOptions<T> & { default?: undefined }): ArgSpec<T, N, true>
export function str<const N extends string, const T extends string = string>(name: N, options?: StrOptions<T>): ArgSpec<T, N>
export function str<T extends string>(name: string, options?: StrOptions<T>): ArgSpec<T> {
  return spec(name, options, (v, span, n) => {
    if (v.kind !== 'str') throw typeError(n, options?.choices ? `one of ${options.choices.map((c) => `'${c}'`).join(', ')}` : 'a string', v, span)
    if (options?.choices && !options.choices.includes(v.value as T)) {
      throw new NnsizeError('argument-value', `\`${n}\` must be one of ${options.choices.map((c) => `'${c}'`).join(', ')}, got '${v.value}'.`, { span })
    }
    return v.value as T
  })
}

/**
 * Converts an int or a tuple/list of `size` ints into a list of `size` ints (PyTorch's `_pair`, `_triple`). With
 * `single`, a sequence of one int stands for all `size` (a convolution's `stride=[2]`, which its kernel expands).
 */
export function coerceInts(value: Value, span: SourceSpan, name: string, size: number, min = 0, single = false): number[] {
  if (value.kind === 'int') return new Array<number>(size).fill(coerceInt(value, span, name, min))
  if (value.kind === 'tuple' || value.kind === 'list') {
    if (single && value.items.length === 1 && size > 1) return new Array<number>(size).fill(coerceInt(value.items[0]!, span, name, min))
    if (value.items.length !== size) {
      throw new NnsizeError('argument-value', `\`${name}\` must be an int or a tuple of ${size} ints, got ${value.items.length} values \`${showValue(value)}\`.`, { span })
    }
    return value.items.map((item) => coerceInt(item, span, name, min))
  }
  throw typeError(name, size === 1 ? 'an int' : `an int or a tuple of ${size} ints`, value, span)
}

/** An int or a tuple of `size` ints, normalised to `size` ints; with `single`, also a sequence of one int (see {@link coerceInts}). */
export function ints<const N extends string, O extends (Options<number[]> & { min?: number; single?: boolean }) | undefined = undefined>(name: N, size: number, options?: O): ArgSpec<number[], N, RequiredBy<O>> {
  return spec(name, options, (v, span, n) => coerceInts(v, span, n, size, options?.min ?? 0, options?.single ?? false))
}

/** Converts an int, a list/tuple of ints or a `torch.Size` to a shape. */
export function coerceShape(value: Value, span: SourceSpan, name: string): number[] {
  if (value.kind === 'int') return [coerceInt(value, span, name)]
  if (value.kind === 'tuple' || value.kind === 'list') return value.items.map((item) => coerceInt(item, span, name))
  throw typeError(name, 'an int, a list of ints or a `torch.Size`', value, span)
}

/** A shape argument such as LayerNorm's `normalized_shape`. */
export function shape<const N extends string, O extends Options<number[]> | undefined = undefined>(name: N, options?: O): ArgSpec<number[], N, RequiredBy<O>> {
  return spec(name, options, coerceShape)
}

/** `dtype=torch.float16`, or `None` for the default. */
export function dtype(): ArgSpec<DType | null, 'dtype', false> {
  return spec('dtype', { default: null }, (v, span, n) => {
    if (v.kind === 'none') return null
    if (v.kind === 'dtype') return v.dtype
    throw typeError(n, 'a `torch.dtype` such as `torch.float16`', v, span)
  })
}

/** `device=...`: accepted and ignored (sizes do not depend on the device). */
export function device(): ArgSpec<string | null, 'device', false> {
  return spec('device', { default: null }, (v, span, n) => {
    if (v.kind === 'none') return null
    if (v.kind === 'str') return v.value
    if (v.kind === 'device') return v.name
    if (v.kind === 'int') return `cuda:${v.value}`
    throw typeError(n, "a device such as `'cuda'`", v, span)
  })
}

/** A module argument (`nn.TransformerEncoder(encoder_layer, ...)`). */
export function module<const N extends string, O extends (Options<ModuleNode | null> & { optional?: boolean }) | undefined = undefined>(
  name: N,
  options?: O,
): ArgSpec<O extends { optional: true } ? ModuleNode | null : ModuleNode, N, RequiredBy<O>> {
  return spec(name, options, (v, span, n): ModuleNode | null => {
    if (v.kind === 'module') return v.module
    if (v.kind === 'none' && options?.optional) return null
    throw typeError(n, 'a module such as `nn.Linear(8, 8)`', v, span)
  }) as ArgSpec<O extends { optional: true } ? ModuleNode | null : ModuleNode, N, RequiredBy<O>>
}

/** Any value, handed over as the interpreter's {@link Value}. */
export function any<const N extends string, O extends Options<Value> | undefined = undefined>(name: N, options?: O): ArgSpec<Value, N, RequiredBy<O>> {
  return spec(name, options, (v) => v)
}

/** A tuple of `size` floats (`betas=(0.9, 0.999)`); the entries listed in `nullable` may also be `None`. */
export function floats<const N extends string, O extends (Options<Array<number | null>> & { nullable?: readonly number[] }) | undefined = undefined>(name: N, size: number, options?: O): ArgSpec<Array<number | null>, N, RequiredBy<O>> {
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
export function optionalStr<const N extends string, const T extends string = string>(name: N, options: Options<T | null> & { choices?: readonly T[]; default: T | null }): ArgSpec<T | null, N, false>
export function optionalStr<const N extends string, const T extends string = string>(name: N, options?: Options<T | null> & { choices?: readonly T[]; default?: undefined }): ArgSpec<T | null, N, true>
export function optionalStr<const N extends string, const T extends string = string>(name: N, options?: Options<T | null> & { choices?: readonly T[] }): ArgSpec<T | null, N>
export function optionalStr<T extends string>(name: string, options?: Options<T | null> & { choices?: readonly T[] }): ArgSpec<T | null> {
  const text: ArgSpec<T> = str(name, options?.choices ? { choices: options.choices } : {})
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
