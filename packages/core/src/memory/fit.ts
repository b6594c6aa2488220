import type { Notes } from './basis.js'
import type { Accelerator } from './gpus.js'
import { deviceTotal } from './layout.js'
import type { Replica } from './layout.js'
import type { Layout } from './resolve.js'

/** Does it fit, and what would. */
export interface FitResult {
  gpu: Accelerator
  capacityBytes: bigint
  fits: boolean
  /** The per-GPU total measured against the capacity. */
  neededBytes: bigint
  /** Free bytes when it fits, else 0. */
  spareBytes: bigint
  /** Missing bytes when it does not fit, else 0. */
  shortfallBytes: bigint
  /** Fewest GPUs (data-parallel shards for training with ZeRO/FSDP; tensor-parallel degree for inference) that fit; null when none would. */
  gpusNeeded: number | null
  /** Largest batch per device that fits; null when the batch does not change the estimate or is unbounded. */
  largestBatch: number | null
  /** Longest context (tokens per sequence) whose KV cache fits at the plan's batch; null when no length is sized. */
  longestContext: number | null
  /** The fewest GPUs for each way of laying the work out (training: data parallel, ZeRO-1/2/3, tensor parallel; inference: tensor parallel). */
  gpusByLayout: Array<{ layout: FitLayout; gpus: number | null }>
  /** Lines the verdict could not count (activations of a model without a forward trace, a KV cache without a length). */
  notCounted: Array<'activations' | 'kvCache'>
}

/** A way of laying the work out over GPUs, for {@link FitResult.gpusByLayout}. */
export type FitLayout = 'data-parallel' | 'zero-1' | 'zero-2' | 'zero-3' | 'tensor-parallel'

/** The most GPUs the search tries. */
const maxGpus = 1 << 20

/** The smallest `n` in 1…maxGpus with `fits(n)`, or null; `fits` must be monotone. */
function smallest(fits: (n: number) => boolean): number | null {
  if (!fits(maxGpus)) return null
  let lo = 1
  let hi = maxGpus
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (fits(mid)) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Fewest GPUs that fit: more data-parallel shards (training with ZeRO/FSDP) or a higher tensor-parallel degree (inference). */
function gpusNeeded(r: Replica, l: Layout, batch: number, cap: bigint, training: boolean, notes: Notes): number | null {
  if (!training) {
    const n = smallest((t) => deviceTotal(r, { ...l, tp: t, gpus: t * l.pp, dp: 1, shard: 1 }, batch, training) <= cap)
    return n === null ? null : n * l.pp
  }
  const mp = l.tp * l.pp
  if (l.stage === 0) {
    const fits = deviceTotal(r, l, batch, training) <= cap
    if (!fits) notes.add({ code: 'no-sharding-more-gpus' })
    return fits ? mp : null
  }
  const n = smallest((d) => deviceTotal(r, { ...l, dp: d, gpus: d * mp, shard: l.hybridGroup !== null ? Math.min(d, l.hybridGroup) : d }, batch, training) <= cap)
  return n === null ? null : n * mp
}

/** Largest batch per device that fits, extrapolated from batches 1 and 2 (activations and KV cache grow with it), then checked. */
function largestBatch(r: Replica, l: Layout, cap: bigint, training: boolean, batchMatters: boolean, notes: Notes): number | null {
  if (!batchMatters) return null
  const at1 = deviceTotal(r, l, 1, training)
  if (at1 > cap) return 0
  const at2 = deviceTotal(r, l, 2, training)
  if (at2 <= at1) return null
  // Saved tensors are affine in the batch: extrapolate from batches 1 and 2 instead of re-tracing every candidate.
  const slope = at2 - at1
  const max = 1_000_000_000n
  let best = (cap - at1) / slope + 1n
  if (best > max) best = max
  // Rounding in the per-device shares can make the extrapolation a little optimistic: check and step down.
  for (let i = 0; i < 4 && best > 1n && deviceTotal(r, l, Number(best), training) > cap; i++) best--
  notes.add({ code: 'largest-batch-extrapolated' })
  return Number(best)
}

/** The fewest GPUs for each layout, the others as in `l` (no offload, no hybrid sharding). */
function gpusByLayout(r: Replica, l: Layout, batch: number, cap: bigint, training: boolean): FitResult['gpusByLayout'] {
  const plain: Layout = { ...l, offloadOptimizer: 'none', offloadParams: 'none', fsdp: false, hybridGroup: null }
  const tensor = smallest((t) => deviceTotal(r, { ...plain, tp: t, pp: 1, gpus: t, dp: 1, shard: 1, stage: 0 }, batch, training) <= cap)
  if (!training) return [{ layout: 'tensor-parallel', gpus: tensor }]
  const mp = l.tp * l.pp
  const stages = [0, 1, 2, 3] as const
  const out: FitResult['gpusByLayout'] = stages.map((stage) => {
    if (stage === 0) return { layout: 'data-parallel' as const, gpus: deviceTotal(r, { ...plain, stage: 0, shard: 1, dp: 1, gpus: mp }, batch, training) <= cap ? mp : null }
    const n = smallest((d) => deviceTotal(r, { ...plain, stage, dp: d, gpus: d * mp, shard: d }, batch, training) <= cap)
    return { layout: `zero-${stage}` as const, gpus: n === null ? null : n * mp }
  })
  out.push({ layout: 'tensor-parallel', gpus: tensor })
  return out
}

/** The longest context that fits: the KV cache (inference) and a config's activations grow with the tokens. */
function longestContext(r: Replica, l: Layout, batch: number, cap: bigint, training: boolean, at: FitSearch['at'], maxTokens: number): number | null {
  if (at === null) return null
  const fits = (tokens: number): boolean => deviceTotal({ ...r, ...at(tokens) }, l, batch, training) <= cap
  if (!fits(1)) return 0
  if (fits(maxTokens)) return maxTokens
  let lo = 1
  let hi = maxTokens
  while (lo + 1 < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (fits(mid)) lo = mid
    else hi = mid
  }
  return lo
}

/** What else a fit search can vary: the KV cache at another context length. */
export interface FitSearch {
  /** The lines that grow with the tokens per sequence (KV cache, a config's activations) at `tokens`, or null when none does. */
  at: ((tokens: number) => Pick<Replica, 'kvCache' | 'activations'>) | null
  maxTokens: number
  notCounted: FitResult['notCounted']
}

/** Whether one GPU's share fits on `gpu`, how many GPUs would (for each layout), the largest batch and the longest context that do. */
export function fitOn(gpu: Accelerator, r: Replica, l: Layout, batch: number, neededBytes: bigint, training: boolean, batchMatters: boolean, notes: Notes, search: FitSearch): FitResult {
  const cap = gpu.bytes
  const fits = neededBytes <= cap
  return {
    gpu,
    capacityBytes: cap,
    fits,
    neededBytes,
    spareBytes: fits ? cap - neededBytes : 0n,
    shortfallBytes: fits ? 0n : neededBytes - cap,
    gpusNeeded: gpusNeeded(r, l, batch, cap, training, notes),
    largestBatch: largestBatch(r, l, cap, training, batchMatters, notes),
    longestContext: longestContext(r, l, batch, cap, training, search.at, search.maxTokens),
    gpusByLayout: gpusByLayout(r, l, batch, cap, training),
    notCounted: search.notCounted,
  }
}
