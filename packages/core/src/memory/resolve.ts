import type { Analysis } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import { defaultTorchVersion, torchVersions } from '../forward/torch-version.js'
import type { TorchVersion } from '../forward/torch-version.js'
import type { Notes, StateCacheBasis } from './basis.js'
import { fieldSentence, forField, oneOf, wholeNumber } from '../request/field-errors.js'
import { fieldLimits } from '../request/fields.js'
import { checkpointingModes, estimators, fsdpModes, kvCacheDTypes, offloadTargets } from '../request/choices.js'
import type { CheckpointingMode, Estimator, FsdpMode, OffloadTarget, ZeroStage } from '../request/choices.js'
import { customAccelerator, parseAccelerator } from './gpus.js'
import type { Accelerator } from './gpus.js'
import { validateKvCacheSpec } from './kvcache.js'
import type { KvCacheSpec } from './kvcache.js'
import type { LoraOptions } from './lora.js'
import { parseOptimizer } from './optimizers/index.js'
import type { OptimizerSpec } from './optimizers/index.js'
import type { MemoryOptions } from './plan.js'
import { findPrecision } from './precision.js'
import type { PrecisionMode } from './precision.js'
import { findWeightFormat } from './quant.js'
import type { WeightFormat } from './quant.js'
import { parseByteSize } from './units.js'
import type { CheckpointDTypeSource } from '../zoo/hf/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { dtypeBytes } from '../tensor/dtype.js'

export { checkpointingModes, fsdpModes, kvCacheDTypes, offloadTargets } from '../request/choices.js'
export type { CheckpointingMode, Estimator, FsdpMode, OffloadTarget, ZeroStage } from '../request/choices.js'

/** Default framework overhead: CUDA context plus allocator reserve, stated as its own line. */
export const defaultOverheadBytes = 1024n ** 3n

/**
 * What "as built" (`auto`) resolves to: the dtype that holds most of the parameters' elements, and where it comes
 * from — a Hugging Face config's `torch_dtype`/`dtype`, the catalogue, a weights file, float32 by default, or the
 * dtypes the expression builds (`built`). `mixed` lists every floating-point dtype when more than one holds parameters.
 */
export interface AsBuiltDType {
  dtype: DType
  source: CheckpointDTypeSource | 'built'
  /** True when parameters are held in more than one dtype (`dtype` holds the most elements). */
  mixed: boolean
}

/** The dtype most parameter elements are built in, and where it comes from. */
export function asBuiltDType(analysis: Analysis): AsBuiltDType {
  const counts = new Map<DType, bigint>()
  for (const t of analysis.tensors) if (t.kind === 'parameter') counts.set(t.dtype, (counts.get(t.dtype) ?? 0n) + t.elementCount)
  let dtype: DType = analysis.model?.dtype.dtype ?? 'float32'
  let most = -1n
  for (const [d, n] of counts) if (n > most) [dtype, most] = [d, n]
  const modelDType = analysis.model?.dtype
  const source = modelDType !== undefined && modelDType.dtype === dtype ? modelDType.source : 'built'
  return { dtype, source, mixed: counts.size > 1 }
}

/** The options after defaults and checks, as echoed in the plan. */
export interface ResolvedMemoryOptions {
  mode: 'training' | 'inference'
  /** Where the tensors live: `cuda` or `cpu`. */
  device: 'cpu' | 'cuda'
  optimizer: string | null
  precision: string
  weights: string
  /** What `auto` precision or weights resolve to: the dtype the parameters are built in, and why. */
  asBuilt: AsBuiltDType
  batch: number
  gradAccumulation: number
  checkpointing: CheckpointingMode
  activationBytesPerSample: bigint | null
  overheadBytes: bigint
  gpus: number
  gpusPerNode: number
  nodes: number
  zero: ZeroStage | null
  fsdp: FsdpMode | null
  offloadOptimizer: OffloadTarget
  offloadParams: OffloadTarget
  /** `deepspeed`: DeepSpeed's own estimate is made beside the plan. */
  estimator: Estimator
  tensorParallel: number
  pipelineParallel: number
  dataParallel: number
  kvCache: KvCacheSpec | null
  contextLength: number | null
  kvCacheDType: string
  lora: LoraOptions | null
  gpu: string | null
  torch: TorchVersion
}

/** How the work is laid out over GPUs. */
export interface Layout {
  gpus: number
  tp: number
  pp: number
  dp: number
  /** Data-parallel ranks one state is sharded over (1: not sharded). */
  shard: number
  /** What is sharded: ZeRO's stage, or the stage an FSDP strategy amounts to. */
  stage: ZeroStage
  offloadOptimizer: OffloadTarget
  offloadParams: OffloadTarget
  fsdp: boolean
  /** Hybrid sharding: the most ranks one shard group spans (one node's worth), else null. */
  hybridGroup: number | null
}

/** Everything the line builders need, resolved once. */
export interface Resolved {
  options: ResolvedMemoryOptions
  training: boolean
  layout: Layout
  precision: PrecisionMode
  format: WeightFormat
  optimizer: OptimizerSpec | null
  kvSpec: KvCacheSpec | null
  /** Bytes per KV cache element. */
  kvBytes: number
  /** Inference: the state the model's state-space and recurrent layers keep per sequence (the Hugging Face importer's `stateCache`), with its element sizes; else null. */
  stateCache: Omit<StateCacheBasis, 'batch'> | null
  gpu: Accelerator | null
  perSample: bigint | null
  /** Whether an input shape can be traced through the model (Hugging Face configs have no forward pass). */
  traceable: boolean
  /** Whether the overhead is the default. */
  defaultOverhead: boolean
}

/**
 * The model's state cache for inference: the convolution state in the dtype the activations are held in (the weight
 * format's other dtype, else as built), the recurrent state in its own dtype when the importer names one (float32).
 */
function stateCacheOf(analysis: Analysis, format: WeightFormat): Omit<StateCacheBasis, 'batch'> | null {
  const state = analysis.model?.stateCache ?? null
  if (state === null) return null
  const convElementBytes = dtypeBytes[format.otherDType ?? asBuiltDType(analysis).dtype]
  const recurrentElementBytes = state.recurrentDType ? dtypeBytes[state.recurrentDType] : convElementBytes
  return { layers: state.layers, convElements: state.convElementsPerLayer, convElementBytes, recurrentElements: state.recurrentElementsPerLayer, recurrentElementBytes }
}

function resolveGpu(gpu: MemoryOptions['gpu']): Accelerator | null {
  if (gpu === undefined || gpu === null) return null
  if (typeof gpu === 'bigint') return forField('gpu', () => customAccelerator(gpu))
  if (typeof gpu === 'string') return forField('gpu', () => parseAccelerator(gpu))
  if (typeof gpu === 'object' && typeof gpu.bytes === 'bigint' && gpu.bytes > 0n) return gpu
  throw fieldSentence('gpu', '`gpu` must be a catalogue name such as `h100-80gb`, a size such as `24GiB`, or an accelerator object.')
}

/**
 * GPUs, GPUs per node and nodes: any one derived from the other two (`gpus = nodes × gpusPerNode`); conflicting
 * values are an error on `nodes`. Without `nodes`, GPUs per node default to 8 (or `gpus` when fewer) and the nodes
 * are as many as the GPUs fill.
 */
function resolveNodes(options: MemoryOptions): { gpus: number; gpusPerNode: number; nodes: number } {
  const given = (value: number | undefined, field: 'gpus' | 'gpusPerNode' | 'nodes'): number | undefined =>
    value === undefined ? undefined : wholeNumber(value, field, field, fieldLimits[field].min, fieldLimits[field].max)
  const gpusGiven = given(options.gpus, 'gpus')
  const perNodeGiven = given(options.gpusPerNode, 'gpusPerNode')
  const nodes = given(options.nodes, 'nodes')
  if (nodes === undefined) {
    const gpus = gpusGiven ?? 1
    const gpusPerNode = perNodeGiven ?? Math.min(8, gpus)
    return { gpus, gpusPerNode, nodes: Math.ceil(gpus / gpusPerNode) }
  }
  if (gpusGiven === undefined && perNodeGiven === undefined) throw fieldSentence('nodes', `With ${nodes} ${nodes === 1 ? 'node' : 'nodes'}, give the GPUs per node or the total number of GPUs.`)
  if (perNodeGiven === undefined) {
    const gpus = gpusGiven!
    if (gpus % nodes !== 0) throw fieldSentence('nodes', `${gpus} GPUs do not divide evenly over ${nodes} nodes.`)
    return { gpus, gpusPerNode: gpus / nodes, nodes }
  }
  const gpus = nodes * perNodeGiven
  if (gpusGiven !== undefined && gpusGiven !== gpus) throw fieldSentence('nodes', `${nodes} ${nodes === 1 ? 'node' : 'nodes'} × ${perNodeGiven} GPUs per node = ${gpus} GPUs, but the number of GPUs given is ${gpusGiven}; give two of the three.`)
  if (gpus > fieldLimits.gpus.max) throw fieldSentence('nodes', `${nodes} nodes × ${perNodeGiven} GPUs per node = ${gpus} GPUs, more than the ${fieldLimits.gpus.max} GPUs a plan takes.`)
  return { gpus, gpusPerNode: perNodeGiven, nodes }
}

/** Checks every option, fills in the defaults and lays the work out over the GPUs. Bad options throw `option` errors naming their field. */
export function resolveOptions(analysis: Analysis, options: MemoryOptions, notes: Notes): Resolved {
  const mode = options.mode === undefined ? 'training' : oneOf(options.mode, 'mode', 'mode', ['training', 'inference'] as const)
  const training = mode === 'training'
  const torch = options.torch === undefined ? defaultTorchVersion : oneOf(options.torch, 'torch', 'torch', torchVersions)
  const device = options.device === undefined ? 'cuda' : oneOf(options.device, 'device', 'device', ['cpu', 'cuda'] as const)

  const tracedBatch = analysis.forward?.inputs[0]?.shape[0]
  const batch = options.batch === undefined ? (tracedBatch !== undefined && tracedBatch > 0 ? tracedBatch : 1) : wholeNumber(options.batch, 'batch', 'batch', 1, fieldLimits.batch.max)
  const gradAccumulation = options.gradAccumulation === undefined ? 1 : wholeNumber(options.gradAccumulation, 'gradAccum', 'gradAccumulation', 1, fieldLimits.gradAccum.max)
  const checkpointing = options.checkpointing === undefined ? 'none' : oneOf(options.checkpointing, 'checkpointing', 'checkpointing', checkpointingModes)
  const { gpus, gpusPerNode, nodes } = resolveNodes(options)
  const explicitParallel = options.tensorParallel !== undefined || options.pipelineParallel !== undefined
  const tp = options.tensorParallel === undefined ? (!training && !explicitParallel ? gpus : 1) : wholeNumber(options.tensorParallel, 'tp', 'tensorParallel', 1, fieldLimits.tp.max)
  const pp = options.pipelineParallel === undefined ? 1 : wholeNumber(options.pipelineParallel, 'pp', 'pipelineParallel', 1, fieldLimits.pp.max)
  if (gpus % (tp * pp) !== 0) throw fieldSentence('gpus', `The number of GPUs (${gpus}) must be a multiple of tensor × pipeline parallel (${tp} × ${pp} = ${tp * pp}).`)
  const dp = gpus / (tp * pp)
  if (options.zero !== undefined && options.fsdp !== undefined) throw fieldSentence('sharding', 'Choose one of DeepSpeed ZeRO and PyTorch FSDP, not both.')
  const zero = options.zero === undefined ? null : (Number(oneOf(String(options.zero), 'sharding', 'zero', ['0', '1', '2', '3'] as const)) as ZeroStage)
  const fsdp = options.fsdp === undefined ? null : oneOf(options.fsdp, 'sharding', 'fsdp', fsdpModes)
  const offloadOptimizer = options.offloadOptimizer === undefined ? 'none' : oneOf(options.offloadOptimizer, 'offload', 'offloadOptimizer', offloadTargets)
  const offloadParams = options.offloadParams === undefined ? 'none' : oneOf(options.offloadParams, 'offloadParams', 'offloadParams', offloadTargets)
  const stage: ZeroStage = zero ?? (fsdp === null ? 0 : fsdp === 'no_shard' ? 0 : fsdp === 'shard_grad_op' || fsdp === 'hybrid_shard_zero2' ? 2 : 3)
  if (!training && (zero !== null || fsdp !== null)) throw fieldSentence('sharding', 'ZeRO and FSDP shard training state; for inference, split the model with tensor or pipeline parallelism.')
  if (!training && offloadOptimizer !== 'none') throw fieldSentence('offload', 'Optimizer offload applies to training; for inference, split the model with tensor or pipeline parallelism.')
  if (fsdp !== null) {
    if (offloadOptimizer !== 'none') throw fieldSentence('offload', 'FSDP offloads parameters, gradients and optimizer state together: offload the parameters instead (FSDP `CPUOffload(offload_params=True)`).')
    if (offloadParams === 'nvme') throw fieldSentence('offloadParams', 'FSDP offloads to CPU memory only; NVMe offload is DeepSpeed ZeRO-Infinity (ZeRO-3).')
  } else {
    if (offloadOptimizer !== 'none' && (zero === null || zero === 0)) throw fieldSentence('offload', 'Optimizer offload is ZeRO-Offload: it needs ZeRO stage 1, 2 or 3.')
    if (offloadOptimizer === 'nvme' && zero !== 3) throw fieldSentence('offload', 'NVMe offload of the optimizer state needs ZeRO-3 (ZeRO-Infinity).')
    if (offloadParams !== 'none' && zero !== 3) throw fieldSentence('offloadParams', 'Parameter offload needs ZeRO-3 or FSDP.')
  }
  const hybrid = fsdp === 'hybrid_shard' || fsdp === 'hybrid_shard_zero2'
  const hybridGroup = hybrid ? Math.max(1, Math.floor(gpusPerNode / (tp * pp))) : null
  const shard = stage === 0 ? 1 : hybridGroup !== null ? Math.min(dp, hybridGroup) : dp
  if (stage > 0 && dp === 1) notes.add({ code: 'sharding-one-rank', zero, fsdp })
  const overhead = options.overheadBytes === undefined ? defaultOverheadBytes : parseByteSize(options.overheadBytes, 'overheadBytes', 'overhead')
  const perSample = options.activationBytesPerSample === undefined ? null : parseByteSize(options.activationBytesPerSample, 'activationBytesPerSample', 'activationBytes')
  // Hugging Face configs build a module tree without forward passes: an input shape cannot be traced through it.
  const traceable = analysis.root.layer?.forward !== undefined
  let contextLength = options.contextLength === undefined ? null : wholeNumber(options.contextLength, 'seq', 'contextLength', 1, fieldLimits.seq.max)
  const kvDTypeName = options.kvCacheDType === undefined ? 'bf16' : oneOf(options.kvCacheDType, 'kvDtype', 'kvCacheDType', Object.keys(kvCacheDTypes))
  let kvSpec: KvCacheSpec | null = options.kvCache === undefined ? null : validateKvCacheSpec(options.kvCache)
  if (kvSpec !== null && contextLength === null) throw fieldSentence('seq', 'A KV cache needs a context length (tokens per sequence).')
  const modelKv = analysis.model?.kvCache ?? null
  if (kvSpec === null && modelKv !== null && !training) {
    // The Hugging Face importer describes the model's cache; use it when no other description is given.
    const { layers, kvHeads, headDim, slidingWindow, windowedLayers, latentDim } = modelKv
    kvSpec = validateKvCacheSpec({ layers, kvHeads, headDim, ...(slidingWindow !== undefined ? { slidingWindow } : {}), ...(windowedLayers !== undefined ? { windowedLayers } : {}), ...(latentDim !== undefined ? { latentDim } : {}) })
    // weight files state the context they were trained for (GGUF `<arch>.context_length`, config.json beside them)
    if (contextLength === null) contextLength = analysis.weights?.contextLength ?? null
    if (contextLength === null) notes.add({ code: 'kv-needs-context' })
  }
  if (kvSpec !== null && training) notes.add({ code: 'kv-ignored-in-training' })
  // a config's transformer shape sizes training activations at `seq`; a traced model follows its input shape
  if (contextLength !== null && training && analysis.model?.transformer === undefined) notes.add({ code: 'context-in-training' })
  if (contextLength !== null && !training && kvSpec === null) notes.add({ code: 'kv-without-model' })
  const gpu = resolveGpu(options.gpu)

  const precision = forField('precision', () => findPrecision(options.precision ?? 'auto'))
  const format = forField('weights', () => findWeightFormat(options.weights ?? 'auto'))
  if (!training && options.optimizer !== undefined) notes.add({ code: 'optimizer-ignored-in-inference' })
  let optimizer: OptimizerSpec | null = null
  if (training) {
    if (typeof options.optimizer === 'object' && options.optimizer !== null) optimizer = options.optimizer
    else optimizer = parseOptimizer(options.optimizer ?? 'AdamW()', { torch })
  }
  if (options.lora !== undefined && !training) throw fieldSentence('lora', 'LoRA applies to training; plan the inference of a merged model without LoRA.')
  if (options.lora !== undefined && (typeof options.lora !== 'object' || options.lora === null)) throw new NnsizeError('option', '`lora` must be LoRA settings such as `{ rank: 16, targets: [\'q_proj\', \'v_proj\'] }`.', { field: 'lora' })

  const estimator = options.estimator === undefined ? 'nnsize' : oneOf(options.estimator, 'estimator', 'estimator', estimators)
  if (estimator === 'deepspeed') {
    if (!training) throw fieldSentence('estimator', "DeepSpeed's estimator sizes training with ZeRO-2 or ZeRO-3; for inference use nnsize's planner.")
    if (zero !== 2 && zero !== 3) throw fieldSentence('estimator', `DeepSpeed's estimator covers ZeRO-2 and ZeRO-3 only; choose ZeRO stage 2 or 3${fsdp !== null ? ' instead of FSDP' : zero !== null ? ` (got stage ${zero})` : ''}.`)
    if (gpus !== nodes * gpusPerNode) throw fieldSentence('estimator', `DeepSpeed's estimator takes whole nodes: ${gpus} GPUs is not a multiple of ${gpusPerNode} GPUs per node.`)
  }
  if (hybrid && options.gpusPerNode === undefined && options.nodes === undefined && gpus > gpusPerNode) notes.add({ code: 'hybrid-default-node', gpusPerNode })
  return {
    options: {
      mode,
      device,
      optimizer: optimizer?.text ?? null,
      precision: precision.id,
      weights: format.id,
      asBuilt: asBuiltDType(analysis),
      batch,
      gradAccumulation,
      checkpointing,
      activationBytesPerSample: perSample,
      overheadBytes: overhead,
      gpus,
      gpusPerNode,
      nodes,
      zero,
      fsdp,
      offloadOptimizer,
      offloadParams,
      estimator,
      tensorParallel: tp,
      pipelineParallel: pp,
      dataParallel: dp,
      kvCache: kvSpec,
      contextLength,
      kvCacheDType: kvDTypeName,
      lora: options.lora ?? null,
      gpu: gpu?.id ?? null,
      torch: optimizer?.torch ?? torch,
    },
    training,
    layout: { gpus, tp, pp, dp, shard, stage, offloadOptimizer, offloadParams, fsdp: fsdp !== null, hybridGroup },
    precision,
    format,
    optimizer,
    kvSpec,
    kvBytes: kvCacheDTypes[kvDTypeName]!,
    stateCache: training ? null : stateCacheOf(analysis, format),
    gpu,
    perSample,
    traceable,
    defaultOverhead: options.overheadBytes === undefined,
  }
}
