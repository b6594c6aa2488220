import type { Analysis } from '../analyze.js'
import type { TensorEntry } from '../count/count.js'
import { formatShape } from '../tensor/shape.js'
import { formatBytes } from '../format/bytes.js'
import type { ByteUnits } from '../format/bytes.js'
import { formatFormula } from '../format/formula.js'
import { formatCompact, formatCount, formatPercent } from '../format/number.js'
import type { Table, TableColumn } from './table.js'

/** How a parameter count splits into weights and biases. */
export interface ParamBreakdown {
  /** Elements of parameters that are not biases (weights, embeddings, norm scales, tokens). */
  weights: bigint
  /** Elements of bias parameters (`bias`, `in_proj_bias`, `bias_ih_l0`, `bias_k`). */
  biases: bigint
  /** Number of parameter tensors. */
  weightTensors: number
  biasTensors: number
}

/** True when a parameter's own name (the last dotted segment) names a bias. */
export function isBiasName(name: string): boolean {
  const own = name.slice(name.lastIndexOf('.') + 1)
  return own === 'bias' || own.startsWith('bias_') || own.endsWith('_bias')
}

/** Splits the parameters of an analysis into weights and biases by tensor name. */
export function paramBreakdown(analysis: Pick<Analysis, 'tensors'>): ParamBreakdown {
  const out: ParamBreakdown = { weights: 0n, biases: 0n, weightTensors: 0, biasTensors: 0 }
  for (const t of analysis.tensors) {
    if (t.kind !== 'parameter') continue
    if (isBiasName(t.name)) {
      out.biases += t.elementCount
      out.biasTensors++
    } else {
      out.weights += t.elementCount
      out.weightTensors++
    }
  }
  return out
}

/** `"294,912 weights + 256 biases"`, `"294,912 weights, no biases"`. */
export function formatBreakdown(b: ParamBreakdown): string {
  const weights = `${formatCount(b.weights)} ${b.weights === 1n ? 'weight' : 'weights'}`
  if (b.biasTensors === 0) return `${weights}, no biases`
  return `${weights} + ${formatCount(b.biases)} ${b.biases === 1n ? 'bias' : 'biases'}`
}

/** The dtypes of a tensor list, most elements first: `"float32"`, `"bfloat16 + float32"`; a weight file's type PyTorch lacks by its own name (`Q4_K`). */
export function formatDTypes(tensors: readonly TensorEntry[]): string {
  const elements = new Map<string, bigint>()
  for (const t of tensors) {
    const name = t.def.bytes !== undefined && t.storageType !== undefined ? t.storageType : t.dtype
    elements.set(name, (elements.get(name) ?? 0n) + t.elementCount)
  }
  return [...elements]
    .sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1] > b[1] ? -1 : 1))
    .map(([dtype]) => dtype)
    .join(' + ')
}

/** `"1.13 MiB (1.18 MB, 1,180,672 bytes)"`: the chosen units first, the other units and the exact count after. */
export function formatBytesBoth(bytes: bigint, units: ByteUnits = 'iec'): string {
  const other: ByteUnits = units === 'iec' ? 'si' : 'iec'
  if (bytes < 1000n) return `${formatCount(bytes)} ${bytes === 1n ? 'byte' : 'bytes'}`
  return `${formatBytes(bytes, units)} (${formatBytes(bytes, other)}, ${formatCount(bytes)} bytes)`
}

/** One line of a summary: a label, its headline value and an optional detail. */
export interface SummaryRow {
  /** Stable machine key (`params`, `trainable`, `paramBytes`, `macs`, …). */
  key: string
  label: string
  value: string
  detail?: string | undefined
}

/** Options shared by the table builders. */
export interface TableOptions {
  /** Byte units for display. Default `iec`. */
  units?: ByteUnits | undefined
  /** Deepest module depth to list (root = 0). Default: all. */
  depth?: number | undefined
}

/**
 * The headline facts of an analysis, in reading order: parameters with the weights/bias split,
 * trainable/frozen, buffers, bytes in both unit systems, the formula and, with an input, the
 * forward-pass figures.
 */
export function summaryRows(analysis: Analysis, options: TableOptions = {}): SummaryRow[] {
  const units = options.units ?? 'iec'
  const p = analysis.params
  const b = analysis.buffers
  const params = analysis.tensors.filter((t) => t.kind === 'parameter')
  const buffers = analysis.tensors.filter((t) => t.kind === 'buffer')
  const m = analysis.model
  const rows: SummaryRow[] = [
    ...(m ? [{ key: 'model', label: 'Model', value: m.architecture, detail: [m.family, m.checkpoint].filter(Boolean).join(', ') }] : []),
    { key: 'params', label: 'Parameters', value: formatCount(p.total), detail: formatBreakdown(paramBreakdown(analysis)) },
    { key: 'trainable', label: 'Trainable', value: formatCount(p.trainable), detail: `frozen ${formatCount(p.frozen)}` },
    {
      key: 'buffers',
      label: 'Buffers',
      value: formatCount(b.total),
      detail: buffers.length === 0 ? undefined : `${buffers.length} ${buffers.length === 1 ? 'tensor' : 'tensors'}, ${formatBytesBoth(b.bytes, units)}`,
    },
    {
      key: 'paramBytes',
      label: 'Parameter memory',
      value: formatBytesBoth(p.bytes, units),
      detail: params.length === 0 ? undefined : formatDTypes(params),
    },
    { key: 'formula', label: 'Formula', value: formatFormula(analysis).text },
  ]
  if (m) {
    if (m.tiedEmbeddings) rows.splice(rows.findIndex((r) => r.key === 'trainable') + 1, 0, { key: 'tiedEmbeddings', label: 'Tied embeddings', value: 'counted once', detail: `${formatCount(m.paramsUntied)} if the output head had its own weight` })
    if (m.activeParamsPerToken !== null) {
      rows.splice(rows.findIndex((r) => r.key === 'params') + 1, 0, { key: 'activeParams', label: 'Active per token', value: formatCount(m.activeParamsPerToken), detail: `${formatPercent(m.activeParamsPerToken, p.total)}: the routed experts a token skips left out` })
    }
    rows.push(
      m.kvCache?.bytesPerTokenFp16 != null
        ? { key: 'kvCachePerToken', label: 'KV cache', value: `${formatBytes(m.kvCache.bytesPerTokenFp16, units)} per token (16-bit: bf16 or fp16)`, detail: m.kvCacheNote }
        : { key: 'kvCachePerToken', label: 'KV cache', value: m.kvCache?.latentDim ? 'latent' : '—', detail: m.kvCacheNote },
    )
  }
  const f = analysis.forward
  if (f) {
    rows.push(
      { key: 'inputShape', label: f.inputs.length > 1 ? 'Input shapes' : 'Input shape', value: f.inputs.map((i) => formatShape(i.shape)).join(', '), detail: [...new Set(f.inputs.map((i) => i.dtype))].join(' + ') },
      { key: 'outputShape', label: 'Output shape', value: f.outputs[0] ? formatShape(f.outputs[0].shape) : '—' },
      { key: 'macs', label: 'MACs', value: formatCount(f.macs), detail: `${formatCompact(f.macs)} multiply-accumulates, forward` },
      // FlopCounterMode's own figure counts only the ops it has a formula for (matmuls, convolutions).
      { key: 'flops', label: 'FLOPs', value: formatCount(2n * f.macs), detail: `${formatCompact(2n * f.macs)}, 2 × MACs; FlopCounterMode counts ${formatCount(f.flopCounter.total)}` },
      { key: 'backwardMacs', label: 'Backward MACs', value: formatCount(f.backwardMacs), detail: `${formatCompact(f.backwardMacs)}; FLOPs ${formatCount(2n * f.backwardMacs)}` },
      { key: 'savedBytes', label: 'Activations', value: formatBytesBoth(f.savedBytes, units), detail: `saved for backward (${f.device}), input excluded` },
      { key: 'savedBytesWithInput', label: 'With input', value: formatBytesBoth(f.savedBytesWithInput, units), detail: 'saved for backward, input included' },
      { key: 'inferencePeakBytes', label: 'Inference peak', value: formatBytesBoth(f.inferencePeakBytes, units), detail: 'activations alive at once without grad' },
    )
  }
  return rows
}

/** The summary as a two-column table (Quantity, Value), the detail in brackets; `extra` rows (a weights analysis's facts) follow. */
export function summaryTable(analysis: Analysis, options: TableOptions & { extra?: readonly SummaryRow[] | undefined } = {}): Table {
  return {
    columns: [
      { key: 'label', header: 'Quantity', align: 'left' },
      { key: 'value', header: 'Value', align: 'right' },
    ],
    rows: [...summaryRows(analysis, options), ...(options.extra ?? [])].map((r) => [r.label, r.detail ? `${r.value} (${r.detail})` : r.value]),
  }
}

/**
 * The parameters of a Hugging Face model by part (embeddings, layers, final norm, head, …) with their share; the
 * per-block figures (`per_layer`, `per_expert`) follow, marked as not part of the sum. Empty for other models.
 */
export function breakdownTable(analysis: Analysis): Table {
  const columns: TableColumn[] = [
    { key: 'part', header: 'Part', align: 'left' },
    { key: 'params', header: 'Params', align: 'right' },
    { key: 'percent', header: '%', align: 'right' },
  ]
  const breakdown = analysis.model?.breakdown ?? {}
  const total = analysis.params.total
  const entries = Object.entries(breakdown)
  const parts = entries.filter(([k]) => !k.startsWith('per_'))
  const per = entries.filter(([k]) => k.startsWith('per_'))
  return {
    columns,
    rows: [
      ...parts.map(([k, v]) => [k, formatCount(v), formatPercent(v, total)]),
      ...per.map(([k, v]) => [`${k} (one of many, not in the sum)`, formatCount(v), '']),
    ],
  }
}
