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
import { broadcastShapes, newTensor, promoteTypes, tensorBinary, tensorOp, wrapDimension } from '../tensor.js'
import { int, namespace, native, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, TensorValue, Value } from '../../contract/values.js'

/**
 * `torch.linalg`: the vector and Frobenius norms (`vector_norm`, `norm`, `matrix_norm` with `ord='fro'`), `vecdot`,
 * `cross`, `matmul` and `diagonal`, as shapes and dtypes while the model is built and, in a traced `forward`, as the
 * kernels PyTorch 2.13 runs: every norm is `linalg_vector_norm`, whose `LinalgVectorNormBackward0` keeps the input and
 * the result (no FLOPs, no MACs, as `Tensor.norm`); `vecdot` is `(x * y).sum(dim)`; `cross`, `matmul` and `diagonal`
 * are `torch.cross`, `torch.matmul` and `torch.diagonal` with their own defaults. The decompositions, inverses and
 * solvers (`lstsq`, `solve`, `inv`, `pinv`, `qr`, `svd`, `eigh`, `cholesky`, `det`, …) are below. The other functions
 * (`eig`, `matrix_exp`, the spectral and nuclear norms) are named so that a call says they are not modelled.
 */

/** The functions of `torch.linalg` nnsize does not model: a call is refused as not supported yet. */
const unmodelled = [
  'cond',
  'eig',
  'eigvals',
  'householder_product',
  'ldl_factor',
  'ldl_factor_ex',
  'ldl_solve',
  'lu',
  'lu_factor',
  'lu_factor_ex',
  'lu_solve',
  'matrix_exp',
  'matrix_power',
  'matrix_rank',
  'multi_dot',
  'solve_triangular',
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
  /** The function as a program names it (`torch.det`), when it is not `torch.linalg.<name>`. */
  display?: string
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
  if (out.has('out')) throw new NnsizeError('unsupported', `\`${signature.display ?? `torch.linalg.${fn.slice(7)}`}\` with \`out=\` is not supported yet.`, { span })
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

/** `torch.linalg`: the norms, `vecdot`, `cross`, `matmul`, `diagonal` and the decompositions; the other functions refuse a call. */
export function linalgNamespace(): NamespaceValue {
  const members: Record<string, Value> = {}
  for (const name of Object.keys(signatures)) members[name] = native(`torch.linalg.${name}`, (args, span, it) => member(name, args, span, it as Interpreter | undefined))
  for (const name of Object.keys(decompositions)) if (!name.startsWith('torch.')) members[name] = native(`torch.linalg.${name}`, (args, span, it) => decomposition(name, args, span, it as Interpreter | undefined))
  for (const name of unmodelled) {
    members[name] = native(`torch.linalg.${name}`, (_args, span) => {
      throw new NnsizeError('unsupported', `\`torch.linalg.${name}\` is not supported yet.`, { span })
    })
  }
  return namespace('torch.linalg', members)
}

/** `torch.linalg.<norm>(…)` and the decompositions in a traced `forward`: `linalg_vector_norm` of the input (see {@link vectorNormOf}), or what a decomposition keeps. */
export function forwardLinalg(t: TraceOps, name: string, args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  if (Object.hasOwn(decompositions, name)) return decompositionTraced(t, name, args, span)
  const norm = norms[name]
  if (!norm) return undefined
  const signature = signatures[name]!
  const values = bind(signature, args, span)
  const spec = norm(tensorParam(signature, values, signature.params[0]!, span), values, span)
  return wrapTensor(ops.vectorNorm(t.ctx, traceOf(t, spec.input), spec.dims, spec.keepdim, spec.dtype))
}

// ---------------------------------------------------------------------------------------------
// Decompositions, inverses and solvers (`lstsq`, `solve`, `inv`, `pinv`, `qr`, `svd`, `svdvals`, `eigh`, `eigvalsh`,
// `cholesky`, `det`, `slogdet`, and `torch.det`, `torch.inverse`, … that run them): the shapes and dtypes of their
// results with PyTorch 2.13's checks and messages, and in a traced forward what their backward node keeps (checked with
// saved-tensor hooks). No MACs or FLOPs are counted for them (FlopCounterMode has no formula for any).

/** One tensor a decomposition gives. */
interface Output {
  shape: number[]
  dtype: DType
  /** Whether autograd differentiates it (the info codes, ranks and residuals it does not). */
  differentiable: boolean
  /** The shape of the storage it is a view of, when larger (`lstsq`'s solution is the top of a `max(m, n) × k` buffer). */
  storage?: number[]
}

/** What autograd keeps: an input, an output, or a tensor of its own (the LU factors and pivots of `solve` and `det`). */
type Kept = { input: number } | { output: number } | { fresh: number[]; dtype: DType }

/** What a decomposition, inverse or solver gives and keeps. */
interface Decomposed {
  outputs: Output[]
  /** The fields of the named tuple it returns (`torch.return_types.linalg_qr`), or none for one tensor. */
  fields?: readonly string[]
  /** The tensors it differentiates. */
  inputs: TensorValue[]
  /** What its backward node keeps when one of `inputs` requires grad. */
  kept: Kept[]
  /** Outputs whose size depends on the values (`lstsq`'s residuals with `gelsd`): a placeholder that says so when used. */
  unknown?: ReadonlyMap<number, string>
}

/** A decomposition's checks and results from its bound arguments. */
type Decomposition = (values: Map<string, Value>, span: SourceSpan) => Decomposed

/** The batch dimensions of a stack of matrices. */
const batchOf = (x: TensorValue): number[] => x.shape.slice(0, -2)

/** `fn: The input tensor A must have at least 2 dimensions.` */
function matrices(fn: string, x: TensorValue, span: SourceSpan, name = 'A'): void {
  if (x.shape.length < 2) raise('RuntimeError', 'shape', `${fn}: The input tensor ${name} must have at least 2 dimensions.`, span)
}

/** `fn: A must be batches of square matrices, but they are m by n matrices` */
function square(fn: string, x: TensorValue, span: SourceSpan): void {
  if (x.shape.at(-1) !== x.shape.at(-2)) raise('RuntimeError', 'shape', `${fn}: A must be batches of square matrices, but they are ${x.shape.at(-2)} by ${x.shape.at(-1)} matrices`, span)
}

/** A CPU kernel that has no implementation for half precision (`"lu_cpu" not implemented for 'Half'`). */
function lowPrecision(kernel: string, x: TensorValue, span: SourceSpan): void {
  if (x.dtype === 'float16' || x.dtype === 'bfloat16' || x.dtype.startsWith('float8')) raise('NotImplementedError', 'type', `"${kernel}" not implemented for '${scalarTypeName(x.dtype)}'`, span)
}

/** A bool argument the parser takes only as a bool (`hermitian`, `upper`, `left`, `full_matrices`). */
function flag(fn: string, values: Map<string, Value>, name: string, fallback: boolean, span: SourceSpan): boolean {
  const v = values.get(name)
  if (v === undefined) return fallback
  if (v.kind === 'bool') return v.value
  return raise('TypeError', 'argument-type', `${fn}(): argument '${name}' must be bool, not ${typeName(v)}`, span)
}

/** A string argument (`mode`, `UPLO`, `driver`). */
function text(fn: string, values: Map<string, Value>, name: string, span: SourceSpan): string | undefined {
  const v = values.get(name)
  if (v === undefined) return undefined
  if (v.kind === 'str') return v.value
  return raise('TypeError', 'argument-type', `${fn}(): argument '${name}' must be str, not ${typeName(v)}`, span)
}

/** The shape of `x` with its last two dimensions swapped (`pinv`). */
const transposedShape = (shape: readonly number[]): number[] => [...shape.slice(0, -2), shape.at(-1)!, shape.at(-2)!]

/** LU factors (`A`'s shape) and int32 pivots, which `solve`, `det` and `slogdet` keep. */
function luKept(a: TensorValue): Kept[] {
  return [{ fresh: [...a.shape], dtype: a.dtype }, { fresh: [...a.shape.slice(0, -1)], dtype: 'int32' }]
}

/** `linalg.inv(A)` (`torch.inverse`) and `inv_ex`: the inverse, kept; `inv_ex` adds int32 info codes. */
function invOf(ex: boolean, param: string): Decomposition {
  return (values, span) => {
    const a = values.get(param) as TensorValue
    matrices('linalg.inv', a, span)
    square('linalg.inv', a, span)
    floatingOrComplex('linalg.inv', a, span)
    if (a.dtype === 'float16' || a.dtype === 'bfloat16') raise('RuntimeError', 'type', `linalg.inv: Low precision dtypes not supported. Got ${scalarTypeName(a.dtype)}`, span)
    const outputs: Output[] = [{ shape: [...a.shape], dtype: a.dtype, differentiable: true }]
    if (ex) outputs.push({ shape: batchOf(a), dtype: 'int32', differentiable: false })
    return { outputs, ...(ex ? { fields: ['inverse', 'info'] } : {}), inputs: [a], kept: [{ output: 0 }] }
  }
}

/** `linalg.det(A)` (`torch.det`): one value per matrix; it keeps `A`, its LU factors and pivots, and the result. */
function detOf(param: string): Decomposition {
  return (values, span) => {
    const a = values.get(param) as TensorValue
    matrices('linalg.det', a, span)
    square('linalg.det', a, span)
    floatingOrComplex('linalg.det', a, span)
    lowPrecision('lu_cpu', a, span)
    return { outputs: [{ shape: batchOf(a), dtype: a.dtype, differentiable: true }], inputs: [a], kept: [{ input: 0 }, ...luKept(a), { output: 0 }] }
  }
}

/**
 * `linalg.slogdet(A)` (`torch.slogdet`): the sign (of `A`'s dtype) and the log of the absolute value (real), one per
 * matrix; it keeps `A`, its LU factors and pivots, and the sign. `torch.logdet` runs it, then `where(sign < 0, nan,
 * logabsdet)`, which keeps its bool condition.
 */
function slogdetOf(kind: 'slogdet' | 'logdet', param: string): Decomposition {
  return (values, span) => {
    const a = values.get(param) as TensorValue
    const fn = kind === 'logdet' ? 'logdet' : 'linalg.slogdet'
    matrices(fn, a, span)
    square(fn, a, span)
    floatingOrComplex(fn, a, span)
    lowPrecision('lu_cpu', a, span)
    const batch = batchOf(a)
    if (kind === 'logdet') return { outputs: [{ shape: batch, dtype: a.dtype, differentiable: true }], inputs: [a], kept: [{ input: 0 }, ...luKept(a), { fresh: batch, dtype: a.dtype }, { fresh: batch, dtype: 'bool' }] }
    return { outputs: [{ shape: batch, dtype: a.dtype, differentiable: true }, { shape: [...batch], dtype: realOf(a.dtype), differentiable: true }], fields: ['sign', 'logabsdet'], inputs: [a], kept: [{ input: 0 }, ...luKept(a), { output: 0 }] }
  }
}

/**
 * `linalg.solve(A, B, *, left=True)` and `solve_ex`: `X` of `AX = B` (or `XA = B`), `B` a vector when it is 1-D or `A`'s
 * shape without its last dimension; batches broadcast. It keeps `A`, its LU factors and pivots, and `X`.
 */
function solveOf(ex: boolean): Decomposition {
  return (values, span) => {
    const a = values.get('A') as TensorValue
    const b = values.get('B') as TensorValue
    const left = flag(ex ? 'linalg_solve_ex' : 'linalg_solve', values, 'left', true, span)
    matrices('linalg.solve', a, span)
    floatingOrComplex('linalg.solve', a, span)
    if (a.dtype !== b.dtype) raise('RuntimeError', 'type', `linalg.solve: Expected A and B to have the same dtype, but found A of type ${scalarTypeName(a.dtype)} and B of type ${scalarTypeName(b.dtype)} instead`, span)
    square('linalg.solve', a, span)
    const vector = b.shape.length === 1 || (b.shape.length === a.shape.length - 1 && b.shape.every((d, i) => d === a.shape[i]))
    const b2 = vector ? [...b.shape, 1] : b.shape
    if (b2.length < 2) raise('RuntimeError', 'shape', 'linalg.solve: The input tensor B must have at least 2 dimensions.', span)
    const n = a.shape.at(-1)!
    if ((left ? b2.at(-2) : b2.at(-1)) !== n) raise('RuntimeError', 'shape', `linalg.solve: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${n}x${n} and ${b2.at(-2)}x${b2.at(-1)})`, span)
    const batch = broadcastShapes([b2.slice(0, -2), a.shape.slice(0, -2)], span)
    lowPrecision('lu_cpu', a, span)
    const shape = vector ? [...batch, n] : [...batch, ...b2.slice(-2)]
    const outputs: Output[] = [{ shape, dtype: a.dtype, differentiable: true }]
    if (ex) outputs.push({ shape: batchOf(a), dtype: 'int32', differentiable: false })
    return { outputs, ...(ex ? { fields: ['result', 'info'] } : {}), inputs: [a, b], kept: [{ input: 0 }, ...luKept(a), { output: 0 }] }
  }
}

/** The drivers `torch.linalg.lstsq` takes; the CPU's default is `gelsy`. */
const lstsqDrivers: readonly string[] = ['gels', 'gelsy', 'gelsd', 'gelss']

/**
 * `linalg.lstsq(A, B, rcond=None, *, driver=None)`: `torch.return_types.linalg_lstsq` of the solution (`A`'s columns by
 * `B`'s, the top of a buffer of `max(m, n)` rows), the squared residuals (for `m > n` and a driver other than `gelsy`;
 * `gelsd` and `gelss` only when every matrix has full rank, which depends on the values), the int64 ranks (not with
 * `gels`) and the singular values (`gelsd`, `gelss`). `B` is a batch of vectors when it has one dimension less than
 * `A`. It keeps `A`, `B` and the solution.
 */
function lstsqOf(values: Map<string, Value>, span: SourceSpan): Decomposed {
  const a = values.get('input') as TensorValue
  const b = values.get('b') as TensorValue
  const fn = 'torch.linalg.lstsq'
  const driver = text('linalg_lstsq', values, 'driver', span)
  const rcond = values.get('rcond')
  if (rcond !== undefined && rcond.kind !== 'int' && rcond.kind !== 'float' && rcond.kind !== 'bool') raise('TypeError', 'argument-type', `linalg_lstsq(): argument 'rcond' must be float, not ${typeName(rcond)}`, span)
  if (a.shape.length < 2) raise('RuntimeError', 'shape', `${fn}: input must have at least 2 dimensions.`, span)
  if (b.shape.length < 1) raise('RuntimeError', 'shape', `${fn}: other must have at least 1 dimension.`, span)
  if (a.dtype !== b.dtype) raise('RuntimeError', 'type', `${fn}: Expected input and other to have the same dtype, but got input's dtype ${scalarTypeName(a.dtype)} and other's dtype ${scalarTypeName(b.dtype)}`, span)
  const difference = a.shape.length - b.shape.length
  if (difference < 0 || difference > 1) raise('RuntimeError', 'shape', `${fn}: input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1`, span)
  const vector = difference === 1
  const b2 = vector ? [...b.shape, 1] : b.shape
  const batch = broadcastShapes([a.shape.slice(0, -2), b2.slice(0, -2)], span)
  const [m, n] = a.shape.slice(-2) as [number, number]
  if (b2.at(-2) !== m) raise('RuntimeError', 'shape', `${fn}: input.size(-2) should match other.size(-2)`, span)
  const chosen = driver ?? 'gelsy'
  if (!lstsqDrivers.includes(chosen)) raise('RuntimeError', 'argument-value', `${fn}: parameter \`driver\` should be one of (gels, gelsy, gelsd, gelss)`, span)
  if (a.dtype !== 'float32' && a.dtype !== 'float64' && !isComplex(a.dtype)) raise('RuntimeError', 'type', "This function doesn't handle types other than float and double", span)
  const k = b2.at(-1)!
  const real = realOf(a.dtype)
  const solution: Output = { shape: vector ? [...batch, n] : [...batch, n, k], dtype: a.dtype, differentiable: true, storage: vector ? [...batch, Math.max(m, n)] : [...batch, Math.max(m, n), k] }
  const residuals = m > n && chosen !== 'gelsy'
  const singular = chosen === 'gelsd' || chosen === 'gelss'
  const outputs: Output[] = [
    solution,
    { shape: residuals ? [...batch, k] : [0], dtype: real, differentiable: false },
    { shape: chosen === 'gels' ? [0] : [...batch], dtype: 'int64', differentiable: false },
    { shape: singular ? [...batch, Math.min(m, n)] : [0], dtype: real, differentiable: false },
  ]
  // With `gelsd` and `gelss` the residuals are computed only when every matrix has full rank: a size nnsize cannot know.
  const unknown = residuals && singular ? new Map([[1, `torch.linalg.lstsq(…, driver='${chosen}').residuals`]]) : undefined
  return { outputs, fields: ['solution', 'residuals', 'rank', 'singular_values'], inputs: [a, b], kept: [{ input: 1 }, { input: 0 }, { output: 0 }], ...(unknown ? { unknown } : {}) }
}

/** `linalg.pinv(A, *, atol=None, rtol=None, hermitian=False)` (or `rcond`) and `torch.pinverse`: `(…, n, m)`; it keeps `A` and the result. */
function pinvOf(fn: string, param: string): Decomposition {
  return (values, span) => {
    const a = values.get(param) as TensorValue
    const hermitian = flag(fn, values, 'hermitian', false, span)
    if (values.has('rcond') && (values.has('atol') || values.has('rtol'))) raise('TypeError', 'argument-type', `${fn}() takes \`rcond\` or \`atol\` and \`rtol\`, not both`, span)
    if (a.shape.length < 2 || !['float32', 'float64', 'complex64', 'complex128'].includes(a.dtype)) {
      raise('RuntimeError', 'type', `linalg.pinv(${scalarTypeName(a.dtype)}{[${a.shape.join(', ')}]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types`, span)
    }
    if (hermitian) square('linalg.eigh', a, span)
    return { outputs: [{ shape: transposedShape(a.shape), dtype: a.dtype, differentiable: true }], inputs: [a], kept: [{ input: 0 }, { output: 0 }] }
  }
}

/** `linalg.qr(A, mode='reduced')` (`torch.qr(A, some=True)`): `Q` and `R`, both kept. */
function qrOf(modeOf: (values: Map<string, Value>, span: SourceSpan) => string, param: string): Decomposition {
  return (values, span) => {
    const a = values.get(param) as TensorValue
    matrices('linalg.qr', a, span)
    floatingOrComplex('linalg.qr', a, span)
    const mode = modeOf(values, span)
    if (mode !== 'reduced' && mode !== 'r' && mode !== 'complete') raise('RuntimeError', 'argument-value', `qr received unrecognized mode '${mode}' but expected one of 'reduced' (default), 'r', or 'complete'`, span)
    lowPrecision('geqrf_cpu', a, span)
    const [m, n] = a.shape.slice(-2) as [number, number]
    const k = mode === 'complete' ? m : Math.min(m, n)
    const batch = batchOf(a)
    const q = mode === 'r' ? [0] : [...batch, m, k]
    return { outputs: [{ shape: q, dtype: a.dtype, differentiable: true }, { shape: [...batch, k, n], dtype: a.dtype, differentiable: true }], fields: ['Q', 'R'], inputs: [a], kept: [{ output: 0 }, { output: 1 }] }
  }
}

/**
 * `linalg.svd(A, full_matrices=True)`: `U`, `S` (real) and `Vh`, all kept; `svdvals` gives `S` and keeps it with the
 * reduced `U` and `Vh` it computes when `A` requires grad. `torch.svd(A, some=True)` gives `V` (a view of `Vh`'s
 * transpose); with `compute_uv=False`, full-size zeros for `U` and `V`, keeping `S` with the reduced `U` and `Vh` as `svdvals`.
 */
function svdOf(kind: 'svd' | 'svdvals' | 'torch.svd', param: string): Decomposition {
  return (values, span) => {
    const a = values.get(param) as TensorValue
    const fn = kind === 'torch.svd' ? 'svd' : `linalg_${kind}`
    if (values.get('driver') !== undefined) {
      text(fn, values, 'driver', span)
      raise('RuntimeError', 'argument-value', 'torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with cuSOLVER backend.', span)
    }
    const full = kind === 'svd' ? flag(fn, values, 'full_matrices', true, span) : kind === 'torch.svd' ? !flag(fn, values, 'some', true, span) : false
    const uv = kind === 'torch.svd' ? flag(fn, values, 'compute_uv', true, span) : true
    matrices('linalg.svd', a, span)
    floatingOrComplex('linalg.svd', a, span)
    lowPrecision('linalg_svd_cpu', a, span)
    const [m, n] = a.shape.slice(-2) as [number, number]
    const k = Math.min(m, n)
    const batch = batchOf(a)
    const s: Output = { shape: [...batch, k], dtype: realOf(a.dtype), differentiable: true }
    if (kind === 'svdvals') return { outputs: [s], inputs: [a], kept: [{ output: 0 }, { fresh: [...batch, m, k], dtype: a.dtype }, { fresh: [...batch, k, n], dtype: a.dtype }] }
    if (kind === 'torch.svd') {
      const wide = full || !uv
      const u: Output = { shape: [...batch, m, wide ? m : k], dtype: a.dtype, differentiable: uv }
      const v: Output = { shape: [...batch, n, wide ? n : k], dtype: a.dtype, differentiable: uv }
      // Without `compute_uv`, U and V are zeros, and the reduced U and Vh computed for the gradient are kept, as `svdvals`'.
      const kept: Kept[] = uv ? [{ output: 1 }, { output: 0 }, { output: 2 }] : [{ output: 1 }, { fresh: [...batch, m, k], dtype: a.dtype }, { fresh: [...batch, k, n], dtype: a.dtype }]
      return { outputs: [u, s, v], fields: ['U', 'S', 'V'], inputs: [a], kept }
    }
    const u: Output = { shape: [...batch, m, full ? m : k], dtype: a.dtype, differentiable: true }
    const vh: Output = { shape: [...batch, full ? n : k, n], dtype: a.dtype, differentiable: true }
    return { outputs: [u, s, vh], fields: ['U', 'S', 'Vh'], inputs: [a], kept: [{ output: 1 }, { output: 0 }, { output: 2 }] }
  }
}

/** `linalg.eigh(A, UPLO='L')`: real eigenvalues and the eigenvectors, both kept; `eigvalsh` keeps the eigenvectors it computes when `A` requires grad. */
function eighOf(kind: 'eigh' | 'eigvalsh'): Decomposition {
  return (values, span) => {
    const a = values.get('input') as TensorValue
    const uplo = text(`linalg_${kind}`, values, 'UPLO', span) ?? 'L'
    matrices('linalg.eigh', a, span)
    if (uplo.toUpperCase() !== 'L' && uplo.toUpperCase() !== 'U') raise('RuntimeError', 'argument-value', `Expected UPLO argument to be 'L' or 'U', but got ${uplo}`, span)
    square('linalg.eigh', a, span)
    if (!isFloatingDType(a.dtype) || a.dtype === 'float16' || a.dtype === 'bfloat16') raise('NotImplementedError', 'type', `"linalg_eigh_cpu" not implemented for '${scalarTypeName(a.dtype)}'`, span)
    const eigenvalues: Output = { shape: a.shape.slice(0, -1), dtype: realOf(a.dtype), differentiable: true }
    if (kind === 'eigvalsh') return { outputs: [eigenvalues], inputs: [a], kept: [{ output: 0 }, { fresh: [...a.shape], dtype: a.dtype }] }
    return { outputs: [eigenvalues, { shape: [...a.shape], dtype: a.dtype, differentiable: true }], fields: ['eigenvalues', 'eigenvectors'], inputs: [a], kept: [{ output: 0 }, { output: 1 }] }
  }
}

/** `linalg.cholesky(A, *, upper=False)` (`torch.cholesky`) and `cholesky_ex`: the factor, kept; `cholesky_ex` adds int32 info codes. */
function choleskyOf(ex: boolean, fn: string): Decomposition {
  return (values, span) => {
    const a = values.get('input') as TensorValue
    flag(fn, values, 'upper', false, span)
    matrices(fn === 'cholesky' ? 'cholesky' : 'linalg.cholesky', a, span)
    square('linalg.cholesky', a, span)
    floatingOrComplex('linalg.cholesky', a, span)
    lowPrecision('cholesky_cpu', a, span)
    const outputs: Output[] = [{ shape: [...a.shape], dtype: a.dtype, differentiable: true }]
    if (ex) outputs.push({ shape: batchOf(a), dtype: 'int32', differentiable: false })
    return { outputs, ...(ex ? { fields: ['L', 'info'] } : {}), inputs: [a], kept: [{ output: 0 }] }
  }
}

/** The mode `torch.qr(A, some=True)` asks `linalg.qr` for. */
const someMode = (values: Map<string, Value>, span: SourceSpan): string => (flag('qr', values, 'some', true, span) ? 'reduced' : 'complete')

/** The decompositions, by the name a traced forward's hook knows them by (`torch.det` for `torch`'s own). */
const decompositions: Record<string, { signature: Signature; run: Decomposition }> = {
  lstsq: { signature: { fn: 'linalg_lstsq', params: ['input', 'b', 'rcond', 'driver', 'out'], positional: 3, required: 2 }, run: lstsqOf },
  solve: { signature: { fn: 'linalg_solve', params: ['A', 'B', 'left', 'out'], positional: 2, required: 2 }, run: solveOf(false) },
  solve_ex: { signature: { fn: 'linalg_solve_ex', params: ['A', 'B', 'left', 'check_errors', 'out'], positional: 2, required: 2 }, run: solveOf(true) },
  inv: { signature: { fn: 'linalg_inv', params: ['A', 'out'], positional: 1, required: 1 }, run: invOf(false, 'A') },
  inv_ex: { signature: { fn: 'linalg_inv_ex', params: ['A', 'check_errors', 'out'], positional: 1, required: 1 }, run: invOf(true, 'A') },
  pinv: { signature: { fn: 'linalg_pinv', params: ['input', 'rcond', 'hermitian', 'atol', 'rtol', 'out'], positional: 3, required: 1 }, run: pinvOf('linalg_pinv', 'input') },
  qr: { signature: { fn: 'linalg_qr', params: ['A', 'mode', 'out'], positional: 2, required: 1 }, run: qrOf((values, span) => text('linalg_qr', values, 'mode', span) ?? 'reduced', 'A') },
  svd: { signature: { fn: 'linalg_svd', params: ['A', 'full_matrices', 'driver', 'out'], positional: 2, required: 1 }, run: svdOf('svd', 'A') },
  svdvals: { signature: { fn: 'linalg_svdvals', params: ['A', 'driver', 'out'], positional: 1, required: 1 }, run: svdOf('svdvals', 'A') },
  eigh: { signature: { fn: 'linalg_eigh', params: ['input', 'UPLO', 'out'], positional: 2, required: 1 }, run: eighOf('eigh') },
  eigvalsh: { signature: { fn: 'linalg_eigvalsh', params: ['input', 'UPLO', 'out'], positional: 2, required: 1 }, run: eighOf('eigvalsh') },
  cholesky: { signature: { fn: 'linalg_cholesky', params: ['input', 'upper', 'out'], positional: 1, required: 1 }, run: choleskyOf(false, 'linalg_cholesky') },
  cholesky_ex: { signature: { fn: 'linalg_cholesky_ex', params: ['input', 'upper', 'check_errors', 'out'], positional: 1, required: 1 }, run: choleskyOf(true, 'linalg_cholesky_ex') },
  det: { signature: { fn: 'linalg_det', params: ['A', 'out'], positional: 1, required: 1 }, run: detOf('A') },
  slogdet: { signature: { fn: 'linalg_slogdet', params: ['A', 'out'], positional: 1, required: 1 }, run: slogdetOf('slogdet', 'A') },
  'torch.det': { signature: { fn: 'det', params: ['input'], positional: 1, required: 1, display: 'torch.det' }, run: detOf('input') },
  'torch.slogdet': { signature: { fn: 'slogdet', params: ['input', 'out'], positional: 1, required: 1, display: 'torch.slogdet' }, run: slogdetOf('slogdet', 'input') },
  'torch.logdet': { signature: { fn: 'logdet', params: ['input'], positional: 1, required: 1, display: 'torch.logdet' }, run: slogdetOf('logdet', 'input') },
  'torch.inverse': { signature: { fn: 'inverse', params: ['input', 'out'], positional: 1, required: 1, display: 'torch.inverse' }, run: invOf(false, 'input') },
  'torch.pinverse': { signature: { fn: 'pinverse', params: ['input', 'rcond'], positional: 2, required: 1, display: 'torch.pinverse' }, run: pinvOf('pinverse', 'input') },
  'torch.svd': { signature: { fn: 'svd', params: ['input', 'some', 'compute_uv', 'out'], positional: 3, required: 1, display: 'torch.svd' }, run: svdOf('torch.svd', 'input') },
  'torch.qr': { signature: { fn: 'qr', params: ['input', 'some', 'out'], positional: 2, required: 1, display: 'torch.qr' }, run: qrOf(someMode, 'input') },
  'torch.cholesky': { signature: { fn: 'cholesky', params: ['input', 'upper', 'out'], positional: 2, required: 1, display: 'torch.cholesky' }, run: choleskyOf(false, 'cholesky') },
}

/** A decomposition's call: its arguments bound and checked (tensors where it takes tensors). */
function decompose(key: string, args: readonly ArgValue[], span: SourceSpan): Decomposed {
  const { signature, run } = decompositions[key]!
  const values = bind(signature, args, span)
  const tensors = key === 'lstsq' ? ['input', 'b'] : key.startsWith('solve') ? ['A', 'B'] : [signature.params[0]!]
  for (const name of tensors) values.set(name, tensorParam(signature, values, name, span))
  return run(values, span)
}

/** The result of a decomposition: one tensor, or a named tuple; outputs whose size depends on the values are placeholders. */
function decomposedValue(key: string, d: Decomposed, tensors: readonly Value[], span: SourceSpan): Value {
  const items = tensors.map((v, i) => {
    const unknown = d.unknown?.get(i)
    return unknown === undefined ? v : ({ kind: 'placeholder', name: unknown, reason: { type: 'attribute', owner: 'torch.linalg', attribute: key, suggestions: [], span } } satisfies Value)
  })
  return d.fields ? tuple(items, [...d.fields]) : items[0]!
}

/** A decomposition of `torch.linalg` or `torch`: shapes while the model is built; in a traced forward, what it keeps. */
function decomposition(key: string, args: readonly ArgValue[], span: SourceSpan, it: Interpreter | undefined): Value {
  const d = decompose(key, args, span)
  if (traced(it, d.inputs)) {
    const result = it.forwardOps!(`linalg.${key}`, d.inputs, args, span)
    if (result !== undefined) return result
    throw new NnsizeError('unsupported', `\`${decompositions[key]!.signature.display ?? `torch.linalg.${key}`}\` is not supported yet in forward.`, { span })
  }
  const grad = d.inputs.some((x) => x.requiresGrad)
  return decomposedValue(key, d, d.outputs.map((o) => newTensor(o.shape, o.dtype, grad && o.differentiable && isFloatingDType(o.dtype))), span)
}

/** A decomposition in a traced forward: its results, and what its backward node keeps when an input requires grad. */
function decompositionTraced(t: TraceOps, key: string, args: readonly ArgValue[], span: SourceSpan): Value {
  const d = decompose(key, args, span)
  const inputs = d.inputs.map((v) => traceOf(t, v))
  const outputs = d.outputs.map((o) => {
    if (!o.differentiable) return t.ctx.tensor(o.shape, o.dtype, false)
    const made = ops.result(t.ctx, o.storage ?? o.shape, o.dtype, inputs)
    return o.storage ? t.ctx.view(made, o.shape) : made
  })
  t.ctx.use(...inputs)
  if (ops.anyRequiresGrad(...inputs)) {
    for (const k of d.kept) t.ctx.save('input' in k ? inputs[k.input]! : 'output' in k ? outputs[k.output]! : t.ctx.tensor(k.fresh, k.dtype, false))
  }
  return decomposedValue(key, d, outputs.map((o) => wrapTensor(o)), span)
}

/** `torch.det`, `torch.slogdet`, `torch.logdet`, `torch.inverse`, `torch.pinverse`, `torch.svd`, `torch.qr` and `torch.cholesky`. */
export function torchDecomposition(name: string): Value {
  return native(`torch.${name}`, (args, span, it) => decomposition(`torch.${name}`, args, span, it as Interpreter | undefined))
}

/** `self.<name>(…)` (`A.det()`, `W.inverse()`, `x.svd()`): `torch.<name>(self, …)`. */
export function tensorDecomposition(name: string, self: TensorValue, args: readonly ArgValue[], span: SourceSpan, it: Interpreter | undefined): Value {
  return decomposition(`torch.${name}`, [argument(self, span), ...args], span, it)
}
