import type { SourceSpan } from '../errors.js'
import type { DType } from '../tensor/dtype.js'
import { raise } from './exceptions.js'
import { bool, float, int, list } from '../contract/values.js'
import type { KnownValues, TensorValue, Value } from '../contract/values.js'

/**
 * The values of small tensors made from known numbers while the model is built: `torch.linspace`, `arange`,
 * `tensor`, `zeros`, `ones`, `full` and element-wise arithmetic on them, so that `x.item()`, `t.tolist()`,
 * `float(t)` and `int(t)` answer as in PyTorch (`[x.item() for x in torch.linspace(0, 0.1, 12)]`). Values are kept
 * for at most {@link maxKnownElements} elements, as the dtype holds them: float32 results are rounded to float32
 * as PyTorch's CPU kernels compute them; float16, bfloat16 and complex values are never kept.
 */

/** The most elements a tensor whose values are kept may have. */
export const maxKnownElements = 4096

/** Whether values of this dtype are kept. */
function keeps(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'bool' || dtype === 'int64' || dtype === 'int32' || dtype === 'int16' || dtype === 'int8' || dtype === 'uint8'
}

const integerRange: Partial<Record<DType, readonly [number, number]>> = {
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  int8: [-128, 127],
  uint8: [0, 255],
}

/** `x` as a tensor of `dtype` holds it (a float cast to an integer truncates toward zero); undefined when it cannot be kept exactly. */
export function castValue(x: number, dtype: DType): number | undefined {
  if (dtype === 'float32') return Math.fround(x)
  if (dtype === 'float64') return x
  if (dtype === 'bool') return x !== 0 ? 1 : 0
  const range = integerRange[dtype]
  if (!range || !Number.isFinite(x)) return undefined
  const v = Math.trunc(x)
  return v >= range[0] && v <= range[1] ? v : undefined
}

/** `values` cast to `dtype`, or undefined when one of them cannot be kept. */
function castAll(values: readonly number[] | undefined, dtype: DType): number[] | undefined {
  if (values === undefined) return undefined
  const cast: number[] = []
  for (const x of values) {
    const v = castValue(x, dtype)
    if (v === undefined) return undefined
    cast.push(v)
  }
  return cast
}

/** Sets the values of a new tensor (its own storage) when they can all be kept; returns the tensor. */
export function withValues(t: TensorValue, values: readonly number[] | undefined): TensorValue {
  if (values === undefined || !keeps(t.dtype) || values.length > maxKnownElements || values.length !== numelOf(t.shape)) return t
  const cast = castAll(values, t.dtype)
  if (cast !== undefined) t.known = { values: cast, storage: { written: false } }
  return t
}

/**
 * Sets the values of a new factory tensor (`zeros`, `arange`, `linspace`) to be computed when first read: building a
 * model makes many such tensors whose values nothing reads. `make` depends on nothing that can change.
 */
export function withLazyValues(t: TensorValue, make: () => readonly number[] | undefined): TensorValue {
  if (!keeps(t.dtype) || numelOf(t.shape) > maxKnownElements) return t
  const dtype = t.dtype
  const count = numelOf(t.shape)
  let cache: readonly number[] | undefined | null = null
  t.known = {
    storage: { written: false },
    get values() {
      if (cache === null) {
        const values = make()
        cache = values === undefined || values.length !== count ? undefined : castAll(values, dtype)
      }
      return cache
    },
  }
  return t
}

/** Makes `view` share the storage of `base`, with `values` when they are computed: a write to either forgets both. */
export function shareStorage(view: Value, base: TensorValue, values?: readonly number[]): void {
  const known = base.known
  if (known === undefined || view.kind !== 'tensor' || view === base || view.known !== undefined) return
  view.known = { values: values !== undefined && !known.storage.written && known.values !== undefined ? values : undefined, storage: known.storage }
}

/**
 * Views by basic indexing (ints, slices, `None`, `...`) of tensors made outside the trace, such as random
 * indices in `forward` (`torch.rand(b, n).argsort(dim=-1)[:, k:]`): each with its base and index, so that the
 * trace makes the view of its base's storage, which autograd keeps whole when it saves the view.
 */
export const untracedViews = new WeakMap<TensorValue, { readonly base: TensorValue; readonly index: Value; readonly span: SourceSpan }>()

/** Records `view = base[index]` in {@link untracedViews} when the index is basic (a view, not a copy). */
export function recordView(view: Value, base: TensorValue, index: Value, span: SourceSpan): void {
  const items = index.kind === 'tuple' ? index.items : [index]
  if (view.kind !== 'tensor' || items.some((v) => v.kind === 'tensor' || v.kind === 'list' || v.kind === 'tuple')) return
  untracedViews.set(view, { base, index, span })
}

/** Marks the storage of `t` written (an in-place op, `t[i] = v`, an initialiser): its values, and its views', are no longer known. */
export function markWritten(t: Value | undefined): void {
  if (t?.kind === 'tensor' && t.known !== undefined) t.known.storage.written = true
}

/** The values of `t` when they are known now: a plain tensor (not a parameter or buffer), not written since. */
export function knownValues(t: TensorValue): readonly number[] | undefined {
  const known: KnownValues | undefined = t.known
  if (known === undefined || known.values === undefined || known.storage.written || t.def !== undefined) return undefined
  return known.values
}

function numelOf(shape: readonly number[]): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64'
}

/** A Python number of `dtype` (`t.item()`): a float, an int or a bool. */
function scalar(x: number, dtype: DType): Value {
  if (dtype === 'bool') return bool(x !== 0)
  return isFloat(dtype) ? float(x) : int(BigInt(x))
}

const unknownReason = 'nnsize knows the values only of small tensors made while building from known numbers (`torch.linspace`, `arange`, `tensor`, `zeros`, `ones`, `full` and element-wise arithmetic on them); the values of this one depend on data or on an operation it does not compute'

/** The values of `t` for `what` (`.item()`), or a clear `unsupported` error at `span`. */
function requireValues(t: TensorValue, what: string, span: SourceSpan): readonly number[] {
  return knownValues(t) ?? raise('RuntimeError', 'unsupported', `\`${what}\` needs the value of a tensor: ${unknownReason}.`, span)
}

/** `t.item()` (and `float(t)`, `int(t)` through {@link tensorNumber}): the one element as a Python number. */
export function tensorItem(t: TensorValue, span: SourceSpan, what = '.item()'): Value {
  const n = numelOf(t.shape)
  if (n !== 1) return raise('RuntimeError', 'argument-value', n === 0 ? 'a Tensor with 0 elements cannot be converted to Scalar' : `a Tensor with ${n} elements cannot be converted to Scalar`, span)
  const values = requireValues(t, what, span)
  return scalar(values[0]!, t.dtype)
}

/** `float(t)` or `int(t)` of a one-element tensor: its value as a JavaScript number. */
export function tensorNumber(t: TensorValue, span: SourceSpan, what: string): number {
  const n = numelOf(t.shape)
  if (n !== 1) return raise('ValueError', 'argument-value', 'only one element tensors can be converted to Python scalars', span)
  return requireValues(t, what, span)[0]!
}

/** `t.tolist()`: nested lists of Python numbers (a number for a 0-dim tensor). */
export function tensorToList(t: TensorValue, span: SourceSpan): Value {
  const values = requireValues(t, '.tolist()', span)
  let position = 0
  const build = (dim: number): Value => {
    if (dim === t.shape.length) return scalar(values[position++]!, t.dtype)
    const items: Value[] = []
    for (let i = 0; i < t.shape[dim]!; i++) items.push(build(dim + 1))
    return list(items)
  }
  return t.shape.length === 0 ? scalar(values[0]!, t.dtype) : build(0)
}

/** The numbers of a Python number, or nested lists and tuples of them, in row-major order (`torch.tensor(data)`). */
export function nestedNumbers(v: Value, out: number[] = []): number[] | undefined {
  if (out.length > maxKnownElements) return undefined
  switch (v.kind) {
    case 'int':
      if (v.value > BigInt(Number.MAX_SAFE_INTEGER) || v.value < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined
      out.push(Number(v.value))
      return out
    case 'float':
      out.push(v.value)
      return out
    case 'bool':
      out.push(v.value ? 1 : 0)
      return out
    case 'list':
    case 'tuple':
      for (const item of v.items) if (nestedNumbers(item, out) === undefined) return undefined
      return out
    default:
      return undefined
  }
}

/** A Python number as a JavaScript number, or undefined for anything else (a big int beyond 2^53 too). */
export function numberOf(v: Value | undefined): number | undefined {
  if (v === undefined) return undefined
  if (v.kind === 'float') return v.value
  if (v.kind === 'bool') return v.value ? 1 : 0
  if (v.kind === 'int') return v.value > BigInt(Number.MAX_SAFE_INTEGER) || v.value < -BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v.value)
  return undefined
}

/**
 * `torch.linspace(start, end, steps)` as PyTorch 2.13's CPU kernel computes it: `step = (end - start) / (steps - 1)`
 * in the dtype, then `start + step * i` for the first half and `end - step * (steps - 1 - i)` for the second, each
 * rounded once (a fused multiply-add). For integer dtypes the step is a double and each value is truncated.
 * Undefined for dtypes whose values are not kept (float64's fused rounding is not reproduced).
 */
export function linspaceValues(start: number, end: number, steps: number, dtype: DType): number[] | undefined {
  if (steps > maxKnownElements || dtype === 'float64' || !keeps(dtype)) return undefined
  if (steps === 0) return []
  const f32 = dtype === 'float32'
  const s = f32 ? Math.fround(start) : start
  const e = f32 ? Math.fround(end) : end
  if (steps === 1) return [s]
  const step = f32 ? Math.fround(Math.fround(e - s) / Math.fround(steps - 1)) : (e - s) / (steps - 1)
  const half = Math.floor(steps / 2)
  const out: number[] = []
  for (let i = 0; i < steps; i++) out.push(i < half ? s + step * i : e - step * (steps - i - 1))
  return out
}

/** `torch.arange(start, end, step)` of integers: exact, as PyTorch computes it for any dtype that holds them. */
export function arangeValues(start: number, step: number, length: number): number[] | undefined {
  if (length > maxKnownElements) return undefined
  const out: number[] = []
  for (let i = 0; i < length; i++) out.push(start + step * i)
  return out
}

/** One operand of element-wise arithmetic: its values and shape, or undefined when they are not known. */
function operandValues(v: Value): { values: readonly number[]; shape: readonly number[] } | undefined {
  if (v.kind === 'tensor') {
    const values = knownValues(v)
    return values === undefined ? undefined : { values, shape: v.shape }
  }
  const x = numberOf(v)
  return x === undefined ? undefined : { values: [x], shape: [] }
}

type Arithmetic = 'Add' | 'Sub' | 'Mult' | 'Div'

/**
 * The values of `left op right` (`+`, `-`, `*`, `/`) with broadcasting, in the result's `dtype`: each operand is
 * first cast to it (a Python float to float32, as ATen reads a scalar operand), then each result is rounded once,
 * which for these four operations is the correctly rounded float32 result. Undefined when an operand's values are not
 * known or the op is another.
 */
export function arithmeticValues(op: string, left: Value, right: Value, shape: readonly number[], dtype: DType): number[] | undefined {
  if (op !== 'Add' && op !== 'Sub' && op !== 'Mult' && op !== 'Div') return undefined
  if (!keeps(dtype) || dtype === 'bool' || numelOf(shape) > maxKnownElements) return undefined
  const a = operandValues(left)
  const b = operandValues(right)
  if (!a || !b) return undefined
  const f = (x: number): number | undefined => castValue(x, dtype)
  const n = numelOf(shape)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const x = f(a.values[broadcastIndex(i, shape, a.shape)]!)
    const y = f(b.values[broadcastIndex(i, shape, b.shape)]!)
    if (x === undefined || y === undefined) return undefined
    const r = apply(op, x, y, dtype)
    if (r === undefined) return undefined
    out.push(r)
  }
  return out
}

function apply(op: Arithmetic, x: number, y: number, dtype: DType): number | undefined {
  switch (op) {
    case 'Add':
      return x + y
    case 'Sub':
      return x - y
    case 'Mult':
      return x * y
    case 'Div':
      // Integer results come only from true division's promotion to float, so a zero divisor is a float's.
      return isFloat(dtype) ? x / y : undefined
  }
}

/** The flat index in an operand of `shape` broadcast to `out` for the output's flat index `i`. */
function broadcastIndex(i: number, out: readonly number[], shape: readonly number[]): number {
  let index = 0
  let stride = 1
  let rest = i
  for (let d = out.length - 1; d >= 0; d--) {
    const size = out[d]!
    const coordinate = rest % size
    rest = Math.floor(rest / size)
    const own = shape[d - (out.length - shape.length)]
    if (own !== undefined) {
      if (own !== 1) index += coordinate * stride
      stride *= own
    }
  }
  return index
}

/** The values of `t[i]` along the first dimension (iteration, an int index). */
export function selectFirst(t: TensorValue, i: number): number[] | undefined {
  const values = knownValues(t)
  if (values === undefined) return undefined
  const inner = numelOf(t.shape.slice(1))
  return values.slice(i * inner, (i + 1) * inner)
}

/** `-t`. */
export function negatedValues(t: TensorValue): number[] | undefined {
  return knownValues(t)?.map((x) => -x)
}
