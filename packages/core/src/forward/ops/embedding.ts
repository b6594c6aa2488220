import { formatShape } from '../../tensor/shape.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { isContiguous } from '../layout.js'
import { anyRequiresGrad, exactSize, result, sameShape, saveIf, sizeProduct } from './common.js'

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
  /** `offsets`: the start of each bag in a 1-D input (only its length matters here); must be absent for a 2-D input. */
  offsets?: Tensor | null
  /** `per_sample_weights`: one weight per index, of the input's shape (`mode='sum'` only). */
  perSampleWeights?: Tensor | null
}

/** `x.reshape(-1)`: a view of contiguous data, else a copy. */
function flattened(ctx: ForwardContext, x: Tensor, size: number): Tensor {
  return isContiguous(x) ? ctx.view(x, [size]) : result(ctx, [size], x.dtype, [x])
}

/**
 * `F.embedding_bag`: a 2-D input `(B, L)` is `B` bags of `L` indices (offsets made with `arange`, a new tensor of
 * the input's dtype; `include_last_offset` applies under PyTorch 1.13 only); a 1-D input of `n` indices is cut into bags at
 * `offsets` `(B)`: `B` bags, one fewer with `include_last_offset`. `per_sample_weights` (sum mode) scale each
 * index's embedding. When the weight or the per-sample weights require grad, backward keeps the flat indices, the
 * offsets, the flat per-sample weights, `offset2bag`, `bag_size` and `max_indices`:
 * - CPU: `offset2bag` has `n + 1` elements (its storage before the final resize), except for `mode='sum'` on a
 *   float32/float16/bfloat16 weight without `padding_idx`, whose fast path leaves it empty; `bag_size` has `B`
 *   elements; `max_indices` has `bags × embedding_dim` elements for `'max'`, else `bags`.
 * - CUDA: `offset2bag` has `n` elements, `bag_size` `B`, `max_indices` `bags × embedding_dim` for `'max'`, else none.
 */
export function embeddingBag(ctx: ForwardContext, x: Tensor, weight: Tensor, options: EmbeddingBagOptions): Tensor {
  const given = options.offsets ?? null
  const psw = options.perSampleWeights ?? null
  if (psw && !sameShape(psw.shape, x.shape)) {
    throw ctx.error(`embedding_bag: If per_sample_weights (torch.Size([${psw.shape.join(', ')}])) is not None, then it must have the same shape as the input (torch.Size([${x.shape.join(', ')}])).`)
  }
  if (x.shape.length === 2 && given) {
    throw ctx.error("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>.")
  }
  if (x.shape.length === 1 && !given) throw ctx.error('offsets has to be a 1D Tensor but got None.')
  if (x.shape.length === 1 && given!.shape.length !== 1) throw ctx.error(`offsets has to be a 1D Tensor (got offsets of shape ${formatShape(given!.shape)}).`)
  if (x.shape.length !== 1 && x.shape.length !== 2) throw ctx.error(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${x.shape.length} (shape ${formatShape(x.shape)}).`)
  if (psw && options.mode !== 'sum') {
    throw ctx.error(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${options.mode}').`)
  }
  checkIndices(ctx, x)
  if (given && given.dtype !== 'int64' && given.dtype !== 'int32') {
    throw ctx.error(`takes integer offsets, got a ${given.dtype} tensor of shape ${formatShape(given.shape)}: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int (while checking arguments for embedding_bag).`)
  }
  if (psw && psw.dtype !== weight.dtype) {
    throw ctx.error(`Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 'per_sample_weights'; but type ${weight.dtype} does not equal ${psw.dtype} (while checking arguments for embedding_bag).`, 'type')
  }
  const indices = x.shape.length === 2 ? sizeProduct(ctx, 'a number of indices', x.shape[0]!, x.shape[1]!) : x.shape[0]!
  // A 2-D input: `arange(0, n, L)`, one offset per row; PyTorch 2.13 resets `include_last_offset` to False there
  // (1.13 kept it and dropped the last row's bag).
  const offsets = given ?? ctx.tensor([x.shape[0]!], x.dtype, false)
  const offsetCount = offsets.shape[0]!
  const lastOffset = options.includeLastOffset && (given !== null || ctx.torch === '1.13')
  if (lastOffset && offsetCount < 1) throw ctx.error('include_last_offset: number of offset should be at least 1.')
  const bags = lastOffset ? offsetCount - 1 : offsetCount
  const dim = weight.shape[1]!
  const y = result(ctx, [bags, dim], weight.dtype, [x, offsets, weight, ...(psw ? [psw] : [])])
  if (!anyRequiresGrad(weight, psw)) return y
  ctx.save(flattened(ctx, x, indices), offsets, ...(psw ? [flattened(ctx, psw, indices)] : []))
  if (ctx.device === 'cpu') {
    const fastSum = options.mode === 'sum' && options.paddingIdx === null && (weight.dtype === 'float32' || weight.dtype === 'float16' || weight.dtype === 'bfloat16')
    if (!fastSum) ctx.save(ctx.tensor([exactSize(ctx, BigInt(indices) + 1n, 'offset2bag')], x.dtype, false))
    ctx.save(ctx.tensor([offsetCount], x.dtype, false), ctx.tensor(options.mode === 'max' ? [bags, dim] : [bags], x.dtype, false))
  } else {
    ctx.save(ctx.tensor([indices], x.dtype, false), ctx.tensor([offsetCount], x.dtype, false))
    if (options.mode === 'max') ctx.save(ctx.tensor([bags, dim], x.dtype, false))
  }
  return y
}
