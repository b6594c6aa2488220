import type { Analysis } from '../analyze.js'
import type { ModuleEntry, TensorEntry } from '../count/count.js'
import type { MemoryLine, MemoryPlan } from '../memory/plan.js'
import type { ModuleStats } from '../forward/trace.js'
import type { DType } from '../tensor/dtype.js'
import { formatShape } from '../tensor/shape.js'
import { formatBytes } from './bytes.js'
import type { ByteUnits } from './bytes.js'
import { formatFormula } from './formula.js'
import { decimal, formatCompact, formatCount, formatPercent } from './number.js'

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

/** The dtypes of a tensor list, most elements first: `"float32"`, `"bfloat16 + float32"`. */
export function formatDTypes(tensors: readonly TensorEntry[]): string {
  const elements = new Map<DType, bigint>()
  for (const t of tensors) elements.set(t.dtype, (elements.get(t.dtype) ?? 0n) + t.elementCount)
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
        ? { key: 'kvCachePerToken', label: 'KV cache', value: `${formatBytes(m.kvCache.bytesPerTokenFp16, units)} per token (fp16)`, detail: m.kvCacheNote }
        : { key: 'kvCachePerToken', label: 'KV cache', value: m.kvCache?.latentDim ? 'latent' : '—', detail: m.kvCacheNote },
    )
  }
  const f = analysis.forward
  if (f) {
    rows.push(
      { key: 'inputShape', label: f.inputs.length > 1 ? 'Input shapes' : 'Input shape', value: f.inputs.map((i) => formatShape(i.shape)).join(', '), detail: [...new Set(f.inputs.map((i) => i.dtype))].join(' + ') },
      { key: 'outputShape', label: 'Output shape', value: f.outputs[0] ? formatShape(f.outputs[0].shape) : '—' },
      { key: 'macs', label: 'MACs', value: formatCount(f.macs), detail: `${formatCompact(f.macs)} multiply-accumulates, forward` },
      { key: 'flops', label: 'FLOPs', value: formatCount(2n * f.macs), detail: `${formatCompact(2n * f.macs)}, 2 × MACs` },
      { key: 'backwardMacs', label: 'Backward MACs', value: formatCount(f.backwardMacs), detail: `${formatCompact(f.backwardMacs)}; FLOPs ${formatCount(2n * f.backwardMacs)}` },
      { key: 'savedBytes', label: 'Activations', value: formatBytesBoth(f.savedBytes, units), detail: `saved for backward (${f.device}), input excluded` },
      { key: 'savedBytesWithInput', label: 'With input', value: formatBytesBoth(f.savedBytesWithInput, units), detail: 'saved for backward, input included' },
      { key: 'inferencePeakBytes', label: 'Inference peak', value: formatBytesBoth(f.inferencePeakBytes, units), detail: 'activations alive at once without grad' },
    )
  }
  return rows
}

/** One module of the per-module table. */
export interface ModuleRow {
  /** Dotted name, `''` for the root. */
  path: string
  /** The last segment of the path, `(root)` for the root. */
  name: string
  depth: number
  type: string
  /** Box-drawing prefix that draws the tree (`├─ `, `│  └─ `), empty for the root. */
  tree: string
  params: bigint
  trainableParams: bigint
  buffers: bigint
  /** Share of the root's parameters, `"12.3%"`. */
  paramsPercent: string
  /** Only with a forward pass: the module's output shape (undefined if it was never called). */
  outputShape?: number[] | undefined
  macs?: bigint | undefined
  /** Bytes saved for backward first saved inside this module. */
  savedBytes?: bigint | undefined
  /** True when children below the depth limit are hidden. */
  collapsed: boolean
}

function parentPath(path: string): string {
  const i = path.lastIndexOf('.')
  return i === -1 ? '' : path.slice(0, i)
}

/**
 * The per-module table in `named_modules()` order, cut at `depth`, with tree prefixes,
 * parameter shares and (with a forward pass) output shapes, MACs and saved bytes.
 */
export function moduleRows(analysis: Analysis, options: TableOptions = {}): ModuleRow[] {
  const depth = options.depth ?? Infinity
  const stats = new Map<ModuleEntry['node'], ModuleStats>(analysis.forward?.modules.map((s) => [s.module, s]) ?? [])
  const total = analysis.params.total
  const visible = analysis.modules.filter((m) => m.depth <= depth)
  // last visible child of each parent, to choose └─ over ├─
  const lastChild = new Map<string, string>()
  for (const m of visible) if (m.depth > 0) lastChild.set(parentPath(m.path), m.path)
  const isLast = (path: string): boolean => lastChild.get(parentPath(path)) === path
  const hasChildren = new Set(analysis.modules.filter((m) => m.depth > 0).map((m) => parentPath(m.path)))
  return visible.map((m) => {
    let tree = ''
    if (m.depth > 0) {
      tree = isLast(m.path) ? '└─ ' : '├─ '
      let p = parentPath(m.path)
      for (let d = m.depth - 1; d > 0; d--) {
        tree = (isLast(p) ? '   ' : '│  ') + tree
        p = parentPath(p)
      }
    }
    const s = stats.get(m.node)
    return {
      path: m.path,
      name: m.path === '' ? '(root)' : m.path.slice(m.path.lastIndexOf('.') + 1),
      depth: m.depth,
      type: m.type,
      tree,
      params: m.params.total,
      trainableParams: m.params.trainable,
      buffers: m.buffers.total,
      paramsPercent: formatPercent(m.params.total, total),
      ...(analysis.forward ? { outputShape: s?.outputShape, macs: s?.macs ?? 0n, savedBytes: s?.savedBytes ?? 0n } : {}),
      collapsed: m.depth === depth && hasChildren.has(m.path),
    }
  })
}

/** A column of a rendered table. */
export interface TableColumn {
  key: string
  header: string
  align: 'left' | 'right'
}

/** A table of strings, ready for Markdown, CSV or a terminal. */
export interface Table {
  columns: TableColumn[]
  rows: string[][]
}

/**
 * The per-module table as display strings: module (tree-drawn), type, output shape, parameters,
 * share, MACs and activation bytes (the last three only with a forward pass). With `raw: true`
 * the cells are plain values for CSV: dotted paths, exact integers, `1x64x112x112` shapes.
 */
export function moduleTable(analysis: Analysis, options: TableOptions & { raw?: boolean | undefined } = {}): Table {
  const units = options.units ?? 'iec'
  const rows = moduleRows(analysis, options)
  const forward = analysis.forward !== undefined
  if (options.raw) {
    const columns: TableColumn[] = [
      { key: 'path', header: 'path', align: 'left' },
      { key: 'type', header: 'type', align: 'left' },
      { key: 'depth', header: 'depth', align: 'right' },
      ...(forward ? [{ key: 'outputShape', header: 'output_shape', align: 'left' } as const] : []),
      { key: 'params', header: 'params', align: 'right' },
      { key: 'trainableParams', header: 'trainable_params', align: 'right' },
      { key: 'paramsPercent', header: 'params_percent', align: 'right' },
      { key: 'buffers', header: 'buffers', align: 'right' },
      ...(forward
        ? ([
            { key: 'macs', header: 'macs', align: 'right' },
            { key: 'flops', header: 'flops', align: 'right' },
            { key: 'savedBytes', header: 'activation_bytes', align: 'right' },
          ] as const)
        : []),
    ]
    return {
      columns,
      rows: rows.map((r) => [
        r.path,
        r.type,
        String(r.depth),
        ...(forward ? [r.outputShape ? r.outputShape.join('x') : ''] : []),
        r.params.toString(),
        r.trainableParams.toString(),
        decimal(r.params * 100n, analysis.params.total === 0n ? 1n : analysis.params.total, 1).replace(/,/g, ''),
        r.buffers.toString(),
        ...(forward ? [(r.macs ?? 0n).toString(), (2n * (r.macs ?? 0n)).toString(), (r.savedBytes ?? 0n).toString()] : []),
      ]),
    }
  }
  const columns: TableColumn[] = [
    { key: 'module', header: 'Module', align: 'left' },
    { key: 'type', header: 'Type', align: 'left' },
    ...(forward ? [{ key: 'outputShape', header: 'Output shape', align: 'left' } as const] : []),
    { key: 'params', header: 'Params', align: 'right' },
    { key: 'paramsPercent', header: '%', align: 'right' },
    ...(forward
      ? ([
          { key: 'macs', header: 'MACs', align: 'right' },
          { key: 'savedBytes', header: 'Activations', align: 'right' },
        ] as const)
      : []),
  ]
  return {
    columns,
    rows: rows.map((r) => [
      `${r.tree}${r.name}`,
      r.type,
      ...(forward ? [r.outputShape ? formatShape(r.outputShape) : '—'] : []),
      formatCount(r.params),
      r.paramsPercent,
      ...(forward ? [formatCount(r.macs ?? 0n), formatBytes(r.savedBytes ?? 0n, units)] : []),
    ]),
  }
}

/** Every parameter and buffer: name, kind, shape, dtype, elements, bytes, trainable. */
export function tensorTable(analysis: Pick<Analysis, 'tensors'>, options: TableOptions & { raw?: boolean | undefined } = {}): Table {
  const units = options.units ?? 'iec'
  if (options.raw) {
    return {
      columns: [
        { key: 'name', header: 'name', align: 'left' },
        { key: 'kind', header: 'kind', align: 'left' },
        { key: 'shape', header: 'shape', align: 'left' },
        { key: 'dtype', header: 'dtype', align: 'left' },
        { key: 'elements', header: 'elements', align: 'right' },
        { key: 'bytes', header: 'bytes', align: 'right' },
        { key: 'trainable', header: 'trainable', align: 'left' },
      ],
      rows: analysis.tensors.map((t) => [t.name, t.kind, t.shape.join('x'), t.dtype, t.elementCount.toString(), t.bytes.toString(), String(t.trainable)]),
    }
  }
  return {
    columns: [
      { key: 'name', header: 'Tensor', align: 'left' },
      { key: 'shape', header: 'Shape', align: 'left' },
      { key: 'dtype', header: 'dtype', align: 'left' },
      { key: 'elements', header: 'Elements', align: 'right' },
      { key: 'bytes', header: 'Bytes', align: 'right' },
      { key: 'note', header: '', align: 'left' },
    ],
    rows: analysis.tensors.map((t) => [
      t.name,
      formatShape(t.shape),
      t.dtype,
      formatCount(t.elementCount),
      formatBytes(t.bytes, units),
      t.kind === 'buffer' ? (t.persistent ? 'buffer' : 'buffer, not in state_dict') : t.trainable ? '' : 'frozen',
    ]),
  }
}

/** The summary as a two-column table (Quantity, Value), the detail in brackets. */
export function summaryTable(analysis: Analysis, options: TableOptions = {}): Table {
  return {
    columns: [
      { key: 'label', header: 'Quantity', align: 'left' },
      { key: 'value', header: 'Value', align: 'right' },
    ],
    rows: summaryRows(analysis, options).map((r) => [r.label, r.detail ? `${r.value} (${r.detail})` : r.value]),
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

/** One line of a memory budget ready to show. */
export interface MemoryRow {
  key: string
  label: string
  bytes: bigint
  /** `14.96 GiB` in the chosen units. */
  value: string
  /** The formula with the numbers filled in. */
  formula: string
}

const MEMORY_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['weights', 'Weights'],
  ['gradients', 'Gradients'],
  ['optimizerState', 'Optimizer state'],
  ['activations', 'Activations'],
  ['kvCache', 'KV cache'],
  ['gatheredWeights', 'Gathered weights'],
  ['overhead', 'Overhead'],
  ['total', 'Total'],
  ['offloadedCpu', 'Offloaded to CPU'],
  ['offloadedNvme', 'Offloaded to NVMe'],
]

/**
 * The lines of a memory plan, in budget order: the whole replica (`scope: 'replica'`) or one GPU's share
 * (`scope: 'device'`, with the gathered working set of ZeRO-3/FSDP and what is offloaded). Zero lines that do not
 * apply (no KV cache in training, nothing offloaded) are left out.
 */
export function memoryRows(plan: MemoryPlan, options: { units?: ByteUnits | undefined; scope?: 'replica' | 'device' | undefined } = {}): MemoryRow[] {
  const units = options.units ?? plan.options.units
  const lines = (options.scope === 'device' ? plan.perDevice : plan.memory) as Record<string, MemoryLine | undefined>
  const rows: MemoryRow[] = []
  for (const [key, label] of MEMORY_LABELS) {
    const line = lines[key]
    if (!line) continue
    const skip = line.bytes === 0n && ((key === 'kvCache' && plan.mode === 'training') || key === 'gatheredWeights' || key.startsWith('offloaded') || ((key === 'gradients' || key === 'optimizerState') && plan.mode === 'inference'))
    if (skip) continue
    rows.push({ key, label, bytes: line.bytes, value: formatBytes(line.bytes, units), formula: line.formula })
  }
  return rows
}

/** `training · torch.optim.AdamW(lr=0.0001) · bf16-mixed · batch 8 · 8 GPUs · ZeRO-3`: the plan's settings in one line. */
export function describeMemoryOptions(plan: MemoryPlan): string {
  const o = plan.options
  const parts: string[] = [o.mode]
  if (o.optimizer) parts.push(o.optimizer)
  parts.push(o.mode === 'training' ? `precision ${o.precision}` : `weights ${o.weights}`)
  parts.push(`batch ${formatCount(o.batch)}`)
  if (o.gradAccumulation > 1) parts.push(`${o.gradAccumulation} accumulation steps`)
  if (o.contextLength !== null) parts.push(`context ${formatCount(o.contextLength)} tokens`)
  if (o.checkpointing !== 'none') parts.push(`${o.checkpointing} checkpointing`)
  if (o.lora) parts.push(`${o.lora.quantizeBase ? 'QLoRA' : 'LoRA'} r=${o.lora.rank}`)
  if (o.gpus > 1) parts.push(`${formatCount(o.gpus)} GPUs`)
  if (o.tensorParallel > 1) parts.push(`tensor parallel ${o.tensorParallel}`)
  if (o.pipelineParallel > 1) parts.push(`pipeline parallel ${o.pipelineParallel}`)
  if (o.zero !== null) parts.push(`ZeRO-${o.zero}`)
  if (o.fsdp !== null) parts.push(`FSDP ${o.fsdp}`)
  if (o.offloadOptimizer !== 'none') parts.push(`optimizer offload to ${o.offloadOptimizer}`)
  if (o.offloadParams !== 'none') parts.push(`parameter offload to ${o.offloadParams}`)
  return parts.join(' · ')
}

/** True when one GPU's share differs from the whole replica (several GPUs, model parallelism or offload). */
export function memoryIsSplit(plan: MemoryPlan): boolean {
  const o = plan.options
  return o.gpus > 1 || o.tensorParallel > 1 || o.pipelineParallel > 1 || o.offloadOptimizer !== 'none' || o.offloadParams !== 'none'
}

/** The memory budget as a table: Line, Bytes, Formula (one GPU's share with `scope: 'device'`). */
export function memoryTable(plan: MemoryPlan, options: { units?: ByteUnits | undefined; scope?: 'replica' | 'device' | undefined } = {}): Table {
  return {
    columns: [
      { key: 'label', header: options.scope === 'device' ? 'Per GPU' : 'Memory', align: 'left' },
      { key: 'value', header: 'Bytes', align: 'right' },
      { key: 'formula', header: 'Formula', align: 'left' },
    ],
    rows: memoryRows(plan, options).map((r) => [r.label, r.value, r.formula]),
  }
}

function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/** A GitHub-flavoured Markdown table, numbers right-aligned, pipes escaped. */
export function renderMarkdownTable(table: Table): string {
  const header = `| ${table.columns.map((c) => markdownCell(c.header)).join(' | ')} |`
  const rule = `| ${table.columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`
  const body = table.rows.map((row) => `| ${row.map((cell) => markdownCell(cell)).join(' | ')} |`)
  return [header, rule, ...body].join('\n')
}

function csvCell(text: string): string {
  // a cell a spreadsheet would run as a formula is written as text
  if (/^[=+@\t\r-]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** RFC 4180 CSV with a header line, each line ending in `\n`. */
export function renderCsv(table: Table): string {
  return [table.columns.map((c) => csvCell(c.header)), ...table.rows.map((row) => row.map(csvCell))].map((cells) => `${cells.join(',')}\n`).join('')
}
