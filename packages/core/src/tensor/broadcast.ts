import { formatShape } from './shape.js'

// PyTorch 2.13's broadcasting, in one place: the shape that tensors of several shapes broadcast to (ATen's
// `infer_size`, folded over the operands as TensorIterator folds them), the shape `expand` makes (ATen's
// `infer_expand_geometry`) and the check an in-place op makes of its output. Each caller turns a refusal into its
// own error (a Python `RuntimeError` in the interpreter, a trace error in a forward pass) with the message built here.

/** Where shapes fail to broadcast: the first pair of sizes that neither equal each other nor is 1. */
export interface BroadcastMismatch {
  /** Index of the shape that did not fit the broadcast of the shapes before it. */
  readonly operand: number
  /** The dimension, counted from the left of the wider of the two shapes compared. */
  readonly dimension: number
  /** Size in the broadcast of the shapes before `operand` ("tensor a"). */
  readonly sizeA: number
  /** Size in the shape at `operand` ("tensor b"). */
  readonly sizeB: number
}

/** The shape several shapes broadcast to, or where they fail to. */
export type BroadcastResult = { readonly shape: number[]; readonly mismatch?: undefined } | { readonly shape?: undefined; readonly mismatch: BroadcastMismatch }

/**
 * Broadcasts `shapes` as PyTorch does: aligned on the right, missing leading dimensions count as 1, and two sizes fit
 * when they are equal or one of them is 1 (then the other wins, so 1 against 0 gives 0). The shapes are folded left to
 * right, and in each pair the dimensions are compared from the last, so the mismatch reported is PyTorch's. No shapes,
 * or only 0-d ones, give `[]`.
 */
export function broadcastResult(shapes: ReadonlyArray<readonly number[]>): BroadcastResult {
  let shape: number[] = shapes.length > 0 ? [...shapes[0]!] : []
  for (let operand = 1; operand < shapes.length; operand++) {
    const b = shapes[operand]!
    const rank = Math.max(shape.length, b.length)
    const out = new Array<number>(rank)
    for (let dimension = rank - 1; dimension >= 0; dimension--) {
      const sizeA = shape[shape.length - rank + dimension] ?? 1
      const sizeB = b[b.length - rank + dimension] ?? 1
      if (sizeA !== sizeB && sizeA !== 1 && sizeB !== 1) return { mismatch: { operand, dimension, sizeA, sizeB } }
      out[dimension] = sizeA === 1 ? sizeB : sizeA
    }
    shape = out
  }
  return { shape }
}

/**
 * PyTorch's message for shapes that do not broadcast, naming them all: `The size of tensor a (3) must match the size
 * of tensor b (4) at non-singleton dimension 1: shapes (2, 3) and (4) do not broadcast.`
 */
export function broadcastMismatchMessage(shapes: ReadonlyArray<readonly number[]>, mismatch: BroadcastMismatch): string {
  const { sizeA, sizeB, dimension } = mismatch
  return `The size of tensor a (${sizeA}) must match the size of tensor b (${sizeB}) at non-singleton dimension ${dimension}: shapes ${listShapes(shapes)} do not broadcast.`
}

/** The broadcast of `shapes`, or `fail` called with {@link broadcastMismatchMessage}. */
export function broadcastShapes(shapes: ReadonlyArray<readonly number[]>, fail: (message: string) => never): number[] {
  const r = broadcastResult(shapes)
  return r.shape ?? fail(broadcastMismatchMessage(shapes, r.mismatch))
}

/**
 * The check of an op that writes into its first operand (`x += y`, `x.copy_(y)`, `x.masked_fill_(mask, v)`): the
 * operands must broadcast, to `output`'s own shape. Returns PyTorch's message when they do not, else `undefined`.
 */
export function inPlaceBroadcastError(output: readonly number[], operands: ReadonlyArray<readonly number[]>): string | undefined {
  const shapes = [output, ...operands]
  const r = broadcastResult(shapes)
  if (r.mismatch) return broadcastMismatchMessage(shapes, r.mismatch)
  if (r.shape.length === output.length && r.shape.every((d, i) => d === output[i])) return undefined
  return `output with shape [${output.join(', ')}] doesn't match the broadcast shape [${r.shape.join(', ')}]`
}

/** The shape `expand` makes, or PyTorch's message for sizes a tensor cannot be expanded to. */
export type ExpandResult = { readonly shape: number[]; readonly error?: undefined } | { readonly shape?: undefined; readonly error: string }

/**
 * `t.expand(*sizes)` (and `broadcast_to`, `expand_as`) on a tensor of `shape`, as PyTorch 2.13 does it: the broadcast
 * rule in one direction. The tensor's dimensions align with the last of `sizes`; each keeps its size where the size
 * asked is equal or `-1`, and only a size of 1 grows (to any size, 0 included). New leading dimensions take the sizes
 * asked, which cannot be `-1`.
 */
export function expandedShape(shape: readonly number[], sizes: readonly number[]): ExpandResult {
  const lead = sizes.length - shape.length
  if (lead < 0) {
    return { error: `expand(tensor of shape [${shape.join(', ')}], size=[${sizes.join(', ')}]): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${shape.length})` }
  }
  const out = new Array<number>(sizes.length)
  for (let i = sizes.length - 1; i >= 0; i--) {
    const size = sizes[i]!
    const own = i >= lead ? shape[i - lead]! : undefined
    if (size === -1) {
      if (own === undefined) return { error: `The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}` }
      out[i] = own
    } else if (own !== undefined && own !== size && own !== 1) {
      return { error: `The expanded size of the tensor (${size}) must match the existing size (${own}) at non-singleton dimension ${i}.  Target sizes: [${sizes.join(', ')}].  Tensor sizes: [${shape.join(', ')}]` }
    } else if (size < 0) {
      return { error: `Trying to create tensor with negative dimension ${size}: [${sizes.join(', ')}]` }
    } else out[i] = size
  }
  return { shape: out }
}

/** `(2, 3)`, `(2, 3) and (4)`, `(2, 3), (3) and (4, 3)`. */
function listShapes(shapes: ReadonlyArray<readonly number[]>): string {
  const text = shapes.map(formatShape)
  return text.length <= 2 ? text.join(' and ') : `${text.slice(0, -1).join(', ')} and ${text.at(-1)}`
}
