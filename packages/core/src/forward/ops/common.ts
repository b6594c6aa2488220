import { limits } from '../../limits.js'
import { isFloatingDType, scalarTypeName } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import { broadcastShapes as broadcastRule, inPlaceBroadcastError } from '../../tensor/broadcast.js'
import type { ForwardContext, Tensor } from '../trace.js'

/**
 * A Python number operand (`x * 0.5`, `x / 8`): `int` or `float`, as PyTorch's type promotion distinguishes
 * them. A bare JavaScript number is a float unless it is written `{ int: n }`.
 */
export type Scalar = number | { readonly int: number | bigint }

/** A tensor or a Python number, as the element-wise ops take them. */
export type Operand = Tensor | Scalar

/** True for a tensor operand (as opposed to a Python number). */
export function isTensor(value: Operand): value is Tensor {
  return typeof value === 'object' && 'storage' in value
}

/** Whether any of `values` is a tensor that requires grad: the op then gets a backward node and saves tensors. */
export function anyRequiresGrad(...values: ReadonlyArray<Operand | undefined | null>): boolean {
  for (const v of values) if (v !== undefined && v !== null && isTensor(v) && v.requiresGrad) return true
  return false
}

/** Saves `tensors` when `condition` holds (a gradient that needs them will be computed). */
export function saveIf(ctx: ForwardContext, condition: boolean, ...tensors: Tensor[]): void {
  if (condition) ctx.save(...tensors)
}

/**
 * A new tensor that an op computes from `inputs`: it requires grad when one of them does (and its dtype can),
 * and the inputs are marked read at this step.
 */
export function result(ctx: ForwardContext, shape: readonly number[], dtype: DType, inputs: ReadonlyArray<Tensor | undefined>): Tensor {
  const requiresGrad = isFloatingDType(dtype) && inputs.some((t) => t?.requiresGrad === true)
  const out = ctx.tensor(shape, dtype, requiresGrad)
  for (const t of inputs) if (t) ctx.use(t)
  return out
}

/**
 * A Python number multiplied into or dividing a tensor that requires grad. PyTorch 1.13 wraps it in a 0-dim
 * tensor (float64 for a float, int64 for an int) and hands it to autograd's pack hook; PyTorch 2.x keeps the
 * number without a saved tensor.
 */
export function saveScalarOperand(ctx: ForwardContext, scalar: Scalar, needed: boolean): void {
  if (!needed || ctx.torch !== '1.13') return
  ctx.save(ctx.tensor([], typeof scalar === 'number' ? 'float64' : 'int64', false))
}

/**
 * A size computed from other sizes, exact at any magnitude: the value as a `number` when it is at most
 * {@link limits.maxDimension} (2^53 − 1), else a `limit` error naming the exact value. Negative values pass
 * through for the caller's own check.
 */
export function exactSize(ctx: ForwardContext, value: bigint, what: string): number {
  if (value > BigInt(limits.maxDimension)) {
    throw ctx.error(`would make ${what} of ${value}, beyond the largest supported size ${limits.maxDimension} (\`limits.maxDimension\`).`, 'limit')
  }
  return Number(value)
}

/** The product of `sizes` as a size: exact, or a `limit` error naming it ({@link exactSize}). */
export function sizeProduct(ctx: ForwardContext, what: string, ...sizes: number[]): number {
  return exactSize(ctx, product(sizes), what)
}

/** The product of `sizes` as an exact bigint. */
export function product(sizes: readonly number[]): bigint {
  let total = 1n
  for (const s of sizes) total *= BigInt(s)
  return total
}

/** `⌊a / b⌋` of bigints with Python's rounding toward −∞ (b > 0). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}

/** Wraps `dim` into `[0, rank)` as PyTorch does (a 0-dim tensor takes dims −1 and 0), or throws its message. */
export function wrapDim(ctx: ForwardContext, dim: number, rank: number): number {
  const extent = Math.max(rank, 1)
  if (dim < -extent || dim >= extent) {
    throw ctx.error(`got \`dim=${dim}\` for an input of ${rank} dimensions: Dimension out of range (expected to be in range of [${-extent}, ${extent - 1}], but got ${dim}).`)
  }
  return dim < 0 ? dim + extent : dim
}

/** The shape tensors broadcast to (`tensor/broadcast.ts`), or a shape error in PyTorch's words naming them all. */
export function broadcastShapes(ctx: ForwardContext, ...shapes: ReadonlyArray<readonly number[]>): number[] {
  return broadcastRule(shapes, (message) => {
    throw ctx.error(`cannot broadcast its operands: ${message}`)
  })
}

/** Checks that an op writing into a tensor of shape `output` keeps its shape, as PyTorch does (`x += y`). */
export function checkInPlace(ctx: ForwardContext, output: readonly number[], ...operands: ReadonlyArray<readonly number[]>): void {
  const message = inPlaceBroadcastError(output, operands)
  if (message !== undefined) throw ctx.error(`cannot write in place: ${message}`)
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

/**
 * The dtype of per-row or per-channel statistics (`save_mean`, `save_invstd`, `mean`, `rstd`): the
 * accumulation type, float32 for half-precision inputs.
 */
export function accumulateDType(input: DType): DType {
  return input === 'float16' || input === 'bfloat16' ? 'float32' : input
}

/**
 * Checks that an input's dtype is its layer's weight's (and bias's): PyTorch's matrix products and convolutions take
 * one dtype (`mat1 and mat2 must have the same dtype`), so a bfloat16 input to a float32 layer is an error, not an
 * implicit cast. `what` names the op's operands as PyTorch's message does.
 */
export function checkSameDType(ctx: ForwardContext, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, what: 'matmul' | 'conv'): void {
  const other = weight.dtype !== x.dtype ? weight : bias && bias.dtype !== x.dtype ? bias : undefined
  if (other === undefined) return
  const message = what === 'matmul'
    ? `mat1 and mat2 must have the same dtype, but got ${scalarTypeName(x.dtype)} and ${scalarTypeName(other.dtype)}`
    : `Input type (${scalarTypeName(x.dtype)}) and ${other === weight ? 'weight' : 'bias'} type (${scalarTypeName(other.dtype)}) should be the same`
  throw ctx.error(`gets a ${x.dtype} input but holds ${other.dtype} tensors: ${message}. Give the input as ${other.dtype}, or convert the model with \`.to(torch.${x.dtype})\`.`, 'type')
}
