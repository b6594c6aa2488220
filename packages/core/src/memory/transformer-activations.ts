import { NnsizeError } from '../errors.js'
import { ceilDiv } from './basis.js'
import type { CheckpointingMode } from './resolve.js'
import type { TransformerShape } from '../zoo/hf/transformer-shape.js'

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

/** How a transformer's attention is computed: `sdpa` (flash or memory-efficient kernels: no s² scores kept) or `eager`. */
export type AttentionKernel = 'sdpa' | 'eager'

/** What {@link transformerActivationBytes} sizes: a sequence length, a micro-batch and the activations' element size. */
export interface TransformerActivationOptions {
  seq: number
  batch: number
  /** Bytes per activation element (2 in bf16/fp16 training). */
  elementBytes: number
  checkpointing?: CheckpointingMode
  /** Default `sdpa`: what PyTorch's `scaled_dot_product_attention` and transformers' default `attn_implementation` use on a GPU. */
  attention?: AttentionKernel
}

/** One block's activation bytes by part, for `t = s·b` tokens in `e`-byte elements. */
export interface TransformerLayerTerms {
  /** The inputs of the two norms: `2·t·h·e`. */
  norms: bigint
  /** Attention without the scores: QKV input `t·h·e`, Q/K/V and the output projection's input; with SDPA also its output and log-sum-exp `b·a·s·4`. */
  attention: bigint
  /** Eager attention only: the softmax output `b·a·s²·e`, with dropout its mask `b·a·s²` and output `b·a·s²·e`. */
  scores: bigint
  /** The MLP: input `t·h·e` and `4·t·i·e` gated (`2·t·i·e`; `t·i·e` for ReLU); MoE: router probabilities `t·E·4` and `k` experts per token. */
  mlp: bigint
  /** Residual-branch dropout masks: `2·t·h` bytes when hidden dropout > 0. */
  masks: bigint
  /** The sum. */
  bytes: bigint
}

/** What {@link transformerActivationBytes} returns: the total and every term it adds up from. */
export interface TransformerActivations {
  bytes: bigint
  /** One block's terms: a mixture-of-experts block when the model has experts. */
  layer: TransformerLayerTerms
  /** Blocks of that kind. */
  layers: number
  /** The dense blocks of a mixture of experts whose first blocks are dense (DeepSeek's `first_k_dense_replace`): their count, terms and bytes kept each. */
  dense: { layers: number; layer: TransformerLayerTerms; keptPerLayer: bigint } | null
  /** Bytes each block keeps for backward after checkpointing (full: its input `t·h·e`). */
  keptPerLayer: bigint
  /** Full checkpointing: one block's activations rebuilt during its backward. */
  recompute: bigint
  /** Token ids (`t·8`) and the embedding dropout mask (`t·h` when dropout > 0). */
  embeddings: bigint
  /** The final norm's and the output head's inputs: `2·t·h·e`. */
  output: bigint
  /** The logits `t·V·e` (the model's output, alive through backward). */
  logits: bigint
  /** Cross-entropy in float32: the log-softmax it saves `t·V·4` and its gradient `t·V·4`. */
  loss: bigint
  seq: number
  batch: number
  elementBytes: number
  checkpointing: CheckpointingMode
  attention: AttentionKernel
}

/** Which kind of block: with the mixture of experts, or a dense MLP of `intermediate` (DeepSeek's first blocks). */
export type TransformerBlockKind = 'moe' | 'dense'

/**
 * One block's activation terms (see {@link TransformerLayerTerms}); `training: false` leaves out dropout; `block`:
 * a mixture-of-experts block (the default when the shape has experts) or a dense one.
 */
export function transformerLayerTerms(shape: TransformerShape, seq: number, batch: number, elementBytes: number, attention: AttentionKernel, training = true, block: TransformerBlockKind = shape.moe === null ? 'dense' : 'moe'): TransformerLayerTerms {
  const s = positive(seq, 'seq')
  const b = positive(batch, 'batch')
  const e = positive(elementBytes, 'elementBytes')
  const t = s * b
  const h = BigInt(shape.hidden)
  const a = BigInt(shape.heads)
  const d = BigInt(shape.headDim)
  const kv = attention === 'eager' ? a : BigInt(shape.kvHeads)
  const norms = 2n * t * h * e
  // QKV input; Q, K, V (eager expands K/V to every head); the output projection's input; SDPA also keeps its
  // output (before the heads are merged) and a float32 log-sum-exp per head and position
  let attn = t * h * e + t * (a + 2n * kv) * d * e + t * a * d * e
  if (attention === 'sdpa') attn += t * a * d * e + b * a * s * 4n
  const attnDropout = training && shape.attentionDropout > 0
  const scores = attention === 'eager' ? b * a * s * s * (attnDropout ? 2n * e + 1n : e) : 0n
  const mlpTensors = (width: number): bigint => t * BigInt(width) * e * (shape.glu ? 4n : shape.activationKeepsOutput ? 1n : 2n)
  let mlp = t * h * e
  if (shape.moe === null || block === 'dense') mlp += mlpTensors(shape.intermediate)
  else {
    const { experts, topK, intermediate, sharedIntermediate } = shape.moe
    mlp += t * BigInt(experts) * 4n + BigInt(topK) * (t * h * e + mlpTensors(intermediate))
    if (sharedIntermediate > 0) mlp += mlpTensors(sharedIntermediate)
  }
  const masks = training && shape.hiddenDropout > 0 ? 2n * t * h : 0n
  return { norms, attention: attn, scores, mlp, masks, bytes: norms + attn + scores + mlp + masks }
}

/**
 * Training activation bytes of a transformer from its shape, for one micro-batch: every block's saved tensors
 * ({@link transformerLayerTerms}) after checkpointing (`selective` drops the attention scores, which SDPA never
 * keeps; `full` keeps each block's input and rebuilds one block at a time), the embeddings, the final norm and head
 * inputs, the logits and the float32 loss. For a GPT-3-style block (LayerNorm, GELU MLP of 4h, dropout, eager
 * attention) the block terms are Korthikanti et al.'s `sbh(34 + 5as/h)` exactly. Tensor/sequence parallelism divide
 * the result by the degree, as Megatron does; that is the layout's step.
 */
export function transformerActivationBytes(shape: TransformerShape, options: TransformerActivationOptions): TransformerActivations {
  const attention = options.attention ?? 'sdpa'
  const checkpointing = options.checkpointing ?? 'none'
  const layer = transformerLayerTerms(shape, options.seq, options.batch, options.elementBytes, attention)
  const t = BigInt(options.seq) * BigInt(options.batch)
  const e = BigInt(options.elementBytes)
  const h = BigInt(shape.hidden)
  const v = BigInt(shape.vocab)
  const kept = (l: TransformerLayerTerms): bigint => (checkpointing === 'full' ? t * h * e : checkpointing === 'selective' ? l.bytes - l.scores : l.bytes)
  const keptPerLayer = kept(layer)
  const moeLayers = shape.moe === null ? shape.layers : Math.min(shape.moe.layers, shape.layers)
  const denseLayers = shape.layers - moeLayers
  const denseLayer = denseLayers > 0 ? transformerLayerTerms(shape, options.seq, options.batch, options.elementBytes, attention, true, 'dense') : null
  const dense = denseLayer === null ? null : { layers: denseLayers, layer: denseLayer, keptPerLayer: kept(denseLayer) }
  // full checkpointing rebuilds one block at a time: the largest
  const recompute = checkpointing === 'full' ? (denseLayer !== null && denseLayer.bytes > layer.bytes ? denseLayer.bytes : layer.bytes) : 0n
  const embeddings = t * 8n + (shape.hiddenDropout > 0 ? t * h : 0n)
  const output = 2n * t * h * e
  const logits = shape.lmHead ? t * v * e : 0n
  const loss = shape.lmHead ? 2n * t * v * 4n : 0n
  const bytes = BigInt(moeLayers) * keptPerLayer + (dense === null ? 0n : BigInt(dense.layers) * dense.keptPerLayer) + recompute + embeddings + output + logits + loss
  return { bytes, layer, layers: moeLayers, dense, keptPerLayer, recompute, embeddings, output, logits, loss, seq: options.seq, batch: options.batch, elementBytes: options.elementBytes, checkpointing, attention }
}

/** What {@link transformerInferenceBytes} returns: the prefill peak and one decode step, with their terms. */
export interface TransformerInference {
  /** Prefill: the residual stream `t·h·e`, one block's tensors at once, and the last position's float32 logits `b·V·4`. */
  prefill: { bytes: bigint; residual: bigint; layer: TransformerLayerTerms; logits: bigint }
  /** One decode step: the same at one token per sequence. */
  decode: { bytes: bigint; residual: bigint; layer: TransformerLayerTerms; logits: bigint }
  seq: number
  batch: number
  elementBytes: number
  attention: AttentionKernel
}

/** Inference activations of a transformer: the prefill peak over a prompt of `seq` tokens and one decode step (the KV cache is its own line). */
export function transformerInferenceBytes(shape: TransformerShape, options: Omit<TransformerActivationOptions, 'checkpointing'>): TransformerInference {
  const attention = options.attention ?? 'sdpa'
  const hasDense = shape.moe !== null && shape.moe.layers < shape.layers
  const at = (seq: number) => {
    const moeOrOnly = transformerLayerTerms(shape, seq, options.batch, options.elementBytes, attention, false)
    const dense = hasDense ? transformerLayerTerms(shape, seq, options.batch, options.elementBytes, attention, false, 'dense') : null
    // the peak holds one block at a time: the larger kind
    const layer = dense !== null && dense.bytes > moeOrOnly.bytes ? dense : moeOrOnly
    const residual = BigInt(seq) * BigInt(options.batch) * BigInt(shape.hidden) * BigInt(options.elementBytes)
    const logits = shape.lmHead ? BigInt(options.batch) * BigInt(shape.vocab) * 4n : 0n
    return { bytes: residual + layer.bytes + logits, residual, layer, logits }
  }
  return { prefill: at(options.seq), decode: at(1), seq: options.seq, batch: options.batch, elementBytes: options.elementBytes, attention }
}
