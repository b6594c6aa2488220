import type { Analysis } from '../analyze.js'
import type { MemoryLine } from '../memory/basis.js'
import type { MemoryPlan } from '../memory/plan.js'
import { formatShape } from '../tensor/shape.js'
import { formatBytes } from '../format/bytes.js'
import type { ByteUnits } from '../format/bytes.js'
import { analysisToJSON } from '../format/json.js'
import type { AnalysisJSON, JSONInteger } from '../format/json.js'
import { decimal, formatCount, jsonInteger } from '../format/number.js'
import { memoryPlanToJSON } from './memory-json.js'
import type { MemoryPlanJSON } from './memory-json.js'
import type { Table } from './table.js'
import type { PresentOptions } from './words.js'

/** One quantity of two analyses side by side. */
export interface ComparisonRow {
  /** Stable key (`params`, `paramBytes`, `macs`, …). */
  key: string
  label: string
  a: bigint
  b: bigint
  /** `b − a`. */
  delta: bigint
  /** Display strings. */
  aText: string
  bText: string
  /** `"−256 (−0.09%)"`, `"+1.00 MiB (+100.00%)"`, `"same"`. */
  deltaText: string
}

/** A tensor that differs between the two analyses. */
export interface TensorDifference {
  name: string
  /** `only-a`, `only-b`, or `changed` (shape or dtype). */
  change: 'only-a' | 'only-b' | 'changed'
  /** `"(256) float32"`, absent on the side that lacks it. */
  a?: string | undefined
  b?: string | undefined
}

/** Two analyses side by side. */
export interface Comparison {
  a: Analysis
  b: Analysis
  /** Memory plans of each side, when memory options were given. */
  plans?: { a: MemoryPlan; b: MemoryPlan } | undefined
  rows: ComparisonRow[]
  tensors: TensorDifference[]
}

function signed(delta: bigint, text: (abs: bigint) => string): string {
  if (delta === 0n) return '0'
  return `${delta > 0n ? '+' : '−'}${text(delta > 0n ? delta : -delta)}`
}

function relative(delta: bigint, base: bigint): string {
  if (delta === 0n) return ''
  if (base === 0n) return ' (new)'
  const abs = delta > 0n ? delta : -delta
  return ` (${delta > 0n ? '+' : '−'}${decimal(abs * 100n, base, 2)}%)`
}

function row(key: string, label: string, a: bigint, b: bigint, show: (v: bigint) => string): ComparisonRow {
  const delta = b - a
  return { key, label, a, b, delta, aText: show(a), bText: show(b), deltaText: delta === 0n ? 'same' : `${signed(delta, show)}${relative(delta, a)}` }
}

function describeTensor(t: Analysis['tensors'][number]): string {
  return `${formatShape(t.shape)} ${t.dtype}${t.kind === 'buffer' ? ' buffer' : t.trainable ? '' : ' frozen'}`
}

/**
 * Compares two analyses (with vs without bias, bf16 vs fp32, two architectures): every count
 * and byte figure with its difference `b − a` and the relative change, and which tensors
 * appear on one side only or changed shape, dtype or trainability.
 */
export function compareAnalyses(a: Analysis, b: Analysis, options: { units?: ByteUnits | undefined; plans?: { a: MemoryPlan; b: MemoryPlan } | undefined } = {}): Comparison {
  const units = options.units ?? 'iec'
  const count = (v: bigint): string => formatCount(v)
  const bytes = (v: bigint): string => formatBytes(v, units)
  const rows: ComparisonRow[] = [
    row('params', 'Parameters', a.params.total, b.params.total, count),
    row('trainable', 'Trainable', a.params.trainable, b.params.trainable, count),
    row('frozen', 'Frozen', a.params.frozen, b.params.frozen, count),
    row('buffers', 'Buffers', a.buffers.total, b.buffers.total, count),
    row('paramBytes', 'Parameter memory', a.params.bytes, b.params.bytes, bytes),
    row('bufferBytes', 'Buffer memory', a.buffers.bytes, b.buffers.bytes, bytes),
    row('tensors', 'Tensors', BigInt(a.tensors.length), BigInt(b.tensors.length), count),
  ]
  if (a.forward && b.forward) {
    rows.push(
      row('macs', 'MACs', a.forward.macs, b.forward.macs, count),
      row('flops', 'FLOPs', 2n * a.forward.macs, 2n * b.forward.macs, count),
      row('backwardMacs', 'Backward MACs', a.forward.backwardMacs, b.forward.backwardMacs, count),
      row('savedBytes', 'Activations', a.forward.savedBytes, b.forward.savedBytes, bytes),
      row('inferencePeakBytes', 'Inference peak', a.forward.inferencePeakBytes, b.forward.inferencePeakBytes, bytes),
    )
  }
  const plans = options.plans
  if (plans) {
    const labels: ReadonlyArray<readonly [string, string]> = [
      ['weights', 'Memory: weights'],
      ['gradients', 'Memory: gradients'],
      ['optimizerState', 'Memory: optimizer state'],
      ['activations', 'Memory: activations'],
      ['kvCache', 'Memory: KV cache'],
      ['overhead', 'Memory: overhead'],
      ['total', 'Memory: total'],
    ]
    const pick = (plan: MemoryPlan, key: string): bigint => ((plan.memory as Record<string, MemoryLine>)[key] ?? { bytes: 0n }).bytes
    for (const [key, label] of labels) {
      const x = pick(plans.a, key)
      const y = pick(plans.b, key)
      if (x === 0n && y === 0n) continue
      rows.push(row(`memory.${key}`, label, x, y, bytes))
    }
    if (plans.a.options.gpus > 1 || plans.b.options.gpus > 1 || plans.a.perDevice.total.bytes !== plans.a.memory.total.bytes || plans.b.perDevice.total.bytes !== plans.b.memory.total.bytes) {
      rows.push(row('perDevice.total', 'Per GPU: total', plans.a.perDevice.total.bytes, plans.b.perDevice.total.bytes, bytes))
    }
  }
  const tensors: TensorDifference[] = []
  const inB = new Map(b.tensors.map((t) => [`${t.kind}:${t.name}`, t]))
  const inA = new Set(a.tensors.map((t) => `${t.kind}:${t.name}`))
  for (const t of a.tensors) {
    const other = inB.get(`${t.kind}:${t.name}`)
    if (!other) tensors.push({ name: t.name, change: 'only-a', a: describeTensor(t) })
    else if (describeTensor(t) !== describeTensor(other)) tensors.push({ name: t.name, change: 'changed', a: describeTensor(t), b: describeTensor(other) })
  }
  for (const t of b.tensors) if (!inA.has(`${t.kind}:${t.name}`)) tensors.push({ name: t.name, change: 'only-b', b: describeTensor(t) })
  return { a, b, ...(plans ? { plans } : {}), rows, tensors }
}

/** The comparison as a table: Quantity, A, B, Difference. Headers default to `A` and `B`. */
export function comparisonTable(comparison: Comparison, headers: { a?: string; b?: string } = {}): Table {
  return {
    columns: [
      { key: 'label', header: 'Quantity', align: 'left' },
      { key: 'a', header: headers.a ?? 'A', align: 'right' },
      { key: 'b', header: headers.b ?? 'B', align: 'right' },
      { key: 'delta', header: 'Difference', align: 'right' },
    ],
    rows: comparison.rows.map((r) => [r.label, r.aText, r.bText, r.deltaText]),
  }
}

/** JSON form of a comparison: both analyses as `--json` prints them and the exact differences `b − a`. */
export interface ComparisonJSON {
  a: AnalysisJSON & { memory?: MemoryPlanJSON }
  b: AnalysisJSON & { memory?: MemoryPlanJSON }
  difference: Record<string, JSONInteger>
  tensors: TensorDifference[]
}

/** Converts a comparison to JSON-safe data (integers above 2^53 − 1 as decimal strings). */
export function comparisonToJSON(comparison: Comparison, options: PresentOptions = {}): ComparisonJSON {
  return {
    a: { ...analysisToJSON(comparison.a), ...(comparison.plans ? { memory: memoryPlanToJSON(comparison.plans.a, options) } : {}) },
    b: { ...analysisToJSON(comparison.b), ...(comparison.plans ? { memory: memoryPlanToJSON(comparison.plans.b, options) } : {}) },
    difference: Object.fromEntries(comparison.rows.map((r) => [r.key, jsonInteger(r.delta)])),
    tensors: comparison.tensors,
  }
}
