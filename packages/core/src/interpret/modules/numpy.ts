import type { SourceSpan } from '../../errors.js'
import { toFloat } from '../builtins.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { float, int, namespace, native, str, typeName } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, NumpyScalarType, Value } from '../../contract/values.js'

/** The one Python number a numpy function takes here; an array (a list, a tensor) is not modelled. */
function scalar(it: Interpreter, args: readonly ArgValue[], name: string, span: SourceSpan): number {
  const v = args[0]?.value
  if (!v) return raise('TypeError', 'missing-argument', `\`numpy.${name}\` needs an argument.`, span)
  if (v.kind !== 'int' && v.kind !== 'float' && v.kind !== 'bool') {
    return raise('TypeError', 'unsupported', `\`numpy.${name}\` of ${typeName(v)} makes an array, which nnsize does not model; only Python numbers are supported.`, span)
  }
  return toFloat(it, v, span)
}

/** A numpy ufunc on one Python number: a float64, with IEEE results where `math` would raise (`np.log(0)` is `-inf`). */
function ufunc(name: string, fn: (x: number) => number): Value {
  return native(`numpy.${name}`, (args, span, it) => ({ kind: 'float', value: fn(scalar(it!, args, name, span)), numpy: 'float64' }))
}

/** A Python number (or numpy scalar) as numpy reads it: an exact int64, or a float64. */
function numberOf(it: Interpreter, v: Value | undefined, name: string, span: SourceSpan): bigint | number {
  if (v?.kind === 'int') return BigInt.asIntN(64, v.value)
  if (v?.kind === 'bool') return v.value ? 1n : 0n
  if (v?.kind === 'float') return v.value
  if (!v) return raise('TypeError', 'missing-argument', `\`numpy.${name}\` needs two numbers.`, span)
  return raise('TypeError', 'unsupported', `\`numpy.${name}\` of ${typeName(v)} makes an array, which nnsize does not model; only Python numbers are supported.`, span)
}

/** A numpy ufunc of two Python numbers: an int64 of two ints (wrapping as numpy does), else a float64. */
function binaryUfunc(name: string, ints: (a: bigint, b: bigint, span: SourceSpan) => bigint, floats: (a: number, b: number) => number): Value {
  return native(`numpy.${name}`, (args, span, it) => {
    const a = numberOf(it!, args[0]?.value, name, span)
    const b = numberOf(it!, args[1]?.value, name, span)
    if (typeof a === 'bigint' && typeof b === 'bigint') return { kind: 'int', value: BigInt.asIntN(64, ints(a, b, span)), numpy: 'int64' }
    return { kind: 'float', value: floats(Number(a), Number(b)), numpy: 'float64' }
  })
}

/** `np.prod` and `np.sum` of a list or tuple of Python numbers: an int64 of ints, else a float64 (an empty one too). */
function reduction(name: string, start: bigint, ints: (a: bigint, b: bigint) => bigint, floats: (a: number, b: number) => number): Value {
  return native(`numpy.${name}`, (args, span, it) => {
    const v = args[0]?.value
    if (v?.kind !== 'list' && v?.kind !== 'tuple') return raise('TypeError', 'unsupported', `\`numpy.${name}\` is modelled for a list or tuple of Python numbers, got ${v ? typeName(v) : 'nothing'}.`, span)
    const numbers = v.items.map((x) => numberOf(it!, x, name, span))
    if (numbers.length > 0 && numbers.every((x) => typeof x === 'bigint')) return { kind: 'int', value: (numbers as bigint[]).reduce((a, b) => BigInt.asIntN(64, ints(a, b)), start), numpy: 'int64' }
    return { kind: 'float', value: numbers.reduce<number>((a, b) => floats(a, Number(b)), Number(start)), numpy: 'float64' }
  })
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

/** The numpy scalar type `astype` names: a string (`'int'`, `'float32'`), Python's `int` or `float`. */
function scalarTypeOf(target: Value | undefined, span: SourceSpan): NumpyScalarType {
  const name = target?.kind === 'str' ? target.value : target?.kind === 'class' && !target.cls.user ? target.cls.name : undefined
  switch (name) {
    case 'int':
    case 'int64':
    case 'long':
      return 'int64'
    case 'int32':
    case 'intc':
      return 'int32'
    case 'float':
    case 'float64':
    case 'double':
      return 'float64'
    case 'float32':
    case 'single':
      return 'float32'
    default:
      return raise('TypeError', 'argument-value', `\`astype\` of a numpy scalar is modelled for \`int\`, \`float\`, 'int64', 'int32', 'float64' and 'float32', got ${target ? typeName(target) : 'nothing'}.`, span)
  }
}

/** A number as a numpy scalar of `type`: floats to ints truncate towards zero, as numpy casts them. */
function asScalar(value: number | bigint, type: NumpyScalarType, span: SourceSpan): Value {
  if (type === 'float64' || type === 'float32') {
    const x = typeof value === 'bigint' ? Number(value) : value
    return { kind: 'float', value: type === 'float32' ? Math.fround(x) : x, numpy: type }
  }
  if (typeof value === 'number' && !Number.isFinite(value)) raise('ValueError', 'argument-value', `Cannot convert ${value} to a numpy ${type}: it is not finite.`, span)
  const whole = typeof value === 'bigint' ? value : BigInt(Math.trunc(value))
  return { kind: 'int', value: BigInt.asIntN(type === 'int32' ? 32 : 64, whole), numpy: type }
}

/** The methods of a numpy scalar (`np.ceil(x).astype('int').item()`): `item` and `tolist` give the Python number. */
export function numpyScalarMethod(self: Extract<Value, { kind: 'int' | 'float' }>, name: string): Value | undefined {
  switch (name) {
    case 'item':
    case 'tolist':
      return native(`numpy.${self.numpy}.${name}`, () => (self.kind === 'int' ? int(self.value) : float(self.value)))
    case 'astype':
      return native(`numpy.${self.numpy}.astype`, (args, span) => asScalar(self.value, scalarTypeOf(args.find((a) => a.name === undefined || a.name === 'dtype')?.value, span), span))
    case 'dtype':
      return str(self.numpy!)
    default:
      return undefined
  }
}

/**
 * `numpy` as model constructors use it: constants, element-wise functions of Python numbers
 * (`nn.Parameter(torch.ones([]) * np.log(1 / 0.07))`, `np.power(2, n)`) and `prod`/`sum` of a list of them. Their
 * results are numpy scalars (float64, or int64 of ints), with numpy's `item` and `astype`; PyTorch treats them as
 * Python numbers, and so does nnsize. Anything else from numpy (arrays, `np.zeros`) is a placeholder that
 * is an error only when construction uses it.
 */
export function numpyNamespace(): NamespaceValue {
  const members: Record<string, Value> = {
    pi: float(Math.PI),
    e: float(Math.E),
    inf: float(Infinity),
    nan: float(Number.NaN),
    sqrt: ufunc('sqrt', Math.sqrt),
    exp: ufunc('exp', Math.exp),
    expm1: ufunc('expm1', Math.expm1),
    log: ufunc('log', Math.log),
    log2: ufunc('log2', Math.log2),
    log10: ufunc('log10', Math.log10),
    log1p: ufunc('log1p', Math.log1p),
    sin: ufunc('sin', Math.sin),
    cos: ufunc('cos', Math.cos),
    tan: ufunc('tan', Math.tan),
    arcsin: ufunc('arcsin', Math.asin),
    arccos: ufunc('arccos', Math.acos),
    arctan: ufunc('arctan', Math.atan),
    sinh: ufunc('sinh', Math.sinh),
    cosh: ufunc('cosh', Math.cosh),
    tanh: ufunc('tanh', Math.tanh),
    floor: ufunc('floor', Math.floor),
    ceil: ufunc('ceil', Math.ceil),
    power: binaryUfunc('power', intPower, (a, b) => a ** b),
    maximum: binaryUfunc('maximum', (a, b) => (a > b ? a : b), (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b))),
    minimum: binaryUfunc('minimum', (a, b) => (a < b ? a : b), (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b))),
    prod: reduction('prod', 1n, (a, b) => a * b, (a, b) => a * b),
    sum: reduction('sum', 0n, (a, b) => a + b, (a, b) => a + b),
  }
  return namespace('numpy', members)
}
