import { formatShape } from '../../tensor/shape.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { exactSize, result, saveIf, sizeProduct } from './common.js'

/** Checks that `x` holds integer indices, as `F.embedding` and `F.embedding_bag` require. */
export function checkIndices(ctx: ForwardContext, x: Tensor): void {
  if (x.dtype !== 'int64' && x.dtype !== 'int32') {
    throw ctx.error(`takes integer indices, got a ${x.dtype} tensor of shape ${formatShape(x.shape)}: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int.`)
  }
}

/** `F.embedding(indices, weight)`: a lookup, 0 MACs; keeps the indices when the weight requires grad. */
export function embedding(ctx: ForwardContext, x: Tensor, weight: Tensor): Tensor {
  checkIndices(ctx, x)
  const y = result(ctx, [...x.shape, weight.shape[1]!], weight.dtype, [x, weight])
  saveIf(ctx, weight.requiresGrad, x)
  return y
}

/** Options of {@link embeddingBag}. */
export interface EmbeddingBagOptions {
  mode: 'sum' | 'mean' | 'max'
  includeLastOffset: boolean
  paddingIdx: number | null
}

/**
 * `F.embedding_bag` of a 2-D input `(B, L)`: `B` bags (one fewer with `include_last_offset`) of `L` indices; the
 * flat indices and `B` offsets (a new int64 tensor). When the weight requires grad, backward keeps the indices,
 * the offsets, `offset2bag`, `bag_size` and `max_indices`:
 * - CPU: `offset2bag` has `n + 1` elements (its storage before the final resize), except for `mode='sum'` on a
 *   float32/float16/bfloat16 weight without `padding_idx`, whose fast path leaves it empty; `bag_size` has `B`
 *   elements; `max_indices` has `bags × embedding_dim` elements for `'max'`, else `bags`.
 * - CUDA: `offset2bag` has `n` elements, `bag_size` `B`, `max_indices` `bags × embedding_dim` for `'max'`, else none.
 */
export function embeddingBag(ctx: ForwardContext, x: Tensor, weight: Tensor, options: EmbeddingBagOptions): Tensor {
  checkIndices(ctx, x)
  const [rows, perBag] = x.shape as [number, number]
  const indices = sizeProduct(ctx, 'a number of indices', rows, perBag)
  const bags = options.includeLastOffset ? Math.max(rows - 1, 0) : rows
  const dim = weight.shape[1]!
  const y = result(ctx, [bags, dim], weight.dtype, [x, weight])
  if (!weight.requiresGrad) return y
  ctx.save(x, ctx.tensor([rows], x.dtype, false))
  if (ctx.device === 'cpu') {
    const fastSum = options.mode === 'sum' && options.paddingIdx === null && (weight.dtype === 'float32' || weight.dtype === 'float16' || weight.dtype === 'bfloat16')
    if (!fastSum) ctx.save(ctx.tensor([exactSize(ctx, BigInt(indices) + 1n, 'offset2bag')], x.dtype, false))
    ctx.save(ctx.tensor([rows], x.dtype, false), ctx.tensor(options.mode === 'max' ? [bags, dim] : [bags], x.dtype, false))
  } else {
    ctx.save(ctx.tensor([indices], x.dtype, false), ctx.tensor([rows], x.dtype, false))
    if (options.mode === 'max') ctx.save(ctx.tensor([bags, dim], x.dtype, false))
  }
  return y
}
