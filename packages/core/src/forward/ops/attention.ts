import { contiguousStrides, expandedStrides, setStrides, stridesOf, viewStrides } from '../layout.js'
import { isFloatingDType } from '../../tensor/dtype.js'
import { formatShape } from '../../tensor/shape.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { accumulateDType, anyRequiresGrad, broadcastShapes, product, result, sameShape, saveIf, sizeProduct } from './common.js'
import { dropout } from './dropout.js'
import { add, div, mul } from './elementwise.js'
import { linear, matmul } from './linear.js'
import { mean, sum } from './pool.js'
import { cat, copy } from './shape.js'
import { softmax } from './softmax.js'

/**
 * The kernel `F.scaled_dot_product_attention` runs:
 * - `flash-cpu`: PyTorch 2.x on CPU for 4-D inputs of equal head sizes without dropout
 *   (`_scaled_dot_product_flash_attention_for_cpu`);
 * - `math`: the composite fallback (dropout active in training, 3-D inputs, unequal head sizes);
 * - `flash-cuda`: CUDA for float16/bfloat16 with head size ≤ 256 and a multiple of 8;
 * - `efficient-cuda`: CUDA's memory-efficient kernel otherwise (float32 among others).
 */
export type AttentionKernel = 'flash-cpu' | 'math' | 'flash-cuda' | 'efficient-cuda'

const kernelNames: Record<AttentionKernel, string> = {
  'flash-cpu': 'flash attention (CPU)',
  math: 'math (composite)',
  'flash-cuda': 'flash attention (CUDA)',
  'efficient-cuda': 'memory-efficient attention (CUDA)',
}

/**
 * The backends `scaled_dot_product_attention` may pick (`torch.nn.attention.sdpa_kernel`,
 * `torch.backends.cuda.sdp_kernel`, `torch.backends.cuda.enable_flash_sdp(…)` and the like); all by default.
 */
export interface SdpBackends {
  flash: boolean
  efficient: boolean
  math: boolean
  cudnn: boolean
}

const allBackends: SdpBackends = { flash: true, efficient: true, math: true, cudnn: true }

/** What besides the operands decides the kernel of `scaled_dot_product_attention`. */
export interface AttentionMaskOptions {
  /** `attn_mask`: a bool mask or an additive float mask, broadcastable to `(…, L, S)`. */
  attnMask?: Tensor | null
  /** `enable_gqa=True` with fewer key/value heads than query heads (grouped-query attention). */
  groupedHeads?: boolean
  /** The backends enabled; all when absent. */
  backends?: SdpBackends
}

/** Why no kernel runs: PyTorch's `RuntimeError` (code `argument-value`), or a kernel nnsize does not model (`unsupported`). */
export interface AttentionUnavailable {
  code: 'argument-value' | 'unsupported'
  message: string
}

const noBackend = 'No viable backend for scaled_dot_product_attention was found. This is likely due to turning off both the math kernel and the fused kernels.'

/**
 * sdp_utils' `check_last_dim_stride_equals_1_dense`: the CPU flash kernel reads q, k and v with unit stride along
 * their last dimension (`rearrange(x, 'b (h d) x y -> b h (x y) d')` of a convolution's output has not).
 */
function unitLastStride(...tensors: readonly Tensor[]): boolean {
  return tensors.every((t) => stridesOf(t).at(-1) === 1)
}

/** Query, key and value of one batch size and, unless grouped (`enable_gqa`), one head count. */
function denseBatchAndHeads(q: Tensor, k: Tensor, v: Tensor, grouped: boolean): boolean {
  const [batch, heads] = q.shape as [number, number]
  if (k.shape[0] !== batch || v.shape[0] !== batch) return false
  return grouped || (k.shape[1] === heads && v.shape[1] === heads)
}

const cpuFlashDtypes: ReadonlySet<string> = new Set(['float32', 'float64', 'bfloat16', 'float16'])

/**
 * The rest of what the CPU flash kernel needs of 4-D operands (sdp_utils' `use_flash_attention_cpp`): one batch size,
 * one head count unless grouped (`check_batch_size_and_num_heads_dense`: a key and value broadcast over the batch or
 * the heads run the math kernel), no empty sequence, a floating dtype shared by all three, and a mask of `(L or 1,
 * S or 1)` or `(B or 1, H or 1, L or 1, S or 1)` with unit last stride (`check_attn_mask_shape`).
 */
function cpuFlashFits(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, grouped: boolean): boolean {
  const [batch, heads, queries] = q.shape as [number, number, number, number]
  const keys = k.shape[2]!
  if (!denseBatchAndHeads(q, k, v, grouped)) return false
  if (queries === 0 || keys === 0) return false
  if (!cpuFlashDtypes.has(q.dtype) || k.dtype !== q.dtype || v.dtype !== q.dtype) return false
  if (!mask) return true
  const m = mask.shape
  if (m.length < 2 || (m.at(-2) !== queries && m.at(-2) !== 1) || (m.at(-1) !== keys && m.at(-1) !== 1)) return false
  if (stridesOf(mask).at(-1) !== 1) return false
  if (m.length === 2) return true
  return m.length === 4 && (m[0] === 1 || m[0] === batch) && (m[1] === 1 || m[1] === heads)
}

/**
 * The kernel PyTorch 2.13 picks in its priority order (flash, memory-efficient, math), among the backends enabled,
 * or why none can run (sdp_utils' `select_sdp_backend`; on CPU `select_sdp_backend_cpp`: flash, then math).
 */
function pickKernel(ctx: ForwardContext, q: Tensor, k: Tensor, v: Tensor, dropoutP: number, options: AttentionMaskOptions): AttentionKernel | AttentionUnavailable {
  const on = options.backends ?? allBackends
  const fourD = q.shape.length === 4 && k.shape.length === 4 && v.shape.length === 4
  const headDim = q.shape.at(-1)!
  const sameHeads = headDim === k.shape.at(-1) && headDim === v.shape.at(-1)
  const mask = options.attnMask ?? null
  const noKernel = (fused: string): AttentionUnavailable => ({ code: 'argument-value', message: `No available kernel.  Aborting execution. (${fused} cannot run these inputs and the math kernel is turned off.)` })
  if (ctx.device === 'cpu') {
    if (on.flash && fourD && sameHeads && dropoutP === 0 && !mask?.requiresGrad && unitLastStride(q, k, v) && cpuFlashFits(q, k, v, mask, options.groupedHeads === true)) return 'flash-cpu'
    if (on.math) return 'math'
    return on.flash ? noKernel('The flash kernel') : { code: 'argument-value', message: noBackend }
  }
  const half = q.dtype === 'float16' || q.dtype === 'bfloat16'
  // Dense inputs of one batch size and head count (grouped heads for flash only): `check_batch_size_and_num_heads_dense`.
  const dense = fourD && denseBatchAndHeads(q, k, v, options.groupedHeads === true)
  if (on.flash && dense && half && sameHeads && headDim <= 256 && headDim % 8 === 0 && !mask) return 'flash-cuda'
  if (on.efficient && dense && !options.groupedHeads) return 'efficient-cuda'
  if (on.math) return 'math'
  if (on.cudnn) return { code: 'unsupported', message: 'With only cuDNN attention enabled, `scaled_dot_product_attention` runs a kernel nnsize does not model yet.' }
  return on.flash || on.efficient ? noKernel(on.flash && on.efficient ? 'Neither the flash nor the memory-efficient kernel' : on.flash ? 'The flash kernel' : 'The memory-efficient kernel') : { code: 'argument-value', message: noBackend }
}

/**
 * Which kernel PyTorch 2.x picks for `scaled_dot_product_attention` on these operands (see {@link AttentionKernel}).
 * A mask rules out CUDA's flash kernel, and one that requires grad the CPU's; grouped heads rule out CUDA's
 * memory-efficient kernel (sdp_utils' `check_for_attn_mask`, `check_batch_size_and_num_heads_dense<false>`); a
 * backend turned off is skipped. Check {@link attentionUnavailable} first: when no kernel can run, this throws.
 */
export function attentionKernel(ctx: ForwardContext, q: Tensor, k: Tensor, v: Tensor, dropoutP: number, options: AttentionMaskOptions = {}): AttentionKernel {
  const kernel = pickKernel(ctx, q, k, v, dropoutP, options)
  if (typeof kernel === 'string') return kernel
  throw ctx.error(kernel.message)
}

/** Why no kernel of the backends enabled can run these operands, or undefined when one can. */
export function attentionUnavailable(ctx: ForwardContext, q: Tensor, k: Tensor, v: Tensor, dropoutP: number, options: AttentionMaskOptions = {}): AttentionUnavailable | undefined {
  const kernel = pickKernel(ctx, q, k, v, dropoutP, options)
  return typeof kernel === 'string' ? undefined : kernel
}

/**
 * The mask a fused kernel keeps: a float mask of the query's dtype as given (its own storage), a bool mask (or
 * another dtype) converted to the query's dtype (`convert_boolean_attn_mask`, a new tensor of the mask's
 * shape); CUDA's memory-efficient kernel pads a mask whose strides are not multiples of 8 to a last dimension
 * rounded up to the next multiple of 8 (`preprocess_mask`, `pad_bias`).
 */
function keptMask(ctx: ForwardContext, mask: Tensor, q: Tensor, kernel: AttentionKernel, strides: readonly number[]): Tensor {
  const converted = mask.dtype === q.dtype ? mask : ctx.tensor(mask.shape, q.dtype, false)
  if (kernel !== 'efficient-cuda') return converted
  const s = converted === mask ? strides : contiguousStrides(mask.shape)
  const aligned = s.at(-1) === 1 && s.slice(0, -1).every((x) => x % 8 === 0)
  if (aligned) return converted
  const last = mask.shape.at(-1)!
  return ctx.tensor([...mask.shape.slice(0, -1), last + (8 - (last % 8))], q.dtype, false)
}

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionOptions {
  /** Dropout probability on the attention weights (0 outside training). */
  dropoutP?: number
  /**
   * Whether `value`'s leading dimensions cannot be merged into one batch dimension without a copy (a
   * `view(b, L, h, d).transpose(1, 2)` layout): the math kernel then keeps a copy of it.
   */
  valueNeedsCopy?: boolean
  /** `attn_mask`, already checked to broadcast to the attention weights. */
  attnMask?: Tensor | null
  /** The strides of `attnMask` (a view keeps its base's). */
  attnMaskStrides?: readonly number[]
  /** `enable_gqa=True` with fewer key/value heads than query heads. */
  groupedHeads?: boolean
  /** The backends enabled; all when absent. */
  backends?: SdpBackends
}

/**
 * `F.scaled_dot_product_attention(q, k, v, dropout_p=…)` (PyTorch 2.0+) on `(…, L, E)`, `(…, S, E)`, `(…, S, Ev)`:
 * `batch × L × S × (E + Ev)` MACs. What it keeps depends on the kernel ({@link attentionKernel}), which is
 * recorded as an assumption:
 * - flash (CPU and CUDA): q, k, v, the output and the log-sum-exp `(…, L)` in float32 (CUDA: plus a 16-byte RNG
 *   state with dropout);
 * - memory-efficient (CUDA): q, k, v, the output and the log-sum-exp padded to a multiple of 32 rows (plus the
 *   RNG seed and offset with dropout);
 * - math: the scaled q and kᵀ, the softmax output, the dropout noise (CPU) or mask (CUDA) and its output, and v.
 */
export function scaledDotProductAttention(ctx: ForwardContext, q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  if (ctx.torch === '1.13') throw ctx.error('needs `F.scaled_dot_product_attention`, which PyTorch 1.13 (the `torch` option) does not have.')
  const p = options.dropoutP ?? 0
  const [L, E] = q.shape.slice(-2) as [number, number]
  const S = k.shape.at(-2)!
  const Ev = v.shape.at(-1)!
  const batch = q.shape.slice(0, -2)
  if (k.shape.at(-1) !== E || v.shape.at(-2) !== S) {
    throw ctx.error(`cannot attend with query ${formatShape(q.shape)}, key ${formatShape(k.shape)} and value ${formatShape(v.shape)}: the key must end with the query's size and the value must have the key's length.`)
  }
  const mask = options.attnMask ?? null
  const kernel = attentionKernel(ctx, q, k, v, p, options)
  const cpuMathReason = options.backends && !options.backends.flash ? 'the flash kernel is turned off (`sdpa_kernel`, `sdp_kernel` or `enable_flash_sdp(False)`)' : p > 0 ? 'dropout on the attention weights rules out the flash kernel' : mask?.requiresGrad ? 'a mask that requires grad rules out the flash kernel' : !unitLastStride(q, k, v) ? 'the flash kernel needs query, key and value with unit stride along their last dimension' : 'the flash kernel needs 4-D inputs of equal head sizes'
  ctx.assume({
    op: 'scaled_dot_product_attention',
    kernel: kernelNames[kernel],
    ...(ctx.device === 'cuda'
      ? { note: 'PyTorch picks the CUDA kernel at run time from the GPU, dtype, head size and enabled backends; cuDNN attention, where chosen, keeps similar tensors' }
      : kernel === 'math'
        ? { note: cpuMathReason }
        : {}),
  })
  const macs = product(batch) * BigInt(L) * BigInt(S) * BigInt(E + Ev)
  if (kernel === 'math') {
    ctx.macs(macs)
    // Its two products are `bmm` calls; CPU flash attention has no FLOP formula, the CUDA kernels `sdpa_flop`.
    ctx.flops('aten.bmm', 2n * macs)
    if (mask) ctx.use(mask)
    // Grouped heads: key and value are repeated to the query's heads first (`repeat_interleave`, new tensors).
    const heads = (t: Tensor): Tensor => (options.groupedHeads ? result(ctx, [...t.shape.slice(0, -3), q.shape.at(-3)!, ...t.shape.slice(-2)], t.dtype, [t]) : t)
    return mathAttention(ctx, q, heads(k), heads(v), p, options.valueNeedsCopy === true && !options.groupedHeads)
  }
  const out = result(ctx, [...batch, L, Ev], q.dtype, [q, k, v])
  ctx.macs(macs)
  if (kernel === 'flash-cuda') ctx.flops('aten._scaled_dot_product_flash_attention', 2n * macs)
  if (kernel === 'efficient-cuda') ctx.flops('aten._scaled_dot_product_efficient_attention', 2n * macs)
  if (mask) ctx.use(mask)
  if (!anyRequiresGrad(q, k, v)) return out
  const lse = accumulateDType(q.dtype)
  const rows = kernel === 'efficient-cuda' ? Math.ceil(L / 32) * 32 : L
  if (mask) ctx.save(keptMask(ctx, mask, q, kernel, options.attnMaskStrides ?? contiguousStrides(mask.shape)))
  ctx.save(q, k, v, out, ctx.tensor([...batch, rows], lse, false))
  if (p > 0 && ctx.device === 'cuda') ctx.save(ctx.tensor([2], kernel === 'flash-cuda' ? 'int64' : 'int64', false))
  return out
}

/** `_scaled_dot_product_attention_math`: scaled q and kᵀ, matmul, softmax, dropout, matmul (MACs counted by the caller). */
function mathAttention(ctx: ForwardContext, q: Tensor, k: Tensor, v: Tensor, p: number, valueNeedsCopy: boolean): Tensor {
  const grad = anyRequiresGrad(q, k, v)
  // q · √scale and kᵀ · √scale: Python-number multipliers, new tensors.
  const qs = result(ctx, q.shape, q.dtype, [q])
  const kts = result(ctx, [...k.shape.slice(0, -2), k.shape.at(-1)!, k.shape.at(-2)!], k.dtype, [k])
  // `matmul` expands both operands to their broadcast batch and folds it with `reshape`: a key or value broadcast over
  // the batch or the heads is copied at the full batch, and that copy is what `bmm` keeps.
  const batched = (x: Tensor, batch: readonly number[]): Tensor => (sameShape(x.shape.slice(0, -2), batch) ? x : result(ctx, [...batch, ...x.shape.slice(-2)], x.dtype, [x]))
  const scoreBatch = broadcastShapes(ctx, qs.shape.slice(0, -2), kts.shape.slice(0, -2))
  const [qb, kb] = [batched(qs, scoreBatch), batched(kts, scoreBatch)]
  const scores = result(ctx, [...scoreBatch, q.shape.at(-2)!, k.shape.at(-2)!], q.dtype, [qb, kb])
  saveIf(ctx, grad, qb, kb)
  let weights = softmax(ctx, scores, -1)
  if (p > 0) weights = dropout(ctx, weights, { p, training: true })
  const value = valueNeedsCopy ? copy(ctx, v) : v
  const outBatch = broadcastShapes(ctx, weights.shape.slice(0, -2), value.shape.slice(0, -2))
  const [wb, vb] = [batched(weights, outBatch), batched(value, outBatch)]
  const out = result(ctx, [...outBatch, weights.shape.at(-2)!, v.shape.at(-1)!], q.dtype, [wb, vb])
  saveIf(ctx, grad, wb, vb)
  return out
}

/** The tensors of `F.multi_head_attention_forward`: packed or separate input projections, biases, output projection. */
export interface MultiheadWeights {
  /** `(3·E, E)`, when keys and values have `E` features; else `qProj`, `kProj`, `vProj`. */
  inProj: Tensor | null
  qProj: Tensor | null
  kProj: Tensor | null
  vProj: Tensor | null
  inProjBias: Tensor | null
  biasK: Tensor | null
  biasV: Tensor | null
  outProj: Tensor
  outProjBias: Tensor | null
}

/** Options of {@link multiheadAttention}. */
export interface MultiheadOptions {
  numHeads: number
  dropoutP: number
  training: boolean
  addZeroAttn: boolean
  batchFirst: boolean
  /** `need_weights`: also compute the attention weights and return them. */
  needWeights: boolean
  /** `average_attn_weights` (default true): return the weights averaged over heads, else per head. */
  averageWeights?: boolean
  /** `attn_mask`: a bool or float `(L, S)` or `(N·heads, L, S)` mask. */
  attnMask?: Tensor | null
  /** `key_padding_mask`: a bool or float `(N, S)` mask (`(S)` for an unbatched query). */
  keyPaddingMask?: Tensor | null
  /** `is_causal`: a hint that `attn_mask` is the causal mask, which needs `attn_mask` given. */
  isCausal?: boolean
}

/**
 * `F._canonical_mask`: a bool mask becomes a float mask of the query's dtype (a new tensor of its shape, `-inf`
 * where it is true); a float mask is used as it is; any other dtype is refused.
 */
function canonicalMask(ctx: ForwardContext, mask: Tensor, name: string, dtype: Tensor['dtype']): Tensor {
  if (mask.dtype === 'bool') return ctx.tensor(mask.shape, dtype, false)
  if (!isFloatingDType(mask.dtype)) throw ctx.error(`only bool and floating types of ${name} are supported (got a ${mask.dtype} mask of shape ${formatShape(mask.shape)}).`, 'type')
  return mask
}

/** `t.view(shape)` (or a `reshape` that can view), with the strides the view gets; a copy where no view fits. */
function reshaped(ctx: ForwardContext, t: Tensor, shape: readonly number[]): Tensor {
  const s = viewStrides(t.shape, stridesOf(t), shape)
  return s ? setStrides(ctx.view(t, shape), s) : result(ctx, shape, t.dtype, [t])
}

/** `F.pad(mask, (0, 1))`: one more key position (`bias_k`, `add_zero_attn`), a new tensor. */
function padKey(ctx: ForwardContext, mask: Tensor): Tensor {
  return result(ctx, [...mask.shape.slice(0, -1), mask.shape.at(-1)! + 1], mask.dtype, [mask])
}

/** What {@link attentionMasks} needs of the attention's sizes. */
interface MaskSizes {
  batched: boolean
  /** Query length, key length as given, batch size, heads. */
  L: number
  S: number
  N: number
  heads: number
  /** Key positions added (`bias_k`, `add_zero_attn`), each padding the masks by one. */
  extraKeys: number
  dtype: Tensor['dtype']
}

/**
 * `F.multi_head_attention_forward`'s masks (PyTorch 2.x), checked with its messages and merged as it merges them:
 * bool masks become float masks of the query's dtype; `is_causal` without a `key_padding_mask` and with
 * `need_weights=False` drops `attn_mask` (SDPA's causal path, which keeps no mask); a 2-D `attn_mask` is `(1, L,
 * S)`; each extra key position pads the masks; `key_padding_mask` `(N, S)` is expanded over the heads to `(N·heads,
 * 1, S)` (a view when `N` or `heads` is 1, else a copy) and added to `attn_mask` (a new `(N·heads, L, S)` tensor).
 * Returns the mask `baddbmm` or SDPA gets.
 */
function attentionMasks(ctx: ForwardContext, o: MultiheadOptions, z: MaskSizes): Tensor | null {
  let attnMask = o.attnMask ?? null
  let padding = o.keyPaddingMask ?? null
  const kind = z.batched ? 'batched (3-D)' : 'unbatched (2-D)'
  if (padding && padding.shape.length !== (z.batched ? 2 : 1)) {
    throw ctx.error(`For ${kind} \`query\`, expected \`key_padding_mask\` to be \`None\` or ${z.batched ? 2 : 1}-D but found ${padding.shape.length}-D tensor instead.`)
  }
  if (attnMask && attnMask.shape.length !== 2 && attnMask.shape.length !== 3) {
    throw ctx.error(`For ${kind} \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.shape.length}-D tensor instead.`)
  }
  if (padding) padding = canonicalMask(ctx, z.batched ? padding : ctx.view(padding, [1, ...padding.shape]), 'key_padding_mask', z.dtype)
  if (o.isCausal && !attnMask) {
    throw ctx.error('Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.')
  }
  if (o.isCausal && !padding && !o.needWeights) attnMask = null
  if (attnMask) {
    attnMask = canonicalMask(ctx, attnMask, 'attn_mask', z.dtype)
    const rows = sizeProduct(ctx, 'a batch of heads', z.N, z.heads)
    const expected = attnMask.shape.length === 2 ? [z.L, z.S] : [rows, z.L, z.S]
    if (!sameShape(attnMask.shape, expected)) {
      throw ctx.error(`The shape of the ${attnMask.shape.length}D attn_mask is ${formatShape(attnMask.shape)}, but should be ${formatShape(expected)}.`)
    }
    if (attnMask.shape.length === 2) attnMask = ctx.view(attnMask, [1, z.L, z.S])
  }
  for (let i = 0; i < z.extraKeys; i++) {
    if (attnMask) attnMask = padKey(ctx, attnMask)
    if (padding) padding = padKey(ctx, padding)
  }
  const keys = z.S + z.extraKeys
  if (!padding) return attnMask
  if (padding.shape[0] !== z.N) throw ctx.error(`Expected key_padded_mask.shape[0] to be ${z.N}, but got ${padding.shape[0]}.`)
  if (padding.shape[1] !== keys) throw ctx.error(`Expected key_padded_mask.shape[1] to be ${keys}, but got ${padding.shape[1]}.`)
  // view(N, 1, 1, S).expand(-1, heads, -1, -1).reshape(N·heads, 1, S)
  const expanded = ctx.view(padding, [z.N, z.heads, 1, keys])
  setStrides(expanded, expandedStrides(reshaped(ctx, padding, [z.N, 1, 1, keys]), expanded.shape))
  const perHead = reshaped(ctx, expanded, [z.N * z.heads, 1, keys])
  if (!attnMask) return perHead
  return add(ctx, attnMask, perHead)
}

/**
 * A `(1, L, S)` or `(N·heads, L, S)` mask as SDPA receives it: `unsqueeze(0)` of one of batch 1, else `view(N,
 * heads, -1, S)`; views of the mask's storage.
 */
function sdpaMask(ctx: ForwardContext, mask: Tensor, batch: number, heads: number): Tensor {
  const [rows, L, S] = mask.shape as [number, number, number]
  return reshaped(ctx, mask, rows === 1 ? [1, 1, L, S] : [batch, heads, L, S])
}

/**
 * `nn.MultiheadAttention.forward` (`F.multi_head_attention_forward` with explicit projections) on `(query, key,
 * value)`; query, key and value may be the same tensor object, which picks the packed projection as in PyTorch.
 * Returns `[output]` or `[output, averaged weights]`.
 *
 * PyTorch 1.13 always computes the attention matrix: `q / √d` (the divisor kept as a 0-dim float64), `bmm`,
 * softmax, dropout, `bmm`, and averages the weights by `sum / num_heads`. PyTorch 2.x does that only with
 * `need_weights=True` (`q * √(1/d)`, a `mean` over heads); with `need_weights=False` (the transformer layers) it
 * runs {@link scaledDotProductAttention}. Projections: 2.x lays the packed q/k/v projection out as one
 * `(3, L, N, E)` tensor whose slices q, k and v view; 1.13 chunks it and copies k and v.
 */
export function multiheadAttention(ctx: ForwardContext, query: Tensor, key: Tensor, value: Tensor, w: MultiheadWeights, o: MultiheadOptions): Tensor[] {
  const rank = query.shape.length
  if (rank !== 2 && rank !== 3) throw ctx.error(`expects an unbatched 2-D or batched 3-D query, got ${rank}-D query of shape ${formatShape(query.shape)}.`)
  if (key.shape.length !== rank || value.shape.length !== rank) {
    const kind = rank === 3 ? 'batched (3-D)' : 'unbatched (2-D)'
    throw ctx.error(`For ${kind} \`query\`, expected \`key\` and \`value\` to be ${rank}-D but found ${key.shape.length}-D and ${value.shape.length}-D tensors respectively.`)
  }
  const batched = rank === 3
  // The output projection reads the embedding and may write another width (`F.multi_head_attention_forward` with
  // an `out_proj_weight` of `(output_dim, embed_dim)`); in `nn.MultiheadAttention` both are `embed_dim`.
  const E = w.outProj.shape[1]!
  const outDim = w.outProj.shape[0]!
  const heads = o.numHeads
  const headDim = E / heads
  const kdim = w.kProj?.shape[1] ?? E
  const vdim = w.vProj?.shape[1] ?? E
  // Work in PyTorch's internal (seq, batch, feature) layout.
  const seqBatch = (t: Tensor): [number, number] => (batched ? (o.batchFirst ? [t.shape[1]!, t.shape[0]!] : [t.shape[0]!, t.shape[1]!]) : [t.shape[0]!, 1])
  const [L, N] = seqBatch(query)
  const [S, keyBatch] = seqBatch(key)
  const [valueLen, valueBatch] = seqBatch(value)
  if (query.shape[rank - 1] !== E) throw ctx.error(`was expecting embedding dimension of ${E}, but got ${query.shape[rank - 1]} (query of shape ${formatShape(query.shape)}).`)
  if (w.inProj && !sameShape(key.shape, value.shape)) throw ctx.error(`key shape ${formatShape(key.shape)} does not match value shape ${formatShape(value.shape)}.`)
  if (!w.inProj && (S !== valueLen || keyBatch !== valueBatch)) throw ctx.error(`key's sequence and batch dims (${S}, ${keyBatch}) do not match value's (${valueLen}, ${valueBatch}).`)
  if (key.shape[rank - 1] !== kdim) throw ctx.error(`expects keys with ${kdim} features (kdim), got key of shape ${formatShape(key.shape)}.`)
  if (value.shape[rank - 1] !== vdim) throw ctx.error(`expects values with ${vdim} features (vdim), got value of shape ${formatShape(value.shape)}.`)
  if (keyBatch !== N) throw ctx.error(`expects key and value with the query's batch size ${N}, got ${keyBatch} (key of shape ${formatShape(key.shape)}).`)
  if (o.training && !(o.dropoutP >= 0 && o.dropoutP <= 1)) throw ctx.error(`dropout probability has to be between 0 and 1, but got ${o.dropoutP}.`)
  const dt = query.dtype
  const dropoutP = o.training ? o.dropoutP : 0
  const v113 = ctx.torch === '1.13'
  // PyTorch 1.13 has no `is_causal` and always computes the weights, which keep no mask.
  const extraKeys = (w.biasK ? 1 : 0) + (o.addZeroAttn ? 1 : 0)
  const mask = attentionMasks(ctx, v113 ? { ...o, isCausal: false } : o, { batched, L, S, N, heads, extraKeys, dtype: dt })
  const rows = sizeProduct(ctx, 'a batch of heads', N, heads)
  const tokens = sizeProduct(ctx, 'a number of tokens', L, N)

  // A projection `F.linear(t, weight)` of a (seq, N, features) input: the tensor itself, or a copy of a
  // non-contiguous batch-first view. Slices of the packed weight are views of the parameter.
  const project = (t: Tensor, seq: number, weight: Tensor): Tensor => {
    const copyInput = batched && o.batchFirst && seq > 1 && N > 1
    // The projection is `F.linear` with its slice of `in_proj_bias` (`addmm` of the flattened input).
    // A sequence-first input goes as it is, with its strides (a permuted view is folded through a copy).
    const input = batched && !o.batchFirst ? t : ctx.view(t, [seq, N, t.shape[rank - 1]!])
    return linear(ctx, input, weight, w.inProjBias, { copyInput })
  }
  const packedRows = (rows: number): Tensor => ctx.view(w.inProj!, [rows, E])
  const sameKV = key === value
  const selfAttention = sameKV && query === key
  const keyLen = S + (w.biasK ? 1 : 0) + (o.addZeroAttn ? 1 : 0)
  const headShape = (len: number): number[] => [rows, len, headDim]

  // q, k, v as (N·heads, len, head_dim), each a view or its own storage.
  let q: Tensor
  let k: Tensor
  let v: Tensor
  // Unbatched inputs are unsqueezed one by one, so they are never the same tensor object there.
  if (w.inProj && batched && selfAttention) {
    const qkv = project(query, L, w.inProj)
    const packed = v113 ? qkv : L * N === 1 ? qkv : copy(ctx, qkv, [3, L, N, E])
    q = ctx.view(v113 ? copy(ctx, qkv, [L, N, E]) : packed, headShape(L))
    if (v113) {
      // chunk(3) and `.contiguous()`: k and v are copied unless one position of one batch element is contiguous already.
      const contiguous = L === 1 && N === 1
      k = contiguous ? ctx.view(qkv, headShape(S)) : copy(ctx, qkv, headShape(S))
      v = contiguous ? ctx.view(qkv, headShape(S)) : copy(ctx, qkv, headShape(S))
    } else {
      k = ctx.view(packed, headShape(S))
      v = ctx.view(packed, headShape(S))
    }
  } else if (w.inProj && batched && sameKV) {
    const qProj = project(query, L, packedRows(E))
    const kv = project(key, S, packedRows(2 * E))
    q = ctx.view(qProj, headShape(L))
    if (v113) {
      const contiguous = S === 1 && N === 1
      k = contiguous ? ctx.view(kv, headShape(S)) : copy(ctx, kv, headShape(S))
      v = contiguous ? ctx.view(kv, headShape(S)) : copy(ctx, kv, headShape(S))
    } else {
      const packed = S * N === 1 ? kv : copy(ctx, kv, [2, S, N, E])
      k = ctx.view(packed, headShape(S))
      v = ctx.view(packed, headShape(S))
    }
  } else {
    q = ctx.view(project(query, L, w.qProj ?? packedRows(E)), headShape(L))
    k = ctx.view(project(key, S, w.kProj ?? packedRows(E)), headShape(S))
    v = ctx.view(project(value, S, w.vProj ?? packedRows(E)), headShape(S))
  }
  if (w.biasK && w.biasV) {
    k = cat(ctx, [k, ctx.tensor([rows, 1, headDim], dt, false)], 1)
    v = cat(ctx, [v, ctx.tensor([rows, 1, headDim], dt, false)], 1)
  }
  if (o.addZeroAttn) {
    k = cat(ctx, [k, ctx.tensor([rows, 1, headDim], dt, false)], 1)
    v = cat(ctx, [v, ctx.tensor([rows, 1, headDim], dt, false)], 1)
  }

  let attended: Tensor
  let weights: Tensor | undefined
  if (v113 || o.needWeights) {
    const scaled = v113 ? div(ctx, q, Math.sqrt(headDim)) : mul(ctx, q, Math.sqrt(1 / headDim))
    const scores = matmul(ctx, scaled, ctx.view(k, [rows, headDim, keyLen]), mask && !v113 ? { flopOp: 'aten.baddbmm' } : {})
    weights = softmax(ctx, scores, -1)
    if (dropoutP > 0) weights = dropout(ctx, weights, { p: dropoutP, training: true })
    attended = matmul(ctx, weights, v)
  } else {
    const as4d = (t: Tensor, len: number): Tensor => ctx.view(t, [N, heads, len, headDim])
    const [q4, k4, v4] = [as4d(q, L), as4d(k, keyLen), as4d(v, keyLen)]
    // With `is_causal` (and no mask left) SDPA runs its causal path, which keeps nothing more.
    const sdpa = mask ? sdpaMask(ctx, mask, N, heads) : null
    const maskOptions = sdpa ? { attnMask: sdpa, attnMaskStrides: stridesOf(sdpa) } : {}
    const out = scaledDotProductAttention(ctx, q4, k4, v4, { dropoutP, ...maskOptions })
    // The flash kernels lay their output out as the query (CPU) or (N, L, heads, d) (CUDA): the permute to
    // (L, N, heads, d) is free on CPU, and on CUDA when N or L is 1; otherwise it is a copy.
    const kernel = attentionKernel(ctx, q4, k4, v4, dropoutP, maskOptions)
    const free = kernel === 'flash-cpu' || ((kernel === 'flash-cuda' || kernel === 'efficient-cuda') && (N === 1 || L === 1))
    attended = free ? ctx.view(out, [tokens, E]) : out
  }
  // (N·heads, L, d) → (L·N, E) with `.contiguous()`: a copy (the same size when it is a view).
  const merged = attended.shape.length === 2 ? attended : copy(ctx, attended, [tokens, E])
  const projected = linear(ctx, merged, w.outProj, w.outProjBias)
  // batch_first returns `attn_output.transpose(1, 0)`: a view of the (L, N, E) result with its strides.
  const output = !batched ? ctx.view(projected, [L, outDim]) : o.batchFirst ? setStrides(ctx.view(projected, [N, L, outDim]), [outDim, N * outDim, 1]) : ctx.view(projected, [L, N, outDim])
  if (!o.needWeights || !weights) return [output]
  const perHead = ctx.view(weights, [N, heads, L, keyLen])
  // `average_attn_weights=False`: the weights per head, a view of the softmax (or dropout) output.
  if (o.averageWeights === false) return [output, batched ? perHead : ctx.view(perHead, [heads, L, keyLen])]
  const averaged = v113 ? div(ctx, sum(ctx, perHead, [1]), { int: heads }) : mean(ctx, perHead, [1])
  return [output, batched ? averaged : ctx.view(averaged, [L, keyLen])]
}
