import type { SourceSpan } from '../errors.js'
import type { CmpOperator } from '../python/ast.js'
import { isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { raise } from './exceptions.js'
import { bool, float, int, list } from '../contract/values.js'
import type { KnownValues, SliceValue, TensorValue, Value } from '../contract/values.js'

/**
 * The values of small tensors made from known numbers while the model is built: `torch.linspace`, `arange`,
 * `tensor`, `zeros`, `ones`, `full`, element-wise arithmetic, functions (`exp`, `sqrt`, `clamp`, …), comparisons and
 * index assignments on them, so that `x.item()`, `t.tolist()`, `float(t)`, `int(t)` and `if t:` answer as in PyTorch
 * (`[x.item() for x in torch.linspace(0, 0.1, 12)]`). Values are kept for at most {@link maxKnownElements} elements,
 * as the dtype holds them: float32 results are rounded to float32 as PyTorch's CPU kernels compute them; float16,
 * bfloat16 and complex values are never kept.
 *
 * PyTorch computes float32 `exp`, `log`, `sqrt`, `tanh`, `sin`, … with math libraries (MKL's vector functions on
 * x86-64) whose results are not always the correctly rounded float32 of the exact value. Such a result is kept as
 * the float32 nearest the exact value only when that value lies well away from the midpoint between two float32s
 * (see {@link roundingMargins}), where PyTorch's result always is that float32. Nearer the midpoint the element is kept *unrounded*: the
 * exact value, standing for "one of the two float32s around it". It cannot be read (`.item()`, `tolist()`, a copy to
 * another dtype), but arithmetic and comparisons settle it when both float32s give the same result, as
 * `1 - torch.exp(t)` does for RetNet's decay rates.
 */

/** The most elements a tensor whose values are kept may have. */
export const maxKnownElements = 4096

/** The float32 values arrays that hold unrounded elements (see above): {@link knownValues} does not give them. */
const unroundedArrays = new WeakSet<readonly number[]>()

/** The tensor that made each storage of known values ({@link storeValues}). */
const storageOwners = new WeakMap<KnownValues['storage'], TensorValue>()

/** The storages of known values that a view reads too ({@link shareStorage}). */
const sharedStorages = new WeakSet<KnownValues['storage']>()

/** `values`, recorded as holding unrounded float32 elements when `unrounded`. */
function marked(values: number[], unrounded: boolean): number[] {
  if (unrounded) unroundedArrays.add(values)
  return values
}

/** Whether an element of a float32 values array is unrounded (an exact value between two float32s). */
function isUnroundedNumber(x: number): boolean {
  return !Number.isNaN(x) && Math.fround(x) !== x
}

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
  // Unrounded elements stay as they are in a float32 tensor; a tensor of another dtype cannot know them.
  if (unroundedArrays.has(values)) return t.dtype === 'float32' ? storeValues(t, values) : t
  const cast = castAll(values, t.dtype)
  return cast === undefined ? t : storeValues(t, cast)
}

/** Gives `t` a storage of its own holding `values`; returns `t`. */
function storeValues(t: TensorValue, values: readonly number[]): TensorValue {
  const storage = { written: false }
  storageOwners.set(storage, t)
  t.known = { values, storage }
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
  const storage = { written: false }
  storageOwners.set(storage, t)
  t.known = {
    storage,
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
  sharedStorages.add(known.storage)
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
  const values = currentValues(t)
  return values === undefined || unroundedArrays.has(values) ? undefined : values
}

/**
 * The values of `t` as {@link knownValues} gives them, and also when some float32 elements are unrounded: for the
 * copies and views of `t` (`clone`, `detach`, `+t`), which keep them unrounded.
 */
export function currentValues(t: TensorValue): readonly number[] | undefined {
  const known: KnownValues | undefined = t.known
  if (known === undefined || known.values === undefined || known.storage.written) return undefined
  // A registered buffer keeps the values of the tensor it was (FSQ's `self._levels.prod().item()`), while the dtype
  // it may since have been cast to (`model.half()`) holds them exactly; a parameter's values are not known.
  if (t.def !== undefined && (t.def.kind !== 'buffer' || !heldExactly(known.values, t.def.dtype))) return undefined
  return known.values
}

/** Whether every one of `values` is a number of `dtype`, unchanged by a cast to it. */
function heldExactly(values: readonly number[], dtype: DType): boolean {
  if (!keeps(dtype)) return false
  for (const x of values) {
    const cast = castValue(x, dtype)
    if (cast === undefined || !(cast === x || (Number.isNaN(cast) && Number.isNaN(x)))) return false
  }
  return true
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

const unknownReason = 'nnsize knows the values only of small tensors made while building from known numbers (`torch.linspace`, `arange`, `tensor`, `zeros`, `ones`, `full`, element-wise arithmetic, functions such as `exp` and comparisons on them); the values of this one depend on data or on an operation it does not compute'

const unroundedReason = "an element of this one is the float32 result of a function such as `exp` or `sqrt` whose exact value lies so near the midpoint between two float32s that PyTorch's math libraries may round it either way, so its last bit is not known"

/** The values of `t` for `what` (`.item()`), or a clear `unsupported` error at `span`. */
function requireValues(t: TensorValue, what: string, span: SourceSpan): readonly number[] {
  const values = knownValues(t)
  if (values !== undefined) return values
  const reason = currentValues(t) === undefined ? unknownReason : unroundedReason
  return raise('RuntimeError', 'unsupported', `\`${what}\` needs the value of a tensor: ${reason}.`, span)
}

/**
 * `bool(t)`, `if t:`: the truth of a one-element tensor's value (NaN is true). More or fewer elements are PyTorch's
 * (or numpy's) error whatever the values; an unknown value is a clear `unsupported` error. An unrounded element is
 * never zero, so its truth is known.
 */
export function tensorTruth(t: TensorValue, span: SourceSpan): boolean {
  const n = numelOf(t.shape)
  if (t.ndarray && n !== 1) {
    return raise('ValueError', 'argument-value', n === 0 ? 'The truth value of an empty array is ambiguous. Use `array.size > 0` to check that an array is not empty.' : 'The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()', span)
  }
  if (n !== 1) return raise('RuntimeError', 'argument-value', `Boolean value of Tensor with ${n === 0 ? 'no values' : 'more than one value'} is ambiguous`, span)
  const values = currentValues(t) ?? raise('RuntimeError', 'unsupported', `The truth value of a tensor (\`if t:\`, \`bool(t)\`) needs its value: ${unknownReason}.`, span)
  return values[0] !== 0
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

/**
 * `operator.index(t)`, as Python calls it for a tensor used as a slice bound (`x[:, :n]` with `n = t[0]`): the value
 * of a one-element integer or bool tensor, which must be known.
 */
export function tensorIndex(t: TensorValue, span: SourceSpan, what: string): bigint {
  if (isFloatingDType(t.dtype) || numelOf(t.shape) !== 1) return raise('TypeError', 'type', 'only integer tensors of a single element can be converted to an index', span)
  return BigInt(requireValues(t, what, span)[0]!)
}

/** Flat values as nested lists of `shape` (the leaf itself for a 0-dimensional shape), each made by `leaf`. */
export function nestedList(shape: readonly number[], values: readonly number[], leaf: (value: number) => Value): Value {
  let position = 0
  const build = (dim: number): Value => {
    if (dim === shape.length) return leaf(values[position++]!)
    const items: Value[] = []
    for (let i = 0; i < shape[dim]!; i++) items.push(build(dim + 1))
    return list(items)
  }
  return build(0)
}

/** `t.tolist()`: nested lists of Python numbers (a number for a 0-dim tensor). */
export function tensorToList(t: TensorValue, span: SourceSpan): Value {
  return nestedList(t.shape, requireValues(t, '.tolist()', span), (v) => scalar(v, t.dtype))
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

/** One operand of element-wise arithmetic: its values (which may be unrounded) and shape. */
interface Operand {
  values: readonly number[]
  shape: readonly number[]
  unrounded: boolean
}

/** The values and shape of a tensor or Python number, or undefined when they are not known. */
function operandValues(v: Value): Operand | undefined {
  if (v.kind === 'tensor') {
    const values = currentValues(v)
    return values === undefined ? undefined : { values, shape: v.shape, unrounded: unroundedArrays.has(values) }
  }
  const x = numberOf(v)
  return x === undefined ? undefined : { values: [x], shape: [], unrounded: false }
}

/** The float32s an element may be: itself, or the two around it when it is unrounded. */
function candidatesOf(x: number, unrounded: boolean): readonly number[] {
  if (!unrounded || !isUnroundedNumber(x)) return [x]
  const nearest = Math.fround(x)
  return [nearest, nextFloat32(nearest, x)]
}

/** Whether two results are the same number (NaN is NaN; 0 and -0 differ). */
function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))
}

/**
 * The result of `f` on the `i`-th output element of two broadcast operands: `f` of each candidate pair (see
 * {@link candidatesOf}) must agree; undefined when they do not or `f` gives undefined.
 */
/** {@link combined} at every element of the broadcast `shape`; undefined as soon as one element is undecided. */
function combinedAll(a: Operand, b: Operand, shape: readonly number[], f: (x: number, y: number) => number | undefined): number[] | undefined {
  const n = numelOf(shape)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const r = combined(a, b, i, shape, f)
    if (r === undefined) return undefined
    out.push(r)
  }
  return out
}

function combined(a: Operand, b: Operand, i: number, shape: readonly number[], f: (x: number, y: number) => number | undefined): number | undefined {
  const xs = candidatesOf(a.values[broadcastIndex(i, shape, a.shape)]!, a.unrounded)
  const ys = candidatesOf(b.values[broadcastIndex(i, shape, b.shape)]!, b.unrounded)
  let result: number | undefined
  for (const x of xs) {
    for (const y of ys) {
      const r = f(x, y)
      if (r === undefined || (result !== undefined && !sameNumber(r, result))) return undefined
      result = r
    }
  }
  return result
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
  const each = (x: number, y: number): number | undefined => {
    const p = castValue(x, dtype)
    const q = castValue(y, dtype)
    const r = p === undefined || q === undefined ? undefined : apply(op, p, q, dtype)
    return r === undefined ? undefined : castValue(r, dtype)
  }
  return combinedAll(a, b, shape, each)
}

const comparisons: Partial<Record<CmpOperator, (x: number, y: number) => boolean>> = {
  Eq: (x, y) => x === y,
  NotEq: (x, y) => x !== y,
  Lt: (x, y) => x < y,
  LtE: (x, y) => x <= y,
  Gt: (x, y) => x > y,
  GtE: (x, y) => x >= y,
}

/**
 * The values (1 or 0) of `left op right` (`==`, `!=`, `<`, `<=`, `>`, `>=`) with broadcasting: both operands are
 * cast to `common`, their promoted dtype, as ATen compares them (an int64 tensor and a Python float compare as
 * float32). Undefined when an operand's values are not known.
 */
export function comparisonValues(op: CmpOperator, left: Value, right: Value, shape: readonly number[], common: DType): number[] | undefined {
  const test = comparisons[op]
  if (!test || !keeps(common) || numelOf(shape) > maxKnownElements) return undefined
  const a = operandValues(left)
  const b = operandValues(right)
  if (!a || !b) return undefined
  const each = (x: number, y: number): number | undefined => {
    const p = castValue(x, common)
    const q = castValue(y, common)
    return p === undefined || q === undefined ? undefined : test(p, q) ? 1 : 0
  }
  return combinedAll(a, b, shape, each)
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
  const values = currentValues(t)
  if (values === undefined) return undefined
  const inner = numelOf(t.shape.slice(1))
  return marked(values.slice(i * inner, (i + 1) * inner), unroundedArrays.has(values))
}

/** `-t`. */
export function negatedValues(t: TensorValue): number[] | undefined {
  return elementwiseValues('neg', t, t.dtype)
}

// ---------------------------------------------------------------------------------------------
// Element-wise functions

const float32Bits = new Float32Array(1)
const float32Word = new Uint32Array(float32Bits.buffer)

/** The float32 next to the finite float32 `f` in the direction of `toward`. */
function nextFloat32(f: number, toward: number): number {
  if (f === 0) {
    float32Word[0] = 1
    return toward > 0 ? float32Bits[0]! : -float32Bits[0]!
  }
  float32Bits[0] = f
  // The bits of the magnitude grow away from zero.
  float32Word[0] = toward > f === f > 0 ? float32Word[0]! + 1 : float32Word[0]! - 1
  return float32Bits[0]!
}

/** The smallest positive normal float32: below it, libraries differ in how they round (or flush) results. */
const minNormalFloat32 = 2 ** -126

/** The largest finite float32: beyond it, a library may give it or infinity. */
const maxFloat32 = (2 - 2 ** -23) * 2 ** 127

/**
 * How near (in float32 ulps) the exact result of each function may lie to the midpoint between two float32s before
 * it is kept unrounded. Measured against PyTorch 2.13 on CPU (x86-64, MKL; ATen's default, AVX2 and AVX512 kernels;
 * tensors of 4 elements and of 3 million; for `sigmoid`, the C library's `exp` it uses on small tensors): each float32
 * result that is not the correctly rounded one has its exact value within 0.07 ulp of a midpoint (0.11 for `sin` and
 * `cos`); the margins are about twice that.
 */
const roundingMargins = { exp: 0.15, log: 0.15, log2: 0.15, log10: 0.15, sqrt: 0.15, tanh: 0.15, sigmoid: 0.15, sin: 0.25, cos: 0.25 } as const

/**
 * The float32 result of a function whose exact value is `exact`: the nearest float32, or `exact` itself (unrounded)
 * when it lies within `margin` ulp of a midpoint; undefined where the result overflows or is subnormal.
 */
function settle(exact: number, margin: number): number | undefined {
  if (Number.isNaN(exact)) return Number.NaN
  const nearest = Math.fround(exact)
  if (nearest === exact) return nearest
  if (!(Math.abs(nearest) < maxFloat32) || Math.abs(nearest) < minNormalFloat32) return undefined
  const distance = Math.abs(exact - nearest) / Math.abs(nextFloat32(nearest, exact) - nearest)
  return 0.5 - distance < margin ? exact : nearest
}

/** `x` rounded to the nearest integer, halves to even (`torch.round`). */
function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** How one element-wise function computes its result for each kind of result dtype. */
interface ElementwiseRule {
  /** A float32 element's float32 result (possibly unrounded, see {@link settle}); undefined when not known. */
  float32?: (x: number) => number | undefined
  /** A float64 element's result, for functions whose float64 result is exact. */
  float64?: (x: number) => number | undefined
  /** An integer element's result (same dtype). */
  integer?: (x: number) => number | undefined
  /** True when `float32` maps an unrounded element to its unrounded result (negation, absolute value). */
  keepsUnrounded?: boolean
  /** The most elements a tensor may have for its values to be kept. */
  maxElements?: number
}

const F = Math.fround
const same = (x: number): number => x

/** An exact function of float32 and float64 elements that keeps integers as they are (`floor` of an int64 tensor). */
function exactRule(f: (x: number) => number): ElementwiseRule {
  return { float32: f, float64: f, integer: same }
}

/** A function whose float32 result PyTorch takes from a math library: kept as {@link settle} says, never for float64. */
function libraryRule(f: (x: number) => number, margin: number): ElementwiseRule {
  return { float32: (x) => settle(f(x), margin) }
}

/**
 * The element-wise functions whose values are kept, each computed as PyTorch 2.13's CPU kernels compute it: exact
 * operations with one float32 rounding each (`rsqrt` is `1 / sqrt(x)` with two, `sigmoid` is `1 / (1 + exp(-x))`
 * rounded at each step), library functions as {@link settle} says.
 */
const elementwiseRules: Record<string, ElementwiseRule> = {
  abs: { float32: Math.abs, float64: Math.abs, integer: Math.abs, keepsUnrounded: true },
  neg: { float32: (x) => -x, float64: (x) => -x, integer: (x) => (x === 0 ? 0 : -x), keepsUnrounded: true },
  floor: exactRule(Math.floor),
  ceil: exactRule(Math.ceil),
  trunc: exactRule(Math.trunc),
  round: exactRule(roundHalfEven),
  square: { float32: (x) => F(x * x), float64: (x) => x * x, integer: (x) => x * x },
  reciprocal: { float32: (x) => F(1 / x), float64: (x) => 1 / x },
  rsqrt: { float32: (x) => F(1 / F(Math.sqrt(x))), float64: (x) => 1 / Math.sqrt(x) },
  sqrt: libraryRule(Math.sqrt, roundingMargins.sqrt),
  exp: libraryRule(Math.exp, roundingMargins.exp),
  log: libraryRule(Math.log, roundingMargins.log),
  log2: libraryRule(Math.log2, roundingMargins.log2),
  log10: libraryRule(Math.log10, roundingMargins.log10),
  tanh: libraryRule(Math.tanh, roundingMargins.tanh),
  sin: libraryRule(Math.sin, roundingMargins.sin),
  cos: libraryRule(Math.cos, roundingMargins.cos),
  // PyTorch's kernel computes a tensor of fewer than 8 elements one element at a time, with the C library's `exp`;
  // larger ones go in vectors (from 8 elements where a vector holds 4 floats, 16 with AVX2, 32 with AVX512) whose
  // `exp` is less accurate: measured with AVX512, it misses the correctly rounded float32 by up to 0.92 ulp.
  sigmoid: {
    maxElements: 7,
    float32: (x) => {
      const e = settle(Math.exp(-x), roundingMargins.sigmoid)
      if (e === undefined) return undefined
      let result: number | undefined
      for (const c of candidatesOf(e, true)) {
        const r = F(1 / F(1 + c))
        if (result !== undefined && !sameNumber(r, result)) return undefined
        result = r
      }
      return result
    },
  },
}
elementwiseRules['negative'] = elementwiseRules['neg']!

/**
 * The values of `f(t)` in the result's `dtype` (`torch.exp(t)` of an int64 tensor is float32), each element cast to
 * it first, an unrounded element settled when both of its float32s give the same result. Undefined when the values
 * of `t` are not known, the function's values are not kept for the dtype, or an element's result is not known.
 */
function mappedValues(t: TensorValue, dtype: DType, rule: ElementwiseRule): number[] | undefined {
  const values = currentValues(t)
  if (values === undefined || !keeps(dtype) || dtype === 'bool') return undefined
  const f = dtype === 'float32' ? rule.float32 : dtype === 'float64' ? rule.float64 : rule.integer
  if (f === undefined) return undefined
  const unrounded = unroundedArrays.has(values)
  const out: number[] = []
  for (const v of values) {
    let r: number | undefined
    if (unrounded && isUnroundedNumber(v)) {
      if (dtype !== 'float32') return undefined
      if (rule.keepsUnrounded) r = f(v)
      else {
        for (const c of candidatesOf(v, true)) {
          const each = f(c)
          if (each === undefined || (r !== undefined && !sameNumber(each, r))) return undefined
          r = each
        }
      }
    } else {
      const x = castValue(v, dtype)
      r = x === undefined ? undefined : f(x)
    }
    // An integer result must fit its dtype (`neg` of a uint8 tensor wraps in PyTorch).
    if (r === undefined || (dtype !== 'float32' && dtype !== 'float64' && castValue(r, dtype) !== r)) return undefined
    out.push(r)
  }
  return marked(out, dtype === 'float32' && out.some(isUnroundedNumber))
}

/** The values of the element-wise function `name` of `t` (`exp`, `abs`, `round`, …) in the result's `dtype`. */
export function elementwiseValues(name: string, t: TensorValue, dtype: DType): number[] | undefined {
  const rule = Object.hasOwn(elementwiseRules, name) ? elementwiseRules[name]! : undefined
  if (rule === undefined || (rule.maxElements !== undefined && numelOf(t.shape) > rule.maxElements)) return undefined
  return mappedValues(t, dtype, rule)
}

/**
 * The values of `t.clamp(low, high)` (`clip`) with Python numbers or `None` as bounds, in the result's `dtype`:
 * `min(max(x, low), high)`, so `high` wins where `low > high`, and NaN stays NaN. Undefined for tensor bounds.
 */
export function clampValues(t: TensorValue, low: Value | undefined, high: Value | undefined, dtype: DType): number[] | undefined {
  const bound = (v: Value | undefined, absent: number): number | undefined => {
    if (v === undefined || v.kind === 'none') return absent
    const x = numberOf(v)
    return x === undefined || Number.isNaN(x) ? undefined : castValue(x, dtype)
  }
  const lo = bound(low, -Infinity)
  const hi = bound(high, Infinity)
  if (lo === undefined || hi === undefined) return undefined
  const clamp = (x: number): number => {
    const raised = x < lo ? lo : x
    return raised > hi ? hi : raised
  }
  return mappedValues(t, dtype, { float32: clamp, float64: clamp, integer: clamp })
}

/**
 * The values of `base ** exponent` for a tensor and a Python number, in the result's `dtype`, where PyTorch computes
 * them exactly: integer powers of integers (when they fit), and for floats the exponents its kernel treats apart —
 * 0, 1, 2 (`x * x`), 3 (`x * x * x`), -1 (`1 / x`), -2 (`1 / (x * x)`), -0.5 (`rsqrt`) and, for float32, 0.5
 * (`sqrt`). Undefined for other exponents (`std::pow` and SLEEF's `pow` round differently).
 */
export function powValues(base: Value, exponent: Value, dtype: DType): number[] | undefined {
  const e = numberOf(exponent)
  if (base.kind !== 'tensor' || exponent.kind === 'tensor' || e === undefined) return undefined
  if (dtype !== 'float32' && dtype !== 'float64') {
    if (!Number.isInteger(e) || e < 0) return undefined
    return mappedValues(base, dtype, { integer: (x) => integerPower(x, e) })
  }
  const square = dtype === 'float32' ? (x: number): number => F(x * x) : (x: number): number => x * x
  const round = dtype === 'float32' ? F : same
  const byExponent: Record<number, ((x: number) => number | undefined) | undefined> = {
    0: () => 1,
    1: same,
    2: square,
    3: (x) => round(square(x) * x),
    [-1]: (x) => round(1 / x),
    [-2]: (x) => round(1 / square(x)),
    [-0.5]: (x) => round(1 / round(Math.sqrt(x))),
    0.5: dtype === 'float32' ? (x) => settle(Math.sqrt(x), roundingMargins.sqrt) : undefined,
  }
  const f = byExponent[e]
  return f === undefined ? undefined : mappedValues(base, dtype, { float32: f, float64: f })
}

/** `x ** e` of integers (`e >= 0`), or undefined beyond 2^53. */
function integerPower(x: number, e: number): number | undefined {
  if (e === 0) return 1
  if (x === 0 || x === 1) return x
  if (x === -1) return e % 2 === 0 ? 1 : -1
  let r = 1
  for (let i = 0; i < e; i++) {
    r *= x
    if (Math.abs(r) > Number.MAX_SAFE_INTEGER) return undefined
  }
  return r
}

/** The position in the reduced result of each element of a tensor of `shape` reduced over `dims` (all when undefined). */
function reducedPositions(shape: readonly number[], dims: readonly number[] | undefined): { count: number; positionOf: (i: number) => number } {
  const reduced = (d: number): boolean => dims === undefined || dims.includes(d)
  return {
    count: numelOf(shape.filter((_, d) => !reduced(d))),
    positionOf: (i) => {
      let rest = i
      let index = 0
      let stride = 1
      for (let d = shape.length - 1; d >= 0; d--) {
        const c = rest % shape[d]!
        rest = Math.floor(rest / shape[d]!)
        if (!reduced(d)) {
          index += c * stride
          stride *= shape[d]!
        }
      }
      return index
    },
  }
}

/**
 * The values (1 or 0) of `t.all(dims)` or `t.any(dims)`: over all dimensions when `dims` is undefined, true for an
 * empty `all`, false for an empty `any`; in the order of the remaining dimensions (`keepdim` does not change it).
 */
export function allAnyValues(kind: 'all' | 'any', t: TensorValue, dims: readonly number[] | undefined): number[] | undefined {
  const values = currentValues(t)
  if (values === undefined) return undefined
  const { count, positionOf } = reducedPositions(t.shape, dims)
  const out = new Array<number>(count).fill(kind === 'all' ? 1 : 0)
  values.forEach((x, i) => {
    // NaN and unrounded elements are never zero.
    if (kind === 'all' && x === 0) out[positionOf(i)] = 0
    if (kind === 'any' && x !== 0) out[positionOf(i)] = 1
  })
  return out
}

/**
 * `t.sum(dims)`, `prod`, `amax`, `amin` of a tensor with known values, in `dtype` (the result's), where the result is
 * certain whatever order PyTorch's kernels add or multiply in: integers that stay safe, and floats whose elements
 * are whole numbers and whose sum of magnitudes (product of magnitudes) a float32 (float64) holds exactly. `amax`
 * and `amin` are always exact (NaN wins). Undefined otherwise.
 */
export function reductionValues(kind: 'sum' | 'prod' | 'amax' | 'amin', t: TensorValue, dims: readonly number[] | undefined, dtype: DType): number[] | undefined {
  const values = currentValues(t)
  if (values === undefined || values.some(isUnroundedNumber)) return undefined
  const { count, positionOf } = reducedPositions(t.shape, dims)
  if (kind === 'amax' || kind === 'amin') {
    if (values.length === 0) return undefined
    const out = new Array<number>(count).fill(kind === 'amax' ? -Infinity : Infinity)
    values.forEach((x, i) => {
      const at = positionOf(i)
      const y = out[at]!
      out[at] = Number.isNaN(x) || Number.isNaN(y) ? NaN : kind === 'amax' ? Math.max(x, y) : Math.min(x, y)
    })
    return out
  }
  const exactUpTo = dtype === 'float32' ? 2 ** 24 : Number.MAX_SAFE_INTEGER
  const out = new Array<number>(count).fill(kind === 'sum' ? 0 : 1)
  const magnitude = new Array<number>(count).fill(kind === 'sum' ? 0 : 1)
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!
    if (!Number.isInteger(x)) return undefined
    const at = positionOf(i)
    out[at] = kind === 'sum' ? out[at]! + x : out[at]! * x
    magnitude[at] = kind === 'sum' ? magnitude[at]! + Math.abs(x) : magnitude[at]! * Math.abs(x)
    if (magnitude[at]! > exactUpTo) return undefined
  }
  return out.map((x) => (Object.is(x, -0) ? 0 : x))
}

// ---------------------------------------------------------------------------------------------
// Index assignment

/** The elements a slice selects along a dimension of `size` (Python's `slice.indices`). */
export type SliceRange = (slice: SliceValue, size: number) => { start: number; step: number; count: number }

/** The flat positions `t[index]` selects, in the order of the selection's elements, and the selection's shape. */
interface Selection {
  positions: number[]
  shape: number[]
  /** Whether the index mixes ints with a list or tensor (PyTorch then moves the selected dimensions). */
  mixed: boolean
}

/**
 * The positions an index of ints, slices, `None`, `...` and at most one list of ints or int tensor with known values
 * selects in a tensor of `shape`; undefined for any other index (a bool mask, two lists) or an index out of range.
 */
function selectedPositions(shape: readonly number[], index: Value, sliceRange: SliceRange): Selection | undefined {
  const items = index.kind === 'tuple' ? index.items : [index]
  const consumed = items.filter((v) => v.kind !== 'none' && v.kind !== 'ellipsis').length
  // For each dimension of `shape`, the coordinates it takes (with their own shape for a list or tensor).
  const axes: { coordinates: number[]; shape: number[] }[] = []
  const outShape: number[] = []
  let ints = false
  let advanced = false
  const wrap = (i: number, size: number): number | undefined => {
    const w = i < 0 ? i + size : i
    return Number.isInteger(w) && w >= 0 && w < size ? w : undefined
  }
  for (const v of items) {
    const size = shape[axes.length]
    switch (v.kind) {
      case 'none':
        outShape.push(1)
        break
      case 'ellipsis':
        for (let k = consumed; k < shape.length; k++) {
          const n = shape[axes.length]!
          axes.push({ coordinates: Array.from({ length: n }, (_, c) => c), shape: [n] })
          outShape.push(n)
        }
        break
      case 'int': {
        const c = size === undefined ? undefined : wrap(Number(v.value), size)
        if (c === undefined) return undefined
        axes.push({ coordinates: [c], shape: [] })
        ints = true
        break
      }
      case 'slice': {
        if (size === undefined) return undefined
        const { start, step, count } = sliceRange(v, size)
        axes.push({ coordinates: Array.from({ length: count }, (_, c) => start + c * step), shape: [count] })
        outShape.push(count)
        break
      }
      case 'list':
      case 'tuple':
      case 'tensor': {
        if (advanced || size === undefined) return undefined
        advanced = true
        let raw: readonly number[] | undefined
        let own: number[]
        if (v.kind === 'tensor') {
          // A uint8 or bool tensor is a mask, which selects as many elements as it holds true values.
          if (v.dtype !== 'int64' && v.dtype !== 'int32' && v.dtype !== 'int16' && v.dtype !== 'int8') return undefined
          raw = knownValues(v)
          own = [...v.shape]
        } else {
          if (!v.items.every((x) => x.kind === 'int')) return undefined
          raw = nestedNumbers(v)
          own = [v.items.length]
        }
        const coordinates = raw?.map((i) => wrap(i, size))
        if (coordinates === undefined || coordinates.some((c) => c === undefined)) return undefined
        axes.push({ coordinates: coordinates as number[], shape: own })
        outShape.push(...own)
        break
      }
      default:
        return undefined
    }
  }
  while (axes.length < shape.length) {
    const n = shape[axes.length]!
    axes.push({ coordinates: Array.from({ length: n }, (_, c) => c), shape: [n] })
    outShape.push(n)
  }
  const strides = shape.map((_, d) => numelOf(shape.slice(d + 1)))
  const positions: number[] = []
  const walk = (d: number, offset: number): boolean => {
    if (d === axes.length) {
      positions.push(offset)
      return positions.length <= maxKnownElements
    }
    for (const c of axes[d]!.coordinates) if (!walk(d + 1, offset + c * strides[d]!)) return false
    return true
  }
  if (!walk(0, 0)) return undefined
  return { positions, shape: outShape, mixed: ints && advanced }
}

/**
 * `t[index] = value` where `t` owns its storage (no view of it was made) and the values are known: `t` keeps its
 * values with the selected elements replaced by `value` (a Python number, or a tensor whose values are known,
 * broadcast to the selection and cast to the dtype of `t`). Returns false when the values cannot be kept; the caller
 * then forgets them ({@link markWritten}). Call it once the assignment's shapes are checked.
 */
export function assignValues(t: TensorValue, index: Value, value: Value, sliceRange: SliceRange): boolean {
  const known = t.known
  const values = currentValues(t)
  if (known === undefined || values === undefined || storageOwners.get(known.storage) !== t || sharedStorages.has(known.storage)) return false
  const selection = selectedPositions(t.shape, index, sliceRange)
  if (selection === undefined) return false
  let source: readonly number[] | undefined
  let sourceShape: readonly number[] = []
  if (value.kind === 'tensor') {
    // PyTorch's order for a list mixed with ints, and the last of repeated positions, are not known here.
    if (selection.mixed || new Set(selection.positions).size !== selection.positions.length) return false
    source = knownValues(value)
    sourceShape = value.shape
    let ones = 0
    while (ones < sourceShape.length && sourceShape[ones] === 1) ones++
    sourceShape = sourceShape.slice(ones)
  } else {
    const x = numberOf(value)
    source = x === undefined ? undefined : [x]
  }
  if (source === undefined) return false
  const next = [...values]
  for (let k = 0; k < selection.positions.length; k++) {
    const x = castValue(source[broadcastIndex(k, selection.shape, sourceShape)]!, t.dtype)
    if (x === undefined) return false
    next[selection.positions[k]!] = x
  }
  t.known = { values: marked(next, unroundedArrays.has(values) && next.some(isUnroundedNumber)), storage: known.storage }
  return true
}

