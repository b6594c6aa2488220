import type { WeightsComparison } from '@nnsize/core'
import type { Comparison } from '@nnsize/core/present'
import { comparisonTable, renderMarkdownTable, weightsComparisonSentence, weightsComparisonTable } from '@nnsize/core/present'
import { renderTextTable, truncate } from './layout.js'
import { fenced, title } from './report.js'
import type { Style } from './style.js'

/** Short column headers for a comparison: the sources themselves when they are short, else A and B. */
export function comparisonHeaders(comparison: Comparison, labels: { a: string; b: string }): { a: string; b: string } {
  return labels.a.length <= 32 && labels.b.length <= 32 && !labels.a.includes('\n') && !labels.b.includes('\n') && labels.a !== labels.b ? labels : { a: 'A', b: 'B' }
}

/** The terminal form of a comparison: both sources, the side-by-side table and the tensors that differ (of two sets of weight files, by the files' own types). */
export function renderComparison(comparison: Comparison, labels: { a: string; b: string }, options: { style: Style; width: number; weights?: WeightsComparison | undefined }): string {
  const { style, width } = options
  const headers = comparisonHeaders(comparison, labels)
  const out: string[] = [`${style.bold('A')}  ${truncate(labels.a.split('\n')[0]!, Number.isFinite(width) ? Math.max(10, width - 3) : Infinity)}`, `${style.bold('B')}  ${truncate(labels.b.split('\n')[0]!, Number.isFinite(width) ? Math.max(10, width - 3) : Infinity)}`, '']
  out.push(
    ...renderTextTable(comparisonTable(comparison, headers.a === 'A' ? {} : headers), style, width, {
      shrink: [
        { key: 'a', min: 8 },
        { key: 'b', min: 8 },
      ],
      color: { delta: (text) => (text.startsWith('+') ? style.yellow(text) : text.startsWith('−') ? style.green(text) : style.dim(text)) },
    }),
  )
  if (options.weights) {
    const table = weightsComparisonTable(options.weights, headers.a === 'A' ? {} : headers)
    out.push('', title('Tensors that differ', style), `  ${weightsComparisonSentence(options.weights)}`)
    if (table.rows.length > 0) out.push(...renderTextTable(table, style, width, { shrink: [{ key: 'name', min: 16, middle: true }] }))
  } else if (comparison.tensors.length > 0) {
    out.push('', title('Tensors that differ', style))
    for (const t of comparison.tensors) {
      const what = t.change === 'only-a' ? `only in A: ${t.a}` : t.change === 'only-b' ? `only in B: ${t.b}` : `${t.a} → ${t.b}`
      out.push(`  ${t.name}  ${style.dim(what)}`)
    }
  }
  return `${out.join('\n')}\n`
}

/** Markdown form of a comparison: the side-by-side table with short headers and the differing tensors. */
export function renderMarkdownComparison(comparison: Comparison, labels: { a: string; b: string }, weights?: WeightsComparison): string {
  const headers = comparisonHeaders(comparison, labels)
  const parts: string[] = []
  if (headers.a === 'A') parts.push(`A:\n\n${fenced(labels.a)}`, `B:\n\n${fenced(labels.b)}`)
  const table = comparisonTable(comparison, headers.a === 'A' ? {} : { a: `\`${headers.a}\``, b: `\`${headers.b}\`` })
  parts.push(renderMarkdownTable(table))
  if (weights) {
    const differ = weightsComparisonTable(weights, headers.a === 'A' ? {} : { a: `\`${headers.a}\``, b: `\`${headers.b}\`` })
    parts.push(weightsComparisonSentence(weights))
    if (differ.rows.length > 0) parts.push(renderMarkdownTable(differ))
  } else if (comparison.tensors.length > 0) {
    parts.push(
      comparison.tensors
        .map((t) => `- \`${t.name}\`: ${t.change === 'only-a' ? `only in A, ${t.a}` : t.change === 'only-b' ? `only in B, ${t.b}` : `${t.a} → ${t.b}`}`)
        .join('\n'),
    )
  }
  return `${parts.join('\n\n')}\n`
}
