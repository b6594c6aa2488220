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
  /** How many rows the whole table has, when `rows` holds only the first of them (a table made with a row limit). */
  rowCount?: number
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
