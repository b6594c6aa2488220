import type { SourceSpan } from '../errors.js'
import { NnsizeError } from '../errors.js'
import * as ops from '../forward/ops/index.js'
import type { Operand } from '../forward/ops/index.js'
import type { ForwardContext, Storage, Tensor } from '../forward/trace.js'
import type { TensorDef } from '../model/module.js'
import type { CmpOperator, Operator, UnaryOperator } from '../python/ast.js'
import { dtypeBytes, isFloatingDType } from '../tensor/dtype.js'
import { numel } from '../tensor/shape.js'
import { raise } from './exceptions.js'
import type { Interpreter } from './interpreter.js'
import { einsumTraced } from './einsum.js'
import { channelsLastStrides, contiguousStrides, expandedStrides, isContiguous, isLaidOutChannelsLast, preservedStrides, setStrides, stridesOf, viewStrides } from '../forward/layout.js'
import { sliceIndices } from './subscript.js'
import { untracedViews } from './tensor-values.js'
import { checkViewInPlace, inPlaceViewOps, untracedMethodViews, isTensorOp, quantileSpec, tensorBinary, tensorCompare, tensorGetItem, tensorOp, tensorSetItem, tensorUnary, tensordotDims, torchTensorFunctions, wrapDimension } from './tensor.js'
import type { TensordotDims } from './tensor.js'
import { NONE, TensorValue, int, tuple } from '../contract/values.js'
import type { ArgValue, CallableValue, Value } from '../contract/values.js'

/**
 * Tensor operations in a traced `forward`: `torch.*` functions, tensor methods, operators and indexing on
 * values that carry the trace's tensors. Shapes and dtypes come from the interpreter's own rules (the same
 * ones that answer while a model is built); storage, views and what autograd saves come from the kernels
 * of `forward/ops/`, so that a model written as a class gives the figures of the same layers in `nn.Sequential`.
 */
export interface TraceOps {
  readonly it: Interpreter
  readonly ctx: ForwardContext
}

const stateTensors = new WeakMap<TensorDef, Tensor>()
const constants = new WeakMap<TensorValue, Tensor>()
let stateIds = -1

/**
 * The trace tensor of a value: its own, a parameter's or buffer's (never counted as an activation), or, for a
 * tensor the forward made from constants (`torch.arange(T)`, `torch.zeros(...)`), a new storage of its size.
 */
export function traceOf(t: TraceOps, v: TensorValue): Tensor {
  if (v.trace) return v.trace
  if (v.def) {
    let s = stateTensors.get(v.def)
    if (!s || s.dtype !== v.def.dtype || s.shape.length !== v.def.shape.length || s.shape.some((d, i) => d !== v.def!.shape[i])) {
      const def = v.def
      const storage: Storage = { id: stateIds--, bytes: numel(def.shape) * BigInt(dtypeBytes[def.dtype]), origin: 'state', allocatedAt: 0, lastUse: 0 }
      s = { shape: [...def.shape], dtype: def.dtype, storage, requiresGrad: def.kind === 'parameter' && def.requiresGrad }
      if (def.channelsLast && def.shape.length === 4) s = setStrides(s, channelsLastStrides(def.shape))
      stateTensors.set(def, s)
    }
    return s
  }
  let c = constants.get(v)
  if (!c || c.shape.length !== v.shape.length || c.shape.some((d, i) => d !== v.shape[i]) || c.dtype !== v.dtype) {
    // A view of another such tensor (by indexing or a view method) is a view of its storage.
    const view = untracedViews.get(v)
    c = view ? getItem(t, traceOf(t, view.base), view.index, v, view.span) : (methodViewOf(t, v) ?? t.ctx.tensor(v.shape, v.dtype, v.requiresGrad && isFloatingDType(v.dtype)))
    constants.set(v, c)
  }
  return c
}

/** The trace's view of `v` when a view method made it from a tensor made outside the trace ({@link untracedMethodViews}). */
function methodViewOf(t: TraceOps, v: TensorValue): Tensor | undefined {
  const view = untracedMethodViews.get(v)
  if (!view) return undefined
  const result = forwardTensorOp(t, view.name, [view.base, ...view.args.map((a) => a.value)], view.args, view.span)
  const made = view.item === undefined ? result : result?.kind === 'tuple' ? result.items[view.item] : undefined
  const trace = made?.kind === 'tensor' ? made.trace : undefined
  return trace && trace.dtype === v.dtype && trace.shape.length === v.shape.length && trace.shape.every((d, i) => d === v.shape[i]) ? trace : undefined
}

/** A trace tensor as an interpreter value. */
export function wrapTensor(t: Tensor): TensorValue {
  return new TensorValue([...t.shape], t.dtype, t.requiresGrad, undefined, t)
}

/** A value as a kernel operand: a trace tensor, or a Python number (`{ int }` for ints, as type promotion needs). */
export function operandOf(t: TraceOps, v: Value, span: SourceSpan): Operand {
  if (v.kind === 'tensor') return traceOf(t, v)
  if (v.kind === 'int') return { int: v.value }
  if (v.kind === 'bool') return { int: v.value ? 1 : 0 }
  if (v.kind === 'float') return v.value
  // A complex number (`1j * self.A_imag`): the kernels take the result's dtype from the interpreter (complex64, or
  // complex128 with a float64 tensor) and keep no Python number in PyTorch 2.x; PyTorch 1.13 keeps it as a 0-dim
  // complex128 tensor, which the kernels do not model.
  if (v.kind === 'complex') {
    if (t.ctx.torch === '1.13') throw new NnsizeError('unsupported', 'A complex Python number with a tensor in forward is not supported yet for PyTorch 1.13.', { span })
    return v.real
  }
  return raise('TypeError', 'argument-type', `Expected a tensor or a number, got ${v.kind}.`, span)
}

// ---------------------------------------------------------------------------------------------
// Shapes and dtypes: the interpreter's rules on copies of the operands without their trace.

interface Stripped {
  value: Value
  originals: Map<TensorValue, TensorValue>
}

function strip(values: readonly Value[]): { values: Value[]; originals: Map<TensorValue, TensorValue> } {
  const originals = new Map<TensorValue, TensorValue>()
  const copyOf = (v: TensorValue): Value => {
    const copy = new TensorValue([...v.shape], v.dtype, v.requiresGrad)
    originals.set(copy, v)
    return copy
  }
  return { values: values.map((v) => rebuild(v, copyOf)), originals }
}

const binaryOperators: Record<string, Operator> = { add: 'Add', sub: 'Sub', mul: 'Mult', div: 'Div', floor_divide: 'FloorDiv', remainder: 'Mod', pow: 'Pow', matmul: 'MatMult', bitwise_and: 'BitAnd', bitwise_or: 'BitOr', bitwise_xor: 'BitXor', bitwise_left_shift: 'LShift', bitwise_right_shift: 'RShift' }
const compareOperators: Record<string, CmpOperator> = { eq: 'Eq', noteq: 'NotEq', lt: 'Lt', lte: 'LtE', gt: 'Gt', gte: 'GtE' }
const unaryOperators: Record<string, UnaryOperator> = { neg: 'USub', bitwise_not: 'Invert', positive: 'UAdd' }

/** Which form of an operation the hook was called for. */
type Form = 'binary' | 'inplace-binary' | 'compare' | 'unary' | 'getitem' | 'setitem' | 'function' | 'method'

function formOf(name: string, operands: readonly Value[], args: readonly ArgValue[]): Form {
  if (name === '__getitem__') return 'getitem'
  if (name === '__setitem__') return 'setitem'
  if (args.length === 0 && operands.length === 2) {
    if (Object.hasOwn(binaryOperators, name)) return 'binary'
    if (name.endsWith('_') && Object.hasOwn(binaryOperators, name.slice(0, -1))) return 'inplace-binary'
    if (Object.hasOwn(compareOperators, name)) return 'compare'
  }
  if (args.length === 0 && operands.length === 1 && Object.hasOwn(unaryOperators, name)) return 'unary'
  if (name === 'cat' || name === 'stack' || name === 'where' || name === 'view_as_complex' || name === 'view_as_real' || name === 'einsum' || likeFactories.has(name)) return 'function'
  return 'method'
}

let torchFunctions: Record<string, Value> | undefined

/** `torch.zeros_like(x)` and the other factories of a tensor like `x`: a new tensor, laid out as `x`. */
const likeFactories = new Set(['zeros_like', 'ones_like', 'empty_like', 'randn_like', 'rand_like', 'full_like'])

/** The result the interpreter's shape rules give, on copies of the operands without their trace. */
function shapeResult(it: Interpreter, name: string, form: Form, operands: readonly Value[], args: readonly ArgValue[], span: SourceSpan): Stripped {
  const { values, originals } = strip([...operands, ...args.map((a) => a.value)])
  const ops = values.slice(0, operands.length)
  const stripArgs = args.map((a, i) => ({ ...a, value: values[operands.length + i]! }))
  let value: Value
  switch (form) {
    case 'binary':
      value = tensorBinary(it, binaryOperators[name]!, ops[0]!, ops[1]!, span)
      break
    case 'inplace-binary':
      value = tensorBinary(it, binaryOperators[name.slice(0, -1)]!, ops[0]!, ops[1]!, span, true)
      break
    case 'compare':
      value = tensorCompare(it, compareOperators[name]!, ops[0]!, ops[1]!, span)
      break
    case 'unary':
      value = tensorUnary(it, unaryOperators[name]!, ops[0] as TensorValue, span)
      break
    case 'getitem':
      value = tensorGetItem(it, ops[0] as TensorValue, ops[1]!, span)
      break
    case 'setitem':
      tensorSetItem(it, ops[0] as TensorValue, ops[1]!, ops[2]!, span)
      value = NONE
      break
    case 'function': {
      torchFunctions ??= torchTensorFunctions()
      value = (torchFunctions[name] as CallableValue).invoke(stripArgs, span, it)
      break
    }
    case 'method':
      if (!isTensorOp(name) || ops[0]?.kind !== 'tensor') throw new NnsizeError('unsupported', `\`${name}\` is not supported yet in forward.`, { span })
      value = tensorOp(it, name, ops[0], stripArgs, span)!
      break
  }
  return { value, originals }
}

/** The tensors of a result in order. */
function tensorsIn(v: Value, out: TensorValue[] = []): TensorValue[] {
  if (v.kind === 'tensor') out.push(v)
  else if (v.kind === 'tuple' || v.kind === 'list') for (const x of v.items) tensorsIn(x, out)
  return out
}

/** Replaces each tensor of `shape` by `make(tensor, index)`, keeping tuples and lists. */
function rebuild(shape: Value, make: (t: TensorValue, index: number) => Value): Value {
  let index = 0
  const one = (v: Value): Value => {
    if (v.kind === 'tensor') return make(v, index++)
    if (v.kind === 'tuple') return tuple(v.items.map(one), v.fields)
    if (v.kind === 'list') return { kind: 'list', items: v.items.map(one) }
    return v
  }
  return one(shape)
}

// ---------------------------------------------------------------------------------------------
// Views

function permuted<T>(values: readonly T[], order: readonly number[]): T[] {
  return order.map((i) => values[i]!)
}

/** A view of `base` with `shape` and `strides`. */
export function viewOf(t: Pick<TraceOps, 'ctx'>, base: Tensor, shape: readonly number[], strides: readonly number[], dtype = base.dtype, requiresGrad = base.requiresGrad): Tensor {
  const v = t.ctx.view(base, shape, dtype)
  const out = requiresGrad === v.requiresGrad ? v : { ...v, requiresGrad }
  return setStrides(out, strides)
}

/** `reshape`: a view where the strides allow one, else a contiguous copy (which saves nothing). */
export function reshapeOf(t: Pick<TraceOps, 'ctx'>, x: Tensor, shape: readonly number[], mustView: boolean, span: SourceSpan): Tensor {
  const s = viewStrides(x.shape, stridesOf(x), shape)
  if (s) return viewOf(t, x, shape, s)
  if (mustView) throw new NnsizeError('shape', `view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces): a \`view\` of a tensor of shape (${x.shape.join(', ')}) as (${shape.join(', ')}) needs a copy. Use \`.reshape(...)\` instead.`, { span })
  return ops.result(t.ctx, shape, x.dtype, [x])
}

/** Whether `format` is `torch.channels_last` (a name nnsize holds as a placeholder: its only use is this argument). */
function isChannelsLastFormat(format: Value | undefined): boolean {
  return format?.kind === 'placeholder' && (format.name === 'channels_last' || format.name.endsWith('.channels_last'))
}

/**
 * `x.contiguous(memory_format=torch.channels_last)` (or `x.to(memory_format=…)`) of a 4-D tensor: `x` itself when it
 * is laid out channels-last already, else a copy that is (a convolution of it then gives a channels-last output);
 * another rank is PyTorch's error.
 */
function channelsLastOf(t: TraceOps, x: Tensor, span: SourceSpan): Tensor {
  if (x.shape.length !== 4) return raise('RuntimeError', 'argument-value', 'required rank 4 tensor to use channels_last format', span)
  const wanted = channelsLastStrides(x.shape)
  if (stridesOf(x).every((d, i) => d === wanted[i]) || isLaidOutChannelsLast(x)) return x
  return setStrides(ops.result(t.ctx, x.shape, x.dtype, [x]), wanted)
}

/** A contiguous tensor with `x`'s values: `x` itself when it is contiguous, else a copy (`contiguous()`, `clone`). */
export function contiguousOf(t: TraceOps, x: Tensor): Tensor {
  return isContiguous(x) ? x : ops.result(t.ctx, x.shape, x.dtype, [x])
}

const reshapeOps = new Set(['view', 'reshape', 'view_as', 'reshape_as', 'flatten', 'unflatten', 'squeeze', 'unsqueeze'])
const castOps = new Set(['float', 'double', 'half', 'bfloat16', 'long', 'int', 'short', 'byte', 'bool', 'cfloat', 'to', 'type', 'type_as', 'cpu', 'cuda'])

function argAt(args: readonly ArgValue[], position: number, name: string): Value | undefined {
  const positional = args.filter((a) => a.name === undefined)
  const v = positional[position]?.value ?? args.find((a) => a.name === name)?.value
  return v === undefined || v.kind === 'none' ? undefined : v
}

function intArg(args: readonly ArgValue[], position: number, name: string, fallback: number, span: SourceSpan): number {
  const v = argAt(args, position, name)
  if (v === undefined) return fallback
  if (v.kind === 'int') return Number(v.value)
  if (v.kind === 'bool') return v.value ? 1 : 0
  return raise('TypeError', 'argument-type', `\`${name}\` must be an int, got ${v.kind}.`, span)
}

function boolArg(t: TraceOps, args: readonly ArgValue[], position: number, name: string, fallback: boolean, span: SourceSpan): boolean {
  const v = argAt(args, position, name)
  return v === undefined ? fallback : t.it.truthy(v, span)
}

/** `dim` arguments as wrapped dimensions (all dimensions when absent). */
function dimsArg(args: readonly ArgValue[], rank: number, span: SourceSpan): number[] {
  const v = argAt(args, 0, 'dim') ?? argAt(args, 0, 'axis')
  if (v === undefined) return [...Array(rank).keys()]
  const list = v.kind === 'tuple' || v.kind === 'list' ? v.items : [v]
  return list.map((d) => wrapDimension(d, rank, span))
}

/** The strides of the views `narrow`, `select`, `chunk`, `split`, `unbind` and basic indexing make. */
function viewOp(t: TraceOps, name: string, x: Tensor, shapes: readonly TensorValue[], args: readonly ArgValue[], span: SourceSpan): Tensor[] | undefined {
  const xs = stridesOf(x)
  const rank = x.shape.length
  switch (name) {
    case 'transpose':
    case 'swapaxes': {
      const a = wrapDimension(intArg(args, 0, 'dim0', 0, span), rank, span)
      const b = wrapDimension(intArg(args, 1, 'dim1', 0, span), rank, span)
      const order = [...Array(rank).keys()]
      order[a] = b
      order[b] = a
      return [viewOf(t, x, permuted(x.shape, order), permuted(xs, order))]
    }
    case 't': {
      const order = rank < 2 ? [...Array(rank).keys()] : [1, 0]
      return [viewOf(t, x, permuted(x.shape, order), permuted(xs, order))]
    }
    case 'permute': {
      const positional = args.filter((a) => a.name === undefined).map((a) => a.value)
      const dimsValue = positional.length === 1 && (positional[0]!.kind === 'tuple' || positional[0]!.kind === 'list') ? positional[0]!.items : positional.length > 0 ? positional : argAt(args, 0, 'dims')?.kind === 'tuple' || argAt(args, 0, 'dims')?.kind === 'list' ? (argAt(args, 0, 'dims') as { items: Value[] }).items : []
      const order = dimsValue.map((d) => wrapDimension(d, rank, span))
      return [viewOf(t, x, permuted(x.shape, order), permuted(xs, order))]
    }
    case 'expand':
    case 'expand_as':
    case 'broadcast_to': {
      const shape = shapes[0]!.shape
      return [viewOf(t, x, shape, expandedStrides(x, shape))]
    }
    case 'narrow':
      return [viewOf(t, x, shapes[0]!.shape, xs)]
    case 'diagonal': {
      // The diagonal of `dim1` and `dim2` steps along both at once: its stride is the sum of theirs.
      const d1 = wrapDimension(intArg(args, 1, 'dim1', 0, span), rank, span)
      const d2 = wrapDimension(intArg(args, 2, 'dim2', 1, span), rank, span)
      return [viewOf(t, x, shapes[0]!.shape, [...xs.filter((_, i) => i !== d1 && i !== d2), xs[d1]! + xs[d2]!])]
    }
    case 'select': {
      const d = wrapDimension(intArg(args, 0, 'dim', 0, span), rank, span)
      return [viewOf(t, x, shapes[0]!.shape, xs.filter((_, i) => i !== d))]
    }
    case 'unfold': {
      if (rank === 0) return [viewOf(t, x, shapes[0]!.shape, [1])]
      const d = wrapDimension(intArg(args, 0, 'dimension', 0, span), rank, span)
      const step = intArg(args, 2, 'step', 1, span)
      return [viewOf(t, x, shapes[0]!.shape, [...xs.map((s, i) => (i === d ? s * step : s)), xs[d]!])]
    }
    case 'chunk':
    case 'split':
      return shapes.map((s) => viewOf(t, x, s.shape, xs))
    case 'unbind': {
      const d = wrapDimension(intArg(args, 0, 'dim', 0, span), rank, span)
      return shapes.map((s) => viewOf(t, x, s.shape, xs.filter((_, i) => i !== d)))
    }
    default:
      return undefined
  }
}

/** `x[index]`: basic indexing (ints, slices, `None`, `...`) is a view; tensor and list indices copy and save the indices. */
function getItem(t: TraceOps, x: Tensor, index: Value, shape: TensorValue, span: SourceSpan): Tensor {
  const items = index.kind === 'tuple' ? index.items : [index]
  const advanced = items.filter((v) => v.kind === 'tensor' || v.kind === 'list' || (v.kind === 'tuple' && index.kind !== 'tuple'))
  if (advanced.length === 0) {
    const xs = stridesOf(x)
    const used = items.filter((v) => v.kind !== 'none' && v.kind !== 'ellipsis' && v.kind !== 'bool').length
    const strides: number[] = []
    let dim = 0
    for (const v of items) {
      if (v.kind === 'none' || v.kind === 'bool') strides.push(1)
      else if (v.kind === 'ellipsis') for (let i = 0; i < x.shape.length - used; i++) strides.push(xs[dim++]!)
      else if (v.kind === 'slice') strides.push(xs[dim]! * sliceIndices(v, x.shape[dim++]!, span).step)
      else dim++
    }
    while (dim < x.shape.length) strides.push(xs[dim++]!)
    return viewOf(t, x, shape.shape, strides)
  }
  const out = ops.result(t.ctx, shape.shape, x.dtype, [x])
  // `IndexBackward` keeps the index tensors; a list index becomes a new int64 tensor first.
  for (const v of advanced) {
    const idx = v.kind === 'tensor' ? traceOf(t, v) : t.ctx.tensor([listLength(v)], 'int64', false)
    ops.saveIf(t.ctx, x.requiresGrad, idx)
  }
  return out
}

function listLength(v: Value): number {
  return v.kind === 'list' || v.kind === 'tuple' ? v.items.length : 1
}

// ---------------------------------------------------------------------------------------------
// Kernels

/** Element-wise ops of one tensor and what they keep (PyTorch's derivatives.yaml). */
const pointwiseSaves: Record<string, ops.PointwiseSaves> = {
  exp: 'output',
  sigmoid: 'output',
  tanh: 'output',
  sqrt: 'output',
  rsqrt: 'output',
  relu: 'output',
  reciprocal: 'output',
  log: 'input',
  abs: 'input',
  sin: 'input',
  cos: 'input',
  tan: 'output',
  erf: 'input',
  // Measured with PyTorch 2.13's saved-tensor hooks (CPU): what each backward keeps of `y = op(x)`.
  log1p: 'input',
  log2: 'input',
  log10: 'input',
  expm1: 'output',
  exp2: 'output',
  erfinv: 'input',
  erfc: 'input',
  sinh: 'input',
  cosh: 'input',
  asin: 'input',
  acos: 'input',
  atan: 'input',
  asinh: 'input',
  acosh: 'input',
  atanh: 'input',
  arcsin: 'input',
  arccos: 'input',
  arctan: 'input',
  arcsinh: 'input',
  arccosh: 'input',
  arctanh: 'input',
  square: 'input',
  neg: 'nothing',
  negative: 'nothing',
  positive: 'nothing',
  sign: 'nothing',
  floor: 'nothing',
  ceil: 'nothing',
  round: 'nothing',
  trunc: 'nothing',
  clamp: 'input',
  clip: 'input',
  clamp_min: 'input',
  clamp_max: 'input',
  tril: 'nothing',
  triu: 'nothing',
  flip: 'nothing',
  roll: 'nothing',
  cumsum: 'nothing',
  nan_to_num: 'nothing',
  frac: 'nothing',
}

/** Results among {@link freshOps} that still require grad when an operand does (`torch.cat([x, y])`). */
const differentiableFreshOps = new Set(['cat', 'concat', 'concatenate', 'stack', 'bernoulli', 'diag', 'diag_embed', 'trace', 'block_diag'])

/** New tensors that keep nothing: results of ops whose gradient needs no saved tensor, or that have none. */
const freshOps = new Set(['cat', 'concat', 'concatenate', 'stack', 'bernoulli', 'diag', 'diag_embed', 'trace', 'block_diag', 'new_zeros', 'new_ones', 'new_empty', 'new_full', 'new_tensor', 'argmax', 'argmin', 'all', 'any', 'count_nonzero', 'bitwise_not', 'bitwise_and', 'bitwise_or', 'bitwise_xor', 'bitwise_left_shift', 'bitwise_right_shift', 'floor_divide', 'eq', 'ne', 'noteq', 'lt', 'le', 'lte', 'gt', 'ge', 'gte', 'outer_shape', 'isnan', 'isinf', 'isposinf', 'isneginf', 'isfinite', 'signbit'])

/**
 * The new result of an op of `x` that reads `index` (a mask or indices: `gather`, `index_select`, …), of the
 * interpreter's shape and dtype; when `x` requires grad, autograd keeps `kept`.
 */
function indexedResult(t: TraceOps, x: Tensor, index: Tensor, shape: TensorValue, kept: readonly Tensor[]): Tensor {
  const out = ops.result(t.ctx, shape.shape, shape.dtype, [x])
  t.ctx.use(index)
  ops.saveIf(t.ctx, x.requiresGrad, ...kept)
  return out
}

/** A fresh result tensor of the interpreter's shape and dtype, computed from `inputs`; it keeps nothing. */
function fresh(t: TraceOps, shape: TensorValue, inputs: readonly Tensor[], requiresGrad = true): Tensor {
  if (!requiresGrad) {
    const out = t.ctx.tensor(shape.shape, shape.dtype, false)
    t.ctx.use(...inputs)
    return out
  }
  return ops.result(t.ctx, shape.shape, shape.dtype, inputs)
}

/** `a @ b` of two tensors as `torch.matmul` runs it: `mm` for matrices, folded or batched `bmm` above. */
export function matmulOf(t: TraceOps, a: Tensor, b: Tensor, span: SourceSpan): Tensor {
  if (a.shape.length < 2 || b.shape.length < 2) {
    if (a.shape.length === 0 || b.shape.length === 0) throw new NnsizeError('shape', 'Both arguments to matmul need to be at least 1D.', { span })
    const product = vectorProductOf(t, a, b)
    if (product) return product
    // Vector products: as a matrix product with a dimension of 1 added, then removed.
    const a2 = a.shape.length === 1 ? viewOf(t, a, [1, a.shape[0]!], [0, stridesOf(a)[0]!]) : a
    const b2 = b.shape.length === 1 ? viewOf(t, b, [b.shape[0]!, 1], [stridesOf(b)[0]!, 0]) : b
    const out = matmulOf(t, a2, b2, span)
    const shape = [...out.shape]
    if (b.shape.length === 1) shape.pop()
    // A vector on the left: the row of 1 it became is dropped (`(k) @ (…, k, m)` is `(…, m)`).
    if (a.shape.length === 1) shape.splice(shape.length - 2, 1)
    return viewOf(t, out, shape, contiguousStrides(shape))
  }
  // A batch by a matrix folds the batch into the rows: `a.reshape(-1, k) @ b`, a copy when `a` is not viewable so.
  const operand = (x: Tensor, shape: readonly number[]): Tensor => {
    const s = viewStrides(x.shape, stridesOf(x), shape)
    return s ? x : ops.result(t.ctx, x.shape, x.dtype, [x])
  }
  // Two 3-D batches of different sizes, one of them 1 and requiring grad: ATen drops that batch (`squeeze(0)`, a
  // view) and folds the other into one `mm`.
  if (a.shape.length === 3 && b.shape.length === 3 && a.shape[0] !== b.shape[0]) {
    if (a.shape[0] === 1 && a.requiresGrad) return matmulOf(t, viewOf(t, a, a.shape.slice(1), stridesOf(a).slice(1)), b, span)
    if (b.shape[0] === 1 && b.requiresGrad) return matmulOf(t, a, viewOf(t, b, b.shape.slice(1), stridesOf(b).slice(1)), span)
  }
  const k = a.shape.at(-1)!
  if (b.shape.length === 2) return ops.matmul(t.ctx, operand(a, [numel(a.shape.slice(0, -1)) === 0n ? 0 : Number(numel(a.shape.slice(0, -1))), k]), b)
  if (a.shape.length === 2 && a.requiresGrad) {
    // A matrix that requires grad by a batch: ATen folds the batch, transposed (`should_fold`): one `mm` of
    // `b.mT.reshape(-1, k)` (a view where the strides allow, else a copy) by `a.t()`, which keeps both, then the
    // result transposed back and made contiguous (a copy).
    const r = b.shape.length
    const bs = stridesOf(b)
    const bT = viewOf(t, b, [...b.shape.slice(0, -2), b.shape[r - 1]!, b.shape[r - 2]!], [...bs.slice(0, -2), bs[r - 1]!, bs[r - 2]!])
    const rows = Number(numel(bT.shape.slice(0, -1)))
    const foldedStrides = viewStrides(bT.shape, stridesOf(bT), [rows, k])
    const folded = foldedStrides ? viewOf(t, bT, [rows, k], foldedStrides) : ops.result(t.ctx, [rows, k], b.dtype, [b])
    const as = stridesOf(a)
    const product = ops.matmul(t.ctx, folded, viewOf(t, a, [k, a.shape[0]!], [as[1]!, as[0]!]))
    return ops.result(t.ctx, [...b.shape.slice(0, -2), a.shape[0]!, b.shape[r - 1]!], product.dtype, [product])
  }
  const batch = ops.broadcastShapes(t.ctx, a.shape.slice(0, -2), b.shape.slice(0, -2))
  // Each operand is expanded to the broadcast batch (a view, stride 0 where it broadcasts), then folded into one
  // batch dimension with `reshape` (a view where the strides allow, else a copy).
  const flat = (x: Tensor): Tensor => {
    const shape = [...batch, ...x.shape.slice(-2)]
    const same = shape.length === x.shape.length && x.shape.every((d, i) => d === shape[i])
    const expanded = same ? x : viewOf(t, x, shape, expandedStrides(x, shape))
    return operand(expanded, [Number(numel(batch)), ...x.shape.slice(-2)])
  }
  return ops.matmul(t.ctx, flat(a), flat(b))
}

/**
 * `a @ b` where one side is a vector, as ATen's `matmul` runs it: `dot` for two vectors, `mv` for a matrix by a
 * vector; a batch by a vector (or a vector by a batch, through the batch's `mT`) is folded into one `mv` when
 * the vector requires grad or the batch folds without a copy (`should_fold`), else it is a `bmm` with the vector
 * expanded over the batch. A vector by a matrix (`mm`) is `undefined`: the caller's path. FlopCounterMode counts
 * neither `dot` nor `mv`. The shapes were checked before (`tensorBinary`).
 */
function vectorProductOf(t: TraceOps, a: Tensor, b: Tensor): Tensor | undefined {
  const vectorRight = b.shape.length === 1
  if (!vectorRight && b.shape.length < 3) return undefined
  const v = vectorRight ? b : a
  const k = v.shape[0]!
  // The larger operand as rows of `k` values: `a` itself, or `b.mT` for a vector on the left.
  const big = vectorRight ? a : b
  const bs = stridesOf(big)
  const r = big.shape.length
  const rowsShape = vectorRight ? big.shape.slice(0, -1) : [...big.shape.slice(0, -2), big.shape[r - 1]!]
  const rowStrides = vectorRight ? bs.slice(0, -1) : [...bs.slice(0, -2), bs[r - 1]!]
  const kStride = vectorRight ? bs[r - 1]! : bs[r - 2]!
  const asRows = viewOf(t, big, [...rowsShape, k], [...rowStrides, kStride])
  const rows = Number(numel(rowsShape))
  const foldedStrides = big.shape.length === 1 ? [0, bs[0]!] : viewStrides(asRows.shape, stridesOf(asRows), [rows, k])
  const vs = stridesOf(v)[0]!
  const fold = big.shape.length <= 2 || foldedStrides !== undefined || v.requiresGrad
  if (fold) {
    const folded = foldedStrides ? viewOf(t, asRows, [rows, k], foldedStrides) : ops.result(t.ctx, [rows, k], big.dtype, [big])
    const product = ops.matmul(t.ctx, folded, viewOf(t, v, [k, 1], [vs, 0]), { flopOp: null })
    return viewOf(t, product, rowsShape, contiguousStrides(rowsShape))
  }
  // Not folded: a `bmm` of the batch, reshaped (a copy where the strides need one), by the vector expanded.
  const batchShape = big.shape.slice(0, -2)
  const batch = Number(numel(batchShape))
  const n = vectorRight ? big.shape[r - 2]! : big.shape[r - 1]!
  const matrixShape = vectorRight ? [batch, n, k] : [batch, k, n]
  const matrixStrides = viewStrides(big.shape, bs, matrixShape)
  const batched = matrixStrides ? viewOf(t, big, matrixShape, matrixStrides) : ops.result(t.ctx, matrixShape, big.dtype, [big])
  const vector = vectorRight ? viewOf(t, v, [batch, k, 1], [0, vs, 0]) : viewOf(t, v, [batch, 1, k], [0, 0, vs])
  const product = vectorRight ? ops.matmul(t.ctx, batched, vector) : ops.matmul(t.ctx, vector, batched)
  return viewOf(t, product, rowsShape, contiguousStrides(rowsShape))
}

/** A view of `x` with its dimensions in `order` (`permute`). */
function permutedView(t: TraceOps, x: Tensor, order: readonly number[]): Tensor {
  return viewOf(t, x, permuted(x.shape, order), permuted(stridesOf(x), order))
}

/**
 * `torch.tensordot(a, b, dims)` as ATen runs it in PyTorch 2.13: a contracted dimension of size 1 on one side is summed
 * away on the other first (`sum(dim, keepdim=True)`, a new tensor that keeps nothing); each operand is permuted (a
 * view) so that its contracted dimensions come last (`a`) or first (`b`) and reshaped into a matrix (a view where the
 * strides allow, else a copy); one `mm`, which keeps each matrix for the other's gradient, viewed as the result. For a
 * result of one element the two are vectors instead, multiplied by `dot` (which FlopCounterMode does not count) when
 * both are views so, else multiplied element-wise and summed.
 */
function tensordotTraced(t: TraceOps, a: Tensor, b: Tensor, pairs: TensordotDims, span: SourceSpan): Tensor {
  let [t1, t2] = [a, b]
  let csize = 1
  pairs.a.forEach(({ dim: d1 }, i) => {
    const d2 = pairs.b[i]!.dim
    if (b.shape[d2] === 1) t1 = ops.sum(t.ctx, t1, [d1], true)
    else if (a.shape[d1] === 1) t2 = ops.sum(t.ctx, t2, [d2], true)
    else csize *= a.shape[d1]!
  })
  const freeA = [...a.shape.keys()].filter((i) => !pairs.a.some((d) => d.dim === i))
  const freeB = [...b.shape.keys()].filter((i) => !pairs.b.some((d) => d.dim === i))
  const size1 = freeA.reduce((n, i) => n * t1.shape[i]!, 1)
  const size2 = freeB.reduce((n, i) => n * t2.shape[i]!, 1)
  const left = permutedView(t, t1, [...freeA, ...pairs.a.map((d) => d.dim)])
  const right = permutedView(t, t2, [...pairs.b.map((d) => d.dim), ...freeB])
  const shape = [...freeA.map((i) => t1.shape[i]!), ...freeB.map((i) => t2.shape[i]!)]
  let product: Tensor
  if (size1 === 1 && size2 === 1) {
    // One element: a `dot` of the two as vectors when both are views so; else their product without the dimensions of
    // size 1 (`squeeze`, views), summed (`(a * b).sum()`).
    const vector1 = viewStrides(left.shape, stridesOf(left), [csize])
    const vector2 = viewStrides(right.shape, stridesOf(right), [csize])
    if (vector1 && vector2) product = ops.productAdded(t.ctx, undefined, viewOf(t, left, [csize], vector1), viewOf(t, right, [csize], vector2), [], BigInt(csize), null, false, null)
    else {
      const squeezed = (v: Tensor): Tensor => viewOf(t, v, v.shape.filter((d) => d !== 1), stridesOf(v).filter((_, i) => v.shape[i] !== 1))
      const both = ops.mul(t.ctx, squeezed(left), squeezed(right), a.dtype)
      product = ops.sum(t.ctx, both, [...both.shape.keys()])
    }
  } else product = ops.matmul(t.ctx, reshapeOf(t, left, [size1, csize], false, span), reshapeOf(t, right, [csize, size2], false, span))
  return viewOf(t, product, shape, contiguousStrides(shape))
}

/**
 * `torch.quantile(input, q, dim, keepdim, interpolation=…)` and `nanquantile` as ATen composes them in PyTorch 2.13
 * (`quantile_compute`): the input flattened (no `dim`; a view, or a copy where the strides need one), or with `dim`
 * moved last (`unsqueeze(-1).transpose(dim, -1)`, a view, unless it is last already), sorted (`SortBackward0` keeps the
 * int64 indices) and viewed as the result's sizes by the reduced length; the ranks (`q` times the last index, of the
 * input's dtype, broadcast against the rows) are new tensors that keep nothing; the values at the rank below are
 * gathered (`GatherBackward0` keeps the sorted values and the int64 ranks). For `'linear'` and `'midpoint'` the values
 * at the rank above are gathered too (with their own int64 ranks) and interpolated in place (`lerp_` by a tensor of
 * weights, which it keeps). The result is that storage, viewed as the result's shape. No MACs or FLOPs.
 */
function quantileTraced(t: TraceOps, name: 'quantile' | 'nanquantile', x: Tensor, args: readonly ArgValue[], span: SourceSpan): Tensor {
  const spec = quantileSpec(name, new TensorValue([...x.shape], x.dtype, x.requiresGrad), args, span)
  if (spec.q.kind === 'tensor' && traceOf(t, spec.q).requiresGrad) throw new NnsizeError('unsupported', `\`torch.${name}\` with a \`q\` that requires grad is not supported yet in forward.`, { span })
  const ctx = t.ctx
  const rank = x.shape.length
  let reduced: Tensor
  if (spec.dim === undefined) reduced = reshapeOf(t, x, [Number(numel(x.shape))], false, span)
  else if (spec.dim === rank - 1 || rank === 0) reduced = rank === 0 ? viewOf(t, x, [1], [1]) : x
  else {
    const unsqueezed = viewOf(t, x, [...x.shape, 1], [...stridesOf(x), 1])
    const order = [...unsqueezed.shape.keys()]
    ;[order[spec.dim], order[rank]] = [rank, spec.dim]
    reduced = permutedView(t, unsqueezed, order)
  }
  // `sort(-1)`: the values (a new tensor) and their int64 indices, which autograd keeps.
  const length = reduced.shape.at(-1)!
  const sortedValues = ops.result(ctx, reduced.shape, x.dtype, [reduced])
  ops.saveIf(ctx, x.requiresGrad, ctx.tensor(reduced.shape, 'int64', false))
  const qCount = spec.q.kind === 'tensor' && spec.q.shape.length > 0 ? spec.q.shape[0]! : 1
  const outShape = spec.q.kind === 'tensor' && spec.q.shape.length > 0 ? spec.shape.slice(1) : spec.shape
  const inShape = [...outShape, length]
  const sorted = viewOf(t, sortedValues, inShape, contiguousStrides(inShape))
  // The ranks: `q` against each row (the rows' last dimension becomes the quantiles'), new tensors without grad.
  const ranksShape = [...inShape.slice(0, -1), qCount]
  if (spec.q.kind === 'tensor') ctx.use(traceOf(t, spec.q))
  const ranks = ctx.tensor(ranksShape, x.dtype, false)
  ctx.use(sorted)
  const gathered = (): void => {
    const index = ctx.tensor(ranksShape, 'int64', false)
    ctx.use(ranks, index)
    ops.saveIf(ctx, x.requiresGrad, sorted, index)
  }
  gathered()
  const valuesBelow = ops.result(ctx, ranksShape, x.dtype, [sorted])
  if (spec.interpolation === 'linear' || spec.interpolation === 'midpoint') {
    const weights = ctx.tensor(ranksShape, x.dtype, false)
    gathered()
    const valuesAbove = ops.result(ctx, ranksShape, x.dtype, [sorted])
    ctx.use(valuesAbove, weights)
    ops.saveIf(ctx, valuesBelow.requiresGrad || valuesAbove.requiresGrad, weights)
  }
  return viewOf(t, valuesBelow, spec.shape, contiguousStrides(spec.shape))
}

/** `x.masked_fill(mask, value)`: keeps the mask when the gradient of `x` is needed. */
function maskedFill(t: TraceOps, x: Tensor, mask: Tensor, shape: TensorValue, inplace: boolean): Tensor {
  const out = inplace ? x : ops.result(t.ctx, shape.shape, shape.dtype, [x])
  t.ctx.use(mask)
  ops.saveIf(t.ctx, x.requiresGrad, mask)
  return out
}

/** Runs one operation on traced values; undefined hands it back to the caller's "not supported" error. */
export function forwardTensorOp(t: TraceOps, name: string, operands: readonly Value[], args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  const form = formOf(name, operands, args)
  if (form === 'getitem' || form === 'setitem') {
    const index = operands[1]
    if (index?.kind === 'tuple' && index.items.filter((v) => v.kind === 'ellipsis').length > 1) raise('IndexError', 'argument-value', 'An index can only have a single ellipsis (`...`).', span)
  }
  const { value: shaped, originals } = shapeResult(t.it, name, form, operands, args, span)
  const outputs = tensorsIn(shaped)
  if (form === 'setitem') return setItem(t, operands, span)
  // Results that are no tensor (`x.size()`, `x.dim()`) or that are an operand itself (`x.float()` of a float32 `x`).
  if (outputs.length === 0) return shaped
  const self = operands[0]?.kind === 'tensor' ? operands[0] : undefined
  const x = self ? traceOf(t, self) : undefined
  const setsLayout = name === 'contiguous' || (name === 'to' && args.some((a) => a.name === 'memory_format'))
  if (outputs.length === 1 && originals.has(outputs[0]!) && form !== 'inplace-binary' && !setsLayout && !name.endsWith('_')) {
    const original = originals.get(outputs[0]!)!
    return original.trace ? original : wrapTensor(traceOf(t, original))
  }
  const make = (tensors: readonly Tensor[]): Value => rebuild(shaped, (_v, i) => wrapTensor(tensors[i]!))
  if (form === 'method' && name === 'requires_grad_' && self) return requiresGradInPlace(t, self, args, span)
  const viewed = Object.hasOwn(inPlaceViewOps, name) ? inPlaceViewOps[name]! : undefined
  if (form === 'method' && viewed && self) {
    // `x.unsqueeze_(d)`: `x` becomes the view the op without `_` makes (autograd keeps nothing for it).
    checkViewInPlace(self, name, span)
    const [view] = method(t, viewed, x!, args, outputs, span)
    self.shape = [...view!.shape]
    self.trace = view
    return self
  }
  switch (form) {
    case 'binary':
    case 'inplace-binary':
      return make([binary(t, form === 'inplace-binary' ? name.slice(0, -1) : name, operands[0]!, operands[1]!, outputs[0]!, form === 'inplace-binary', span)])
    case 'compare':
      return make([fresh(t, outputs[0]!, operands.filter((v): v is TensorValue => v.kind === 'tensor').map((v) => traceOf(t, v)), false)])
    case 'unary':
      return make([pointwiseOp(t, name, traceOf(t, operands[0] as TensorValue))])
    case 'getitem':
      return make([getItem(t, x!, operands[1]!, outputs[0]!, span)])
    case 'function':
      if (likeFactories.has(name)) {
        // A new tensor that requires no grad, laid out as its input (`memory_format=torch.preserve_format`).
        const like = t.ctx.tensor(outputs[0]!.shape, outputs[0]!.dtype, false)
        const strides = preservedStrides(x!)
        return make([strides ? setStrides(like, strides) : like])
      }
      if (name === 'einsum') return make([einsumTraced(t, (operands[0] as Extract<Value, { kind: 'str' }>).value, operands.slice(1).map((v) => traceOf(t, v as TensorValue)), span)])
      if (name === 'view_as_complex' || name === 'view_as_real') {
        // Views of the same storage (`torch.view_as_complex(self.C)` of a parameter stays the parameter's): a complex
        // element spans two real ones, so the strides halve or double, and the real view's last stride is 1.
        const xs = stridesOf(x!)
        if (name === 'view_as_complex') {
          if (xs.at(-1) !== 1) raise('RuntimeError', 'shape', 'Tensor must have a last dimension with stride 1', span)
          if (xs.slice(0, -1).some((d) => d % 2 !== 0)) raise('RuntimeError', 'shape', 'Tensor must have a stride divisible by 2 for all but last dimension', span)
        }
        const strides = name === 'view_as_complex' ? xs.slice(0, -1).map((d) => d / 2) : [...xs.map((d) => d * 2), 1]
        return make([viewOf(t, x!, outputs[0]!.shape, strides, outputs[0]!.dtype)])
      }
      return make([functionOp(t, name, operands, outputs[0]!)])
    case 'method':
      return make(method(t, name, x!, args, outputs, span))
  }
}

/**
 * `x.requires_grad_(flag)` in forward: the tensor itself, now requiring grad or not (a parameter's view
 * `self.pe[:, :T].requires_grad_(False)` is unchanged). A result of ops that requires grad cannot stop requiring it,
 * as PyTorch refuses.
 */
function requiresGradInPlace(t: TraceOps, self: TensorValue, args: readonly ArgValue[], span: SourceSpan): Value {
  const x = traceOf(t, self)
  const flag = boolArg(t, args, 0, 'requires_grad', true, span)
  if (x.requiresGrad === flag) return self
  if (flag && !isFloatingDType(x.dtype)) return raise('RuntimeError', 'argument-value', 'Only Tensors of floating point and complex dtype can require gradients', span)
  if (!flag && x.storage.origin === 'activation') {
    return raise('RuntimeError', 'argument-value', "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().", span)
  }
  self.trace = { ...x, requiresGrad: flag }
  return self
}

function setItem(t: TraceOps, operands: readonly Value[], span: SourceSpan): Value {
  // `x[i] = v` writes into `x` (`CopySlices`), which keeps nothing; `v` is read.
  const [target, index, value] = operands
  const v = value?.kind === 'tensor' ? traceOf(t, value) : undefined
  if (v) t.ctx.use(v)
  // Tensors in the index (a boolean mask, integer indices) make it `index_put_`, whose backward keeps each of them
  // (as PyTorch 2.13's saved-tensor hooks show) when the target or the value requires grad.
  const indices = (index?.kind === 'tuple' ? index.items : index ? [index] : []).filter((i): i is TensorValue => i.kind === 'tensor')
  if (target?.kind !== 'tensor') return NONE
  const x = traceOf(t, target)
  const grad = x.requiresGrad || (v?.requiresGrad ?? false)
  if (indices.length > 0) ops.saveIf(t.ctx, grad, ...indices.map((i) => traceOf(t, i)))
  // Whatever the index, writing a value that requires grad makes the target require grad from then on (`CopySlices`
  // or `IndexPutBackward`): a KV cache kept as a plain tensor or a buffer, `cache[:, :T] = k`, and every later read of it.
  if (grad && !x.requiresGrad && isFloatingDType(x.dtype)) target.trace = { ...x, requiresGrad: true }
  void span
  return NONE
}

function binary(t: TraceOps, name: string, left: Value, right: Value, shape: TensorValue, inplace: boolean, span: SourceSpan): Tensor {
  const a = operandOf(t, left, span)
  const b = operandOf(t, right, span)
  if (inplace) {
    const target = a as Tensor
    if (name === 'add' || name === 'sub') return ops.addInPlace(t.ctx, target, b)
    if (name === 'pow') return ops.powInPlace(t.ctx, target, b)
    if ((name === 'mul' || name === 'div') && !ops.isTensor(b)) return ops.addInPlace(t.ctx, target, b)
    if (name === 'mul') return ops.mulInPlace(t.ctx, target, b as Tensor)
    if (name === 'div') return ops.divInPlace(t.ctx, target, b as Tensor)
    throw new NnsizeError('unsupported', `\`${name}_\` with a tensor operand is not supported yet in forward.`, { span })
  }
  // The kernels make the promoted result type the interpreter's rules give (`int64 * 0.5` is float32).
  const dtype = shape.dtype
  switch (name) {
    case 'add':
      return ops.add(t.ctx, a, b, dtype)
    case 'sub':
      return ops.sub(t.ctx, a, b, dtype)
    case 'mul':
      return ops.mul(t.ctx, a, b, dtype)
    case 'div':
      return ops.div(t.ctx, a, b, dtype)
    case 'pow':
      if (ops.isTensor(a) && ops.isTensor(b)) return ops.powTensors(t.ctx, a, b, dtype)
      if (ops.isTensor(a)) return ops.pow(t.ctx, a, typeof b === 'number' ? b : Number((b as { int: bigint | number }).int), dtype)
      return ops.powScalarBase(t.ctx, a, b as Tensor, dtype)
    case 'matmul':
      return matmulOf(t, a as Tensor, b as Tensor, span)
    case 'remainder': {
      // `x % n` keeps nothing (RemainderBackward0); `x % y` of two tensors keeps both when the divisor requires grad
      // (RemainderBackward1: its gradient reads the quotient's floor), measured with PyTorch 2.13.
      const out = fresh(t, shape, [a, b].filter(ops.isTensor))
      if (ops.isTensor(a) && ops.isTensor(b)) ops.saveIf(t.ctx, b.requiresGrad, a, b)
      return out
    }
    default: {
      if (freshOps.has(name)) return fresh(t, shape, [a, b].filter(ops.isTensor), differentiableFreshOps.has(name))
      throw new NnsizeError('unsupported', `\`${name}\` is not supported yet in forward.`, { span })
    }
  }
}

/**
 * The kernels' dtype is the first tensor's; the interpreter's type promotion decides the result's (`int64 * 0.5`
 * is float32). A result of another dtype gets a storage of its own size, and keeps what the kernel saved.
 */
function retype(t: TraceOps, out: Tensor, shape: TensorValue): Tensor {
  if (out.dtype === shape.dtype) return out
  return t.ctx.tensor(out.shape, shape.dtype, out.requiresGrad && isFloatingDType(shape.dtype))
}

function pointwiseOp(t: TraceOps, name: string, x: Tensor, inplace = false): Tensor {
  const saves = pointwiseSaves[name] ?? 'nothing'
  return ops.pointwise(t.ctx, x, saves, { inplace, inplaceSaves: saves === 'output' ? 'result' : 'clone' })
}

function functionOp(t: TraceOps, name: string, operands: readonly Value[], shape: TensorValue): Tensor {
  const tensors = operands.filter((v): v is TensorValue => v.kind === 'tensor').map((v) => traceOf(t, v))
  if (name === 'where') {
    // `torch.where(cond, x, y)` keeps the condition.
    const [cond] = tensors
    const out = fresh(t, shape, tensors.slice(1))
    if (cond) ops.saveIf(t.ctx, tensors.slice(1).some((x) => x.requiresGrad), cond)
    return out
  }
  return fresh(t, shape, tensors, tensors.some((x) => x.requiresGrad))
}

function method(t: TraceOps, name: string, x: Tensor, args: readonly ArgValue[], outputs: readonly TensorValue[], span: SourceSpan): Tensor[] {
  const shape = outputs[0]!
  if (reshapeOps.has(name)) return [reshapeOf(t, x, shape.shape, name === 'view' || name === 'view_as', span)]
  const view = viewOp(t, name, x, outputs, args, span)
  if (view) return view
  if (name === 'contiguous') {
    const format = args.find((a) => a.name === 'memory_format' || a.name === undefined)?.value
    return [isChannelsLastFormat(format) ? channelsLastOf(t, x, span) : contiguousOf(t, x)]
  }
  // `x.to(memory_format=torch.channels_last)` (of the same dtype): the channels-last layout, a copy when needed
  if (name === 'to' && shape.dtype === x.dtype && isChannelsLastFormat(args.find((a) => a.name === 'memory_format')?.value)) return [channelsLastOf(t, x, span)]
  if (name === 'clone') {
    // `memory_format=torch.preserve_format`: a transposed tensor's clone is transposed too (a later `@` copies it)
    const copy = ops.result(t.ctx, x.shape, x.dtype, [x])
    const strides = args.some((a) => a.name === 'memory_format') ? undefined : preservedStrides(x)
    return [strides ? setStrides(copy, strides) : copy]
  }
  if (name === 'detach') return [viewOf(t, x, x.shape, stridesOf(x), x.dtype, false)]
  if (castOps.has(name)) return [fresh(t, shape, [x], isFloatingDType(shape.dtype))]
  if (name === 'clamp' || name === 'clip' || name === 'clamp_min' || name === 'clamp_max' || name === 'clamp_min_' || name === 'clamp_max_') {
    // `clamp(x, min=t, max=t)` with tensor bounds (`clamp.Tensor`, `clamp_min.Tensor`) keeps the input and the bounds,
    // whatever their dtype; in place, a copy of the input as it was.
    const bounds = args.map((a) => a.value).filter((v): v is TensorValue => v.kind === 'tensor').map((v) => traceOf(t, v))
    if (bounds.length > 0) {
      if (name.endsWith('_')) {
        const grad = ops.anyRequiresGrad(x, ...bounds)
        t.ctx.use(...bounds)
        ops.saveIf(t.ctx, grad, ...bounds, t.ctx.tensor(x.shape, x.dtype, false))
        return [grad && !x.requiresGrad ? { ...x, requiresGrad: true } : x]
      }
      const out = fresh(t, shape, [x, ...bounds])
      ops.saveIf(t.ctx, out.requiresGrad, x, ...bounds)
      return [out]
    }
  }
  if (Object.hasOwn(pointwiseSaves, name)) return [retype(t, pointwiseOp(t, name, x), shape)]
  if (name.endsWith('_') && Object.hasOwn(pointwiseSaves, name.slice(0, -1))) return [pointwiseOp(t, name.slice(0, -1), x, true)]
  const tensorArgs = args.map((a) => a.value).filter((v): v is TensorValue => v.kind === 'tensor').map((v) => traceOf(t, v))
  switch (name) {
    case 'softmax':
    case 'log_softmax': {
      // `dtype=`: a cast first (a new tensor), as `F.softmax` does.
      const input = shape.dtype === x.dtype ? x : ops.result(t.ctx, x.shape, shape.dtype, [x])
      return [ops.softmax(t.ctx, input, wrapDimension(intArg(args, 0, 'dim', -1, span), x.shape.length, span))]
    }
    case 'sum':
    case 'mean': {
      const dims = dimsArg(args, x.shape.length, span)
      const keepdim = boolArg(t, args, 1, 'keepdim', false, span)
      return [retype(t, (name === 'sum' ? ops.sum : ops.mean)(t.ctx, x, dims, keepdim), shape)]
    }
    case 'repeat':
    case 'tile':
    case 'rot90':
    case 'heaviside':
    case 'repeat_interleave':
      // `tile` runs as `repeat` (RepeatBackward0), `rot90` as flips and a transpose copied (Rot90Backward0), and
      // `heaviside` has no gradient formula (its result requires grad; its backward raises).
      // A new tensor (`repeat_interleave`: an expanded view cloned contiguous) that requires grad as its input does;
      // nothing saved.
      return [fresh(t, shape, [x])]
    case 'var':
    case 'std':
    case 'norm': {
      // `var_backward` reads the input; `std_backward` and `norm_backward` the input and the result.
      const out = fresh(t, shape, [x])
      ops.saveIf(t.ctx, x.requiresGrad, x)
      if (name !== 'var') ops.saveIf(t.ctx, x.requiresGrad, out)
      return [out]
    }
    case 'maximum':
    case 'minimum':
    case 'fmax':
    case 'fmin':
    case 'logaddexp':
    case 'logaddexp2':
    case 'xlogy': {
      // Element-wise: MaximumBackward0, FmaxBackward0, LogaddexpBackward0, XlogyBackward0, … keep both operands whenever
      // there is a gradient (measured with PyTorch 2.13).
      const out = fresh(t, shape, [x, ...tensorArgs])
      ops.saveIf(t.ctx, out.requiresGrad, x, ...tensorArgs)
      return [out]
    }
    case 'sgn':
    case 'prod': {
      // ProdBackward0/1 and SgnBackward0 keep the input and the result (measured with PyTorch 2.13).
      const out = fresh(t, shape, [x])
      ops.saveIf(t.ctx, x.requiresGrad, x, out)
      return [out]
    }
    case 'max':
    case 'min':
    case 'amax':
    case 'amin': {
      if (tensorArgs.length > 0) {
        // `torch.max(a, b)`: element-wise, keeps both operands.
        const out = fresh(t, shape, [x, ...tensorArgs])
        ops.saveIf(t.ctx, out.requiresGrad, x, ...tensorArgs)
        return [out]
      }
      if (outputs.length === 2) {
        // `max(dim)`: values and int64 indices; the indices are kept.
        const values = fresh(t, outputs[0]!, [x])
        const indices = fresh(t, outputs[1]!, [x], false)
        ops.saveIf(t.ctx, x.requiresGrad, indices)
        return [values, indices]
      }
      const out = fresh(t, shape, [x])
      ops.saveIf(t.ctx, x.requiresGrad, x, out)
      return [out]
    }
    case 'topk':
    case 'sort':
    case 'msort':
    case 'argsort': {
      // `TopkBackward0` and `SortBackward0` keep the int64 indices (`argsort` and `msort` run `sort` and keep them
      // too, though they return only one of its results).
      const values = name === 'argsort' ? undefined : fresh(t, outputs[0]!, [x])
      const indices = name === 'topk' || name === 'sort' ? fresh(t, outputs[1]!, [x], false) : name === 'argsort' ? fresh(t, outputs[0]!, [x], false) : t.ctx.tensor(x.shape, 'int64', false)
      ops.saveIf(t.ctx, x.requiresGrad, indices)
      return name === 'argsort' ? [indices] : name === 'msort' ? [values!] : [values!, indices]
    }
    case 'masked_fill':
    case 'masked_fill_': {
      const mask = argAt(args, 0, 'mask')
      if (mask?.kind !== 'tensor') return raise('TypeError', 'argument-type', '`masked_fill` needs a mask tensor.', span)
      return [maskedFill(t, x, traceOf(t, mask), shape, name === 'masked_fill_')]
    }
    case 'matmul':
    case 'mm':
    case 'spmm':
    case 'bmm':
      return [matmulOf(t, x, tensorArgs[0]!, span)]
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow': {
      const other = argAt(args, 0, name === 'pow' ? 'exponent' : 'other')
      if (!other) return raise('TypeError', 'missing-argument', `\`${name}\` needs a second operand.`, span)
      const self = new TensorValue([...x.shape], x.dtype, x.requiresGrad, undefined, x)
      return [binary(t, name, self, other, shape, false, span)]
    }
    case 'add_':
    case 'sub_':
    case 'mul_':
    case 'div_':
    case 'pow_': {
      const other = argAt(args, 0, name === 'pow_' ? 'exponent' : 'other')
      if (!other) return raise('TypeError', 'missing-argument', `\`${name}\` needs a second operand.`, span)
      const self = new TensorValue([...x.shape], x.dtype, x.requiresGrad, undefined, x)
      return [binary(t, name.slice(0, -1), self, other, shape, true, span)]
    }
    case 'scatter':
    case 'scatter_':
    case 'scatter_add':
    case 'scatter_add_': {
      // The gradients of `self` and of `src` read the index (`grad.scatter(dim, index, 0)`, `grad.gather(dim, index)`).
      const index = traceOf(t, argAt(args, 1, 'index') as TensorValue)
      const src = argAt(args, 2, 'src')
      const srcTensor = src?.kind === 'tensor' ? traceOf(t, src) : undefined
      const inplace = name.endsWith('_')
      const out = inplace && !srcTensor?.requiresGrad ? x : ops.result(t.ctx, shape.shape, shape.dtype, srcTensor ? [x, srcTensor] : [x])
      t.ctx.use(index)
      ops.saveIf(t.ctx, x.requiresGrad || (srcTensor?.requiresGrad ?? false), index)
      return [out]
    }
    case 'index_copy':
    case 'index_copy_': {
      // `IndexCopyBackward` keeps the index and `source` (the source's gradient is `grad.index_select(...)` shaped as it).
      const index = traceOf(t, argAt(args, 1, 'index') as TensorValue)
      const source = traceOf(t, argAt(args, 2, 'source') as TensorValue)
      const grad = x.requiresGrad || source.requiresGrad
      const out = name === 'index_copy_' && x.requiresGrad === grad ? x : ops.result(t.ctx, shape.shape, shape.dtype, [x, source])
      t.ctx.use(index, source)
      ops.saveIf(t.ctx, grad, index, source)
      return [grad && !out.requiresGrad ? { ...out, requiresGrad: true } : out]
    }
    case 'copy_': {
      // `x.copy_(src)` writes `src` (broadcast and cast) into `x`'s storage; `CopyBackwards` keeps nothing.
      const src = argAt(args, 0, 'src')
      return [src?.kind === 'tensor' ? ops.addInPlace(t.ctx, x, traceOf(t, src)) : x]
    }
    case 'isfinite': {
      // Runs `self.abs()`, whose AbsBackward0 keeps `self` when it requires grad (measured with PyTorch 2.13).
      const out = fresh(t, shape, [x], false)
      ops.saveIf(t.ctx, x.requiresGrad, x)
      return [out]
    }
    case 'isclose': {
      // Runs as `|self - other| <= atol + |rtol * other|` and `isfinite(|self - other|)`: with a gradient, the two
      // `abs` keep the difference and its absolute value, and `rtol * other` when `other` requires grad (measured with
      // PyTorch 2.13's saved-tensor hooks).
      // With `rtol=0` and `atol=0` it is `self == other` alone.
      const other = tensorArgs[0]!
      const out = fresh(t, shape, [x, other], false)
      const tolerance = (position: number, name: string): number | undefined => {
        const v = argAt(args, position, name)
        return v?.kind === 'int' ? Number(v.value) : v?.kind === 'float' ? v.value : undefined
      }
      if (tolerance(1, 'rtol') === 0 && tolerance(2, 'atol') === 0) return [out]
      const difference = (): Tensor => t.ctx.tensor(shape.shape, x.dtype, false)
      ops.saveIf(t.ctx, ops.anyRequiresGrad(x, other), difference(), difference())
      ops.saveIf(t.ctx, other.requiresGrad, t.ctx.tensor(other.shape, other.dtype, false))
      return [out]
    }
    case 'masked_select': {
      // MaskedSelectBackward0 keeps the mask and `self` (for its sizes), measured with PyTorch 2.13.
      const mask = traceOf(t, argAt(args, 0, 'mask') as TensorValue)
      return [indexedResult(t, x, mask, shape, [mask, x])]
    }
    case 'index_select': {
      // IndexSelectBackward0 keeps only the index (int32 or int64, as given), measured with PyTorch 2.13.
      const index = traceOf(t, argAt(args, 1, 'index') as TensorValue)
      return [indexedResult(t, x, index, shape, [index])]
    }
    case 'take_along_dim': {
      // A `gather` of `self` (broadcast: a view) and the indices, copied when broadcasting changes their shape:
      // GatherBackward0 keeps both (measured with PyTorch 2.13). Without `dim`, both are flattened first.
      const index = traceOf(t, argAt(args, 0, 'indices') as TensorValue)
      const out = ops.result(t.ctx, shape.shape, shape.dtype, [x])
      t.ctx.use(index)
      const indexShape = argAt(args, 1, 'dim')?.kind === 'int' ? shape.shape : [index.shape.reduce((n, d) => n * d, 1)]
      const sameShape = indexShape.length === index.shape.length && indexShape.every((d, i) => d === index.shape[i])
      ops.saveIf(t.ctx, x.requiresGrad, sameShape ? index : t.ctx.tensor(indexShape, index.dtype, false), x)
      return [out]
    }
    case 'gather': {
      // `gather_backward` reads `self` (for its sizes, but autograd keeps the tensor) and the index.
      const index = traceOf(t, argAt(args, 1, 'index') as TensorValue)
      return [indexedResult(t, x, index, shape, [index, x])]
    }
    case 'fill_':
    case 'zero_':
    case 'bernoulli_':
      return [x]
    default:
      return distanceOrProduct(t, name, x, args, outputs, span)
  }
}

/**
 * The distances, products and statistics of {@link method} (`cdist`, `logsumexp`, `outer`, `baddbmm`, `cumprod`, …) and
 * what each keeps for backward in PyTorch 2.13 (derivatives.yaml, checked with saved-tensor hooks).
 */
function distanceOrProduct(t: TraceOps, name: string, x: Tensor, args: readonly ArgValue[], outputs: readonly TensorValue[], span: SourceSpan): Tensor[] {
  const shape = outputs[0]!
  const tensorAt = (position: number, argName: string): Tensor => {
    const v = argAt(args, position, argName)
    return v?.kind === 'tensor' ? traceOf(t, v) : raise('TypeError', 'argument-type', `\`${name}\` needs a tensor \`${argName}\`.`, span)
  }
  switch (name) {
    case 'logsumexp':
      return [ops.logsumexp(t.ctx, x, dimsArg(args, x.shape.length, span), boolArg(t, args, 1, 'keepdim', false, span), shape.dtype)]
    case 'cumprod': {
      const out = fresh(t, shape, [x])
      ops.saveIf(t.ctx, x.requiresGrad, x, out)
      return [out]
    }
    case 'logcumsumexp': {
      // `LogcumsumexpBackward0` keeps the input and the result.
      const out = fresh(t, shape, [x])
      ops.saveIf(t.ctx, x.requiresGrad, x, out)
      return [out]
    }
    case 'median':
    case 'nanmedian':
    case 'cummax':
    case 'cummin':
    case 'kthvalue':
    case 'mode': {
      if (outputs.length === 1) {
        // `median()` of the whole tensor: `MedianBackward0` keeps the input and the result.
        const out = fresh(t, shape, [x])
        ops.saveIf(t.ctx, x.requiresGrad, x, out)
        return [out]
      }
      // Values and int64 indices: `cummax`/`cummin` keep the input and the indices, `kthvalue`, `mode` and `median(dim)`
      // the indices.
      const values = fresh(t, outputs[0]!, [x])
      const indices = fresh(t, outputs[1]!, [x], false)
      if (name === 'cummax' || name === 'cummin') ops.saveIf(t.ctx, x.requiresGrad, x)
      ops.saveIf(t.ctx, x.requiresGrad, indices)
      return [values, indices]
    }
    case 'var_mean':
    case 'std_mean': {
      // One node for both results: it keeps the input, and `std_mean` the standard deviation too.
      const statistic = fresh(t, outputs[0]!, [x])
      const mean = fresh(t, outputs[1]!, [x])
      ops.saveIf(t.ctx, x.requiresGrad, x)
      if (name === 'std_mean') ops.saveIf(t.ctx, x.requiresGrad, statistic)
      return [statistic, mean]
    }
    case 'outer':
    case 'ger':
      // `a.reshape(-1, 1) * b`: a view of `a`, then a product that keeps each operand for the other's gradient.
      return [ops.mul(t.ctx, reshapeOf(t, x, [x.shape[0]!, 1], false, span), tensorAt(0, 'vec2'), shape.dtype)]
    case 'baddbmm':
      return [ops.baddbmm(t.ctx, x, tensorAt(0, 'batch1'), tensorAt(1, 'batch2'))]
    case 'lerp':
    case 'lerp_': {
      // A Python number weight (`LerpBackward0`) keeps nothing. A tensor weight (`LerpBackward1`) is kept whenever the
      // node has a gradient to compute, and the start and end are kept for the weight's own (in place: a copy of the
      // start as it was).
      const end = tensorAt(0, 'end')
      const w = argAt(args, 1, 'weight')
      const weight = w?.kind === 'tensor' ? traceOf(t, w) : undefined
      const operands = weight ? [x, end, weight] : [x, end]
      const grad = ops.anyRequiresGrad(...operands) && t.ctx.gradEnabled()
      let out: Tensor
      if (name === 'lerp_') {
        t.ctx.use(...operands.slice(1))
        out = grad && !x.requiresGrad ? { ...x, requiresGrad: true } : x
      } else out = fresh(t, shape, operands)
      if (weight) {
        ops.saveIf(t.ctx, grad, weight)
        if (weight.requiresGrad) ops.saveIf(t.ctx, grad, name === 'lerp_' ? t.ctx.tensor(x.shape, x.dtype, false) : x, end)
      }
      return [out]
    }
    case 'tensordot': {
      const other = tensorAt(0, 'b')
      const given = args.filter((a) => a.name === undefined)[1]?.value ?? args.find((a) => a.name === 'dims')?.value ?? int(2)
      const pairs = tensordotDims(t.it, new TensorValue([...x.shape], x.dtype), new TensorValue([...other.shape], other.dtype), given, span)
      return [tensordotTraced(t, x, other, pairs, span)]
    }
    case 'quantile':
    case 'nanquantile':
      return [quantileTraced(t, name, x, args, span)]
    case 'addmm':
    case 'addmm_': {
      // `AddmmBackward0` keeps each matrix for the other's gradient; FlopCounterMode counts `aten.addmm`, but not
      // `aten.addmm_`, whose result is written into `x`.
      const [a, b] = [tensorAt(0, 'mat1'), tensorAt(1, 'mat2')]
      const inPlace = name === 'addmm_'
      return [ops.productAdded(t.ctx, x, a, b, shape.shape, ops.product([...a.shape, b.shape[1]!]), inPlace ? null : 'aten.addmm', inPlace)]
    }
    case 'addbmm': {
      const [a, b] = [tensorAt(0, 'batch1'), tensorAt(1, 'batch2')]
      return [ops.productAdded(t.ctx, x, a, b, shape.shape, ops.product([...a.shape, b.shape[2]!]), null)]
    }
    case 'addmv': {
      const [a, b] = [tensorAt(0, 'mat'), tensorAt(1, 'vec')]
      return [ops.productAdded(t.ctx, x, a, b, shape.shape, ops.product(a.shape), null)]
    }
    case 'mv':
      return [ops.productAdded(t.ctx, undefined, x, tensorAt(0, 'vec'), shape.shape, ops.product(x.shape), null)]
    case 'dot':
    case 'vdot':
      return [ops.productAdded(t.ctx, undefined, x, tensorAt(0, name === 'dot' ? 'tensor' : 'other'), shape.shape, ops.product(x.shape), null)]
    case 'atan2':
    case 'arctan2':
    case 'hypot':
    case 'dist':
    case 'cross': {
      const other = tensorAt(0, 'other')
      const out = fresh(t, shape, [x, other])
      if (name === 'cross') {
        // Each operand is kept for the other's gradient.
        ops.saveIf(t.ctx, other.requiresGrad, x)
        ops.saveIf(t.ctx, x.requiresGrad, other)
      } else if (name === 'hypot') {
        // Each operand for its own gradient, and the result for either.
        ops.saveIf(t.ctx, x.requiresGrad, x)
        ops.saveIf(t.ctx, other.requiresGrad, other)
        ops.saveIf(t.ctx, out.requiresGrad, out)
      } else ops.saveIf(t.ctx, out.requiresGrad, x, other, ...(name === 'dist' ? [out] : []))
      return [out]
    }
    case 'addcmul':
    case 'addcdiv': {
      const [t1, t2] = [tensorAt(0, 'tensor1'), tensorAt(1, 'tensor2')]
      const out = fresh(t, shape, [x, t1, t2])
      // `addcmul` keeps each factor for the other's gradient; `addcdiv` keeps the divisor whenever it has a backward
      // node (also for `input` alone), and the dividend for the divisor's gradient.
      ops.saveIf(t.ctx, name === 'addcmul' ? t1.requiresGrad : ops.anyRequiresGrad(x, t1, t2), t2)
      ops.saveIf(t.ctx, t2.requiresGrad, t1)
      return [out]
    }
    case 'diff': {
      // `prepend` and `append` joined first (a new tensor), then `n` differences of two slices (views), each new.
      const dim = wrapDimension(intArg(args, 1, 'dim', -1, span), x.shape.length, span)
      const joined = [argAt(args, 2, 'prepend'), argAt(args, 3, 'append')].filter((v): v is TensorValue => v?.kind === 'tensor').map((v) => traceOf(t, v))
      let current = joined.length === 0 ? x : ops.result(t.ctx, x.shape.map((d, i) => (i === dim ? joined.reduce((n, j) => n + j.shape[dim]!, d) : d)), shape.dtype, [x, ...joined])
      for (let n = intArg(args, 0, 'n', 1, span); n > 0; n--) current = ops.result(t.ctx, current.shape.map((d, i) => (i === dim ? Math.max(0, d - 1) : d)), shape.dtype, [current])
      return [current]
    }
    case 'cdist': {
      const other = tensorAt(0, 'x2')
      const p = argAt(args, 1, 'p')
      const mode = argAt(args, 2, 'compute_mode')
      const path = ops.cdistPath(x.shape, other.shape, p?.kind === 'int' ? Number(p.value) : p?.kind === 'float' ? p.value : 2, mode?.kind !== 'str' || mode.value === 'use_mm_for_euclid_dist_if_necessary' ? 'if-necessary' : mode.value === 'use_mm_for_euclid_dist' ? 'always' : 'never')
      return [ops.cdist(t.ctx, x, other, path)]
    }
    case 'cosine_similarity': {
      const other = tensorAt(0, 'x2')
      const rank = Math.max(x.shape.length, other.shape.length)
      return [ops.cosineSimilarity(t.ctx, x, other, wrapDimension(intArg(args, 1, 'dim', 1, span), rank, span))]
    }
    default: {
      if (!freshOps.has(name)) throw new NnsizeError('unsupported', `\`${name}\` is not supported yet in forward.`, { span })
      const tensorArgs = args.map((a) => a.value).filter((v): v is TensorValue => v.kind === 'tensor').map((v) => traceOf(t, v))
      return outputs.map((o) => fresh(t, o, [x, ...tensorArgs], differentiableFreshOps.has(name)))
    }
  }
}
