import type { Table } from '@nnsize/core/present'
import type { Style } from './style.js'

const ANSI = /\u001b\[[0-9;]*m/g

/** Text without ANSI escapes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '')
}

/** An escape or the first half of a surrogate pair: text with neither is as wide as it is long. */
const NOT_PLAIN = /[\u001b\ud800-\udbff]/

/** Width of text in terminal columns (escapes excluded; every code point one column). */
export function visibleWidth(text: string): number {
  // a table measures every cell two or three times: most are plain
  if (!NOT_PLAIN.test(text)) return text.length
  const plain = stripAnsi(text)
  // UTF-16 units are code points unless a surrogate pair is there: count those only then
  if (!/[\ud800-\udbff]/.test(plain)) return plain.length
  let width = 0
  for (const _ of plain) width++
  return width
}

/** Cuts text to `width` columns, ending in `…` when cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text]
  if (chars.length <= width) return text
  if (width <= 1) return '…'.slice(0, width)
  return `${chars.slice(0, width - 1).join('')}…`
}

/** Cuts text to `width` columns by removing its middle: `layers.0.self_attn.…out_proj.weight`. */
export function truncateMiddle(text: string, width: number): string {
  const chars = [...text]
  if (chars.length <= width) return text
  if (width <= 1) return '…'.slice(0, width)
  const tail = Math.floor((width - 1) / 2)
  const head = width - 1 - tail
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)))
  return align === 'right' ? fill + text : text + fill
}

/**
 * Cuts a shape to `width` columns by leaving out its leading dimensions, which matter least (the batch):
 * `(1, 64, 112, 112)` → `(…, 112, 112)`. A shape whose last dimension alone does not fit is cut at its end.
 */
export function truncateShape(text: string, width: number): string {
  if ([...text].length <= width) return text
  const dims = /^\((.*)\)$/.exec(text)?.[1]?.split(', ')
  if (dims) {
    for (let drop = 1; drop < dims.length; drop++) {
      const cut = `(…, ${dims.slice(drop).join(', ')})`
      if ([...cut].length <= width) return cut
    }
  }
  return truncate(text, width)
}

/** How a terminal table may shrink: columns that can be cut, columns that can be dropped, in order. */
export interface FitRules {
  /**
   * Column keys whose cells may be cut, first cut first, with the narrowest width each may reach; `middle` cuts out
   * the middle, `cut` cuts the column's own way (shapes lose their leading dimensions).
   */
  shrink?: ReadonlyArray<{ key: string; min: number; middle?: boolean; cut?: (text: string, width: number) => string }>
  /** Column keys dropped, in order, when cutting is not enough. */
  drop?: readonly string[]
  /** Styles per column key, applied after layout. */
  color?: Record<string, (text: string, row: number) => string>
}

/**
 * Lays out a table for a terminal `maxWidth` columns wide (Infinity: never cut): two spaces
 * between columns, a dim header, cells cut with `…` and optional columns dropped to fit.
 */
export function renderTextTable(table: Table, style: Style, maxWidth: number, rules: FitRules = {}, indent = '  '): string[] {
  let columns = table.columns.map((c, i) => ({ ...c, index: i }))
  const gap = 2
  const natural = (key: string): number => {
    const col = columns.find((c) => c.key === key)!
    return Math.max(visibleWidth(col.header), ...table.rows.map((r) => visibleWidth(r[col.index] ?? '')))
  }
  const widths = new Map<string, number>()
  const measure = (): number => columns.reduce((acc, c) => acc + (widths.get(c.key) ?? 0), 0) + gap * (columns.length - 1) + indent.length
  for (const c of columns) widths.set(c.key, natural(c.key))
  const available = maxWidth
  const shrinkAll = (): void => {
    for (const s of rules.shrink ?? []) {
      const over = measure() - available
      if (over <= 0) return
      const current = widths.get(s.key)
      if (current === undefined) continue
      widths.set(s.key, Math.min(current, Math.max(s.min, current - over)))
    }
  }
  shrinkAll()
  for (const key of rules.drop ?? []) {
    if (measure() <= available) break
    if (!columns.some((c) => c.key === key)) continue
    columns = columns.filter((c) => c.key !== key)
    for (const c of columns) widths.set(c.key, natural(c.key))
    shrinkAll()
  }
  const cutters = new Map<string, (text: string, width: number) => string>()
  for (const s of rules.shrink ?? []) cutters.set(s.key, s.cut ?? (s.middle ? truncateMiddle : truncate))
  const cell = (text: string, key: string): string => {
    const width = widths.get(key)!
    return visibleWidth(text) > width ? (cutters.get(key) ?? truncate)(text, width) : text
  }
  const lines: string[] = []
  const last = columns.length - 1
  const header = columns.map((c, i) => (i === last && c.align === 'left' ? cell(c.header, c.key) : pad(cell(c.header, c.key), widths.get(c.key)!, c.align))).join(' '.repeat(gap))
  lines.push(indent + style.dim(header.trimEnd()))
  table.rows.forEach((row, r) => {
    const cells = columns.map((c, i) => {
      const text = cell(row[c.index] ?? '', c.key)
      const padded = i === last && c.align === 'left' ? text : pad(text, widths.get(c.key)!, c.align)
      const color = rules.color?.[c.key]
      if (!color) return padded
      // colour the text, not the padding
      const start = padded.indexOf(text)
      return padded.slice(0, start) + color(text, r) + padded.slice(start + text.length)
    })
    lines.push((indent + cells.join(' '.repeat(gap))).trimEnd())
  })
  return lines
}
