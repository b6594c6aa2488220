import { deepspeedCpuFormula, deepspeedGB, deepspeedGpuFormula, deepspeedInputsText, deepspeedOptionsText, deepspeedTitle } from './deepspeed.js'
import type { Analysis } from '../analyze.js'
import type { MemoryPlan } from '../memory/plan.js'
import { formulaTerms } from '../count/count.js'
import type { FormulaTerm } from '../layers/define-layer.js'
import type { ModuleNode, TensorDef } from '../model/module.js'
import { dtypeBytes } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { formatShape, numel } from '../tensor/shape.js'
import { formatBytes } from '../format/bytes.js'
import type { ByteUnits } from '../format/bytes.js'
import { formatCount } from '../format/number.js'
import { acceleratorName, describeLayout, describeMemoryOptions, fitSummary, memoryIsSplit, memoryRows, perNodeText } from './memory.js'
import { planNotes } from './notes.js'
import type { PresentOptions } from './words.js'

/** One step of an explanation: what it is about and the derivation in words and numbers. */
export interface ExplainLine {
  /** The modules or quantity the line is about: `layer1.0.conv1 (Conv2d)`, `total`. */
  subject: string
  /** `parameters = in_features × out_features = 10 × 20 = 200; bytes = 200 × 4 B (float32) = 800 B` */
  text: string
  /** The same text as separate steps, for a display that puts each on its own line. */
  steps: string[]
}

/** A line from its steps. */
function explainLine(subject: string, ...steps: string[]): ExplainLine {
  return { subject, text: steps.join('; '), steps }
}

/** A titled group of explanation lines. */
export interface ExplainSection {
  title: string
  lines: ExplainLine[]
}

/** Options of {@link explainAnalysis} and {@link explainMemory}: byte units and the app's names for request fields. */
export type ExplainOptions = PresentOptions

const SUPERSCRIPT: Record<string, string> = { 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' }

function superscript(n: number): string {
  return String(n)
    .split('')
    .map((d) => SUPERSCRIPT[d] ?? d)
    .join('')
}

/** A formula term written symbolically and with numbers: runs of one equal factor become a power (`kernel_size²`, `9`). */
function writeTerm(term: FormulaTerm): { symbolic: string; numeric: string; value: bigint } {
  const value = numel(term.factors.map(([, v]) => v))
  if (term.factors.every(([name]) => /^dim \d+$/.test(name))) {
    const dims = term.factors.map(([, v]) => formatCount(v))
    return { symbolic: term.tensor, numeric: dims.length === 0 ? '1' : dims.join(' × '), value }
  }
  const symbolic: string[] = []
  const numeric: string[] = []
  const factors = term.factors
  for (let i = 0; i < factors.length; ) {
    const [name, v] = factors[i]!
    let j = i + 1
    while (j < factors.length && factors[j]![0] === name && factors[j]![1] === v) j++
    const run = j - i
    symbolic.push(run > 1 ? `${name}${superscript(run)}` : name)
    numeric.push(formatCount(run > 1 ? numel(new Array<number>(run).fill(v)) : BigInt(v)))
    i = j
  }
  return { symbolic: symbolic.join(' × '), numeric: numeric.join(' × '), value }
}

/** Above this many tensors a derivation is written per tensor. */
const manyTerms = 3

/**
 * `parameters = in_channels × out_channels × kernel_size² + out_channels = 128 × 256 × 9 + 256 = 294,912 + 256 = 295,168`:
 * symbols, numbers, each term's value and the total, a step left out when it would repeat the one before.
 */
export function writeDerivation(label: string, terms: readonly FormulaTerm[]): string {
  return derivationSteps(label, terms).join('; ')
}

/** {@link writeDerivation} as steps: one, or one per tensor and the sum when there are many. */
function derivationSteps(label: string, terms: readonly FormulaTerm[]): string[] {
  if (terms.length === 0) return [`${label} = 0`]
  const written = terms.map(writeTerm)
  const total = written.reduce((acc, t) => acc + t.value, 0n)
  if (terms.length > manyTerms) {
    // one derivation per tensor, then the sum: `weight_ih_l0 = 4 × hidden_size × input_size = 1,024 × 128 = 131,072; …`
    const each = terms.map((t) => writeDerivation(t.tensor, [t]).replace(/^(\S+) = \1 = /, '$1 = '))
    return [...each, `${label} = ${written.map((t) => formatCount(t.value)).join(' + ')} = ${formatCount(total)}`]
  }
  const steps = [written.map((t) => t.symbolic).join(' + '), written.map((t) => t.numeric).join(' + '), written.map((t) => formatCount(t.value)).join(' + '), formatCount(total)]
  const shown: string[] = []
  for (const step of steps) if (shown.at(-1) !== step) shown.push(step)
  return [`${label} = ${shown.join(' = ')}`]
}

function ownTensors(node: ModuleNode, kind: 'parameter' | 'buffer'): Array<[string, TensorDef]> {
  return [...(kind === 'parameter' ? node.params : node.buffers)].filter((e): e is [string, TensorDef] => e[1] !== null)
}

function shapeTerms(tensors: ReadonlyArray<[string, TensorDef]>): FormulaTerm[] {
  return tensors.map(([name, def]) => ({ tensor: name, factors: def.shape.map((d, i) => [`dim ${i}`, d] as const) }))
}

/** `295,168 × 4 B (float32) = 1,180,672 B = 1.13 MiB`, one product per dtype. */
function writeBytes(tensors: ReadonlyArray<[string, TensorDef]>, units: ByteUnits): string {
  const byDType = new Map<DType, bigint>()
  for (const [, t] of tensors) byDType.set(t.dtype, (byDType.get(t.dtype) ?? 0n) + numel(t.shape))
  let total = 0n
  const products: string[] = []
  for (const [dtype, elements] of byDType) {
    total += elements * BigInt(dtypeBytes[dtype])
    products.push(`${formatCount(elements)} × ${dtypeBytes[dtype]} B (${dtype})`)
  }
  return `${products.join(' + ')} = ${exactBytes(total, units)}`
}

/** `1,180,672 B = 1.13 MiB`, or `520 B` below one KiB / kB. */
function exactBytes(bytes: bigint, units: ByteUnits): string {
  const pretty = formatBytes(bytes, units)
  return pretty === `${bytes} B` ? `${formatCount(bytes)} B` : `${formatCount(bytes)} B = ${pretty}`
}

function subjectOf(paths: readonly string[], type: string): string {
  if (paths.length === 1 && paths[0] === '') return type
  const names = paths.map((p) => (p === '' ? '(root)' : p))
  if (names.length === 1) return `${names[0]} (${type})`
  const list = names.length <= 3 ? names.join(', ') : `${names[0]}, ${names[1]}, …, ${names.at(-1)}`
  return `${list} (${type}, ${names.length} ×)`
}

/** Groups lines with the same type and text, keeping first-seen order. */
function grouped(items: ReadonlyArray<{ path: string; type: string; steps: string[] }>): ExplainLine[] {
  const groups = new Map<string, { paths: string[]; type: string; steps: string[] }>()
  for (const item of items) {
    const key = `${item.type}\u0000${item.steps.join('\u0000')}`
    const group = groups.get(key)
    if (group) group.paths.push(item.path)
    else groups.set(key, { paths: [item.path], type: item.type, steps: item.steps })
  }
  return [...groups.values()].map((g) => explainLine(subjectOf(g.paths, g.type), ...g.steps))
}

/**
 * The derivation of every number of an analysis in words and numbers: each layer kind's
 * parameter formula with its arguments filled in (identical layers once, with their count),
 * buffers, bytes per dtype, how the model total adds up and, with a forward pass, where the
 * MACs and the activation bytes come from.
 */
export function explainAnalysis(analysis: Analysis, options: ExplainOptions = {}): ExplainSection[] {
  const units = options.units ?? 'iec'
  const sections: ExplainSection[] = []

  const paramItems: Array<{ path: string; type: string; steps: string[] }> = []
  const bufferItems: Array<{ path: string; type: string; steps: string[] }> = []
  for (const m of analysis.modules) {
    const params = ownTensors(m.node, 'parameter')
    if (params.length > 0) {
      let terms = formulaTerms(m.node)
      const covered = terms.reduce((acc, t) => acc + numel(t.factors.map(([, v]) => v)), 0n)
      if (covered !== m.ownParamCount) terms = shapeTerms(params)
      paramItems.push({ path: m.path, type: m.type, steps: [...derivationSteps('parameters', terms), `bytes = ${writeBytes(params, units)}`] })
    }
    const buffers = ownTensors(m.node, 'buffer')
    if (buffers.length > 0) {
      bufferItems.push({ path: m.path, type: m.type, steps: [...derivationSteps('buffer elements', shapeTerms(buffers)), `bytes = ${writeBytes(buffers, units)}`] })
    }
  }

  const paramLines = grouped(paramItems)
  const allParams = analysis.tensors.filter((t) => t.kind === 'parameter').map((t) => [t.name, t.def] as [string, TensorDef])
  const root = analysis.modules[0]
  const children = analysis.modules.filter((m) => m.depth === 1 && m.params.total > 0n)
  const parts = [...(root && root.ownParamCount > 0n ? [`${formatCount(root.ownParamCount)} (own)`] : []), ...children.map((c) => `${formatCount(c.params.total)} (${c.path})`)]
  const partsSum = (root?.ownParamCount ?? 0n) + children.reduce((acc, c) => acc + c.params.total, 0n)
  const shared = partsSum - analysis.params.total
  if (analysis.modules.length > 1 || paramLines.length === 0) {
    const sum = parts.length > 1 || shared > 0n ? `${parts.join(' + ')}${shared > 0n ? ` − ${formatCount(shared)} shared` : ''} = ` : ''
    const text = `parameters = ${sum}${formatCount(analysis.params.total)}`
    paramLines.push(allParams.length > 0 ? explainLine('total', text, `bytes = ${writeBytes(allParams, units)}`) : explainLine('total', text))
  }
  const ownSum = analysis.modules.reduce((acc, m) => acc + m.ownParamCount, 0n)
  if (ownSum > analysis.params.total) {
    paramLines.push(explainLine('sharing', `${formatCount(ownSum - analysis.params.total)} parameters belong to tensors held by several modules: PyTorch lists each tensor once, so they count once.`))
  }
  if (analysis.params.frozen > 0n) {
    paramLines.push(explainLine('trainable', `trainable = ${formatCount(analysis.params.total)} − ${formatCount(analysis.params.frozen)} frozen = ${formatCount(analysis.params.trainable)}`))
  }
  sections.push({ title: 'Parameters', lines: paramLines })

  if (bufferItems.length > 0) {
    const lines = grouped(bufferItems)
    const allBuffers = analysis.tensors.filter((t) => t.kind === 'buffer').map((t) => [t.name, t.def] as [string, TensorDef])
    if (analysis.modules.length > 1) lines.push(explainLine('total', `buffer elements = ${formatCount(analysis.buffers.total)}`, `bytes = ${writeBytes(allBuffers, units)}`))
    sections.push({ title: 'Buffers', lines })
  }

  const f = analysis.forward
  if (f) {
    const shapes = f.inputs.map((i) => `${formatShape(i.shape)} ${i.dtype}`).join(', ')
    const leaves = f.modules.filter((s) => s.module.children.size === 0 || s.ownMacs > 0n)
    const macLines = grouped(leaves.filter((s) => s.ownMacs > 0n).map((s) => ({ path: s.path, type: s.module.type, steps: [`${formatCount(s.ownMacs)} MACs${s.outputShape ? ` → output ${formatShape(s.outputShape)}` : ''}`] })))
    macLines.push(
      explainLine(
        'total',
        `MACs = ${formatCount(f.macs)} for one forward pass on ${shapes}`,
        `FLOPs = 2 × MACs = ${formatCount(2n * f.macs)} (multiply-accumulates of matmuls and convolutions, bias additions not counted, as PyTorch's FlopCounterMode counts)`,
        `backward MACs = ${formatCount(f.backwardMacs)} (the gradient of each input and, in modules with parameters, of the weights: about 2 × forward)`,
      ),
    )
    sections.push({ title: 'Compute', lines: macLines })
    const actLines = leaves.filter((s) => s.savedBytes > 0n).map((s) => explainLine(subjectOf([s.path], s.module.type), `saves ${exactBytes(s.savedBytes, units)} for backward`))
    actLines.push(
      explainLine(
        'total',
        `activations saved for backward (${f.device} kernels, each storage once) = ${exactBytes(f.savedBytes, units)}`,
        `with the input = ${formatBytes(f.savedBytesWithInput, units)}`,
        `inference peak (no grad) = ${formatBytes(f.inferencePeakBytes, units)}`,
      ),
    )
    sections.push({ title: 'Activations', lines: actLines })
  }
  return sections
}

/**
 * The derivation of every line of a memory plan: the budget of the whole model, one GPU's share when the work is
 * split, whether it fits, what the optimizer keeps and why, and the plan's notes. Each line is the planner's formula
 * with its numbers filled in, followed by the exact byte count.
 */
export function explainMemory(plan: MemoryPlan, options: ExplainOptions = {}): ExplainSection[] {
  const units = options.units ?? 'iec'
  const sections: ExplainSection[] = []
  const rows = (scope: 'replica' | 'device'): ExplainLine[] =>
    memoryRows(plan, { ...options, units, scope }).map((r) => (r.kind === 'total' || r.bytes < 1024n ? explainLine(r.label, r.formula) : explainLine(r.label, r.formula, `exactly ${formatCount(r.bytes)} bytes`)))
  sections.push({ title: `Memory (${describeMemoryOptions(plan)})`, lines: rows('replica') })
  if (memoryIsSplit(plan)) {
    const lines = rows('device')
    lines.push(explainLine('per node', perNodeText(plan, { units })))
    sections.push({ title: `Memory per GPU (${describeLayout(plan)})`, lines })
  }
  if (plan.optimizer) {
    const o = plan.optimizer.optimizer
    sections.push({
      title: 'Optimizer state',
      lines: [
        explainLine(o.text, o.accounting, `source: ${o.source}`),
        ...plan.optimizer.entries.map((e) => explainLine(e.name, `${formatCount(e.elements)} elements × ${dtypeBytes[e.dtype]} B (${e.dtype}) in ${formatCount(e.tensors)} ${e.tensors === 1 ? 'tensor' : 'tensors'} = ${exactBytes(e.bytes, units)}${e.host && plan.options.device === 'cuda' ? ', on the CPU (PyTorch creates it there unless `capturable=True` or `fused=True`)' : ''}`)),
      ],
    })
  }
  const ds = plan.deepspeed
  if (ds) {
    const lines = [explainLine('inputs', deepspeedInputsText(ds))]
    ds.rows.forEach((row, i) => {
      const subject = `${deepspeedOptionsText(row, ds.stage).replace(/ +,/g, ',')}${ds.chosen.includes(i) ? ' (chosen)' : ''}`
      lines.push(explainLine(subject, `per GPU: ${deepspeedGpuFormula(ds, row)} (${deepspeedGB(row.gpuBytes)} GiB)`, `per CPU: ${deepspeedCpuFormula(ds, row)} (${deepspeedGB(row.cpuBytes)} GiB)`))
    })
    sections.push({ title: deepspeedTitle(ds), lines })
  }
  const fit = fitSummary(plan, { units })
  if (plan.fit && fit) {
    const f = plan.fit
    const lines: ExplainLine[] = [explainLine(acceleratorName(f.gpu), fit.sentence, `capacity ${formatCount(f.capacityBytes)} bytes (${f.gpu.basis === 'spec' ? 'the vendor’s figure' : `as ${f.gpu.basis.toUpperCase()} reports it`})`)]
    if (f.gpusNeeded !== null) lines.push(explainLine('GPUs needed', `${formatCount(f.gpusNeeded)} with these settings`))
    if (f.largestBatch !== null) lines.push(explainLine('largest batch', f.largestBatch === 0 ? 'none: even a batch of 1 does not fit' : `${formatCount(f.largestBatch)} per GPU`))
    sections.push({ title: 'Fit', lines })
  }
  if (plan.notes.length > 0) sections.push({ title: 'Notes', lines: planNotes(plan.notes, options).map((n) => explainLine('note', n)) })
  return sections
}

/** Plain text of an explanation: a title line per section, then `  subject: text` lines. */
export function renderExplanation(sections: readonly ExplainSection[]): string {
  return sections.map((s) => [s.title, ...s.lines.map((l) => `  ${l.subject}: ${l.text}`)].join('\n')).join('\n\n')
}
