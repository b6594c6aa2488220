import { NnsizeError, parseMemoryOptions, planMemory } from '@nnsize/core'
import type { Analysis, KVCacheInfo, KvCacheSpec, MemoryPlan, RawOptionValue, ShareState } from '@nnsize/core'

/** Training plans weights, gradients, optimizer state and activations; inference plans weights, KV cache and activations. */
export type MemoryMode = 'training' | 'inference'

/** Optimizer chosen when a reader switches to training. */
export const defaultOptimizer = 'AdamW'

/** A link carries the mode through its optimizer: one is set for training, none for inference. */
export function memoryMode(state: ShareState): MemoryMode {
  return state.optimizer?.trim() ? 'training' : 'inference'
}

/** The KV cache shape a Hugging Face model reports, in the form the memory planner takes. */
export function kvCacheSpec(info: KVCacheInfo): KvCacheSpec {
  return {
    layers: info.layers,
    kvHeads: info.kvHeads,
    headDim: info.headDim,
    slidingWindow: info.slidingWindow ?? info.windowedLayers?.window,
    slidingWindowLayers: info.windowedLayers?.count,
    latentDim: info.latentDim,
  }
}

/** The page's memory fields as the option names {@link parseMemoryOptions} reads. */
export function rawMemoryOptions(state: ShareState, analysis: Pick<Analysis, 'model' | 'forward'>): Record<string, RawOptionValue> {
  const training = memoryMode(state) === 'training'
  const sharding = state.zero?.trim()
  const kv = !training && analysis.model?.kvCache && state.seq !== undefined
  return {
    mode: training ? 'training' : 'inference',
    optimizer: training ? state.optimizer : undefined,
    // One link field, read per mode: a training precision, or the weight format served.
    precision: training ? state.precision || undefined : undefined,
    weights: training ? undefined : state.precision || undefined,
    batch: state.batch,
    checkpointing: training ? state.checkpointing || undefined : undefined,
    // a traced forward pass gives the activations; otherwise the reader may state them per sample
    activations: analysis.forward ? undefined : state.activations || undefined,
    gpus: state.gpus,
    zero: training && sharding && /^[0-3]$/.test(sharding) ? sharding : undefined,
    fsdp: training && sharding && !/^[0-3]$/.test(sharding) ? sharding : undefined,
    lora: training ? state.lora || undefined : undefined,
    context: kv ? state.seq : undefined,
    gpu: state.gpu || undefined,
    units: state.units,
  }
}

/** A memory plan, or why the options give none. */
export type MemoryOutcome = { ok: true; plan: MemoryPlan } | { ok: false; message: string }

/** Plans the memory of the analysed model with the page's options. Never throws. */
export function computeMemory(analysis: Analysis, state: ShareState): MemoryOutcome {
  try {
    const options = parseMemoryOptions(rawMemoryOptions(state, analysis))
    const kv = analysis.model?.kvCache
    if (options.contextLength !== undefined && kv) options.kvCache = kvCacheSpec(kv)
    return { ok: true, plan: planMemory(analysis, options) }
  } catch (error) {
    if (NnsizeError.isInstance(error)) return { ok: false, message: error.message }
    return { ok: false, message: `The memory plan failed (${error instanceof Error ? error.message : String(error)}). Please report it with the link to this page.` }
  }
}

/** The per-GPU lines of a plan that make up its total, in the order the chart stacks them. */
export const stackedLines = [
  ['weights', 'Weights'],
  ['gradients', 'Gradients'],
  ['optimizerState', 'Optimizer state'],
  ['activations', 'Activations'],
  ['kvCache', 'KV cache'],
  ['gatheredWeights', 'Gathered shards'],
  ['overhead', 'CUDA context and reserve'],
] as const

/** One segment of the stacked bar: which line, its bytes, and where it sits as a share of the chart's width. */
export interface BarSegment {
  key: (typeof stackedLines)[number][0]
  label: string
  bytes: bigint
  /** Left edge and width in percent of the chart, for drawing only. */
  x: number
  width: number
}

/**
 * Chart geometry: the stacked per-GPU lines and the capacity line as percentages of the larger of
 * the two. This is the playground's only computation, and it draws rather than counts: every byte
 * shown as text is the core's.
 */
export function barGeometry(plan: MemoryPlan): { segments: BarSegment[]; capacityX: number | undefined } {
  const total = plan.perDevice.total.bytes
  const capacity = plan.fit?.capacityBytes
  const scale = capacity !== undefined && capacity > total ? capacity : total
  const percent = (bytes: bigint): number => (scale === 0n ? 0 : Number((bytes * 1_000_000n) / scale) / 10_000)
  const segments: BarSegment[] = []
  let offset = 0n
  for (const [key, label] of stackedLines) {
    const bytes = plan.perDevice[key].bytes
    if (bytes === 0n) continue
    segments.push({ key, label, bytes, x: percent(offset), width: percent(bytes) })
    offset += bytes
  }
  return { segments, capacityX: capacity === undefined ? undefined : percent(capacity) }
}
