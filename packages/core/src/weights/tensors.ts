import { malformed } from './bytes.js'
import type { CheckpointInfo, FileTensor, PickleInfo, WeightsFile } from './types.js'

/** What reading one weight file gives. */
export interface ParsedFile {
  file: WeightsFile
  /** Tensors in file order. */
  tensors: FileTensor[]
  /** Distinct storage elements (PyTorch); the tensors' elements otherwise. */
  paramsDedup?: bigint
  /** For each tensor, the index of an earlier tensor that is the very same tensor (one storage, offset, shape, strides), or -1. */
  aliasOf?: number[]
  pickle?: PickleInfo
  checkpoint?: CheckpointInfo
  /** Tensors that are the model inside a checkpoint, with their names inside the model (`conv1.weight`). */
  modelTensors?: Array<{ index: number; name: string }>
  /** Class names of pickled modules by path (`''` for the root, `conv1`): whole-module pickles only. */
  moduleTypes?: Map<string, string>
  /** Paths under which a pickled module is reached again (`tied` → `l.0`): one module under two names. */
  moduleAliases?: Map<string, string>
  warnings?: string[]
}

/**
 * Last name parts of tensors that PyTorch modules register as buffers, not parameters: BatchNorm's running
 * statistics, rotary embeddings' inverse frequencies and caches, position-id tables.
 */
export const bufferNames: ReadonlySet<string> = new Set(['running_mean', 'running_var', 'num_batches_tracked', 'inv_freq', 'cos_cached', 'sin_cached', 'freqs_cis', 'position_ids', 'token_type_ids', 'masked_bias', 'moving_mean', 'moving_variance', 'rope_freqs'])

/**
 * Whether a tensor read from a file is a parameter or a buffer, when the file does not say: a buffer when its
 * last name part is one of {@link bufferNames} (or the part before a final `weight`, as GGUF's
 * `rope_freqs.weight`), or when its elements are not real numbers (integer and bool tensors cannot require
 * gradients); else a parameter.
 */
export function tensorKind(name: string, float: boolean): 'parameter' | 'buffer' {
  if (!float) return 'buffer'
  const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('/'))
  const last = name.slice(cut + 1)
  if (bufferNames.has(last)) return 'buffer'
  if (last !== 'weight' || cut <= 0) return 'parameter'
  const before = name.slice(0, cut)
  return bufferNames.has(before.slice(Math.max(before.lastIndexOf('.'), before.lastIndexOf('/')) + 1)) ? 'buffer' : 'parameter'
}

/** A JSON shape: a list of whole numbers from 0 to 2^53 − 1. `where` names the tensor for the message. */
export function parseShape(value: unknown, where: () => string): number[] {
  if (!Array.isArray(value)) malformed(`${where()} needs a \`shape\` list, got \`${JSON.stringify(value)?.slice(0, 60)}\`.`)
  if (value.length > 64) malformed(`${where()} has ${value.length} dimensions; nnsize reads at most 64.`)
  for (const d of value) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) malformed(`${where()} has dimension \`${JSON.stringify(d)}\`; dimensions are whole numbers from 0 to 2^53 − 1.`)
  }
  return value as number[]
}
