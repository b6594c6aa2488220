import type { Analysis } from '../analyze.js'
import type { FormulaTerm } from '../layers/define-layer.js'
import { numel } from '../tensor/shape.js'
import { formatCount } from './number.js'

/** A parameter count written out: symbols, numbers and the exact total. */
export interface FormulaText {
  /** `in_channels × out_channels × kernel_size × kernel_size + out_channels` */
  symbolic: string
  /** `128 × 256 × 3 × 3 + 256` */
  numeric: string
  /** `295,168` */
  total: string
  /** `128 × 256 × 3 × 3 + 256 = 295,168` */
  text: string
}

function termValue(term: FormulaTerm): bigint {
  return numel(term.factors.map(([, v]) => v))
}

/** Writes the count of an analysis as a formula; containers sum their children. */
export function formatFormula(analysis: Analysis): FormulaText {
  const total = formatCount(analysis.params.total)
  if (analysis.formula.length > 0) {
    // A term without factors is a 0-dim tensor: one element.
    const symbolic = analysis.formula.map((t) => (t.factors.length === 0 ? '1' : t.factors.map(([name]) => name).join(' × '))).join(' + ')
    const numeric = analysis.formula.map((t) => (t.factors.length === 0 ? '1' : t.factors.map(([, v]) => formatCount(v)).join(' × '))).join(' + ')
    const sum = analysis.formula.reduce((acc, t) => acc + termValue(t), 0n)
    const rest = analysis.params.total - sum
    const numericAll = rest > 0n ? `${numeric} + ${formatCount(rest)}` : numeric
    const symbolicAll = rest > 0n ? `${symbolic} + submodules` : symbolic
    return { symbolic: symbolicAll, numeric: numericAll, total, text: `${numericAll} = ${total}` }
  }
  const children = analysis.modules.filter((m) => m.depth === 1 && m.params.total > 0n)
  if (children.length === 0) return { symbolic: '0', numeric: '0', total, text: `${total}` }
  // a tensor held by two children (tied embeddings) is in both subtotals but counts once
  const shared = children.reduce((acc, c) => acc + c.params.total, 0n) - analysis.params.total
  const less = shared > 0n ? ` − ${formatCount(shared)} shared` : ''
  const numeric = children.map((c) => formatCount(c.params.total)).join(' + ') + less
  const symbolic = children.map((c) => c.path).join(' + ') + (shared > 0n ? ' − shared' : '')
  return { symbolic, numeric, total, text: children.length > 1 || shared > 0n ? `${numeric} = ${total}` : total }
}
