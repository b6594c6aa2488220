import type { Analysis } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import type { TorchVersion } from '../forward/torch-version.js'
import { Notes } from './basis.js'
import type { MemoryLine, PlanNote, ReplicaLineKey } from './basis.js'
import { fitOn } from './fit.js'
import type { FitResult } from './fit.js'
import type { Accelerator } from './gpus.js'
import type { KvCacheSpec } from './kvcache.js'
import { perDevice, replicaLines } from './layout.js'
import type { DeviceLines, Replica } from './layout.js'
import { activationsByBatch } from './lines/activations.js'
import { largestModule, largestOwnParams } from './lines/gathered.js'
import { deepspeedEstimateTable } from './deepspeed.js'
import type { DeepSpeedRow } from './deepspeed.js'
import { gradientsLine, trainableElements } from './lines/gradients.js'
import { kvCacheByBatch } from './lines/kv-cache.js'
import { modelTensors } from './lines/model.js'
import { optimizerStateLine } from './lines/optimizer-state.js'
import { overheadLine } from './lines/overhead.js'
import { weightsLine } from './lines/weights.js'
import type { LoraAdapter, LoraOptions } from './lora.js'
import type { OptimizerSpec, OptimizerStateBreakdown } from './optimizers/index.js'
import { resolveOptions } from './resolve.js'
import { fieldLimits } from '../request/fields.js'
import type { CheckpointingMode, FsdpMode, OffloadTarget, ResolvedMemoryOptions, ZeroStage } from './resolve.js'

/** Options of {@link planMemory}. Every field is optional; see docs/memory.md for the defaults. */
export interface MemoryOptions {
  /** `training` (default) or `inference`. */
  mode?: 'training' | 'inference' | undefined
  /**
   * Where the model's tensors live: `cuda` (default) or `cpu`. On CUDA, PyTorch creates scalar optimizer state
   * (Adam's `step`) on the CPU unless `capturable`/`fused`, so it is not in the GPU's bytes.
   */
  device?: 'cpu' | 'cuda' | undefined
  /** Training optimizer, parsed by {@link parseOptimizer}. Default `AdamW()`. */
  optimizer?: string | OptimizerSpec | undefined
  /** The PyTorch release whose optimizer state to count. Default 2.13 (a parsed optimizer keeps its own). */
  torch?: TorchVersion | undefined
  /** Training precision (`fp32`, `amp-bf16`/`bf16-mixed`, `bf16`, `mixed-fp16`, …). Default `auto`: as built. */
  precision?: string | undefined
  /** Inference weight format (`bf16`, `int8`, `nf4-dq`, `q4_k`, …). Default `auto`: as built. */
  weights?: string | undefined
  /** Samples per device per step. Default: the first dimension of the analysis input, else 1. */
  batch?: number | undefined
  /** Gradient accumulation steps. Default 1. */
  gradAccumulation?: number | undefined
  /** Activation checkpointing. Default `none`. */
  checkpointing?: CheckpointingMode | undefined
  /** Activation bytes of one sample, when no input shape was traced (e.g. from a measurement). */
  activationBytesPerSample?: bigint | undefined
  /** Framework overhead per device (CUDA context, allocator reserve). Default 1 GiB. */
  overheadBytes?: bigint | undefined
  /** Total number of GPUs. Default 1. */
  gpus?: number | undefined
  /** GPUs per node. Default 8 (or `gpus` when fewer); `gpus / nodes` when `nodes` is given. */
  gpusPerNode?: number | undefined
  /** Nodes: `gpus = nodes × gpusPerNode`, the missing one derived from the other two. */
  nodes?: number | undefined
  /** `deepspeed`: also reproduce DeepSpeed's own ZeRO-2/3 estimator (`plan.deepspeed`). Default `nnsize`. */
  estimator?: 'nnsize' | 'deepspeed' | undefined
  /** DeepSpeed ZeRO stage. */
  zero?: ZeroStage | undefined
  /** PyTorch FSDP sharding strategy (instead of `zero`). */
  fsdp?: FsdpMode | undefined
  /** ZeRO-Offload of the optimizer state (and, from stage 2, the gradients). */
  offloadOptimizer?: OffloadTarget | undefined
  /** ZeRO-3 / FSDP parameter offload. */
  offloadParams?: OffloadTarget | undefined
  /** Tensor-parallel degree. Default 1 (inference: `gpus` when neither degree is given). */
  tensorParallel?: number | undefined
  /** Pipeline-parallel degree. Default 1. */
  pipelineParallel?: number | undefined
  /** KV cache shape for inference (from a Hugging Face config). */
  kvCache?: KvCacheSpec | undefined
  /** Tokens per sequence held in the KV cache. */
  contextLength?: number | undefined
  /** KV cache entries: `fp16`/`bf16` (default), `fp8`, `fp32`. */
  kvCacheDType?: string | undefined
  /** LoRA adapters (PEFT semantics); the base model is frozen. */
  lora?: LoraOptions | undefined
  /** Accelerator to fit on: a catalogue id (`h100-80gb`), an {@link Accelerator}, or a capacity in bytes. */
  gpu?: string | Accelerator | bigint | undefined
}

/** What {@link planMemory} returns: exact bytes and how each is derived, as numbers; the present layer writes them out. */
export interface MemoryPlan {
  mode: 'training' | 'inference'
  options: ResolvedMemoryOptions
  /** The budget of one model replica before any sharding (as if on a single device). */
  memory: Record<ReplicaLineKey | 'total', MemoryLine>
  /** One GPU's share after tensor/pipeline parallelism, ZeRO/FSDP sharding and offload. */
  perDevice: DeviceLines
  /** One node: its GPUs' memory and the host memory / NVMe its ranks offload to. */
  perNode: { gpus: number; deviceBytes: bigint; cpuBytes: bigint; nvmeBytes: bigint }
  fit?: FitResult
  /** DeepSpeed's own estimate of the model states, as its estimator prints it (`estimator: 'deepspeed'`). */
  deepspeed?: DeepSpeedEstimate
  /** The optimizer's state, entry by entry (training). */
  optimizer?: OptimizerStateBreakdown
  /** The LoRA adapters, when LoRA is on. */
  lora?: { adapters: LoraAdapter[]; params: bigint; quantizedBase: boolean }
  /** Assumptions and caveats that apply to this plan. */
  notes: PlanNote[]
}

/** DeepSpeed's `estimate_zero{2,3}_model_states_mem_needs_all_cold` table for the analysed model and the plan's nodes. */
export interface DeepSpeedEstimate {
  stage: 2 | 3
  /** Parameters counted once each (DeepSpeed's `total_params`, shared tensors once). */
  totalParams: bigint
  /** The most parameters one module holds directly (`parameters(recurse=False)`), and that module's path. */
  largestLayerParams: bigint
  largestLayerModule: string
  gpusPerNode: number
  nodes: number
  additionalBufferFactor: number
  /** Every row DeepSpeed prints, in its order. */
  rows: DeepSpeedRow[]
  /** The rows of the chosen offload (both `zero_init` rows for ZeRO-3); empty when DeepSpeed prints no such row. */
  chosen: number[]
}

/** DeepSpeed's default `additional_buffer_factor`. */
const deepspeedBufferFactor = 1.5

function deepspeedEstimate(m: ReturnType<typeof modelTensors>, r: ReturnType<typeof resolveOptions>, notes: Notes): DeepSpeedEstimate {
  const o = r.options
  const stage = o.zero as 2 | 3
  const largest = largestOwnParams(m)
  const rows = deepspeedEstimateTable({ stage, totalParams: m.analysis.params.total, largestLayerParams: largest.params, gpusPerNode: o.gpusPerNode, nodes: o.nodes, additionalBufferFactor: deepspeedBufferFactor })
  const offloadOptimizer = o.offloadOptimizer === 'cpu'
  const offloadParams = o.offloadParams === 'cpu'
  const printed = o.offloadOptimizer !== 'nvme' && o.offloadParams !== 'nvme' && !(offloadParams && !offloadOptimizer)
  const chosen = printed ? rows.flatMap((row, i) => (row.offloadOptimizer === offloadOptimizer && row.offloadParams === offloadParams ? [i] : [])) : []
  if (!printed) notes.add({ code: 'deepspeed-combination-not-printed', offloadOptimizer: o.offloadOptimizer, offloadParams: o.offloadParams })
  notes.add({ code: 'deepspeed-estimator', optimizerIsAdam: r.optimizer !== null && (r.optimizer.name === 'Adam' || r.optimizer.name === 'AdamW') })
  return { stage, totalParams: m.analysis.params.total, largestLayerParams: largest.params, largestLayerModule: largest.module, gpusPerNode: o.gpusPerNode, nodes: o.nodes, additionalBufferFactor: deepspeedBufferFactor, rows, chosen }
}

/**
 * Plans the memory of training or serving the analysed model: weights, gradients, optimizer state, activations,
 * KV cache and a stated framework overhead, each with how it is derived; then one GPU's and one node's share under
 * tensor/pipeline parallelism, ZeRO/FSDP sharding and offload; and, given a GPU, whether it fits, how many GPUs
 * would, and the largest batch that does. Bad options throw {@link NnsizeError} with code `option` and the
 * request field they are about.
 */
export function planMemory(analysis: Analysis, options: MemoryOptions = {}): MemoryPlan {
  if (typeof analysis !== 'object' || analysis === null || !Array.isArray(analysis.tensors)) throw new NnsizeError('option', '`planMemory` takes the result of `analyze`.')
  if (typeof options !== 'object' || options === null) throw new NnsizeError('option', 'Memory options must be an object.')
  const notes = new Notes()
  const r = resolveOptions(analysis, options, notes)
  const m = modelTensors(analysis, options, r, notes)

  const weights = weightsLine(m, r)
  const gradients = gradientsLine(m, r)
  const optimizer = optimizerStateLine(m, r)
  const replica: Replica = {
    weights,
    gradients,
    optimizerState: optimizer.line,
    activations: activationsByBatch(m, r),
    kvCache: kvCacheByBatch(r),
    overhead: overheadLine(r),
    ...(({ module, bytes }) => ({ gatherModule: module, gatherBytes: bytes }))(largestModule(m, r)),
    stepGradientElements: r.training && r.layout.stage >= 1 && !r.layout.fsdp && r.precision.masterWeights && !m.lora ? trainableElements(m) : 0n,
  }
  if (replica.stepGradientElements > 0n && r.layout.shard > 1) notes.add({ code: 'step-gradients', stage: r.layout.stage })

  const batch = r.options.batch
  const memory = replicaLines(replica, batch)
  const device = perDevice(replica, r.layout, batch, r.training)
  const nodeGpus = Math.min(r.options.gpus, r.options.gpusPerNode)
  const perNode = {
    gpus: nodeGpus,
    deviceBytes: device.total.bytes * BigInt(nodeGpus),
    cpuBytes: device.offloadedCpu.bytes * BigInt(nodeGpus),
    nvmeBytes: device.offloadedNvme.bytes * BigInt(nodeGpus),
  }
  const { tp, pp } = r.layout
  if (tp > 1 && r.training) notes.add({ code: 'tensor-parallel-training' })
  if (pp > 1 && r.training) notes.add({ code: 'pipeline-parallel-training' })
  if (!r.training && tp * pp > 1) notes.add({ code: 'inference-split', tensorParallel: tp, pipelineParallel: pp })

  const fromShape = memory.activations.basis.kind === 'activations-transformer' || memory.activations.basis.kind === 'activations-transformer-inference'
  const batchMatters = analysis.forward !== undefined || r.perSample !== null || fromShape || (r.kvSpec !== null && r.options.contextLength !== null && !r.training) || r.stateCache !== null
  const notCounted: Array<'activations' | 'kvCache'> = []
  if (memory.activations.basis.kind === 'activations-not-counted' || memory.activations.basis.kind === 'activations-need-seq') notCounted.push('activations')
  if (!r.training && memory.kvCache.basis.kind === 'empty' && memory.kvCache.basis.reason === 'no-context-length') notCounted.push('kvCache')
  const kvGrows = !r.training && r.kvSpec !== null
  // a config's activations grow with the tokens too, even when no --seq was given (the longest context then says how long one can be)
  const shapeGrows = analysis.forward === undefined && r.perSample === null && analysis.model?.transformer !== undefined
  const at = kvGrows || shapeGrows ? (tokens: number) => ({ kvCache: kvGrows ? kvCacheByBatch(r, tokens) : replica.kvCache, activations: shapeGrows ? activationsByBatch(m, r, tokens) : replica.activations }) : null
  const search = { at, maxTokens: fieldLimits.seq.max, notCounted }
  const fit = r.gpu ? fitOn(r.gpu, replica, r.layout, batch, device.total.bytes, r.training, batchMatters, notes, search) : undefined
  const deepspeed = r.options.estimator === 'deepspeed' ? deepspeedEstimate(m, r, notes) : undefined
  return {
    mode: r.options.mode,
    options: r.options,
    memory,
    perDevice: device,
    perNode,
    ...(deepspeed ? { deepspeed } : {}),
    ...(fit ? { fit } : {}),
    ...(optimizer.breakdown ? { optimizer: optimizer.breakdown } : {}),
    ...(m.lora ? { lora: m.lora } : {}),
    notes: notes.list(),
  }
}
