import { formatCount } from '../format/number.js'
import type { DeepSpeedRow } from '../memory/deepspeed.js'
import type { DeepSpeedEstimate, MemoryPlan } from '../memory/plan.js'
import type { Table } from './table.js'

const GiB = 1024n ** 3n

/**
 * Bytes in GiB with two decimals, as Python's `f'{bytes / 2**30:.2f}'` prints them (DeepSpeed labels them "GB"):
 * rounded exactly, a tie to the even hundredth.
 */
export function deepspeedGB(bytes: bigint): string {
  const scaled = bytes * 100n
  let hundredths = scaled / GiB
  const rest = scaled % GiB
  if (rest * 2n > GiB || (rest * 2n === GiB && hundredths % 2n === 1n)) hundredths += 1n
  const whole = hundredths / 100n
  const frac = (hundredths % 100n).toString().padStart(2, '0')
  return `${whole}.${frac}`
}

/** A row's options as DeepSpeed prints them: `offload_param=cpu , offload_optimizer=none, zero_init=1`. */
export function deepspeedOptionsText(row: DeepSpeedRow, stage: 2 | 3): string {
  const device = (on: boolean): string => (on ? 'cpu ' : 'none')
  const parts = stage === 3 ? [`offload_param=${device(row.offloadParams)}`] : []
  parts.push(`offload_optimizer=${device(row.offloadOptimizer)}`)
  if (stage === 3) parts.push(`zero_init=${row.zeroInit ? 1 : 0}`)
  return parts.join(', ')
}

/** One printed line of DeepSpeed's table: ` 71.69GB |   0.12GB | offload_param=cpu , offload_optimizer=cpu , zero_init=1`. */
export function deepspeedPrintedLine(row: DeepSpeedRow, stage: 2 | 3): string {
  return ` ${deepspeedGB(row.cpuBytes).padStart(7)}GB | ${deepspeedGB(row.gpuBytes).padStart(6)}GB | ${deepspeedOptionsText(row, stage)}`
}

/** The three lines DeepSpeed prints above its table (hardware, model). */
export function deepspeedHeader(e: DeepSpeedEstimate): string[] {
  const millions = (n: bigint): string => String(n / 1_000_000n)
  return [
    'Estimated memory needed for params, optim states and gradients for a:',
    `HW: Setup with ${e.nodes} ${e.nodes > 1 ? 'nodes' : 'node'}, ${e.gpusPerNode} ${e.gpusPerNode > 1 ? 'GPUs' : 'GPU'} per node.`,
    `SW: Model with ${millions(e.totalParams)}M total params${e.stage === 3 ? `, ${millions(e.largestLayerParams)}M largest layer params` : ''}.`,
  ]
}

/** The whole printed estimate: DeepSpeed's header, its column line and one line per row. */
export function deepspeedPrinted(e: DeepSpeedEstimate): string[] {
  return [...deepspeedHeader(e), '  per CPU  |  per GPU |   Options', ...e.rows.map((r) => deepspeedPrintedLine(r, e.stage))]
}

const n = (v: bigint | number): string => formatCount(v)

/** How one row's GPU figure is computed, with its numbers: `4 × 131,072,000 + int(18 × 6,738,415,616 / 8) = 15,685,723,136 B`. */
export function deepspeedGpuFormula(e: DeepSpeedEstimate, row: DeepSpeedRow): string {
  const P = n(e.totalParams)
  const total = e.nodes * e.gpusPerNode
  const bytes = `${n(row.gpuBytes)} B`
  if (e.stage === 2) return row.offloadOptimizer ? `16-bit parameters 2 × ${P} = ${bytes}` : `16-bit parameters 2 × ${P} + int(18 × ${P} / ${total} GPUs) (16-bit and float32 gradients, float32 master weights, Adam's two moments, partitioned) = ${bytes}`
  const largest = `largest layer 4 × ${n(e.largestLayerParams)}`
  if (row.offloadParams) return `${largest} (its 16-bit parameters and gradients gathered) = ${bytes}`
  if (row.offloadOptimizer) return `${largest} + int(2 × ${P} / ${total} GPUs) (16-bit parameters, partitioned) = ${bytes}`
  return `${largest} + int(18 × ${P} / ${total} GPUs) (every state partitioned) = ${bytes}`
}

/** How one row's CPU figure (per node) is computed, with its numbers and the 1.5× buffer factor. */
export function deepspeedCpuFormula(e: DeepSpeedEstimate, row: DeepSpeedRow): string {
  const P = n(e.totalParams)
  const f = e.additionalBufferFactor
  const total = e.nodes * e.gpusPerNode
  const bytes = `${n(row.cpuBytes)} B`
  const perNode = e.nodes === 1 ? '' : ` × 1/${e.nodes} nodes`
  if (e.stage === 2) {
    if (row.offloadOptimizer) return `${P} × max(4 × ${total} GPUs, 16) × ${f} = ${bytes}`
    return `${P} × 4 × ${e.gpusPerNode} GPUs per node × ${f} (the model loaded on the CPU by each rank) = ${bytes}`
  }
  if (!row.offloadOptimizer) {
    if (row.zeroInit) return `largest layer ${n(e.largestLayerParams)} × 4 × ${e.gpusPerNode} GPUs per node × ${f} (zero.Init loads one layer at a time) = ${bytes}`
    return `${P} × 4 × ${e.gpusPerNode} GPUs per node × ${f} (the model loaded on the CPU by each rank) = ${bytes}`
  }
  const k = row.offloadParams ? 18 : 16
  if (row.zeroInit) return `${P} × ${k}${perNode} × ${f} = ${bytes}`
  return `${P} × max(4 × ${e.gpusPerNode} GPUs per node, ${k}${perNode}) × ${f} = ${bytes}`
}

/** DeepSpeed's table as a table: per CPU, per GPU, its options, and a mark on the chosen offload. */
export function deepspeedTable(plan: MemoryPlan): Table | undefined {
  const e = plan.deepspeed
  if (!e) return undefined
  return {
    columns: [
      { key: 'cpu', header: 'per CPU', align: 'right' },
      { key: 'gpu', header: 'per GPU', align: 'right' },
      { key: 'options', header: 'Options', align: 'left' },
      { key: 'chosen', header: 'Chosen', align: 'left' },
    ],
    rows: e.rows.map((r, i) => [`${deepspeedGB(r.cpuBytes)}GB`, `${deepspeedGB(r.gpuBytes)}GB`, deepspeedOptionsText(r, e.stage), e.chosen.includes(i) ? '◀ chosen' : '']),
  }
}

/** A title for DeepSpeed's table: `DeepSpeed's ZeRO-3 estimate (estimate_zero3_model_states_mem_needs_all_cold)`. */
export function deepspeedTitle(e: DeepSpeedEstimate): string {
  return `DeepSpeed's ZeRO-${e.stage} estimate (estimate_zero${e.stage}_model_states_mem_needs_all_cold, GB = GiB)`
}

/** The inputs DeepSpeed's estimate rests on: its parameter count, the largest layer and the hardware. */
export function deepspeedInputsText(e: DeepSpeedEstimate): string {
  const layer = e.stage === 3 ? `; largest layer \`${e.largestLayerModule || '(root)'}\` with ${n(e.largestLayerParams)} parameters of its own` : ''
  return `${n(e.totalParams)} parameters (shared tensors once)${layer}; ${e.nodes} ${e.nodes === 1 ? 'node' : 'nodes'} × ${e.gpusPerNode} GPUs per node`
}
