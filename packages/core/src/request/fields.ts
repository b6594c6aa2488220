/**
 * The fields of a request, by neutral id. Each app names them in its own words (the CLI's `--seq`, the
 * playground's "Context length"); errors and notes refer to them by these ids.
 */
export type FieldId =
  | 'source'
  | 'input'
  | 'entry'
  | 'call'
  | 'device'
  | 'torch'
  | 'units'
  | 'depth'
  | 'mode'
  | 'optimizer'
  | 'precision'
  | 'weights'
  | 'batch'
  | 'gradAccum'
  | 'checkpointing'
  | 'activationBytes'
  | 'overhead'
  | 'gpus'
  | 'gpusPerNode'
  | 'nodes'
  | 'estimator'
  | 'sharding'
  | 'offload'
  | 'offloadParams'
  | 'tp'
  | 'pp'
  | 'seq'
  | 'kvDtype'
  | 'lora'
  | 'qlora'
  | 'gpu'
  | 'tokens'
  | 'mfu'

/** What a field holds and where it goes in a shared link. */
export interface FieldSpec {
  id: FieldId
  /** Its key in a shared link's fragment (`b` for the batch): stable across versions. */
  share: string
  /** What the analysis needs (`input`), how results are shown (`view`), or the memory plan (`memory`). */
  group: 'input' | 'view' | 'memory'
  /** The plan mode a memory field applies to, when it applies to one only (ZeRO to training, the KV cache to inference). */
  mode?: 'training' | 'inference'
}

/** Every request field, in the order links write them. */
export const requestFields: readonly FieldSpec[] = [
  { id: 'source', share: 'src', group: 'input' },
  { id: 'entry', share: 'model', group: 'input' },
  { id: 'input', share: 'in', group: 'input' },
  { id: 'device', share: 'dev', group: 'input' },
  { id: 'torch', share: 'torch', group: 'input' },
  { id: 'mode', share: 'mode', group: 'memory' },
  { id: 'optimizer', share: 'opt', group: 'memory', mode: 'training' },
  { id: 'precision', share: 'prec', group: 'memory', mode: 'training' },
  { id: 'weights', share: 'w', group: 'memory', mode: 'inference' },
  { id: 'batch', share: 'b', group: 'memory' },
  { id: 'seq', share: 'seq', group: 'memory' },
  { id: 'gradAccum', share: 'accum', group: 'memory', mode: 'training' },
  { id: 'checkpointing', share: 'ckpt', group: 'memory', mode: 'training' },
  { id: 'gpus', share: 'gpus', group: 'memory' },
  { id: 'gpusPerNode', share: 'gpn', group: 'memory' },
  { id: 'nodes', share: 'nodes', group: 'memory' },
  { id: 'sharding', share: 'zero', group: 'memory', mode: 'training' },
  { id: 'tp', share: 'tp', group: 'memory' },
  { id: 'pp', share: 'pp', group: 'memory' },
  { id: 'offload', share: 'off', group: 'memory', mode: 'training' },
  { id: 'offloadParams', share: 'offp', group: 'memory', mode: 'training' },
  { id: 'estimator', share: 'est', group: 'memory', mode: 'training' },
  { id: 'lora', share: 'lora', group: 'memory', mode: 'training' },
  { id: 'qlora', share: 'qlora', group: 'memory', mode: 'training' },
  { id: 'kvDtype', share: 'kvdt', group: 'memory', mode: 'inference' },
  { id: 'activationBytes', share: 'act', group: 'memory' },
  { id: 'overhead', share: 'ovh', group: 'memory' },
  { id: 'gpu', share: 'gpu', group: 'memory' },
  { id: 'tokens', share: 'tok', group: 'memory', mode: 'training' },
  { id: 'mfu', share: 'mfu', group: 'memory', mode: 'training' },
  { id: 'units', share: 'units', group: 'view' },
  { id: 'depth', share: 'depth', group: 'view' },
]

/** The spec of a field. */
export const fieldSpec: Readonly<Record<FieldId, FieldSpec>> = Object.fromEntries(requestFields.map((f) => [f.id, f])) as Record<FieldId, FieldSpec>

/** The largest values the whole-number fields accept (anything above is a typo); every reader and writer checks the same. */
export const fieldLimits = {
  batch: { min: 1, max: 1_000_000_000 },
  seq: { min: 1, max: 2 ** 31 - 1 },
  gradAccum: { min: 1, max: 1_000_000 },
  gpus: { min: 1, max: 10_000_000 },
  gpusPerNode: { min: 1, max: 1024 },
  nodes: { min: 1, max: 1_000_000 },
  tp: { min: 1, max: 1_000_000 },
  pp: { min: 1, max: 1_000_000 },
  depth: { min: 0, max: 999_999 },
  /** Training tokens (`--tokens`): up to 10^18. */
  tokens: { min: 1, max: 1e18 },
  /** Model FLOPs utilisation as a fraction: above `min` (exclusive), at most `max`. */
  mfu: { min: 0, max: 1 },
} as const satisfies Partial<Record<FieldId, { min: number; max: number }>>
