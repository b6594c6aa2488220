import { NnsizeError } from '../errors.js'
import { ceilDiv } from './basis.js'
import type { CheckpointingMode } from './resolve.js'

/** One Megatron-style transformer layer, as Korthikanti et al. size its activations. */
export interface MegatronLayer {
  /** Sequence length s. */
  seq: number
  /** Micro-batch b. */
  batch: number
  /** Hidden size h. */
  hidden: number
  /** Attention heads a. */
  heads: number
  /** Tensor-parallel degree t (default 1). */
  tensorParallel?: number
  /** Sequence parallelism: the layer norms' and dropouts' activations are split over the t ranks too (default false). */
  sequenceParallel?: boolean
  /** `none`, `selective` (the attention core recomputed) or `full` (only the layer's input kept). */
  checkpointing?: CheckpointingMode
}

/** What {@link megatronLayerActivationBytes} returns: the bytes and the terms they add up from. */
export interface MegatronLayerActivations {
  bytes: bigint
  /** 16-bit activations and 1-byte dropout masks outside the attention core: 34·sbh (or 10·sbh + 24·sbh/t). */
  linearBytes: bigint
  /** The attention core: softmax input and output (2 B each), its dropout mask (1 B) per score: 5·as²b (÷ t). */
  attentionBytes: bigint
}

function positive(value: number, name: string): bigint {
  if (!Number.isSafeInteger(value) || value < 1) throw new NnsizeError('option', `\`${name}\` must be a whole number of at least 1, got \`${value}\`.`)
  return BigInt(value)
}

/**
 * Activation bytes one transformer layer keeps for backward in 16-bit training, after Korthikanti et al.,
 * "Reducing Activation Recomputation in Large Transformer Models" (arXiv:2205.05198), §4 and table 2:
 * `sbh(34 + 5as/h)` without parallelism; `sbh(10 + 24/t + 5as/(ht))` with tensor parallelism; `sbh/t · (34 + 5as/h)`
 * with sequence parallelism as well; selective recomputation drops the `5as/h` term; full recomputation keeps only
 * the layer's 16-bit input, `2sbh` (`2sbh/t` with sequence parallelism). Exact integers; shares of a split round up.
 */
export function megatronLayerActivationBytes(layer: MegatronLayer): MegatronLayerActivations {
  const s = positive(layer.seq, 'seq')
  const b = positive(layer.batch, 'batch')
  const h = positive(layer.hidden, 'hidden')
  const a = positive(layer.heads, 'heads')
  const t = positive(layer.tensorParallel ?? 1, 'tensorParallel')
  const sp = layer.sequenceParallel === true
  const sbh = s * b * h
  const mode = layer.checkpointing ?? 'none'
  if (mode === 'full') {
    const input = sp ? ceilDiv(2n * sbh, t) : 2n * sbh
    return { bytes: input, linearBytes: input, attentionBytes: 0n }
  }
  const linearBytes = sp ? ceilDiv(34n * sbh, t) : 10n * sbh + ceilDiv(24n * sbh, t)
  // sbh · 5as/h = 5·a·s²·b
  const attentionBytes = mode === 'selective' ? 0n : ceilDiv(5n * a * s * s * b, t)
  return { bytes: linearBytes + attentionBytes, linearBytes, attentionBytes }
}
