import type { Analysis } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import { formatBytes } from '../format/bytes.js'
import type { ByteUnits } from '../format/bytes.js'
import { grouped } from './text.js'
import { traceForward } from '../forward/trace.js'
import type { ForwardResult, InputSpec } from '../forward/trace.js'
import type { TorchVersion } from '../forward/torch-version.js'
import type { ModuleNode, TensorDef } from '../model/module.js'
import { namedModules } from '../model/module.js'
import { dtypeBytes, isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { formatShape, numel } from '../tensor/shape.js'
import { findAccelerator } from './gpus.js'
import type { Accelerator } from './gpus.js'
import { kvCacheBytes, validateKvCacheSpec } from './kvcache.js'
import type { KvCacheSpec } from './kvcache.js'
import { loraAdapters, loraTensors } from './lora.js'
import type { LoraAdapter, LoraOptions } from './lora.js'
import { optimizerStateBreakdown, parseOptimizer } from './optimizers/index.js'
import type { OptimizerSpec, OptimizerStateBreakdown, OptimizerTensor } from './optimizers/index.js'
import { findPrecision } from './precision.js'
import type { PrecisionMode } from './precision.js'
import { describeWeightBytes, findWeightFormat, weightBytes } from './quant.js'
import type { WeightFormat, WeightTensor } from './quant.js'
import { parseByteSize } from './units.js'

/** Activation checkpointing: none, selective (attention recomputed, as Megatron's), or full (each block recomputed). */
export type CheckpointingMode = 'none' | 'selective' | 'full'
/** PyTorch FSDP sharding strategies (`ShardingStrategy`), lower-cased. */
export type FsdpMode = 'no_shard' | 'shard_grad_op' | 'full_shard' | 'hybrid_shard' | 'hybrid_shard_zero2'
/** Where offloaded state lives. */
export type OffloadTarget = 'none' | 'cpu' | 'nvme'
/** ZeRO stages: 0 (plain data parallel), 1 (optimizer state), 2 (+ gradients), 3 (+ parameters). */
export type ZeroStage = 0 | 1 | 2 | 3

/** Accepted values, for help text and "did you mean". */
export const checkpointingModes: readonly CheckpointingMode[] = ['none', 'selective', 'full']
/** Accepted FSDP strategies. */
export const fsdpModes: readonly FsdpMode[] = ['no_shard', 'shard_grad_op', 'full_shard', 'hybrid_shard', 'hybrid_shard_zero2']
/** Accepted offload targets. */
export const offloadTargets: readonly OffloadTarget[] = ['none', 'cpu', 'nvme']
/** Accepted KV cache dtypes and their bytes per element. */
export const kvCacheDTypes: Readonly<Record<string, number>> = { fp32: 4, float32: 4, fp16: 2, float16: 2, bf16: 2, bfloat16: 2, fp8: 1, float8: 1, int8: 1 }

/** Default framework overhead: CUDA context plus allocator reserve, stated as its own line. */
export const defaultOverheadBytes = 1024n ** 3n

/** Options of {@link planMemory}. Every field is optional; see docs/memory.md for the defaults. */
export interface MemoryOptions {
  /** `training` (default) or `inference`. */
  mode?: 'training' | 'inference' | undefined
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
  /** GPUs per node. Default 8 (or `gpus` when fewer). */
  gpusPerNode?: number | undefined
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
  /** Units of the formulas: `iec` (GiB, default) or `si` (GB). */
  units?: ByteUnits | undefined
}

/** One line of a budget: exact bytes and the formula with the numbers filled in. */
export interface MemoryLine {
  bytes: bigint
  formula: string
}

/** The keys of a budget's line items. */
export type MemoryLineKey = 'weights' | 'gradients' | 'optimizerState' | 'activations' | 'kvCache' | 'overhead'

/** The options after defaults and checks, as echoed in the plan. */
export interface ResolvedMemoryOptions {
  mode: 'training' | 'inference'
  optimizer: string | null
  precision: string
  weights: string
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
  tensorParallel: number
  pipelineParallel: number
  dataParallel: number
  kvCache: KvCacheSpec | null
  contextLength: number | null
  kvCacheDType: string
  lora: LoraOptions | null
  gpu: string | null
  units: ByteUnits
}

/** Does it fit, and what would. */
export interface FitResult {
  gpu: Accelerator
  capacityBytes: bigint
  fits: boolean
  /** Free bytes when it fits, else 0. */
  spareBytes: bigint
  /** Missing bytes when it does not fit, else 0. */
  shortfallBytes: bigint
  /** `fits on NVIDIA H100 80GB with 12.30 GiB to spare`. */
  message: string
  /** Fewest GPUs (data-parallel shards for training with ZeRO/FSDP; tensor-parallel degree for inference) that fit; null when none would. */
  gpusNeeded: number | null
  /** Largest batch per device that fits; null when the batch does not change the estimate or is unbounded. */
  largestBatch: number | null
}

/** What {@link planMemory} returns. */
export interface MemoryPlan {
  mode: 'training' | 'inference'
  options: ResolvedMemoryOptions
  /** The budget of one model replica before any sharding (as if on a single device). */
  memory: Record<MemoryLineKey | 'total', MemoryLine>
  /** One GPU's share after tensor/pipeline parallelism, ZeRO/FSDP sharding and offload. */
  perDevice: Record<MemoryLineKey | 'gatheredWeights' | 'total', MemoryLine> & { offloadedCpu: MemoryLine; offloadedNvme: MemoryLine }
  /** One node: its GPUs' memory and the host memory / NVMe its ranks offload to. */
  perNode: { gpus: number; deviceBytes: bigint; cpuBytes: bigint; nvmeBytes: bigint; formula: string }
  fit?: FitResult
  /** The optimizer's state, entry by entry (training). */
  optimizer?: OptimizerStateBreakdown
  /** The LoRA adapters, when LoRA is on. */
  lora?: { adapters: LoraAdapter[]; params: bigint; quantizedBase: boolean }
  /** Assumptions and caveats that apply to this plan. */
  notes: string[]
}

const fail = (message: string): never => {
  throw new NnsizeError('option', message)
}

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(`\`${name}\` must be a whole number from ${grouped(min)} to ${grouped(max)}, got \`${String(value)}\`.`)
  }
  return value as number
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) fail(`\`${name}\` must be one of ${allowed.map((a) => `\`${a}\``).join(', ')}, got \`${String(value)}\`.`)
  return value as T
}

const ceilDiv = (a: bigint, b: bigint): bigint => (b <= 1n ? a : (a + b - 1n) / b)
const line = (bytes: bigint, formula: string): MemoryLine => ({ bytes, formula })

/** Sums element counts per dtype and writes `1,000 × 4 B + 24 × 2 B`. */
function byDType(items: ReadonlyArray<readonly [bigint, DType]>): { bytes: bigint; elements: bigint; text: string } {
  const groups = new Map<DType, bigint>()
  for (const [count, dtype] of items) if (count > 0n) groups.set(dtype, (groups.get(dtype) ?? 0n) + count)
  let bytes = 0n
  let elements = 0n
  const parts: string[] = []
  for (const [dtype, count] of groups) {
    bytes += count * BigInt(dtypeBytes[dtype])
    elements += count
    parts.push(`${grouped(count)} × ${dtypeBytes[dtype]} B (${dtype})`)
  }
  return { bytes, elements, text: parts.length > 0 ? parts.join(' + ') : '0' }
}

/** The dtype a float tensor takes under a mode's override. */
const castTo = (dtype: DType, override: DType | null): DType => (override !== null && isFloatingDType(dtype) ? override : dtype)

/**
 * Which block list full checkpointing wraps: the module whose called children repeat one class most often
 * (`layers` of a decoder: its N blocks), ties going to the one with more children, then the shallower.
 */
function checkpointBlocks(forward: ForwardResult): { parent: string; blocks: ForwardResult['modules'] } | undefined {
  const byParent = new Map<string, ForwardResult['modules']>()
  for (const s of forward.modules) {
    if (s.path === '') continue
    const parent = s.path.includes('.') ? s.path.slice(0, s.path.lastIndexOf('.')) : ''
    const list = byParent.get(parent) ?? []
    list.push(s)
    byParent.set(parent, list)
  }
  let best: { parent: string; blocks: ForwardResult['modules']; repeat: number; depth: number } | undefined
  for (const [parent, blocks] of byParent) {
    if (blocks.length < 2) continue
    const counts = new Map<string, number>()
    for (const b of blocks) counts.set(b.module.type, (counts.get(b.module.type) ?? 0) + 1)
    const repeat = Math.max(...counts.values())
    const depth = parent === '' ? 0 : parent.split('.').length
    if (!best || repeat > best.repeat || (repeat === best.repeat && (blocks.length > best.blocks.length || (blocks.length === best.blocks.length && depth < best.depth)))) {
      best = { parent, blocks, repeat, depth }
    }
  }
  return best
}

const inputBytes = (shapes: readonly number[][]): bigint => shapes.reduce((s, shape) => s + numel(shape) * 4n, 0n)

/** Saved-for-backward bytes of one traced forward pass after checkpointing, with the formula. */
function checkpointed(forward: ForwardResult, mode: CheckpointingMode, units: ByteUnits, notes: Set<string>): MemoryLine {
  const total = forward.savedBytes
  if (mode === 'none') return line(total, `${formatBytes(total, units)} saved for backward`)
  if (mode === 'full') {
    const found = checkpointBlocks(forward)
    if (!found) {
      notes.add('Full checkpointing needs a model made of several blocks; this one has none to wrap, so activations are unchanged.')
      return line(total, `${formatBytes(total, units)} saved for backward (no blocks to checkpoint)`)
    }
    // Blocks that are single layers are grouped into ⌈√n⌉ consecutive segments, as `checkpoint_sequential` is used.
    const leaves = found.blocks.every((b) => [...b.module.children.values()].every((c) => c === null))
    const count = leaves ? Math.ceil(Math.sqrt(found.blocks.length)) : found.blocks.length
    const size = Math.ceil(found.blocks.length / count)
    const segments: Array<{ saved: bigint; input: bigint }> = []
    for (let i = 0; i < found.blocks.length; i += size) {
      const group = found.blocks.slice(i, i + size)
      segments.push({ saved: group.reduce((s, b) => s + b.savedBytes, 0n), input: inputBytes(group[0]!.inputShapes) })
    }
    const inside = segments.reduce((s, g) => s + g.saved, 0n)
    const inputs = segments.reduce((s, g) => s + g.input, 0n)
    const largest = segments.reduce((m, g) => (g.saved > m ? g.saved : m), 0n)
    const bytes = total - inside + inputs + largest
    const where = found.parent === '' ? 'the top level' : `\`${found.parent}\``
    const unit = leaves ? `${segments.length} checkpointed segments of the ${found.blocks.length} layers under ${where}` : `${segments.length} checkpointed blocks under ${where}`
    return line(bytes, `${formatBytes(total, units)} − ${formatBytes(inside, units)} inside ${unit} + their inputs ${formatBytes(inputs, units)} + the largest recomputed ${formatBytes(largest, units)}`)
  }
  const attention = forward.modules.filter((s) => /Attention/.test(s.module.type))
  const outer = attention.filter((s) => !attention.some((o) => o !== s && s.path.startsWith(`${o.path}.`)))
  if (outer.length === 0) {
    notes.add('Selective checkpointing recomputes attention; this model has no attention modules, so activations are unchanged.')
    return line(total, `${formatBytes(total, units)} saved for backward (no attention to recompute)`)
  }
  const inside = outer.reduce((s, a) => s + a.savedBytes, 0n)
  const inputs = outer.reduce((s, a) => s + inputBytes(a.inputShapes), 0n)
  const dropped = inside > inputs ? inside - inputs : 0n
  return line(total - dropped, `${formatBytes(total, units)} − ${formatBytes(dropped, units)} recomputed inside ${outer.length} attention module${outer.length > 1 ? 's' : ''} (their inputs kept)`)
}

interface Layout {
  gpus: number
  tp: number
  pp: number
  dp: number
  shard: number
  stage: ZeroStage
  offloadOptimizer: OffloadTarget
  offloadParams: OffloadTarget
  fsdp: boolean
  /** Hybrid sharding: the most ranks one shard group spans (one node's worth), else null. */
  hybridGroup: number | null
}

interface Replica {
  weights: MemoryLine
  gradients: MemoryLine
  optimizer: MemoryLine
  /** Bytes of the largest module's own parameters plus their gradients (ZeRO-3/FSDP gather them at once). */
  gatherBytes: bigint
  gatherModule: string
  activations: (batch: number) => MemoryLine
  kv: (batch: number) => MemoryLine
  overhead: MemoryLine
}

type DeviceLines = MemoryPlan['perDevice']

function perDevice(r: Replica, l: Layout, batch: number, units: ByteUnits, mode: 'training' | 'inference', formulas = true): DeviceLines {
  const fb = (bytes: bigint): string => (formulas ? formatBytes(bytes, units) : '')
  const mp = BigInt(l.tp * l.pp)
  const split = (m: MemoryLine, what: string): MemoryLine => (mp > 1n ? line(ceilDiv(m.bytes, mp), `${fb(m.bytes)} ${what} ÷ ${mp} (tensor ${l.tp} × pipeline ${l.pp})`) : m)
  const shard = BigInt(l.shard)
  const sharded = (m: MemoryLine, what: string): MemoryLine => {
    const base = split(m, what)
    if (shard <= 1n) return base
    return line(ceilDiv(base.bytes, shard), `${fb(base.bytes)} ${mp > 1n ? 'per model-parallel rank ' : ''}${what} ÷ ${shard} shards`)
  }
  let weights = l.stage >= 3 ? sharded(r.weights, 'weights') : split(r.weights, 'weights')
  let gradients = l.stage >= 2 ? sharded(r.gradients, 'gradients') : split(r.gradients, 'gradients')
  let optimizerState = l.stage >= 1 ? sharded(r.optimizer, 'optimizer state') : split(r.optimizer, 'optimizer state')
  let cpu = 0n
  let nvme = 0n
  const cpuParts: string[] = []
  const nvmeParts: string[] = []
  const offload = (m: MemoryLine, target: OffloadTarget, what: string): MemoryLine => {
    if (target === 'none' || m.bytes === 0n) return m
    if (target === 'cpu') {
      cpu += m.bytes
      cpuParts.push(`${what} ${fb(m.bytes)}`)
    } else {
      nvme += m.bytes
      nvmeParts.push(`${what} ${fb(m.bytes)}`)
    }
    return line(0n, `${fb(m.bytes)} ${what} offloaded to ${target === 'cpu' ? 'CPU memory' : 'NVMe'}`)
  }
  if (l.fsdp && l.offloadParams !== 'none') {
    weights = offload(weights, l.offloadParams, 'weights')
    gradients = offload(gradients, l.offloadParams, 'gradients')
    optimizerState = offload(optimizerState, l.offloadParams, 'optimizer state')
  } else {
    optimizerState = offload(optimizerState, l.offloadOptimizer, 'optimizer state')
    if (l.stage >= 2) gradients = offload(gradients, l.offloadOptimizer, 'gradients')
    weights = offload(weights, l.offloadParams, 'weights')
  }
  const gathering = l.stage >= 3 && l.shard > 1
  const gathered = gathering
    ? line(ceilDiv(r.gatherBytes, mp), `largest module \`${r.gatherModule || '(root)'}\` gathered whole during its forward and backward: ${fb(ceilDiv(r.gatherBytes, mp))} of weights and gradients`)
    : line(0n, l.stage >= 3 ? 'nothing is gathered: one shard holds every parameter' : 'parameters are not sharded')
  const act = r.activations(batch)
  const activations = l.tp > 1 && mode === 'training' ? line(ceilDiv(act.bytes, BigInt(l.tp)), `${act.formula}; ÷ ${l.tp} (tensor parallel with sequence parallelism)`) : act
  const kvAll = r.kv(batch)
  const kvCache = mp > 1n && kvAll.bytes > 0n ? line(ceilDiv(kvAll.bytes, mp), `${kvAll.formula}; ÷ ${mp} (heads split over tensor ${l.tp}, layers over pipeline ${l.pp})`) : kvAll
  const parts = [weights, gradients, optimizerState, activations, kvCache, gathered, r.overhead]
  const total = parts.reduce((s, p) => s + p.bytes, 0n)
  return {
    weights,
    gradients,
    optimizerState,
    activations,
    kvCache,
    gatheredWeights: gathered,
    overhead: r.overhead,
    total: line(total, `${parts.filter((p) => p.bytes > 0n).map((p) => fb(p.bytes)).join(' + ') || '0 B'} = ${fb(total)}`),
    offloadedCpu: line(cpu, cpuParts.length > 0 ? `${cpuParts.join(' + ')} = ${fb(cpu)}` : 'nothing offloaded to CPU memory'),
    offloadedNvme: line(nvme, nvmeParts.length > 0 ? `${nvmeParts.join(' + ')} = ${fb(nvme)}` : 'nothing offloaded to NVMe'),
  }
}

function resolveGpu(gpu: MemoryOptions['gpu']): Accelerator | null {
  if (gpu === undefined || gpu === null) return null
  if (typeof gpu === 'bigint') {
    if (gpu <= 0n) fail('`gpu` memory must be positive.')
    return { id: 'custom', name: `a ${formatBytes(gpu)} GPU`, bytes: gpu, basis: 'spec', aliases: [] }
  }
  if (typeof gpu === 'string') {
    if (/^\s*\d/.test(gpu)) {
      const bytes = parseByteSize(gpu, 'gpu')
      if (bytes === 0n) fail('`gpu` memory must be positive.')
      return { id: 'custom', name: `a ${formatBytes(bytes)} GPU`, bytes, basis: 'spec', aliases: [] }
    }
    return findAccelerator(gpu)
  }
  if (typeof gpu === 'object' && typeof gpu.bytes === 'bigint' && gpu.bytes > 0n) return gpu
  return fail('`gpu` must be a catalogue name such as `h100-80gb`, a size such as `24GiB`, or an accelerator object.')
}

/**
 * Plans the memory of training or serving the analysed model: weights, gradients, optimizer state, activations,
 * KV cache and a stated framework overhead, each with its formula; then one GPU's and one node's share under
 * tensor/pipeline parallelism, ZeRO/FSDP sharding and offload; and, given a GPU, whether it fits, how many GPUs
 * would, and the largest batch that does. Bad options throw {@link NnsizeError} with code `option`.
 */
export function planMemory(analysis: Analysis, options: MemoryOptions = {}): MemoryPlan {
  if (typeof analysis !== 'object' || analysis === null || !Array.isArray(analysis.tensors)) fail('`planMemory` takes the result of `analyze`.')
  if (typeof options !== 'object' || options === null) fail('Memory options must be an object.')
  const notes = new Set<string>()
  const units: ByteUnits = options.units === undefined ? 'iec' : oneOf(options.units, 'units', ['iec', 'si'] as const)
  const mode = options.mode === undefined ? 'training' : oneOf(options.mode, 'mode', ['training', 'inference'] as const)
  const training = mode === 'training'

  // ---- options ----
  const tracedBatch = analysis.forward?.inputs[0]?.shape[0]
  const batch = options.batch === undefined ? (tracedBatch !== undefined && tracedBatch > 0 ? tracedBatch : 1) : wholeNumber(options.batch, 'batch', 1, 1_000_000_000)
  const gradAccumulation = options.gradAccumulation === undefined ? 1 : wholeNumber(options.gradAccumulation, 'gradAccumulation', 1, 1_000_000)
  const checkpointing = options.checkpointing === undefined ? 'none' : oneOf(options.checkpointing, 'checkpointing', checkpointingModes)
  const gpus = options.gpus === undefined ? 1 : wholeNumber(options.gpus, 'gpus', 1, 10_000_000)
  const gpusPerNode = options.gpusPerNode === undefined ? Math.min(8, gpus) : wholeNumber(options.gpusPerNode, 'gpusPerNode', 1, 1024)
  const explicitParallel = options.tensorParallel !== undefined || options.pipelineParallel !== undefined
  const tp = options.tensorParallel === undefined ? (!training && !explicitParallel ? gpus : 1) : wholeNumber(options.tensorParallel, 'tensorParallel', 1, 1_000_000)
  const pp = options.pipelineParallel === undefined ? 1 : wholeNumber(options.pipelineParallel, 'pipelineParallel', 1, 1_000_000)
  if (gpus % (tp * pp) !== 0) fail(`\`gpus\` (${gpus}) must be a multiple of tensor × pipeline parallel (${tp} × ${pp} = ${tp * pp}).`)
  const dp = gpus / (tp * pp)
  if (options.zero !== undefined && options.fsdp !== undefined) fail('Choose one of `zero` (DeepSpeed) and `fsdp` (PyTorch FSDP), not both.')
  const zero = options.zero === undefined ? null : (oneOf(String(options.zero), 'zero', ['0', '1', '2', '3'] as const), Number(options.zero) as ZeroStage)
  const fsdp = options.fsdp === undefined ? null : oneOf(options.fsdp, 'fsdp', fsdpModes)
  const offloadOptimizer = options.offloadOptimizer === undefined ? 'none' : oneOf(options.offloadOptimizer, 'offloadOptimizer', offloadTargets)
  const offloadParams = options.offloadParams === undefined ? 'none' : oneOf(options.offloadParams, 'offloadParams', offloadTargets)
  const stage: ZeroStage = zero ?? (fsdp === null ? 0 : fsdp === 'no_shard' ? 0 : fsdp === 'shard_grad_op' || fsdp === 'hybrid_shard_zero2' ? 2 : 3)
  if (!training && (zero !== null || fsdp !== null || offloadOptimizer !== 'none')) fail('ZeRO, FSDP and optimizer offload apply to training; for inference use `tensorParallel`/`pipelineParallel`.')
  if (fsdp !== null) {
    if (offloadOptimizer !== 'none') fail('FSDP offloads parameters, gradients and optimizer state together: use `offloadParams: \'cpu\'` (FSDP `CPUOffload(offload_params=True)`).')
    if (offloadParams === 'nvme') fail('FSDP offloads to CPU memory only; NVMe offload is DeepSpeed ZeRO-Infinity (`zero: 3`).')
  } else {
    if (offloadOptimizer !== 'none' && (zero === null || zero === 0)) fail('Optimizer offload is ZeRO-Offload: it needs `zero` 1, 2 or 3.')
    if (offloadOptimizer === 'nvme' && zero !== 3) fail('NVMe offload of the optimizer state needs ZeRO-3 (ZeRO-Infinity).')
    if (offloadParams !== 'none' && zero !== 3) fail('Parameter offload needs ZeRO-3 (`zero: 3`) or FSDP.')
  }
  const hybrid = fsdp === 'hybrid_shard' || fsdp === 'hybrid_shard_zero2'
  const hybridGroup = hybrid ? Math.max(1, Math.floor(gpusPerNode / (tp * pp))) : null
  const shard = stage === 0 ? 1 : hybridGroup !== null ? Math.min(dp, hybridGroup) : dp
  if (stage > 0 && dp === 1) notes.add(`${zero !== null ? `ZeRO-${zero}` : `FSDP ${fsdp}`} with one data-parallel rank shards nothing: every state stays whole on the GPU.`)
  const overhead = options.overheadBytes === undefined ? defaultOverheadBytes : parseByteSize(options.overheadBytes, 'overheadBytes')
  const perSample = options.activationBytesPerSample === undefined ? null : parseByteSize(options.activationBytesPerSample, 'activationBytesPerSample')
  // Hugging Face configs build a module tree without forward passes: an input shape cannot be traced through it.
  const traceable = analysis.root.layer?.forward !== undefined
  const contextLength = options.contextLength === undefined ? null : wholeNumber(options.contextLength, 'contextLength', 1, 2 ** 31 - 1)
  const kvDTypeName = options.kvCacheDType === undefined ? 'bf16' : oneOf(options.kvCacheDType, 'kvCacheDType', Object.keys(kvCacheDTypes))
  let kvSpec: KvCacheSpec | null = options.kvCache === undefined ? null : validateKvCacheSpec(options.kvCache)
  if (kvSpec !== null && contextLength === null) fail('A KV cache needs `contextLength` (tokens per sequence).')
  const modelKv = analysis.model?.kvCache ?? null
  if (kvSpec === null && modelKv !== null && !training) {
    // The Hugging Face importer describes the model's cache; use it when no other description is given.
    const { layers, kvHeads, headDim, slidingWindow, windowedLayers, latentDim } = modelKv
    kvSpec = validateKvCacheSpec({ layers, kvHeads, headDim, ...(slidingWindow !== undefined ? { slidingWindow } : {}), ...(windowedLayers !== undefined ? { windowedLayers } : {}), ...(latentDim !== undefined ? { latentDim } : {}) })
    if (contextLength === null) notes.add('The KV cache is not counted: give `contextLength` (tokens per sequence) to size it.')
  }
  if (kvSpec !== null && training) notes.add('Training keeps no KV cache; the KV cache description is ignored.')
  if (contextLength !== null && training) notes.add('`contextLength` sizes the inference KV cache; training activations follow the traced input shape (give the sequence length there).')
  const gpu = resolveGpu(options.gpu)

  const precision: PrecisionMode = findPrecision(options.precision ?? 'auto')
  const format: WeightFormat = findWeightFormat(options.weights ?? 'auto')
  if (!training && options.optimizer !== undefined) notes.add('Inference has no optimizer; `optimizer` is ignored.')
  const optimizer = training ? (typeof options.optimizer === 'object' && options.optimizer !== null ? options.optimizer : parseOptimizer(options.optimizer ?? 'AdamW()', { torch: options.torch })) : null

  // ---- tensors ----
  const modules: ReadonlyArray<readonly [string, ModuleNode]> = Array.isArray(analysis.modules) ? analysis.modules.map((m) => [m.path, m.node] as const) : namedModules(analysis.root)
  let typeOfTensor: Map<TensorDef, string> | undefined
  /** Class of the module owning each parameter (for formats that quantise linear layers only). */
  const moduleType = (def: TensorDef): string | undefined => {
    if (!typeOfTensor) {
      typeOfTensor = new Map()
      for (const [, node] of modules) for (const t of node.params.values()) if (t && !typeOfTensor.has(t)) typeOfTensor.set(t, node.type)
    }
    return typeOfTensor.get(def)
  }
  const params = analysis.tensors.filter((t) => t.kind === 'parameter')
  const buffers = analysis.tensors.filter((t) => t.kind === 'buffer')

  let lora: MemoryPlan['lora']
  let adapterTensors: OptimizerTensor[] = []
  if (options.lora !== undefined) {
    if (!training) fail('LoRA applies to training; for inference of a merged model plan it without `lora`.')
    const { adapters, params: adapterParams } = loraAdapters(analysis.root, options.lora, modules)
    adapterTensors = loraTensors(adapters)
    lora = { adapters, params: adapterParams, quantizedBase: options.lora.quantizeBase === true }
  }
  const qlora = lora?.quantizedBase === true

  // ---- weights ----
  let weights: MemoryLine
  if (training) {
    const baseTrainable = (t: (typeof params)[number]): boolean => lora === undefined && t.trainable
    let baseBytes: bigint
    let baseText: string
    if (qlora) {
      const nf4 = findWeightFormat('nf4-dq')
      const other = precision.weightDType ?? null
      const wt = [...params, ...buffers].map((t): WeightTensor => ({ name: t.name, kind: t.kind, shape: t.shape, dtype: other !== null && isFloatingDType(t.dtype) && t.kind === 'parameter' ? other : t.dtype, moduleType: moduleType(t.def) }))
      const r = weightBytes(wt, nf4)
      baseBytes = r.bytes
      baseText = `frozen base: ${grouped(r.quantisedElements)} linear weights in NF4 with double quantisation (${formatBytes(r.quantisedBytes, units)}) + ${grouped(r.otherElements)} other elements (${formatBytes(r.otherBytes, units)})`
    } else {
      const p = byDType(params.map((t) => [t.elementCount, castTo(t.dtype, precision.weightDType)] as const))
      const b = byDType(buffers.map((t) => [t.elementCount, castTo(t.dtype, precision.weightDType)] as const))
      baseBytes = p.bytes + b.bytes
      baseText = `${lora ? 'frozen base ' : ''}${grouped(p.elements)} params: ${p.text}${b.elements > 0n ? ` + buffers ${b.text}` : ''}`
    }
    const copies = precision.weightCopyDType === null ? null : byDType(params.filter(baseTrainable).map((t) => [t.elementCount, precision.weightCopyDType!] as const))
    const adapterParams = lora?.params ?? 0n
    const adapters = byDType([[adapterParams, 'float32']])
    const adapterCopies = precision.weightCopyDType === null ? null : byDType([[adapterParams, precision.weightCopyDType]])
    const bytes = baseBytes + (copies?.bytes ?? 0n) + adapters.bytes + (adapterCopies?.bytes ?? 0n)
    const parts = [baseText]
    if (lora) parts.push(`LoRA adapters ${adapters.text}`)
    if (copies && copies.bytes > 0n) parts.push(`${precision.id === 'fp8' ? 'FP8' : 'autocast'} copies of trainable weights ${copies.text}`)
    if (adapterCopies && adapterCopies.bytes > 0n) parts.push(`autocast copies of the adapters ${adapterCopies.text}`)
    weights = line(bytes, `${parts.join(' + ')} = ${formatBytes(bytes, units)}`)
  } else {
    const wt = analysis.tensors.map((t): WeightTensor => ({ name: t.name, kind: t.kind, shape: t.shape, dtype: t.dtype, moduleType: moduleType(t.def) }))
    const r = weightBytes(wt, format)
    weights = line(r.bytes, `${describeWeightBytes(format, r)} = ${formatBytes(r.bytes, units)}`)
    if (format.appliesTo === 'linear' && r.quantisedTensors === 0) notes.add(`\`${format.id}\` quantises linear layers; this model has none, so every tensor stays in ${format.otherDType}.`)
  }

  // ---- gradients, optimizer ----
  let gradients = line(0n, 'inference: no gradients')
  let optimizerLine = line(0n, 'inference: no optimizer state')
  let breakdown: OptimizerStateBreakdown | undefined
  if (training && optimizer) {
    const trainable = lora ? adapterTensors : params.filter((t) => t.trainable)
    const g = byDType(trainable.map((t) => [t.elementCount ?? numel(t.shape), lora ? t.dtype : castTo(t.dtype, precision.gradDType)] as const))
    const trainableCount = g.elements
    let gradBytes = g.bytes
    let gradText = trainableCount === 0n ? 'no trainable parameters' : `${g.text}`
    if (gradAccumulation > 1) {
      if (precision.masterWeights && !lora) {
        gradBytes += trainableCount * 4n
        gradText += ` + float32 accumulation buffer ${grouped(trainableCount)} × 4 B (${gradAccumulation} micro-batches)`
      } else {
        gradText += ` (${gradAccumulation} micro-batches accumulate into the same buffers)`
      }
    }
    gradients = line(gradBytes, `${gradText} = ${formatBytes(gradBytes, units)}`)
    const sparse = new Set<string>()
    if (optimizer.name === 'SparseAdam') {
      for (const [path, node] of modules) if ((node.type === 'Embedding' || node.type === 'EmbeddingBag') && node.args['sparse'] === true) sparse.add(path === '' ? 'weight' : `${path}.weight`)
    }
    const optimizerTensors: OptimizerTensor[] = lora
      ? adapterTensors
      : params.map((t) => ({ name: t.name, shape: t.shape, dtype: castTo(t.dtype, precision.optimizerDType), trainable: t.trainable, kind: 'parameter', sparseGradient: sparse.has(t.name), elementCount: t.elementCount }))
    breakdown = optimizerStateBreakdown(optimizerTensors, optimizer)
    const master = precision.masterWeights && !lora ? trainableCount * 4n : 0n
    const entries = breakdown.entries.map((e) => `${e.name} ${grouped(e.elements)} × ${dtypeBytes[e.dtype]} B`)
    if (master > 0n) entries.push(`float32 master weights ${grouped(trainableCount)} × 4 B`)
    const bytes = breakdown.bytes + master
    optimizerLine = line(bytes, `${optimizer.text}: ${entries.length > 0 ? entries.join(' + ') : 'no state'} = ${formatBytes(bytes, units)}`)
    if (lora) notes.add('With LoRA the optimizer is given only the adapters (as Hugging Face Trainer passes the parameters that require grad).')
  }

  // ---- activations ----
  const traceCache = new Map<number, ForwardResult>()
  const forward = analysis.forward
  const traceAt = (b: number): ForwardResult | undefined => {
    if (!forward) return undefined
    if (b === forward.inputs[0]?.shape[0]) return forward
    const cached = traceCache.get(b)
    if (cached) return cached
    try {
      const inputs: InputSpec[] = forward.inputs.map((i) => ({ shape: i.shape.length > 0 ? [b, ...i.shape.slice(1)] : [...i.shape], dtype: i.dtype }))
      const result = traceForward(analysis.root, inputs, forward.device)
      traceCache.set(b, result)
      return result
    } catch {
      notes.add('Re-tracing with another batch failed (the first input dimension is not a batch here); activations are scaled linearly from the traced input.')
      return undefined
    }
  }
  const scale = (m: MemoryLine, what: string): MemoryLine => {
    const to = training ? precision.activationBytes : format.otherDType === null ? null : dtypeBytes[format.otherDType]
    if (to === null || to === 4) return m
    return line(ceilDiv(m.bytes * BigInt(to), 4n), `(${m.formula}) × ${to}/4 (${what} in ${to}-byte elements)`)
  }
  const activationCache = new Map<number, MemoryLine>()
  const activationsAt = (b: number): MemoryLine => {
    let cached = activationCache.get(b)
    if (!cached) {
      cached = activationsUncached(b)
      activationCache.set(b, cached)
    }
    return cached
  }
  const activationsUncached = (b: number): MemoryLine => {
    if (perSample !== null) {
      const bytes = perSample * BigInt(b)
      return line(bytes, `${formatBytes(perSample, units)} per sample × batch ${grouped(b)} = ${formatBytes(bytes, units)}`)
    }
    if (!forward) return line(0n, traceable ? 'not counted: give an input shape to trace, or activation bytes per sample' : `not counted: \`${analysis.root.type}\` has no forward trace; give activation bytes per sample`)
    const inputText = forward.inputs.map((i) => formatShape(i.shape)).join(', ')
    const traced = traceAt(b)
    if (training) {
      if (traced) {
        const c = checkpointed(traced, checkpointing, units, notes)
        const shapeText = b === forward.inputs[0]?.shape[0] ? inputText : forward.inputs.map((i) => formatShape(i.shape.length > 0 ? [b, ...i.shape.slice(1)] : i.shape)).join(', ')
        return scale(line(c.bytes, `traced forward of ${shapeText} on ${forward.device}: ${c.formula}`), 'activations')
      }
      const base = checkpointed(forward, checkpointing, units, notes)
      const b0 = BigInt(forward.inputs[0]?.shape[0] ?? 1)
      const bytes = ceilDiv(base.bytes * BigInt(b), b0 > 0n ? b0 : 1n)
      return scale(line(bytes, `traced forward of ${inputText}: ${base.formula}, × ${b}/${b0}`), 'activations')
    }
    const peak = traced?.inferencePeakBytes ?? ceilDiv(forward.inferencePeakBytes * BigInt(b), BigInt(forward.inputs[0]?.shape[0] || 1))
    return scale(line(peak, `peak of live tensors in a no-grad forward of ${inputText}${traced ? '' : ` × ${b}/${forward.inputs[0]?.shape[0] ?? 1}`}: ${formatBytes(peak, units)}`), 'activations')
  }
  if (!forward && perSample === null) {
    notes.add(
      traceable
        ? 'Activations are not counted: give an input shape (`--input`) or activation bytes per sample (`--activation-bytes`).'
        : `Activations are not counted: \`${analysis.root.type}\` has no forward trace in nnsize, so give activation bytes per sample (\`--activation-bytes\`) to include them.`,
    )
  }

  // ---- KV cache ----
  const kvBytes = kvCacheDTypes[kvDTypeName]!
  const kvLines = new Map<number, MemoryLine>()
  const kvAt = (b: number): MemoryLine => {
    let cached = kvLines.get(b)
    if (!cached) {
      cached = kvUncached(b)
      kvLines.set(b, cached)
    }
    return cached
  }
  const kvUncached = (b: number): MemoryLine => {
    if (training) return line(0n, 'training: no KV cache')
    if (kvSpec === null) return line(0n, 'no KV cache described (give layers, KV heads and head dim, and a context length)')
    if (contextLength === null) return line(0n, 'not counted: no context length given')
    const size = kvCacheBytes(kvSpec, b, contextLength, kvBytes, units)
    return line(size.bytes, size.formula)
  }

  const overheadLine = line(overhead, `CUDA context and allocator reserve: ${formatBytes(overhead, units)}${options.overheadBytes === undefined ? ' (default; adjustable)' : ''}`)

  // ---- gathered working set for ZeRO-3 / FSDP full shard ----
  let gatherBytes = 0n
  let gatherModule = ''
  if (training && stage === 3) {
    // The module with the most parameters of its own (DeepSpeed's `largest_layer_params`).
    let largest: readonly [string, ModuleNode] | undefined
    if (Array.isArray(analysis.modules)) {
      let best = analysis.modules[0]
      for (const m of analysis.modules) if (best === undefined || m.ownParamCount > best.ownParamCount) best = m
      if (best && best.ownParamCount > 0n) largest = [best.path, best.node]
    } else {
      let most = 0n
      for (const entry of modules) {
        let own = 0n
        for (const def of entry[1].params.values()) if (def) own += numel(def.shape)
        if (own > most) {
          most = own
          largest = entry
        }
      }
    }
    if (largest) {
      gatherModule = largest[0]
      for (const def of largest[1].params.values()) {
        if (!def) continue
        const e = numel(def.shape)
        gatherBytes += e * BigInt(dtypeBytes[castTo(def.dtype, precision.weightDType)])
        if (def.requiresGrad && !lora) gatherBytes += e * BigInt(dtypeBytes[castTo(def.dtype, precision.gradDType)])
      }
    }
  }

  const replica: Replica = { weights, gradients, optimizer: optimizerLine, gatherBytes, gatherModule, activations: activationsAt, kv: kvAt, overhead: overheadLine }
  const layout: Layout = { gpus, tp, pp, dp, shard, stage, offloadOptimizer, offloadParams, fsdp: fsdp !== null, hybridGroup }
  const act = activationsAt(batch)
  const kv = kvAt(batch)
  const memoryParts = [weights, gradients, optimizerLine, act, kv, overheadLine]
  const memoryTotal = memoryParts.reduce((s, p) => s + p.bytes, 0n)
  const memory = {
    weights,
    gradients,
    optimizerState: optimizerLine,
    activations: act,
    kvCache: kv,
    overhead: overheadLine,
    total: line(memoryTotal, `${memoryParts.filter((p) => p.bytes > 0n).map((p) => formatBytes(p.bytes, units)).join(' + ') || '0 B'} = ${formatBytes(memoryTotal, units)}`),
  }
  const device = perDevice(replica, layout, batch, units, mode)
  const nodeGpus = Math.min(gpus, gpusPerNode)
  const nodes = Math.ceil(gpus / gpusPerNode)
  const perNode = {
    gpus: nodeGpus,
    deviceBytes: device.total.bytes * BigInt(nodeGpus),
    cpuBytes: device.offloadedCpu.bytes * BigInt(nodeGpus),
    nvmeBytes: device.offloadedNvme.bytes * BigInt(nodeGpus),
    formula: `${nodeGpus} GPU${nodeGpus === 1 ? '' : 's'} × ${formatBytes(device.total.bytes, units)} = ${formatBytes(device.total.bytes * BigInt(nodeGpus), units)} of GPU memory${device.offloadedCpu.bytes > 0n ? `; ${nodeGpus} × ${formatBytes(device.offloadedCpu.bytes, units)} = ${formatBytes(device.offloadedCpu.bytes * BigInt(nodeGpus), units)} of CPU memory` : ''}${device.offloadedNvme.bytes > 0n ? `; ${nodeGpus} × ${formatBytes(device.offloadedNvme.bytes, units)} = ${formatBytes(device.offloadedNvme.bytes * BigInt(nodeGpus), units)} on NVMe` : ''}`,
  }
  if (tp > 1 && training) notes.add('Tensor parallelism divides weights, gradients and optimizer state by the degree (replicated norms and biases are not singled out) and activations too, assuming sequence parallelism.')
  if (pp > 1 && training) notes.add('Pipeline parallelism divides the model states by the number of stages; with the 1F1B schedule the first stage holds one micro-batch of activations for the whole model.')
  if (!training && tp * pp > 1) notes.add(`Inference splits weights and KV cache over ${tp * pp} GPUs (tensor ${tp} × pipeline ${pp}); activations are counted whole on each GPU.`)

  let fit: FitResult | undefined
  if (gpu) {
    const cap = gpu.bytes
    const total = device.total.bytes
    const fits = total <= cap
    const spare = fits ? cap - total : 0n
    const shortfall = fits ? 0n : total - cap
    const message = fits
      ? `fits on ${gpu.name} with ${formatBytes(spare, units)} to spare (${formatBytes(total, units)} of ${formatBytes(cap, units)})`
      : `does not fit on ${gpu.name}: needs ${formatBytes(total, units)} of ${formatBytes(cap, units)} (${formatBytes(shortfall, units)} short)`
    fit = { gpu, capacityBytes: cap, fits, spareBytes: spare, shortfallBytes: shortfall, message, gpusNeeded: gpusNeeded(replica, layout, batch, cap, units, mode, notes), largestBatch: largestBatch(replica, layout, cap, units, mode, forward !== undefined || perSample !== null || (kvSpec !== null && contextLength !== null && !training), notes) }
  }

  const resolved: ResolvedMemoryOptions = {
    mode,
    optimizer: optimizer?.text ?? null,
    precision: precision.id,
    weights: format.id,
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
    tensorParallel: tp,
    pipelineParallel: pp,
    dataParallel: dp,
    kvCache: kvSpec,
    contextLength,
    kvCacheDType: kvDTypeName,
    lora: options.lora ?? null,
    gpu: gpu?.id ?? null,
    units,
  }
  return {
    mode,
    options: resolved,
    memory,
    perDevice: device,
    perNode,
    ...(fit ? { fit } : {}),
    ...(breakdown ? { optimizer: breakdown } : {}),
    ...(lora ? { lora } : {}),
    notes: [...notes],
  }
}

/** Fewest GPUs that fit: more data-parallel shards (training with ZeRO/FSDP) or a higher tensor-parallel degree (inference). */
function gpusNeeded(r: Replica, l: Layout, batch: number, cap: bigint, units: ByteUnits, mode: 'training' | 'inference', notes: Set<string>): number | null {
  const limit = 1 << 20
  if (mode === 'inference') {
    const at = (t: number): bigint => perDevice(r, { ...l, tp: t, gpus: t * l.pp, dp: 1, shard: 1 }, batch, units, mode, false).total.bytes
    if (at(limit) > cap) return null
    let lo = 1
    let hi = limit
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      if (at(mid) <= cap) hi = mid
      else lo = mid + 1
    }
    return lo * l.pp
  }
  const mp = l.tp * l.pp
  if (l.stage === 0) {
    const fits = perDevice(r, l, batch, units, mode, false).total.bytes <= cap
    if (!fits) notes.add('More GPUs do not help without sharding: data parallelism replicates every state. Try ZeRO/FSDP, tensor parallelism or offload.')
    return fits ? mp : null
  }
  const at = (d: number): bigint => {
    const shard = l.hybridGroup !== null ? Math.min(d, l.hybridGroup) : d
    return perDevice(r, { ...l, dp: d, gpus: d * mp, shard }, batch, units, mode, false).total.bytes
  }
  if (at(limit) > cap) return null
  let lo = 1
  let hi = limit
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (at(mid) <= cap) hi = mid
    else lo = mid + 1
  }
  return lo * mp
}

/** Largest batch per device that fits, by bisection over the per-device total (activations and KV cache grow with it). */
function largestBatch(r: Replica, l: Layout, cap: bigint, units: ByteUnits, mode: 'training' | 'inference', batchMatters: boolean, notes: Set<string>): number | null {
  if (!batchMatters) return null
  const at1 = perDevice(r, l, 1, units, mode, false).total.bytes
  if (at1 > cap) return 0
  const at2 = perDevice(r, l, 2, units, mode, false).total.bytes
  if (at2 <= at1) return null
  // Saved tensors are affine in the batch: extrapolate from batches 1 and 2 instead of re-tracing every candidate.
  const slope = at2 - at1
  const max = 1_000_000_000n
  let best = (cap - at1) / slope + 1n
  if (best > max) best = max
  // Rounding in the per-device shares can make the extrapolation a little optimistic: check and step down.
  for (let i = 0; i < 4 && best > 1n && perDevice(r, l, Number(best), units, mode, false).total.bytes > cap; i++) best--
  notes.add('The largest batch extrapolates the per-device total linearly from batches 1 and 2, then checks the result.')
  return Number(best)
}
