import { ceilDiv, line } from './basis.js'
import type { MemoryLine, MemoryLineKey, ReplicaLineKey } from './basis.js'
import type { Layout, OffloadTarget } from './resolve.js'

/** The whole model's budget before any split, with the lines that grow with the batch as functions of it. */
export interface Replica {
  weights: MemoryLine
  gradients: MemoryLine
  optimizerState: MemoryLine
  /** Bytes of the largest module's own parameters plus their gradients (ZeRO-3/FSDP gather them at once). */
  gatherBytes: bigint
  gatherModule: string
  /**
   * Trainable elements whose gradients ZeRO's optimizer step turns into a float32 partition (DeepSpeed ZeRO with
   * float32 master weights); 0 when it makes none.
   */
  stepGradientElements: bigint
  activations: (batch: number) => MemoryLine
  kvCache: (batch: number) => MemoryLine
  overhead: MemoryLine
}

/** One GPU's lines: the budget keys, the total, and what it offloads to CPU memory and NVMe. */
export type DeviceLines = Record<MemoryLineKey | 'total' | 'offloadedCpu' | 'offloadedNvme', MemoryLine>

const total = (parts: readonly MemoryLine[]): MemoryLine => {
  const bytes = parts.reduce((s, p) => s + p.bytes, 0n)
  return line(bytes, { kind: 'total', parts: parts.map((p) => p.bytes) })
}

/** The whole model's budget at one batch, with its total. */
export function replicaLines(r: Replica, batch: number): Record<ReplicaLineKey | 'total', MemoryLine> {
  const lines = { weights: r.weights, gradients: r.gradients, optimizerState: r.optimizerState, activations: r.activations(batch), kvCache: r.kvCache(batch), overhead: r.overhead }
  return { ...lines, total: total([lines.weights, lines.gradients, lines.optimizerState, lines.activations, lines.kvCache, lines.overhead]) }
}

/**
 * One GPU's share under a layout: model states divided over tensor × pipeline parallelism, then sharded over the
 * data-parallel ranks by ZeRO's stage (or the FSDP strategy's), then offloaded; activations divided by tensor
 * parallelism (with sequence parallelism) in training; the KV cache divided over both; and ZeRO-3/FSDP's gathered
 * working set.
 */
export function perDevice(r: Replica, l: Layout, batch: number, training: boolean): DeviceLines {
  const mp = BigInt(l.tp * l.pp)
  const split = (m: MemoryLine, key: ReplicaLineKey): MemoryLine => (mp > 1n ? line(ceilDiv(m.bytes, mp), { kind: 'split', of: m, line: key, tensorParallel: l.tp, pipelineParallel: l.pp }) : m)
  const shards = BigInt(l.shard)
  const sharded = (m: MemoryLine, key: ReplicaLineKey): MemoryLine => {
    const base = split(m, key)
    if (shards <= 1n) return base
    return line(ceilDiv(base.bytes, shards), { kind: 'sharded', of: base, line: key, shards: l.shard, modelParallel: mp > 1n })
  }
  let weights = l.stage >= 3 ? sharded(r.weights, 'weights') : split(r.weights, 'weights')
  let gradients = l.stage >= 2 ? sharded(r.gradients, 'gradients') : split(r.gradients, 'gradients')
  let optimizerState = l.stage >= 1 ? sharded(r.optimizerState, 'optimizerState') : split(r.optimizerState, 'optimizerState')
  const moved: Record<'cpu' | 'nvme', Array<{ line: MemoryLineKey; bytes: bigint }>> = { cpu: [], nvme: [] }
  const offload = (m: MemoryLine, target: OffloadTarget, key: MemoryLineKey): MemoryLine => {
    if (target === 'none' || m.bytes === 0n) return m
    moved[target].push({ line: key, bytes: m.bytes })
    return line(0n, { kind: 'offloaded', of: m, line: key, target })
  }
  if (l.fsdp && l.offloadParams !== 'none') {
    weights = offload(weights, l.offloadParams, 'weights')
    gradients = offload(gradients, l.offloadParams, 'gradients')
    optimizerState = offload(optimizerState, l.offloadParams, 'optimizerState')
  } else {
    optimizerState = offload(optimizerState, l.offloadOptimizer, 'optimizerState')
    if (l.stage >= 2) gradients = offload(gradients, l.offloadOptimizer, 'gradients')
    weights = offload(weights, l.offloadParams, 'weights')
  }
  let stepGradients = stepGradientsLine(r.stepGradientElements, l, mp)
  if (stepGradients.bytes > 0n && l.offloadOptimizer !== 'none') {
    const target = l.offloadOptimizer
    // ZeRO-1/2 with offload copy each gradient straight into the pinned float32 partition: no 16-bit copy stays there
    if (l.stage === 2 && gradients.basis.kind === 'offloaded') {
      moved[target] = moved[target].filter((p) => p.line !== 'gradients')
      gradients = line(0n, { ...gradients.basis, into: 'stepGradients' })
    }
    stepGradients = offload(stepGradients, target, 'stepGradients')
  }
  const gathering = l.stage >= 3 && l.shard > 1
  const gatheredWeights = gathering ? line(ceilDiv(r.gatherBytes, mp), { kind: 'gathered', module: r.gatherModule }) : line(0n, { kind: 'empty', reason: l.stage >= 3 ? 'nothing-gathered' : 'not-sharded' })
  const act = r.activations(batch)
  const activations = l.tp > 1 && training ? line(ceilDiv(act.bytes, BigInt(l.tp)), { kind: 'tensor-parallel', of: act, tensorParallel: l.tp }) : act
  const kvAll = r.kvCache(batch)
  const kvCache = mp > 1n && kvAll.bytes > 0n ? line(ceilDiv(kvAll.bytes, mp), { kind: 'kv-split', of: kvAll, tensorParallel: l.tp, pipelineParallel: l.pp }) : kvAll
  const offloaded = (target: 'cpu' | 'nvme'): MemoryLine => line(moved[target].reduce((s, p) => s + p.bytes, 0n), { kind: 'offload-total', target, parts: moved[target] })
  return {
    weights,
    gradients,
    optimizerState,
    activations,
    kvCache,
    stepGradients,
    gatheredWeights,
    overhead: r.overhead,
    total: total([weights, gradients, optimizerState, stepGradients, activations, kvCache, gatheredWeights, r.overhead]),
    offloadedCpu: offloaded('cpu'),
    offloadedNvme: offloaded('nvme'),
  }
}

/** DeepSpeed ZeRO-3's default `sub_group_size` (elements the optimizer steps at a time). */
export const zero3SubGroupElements = 1_000_000_000n

/**
 * The float32 gradients ZeRO's optimizer step allocates for one rank's partition. ZeRO-1/2
 * (`stage_1_and_2.py`) turn the partition's gradients into float32 (`single_partition_of_fp32_groups[i].grad`)
 * for each parameter group it steps; ZeRO-3 (`stage3.py`) does so one sub-group at a time
 * (`fp32_partitioned_groups_flat[i].grad`, at most `sub_group_size` elements). One parameter group is assumed.
 */
function stepGradientsLine(elements: bigint, l: Layout, mp: bigint): MemoryLine {
  if (elements === 0n || l.fsdp || l.stage === 0) return line(0n, { kind: 'empty', reason: 'no-step-gradients' })
  const partitionElements = ceilDiv(ceilDiv(elements, mp), BigInt(l.shard))
  const subGroupElements = l.stage === 3 ? zero3SubGroupElements : null
  const held = subGroupElements !== null && subGroupElements < partitionElements ? subGroupElements : partitionElements
  const replacesGradients = l.stage === 2 && l.offloadOptimizer !== 'none'
  return line(4n * held, { kind: 'step-gradients', elements, modelParallel: Number(mp), shards: l.shard, partitionElements, subGroupElements, stage: l.stage, replacesGradients })
}

/** Only the per-GPU total (the fit search asks for it often). */
export function deviceTotal(r: Replica, l: Layout, batch: number, training: boolean): bigint {
  return perDevice(r, l, batch, training).total.bytes
}
