import type { Analysis, ByteUnits, WeightsInfo } from '@nnsize/core'
import type { MemoryPlan } from '@nnsize/core/memory'
import type { SpeedPlan } from '@nnsize/core/speed'
import type { ExplainSection } from '@nnsize/core/present'
import {
  breakdownTable,
  decodeTable,
  deepspeedTable,
  deepspeedTitle,
  describeLayout,
  describeSpeed,
  describeMemoryOptions,
  fileTensorTable,
  fitSummary,
  memoryIsSplit,
  memoryRows,
  memoryTable,
  moduleTable,
  planNotes,
  renderMarkdownTable,
  speedNotes,
  speedRows,
  speedTable,
  summaryRows,
  summaryTable,
  tensorTable,
  weightsSections,
  weightsSummaryRows,
} from '@nnsize/core/present'
import type { FieldId } from '@nnsize/core/request'
import { renderTextTable, truncate, truncateShape, visibleWidth } from './layout.js'
import type { Style } from './style.js'

/** How a terminal report is drawn. */
export interface ReportOptions {
  style: Style
  /** Terminal width in columns; Infinity when not a terminal (nothing is cut). */
  width: number
  units: ByteUnits
  /** Deepest module level in the module table. */
  depth: number
  /** List every tensor rather than the first {@link tensorLimit}. */
  allTensors: boolean
  /** The derivations to show after the report (`--explain`), made by the core's explain formatters. */
  explanation?: readonly ExplainSection[] | undefined
  /** The header: the source text, or the file a config came from. Default: the analysed text. */
  title?: string | undefined
  /** The memory plan, when memory options were given. */
  plan?: MemoryPlan | undefined
  /** The speed plan, when a GPU, `--tokens` or `--mfu` was given with memory options. */
  speed?: SpeedPlan | undefined
  /** The command line's name for a request field in notes (`` `--seq` ``). */
  fieldLabel?: ((field: FieldId) => string) | undefined
  /** The weight files the analysis was made from: their facts, sections and tensors as stored. */
  weights?: WeightsInfo | undefined
}

/** Tensors listed by default. */
export const tensorLimit = 30

/** The tensor table a report shows (the weight file's, or the model's; the first {@link tensorLimit} rows unless all are asked for) and how many tensors there are. */
function tensorRows(analysis: Analysis, options: Pick<ReportOptions, 'weights' | 'units' | 'allTensors'>): { table: ReturnType<typeof tensorTable>; total: number } {
  const limit = options.allTensors ? undefined : tensorLimit
  const table = options.weights ? fileTensorTable(options.weights, { units: options.units, limit }) : tensorTable(analysis, { units: options.units, limit })
  return { table, total: table.rowCount ?? table.rows.length }
}

/** Source lines shown above the report. */
const sourceLines = 8

/** The source as a header: its first lines, each cut to the width, with a note when more lines follow. */
function sourceHeader(source: string, style: Style, width: number): string {
  const lines = source.trim().split('\n').map((l) => l.trimEnd())
  const max = Number.isFinite(width) ? Math.max(10, width) : Infinity
  const shown = lines.length > sourceLines ? lines.slice(0, sourceLines - 1) : lines
  const out = shown.map((l) => style.bold(truncate(l, max)))
  if (shown.length < lines.length) out.push(style.dim(`… ${lines.length - shown.length} more lines`))
  return out.join('\n')
}

/** Label/value/detail lines; the detail wraps under the value when the line would be too wide. */
function summaryLines(analysis: Analysis, options: ReportOptions): string[] {
  const { style, width } = options
  const rows = [...summaryRows(analysis, { units: options.units }), ...(options.weights ? weightsSummaryRows(options.weights, { units: options.units }) : [])]
  const labelWidth = Math.max(...rows.map((r) => r.label.length))
  const out: string[] = []
  for (const row of rows) {
    const lead = `  ${row.label.padEnd(labelWidth)}  `
    const bold = row.key === 'params' ? (t: string) => style.bold(style.green(t)) : (t: string) => style.bold(t)
    // a long value (a formula with many terms) wraps under itself
    const parts = wrap(row.value, Number.isFinite(width) ? Math.max(20, width - lead.length) : Infinity, '')
    if (parts.length > 1) {
      out.push(`${lead}${bold(parts[0]!)}`, ...parts.slice(1).map((p) => `${' '.repeat(lead.length)}${bold(p)}`))
      if (row.detail) out.push(`${' '.repeat(lead.length)}${style.dim(truncate(row.detail, Math.max(10, width - lead.length)))}`)
      continue
    }
    const line = `${lead}${bold(row.value)}`
    if (!row.detail) {
      out.push(line)
      continue
    }
    const joined = `${line}  ${style.dim(row.detail)}`
    if (visibleWidth(joined) <= width) out.push(joined)
    else out.push(line, `${' '.repeat(lead.length)}${style.dim(truncate(row.detail, Math.max(10, width - lead.length)))}`)
  }
  return out
}

/** `Memory per GPU` → `memory per GPU`. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

/** A section title. */
export function title(text: string, style: Style): string {
  return style.bold(text)
}

/** Explanation sections for a terminal: dim subjects, the derivation after them, wrapped to the width. */
export function explanationLines(sections: readonly ExplainSection[], style: Style, width: number): string[] {
  const out: string[] = []
  for (const section of sections) {
    out.push('', title(`How the numbers are derived: ${lowerFirst(section.title)}`, style))
    for (const line of section.lines) {
      out.push(`  ${style.cyan(line.subject)}`)
      for (const part of line.steps) out.push(...wrap(part, Number.isFinite(width) ? Math.max(20, width - 4) : Infinity).map((l) => `    ${l}`))
    }
  }
  return out
}

/** Wraps text at spaces to `width` columns, continuation lines indented by `indent`. */
function wrap(text: string, width: number, indent = '  '): string[] {
  if ([...text].length <= width) return [text]
  const words = text.split(' ')
  const lines: string[] = []
  let current = ''
  for (const word of words) {
    const next = current === '' ? word : `${current} ${word}`
    if ([...next].length > width && current !== '') {
      lines.push(current)
      current = `${indent}${word}`
    } else current = next
  }
  if (current !== '') lines.push(current)
  return lines
}

/** The memory budget for a terminal: the settings, each line with its bytes and formula, one GPU's share, the fit. */
export function memoryLines(plan: MemoryPlan, options: Pick<ReportOptions, 'style' | 'width' | 'units' | 'fieldLabel'> & { explain?: boolean | undefined }): string[] {
  const { style, width } = options
  const words = { units: options.units, fieldLabel: options.fieldLabel }
  const out: string[] = ['', `${style.bold('Memory')}  ${style.dim(describeMemoryOptions(plan))}`]
  const block = (scope: 'replica' | 'device'): void => {
    const rows = memoryRows(plan, { ...words, scope })
    const labelWidth = Math.max(...rows.map((r) => r.label.length))
    const valueWidth = Math.max(...rows.map((r) => r.value.length))
    for (const r of rows) {
      const lead = `  ${r.label.padEnd(labelWidth)}  ${r.value.padStart(valueWidth)}`
      const styled = r.kind === 'total' || r.kind === 'subtotal' ? style.bold(lead) : r.bytes === 0n ? style.dim(lead) : lead
      // formulas in full under --explain; here, what fits on the line
      const room = Number.isFinite(width) ? width - lead.length - 2 : Infinity
      out.push(options.explain || room < 12 ? styled : `${styled}  ${style.dim(truncate(r.formula, room))}`)
    }
  }
  block('replica')
  if (memoryIsSplit(plan)) {
    out.push('', `${style.bold('Per GPU')}  ${style.dim(describeLayout(plan))}`)
    block('device')
  }
  const ds = deepspeedTable(plan)
  if (ds && plan.deepspeed) {
    out.push('', `${style.bold(deepspeedTitle(plan.deepspeed))}`)
    out.push(...renderTextTable(ds, style, width))
  }
  const fit = fitSummary(plan, words)
  if (fit) {
    out.push('', `  ${fit.fits ? style.green('✓') : style.red('✗')} ${style.bold(fit.sentence)}`)
    if (fit.details.length > 0) out.push(`    ${style.dim(fit.details.join('; '))}`)
  }
  const notes = options.explain ? [] : planNotes(plan.notes, words)
  if (notes.length > 0) {
    out.push('')
    for (const n of notes) out.push(...wrap(`note: ${n}`, Number.isFinite(width) ? Math.max(20, width - 2) : Infinity).map((l) => `  ${style.dim(l)}`))
  }
  return out
}

/** The speed figures for a terminal: the rates divided by, each figure with its formula, the decode table, the notes. */
export function speedLines(speed: SpeedPlan, options: Pick<ReportOptions, 'style' | 'width' | 'units' | 'fieldLabel'> & { explain?: boolean | undefined }): string[] {
  const { style, width } = options
  const words = { units: options.units, fieldLabel: options.fieldLabel }
  const out: string[] = ['', `${style.bold('Speed')}  ${style.dim(describeSpeed(speed))}`]
  const rows = speedRows(speed, words)
  const labelWidth = Math.max(0, ...rows.map((r) => r.label.length))
  const valueWidth = Math.max(0, ...rows.map((r) => r.value.length))
  for (const r of rows) {
    const lead = `  ${r.label.padEnd(labelWidth)}  ${r.value.padStart(valueWidth)}`
    const room = Number.isFinite(width) ? width - lead.length - 2 : Infinity
    out.push(options.explain || room < 12 ? lead : `${lead}  ${style.dim(truncate(r.formula, room))}`)
  }
  const table = decodeTable(speed, words)
  if (table) out.push('', `  ${style.bold('Decode by batch')}`, ...renderTextTable(table, style, width))
  const notes = options.explain ? [] : speedNotes(speed, words)
  if (notes.length > 0) {
    out.push('')
    for (const n of notes) out.push(...wrap(`note: ${n}`, Number.isFinite(width) ? Math.max(20, width - 2) : Infinity).map((l) => `  ${style.dim(l)}`))
  }
  return out
}

/** The terminal report: source, summary, module table, tensors and (optionally) the explanation. */
export function renderReport(analysis: Analysis, options: ReportOptions): string {
  const { style, width } = options
  const out: string[] = [sourceHeader(options.title ?? analysis.input, style, width), '', ...summaryLines(analysis, options)]
  // what the program printed, and a forward pass that stopped at something unsupported
  if (analysis.notes && analysis.notes.length > 0) {
    out.push('')
    for (const n of analysis.notes) out.push(...wrap(`note: ${n}`, Number.isFinite(width) ? Math.max(20, width - 2) : Infinity).map((l) => `  ${style.dim(l)}`))
  }
  if (analysis.model && Object.keys(analysis.model.breakdown).length > 0) {
    out.push('', title('Parts', style), ...renderTextTable(breakdownTable(analysis), style, width, { shrink: [{ key: 'part', min: 12 }] }))
  }
  if (options.weights) {
    for (const section of weightsSections(options.weights, { units: options.units })) {
      out.push('', title(section.title, style))
      for (const line of section.lines) out.push(...wrap(line, Number.isFinite(width) ? Math.max(20, width - 2) : Infinity).map((l) => `  ${l}`))
      if (section.table) out.push(...renderTextTable(section.table, style, width, { shrink: [{ key: section.table.columns[0]!.key, min: 12, middle: true }] }))
    }
  }
  const hasChildren = analysis.modules.length > 1
  if (hasChildren || analysis.forward) {
    const table = moduleTable(analysis, { units: options.units, depth: options.depth })
    out.push('', title('Modules', style))
    out.push(
      ...renderTextTable(table, style, width, {
        shrink: [
          { key: 'module', min: 12 },
          // a type name cut short still reads; a shape needs its last dimensions
          { key: 'type', min: 8 },
          { key: 'outputShape', min: 12, cut: truncateShape },
        ],
        drop: ['paramsPercent', 'savedBytes', 'macs', 'outputShape'],
        color: { module: (text) => text.replace(/^([│├└─ ]+)/, (tree) => style.dim(tree)), type: (text) => style.cyan(text) },
      }),
    )
    const hidden = analysis.modules.filter((m) => m.depth > options.depth).length
    if (hidden > 0) out.push(style.dim(`  … ${hidden} deeper ${hidden === 1 ? 'module' : 'modules'} (--depth ${options.depth + 1} shows the next level)`))
  }
  // the tensor list when it is the interesting part: a layer or a small model without a forward pass or a plan
  const listTensors = options.allTensors || (!analysis.forward && !options.plan && !analysis.model)
  if (!listTensors && analysis.tensors.length > 0 && !analysis.forward) {
    out.push('', style.dim(`  ${analysis.tensors.length} tensors (--tensors lists them)`))
  }
  if (listTensors) {
    const { table, total } = tensorRows(analysis, options)
    if (total > 0) {
      out.push('', title('Tensors', style))
      out.push(
        ...renderTextTable(table, style, width, {
          shrink: [
            { key: 'name', min: 16, middle: true },
            { key: 'note', min: 6 },
          ],
          drop: ['note', 'file', 'torch', 'bytes', 'dtype'],
          color: { note: (text) => style.yellow(text), shape: (text) => style.cyan(text) },
        }),
      )
      if (table.rows.length < total) out.push(style.dim(`  … ${total - table.rows.length} more (--tensors lists all ${total})`))
    }
  }
  if (options.plan) out.push(...memoryLines(options.plan, { ...options, explain: options.explanation !== undefined }))
  if (options.speed) out.push(...speedLines(options.speed, { ...options, explain: options.explanation !== undefined }))
  if (options.explanation) out.push(...explanationLines(options.explanation, style, width))
  return `${out.join('\n')}\n`
}

/** Source text in a fenced code block (a longer fence when the text holds one). */
export function fenced(source: string): string {
  const fence = source.includes('```') ? '~~~~' : '```'
  return `${fence}python\n${source.trim()}\n${fence}`
}

/** Markdown: the source in a code block, the summary, the module table and the tensors. */
export function renderMarkdownReport(analysis: Analysis, options: Omit<ReportOptions, 'style' | 'width'>): string {
  const heading = options.title !== undefined && options.title !== analysis.input ? `**${options.title.replace(/[*_`]/g, '\\$&')}**` : fenced(analysis.input)
  const summary = summaryTable(analysis, { units: options.units, extra: options.weights ? weightsSummaryRows(options.weights, { units: options.units }) : undefined })
  const parts = [heading, renderMarkdownTable(summary)]
  if (analysis.notes && analysis.notes.length > 0) parts.push(analysis.notes.map((n) => `- note: ${n}`).join('\n'))
  if (analysis.model && Object.keys(analysis.model.breakdown).length > 0) parts.push('**Parts**', renderMarkdownTable(breakdownTable(analysis)))
  if (options.weights) {
    for (const section of weightsSections(options.weights, { units: options.units })) {
      parts.push(`**${section.title}**`)
      if (section.lines.length > 0) parts.push(section.lines.join('\n\n'))
      if (section.table) parts.push(renderMarkdownTable(section.table))
    }
  }
  if (analysis.modules.length > 1 || analysis.forward) parts.push('**Modules**', renderMarkdownTable(moduleTable(analysis, { units: options.units, depth: options.depth })))
  const { table: tensors, total } = tensorRows(analysis, options)
  if (total > 0 && (!analysis.forward || options.allTensors)) {
    parts.push('**Tensors**', renderMarkdownTable(tensors))
    if (tensors.rows.length < total) parts.push(`_… ${total - tensors.rows.length} more tensors._`)
  }
  const plan = options.plan
  if (plan) {
    const words = { units: options.units, fieldLabel: options.fieldLabel }
    parts.push(`**Memory** (${describeMemoryOptions(plan)})`, renderMarkdownTable(memoryTable(plan, words)))
    if (memoryIsSplit(plan)) parts.push(`**Per GPU** (${plan.options.gpus} GPUs)`, renderMarkdownTable(memoryTable(plan, { ...words, scope: 'device' })))
    const ds = deepspeedTable(plan)
    if (ds && plan.deepspeed) parts.push(`**${deepspeedTitle(plan.deepspeed)}**`, renderMarkdownTable(ds))
    const fit = fitSummary(plan, words)
    if (fit) parts.push(`${fit.fits ? '✓' : '✗'} ${fit.sentence}`)
    const notes = planNotes(plan.notes, words)
    if (notes.length > 0) parts.push(notes.map((n) => `- ${n}`).join('\n'))
  }
  const speed = options.speed
  if (speed) {
    const words = { units: options.units, fieldLabel: options.fieldLabel }
    parts.push(
      `**Speed** (${describeSpeed(speed)})`,
      renderMarkdownTable(speedTable(speed, words)),
    )
    const table = decodeTable(speed, words)
    if (table) parts.push('**Decode by batch**', renderMarkdownTable(table))
    const notes = speedNotes(speed, words)
    if (notes.length > 0) parts.push(notes.map((n) => `- ${n}`).join('\n'))
  }
  if (options.explanation) {
    for (const section of options.explanation) {
      parts.push(`**How the numbers are derived: ${lowerFirst(section.title)}**`, section.lines.map((l) => `- ${l.subject}: ${l.text.replace(/\|/g, '\\|')}`).join('\n'))
    }
  }
  return `${parts.join('\n\n')}\n`
}

