import type { Analysis } from '../analyze.js'
import type { ModuleEntry } from '../count/count.js'
import type { ModuleStats } from '../forward/trace.js'
import { formatBytes } from '../format/bytes.js'
import type { ByteUnits } from '../format/bytes.js'
import { formatCount, formatPercent, significantDecimal } from '../format/number.js'
import { formatShape } from '../tensor/shape.js'
import type { Table, TableColumn } from './table.js'

/** One module of the per-module table: the same rows in the terminal, Markdown, CSV and the playground. */
export interface ModuleRow {
  /** Dotted name, `''` for the root. */
  path: string
  /** The last segment of the path, `(root)` for the root. */
  name: string
  depth: number
  type: string
  /** Position in `named_modules()` order. */
  order: number
  /** Whether any module sits below this one. */
  hasChildren: boolean
  /** Box-drawing prefix that draws the tree of the rows listed (`├─ `, `│  └─ `), empty for the root. */
  tree: string
  params: bigint
  trainableParams: bigint
  buffers: bigint
  /** Share of the root's parameters, `"12.3%"`. */
  paramsPercent: string
  /** With a forward pass: the module's statistics, undefined when it was never called. */
  stats?: ModuleStats | undefined
  /** Only with a forward pass: the module's output shape (undefined if it was never called). */
  outputShape?: number[] | undefined
  macs?: bigint | undefined
  /** Bytes saved for backward first saved inside this module. */
  savedBytes?: bigint | undefined
  /** True when children below the depth limit are hidden. */
  collapsed: boolean
}

/** Options of {@link moduleRows} and {@link moduleTable}. */
export interface ModuleRowOptions {
  /** Deepest module depth to list (root = 0). Default: all. */
  depth?: number | undefined
  /** Byte units for display. Default `iec`. */
  units?: ByteUnits | undefined
}

/** `layer1.0.conv1` → `layer1.0`; a top-level name → `''`. */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('.')
  return i === -1 ? '' : path.slice(0, i)
}

/**
 * The per-module table in `named_modules()` order, cut at `depth`, with tree prefixes, parameter shares and (with a
 * forward pass) output shapes, MACs and saved bytes.
 */
export function moduleRows(analysis: Analysis, options: ModuleRowOptions = {}): ModuleRow[] {
  const depth = options.depth ?? Infinity
  const stats = new Map<ModuleEntry['node'], ModuleStats>(analysis.forward?.modules.map((s) => [s.module, s]) ?? [])
  const total = analysis.params.total
  const hasChildren = new Set<string>()
  for (const m of analysis.modules) if (m.depth > 0) hasChildren.add(parentPath(m.path))
  const visible = analysis.modules.map((m, order) => ({ m, order })).filter(({ m }) => m.depth <= depth)
  // last visible child of each parent, to choose └─ over ├─
  const lastChild = new Map<string, string>()
  for (const { m } of visible) if (m.depth > 0) lastChild.set(parentPath(m.path), m.path)
  const isLast = (path: string): boolean => lastChild.get(parentPath(path)) === path
  return visible.map(({ m, order }) => {
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
      order,
      hasChildren: hasChildren.has(m.path),
      tree,
      params: m.params.total,
      trainableParams: m.params.trainable,
      buffers: m.buffers.total,
      paramsPercent: formatPercent(m.params.total, total),
      ...(analysis.forward ? { stats: s, outputShape: s?.outputShape, macs: s?.macs ?? 0n, savedBytes: s?.savedBytes ?? 0n } : {}),
      collapsed: m.depth === depth && hasChildren.has(m.path),
    }
  })
}

/** Columns the module rows sort by. */
export type ModuleSortKey = 'order' | 'name' | 'type' | 'params' | 'macs' | 'activations'

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Sorts rows by a column; ties keep `named_modules()` order. Never changes `rows`. */
export function sortModuleRows(rows: readonly ModuleRow[], key: ModuleSortKey, descending: boolean): ModuleRow[] {
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

/** Whether a row's children are hidden: it is in `toggled` XOR its depth is at or beyond `openDepth`. */
export function isCollapsed(row: Pick<ModuleRow, 'depth' | 'path'>, openDepth: number, toggled: ReadonlySet<string>): boolean {
  return row.depth >= openDepth !== toggled.has(row.path)
}

function isInside(path: string, ancestor: string): boolean {
  return ancestor === '' ? path !== '' : path.startsWith(`${ancestor}.`)
}

/** The rows a reader sees in tree order: a row is hidden when an ancestor is collapsed (see {@link isCollapsed}). */
export function visibleModuleRows(rows: readonly ModuleRow[], openDepth: number, toggled: ReadonlySet<string>): ModuleRow[] {
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

/**
 * The per-module table as display strings: module (tree-drawn), type, output shape, parameters, share, MACs and
 * activation bytes (the last three only with a forward pass). With `raw: true` the cells are plain values for CSV:
 * dotted paths, exact integers, `1x64x112x112` shapes.
 */
export function moduleTable(analysis: Analysis, options: ModuleRowOptions & { raw?: boolean | undefined } = {}): Table {
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
        // exact enough that a small module's share is not rounded to 0.0
        significantDecimal(r.params * 100n, analysis.params.total === 0n ? 1n : analysis.params.total, 4),
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
