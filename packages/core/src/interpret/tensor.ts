import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { limits } from '../limits.js'
import type { CmpOperator, Operator, UnaryOperator } from '../python/ast.js'
import { dtypeAliases, dtypeBytes, isFloatingDType, scalarTypeName } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { numel } from '../tensor/shape.js'
import { broadcastResult, broadcastShapes as broadcastRule, expandedShape, inPlaceBroadcastError } from '../tensor/broadcast.js'
import { raise } from './exceptions.js'
import type { Interpreter } from './interpreter.js'
import { einsumShape } from './einsum.js'
import { ndarrayAttr, ndarrayBinary, ndarrayCompare, ndarrayGetItem, ndarrayIterate, ndarrayLength, ndarraySetAttr, ndarraySetItem, ndarrayUnary, newArray } from './modules/numpy-array.js'
import { classOf, placeholderError } from './objects.js'
import type { Iter } from './operators.js'
import { rangeLength } from './operators.js'
import { sliceIndices } from './subscript.js'
import { pytorchName } from './modules/torch-names.js'
import { tensorDecomposition } from './modules/linalg.js'
import { sizeClass } from './types.js'
import { allAnyValues, arangeValues, arithmeticValues, assignValues, clampValues, comparisonValues, currentValues, elementwiseValues, knownValues, linspaceValues, markWritten, negatedValues, nestedNumbers, numberOf, powValues, recordView, reductionValues, selectFirst, shareStorage, tensorItem, tensorToList, withLazyValues, withValues } from './tensor-values.js'
import { NONE, TensorValue, bool, float, int, isNdarray, native, str, tuple, typeName } from '../contract/values.js'
import type { ArgValue, CallableValue, Value } from '../contract/values.js'

/** The dtype of new floating-point tensors (`torch.get_default_dtype()`). */
export const defaultFloat: DType = 'float32'

/** Type-promotion category: bool < integer < floating point < complex. */
function category(dtype: DType): number {
  if (dtype === 'bool') return 0
  if (dtype.startsWith('complex')) return 3
  if (isFloatingDType(dtype)) return 2
  return 1
}

const integerOrder: DType[] = ['uint8', 'int8', 'int16', 'int32', 'int64']
const floatOrder: DType[] = ['float8_e5m2', 'float8_e4m3fn', 'float16', 'bfloat16', 'float32', 'float64']

/** `torch.promote_types(a, b)`. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a
  const ca = category(a)
  const cb = category(b)
  if (ca !== cb) {
    const [hi, lo] = ca > cb ? [a, b] : [b, a]
    if (category(hi) === 3 && lo === 'float64') return 'complex128'
    return hi
  }
  if (ca === 1) {
    if ((a === 'uint8' && b === 'int8') || (a === 'int8' && b === 'uint8')) return 'int16'
    return integerOrder.indexOf(a) > integerOrder.indexOf(b) ? a : b
  }
  if (ca === 2) {
    if ((a === 'float16' && b === 'bfloat16') || (a === 'bfloat16' && b === 'float16')) return 'float32'
    return floatOrder.indexOf(a) > floatOrder.indexOf(b) ? a : b
  }
  if (ca === 3) return a === 'complex128' || b === 'complex128' ? 'complex128' : 'complex64'
  return a
}

/** The default dtype of a Python number's category. */
function scalarDType(v: Value): DType | undefined {
  switch (v.kind) {
    case 'bool':
      return 'bool'
    case 'int':
      return 'int64'
    case 'float':
      return defaultFloat
    case 'complex':
      return 'complex64'
    default:
      return undefined
  }
}

/** `torch.result_type` of operands: dimensioned tensors, then zero-dim tensors, then Python numbers, each only when of a higher category. */
export function resultType(operands: readonly Value[]): DType {
  let dims: DType | undefined
  let zeroDim: DType | undefined
  let scalar: DType | undefined
  for (const v of operands) {
    if (v.kind === 'tensor') {
      if (v.shape.length > 0) dims = dims === undefined ? v.dtype : promoteTypes(dims, v.dtype)
      else zeroDim = zeroDim === undefined ? v.dtype : promoteTypes(zeroDim, v.dtype)
    } else {
      const d = scalarDType(v)
      if (d) scalar = scalar === undefined ? d : category(d) > category(scalar) ? d : scalar
    }
  }
  let result = dims ?? zeroDim ?? scalar ?? defaultFloat
  if (dims !== undefined && zeroDim !== undefined && category(zeroDim) > category(result)) result = zeroDim
  if (scalar !== undefined && category(scalar) > category(result)) {
    result = category(scalar) === 3 && result === 'float64' ? 'complex128' : scalar
  }
  return result
}

/**
 * Whether a complex Python number meets a float16 tensor (and nothing of a higher category): PyTorch then computes in
 * complex32 (`1j * x.half()`), a dtype nnsize does not model.
 */
function complexHalf(operands: readonly Value[]): boolean {
  if (!operands.some((v) => v.kind === 'complex')) return false
  const tensors = operands.filter((v): v is TensorValue => v.kind === 'tensor')
  const dims = tensors.filter((v) => v.shape.length > 0)
  const deciding = (dims.length > 0 && !tensors.some((v) => v.shape.length === 0 && category(v.dtype) > category(dims[0]!.dtype)) ? dims : tensors).map((v) => v.dtype)
  return deciding.length > 0 && deciding.every((d) => d === 'float16' || category(d) < 2) && deciding.includes('float16')
}

/** A new tensor value (no parameter, no storage). */
export function newTensor(shape: number[], dtype: DType, requiresGrad = false): TensorValue {
  return new TensorValue(shape, dtype, requiresGrad)
}

function checkShape(it: Interpreter, shape: readonly number[], span: SourceSpan): number[] {
  if (shape.length > 64) raise('RuntimeError', 'argument-value', `A tensor of ${shape.length} dimensions; at most 64 are supported.`, span)
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) raise('RuntimeError', 'argument-value', `Invalid tensor size ${d} in (${shape.join(', ')}).`, span)
  }
  void it
  return [...shape]
}

/** Reads one size: an int (also a 0-dim int tensor is refused: its value is unknown). */
function sizeOf(v: Value, span: SourceSpan, what = 'size'): number {
  if (v.kind === 'int') {
    if (v.value > BigInt(limits.maxDimension) || v.value < -BigInt(limits.maxDimension)) {
      throw new NnsizeError('limit', `A tensor ${what} of ${v.value} is beyond the largest supported size ${limits.maxDimension}.`, { span })
    }
    return Number(v.value)
  }
  if (v.kind === 'bool') return v.value ? 1 : 0
  if (v.kind === 'placeholder') throw placeholderError(v, span)
  if (v.kind === 'tensor') return raise('TypeError', 'unsupported', `A ${what} given by a tensor's value is not known to nnsize.`, span)
  return raise('TypeError', 'argument-type', `A tensor ${what} must be an int, got ${typeName(v)}.`, span)
}

/** Sizes given as `f(2, 3)`, `f((2, 3))`, `f([2, 3])` or `f(torch.Size(...))`. */
export function sizesOf(values: readonly Value[], span: SourceSpan): number[] {
  if (values.length === 1 && (values[0]!.kind === 'tuple' || values[0]!.kind === 'list')) return (values[0] as { items: Value[] }).items.map((v) => sizeOf(v, span))
  return values.map((v) => sizeOf(v, span))
}

/** A dimension index, negative from the end, checked against `rank` (`allowEnd` for `unsqueeze`-like positions). */
export function wrapDimension(v: Value | number, rank: number, span: SourceSpan, allowEnd = false): number {
  const d = typeof v === 'number' ? v : sizeOf(v, span, 'dimension')
  const n = allowEnd ? rank + 1 : rank
  const r = Math.max(n, 1)
  const wrapped = d < 0 ? d + r : d
  if (wrapped < 0 || wrapped >= r) raise('IndexError', 'argument-value', `Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${d}).`, span)
  return wrapped
}

/** Broadcasts shapes as PyTorch does (`tensor/broadcast.ts`); a `RuntimeError` (code `shape`) when they do not fit. */
export function broadcastShapes(shapes: ReadonlyArray<readonly number[]>, span: SourceSpan): number[] {
  return broadcastRule(shapes, (message) => raise('RuntimeError', 'shape', message, span))
}

/** The check of an op that writes into a tensor of shape `output`: a `RuntimeError` (code `shape`) in PyTorch's words. */
function checkInPlace(output: readonly number[], operands: ReadonlyArray<readonly number[]>, span: SourceSpan): void {
  const message = inPlaceBroadcastError(output, operands)
  if (message !== undefined) raise('RuntimeError', 'shape', message, span)
}

/** `t.expand(*sizes)`: the shape, or a `RuntimeError` (code `shape`) in PyTorch's words. */
function expandShape(shape: readonly number[], sizes: readonly number[], span: SourceSpan): number[] {
  const r = expandedShape(shape, sizes)
  return r.shape ?? raise('RuntimeError', 'shape', r.error, span)
}

function shapeOfOperand(v: Value, span: SourceSpan): number[] | undefined {
  if (v.kind === 'tensor') return v.shape
  if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool' || v.kind === 'complex') return []
  if (v.kind === 'placeholder') throw placeholderError(v, span)
  return undefined
}

/** Hooks into the forward trace: tensors that carry a trace tensor are computed there. */
function traced(it: Interpreter, name: string, operands: readonly Value[], args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  // In a traced forward, parameters and buffers (`self.pe[:, :T]`) go to the trace too, as their storage is never an activation.
  if (!operands.some((v) => v.kind === 'tensor' && (v.trace !== undefined || (it.forwardOps !== undefined && v.def !== undefined)))) return undefined
  const hook = it.forwardOps
  const result = hook?.(name, operands, args, span)
  if (result !== undefined) return result
  throw new NnsizeError('unsupported', `\`${name}\` is not supported yet in forward.`, { span })
}

const arithmeticNames: Partial<Record<Operator, string>> = { Add: 'add', Sub: 'sub', Mult: 'mul', Div: 'div', FloorDiv: 'floor_divide', Mod: 'remainder', Pow: 'pow', MatMult: 'matmul', BitAnd: 'bitwise_and', BitOr: 'bitwise_or', BitXor: 'bitwise_xor', LShift: 'bitwise_left_shift', RShift: 'bitwise_right_shift' }

/** `a op b` where one side is a tensor: broadcast shapes and promoted dtype. */
export function tensorBinary(it: Interpreter, op: Operator, left: Value, right: Value, span: SourceSpan, inPlace = false): Value {
  // numpy arrays follow numpy's rules; a torch tensor on the left reads an array as a tensor.
  if (isNdarray(left) || (isNdarray(right) && left.kind !== 'tensor')) return ndarrayBinary(it, op, left, right, span, inPlace)
  const name = arithmeticNames[op] ?? op
  const hooked = traced(it, inPlace ? `${name}_` : name, [left, right], [], span)
  if (hooked) return hooked
  if (op === 'MatMult') return matmul(left, right, span)
  const a = shapeOfOperand(left, span)
  const b = shapeOfOperand(right, span)
  if (!a || !b) raise('TypeError', 'type', `Unsupported operand types for \`${name}\`: ${typeName(left)} and ${typeName(right)}.`, span)
  const shape = broadcastShapes([a, b], span)
  let dtype = resultType([left, right])
  if (complexHalf([left, right])) throw new NnsizeError('unsupported', 'A complex Python number with a float16 tensor makes a complex32 (`torch.chalf`) tensor, which is not supported yet.', { span })
  if (op === 'Div' && category(dtype) < 2) dtype = defaultFloat
  if ((op === 'BitAnd' || op === 'BitOr' || op === 'BitXor') && category(dtype) > 1) raise('RuntimeError', 'type', `\`${name}\` is only defined for integer and bool tensors.`, span)
  // `t >> 2` (sooftware/conformer's output lengths): integer shifts; a bool tensor shifts as int64, as PyTorch promotes it.
  if (op === 'LShift' || op === 'RShift') {
    if (category(dtype) > 1) raise('NotImplementedError', 'type', `"${op === 'LShift' ? 'lshift' : 'rshift'}_cpu" not implemented for '${scalarTypeName(dtype)}'`, span)
    if (dtype === 'bool') dtype = 'int64'
  }
  if (inPlace && left.kind === 'tensor') {
    // The result is written into `left`: its shape and dtype stay, so the broadcast must not grow it and the
    // promoted type must cast to it (`torch.can_cast`).
    checkInPlace(left.shape, [b], span)
    if (category(dtype) > category(left.dtype)) raise('RuntimeError', 'type', `result type ${scalarTypeName(dtype)} can't be cast to the desired output type ${scalarTypeName(left.dtype)}`, span)
    markWritten(left)
    return left
  }
  const values = op === 'Pow' ? powValues(left, right, dtype) : arithmeticValues(op, left, right, shape, dtype)
  return withValues(newTensor(shape, dtype, operandRequiresGrad(left) || operandRequiresGrad(right)), values)
}

function operandRequiresGrad(v: Value): boolean {
  return v.kind === 'tensor' && v.requiresGrad
}

function matmul(left: Value, right: Value, span: SourceSpan): Value {
  if (left.kind !== 'tensor' || right.kind !== 'tensor') return raise('TypeError', 'type', '`@` needs two tensors.', span)
  const a = left.shape
  const b = right.shape
  // one dtype: PyTorch multiplies no float16 matrix by a float32 one (numpy arrays promote)
  if (left.dtype !== right.dtype && !isNdarray(left) && !isNdarray(right)) {
    raise('RuntimeError', 'type', `expected m1 and m2 to have the same dtype, but got: ${scalarTypeName(left.dtype)} != ${scalarTypeName(right.dtype)}`, span)
  }
  const dtype = promoteTypes(left.dtype, right.dtype)
  if (a.length === 0 || b.length === 0) raise('RuntimeError', 'shape', 'Both arguments to matmul need to be at least 1D.', span)
  const inner = (x: number, y: number): void => {
    if (x !== y) raise('RuntimeError', 'shape', `mat1 and mat2 shapes cannot be multiplied: (${a.join(', ')}) and (${b.join(', ')}).`, span)
  }
  if (a.length === 1 && b.length === 1) {
    inner(a[0]!, b[0]!)
    return newTensor([], dtype)
  }
  if (b.length === 1) {
    inner(a.at(-1)!, b[0]!)
    return newTensor(a.slice(0, -1), dtype)
  }
  if (a.length === 1) {
    inner(a[0]!, b.at(-2)!)
    return newTensor([...b.slice(0, -2), b.at(-1)!], dtype)
  }
  inner(a.at(-1)!, b.at(-2)!)
  const batch = broadcastShapes([a.slice(0, -2), b.slice(0, -2)], span)
  return newTensor([...batch, a.at(-2)!, b.at(-1)!], dtype, left.requiresGrad || right.requiresGrad)
}

/** `a == b`, `a < b`, … with a tensor: a bool tensor of the broadcast shape. */
export function tensorCompare(it: Interpreter, op: CmpOperator, left: Value, right: Value, span: SourceSpan): Value {
  if (isNdarray(left) || isNdarray(right)) return ndarrayCompare(it, op, left, right, span)
  const hooked = traced(it, op.toLowerCase(), [left, right], [], span)
  if (hooked) return hooked
  const a = shapeOfOperand(left, span)
  const b = shapeOfOperand(right, span)
  if (!a || !b) {
    // `tensor == None` and the like compare identity in PyTorch (False), `!=` gives True.
    return bool(op === 'NotEq')
  }
  const shape = broadcastShapes([a, b], span)
  return withValues(newTensor(shape, 'bool'), comparisonValues(op, left, right, shape, resultType([left, right])))
}

/** `-t`, `+t`, `~t`. */
export function tensorUnary(it: Interpreter, op: UnaryOperator, t: TensorValue, span: SourceSpan): Value {
  if (t.ndarray) return ndarrayUnary(op, t, span)
  const hooked = traced(it, op === 'USub' ? 'neg' : op === 'Invert' ? 'bitwise_not' : 'positive', [t], [], span)
  if (hooked) return hooked
  if (op === 'Invert' && category(t.dtype) > 1) raise('RuntimeError', 'type', '`~` is only defined for integer and bool tensors.', span)
  return withValues(newTensor([...t.shape], t.dtype, t.requiresGrad), op === 'USub' ? negatedValues(t) : op === 'UAdd' ? currentValues(t) : undefined)
}

/** `len(t)`: the size of the first dimension. */
export function tensorLength(t: TensorValue, span: SourceSpan): number {
  if (t.ndarray) return ndarrayLength(t, span)
  if (t.shape.length === 0) raise('TypeError', 'type', '`len()` of a 0-d tensor.', span)
  return t.shape[0]!
}

/** Iterating a tensor gives its slices along the first dimension. */
export function tensorIterate(it: Interpreter, t: TensorValue, span: SourceSpan): Iter {
  if (t.ndarray) return ndarrayIterate(it, t, span)
  const n = tensorLength(t, span)
  let i = 0
  return () => {
    if (i >= n) return undefined
    it.budget.step(span)
    i++
    // In a traced forward, each item is a view of the tensor (`x.select(0, i)`).
    const index = { value: int(i - 1), span, valueSpan: span }
    const hooked = traced(it, 'select', [t, int(0), index.value], [{ value: int(0), span, valueSpan: span }, index], span)
    if (hooked) return hooked
    const item = newTensor(t.shape.slice(1), t.dtype, t.requiresGrad)
    shareStorage(item, t, selectFirst(t, i - 1))
    return item
  }
}

// ---------------------------------------------------------------------------------------------
// Indexing

/** The shape `t[index]` selects: ints drop a dimension, slices keep a part, `None` adds one, `...` fills, int lists and tensors index. */
function indexedShape(it: Interpreter, shape: readonly number[], index: Value, span: SourceSpan): number[] {
  const items = index.kind === 'tuple' ? index.items : [index]
  // An index from a library nnsize does not read (`np.newaxis` of a numpy it does not model) is that library's error.
  for (const v of items) if (v.kind === 'placeholder') throw placeholderError(v, span)
  const consumes = (v: Value): number => (v.kind === 'none' || v.kind === 'ellipsis' ? 0 : v.kind === 'tensor' && v.dtype === 'bool' ? v.shape.length : v.kind === 'bool' ? 0 : 1)
  const used = items.reduce((n, v) => n + consumes(v), 0)
  if (used > shape.length) raise('IndexError', 'argument-value', `Too many indices for a tensor of dimension ${shape.length}.`, span)
  const out: number[] = []
  let dim = 0
  const advancedShapes: number[][] = []
  let advancedAt = -1
  let lastAdvanced = -2
  let separated = false
  items.forEach((v, position) => {
    switch (v.kind) {
      case 'none':
        out.push(1)
        return
      case 'bool':
        out.push(v.value ? 1 : 0)
        return
      case 'ellipsis': {
        const fill = shape.length - used
        for (let i = 0; i < fill; i++) out.push(shape[dim++]!)
        return
      }
      case 'slice':
        out.push(sliceIndices(v, shape[dim++]!, span).count)
        return
      case 'int': {
        const size = shape[dim++]!
        const i = v.value < 0n ? v.value + BigInt(size) : v.value
        if (i < 0n || i >= BigInt(size)) raise('IndexError', 'argument-value', `Index ${v.value} is out of bounds for dimension ${dim - 1} with size ${size}.`, span)
        return
      }
      case 'list':
      case 'tuple':
      case 'tensor': {
        if (v.kind === 'tensor' && v.dtype === 'bool') raise('IndexError', 'unsupported', 'Indexing with a boolean mask selects a number of elements that depends on the values, which nnsize does not compute.', span)
        if (v.kind === 'tensor' && category(v.dtype) !== 1) raise('IndexError', 'argument-type', 'Tensors used as indices must be long, int, byte or bool tensors.', span)
        const indexShape = v.kind === 'tensor' ? v.shape : nestedShape(it, v, span)
        dim++
        if (lastAdvanced >= 0 && lastAdvanced !== position - 1) separated = true
        lastAdvanced = position
        advancedShapes.push(indexShape)
        if (advancedAt < 0) advancedAt = out.length
        return
      }
      case 'placeholder':
        throw placeholderError(v, span)
      default:
        raise('IndexError', 'argument-type', `A tensor cannot be indexed with ${typeName(v)}.`, span)
    }
  })
  while (dim < shape.length) out.push(shape[dim++]!)
  if (advancedShapes.length > 0) {
    // The index tensors broadcast together; PyTorch names them all when they do not.
    const advanced = broadcastResult(advancedShapes).shape
    if (!advanced) raise('IndexError', 'shape', `shape mismatch: indexing tensors could not be broadcast together with shapes ${advancedShapes.map((s) => `[${s.join(', ')}]`).join(', ')}`, span)
    if (separated) return [...advanced, ...out]
    out.splice(advancedAt, 0, ...advanced)
  }
  return out
}

/** The shape of nested lists of numbers (`torch.tensor([[1, 2], [3, 4]])` is (2, 2)). */
function nestedShape(it: Interpreter, v: Value, span: SourceSpan): number[] {
  if (v.kind === 'tensor') return [...v.shape]
  // A range is a sequence of ints (`torch.tensor(range(4))` is int64 of (4,)).
  if (v.kind === 'range') return [Number(rangeLength(v))]
  if (v.kind !== 'list' && v.kind !== 'tuple') {
    if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool' || v.kind === 'complex') return []
    if (v.kind === 'placeholder') throw placeholderError(v, span)
    if (v.kind === 'str') return raise('TypeError', 'argument-type', "new(): invalid data type 'str'", span)
    return raise('RuntimeError', 'argument-type', `Could not infer dtype of ${classOf(it, v, span).name}`, span)
  }
  if (v.items.length === 0) return [0]
  const inner = nestedShape(it, v.items[0]!, span)
  for (const item of v.items) {
    const s = nestedShape(it, item, span)
    if (s.length !== inner.length || s.some((d, i) => d !== inner[i])) raise('ValueError', 'argument-value', 'Expected a sequence of equal-length sequences.', span)
  }
  return [v.items.length, ...inner]
}

/** The dtype of nested Python numbers: bool, int64, float32 or complex64 as `torch.tensor` infers it. */
function nestedDType(v: Value): DType {
  if (v.kind === 'tensor') return v.dtype
  if (v.kind === 'range') return 'int64'
  if (v.kind === 'list' || v.kind === 'tuple') {
    let d: DType | undefined
    for (const item of v.items) {
      const x = nestedDType(item)
      d = d === undefined ? x : category(x) > category(d) ? x : d
    }
    return d ?? defaultFloat
  }
  return scalarDType(v) ?? defaultFloat
}

/** `t[index]`. */
export function tensorGetItem(it: Interpreter, t: TensorValue, index: Value, span: SourceSpan): Value {
  if (t.ndarray) return ndarrayGetItem(it, t, index, span)
  const hooked = traced(it, '__getitem__', [t, index], [], span)
  if (hooked) return hooked
  const result = newTensor(indexedShape(it, t.shape, index, span), t.dtype, t.requiresGrad)
  // `t[i]` of the first dimension keeps the values; any other selection is a view (or a copy) whose values are not computed.
  const first = index.kind === 'int' && t.shape.length > 0 ? Number(index.value < 0n ? index.value + BigInt(t.shape[0]!) : index.value) : undefined
  shareStorage(result, t, first === undefined ? undefined : selectFirst(t, first))
  recordView(result, t, index, span)
  return result
}

/** `t[index] = value`: the value must broadcast to the selected shape; the tensor keeps its shape and dtype. */
export function tensorSetItem(it: Interpreter, t: TensorValue, index: Value, value: Value, span: SourceSpan): void {
  if (t.ndarray) {
    ndarraySetItem(it, t, index, value, span)
    return
  }
  const hooked = traced(it, '__setitem__', [t, index, value], [], span)
  if (hooked) return
  if (index.kind === 'tensor' && index.dtype === 'bool') {
    maskAssignment(t, index, value, span)
    return
  }
  const target = indexedShape(it, t.shape, index, span)
  const source = shapeOfOperand(value, span)
  if (!source) raise('TypeError', 'type', `Cannot assign ${typeName(value)} to a tensor.`, span)
  // PyTorch drops the value's leading dimensions of size 1, then expands it to the selection (`copy_`).
  let ones = 0
  while (ones < source.length && source[ones] === 1) ones++
  expandShape(source.slice(ones), target, span)
  // A tensor that owns its known values keeps them, with the assigned ones; otherwise they are forgotten.
  if (!assignValues(t, index, value, (slice, size) => sliceIndices(slice, size, span))) markWritten(t)
}

/**
 * `t[mask] = value` with a boolean mask (PyTorch's `index_put_`): the mask must have the shape of `t`'s leading
 * dimensions; the value must broadcast to the selected elements whatever their number, which depends on the mask's
 * values (a number, a one-element tensor, or a tensor of the dimensions after the mask's).
 */
function maskAssignment(t: TensorValue, mask: TensorValue, value: Value, span: SourceSpan): void {
  if (mask.shape.length > t.shape.length) raise('IndexError', 'shape', `too many indices for tensor of dimension ${t.shape.length} (got ${mask.shape.length})`, span)
  const wrong = mask.shape.findIndex((d, i) => d !== t.shape[i])
  if (wrong >= 0) raise('IndexError', 'shape', `The shape of the mask [${mask.shape.join(', ')}] at index ${wrong} does not match the shape of the indexed tensor [${t.shape.join(', ')}] at index ${wrong}`, span)
  const source = shapeOfOperand(value, span)
  if (!source) raise('TypeError', 'type', `Cannot assign ${typeName(value)} to a tensor.`, span)
  let ones = 0
  while (ones < source.length && source[ones] === 1) ones++
  const rest = t.shape.slice(mask.shape.length)
  if (source.length - ones > rest.length) {
    const shapeText = (shape: readonly number[]): string => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`
    const valid = rest.length === 0 ? 'A number or a one-element tensor works' : `A number, a one-element tensor or a tensor of shape ${shapeText(rest)} works`
    throw new NnsizeError('unsupported', `Assigning a tensor of shape ${shapeText(source)} to \`t[mask]\` needs one value per true element of the mask, a number that depends on its values, which nnsize does not compute. ${valid} for any mask.`, { span })
  }
  expandShape(source.slice(ones), rest, span)
  markWritten(t)
}

// ---------------------------------------------------------------------------------------------
// Operations: one implementation for `t.op(...)` and `torch.op(t, ...)`.

/** The arguments of a tensor operation after `self`: positional values and keywords. */
interface OpArgs {
  values: Value[]
  named: Map<string, Value>
}

type Op = (it: Interpreter, self: TensorValue, a: OpArgs, span: SourceSpan) => Value

function opArgs(args: readonly ArgValue[]): OpArgs {
  const values: Value[] = []
  const named = new Map<string, Value>()
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a.name === undefined) values.push(a.value)
    else named.set(a.name, a.value)
  }
  return { values, named }
}

/** The argument at `position` or named `name`, if given (and not `None` when `noneIsAbsent`). */
function arg(a: OpArgs, position: number, name: string, noneIsAbsent = true): Value | undefined {
  const v = a.values[position] ?? a.named.get(name)
  return v === undefined || (noneIsAbsent && v.kind === 'none') ? undefined : v
}

function dtypeArg(v: Value | undefined, span: SourceSpan): DType | undefined {
  if (v === undefined || v.kind === 'none') return undefined
  if (v.kind === 'dtype') return v.dtype
  if (v.kind === 'str' && Object.hasOwn(dtypeAliases, v.value.replace(/^torch\./, ''))) return dtypeAliases[v.value.replace(/^torch\./, '')]
  if (v.kind === 'class' && (v.cls.name === 'float' || v.cls.name === 'int' || v.cls.name === 'bool')) return v.cls.name === 'float' ? 'float64' : v.cls.name === 'int' ? 'int64' : 'bool'
  return raise('TypeError', 'argument-type', `Expected a dtype such as \`torch.float32\`, got ${typeName(v)}.`, span)
}

/** `self.scatter(dim, index, src or value)`: checks ATen's `scatter_gather_dtype_check` and `scatter_shape_check`; returns `self`. */
function scatterChecked(self: TensorValue, a: OpArgs, span: SourceSpan, name: string): TensorValue {
  const dim = arg(a, 0, 'dim') ?? raise('TypeError', 'missing-argument', `\`${name}()\` needs \`dim\`.`, span)
  wrapDimension(dim, self.shape.length, span)
  const index = arg(a, 1, 'index')
  if (index?.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`${name}()\` needs \`index\`, a tensor.`, span)
  if (index.dtype !== 'int64' && index.dtype !== 'int32') raise('RuntimeError', 'argument-type', `${name.replace(/_$/, '')}(): Expected dtype int32/int64 for index, got ${index.dtype}.`, span)
  if (index.shape.length !== self.shape.length) raise('RuntimeError', 'shape', `Index tensor must have the same number of dimensions as self tensor (${index.shape.length} and ${self.shape.length}).`, span)
  const src = arg(a, 2, 'src') ?? arg(a, 2, 'value')
  if (src === undefined) raise('TypeError', 'missing-argument', `\`${name}()\` needs \`src\` or \`value\`.`, span)
  if (src?.kind === 'tensor' && src.shape.length !== self.shape.length) raise('RuntimeError', 'shape', `Index tensor must have the same number of dimensions as src tensor (${index.shape.length} and ${src.shape.length}).`, span)
  return self
}

/**
 * `self.index_copy(dim, index, source)`: `source`'s slices written at `index` along `dim`, with ATen's checks (a
 * long index of at most one dimension, one index per slice of `source`, `source` shaped as `self` elsewhere).
 */
function indexCopyChecked(self: TensorValue, a: OpArgs, span: SourceSpan): TensorValue {
  const dim = wrapDimension(arg(a, 0, 'dim') ?? raise('TypeError', 'missing-argument', '`index_copy()` needs `dim`.', span), self.shape.length, span)
  const index = arg(a, 1, 'index')
  const source = arg(a, 2, 'source')
  if (index?.kind !== 'tensor' || source?.kind !== 'tensor') return raise('TypeError', 'argument-type', '`index_copy()` needs `index` and `source`, tensors.', span)
  if (index.shape.length > 1) raise('IndexError', 'shape', `index_copy_(): Index should have dimension 1 or 0 (got ${index.shape.length})`, span)
  if (index.dtype !== 'int64') raise('RuntimeError', 'argument-type', `index_copy_(): Expected a long tensor for index, but got ${scalarTypeName(index.dtype)}`, span)
  const count = index.shape[0] ?? 1
  const sliceSize = source.shape.length === 0 ? 1 : source.shape[dim]
  if (sliceSize !== count) raise('IndexError', 'shape', `index_copy_(): Number of indices (${count}) should be equal to source.size(dim) (${sliceSize})`, span)
  if (source.shape.length !== 0 && (source.shape.length !== self.shape.length || source.shape.some((d, i) => i !== dim && d !== self.shape[i]))) {
    raise('IndexError', 'shape', `index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: (${self.shape.filter((_, i) => i !== dim).join(', ')}) and source slice shape: (${source.shape.filter((_, i) => i !== dim).join(', ')})`, span)
  }
  return self
}

/**
 * `t.nonzero()` and `torch.argwhere(t)`: int64 `(count, ndim)`, or with `as_tuple=True` one `(count,)` tensor per
 * dimension. The count decides the shape, so the values must be known (small tensors made while the model is built).
 */
function nonzeroOf(it: Interpreter, self: TensorValue, a: OpArgs, span: SourceSpan, name: string): Value {
  const values = knownValues(self)
  if (!values) return raise('RuntimeError', 'unsupported', `\`${name}\` gives a shape that depends on the tensor's values, which nnsize does not know here (it keeps the values of small tensors made while the model is built, not of activations).`, span)
  const count = values.filter((v) => v !== 0).length
  const asTuple = arg(a, 0, 'as_tuple')
  if (asTuple !== undefined && it.truthy(asTuple, span)) return tuple(Array.from({ length: Math.max(self.shape.length, 1) }, () => newTensor([count], 'int64')))
  return newTensor([count, self.shape.length], 'int64')
}

/**
 * `self.gather(dim, index)`: a tensor of the index's shape and `self`'s dtype, with ATen's `gather_shape_check` (the
 * same number of dimensions, and the index no larger than `self` apart from `dim`).
 */
function gathered(self: TensorValue, a: OpArgs, span: SourceSpan): TensorValue {
  const dimValue = arg(a, 0, 'dim') ?? raise('TypeError', 'missing-argument', '`gather()` needs `dim`.', span)
  const dim = wrapDimension(dimValue, self.shape.length, span)
  const index = arg(a, 1, 'index')
  if (index?.kind !== 'tensor') return raise('TypeError', 'argument-type', '`gather()` needs `index`, a tensor.', span)
  if (index.dtype !== 'int64' && index.dtype !== 'int32') raise('RuntimeError', 'argument-type', 'gather(): Expected dtype int32/int64 for index', span)
  if (index.shape.length !== Math.max(self.shape.length, 1) && !(index.shape.length <= 1 && self.shape.length === 0)) raise('RuntimeError', 'shape', 'Index tensor must have the same number of dimensions as input tensor', span)
  for (let d = 0; d < index.shape.length && self.shape.length > 0; d++) {
    if (d !== dim && index.shape[d]! > self.shape[d]!) {
      raise('RuntimeError', 'shape', `Size does not match at dimension ${d} expected index [${index.shape.join(', ')}] to be no larger than self [${self.shape.join(', ')}] apart from dimension ${dim}`, span)
    }
  }
  return newTensor([...index.shape], self.dtype, self.requiresGrad)
}

/**
 * `self.index_select(dim, index)`: `self` with `dim` replaced by the index's length; the index is a vector (or a
 * 0-d tensor) of int32 or int64, as ATen's `index_select_out_cpu_` checks.
 */
function indexSelected(self: TensorValue, a: OpArgs, span: SourceSpan): TensorValue {
  const dimValue = arg(a, 0, 'dim') ?? raise('TypeError', 'missing-argument', '`index_select()` needs `dim`.', span)
  const index = arg(a, 1, 'index')
  if (index?.kind !== 'tensor') return raise('TypeError', 'argument-type', '`index_select()` needs `index`, a tensor of int64 or int32.', span)
  if (index.shape.length > 1) raise('IndexError', 'shape', 'index_select(): Index is supposed to be a vector', span)
  if (index.dtype !== 'int64' && index.dtype !== 'int32') raise('RuntimeError', 'argument-type', 'index_select(): Expected dtype int32 or int64 for index', span)
  const dim = wrapDimension(dimValue, self.shape.length, span)
  const length = index.shape[0] ?? 1
  return newTensor(self.shape.length === 0 ? [] : self.shape.map((d, i) => (i === dim ? length : d)), self.dtype, self.requiresGrad)
}

/** `self.take_along_dim(indices, dim)`: `self` and the indices broadcast apart from `dim`, then gathered along it. */
function takenAlongDim(self: TensorValue, a: OpArgs, span: SourceSpan): TensorValue {
  const index = arg(a, 0, 'indices')
  if (index?.kind !== 'tensor') return raise('TypeError', 'argument-type', '`take_along_dim()` needs `indices`, a tensor of int64.', span)
  if (index.dtype !== 'int64') raise('RuntimeError', 'argument-type', `torch.take_along_dim(): dtype of indices should be Long but got ${scalarTypeName(index.dtype)}`, span)
  const dimValue = arg(a, 1, 'dim')
  if (dimValue === undefined || dimValue.kind === 'none') return newTensor([Number(numel(index.shape))], self.dtype, self.requiresGrad)
  if (self.shape.length !== index.shape.length) raise('RuntimeError', 'shape', 'torch.take_along_dim(): input and indices should have the same number of dimensions, but got ' + `${self.shape.length} dimensions for input, and ${index.shape.length} dimensions for indices`, span)
  const dim = wrapDimension(dimValue, self.shape.length, span)
  const others = (shape: readonly number[]): number[] => shape.map((d, i) => (i === dim ? 1 : d))
  const joined = broadcastShapes([others(self.shape), others(index.shape)], span)
  return newTensor(joined.map((d, i) => (i === dim ? index.shape[dim]! : d)), self.dtype, self.requiresGrad)
}

/**
 * `self.masked_select(mask)`: a vector of the selected elements of `self` and the bool mask broadcast together, whose
 * length is known only when the mask's values are (each element of the mask repeats as often as broadcasting makes it).
 */
function maskedSelected(self: TensorValue, a: OpArgs, span: SourceSpan): TensorValue {
  const mask = arg(a, 0, 'mask')
  if (mask?.kind !== 'tensor') return raise('TypeError', 'argument-type', '`masked_select()` needs `mask`, a bool tensor.', span)
  if (mask.dtype !== 'bool') raise('RuntimeError', 'argument-type', 'masked_select: expected BoolTensor for mask', span)
  const shape = broadcastShapes([mask.shape, self.shape], span)
  const values = knownValues(mask)
  if (values === undefined) return raise('RuntimeError', 'unsupported', '`masked_select` makes a tensor whose length depends on the values of the mask, which nnsize does not know here; a mask built from known values (`torch.tensor([True, False])`) would do.', span)
  const copies = values.length === 0 ? 0 : Number(numel(shape)) / values.length
  return newTensor([values.filter((v) => v !== 0).length * copies], self.dtype, self.requiresGrad)
}

/** `torch.rot90(self, k=1, dims=[0, 1])`: an odd number of quarter turns swaps the two dimensions. */
function rotated90(self: TensorValue, a: OpArgs, span: SourceSpan): TensorValue {
  const k = sizeOf(arg(a, 0, 'k') ?? int(1), span, 'k')
  const dimsValue = arg(a, 1, 'dims')
  const dims = dimsValue === undefined ? [int(0), int(1)] : dimsValue.kind === 'list' || dimsValue.kind === 'tuple' ? dimsValue.items : raise('TypeError', 'argument-type', '`rot90()` takes `dims` as a list of two ints.', span)
  if (dims.length !== 2) raise('RuntimeError', 'argument-value', `expected total rotation dims == 2, but got dims = ${dims.length}`, span)
  if (self.shape.length < 2) raise('RuntimeError', 'shape', `expected total dims >= 2, but got total dims = ${self.shape.length}`, span)
  const [d0, d1] = dims.map((d) => wrapDimension(d, self.shape.length, span)) as [number, number]
  if (d0 === d1) raise('RuntimeError', 'argument-value', `expected rotation dims to be different, but got dim0 = ${d0} and dim1 = ${d1}`, span)
  const shape = [...self.shape]
  if (((k % 4) + 4) % 4 % 2 === 1) [shape[d0], shape[d1]] = [shape[d1]!, shape[d0]!]
  return newTensor(shape, self.dtype, self.requiresGrad)
}

/**
 * `isnan`, `isinf`, `isposinf`, `isneginf`, `isfinite` and `signbit`: a bool tensor of `self`'s shape that never
 * requires grad, with its values where `self`'s are known.
 */
function predicate(test: (x: number) => boolean): Op {
  return (_it, self) => {
    const values = knownValues(self)
    return withValues(newTensor([...self.shape], 'bool', false), values?.map((x) => (test(x) ? 1 : 0)))
  }
}

const same = (self: TensorValue): TensorValue => newTensor([...self.shape], self.dtype, self.requiresGrad)
const floating = (self: TensorValue): TensorValue => newTensor([...self.shape], category(self.dtype) < 2 ? defaultFloat : self.dtype, self.requiresGrad)
const inPlace = (self: TensorValue): TensorValue => self
/** `t` as a tensor of `dtype` when one is given. */
const withDType = (t: TensorValue, dtype: DType | undefined): TensorValue => (dtype === undefined || dtype === t.dtype ? t : newTensor([...t.shape], dtype, t.requiresGrad && isFloatingDType(dtype)))

/** The view ops that have an in-place form (`x.unsqueeze_(d)`), by that form's name: the op it reshapes as. */
export const inPlaceViewOps: Readonly<Record<string, string>> = { squeeze_: 'squeeze', unsqueeze_: 'unsqueeze', transpose_: 'transpose', swapaxes_: 'transpose', swapdims_: 'transpose', t_: 't' }

/** Refuses a view op in place on a parameter or buffer, whose registered shape nnsize does not change in place. */
export function checkViewInPlace(self: TensorValue, name: string, span: SourceSpan): void {
  if (self.def) raise('RuntimeError', 'unsupported', `\`${name}\` of a ${self.def.kind} changes its registered shape in place, which nnsize does not model yet; use \`${inPlaceViewOps[name]}\` (a view) instead.`, span)
}

/** `x.unsqueeze_(d)` and the other view ops in place: `x` itself, with the sizes the op without `_` gives. */
function reshapedInPlace(it: Interpreter, name: string, self: TensorValue, args: OpArgs, span: SourceSpan): TensorValue {
  checkViewInPlace(self, name, span)
  const shaped = ops[inPlaceViewOps[name]!]!(it, self, args, span) as TensorValue
  self.shape = [...shaped.shape]
  return self
}

function dims(it: Interpreter, self: TensorValue, v: Value | undefined, span: SourceSpan): number[] | undefined {
  if (v === undefined) return undefined
  const list = v.kind === 'tuple' || v.kind === 'list' ? v.items : [v]
  const out = list.map((d) => wrapDimension(d, self.shape.length, span))
  // A reduction over a list of dims takes each once (ATen's `dim_list_to_bitset`).
  out.forEach((d, i) => {
    if (out.indexOf(d) !== i) raise('RuntimeError', 'argument-value', `dim ${d} appears multiple times in the list of dims`, span)
  })
  return out
}

function reduce(it: Interpreter, self: TensorValue, a: OpArgs, span: SourceSpan, dtype: DType): TensorValue {
  const ds = dims(it, self, arg(a, 0, 'dim') ?? arg(a, 0, 'axis'), span)
  const keep = arg(a, 1, 'keepdim')
  const keepdim = keep !== undefined && it.truthy(keep, span)
  if (ds === undefined) return newTensor(keepdim ? self.shape.map(() => 1) : [], dtype, self.requiresGrad)
  const shape: number[] = []
  self.shape.forEach((d, i) => {
    if (ds.includes(i)) {
      if (keepdim) shape.push(1)
    } else shape.push(d)
  })
  return newTensor(shape, dtype, self.requiresGrad)
}

/** A reduction (`sum`, `prod`, `amax`, `amin`) whose values are known when its input's are and the result is certain. */
function reduceKnown(kind: 'sum' | 'prod' | 'amax' | 'amin', it: Interpreter, self: TensorValue, a: OpArgs, span: SourceSpan, dtype: DType): TensorValue {
  const result = reduce(it, self, a, span, dtype)
  if (self.known === undefined) return result
  const dimension = arg(a, 0, 'dim') ?? arg(a, 0, 'axis')
  return withValues(result, reductionValues(kind, self, dims(it, self, dimension, span), dtype))
}

/** `var(dim, unbiased, keepdim)` / `std(…)`: `keepdim` comes third by position (second is `unbiased`). */
function varianceArgs(a: OpArgs): OpArgs {
  return { values: a.values.length >= 3 ? [a.values[0]!, a.values[2]!] : a.values.slice(0, 1), named: a.named }
}

/** `view`/`reshape`: one `-1` is inferred from the element count; the count must match. */
function reshaped(self: TensorValue, sizes: number[], span: SourceSpan): number[] {
  const total = numel(self.shape)
  const unknown = sizes.filter((d) => d === -1).length
  if (unknown > 1) raise('RuntimeError', 'shape', 'Only one dimension can be inferred (-1).', span)
  const known = sizes.reduce((p, d) => (d === -1 ? p : p * BigInt(d)), 1n)
  const out = sizes.map((d) => {
    if (d !== -1) {
      if (d < 0) raise('RuntimeError', 'shape', `Invalid shape dimension ${d}.`, span)
      return d
    }
    if (known === 0n || total % known !== 0n) raise('RuntimeError', 'shape', `shape '[${sizes.join(', ')}]' is invalid for input of size ${total}`, span)
    return Number(total / known)
  })
  if (numel(out) !== total) raise('RuntimeError', 'shape', `shape '[${sizes.join(', ')}]' is invalid for input of size ${total}`, span)
  return out
}

function sizeList(a: OpArgs, span: SourceSpan, name = 'size'): number[] {
  if (a.values.length > 0) return sizesOf(a.values, span)
  const named = a.named.get(name)
  return named ? sizesOf([named], span) : []
}

function castTo(dtype: DType): Op {
  return (_it, self) => (self.dtype === dtype ? self : withValues(newTensor([...self.shape], dtype, self.requiresGrad && isFloatingDType(dtype)), knownValues(self)))
}

/** `t.to(dtype)`, `t.to(device)`, `t.to(other)`, `t.to(device, dtype)`. */
function toOp(_it: Interpreter, self: TensorValue, a: OpArgs, span: SourceSpan): Value {
  let dtype: DType | undefined = dtypeArg(a.named.get('dtype'), span)
  for (const v of a.values) {
    if (v.kind === 'dtype') dtype = v.dtype
    else if (v.kind === 'tensor') dtype = v.dtype
  }
  return dtype === undefined || dtype === self.dtype ? self : withValues(newTensor([...self.shape], dtype, self.requiresGrad && isFloatingDType(dtype)), knownValues(self))
}

function chunks(self: TensorValue, dim: number, sizes: number[]): Value {
  return tuple(sizes.map((n) => newTensor(self.shape.map((d, i) => (i === dim ? n : d)), self.dtype, self.requiresGrad)))
}

/** An element-wise function of one tensor whose result `make` shapes, with its values when they are kept. */
function valued(name: string, make: (self: TensorValue) => TensorValue): Op {
  return (_it, self) => {
    const result = make(self)
    return withValues(result, elementwiseValues(name, self, result.dtype))
  }
}

/**
 * `t.clamp(min, max)` (`clip`): at least one bound; a Python float bound of an integer tensor makes a float32
 * result (`torch.result_type`), and the values are kept for Python number bounds.
 */
function clampOp(_it: Interpreter, self: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const low = arg(a, 0, 'min')
  const high = arg(a, 1, 'max')
  if (low === undefined && high === undefined) raise('RuntimeError', 'argument-value', "torch.clamp: At least one of 'min' or 'max' must not be None", span)
  const dtype = resultType([self, ...[low, high].filter((v): v is Value => v !== undefined)])
  return withValues(newTensor([...self.shape], dtype, self.requiresGrad), clampValues(self, low, high, dtype))
}

/** The Python type names PyTorch's argument parser lists in "received an invalid combination of arguments". */
function parserTypeName(v: Value): string {
  return v.kind === 'none' ? 'NoneType' : typeName(v)
}

/** PyTorch's argument parser refusing a call no signature of `fn` takes, in its words, with the signatures it takes. */
function invalidCombination(fn: string, self: TensorValue, a: OpArgs, expected: readonly string[], span: SourceSpan): never {
  const got = [self, ...a.values].map(parserTypeName).concat([...a.named].map(([k, v]) => `${k}=${parserTypeName(v)}`))
  return raise('TypeError', 'argument-type', `${fn}() received an invalid combination of arguments - got (${got.join(', ')}), but expected one of:\n${expected.map((e) => ` * ${e}`).join('\n')}`, span)
}

/**
 * `clamp_min(min)` / `clamp_max(max)` (`torch.clamp_min(input, min)`) and their in-place forms: one bound, a Python
 * number or a tensor that broadcasts with `self` (`clamp_min.Tensor`); the result type of both, as `clamp`. In place,
 * the result is written into `self`, whose shape and dtype stay.
 */
function oneBound(name: 'clamp_min' | 'clamp_max', inplace: boolean): Op {
  return (_it, self, a, span) => {
    const key = name === 'clamp_min' ? 'min' : 'max'
    const fn = inplace ? `${name}_` : name
    const bound = a.values[0] ?? a.named.get(key)
    const extra = a.values.length + a.named.size !== 1 || (a.values.length === 0 && !a.named.has(key))
    if (bound === undefined || extra || (bound.kind !== 'tensor' && bound.kind !== 'int' && bound.kind !== 'float' && bound.kind !== 'bool' && bound.kind !== 'complex')) {
      if (bound?.kind === 'placeholder') throw placeholderError(bound, span)
      return invalidCombination(fn, self, a, [`(Tensor input, Tensor ${key})`, `(Tensor input, Number ${key})`], span)
    }
    if (category(self.dtype) === 3 || bound.kind === 'complex' || (bound.kind === 'tensor' && category(bound.dtype) === 3)) raise('NotImplementedError', 'type', 'clamp is not supported for complex types', span)
    const dtype = resultType([self, bound])
    if (bound.kind !== 'tensor' && dtype === 'bool') notImplementedFor(`${name}_scalar_cpu`, 'bool', span)
    const shape = bound.kind === 'tensor' ? broadcastShapes([self.shape, bound.shape], span) : [...self.shape]
    if (inplace) {
      if (bound.kind === 'tensor') checkInPlace(self.shape, [bound.shape], span)
      if (category(dtype) > category(self.dtype)) raise('RuntimeError', 'type', `result type ${scalarTypeName(dtype)} can't be cast to the desired output type ${bound.kind === 'tensor' ? scalarTypeName(self.dtype) : (metaTypeNames[self.dtype] ?? self.dtype)}`, span)
      markWritten(self)
      return self
    }
    const requiresGrad = (self.requiresGrad || (bound.kind === 'tensor' && bound.requiresGrad)) && isFloatingDType(dtype)
    const result = newTensor(shape, dtype, requiresGrad)
    return bound.kind === 'tensor' ? result : withValues(result, clampValues(self, name === 'clamp_min' ? bound : undefined, name === 'clamp_max' ? bound : undefined, dtype))
  }
}

/**
 * `cumsum(dim, dtype=None)` and `cumprod`: the input's shape; `dtype=` casts first, else integer and bool inputs
 * accumulate in int64, as PyTorch promotes them.
 */
function cumulative(name: 'cumsum' | 'cumprod'): Op {
  return (_it, s, a, span) => {
    wrapDimension(requiredDim(name, a, 0, span), s.shape.length, span)
    const dtype = dtypeArg(arg(a, 1, 'dtype'), span) ?? (integral(s.dtype) ? 'int64' : s.dtype)
    return newTensor([...s.shape], dtype, s.requiresGrad && isFloatingDType(dtype))
  }
}

/** `t.add(other, alpha=…)` and `sub`: with an `alpha` other than 1 the values are not kept (ATen fuses `alpha * other`). */
function addOrSub(op: 'Add' | 'Sub'): Op {
  return (it, s, a, span) => {
    const result = tensorBinary(it, op, s, a.values[0] ?? a.named.get('other') ?? NONE, span)
    const alpha = a.values[1] ?? a.named.get('alpha')
    if (alpha !== undefined && numberOf(alpha) !== 1 && result.kind === 'tensor' && result.trace === undefined) result.known = undefined
    return result
  }
}

/** `t.div(other, rounding_mode=None | 'trunc' | 'floor')`: true division, or a division rounded in the operands' dtype. */
function divOp(it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const other = a.values[0] ?? a.named.get('other') ?? NONE
  const mode = a.named.get('rounding_mode')
  if (mode === undefined || mode.kind === 'none') return tensorBinary(it, 'Div', s, other, span)
  if (mode.kind !== 'str' || (mode.value !== 'trunc' && mode.value !== 'floor')) {
    return raise('RuntimeError', 'argument-value', `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${mode.kind === 'str' ? mode.value : typeName(mode)}'`, span)
  }
  return tensorBinary(it, 'FloorDiv', s, other, span)
}

/** `t.all(dim, keepdim)` and `any`: bool (uint8 for a uint8 tensor), with the values when those of `t` are known. */
function allAny(kind: 'all' | 'any'): Op {
  return (it, s, a, span) => {
    const result = reduce(it, s, a, span, s.dtype === 'uint8' ? 'uint8' : 'bool')
    const dimension = arg(a, 0, 'dim') ?? arg(a, 0, 'axis')
    return withValues(result, allAnyValues(kind, s, dims(it, s, dimension, span)))
  }
}

// ---------------------------------------------------------------------------------------------
// Distances, norms, products and diagonals (`torch.cdist`, `logsumexp`, `outer`, `baddbmm`, `diag`, …): shapes and
// dtypes with PyTorch 2.13's checks and messages. In a traced forward, `tensor-methods.ts` gives what they keep.

/** Whether `dtype` is an integer or bool dtype (ATen's `isIntegralType(…, includeBool=true)`). */
function integral(dtype: DType): boolean {
  return category(dtype) < 2
}

/** The name c10's `TypeMeta` gives a dtype in some of PyTorch's messages (`float`, `double`, `long int`). */
const metaTypeNames: Partial<Record<DType, string>> = { float32: 'float', float64: 'double', float16: 'c10::Half', bfloat16: 'c10::BFloat16', int64: 'long int', int32: 'int', int16: 'short int', int8: 'signed char', uint8: 'unsigned char', bool: 'bool' }

/** A tensor argument `name` of `fn()` (`other`, `tensor2`): PyTorch's argument parser takes a tensor, not a Python number. */
function tensorArgument(fn: string, v: Value | undefined, name: string, span: SourceSpan, position?: number): TensorValue {
  if (v?.kind === 'tensor') return v
  if (v === undefined) return raise('TypeError', 'missing-argument', `${fn}() missing 1 required positional arguments: "${name}"`, span)
  if (v.kind === 'placeholder') throw placeholderError(v, span)
  return raise('TypeError', 'argument-type', `${fn}(): argument '${name}'${position === undefined ? '' : ` (position ${position})`} must be Tensor, not ${v.kind === 'none' ? 'NoneType' : typeName(v)}`, span)
}

/** A `dim` argument that `fn()` requires (`cumprod`, `cummax`). */
function requiredDim(fn: string, a: OpArgs, position: number, span: SourceSpan): Value {
  return arg(a, position, 'dim') ?? raise('TypeError', 'missing-argument', `${fn}() missing 1 required positional arguments: "dim"`, span)
}

/** An int argument (`n`, `offset`, `diagonal`), or `fallback` when it is absent. */
function intArg(fn: string, a: OpArgs, position: number, name: string, fallback: number, span: SourceSpan): number {
  const v = arg(a, position, name)
  return v === undefined ? fallback : intArgument(fn, v, name, a.values[position] === undefined ? undefined : position + 1, span)
}

/** The length of the diagonal `offset` above the main one of a `rows × columns` matrix (0 when there is none). */
function diagonalLength(rows: number, columns: number, offset: number): number {
  return Math.max(0, offset >= 0 ? Math.min(rows, columns - offset) : Math.min(rows + offset, columns))
}

/** Refuses a dtype that a CPU kernel has no implementation for, in PyTorch's words (`"hypot_cpu" not implemented for 'Long'`). */
function notImplementedFor(kernel: string, dtype: DType, span: SourceSpan): never {
  return raise('NotImplementedError', 'type', `"${kernel}" not implemented for '${scalarTypeName(dtype)}'`, span)
}

/** The names `torch.cdist` takes as `compute_mode`. */
const cdistModes: readonly string[] = ['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist']

/**
 * `torch.cdist(x1, x2, p=2.0, compute_mode=…)`: `(…, P, R)` from `(…, P, M)` and `(…, R, M)`, the batch dimensions
 * broadcast, with PyTorch's checks in its order. `compute_mode` is checked by name here; the path it picks is
 * `ops.cdistPath`'s.
 */
function cdistOf(_it: Interpreter, x1: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const x2 = tensorArgument('cdist', arg(a, 0, 'x2'), 'x2', span)
  const pValue = arg(a, 1, 'p') ?? float(2)
  const mode = arg(a, 2, 'compute_mode')
  if (mode !== undefined && (mode.kind !== 'str' || !cdistModes.includes(mode.value))) raise('ValueError', 'argument-value', `${mode.kind === 'str' ? mode.value : typeName(mode)} is not a valid value for compute_mode`, span)
  const p = pValue.kind === 'int' ? Number(pValue.value) : pValue.kind === 'float' ? pValue.value : raise('TypeError', 'argument-type', `cdist(): argument 'p' must be float, not ${typeName(pValue)}`, span)
  for (const [name, x] of [['X1', x1], ['X2', x2]] as const) if (x.shape.length < 2) raise('RuntimeError', 'shape', `cdist only supports at least 2D tensors, ${name} got: ${x.shape.length}D`, span)
  for (const [name, x] of [['X1', x1], ['X2', x2]] as const) if (integral(x.dtype)) raise('RuntimeError', 'type', `cdist only supports floating-point dtypes, ${name} got: ${scalarTypeName(x.dtype)}`, span)
  if (x1.shape.at(-1) !== x2.shape.at(-1)) raise('RuntimeError', 'shape', `X1 and X2 must have the same number of columns. X1: ${x1.shape.at(-1)} X2: ${x2.shape.at(-1)}`, span)
  if (!(p >= 0)) raise('RuntimeError', 'argument-value', 'cdist only supports non-negative p values', span)
  const batch = broadcastShapes([x1.shape.slice(0, -2), x2.shape.slice(0, -2)], span)
  if (x1.dtype !== x2.dtype) raise('RuntimeError', 'type', `expected scalar type ${scalarTypeName(x1.dtype)} but found ${scalarTypeName(x2.dtype)}`, span)
  if (x1.dtype !== 'float32' && x1.dtype !== 'float64') notImplementedFor('cdist', x1.dtype, span)
  return newTensor([...batch, x1.shape.at(-2)!, x2.shape.at(-2)!], x1.dtype, x1.requiresGrad || x2.requiresGrad)
}

/**
 * `torch.outer(a, b)` / `torch.ger` / `Tensor.outer(vec2)`: `(n, m)` of two 1-D tensors, of their promoted dtype; it
 * runs as `a.reshape(-1, 1) * b`.
 */
function outerOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const other = tensorArgument('outer', arg(a, 0, 'vec2'), 'vec2', span)
  if (s.shape.length !== 1) raise('RuntimeError', 'shape', `outer: Expected 1-D argument self, but got ${s.shape.length}-D`, span)
  if (other.shape.length !== 1) raise('RuntimeError', 'shape', `outer: Expected 1-D argument vec2, but got ${other.shape.length}-D`, span)
  return newTensor([s.shape[0]!, other.shape[0]!], promoteTypes(s.dtype, other.dtype), s.requiresGrad || other.requiresGrad)
}

/**
 * `torch.var_mean(input, dim=None, unbiased=True, keepdim=False, *, correction=None)` and `std_mean`: a tuple of the
 * statistic and the mean, both reduced over `dim` (a bool first is `unbiased`, over every dimension); floating only.
 */
function statisticAndMean(name: 'var_mean' | 'std_mean'): Op {
  return (it, s, a, span) => {
    if (integral(s.dtype)) raise('RuntimeError', 'type', `${name} only support floating point and complex dtypes`, span)
    const reduced = reduce(it, s, a.values[0]?.kind === 'bool' ? { values: [], named: a.named } : varianceArgs(a), span, s.dtype)
    return tuple([reduced, newTensor([...reduced.shape], s.dtype, s.requiresGrad)])
  }
}

/** `cummax(dim)` / `cummin(dim)`: a named tuple of the running values and their int64 indices, both of the input's shape. */
function cumulativeExtreme(name: 'cummax' | 'cummin'): Op {
  return (_it, s, a, span) => {
    wrapDimension(requiredDim(name, a, 0, span), s.shape.length, span)
    return tuple([same(s), newTensor([...s.shape], 'int64')], ['values', 'indices'])
  }
}

/** `kthvalue(k, dim=-1, keepdim=False)` and `mode(dim=-1, keepdim=False)`: a named tuple of values and int64 indices. */
function selectedAlong(name: 'kthvalue' | 'mode'): Op {
  return (it, s, a, span) => {
    const shift = name === 'kthvalue' ? 1 : 0
    const k = name === 'kthvalue' ? intArgument('kthvalue', a.values[0] ?? a.named.get('k') ?? raise('TypeError', 'missing-argument', 'kthvalue() missing 1 required positional arguments: "k"', span), 'k', a.values[0] === undefined ? undefined : 1, span) : 0
    const dim = wrapDimension(intArg(name, a, shift, 'dim', -1, span), s.shape.length, span)
    const keep = arg(a, shift + 1, 'keepdim')
    if (name === 'kthvalue') {
      if (s.dtype === 'bool') notImplementedFor('kthvalue_cpu', s.dtype, span)
      if (k < 1 || k > (s.shape.length === 0 ? 1 : s.shape[dim]!)) raise('RuntimeError', 'argument-value', `kthvalue(): selected number k out of range for dimension ${dim}`, span)
    }
    const values = reduce(it, s, { values: [int(dim), keep ?? bool(false)], named: new Map() }, span, s.dtype)
    return tuple([values, newTensor([...values.shape], 'int64')], ['values', 'indices'])
  }
}

/**
 * `baddbmm(batch1, batch2, *, beta=1, alpha=1)`: `(b, n, p)` of 3-D batches `(b, n, m)` and `(b, m, p)`, `self`
 * broadcast to it; all three of one dtype, as PyTorch requires.
 */
function baddbmmOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const b1 = tensorArgument('baddbmm', arg(a, 0, 'batch1'), 'batch1', span)
  const b2 = tensorArgument('baddbmm', arg(a, 1, 'batch2'), 'batch2', span)
  for (const [name, b] of [['batch1', b1], ['batch2', b2]] as const) {
    wrapDimension(2, b.shape.length, span)
    if (b.shape.length !== 3) raise('RuntimeError', 'shape', `${name} must be a 3D tensor`, span)
  }
  const [batch, n, m] = b1.shape as [number, number, number]
  if (b2.shape[0] !== batch || b2.shape[1] !== m) raise('RuntimeError', 'shape', `Expected size for first two dimensions of batch2 tensor to be: [${batch}, ${m}] but got: [${b2.shape[0]}, ${b2.shape[1]}].`, span)
  const shape = [batch, n, b2.shape[2]!]
  expandShape(s.shape, shape, span)
  if (s.dtype !== b1.dtype || s.dtype !== b2.dtype) {
    const name = (d: DType): string => metaTypeNames[d] ?? d
    raise('RuntimeError', 'type', `Input dtypes must be the same, got: input ${name(s.dtype)}, batch1: ${name(b1.dtype)}, batch2: ${name(b2.dtype)}`, span)
  }
  return newTensor(shape, s.dtype, s.requiresGrad || b1.requiresGrad || b2.requiresGrad)
}

/**
 * The `beta` and `alpha` keywords of the matrix products that add (`addmm`, `addbmm`, `addmv`): Python numbers (or
 * 0-dim tensors); a complex one scales a real product only as PyTorch refuses it.
 */
function productScales(fn: string, self: TensorValue, a: OpArgs, positional: number, span: SourceSpan): void {
  if (a.values.length > positional) invalidCombination(fn, self, a, [`(Tensor input, Tensor ${fn === 'addmv' ? 'mat, Tensor vec' : fn === 'addbmm' ? 'batch1, Tensor batch2' : 'mat1, Tensor mat2'}, *, Number beta = 1, Number alpha = 1)`], span)
  for (const key of ['beta', 'alpha']) {
    const v = a.named.get(key)
    if (v === undefined) continue
    if (v.kind === 'complex') {
      if (category(self.dtype) !== 3) raise('RuntimeError', 'argument-value', 'value cannot be converted to type float without overflow', span)
    } else if (v.kind !== 'int' && v.kind !== 'float' && v.kind !== 'bool' && !(v.kind === 'tensor' && v.shape.length === 0)) {
      invalidCombination(fn, self, a, ['(Tensor input, Tensor mat1, Tensor mat2, *, Number beta = 1, Number alpha = 1)'], span)
    }
  }
}

/** `self` broadcast (`expand`) to the `shape` of a matrix product it is added to, in PyTorch's words when it cannot be. */
function addedTo(self: TensorValue, shape: number[], span: SourceSpan): void {
  if (self.shape.length > shape.length) {
    raise('RuntimeError', 'shape', `expand(torch.${tensorTypeName(self.dtype)}{[${self.shape.join(', ')}]}, size=[${shape.join(', ')}]): the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${self.shape.length})`, span)
  }
  expandShape(self.shape, shape, span)
}

/** The dtype checks of `addmm` (and `addbmm`, which runs it): `self` as `mat2`, then `mat1` as `mat2`. */
function sameProductDTypes(self: TensorValue, mat1: TensorValue, mat2: TensorValue, span: SourceSpan): void {
  if (self.dtype !== mat2.dtype) raise('RuntimeError', 'type', `self and mat2 must have the same dtype, but got ${scalarTypeName(self.dtype)} and ${scalarTypeName(mat2.dtype)}`, span)
  if (mat1.dtype !== mat2.dtype) raise('RuntimeError', 'type', `mat1 and mat2 must have the same dtype, but got ${scalarTypeName(mat1.dtype)} and ${scalarTypeName(mat2.dtype)}`, span)
}

/**
 * `addmm(mat1, mat2, *, beta=1, alpha=1)` (`torch.addmm(input, mat1, mat2)`, and `addmm_` in place): `beta * self +
 * alpha * mat1 @ mat2` of `(n, k)` by `(k, m)`, `self` broadcast to `(n, m)`; all three of one dtype. PyTorch 2.13's
 * checks in its order: the dtypes, the matrices, their sizes, then `self`.
 */
function addmmOf(inplace: boolean): Op {
  return (_it, self, a, span) => {
    const fn = inplace ? 'addmm_' : 'addmm'
    const mat1 = tensorArgument(fn, arg(a, 0, 'mat1'), 'mat1', span)
    const mat2 = tensorArgument(fn, arg(a, 1, 'mat2'), 'mat2', span)
    productScales('addmm', self, a, 2, span)
    sameProductDTypes(self, mat1, mat2, span)
    if (mat1.shape.length !== 2) raise('RuntimeError', 'shape', `mat1 must be a matrix, got ${mat1.shape.length}-D tensor`, span)
    if (mat2.shape.length !== 2) raise('RuntimeError', 'shape', `mat2 must be a matrix, got ${mat2.shape.length}-D tensor`, span)
    if (mat1.shape[1] !== mat2.shape[0]) raise('RuntimeError', 'shape', `mat1 and mat2 shapes cannot be multiplied (${mat1.shape.join('x')} and ${mat2.shape.join('x')})`, span)
    const shape = [mat1.shape[0]!, mat2.shape[1]!]
    if (self.dtype === 'bool') notImplementedFor('addmm_impl_cpu_', self.dtype, span)
    if (inplace) {
      if (self.shape.length !== 2 || self.shape[0] !== shape[0] || self.shape[1] !== shape[1]) raise('RuntimeError', 'shape', `Bad in-place call: input tensor size [${self.shape.join(', ')}] and output tensor size [${shape.join(', ')}] should match`, span)
      markWritten(self)
      return self
    }
    addedTo(self, shape, span)
    return newTensor(shape, self.dtype, self.requiresGrad || mat1.requiresGrad || mat2.requiresGrad)
  }
}

/**
 * `addbmm(batch1, batch2, *, beta=1, alpha=1)`: `beta * self + alpha * Σ_b batch1[b] @ batch2[b]` of `(b, n, m)` by
 * `(b, m, p)`, `self` broadcast to `(n, p)`, with PyTorch 2.13's checks in its order.
 */
function addbmmOf(_it: Interpreter, self: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const b1 = tensorArgument('addbmm', arg(a, 0, 'batch1'), 'batch1', span)
  const b2 = tensorArgument('addbmm', arg(a, 1, 'batch2'), 'batch2', span)
  productScales('addbmm', self, a, 2, span)
  wrapDimension(1, b1.shape.length, span)
  wrapDimension(2, b2.shape.length, span)
  if (b1.shape.length !== 3) raise('RuntimeError', 'shape', 'batch1 must be a 3D tensor', span)
  if (b2.shape.length !== 3) raise('RuntimeError', 'shape', 'batch2 must be a 3D tensor', span)
  if (b1.shape[0] !== b2.shape[0]) raise('RuntimeError', 'shape', `batch1 and batch2 must have same number of batches, got ${b1.shape[0]} and ${b2.shape[0]}`, span)
  if (b1.shape[2] !== b2.shape[1]) raise('RuntimeError', 'shape', `Incompatible matrix sizes for bmm (${b1.shape[1]}x${b1.shape[2]} and ${b2.shape[1]}x${b2.shape[2]})`, span)
  sameProductDTypes(self, b1, b2, span)
  if (self.dtype === 'bool') notImplementedFor('addmm_impl_cpu_', self.dtype, span)
  const shape = [b1.shape[1]!, b2.shape[2]!]
  addedTo(self, shape, span)
  return newTensor(shape, self.dtype, self.requiresGrad || b1.requiresGrad || b2.requiresGrad)
}

/**
 * `addmv(mat, vec, *, beta=1, alpha=1)` and `mv(vec)` (`self` is the matrix): a matrix `(n, m)` by a vector `(m,)`,
 * plus `self` of at most one dimension (`n` elements or one); the three of one dtype. `mv` runs as `addmv` into an
 * empty result of the vector's dtype, which its messages name first.
 */
function matrixVectorOf(name: 'addmv' | 'mv'): Op {
  return (_it, self, a, span) => {
    const mat = name === 'mv' ? self : tensorArgument(name, arg(a, 0, 'mat'), 'mat', span)
    const vec = tensorArgument(name, arg(a, name === 'mv' ? 0 : 1, 'vec'), 'vec', span)
    if (name === 'addmv') productScales('addmv', self, a, 2, span)
    const input = name === 'mv' ? undefined : self
    const inputRank = input === undefined ? 1 : input.shape.length
    if (mat.shape.length !== 2 || vec.shape.length !== 1 || inputRank > 1) raise('RuntimeError', 'shape', `vector + matrix @ vector expected, got ${inputRank}, ${mat.shape.length}, ${vec.shape.length}`, span)
    const [n, m] = mat.shape as [number, number]
    const elements = input === undefined ? n : Number(numel(input.shape))
    if (m !== vec.shape[0] || (n !== elements && elements !== 1)) {
      if (input !== undefined && input.shape.length === 0) raise('IndexError', 'argument-value', 'Dimension specified as 0 but tensor has no dimensions', span)
      raise('RuntimeError', 'shape', `size mismatch, got input (${input === undefined ? n : input.shape[0]}), mat (${n}x${m}), vec (${vec.shape[0]})`, span)
    }
    const inputDType = input?.dtype ?? vec.dtype
    if (inputDType !== mat.dtype || mat.dtype !== vec.dtype) raise('RuntimeError', 'type', `addmv input tensors must have the same dtype, but got ${scalarTypeName(inputDType)}, ${scalarTypeName(mat.dtype)}, and ${scalarTypeName(vec.dtype)}`, span)
    if (mat.dtype === 'bool') notImplementedFor('addmv_impl_cpu', mat.dtype, span)
    return newTensor([n], mat.dtype, (input?.requiresGrad ?? false) || mat.requiresGrad || vec.requiresGrad)
  }
}

/** `dot(tensor)` and `vdot(other)`: the 0-dim product of two 1-D tensors of one size and one dtype. */
function dotOf(name: 'dot' | 'vdot'): Op {
  return (_it, self, a, span) => {
    const other = tensorArgument(name, arg(a, 0, name === 'dot' ? 'tensor' : 'other'), name === 'dot' ? 'tensor' : 'other', span, a.values[0] === undefined ? undefined : 2)
    if (self.shape.length !== 1 || other.shape.length !== 1) raise('RuntimeError', 'shape', `1D tensors expected, but got ${self.shape.length}D and ${other.shape.length}D tensors`, span)
    if (self.dtype !== other.dtype) raise('RuntimeError', 'type', `dot : expected both vectors to have same dtype, but found ${scalarTypeName(self.dtype)} and ${scalarTypeName(other.dtype)}`, span)
    if (self.shape[0] !== other.shape[0]) raise('RuntimeError', 'shape', `inconsistent tensor size, expected tensor [${self.shape[0]}] and src [${other.shape[0]}] to have the same number of elements, but got ${self.shape[0]} and ${other.shape[0]} elements respectively`, span)
    if (self.dtype === 'bool') notImplementedFor('dot', self.dtype, span)
    return newTensor([], self.dtype, self.requiresGrad || other.requiresGrad)
  }
}

/** A bool argument PyTorch's parser takes only as a bool (`keepdim` of `median`): an int or `None` is refused. */
function strictBool(fn: string, v: Value | undefined, name: string, span: SourceSpan): boolean {
  if (v === undefined) return false
  if (v.kind === 'bool') return v.value
  return raise('TypeError', 'argument-type', `${fn}(): argument '${name}' must be bool, not ${parserTypeName(v)}`, span)
}

/**
 * `lerp(end, weight)` (`torch.lerp(input, end, weight)`) and `lerp_`: `self + weight * (end - self)`, broadcast, of
 * `self`'s dtype, which `end` (and a tensor `weight` of any dimension) must share; a Python number `weight` or a 0-dim
 * tensor of another dtype. Floating and complex only, as the CPU kernels.
 */
function lerpOf(inplace: boolean): Op {
  return (_it, self, a, span) => {
    const fn = inplace ? 'lerp_' : 'lerp'
    const end = arg(a, 0, 'end')
    const weight = arg(a, 1, 'weight', false)
    const isNumber = (v: Value): boolean => v.kind === 'int' || v.kind === 'float' || v.kind === 'bool' || v.kind === 'complex'
    if (end?.kind === 'placeholder') throw placeholderError(end, span)
    if (weight?.kind === 'placeholder') throw placeholderError(weight, span)
    if (end?.kind !== 'tensor' || weight === undefined || (weight.kind !== 'tensor' && !isNumber(weight)) || a.values.length + a.named.size > 2) {
      return invalidCombination(fn, self, a, ['(Tensor input, Tensor end, Tensor weight)', '(Tensor input, Tensor end, Number weight)'], span)
    }
    const typeName = (d: DType): string => metaTypeNames[d] ?? d
    if (end.dtype !== self.dtype) raise('RuntimeError', 'type', `expected dtype ${typeName(self.dtype)} for \`end\` but got dtype ${typeName(end.dtype)}`, span)
    if (weight.kind === 'tensor' && weight.shape.length > 0 && weight.dtype !== self.dtype) raise('RuntimeError', 'type', `expected dtype ${typeName(self.dtype)} for \`weight\` but got dtype ${typeName(weight.dtype)}`, span)
    if (weight.kind === 'complex' && category(self.dtype) !== 3) raise('RuntimeError', 'argument-value', 'value cannot be converted to type float without overflow', span)
    const operands = weight.kind === 'tensor' ? [self.shape, end.shape, weight.shape] : [self.shape, end.shape]
    const shape = broadcastShapes(operands, span)
    if (integral(self.dtype)) notImplementedFor(weight.kind === 'tensor' ? 'lerp_kernel_tensor' : 'lerp_kernel_scalar', self.dtype, span)
    const requiresGrad = self.requiresGrad || end.requiresGrad || (weight.kind === 'tensor' && weight.requiresGrad)
    if (inplace) {
      checkInPlace(self.shape, operands.slice(1), span)
      markWritten(self)
      if (requiresGrad) self.requiresGrad = true
      return self
    }
    return newTensor(shape, self.dtype, requiresGrad)
  }
}

/** The dimensions `torch.tensordot(a, b, dims)` contracts, as given and wrapped, pair by pair. */
export interface TensordotDims {
  /** `a`'s dimensions, as given (PyTorch's messages name them so) and wrapped. */
  a: Array<{ given: number; dim: number }>
  /** `b`'s dimensions, likewise. */
  b: Array<{ given: number; dim: number }>
}

/**
 * The `dims` of `torch.tensordot(a, b, dims=2)` as torch/functional.py reads them: an int `d` (the last `d` of `a` with
 * the first `d` of `b`), two lists (`([1, 0], [0, 1])`), or a tensor of either (whose values must be known), with
 * PyTorch 2.13's checks and messages.
 */
export function tensordotDims(it: Interpreter, a: TensorValue, b: TensorValue, dims: Value, span: SourceSpan): TensordotDims {
  if (dims.kind === 'placeholder') throw placeholderError(dims, span)
  let dimsA: Value[] = []
  let dimsB: Value[] = []
  const count = (d: number): void => {
    if (d < 0) raise('RuntimeError', 'argument-value', `tensordot expects dims >= 0, but got dims=${d}`, span)
    if (d > Math.min(a.shape.length, b.shape.length)) raise('RuntimeError', 'argument-value', `tensordot expects dims < ndim_a or ndim_b, but got dims=${d}`, span)
    dimsA = Array.from({ length: d }, (_, i) => int(i - d))
    dimsB = Array.from({ length: d }, (_, i) => int(i))
  }
  if (dims.kind === 'tuple' || dims.kind === 'list') {
    if (dims.items.length !== 2) raise('ValueError', 'argument-value', dims.items.length > 2 ? 'too many values to unpack (expected 2)' : `not enough values to unpack (expected 2, got ${dims.items.length})`, span)
    const list = (v: Value, name: string, position: number): Value[] => {
      if ((v.kind === 'tuple' || v.kind === 'list') && v.items.every((d) => d.kind === 'int')) return v.items
      return raise('TypeError', 'argument-type', `tensordot(): argument '${name}' (position ${position}) must be tuple of ints, not ${parserTypeName(v)}`, span)
    }
    dimsA = list(dims.items[0]!, 'dims_self', 3)
    dimsB = list(dims.items[1]!, 'dims_other', 4)
  } else if (dims.kind === 'tensor') {
    throw new NnsizeError('unsupported', '`torch.tensordot` with `dims` given as a tensor whose values nnsize does not know is not supported; give the dimensions as ints or lists.', { span })
  } else if (dims.kind === 'int' || dims.kind === 'bool') count(dims.kind === 'bool' ? Number(dims.value) : Number(dims.value))
  else raise('RuntimeError', 'argument-value', `tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] containing two lists, but got dims=${it.str(dims, span)}`, span)
  if (dimsA.length !== dimsB.length) raise('RuntimeError', 'argument-value', 'both dimension lists should have same length', span)
  if (a.dtype !== b.dtype) raise('RuntimeError', 'type', 'both inputs should have same dtype', span)
  const pairs: TensordotDims = { a: [], b: [] }
  dimsA.forEach((v, i) => {
    const given = [Number((v as { value: bigint }).value), Number((dimsB[i] as { value: bigint }).value)] as const
    const [da, db] = [wrapDimension(given[0], a.shape.length, span), wrapDimension(given[1], b.shape.length, span)]
    const [s1, s2] = [a.shape[da]!, b.shape[db]!]
    if (s1 !== s2 && s1 !== 1 && s2 !== 1) raise('RuntimeError', 'shape', `contracted dimensions need to match, but first has size ${s1} in dim ${given[0]} and second has size ${s2} in dim ${given[1]}`, span)
    pairs.a.push({ given: given[0], dim: da })
    pairs.b.push({ given: given[1], dim: db })
  })
  for (const side of [pairs.a, pairs.b]) {
    side.forEach(({ dim }, i) => {
      if (side.findIndex((d) => d.dim === dim) !== i) raise('RuntimeError', 'argument-value', `dim ${dim} appears multiple times in the list of dims`, span)
    })
  }
  return pairs
}

/**
 * `dims` of `torch.tensordot` given as a tensor, read as torch/functional.py reads it: one element is an int, more are
 * two rows of dimensions. The values must be known (a tensor made from Python numbers); else the tensor stays, refused.
 */
function tensordotDimsOfTensor(dims: TensorValue, span: SourceSpan): Value {
  const values = knownValues(dims)
  if (values === undefined) return dims
  if (values.length === 1) return int(values[0]!)
  if (dims.shape[0] !== 2) raise('AssertionError', 'argument-value', `dims tensor must have size 2 in first dimension, got ${dims.shape[0]}`, span)
  const half = values.length / 2
  return tuple([{ kind: 'list', items: values.slice(0, half).map((d) => int(d)) }, { kind: 'list', items: values.slice(half).map((d) => int(d)) }])
}

/** `torch.tensordot(a, b, dims=2)`: `a`'s dimensions that are not contracted, then `b`'s, of their common dtype. */
function tensordotOf(it: Interpreter, a: TensorValue, args: OpArgs, span: SourceSpan): Value {
  const b = tensorArgument('tensordot', arg(args, 0, 'b'), 'b', span)
  const pairs = tensordotDims(it, a, b, arg(args, 1, 'dims') ?? int(2), span)
  const shape = [...a.shape.filter((_, i) => !pairs.a.some((d) => d.dim === i)), ...b.shape.filter((_, i) => !pairs.b.some((d) => d.dim === i))]
  return newTensor(shape, a.dtype, a.requiresGrad || b.requiresGrad)
}

/**
 * `median()` / `nanmedian()`: one 0-dim value; `median(dim, keepdim=False)`: `torch.return_types.median`, the values
 * and their int64 indices along `dim` (which must not be empty). No bool or complex tensors, as the CPU kernels.
 */
function medianOf(name: 'median' | 'nanmedian'): Op {
  return (it, s, a, span) => {
    const dimValue = arg(a, 0, 'dim', false)
    if (dimValue === undefined) {
      if (a.named.has('keepdim')) raise('TypeError', 'missing-argument', `${name}() missing 1 required positional arguments: "dim"`, span)
      if (s.dtype === 'bool' || category(s.dtype) === 3) notImplementedFor('median_cpu', s.dtype, span)
      return newTensor([], s.dtype, s.requiresGrad)
    }
    const dim = wrapDimension(intArgument(name, dimValue, 'dim', a.values[0] === undefined ? undefined : 2, span), s.shape.length, span)
    const keepdim = strictBool(name, arg(a, 1, 'keepdim', false), 'keepdim', span)
    if (s.dtype === 'bool' || category(s.dtype) === 3) notImplementedFor('median_out', s.dtype, span)
    if (s.shape.length > 0 && s.shape[dim] === 0) raise('IndexError', 'shape', `median(): Expected reduction dim ${dim} to have non-zero size.`, span)
    const values = reduce(it, s, { values: [int(dim), bool(keepdim)], named: new Map() }, span, s.dtype)
    return tuple([values, newTensor([...values.shape], 'int64')], ['values', 'indices'])
  }
}

/** `logcumsumexp(dim)`: the input's shape and dtype, floating or complex only. */
function logcumsumexpOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  wrapDimension(requiredDim('logcumsumexp', a, 0, span), s.shape.length, span)
  if (integral(s.dtype)) notImplementedFor('logcumsumexp_out_cpu', s.dtype, span)
  return same(s)
}

/** The signatures of `torch.quantile`, as its argument parser lists them. */
const quantileSignatures: readonly string[] = ["(Tensor input, Tensor q, int dim = None, bool keepdim = False, *, str interpolation = 'linear')", "(Tensor input, float q, int dim = None, bool keepdim = False, *, str interpolation = 'linear')"]

/** The interpolations `torch.quantile` takes. */
const quantileInterpolations: readonly string[] = ['linear', 'lower', 'higher', 'midpoint', 'nearest']

/** What `torch.quantile(input, q, dim=None, keepdim=False, *, interpolation='linear')` computes, checked. */
export interface QuantileSpec {
  /** `q`: a Python number (0-dim) or a tensor of at most one dimension. */
  q: Value
  /** The wrapped `dim`, or undefined to reduce the flattened input. */
  dim: number | undefined
  keepdim: boolean
  interpolation: string
  /** The result's shape: the quantiles first when `q` is a 1-D tensor. */
  shape: number[]
}

/** `quantile(q, dim=None, keepdim=False, *, interpolation='linear')` and `nanquantile`, with PyTorch 2.13's checks in its order. */
export function quantileSpec(name: 'quantile' | 'nanquantile', s: TensorValue, args: readonly ArgValue[], span: SourceSpan): QuantileSpec {
  const a = opArgs(args)
  if (a.values.length > 3) invalidCombination(name, s, a, quantileSignatures, span)
  const q = arg(a, 0, 'q', false)
  if (q?.kind === 'placeholder') throw placeholderError(q, span)
  if (q === undefined || (q.kind !== 'tensor' && q.kind !== 'int' && q.kind !== 'float' && q.kind !== 'bool')) {
    return invalidCombination(name, s, a, quantileSignatures, span)
  }
  if (q.kind !== 'tensor') {
    const value = numberOf(q)!
    if (!(value >= 0 && value <= 1)) raise('RuntimeError', 'argument-value', `quantile() q must be in the range [0, 1] but got ${value}`, span)
  }
  const interpolation = a.named.get('interpolation') ?? str('linear')
  if (interpolation.kind !== 'str' || !quantileInterpolations.includes(interpolation.value)) {
    raise('RuntimeError', 'argument-value', `quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${interpolation.kind === 'str' ? interpolation.value : typeName(interpolation)}`, span)
  }
  if (numel(s.shape) === 0n) raise('RuntimeError', 'argument-value', 'quantile() input tensor must be non-empty', span)
  if (q.kind === 'tensor' && q.shape.length > 1) raise('RuntimeError', 'shape', 'quantile() q must be a scalar or 1D tensor', span)
  if (s.dtype !== 'float32' && s.dtype !== 'float64') raise('RuntimeError', 'type', 'quantile() input tensor must be either float or double dtype', span)
  if (q.kind === 'tensor' && q.dtype !== s.dtype) raise('RuntimeError', 'type', 'quantile() q tensor must be same dtype as the input tensor', span)
  if (q.kind === 'tensor') {
    const values = knownValues(q)
    if (values !== undefined && values.some((v) => !(v >= 0 && v <= 1))) raise('RuntimeError', 'argument-value', 'quantile() q values must be in the range [0, 1]', span)
  }
  const dimValue = arg(a, 1, 'dim')
  const dim = dimValue === undefined ? undefined : wrapDimension(intArgument(name, dimValue, 'dim', a.values[1] === undefined ? undefined : 3, span), s.shape.length, span)
  const keepdim = strictBool(name, arg(a, 2, 'keepdim', false), 'keepdim', span)
  let shape: number[] = []
  if (dim !== undefined && s.shape.length > 0) shape = keepdim ? s.shape.map((d, i) => (i === dim ? 1 : d)) : s.shape.filter((_, i) => i !== dim)
  else if (keepdim) shape = s.shape.map(() => 1)
  if (q.kind === 'tensor' && q.shape.length > 0) shape.unshift(q.shape[0]!)
  return { q, dim, keepdim, interpolation: interpolation.value, shape }
}

/** `quantile(q, …)` and `nanquantile`: see {@link quantileSpec}; in a traced forward, `tensor-methods.ts` runs them. */
function quantileOf(name: 'quantile' | 'nanquantile'): Op {
  return (_it, s, a, span) => {
    const args: ArgValue[] = [...a.values.map((value) => ({ value, span, valueSpan: span })), ...[...a.named].map(([k, value]) => ({ name: k, value, span, valueSpan: span }))]
    const spec = quantileSpec(name, s, args, span)
    return newTensor(spec.shape, s.dtype, s.requiresGrad || (spec.q.kind === 'tensor' && spec.q.requiresGrad))
  }
}

/**
 * An element-wise function of two tensors (`atan2`, `hypot`): the broadcast shape and promoted dtype, floating for
 * integer operands (`atan2`) or refused for them (`hypot`, as its CPU kernel is); a Python number is refused.
 */
function twoTensors(name: 'atan2' | 'arctan2' | 'hypot'): Op {
  return (_it, s, a, span) => {
    const other = tensorArgument(name, arg(a, 0, 'other'), 'other', span)
    const shape = broadcastShapes([s.shape, other.shape], span)
    const dtype = promoteTypes(s.dtype, other.dtype)
    if (name === 'hypot' && integral(dtype)) notImplementedFor('hypot_cpu', dtype, span)
    return newTensor(shape, integral(dtype) ? defaultFloat : dtype, s.requiresGrad || other.requiresGrad)
  }
}

/**
 * `logaddexp`, `logaddexp2` and `xlogy` of two tensors (`xlogy` also takes a Python number for either): broadcast,
 * of a floating promoted dtype; the `logaddexp` kernels have no integer version.
 */
function logarithmicPair(name: 'logaddexp' | 'logaddexp2' | 'xlogy'): Op {
  return (_it, s, a, span) => {
    const given = arg(a, 0, 'other')
    const scalar = name === 'xlogy' && given !== undefined && given.kind !== 'tensor' && given.kind !== 'placeholder'
    const other = scalar ? newTensor([], s.dtype, false) : tensorArgument(name, given, 'other', span)
    const shape = broadcastShapes([s.shape, other.shape], span)
    const dtype = scalar ? resultType([s, given!]) : promoteTypes(s.dtype, other.dtype)
    if (name !== 'xlogy' && integral(dtype)) notImplementedFor(`${name}_cpu`, dtype, span)
    return newTensor(shape, integral(dtype) ? defaultFloat : dtype, s.requiresGrad || other.requiresGrad)
  }
}

/** `torch.heaviside(input, values)`: both tensors of one dtype, broadcast. */
function heavisideOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const values = tensorArgument('heaviside', arg(a, 0, 'values'), 'values', span)
  if (values.dtype !== s.dtype) raise('RuntimeError', 'argument-type', 'heaviside is not yet implemented for tensors with different dtypes.', span)
  return newTensor(broadcastShapes([s.shape, values.shape], span), s.dtype, s.requiresGrad || values.requiresGrad)
}

/** `addcmul(tensor1, tensor2, *, value=1)` and `addcdiv`: the three tensors broadcast, of their promoted dtype. */
function addcOf(name: 'addcmul' | 'addcdiv'): Op {
  return (_it, s, a, span) => {
    const t1 = tensorArgument(name, arg(a, 0, 'tensor1'), 'tensor1', span)
    const t2 = tensorArgument(name, arg(a, 1, 'tensor2'), 'tensor2', span)
    if (name === 'addcdiv' && integral(t1.dtype) && integral(t2.dtype)) {
      raise('RuntimeError', 'type', 'Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.', span)
    }
    const shape = broadcastShapes([s.shape, t1.shape, t2.shape], span)
    const dtype = resultType([s, t1, t2])
    return newTensor(shape, dtype, (s.requiresGrad || t1.requiresGrad || t2.requiresGrad) && isFloatingDType(dtype))
  }
}

/** `diag(diagonal=0)`: a 1-D tensor as the diagonal of a square matrix, or the diagonal of a matrix as a copy. */
function diagOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const offset = intArg('diag', a, 0, 'diagonal', 0, span)
  if (s.shape.length === 1) {
    const n = s.shape[0]! + Math.abs(offset)
    return newTensor([n, n], s.dtype, s.requiresGrad)
  }
  if (s.shape.length !== 2) raise('RuntimeError', 'shape', `diag(): Supports 1D or 2D tensors. Got ${s.shape.length}D`, span)
  return newTensor([diagonalLength(s.shape[0]!, s.shape[1]!, offset)], s.dtype, s.requiresGrad)
}

/** Two distinct dimensions of a tensor of `rank` dimensions (`dim1`, `dim2` of `diagonal` and `diag_embed`). */
function dimensionPair(a: OpArgs, positions: [number, number], defaults: [number, number], rank: number, span: SourceSpan): [number, number] {
  const given = [arg(a, positions[0], 'dim1') ?? int(defaults[0]), arg(a, positions[1], 'dim2') ?? int(defaults[1])]
  const [d1, d2] = given.map((d) => wrapDimension(d, rank, span)) as [number, number]
  if (d1 === d2) raise('RuntimeError', 'argument-value', `diagonal dimensions cannot be identical ${numberOf(given[0]!)}, ${numberOf(given[1]!)}`, span)
  return [d1, d2]
}

/** `diagonal(offset=0, dim1=0, dim2=1)`: a view of the diagonal of `dim1` and `dim2`, which become its last dimension. */
function diagonalOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const offset = intArg('diagonal', a, 0, 'offset', 0, span)
  const [d1, d2] = dimensionPair(a, [1, 2], [0, 1], s.shape.length, span)
  const shape = s.shape.filter((_, i) => i !== d1 && i !== d2)
  shape.push(diagonalLength(s.shape[d1]!, s.shape[d2]!, offset))
  return newTensor(shape, s.dtype, s.requiresGrad)
}

/** `diag_embed(offset=0, dim1=-2, dim2=-1)`: the last dimension as diagonals of new square dimensions `dim1` and `dim2`. */
function diagEmbedOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const offset = intArg('diag_embed', a, 0, 'offset', 0, span)
  const [d1, d2] = dimensionPair(a, [1, 2], [-2, -1], s.shape.length + 1, span)
  const n = s.shape.at(-1)! + Math.abs(offset)
  const shape = s.shape.slice(0, -1)
  shape.splice(Math.min(d1, d2), 0, n)
  shape.splice(Math.max(d1, d2), 0, n)
  return newTensor(shape, s.dtype, s.requiresGrad)
}

/**
 * `diff(n=1, dim=-1, prepend=None, append=None)`: `prepend` and `append` joined along `dim` first (tensors of the same
 * number of dimensions, equal elsewhere), then `n` differences, each one shorter along `dim` (at least 0).
 */
function diffOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  if (s.shape.length === 0) raise('RuntimeError', 'shape', 'diff expects input to be at least one-dimensional', span)
  const n = intArg('diff', a, 0, 'n', 1, span)
  if (n < 0) raise('RuntimeError', 'argument-value', `order must be non-negative but got ${n}`, span)
  const dim = wrapDimension(arg(a, 1, 'dim') ?? int(-1), s.shape.length, span)
  let length = s.shape[dim]!
  let dtype = s.dtype
  let requiresGrad = s.requiresGrad
  for (const [position, name] of [[2, 'prepend'], [3, 'append']] as const) {
    const v = arg(a, position, name)
    if (v === undefined) continue
    const t = tensorArgument('diff', v, name, span)
    if (t.shape.length !== s.shape.length) raise('RuntimeError', 'shape', 'diff expects prepend or append to be the same dimension as input', span)
    const other = t.shape.findIndex((d, i) => i !== dim && d !== s.shape[i])
    if (other >= 0) raise('RuntimeError', 'shape', `diff expects the shape of tensor to prepend or append to match that of input except along the differencing dimension; input.size(${other}) = ${s.shape[other]}, but got tensor.size(${other}) = ${t.shape[other]}`, span)
    length += t.shape[dim]!
    dtype = promoteTypes(dtype, t.dtype)
    requiresGrad ||= t.requiresGrad
  }
  return newTensor(s.shape.map((d, i) => (i === dim ? Math.max(0, length - n) : d)), dtype, requiresGrad)
}

/** `trace()`: the sum of a matrix's diagonal, 0-dim; integer inputs sum in int64. */
function matrixTraceOf(_it: Interpreter, s: TensorValue, _a: OpArgs, span: SourceSpan): Value {
  if (s.shape.length !== 2) raise('RuntimeError', 'shape', `trace: expected a matrix, but got tensor with dim ${s.shape.length}`, span)
  if (s.dtype === 'bool') notImplementedFor('trace', s.dtype, span)
  return newTensor([], integral(s.dtype) ? 'int64' : s.dtype, s.requiresGrad)
}

/** `dist(other, p=2)`: the `p`-norm of the broadcast difference, 0-dim, of the promoted floating dtype. */
function distOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const other = tensorArgument('dist', arg(a, 0, 'other'), 'other', span)
  const p = arg(a, 1, 'p')
  if (p !== undefined && p.kind !== 'int' && p.kind !== 'float' && p.kind !== 'bool') raise('TypeError', 'argument-type', `dist(): argument 'p' must be Number, not ${typeName(p)}`, span)
  broadcastShapes([s.shape, other.shape], span)
  const dtype = promoteTypes(s.dtype, other.dtype)
  if (integral(dtype)) raise('RuntimeError', 'type', `norm(): input dtype should be either floating point or complex. Got ${scalarTypeName(dtype)} instead.`, span)
  return newTensor([], dtype, s.requiresGrad || other.requiresGrad)
}

/**
 * `cross(other, dim=None)` and `torch.linalg.cross(input, other, dim=-1)`: of two tensors of as many dimensions, of
 * size 3 along `dim` (by default `torch.cross` takes the input's first dimension of size 3), broadcast, of one dtype.
 */
function crossOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const other = tensorArgument('cross', arg(a, 0, 'other'), 'other', span)
  const given = arg(a, 1, 'dim')
  let dimValue: number
  if (given === undefined) {
    dimValue = s.shape.indexOf(3)
    if (dimValue < 0) raise('RuntimeError', 'shape', 'no dimension of size 3 in input', span)
  } else dimValue = intArgument('cross', given, 'dim', undefined, span)
  if (s.shape.length !== other.shape.length) raise('RuntimeError', 'shape', 'linalg.cross: inputs must have the same number of dimensions.', span)
  const dim = wrapDimension(dimValue, s.shape.length, span)
  if (s.shape[dim] !== 3 || other.shape[dim] !== 3) raise('RuntimeError', 'shape', `linalg.cross: inputs dimension ${dimValue} must have length 3. Got ${s.shape[dim]} and ${other.shape[dim]}`, span)
  const shape = broadcastShapes([s.shape, other.shape], span)
  if (s.dtype !== other.dtype) raise('RuntimeError', 'type', `expected scalar type ${scalarTypeName(s.dtype)} but found ${scalarTypeName(other.dtype)}`, span)
  return newTensor(shape, s.dtype, s.requiresGrad || other.requiresGrad)
}

/** `torch.block_diag(*tensors)`: the tensors (at most 2-D; a 0-D one is 1 × 1, a 1-D one a row) along a block diagonal. */
function blockDiagOf(_it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const tensors = [s, ...a.values].map((t) => tensorArgument('block_diag', t, 'tensors', span))
  let rows = 0
  let columns = 0
  tensors.forEach((t, i) => {
    if (t.shape.length > 2) raise('RuntimeError', 'shape', `torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.shape.length} dimensions`, span)
    rows += t.shape.length === 2 ? t.shape[0]! : 1
    columns += t.shape.length === 2 ? t.shape[1]! : t.shape.length === 1 ? t.shape[0]! : 1
  })
  const dtype = tensors.reduce<DType>((d, t) => promoteTypes(d, t.dtype), s.dtype)
  return newTensor([rows, columns], dtype, tensors.some((t) => t.requiresGrad) && isFloatingDType(dtype))
}

/**
 * `torch.cosine_similarity(x1, x2, dim=1, eps=1e-8)` (as `F.cosine_similarity`): the broadcast shape without `dim`, of
 * the operands' common dtype, which must be floating.
 */
function cosineSimilarityOf(_it: Interpreter, x1: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const x2 = tensorArgument('cosine_similarity', arg(a, 0, 'x2'), 'x2', span)
  const dtype = promoteTypes(x1.dtype, x2.dtype)
  if (category(dtype) !== 2) raise('RuntimeError', 'type', `expected common dtype to be floating point, yet common dtype is ${scalarTypeName(dtype)}`, span)
  const shape = broadcastShapes([x1.shape, x2.shape], span)
  const dim = wrapDimension(arg(a, 1, 'dim') ?? int(1), shape.length, span)
  return newTensor(shape.filter((_, i) => i !== dim), dtype, x1.requiresGrad || x2.requiresGrad)
}

/** The operations of `torch` that are no tensor methods (`torch.cdist(a, b)`, but no `a.cdist(b)`). */
const functionOnly = new Set(['cdist', 'var_mean', 'std_mean', 'block_diag', 'cosine_similarity', 'tensordot'])

const ops: Record<string, Op> = {
  // element-wise, same dtype
  abs: valued('abs', same),
  neg: valued('neg', same),
  negative: valued('negative', same),
  sign: (_i, s) => same(s),
  floor: valued('floor', same),
  ceil: valued('ceil', same),
  round: (it, s, a, span) => {
    const decimals = arg(a, 0, 'decimals')
    return decimals === undefined || numberOf(decimals) === 0 ? valued('round', same)(it, s, a, span) : same(s)
  },
  trunc: valued('trunc', same),
  relu: (_i, s) => same(s),
  square: valued('square', same),
  clone: (_i, s) => withValues(same(s), currentValues(s)),
  contiguous: (_i, s) => s,
  detach: (_i, s) => newTensor([...s.shape], s.dtype, false),
  clamp: clampOp,
  clip: clampOp,
  clamp_min: oneBound('clamp_min', false),
  clamp_max: oneBound('clamp_max', false),
  clamp_min_: oneBound('clamp_min', true),
  clamp_max_: oneBound('clamp_max', true),
  tril: (_i, s) => same(s),
  triu: (_i, s) => same(s),
  tril_: (_i, s) => inPlace(s),
  triu_: (_i, s) => inPlace(s),
  flip: (_i, s) => same(s),
  diag: diagOf,
  diag_embed: diagEmbedOf,
  diagonal: diagonalOf,
  diff: diffOf,
  block_diag: blockDiagOf,
  frac: (_i, s, _a, span) => (integral(s.dtype) ? notImplementedFor('frac_cpu', s.dtype, span) : same(s)),
  roll: (_i, s) => same(s),
  cumsum: cumulative('cumsum'),
  cumprod: cumulative('cumprod'),
  cummax: cumulativeExtreme('cummax'),
  cummin: cumulativeExtreme('cummin'),
  // Out of place, the mask and the tensor broadcast together (the mask first), so the result can be larger.
  masked_fill: (_i, s, a, span) => {
    const mask = arg(a, 0, 'mask')
    return mask?.kind === 'tensor' ? newTensor(broadcastShapes([mask.shape, s.shape], span), s.dtype, s.requiresGrad) : same(s)
  },
  nan_to_num: (_i, s) => same(s),
  gather: (_i, s, a, span) => gathered(s, a, span),
  index_select: (_i, s, a, span) => indexSelected(s, a, span),
  take_along_dim: (_i, s, a, span) => takenAlongDim(s, a, span),
  rot90: (_i, s, a, span) => rotated90(s, a, span),
  masked_select: (_i, s, a, span) => maskedSelected(s, a, span),
  isnan: predicate((x) => Number.isNaN(x)),
  isinf: predicate((x) => x === Infinity || x === -Infinity),
  isposinf: predicate((x) => x === Infinity),
  isneginf: predicate((x) => x === -Infinity),
  isfinite: predicate((x) => Number.isFinite(x)),
  signbit: predicate((x) => x < 0 || Object.is(x, -0)),
  // `isclose(other)`: two tensors of one dtype, broadcast; a bool result.
  isclose: (_i, s, a, span) => {
    const other = tensorArgument('isclose', arg(a, 0, 'other'), 'other', span)
    if (other.dtype !== s.dtype) raise('RuntimeError', 'argument-type', `${scalarTypeName(s.dtype)} did not match ${scalarTypeName(other.dtype)}`, span)
    return newTensor(broadcastShapes([s.shape, other.shape], span), 'bool', false)
  },
  scatter: (_i, s, a, span) => same(scatterChecked(s, a, span, 'scatter')),
  scatter_: (_i, s, a, span) => scatterChecked(s, a, span, 'scatter_'),
  scatter_add: (_i, s, a, span) => same(scatterChecked(s, a, span, 'scatter_add')),
  scatter_add_: (_i, s, a, span) => scatterChecked(s, a, span, 'scatter_add_'),
  index_copy: (_i, s, a, span) => {
    const source = arg(a, 2, 'source')
    return newTensor([...indexCopyChecked(s, a, span).shape], s.dtype, s.requiresGrad || (source?.kind === 'tensor' && source.requiresGrad))
  },
  index_copy_: (_i, s, a, span) => indexCopyChecked(s, a, span),
  nonzero: (it, s, a, span) => nonzeroOf(it, s, a, span, 'nonzero'),
  argwhere: (it, s, a, span) => nonzeroOf(it, s, { values: [], named: new Map() }, span, 'argwhere'),
  // element-wise, floating result
  exp: valued('exp', floating),
  exp2: (_i, s) => floating(s),
  expm1: (_i, s) => floating(s),
  log: valued('log', floating),
  log2: valued('log2', floating),
  log10: valued('log10', floating),
  log1p: (_i, s) => floating(s),
  sqrt: valued('sqrt', floating),
  rsqrt: valued('rsqrt', floating),
  sin: valued('sin', floating),
  cos: valued('cos', floating),
  tan: (_i, s) => floating(s),
  sinh: (_i, s) => floating(s),
  cosh: (_i, s) => floating(s),
  tanh: valued('tanh', floating),
  asin: (_i, s) => floating(s),
  acos: (_i, s) => floating(s),
  atan: (_i, s) => floating(s),
  asinh: (_i, s) => floating(s),
  acosh: (_i, s) => floating(s),
  atanh: (_i, s) => floating(s),
  arcsin: (_i, s) => floating(s),
  arccos: (_i, s) => floating(s),
  arctan: (_i, s) => floating(s),
  arcsinh: (_i, s) => floating(s),
  arccosh: (_i, s) => floating(s),
  arctanh: (_i, s) => floating(s),
  erfc: (_i, s) => floating(s),
  sigmoid: valued('sigmoid', floating),
  erf: (_i, s) => floating(s),
  erfinv: (_i, s) => floating(s),
  reciprocal: valued('reciprocal', floating),
  // `dtype=` casts first: the result is of that dtype.
  softmax: (_i, s, a, span) => withDType(floating(s), dtypeArg(a.named.get('dtype') ?? a.values[1], span)),
  log_softmax: (_i, s, a, span) => withDType(floating(s), dtypeArg(a.named.get('dtype') ?? a.values[1], span)),
  // in place: shapes unchanged
  fill_: (_i, s) => inPlace(s),
  zero_: (_i, s) => inPlace(s),
  normal_: (_i, s) => inPlace(s),
  uniform_: (_i, s) => inPlace(s),
  bernoulli_: (_i, s) => inPlace(s),
  // `torch.bernoulli(input)`: a new tensor of random 0s and 1s, shaped and typed as the probabilities (floating only).
  bernoulli: (_i, s, _a, span) => {
    if (!isFloatingDType(s.dtype)) raise('RuntimeError', 'type', `\`bernoulli\` is not implemented for ${scalarTypeName(s.dtype)} tensors; it takes floating-point probabilities.`, span)
    return newTensor([...s.shape], s.dtype, s.requiresGrad)
  },
  random_: (_i, s) => inPlace(s),
  exponential_: (_i, s) => inPlace(s),
  clamp_: (_i, s) => inPlace(s),
  masked_fill_: (_i, s, a, span) => {
    const mask = arg(a, 0, 'mask')
    if (mask?.kind === 'tensor') checkInPlace(s.shape, [mask.shape], span)
    return inPlace(s)
  },
  copy_: (_i, s, a, span) => {
    const src = arg(a, 0, 'src')
    if (src?.kind === 'tensor') checkInPlace(s.shape, [src.shape], span)
    return s
  },
  requires_grad_: (it, s, a, span) => {
    const flag = arg(a, 0, 'requires_grad')
    const value = flag === undefined || it.truthy(flag, span)
    if (value && !isFloatingDType(s.dtype)) raise('RuntimeError', 'argument-value', 'Only tensors of floating point and complex dtype can require gradients.', span)
    s.requiresGrad = value
    return s
  },
  add_: (it, s, a, span) => tensorBinary(it, 'Add', s, a.values[0] ?? NONE, span, true),
  sub_: (it, s, a, span) => tensorBinary(it, 'Sub', s, a.values[0] ?? NONE, span, true),
  mul_: (it, s, a, span) => tensorBinary(it, 'Mult', s, a.values[0] ?? NONE, span, true),
  div_: (it, s, a, span) => tensorBinary(it, 'Div', s, a.values[0] ?? NONE, span, true),
  pow_: (it, s, a, span) => tensorBinary(it, 'Pow', s, a.values[0] ?? a.named.get('exponent') ?? NONE, span, true),
  // binary
  add: addOrSub('Add'),
  sub: addOrSub('Sub'),
  mul: (it, s, a, span) => tensorBinary(it, 'Mult', s, a.values[0] ?? a.named.get('other') ?? NONE, span),
  div: divOp,
  true_divide: (it, s, a, span) => tensorBinary(it, 'Div', s, a.values[0] ?? NONE, span),
  bitwise_and: (it, s, a, span) => tensorBinary(it, 'BitAnd', s, a.values[0] ?? a.named.get('other') ?? NONE, span),
  bitwise_or: (it, s, a, span) => tensorBinary(it, 'BitOr', s, a.values[0] ?? a.named.get('other') ?? NONE, span),
  bitwise_xor: (it, s, a, span) => tensorBinary(it, 'BitXor', s, a.values[0] ?? a.named.get('other') ?? NONE, span),
  bitwise_left_shift: (it, s, a, span) => tensorBinary(it, 'LShift', s, a.values[0] ?? a.named.get('other') ?? NONE, span),
  bitwise_right_shift: (it, s, a, span) => tensorBinary(it, 'RShift', s, a.values[0] ?? a.named.get('other') ?? NONE, span),
  floor_divide: (it, s, a, span) => tensorBinary(it, 'FloorDiv', s, a.values[0] ?? NONE, span),
  remainder: (it, s, a, span) => tensorBinary(it, 'Mod', s, a.values[0] ?? NONE, span),
  // C's `fmod` (the sign of the dividend) has the shapes and dtypes of `remainder`; its values are never kept
  fmod: (it, s, a, span) => tensorBinary(it, 'Mod', s, a.values[0] ?? a.named.get('other') ?? NONE, span),
  pow: (it, s, a, span) => tensorBinary(it, 'Pow', s, a.values[0] ?? a.named.get('exponent') ?? NONE, span),
  maximum: (it, s, a, span) => tensorBinary(it, 'Add', s, a.values[0] ?? NONE, span),
  minimum: (it, s, a, span) => tensorBinary(it, 'Add', s, a.values[0] ?? NONE, span),
  fmax: (it, s, a, span) => tensorBinary(it, 'Add', s, a.values[0] ?? a.named.get('other') ?? NONE, span),
  fmin: (it, s, a, span) => tensorBinary(it, 'Add', s, a.values[0] ?? a.named.get('other') ?? NONE, span),
  logaddexp: logarithmicPair('logaddexp'),
  logaddexp2: logarithmicPair('logaddexp2'),
  xlogy: logarithmicPair('xlogy'),
  heaviside: heavisideOf,
  sgn: (_i, s) => same(s),
  atan2: twoTensors('atan2'),
  arctan2: twoTensors('arctan2'),
  hypot: twoTensors('hypot'),
  lerp: lerpOf(false),
  lerp_: lerpOf(true),
  tensordot: tensordotOf,
  median: medianOf('median'),
  nanmedian: medianOf('nanmedian'),
  logcumsumexp: logcumsumexpOf,
  quantile: quantileOf('quantile'),
  nanquantile: quantileOf('nanquantile'),
  addcmul: addcOf('addcmul'),
  addcdiv: addcOf('addcdiv'),
  baddbmm: baddbmmOf,
  addmm: addmmOf(false),
  addmm_: addmmOf(true),
  addbmm: addbmmOf,
  addmv: matrixVectorOf('addmv'),
  mv: matrixVectorOf('mv'),
  dot: dotOf('dot'),
  vdot: dotOf('vdot'),
  cross: crossOf,
  dist: distOf,
  cdist: cdistOf,
  cosine_similarity: cosineSimilarityOf,
  matmul: (_it, s, a, span) => matmul(s, a.values[0] ?? NONE, span),
  mm: (_it, s, a, span) => matmul(s, a.values[0] ?? NONE, span),
  spmm: (_it, s, a, span) => matmul(s, a.values[0] ?? NONE, span),
  bmm: (_it, s, a, span) => matmul(s, a.values[0] ?? NONE, span),
  outer: outerOf,
  ger: outerOf,
  eq: (it, s, a, span) => tensorCompare(it, 'Eq', s, a.values[0] ?? NONE, span),
  // `torch.equal(a, b)`: one Python bool, False for different shapes, else read from the values when both are known.
  equal: (_i, s, a, span) => {
    const other = a.values[0] ?? a.named.get('other')
    if (other?.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`equal\` takes a tensor to compare with, got ${other ? typeName(other) : 'nothing'}.`, span)
    if (s.shape.length !== other.shape.length || s.shape.some((d, i) => d !== other.shape[i])) return bool(false)
    const left = knownValues(s)
    const right = knownValues(other)
    if (!left || !right) return raise('RuntimeError', 'unsupported', '`equal` of two tensors of the same shape depends on their values, which nnsize does not compute here.', span)
    return bool(left.every((v, i) => v === right[i]))
  },
  ne: (it, s, a, span) => tensorCompare(it, 'NotEq', s, a.values[0] ?? NONE, span),
  lt: (it, s, a, span) => tensorCompare(it, 'Lt', s, a.values[0] ?? NONE, span),
  le: (it, s, a, span) => tensorCompare(it, 'LtE', s, a.values[0] ?? NONE, span),
  gt: (it, s, a, span) => tensorCompare(it, 'Gt', s, a.values[0] ?? NONE, span),
  ge: (it, s, a, span) => tensorCompare(it, 'GtE', s, a.values[0] ?? NONE, span),
  // reductions
  sum: (it, s, a, span) => reduceKnown('sum', it, s, a, span, category(s.dtype) < 2 ? 'int64' : s.dtype),
  mean: (it, s, a, span) => reduce(it, s, a, span, s.dtype),
  prod: (it, s, a, span) => reduceKnown('prod', it, s, a, span, category(s.dtype) < 2 ? 'int64' : s.dtype),
  std: (it, s, a, span) => reduce(it, s, varianceArgs(a), span, s.dtype),
  var: (it, s, a, span) => reduce(it, s, varianceArgs(a), span, s.dtype),
  norm: (it, s, a, span) => reduce(it, s, { values: a.values.slice(1), named: a.named }, span, s.dtype),
  amax: (it, s, a, span) => reduceKnown('amax', it, s, a, span, s.dtype),
  amin: (it, s, a, span) => reduceKnown('amin', it, s, a, span, s.dtype),
  logsumexp: (it, s, a, span) => {
    requiredDim('logsumexp', a, 0, span)
    return reduce(it, s, a, span, integral(s.dtype) ? defaultFloat : s.dtype)
  },
  var_mean: statisticAndMean('var_mean'),
  std_mean: statisticAndMean('std_mean'),
  trace: matrixTraceOf,
  all: allAny('all'),
  any: allAny('any'),
  argmax: (it, s, a, span) => reduce(it, s, a, span, 'int64'),
  argmin: (it, s, a, span) => reduce(it, s, a, span, 'int64'),
  count_nonzero: (it, s, a, span) => reduce(it, s, a, span, 'int64'),
  max: (it, s, a, span) => minMax(it, s, a, span),
  min: (it, s, a, span) => minMax(it, s, a, span),
  // selection and ordering along a dimension
  topk: (it, s, a, span) => topk(it, s, a, span),
  kthvalue: selectedAlong('kthvalue'),
  mode: selectedAlong('mode'),
  sort: (it, s, a, span) => sortResult(it, s, a, span, 'sort'),
  argsort: (it, s, a, span) => (sortResult(it, s, a, span, 'argsort') as Extract<Value, { kind: 'tuple' }>).items[1]!,
  msort: (it, s, _a, span) => (sortResult(it, s, { values: [int(0)], named: new Map() }, span, 'msort') as Extract<Value, { kind: 'tuple' }>).items[0]!,
  // shapes
  view: (_it, s, a, span) => {
    const first = a.values[0]
    if (first?.kind === 'dtype') return newTensor([...s.shape], first.dtype)
    return newTensor(reshaped(s, sizeList(a, span), span), s.dtype, s.requiresGrad)
  },
  reshape: (_it, s, a, span) => newTensor(reshaped(s, sizeList(a, span, 'shape'), span), s.dtype, s.requiresGrad),
  view_as: (_it, s, a, span) => newTensor(reshaped(s, [...((a.values[0] as TensorValue | undefined)?.shape ?? [])], span), s.dtype, s.requiresGrad),
  reshape_as: (_it, s, a, span) => newTensor(reshaped(s, [...((a.values[0] as TensorValue | undefined)?.shape ?? [])], span), s.dtype, s.requiresGrad),
  flatten: (_it, s, a, span) => {
    if (s.shape.length === 0) return newTensor([1], s.dtype, s.requiresGrad)
    const start = wrapDimension(arg(a, 0, 'start_dim') ?? int(0), s.shape.length, span)
    const end = wrapDimension(arg(a, 1, 'end_dim') ?? int(-1), s.shape.length, span)
    const merged = s.shape.slice(start, end + 1).reduce((p, d) => p * BigInt(d), 1n)
    if (merged > BigInt(limits.maxDimension)) throw new NnsizeError('limit', `Flattening makes a dimension of ${merged}, beyond the largest supported size.`, { span })
    return newTensor([...s.shape.slice(0, start), Number(merged), ...s.shape.slice(end + 1)], s.dtype, s.requiresGrad)
  },
  unflatten: (_it, s, a, span) => {
    const dim = wrapDimension(arg(a, 0, 'dim') ?? int(0), s.shape.length, span)
    const sizes = sizesOf([arg(a, 1, 'sizes') ?? tuple([])], span)
    const inner = reshaped(newTensor([s.shape[dim]!], s.dtype), sizes, span)
    return newTensor([...s.shape.slice(0, dim), ...inner, ...s.shape.slice(dim + 1)], s.dtype, s.requiresGrad)
  },
  squeeze: (_it, s, a, span) => {
    const d = arg(a, 0, 'dim')
    if (d === undefined) return newTensor(s.shape.filter((x) => x !== 1), s.dtype, s.requiresGrad)
    const ds = dims(_it, s, d, span)!
    return newTensor(s.shape.filter((x, i) => !(ds.includes(i) && x === 1)), s.dtype, s.requiresGrad)
  },
  unsqueeze: (_it, s, a, span) => {
    const d = wrapDimension(arg(a, 0, 'dim') ?? raise('TypeError', 'missing-argument', '`unsqueeze()` needs a dimension.', span), s.shape.length, span, true)
    const shape = [...s.shape]
    shape.splice(d, 0, 1)
    return newTensor(shape, s.dtype, s.requiresGrad)
  },
  transpose: (_it, s, a, span) => {
    const d0 = arg(a, 0, 'dim0')
    const d1 = arg(a, 1, 'dim1')
    if (d0 === undefined || d1 === undefined) {
      const missing = [d0 === undefined ? '"dim0"' : '', d1 === undefined ? '"dim1"' : ''].filter(Boolean)
      raise('TypeError', 'missing-argument', `transpose() missing ${missing.length} required positional argument${missing.length > 1 ? '' : 's'}: ${missing.join(', ')}`, span)
    }
    const x = wrapDimension(d0, s.shape.length, span)
    const y = wrapDimension(d1, s.shape.length, span)
    const shape = [...s.shape]
    ;[shape[x], shape[y]] = [shape[y]!, shape[x]!]
    return newTensor(shape, s.dtype, s.requiresGrad)
  },
  swapaxes: (it, s, a, span) => ops['transpose']!(it, s, a, span),
  t: (_it, s, _a, span) => {
    if (s.shape.length > 2) raise('RuntimeError', 'shape', '`t()` expects a tensor with at most 2 dimensions.', span)
    return newTensor([...s.shape].reverse(), s.dtype, s.requiresGrad)
  },
  // In place, a view op changes `self`'s own sizes.
  ...Object.fromEntries(Object.keys(inPlaceViewOps).map((name): [string, Op] => [name, (it, s, a, span) => reshapedInPlace(it, name, s, a, span)])),
  permute: (_it, s, a, span) => {
    const order = sizesOf(a.values.length > 0 ? a.values : [a.named.get('dims') ?? tuple([])], span).map((d) => wrapDimension(d, s.shape.length, span))
    if (order.length !== s.shape.length || new Set(order).size !== order.length) raise('RuntimeError', 'shape', `\`permute\` needs each of the ${s.shape.length} dimensions once.`, span)
    return newTensor(order.map((d) => s.shape[d]!), s.dtype, s.requiresGrad)
  },
  expand: (_it, s, a, span) => newTensor(expandShape(s.shape, sizeList(a, span), span), s.dtype, s.requiresGrad),
  expand_as: (it, s, a, span) => {
    const other = arg(a, 0, 'other')
    if (other?.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`expand_as\` takes a tensor, got ${other === undefined ? 'nothing' : typeName(other)}.`, span)
    return newTensor(expandShape(s.shape, other.shape, span), s.dtype, s.requiresGrad)
  },
  broadcast_to: (_it, s, a, span) => newTensor(expandShape(s.shape, sizeList(a, span), span), s.dtype, s.requiresGrad),
  repeat: (_it, s, a, span) => {
    const times = sizeList(a, span, 'repeats')
    if (times.length < s.shape.length) raise('RuntimeError', 'shape', 'The number of repeats cannot be smaller than the number of dimensions.', span)
    const offset = times.length - s.shape.length
    return newTensor(times.map((t, i) => t * (i >= offset ? s.shape[i - offset]! : 1)), s.dtype, s.requiresGrad)
  },
  // `repeat_interleave(repeats, dim)` with an int: each element `repeats` times along `dim` (the flattened tensor
  // without `dim`); a tensor of repeats gives a size that depends on its values.
  // `tile(dims)`: `repeat` after padding the shorter of `dims` and the shape with leading ones.
  tile: (_it, s, a, span) => {
    const times = sizeList(a, span, 'dims')
    const rank = Math.max(times.length, s.shape.length)
    const padded = [...Array<number>(rank - times.length).fill(1), ...times]
    const shape = [...Array<number>(rank - s.shape.length).fill(1), ...s.shape]
    return newTensor(shape.map((d, i) => d * padded[i]!), s.dtype, s.requiresGrad)
  },
  repeat_interleave: (_it, s, a, span) => {
    const repeats = arg(a, 0, 'repeats')
    if (repeats?.kind === 'tensor') return raise('RuntimeError', 'unsupported', '`repeat_interleave` with a tensor of repeats makes a size that depends on its values, which nnsize does not compute.', span)
    const n = sizeOf(repeats ?? int(1), span, 'repeat count')
    if (n < 0) raise('RuntimeError', 'argument-value', 'Repeats must be non-negative', span)
    const dimValue = arg(a, 1, 'dim')
    if (dimValue === undefined) return newTensor([Number(numel(s.shape)) * n], s.dtype, s.requiresGrad)
    const d = wrapDimension(dimValue, s.shape.length, span)
    return newTensor(s.shape.map((x, i) => (i === d ? x * n : x)), s.dtype, s.requiresGrad)
  },
  narrow: (_it, s, a, span) => {
    const d = wrapDimension(arg(a, 0, 'dim') ?? int(0), s.shape.length, span)
    const length = sizeOf(arg(a, 2, 'length') ?? int(0), span)
    return newTensor(s.shape.map((x, i) => (i === d ? length : x)), s.dtype, s.requiresGrad)
  },
  // `unfold(dimension, size, step)`: the windows of `size` every `step` along a dimension, as a last dimension (a view)
  unfold: (_it, s, a, span) => {
    const rank = Math.max(1, s.shape.length)
    const d = wrapDimension(arg(a, 0, 'dimension') ?? int(0), rank, span)
    const size = sizeOf(arg(a, 1, 'size') ?? int(0), span)
    const stepValue = arg(a, 2, 'step') ?? int(1)
    const step = stepValue.kind === 'int' ? Number(stepValue.value) : sizeOf(stepValue, span)
    const n = s.shape.length === 0 ? 1 : s.shape[d]!
    if (size > n) raise('RuntimeError', 'argument-value', `maximum size for tensor at dimension ${d} is ${n} but size is ${size}`, span)
    if (step <= 0) raise('RuntimeError', 'argument-value', `step is ${step} but must be > 0`, span)
    const windows = Math.floor((n - size) / step) + 1
    return newTensor(s.shape.length === 0 ? [size] : [...s.shape.map((x, i) => (i === d ? windows : x)), size], s.dtype, s.requiresGrad)
  },
  select: (_it, s, a, span) => {
    const d = wrapDimension(arg(a, 0, 'dim') ?? int(0), s.shape.length, span)
    return newTensor(s.shape.filter((_x, i) => i !== d), s.dtype, s.requiresGrad)
  },
  chunk: (_it, s, a, span) => {
    const n = sizeOf(arg(a, 0, 'chunks') ?? raise('TypeError', 'missing-argument', 'chunk() missing 1 required positional arguments: "chunks"', span), span)
    if (n <= 0) raise('RuntimeError', 'argument-value', `chunk expects \`chunks\` to be greater than 0, got: ${n}`, span)
    const d = wrapDimension(arg(a, 1, 'dim') ?? int(0), s.shape.length, span)
    const size = s.shape[d]!
    const each = Math.ceil(size / Math.max(1, n))
    const sizes: number[] = []
    for (let left = size; left > 0; left -= each) sizes.push(Math.min(each, left))
    return chunks(s, d, sizes)
  },
  split: (_it, s, a, span) => {
    const spec = arg(a, 0, 'split_size_or_sections') ?? arg(a, 0, 'split_size') ?? int(1)
    const d = wrapDimension(arg(a, 1, 'dim') ?? int(0), s.shape.length, span)
    const size = s.shape[d]!
    if (spec.kind === 'list' || spec.kind === 'tuple') {
      const sizes = sizesOf([spec], span)
      if (sizes.reduce((p, x) => p + x, 0) !== size) raise('RuntimeError', 'shape', `Split sizes (${sizes.join(', ')}) do not add up to the dimension's size ${size}.`, span)
      return chunks(s, d, sizes)
    }
    const each = Math.max(1, sizeOf(spec, span))
    const sizes: number[] = []
    for (let left = size; left > 0; left -= each) sizes.push(Math.min(each, left))
    return chunks(s, d, sizes)
  },
  unbind: (_it, s, a, span) => {
    const d = wrapDimension(arg(a, 0, 'dim') ?? int(0), s.shape.length, span)
    return tuple(Array.from({ length: s.shape[d]! }, () => newTensor(s.shape.filter((_x, i) => i !== d), s.dtype, s.requiresGrad)))
  },
  // dtypes and devices
  float: castTo('float32'),
  double: castTo('float64'),
  half: castTo('float16'),
  bfloat16: castTo('bfloat16'),
  long: castTo('int64'),
  int: castTo('int32'),
  short: castTo('int16'),
  byte: castTo('uint8'),
  bool: castTo('bool'),
  cfloat: castTo('complex64'),
  to: toOp,
  type: (it, s, a, span) => {
    const d = arg(a, 0, 'dtype')
    if (d === undefined) return str(`torch.${tensorTypeName(s.dtype)}`)
    return toOp(it, s, { values: [legacyTypeDType(d, span) ?? d], named: new Map() }, span)
  },
  type_as: (_it, s, a) => {
    const o = a.values[0]
    return o?.kind === 'tensor' && o.dtype !== s.dtype ? newTensor([...s.shape], o.dtype, s.requiresGrad) : s
  },
  cpu: (_it, s) => s,
  cuda: (_it, s) => s,
  pin_memory: (_it, s) => s,
  share_memory_: (_it, s) => s,
  // new tensors like this one
  new_zeros: (_it, s, a, span) => newTensor(checkShape(_it, sizeList(a, span), span), dtypeArg(a.named.get('dtype'), span) ?? s.dtype),
  new_ones: (_it, s, a, span) => newTensor(checkShape(_it, sizeList(a, span), span), dtypeArg(a.named.get('dtype'), span) ?? s.dtype),
  new_empty: (_it, s, a, span) => newTensor(checkShape(_it, sizeList(a, span), span), dtypeArg(a.named.get('dtype'), span) ?? s.dtype),
  new_full: (_it, s, a, span) => newTensor(checkShape(_it, sizesOf([a.values[0] ?? a.named.get('size') ?? tuple([])], span), span), dtypeArg(a.named.get('dtype'), span) ?? s.dtype),
  new_tensor: (it, s, a, span) => newTensor(nestedShape(it, a.values[0] ?? tuple([]), span), dtypeArg(a.named.get('dtype'), span) ?? s.dtype),
  // metadata
  size: (_it, s, a, span) => {
    const d = arg(a, 0, 'dim')
    if (d === undefined) return tuple(s.shape.map((x) => int(x)), undefined, sizeClass)
    return int(s.shape[wrapDimension(d, s.shape.length, span)]!)
  },
  dim: (_it, s) => int(s.shape.length),
  ndimension: (_it, s) => int(s.shape.length),
  numel: (_it, s) => int(numel(s.shape)),
  nelement: (_it, s) => int(numel(s.shape)),
  element_size: (_it, s) => int(dtypeBytes[s.dtype]),
  is_floating_point: (_it, s) => bool(category(s.dtype) === 2),
  is_complex: (_it, s) => bool(category(s.dtype) === 3),
  is_contiguous: () => bool(true),
  get_device: () => int(-1),
  data_ptr: (_it, _s, _a, span) => raise('RuntimeError', 'unsupported', 'nnsize allocates no memory: tensors have no data pointer.', span),
  item: (_it, s, _a, span) => tensorItem(s, span),
  tolist: (_it, s, _a, span) => tensorToList(s, span),
  // `t.numpy()`: a numpy array sharing the tensor's storage (and its known values).
  numpy: (_it, s, _a, span) => {
    if (s.requiresGrad) raise('RuntimeError', 'argument-value', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.", span)
    const a = newArray([...s.shape], s.dtype)
    shareStorage(a, s, knownValues(s))
    return a
  },
}

/** Element-wise ops of one tensor that have an in-place form (`w.erfinv_()` in `trunc_normal_`, `mask.floor_()`). */
const elementwiseInPlace = ['abs', 'neg', 'negative', 'sign', 'floor', 'ceil', 'round', 'trunc', 'relu', 'square', 'nan_to_num', 'clip', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'sin', 'cos', 'tan', 'sinh', 'cosh', 'tanh', 'asin', 'acos', 'atan', 'sigmoid', 'erf', 'erfinv', 'reciprocal']
for (const name of elementwiseInPlace) {
  // The result is written into `self`, so it must keep its dtype: `exp_` of an int64 tensor is PyTorch's error.
  ops[`${name}_`] = (it, self, a, span) => {
    const result = ops[name]!(it, self, a, span) as TensorValue
    if (result.dtype !== self.dtype) raise('RuntimeError', 'type', `result type ${scalarTypeName(result.dtype)} can't be cast to the desired output type ${scalarTypeName(self.dtype)}`, span)
    return self
  }
}

function minMax(it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  const other = a.values[0]
  if (other?.kind === 'tensor') return tensorBinary(it, 'Add', s, other, span)
  if (arg(a, 0, 'dim') === undefined) return newTensor([], s.dtype, s.requiresGrad)
  const values = reduce(it, s, a, span, s.dtype)
  // `torch.return_types.max`/`min`: a named tuple, read by position or as `.values` / `.indices`
  return tuple([values, newTensor([...values.shape], 'int64')], ['values', 'indices'])
}

/** An int argument of `name` (`topk(k)`): PyTorch's argument parser takes ints only, not bools or floats. */
function intArgument(fn: string, v: Value, name: string, position: number | undefined, span: SourceSpan): number {
  if (v.kind === 'int') return sizeOf(v, span, `\`${name}\``)
  if (v.kind === 'placeholder') throw placeholderError(v, span)
  return raise('TypeError', 'argument-type', `${fn}(): argument '${name}'${position === undefined ? '' : ` (position ${position})`} must be int, not ${v.kind === 'none' ? 'NoneType' : typeName(v)}`, span)
}

/** Refuses dtypes PyTorch's CPU kernels of `topk` and `sort` refuse. */
function orderable(self: TensorValue, kernel: 'topk' | 'Sort', span: SourceSpan): void {
  if (category(self.dtype) === 3 || (kernel === 'topk' && self.dtype === 'bool')) {
    raise('RuntimeError', 'type', `${kernel} does not support ${self.dtype === 'bool' ? 'bool' : 'complex'} dtypes on CPU`, span)
  }
}

/**
 * `topk(k, dim=-1, largest=True, sorted=True)`: `torch.return_types.topk`, a named tuple of the `k` values along
 * `dim` (its size becomes `k`) and their int64 indices; `k` must lie in `[0, size]` (a 0-dim tensor has size 1).
 */
function topk(it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan): Value {
  if (a.values.length > 4) raise('TypeError', 'too-many-arguments', `topk() takes from 1 to 4 positional arguments but ${a.values.length + 1} were given`, span)
  const kValue = a.values[0] ?? a.named.get('k') ?? raise('TypeError', 'missing-argument', 'topk() missing 1 required positional arguments: "k"', span)
  const k = intArgument('topk', kValue, 'k', a.values[0] === undefined ? undefined : 1, span)
  const dimValue = a.values[1] ?? a.named.get('dim')
  const dim = wrapDimension(dimValue === undefined ? -1 : intArgument('topk', dimValue, 'dim', a.values[1] === undefined ? undefined : 2, span), s.shape.length, span)
  for (const [position, name] of [[2, 'largest'], [3, 'sorted']] as const) {
    const flag = a.values[position] ?? a.named.get(name)
    if (flag !== undefined) it.truthy(flag, span)
  }
  orderable(s, 'topk', span)
  const size = s.shape.length === 0 ? 1 : s.shape[dim]!
  if (k < 0 || k > size) raise('RuntimeError', 'argument-value', `selected index k out of range: \`k\` is ${k}, but dimension ${dim} has size ${size}.`, span)
  const shape = s.shape.map((d, i) => (i === dim ? k : d))
  // `torch.return_types.topk`: read by position or as `.values` / `.indices`.
  return tuple([newTensor(shape, s.dtype, s.requiresGrad), newTensor([...shape], 'int64')], ['values', 'indices'])
}

/**
 * `sort(dim=-1, descending=False)` or `sort(*, stable, dim=-1, descending=False)` (`torch.return_types.sort`: the
 * values and their int64 indices, both of the input's shape), also for `argsort` (the indices) and `msort` (the
 * values along dimension 0).
 */
function sortResult(it: Interpreter, s: TensorValue, a: OpArgs, span: SourceSpan, fn: 'sort' | 'argsort' | 'msort'): Value {
  if (a.values.length > 2) raise('TypeError', 'too-many-arguments', `${fn}() takes at most 2 positional arguments (\`dim\`, \`descending\`) but ${a.values.length} were given`, span)
  if (a.named.has('stable') && a.values.length > 0) raise('TypeError', 'argument-type', `${fn}() with \`stable\` takes \`dim\` and \`descending\` by keyword only`, span)
  const dimValue = a.values[0] ?? a.named.get('dim')
  wrapDimension(dimValue === undefined ? -1 : intArgument(fn, dimValue, 'dim', undefined, span), s.shape.length, span)
  for (const flag of [a.values[1] ?? a.named.get('descending'), a.named.get('stable')]) {
    if (flag !== undefined && flag.kind !== 'none') it.truthy(flag, span)
  }
  orderable(s, 'Sort', span)
  return tuple([newTensor([...s.shape], s.dtype, s.requiresGrad), newTensor([...s.shape], 'int64')], ['values', 'indices'])
}

const tensorTypeNames: Partial<Record<DType, string>> = { float32: 'FloatTensor', float64: 'DoubleTensor', float16: 'HalfTensor', bfloat16: 'BFloat16Tensor', int64: 'LongTensor', int32: 'IntTensor', int16: 'ShortTensor', int8: 'CharTensor', uint8: 'ByteTensor', bool: 'BoolTensor' }

function tensorTypeName(dtype: DType): string {
  return tensorTypeNames[dtype] ?? 'Tensor'
}

/**
 * The dtype a legacy tensor type names in `t.type(…)`: the class (`torch.ByteTensor`, `torch.cuda.LongTensor`) or
 * its name (`'torch.LongTensor'`); `torch.Tensor` is the default float. Undefined for a dtype; an unknown name is
 * PyTorch's error.
 */
function legacyTypeDType(v: Value, span: SourceSpan): { kind: 'dtype'; dtype: DType } | undefined {
  const name = v.kind === 'str' ? v.value : v.kind === 'callable' ? v.name : v.kind === 'class' && v.cls.module === 'torch' ? `torch.${v.cls.name}` : undefined
  if (name === undefined) return undefined
  if (name === 'torch.Tensor') return { kind: 'dtype', dtype: defaultFloat }
  const legacy = /^torch\.(?:cuda\.)?(\w+Tensor)$/.exec(name)?.[1]
  const dtype = (Object.keys(tensorTypeNames) as DType[]).find((d) => tensorTypeNames[d] === legacy)
  return dtype ? { kind: 'dtype', dtype } : raise('ValueError', 'argument-value', `invalid type: '${name}'`, span)
}

/** The tensor methods that make views (or, for `reshape`, a view when they can): see {@link untracedMethodViews}. */
const viewMethods = new Set(['view', 'reshape', 'view_as', 'reshape_as', 'flatten', 'unflatten', 'squeeze', 'unsqueeze', 'transpose', 'swapaxes', 'swapdims', 't', 'permute', 'movedim', 'moveaxis', 'expand', 'expand_as', 'broadcast_to', 'narrow', 'diagonal', 'select', 'unfold', 'chunk', 'split', 'unbind', 'detach'])

/**
 * Views made in a traced forward by a tensor method of a tensor made outside the trace, from constants
 * (`torch.zeros(2, 1).expand(2, 3)`): each with its base, the method and its arguments, and which result it is
 * (of `split`, `unbind`, …). The trace makes the same view of its base's storage, as PyTorch does, rather than
 * new storage of the view's size.
 */
export const untracedMethodViews = new WeakMap<TensorValue, { readonly base: TensorValue; readonly name: string; readonly args: readonly ArgValue[]; readonly item: number | undefined; readonly span: SourceSpan }>()

function recordMethodView(it: Interpreter, name: string, base: TensorValue, args: readonly ArgValue[], result: Value, span: SourceSpan): void {
  if (it.forwardOps === undefined || !viewMethods.has(name)) return
  if (result.kind === 'tensor' && result !== base) untracedMethodViews.set(result, { base, name, args, item: undefined, span })
  else if (result.kind === 'tuple') result.items.forEach((v, item) => v.kind === 'tensor' && untracedMethodViews.set(v, { base, name, args, item, span }))
}

/** Runs a tensor operation by name on `self` (`t.exp()` and `torch.exp(t)` alike); undefined when there is none. */
export function tensorOp(it: Interpreter, name: string, self: TensorValue, args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  const op = Object.hasOwn(ops, name) ? ops[name] : undefined
  if (!op) return undefined
  const hooked = traced(it, name, [self, ...args.map((a) => a.value)], args, span)
  if (hooked) return hooked
  if (self.known === undefined) {
    const plain = op(it, self, opArgs(args), span)
    recordMethodView(it, name, self, args, plain, span)
    return plain
  }
  // A tensor whose values are known: an in-place op forgets them; a result that may be a view shares its storage
  // (`detach` keeps the values).
  if (name.endsWith('_')) markWritten(self)
  const result = op(it, self, opArgs(args), span)
  if (result.kind === 'tensor') shareStorage(result, self, name === 'detach' ? currentValues(self) : undefined)
  else if (result.kind === 'tuple') for (const item of result.items) shareStorage(item, self)
  recordMethodView(it, name, self, args, result, span)
  return result
}

/** True when `name` is a tensor operation (`exp`, `view`, …). */
export function isTensorOp(name: string): boolean {
  return Object.hasOwn(ops, name)
}

/** Attributes and methods of a tensor. */
export function tensorAttr(it: Interpreter, t: TensorValue, name: string, span: SourceSpan): Value | undefined {
  if (t.ndarray) return ndarrayAttr(t, name, span)
  switch (name) {
    case 'shape':
      return tuple(t.shape.map((d) => int(d)), undefined, sizeClass)
    case 'dtype':
      return { kind: 'dtype', dtype: t.dtype }
    case 'device':
      return { kind: 'device', name: 'cpu' }
    case 'ndim':
      return int(t.shape.length)
    case 'requires_grad':
      return bool(t.requiresGrad)
    case 'is_leaf':
      return bool(true)
    case 'is_cuda':
    case 'is_xpu':
    case 'is_mps':
    case 'is_meta':
    case 'is_sparse':
      return bool(false)
    case 'data':
      return t
    case 'grad':
      return NONE
    case 'T': {
      // In a traced forward, `x.T` and `x.mT` are views (`permute`, `transpose`).
      const reversed = t.shape.map((_, i) => ({ value: int(t.shape.length - 1 - i), span, valueSpan: span }))
      const hooked = traced(it, 'permute', [t, ...reversed.map((a) => a.value)], reversed, span)
      if (hooked) return hooked
      const view = newTensor([...t.shape].reverse(), t.dtype, t.requiresGrad)
      shareStorage(view, t)
      recordMethodView(it, 'permute', t, reversed, view, span)
      return view
    }
    case 'mT': {
      if (t.shape.length < 2) raise('RuntimeError', 'shape', '`mT` needs a tensor of at least 2 dimensions.', span)
      const last = [int(-2), int(-1)].map((value) => ({ value, span, valueSpan: span }))
      const hooked = traced(it, 'transpose', [t, ...last.map((a) => a.value)], last, span)
      if (hooked) return hooked
      const view = newTensor([...t.shape.slice(0, -2), t.shape.at(-1)!, t.shape.at(-2)!], t.dtype, t.requiresGrad)
      shareStorage(view, t)
      recordMethodView(it, 'transpose', t, last, view, span)
      return view
    }
    case 'real':
    case 'imag':
      return newTensor([...t.shape], t.dtype === 'complex128' ? 'float64' : t.dtype === 'complex64' ? 'float32' : t.dtype, t.requiresGrad)
    default:
      break
  }
  const extra = tensorAttributes.get(t.def ?? t)?.get(name)
  if (extra !== undefined) return extra
  if (decompositionMethods.has(name)) return native(`Tensor.${name}`, (args, callSpan, interp) => tensorDecomposition(name, t, args, callSpan, interp as Interpreter | undefined))
  if (!Object.hasOwn(ops, name) || functionOnly.has(name)) {
    // A method or attribute PyTorch has but nnsize does not model yet: a placeholder, an error where the model uses it.
    if (pytorchName('Tensor', name) === undefined) return undefined
    return { kind: 'placeholder', name: `Tensor.${name}`, reason: { type: 'attribute', owner: 'Tensor', attribute: name, suggestions: [], span } }
  }
  return native(`Tensor.${name}`, (args, callSpan, interp) => tensorOp(interp!, name, t, args, callSpan)!) satisfies CallableValue
}

/**
 * The tensor methods that run a decomposition of `torch.linalg` (`A.det()`, `W.inverse()`, `x.svd()`): named here, so
 * that reading a tensor's attributes does not load `torch.linalg` (a bundle of its own in the command line).
 */
const decompositionMethods: ReadonlySet<string> = new Set(['det', 'slogdet', 'logdet', 'inverse', 'pinverse', 'svd', 'qr', 'cholesky'])

const tensorAttributes = new WeakMap<object, Map<string, Value>>()

/** `t.name = value`: `requires_grad`, `data` (takes the new value's shape and dtype), or an attribute of the program's own. */
export function tensorSetAttr(it: Interpreter, t: TensorValue, name: string, value: Value, span: SourceSpan): void {
  if (t.ndarray) {
    ndarraySetAttr(t, name, value, span)
    return
  }
  switch (name) {
    case 'requires_grad': {
      const flag = it.truthy(value, span)
      if (flag && !isFloatingDType(t.dtype)) raise('RuntimeError', 'argument-value', 'Only tensors of floating point and complex dtype can require gradients.', span)
      t.requiresGrad = flag
      return
    }
    case 'data':
      if (value.kind !== 'tensor') raise('TypeError', 'argument-type', `\`.data\` must be a tensor, got ${typeName(value)}.`, span)
      markWritten(t)
      t.shape = [...value.shape]
      t.dtype = value.dtype
      return
    case 'grad':
      return
    case 'shape':
    case 'dtype':
    case 'device':
      raise('AttributeError', 'unknown-attribute', `Attribute \`${name}\` of a tensor cannot be set.`, span)
      return
    default: {
      const key = t.def ?? t
      let map = tensorAttributes.get(key)
      if (!map) tensorAttributes.set(key, (map = new Map()))
      map.set(name, value)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Factories and functions of `torch`

/** `torch.zeros(2, 3, dtype=…, requires_grad=…)` and the other factories that take sizes. */
export function sizedFactory(name: string): CallableValue {
  return native(`torch.${name}`, (args, span, it) => {
    const a = opArgs(args)
    const sizes = a.values.length > 0 ? sizesOf(a.values, span) : sizesOf([a.named.get('size') ?? tuple([])], span)
    const dtype = dtypeArg(a.named.get('dtype'), span) ?? defaultFloat
    const requiresGrad = a.named.get('requires_grad')
    const t = makeTensor(it!, sizes, dtype, requiresGrad !== undefined && it!.truthy(requiresGrad, span), span)
    return name === 'zeros' || name === 'ones' ? filled(t, name === 'ones' ? 1 : 0) : t
  })
}

/** Gives a new tensor the value `x` in every element, when it is small enough to keep them. */
function filled(t: TensorValue, x: number | undefined): TensorValue {
  return x === undefined ? t : withLazyValues(t, () => new Array<number>(Number(numel(t.shape))).fill(x))
}

function makeTensor(it: Interpreter, shape: number[], dtype: DType, requiresGrad: boolean, span: SourceSpan): TensorValue {
  if (requiresGrad && !isFloatingDType(dtype)) raise('RuntimeError', 'argument-value', 'Only tensors of floating point and complex dtype can require gradients.', span)
  return newTensor(checkShape(it, shape, span), dtype, requiresGrad)
}

/** The functions of `torch` that build or transform tensors. */
export function torchTensorFunctions(): Record<string, Value> {
  const f: Record<string, Value> = {}
  for (const name of ['zeros', 'ones', 'empty', 'randn', 'rand']) f[name] = sizedFactory(name)
  f['full'] = native('torch.full', (args, span, it) => {
    const a = opArgs(args)
    const sizes = sizesOf([a.values[0] ?? a.named.get('size') ?? tuple([])], span)
    const fill = a.values[1] ?? a.named.get('fill_value') ?? int(0)
    const dtype = dtypeArg(a.named.get('dtype'), span) ?? scalarDType(fill) ?? defaultFloat
    return filled(makeTensor(it!, sizes, dtype, false, span), numberOf(fill))
  })
  f['randint'] = native('torch.randint', (args, span, it) => {
    const a = opArgs(args)
    const size = a.named.get('size') ?? a.values.at(-1) ?? tuple([])
    return makeTensor(it!, sizesOf([size], span), dtypeArg(a.named.get('dtype'), span) ?? 'int64', false, span)
  })
  f['randperm'] = native('torch.randperm', (args, span, it) => {
    const a = opArgs(args)
    return makeTensor(it!, [sizeOf(a.values[0] ?? int(0), span)], dtypeArg(a.named.get('dtype'), span) ?? 'int64', false, span)
  })
  f['arange'] = native('torch.arange', (args, span, it) => {
    const a = opArgs(args)
    // `arange(end)`, `arange(start, end)`, `arange(start, end, step)`; any of them also by keyword (`step=2`).
    const [p0, p1, p2] = a.values
    const named = (name: string): Value | undefined => a.named.get(name)
    const single = p0 !== undefined && p1 === undefined && named('end') === undefined
    const start = (single ? named('start') : p0 ?? named('start')) ?? int(0)
    const end = (single ? p0 : p1 ?? named('end')) ?? raise('TypeError', 'missing-argument', '`torch.arange` needs `end`.', span)
    const step = p2 ?? named('step') ?? int(1)
    const toNumber = (v: Value): number => (v.kind === 'int' ? Number(v.value) : v.kind === 'float' ? v.value : v.kind === 'bool' ? Number(v.value) : raise('TypeError', 'argument-type', '`torch.arange` takes numbers.', span))
    const s = toNumber(step)
    if (s === 0) raise('RuntimeError', 'argument-value', '`torch.arange` step must be nonzero.', span)
    const length = Math.max(0, Math.ceil((toNumber(end) - toNumber(start)) / s))
    const allInt = [start, end, step].every((v) => v.kind === 'int' || v.kind === 'bool')
    const requiresGrad = a.named.get('requires_grad')
    const t = makeTensor(it!, [length], dtypeArg(a.named.get('dtype'), span) ?? (allInt ? 'int64' : defaultFloat), requiresGrad !== undefined && it!.truthy(requiresGrad, span), span)
    // Integer arguments give exact values in any dtype; the rounding of a float step's values is not reproduced, so they are not kept.
    return allInt ? withLazyValues(t, () => arangeValues(toNumber(start), s, length)) : t
  })
  f['linspace'] = native('torch.linspace', (args, span, it) => {
    const a = opArgs(args)
    const steps = a.values[2] ?? a.named.get('steps') ?? raise('TypeError', 'missing-argument', '`torch.linspace` needs `steps`.', span)
    const n = sizeOf(steps, span)
    const dtype = dtypeArg(a.named.get('dtype'), span) ?? defaultFloat
    const t = makeTensor(it!, [n], dtype, false, span)
    const start = numberOf(a.values[0] ?? a.named.get('start'))
    const end = numberOf(a.values[1] ?? a.named.get('end'))
    return start === undefined || end === undefined ? t : withLazyValues(t, () => linspaceValues(start, end, n, dtype))
  })
  f['logspace'] = native('torch.logspace', (args, span, it) => {
    const a = opArgs(args)
    const steps = a.values[2] ?? a.named.get('steps') ?? raise('TypeError', 'missing-argument', '`torch.logspace` needs `steps`.', span)
    return makeTensor(it!, [sizeOf(steps, span)], dtypeArg(a.named.get('dtype'), span) ?? defaultFloat, false, span)
  })
  f['eye'] = native('torch.eye', (args, span, it) => {
    const a = opArgs(args)
    const n = sizeOf(a.values[0] ?? a.named.get('n') ?? int(0), span)
    const mValue = a.values[1] ?? a.named.get('m')
    const m = mValue && mValue.kind !== 'none' ? sizeOf(mValue, span) : n
    return makeTensor(it!, [n, m], dtypeArg(a.named.get('dtype'), span) ?? defaultFloat, false, span)
  })
  f['tensor'] = native('torch.tensor', (args, span, it) => {
    const a = opArgs(args)
    const data = a.values[0] ?? a.named.get('data') ?? raise('TypeError', 'missing-argument', '`torch.tensor` needs data.', span)
    const requiresGrad = a.named.get('requires_grad')
    const t = makeTensor(it!, nestedShape(it!, data, span), dtypeArg(a.named.get('dtype'), span) ?? nestedDType(data), requiresGrad !== undefined && it!.truthy(requiresGrad, span), span)
    return withValues(t, isNdarray(data) ? knownValues(data) : nestedNumbers(data))
  })
  f['as_tensor'] = f['tensor']
  // `torch.from_numpy(a)`: a tensor of the array's shape and dtype, sharing its storage.
  f['from_numpy'] = native('torch.from_numpy', (args, span) => {
    const a = args[0]?.value
    if (!isNdarray(a)) return raise('TypeError', 'argument-type', `expected np.ndarray (got ${a === undefined ? 'nothing' : a.kind === 'tensor' ? 'Tensor' : typeName(a)})`, span)
    const t = newTensor([...a.shape], a.dtype)
    shareStorage(t, a, knownValues(a))
    return t
  })
  for (const name of ['zeros_like', 'ones_like', 'empty_like', 'randn_like', 'rand_like', 'full_like']) {
    f[name] = native(`torch.${name}`, (args, span, it) => {
      const a = opArgs(args)
      const source = a.values[0] ?? a.named.get('input')
      if (source?.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`torch.${name}\` takes a tensor.`, span)
      // In a traced forward, the new tensor takes the memory layout of `input` (`memory_format=torch.preserve_format`).
      const hooked = traced(it!, name, [source], args, span)
      if (hooked) return hooked
      const fill = name === 'full_like' ? (a.values[1] ?? a.named.get('fill_value')) : undefined
      const fillDType = fill ? scalarDType(fill) : undefined
      const dtype = dtypeArg(a.named.get('dtype'), span) ?? (fillDType !== undefined && category(fillDType) > category(source.dtype) ? defaultFloat : source.dtype)
      return newTensor([...source.shape], dtype)
    })
  }
  const joined = (name: 'cat' | 'stack'): CallableValue =>
    native(`torch.${name}`, (args, span, it) => {
      const a = opArgs(args)
      const tensors = it!.toArray(a.values[0] ?? a.named.get('tensors') ?? tuple([]), span)
      const hooked = traced(it!, name, tensors, args, span)
      if (hooked) return hooked
      if (tensors.length === 0) raise('RuntimeError', 'argument-value', `\`torch.${name}\` expects a non-empty list of tensors.`, span)
      const ts = tensors.map((t) => (t.kind === 'tensor' ? t : raise('TypeError', 'argument-type', `\`torch.${name}\` takes tensors, got ${typeName(t)}.`, span)))
      const first = ts[0]!
      const dimValue = a.values[1] ?? a.named.get('dim') ?? a.named.get('axis') ?? int(0)
      const dtype = ts.reduce<DType>((d, t) => promoteTypes(d, t.dtype), first.dtype)
      if (name === 'stack') {
        const d = wrapDimension(dimValue, first.shape.length, span, true)
        for (const t of ts) if (t.shape.length !== first.shape.length || t.shape.some((x, i) => x !== first.shape[i])) raise('RuntimeError', 'shape', 'stack expects each tensor to be equal size.', span)
        const shape = [...first.shape]
        shape.splice(d, 0, ts.length)
        return newTensor(shape, dtype)
      }
      const nonEmpty = ts.filter((t) => !(t.shape.length === 1 && t.shape[0] === 0))
      const base = nonEmpty[0] ?? first
      const d = wrapDimension(dimValue, base.shape.length, span)
      let total = 0
      for (const t of nonEmpty) {
        if (t.shape.length !== base.shape.length || t.shape.some((x, i) => i !== d && x !== base.shape[i])) raise('RuntimeError', 'shape', `Sizes of tensors must match except in dimension ${d}: (${base.shape.join(', ')}) and (${t.shape.join(', ')}).`, span)
        total += t.shape[d]!
      }
      return newTensor(base.shape.map((x, i) => (i === d ? total : x)), dtype)
    })
  f['cat'] = joined('cat')
  f['concat'] = f['cat']
  f['concatenate'] = f['cat']
  f['stack'] = joined('stack')
  // `torch.hstack` and its kin, as PyTorch composes them: each tensor made at least 1-, 2- or 3-D (a view), then
  // `cat` along the dimension each names; `column_stack` makes 0- and 1-D tensors columns first.
  const arg = (value: Value, span: SourceSpan): ArgValue => ({ value, span, valueSpan: span })
  const reshapedTo = (it: Interpreter, t: Value, shape: (s: readonly number[]) => readonly number[], span: SourceSpan): Value => {
    if (t.kind !== 'tensor') return raise('TypeError', 'argument-type', `expected Tensor as element in argument 0, but got ${typeName(t)}`, span)
    const target = shape(t.shape)
    return target.length === t.shape.length ? t : tensorOp(it, 'reshape', t, [arg(tuple(target.map((d) => int(d))), span)], span)!
  }
  const atLeast = (rank: number) => (s: readonly number[]): readonly number[] =>
    s.length >= rank ? s : rank === 1 ? [1] : rank === 2 ? (s.length === 0 ? [1, 1] : [1, s[0]!]) : s.length === 0 ? [1, 1, 1] : s.length === 1 ? [1, s[0]!, 1] : [s[0]!, s[1]!, 1]
  const columns = (s: readonly number[]): readonly number[] => (s.length <= 1 ? [s.length === 0 ? 1 : s[0]!, 1] : s)
  const stackedAlong = (name: string, shape: (s: readonly number[]) => readonly number[], dim: (first: readonly number[]) => number): CallableValue =>
    native(`torch.${name}`, (args, span, it) => {
      const a = opArgs(args)
      const tensors = it!.toArray(a.values[0] ?? a.named.get('tensors') ?? tuple([]), span)
      if (tensors.length === 0) raise('RuntimeError', 'argument-value', `${name} expects a non-empty TensorList`, span)
      const shaped = tensors.map((t) => reshapedTo(it!, t, shape, span))
      const first = shaped[0] as TensorValue
      return (f['cat'] as CallableValue).invoke([arg(tuple(shaped), span), { name: 'dim', ...arg(int(dim(first.shape)), span) }], span, it)
    })
  f['hstack'] = stackedAlong('hstack', atLeast(1), (s) => (s.length === 1 ? 0 : 1))
  f['vstack'] = stackedAlong('vstack', atLeast(2), () => 0)
  f['row_stack'] = f['vstack']
  f['dstack'] = stackedAlong('dstack', atLeast(3), () => 2)
  f['column_stack'] = stackedAlong('column_stack', columns, () => 1)
  // `torch.meshgrid(a, b, indexing='ij')`: one tensor per input (a view of it), each of the shape of all the
  // inputs' lengths; `indexing='xy'` swaps the first two. PyTorch 2.13's default is 'ij'.
  f['meshgrid'] = native('torch.meshgrid', (args, span, it) => {
    const a = opArgs(args)
    const tensors = a.values.length === 1 && (a.values[0]!.kind === 'list' || a.values[0]!.kind === 'tuple') ? it!.toArray(a.values[0]!, span) : a.values
    const hooked = traced(it!, 'meshgrid', tensors, args, span)
    if (hooked) return hooked
    const indexing = a.named.get('indexing') ?? str('ij')
    if (indexing.kind !== 'str' || (indexing.value !== 'ij' && indexing.value !== 'xy')) raise('RuntimeError', 'argument-value', `torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${indexing.kind === 'str' ? indexing.value : typeName(indexing)}`, span)
    if (tensors.length === 0) raise('RuntimeError', 'argument-value', 'meshgrid expects a non-empty TensorList', span)
    const ts = tensors.map((t) => (t.kind === 'tensor' ? t : raise('TypeError', 'argument-type', `\`torch.meshgrid\` takes tensors, got ${typeName(t)}.`, span)))
    for (const t of ts) {
      if (t.shape.length > 1) raise('RuntimeError', 'shape', `torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor of shape (${t.shape.join(', ')}).`, span)
      if (t.dtype !== ts[0]!.dtype) raise('RuntimeError', 'type', 'meshgrid expects all tensors to have the same dtype', span)
    }
    const shape = ts.map((t) => t.shape[0] ?? 1)
    if ((indexing as { value: string }).value === 'xy' && shape.length >= 2) [shape[0], shape[1]] = [shape[1]!, shape[0]!]
    return tuple(ts.map((t) => newTensor([...shape], t.dtype, t.requiresGrad)))
  })
  // `torch.broadcast_shapes(*shapes)`: the shape they broadcast to (a `torch.Size`); an int is a 1-d shape.
  f['broadcast_shapes'] = native('torch.broadcast_shapes', (args, span) => {
    const shapes = opArgs(args).values.map((v) => sizesOf([v], span))
    if (shapes.some((shape) => shape.some((d) => d < 0))) raise('ValueError', 'argument-value', 'Attempting to broadcast a dimension with negative length!', span)
    return tuple(broadcastShapes(shapes, span).map((d) => int(d)))
  })
  // `torch.broadcast_tensors(*tensors)`: each tensor expanded (a view) to the shape they all broadcast to.
  f['broadcast_tensors'] = native('torch.broadcast_tensors', (args, span, it) => {
    const ts = opArgs(args).values.map((t) => (t.kind === 'tensor' ? t : raise('TypeError', 'argument-type', `\`torch.broadcast_tensors\` takes tensors, got ${typeName(t)}.`, span)))
    const sizes = tuple(broadcastShapes(ts.map((t) => t.shape), span).map((d) => int(d)))
    return tuple(ts.map((t) => tensorOp(it!, 'expand', t, [{ value: sizes, span, valueSpan: span }], span)!))
  })
  f['where'] = native('torch.where', (args, span, it) => {
    const a = opArgs(args)
    const [cond, x, y] = a.values
    if (!cond || !x || !y) raise('RuntimeError', 'unsupported', '`torch.where(condition)` alone gives indices whose number depends on the values.', span)
    const hooked = traced(it!, 'where', [cond, x, y], args, span)
    if (hooked) return hooked
    const shape = broadcastShapes([shapeOfOperand(cond, span) ?? [], shapeOfOperand(x, span) ?? [], shapeOfOperand(y, span) ?? []], span)
    return newTensor(shape, resultType([x, y]))
  })
  f['polar'] = native('torch.polar', (args, span) => {
    const a = opArgs(args)
    const [abs, angle] = [a.values[0] ?? a.named.get('abs'), a.values[1] ?? a.named.get('angle')]
    if (abs?.kind !== 'tensor' || angle?.kind !== 'tensor') return raise('TypeError', 'argument-type', '`torch.polar` takes two tensors.', span)
    const dtype = promoteTypes(abs.dtype, angle.dtype)
    return newTensor(broadcastShapes([abs.shape, angle.shape], span), dtype === 'float64' ? 'complex128' : 'complex64')
  })
  f['complex'] = native('torch.complex', (args, span) => {
    const a = opArgs(args)
    const [re, im] = a.values
    if (re?.kind !== 'tensor' || im?.kind !== 'tensor') return raise('TypeError', 'argument-type', '`torch.complex` takes two tensors.', span)
    return newTensor(broadcastShapes([re.shape, im.shape], span), promoteTypes(re.dtype, im.dtype) === 'float64' ? 'complex128' : 'complex64')
  })
  f['view_as_complex'] = native('torch.view_as_complex', (args, span, it) => {
    const t = opArgs(args).values[0]
    if (t?.kind !== 'tensor' || t.shape.at(-1) !== 2) return raise('RuntimeError', 'shape', '`view_as_complex` needs a tensor whose last dimension is 2.', span)
    const hooked = traced(it!, 'view_as_complex', [t], args, span)
    if (hooked) return hooked
    return newTensor(t.shape.slice(0, -1), t.dtype === 'float64' ? 'complex128' : 'complex64', t.requiresGrad)
  })
  f['view_as_real'] = native('torch.view_as_real', (args, span, it) => {
    const t = opArgs(args).values[0]
    if (t?.kind !== 'tensor' || category(t.dtype) !== 3) return raise('RuntimeError', 'argument-type', '`view_as_real` needs a complex tensor.', span)
    const hooked = traced(it!, 'view_as_real', [t], args, span)
    if (hooked) return hooked
    return newTensor([...t.shape, 2], t.dtype === 'complex128' ? 'float64' : 'float32', t.requiresGrad)
  })
  // `torch.pow(2, x)`: a number base is `2 ** x`.
  f['pow'] = native('torch.pow', (args, span, it) => {
    const a = opArgs(args)
    const base = a.values[0] ?? a.named.get('input') ?? a.named.get('self')
    const exponent = a.values[1] ?? a.named.get('exponent')
    if (!base || !exponent) return raise('TypeError', 'missing-argument', '`torch.pow` takes a base and an exponent.', span)
    if (base.kind !== 'tensor' && exponent.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`torch.pow\` needs a tensor base or exponent, got ${typeName(base)} and ${typeName(exponent)}.`, span)
    return tensorBinary(it!, 'Pow', base, exponent, span)
  })
  f['einsum'] = native('torch.einsum', (args, span, it) => {
    const [equation, ...rest] = args.map((a) => a.value)
    if (equation?.kind !== 'str') {
      if (equation?.kind === 'tensor') return raise('RuntimeError', 'unsupported', '`torch.einsum` in the sublist format (`einsum(a, [0, 1], b, [1, 2])`) is not supported yet; write the equation as a string.', span)
      return raise('TypeError', 'argument-type', `\`torch.einsum\` takes an equation string first, got ${equation ? typeName(equation) : 'nothing'}.`, span)
    }
    // `einsum(eq, [a, b])` is `einsum(eq, a, b)`.
    const operands = rest.length === 1 && (rest[0]!.kind === 'list' || rest[0]!.kind === 'tuple') ? it!.toArray(rest[0]!, span) : rest
    const tensors = operands.map((t) => {
      if (t.kind === 'tensor') return t
      if (t.kind === 'placeholder') throw placeholderError(t, span)
      return raise('TypeError', 'argument-type', `\`torch.einsum\` takes tensors after the equation, got ${typeName(t)}.`, span)
    })
    const hooked = traced(it!, 'einsum', [equation, ...tensors], args, span)
    if (hooked) return hooked
    const out = einsumShape(equation.value, tensors, promoteTypes, (message) => raise('RuntimeError', 'shape', message, span))
    return newTensor(out.shape, out.dtype, tensors.some((t) => t.requiresGrad) && isFloatingDType(out.dtype))
  })
  for (const [name, op] of [['add', 'Add'], ['sub', 'Sub'], ['mul', 'Mult'], ['div', 'Div'], ['true_divide', 'Div']] as const) {
    f[name] = native(`torch.${name}`, (args, span, it) => scalarFirstArithmetic(it!, name, op, args, span))
  }
  // `torch.tensordot(a, b, dims=2)`: `dims` given as a tensor is read for its values first, as torch/functional.py does,
  // so that a traced forward sees ints and lists.
  f['tensordot'] = native('torch.tensordot', (args, span, it) => {
    const positional = args.filter((x) => x.name === undefined)
    const self = positional[0]?.value ?? args.find((x) => x.name === 'a')?.value
    if (self?.kind === 'placeholder') throw placeholderError(self, span)
    if (self?.kind !== 'tensor' || self.ndarray) return raise('TypeError', 'argument-type', `\`torch.tensordot\` takes a tensor first, got ${self ? typeName(self) : 'nothing'}.`, span)
    if (args.some((x) => x.name === 'out')) throw new NnsizeError('unsupported', '`torch.tensordot` with `out=` is not supported yet.', { span })
    const rest = args.filter((x) => x !== positional[0] && x.name !== 'a').map((x) => (x.value.kind === 'tensor' && (x.name === 'dims' || x === positional[2]) ? { ...x, value: tensordotDimsOfTensor(x.value, span) } : x))
    return tensorOp(it!, 'tensordot', self, rest, span)!
  })
  // `torch.exp(t)`, `torch.transpose(t, 0, 1)`, …: the tensor method of the same name.
  for (const name of Object.keys(ops)) {
    if (f[name] !== undefined) continue
    f[name] = native(`torch.${name}`, (args, span, it) => {
      const first = args[0]
      const self = first?.value ?? args.find((x) => x.name === 'input')?.value
      if (self?.kind !== 'tensor' || self.ndarray) {
        if (self?.kind === 'placeholder') throw placeholderError(self, span)
        if (self?.kind === 'tensor') return raise('TypeError', 'argument-type', `${name}(): argument 'input' (position 1) must be Tensor, not numpy.ndarray`, span)
        return raise('TypeError', 'argument-type', `\`torch.${name}\` takes a tensor first, got ${self ? typeName(self) : 'nothing'}.`, span)
      }
      return tensorOp(it!, name, self, args.slice(1).filter((x) => x.name !== 'input'), span)!
    })
  }
  f['numel'] = native('torch.numel', (args, span) => {
    const t = args[0]?.value
    if (t?.kind !== 'tensor') return raise('TypeError', 'argument-type', '`torch.numel` takes a tensor.', span)
    return int(numel(t.shape))
  })
  f['is_tensor'] = native('torch.is_tensor', (args) => bool(args[0]?.value.kind === 'tensor' && !args[0].value.ndarray))
  f['is_floating_point'] = native('torch.is_floating_point', (args) => bool(args[0]?.value.kind === 'tensor' && category((args[0].value as TensorValue).dtype) === 2))
  f['result_type'] = native('torch.result_type', (args) => ({ kind: 'dtype', dtype: resultType(args.map((x) => x.value)) }))
  f['promote_types'] = native('torch.promote_types', (args, span) => {
    const [a, b] = args.map((x) => x.value)
    if (a?.kind !== 'dtype' || b?.kind !== 'dtype') return raise('TypeError', 'argument-type', '`torch.promote_types` takes two dtypes.', span)
    return { kind: 'dtype', dtype: promoteTypes(a.dtype, b.dtype) }
  })
  return f
}

/**
 * `torch.add(input, other)` and `sub`, `mul`, `div`, `true_divide`: the tensor method when `input` is a tensor; a
 * Python number as `input` is an operand as in `0 + t` (`torch.add(0, t)`, `torch.sub(1, t)`), and two numbers make a
 * 0-dim tensor (`torch.add(1, 2)` is int64, `torch.div(1, 2)` float32), as PyTorch 2.13's argument parser allows.
 */
function scalarFirstArithmetic(it: Interpreter, name: string, op: 'Add' | 'Sub' | 'Mult' | 'Div', args: readonly ArgValue[], span: SourceSpan): Value {
  const positional = args.filter((a) => a.name === undefined)
  const input = positional[0]?.value ?? args.find((a) => a.name === 'input')?.value
  if (input?.kind === 'tensor' && !input.ndarray) {
    const rest = args.filter((a) => a !== positional[0] && a.name !== 'input')
    return tensorOp(it, name, input, rest, span)!
  }
  const pythonType = (v: Value): string => (v.kind === 'tensor' ? 'numpy.ndarray' : classOf(it, v, span).name)
  const isNumber = (v: Value | undefined): boolean => v?.kind === 'int' || v?.kind === 'float' || v?.kind === 'bool'
  if (input === undefined) return raise('TypeError', 'missing-argument', `${name}() missing 1 required positional arguments: "input"`, span)
  if (input.kind === 'placeholder') throw placeholderError(input, span)
  if (!isNumber(input)) return raise('TypeError', 'argument-type', `${name}(): argument 'input' (position 1) must be Tensor, not ${pythonType(input)}`, span)
  if (positional.length > 2) return raise('TypeError', 'too-many-arguments', `${name}() takes 2 positional arguments but ${positional.length} were given`, span)
  const other = positional[1]?.value ?? args.find((a) => a.name === 'other')?.value
  if (other === undefined) return raise('TypeError', 'missing-argument', `${name}() missing 1 required positional arguments: "other"`, span)
  if (other.kind === 'placeholder') throw placeholderError(other, span)
  if (!(other.kind === 'tensor' && !other.ndarray) && !isNumber(other)) return raise('TypeError', 'argument-type', `${name}(): argument 'other' (position 2) must be Tensor, not ${pythonType(other)}`, span)
  const mode = name === 'div' ? args.find((a) => a.name === 'rounding_mode')?.value : undefined
  const alpha = op === 'Add' || op === 'Sub' ? args.find((a) => a.name === 'alpha')?.value : undefined
  if (mode !== undefined && mode.kind !== 'none' && (mode.kind !== 'str' || (mode.value !== 'trunc' && mode.value !== 'floor'))) {
    return raise('RuntimeError', 'argument-value', `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${mode.kind === 'str' ? mode.value : typeName(mode)}'`, span)
  }
  const result = tensorBinary(it, mode !== undefined && mode.kind !== 'none' ? 'FloorDiv' : op, input, other, span)
  // With an `alpha` other than 1 the values are not kept (ATen fuses `alpha * other` into the sum).
  if (alpha !== undefined && numberOf(alpha) !== 1 && result.kind === 'tensor' && result.trace === undefined) result.known = undefined
  return result
}

/** `torch.Tensor(2, 3)` (uninitialised float32 of that shape) or `torch.Tensor([1, 2])` (from data), and `torch.FloatTensor` and friends. */
export function legacyTensorConstructor(name: string, dtype: DType): CallableValue['invoke'] {
  return (args, span, it) => {
    const values = args.map((a) => a.value)
    if (values.length === 1 && (values[0]!.kind === 'list' || values[0]!.kind === 'tuple')) {
      // `torch.IntTensor([n])` holds its numbers, as `torch.tensor([n], dtype=torch.int32)` does
      return withValues(makeTensor(it!, nestedShape(it!, values[0]!, span), dtype, false, span), nestedNumbers(values[0]!))
    }
    // `torch.FloatTensor(np_array)` converts the array, values included.
    if (values.length === 1 && isNdarray(values[0])) return withValues(newTensor([...values[0].shape], dtype), knownValues(values[0]))
    if (values.length === 1 && values[0]!.kind === 'tensor') return newTensor([...(values[0] as TensorValue).shape], dtype)
    void name
    return makeTensor(it!, sizesOf(values, span), dtype, false, span)
  }
}
