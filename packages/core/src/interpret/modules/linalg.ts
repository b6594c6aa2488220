import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import * as ops from '../../forward/ops/index.js'
import { isFloatingDType, scalarTypeName } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { placeholderError } from '../objects.js'
import { traceOf, wrapTensor } from '../tensor-methods.js'
import type { TraceOps } from '../tensor-methods.js'
import { newTensor, promoteTypes, tensorBinary, tensorOp, wrapDimension } from '../tensor.js'
import { int, namespace, native, typeName } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, TensorValue, Value } from '../../contract/values.js'

/**
 * `torch.linalg`: the vector and Frobenius norms (`vector_norm`, `norm`, `matrix_norm` with `ord='fro'`), `vecdot`,
 * `cross`, `matmul` and `diagonal`, as shapes and dtypes while the model is built and, in a traced `forward`, as the
 * kernels PyTorch 2.13 runs: every norm is `linalg_vector_norm`, whose `LinalgVectorNormBackward0` keeps the input and
 * the result (no FLOPs, no MACs, as `Tensor.norm`); `vecdot` is `(x * y).sum(dim)`; `cross`, `matmul` and `diagonal`
 * are `torch.cross`, `torch.matmul` and `torch.diagonal` with their own defaults. The other functions (the
 * decompositions, solvers, inverses, the spectral and nuclear norms) are named so that a call says they are not modelled.
 */

/** The functions of `torch.linalg` nnsize does not model: a call is refused as not supported yet. */
const unmodelled = [
  'cholesky',
  'cholesky_ex',
  'cond',
  'det',
  'eig',
  'eigh',
  'eigvals',
  'eigvalsh',
  'householder_product',
  'inv',
  'inv_ex',
  'ldl_factor',
  'ldl_factor_ex',
  'ldl_solve',
  'lstsq',
  'lu',
  'lu_factor',
  'lu_factor_ex',
  'lu_solve',
  'matrix_exp',
  'matrix_power',
  'matrix_rank',
  'multi_dot',
  'pinv',
  'qr',
  'slogdet',
  'solve',
  'solve_ex',
  'solve_triangular',
  'svd',
  'svdvals',
  'tensorinv',
  'tensorsolve',
  'vander',
]

/** A function's parameters as PyTorch's argument parser reads them: the names, how many by position, aliases. */
interface Signature {
  /** The ATen name its messages give (`linalg_vector_norm`). */
  fn: string
  params: readonly string[]
  /** How many of `params`, from the first, may be given by position; the rest are keyword-only. */
  positional: number
  /** How many of `params`, from the first, are required. */
  required: number
  /** Other names of a parameter (`x` for `vector_norm`'s `input`). */
  aliases?: Readonly<Record<string, string>>
}

const signatures: Record<string, Signature> = {
  vector_norm: { fn: 'linalg_vector_norm', params: ['input', 'ord', 'dim', 'keepdim', 'dtype', 'out'], positional: 4, required: 1, aliases: { x: 'input' } },
  norm: { fn: 'linalg_norm', params: ['input', 'ord', 'dim', 'keepdim', 'dtype', 'out'], positional: 4, required: 1 },
  matrix_norm: { fn: 'linalg_matrix_norm', params: ['input', 'ord', 'dim', 'keepdim', 'dtype', 'out'], positional: 4, required: 1 },
  vecdot: { fn: 'linalg_vecdot', params: ['x', 'y', 'dim', 'out'], positional: 2, required: 2 },
  cross: { fn: 'linalg_cross', params: ['input', 'other', 'dim', 'out'], positional: 2, required: 2 },
  matmul: { fn: 'linalg_matmul', params: ['input', 'other', 'out'], positional: 2, required: 2 },
  diagonal: { fn: 'linalg_diagonal', params: ['A', 'offset', 'dim1', 'dim2'], positional: 1, required: 1 },
}

/** Binds a call's arguments to `signature`'s parameters, with the argument parser's errors; `None` reads as absent. */
function bind(signature: Signature, args: readonly ArgValue[], span: SourceSpan): Map<string, Value> {
  const { fn, params, positional } = signature
  const out = new Map<string, Value>()
  const given = args.filter((a) => a.name === undefined)
  if (given.length > positional) {
    const takes = positional === signature.required ? `${positional} positional argument${positional === 1 ? '' : 's'}` : `from ${signature.required} to ${positional} positional arguments`
    raise('TypeError', 'too-many-arguments', `${fn}() takes ${takes} but ${given.length} were given`, span)
  }
  given.forEach((a, i) => out.set(params[i]!, a.value))
  for (const a of args) {
    if (a.name === undefined) continue
    const name = signature.aliases?.[a.name] ?? a.name
    if (!params.includes(name)) raise('TypeError', 'unknown-argument', `${fn}() got an unexpected keyword argument '${a.name}'`, a.span)
    out.set(name, a.value)
  }
  for (const name of params.slice(0, signature.required)) {
    if (!out.has(name)) raise('TypeError', 'missing-argument', `${fn}() missing 1 required positional arguments: "${name}"`, span)
  }
  for (const [name, v] of out) if (v.kind === 'none') out.delete(name)
  if (out.has('out')) throw new NnsizeError('unsupported', `\`torch.linalg.${fn.slice(7)}\` with \`out=\` is not supported yet.`, { span })
  return out
}

function tensorParam(signature: Signature, values: Map<string, Value>, name: string, span: SourceSpan): TensorValue {
  const v = values.get(name)
  if (v?.kind === 'tensor') return v
  if (v?.kind === 'placeholder') throw placeholderError(v, span)
  return raise('TypeError', 'argument-type', `${signature.fn}(): argument '${name}' must be Tensor, not ${v ? typeName(v) : 'None'}`, span)
}

/** The norm a call computes: `linalg_vector_norm` of `input` over `dims` (wrapped), with `keepdim`, of `dtype`. */
interface VectorNorm {
  input: TensorValue
  dims: number[]
  keepdim: boolean
  dtype: DType
}

const isComplex = (d: DType): boolean => d.startsWith('complex')
const realOf = (d: DType): DType => (d === 'complex128' ? 'float64' : d === 'complex64' ? 'float32' : d)

/** Refuses an integer or bool tensor where `fn` needs a floating or complex one (`checkFloatingOrComplex`). */
function floatingOrComplex(fn: string, x: TensorValue, span: SourceSpan): void {
  if (!isFloatingDType(x.dtype)) raise('RuntimeError', 'type', `${fn}: Expected a floating point or complex tensor as input. Got ${scalarTypeName(x.dtype)}`, span)
}

/** The result dtype of a norm: `dtype=` when given (checked as `check_linalg_norm_dtype` does), else the input's, real. */
function normDType(fn: string, x: TensorValue, given: Value | undefined, span: SourceSpan): DType {
  if (given === undefined) return realOf(x.dtype)
  if (given.kind !== 'dtype') return raise('TypeError', 'argument-type', `\`dtype\` of \`torch.${fn}\` must be a torch.dtype, got ${typeName(given)}.`, span)
  const dtype = given.dtype
  if (!isFloatingDType(dtype)) raise('RuntimeError', 'type', `${fn}: dtype should be floating point or complex, but got ${scalarTypeName(dtype)}`, span)
  if (isComplex(dtype) !== isComplex(x.dtype)) {
    const kind = isComplex(x.dtype) ? 'complex' : 'real'
    raise('RuntimeError', 'type', `${fn}: dtype should be ${kind} for ${kind} inputs, but got ${scalarTypeName(dtype)}`, span)
  }
  if (promoteTypes(x.dtype, dtype) !== dtype) raise('RuntimeError', 'type', `${fn}: the dtype of the input (${scalarTypeName(x.dtype)}) should be convertible without narrowing to the specified dtype (${scalarTypeName(dtype)})`, span)
  return realOf(dtype)
}

/** `dim` as a list of ints (an int is one), or undefined when absent. */
function dimList(fn: string, v: Value | undefined, span: SourceSpan): Value[] | undefined {
  if (v === undefined) return undefined
  const items = v.kind === 'tuple' || v.kind === 'list' ? v.items : [v]
  for (const d of items) if (d.kind !== 'int') raise('TypeError', 'argument-type', `${fn}(): argument 'dim' must be tuple of ints, not ${typeName(v)}`, span)
  return items
}

/** Wraps `dims` against `rank`, each once (`dim 1 appears multiple times in the list of dims`). */
function wrappedDims(dims: readonly Value[], rank: number, span: SourceSpan): number[] {
  const out = dims.map((d) => wrapDimension(d, rank, span))
  out.forEach((d, i) => {
    if (out.indexOf(d) !== i) raise('RuntimeError', 'argument-value', `dim ${d} appears multiple times in the list of dims`, span)
  })
  return out
}

function isNumber(v: Value): boolean {
  return v.kind === 'int' || v.kind === 'float' || v.kind === 'bool'
}

/** A number as Python and c10 print it (`inf`, `-inf`, `nan`, `2`, `2.5`). */
function pythonNumber(n: number): string {
  return n === Infinity ? 'inf' : n === -Infinity ? '-inf' : Number.isNaN(n) ? 'nan' : String(n)
}

function numberOf(v: Value): number {
  return v.kind === 'int' ? Number(v.value) : v.kind === 'float' ? v.value : v.kind === 'bool' ? Number(v.value) : Number.NaN
}

/** `torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None)`: every dimension when `dim` is absent or empty. */
function vectorNormOf(x: TensorValue, values: Map<string, Value>, span: SourceSpan): VectorNorm {
  const ord = values.get('ord')
  if (ord !== undefined && !isNumber(ord)) raise('TypeError', 'argument-type', `linalg_vector_norm(): argument 'ord' must be Number, not ${typeName(ord)}`, span)
  floatingOrComplex('linalg.vector_norm', x, span)
  const dtype = normDType('linalg.vector_norm', x, values.get('dtype'), span)
  const given = dimList('linalg_vector_norm', values.get('dim'), span)
  const dims = given === undefined || given.length === 0 ? [...Array(x.shape.length).keys()] : wrappedDims(given, x.shape.length, span)
  return { input: x, dims, keepdim: keepdimOf(values), dtype }
}

function keepdimOf(values: Map<string, Value>): boolean {
  const v = values.get('keepdim')
  return v !== undefined && v.kind === 'bool' ? v.value : v !== undefined && numberOf(v) !== 0
}

/**
 * `torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False, *, dtype=None)` with PyTorch's checks in its
 * order; `'fro'` is the vector 2-norm over the two dimensions. The nuclear, spectral and max-sum norms (`'nuc'`, ±2, ±1,
 * ±inf) are refused as not supported yet.
 */
function matrixNormOf(x: TensorValue, values: Map<string, Value>, span: SourceSpan, dimDefault: readonly number[] = [-2, -1]): VectorNorm {
  const ord = values.get('ord')
  let supported = true
  if (ord === undefined || ord.kind === 'str') {
    const name = ord?.kind === 'str' ? ord.value : 'fro'
    if (name !== 'fro' && name !== 'nuc') raise('RuntimeError', 'argument-value', `linalg.matrix_norm: Order ${name} not supported.`, span)
    supported = name === 'fro'
  } else {
    if (!isNumber(ord)) raise('TypeError', 'argument-type', `linalg_matrix_norm(): argument 'ord' must be str, not ${typeName(ord)}`, span)
    const magnitude = Math.abs(numberOf(ord))
    if (magnitude !== 1 && magnitude !== 2 && magnitude !== Infinity) raise('RuntimeError', 'argument-value', `linalg.matrix_norm: Order ${pythonNumber(numberOf(ord))} not supported.`, span)
    supported = false
  }
  if (x.shape.length < 2) raise('RuntimeError', 'shape', 'linalg.matrix_norm: The input tensor A must have at least 2 dimensions.', span)
  floatingOrComplex('linalg.matrix_norm', x, span)
  const given = dimList('linalg_matrix_norm', values.get('dim'), span) ?? dimDefault.map((d) => int(d))
  if (given.length !== 2) raise('RuntimeError', 'shape', `linalg.matrix_norm: dim must be a 2-tuple. Got ${given.map(numberOf).join(' ')}`, span)
  const dims = given.map((d) => wrapDimension(d, x.shape.length, span))
  if (dims[0] === dims[1]) raise('RuntimeError', 'argument-value', `linalg.matrix_norm: dims must be different. Got (${dims[0]}, ${dims[1]})`, span)
  const dtype = normDType('linalg.matrix_norm', x, values.get('dtype'), span)
  if (!supported) {
    const shown = ord?.kind === 'str' ? `'${ord.value}'` : pythonNumber(numberOf(ord!))
    throw new NnsizeError('unsupported', `\`torch.linalg.matrix_norm\` with \`ord=${shown}\` is not supported yet (only the Frobenius norm, \`ord='fro'\`, is).`, { span })
  }
  return { input: x, dims, keepdim: keepdimOf(values), dtype }
}

/**
 * `torch.linalg.norm(A, ord=None, dim=None, keepdim=False, *, dtype=None)` as PyTorch decides: a string `ord`, or a
 * number `ord` with two dimensions (`dim` of length 2, or a 2-D input without `dim`), is a matrix norm; anything else is
 * a vector norm (of every element when neither `ord` nor `dim` is given).
 */
function normOf(x: TensorValue, values: Map<string, Value>, span: SourceSpan): VectorNorm {
  const ord = values.get('ord')
  const dims = dimList('linalg_norm', values.get('dim'), span)
  if (dims !== undefined && dims.length !== 1 && dims.length !== 2) raise('RuntimeError', 'shape', `linalg.norm: If dim is specified, it must be of length 1 or 2. Got [${dims.map(numberOf).join(', ')}]`, span)
  if (dims === undefined && ord !== undefined && x.shape.length !== 1 && x.shape.length !== 2) raise('RuntimeError', 'shape', `linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${x.shape.length}D.`, span)
  if (ord !== undefined && (ord.kind === 'str' || (dims !== undefined ? dims.length === 2 : x.shape.length === 2))) return matrixNormOf(x, values, span, [0, 1])
  return vectorNormOf(x, values, span)
}

const norms: Record<string, (x: TensorValue, values: Map<string, Value>, span: SourceSpan) => VectorNorm> = { vector_norm: vectorNormOf, norm: normOf, matrix_norm: matrixNormOf }

/** Whether a call on `tensors` runs in a traced forward (a traced tensor, or a parameter or buffer read there). */
function traced(it: Interpreter | undefined, tensors: readonly TensorValue[]): it is Interpreter {
  return it?.forwardOps !== undefined && tensors.some((v) => v.trace !== undefined || v.def !== undefined)
}

function argument(value: Value, span: SourceSpan, name?: string): ArgValue {
  return name === undefined ? { value, span, valueSpan: span } : { name, value, span, valueSpan: span }
}

/** One of `torch.linalg`'s modelled functions. */
function member(name: string, args: readonly ArgValue[], span: SourceSpan, it: Interpreter | undefined): Value {
  const signature = signatures[name]!
  const values = bind(signature, args, span)
  const first = tensorParam(signature, values, signature.params[0]!, span)
  const norm = norms[name]
  if (norm) {
    const spec = norm(first, values, span)
    if (traced(it, [first])) {
      const result = it.forwardOps!(`linalg.${name}`, [first], args, span)
      if (result !== undefined) return result
      throw new NnsizeError('unsupported', `\`torch.linalg.${name}\` is not supported yet in forward.`, { span })
    }
    const reduced = new Set(spec.dims)
    const shape = spec.keepdim ? first.shape.map((d, i) => (reduced.has(i) ? 1 : d)) : first.shape.filter((_, i) => !reduced.has(i))
    return newTensor(shape, spec.dtype, first.requiresGrad)
  }
  const interpreter = it as Interpreter
  switch (name) {
    case 'vecdot': {
      // `(x * y).sum(dim)` of two floating tensors of one dtype, as ATen runs it for real tensors.
      const y = tensorParam(signature, values, 'y', span)
      floatingOrComplex('linalg.vecdot', first, span)
      if (first.dtype !== y.dtype) raise('RuntimeError', 'type', `linalg.vecdot: Expected x and y to have the same dtype, but found x of type ${scalarTypeName(first.dtype)} and y of type ${scalarTypeName(y.dtype)} instead`, span)
      if (isComplex(first.dtype)) throw new NnsizeError('unsupported', '`torch.linalg.vecdot` of complex tensors is not supported yet.', { span })
      const product = tensorBinary(interpreter, 'Mult', first, y, span) as TensorValue
      return tensorOp(interpreter, 'sum', product, [argument(values.get('dim') ?? int(-1), span)], span)!
    }
    case 'cross':
      return tensorOp(interpreter, 'cross', first, [argument(tensorParam(signature, values, 'other', span), span), argument(values.get('dim') ?? int(-1), span, 'dim')], span)!
    case 'matmul':
      return tensorBinary(interpreter, 'MatMult', first, tensorParam(signature, values, 'other', span), span)
    case 'diagonal':
      return tensorOp(interpreter, 'diagonal', first, [argument(values.get('offset') ?? int(0), span, 'offset'), argument(values.get('dim1') ?? int(-2), span, 'dim1'), argument(values.get('dim2') ?? int(-1), span, 'dim2')], span)!
    default:
      throw new NnsizeError('unsupported', `\`torch.linalg.${name}\` is not supported yet.`, { span })
  }
}

/** `torch.linalg`: the norms, `vecdot`, `cross`, `matmul` and `diagonal`; the other functions refuse a call. */
export function linalgNamespace(): NamespaceValue {
  const members: Record<string, Value> = {}
  for (const name of Object.keys(signatures)) members[name] = native(`torch.linalg.${name}`, (args, span, it) => member(name, args, span, it as Interpreter | undefined))
  for (const name of unmodelled) {
    members[name] = native(`torch.linalg.${name}`, (_args, span) => {
      throw new NnsizeError('unsupported', `\`torch.linalg.${name}\` is not supported yet.`, { span })
    })
  }
  return namespace('torch.linalg', members)
}

/** `torch.linalg.<norm>(…)` in a traced `forward`: `linalg_vector_norm` of the input (see {@link vectorNormOf}). */
export function forwardLinalg(t: TraceOps, name: string, args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  const norm = norms[name]
  if (!norm) return undefined
  const signature = signatures[name]!
  const values = bind(signature, args, span)
  const spec = norm(tensorParam(signature, values, signature.params[0]!, span), values, span)
  return wrapTensor(ops.vectorNorm(t.ctx, traceOf(t, spec.input), spec.dims, spec.keepdim, spec.dtype))
}
