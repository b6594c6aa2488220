import type { ByteUnits } from '../format/bytes.js'
import type { MemoryLineKey } from '../memory/basis.js'
import type { Estimator } from '../request/choices.js'
import type { FieldId } from '../request/fields.js'

/** How an app wants things said: byte units, and its own name for each request field. */
export interface PresentOptions {
  /** Byte units: `iec` (GiB, default) or `si` (GB). */
  units?: ByteUnits | undefined
  /**
   * The app's name for a request field, as notes and errors should say it: the CLI gives `` `--seq` ``, the
   * playground its field label. Default: the field id in backticks.
   */
  fieldLabel?: ((field: FieldId) => string) | undefined
}

/** The default name of a field: its neutral id, as code. */
export const defaultFieldLabel = (field: FieldId): string => `\`${field}\``

/** The label of each memory line, the same in every table, chart and explanation. */
export const memoryLineLabels: Readonly<Record<MemoryLineKey | 'modelStates' | 'total' | 'offloadedCpu' | 'offloadedNvme' | 'cpuPerNode', string>> = {
  weights: 'Weights',
  gradients: 'Gradients',
  optimizerState: 'Optimizer state',
  modelStates: 'Model states',
  stepGradients: 'FP32 gradient partition',
  activations: 'Activations',
  kvCache: 'KV cache',
  gatheredWeights: 'Gathered weights',
  overhead: 'Framework reserve',
  total: 'Total',
  offloadedCpu: 'Offloaded to CPU',
  offloadedNvme: 'Offloaded to NVMe',
  cpuPerNode: 'CPU memory per node',
}

/** A line's name inside a sentence (`optimizer state`). */
export const memoryLineNouns: Readonly<Record<MemoryLineKey, string>> = {
  weights: 'weights',
  gradients: 'gradients',
  optimizerState: 'optimizer state',
  stepGradients: 'fp32 gradient partition',
  activations: 'activations',
  kvCache: 'KV cache',
  gatheredWeights: 'gathered weights',
  overhead: 'framework reserve',
}

/** What each estimator choice adds to a plan, in a few words (a select's options, the command's help). */
export const estimatorLabels: Readonly<Record<Estimator, string>> = {
  nnsize: 'nnsize',
  deepspeed: "also DeepSpeed's (ZeRO-2/3)",
}
