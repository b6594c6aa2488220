import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The top-level units of packages/core/src (each directory, and each file at the root) and the imports between them,
// type-only imports included. The graph must be acyclic once the back-edges below are set aside; each of those
// still exists (remove it here when it is opened), so the list only shrinks and no new circle can come in.
const knownBackEdges = [
  // Planner, requests and formats.
  'format -> analyze',
  'format -> memory',
  'memory -> analyze',
  'memory -> request',
  // The speed planner, like the memory planner, reads the analysis it plans for, and options given as text (tokens,
  // MFU, KV dtype) through the request's parsers and choices.
  'speed -> analyze',
  'speed -> request',
  'weights -> analyze',
]

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

function unitOf(file: string): string {
  const parts = relative(src, file).split(sep)
  return parts.length === 1 ? parts[0]!.replace(/\.[jt]s$/, '') : parts[0]!
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !/\.(test|test-d|bench)\.ts$/.test(entry.name) ? [path] : []
  })
}

/** `from` → the units it imports, with one importing file per edge for the message. */
function importGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>()
  for (const file of sourceFiles(src)) {
    const from = unitOf(file)
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']*)'/gm)) {
      const to = unitOf(resolve(dirname(file), match[1]!))
      if (to === from) continue
      if (!graph.has(from)) graph.set(from, new Map())
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, relative(src, file))
    }
  }
  return graph
}

/** A cycle of the graph without the known back-edges, or `null`. */
function findCycle(graph: Map<string, Map<string, string>>, skipped: ReadonlySet<string>): string[] | null {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): string[] | null => {
    state.set(node, 'open')
    path.push(node)
    for (const next of graph.get(node)?.keys() ?? []) {
      if (skipped.has(`${node} -> ${next}`)) continue
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next]
      if (state.get(next) === undefined) {
        const found = visit(next)
        if (found) return found
      }
    }
    path.pop()
    state.set(node, 'done')
    return null
  }
  for (const node of graph.keys()) {
    if (state.get(node) === undefined) {
      const found = visit(node)
      if (found) return found
    }
  }
  return null
}

describe('the import graph of the core', () => {
  const graph = importGraph()

  it('reads the imports', () => {
    expect(graph.get('layers')?.has('model')).toBe(true)
    expect(graph.get('interpret')?.has('layers')).toBe(true)
    expect(findCycle(new Map([['a', new Map([['b', 'a.ts']])], ['b', new Map([['a', 'b.ts']])]]), new Set())).toEqual(['a', 'b', 'a'])
  })

  it('has no circle between top-level directories beyond the known back-edges', () => {
    const cycle = findCycle(graph, new Set(knownBackEdges))
    const detail = cycle?.slice(1).map((to, i) => `${cycle[i]} -> ${to} (${graph.get(cycle[i]!)!.get(to)})`)
    expect(detail ?? []).toEqual([])
  })

  it('keeps the engine contract free of the engine', () => {
    // contract/ holds the types interpret/, bind/, layers/, model/ and forward/ share; it may read errors, dtypes and
    // the syntax tree, nothing that imports it back.
    expect([...(graph.get('contract')?.keys() ?? [])].sort()).toEqual(['errors', 'python', 'tensor'])
    for (const unit of ['interpret', 'bind', 'layers', 'model', 'forward']) expect(graph.get(unit)?.has('contract')).toBe(true)
  })

  it('still has each known back-edge (remove one from the list once it is opened)', () => {
    const gone = knownBackEdges.filter((edge) => {
      const [from, to] = edge.split(' -> ') as [string, string]
      return !graph.get(from)?.has(to)
    })
    expect(gone).toEqual([])
  })
})
