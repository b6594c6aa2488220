// The memory planner as the command line's options drive it.
import type { Analysis, MemoryOptions, MemoryPlan } from '@nnsize/core'
import { memoryPlanToJSON } from '../../../packages/core/src/memory/json.js'
import { parseMemoryOptions } from '../../../packages/core/src/memory/options.js'
import { planMemory } from '../../../packages/core/src/memory/plan.js'
import type { CliOptions } from './options.js'

export { memoryPlanToJSON }

/** The error `--optimizer`'s text alone raises, if any: its span points into that text. */
export function optimizerError(optimizer: string): unknown {
  try {
    parseMemoryOptions({ optimizer })
    return undefined
  } catch (error) {
    return error
  }
}

/**
 * The memory options of the command line, checked by the core's parser (which names the option in its errors). `--zero` takes a ZeRO stage or an FSDP
 * strategy; `--seq` is the context the KV cache of `--inference` holds.
 */
export function memoryOptions(options: CliOptions): MemoryOptions {
  const zero = options.zero?.trim()
  const isStage = zero === undefined || /^(zero-?|stage-?)?\d+$/i.test(zero)
  // the planner takes a Hugging Face model's KV-cache shape from the analysis itself
  return parseMemoryOptions({
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
    activations: options.activationBytes,
    lora: options.lora,
    qlora: options.qlora ? true : undefined,
    gpu: options.gpu,
    units: options.units,
  })
}

/** The memory plan of an analysis under the command line's options. */
export function planFor(analysis: Analysis, options: CliOptions): MemoryPlan {
  return planMemory(analysis, memoryOptions(options))
}
