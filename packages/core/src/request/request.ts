import { NnsizeError } from '../errors.js'
import { defaultTorchVersion } from '../forward/torch-version.js'
import { parseAccelerator } from '../memory/gpus.js'
import { parseLoraOptions } from '../memory/lora.js'
import type { LoraOptions } from '../memory/lora.js'
import { parseOptimizer } from '../memory/optimizers/index.js'
import type { MemoryOptions } from '../memory/plan.js'
import { findPrecision } from '../memory/precision.js'
import { findWeightFormat } from '../memory/quant.js'
import { checkpointingModes, estimators, fsdpModes, kvCacheDTypes, offloadTargets, planModes } from './choices.js'
import type { CheckpointingMode, Estimator, FsdpMode, OffloadTarget, ZeroStage } from './choices.js'
import { parseByteSize } from '../memory/units.js'
import { parseMfu, parseTokenCount } from '../speed/counts.js'
import type { SpeedOptions } from '../speed/plan.js'
import { didYouMean, suggest } from '../suggest.js'
import { fieldError } from './field-errors.js'
import { choice, readBaseRequest, readField, shown, textOf, whole } from './base.js'
import type { BaseRequest, RawRequest } from './base.js'
import { requestFields } from './fields.js'
import type { FieldId } from './fields.js'

/** How the work is sharded: a DeepSpeed ZeRO stage or a PyTorch FSDP strategy. */
export type Sharding = { zero: ZeroStage } | { fsdp: FsdpMode }

/** The memory part of a request: every planner option, checked, in canonical form. */
export interface MemoryRequest {
  mode: 'training' | 'inference'
  /** The optimizer as written (checked by `parseOptimizer`); undefined: the default, AdamW. */
  optimizer: string | undefined
  /** A precision mode's id (`amp-bf16`). */
  precision: string | undefined
  /** A weight format's id (`int8`). */
  weights: string | undefined
  batch: number | undefined
  seq: number | undefined
  gradAccum: number | undefined
  checkpointing: CheckpointingMode | undefined
  gpus: number | undefined
  gpusPerNode: number | undefined
  nodes: number | undefined
  sharding: Sharding | undefined
  tp: number | undefined
  pp: number | undefined
  offload: OffloadTarget | undefined
  offloadParams: OffloadTarget | undefined
  /** `deepspeed`: DeepSpeed's own ZeRO-2/3 estimate beside the plan; undefined: nnsize's planner only. */
  estimator: Estimator | undefined
  /** LoRA settings as written (`r=16,alpha=32,target=q_proj|v_proj`), checked. */
  lora: string | undefined
  qlora: boolean
  kvDtype: string | undefined
  activationBytes: bigint | undefined
  overhead: bigint | undefined
  /** A catalogue GPU's id (`h100-80gb`), or a size as written (`24GiB`). */
  gpu: string | undefined
  /** Training tokens, exact (`15.6T` is 15,600,000,000,000). */
  tokens: bigint | undefined
  /** Model FLOPs utilisation as a fraction (`40%` is 0.4). */
  mfu: number | undefined
}

/** One question to nnsize, as data: what to size, the input, kernels, PyTorch release, view, and memory options. */
export interface Request extends BaseRequest {
  /** Undefined when no memory field was given. */
  memory: MemoryRequest | undefined
}

function sharding(value: string): Sharding {
  const stage = /^(?:zero-?|stage-?)?([0-3])$/i.exec(value)
  if (stage) return { zero: Number(stage[1]) as ZeroStage }
  const key = value.toLowerCase().replace(/-/g, '_')
  if (key === 'true') return { fsdp: 'full_shard' }
  const fsdp = fsdpModes.find((m) => m === key)
  if (fsdp) return { fsdp }
  const suggestions = suggest(key, fsdpModes)
  throw fieldError('sharding', 'sharding', `must be a ZeRO stage (0, 1, 2 or 3) or an FSDP strategy (${fsdpModes.map((m) => `\`${m}\``).join(', ')}), got ${shown(value)}.${didYouMean(suggestions)}`, { suggestions })
}

function flag(field: FieldId, value: string): boolean {
  const key = value.toLowerCase()
  if (key === 'true' || key === '1' || key === 'on' || key === 'yes') return true
  if (key === 'false' || key === '0' || key === 'off' || key === 'no') return false
  throw fieldError(field, field, `must be \`true\` or \`false\`, got ${shown(value)}.`)
}

/** `text` once `check` has accepted it (kept as written: an optimizer, LoRA settings). */
function checked(text: string, check: () => unknown): string {
  check()
  return text
}

/** A catalogue GPU's id, or a memory size as written. */
function accelerator(value: string): string {
  const gpu = parseAccelerator(value)
  return gpu.id === 'custom' ? value : gpu.id
}

const onOff = { true: 'cpu', on: 'cpu', false: 'none', off: 'none' } as const

/** The memory fields of a request, in order. */
const memoryFields = requestFields.filter((f) => f.group === 'memory').map((f) => f.id)

/**
 * Reads a raw request field by field with one set of choices, limits and error codes, keeping every field that
 * is valid: `problems` holds one `option` error per field that is not (each names its field). The CLI stops at the
 * first problem; the playground shows each beside its field.
 */
export function readRequest(raw: RawRequest): { request: Request; problems: NnsizeError[] } {
  const base = readBaseRequest(raw)
  const problems = base.problems
  const read = <T>(field: Exclude<FieldId, 'source'>, parse: (text: string) => T): T | undefined => readField(raw, field, parse, problems)
  const request: Request = { ...base.request, memory: undefined }
  const torch = request.torch
  if (memoryFields.some((f) => textOf(raw[f as Exclude<FieldId, 'source'>]) !== undefined)) {
    const mode = read('mode', (t) => choice<'training' | 'inference'>('mode', t, planModes, { train: 'training', infer: 'inference', serve: 'inference' })) ?? 'training'
    const memory: MemoryRequest = {
      mode,
      optimizer: read('optimizer', (t) => checked(t, () => parseOptimizer(t, { torch }))),
      precision: read('precision', (t) => findPrecision(t).id),
      weights: read('weights', (t) => findWeightFormat(t).id),
      batch: read('batch', (t) => whole('batch', t)),
      seq: read('seq', (t) => whole('seq', t)),
      gradAccum: read('gradAccum', (t) => whole('gradAccum', t)),
      checkpointing: read('checkpointing', (t) => choice<CheckpointingMode>('checkpointing', t, checkpointingModes, { true: 'full', on: 'full', false: 'none', off: 'none' })),
      gpus: read('gpus', (t) => whole('gpus', t)),
      gpusPerNode: read('gpusPerNode', (t) => whole('gpusPerNode', t)),
      nodes: read('nodes', (t) => whole('nodes', t)),
      sharding: read('sharding', sharding),
      tp: read('tp', (t) => whole('tp', t)),
      pp: read('pp', (t) => whole('pp', t)),
      offload: read('offload', (t) => choice<OffloadTarget>('offload', t, offloadTargets, onOff)),
      offloadParams: read('offloadParams', (t) => choice<OffloadTarget>('offloadParams', t, offloadTargets, onOff)),
      estimator: read('estimator', (t) => choice<Estimator>('estimator', t, estimators, { ds: 'deepspeed' })),
      lora: read('lora', (t) => checked(t, () => parseLoraOptions(t))),
      qlora: read('qlora', (t) => flag('qlora', t)) ?? false,
      kvDtype: read('kvDtype', (t) => choice('kvDtype', t, Object.keys(kvCacheDTypes))),
      activationBytes: read('activationBytes', (t) => parseByteSize(t, 'activationBytes', 'activationBytes')),
      overhead: read('overhead', (t) => parseByteSize(t, 'overhead', 'overhead')),
      gpu: read('gpu', accelerator),
      tokens: read('tokens', parseTokenCount),
      mfu: read('mfu', parseMfu),
    }
    request.memory = memory
    if (memory.qlora && memory.lora === undefined && !problems.some((p) => p.field === 'lora')) {
      problems.push(new NnsizeError('option', 'QLoRA needs LoRA settings: `r=16,alpha=32,target=all-linear`.', { field: 'qlora' }))
    }
  }
  return { request, problems }
}

/** Reads a raw request, throwing the first problem (an `option` error that names its field). */
export function parseRequest(raw: RawRequest): Request {
  const { request, problems } = readRequest(raw)
  if (problems.length > 0) throw problems[0]!
  return request
}

/** An exact byte count with the largest binary unit that divides it: `1536MiB`, `1000B`. */
function sizeText(bytes: bigint): string {
  for (const [unit, size] of [['TiB', 1024n ** 4n], ['GiB', 1024n ** 3n], ['MiB', 1024n ** 2n], ['KiB', 1024n]] as const) {
    if (bytes >= size && bytes % size === 0n) return `${bytes / size}${unit}`
  }
  return `${bytes}B`
}

/** A request back as raw text per field, in canonical form: what a link or a command line writes. */
export function requestToRaw(request: Request): RawRequest {
  const raw: RawRequest = { source: request.source.text }
  if (request.input !== undefined) raw.input = request.input
  if (request.device !== 'cuda') raw.device = request.device
  if (request.torch !== defaultTorchVersion) raw.torch = request.torch
  const m = request.memory
  if (m) {
    raw.mode = m.mode
    const text = (value: string | number | bigint | undefined): string | undefined => (value === undefined ? undefined : String(value))
    raw.optimizer = m.optimizer
    raw.precision = m.precision
    raw.weights = m.weights
    raw.batch = text(m.batch)
    raw.seq = text(m.seq)
    raw.gradAccum = text(m.gradAccum)
    raw.checkpointing = m.checkpointing
    raw.gpus = text(m.gpus)
    raw.gpusPerNode = text(m.gpusPerNode)
    raw.nodes = text(m.nodes)
    raw.sharding = m.sharding === undefined ? undefined : 'zero' in m.sharding ? String(m.sharding.zero) : m.sharding.fsdp
    raw.tp = text(m.tp)
    raw.pp = text(m.pp)
    raw.offload = m.offload
    raw.offloadParams = m.offloadParams
    raw.estimator = m.estimator === 'nnsize' ? undefined : m.estimator
    raw.lora = m.lora
    raw.qlora = m.qlora ? 'true' : undefined
    raw.kvDtype = m.kvDtype
    raw.activationBytes = m.activationBytes === undefined ? undefined : sizeText(m.activationBytes)
    raw.overhead = m.overhead === undefined ? undefined : sizeText(m.overhead)
    raw.gpu = m.gpu
    raw.tokens = text(m.tokens)
    raw.mfu = text(m.mfu)
  }
  if (request.units !== 'iec') raw.units = request.units
  if (request.depth !== undefined) raw.depth = String(request.depth)
  for (const key of Object.keys(raw) as Array<keyof RawRequest>) if (raw[key] === undefined) delete raw[key]
  return raw
}

/** The raw request without the memory fields that do not apply to `mode` (what a form shows for that mode). */
export function fieldsForMode(raw: RawRequest, mode: 'training' | 'inference'): RawRequest {
  const out: RawRequest = { ...raw, mode }
  for (const f of requestFields) if (f.mode !== undefined && f.mode !== mode) delete (out as Record<string, unknown>)[f.id]
  return out
}

/** The options `planMemory` takes for this request, or undefined when it asks for no plan. */
export function memoryOptionsOf(request: Request): MemoryOptions | undefined {
  const m = request.memory
  if (!m) return undefined
  let lora: LoraOptions | undefined
  if (m.lora !== undefined) lora = { ...parseLoraOptions(m.lora), ...(m.qlora ? { quantizeBase: true } : {}) }
  return {
    mode: m.mode,
    device: request.device,
    torch: request.torch,
    optimizer: m.optimizer,
    precision: m.precision,
    weights: m.weights,
    batch: m.batch,
    gradAccumulation: m.gradAccum,
    checkpointing: m.checkpointing,
    activationBytesPerSample: m.activationBytes,
    overheadBytes: m.overhead,
    gpus: m.gpus,
    gpusPerNode: m.gpusPerNode,
    nodes: m.nodes,
    zero: m.sharding && 'zero' in m.sharding ? m.sharding.zero : undefined,
    fsdp: m.sharding && 'fsdp' in m.sharding ? m.sharding.fsdp : undefined,
    offloadOptimizer: m.offload,
    offloadParams: m.offloadParams,
    estimator: m.estimator,
    tensorParallel: m.tp,
    pipelineParallel: m.pp,
    contextLength: m.seq,
    kvCacheDType: m.kvDtype,
    lora,
    gpu: m.gpu,
  }
}

/**
 * The options `planSpeed` takes for this request (training tokens and MFU), or undefined when it asks no speed
 * question: a speed plan needs a memory plan and one of a GPU, a token count or an MFU.
 */
export function speedOptionsOf(request: Request): SpeedOptions | undefined {
  const m = request.memory
  if (!m || (m.gpu === undefined && m.tokens === undefined && m.mfu === undefined)) return undefined
  return { tokens: m.tokens, mfu: m.mfu }
}
