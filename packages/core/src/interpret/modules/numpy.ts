import type { SourceSpan } from '../../errors.js'
import { toFloat } from '../builtins.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { float, namespace, native, typeName } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, Value } from '../../contract/values.js'

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
  return native(`numpy.${name}`, (args, span, it) => float(fn(scalar(it!, args, name, span))))
}

/**
 * `numpy` as model constructors use it: constants and element-wise functions of Python numbers
 * (`nn.Parameter(torch.ones([]) * np.log(1 / 0.07))`). Their results are numpy float64 scalars, which PyTorch
 * treats as Python floats, and so does nnsize. Anything else from numpy (arrays, `np.zeros`) is a placeholder that
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
  }
  return namespace('numpy', members)
}
