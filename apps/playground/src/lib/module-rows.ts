import type { Analysis, ModuleNode, ModuleStats } from '@nnsize/core'

/** One module of the per-module table. Every number is the core's. */
export interface ModuleRow {
  /** Dotted name, `''` for the root. */
  path: string
  /** The last part of the path (`conv1`), or the class name for the root. */
  name: string
  type: string
  depth: number
  params: bigint
  trainable: bigint
  buffers: bigint
  /** Present when an input shape was given and the module ran. */
  stats: ModuleStats | undefined
  /** Whether any module sits below this one. */
  hasChildren: boolean
  /** Position in `named_modules()` order. */
  order: number
}

/** Columns the table sorts by. */
export type SortKey = 'order' | 'name' | 'type' | 'params' | 'macs' | 'activations'

/** Rows in `named_modules()` order, with the forward statistics when there are some. */
export function moduleRows(analysis: Analysis): ModuleRow[] {
  const stats = new Map<ModuleNode, ModuleStats>(analysis.forward?.modules.map((s) => [s.module, s]) ?? [])
  const rows = analysis.modules.map(
    (m, order): ModuleRow => ({
      path: m.path,
      name: m.path === '' ? m.type : m.path.slice(m.path.lastIndexOf('.') + 1),
      type: m.type,
      depth: m.depth,
      params: m.params.total,
      trainable: m.params.trainable,
      buffers: m.buffers.total,
      stats: stats.get(m.node),
      hasChildren: false,
      order,
    }),
  )
  const byPath = new Map(rows.map((r) => [r.path, r]))
  for (const row of rows) {
    if (row.path === '') continue
    const parent = byPath.get(parentPath(row.path))
    if (parent) parent.hasChildren = true
  }
  return rows
}

/** `layer1.0.conv1` → `layer1.0`; a top-level name → `''`. */
export function parentPath(path: string): string {
  const dot = path.lastIndexOf('.')
  return dot === -1 ? '' : path.slice(0, dot)
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Sorts rows by a column; ties keep `named_modules()` order. Never changes `rows`. */
export function sortRows(rows: readonly ModuleRow[], key: SortKey, descending: boolean): ModuleRow[] {
  const value = (row: ModuleRow): bigint | string | number => {
    switch (key) {
      case 'order':
        return row.order
      case 'name':
        return row.path
      case 'type':
        return row.type
      case 'params':
        return row.params
      case 'macs':
        return row.stats?.macs ?? -1n
      case 'activations':
        return row.stats?.savedBytes ?? -1n
      default: {
        const never: never = key
        return never
      }
    }
  }
  const sign = descending ? -1 : 1
  return [...rows].sort((a, b) => {
    const x = value(a)
    const y = value(b)
    const c = typeof x === 'bigint' && typeof y === 'bigint' ? compareBig(x, y) : typeof x === 'number' && typeof y === 'number' ? Math.sign(x - y) : String(x).localeCompare(String(y))
    return c === 0 ? Math.sign(a.order - b.order) : sign * c
  })
}

/**
 * The rows a reader sees in tree order: a row is hidden when an ancestor is collapsed. A row is
 * collapsed when it is in `toggled` XOR its depth is at or beyond `openDepth`.
 */
export function visibleRows(rows: readonly ModuleRow[], openDepth: number, toggled: ReadonlySet<string>): ModuleRow[] {
  const out: ModuleRow[] = []
  const closed: string[] = []
  for (const row of rows) {
    while (closed.length > 0 && !isInside(row.path, closed.at(-1)!)) closed.pop()
    if (closed.length > 0) continue
    out.push(row)
    if (row.hasChildren && isCollapsed(row, openDepth, toggled)) closed.push(row.path)
  }
  return out
}

/** Whether a row's children are hidden. */
export function isCollapsed(row: ModuleRow, openDepth: number, toggled: ReadonlySet<string>): boolean {
  return row.depth >= openDepth !== toggled.has(row.path)
}

function isInside(path: string, ancestor: string): boolean {
  return ancestor === '' ? path !== '' : path.startsWith(`${ancestor}.`)
}
