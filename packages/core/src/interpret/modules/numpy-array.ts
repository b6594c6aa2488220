import type { SourceSpan } from '../../errors.js'
import { NnsizeError } from '../../errors.js'
import { limits } from '../../limits.js'
import type { CmpOperator, Operator, UnaryOperator } from '../../python/ast.js'
import { broadcastResult } from '../../tensor/broadcast.js'
import { dtypeBytes } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { placeholderError } from '../objects.js'
import type { Iter } from '../operators.js'
import { sliceIndices } from '../subscript.js'
import { tensorBinary, tensorCompare, tensorGetItem } from '../tensor.js'
import { arithmeticValues, castValue, knownValues, markWritten, maxKnownElements, nestedList, selectFirst, shareStorage, withValues } from '../tensor-values.js'
import { NONE, TRUE, TensorValue, bool, float, int, isNdarray, list, native, showValue, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, CallableValue, NumpyScalarType, Value } from '../../contract/values.js'

/**
 * numpy arrays while the model is built (`np.arange`, `np.meshgrid`, `table[:, 0::2] = np.sin(...)`): a
 * {@link TensorValue} marked `ndarray`, with numpy's rules where they differ from PyTorch's: float64 and int64
 * defaults, numpy 2's type promotion (NEP 50: Python numbers are weak, numpy scalars and arrays are not; int64 with
 * float32 is float64), numpy scalars from full indexing and reductions, numpy's error messages. Shapes and dtypes are
 * always exact; values are kept, as for tensors, only for small arrays made from known numbers.
 */

/** A numpy array of `shape` and `dtype`, values unknown; more elements than nnsize counts exactly is a `limit` error. */
export function newArray(shape: number[], dtype: DType): TensorValue {
  const size = numelOf(shape)
  if (!(size <= limits.maxDimension)) throw new NnsizeError('limit', `An array of shape ${numpyShape(shape)} has more elements than the largest supported size ${limits.maxDimension}.`)
  const a = new TensorValue(shape, dtype)
  a.ndarray = true
  return a
}


/** A torch tensor of the array's shape and dtype sharing its storage and values: PyTorch's rules then apply to it. */
export function plainTensorOf(a: TensorValue): TensorValue {
  const t = new TensorValue([...a.shape], a.dtype)
  t.known = a.known
  return t
}

/** A shape as numpy writes it in messages: `(2,3)`, `(3,)`, `()`. */
export function numpyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(',')})`
}

function numelOf(shape: readonly number[]): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

// ---------------------------------------------------------------------------------------------
// dtypes and numpy scalar types

type Kind = 'b' | 'u' | 'i' | 'f' | 'c'

/** numpy's kind of a dtype: bool, unsigned, signed, float, complex. */
export function kindOf(d: DType): Kind {
  if (d === 'bool') return 'b'
  if (d.startsWith('uint')) return 'u'
  if (d.startsWith('int')) return 'i'
  if (d.startsWith('complex')) return 'c'
  return 'f'
}

function bitsOf(d: DType): number {
  return dtypeBytes[d] * 8
}

const signedOfBits: Record<number, DType> = { 8: 'int8', 16: 'int16', 32: 'int32', 64: 'int64' }
const floatOfBits: Record<number, DType> = { 16: 'float16', 32: 'float32', 64: 'float64' }

/** The bits of the smallest float that holds every value of `d` (numpy: int8 → float16, int16 → float32, int32 and wider → float64). */
function floatBitsFor(d: DType): number {
  if (kindOf(d) === 'f') return bitsOf(d)
  if (kindOf(d) === 'c') return bitsOf(d) / 2
  const b = bitsOf(d)
  return b === 8 ? 16 : b === 16 ? 32 : 64
}

/** `np.promote_types(a, b)`: int64 with float32 is float64, uint8 with int8 is int16, uint64 with a signed int is float64. */
export function promoteNumpy(a: DType, b: DType): DType {
  if (a === b) return a
  const ka = kindOf(a)
  const kb = kindOf(b)
  if (ka === 'b') return b
  if (kb === 'b') return a
  if (ka === 'c' || kb === 'c') return Math.max(floatBitsFor(a), floatBitsFor(b)) === 64 ? 'complex128' : 'complex64'
  if (ka === 'f' || kb === 'f') return floatOfBits[Math.max(floatBitsFor(a), floatBitsFor(b))]!
  if (ka === kb) return bitsOf(a) >= bitsOf(b) ? a : b
  const [unsigned, signed] = ka === 'u' ? [a, b] : [b, a]
  if (bitsOf(signed) > bitsOf(unsigned)) return signed
  return bitsOf(unsigned) === 64 ? 'float64' : signedOfBits[bitsOf(unsigned) * 2]!
}

const numpyScalarTypes: ReadonlySet<string> = new Set<NumpyScalarType>(['float64', 'float32', 'int64', 'int32'])

/** The dtypes a numpy array can have. */
const numpyDTypes: readonly DType[] = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64', 'complex64', 'complex128']

/** numpy's names and type codes of dtypes (`np.dtype('f4')`, `dtype='float'`). */
const dtypeNames: Record<string, DType> = {
  ...Object.fromEntries(numpyDTypes.map((d) => [d, d])),
  bool_: 'bool',
  '?': 'bool',
  b1: 'bool',
  byte: 'int8',
  b: 'int8',
  i1: 'int8',
  short: 'int16',
  h: 'int16',
  i2: 'int16',
  intc: 'int32',
  i: 'int32',
  i4: 'int32',
  int: 'int64',
  int_: 'int64',
  intp: 'int64',
  long: 'int64',
  longlong: 'int64',
  l: 'int64',
  q: 'int64',
  p: 'int64',
  i8: 'int64',
  ubyte: 'uint8',
  B: 'uint8',
  u1: 'uint8',
  ushort: 'uint16',
  H: 'uint16',
  u2: 'uint16',
  uintc: 'uint32',
  I: 'uint32',
  u4: 'uint32',
  uint: 'uint64',
  uintp: 'uint64',
  ulong: 'uint64',
  ulonglong: 'uint64',
  L: 'uint64',
  Q: 'uint64',
  u8: 'uint64',
  half: 'float16',
  e: 'float16',
  f2: 'float16',
  single: 'float32',
  f: 'float32',
  f4: 'float32',
  float: 'float64',
  double: 'float64',
  d: 'float64',
  f8: 'float64',
  csingle: 'complex64',
  F: 'complex64',
  c8: 'complex64',
  complex: 'complex128',
  cdouble: 'complex128',
  D: 'complex128',
  c16: 'complex128',
}

/** The numpy names of dtypes as members of `numpy` (`np.float32`, `np.int_`, `np.bool_`). */
export const scalarTypeNames: Readonly<Record<string, DType>> = {
  ...Object.fromEntries(numpyDTypes.map((d) => [d, d])),
  bool_: 'bool',
  byte: 'int8',
  short: 'int16',
  intc: 'int32',
  int_: 'int64',
  intp: 'int64',
  long: 'int64',
  longlong: 'int64',
  ubyte: 'uint8',
  ushort: 'uint16',
  uintc: 'uint32',
  uint: 'uint64',
  uintp: 'uint64',
  ulong: 'uint64',
  half: 'float16',
  single: 'float32',
  double: 'float64',
  csingle: 'complex64',
  cdouble: 'complex128',
}

/** Names numpy 2 removed, as numpy's `AttributeError` explains them (`np.float`, `np.float_`). */
export const removedNames: Readonly<Record<string, string>> = {
  float: "module 'numpy' has no attribute 'float'.\n`np.float` was a deprecated alias for the builtin `float`. To avoid this error in existing code, use `float` by itself. Doing this will not modify any behavior and is safe. If you specifically wanted the numpy scalar type, use `np.float64` here.",
  int: "module 'numpy' has no attribute 'int'.\n`np.int` was a deprecated alias for the builtin `int`. To avoid this error in existing code, use `int` by itself. Doing this will not modify any behavior and is safe. When replacing `np.int`, you may wish to use e.g. `np.int64` or `np.int32` to specify the precision.",
  complex: "module 'numpy' has no attribute 'complex'.\n`np.complex` was a deprecated alias for the builtin `complex`. To avoid this error in existing code, use `complex` by itself. Doing this will not modify any behavior and is safe. If you specifically wanted the numpy scalar type, use `np.complex128` here.",
  object: "module 'numpy' has no attribute 'object'.\n`np.object` was a deprecated alias for the builtin `object`. To avoid this error in existing code, use `object` by itself. Doing this will not modify any behavior and is safe.",
  float_: '`np.float_` was removed in the NumPy 2.0 release. Use `np.float64` instead.',
  complex_: '`np.complex_` was removed in the NumPy 2.0 release. Use `np.complex128` instead.',
  Inf: '`np.Inf` was removed in the NumPy 2.0 release. Use `np.inf` instead.',
  NaN: '`np.NaN` was removed in the NumPy 2.0 release. Use `np.nan` instead.',
  PINF: '`np.PINF` was removed in the NumPy 2.0 release. Use `np.inf` instead.',
  alltrue: '`np.alltrue` was removed in the NumPy 2.0 release. Use `np.all` instead.',
  round_: '`np.round_` was removed in the NumPy 2.0 release. Use `np.round` instead.',
}

const scalarTypes = new Map<DType, CallableValue>()
const dtypeOfScalarType = new WeakMap<CallableValue, DType>()

/**
 * The numpy scalar type of a dtype (`np.float32`), one object per dtype: a dtype argument, the `dtype` of arrays
 * (`a.dtype == np.float32`) and a function (`np.float32(3)` is a numpy scalar, `np.float64(a)` an array).
 */
export function scalarType(d: DType): CallableValue {
  let t = scalarTypes.get(d)
  if (!t) {
    t = native(`numpy.${d}`, (args, span, it) => {
      const v = args[0]?.value ?? int(0)
      if (v.kind === 'int' && v.numpy === undefined && (kindOf(d) === 'i' || kindOf(d) === 'u')) checkIntFits(v.value, d, span)
      if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') return numpyScalar(numberOfScalar(v), d, span)
      return scalarOrArray(toArray(it!, v, span, d))
    }, { members: { name: str(d), itemsize: int(dtypeBytes[d]) } })
    scalarTypes.set(d, t)
    dtypeOfScalarType.set(t, d)
  }
  return t
}

/**
 * The dtype a numpy `dtype=` argument names: a numpy scalar type (`np.float32`), its name or type code (`'float32'`,
 * `'f4'`), or Python's `float`, `int`, `bool` and `complex`; numpy refuses anything else (`torch.float32`).
 */
export function numpyDTypeOf(v: Value, span: SourceSpan): DType {
  switch (v.kind) {
    case 'str': {
      const name = v.value.replace(/^[<>=|]/, '')
      return Object.hasOwn(dtypeNames, name) ? dtypeNames[name]! : raise('TypeError', 'argument-type', `data type '${v.value}' not understood`, span)
    }
    case 'callable': {
      const d = dtypeOfScalarType.get(v)
      if (d !== undefined) return d
      break
    }
    case 'class':
      if (!(v.cls as { user?: boolean }).user) {
        const d = ({ float: 'float64', int: 'int64', bool: 'bool', complex: 'complex128' } as Record<string, DType>)[v.cls.name]
        if (d !== undefined) return d
      }
      break
    case 'dtype':
      return raise('TypeError', 'argument-type', `Cannot interpret 'torch.${v.dtype}' as a data type`, span)
    case 'placeholder': {
      const name = v.name.slice(v.name.lastIndexOf('.') + 1)
      if (v.reason.type === 'import' && v.reason.module === 'numpy' && Object.hasOwn(removedNames, name)) return raise('AttributeError', 'unknown-attribute', removedNames[name]!, span)
      throw placeholderError(v, span)
    }
    default:
      break
  }
  return raise('TypeError', 'argument-type', `Cannot interpret '${showValue(v)}' as a data type`, span)
}

/** A `dtype=` argument, or undefined when absent or None. */
export function dtypeArgument(v: Value | undefined, span: SourceSpan): DType | undefined {
  return v === undefined || v.kind === 'none' ? undefined : numpyDTypeOf(v, span)
}

function numberOfScalar(v: Extract<Value, { kind: 'int' | 'float' | 'bool' }>): number | bigint {
  return v.kind === 'int' ? v.value : v.kind === 'bool' ? (v.value ? 1n : 0n) : v.value
}

/**
 * A number as a numpy scalar of `d`: a Python number marked with its numpy type for float64, float32, int64 and
 * int32 (floats cast to ints truncate towards zero and ints wrap, as numpy casts them), a Python bool for bool, else a
 * 0-d array.
 */
export function numpyScalar(value: number | bigint, d: DType, span?: SourceSpan): Value {
  if (d === 'bool') return bool(typeof value === 'bigint' ? value !== 0n : value !== 0)
  if (d === 'float64' || d === 'float32') {
    const x = typeof value === 'bigint' ? Number(value) : value
    return { kind: 'float', value: d === 'float32' ? Math.fround(x) : x, numpy: d }
  }
  if (kindOf(d) === 'i' || kindOf(d) === 'u') {
    if (typeof value === 'number' && !Number.isFinite(value)) raise(Number.isNaN(value) ? 'ValueError' : 'OverflowError', 'argument-value', `cannot convert float ${Number.isNaN(value) ? 'NaN' : 'infinity'} to integer`, span)
    const whole = typeof value === 'bigint' ? value : BigInt(Math.trunc(value))
    if (d === 'int64' || d === 'int32') return { kind: 'int', value: BigInt.asIntN(bitsOf(d), whole), numpy: d }
    const wrapped = kindOf(d) === 'u' ? BigInt.asUintN(bitsOf(d), whole) : BigInt.asIntN(bitsOf(d), whole)
    return withValues(newArray([], d), Math.abs(Number(wrapped)) <= Number.MAX_SAFE_INTEGER ? [Number(wrapped)] : undefined)
  }
  return withValues(newArray([], d), typeof value === 'bigint' ? [Number(value)] : [value])
}

/** numpy's `OverflowError` for a Python int that a dtype cannot hold (`np.uint8` array `+ 300`). */
function checkIntFits(value: bigint, d: DType, span: SourceSpan | undefined): void {
  const b = BigInt(bitsOf(d))
  const [low, high] = kindOf(d) === 'u' ? [0n, (1n << b) - 1n] : [-(1n << (b - 1n)), (1n << (b - 1n)) - 1n]
  if (value < low || value > high) raise('OverflowError', 'argument-value', `Python integer ${value} out of bounds for ${d}`, span)
}

/** The numpy scalar of a 0-d array whose value is known (as numpy gives for `a[0, 0]`, `a.sum()`), else the array itself. */
export function scalarOrArray(a: TensorValue): Value {
  if (a.shape.length !== 0) return a
  const values = knownValues(a)
  if (values === undefined || !(numpyScalarTypes.has(a.dtype) || a.dtype === 'bool')) return a
  return numpyScalar(values[0]!, a.dtype)
}

// ---------------------------------------------------------------------------------------------
// Arrays from Python data

/** The default dtype numpy gives a Python number (`bool`, `int64`, `float64`, `complex128`), or a numpy scalar's own. */
function dataDType(v: Value): DType | undefined {
  switch (v.kind) {
    case 'bool':
      return 'bool'
    case 'int':
      return v.numpy ?? 'int64'
    case 'float':
      return v.numpy ?? 'float64'
    case 'complex':
      return 'complex128'
    case 'tensor':
      return v.dtype
    default:
      return undefined
  }
}

const maxDims = 64

/**
 * `np.array(data, dtype)`: the shape, dtype and values of nested lists and tuples of numbers, numpy scalars and
 * arrays (an array in a list adds its dimensions). Ragged data is numpy's `ValueError`; data numpy would make an
 * array of Python objects of (strings, None) is not modelled. With `copy` false, an array of the right dtype is
 * returned as it is (`np.asarray`).
 */
export function toArray(it: Interpreter, data: Value, span: SourceSpan, dtype?: DType, copy = true): TensorValue {
  if (data.kind === 'tensor') {
    if (!data.ndarray && data.requiresGrad) raise('RuntimeError', 'argument-value', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.", span)
    if (data.ndarray && !copy && (dtype === undefined || dtype === data.dtype)) return data
    return withValues(newArray([...data.shape], dtype ?? data.dtype), knownValues(data))
  }
  if (data.kind === 'placeholder') throw placeholderError(data, span)
  let found: DType | undefined
  let values: number[] | undefined = []
  const walk = (v: Value, path: number[]): number[] => {
    if (path.length > maxDims) raise('ValueError', 'argument-value', `setting an array element with a sequence. The requested array would exceed the maximum number of dimension of ${maxDims}.`, span)
    if (v.kind === 'range' || v.kind === 'iterator') v = list(it.toArray(v, span))
    if (v.kind === 'list' || v.kind === 'tuple') {
      it.budget.scanItems(v.items.length, span)
      if (v.items.length === 0) return [0]
      const inner = walk(v.items[0]!, [...path, v.items.length])
      for (let i = 1; i < v.items.length; i++) {
        const s = walk(v.items[i]!, [...path, v.items.length])
        if (!sameShape(s, inner)) raise('ValueError', 'argument-value', `setting an array element with a sequence. The requested array has an inhomogeneous shape after ${path.length + 1} dimensions. The detected shape was ${numpyShape([...path, v.items.length])} + inhomogeneous part.`, span)
      }
      return [v.items.length, ...inner]
    }
    if (v.kind === 'placeholder') throw placeholderError(v, span)
    const d = dataDType(v)
    if (d === undefined) return raise('TypeError', 'unsupported', `An array of ${typeName(v)} (\`${showValue(v)}\`) is an array of Python objects, which nnsize does not model; numpy arrays of numbers are supported.`, span)
    if (v.kind === 'tensor' && !v.ndarray && v.requiresGrad) raise('RuntimeError', 'argument-value', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.", span)
    found = found === undefined ? d : promoteNumpy(found, d)
    if (values !== undefined) {
      const own = v.kind === 'tensor' ? knownValues(v) : v.kind === 'int' ? (v.value > BigInt(Number.MAX_SAFE_INTEGER) || v.value < -BigInt(Number.MAX_SAFE_INTEGER) ? undefined : [Number(v.value)]) : v.kind === 'float' ? [v.value] : v.kind === 'bool' ? [v.value ? 1 : 0] : undefined
      if (own === undefined || values.length + own.length > maxKnownElements) values = undefined
      else for (const x of own) values.push(x)
    }
    return v.kind === 'tensor' ? [...v.shape] : []
  }
  const shape = walk(data, [])
  for (const d of shape) if (d > limits.maxDimension) throw new NnsizeError('limit', `An array dimension of ${d} is beyond the largest supported size.`, { span })
  return withValues(newArray(shape, dtype ?? found ?? 'float64'), values)
}

// ---------------------------------------------------------------------------------------------
// Operands and type promotion

type Weak = 'bool' | 'int' | 'float' | 'complex'

/** One operand of a numpy operation: an array's (or numpy scalar's) shape and dtype, or a Python number's kind (weak). */
interface Operand {
  value: Value
  shape: number[]
  dtype: DType | undefined
  weak: Weak | undefined
}

/** An operand of a numpy operation (a list becomes an array), or undefined for a value numpy does not compute with. */
export function operandOf(it: Interpreter, v: Value, span: SourceSpan): Operand | undefined {
  switch (v.kind) {
    case 'tensor':
      return { value: v, shape: [...v.shape], dtype: v.dtype, weak: undefined }
    case 'int':
    case 'float':
      return v.numpy ? { value: v, shape: [], dtype: v.numpy, weak: undefined } : { value: v, shape: [], dtype: undefined, weak: v.kind }
    case 'bool':
      return { value: v, shape: [], dtype: undefined, weak: 'bool' }
    case 'complex':
      return { value: v, shape: [], dtype: undefined, weak: 'complex' }
    case 'list':
    case 'tuple': {
      const a = toArray(it, v, span)
      return { value: a, shape: [...a.shape], dtype: a.dtype, weak: undefined }
    }
    case 'placeholder':
      throw placeholderError(v, span)
    default:
      return undefined
  }
}

const weakOrder: Weak[] = ['bool', 'int', 'float', 'complex']

/** numpy 2's result type (NEP 50): the arrays' and numpy scalars' dtypes promoted, then Python numbers only where of a higher kind. */
export function resultDType(operands: readonly Operand[]): DType {
  let strong: DType | undefined
  let weak: Weak | undefined
  for (const o of operands) {
    if (o.dtype !== undefined) strong = strong === undefined ? o.dtype : promoteNumpy(strong, o.dtype)
    else if (o.weak !== undefined && (weak === undefined || weakOrder.indexOf(o.weak) > weakOrder.indexOf(weak))) weak = o.weak
  }
  if (strong === undefined) return weak === 'bool' ? 'bool' : weak === 'int' ? 'int64' : weak === 'complex' ? 'complex128' : 'float64'
  const k = kindOf(strong)
  switch (weak) {
    case 'int':
      return k === 'b' ? 'int64' : strong
    case 'float':
      return k === 'b' || k === 'u' || k === 'i' ? 'float64' : strong
    case 'complex':
      return k === 'c' ? strong : strong === 'float32' || strong === 'float16' ? 'complex64' : 'complex128'
    default:
      return strong
  }
}

/** numpy's `OverflowError` for a Python int operand that the integer result dtype cannot hold. */
function checkWeakInts(operands: readonly Operand[], dtype: DType, span: SourceSpan): void {
  if (kindOf(dtype) !== 'i' && kindOf(dtype) !== 'u') return
  for (const o of operands) if (o.weak === 'int' && o.value.kind === 'int') checkIntFits(o.value.value, dtype, span)
}

/** Shapes broadcast as numpy does, or numpy's `ValueError`. */
export function broadcastNumpy(shapes: ReadonlyArray<readonly number[]>, span: SourceSpan): number[] {
  const r = broadcastResult(shapes)
  return r.shape ?? raise('ValueError', 'shape', `operands could not be broadcast together with shapes ${shapes.map(numpyShape).join(' ')} `, span)
}

/** numpy's `same_kind` casting (`np.can_cast(a, b, 'same_kind')`): within a kind, or to a higher one. */
function canCastSameKind(from: DType, to: DType): boolean {
  const order: Kind[] = ['b', 'u', 'i', 'f', 'c']
  const a = kindOf(from)
  const b = kindOf(to)
  if (a === b) return true
  if (a === 'u' && b === 'i') return true
  if (a === 'i' && b === 'u') return false
  return order.indexOf(a) < order.indexOf(b)
}

// ---------------------------------------------------------------------------------------------
// Operators

const symbols: Partial<Record<Operator, string>> = { Add: '+', Sub: '-', Mult: '*', Div: '/', FloorDiv: '//', Mod: '%', Pow: '** or pow()', MatMult: '@', BitAnd: '&', BitOr: '|', BitXor: '^', LShift: '<<', RShift: '>>' }
const ufuncNames: Partial<Record<Operator, string>> = { Add: 'add', Sub: 'subtract', Mult: 'multiply', Div: 'divide', FloorDiv: 'floor_divide', Mod: 'remainder', Pow: 'power', MatMult: 'matmul', BitAnd: 'bitwise_and', BitOr: 'bitwise_or', BitXor: 'bitwise_xor', LShift: 'left_shift', RShift: 'right_shift' }

/** The name Python's messages give a value's type. */
function pyTypeName(v: Value): string {
  return v.kind === 'none' ? 'NoneType' : typeName(v)
}

/** The dtype of `op` for operands of the common dtype `d`: true division of ints is float64, bools add as `or`. */
function opDType(op: Operator, d: DType, span: SourceSpan): DType {
  const k = kindOf(d)
  switch (op) {
    case 'Sub':
      if (k === 'b') raise('TypeError', 'type', 'numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.', span)
      return d
    case 'Div':
      return k === 'b' || k === 'u' || k === 'i' ? 'float64' : d
    case 'FloorDiv':
    case 'Mod':
    case 'Pow':
    case 'LShift':
    case 'RShift':
      if ((op === 'LShift' || op === 'RShift') && (k === 'f' || k === 'c')) break
      return k === 'b' ? 'int8' : d
    case 'BitAnd':
    case 'BitOr':
    case 'BitXor':
      if (k === 'f' || k === 'c') break
      return d
    default:
      return d
  }
  return raise('TypeError', 'type', `ufunc '${ufuncNames[op]}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''`, span)
}

/**
 * `a op b` where one side is a numpy array and the other a number, numpy scalar, list or array: numpy's broadcasting
 * and type promotion; in place (`a /= 2.`), the result must fit `a` (shape, and `same_kind` casting). With a torch
 * tensor on the right, only `/` and `==` work (PyTorch's rules), as in PyTorch.
 */
export function ndarrayBinary(it: Interpreter, op: Operator, left: Value, right: Value, span: SourceSpan, inPlace = false): Value {
  if (right.kind === 'tensor' && !right.ndarray && left.kind === 'tensor') {
    if (op === 'Div' && !inPlace) return tensorBinary(it, op, plainTensorOf(left), right, span)
    if (op === 'Add') return raise('TypeError', 'type', 'Concatenation operation is not implemented for NumPy arrays, use np.concatenate() instead. Please do not rely on this error; it may not be given on all Python implementations.', span)
    return raise('TypeError', 'type', `unsupported operand type(s) for ${symbols[op] ?? op}${inPlace ? '=' : ''}: 'numpy.ndarray' and 'Tensor'`, span)
  }
  const a = operandOf(it, left, span)
  const b = operandOf(it, right, span)
  if (!a || !b) return raise('TypeError', 'type', `unsupported operand type(s) for ${symbols[op] ?? op}: '${pyTypeName(left)}' and '${pyTypeName(right)}'`, span)
  if (op === 'MatMult') return matmul(a, b, span)
  const shape = broadcastNumpy([a.shape, b.shape], span)
  const common = resultDType([a, b])
  checkWeakInts([a, b], common, span)
  const dtype = opDType(op, common, span)
  if (op === 'Pow' && (kindOf(dtype) === 'i' || kindOf(dtype) === 'u')) {
    const exponents = b.value.kind === 'tensor' ? knownValues(b.value) : b.value.kind === 'int' ? [Number(b.value.value)] : undefined
    if (exponents?.some((x) => x < 0)) raise('ValueError', 'argument-value', 'Integers to negative integer powers are not allowed.', span)
  }
  if (inPlace && isNdarray(left)) {
    if (!sameShape(shape, left.shape)) raise('ValueError', 'shape', `non-broadcastable output operand with shape ${numpyShape(left.shape)} doesn't match the broadcast shape ${numpyShape(shape)}`, span)
    if (!canCastSameKind(dtype, left.dtype)) raise('TypeError', 'type', `Cannot cast ufunc '${ufuncNames[op]}' output from dtype('${dtype}') to dtype('${left.dtype}') with casting rule 'same_kind'`, span)
    markWritten(left)
    return left
  }
  return scalarOrArray(withValues(newArray(shape, dtype), arithmeticValues(op, a.value, b.value, shape, dtype)))
}

const matmulSignature = 'gufunc signature (n?,k),(k,m?)->(n?,m?)'

/** `a @ b` (`np.matmul`): numpy's core dimensions and broadcast batch dimensions. */
function matmul(a: Operand, b: Operand, span: SourceSpan): Value {
  for (const [i, o] of [a, b].entries()) {
    if (o.shape.length === 0) raise('ValueError', 'shape', `matmul: Input operand ${i} does not have enough dimensions (has 0, ${matmulSignature.replace('gufunc signature', 'gufunc core with signature')} requires 1)`, span)
  }
  const k = a.shape.at(-1)!
  const kb = b.shape.length === 1 ? b.shape[0]! : b.shape.at(-2)!
  if (k !== kb) raise('ValueError', 'shape', `matmul: Input operand 1 has a mismatch in its core dimension 0, with ${matmulSignature} (size ${kb} is different from ${k})`, span)
  const batch = broadcastNumpy([a.shape.slice(0, -2), b.shape.slice(0, -2)], span)
  const shape = [...batch, ...(a.shape.length > 1 ? [a.shape.at(-2)!] : []), ...(b.shape.length > 1 ? [b.shape.at(-1)!] : [])]
  return scalarOrArray(newArray(shape, resultDType([a, b])))
}

const comparisonSymbols: Record<CmpOperator, string> = { Eq: '==', NotEq: '!=', Lt: '<', LtE: '<=', Gt: '>', GtE: '>=', Is: 'is', IsNot: 'is not', In: 'in', NotIn: 'not in' }

/** `a == b`, `a < b`, … with a numpy array: a bool array of the broadcast shape (`==` with None is all False). */
export function ndarrayCompare(it: Interpreter, op: CmpOperator, left: Value, right: Value, span: SourceSpan): Value {
  const torchLeft = left.kind === 'tensor' && !left.ndarray
  const torchRight = right.kind === 'tensor' && !right.ndarray
  if (torchLeft || torchRight) {
    if (op === 'Eq') return tensorCompare(it, op, isNdarray(left) ? plainTensorOf(left) : left, isNdarray(right) ? plainTensorOf(right) : right, span)
    if (op === 'NotEq' && torchRight) return TRUE
    if (op !== 'NotEq') return raise('TypeError', 'type', `'${comparisonSymbols[op]}' not supported between instances of '${torchLeft ? 'Tensor' : 'numpy.ndarray'}' and '${torchRight ? 'Tensor' : 'numpy.ndarray'}'`, span)
    return tensorCompare(it, op, left, plainTensorOf(right as TensorValue), span)
  }
  const a = operandOf(it, left, span)
  const b = operandOf(it, right, span)
  if (!a || !b) {
    const array = (isNdarray(left) ? left : right) as TensorValue
    if (op === 'Eq' || op === 'NotEq') return newArray([...array.shape], 'bool')
    return raise('TypeError', 'type', `'${comparisonSymbols[op]}' not supported between instances of '${pyTypeName(left)}' and '${pyTypeName(right)}'`, span)
  }
  const shape = broadcastNumpy([a.shape, b.shape], span)
  return scalarOrArray(withValues(newArray(shape, 'bool'), comparedValues(op, a, b, shape)))
}

/** The known values of an operand (a number's own). */
function operandNumbers(o: Operand): readonly number[] | undefined {
  const v = o.value
  if (v.kind === 'tensor') return knownValues(v)
  if (v.kind === 'int') return v.value > BigInt(Number.MAX_SAFE_INTEGER) || v.value < -BigInt(Number.MAX_SAFE_INTEGER) ? undefined : [Number(v.value)]
  if (v.kind === 'float') return [v.value]
  if (v.kind === 'bool') return [v.value ? 1 : 0]
  return undefined
}

/** The flat index in an operand of `shape` broadcast to `out`, for the output's flat index `i`. */
function broadcastIndex(i: number, out: readonly number[], shape: readonly number[]): number {
  let index = 0
  let stride = 1
  let rest = i
  for (let d = out.length - 1; d >= 0; d--) {
    const coordinate = rest % out[d]!
    rest = Math.floor(rest / out[d]!)
    const own = shape[d - (out.length - shape.length)]
    if (own !== undefined) {
      if (own !== 1) index += coordinate * stride
      stride *= own
    }
  }
  return index
}

/** The values of a comparison of two operands whose values are known. */
function comparedValues(op: CmpOperator, a: Operand, b: Operand, shape: readonly number[]): number[] | undefined {
  const x = operandNumbers(a)
  const y = operandNumbers(b)
  if (x === undefined || y === undefined || numelOf(shape) > maxKnownElements) return undefined
  const test: Partial<Record<CmpOperator, (p: number, q: number) => boolean>> = { Eq: (p, q) => p === q, NotEq: (p, q) => p !== q, Lt: (p, q) => p < q, LtE: (p, q) => p <= q, Gt: (p, q) => p > q, GtE: (p, q) => p >= q }
  const f = test[op]
  if (!f) return undefined
  return Array.from({ length: numelOf(shape) }, (_, i) => (f(x[broadcastIndex(i, shape, a.shape)]!, y[broadcastIndex(i, shape, b.shape)]!) ? 1 : 0))
}

/** `-a`, `+a`, `~a` of a numpy array. */
export function ndarrayUnary(op: UnaryOperator, a: TensorValue, span: SourceSpan): Value {
  const k = kindOf(a.dtype)
  if (op === 'USub' && k === 'b') raise('TypeError', 'type', 'The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.', span)
  if (op === 'UAdd' && k === 'b') raise('TypeError', 'type', "ufunc 'positive' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None", span)
  if (op === 'Invert' && (k === 'f' || k === 'c')) raise('TypeError', 'type', "ufunc 'invert' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''", span)
  const values = knownValues(a)
  const map = op === 'USub' ? (x: number) => -x : op === 'Invert' ? (k === 'b' ? (x: number) => 1 - x : (x: number) => -x - 1) : (x: number) => x
  return scalarOrArray(withValues(newArray([...a.shape], a.dtype), values?.map(map)))
}

// ---------------------------------------------------------------------------------------------
// Indexing and iteration

/**
 * The values `a[index]` selects by basic indexing (ints, slices, `None`, `...`), in order, or undefined for an index
 * of arrays or lists (advanced indexing) or when the values of `a` are not known.
 */
function basicIndexValues(a: TensorValue, index: Value, resultShape: readonly number[], span: SourceSpan): number[] | undefined {
  const values = knownValues(a)
  const items = index.kind === 'tuple' ? index.items : [index]
  if (values === undefined || numelOf(resultShape) > maxKnownElements) return undefined
  if (values.length === 0 || numelOf(resultShape) === 0) return []
  if (items.some((v) => v.kind !== 'int' && v.kind !== 'slice' && v.kind !== 'none' && v.kind !== 'ellipsis')) return undefined
  const shape = a.shape
  const used = items.filter((v) => v.kind === 'int' || v.kind === 'slice').length
  const selections: number[][] = []
  const all = (size: number): number[] => Array.from({ length: size }, (_, i) => i)
  for (const v of items) {
    const dim = selections.length
    if (v.kind === 'ellipsis') for (let i = 0; i < shape.length - used; i++) selections.push(all(shape[selections.length]!))
    else if (v.kind === 'int') selections.push([Number(v.value < 0n ? v.value + BigInt(shape[dim]!) : v.value)])
    else if (v.kind === 'slice') {
      const { start, step, count } = sliceIndices(v, shape[dim]!, span)
      selections.push(Array.from({ length: count }, (_, i) => start + i * step))
    }
  }
  while (selections.length < shape.length) selections.push(all(shape[selections.length]!))
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, x) => p * x, 1))
  const out: number[] = []
  const walk = (d: number, offset: number): void => {
    if (d === shape.length) {
      out.push(values[offset]!)
      return
    }
    for (const i of selections[d]!) walk(d + 1, offset + i * strides[d]!)
  }
  walk(0, 0)
  return out
}

/** `a[index]`: PyTorch's indexing rules (the same as numpy's here), a numpy scalar when every dimension takes an int. */
export function ndarrayGetItem(it: Interpreter, a: TensorValue, index: Value, span: SourceSpan): Value {
  const result = tensorGetItem(it, plainTensorOf(a), index, span)
  if (result.kind !== 'tensor') return result
  result.ndarray = true
  if (a.known !== undefined && result.known?.values === undefined) {
    const values = basicIndexValues(a, index, result.shape, span)
    if (values !== undefined) result.known = { values, storage: a.known.storage }
  }
  const items = index.kind === 'tuple' ? index.items : [index]
  return items.every((v) => v.kind === 'int') ? scalarOrArray(result) : result
}

/** The shape of a value assigned into an array (`a[i] = value`). */
function assignedShape(it: Interpreter, value: Value, span: SourceSpan): { shape: number[]; operand: Operand } {
  if (value.kind === 'tensor' && !value.ndarray && value.requiresGrad) raise('RuntimeError', 'argument-value', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.", span)
  const operand = operandOf(it, value, span)
  if (!operand) return raise('TypeError', 'argument-type', `float() argument must be a string or a real number, not '${pyTypeName(value)}'`, span)
  return { shape: operand.shape, operand }
}

/**
 * `a[index] = value`: the value broadcasts to the selection (leading dimensions of size 1 dropped), cast to the
 * array's dtype whatever its own (numpy's `unsafe` casting); a Python int must fit an integer array.
 */
export function ndarraySetItem(it: Interpreter, a: TensorValue, index: Value, value: Value, span: SourceSpan): void {
  const target = (tensorGetItem(it, new TensorValue([...a.shape], a.dtype), index, span) as TensorValue).shape
  const { shape: source, operand } = assignedShape(it, value, span)
  checkWeakInts([operand], a.dtype, span)
  const offset = source.length - target.length
  const fits = source.every((d, i) => (i < offset ? d === 1 : d === 1 || d === target[i - offset]))
  if (!fits) raise('ValueError', 'shape', `could not broadcast input array from shape ${numpyShape(source)} into shape ${numpyShape(target)}`, span)
  markWritten(a)
}

/** `len(a)` of a numpy array. */
export function ndarrayLength(a: TensorValue, span: SourceSpan): number {
  if (a.shape.length === 0) raise('TypeError', 'type', 'len() of unsized object', span)
  return a.shape[0]!
}

/** Iterating an array: its sub-arrays along the first dimension, numpy scalars for a 1-d array. */
export function ndarrayIterate(it: Interpreter, a: TensorValue, span: SourceSpan): Iter {
  if (a.shape.length === 0) raise('TypeError', 'type', 'iteration over a 0-d array', span)
  const n = a.shape[0]!
  let i = 0
  return () => {
    if (i >= n) return undefined
    it.budget.step(span)
    const item = newArray(a.shape.slice(1), a.dtype)
    shareStorage(item, a, selectFirst(a, i))
    i++
    return scalarOrArray(item)
  }
}

// ---------------------------------------------------------------------------------------------
// Arguments

/** Binds a call's arguments to numpy's parameter names, positional first; unknown keywords are numpy's `TypeError`. */
export function bind(what: string, args: readonly ArgValue[], names: readonly string[], span: SourceSpan): Record<string, Value | undefined> {
  const out: Record<string, Value | undefined> = Object.create(null) as Record<string, Value | undefined>
  let position = 0
  for (const a of args) {
    if (a.name === undefined) {
      if (position >= names.length) raise('TypeError', 'too-many-arguments', `${what}() takes at most ${names.length} positional arguments (${args.filter((x) => x.name === undefined).length} given)`, span)
      out[names[position++]!] = a.value
    } else {
      if (!names.includes(a.name)) raise('TypeError', 'unknown-argument', `${what}() got an unexpected keyword argument '${a.name}'`, a.span)
      if (out[a.name] !== undefined) raise('TypeError', 'argument-type', `${what}() got multiple values for argument '${a.name}'`, a.span)
      out[a.name] = a.value
    }
  }
  return out
}

/** A value, or undefined when absent or None. */
export function given(v: Value | undefined): Value | undefined {
  return v === undefined || v.kind === 'none' ? undefined : v
}

/** An integer argument (a Python int, bool or numpy int), as numpy's `operator.index` reads it. */
export function integerOf(v: Value, span: SourceSpan): number {
  if (v.kind === 'int') {
    if (v.value > BigInt(limits.maxDimension) || v.value < -BigInt(limits.maxDimension)) throw new NnsizeError('limit', `An array size or index of ${v.value} is beyond the largest supported size ${limits.maxDimension}.`, { span })
    return Number(v.value)
  }
  if (v.kind === 'bool') return v.value ? 1 : 0
  if (v.kind === 'placeholder') throw placeholderError(v, span)
  if (v.kind === 'tensor' && v.shape.length === 0 && kindOf(v.dtype) !== 'f' && kindOf(v.dtype) !== 'c') {
    const values = knownValues(v)
    if (values !== undefined) return values[0]!
  }
  return raise('TypeError', 'argument-type', `'${pyTypeName(v)}' object cannot be interpreted as an integer`, span)
}

/** A shape argument: an int or a sequence of ints (`np.zeros(3)`, `np.zeros((2, 3))`); negative sizes are numpy's `ValueError`. */
export function shapeOf(v: Value, span: SourceSpan): number[] {
  const items = v.kind === 'tuple' || v.kind === 'list' ? v.items : [v]
  const shape = items.map((x) => {
    if (x.kind === 'float') return raise('TypeError', 'argument-type', `expected a sequence of integers or a single integer, got '${showValue(x)}'`, span)
    return integerOf(x, span)
  })
  if (shape.some((d) => d < 0)) raise('ValueError', 'argument-value', 'negative dimensions are not allowed', span)
  if (shape.length > maxDims) raise('ValueError', 'argument-value', `maximum supported dimension for an ndarray is currently ${maxDims}, found ${shape.length}`, span)
  return shape
}

/** An axis, negative from the end, checked against `ndim` (numpy's `AxisError`, a `ValueError` and an `IndexError`). */
export function axisOf(v: Value | number, ndim: number, span: SourceSpan): number {
  const axis = typeof v === 'number' ? v : integerOf(v, span)
  if (axis < -ndim || axis >= ndim) raise('IndexError', 'argument-value', `axis ${axis} is out of bounds for array of dimension ${ndim}`, span)
  return axis < 0 ? axis + ndim : axis
}

/** An `axis=` argument of an int or a tuple of ints, each once; undefined for all axes. */
export function axesOf(v: Value | undefined, ndim: number, span: SourceSpan): number[] | undefined {
  if (v === undefined || v.kind === 'none') return undefined
  const axes = (v.kind === 'tuple' || v.kind === 'list' ? v.items : [v]).map((x) => axisOf(x, ndim, span))
  if (new Set(axes).size !== axes.length) raise('ValueError', 'argument-value', "duplicate value in 'axis'", span)
  return axes
}

// ---------------------------------------------------------------------------------------------
// Shapes

/** `a.reshape(shape)`: one `-1` inferred; numpy's `ValueError` when the size differs. */
function reshaped(a: TensorValue, sizes: number[], span: SourceSpan): number[] {
  const total = numelOf(a.shape)
  const unknown = sizes.filter((d) => d < 0).length
  if (unknown > 1) raise('ValueError', 'argument-value', 'can only specify one unknown dimension', span)
  const known = sizes.reduce((p, d) => (d < 0 ? p : p * d), 1)
  const shape = sizes.map((d) => (d < 0 ? (known === 0 ? 0 : total / known) : d))
  if (!Number.isInteger(numelOf(shape)) || numelOf(shape) !== total || shape.some((d) => !Number.isInteger(d))) {
    raise('ValueError', 'shape', `cannot reshape array of size ${total} into shape (${sizes.map((d) => (d < 0 ? 'newaxis' : String(d))).join(',')}${sizes.length === 1 ? ',' : ''})`, span)
  }
  return shape
}

/** A view of `a` with `shape`, keeping its values when `keepValues` (the same elements in the same order). */
function viewOf(a: TensorValue, shape: number[], dtype = a.dtype, keepValues = true): TensorValue {
  const v = newArray(shape, dtype)
  shareStorage(v, a, keepValues ? knownValues(a) : undefined)
  return v
}

/** Sizes given as `f(2, 3)` or `f((2, 3))`. */
function sizesArgs(values: readonly Value[], span: SourceSpan): number[] {
  if (values.length === 1 && (values[0]!.kind === 'tuple' || values[0]!.kind === 'list')) return (values[0] as { items: Value[] }).items.map((v) => integerOf(v, span))
  return values.map((v) => integerOf(v, span))
}

/** `a.reshape(*shape)` or `np.reshape(a, shape)`. */
export function reshapeArray(a: TensorValue, sizes: readonly Value[], span: SourceSpan): TensorValue {
  return viewOf(a, reshaped(a, sizesArgs(sizes, span), span))
}

/** `a.transpose(axes)`: reversed without axes; each axis once. */
export function transposeArray(a: TensorValue, axes: Value[] | undefined, span: SourceSpan): TensorValue {
  if (axes === undefined || axes.length === 0) return viewOf(a, [...a.shape].reverse(), a.dtype, a.shape.length <= 1)
  const order = sizesArgs(axes, span).map((x) => axisOf(x, a.shape.length, span))
  if (order.length !== a.shape.length) raise('ValueError', 'argument-value', "axes don't match array", span)
  if (new Set(order).size !== order.length) raise('ValueError', 'argument-value', 'repeated axis in transpose', span)
  return viewOf(a, order.map((d) => a.shape[d]!), a.dtype, order.every((d, i) => d === i))
}

/** `np.squeeze(a, axis)`: without an axis every dimension of size 1 goes. */
export function squeezeArray(a: TensorValue, axis: Value | undefined, span: SourceSpan): TensorValue {
  const axes = axesOf(axis, a.shape.length, span)
  if (axes?.some((d) => a.shape[d] !== 1)) raise('ValueError', 'argument-value', 'cannot select an axis to squeeze out which has size not equal to one', span)
  return viewOf(a, a.shape.filter((d, i) => (axes === undefined ? d !== 1 : !axes.includes(i))))
}

/** `np.expand_dims(a, axis)`: each axis (of the result) a new dimension of size 1. */
export function expandDims(a: TensorValue, axis: Value, span: SourceSpan): TensorValue {
  const count = axis.kind === 'tuple' || axis.kind === 'list' ? axis.items.length : 1
  const axes = axesOf(axis, a.shape.length + count, span)!
  const shape: number[] = []
  let source = 0
  for (let i = 0; i < a.shape.length + count; i++) shape.push(axes.includes(i) ? 1 : a.shape[source++]!)
  return viewOf(a, shape)
}

// ---------------------------------------------------------------------------------------------
// Reductions

type Reduction = 'sum' | 'prod' | 'mean' | 'std' | 'var' | 'max' | 'min' | 'argmax' | 'argmin' | 'all' | 'any'

/** The dtype numpy reduces in: sums of bools and ints are int64 (uint64 for unsigned), means of them float64. */
function reductionDType(kind: Reduction | 'cumsum' | 'cumprod', d: DType): DType {
  const k = kindOf(d)
  switch (kind) {
    case 'sum':
    case 'prod':
    case 'cumsum':
    case 'cumprod':
      return k === 'b' || k === 'i' ? 'int64' : k === 'u' ? 'uint64' : d
    case 'mean':
      return k === 'b' || k === 'i' || k === 'u' ? 'float64' : d
    case 'std':
    case 'var':
      return k === 'b' || k === 'i' || k === 'u' ? 'float64' : d === 'complex64' ? 'float32' : d === 'complex128' ? 'float64' : d
    case 'argmax':
    case 'argmin':
      return 'int64'
    case 'all':
    case 'any':
      return 'bool'
    default:
      return d
  }
}

/** numpy's name of the ufunc a reduction of no elements names. */
const identityLess: Partial<Record<Reduction, string>> = { max: 'maximum', min: 'minimum' }

/**
 * numpy's pairwise summation of one contiguous run (`np.add.reduce`): fewer than 8 values in order, else 8
 * accumulators over blocks of at most 128 values, halves above that; each addition rounded by `round`.
 */
function pairwiseSum(values: readonly number[], from: number, n: number, round: (x: number) => number): number {
  if (n < 8) {
    let res = -0
    for (let i = 0; i < n; i++) res = round(res + values[from + i]!)
    return res
  }
  if (n <= 128) {
    const r = values.slice(from, from + 8)
    let i = 8
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = round(r[j]! + values[from + i + j]!)
    let res = round(round(round(r[0]! + r[1]!) + round(r[2]! + r[3]!)) + round(round(r[4]! + r[5]!) + round(r[6]! + r[7]!)))
    for (; i < n; i++) res = round(res + values[from + i]!)
    return res
  }
  let half = Math.floor(n / 2)
  half -= half % 8
  return round(pairwiseSum(values, from, half, round) + pairwiseSum(values, from + half, n - half, round))
}

/**
 * The values of a reduction over `axes`, computed as numpy computes them: integer sums and products exactly, maxima
 * and minima, and float sums and means only where numpy's order is known (reduced axes that are the last ones, summed
 * pairwise, or axis 0 alone, added in order).
 */
function reducedValues(kind: Reduction, a: TensorValue, axes: readonly number[], outShape: readonly number[], dtype: DType): number[] | undefined {
  const values = knownValues(a)
  if (values === undefined || !['sum', 'prod', 'mean', 'max', 'min'].includes(kind)) return undefined
  const shape = a.shape
  const ndim = shape.length
  const trailing = axes.every((d) => d >= ndim - axes.length)
  const floats = kindOf(a.dtype) === 'f' || ((kind === 'mean' || kind === 'sum') && kindOf(dtype) === 'f')
  if (floats && (kind === 'sum' || kind === 'mean') && !trailing && !(axes.length === 1 && axes[0] === 0)) return undefined
  const round = dtype === 'float32' ? Math.fround : (x: number): number => x
  const groups: number[][] = Array.from({ length: numelOf(outShape) }, () => [])
  for (let i = 0; i < values.length; i++) {
    let rest = i
    let out = 0
    let stride = 1
    for (let d = ndim - 1; d >= 0; d--) {
      const c = rest % shape[d]!
      rest = Math.floor(rest / shape[d]!)
      if (!axes.includes(d)) {
        out += c * stride
        stride *= shape[d]!
      }
    }
    groups[out]!.push(values[i]!)
  }
  const result: number[] = []
  for (const g of groups) {
    let r: number
    switch (kind) {
      case 'sum':
      case 'mean':
        if (!floats) r = g.reduce((p, x) => p + x, 0)
        else if (trailing) r = round(0 + pairwiseSum(g, 0, g.length, round))
        else r = g.reduce((p, x) => round(p + x), 0)
        if (kind === 'mean') r = round(g.length === 0 ? Number.NaN : r / g.length)
        break
      case 'prod':
        r = g.reduce((p, x) => round(p * x), 1)
        break
      default:
        if (g.length === 0) return undefined
        r = g.some((x) => Number.isNaN(x)) ? Number.NaN : kind === 'max' ? Math.max(...g) : Math.min(...g)
    }
    if (!floats && Math.abs(r) > Number.MAX_SAFE_INTEGER) return undefined
    result.push(r)
  }
  return result
}

/** `a.sum(axis, keepdims)` and the other reductions: numpy's dtypes; a numpy scalar when nothing is left. */
export function reduceArray(kind: Reduction, a: TensorValue, axisV: Value | undefined, keepdims: boolean, dtypeV: Value | undefined, span: SourceSpan): Value {
  const ndim = a.shape.length
  if ((kind === 'argmax' || kind === 'argmin') && given(axisV)?.kind === 'tuple') raise('TypeError', 'argument-type', "'tuple' object cannot be interpreted as an integer", span)
  const axes = axesOf(axisV, ndim, span) ?? a.shape.map((_, i) => i)
  const dtype = dtypeArgument(dtypeV, span) ?? reductionDType(kind, a.dtype)
  if (identityLess[kind] && axes.some((d) => a.shape[d] === 0)) raise('ValueError', 'argument-value', `zero-size array to reduction operation ${identityLess[kind]} which has no identity`, span)
  if ((kind === 'argmax' || kind === 'argmin') && axes.some((d) => a.shape[d] === 0)) raise('ValueError', 'argument-value', `attempt to get ${kind} of an empty sequence`, span)
  const outShape = keepdims ? a.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : a.shape.filter((_, i) => !axes.includes(i))
  const result = withValues(newArray(outShape, dtype), reducedValues(kind, a, axes, outShape, dtype))
  return scalarOrArray(result)
}

/** `np.cumsum(a, axis)`: flattened without an axis; the values of a 1-d (or flattened) run are added in order, as numpy does. */
export function cumulative(kind: 'cumsum' | 'cumprod', a: TensorValue, axisV: Value | undefined, dtypeV: Value | undefined, span: SourceSpan): TensorValue {
  const dtype = dtypeArgument(dtypeV, span) ?? reductionDType(kind, a.dtype)
  const axis = given(axisV)
  if (axis !== undefined) axisOf(axis, a.shape.length, span)
  const shape = axis === undefined ? [numelOf(a.shape)] : [...a.shape]
  const values = knownValues(a)
  if (values === undefined || (axis !== undefined && a.shape.length !== 1)) return newArray(shape, dtype)
  const out: number[] = []
  let running = kind === 'cumsum' ? 0 : 1
  for (const x of values) {
    const step = kind === 'cumsum' ? running + x : running * x
    const cast = castValue(step, dtype)
    if (cast === undefined) return newArray(shape, dtype)
    out.push((running = cast))
  }
  return withValues(newArray(shape, dtype), out)
}

// ---------------------------------------------------------------------------------------------
// Values out: tolist, item

const unknownReason = 'nnsize knows the values only of small arrays made from known numbers (`np.arange`, `np.linspace`, `np.array`, `np.zeros`, `np.ones`, `np.full`, `+ - * /` on them, their reshapes and sums); the values of this one depend on an operation it does not compute (`np.sin`, a transpose, an assignment into it) or on random numbers'

function requireValues(a: TensorValue, what: string, span: SourceSpan): readonly number[] {
  return knownValues(a) ?? raise('RuntimeError', 'unsupported', `\`${what}\` needs the values of a numpy array: ${unknownReason}.`, span)
}

function pythonNumber(x: number, d: DType): Value {
  const k = kindOf(d)
  return k === 'b' ? bool(x !== 0) : k === 'f' ? float(x) : int(BigInt(x))
}

/** `a.tolist()`: nested lists of Python numbers (a number for a 0-d array). */
export function arrayToList(it: Interpreter, a: TensorValue, span: SourceSpan): Value {
  const values = requireValues(a, '.tolist()', span)
  it.budget.allocate(values.length, span)
  return nestedList(a.shape, values, (v) => pythonNumber(v, a.dtype))
}

/** `a.item()`: the one element as a Python number. */
export function arrayItem(a: TensorValue, span: SourceSpan): Value {
  if (numelOf(a.shape) !== 1) raise('ValueError', 'argument-value', 'can only convert an array of size 1 to a Python scalar', span)
  return pythonNumber(requireValues(a, '.item()', span)[0]!, a.dtype)
}

/** `a.astype(dtype)`: a copy of that dtype (floats to ints truncate, as numpy casts them); `copy=False` keeps `a` when it already is. */
export function astype(a: TensorValue, d: DType, copy: boolean): TensorValue {
  if (!copy && d === a.dtype) return a
  return withValues(newArray([...a.shape], d), knownValues(a))
}

// ---------------------------------------------------------------------------------------------
// Attributes and methods

type Method = (it: Interpreter, a: TensorValue, args: ArgValue[], span: SourceSpan) => Value

/** True when a call asks for another element order than C's (`order='F'`): the values are then not computed. */
function columnMajor(args: readonly ArgValue[]): boolean {
  const order = args.find((x) => x.name === 'order')?.value ?? (args.length === 1 && args[0]!.value.kind === 'str' ? args[0]!.value : undefined)
  return order?.kind === 'str' && order.value !== 'C'
}

const reductionParams = ['axis', 'dtype', 'out', 'keepdims', 'initial', 'where']
const extremaParams = ['axis', 'out', 'keepdims', 'initial', 'where']

function reductionMethod(kind: Reduction): Method {
  return (it, a, args, span) => {
    const params = kind === 'max' || kind === 'min' ? extremaParams : kind === 'argmax' || kind === 'argmin' ? ['axis', 'out', 'keepdims'] : kind === 'all' || kind === 'any' ? ['axis', 'out', 'keepdims', 'where'] : kind === 'std' || kind === 'var' ? ['axis', 'dtype', 'out', 'ddof', 'keepdims', 'where', 'mean', 'correction'] : reductionParams
    const p = bind(kind, args, params, span)
    const keep = given(p['keepdims'])
    return reduceArray(kind, a, p['axis'], keep !== undefined && it.truthy(keep, span), p['dtype'], span)
  }
}

/** The methods of a numpy array, by name (`np.sum(a, …)` is `a.sum(…)`). */
export const arrayMethods: Readonly<Record<string, Method>> = {
  reshape: (_it, a, args, span) => {
    const named = args.find((x) => x.name === 'shape' || x.name === 'newshape')
    const sizes = args.filter((x) => x.name === undefined).map((x) => x.value)
    const view = reshapeArray(a, named ? [named.value] : sizes, span)
    return columnMajor(args) ? viewOf(a, [...view.shape], a.dtype, false) : view
  },
  flatten: (_it, a, args) => withValues(newArray([numelOf(a.shape)], a.dtype), columnMajor(args) ? undefined : knownValues(a)),
  ravel: (_it, a, args) => viewOf(a, [numelOf(a.shape)], a.dtype, !columnMajor(args)),
  transpose: (_it, a, args, span) => {
    const named = args.find((x) => x.name === 'axes')
    return transposeArray(a, named ? (given(named.value) === undefined ? undefined : [named.value]) : args.map((x) => x.value), span)
  },
  swapaxes: (_it, a, args, span) => {
    const p = bind('swapaxes', args, ['axis1', 'axis2'], span)
    const x = axisOf(p['axis1'] ?? raise('TypeError', 'missing-argument', 'swapaxes() missing required argument \'axis1\' (pos 1)', span), a.shape.length, span)
    const y = axisOf(p['axis2'] ?? raise('TypeError', 'missing-argument', 'swapaxes() missing required argument \'axis2\' (pos 2)', span), a.shape.length, span)
    const shape = [...a.shape]
    ;[shape[x], shape[y]] = [shape[y]!, shape[x]!]
    return viewOf(a, shape, a.dtype, x === y)
  },
  squeeze: (_it, a, args, span) => squeezeArray(a, bind('squeeze', args, ['axis'], span)['axis'], span),
  astype: (it, a, args, span) => {
    const p = bind('astype', args, ['dtype', 'order', 'casting', 'subok', 'copy'], span)
    const copy = given(p['copy'])
    return astype(a, numpyDTypeOf(p['dtype'] ?? raise('TypeError', 'missing-argument', "astype() missing required argument 'dtype' (pos 1)", span), span), copy === undefined || it.truthy(copy, span))
  },
  copy: (_it, a) => withValues(newArray([...a.shape], a.dtype), knownValues(a)),
  tolist: (it, a, _args, span) => arrayToList(it, a, span),
  item: (_it, a, args, span) => {
    if (args.length > 0) return raise('TypeError', 'unsupported', '`item` with an index is not supported yet; index the array first (`a[i].item()`).', span)
    return arrayItem(a, span)
  },
  sum: reductionMethod('sum'),
  prod: reductionMethod('prod'),
  mean: reductionMethod('mean'),
  std: reductionMethod('std'),
  var: reductionMethod('var'),
  max: reductionMethod('max'),
  min: reductionMethod('min'),
  argmax: reductionMethod('argmax'),
  argmin: reductionMethod('argmin'),
  all: reductionMethod('all'),
  any: reductionMethod('any'),
  cumsum: (_it, a, args, span) => {
    const p = bind('cumsum', args, ['axis', 'dtype', 'out'], span)
    return cumulative('cumsum', a, p['axis'], p['dtype'], span)
  },
  cumprod: (_it, a, args, span) => {
    const p = bind('cumprod', args, ['axis', 'dtype', 'out'], span)
    return cumulative('cumprod', a, p['axis'], p['dtype'], span)
  },
  dot: (it, a, args, span) => dot(it, a, bind('dot', args, ['b', 'out'], span)['b'] ?? NONE, span),
  clip: (it, a, args, span) => {
    const p = bind('clip', args, ['min', 'max', 'out'], span)
    return clip(it, a, p['min'], p['max'], span)
  },
  fill: (_it, a) => {
    markWritten(a)
    return NONE
  },
  round: (_it, a, args, span) => {
    bind('round', args, ['decimals', 'out'], span)
    return newArray([...a.shape], a.dtype)
  },
  repeat: (_it, a, args, span) => {
    const p = bind('repeat', args, ['repeats', 'axis'], span)
    return repeatArray(a, p['repeats'] ?? raise('TypeError', 'missing-argument', "repeat() missing required argument 'repeats' (pos 1)", span), p['axis'], span)
  },
  sort: (_it, a, args, span) => {
    const p = bind('sort', args, ['axis', 'kind', 'order', 'stable'], span)
    axisOf(given(p['axis']) ?? int(-1), a.shape.length, span)
    markWritten(a)
    return NONE
  },
  argsort: (_it, a, args, span) => {
    const p = bind('argsort', args, ['axis', 'kind', 'order', 'stable'], span)
    const axis = p['axis'] === undefined ? int(-1) : p['axis']
    if (axis.kind === 'none') return newArray([numelOf(a.shape)], 'int64')
    axisOf(axis, a.shape.length, span)
    return newArray([...a.shape], 'int64')
  },
}

/** `np.dot(a, b)`: products with a scalar, inner products of 1-d arrays, else the last axis of `a` with the second-last of `b`. */
export function dot(it: Interpreter, left: Value, right: Value, span: SourceSpan): Value {
  const a = operandOf(it, left, span)
  const b = operandOf(it, right, span)
  if (!a || !b) return raise('TypeError', 'argument-type', `unsupported operand type(s) for dot: '${pyTypeName(left)}' and '${pyTypeName(right)}'`, span)
  const dtype = resultDType([a, b])
  if (a.shape.length === 0 || b.shape.length === 0) return scalarOrArray(newArray(broadcastNumpy([a.shape, b.shape], span), dtype))
  const k = a.shape.at(-1)!
  const kb = b.shape.length === 1 ? b.shape[0]! : b.shape.at(-2)!
  if (k !== kb) raise('ValueError', 'shape', `shapes ${numpyShape(a.shape)} and ${numpyShape(b.shape)} not aligned: ${k} (dim ${a.shape.length - 1}) != ${kb} (dim ${Math.max(0, b.shape.length - 2)})`, span)
  const shape = [...a.shape.slice(0, -1), ...b.shape.slice(0, -2), ...(b.shape.length > 1 ? [b.shape.at(-1)!] : [])]
  return scalarOrArray(newArray(shape, dtype))
}

/** `np.clip(a, min, max)`: the broadcast shape, of the result type of all three. */
export function clip(it: Interpreter, a: Value, low: Value | undefined, high: Value | undefined, span: SourceSpan): Value {
  const operands = [a, low ?? NONE, high ?? NONE].filter((v) => v.kind !== 'none').map((v) => operandOf(it, v, span) ?? raise('TypeError', 'argument-type', `\`clip\` takes numbers or arrays, got ${typeName(v)}.`, span))
  if (operands.length < 2) raise('ValueError', 'argument-value', 'One of max or min must be given', span)
  return scalarOrArray(newArray(broadcastNumpy(operands.map((o) => o.shape), span), resultDType(operands)))
}

/** `np.repeat(a, repeats, axis)`: each element `repeats` times (flattened without an axis); a list gives each its own count. */
export function repeatArray(a: TensorValue, repeats: Value, axisV: Value | undefined, span: SourceSpan): TensorValue {
  const axis = given(axisV)
  const length = axis === undefined ? numelOf(a.shape) : a.shape[axisOf(axis, a.shape.length, span)]!
  let total: number
  if (repeats.kind === 'list' || repeats.kind === 'tuple' || isNdarray(repeats)) {
    const counts = repeats.kind === 'tensor' ? knownValues(repeats) : repeats.items.map((v) => integerOf(v, span))
    if (counts === undefined) return raise('RuntimeError', 'unsupported', '`np.repeat` with an array of counts whose values are unknown makes a size nnsize does not know.', span)
    if (counts.length === 1) total = counts[0]! * length
    else if (counts.length !== length) return raise('ValueError', 'argument-value', `operands could not be broadcast together with shape (${length},) (${counts.length},)`, span)
    else total = counts.reduce((p, x) => p + x, 0)
  } else total = integerOf(repeats, span) * length
  if (total < 0) raise('ValueError', 'argument-value', 'repeats may not contain negative values.', span)
  return newArray(axis === undefined ? [total] : a.shape.map((d, i) => (i === axisOf(axis, a.shape.length, span) ? total : d)), a.dtype)
}

/** Attributes and methods of a numpy array (`a.shape`, `a.T`, `a.reshape(…)`); undefined for a name arrays do not have. */
export function ndarrayAttr(a: TensorValue, name: string, span: SourceSpan): Value | undefined {
  switch (name) {
    case 'shape':
      return tuple(a.shape.map((d) => int(d)))
    case 'ndim':
      return int(a.shape.length)
    case 'size':
      return int(numelOf(a.shape))
    case 'dtype':
      return scalarType(a.dtype)
    case 'itemsize':
      return int(dtypeBytes[a.dtype])
    case 'nbytes':
      return int(numelOf(a.shape) * dtypeBytes[a.dtype])
    case 'T':
      return transposeArray(a, undefined, span)
    case 'real':
    case 'imag':
      return viewOf(a, [...a.shape], a.dtype === 'complex64' ? 'float32' : a.dtype === 'complex128' ? 'float64' : a.dtype, name === 'real' && kindOf(a.dtype) !== 'c')
    default:
      break
  }
  if (!Object.hasOwn(arrayMethods, name)) return undefined
  return native(`numpy.ndarray.${name}`, (args, callSpan, it) => arrayMethods[name]!(it!, a, args, callSpan))
}

/** `a.name = value` on a numpy array: `shape` reshapes it in place; arrays take no other attributes. */
export function ndarraySetAttr(a: TensorValue, name: string, value: Value, span: SourceSpan): void {
  if (name === 'shape') {
    const shape = reshaped(a, sizesArgs([value], span), span)
    a.shape = shape
    return
  }
  raise('AttributeError', 'unknown-attribute', `'numpy.ndarray' object has no attribute '${name}'`, span)
}
