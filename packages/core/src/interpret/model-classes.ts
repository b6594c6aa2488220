import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { layers } from '../layers/index.js'
import type { ClassDef, Expr, FunctionDef, Stmt } from '../python/ast.js'
import { parse } from '../python/parse.js'
import { unparse } from '../python/unparse.js'
import { normalizePath } from './imports.js'
import type { ProgramSource } from './program.js'

// What a model file offers to build, read from its syntax tree alone: nothing runs. An app lists these classes when a
// file defines models but builds none, so that a reader can pick one and write its arguments.

/** One parameter of a model class's constructor, as written after `self`. */
export interface ModelClassParameter {
  name: string
  /** The default as written (`64`, `'relu'`, `None`), printed from the syntax tree; undefined when it has none. */
  default: string | undefined
  /** `positional` (positional or keyword), `keyword` (after `*`), `varargs` (`*args`) or `kwargs` (`**kwargs`). */
  kind: 'positional' | 'keyword' | 'varargs' | 'kwargs'
}

/** A `torch.nn.Module` subclass a file defines at its top level, with its constructor's parameters. */
export interface ModelClass {
  name: string
  /** The file that defines it (a program's path); undefined for source text. */
  file: string | undefined
  /** The `class` statement. */
  span: SourceSpan
  /** The parameters of its `__init__` after `self` (inherited from a base class of the files when it has none). */
  parameters: ModelClassParameter[]
  /** Whether every parameter has a default (or is `*args`/`**kwargs`): `Name()` builds it. */
  buildsWithoutArguments: boolean
}

/** The names `torch.nn` classes go by (every layer kind, `Module` itself and `torch.jit.ScriptModule`): a class deriving from one is a module. */
const torchModuleNames = new Set(['Module', 'ScriptModule', ...layers.map((l) => l.name)])

/** Most classes followed up one base-class chain, so that a cycle of names (`class A(B)`, `class B(A)`) ends. */
const maxBaseChain = 100

/** The last name of a base written as `nn.Module`, `torch.nn.Linear` or `Block`; undefined for anything else. */
function baseName(base: Expr): string | undefined {
  if (base.type === 'Name') return base.id
  if (base.type === 'Attribute') return base.attr
  if (base.type === 'Subscript') return baseName(base.value)
  return undefined
}

interface Defined {
  node: ClassDef
  file: string | undefined
}

/** Top-level class statements of a module body, including those under `if`/`try` at the top level. */
function topLevelClasses(body: readonly Stmt[], file: string | undefined, out: Defined[]): void {
  for (const stmt of body) {
    if (stmt.type === 'ClassDef') out.push({ node: stmt, file })
    else if (stmt.type === 'If') {
      topLevelClasses(stmt.body, file, out)
      topLevelClasses(stmt.orelse, file, out)
    } else if (stmt.type === 'Try') topLevelClasses(stmt.body, file, out)
  }
}

/** Parses `text`, or gives null when it is not valid Python (the analysis reports that error itself). */
function tryParse(text: string): Stmt[] | null {
  try {
    return parse(text).body
  } catch (error) {
    if (NnsizeError.isInstance(error)) return null
    throw error
  }
}

/** The files of a source by normalized path, and the main one. */
function filesOf(source: string | ProgramSource): { files: Map<string | undefined, string>; main: string | undefined } {
  if (typeof source === 'string') return { files: new Map([[undefined, source]]), main: undefined }
  const files = new Map<string | undefined, string>()
  for (const [path, text] of Object.entries(source.files)) if (typeof text === 'string') files.set(normalizePath(path), text)
  return { files, main: normalizePath(source.main) }
}

/**
 * The `nn.Module` classes that source text or a program's main file defines at its top level, in the order they are
 * written, with the parameters of their `__init__` and whether they build without arguments. A class is a module when
 * one of its bases is `nn.Module` or another `torch.nn` class, or a class of the files that is one (by name, as
 * written). Read from the syntax tree only: nothing runs, and a file that does not parse gives no classes.
 *
 * @example modelClasses('class Net(nn.Module):\n    def __init__(self, n=4): ...')[0].parameters // [{ name: 'n', default: '4', kind: 'positional' }]
 */
export function modelClasses(source: string | ProgramSource): ModelClass[] {
  const { files, main } = filesOf(source)
  const bodies = new Map<string | undefined, Stmt[] | null>()
  for (const [file, text] of files) bodies.set(file, tryParse(text))
  return classesOf(bodies, main)
}

/** The top-level classes of parsed files: by file, and by name over all files (the first of a name wins). */
interface ClassIndex {
  byFile: Map<string | undefined, Defined[]>
  byName: Map<string, Defined>
}

function indexClasses(bodies: ReadonlyMap<string | undefined, Stmt[] | null>): ClassIndex {
  const byFile = new Map<string | undefined, Defined[]>()
  const byName = new Map<string, Defined>()
  for (const [file, body] of bodies) {
    if (!body) continue
    const found: Defined[] = []
    topLevelClasses(body, file, found)
    byFile.set(file, found)
    for (const d of found) if (!byName.has(d.node.name)) byName.set(d.node.name, d)
  }
  return { byFile, byName }
}

/** {@link modelClasses} over files parsed once (null: a file that does not parse). */
function classesOf(bodies: ReadonlyMap<string | undefined, Stmt[] | null>, main: string | undefined, index: ClassIndex = indexClasses(bodies)): ModelClass[] {
  const mainClasses = index.byFile.get(main) ?? []
  const own = new Map<string, Defined>()
  for (const d of mainClasses) if (!own.has(d.node.name)) own.set(d.node.name, d)
  // the main file's own classes first, then those of the other files
  const byName = { get: (name: string): Defined | undefined => own.get(name) ?? index.byName.get(name) }
  const isModule = (cls: ClassDef): boolean => {
    let pending: ClassDef[] = [cls]
    const seen = new Set<ClassDef>()
    for (let step = 0; step < maxBaseChain && pending.length > 0; step++) {
      const next: ClassDef[] = []
      for (const c of pending) {
        if (seen.has(c)) continue
        seen.add(c)
        for (const base of c.bases) {
          const name = baseName(base)
          if (name === undefined) continue
          const user = byName.get(name)
          if (user && user.node !== c) next.push(user.node)
          else if (torchModuleNames.has(name)) return true
        }
      }
      pending = next
    }
    return false
  }
  const out: ModelClass[] = []
  for (const { node, file } of mainClasses) {
    if (!isModule(node)) continue
    const parameters = constructorOf(node, byName)
    out.push({
      name: node.name,
      file,
      span: { start: node.start, end: node.end, ...(file === undefined ? {} : { file }) },
      parameters,
      buildsWithoutArguments: parameters.every((p) => p.default !== undefined || p.kind === 'varargs' || p.kind === 'kwargs'),
    })
  }
  return out
}

/** The parameters of a class's `__init__` after `self`, looked up through its bases of the files; [] when none defines one. */
function constructorOf(cls: ClassDef, byName: { get(name: string): Defined | undefined }): ModelClassParameter[] {
  let current: ClassDef | undefined = cls
  const seen = new Set<ClassDef>()
  for (let step = 0; step < maxBaseChain && current && !seen.has(current); step++) {
    seen.add(current)
    const init = current.body.find((s): s is FunctionDef => s.type === 'FunctionDef' && s.name === '__init__')
    if (init) return parametersOf(init)
    // the first base of the files (Python's method resolution starts there)
    let next: ClassDef | undefined
    for (const base of current.bases) {
      const name = baseName(base)
      const user = name === undefined ? undefined : byName.get(name)
      if (user) {
        next = user.node
        break
      }
      const layer = name === undefined ? undefined : layers.find((l) => l.name === name)
      if (layer) return layer.signature.filter((s) => s.name !== 'device' && s.name !== 'dtype').map((s) => ({ name: s.name, default: s.required ? undefined : layerDefault(s.default), kind: 'positional' as const }))
    }
    current = next
  }
  return []
}

/** A layer argument's default as Python writes it. */
function layerDefault(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'string') return `'${value}'`
  if (Array.isArray(value)) return `(${value.map(layerDefault).join(', ')}${value.length === 1 ? ',' : ''})`
  return String(value)
}

function parametersOf(init: FunctionDef): ModelClassParameter[] {
  const a = init.args
  const positional = [...a.posonlyargs, ...a.args]
  const firstDefault = positional.length - a.defaults.length
  const out: ModelClassParameter[] = positional.map((arg, i) => ({ name: arg.arg, default: i >= firstDefault ? unparse(a.defaults[i - firstDefault]!) : undefined, kind: 'positional' as const }))
  out.shift() // self
  if (a.vararg) out.push({ name: a.vararg.arg, default: undefined, kind: 'varargs' })
  a.kwonlyargs.forEach((arg, i) => {
    const d = a.kw_defaults[i]
    out.push({ name: arg.arg, default: d ? unparse(d) : undefined, kind: 'keyword' })
  })
  if (a.kwarg) out.push({ name: a.kwarg.arg, default: undefined, kind: 'kwargs' })
  return out
}

/** The module name a path gives (`models/resnet.py` → `resnet`, `pkg/__init__.py` → `pkg`): what imports of it end with. */
function stemOf(path: string): string {
  const parts = path.replace(/\.py$/, '').split('/')
  if (parts.at(-1) === '__init__') parts.pop()
  return parts.at(-1) ?? ''
}

/** The last names of the modules a body imports (`from .unet_parts import *` → `unet_parts`, `import models.resnet` → `resnet`, `from . import parts` → `parts`). */
function importedStems(body: readonly Stmt[]): Set<string> {
  const out = new Set<string>()
  for (const stmt of body) {
    if (stmt.type === 'Import') for (const alias of stmt.names) out.add(alias.name.split('.').at(-1)!)
    else if (stmt.type === 'ImportFrom') {
      if (stmt.module) out.add(stmt.module.split('.').at(-1)!)
      for (const alias of stmt.names) out.add(alias.name)
    }
  }
  return out
}

/** True when a module body ends by building something: its last statement is a call or an assignment of one (`model = Net()`). */
function buildsAtTheEnd(body: readonly Stmt[]): boolean {
  const last = body.at(-1)
  if (!last) return false
  const value = last.type === 'Expr' ? last.value : last.type === 'Assign' || last.type === 'AnnAssign' ? last.value : null
  return value?.type === 'Call'
}

/**
 * The file of a program to import as its main module, when the files were given without one (several files dropped
 * together): among the `.py` files, the one that builds a model at its end (`model = Net()`), else one that defines
 * `nn.Module` classes and that no other file imports, else one that defines such classes, else the first in path
 * order. Read from the syntax trees only; a file that does not parse is never chosen over one that does.
 */
export function mainFileOf(files: Readonly<Record<string, string>>): string {
  const paths = Object.keys(files)
    .filter((p) => /\.py$/i.test(p))
    .sort()
  const all = paths.length > 0 ? paths : Object.keys(files).sort()
  if (all.length === 0) throw new NnsizeError('import', 'A program needs at least one file.')
  const bodies = new Map<string | undefined, Stmt[] | null>(all.map((p) => [p, tryParse(files[p]!)]))
  const imported = new Set<string>()
  for (const body of bodies.values()) if (body) for (const stem of importedStems(body)) imported.add(stem)
  const index = indexClasses(bodies)
  const definesModels = (p: string): boolean => bodies.get(p) !== null && classesOf(bodies, p, index).length > 0
  const rank = (p: string): number => {
    const body = bodies.get(p)
    if (!body) return 4
    if (buildsAtTheEnd(body)) return 0
    if (definesModels(p)) return imported.has(stemOf(p)) ? 2 : 1
    return 3
  }
  let best = all[0]!
  let bestRank = rank(best)
  for (const p of all.slice(1)) {
    const r = rank(p)
    if (r < bestRank) {
      best = p
      bestRank = r
    }
  }
  return best
}
