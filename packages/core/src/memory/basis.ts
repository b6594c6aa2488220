import type { DeviceProfile } from '../forward/trace.js'
import type { TransformerActivations, TransformerInference } from './transformer-activations.js'
import { dtypeBytes } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import type { FsdpMode, OffloadTarget, ZeroStage } from './resolve.js'

/** Elements of one dtype: `elements × dtypeBytes[dtype]` bytes, or the exact bytes of the type a weight file stores them in. */
export interface DTypeCount {
  dtype: DType
  elements: bigint
  /** Elements kept in a weight file's type PyTorch has no dtype for (GGUF `Q4_K`): that type and its exact bytes. */
  stored?: StoredType | undefined
}

/** A weight file's own element type and the exact bytes of the elements stored in it. */
export interface StoredType {
  type: string
  bytes: bigint
}

/** The budget lines of one GPU's share, in the order they stack. */
export const memoryLineKeys = ['weights', 'gradients', 'optimizerState', 'stepGradients', 'activations', 'kvCache', 'gatheredWeights', 'overhead'] as const

/** The key of a budget line. */
export type MemoryLineKey = (typeof memoryLineKeys)[number]

/**
 * A budget line the whole model has before any split: every key but those of one sharded rank (the gathered
 * working set of ZeRO-3/FSDP, the float32 gradient partition of ZeRO's optimizer step).
 */
export type ReplicaLineKey = Exclude<MemoryLineKey, 'gatheredWeights' | 'stepGradients'>

/** One line of a budget: its exact bytes and how they are derived, as numbers (the present layer writes the formula). */
export interface MemoryLine {
  bytes: bigint
  basis: LineBasis
}

/** What the model's weights add besides the base tensors. */
export type WeightExtra =
  /** LoRA's adapters, float32 (PEFT's default). */
  | { kind: 'lora-adapters'; parts: DTypeCount[] }
  /** A copy of every trainable weight kept during forward and backward: autocast's cache, or FP8 weights. */
  | { kind: 'weight-copies'; reason: 'autocast' | 'fp8'; parts: DTypeCount[] }
  /** Autocast's copies of the LoRA adapters. */
  | { kind: 'adapter-copies'; parts: DTypeCount[] }

/** How the bytes saved for backward of one traced forward pass change with activation checkpointing. */
export type CheckpointBasis =
  | { mode: 'none'; savedBytes: bigint }
  /** Full checkpointing of a model without blocks: nothing to wrap. */
  | { mode: 'full'; savedBytes: bigint; blocks: null }
  | {
      mode: 'full'
      savedBytes: bigint
      /** The module whose children are the blocks (`''`: the root). */
      parent: string
      /** Blocks under it; segments checkpointed (⌈√n⌉ segments when the blocks are single layers). */
      blocks: number
      segments: number
      /** True when the blocks are single layers grouped into segments, as `checkpoint_sequential` is used. */
      leaves: boolean
      /** Saved inside the checkpointed blocks, their inputs kept instead, and the largest block recomputed at a time. */
      insideBytes: bigint
      inputBytes: bigint
      largestBytes: bigint
    }
  /** Selective checkpointing: what the outermost attention modules saved, less their inputs, is recomputed (none without attention). */
  | { mode: 'selective'; savedBytes: bigint; attentionModules: number; droppedBytes: bigint }

/** Why a line holds nothing. */
export type EmptyReason =
  | 'inference-gradients'
  | 'inference-optimizer'
  | 'training-kv-cache'
  | 'no-kv-cache-shape'
  | 'no-context-length'
  | 'nothing-gathered'
  | 'not-sharded'
  /** No float32 gradient partition: not DeepSpeed ZeRO, or no float32 master weights to step. */
  | 'no-step-gradients'

/**
 * How a line's bytes are derived: the numbers and what they are, never display text. Lines of one GPU's share wrap
 * the whole model's line they divide (`split`, `sharded`, `offloaded`, …).
 */
export type LineBasis =
  | { kind: 'empty'; reason: EmptyReason }
  /** The model's tensors in training: parameters and buffers by dtype (a frozen base under LoRA), and what is added. */
  | { kind: 'weights'; frozenBase: boolean; params: DTypeCount[]; buffers: DTypeCount[]; extras: WeightExtra[] }
  /** QLoRA's frozen base: linear weights in NF4 with double quantisation, the rest in 16 bits. */
  | { kind: 'qlora-weights'; quantisedElements: bigint; quantisedBytes: bigint; otherElements: bigint; otherBytes: bigint; extras: WeightExtra[] }
  /** Inference weights in a weight format (`int8`, `q4_k`, `auto`: as built). */
  | {
      kind: 'weight-format'
      format: string
      bitsPerWeight: string
      appliesTo: 'float' | 'matrices' | 'linear' | 'experts'
      /** The dtype of the tensors it leaves alone; null: as built. */
      otherDType: DType | null
      quantisedElements: bigint
      otherElements: bigint
      /** For `auto`: the elements by dtype, as built. */
      asBuilt: DTypeCount[] | null
    }
  /** Gradients of the trainable parameters by dtype, and the float32 buffer gradient accumulation adds under mixed precision. */
  | { kind: 'gradients'; parts: DTypeCount[]; accumulation: null | { steps: number; bufferElements: bigint | null } }
  /** The optimizer's state entries and the float32 master weights it steps under mixed precision. */
  | {
      kind: 'optimizer-state'
      optimizer: string
      /** State on the device (the line's bytes, with the master weights). */
      entries: Array<{ name: string; dtype: DType; elements: bigint }>
      masterWeightElements: bigint
      /** State PyTorch creates on the CPU for CUDA parameters (scalar `step` unless `capturable`/`fused`): not in the line's bytes. */
      hostEntries: Array<{ name: string; dtype: DType; elements: bigint }>
      hostBytes: bigint
    }
  /** Activations not counted: no input shape was traced and no bytes per sample given. */
  | { kind: 'activations-not-counted'; module: string; traceable: boolean }
  /** A config's activations, which its architecture sizes once the sequence length is given. */
  | { kind: 'activations-need-seq' }
  /** Activations given per sample, times the batch. */
  | { kind: 'activations-per-sample'; perSampleBytes: bigint; batch: number }
  /** Bytes saved for backward by a traced forward pass, after checkpointing; scaled from the traced batch when it could not be traced again. */
  | { kind: 'activations-saved'; inputs: number[][]; device: DeviceProfile; retraced: boolean; checkpoint: CheckpointBasis; scale: null | { batch: number; tracedBatch: number } }
  /** Training activations of a transformer from its config's shape (no forward pass to trace). */
  | { kind: 'activations-transformer'; terms: TransformerActivations }
  /** Inference activations of a transformer from its config's shape: the prefill peak (the line's bytes) and one decode step. */
  | { kind: 'activations-transformer-inference'; terms: TransformerInference }
  /** The peak of live tensors of a no-grad forward pass. */
  | { kind: 'activations-peak'; inputs: number[][]; scale: null | { batch: number; tracedBatch: number } }
  /** Activations counted in float32 by the trace, held in `elementBytes`-byte elements. */
  | { kind: 'element-scaled'; of: MemoryLine; elementBytes: number }
  /** The KV cache of `batch` sequences of `tokens` tokens, and the state of a hybrid model's recurrent layers (Jamba, RecurrentGemma) beside it. */
  | { kind: 'kv-cache'; cache: KvCacheBasis; dtype: string; state?: StateCacheBasis | undefined }
  /** The fixed-size state a model without attention (Mamba) keeps per sequence, in place of a KV cache. */
  | { kind: 'state-cache'; state: StateCacheBasis }
  /** The framework's own memory per GPU (CUDA context, allocator reserve). */
  | { kind: 'overhead'; isDefault: boolean }
  /** A total: the sum of its parts. */
  | { kind: 'total'; parts: bigint[] }
  /** One model-parallel rank's share: divided over tensor × pipeline parallelism. */
  | { kind: 'split'; of: MemoryLine; line: ReplicaLineKey; tensorParallel: number; pipelineParallel: number }
  /** One data-parallel shard of a (model-parallel rank's) line: ZeRO/FSDP. */
  | { kind: 'sharded'; of: MemoryLine; line: ReplicaLineKey; shards: number; modelParallel: boolean }
  /** A line moved off the GPU (`into`: held there as another line, as ZeRO-2's gradients in the float32 partition). */
  | { kind: 'offloaded'; of: MemoryLine; line: MemoryLineKey; target: Exclude<OffloadTarget, 'none'>; into?: 'stepGradients' }
  /** Activations divided by tensor parallelism with sequence parallelism. */
  | { kind: 'tensor-parallel'; of: MemoryLine; tensorParallel: number }
  /** The KV cache divided over tensor (heads) and pipeline (layers) parallelism. */
  | { kind: 'kv-split'; of: MemoryLine; tensorParallel: number; pipelineParallel: number }
  /** The largest module's parameters and gradients, gathered whole by ZeRO-3 / FSDP while it runs. */
  | { kind: 'gathered'; module: string }
  /**
   * The float32 gradients ZeRO's optimizer step allocates for this rank's partition: `4 B × ⌈⌈elements ÷ model
   * parallel⌉ ÷ shards⌉`, at most one sub-group of `subGroupElements` at a time (ZeRO-3), else one parameter group.
   * With optimizer offload they are a pinned CPU buffer (`replacesGradients`: ZeRO-1/2 copy the gradients straight
   * into it, so no 16-bit partition is kept there).
   */
  | { kind: 'step-gradients'; elements: bigint; modelParallel: number; shards: number; partitionElements: bigint; subGroupElements: bigint | null; stage: ZeroStage; replacesGradients: boolean }
  /** What one GPU offloads to CPU memory or NVMe, line by line. */
  | { kind: 'offload-total'; target: Exclude<OffloadTarget, 'none'>; parts: Array<{ line: MemoryLineKey; bytes: bigint }> }

/** How a KV cache's bytes are derived. */
export interface KvCacheBasis {
  /** Multi-head latent attention: elements per token per layer, else null. */
  latentDim: number | null
  kvHeads: number
  headDim: number
  elementBytes: number
  layers: number
  /** Layers that keep every token, and layers with a sliding window of `window` tokens. */
  fullLayers: number
  windowLayers: number
  window: number | null
  tokens: number
  /** Tokens a windowed layer keeps: `min(tokens, window)`. */
  windowTokens: number
  batch: number
}

/**
 * How the state of state-space and recurrent layers (Mamba, RecurrentGemma) is sized: per layer and sequence a
 * convolution state in the activations' dtype and a recurrent state (float32 in transformers), the same at any length.
 */
export interface StateCacheBasis {
  layers: number
  convElements: number
  convElementBytes: number
  recurrentElements: number
  recurrentElementBytes: number
  batch: number
}

/** Bytes of a state cache: `batch × layers × (conv elements × bytes + recurrent elements × bytes)`. */
export function stateCacheBytes(s: StateCacheBasis): bigint {
  return BigInt(s.batch) * BigInt(s.layers) * (BigInt(s.convElements) * BigInt(s.convElementBytes) + BigInt(s.recurrentElements) * BigInt(s.recurrentElementBytes))
}

/** Sums element counts per dtype (and per stored type, for elements kept as a weight file stores them), in first-seen order, leaving out zero counts. */
export function countByDType(items: Iterable<readonly [bigint, DType] | readonly [bigint, DType, StoredType | undefined]>): DTypeCount[] {
  const groups = new Map<string, DTypeCount>()
  for (const [count, dtype, stored] of items) {
    if (count <= 0n) continue
    const key = stored ? `${dtype}:${stored.type}` : dtype
    const group = groups.get(key)
    if (!group) groups.set(key, { dtype, elements: count, ...(stored ? { stored: { type: stored.type, bytes: stored.bytes } } : {}) })
    else {
      group.elements += count
      if (group.stored && stored) group.stored.bytes += stored.bytes
    }
  }
  return [...groups.values()]
}

/** Bytes of element counts by dtype (stored types at their exact bytes). */
export function bytesOf(parts: readonly DTypeCount[]): bigint {
  let bytes = 0n
  for (const p of parts) bytes += p.stored ? p.stored.bytes : p.elements * BigInt(dtypeBytes[p.dtype])
  return bytes
}

/** Elements of element counts by dtype. */
export function elementsOf(parts: readonly DTypeCount[]): bigint {
  let elements = 0n
  for (const p of parts) elements += p.elements
  return elements
}

/** A line. */
export const line = (bytes: bigint, basis: LineBasis): MemoryLine => ({ bytes, basis })

/** A line that grows with the batch, computed once per batch size (the fit search asks for the same sizes again). */
export function perBatch(compute: (batch: number) => MemoryLine): (batch: number) => MemoryLine {
  const cache = new Map<number, MemoryLine>()
  return (batch) => {
    let line = cache.get(batch)
    if (!line) {
      line = compute(batch)
      cache.set(batch, line)
    }
    return line
  }
}

/** `⌈a / b⌉` (a itself for b ≤ 1). */
export const ceilDiv = (a: bigint, b: bigint): bigint => (b <= 1n ? a : (a + b - 1n) / b)

/** The reason a plan is not counting something, or a caveat it rests on, as data; the present layer writes the sentence. */
export type PlanNote =
  | { code: 'checkpoint-no-blocks' }
  | { code: 'selective-no-attention' }
  | { code: 'lora-optimizer' }
  | { code: 'retrace-failed' }
  | { code: 'activations-not-counted'; module: string; traceable: boolean }
  | { code: 'sharding-one-rank'; zero: number | null; fsdp: FsdpMode | null }
  | { code: 'kv-needs-context' }
  | { code: 'kv-ignored-in-training' }
  | { code: 'context-in-training' }
  | { code: 'kv-without-model' }
  | { code: 'optimizer-ignored-in-inference' }
  | { code: 'format-without-linear'; format: string; otherDType: DType | null }
  | { code: 'tensor-parallel-training' }
  | { code: 'pipeline-parallel-training' }
  | { code: 'inference-split'; tensorParallel: number; pipelineParallel: number }
  | { code: 'no-sharding-more-gpus' }
  | { code: 'largest-batch-extrapolated' }
  | { code: 'activations-need-seq' }
  | { code: 'transformer-activations'; attention: 'sdpa' | 'eager'; moe: boolean; training: boolean }
  | { code: 'hybrid-default-node'; gpusPerNode: number }
  | { code: 'deepspeed-estimator'; optimizerIsAdam: boolean }
  | { code: 'deepspeed-combination-not-printed'; offloadOptimizer: OffloadTarget; offloadParams: OffloadTarget }
  | { code: 'step-gradients'; stage: ZeroStage }

/** Collects notes once each, in the order they are first made. */
export class Notes {
  private readonly seen = new Map<string, PlanNote>()
  add(note: PlanNote): void {
    const key = JSON.stringify(note)
    if (!this.seen.has(key)) this.seen.set(key, note)
  }
  list(): PlanNote[] {
    return [...this.seen.values()]
  }
}
