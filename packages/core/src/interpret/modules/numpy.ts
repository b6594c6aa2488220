import type { SourceSpan } from '../../errors.js'
import { NnsizeError } from '../../errors.js'
import { limits } from '../../limits.js'
import type { Operator } from '../../python/ast.js'
import type { DType } from '../../tensor/dtype.js'
import { einsumShape } from '../einsum.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { tensorOp } from '../tensor.js'
import { knownValues, markWritten, maxKnownElements, withLazyValues, withValues } from '../tensor-values.js'
import {
  arrayMethods,
  axesOf,
  axisOf,
  bind,
  broadcastNumpy,
  clip,
  dot,
  dtypeArgument,
  expandDims,
  given,
  integerOf,
  kindOf,
  ndarrayBinary,
  newArray,
  numpyDTypeOf,
  numpyScalar,
  numpyShape,
  operandOf,
  promoteNumpy,
  resultDType,
  scalarOrArray,
  scalarType,
  scalarTypeNames,
  shapeOf,
  squeezeArray,
  toArray,
  transposeArray,
} from './numpy-array.js'
import { NONE, float, int, isNdarray, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, CallableValue, NamespaceValue, TensorValue, Value } from '../../contract/values.js'

/**
 * `numpy` as model constructors use it: constants and dtypes, arrays (`np.arange`, `np.linspace`, `np.array`,
 * `np.zeros`, `np.meshgrid`, `np.stack`, `np.concatenate`, `np.einsum`), element-wise functions of numbers and
 * arrays (`np.sin`, `np.power`), reductions (`np.sum(a, axis=0)`), and `np.random` (shapes only). Arrays are
 * {@link TensorValue}s marked `ndarray`, with numpy 2's rules (`numpy-array.ts`); functions of Python numbers give
 * numpy scalars, Python numbers marked with their numpy type, with numpy's `item` and `astype`.
 */

function first(args: readonly ArgValue[], name: string, span: SourceSpan): Value {
  const v = args[0]?.value
  return v ?? raise('TypeError', 'missing-argument', `\`numpy.${name}\` needs an argument.`, span)
}

/** An array argument: an array as it is, or Python data (a list, a number) made one. */
function arrayArg(it: Interpreter, v: Value | undefined, name: string, span: SourceSpan): TensorValue {
  if (v === undefined) return raise('TypeError', 'missing-argument', `\`numpy.${name}\` needs an array.`, span)
  return toArray(it, v, span, undefined, false)
}

// ---------------------------------------------------------------------------------------------
// Element-wise functions

type UnaryRule = 'float' | 'same' | 'bool'

/** The dtype of a unary ufunc's result: floating ones give ints a float that holds them (int8 → float16, int32 → float64). */
function unaryDType(name: string, rule: UnaryRule, d: DType, span: SourceSpan): DType {
  const k = kindOf(d)
  if (rule === 'bool') return 'bool'
  if (rule === 'float') return k === 'f' || k === 'c' ? d : k === 'b' || d === 'int8' || d === 'uint8' ? 'float16' : d === 'int16' || d === 'uint16' ? 'float32' : 'float64'
  if (k === 'b') {
    if (name === 'negative') raise('TypeError', 'type', 'The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.', span)
    if (name === 'sign' || name === 'positive') raise('TypeError', 'type', `ufunc '${name}' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None`, span)
    if (name === 'square' || name === 'reciprocal') return 'int8'
  }
  return d
}

/** Torch's names of the numpy ufuncs whose tensor methods differ (`np.arcsin(t)` is `t.asin()`). */
const torchNames: Record<string, string> = { arcsin: 'asin', arccos: 'acos', arctan: 'atan', absolute: 'abs', rint: 'round', around: 'round', fabs: 'abs' }

/** The exact function of a Python int for the ufuncs that keep ints (`np.floor(3)` is `np.int64(3)`). */
function intFunction(name: string, v: bigint): bigint {
  switch (name) {
    case 'abs':
    case 'absolute':
      return v < 0n ? -v : v
    case 'negative':
      return -v
    case 'square':
      return v * v
    case 'sign':
      return v > 0n ? 1n : v < 0n ? -1n : 0n
    default:
      return v
  }
}

function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/**
 * A unary ufunc (`np.sin`): of a Python number or numpy scalar a numpy scalar (float64, float32 of a float32; ints
 * kept by `floor`, `abs`…), of an array or list an array of numpy's dtype. `exact` keeps known values (functions
 * whose results are correctly rounded); of a torch tensor, the tensor's own method, as numpy hands it to PyTorch.
 */
function unaryUfunc(name: string, rule: UnaryRule, fn: (x: number) => number, exact: boolean): Value {
  return native(`numpy.${name}`, (args, span, it) => {
    const v = first(args, name, span)
    if (v.kind === 'tensor' && !v.ndarray) {
      if (v.requiresGrad) raise('RuntimeError', 'argument-value', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.", span)
      return tensorOp(it!, torchNames[name] ?? name, v, [], span) ?? raise('TypeError', 'unsupported', `\`numpy.${name}\` of a torch tensor is not supported yet; use the tensor's own method.`, span)
    }
    if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') {
      const d: DType = (v.kind === 'bool' ? undefined : v.numpy) ?? (v.kind === 'bool' ? 'bool' : v.kind === 'int' ? 'int64' : 'float64')
      const out = unaryDType(name, rule, d, span)
      if (v.kind !== 'float' && (kindOf(out) === 'i' || kindOf(out) === 'u')) return numpyScalar(intFunction(name, v.kind === 'int' ? v.value : v.value ? 1n : 0n), out, span)
      const x = v.kind === 'int' ? Number(v.value) : v.kind === 'bool' ? (v.value ? 1 : 0) : v.value
      const y = fn(x)
      return numpyScalar(rule === 'bool' ? (y ? 1 : 0) : y, out, span)
    }
    const a = arrayArg(it!, v, name, span)
    const out = unaryDType(name, rule, a.dtype, span)
    const values = exact && kindOf(out) !== 'c' ? knownValues(a)?.map(fn) : undefined
    return scalarOrArray(withValues(newArray([...a.shape], out), values))
  })
}

/** numpy's `floor_divide` and `remainder` of two numbers: Python's `//` and `%`. */
function floorDivide(a: number, b: number): number {
  return Math.floor(a / b)
}

function remainder(a: number, b: number): number {
  const r = a % b
  return r !== 0 && Math.sign(r) !== Math.sign(b) ? r + b : r
}

/** A number of a Python number or numpy scalar: an exact int64, or a float. */
function numberOf(v: Value): bigint | number | undefined {
  if (v.kind === 'int') return v.numpy === undefined || v.numpy === 'int64' ? BigInt.asIntN(64, v.value) : v.value
  if (v.kind === 'bool') return v.value ? 1n : 0n
  if (v.kind === 'float') return v.value
  return undefined
}

function intPower(a: bigint, b: bigint, span: SourceSpan): bigint {
  if (b < 0n) return raise('ValueError', 'argument-value', 'Integers to negative integer powers are not allowed.', span)
  let result = 1n
  let base = BigInt.asIntN(64, a)
  for (let e = b; e > 0n; e >>= 1n) {
    if (e & 1n) result = BigInt.asIntN(64, result * base)
    base = BigInt.asIntN(64, base * base)
  }
  return result
}

interface ScalarRule {
  ints?: (a: bigint, b: bigint, span: SourceSpan) => bigint
  floats: (a: number, b: number) => number
}

/**
 * A binary ufunc: of two Python numbers a numpy scalar computed exactly (`np.power(2, n)`: int64 of ints, wrapping
 * as numpy does); otherwise the operator's numpy rules (`op`), or, for the others, the broadcast shape and numpy's
 * result type (`float` for those that give floats of ints, `bool` for comparisons).
 */
function binaryUfunc(name: string, op: Operator | undefined, scalar: ScalarRule | undefined, rule: UnaryRule = 'same'): Value {
  return native(`numpy.${name}`, (args, span, it) => {
    const p = bind(`numpy.${name}`, args, ['x1', 'x2', 'out', 'where', 'casting', 'order', 'dtype'], span)
    const left = p['x1'] ?? raise('TypeError', 'missing-argument', `\`numpy.${name}\` needs two arguments.`, span)
    const right = p['x2'] ?? raise('TypeError', 'missing-argument', `\`numpy.${name}\` needs two arguments.`, span)
    const a = numberOf(left)
    const b = numberOf(right)
    const plain = (v: Value): boolean => v.kind === 'bool' || ((v.kind === 'int' || v.kind === 'float') && (v.numpy === undefined || v.numpy === 'float64' || v.numpy === 'int64'))
    if (scalar && a !== undefined && b !== undefined && plain(left) && plain(right)) {
      if (typeof a === 'bigint' && typeof b === 'bigint' && scalar.ints && !(left.kind === 'bool' && right.kind === 'bool')) return numpyScalar(BigInt.asIntN(64, scalar.ints(a, b, span)), 'int64', span)
      if (typeof a !== 'bigint' || typeof b !== 'bigint' || !scalar.ints) return numpyScalar(scalar.floats(Number(a), Number(b)), 'float64', span)
    }
    if (op) return ndarrayBinary(it!, op, left, right, span)
    const operands = [left, right].map((v) => operandOf(it!, v, span) ?? raise('TypeError', 'argument-type', `\`numpy.${name}\` takes numbers or arrays, got ${typeName(v)}.`, span))
    const shape = broadcastNumpy(operands.map((o) => o.shape), span)
    return scalarOrArray(newArray(shape, unaryDType(name, rule, resultDType(operands), span)))
  })
}

// ---------------------------------------------------------------------------------------------
// Arrays from sizes and ranges

/** `np.asarray(a, dtype)`: an array of the right dtype as it is, else a new one. */
function asarray(name: string): Value {
  return native(`numpy.${name}`, (args, span, it) => {
    const p = bind(`numpy.${name}`, args, ['a', 'dtype', 'order', 'device', 'copy', 'like'], span)
    return toArray(it!, p['a'] ?? raise('TypeError', 'missing-argument', `${name}() missing required argument 'a' (pos 0)`, span), span, dtypeArgument(p['dtype'], span), false)
  })
}

function sized(name: string, fill: number | undefined): Value {
  return native(`numpy.${name}`, (args, span) => {
    const p = bind(`numpy.${name}`, args, ['shape', 'dtype', 'order', 'device', 'like'], span)
    const shape = shapeOf(p['shape'] ?? raise('TypeError', 'missing-argument', `${name}() missing required argument 'shape' (pos 1)`, span), span)
    const a = newArray(shape, dtypeArgument(p['dtype'], span) ?? 'float64')
    return fill === undefined ? a : filled(a, fill)
  })
}

function filled(a: TensorValue, x: number): TensorValue {
  return withLazyValues(a, () => new Array<number>(a.shape.reduce((p, d) => p * d, 1)).fill(x))
}

function fillNumber(v: Value): number | undefined {
  const n = numberOf(v)
  if (n === undefined) return undefined
  return typeof n === 'bigint' ? (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(n)) : n
}

/** `np.full(shape, fill_value, dtype)`: the fill's dtype unless given (an int fills int64, a float float64). */
const full = native('numpy.full', (args, span, it) => {
  const p = bind('numpy.full', args, ['shape', 'fill_value', 'dtype', 'order', 'device', 'like'], span)
  const shape = shapeOf(p['shape'] ?? raise('TypeError', 'missing-argument', "full() missing required argument 'shape' (pos 1)", span), span)
  const fill = p['fill_value'] ?? raise('TypeError', 'missing-argument', "full() missing required argument 'fill_value' (pos 2)", span)
  const operand = operandOf(it!, fill, span) ?? raise('TypeError', 'argument-type', `\`numpy.full\` fills with a number or an array, got ${typeName(fill)}.`, span)
  broadcastNumpy([operand.shape, shape], span)
  const a = newArray(shape, dtypeArgument(p['dtype'], span) ?? resultDType([operand]))
  const x = fillNumber(fill)
  return x === undefined ? a : filled(a, x)
})

/** `np.zeros_like(a, dtype, shape=…)` and its kin: `a`'s shape and dtype unless given. */
function like(name: string, fill: 'zeros' | 'ones' | 'empty' | 'full'): Value {
  return native(`numpy.${name}`, (args, span, it) => {
    const names = fill === 'full' ? ['a', 'fill_value', 'dtype', 'order', 'subok', 'shape', 'device'] : ['a', 'dtype', 'order', 'subok', 'shape', 'device']
    const p = bind(`numpy.${name}`, args, names, span)
    const source = arrayArg(it!, p['a'], name, span)
    const shapeValue = given(p['shape'])
    const a = newArray(shapeValue === undefined ? [...source.shape] : shapeOf(shapeValue, span), dtypeArgument(p['dtype'], span) ?? source.dtype)
    const x = fill === 'zeros' ? 0 : fill === 'ones' ? 1 : fill === 'full' ? fillNumber(p['fill_value'] ?? raise('TypeError', 'missing-argument', "full_like() missing required argument 'fill_value' (pos 2)", span)) : undefined
    return x === undefined ? a : filled(a, x)
  })
}

function lengthLimit(n: number, span: SourceSpan): number {
  if (!Number.isFinite(n) || n > limits.maxDimension) throw new NnsizeError('limit', `An array of ${n} elements is beyond the largest supported size.`, { span })
  return n
}

/**
 * `np.arange([start,] stop[, step], dtype)`: int64 of ints, float64 otherwise (numpy scalars keep their type); the
 * values as numpy fills them, `start + i * ((start + step) - start)` in the dtype.
 */
const arange = native('numpy.arange', (args, span, it) => {
  const positional = args.filter((a) => a.name === undefined).map((a) => a.value)
  if (positional.length > 3) raise('TypeError', 'too-many-arguments', `arange() takes from 1 to 3 positional arguments but ${positional.length} were given`, span)
  const named = bind('numpy.arange', args.filter((a) => a.name !== undefined), ['start', 'stop', 'step', 'dtype', 'device', 'like'], span)
  let start = named['start']
  let stop = named['stop']
  let step = named['step']
  if (positional.length === 1 && stop === undefined) stop = positional[0]
  else [start = start, stop = stop, step = step] = [positional[0] ?? start, positional[1] ?? stop, positional[2] ?? step]
  if (stop === undefined || stop.kind === 'none') {
    if (start === undefined) return raise('TypeError', 'missing-argument', "arange() requires stop to be specified.", span)
    ;[start, stop] = [int(0), start]
  }
  const bounds = [start ?? int(0), stop, step ?? int(1)]
  const operands = bounds.map((v) => {
    const o = operandOf(it!, v, span)
    if (!o || o.shape.length !== 0) return raise('TypeError', 'argument-type', `\`numpy.arange\` takes numbers, got ${typeName(v)}.`, span)
    return o
  })
  const [s, e, d] = bounds.map((v) => Number(numberOf(v) ?? Number.NaN)) as [number, number, number]
  if (d === 0) raise('ValueError', 'argument-value', 'Maximum allowed size exceeded', span)
  const length = lengthLimit(Math.max(0, Math.ceil((e - s) / d)), span)
  const found = resultDType(operands)
  const dtype = dtypeArgument(named['dtype'], span) ?? found
  const a = newArray([length], dtype)
  if (kindOf(found) !== 'f') return withLazyValues(a, () => Array.from({ length }, (_, i) => s + i * d))
  if (dtype !== 'float64' && dtype !== 'float32') return a
  const round = dtype === 'float32' ? Math.fround : (x: number): number => x
  const s0 = round(s)
  const delta = round(round(s + d) - s0)
  return withLazyValues(a, () => Array.from({ length }, (_, i) => (i === 0 ? s0 : i === 1 ? round(s + d) : round(s0 + round(i * delta)))))
})

/**
 * `np.linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None)`: float64 unless given; the values as
 * numpy computes them, `i * step + start` (the last one `stop`), floored for an integer dtype.
 */
const linspace = native('numpy.linspace', (args, span, it) => {
  const p = bind('numpy.linspace', args, ['start', 'stop', 'num', 'endpoint', 'retstep', 'dtype', 'axis', 'device'], span)
  const startV = p['start'] ?? raise('TypeError', 'missing-argument', "linspace() missing required argument 'start' (pos 1)", span)
  const stopV = p['stop'] ?? raise('TypeError', 'missing-argument', "linspace() missing required argument 'stop' (pos 2)", span)
  const num = integerOf(given(p['num']) ?? int(50), span)
  if (num < 0) raise('ValueError', 'argument-value', `Number of samples, ${num}, must be non-negative.`, span)
  const endpoint = given(p['endpoint']) === undefined || it!.truthy(p['endpoint']!, span)
  const operands = [startV, stopV].map((v) => operandOf(it!, v, span) ?? raise('TypeError', 'argument-type', `\`numpy.linspace\` takes numbers or arrays, got ${typeName(v)}.`, span))
  const found = resultDType([...operands, { value: float(0), shape: [], dtype: undefined, weak: 'float' }])
  const dtype = dtypeArgument(p['dtype'], span) ?? found
  const inner = broadcastNumpy(operands.map((o) => o.shape), span)
  const a = newArray([lengthLimit(num, span), ...inner], dtype)
  const div = endpoint ? num - 1 : num
  const start = fillNumber(startV)
  const stop = fillNumber(stopV)
  let stepValue = Number.NaN
  if (start !== undefined && stop !== undefined && inner.length === 0 && found === 'float64') {
    const delta = stop - start
    const step = div > 0 ? delta / div : Number.NaN
    stepValue = step
    const integer = kindOf(dtype) === 'i' || kindOf(dtype) === 'u'
    withLazyValues(a, () =>
      Array.from({ length: num }, (_, i) => {
        let y = div > 0 ? (step === 0 ? (i / div) * delta : i * step) : i * delta
        y += start
        if (endpoint && num > 1 && i === num - 1) y = stop
        return integer ? Math.floor(y) : y
      }),
    )
  }
  const retstep = given(p['retstep'])
  return retstep !== undefined && it!.truthy(retstep, span) ? tuple([a, numpyScalar(stepValue, 'float64', span)]) : a
})

/** `np.logspace(start, stop, num=50, …)`: float64 of `num` values (not computed). */
const logspace = native('numpy.logspace', (args, span) => {
  const p = bind('numpy.logspace', args, ['start', 'stop', 'num', 'endpoint', 'base', 'dtype', 'axis'], span)
  const num = integerOf(given(p['num']) ?? int(50), span)
  if (num < 0) raise('ValueError', 'argument-value', `Number of samples, ${num}, must be non-negative.`, span)
  return newArray([num], dtypeArgument(p['dtype'], span) ?? 'float64')
})

/** `np.eye(N, M=None, k=0, dtype=float)`: ones on the `k`-th diagonal. */
const eye = native('numpy.eye', (args, span) => {
  const p = bind('numpy.eye', args, ['N', 'M', 'k', 'dtype', 'order', 'device', 'like'], span)
  const n = shapeOf(p['N'] ?? raise('TypeError', 'missing-argument', "eye() missing required argument 'N' (pos 1)", span), span)[0]!
  const mValue = given(p['M'])
  const m = mValue === undefined ? n : shapeOf(mValue, span)[0]!
  const k = integerOf(given(p['k']) ?? int(0), span)
  return withLazyValues(newArray([n, m], dtypeArgument(p['dtype'], span) ?? 'float64'), () => Array.from({ length: n * m }, (_, i) => (i % m) - Math.floor(i / m) === k ? 1 : 0))
})

// ---------------------------------------------------------------------------------------------
// Joining and reshaping

/** The arrays of a sequence argument (`np.stack([a, b])`), each made an array. */
function arraysArg(it: Interpreter, v: Value | undefined, name: string, span: SourceSpan): TensorValue[] {
  if (v === undefined) return raise('TypeError', 'missing-argument', `\`numpy.${name}\` needs a sequence of arrays.`, span)
  if (isNdarray(v)) {
    if (v.shape.length === 0) return raise('TypeError', 'argument-type', `\`numpy.${name}\` needs a sequence of arrays, got a 0-d array.`, span)
    it.budget.allocate(v.shape[0]!, span)
    return Array.from({ length: v.shape[0]! }, () => newArray(v.shape.slice(1), v.dtype))
  }
  return it.toArray(v, span).map((x) => toArray(it, x, span, undefined, false))
}

/** The values of arrays joined along their first axis, when all are known. */
function joinedValues(arrays: readonly TensorValue[]): number[] | undefined {
  const out: number[] = []
  for (const a of arrays) {
    const values = knownValues(a)
    if (values === undefined || out.length + values.length > maxKnownElements) return undefined
    for (const x of values) out.push(x)
  }
  return out
}

/** `np.concatenate(arrays, axis=0, dtype=None)`: numpy's checks of the other dimensions; `axis=None` flattens. */
function concatenate(arrays: TensorValue[], axisV: Value | undefined, dtypeV: Value | undefined, span: SourceSpan): TensorValue {
  if (arrays.length === 0) raise('ValueError', 'argument-value', 'need at least one array to concatenate', span)
  const dtype = dtypeArgument(dtypeV, span) ?? arrays.map((a) => a.dtype).reduce(promoteNumpy)
  if (axisV !== undefined && axisV.kind === 'none') {
    const flat = arrays.map((a) => withValues(newArray([a.shape.reduce((p, d) => p * d, 1)], a.dtype), knownValues(a)))
    return withValues(newArray([flat.reduce((p, a) => p + a.shape[0]!, 0)], dtype), joinedValues(flat))
  }
  const base = arrays[0]!
  if (base.shape.length === 0) raise('ValueError', 'argument-value', 'zero-dimensional arrays cannot be concatenated', span)
  const axis = axisOf(axisV ?? int(0), base.shape.length, span)
  let total = 0
  arrays.forEach((a, i) => {
    if (a.shape.length !== base.shape.length) raise('ValueError', 'shape', `all the input arrays must have same number of dimensions, but the array at index 0 has ${base.shape.length} dimension(s) and the array at index ${i} has ${a.shape.length} dimension(s)`, span)
    a.shape.forEach((d, j) => {
      if (j !== axis && d !== base.shape[j]) raise('ValueError', 'shape', `all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${j}, the array at index 0 has size ${base.shape[j]} and the array at index ${i} has size ${d}`, span)
    })
    total += a.shape[axis]!
  })
  return withValues(newArray(base.shape.map((d, j) => (j === axis ? total : d)), dtype), axis === 0 ? joinedValues(arrays) : undefined)
}

/** `np.stack(arrays, axis=0, dtype=None)`: arrays of one shape along a new axis. */
function stack(arrays: TensorValue[], axisV: Value | undefined, dtypeV: Value | undefined, span: SourceSpan): TensorValue {
  if (arrays.length === 0) raise('ValueError', 'argument-value', 'need at least one array to stack', span)
  const base = arrays[0]!
  for (const a of arrays) if (a.shape.length !== base.shape.length || a.shape.some((d, i) => d !== base.shape[i])) raise('ValueError', 'shape', 'all input arrays must have the same shape', span)
  const axis = axisOf(given(axisV) ?? int(0), base.shape.length + 1, span)
  const shape = [...base.shape]
  shape.splice(axis, 0, arrays.length)
  const dtype = dtypeArgument(dtypeV, span) ?? arrays.map((a) => a.dtype).reduce(promoteNumpy)
  return withValues(newArray(shape, dtype), axis === 0 ? joinedValues(arrays) : undefined)
}

/** `np.atleast_1d`, `_2d`, `_3d` of one array: numpy's new axes of size 1 (`(n,)` is `(1, n)`, then `(1, n, 1)`). */
function atLeast(a: TensorValue, rank: 1 | 2 | 3): TensorValue {
  const s = a.shape
  if (s.length >= rank) return a
  const shape = rank === 1 ? [1] : rank === 2 ? (s.length === 0 ? [1, 1] : [1, s[0]!]) : s.length === 0 ? [1, 1, 1] : s.length === 1 ? [1, s[0]!, 1] : [s[0]!, s[1]!, 1]
  return withValues(newArray(shape, a.dtype), knownValues(a))
}

function atLeastFunction(rank: 1 | 2 | 3): Value {
  return native(`numpy.atleast_${rank}d`, (args, span, it) => {
    const arrays = args.map((a) => atLeast(toArray(it!, a.value, span, undefined, false), rank))
    return arrays.length === 1 ? arrays[0]! : tuple(arrays)
  })
}

function joinFunction(name: string, join: (arrays: TensorValue[], span: SourceSpan) => TensorValue): Value {
  return native(`numpy.${name}`, (args, span, it) => {
    const p = bind(`numpy.${name}`, args, ['tup', 'dtype', 'casting'], span)
    const arrays = arraysArg(it!, p['tup'], name, span)
    const joined = join(arrays, span)
    const dtype = dtypeArgument(p['dtype'], span)
    return dtype === undefined ? joined : withValues(newArray([...joined.shape], dtype), knownValues(joined))
  })
}

/** `np.meshgrid(*xi, indexing='xy', sparse=False)`: a tuple of arrays, each of its input's dtype; 'xy' swaps the first two axes. */
const meshgrid = native('numpy.meshgrid', (args, span, it) => {
  const inputs = args.filter((a) => a.name === undefined).map((a) => toArray(it!, a.value, span, undefined, false))
  const p = bind('numpy.meshgrid', args.filter((a) => a.name !== undefined), ['copy', 'sparse', 'indexing'], span)
  const indexing = given(p['indexing']) ?? str('xy')
  if (indexing.kind !== 'str' || (indexing.value !== 'xy' && indexing.value !== 'ij')) raise('ValueError', 'argument-value', "Valid values for `indexing` are 'xy' and 'ij'.", span)
  const sparse = given(p['sparse']) !== undefined && it!.truthy(p['sparse']!, span)
  const lengths = inputs.map((a) => a.shape.reduce((q, d) => q * d, 1))
  const xy = (indexing as { value: string }).value === 'xy' && inputs.length > 1
  // The axis of each input in the outputs.
  const axes = inputs.map((_, i) => (xy && i < 2 ? 1 - i : i))
  const shape = axes.map((_, j) => lengths[axes.indexOf(j)]!)
  return tuple(
    inputs.map((a, i) => {
      const own = sparse ? shape.map((d, j) => (j === axes[i] ? d : 1)) : [...shape]
      const values = knownValues(a)
      const out = newArray(own, a.dtype)
      if (values === undefined) return out
      const strides = own.map((_, j) => own.slice(j + 1).reduce((q, d) => q * d, 1))
      return withLazyValues(out, () => Array.from({ length: own.reduce((q, d) => q * d, 1) }, (_, flat) => values[Math.floor(flat / strides[axes[i]!]!) % own[axes[i]!]!]!))
    }),
  )
})

/** `np.einsum(subscripts, *operands)`: the operands in their common numpy dtype, PyTorch's shape rules (the same as numpy's). */
const einsum = native('numpy.einsum', (args, span, it) => {
  const positional = args.filter((a) => a.name === undefined).map((a) => a.value)
  const p = bind('numpy.einsum', args.filter((a) => a.name !== undefined), ['out', 'dtype', 'order', 'casting', 'optimize'], span)
  const [subscripts, ...rest] = positional
  if (subscripts?.kind !== 'str') return raise('TypeError', 'unsupported', '`numpy.einsum` is supported with a subscripts string first (`np.einsum("m,d->md", a, b)`).', span)
  const arrays = rest.map((v) => toArray(it!, v, span, undefined, false))
  const dtype = dtypeArgument(p['dtype'], span) ?? (arrays.length > 0 ? arrays.map((a) => a.dtype).reduce(promoteNumpy) : 'float64')
  const out = einsumShape(subscripts.value, arrays.map((a) => ({ shape: a.shape, dtype })), promoteNumpy, (message) => raise('ValueError', 'shape', message, span))
  return scalarOrArray(newArray(out.shape, dtype))
})

/** `np.outer(a, b)`: both flattened, `(a.size, b.size)`. */
const outer = native('numpy.outer', (args, span, it) => {
  const p = bind('numpy.outer', args, ['a', 'b', 'out'], span)
  const [a, b] = [p['a'], p['b']].map((v) => arrayArg(it!, v, 'outer', span)) as [TensorValue, TensorValue]
  const size = (x: TensorValue): number => x.shape.reduce((q, d) => q * d, 1)
  return newArray([size(a), size(b)], promoteNumpy(a.dtype, b.dtype))
})

/** `np.where(condition, x, y)`: the broadcast shape, of `x` and `y`'s result type; `np.where(condition)` depends on the values. */
const where = native('numpy.where', (args, span, it) => {
  const values = args.map((a) => a.value)
  if (values.length !== 3) return raise('RuntimeError', 'unsupported', '`np.where(condition)` gives indices whose number depends on the values, which nnsize does not compute; `np.where(condition, x, y)` is supported.', span)
  const operands = values.map((v) => operandOf(it!, v, span) ?? raise('TypeError', 'argument-type', `\`numpy.where\` takes numbers or arrays, got ${typeName(v)}.`, span))
  return scalarOrArray(newArray(broadcastNumpy(operands.map((o) => o.shape), span), resultDType(operands.slice(1))))
})

/** `np.tile(A, reps)`: `reps` and the shape padded with ones to the same length, multiplied. */
const tile = native('numpy.tile', (args, span, it) => {
  const p = bind('numpy.tile', args, ['A', 'reps'], span)
  const a = arrayArg(it!, p['A'], 'tile', span)
  const reps = shapeOf(p['reps'] ?? raise('TypeError', 'missing-argument', "tile() missing 1 required positional argument: 'reps'", span), span)
  const n = Math.max(reps.length, a.shape.length)
  const shape = [...new Array<number>(n - a.shape.length).fill(1), ...a.shape]
  const times = [...new Array<number>(n - reps.length).fill(1), ...reps]
  return newArray(shape.map((d, i) => d * times[i]!), a.dtype)
})

/** `np.broadcast_to(array, shape)`: numpy's broadcast of the array to exactly `shape`. */
const broadcastTo = native('numpy.broadcast_to', (args, span, it) => {
  const p = bind('numpy.broadcast_to', args, ['array', 'shape', 'subok'], span)
  const a = arrayArg(it!, p['array'], 'broadcast_to', span)
  const shape = shapeOf(p['shape'] ?? raise('TypeError', 'missing-argument', "broadcast_to() missing 1 required positional argument: 'shape'", span), span)
  const offset = shape.length - a.shape.length
  if (offset < 0 || a.shape.some((d, i) => d !== 1 && d !== shape[i + offset])) raise('ValueError', 'shape', `operands could not be broadcast together with remapped shapes [original->remapped]: ${numpyShape(a.shape)}  and requested shape ${numpyShape(shape)}`, span)
  return newArray(shape, a.dtype)
})

/** `np.moveaxis(a, source, destination)`: each source axis moved to its destination, the others in order. */
const moveaxis = native('numpy.moveaxis', (args, span, it) => {
  const p = bind('numpy.moveaxis', args, ['a', 'source', 'destination'], span)
  const a = arrayArg(it!, p['a'], 'moveaxis', span)
  const source = axesOf(p['source'], a.shape.length, span) ?? []
  const destination = axesOf(p['destination'], a.shape.length, span) ?? []
  if (source.length !== destination.length) raise('ValueError', 'argument-value', '`source` and `destination` arguments must have the same number of elements', span)
  const order = a.shape.map((_, i) => i).filter((i) => !source.includes(i))
  destination.map((d, i) => [d, source[i]!] as const).sort((x, y) => x[0] - y[0]).forEach(([d, s]) => order.splice(d, 0, s))
  return transposeArray(a, order.map((d) => int(d)), span)
})

/** A numpy function of an array that is the array's method of the same name (`np.sum(a, axis=0)` is `a.sum(axis=0)`). */
function methodFunction(name: string, method = name): Value {
  return native(`numpy.${name}`, (args, span, it) => {
    const arrayIndex = args.findIndex((a) => a.name === undefined || a.name === 'a')
    if (arrayIndex < 0) return raise('TypeError', 'missing-argument', `\`numpy.${name}\` needs an array.`, span)
    const a = arrayArg(it!, args[arrayIndex]!.value, name, span)
    return arrayMethods[method]!(it!, a, args.filter((_, i) => i !== arrayIndex), span)
  })
}

// ---------------------------------------------------------------------------------------------
// Random numbers: shapes and dtypes only

/** The shape of a `size=` argument, or of the broadcast array parameters without one; a single number has no known value. */
function randomShape(it: Interpreter, name: string, size: Value | undefined, params: ReadonlyArray<Value | undefined>, span: SourceSpan): number[] {
  if (size !== undefined && size.kind !== 'none') return shapeOf(size, span)
  const shapes = params.filter((v): v is Value => v !== undefined && v.kind !== 'none').map((v) => operandOf(it, v, span)?.shape ?? [])
  const shape = broadcastNumpy(shapes, span)
  if (shape.length === 0) raise('RuntimeError', 'unsupported', `\`${name}\` without a size gives one random number, whose value nnsize cannot know; give a \`size\` to make an array.`, span)
  return shape
}

function randomFunction(name: string, params: readonly string[], dtype: (p: Record<string, Value | undefined>, span: SourceSpan) => DType = () => 'float64'): Value {
  return native(`numpy.random.${name}`, (args, span, it) => {
    const p = bind(`numpy.random.${name}`, args, params, span)
    return newArray(randomShape(it!, `numpy.random.${name}`, p['size'], params.filter((x) => x !== 'size' && x !== 'dtype').map((x) => p[x]), span), dtype(p, span))
  })
}

/** `np.random.rand(d0, d1, …)` and `randn`: sizes as separate arguments. */
function randomDims(name: string): Value {
  return native(`numpy.random.${name}`, (args, span) => {
    if (args.length === 0) return raise('RuntimeError', 'unsupported', `\`numpy.random.${name}()\` gives one random number, whose value nnsize cannot know; give sizes to make an array.`, span)
    return newArray(args.map((a) => shapeOf(a.value, span)[0] ?? raise('TypeError', 'argument-type', `\`numpy.random.${name}\` takes ints.`, span)), 'float64')
  })
}

function randomMembers(): Record<string, Value> {
  const r: Record<string, Value> = {
    seed: native('numpy.random.seed', () => NONE),
    rand: randomDims('rand'),
    randn: randomDims('randn'),
    random: randomFunction('random', ['size', 'dtype', 'out']),
    random_sample: randomFunction('random_sample', ['size']),
    ranf: randomFunction('ranf', ['size']),
    sample: randomFunction('sample', ['size']),
    standard_normal: randomFunction('standard_normal', ['size', 'dtype', 'out']),
    uniform: randomFunction('uniform', ['low', 'high', 'size']),
    normal: randomFunction('normal', ['loc', 'scale', 'size']),
    beta: randomFunction('beta', ['a', 'b', 'size']),
    gamma: randomFunction('gamma', ['shape', 'scale', 'size']),
    exponential: randomFunction('exponential', ['scale', 'size']),
    randint: native('numpy.random.randint', (args, span, it) => {
      const p = bind('numpy.random.randint', args, ['low', 'high', 'size', 'dtype'], span)
      return newArray(randomShape(it!, 'numpy.random.randint', p['size'], [p['low'], p['high']], span), dtypeArgument(p['dtype'], span) ?? 'int64')
    }),
    integers: native('numpy.random.Generator.integers', (args, span, it) => {
      const p = bind('numpy.random.Generator.integers', args, ['low', 'high', 'size', 'dtype', 'endpoint'], span)
      return newArray(randomShape(it!, 'numpy.random.Generator.integers', p['size'], [p['low'], p['high']], span), dtypeArgument(p['dtype'], span) ?? 'int64')
    }),
    permutation: native('numpy.random.permutation', (args, span, it) => {
      const x = first(args, 'random.permutation', span)
      if (x.kind === 'int' || x.kind === 'bool') return newArray([integerOf(x, span)], 'int64')
      const a = toArray(it!, x, span, undefined, false)
      return newArray([...a.shape], a.dtype)
    }),
    choice: native('numpy.random.choice', (args, span, it) => {
      const p = bind('numpy.random.choice', args, ['a', 'size', 'replace', 'p'], span)
      const a = p['a'] ?? raise('TypeError', 'missing-argument', "choice() missing required argument 'a' (pos 1)", span)
      const dtype = a.kind === 'int' || a.kind === 'bool' ? 'int64' : toArray(it!, a, span, undefined, false).dtype
      return newArray(randomShape(it!, 'numpy.random.choice', p['size'], [], span), dtype)
    }),
    shuffle: native('numpy.random.shuffle', (args, span) => {
      const x = first(args, 'random.shuffle', span)
      if (x.kind === 'tensor') markWritten(x)
      else if (x.kind === 'list') return raise('RuntimeError', 'unsupported', '`numpy.random.shuffle` of a list reorders its items at random, which nnsize cannot know.', span)
      return NONE
    }),
  }
  // A generator (`np.random.default_rng(0)`, `np.random.RandomState(0)`) has the same functions.
  const generator = (name: string): Value => native(`numpy.random.${name}`, () => namespace(`numpy.random.${name}`, r))
  r['default_rng'] = generator('default_rng')
  r['RandomState'] = generator('RandomState')
  return r
}

// ---------------------------------------------------------------------------------------------
// Scalars of numpy types and type information

/** The numpy scalar type `astype` names, for a numpy scalar (`np.log(10).astype('int')`). */
function scalarAstype(self: Extract<Value, { kind: 'int' | 'float' }>, target: Value | undefined, span: SourceSpan): Value {
  if (target === undefined) return raise('TypeError', 'missing-argument', "astype() missing required argument 'dtype' (pos 1)", span)
  return numpyScalar(self.value, numpyDTypeOf(target, span), span)
}

/** The methods of a numpy scalar (`np.ceil(x).astype('int').item()`): `item` and `tolist` give the Python number. */
export function numpyScalarMethod(self: Extract<Value, { kind: 'int' | 'float' }>, name: string): Value | undefined {
  switch (name) {
    case 'item':
    case 'tolist':
      return native(`numpy.${self.numpy}.${name}`, () => (self.kind === 'int' ? int(self.value) : float(self.value)))
    case 'astype':
      return native(`numpy.${self.numpy}.astype`, (args, span) => scalarAstype(self, args.find((a) => a.name === undefined || a.name === 'dtype')?.value, span))
    case 'dtype':
      return scalarType(self.numpy!)
    case 'shape':
      return tuple([])
    case 'ndim':
      return int(0)
    case 'size':
      return int(1)
    default:
      return undefined
  }
}

const floatInfo: Partial<Record<DType, Record<string, number>>> = {
  float16: { eps: 0.0009765625, max: 65504, tiny: 6.103515625e-5, resolution: 0.0010004043579101562, bits: 16 },
  float32: { eps: 1.1920928955078125e-7, max: 3.4028234663852886e38, tiny: 1.1754943508222875e-38, resolution: 9.999999974752427e-7, bits: 32 },
  float64: { eps: 2.220446049250313e-16, max: Number.MAX_VALUE, tiny: 2.2250738585072014e-308, resolution: 1e-15, bits: 64 },
}

/** `np.finfo(dtype)`: `eps`, `max`, `min`, `tiny`, `smallest_normal`, `resolution` (numpy scalars of the dtype) and `bits`. */
const finfo = native('numpy.finfo', (args, span) => {
  const v = first(args, 'finfo', span)
  const d = v.kind === 'tensor' ? v.dtype : v.kind === 'float' ? (v.numpy ?? 'float64') : numpyDTypeOf(v, span)
  const dtype: DType = d === 'complex64' ? 'float32' : d === 'complex128' ? 'float64' : d
  const info = floatInfo[dtype] ?? raise('ValueError', 'argument-value', `data type <class 'numpy.${dtype}'> not inexact`, span)
  const scalar = (x: number): Value => numpyScalar(x, dtype, span)
  return namespace('numpy.finfo', { eps: scalar(info['eps']!), max: scalar(info['max']!), min: scalar(-info['max']!), tiny: scalar(info['tiny']!), smallest_normal: scalar(info['tiny']!), resolution: scalar(info['resolution']!), bits: int(info['bits']!), dtype: scalarType(dtype) })
})

/** `np.iinfo(dtype)`: `min`, `max` (Python ints) and `bits`. */
const iinfo = native('numpy.iinfo', (args, span) => {
  const v = first(args, 'iinfo', span)
  const d = v.kind === 'tensor' ? v.dtype : v.kind === 'int' ? (v.numpy ?? 'int64') : numpyDTypeOf(v, span)
  const k = kindOf(d)
  if (k !== 'i' && k !== 'u') return raise('ValueError', 'argument-value', `Invalid integer data type '${k}'.`, span)
  const bits = BigInt(d === 'int8' || d === 'uint8' ? 8 : d.endsWith('16') ? 16 : d.endsWith('32') ? 32 : 64)
  const [min, max] = k === 'u' ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n]
  return namespace('numpy.iinfo', { min: int(min), max: int(max), bits: int(bits), dtype: scalarType(d) })
})

// ---------------------------------------------------------------------------------------------
// The namespace

const unaryUfuncs: Array<[string, UnaryRule, (x: number) => number, boolean]> = [
  ['sqrt', 'float', Math.sqrt, true],
  ['cbrt', 'float', Math.cbrt, false],
  ['exp', 'float', Math.exp, false],
  ['exp2', 'float', (x) => 2 ** x, false],
  ['expm1', 'float', Math.expm1, false],
  ['log', 'float', Math.log, false],
  ['log2', 'float', Math.log2, false],
  ['log10', 'float', Math.log10, false],
  ['log1p', 'float', Math.log1p, false],
  ['sin', 'float', Math.sin, false],
  ['cos', 'float', Math.cos, false],
  ['tan', 'float', Math.tan, false],
  ['arcsin', 'float', Math.asin, false],
  ['arccos', 'float', Math.acos, false],
  ['arctan', 'float', Math.atan, false],
  ['sinh', 'float', Math.sinh, false],
  ['cosh', 'float', Math.cosh, false],
  ['tanh', 'float', Math.tanh, false],
  ['arcsinh', 'float', Math.asinh, false],
  ['arccosh', 'float', Math.acosh, false],
  ['arctanh', 'float', Math.atanh, false],
  ['deg2rad', 'float', (x) => x * (Math.PI / 180), false],
  ['radians', 'float', (x) => x * (Math.PI / 180), false],
  ['rad2deg', 'float', (x) => x * (180 / Math.PI), false],
  ['degrees', 'float', (x) => x * (180 / Math.PI), false],
  ['fabs', 'float', Math.abs, true],
  ['rint', 'float', roundHalfEven, true],
  ['floor', 'same', Math.floor, true],
  ['ceil', 'same', Math.ceil, true],
  ['trunc', 'same', Math.trunc, true],
  ['fix', 'same', Math.trunc, true],
  ['abs', 'same', Math.abs, true],
  ['absolute', 'same', Math.abs, true],
  ['negative', 'same', (x) => -x, true],
  ['positive', 'same', (x) => x, true],
  ['square', 'same', (x) => x * x, true],
  ['sign', 'same', (x) => (Number.isNaN(x) ? x : Math.sign(x)), true],
  ['reciprocal', 'same', (x) => 1 / x, false],
  ['isnan', 'bool', (x) => (Number.isNaN(x) ? 1 : 0), true],
  ['isinf', 'bool', (x) => (x === Infinity || x === -Infinity ? 1 : 0), true],
  ['isfinite', 'bool', (x) => (Number.isFinite(x) ? 1 : 0), true],
  ['logical_not', 'bool', (x) => (x === 0 ? 1 : 0), true],
  ['signbit', 'bool', (x) => (x < 0 || Object.is(x, -0) ? 1 : 0), true],
]

/** `np.round(a, decimals=0)` / `np.around`: the dtype of `a`; a Python number rounds half to even (`np.round(2.5)` is 2.0). */
const round = native('numpy.round', (args, span, it) => {
  const p = bind('numpy.round', args, ['a', 'decimals', 'out'], span)
  const v = p['a'] ?? raise('TypeError', 'missing-argument', "round() missing required argument 'a' (pos 1)", span)
  const decimals = integerOf(given(p['decimals']) ?? int(0), span)
  if ((v.kind === 'float' || v.kind === 'int') && decimals === 0) return v.kind === 'int' ? numpyScalar(v.value, v.numpy ?? 'int64', span) : numpyScalar(roundHalfEven(v.value), v.numpy ?? 'float64', span)
  const a = arrayArg(it!, v, 'round', span)
  return scalarOrArray(newArray([...a.shape], a.dtype))
})

/**
 * The `numpy` namespace. Names it does not list are the library's own, placeholders that are an error only when
 * construction uses them (numpy 2's removed aliases, `np.float`, say so when used as a dtype).
 */
export function numpyNamespace(): NamespaceValue {
  const members: Record<string, Value> = {
    pi: float(Math.PI),
    e: float(Math.E),
    inf: float(Infinity),
    nan: float(Number.NaN),
    newaxis: NONE,
    euler_gamma: float(0.5772156649015329),
    // Arrays
    array: native('numpy.array', (args, span, it) => {
      const p = bind('numpy.array', args, ['object', 'dtype', 'copy', 'order', 'subok', 'ndmin', 'like'], span)
      const a = toArray(it!, p['object'] ?? raise('TypeError', 'missing-argument', "array() missing required argument 'object' (pos 0)", span), span, dtypeArgument(p['dtype'], span))
      const ndmin = given(p['ndmin'])
      const rank = ndmin === undefined ? 0 : integerOf(ndmin, span)
      return rank > a.shape.length ? withValues(newArray([...new Array<number>(rank - a.shape.length).fill(1), ...a.shape], a.dtype), knownValues(a)) : a
    }),
    asarray: asarray('asarray'),
    asanyarray: asarray('asanyarray'),
    ascontiguousarray: asarray('ascontiguousarray'),
    zeros: sized('zeros', 0),
    ones: sized('ones', 1),
    empty: sized('empty', undefined),
    full,
    zeros_like: like('zeros_like', 'zeros'),
    ones_like: like('ones_like', 'ones'),
    empty_like: like('empty_like', 'empty'),
    full_like: like('full_like', 'full'),
    arange,
    linspace,
    logspace,
    eye,
    identity: native('numpy.identity', (args, span, it) => {
      const p = bind('numpy.identity', args, ['n', 'dtype', 'like'], span)
      return (eye as CallableValue).invoke([{ value: p['n'] ?? raise('TypeError', 'missing-argument', "identity() missing required argument 'n' (pos 1)", span), span, valueSpan: span }, { name: 'dtype', value: p['dtype'] ?? NONE, span, valueSpan: span }], span, it)
    }),
    meshgrid,
    // Shapes and joining
    reshape: native('numpy.reshape', (args, span, it) => {
      const p = bind('numpy.reshape', args, ['a', 'shape', 'order', 'newshape', 'copy'], span)
      const a = arrayArg(it!, p['a'], 'reshape', span)
      const shape = p['shape'] ?? p['newshape'] ?? raise('TypeError', 'missing-argument', "reshape() missing 1 required positional argument: 'shape'", span)
      const order = given(p['order'])
      return arrayMethods['reshape']!(it!, a, [{ value: shape, span, valueSpan: span }, ...(order ? [{ name: 'order', value: order, span, valueSpan: span }] : [])], span)
    }),
    ravel: methodFunction('ravel'),
    transpose: native('numpy.transpose', (args, span, it) => {
      const p = bind('numpy.transpose', args, ['a', 'axes'], span)
      const axes = given(p['axes'])
      return transposeArray(arrayArg(it!, p['a'], 'transpose', span), axes === undefined ? undefined : [axes], span)
    }),
    swapaxes: methodFunction('swapaxes'),
    moveaxis,
    squeeze: native('numpy.squeeze', (args, span, it) => {
      const p = bind('numpy.squeeze', args, ['a', 'axis'], span)
      return squeezeArray(arrayArg(it!, p['a'], 'squeeze', span), p['axis'], span)
    }),
    expand_dims: native('numpy.expand_dims', (args, span, it) => {
      const p = bind('numpy.expand_dims', args, ['a', 'axis'], span)
      return expandDims(arrayArg(it!, p['a'], 'expand_dims', span), p['axis'] ?? raise('TypeError', 'missing-argument', "expand_dims() missing 1 required positional argument: 'axis'", span), span)
    }),
    stack: native('numpy.stack', (args, span, it) => {
      const p = bind('numpy.stack', args, ['arrays', 'axis', 'out', 'dtype', 'casting'], span)
      return stack(arraysArg(it!, p['arrays'], 'stack', span), p['axis'], p['dtype'], span)
    }),
    concatenate: native('numpy.concatenate', (args, span, it) => {
      const p = bind('numpy.concatenate', args, ['arrays', 'axis', 'out', 'dtype', 'casting'], span)
      return concatenate(arraysArg(it!, p['arrays'], 'concatenate', span), p['axis'], p['dtype'], span)
    }),
    vstack: joinFunction('vstack', (arrays, span) => concatenate(arrays.map((a) => atLeast(a, 2)), int(0), undefined, span)),
    hstack: joinFunction('hstack', (arrays, span) => {
      const shaped = arrays.map((a) => atLeast(a, 1))
      return concatenate(shaped, int(shaped[0]?.shape.length === 1 ? 0 : 1), undefined, span)
    }),
    dstack: joinFunction('dstack', (arrays, span) => concatenate(arrays.map((a) => atLeast(a, 3)), int(2), undefined, span)),
    column_stack: joinFunction('column_stack', (arrays, span) => concatenate(arrays.map((a) => (a.shape.length < 2 ? withValues(newArray([a.shape[0] ?? 1, 1], a.dtype), knownValues(a)) : a)), int(1), undefined, span)),
    atleast_1d: atLeastFunction(1),
    atleast_2d: atLeastFunction(2),
    atleast_3d: atLeastFunction(3),
    tile,
    repeat: methodFunction('repeat'),
    broadcast_to: broadcastTo,
    flip: native('numpy.flip', (args, span, it) => {
      const p = bind('numpy.flip', args, ['m', 'axis'], span)
      const a = arrayArg(it!, p['m'], 'flip', span)
      axesOf(p['axis'], a.shape.length, span)
      return newArray([...a.shape], a.dtype)
    }),
    roll: native('numpy.roll', (args, span, it) => {
      const p = bind('numpy.roll', args, ['a', 'shift', 'axis'], span)
      const a = arrayArg(it!, p['a'], 'roll', span)
      axesOf(p['axis'], a.shape.length, span)
      return newArray([...a.shape], a.dtype)
    }),
    sort: native('numpy.sort', (args, span, it) => {
      const p = bind('numpy.sort', args, ['a', 'axis', 'kind', 'order', 'stable'], span)
      const a = arrayArg(it!, p['a'], 'sort', span)
      if (p['axis']?.kind === 'none') return newArray([a.shape.reduce((q, d) => q * d, 1)], a.dtype)
      axisOf(p['axis'] ?? int(-1), a.shape.length, span)
      return newArray([...a.shape], a.dtype)
    }),
    argsort: methodFunction('argsort'),
    copy: methodFunction('copy'),
    ndim: native('numpy.ndim', (args, span, it) => int(arrayArg(it!, first(args, 'ndim', span), 'ndim', span).shape.length)),
    shape: native('numpy.shape', (args, span, it) => tuple(arrayArg(it!, first(args, 'shape', span), 'shape', span).shape.map((d) => int(d)))),
    size: native('numpy.size', (args, span, it) => int(arrayArg(it!, first(args, 'size', span), 'size', span).shape.reduce((q, d) => q * d, 1))),
    // Products
    einsum,
    outer,
    dot: native('numpy.dot', (args, span, it) => {
      const p = bind('numpy.dot', args, ['a', 'b', 'out'], span)
      return dot(it!, p['a'] ?? NONE, p['b'] ?? NONE, span)
    }),
    matmul: native('numpy.matmul', (args, span, it) => {
      const p = bind('numpy.matmul', args, ['x1', 'x2', 'out', 'dtype'], span)
      const left = p['x1'] ?? raise('TypeError', 'missing-argument', '`numpy.matmul` needs two arrays.', span)
      return ndarrayBinary(it!, 'MatMult', isNdarray(left) ? left : toArray(it!, left, span), p['x2'] ?? NONE, span)
    }),
    where,
    clip: native('numpy.clip', (args, span, it) => {
      const p = bind('numpy.clip', args, ['a', 'a_min', 'a_max', 'out', 'min', 'max'], span)
      return clip(it!, p['a'] ?? NONE, p['a_min'] ?? p['min'], p['a_max'] ?? p['max'], span)
    }),
    round,
    around: round,
    // Reductions
    sum: methodFunction('sum'),
    prod: methodFunction('prod'),
    mean: methodFunction('mean'),
    std: methodFunction('std'),
    var: methodFunction('var'),
    max: methodFunction('max'),
    amax: methodFunction('amax', 'max'),
    min: methodFunction('min'),
    amin: methodFunction('amin', 'min'),
    argmax: methodFunction('argmax'),
    argmin: methodFunction('argmin'),
    all: methodFunction('all'),
    any: methodFunction('any'),
    cumsum: methodFunction('cumsum'),
    cumprod: methodFunction('cumprod'),
    // Element-wise functions of two
    add: binaryUfunc('add', 'Add', undefined),
    subtract: binaryUfunc('subtract', 'Sub', undefined),
    multiply: binaryUfunc('multiply', 'Mult', undefined),
    divide: binaryUfunc('divide', 'Div', undefined),
    true_divide: binaryUfunc('true_divide', 'Div', undefined),
    floor_divide: binaryUfunc('floor_divide', 'FloorDiv', { ints: (a, b) => (b === 0n ? 0n : a / b - (a % b !== 0n && a < 0n !== b < 0n ? 1n : 0n)), floats: floorDivide }),
    remainder: binaryUfunc('remainder', 'Mod', { ints: (a, b) => (b === 0n ? 0n : ((a % b) + b) % b), floats: remainder }),
    mod: binaryUfunc('mod', 'Mod', { ints: (a, b) => (b === 0n ? 0n : ((a % b) + b) % b), floats: remainder }),
    power: binaryUfunc('power', 'Pow', { ints: intPower, floats: (a, b) => a ** b }),
    maximum: binaryUfunc('maximum', undefined, { ints: (a, b) => (a > b ? a : b), floats: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b)) }),
    minimum: binaryUfunc('minimum', undefined, { ints: (a, b) => (a < b ? a : b), floats: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b)) }),
    fmax: binaryUfunc('fmax', undefined, undefined),
    fmin: binaryUfunc('fmin', undefined, undefined),
    arctan2: binaryUfunc('arctan2', undefined, { floats: Math.atan2 }, 'float'),
    hypot: binaryUfunc('hypot', undefined, { floats: Math.hypot }, 'float'),
    logaddexp: binaryUfunc('logaddexp', undefined, undefined, 'float'),
    bitwise_and: binaryUfunc('bitwise_and', 'BitAnd', undefined),
    bitwise_or: binaryUfunc('bitwise_or', 'BitOr', undefined),
    bitwise_xor: binaryUfunc('bitwise_xor', 'BitXor', undefined),
    logical_and: binaryUfunc('logical_and', undefined, undefined, 'bool'),
    logical_or: binaryUfunc('logical_or', undefined, undefined, 'bool'),
    logical_xor: binaryUfunc('logical_xor', undefined, undefined, 'bool'),
    greater: binaryUfunc('greater', undefined, undefined, 'bool'),
    greater_equal: binaryUfunc('greater_equal', undefined, undefined, 'bool'),
    less: binaryUfunc('less', undefined, undefined, 'bool'),
    less_equal: binaryUfunc('less_equal', undefined, undefined, 'bool'),
    equal: binaryUfunc('equal', undefined, undefined, 'bool'),
    not_equal: binaryUfunc('not_equal', undefined, undefined, 'bool'),
    // Types
    dtype: native('numpy.dtype', (args, span) => scalarType(numpyDTypeOf(first(args, 'dtype', span), span))),
    finfo,
    iinfo,
    random: namespace('numpy.random', randomMembers()),
  }
  for (const [name, rule, fn, exact] of unaryUfuncs) members[name] = unaryUfunc(name, rule, fn, exact)
  for (const [name, d] of Object.entries(scalarTypeNames)) members[name] = scalarType(d)
  return namespace('numpy', members)
}
