import { formatBytes, formatBytesAlike } from '../format/bytes.js'
import type { ByteUnits } from '../format/bytes.js'
import { formatCount } from '../format/number.js'
import { memoryLineKeys } from '../memory/basis.js'
import type { MemoryLine, MemoryLineKey } from '../memory/basis.js'
import type { Accelerator } from '../memory/gpus.js'
import type { FitLayout } from '../memory/fit.js'
import type { MemoryPlan } from '../memory/plan.js'
import type { AsBuiltDType } from '../memory/resolve.js'
import { memoryFormula } from './memory-formula.js'
import type { Table } from './table.js'
import { memoryLineLabels, memoryLineNouns } from './words.js'
import type { PresentOptions } from './words.js'

/** One line of a memory budget ready to show. */
export interface MemoryRow {
  key: MemoryLineKey | 'modelStates' | 'total' | 'offloadedCpu' | 'offloadedNvme' | 'cpuPerNode'
  /**
   * What the row is: a budget line, the total they add up to, or what one GPU moves off to CPU memory or NVMe. A
   * subtotal of several lines (the model states: weights, gradients, optimizer state) is a row of its own kind, and
   * so is the CPU memory one node needs for what its GPUs offload (`node`).
   */
  kind: 'line' | 'subtotal' | 'total' | 'offloaded' | 'node'
  label: string
  bytes: bigint
  /** `14.96 GiB` in the chosen units. */
  value: string
  /** The formula with the numbers filled in. */
  formula: string
}

/** Whose budget: the whole model before any split, or one GPU's share. */
export type MemoryScope = 'replica' | 'device'

/** Every row a budget can show, in order: the lines, the total, then what is offloaded. */
const ROW_ORDER = [...memoryLineKeys, 'total', 'offloadedCpu', 'offloadedNvme'] as const

/**
 * Whether a line is shown: every line that holds bytes, and the lines that explain a zero (activations not
 * counted, a KV cache without a context length); not the ones that cannot apply (no KV cache in training, no
 * gradients in inference, nothing gathered or offloaded).
 */
export function memoryLineShown(plan: MemoryPlan, key: (typeof ROW_ORDER)[number], line: MemoryLine): boolean {
  if (line.bytes > 0n) return true
  if (key === 'kvCache') return plan.mode !== 'training'
  if (key === 'gradients' || key === 'optimizerState') return plan.mode !== 'inference'
  if (key === 'stepGradients') return line.basis.kind === 'offloaded'
  return key !== 'gatheredWeights' && key !== 'offloadedCpu' && key !== 'offloadedNvme'
}

/**
 * The lines of a memory plan, in budget order: the whole replica (`scope: 'replica'`) or one GPU's share
 * (`scope: 'device'`, with the gathered working set of ZeRO-3/FSDP and what is offloaded), the lines that do not
 * apply left out (see {@link memoryLineShown}).
 */
export function memoryRows(plan: MemoryPlan, options: PresentOptions & { scope?: MemoryScope | undefined } = {}): MemoryRow[] {
  const units = options.units ?? 'iec'
  const scope = options.scope ?? 'replica'
  const lines = (scope === 'device' ? plan.perDevice : plan.memory) as Partial<Record<(typeof ROW_ORDER)[number], MemoryLine>>
  const rows: MemoryRow[] = []
  for (const key of ROW_ORDER) {
    const line = lines[key]
    if (!line || !memoryLineShown(plan, key, line)) continue
    if (key === 'total') {
      const t = totalText(plan, scope, units)
      rows.push({ key, kind: 'total', label: memoryLineLabels.total, bytes: line.bytes, value: t.value, formula: t.formula })
      continue
    }
    const kind = key === 'offloadedCpu' || key === 'offloadedNvme' ? 'offloaded' : 'line'
    rows.push({ key, kind, label: key === 'offloadedCpu' || key === 'offloadedNvme' ? memoryLineLabels[key] : memoryLineLabel(plan, key), bytes: line.bytes, value: formatBytes(line.bytes, units), formula: memoryFormula(line, options) })
    if (key === 'optimizerState' && plan.mode === 'training') {
      const s = modelStates(plan, scope)
      rows.push({ key: 'modelStates', kind: 'subtotal', label: memoryLineLabels.modelStates, bytes: s.deviceBytes, value: formatBytes(s.deviceBytes, units), formula: modelStatesFormula(plan, s) })
    }
  }
  if (scope === 'device' && plan.perNode.cpuBytes > 0n) {
    const n = plan.perNode
    rows.push({ key: 'cpuPerNode', kind: 'node', label: memoryLineLabels.cpuPerNode, bytes: n.cpuBytes, value: formatBytes(n.cpuBytes, units), formula: cpuPerNodeFormula(plan, units) })
  }
  return rows
}

/** The optimizer's own state basis under any split, shard or offload of its line. */
function optimizerBasis(line: MemoryLine): Extract<MemoryLine['basis'], { kind: 'optimizer-state' }> | undefined {
  let b = line.basis
  while (b.kind === 'split' || b.kind === 'sharded' || b.kind === 'offloaded') b = b.of.basis
  return b.kind === 'optimizer-state' ? b : undefined
}

/**
 * The model states of a training plan — weights + gradients + optimizer state — on the device (`deviceBytes`), and
 * the optimizer state PyTorch keeps on the CPU besides (`hostBytes`: Adam's `step` counters for CUDA parameters).
 */
export interface ModelStates {
  weights: bigint
  gradients: bigint
  optimizerState: bigint
  deviceBytes: bigint
  /** The optimizer's entries on the device (`exp_avg`, `exp_avg_sq`, float32 master weights). */
  optimizerEntries: string[]
  hostBytes: bigint
  /** The entries on the CPU (`step`). */
  hostEntries: string[]
}

/** The model-states subtotal of the whole replica or of one GPU's share. */
export function modelStates(plan: MemoryPlan, scope: MemoryScope = 'replica'): ModelStates {
  const lines = scope === 'device' ? plan.perDevice : plan.memory
  const basis = optimizerBasis(lines.optimizerState)
  const names = basis ? basis.entries.map((e) => e.name) : []
  if (basis && basis.masterWeightElements > 0n) names.push('float32 master weights')
  // CPU-held state is the replica's: a split or sharded line says nothing of how it divides
  const host = basis && lines.optimizerState.basis === basis ? basis.hostEntries : []
  const weights = lines.weights.bytes
  const gradients = lines.gradients.bytes
  const optimizerState = lines.optimizerState.bytes
  return {
    weights,
    gradients,
    optimizerState,
    deviceBytes: weights + gradients + optimizerState,
    optimizerEntries: names,
    hostBytes: host.length > 0 && basis ? basis.hostBytes : 0n,
    hostEntries: host.map((e) => e.name),
  }
}

/** `weights 1,180,672 B + gradients 1,180,672 B + optimizer state (exp_avg, exp_avg_sq) 2,361,344 B = 4,722,688 B on the GPU; + step 8 B on the CPU`. */
function modelStatesFormula(plan: MemoryPlan, s: ModelStates): string {
  const b = (bytes: bigint): string => `${formatCount(bytes)} B`
  const optimizer = `optimizer state${s.optimizerEntries.length > 0 ? ` (${s.optimizerEntries.join(', ')})` : ''}`
  const sum = `weights ${b(s.weights)} + gradients ${b(s.gradients)} + ${optimizer} ${b(s.optimizerState)} = ${b(s.deviceBytes)}`
  if (plan.options.device === 'cpu') return sum
  return `${sum} on the GPU${s.hostBytes > 0n ? `; + ${s.hostEntries.join(', ')} ${b(s.hostBytes)} on the CPU` : ''}`
}

/** `8 GPUs × (optimizer state 10.50 GiB + fp32 gradient partition 3.50 GiB = 14.00 GiB) = 112.00 GiB, pinned host memory`. */
function cpuPerNodeFormula(plan: MemoryPlan, units: ByteUnits): string {
  const d = plan.perDevice.offloadedCpu
  const parts = d.basis.kind === 'offload-total' ? d.basis.parts : []
  const n = plan.perNode.gpus
  const text = formatBytesAlike([...parts.map((p) => p.bytes), d.bytes, plan.perNode.cpuBytes], units)
  const each = parts.length > 1 ? `(${parts.map((p, i) => `${memoryLineNouns[p.line]} ${text[i]}`).join(' + ')} = ${text[parts.length]})` : `${parts.length === 1 ? `${memoryLineNouns[parts[0]!.line]} ` : ''}${text[parts.length]}`
  return `${n} GPU${n === 1 ? '' : 's'} of one node × ${each} = ${text.at(-1)}`
}

/** The total's value and formula, its parts named and written in one unit with the decimals they need to add up visibly. */
function totalText(plan: MemoryPlan, scope: MemoryScope, units: ByteUnits): { value: string; formula: string } {
  const lines = scope === 'device' ? plan.perDevice : plan.memory
  const parts: Array<[string, bigint]> = []
  if (plan.mode === 'training') parts.push(['model states', modelStates(plan, scope).deviceBytes])
  else parts.push([memoryLineNouns.weights, lines.weights.bytes])
  parts.push([memoryLineNouns.activations, lines.activations.bytes], [memoryLineNouns.kvCache, lines.kvCache.bytes])
  if (scope === 'device') parts.push([memoryLineNouns.stepGradients, plan.perDevice.stepGradients.bytes], [memoryLineNouns.gatheredWeights, plan.perDevice.gatheredWeights.bytes])
  parts.push([memoryLineNouns.overhead, lines.overhead.bytes])
  const shown = parts.filter(([, bytes]) => bytes > 0n)
  const text = formatBytesAlike([...shown.map(([, bytes]) => bytes), lines.total.bytes], units)
  const value = text.at(-1)!
  return { value, formula: shown.length === 0 ? `0 B = ${value}` : `${shown.map(([name], i) => `${name} ${text[i]}`).join(' + ')} = ${value}` }
}

/** The memory budget as a table: Line, Bytes, Formula (one GPU's share with `scope: 'device'`). */
export function memoryTable(plan: MemoryPlan, options: PresentOptions & { scope?: MemoryScope | undefined } = {}): Table {
  return {
    columns: [
      { key: 'label', header: options.scope === 'device' ? 'Per GPU' : 'Memory', align: 'left' },
      { key: 'value', header: 'Bytes', align: 'right' },
      { key: 'formula', header: 'Formula', align: 'left' },
    ],
    rows: memoryRows(plan, options).map((r) => [r.label, r.value, r.formula]),
  }
}

const AS_BUILT_SOURCES: Readonly<Record<AsBuiltDType['source'], string>> = {
  'config torch_dtype': "from the config's torch_dtype",
  'config dtype': "from the config's dtype",
  catalogue: "the published checkpoint's dtype",
  'weights file': 'as stored in the weights file',
  default: "the config names no dtype: PyTorch's default",
  built: 'as built',
}

/** What `auto` resolved to, and why: `bfloat16, from the config's torch_dtype`, `float32, as built`. */
export function describeAsBuilt(asBuilt: AsBuiltDType): string {
  return `${asBuilt.mixed ? 'mostly ' : ''}${asBuilt.dtype}, ${AS_BUILT_SOURCES[asBuilt.source]}`
}

/** `training · torch.optim.AdamW(lr=0.0001) · bf16-mixed · batch 8 · 8 GPUs · ZeRO-3`: the plan's settings in one line. */
export function describeMemoryOptions(plan: MemoryPlan): string {
  const o = plan.options
  const parts: string[] = [o.mode]
  if (o.optimizer) parts.push(o.optimizer)
  const chosen = o.mode === 'training' ? o.precision : o.weights
  const resolved = chosen === 'auto' ? describeAsBuilt(o.asBuilt) : chosen
  parts.push(o.mode === 'training' ? `precision ${resolved}` : `weights ${resolved}`)
  parts.push(`batch ${formatCount(o.batch)}`)
  if (o.gradAccumulation > 1) parts.push(`${o.gradAccumulation} accumulation steps`)
  if (o.contextLength !== null) parts.push(`context ${formatCount(o.contextLength)} tokens`)
  if (o.checkpointing !== 'none') parts.push(`${o.checkpointing} checkpointing`)
  if (o.lora) parts.push(`${o.lora.quantizeBase ? 'QLoRA' : 'LoRA'} r=${o.lora.rank}`)
  if (o.gpus > 1) parts.push(`${formatCount(o.gpus)} GPUs${o.nodes > 1 ? ` on ${formatCount(o.nodes)} nodes of ${o.gpusPerNode}` : ''}`)
  if (o.tensorParallel > 1) parts.push(`tensor parallel ${o.tensorParallel}`)
  if (o.pipelineParallel > 1) parts.push(`pipeline parallel ${o.pipelineParallel}`)
  if (o.zero !== null) parts.push(`ZeRO-${o.zero}`)
  if (o.fsdp !== null) parts.push(`FSDP ${o.fsdp}`)
  if (o.offloadOptimizer !== 'none') parts.push(`optimizer offload to ${o.offloadOptimizer}`)
  if (o.offloadParams !== 'none') parts.push(`parameter offload to ${o.offloadParams}`)
  if (o.estimator !== 'nnsize') parts.push(`with DeepSpeed's estimate`)
  return parts.join(' · ')
}

/** True when one GPU's share differs from the whole replica (several GPUs, model parallelism or offload). */
export function memoryIsSplit(plan: MemoryPlan): boolean {
  const o = plan.options
  return o.gpus > 1 || o.tensorParallel > 1 || o.pipelineParallel > 1 || o.offloadOptimizer !== 'none' || o.offloadParams !== 'none'
}

/** `16 GPUs: data parallel 16 × tensor 1 × pipeline 1`: how one GPU's share is cut. */
export function describeLayout(plan: MemoryPlan): string {
  const o = plan.options
  return `${formatCount(o.gpus)} GPUs: data parallel ${o.dataParallel} × tensor ${o.tensorParallel} × pipeline ${o.pipelineParallel}`
}

/** An accelerator's name: the catalogue's, or `a 24.00 GiB GPU` for a size given. */
export function acceleratorName(gpu: Accelerator): string {
  return gpu.id === 'custom' || gpu.name === '' ? `a ${formatBytes(gpu.bytes)} GPU` : gpu.name
}

const FIT_LAYOUTS: Readonly<Record<FitLayout, string>> = {
  'data-parallel': 'data parallel',
  'zero-1': 'ZeRO-1',
  'zero-2': 'ZeRO-2',
  'zero-3': 'ZeRO-3',
  'tensor-parallel': 'tensor parallel',
}

/** Whether it fits, in words: the verdict sentence and what would fit. */
export interface FitSummary {
  fits: boolean
  /** `Fits`, `Does not fit`, or `Weights and states fit` when a line could not be counted. */
  headline: string
  /** `fits on NVIDIA H100 80GB with 12.30 GiB to spare (67.70 GiB of 80.00 GiB)`. */
  sentence: string
  /** `GPUs needed: 2`, `largest batch per GPU: 14`. */
  details: string[]
}

/** The "does it fit" sentence and its details, or undefined when no GPU was given. */
export function fitSummary(plan: MemoryPlan, options: PresentOptions = {}): FitSummary | undefined {
  const f = plan.fit
  if (!f) return undefined
  const units = options.units ?? 'iec'
  const fb = (bytes: bigint): string => formatBytes(bytes, units)
  const name = acceleratorName(f.gpu)
  const missing = f.notCounted.map((key) => memoryLineNouns[key])
  const partial = missing.length > 0
  // with a line not counted, a verdict is about what was counted, and says so
  const counted = plan.mode === 'training' ? 'weights and states' : plan.memory.kvCache.bytes > 0n ? 'the weights and KV cache' : 'the weights'
  const notCounted = partial ? `; ${missing.join(' and ')} not counted` : ''
  const sentence = f.fits
    ? `${partial ? `${counted} fit` : 'fits'} on ${name} with ${fb(f.spareBytes)} to spare (${fb(f.neededBytes)} of ${fb(f.capacityBytes)})${notCounted}`
    : `does not fit on ${name}: needs ${fb(f.neededBytes)} of ${fb(f.capacityBytes)} (${fb(f.shortfallBytes)} short)${partial ? `, without the ${missing.join(' and ')}` : ''}`
  const headline = f.fits ? (partial ? `${counted.replace(/^the /, '').replace(/^./, (c) => c.toUpperCase())} fit` : 'Fits') : 'Does not fit'
  const details: string[] = []
  if (f.gpusNeeded !== null) details.push(`GPUs needed: ${f.gpusNeeded}`)
  if (f.largestBatch !== null) details.push(`largest batch per GPU: ${formatCount(f.largestBatch)}`)
  if (f.longestContext !== null) details.push(`longest context: ${formatCount(f.longestContext)} tokens`)
  if (f.gpusByLayout.length > 1) details.push(`fewest GPUs by layout: ${f.gpusByLayout.map((g) => `${FIT_LAYOUTS[g.layout]} ${g.gpus === null ? 'none' : formatCount(g.gpus)}`).join(', ')}`)
  return { fits: f.fits, headline, sentence, details }
}

/** One node's share: its GPUs' memory and what its ranks offload, with the products written out. */
export function perNodeText(plan: MemoryPlan, options: PresentOptions = {}): string {
  const units = options.units ?? 'iec'
  const fb = (bytes: bigint): string => formatBytes(bytes, units)
  const n = plan.perNode.gpus
  const d = plan.perDevice
  return `${n} GPU${n === 1 ? '' : 's'} × ${fb(d.total.bytes)} = ${fb(plan.perNode.deviceBytes)} of GPU memory${d.offloadedCpu.bytes > 0n ? `; ${n} × ${fb(d.offloadedCpu.bytes)} = ${fb(plan.perNode.cpuBytes)} of CPU memory` : ''}${d.offloadedNvme.bytes > 0n ? `; ${n} × ${fb(d.offloadedNvme.bytes)} = ${fb(plan.perNode.nvmeBytes)} on NVMe` : ''}`
}

/** One segment of the stacked memory chart: a per-GPU line, its bytes, and where it sits as a share of the chart's width. */
export interface ChartSegment {
  key: MemoryLineKey
  label: string
  bytes: bigint
  /** Left edge and width in percent of the chart. */
  x: number
  width: number
}

/** The stacked memory chart of one GPU: the model's own lines, the framework reserve apart, and the capacity. */
export interface MemoryChart {
  /** The model's lines (every non-empty line but the reserve), as percentages of the larger of the total and the capacity. */
  segments: ChartSegment[]
  /** The framework reserve, stacked after the model's lines and drawn apart; undefined when it is 0. */
  reserve: ChartSegment | undefined
  /** The capacity line, when a GPU was given. */
  capacityX: number | undefined
  /** The model's own bytes (everything but the reserve). */
  modelBytes: bigint
  /**
   * The model's lines again as percentages of the model's own bytes, when they would be hard to read on the main
   * chart (under a fifth of it): a reserve or a large GPU must not hide a small model's memory.
   */
  zoom: ChartSegment[] | undefined
}

/** A line's label in this plan: the KV cache names the dtype its entries are stored in (`KV cache (fp8)`). */
export function memoryLineLabel(plan: MemoryPlan, key: MemoryLineKey): string {
  if (key === 'kvCache' && plan.mode === 'inference') return `${memoryLineLabels.kvCache} (${plan.options.kvCacheDType})`
  return memoryLineLabels[key]
}

/**
 * The stacked chart of one GPU's lines against its capacity: the model's lines as segments, the framework reserve
 * as a segment of its own, the capacity line, and a zoomed view of the model's lines when they are small.
 */
export function memoryChart(plan: MemoryPlan): MemoryChart {
  const total = plan.perDevice.total.bytes
  const capacity = plan.fit?.capacityBytes
  const scale = capacity !== undefined && capacity > total ? capacity : total
  const percentOf = (bytes: bigint, of: bigint): number => (of === 0n ? 0 : Number((bytes * 1_000_000n) / of) / 10_000)
  const stack = (of: bigint): ChartSegment[] => {
    const out: ChartSegment[] = []
    let offset = 0n
    for (const key of memoryLineKeys) {
      const bytes = plan.perDevice[key].bytes
      if (bytes === 0n || key === 'overhead') continue
      out.push({ key, label: memoryLineLabel(plan, key), bytes, x: percentOf(offset, of), width: percentOf(bytes, of) })
      offset += bytes
    }
    return out
  }
  const reserveBytes = plan.perDevice.overhead.bytes
  const modelBytes = total - reserveBytes
  const reserve = reserveBytes > 0n ? { key: 'overhead' as const, label: memoryLineLabels.overhead, bytes: reserveBytes, x: percentOf(modelBytes, scale), width: percentOf(reserveBytes, scale) } : undefined
  const small = modelBytes > 0n && modelBytes * 5n < scale
  return { segments: stack(scale), reserve, capacityX: capacity === undefined ? undefined : percentOf(capacity, scale), modelBytes, zoom: small ? stack(modelBytes) : undefined }
}
