import type { Analysis } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import type { Accelerator, PeakDType } from '../memory/gpus.js'
import { kvCacheBytes } from '../memory/kvcache.js'
import type { MemoryPlan } from '../memory/plan.js'
import { findPrecision } from '../memory/precision.js'
import { findWeightFormat } from '../memory/quant.js'
import { kvCacheDTypes } from '../request/choices.js'
import type { DType } from '../tensor/dtype.js'
import { parseMfu, parseTokenCount } from './counts.js'
import { configTrainingFlops, flopParamsOf, totalTrainingFlops, tracedTrainingFlops } from './flops.js'
import type { FlopParams, TrainingFlops } from './flops.js'
import { attendedPositions, rooflineStep } from './roofline.js'
import type { RooflineStep } from './roofline.js'

/** Options of {@link planSpeed}. */
export interface SpeedOptions {
  /** Training tokens (`15.6T`, `1e12`, or a bigint). Without it, only FLOPs per token are given. */
  tokens?: string | number | bigint | undefined
  /** Model FLOPs utilisation, `0.4` or `40%`. Default 40%. */
  mfu?: string | number | undefined
}

/** The default model FLOPs utilisation: 40%, what well-tuned large training runs reach (PaLM: 46.2%; Llama 3 405B: 38–43%). */
export const defaultMfu = 0.4

/** Where the number format of the peak comes from. */
export type ComputeDTypeSource = 'precision' | 'weights' | 'quantised' | 'as-built'

/** The accelerators' rates a speed plan divides by. */
export interface SpeedDevice {
  gpu: Accelerator
  /** GPUs whose rates add up: every GPU in training; one replica's tensor-parallel group in inference. */
  gpus: number
  /** The number format the matrix multiplies run in, and why. */
  dtype: PeakDType | null
  dtypeSource: ComputeDTypeSource
  /** One GPU's dense peak in that format, TFLOP/s; null when the catalogue has none. */
  peakTflops: number | null
  /** One GPU's memory bandwidth, bytes/s; null when unknown. */
  bandwidthBytesPerSecond: bigint | null
}

/** Training time for a token budget at a stated MFU. */
export interface TrainingTime {
  tokens: bigint
  /** FLOPs of the whole run; `exact` is false when a traced model's steps do not divide the tokens (then rounded down). */
  totalFlops: bigint
  exact: boolean
  mfu: number
  /** GPUs × peak × 10^12 × MFU; this and the times are null without a GPU peak to divide by. */
  flopsPerSecond: number | null
  seconds: number | null
  /** GPUs × seconds ÷ 3600. */
  gpuHours: number | null
  tokensPerSecond: number | null
}

/** The forward FLOPs of one token at inference: 2N for the matrix multiplies, 4·H·Q per attended key per layer. */
export interface InferenceTokenFlops {
  n: FlopParams
  layers: number
  heads: number
  headDim: number
  /** 2 × N. */
  matmulFlops: bigint
}

/** The keys one decoded token attends to, summed over the layers: the full context, or at most the window. */
export interface DecodeKeys {
  /** Σ over layers. */
  keys: bigint
  fullLayers: number
  windowLayers: number
  contextTokens: number
  /** Keys of a windowed layer: the smaller of the context and the window. */
  windowTokens: number
}

/** One decode step at a batch size: every sequence adds one token, reading all weights and its KV cache. */
export interface DecodeStep extends RooflineStep {
  /** Tokens each sequence's cache holds (the context length). */
  contextTokens: number
  weightBytes: bigint
  kvBytes: bigint
  /** Sequences × 1 token ÷ seconds. */
  tokensPerSecond: number
  /** Whether this batch fits in memory (the memory plan's largest batch), null when unknown. */
  fits: boolean | null
}

/** Prefill of one sequence: all its tokens in one forward pass; its time is the time to the first token. */
export interface PrefillStep extends RooflineStep {
  tokens: number
  weightBytes: bigint
  kvBytes: bigint
  tokensPerSecond: number
}

/** A traced model's forward pass over its traced input, as a roofline step. */
export interface ForwardStep extends RooflineStep {
  forwardMacs: bigint
  weightBytes: bigint
  samplesPerSecond: number
}

/** Why a figure of a speed plan is missing, or what it leaves out. */
export type SpeedNote =
  | { code: 'no-gpu' }
  | { code: 'gpu-without-speed'; gpu: string }
  | { code: 'no-peak'; gpu: string; dtype: PeakDType | null }
  | { code: 'no-flops' }
  | { code: 'no-work' }
  | { code: 'no-tokens' }
  | { code: 'not-token-input' }
  | { code: 'attention-needs-seq' }
  | { code: 'decode-needs-seq' }
  | { code: 'inexact-total' }
  | { code: 'moe-bytes' }
  | { code: 'data-parallel-replicas'; replicas: number }
  | { code: 'pipeline-stages'; stages: number }
  | { code: 'training-only'; fields: Array<'tokens' | 'mfu'> }

/** What {@link planSpeed} returns: FLOPs and times as numbers with what they derive from; the present layer writes them out. */
export interface SpeedPlan {
  mode: 'training' | 'inference'
  /** The GPUs' rates, when a GPU with speed figures was given. */
  device: SpeedDevice | null
  /** Training: FLOPs per token (config) or per step (traced). */
  training?: { flops: TrainingFlops; time: TrainingTime | null; mfu: number }
  /** Inference of a config model: per-token FLOPs, prefill of one sequence, decode steps by batch size. */
  inference?: { tokenFlops: InferenceTokenFlops; prefill: PrefillStep | null; decode: DecodeStep[]; kvBytesPerElement: number; planBatch: number; decodeKeys: DecodeKeys | null }
  /** Inference of a traced model: its forward pass. */
  forward?: ForwardStep
  notes: SpeedNote[]
}

/** A PyTorch dtype's peak-table format: float32 runs fp32 (PyTorch leaves TF32 off for matmuls by default). */
function peakDTypeOf(dtype: DType): PeakDType | null {
  if (dtype === 'float32') return 'fp32'
  if (dtype === 'bfloat16') return 'bf16'
  if (dtype === 'float16') return 'fp16'
  if (dtype.startsWith('float8')) return 'fp8'
  return null
}

/** The number format the matrix multiplies of the plan run in. */
function computeDType(plan: MemoryPlan): { dtype: PeakDType | null; source: ComputeDTypeSource } {
  const asBuilt = plan.options.asBuilt.dtype
  if (plan.mode === 'training') {
    const p = findPrecision(plan.options.precision)
    const d = p.weightCopyDType ?? p.weightDType
    return d === null ? { dtype: peakDTypeOf(asBuilt), source: 'as-built' } : { dtype: peakDTypeOf(d), source: 'precision' }
  }
  const f = findWeightFormat(plan.options.weights)
  if (f.otherDType === null) return { dtype: peakDTypeOf(asBuilt), source: 'as-built' }
  // a format that stores every float tensor in one dtype multiplies in it; a quantised one dequantises to float16
  if (f.appliesTo === 'float') return { dtype: peakDTypeOf(f.otherDType), source: 'weights' }
  return { dtype: 'fp16', source: 'quantised' }
}

/** Power-of-two batch sizes from 1 up to `limit`, with the plan's own batch and `limit` itself; at most 40 rows. */
function decodeBatches(planBatch: number, limit: number): number[] {
  const set = new Set<number>([1, planBatch, limit])
  for (let b = 2; b <= limit && b <= 2 ** 30; b *= 2) set.add(b)
  return [...set].filter((b) => b >= 1).sort((a, b) => a - b)
}

/**
 * Plans how fast the model of a memory plan trains or serves on the plan's GPU. Training: FLOPs per token (6N plus
 * attention for a config, 2 × traced MACs forward and backward for a traced input) and, with `tokens`, the time at
 * `mfu` of the GPUs' dense peak in the training precision. Inference: the roofline of a prefill and of a decode step
 * per batch size — the larger of bytes over memory bandwidth and FLOPs over peak. Bad options throw `option` errors.
 */
export function planSpeed(analysis: Analysis, plan: MemoryPlan, options: SpeedOptions = {}): SpeedPlan {
  if (typeof plan !== 'object' || plan === null || plan.options === undefined) throw new NnsizeError('option', '`planSpeed` takes the result of `planMemory`.')
  const notes: SpeedNote[] = []
  const tokens = options.tokens === undefined ? null : parseTokenCount(options.tokens)
  const mfu = options.mfu === undefined ? defaultMfu : parseMfu(options.mfu)
  const o = plan.options
  const training = plan.mode === 'training'

  const gpu = plan.fit?.gpu ?? null
  const { dtype, source } = computeDType(plan)
  let device: SpeedDevice | null = null
  if (gpu === null) notes.push({ code: 'no-gpu' })
  else if (gpu.bandwidthBytesPerSecond === null && Object.keys(gpu.peakTflops).length === 0) notes.push({ code: 'gpu-without-speed', gpu: gpu.id })
  else {
    const peak = dtype === null ? undefined : gpu.peakTflops[dtype]
    if (peak === undefined) notes.push({ code: 'no-peak', gpu: gpu.id, dtype })
    device = { gpu, gpus: training ? o.gpus : o.tensorParallel, dtype, dtypeSource: source, peakTflops: peak ?? null, bandwidthBytesPerSecond: gpu.bandwidthBytesPerSecond }
  }
  const peakFlops = device?.peakTflops == null ? null : device.gpus * device.peakTflops * 1e12
  const bandwidth = device?.bandwidthBytesPerSecond == null ? null : BigInt(device.gpus) * device.bandwidthBytesPerSecond

  const n = flopParamsOf(analysis)
  const shape = analysis.model?.transformer
  const traced = tracedTrainingFlops(analysis)
  const result: SpeedPlan = { mode: plan.mode, device, notes }

  if (training) {
    let flops: TrainingFlops | null = null
    if (traced !== null) flops = traced
    else if (n !== null && shape !== undefined) {
      flops = configTrainingFlops(n, shape, o.contextLength)
      if (o.contextLength === null) notes.push({ code: 'attention-needs-seq' })
    }
    if (flops === null) {
      notes.push({ code: 'no-flops' })
      return result
    }
    let time: TrainingTime | null = null
    if (tokens === null) notes.push({ code: 'no-tokens' })
    else {
      const total = totalTrainingFlops(flops, tokens)
      if (total === null) notes.push({ code: 'not-token-input' })
      else {
        if (!total.exact) notes.push({ code: 'inexact-total' })
        if (peakFlops !== null && device !== null) {
          const flopsPerSecond = peakFlops * mfu
          const seconds = Number(total.flops) / flopsPerSecond
          time = { tokens, totalFlops: total.flops, exact: total.exact, mfu, flopsPerSecond, seconds, gpuHours: (device.gpus * seconds) / 3600, tokensPerSecond: seconds > 0 ? Number(tokens) / seconds : null }
        } else time = { tokens, totalFlops: total.flops, exact: total.exact, mfu, flopsPerSecond: null, seconds: null, gpuHours: null, tokensPerSecond: null }
      }
    }
    result.training = { flops, time, mfu }
    return result
  }

  // inference
  const trainingOnly = (['tokens', 'mfu'] as const).filter((f) => options[f] !== undefined)
  if (trainingOnly.length > 0) notes.push({ code: 'training-only', fields: [...trainingOnly] })
  if (o.dataParallel > 1) notes.push({ code: 'data-parallel-replicas', replicas: o.dataParallel })
  if (o.pipelineParallel > 1) notes.push({ code: 'pipeline-stages', stages: o.pipelineParallel })
  const weightBytes = plan.memory.weights.bytes
  if (traced !== null) {
    if (peakFlops !== null && bandwidth !== null) {
      const step = rooflineStep(traced.samples, weightBytes, 2n * traced.forwardMacs, bandwidth, peakFlops)
      // a model that neither holds weights nor multiplies (`ReLU()`) takes no time to bound
      if (step.seconds > 0) result.forward = { ...step, forwardMacs: traced.forwardMacs, weightBytes, samplesPerSecond: traced.samples / step.seconds }
      else notes.push({ code: 'no-work' })
    }
    return result
  }
  if (n === null || shape === undefined) {
    notes.push({ code: 'no-flops' })
    return result
  }
  const tokenFlops: InferenceTokenFlops = { n, layers: shape.layers, heads: shape.heads, headDim: shape.headDim, matmulFlops: 2n * n.params }
  const kvBytesPerElement = kvCacheDTypes[o.kvCacheDType] ?? 2
  result.inference = { tokenFlops, prefill: null, decode: [], kvBytesPerElement, planBatch: o.batch, decodeKeys: null }
  if (n.activePerToken) notes.push({ code: 'moe-bytes' })
  const seq = o.contextLength
  const spec = o.kvCache
  if (seq === null || spec === null) {
    notes.push({ code: 'decode-needs-seq' })
    return result
  }
  if (peakFlops === null || bandwidth === null) return result
  const perHead = 4n * BigInt(shape.heads) * BigInt(shape.headDim)
  // prefill: one sequence of `seq` tokens, each query attending causally to the keys before it
  const kvOne = kvCacheBytes(spec, 1, seq, kvBytesPerElement)
  const { fullLayers, windowLayers, window } = kvOne.basis
  const attended = BigInt(fullLayers) * attendedPositions(seq, null) + BigInt(windowLayers) * attendedPositions(seq, window)
  const prefillFlops = tokenFlops.matmulFlops * BigInt(seq) + perHead * attended
  const prefill = rooflineStep(1, weightBytes + kvOne.bytes, prefillFlops, bandwidth, peakFlops)
  result.inference.prefill = { ...prefill, tokens: seq, weightBytes, kvBytes: kvOne.bytes, tokensPerSecond: seq / prefill.seconds }
  // decode: each sequence adds one token attending to a full context of `seq` keys (fewer in windowed layers)
  const keysPerToken = BigInt(fullLayers) * BigInt(seq) + BigInt(windowLayers) * BigInt(kvOne.basis.windowTokens)
  result.inference.decodeKeys = { keys: keysPerToken, fullLayers, windowLayers, contextTokens: seq, windowTokens: kvOne.basis.windowTokens }
  const tokenDecodeFlops = tokenFlops.matmulFlops + perHead * keysPerToken
  const largest = plan.fit?.largestBatch ?? null
  const limit = Math.max(1, largest ?? o.batch)
  for (const batch of decodeBatches(o.batch, limit)) {
    const kvBytes = kvCacheBytes(spec, batch, seq, kvBytesPerElement).bytes
    const step = rooflineStep(batch, weightBytes + kvBytes, BigInt(batch) * tokenDecodeFlops, bandwidth, peakFlops)
    result.inference.decode.push({ ...step, contextTokens: seq, weightBytes, kvBytes, tokensPerSecond: batch / step.seconds, fits: largest === null ? null : batch <= largest })
  }
  return result
}
