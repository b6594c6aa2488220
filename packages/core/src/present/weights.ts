import { formatBytes } from '../format/bytes.js'
import type { ByteUnits } from '../format/bytes.js'
import { formatCount, formatPercent } from '../format/number.js'
import { formatShape } from '../tensor/shape.js'
import type { WeightsComparison } from '../weights/compare.js'
import type { CheckpointInfo, ConfigCheck, GGUFDetails, GGUFValue, OptimizerStateInfo, PickleInfo, WeightsFile, WeightsInfo } from '../weights/types.js'
import type { SummaryRow } from './summary.js'
import type { Table } from './table.js'

/** One part of a weights report: a title and sentences, a table, or both. Apps render each as they render any section. */
export interface WeightsSection {
  /** Stable key: `dtypes`, `checkpoint`, `config`, `pickle`, `gguf`, `files`, `warnings`. */
  key: string
  title: string
  /** Sentences, in reading order. */
  lines: string[]
  table?: Table | undefined
}

/** Options of the weights presenters. */
export interface WeightsPresentOptions {
  /** Byte units for display. Default `iec`. */
  units?: ByteUnits | undefined
}

const plural = (n: number | bigint, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 || n === 1n ? one : many}`

/** What a format is called, with the variant the file uses (`PyTorch zip`, `GGUF v3`, `Keras (HDF5)`). */
function formatName(file: WeightsFile): string {
  switch (file.format) {
    case 'safetensors':
      return 'safetensors'
    case 'pytorch':
      return file.serialization === 'zip' ? 'PyTorch (zip)' : 'PyTorch (legacy)'
    case 'gguf':
      return `GGUF v${file.version}`
    case 'onnx':
      return 'ONNX'
    case 'keras':
      return file.container === 'zip' ? 'Keras' : 'Keras (HDF5)'
  }
}

/** `"safetensors, 3 files, 21 tensors"`: the format, how many files were read and how many tensors they hold. */
export function weightsFormatLine(info: WeightsInfo): string {
  const first = info.files[0]
  const name = first ? formatName(first) : info.format
  return `${name}, ${plural(info.files.length, 'file')}, ${plural(info.tensors.length, 'tensor')}`
}

/**
 * The headline facts of the files, after the ordinary summary: the format line, the bytes on disk and read, the
 * tensors' data, and (PyTorch) what is stored once when tensors share storage.
 */
export function weightsSummaryRows(info: WeightsInfo, options: WeightsPresentOptions = {}): SummaryRow[] {
  const units = options.units ?? 'iec'
  let size = 0n
  let read = 0n
  for (const f of info.files) {
    size += BigInt(f.size)
    read += BigInt(f.bytesRead)
  }
  const rows: SummaryRow[] = [
    { key: 'weightsFormat', label: 'Files', value: weightsFormatLine(info), detail: `${formatBytes(size, units)} on disk, ${formatBytes(read, units)} read` },
    { key: 'fileParams', label: 'In the files', value: `${formatCount(info.params)} elements`, detail: `${formatBytes(info.bytes, units)} of tensor data (${formatCount(info.bytes)} bytes)` },
  ]
  if (info.paramsDedup !== info.params || info.uniqueBytes !== info.bytes) {
    rows.push({ key: 'fileStorage', label: 'Stored once', value: `${formatCount(info.paramsDedup)} elements`, detail: `${formatBytes(info.uniqueBytes, units)} in distinct storages: views and aliases share them` })
  }
  if (info.checkpoint?.optimizer) rows.push({ key: 'optimizerState', label: 'Optimizer', value: optimizerSentence(info.checkpoint.optimizer), detail: info.checkpoint.optimizer.evidence })
  if (info.config) rows.push({ key: 'configCheck', label: 'Config', value: info.config.check.consistent ? 'consistent' : 'differs', detail: info.config.check.message })
  return rows
}

/** The element types of the files: the format's name, the PyTorch name, tensors, elements, bytes and share of the bytes. */
export function dtypeTable(info: Pick<WeightsInfo, 'byDType' | 'bytes'>, options: WeightsPresentOptions & { raw?: boolean | undefined } = {}): Table {
  const units = options.units ?? 'iec'
  return {
    columns: [
      { key: 'dtype', header: 'dtype', align: 'left' },
      { key: 'torch', header: 'PyTorch', align: 'left' },
      { key: 'tensors', header: 'Tensors', align: 'right' },
      { key: 'elements', header: 'Elements', align: 'right' },
      { key: 'bytes', header: 'Bytes', align: 'right' },
      { key: 'share', header: 'Share', align: 'right' },
    ],
    rows: info.byDType.map((d) =>
      options.raw
        ? [d.dtype, d.torchDType ?? '', String(d.tensors), d.elements.toString(), d.bytes.toString(), formatPercent(d.bytes, info.bytes)]
        : [d.dtype, d.torchDType ?? '—', formatCount(d.tensors), formatCount(d.elements), formatBytes(d.bytes, units), formatPercent(d.bytes, info.bytes)],
    ),
  }
}

/** The optimizer family a state looks like: `Adam`, `AdamW` and their kin share `exp_avg`/`exp_avg_sq`. */
function optimizerFamily(name: string): string {
  return /^(Adam|AdamW|NAdam|RAdam|Adamax|SparseAdam)$/.test(name) ? 'Adam-family' : name
}

/** `"looks like Adam-family: exp_avg, exp_avg_sq, step"`, or what state it holds when no optimizer matches. */
export function optimizerSentence(state: OptimizerStateInfo): string {
  const keys = state.stateKeys.join(', ')
  if (state.optimizer === null) return keys === '' ? 'optimizer state without per-parameter state' : `state ${keys}: no known optimizer`
  return `looks like ${optimizerFamily(state.optimizer)}${keys === '' ? '' : `: ${keys}`}`
}

/** What an entry of a checkpoint is: the model's tensors, the optimizer's state, or something else. */
function entryRole(checkpoint: CheckpointInfo, key: string): string {
  if (key === checkpoint.modelKey) return 'model tensors'
  // the optimizer's state dict is the entry, lies within it (Lightning's `optimizer_states/0`), or is the file itself
  const optimizer = checkpoint.optimizer?.key
  if (optimizer !== undefined && (optimizer === '' || key === optimizer || optimizer.startsWith(`${key}/`))) return 'optimizer state'
  return 'other'
}

/** Short text of a plain value of a checkpoint (`3`, `'cosine'`, `{…}`). */
function valueText(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  if (value === null || value === undefined) return 'None'
  if (Array.isArray(value)) return `[…] (${plural(value.length, 'item')})`
  return '{…}'
}

/**
 * A training checkpoint entry by entry: the model's tensors, the optimizer state and the other entries, each
 * counted on its own, with the plain values of entries that hold no tensor.
 */
export function checkpointTable(checkpoint: CheckpointInfo, options: WeightsPresentOptions = {}): Table {
  const units = options.units ?? 'iec'
  const values = checkpoint.nonTensorValues as Record<string, unknown>
  return {
    columns: [
      { key: 'entry', header: 'Entry', align: 'left' },
      { key: 'role', header: 'Holds', align: 'left' },
      { key: 'tensors', header: 'Tensors', align: 'right' },
      { key: 'elements', header: 'Elements', align: 'right' },
      { key: 'bytes', header: 'Bytes', align: 'right' },
    ],
    rows: checkpoint.perKey.map((e) => {
      const role = entryRole(checkpoint, e.key)
      const own = Object.hasOwn(values, e.key) ? ` = ${valueText(values[e.key])}` : ''
      return [e.key, `${role}${own}`, formatCount(e.tensors), formatCount(e.params), formatBytes(e.bytes, units)]
    }),
  }
}

/** The config check: its sentence, then each tensor that differs and why. */
export function configCheckTable(check: ConfigCheck): Table {
  const reasons: Record<string, string> = {
    tied: 'tied',
    buffer: 'a buffer some versions save',
    lora: 'a LoRA adapter',
    missing: 'not explained',
    unexpected: 'not explained',
  }
  const rows: string[][] = [
    ...check.missing.map((d) => [d.name, formatShape(d.shape), `in the config, not in the files: ${d.reason === 'tied' && d.sharedWith ? `tied to ${d.sharedWith}` : reasons[d.reason]}`]),
    ...check.extra.map((d) => [d.name, formatShape(d.shape), `in the files, not in the config: ${reasons[d.reason]}`]),
    ...check.reshaped.map((d) => [d.name, formatShape(d.fileShape), `reshaped: the config gives ${formatShape(d.configShape)}`]),
    ...check.retyped.map((d) => [d.name, '', `retyped: ${d.fileDType} in the files, ${d.configDType} in the config`]),
    ...check.untied.map((d) => [d.name, formatShape(d.shape), `stored apart, although the config ties it to ${d.tiedTo}`]),
  ]
  return {
    columns: [
      { key: 'name', header: 'Tensor', align: 'left' },
      { key: 'shape', header: 'Shape', align: 'left' },
      { key: 'difference', header: 'Difference', align: 'left' },
    ],
    rows,
  }
}

/** The classes a whole-module pickle refers to: named, never imported. */
export function pickleSentence(pickle: PickleInfo): string | null {
  const opcodes = pickle.refusedOpcodes.length === 0 ? '' : `It uses pickle ${pickle.refusedOpcodes.length === 1 ? 'opcode' : 'opcodes'} that the \`weights_only\` unpickler does not implement (${pickle.refusedOpcodes.join(', ')}).`
  if (pickle.requiresClasses.length === 0) return opcodes === '' ? null : `\`torch.load(weights_only=True)\` refuses this pickle: ${opcodes.charAt(0).toLowerCase()}${opcodes.slice(1)}`
  return `Loading this pickle needs ${plural(pickle.requiresClasses.length, 'class', 'classes')} importable (named here, never imported): ${pickle.requiresClasses.join(', ')}. \`torch.load(weights_only=True)\` refuses it.${opcodes === '' ? '' : ` ${opcodes}`}`
}

/** A GGUF metadata value as text: scalars as read, arrays by type and count. */
function ggufValueText(value: GGUFValue): string {
  if ('count' in value) return `${value.elemType} array of ${formatCount(value.count)}`
  const v = value.value
  if (typeof v === 'number' && !Number.isInteger(v)) return String(Math.fround(v) === v ? Number(v.toPrecision(7)) : v)
  if (typeof v === 'number' || typeof v === 'bigint') return formatCount(v)
  return String(v)
}

/** ggml's `general.file_type` numbers (llama.cpp's `LLAMA_FTYPE_*`), the ones files carry. */
const ggufFileTypes: Readonly<Record<number, string>> = {
  0: 'ALL_F32',
  1: 'MOSTLY_F16',
  2: 'MOSTLY_Q4_0',
  3: 'MOSTLY_Q4_1',
  7: 'MOSTLY_Q8_0',
  8: 'MOSTLY_Q5_0',
  9: 'MOSTLY_Q5_1',
  10: 'MOSTLY_Q2_K',
  11: 'MOSTLY_Q3_K_S',
  12: 'MOSTLY_Q3_K_M',
  13: 'MOSTLY_Q3_K_L',
  14: 'MOSTLY_Q4_K_S',
  15: 'MOSTLY_Q4_K_M',
  16: 'MOSTLY_Q5_K_S',
  17: 'MOSTLY_Q5_K_M',
  18: 'MOSTLY_Q6_K',
  32: 'MOSTLY_BF16',
}

/**
 * The GGUF metadata worth seeing: the architecture and name, the `<arch>.*` sizes (context length, layers, heads, KV
 * heads, …), the file type and the tokenizer's size. Key, value.
 */
export function ggufHighlights(file: GGUFDetails): Table {
  const md = file.metadata
  const arch = md['general.architecture']
  const prefix = arch && 'value' in arch ? `${String(arch.value)}.` : null
  const keys = Object.keys(md).filter(
    (k) => k === 'general.architecture' || k === 'general.name' || k === 'general.file_type' || k === 'general.quantization_version' || k === 'tokenizer.ggml.model' || k === 'tokenizer.ggml.tokens' || (prefix !== null && k.startsWith(prefix)),
  )
  return {
    columns: [
      { key: 'key', header: 'Key', align: 'left' },
      { key: 'value', header: 'Value', align: 'right' },
    ],
    rows: keys.map((k) => {
      const value = md[k]!
      let text = ggufValueText(value)
      if (k === 'general.file_type' && 'value' in value && typeof value.value === 'number' && ggufFileTypes[value.value]) text += ` (${ggufFileTypes[value.value]})`
      return [k, text]
    }),
  }
}

/**
 * Every tensor as the files store it: name, shape (PyTorch order), the format's dtype and the PyTorch name,
 * elements, exact bytes, and the file when there are several. `raw`: plain numbers, for CSV. With `limit`, only the first `limit` tensors get rows (`rowCount` says how many there are).
 */
export function fileTensorTable(info: Pick<WeightsInfo, 'tensors' | 'files'>, options: WeightsPresentOptions & { raw?: boolean | undefined; limit?: number | undefined } = {}): Table {
  const units = options.units ?? 'iec'
  const tensors = options.limit === undefined ? info.tensors : info.tensors.slice(0, Math.max(0, options.limit))
  const raw = options.raw === true
  const withFile = info.files.length > 1
  return {
    columns: [
      { key: 'name', header: raw ? 'name' : 'Tensor', align: 'left' },
      { key: 'shape', header: raw ? 'shape' : 'Shape', align: 'left' },
      { key: 'dtype', header: 'dtype', align: 'left' },
      { key: 'torch', header: raw ? 'torch_dtype' : 'PyTorch', align: 'left' },
      { key: 'elements', header: raw ? 'elements' : 'Elements', align: 'right' },
      { key: 'bytes', header: raw ? 'bytes' : 'Bytes', align: 'right' },
      ...(withFile ? [{ key: 'file', header: raw ? 'file' : 'File', align: 'left' } as const] : []),
    ],
    rows: tensors.map((t) => [
      t.name,
      raw ? t.shape.join('x') : formatShape(t.shape),
      t.dtype,
      t.torchDType ?? (raw ? '' : '—'),
      raw ? t.elements.toString() : formatCount(t.elements),
      raw ? t.bytes.toString() : formatBytes(t.bytes, units),
      ...(withFile ? [t.file] : []),
    ]),
    rowCount: info.tensors.length,
  }
}

/** Each file of a set: its name, format details, tensors, elements, bytes on disk and bytes nnsize read. */
export function filesTable(info: WeightsInfo, options: WeightsPresentOptions = {}): Table {
  const units = options.units ?? 'iec'
  return {
    columns: [
      { key: 'file', header: 'File', align: 'left' },
      { key: 'tensors', header: 'Tensors', align: 'right' },
      { key: 'elements', header: 'Elements', align: 'right' },
      { key: 'size', header: 'Size', align: 'right' },
      { key: 'read', header: 'Read', align: 'right' },
    ],
    rows: info.files.map((f) => [f.name, formatCount(f.tensors), formatCount(f.elements), formatBytes(BigInt(f.size), units), formatBytes(BigInt(f.bytesRead), units)]),
  }
}

/**
 * The sections a weights report adds to the ordinary report, in reading order: element types, checkpoint entries,
 * the tensors that differ from the config, the classes a pickle needs, GGUF metadata, the files of a set, and warnings. Sections with
 * nothing to say are left out.
 */
export function weightsSections(info: WeightsInfo, options: WeightsPresentOptions = {}): WeightsSection[] {
  const sections: WeightsSection[] = [{ key: 'dtypes', title: 'By dtype', lines: [], table: dtypeTable(info, options) }]
  const checkpoint = info.checkpoint
  if (checkpoint && checkpoint.perKey.length > 0) {
    const lines = checkpoint.optimizer ? [`${checkpoint.optimizer.key === '' ? 'the file' : checkpoint.optimizer.key}: ${optimizerSentence(checkpoint.optimizer)} (${plural(checkpoint.optimizer.paramCount, 'parameter')} with state, ${plural(checkpoint.optimizer.paramGroups, 'param group')}; ${checkpoint.optimizer.evidence})`] : []
    sections.push({ key: 'checkpoint', title: 'Checkpoint entries', lines, table: checkpointTable(checkpoint, options) })
  }
  if (info.config) {
    // the check's sentence is in the summary rows; the section lists the tensors that differ
    const table = configCheckTable(info.config.check)
    if (table.rows.length > 0) sections.push({ key: 'config', title: `Against ${info.config.file}`, lines: [], table })
  }
  const pickle = info.pickle ? pickleSentence(info.pickle) : null
  if (pickle !== null) sections.push({ key: 'pickle', title: 'Pickled classes', lines: [pickle] })
  const gguf = info.files[0]?.format === 'gguf' ? (info.files[0] as WeightsFile & GGUFDetails) : null
  if (gguf) sections.push({ key: 'gguf', title: 'GGUF metadata', lines: [], table: ggufHighlights(gguf) })
  if (info.files.length > 1) sections.push({ key: 'files', title: 'Files', lines: info.index ? [`${info.index.file}: ${plural(info.index.weightMapEntries, 'entry', 'entries')} over ${plural(info.index.shards.length, 'shard')}`] : [], table: filesTable(info, options) })
  if (info.warnings.length > 0) sections.push({ key: 'warnings', title: 'Warnings', lines: [...info.warnings] })
  return sections
}

/** One row of a weights comparison: what changed for one tensor. */
export interface WeightsComparisonRow {
  change: 'added' | 'removed' | 'reshaped' | 'retyped'
  name: string
  /** The tensor in `a` and in `b` (`"(64, 32) F32"`), empty on the side that lacks it. */
  a: string
  b: string
}

/** A {@link WeightsComparison} as rows: added, removed, reshaped and re-typed tensors, in that order. */
export function weightsComparisonRows(comparison: WeightsComparison): WeightsComparisonRow[] {
  const described = (t: { shape: number[]; dtype: string }): string => `${formatShape(t.shape)} ${t.dtype}`
  return [
    ...comparison.added.map((t): WeightsComparisonRow => ({ change: 'added', name: t.name, a: '', b: described(t) })),
    ...comparison.removed.map((t): WeightsComparisonRow => ({ change: 'removed', name: t.name, a: described(t), b: '' })),
    ...comparison.reshaped.map((t): WeightsComparisonRow => ({ change: 'reshaped', name: t.name, a: formatShape(t.a), b: formatShape(t.b) })),
    ...comparison.retyped.map((t): WeightsComparisonRow => ({ change: 'retyped', name: t.name, a: t.a, b: t.b })),
  ]
}

/** The rows of {@link weightsComparisonRows} as a table: Change, Tensor, A, B. */
export function weightsComparisonTable(comparison: WeightsComparison, headers: { a?: string; b?: string } = {}): Table {
  return {
    columns: [
      { key: 'change', header: 'Change', align: 'left' },
      { key: 'name', header: 'Tensor', align: 'left' },
      { key: 'a', header: headers.a ?? 'A', align: 'left' },
      { key: 'b', header: headers.b ?? 'B', align: 'left' },
    ],
    rows: weightsComparisonRows(comparison).map((r) => [r.change, r.name, r.a, r.b]),
  }
}

/** `"12 tensors the same; 1 added, 2 removed, 0 reshaped, 3 re-typed"`. */
export function weightsComparisonSentence(comparison: WeightsComparison): string {
  return `${plural(comparison.unchanged, 'tensor')} the same; ${formatCount(comparison.added.length)} added, ${formatCount(comparison.removed.length)} removed, ${formatCount(comparison.reshaped.length)} reshaped, ${formatCount(comparison.retyped.length)} re-typed`
}

