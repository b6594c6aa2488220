import type { Analysis, MemoryOptions, MemoryPlan } from '@nnsize/core'
import type { CliOptions } from './options.js'
import { memoryKeys } from './options.js'
import { SourcedError } from './errors.js'

type Core = typeof import('@nnsize/core')

/** Options the playground's links do not carry (`--share` says so). */
export const notShared: ReadonlyArray<keyof CliOptions> = ['inference', 'weights', 'gradAccum', 'tp', 'pp', 'offload', 'qlora', 'kvDtype', 'overhead']

/** True when any memory-planning option was given. */
export function wantsMemory(given: ReadonlySet<keyof CliOptions>): boolean {
  return memoryKeys.some((k) => given.has(k))
}

/**
 * The memory options of the command line, checked by the core's parser (which names the option in its errors; an
 * error inside `--optimizer`'s expression points at its place there). `--zero` takes a ZeRO stage or an FSDP
 * strategy; with `--inference` and `--seq`, a Hugging Face model's own KV-cache shape is used.
 */
export function memoryOptions(core: Core, analysis: Analysis, options: CliOptions): MemoryOptions {
  if (options.optimizer !== undefined) {
    try {
      core.parseMemoryOptions({ optimizer: options.optimizer })
    } catch (error) {
      if (core.NnsizeError.isInstance(error) && error.span) throw new SourcedError(error, options.optimizer, '--optimizer')
      throw error
    }
  }
  const zero = options.zero?.trim()
  const isStage = zero === undefined || /^(zero-?|stage-?)?\d+$/i.test(zero)
  const parsed = core.parseMemoryOptions({
    mode: options.inference ? 'inference' : undefined,
    optimizer: options.optimizer,
    precision: options.precision,
    weights: options.weights,
    batch: options.batch,
    gradAccumulation: options.gradAccum,
    checkpointing: options.checkpointing,
    gpus: options.gpus,
    zero: isStage ? zero : undefined,
    fsdp: isStage ? undefined : zero,
    tp: options.tp,
    pp: options.pp,
    offload: options.offload,
    context: options.seq,
    kvDtype: options.kvDtype,
    overhead: options.overhead,
    lora: options.lora,
    qlora: options.qlora ? true : undefined,
    gpu: options.gpu,
    units: options.units,
  })
  const kv = analysis.model?.kvCache
  if (options.inference && options.seq !== undefined && kv) {
    parsed.kvCache = {
      layers: kv.layers,
      kvHeads: kv.kvHeads,
      headDim: kv.headDim,
      ...(kv.slidingWindow !== undefined ? { slidingWindow: kv.slidingWindow } : {}),
      ...(kv.windowedLayers ? { slidingWindow: kv.windowedLayers.window, slidingWindowLayers: kv.windowedLayers.count } : {}),
      ...(kv.latentDim !== undefined ? { latentDim: kv.latentDim } : {}),
    }
  }
  return parsed
}

/** The memory plan for the options given, or undefined when none was. */
export function planFor(core: Core, analysis: Analysis, options: CliOptions, given: ReadonlySet<keyof CliOptions>): MemoryPlan | undefined {
  if (!wantsMemory(given)) return undefined
  return core.planMemory(analysis, memoryOptions(core, analysis, options))
}
