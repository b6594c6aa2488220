import type { Arguments, Expr, Stmt } from '../python/ast.js'
import type { PyClass } from './classes.js'
import type { FunctionInfo, Value } from '../contract/values.js'

declare module '../contract/values.js' {
  /** A function closes over a {@link Frame}. */
  interface Closure extends Frame {}
}

/** What kind of scope a frame is: names resolve differently in each, as in Python. */
export type FrameKind = 'module' | 'function' | 'class' | 'comprehension'

/**
 * One scope while code runs: a module's globals, a call's locals, a class body's namespace or a
 * comprehension's variables. `parent` is the enclosing scope a nested function or comprehension
 * reads free names from (class bodies are skipped, as in Python).
 */
export class Frame {
  // Fields are declared and assigned in the constructor, not defined as class fields: a frame is made for every call,
  // and defining fields (which class fields and parameter properties do) costs more than assigning them.
  /** What kind of scope this is. */
  declare readonly kind: FrameKind
  /** The module globals. */
  declare readonly globals: Map<string, Value>
  /** The enclosing scope free names are read from. */
  declare readonly parent: Frame | undefined
  /** The file of the code running in it. */
  declare readonly file: string | undefined
  /** The module's name (`__name__`). */
  declare readonly module: string
  /** For function frames: which names are local, global or nonlocal. */
  declare readonly info: FunctionInfo | undefined
  /** For methods: the class whose body defined the function (`super()` without arguments), once made. */
  declare readonly definingClass: { cls?: PyClass } | undefined
  /** The frame's own names (for a module frame, its globals). */
  declare readonly locals: Map<string, Value>
  /** Set by `return`. */
  declare returnValue: Value | undefined
  /** What a generator function yielded so far. */
  declare yields: Value[] | undefined
  /** For class bodies: annotated names in order (`x: int = 3`), for `@dataclass`. */
  declare annotations: Array<[string, Expr]> | undefined
  /** For class bodies: filled with the class once made, for `super()` without arguments in its methods. */
  declare classCell: { cls?: PyClass } | undefined
  /** For function frames: the name of the first positional parameter (`self` for `super()` without arguments). */
  declare selfName: string | undefined
  /** The exceptions being handled (`raise` alone re-raises the innermost). */
  declare handling: unknown[] | undefined

  constructor(kind: FrameKind, globals: Map<string, Value>, parent: Frame | undefined, file: string | undefined, module: string, info?: FunctionInfo, definingClass?: { cls?: PyClass }, locals?: Map<string, Value>) {
    this.kind = kind
    this.globals = globals
    this.parent = parent
    this.file = file
    this.module = module
    this.info = info
    this.definingClass = definingClass
    this.locals = locals ?? (kind === 'module' ? globals : new Map())
    this.returnValue = undefined
    this.yields = undefined
    this.annotations = undefined
    this.classCell = undefined
    this.selfName = undefined
    this.handling = undefined
  }

  /** The first enclosing frame that is not a class body: where closures of code in this frame look. */
  get closureScope(): Frame | undefined {
    let frame: Frame | undefined = this
    while (frame && frame.kind === 'class') frame = frame.parent
    return frame && frame.kind !== 'module' ? frame : undefined
  }
}

const infos = new WeakMap<object, FunctionInfo>()

/** The names a function body binds (its locals) and declares `global`/`nonlocal`, and whether it yields. Cached per node. */
export function functionInfo(node: { args: Arguments; body: Stmt[] | Expr }): FunctionInfo {
  let info = infos.get(node)
  if (info) return info
  info = { locals: new Set(), globals: new Set(), nonlocals: new Set(), generator: false }
  const a = node.args
  for (const arg of [...a.posonlyargs, ...a.args, ...a.kwonlyargs]) info.locals.add(arg.arg)
  if (a.vararg) info.locals.add(a.vararg.arg)
  if (a.kwarg) info.locals.add(a.kwarg.arg)
  if (Array.isArray(node.body)) for (const stmt of node.body) collectStmt(stmt, info)
  else collectExpr(node.body, info)
  for (const name of info.globals) info.locals.delete(name)
  for (const name of info.nonlocals) info.locals.delete(name)
  infos.set(node, info)
  return info
}

function collectTarget(target: Expr, info: FunctionInfo): void {
  switch (target.type) {
    case 'Name':
      info.locals.add(target.id)
      break
    case 'Tuple':
    case 'List':
      for (const elt of target.elts) collectTarget(elt, info)
      break
    case 'Starred':
      collectTarget(target.value, info)
      break
    default:
      collectExpr(target, info)
  }
}

/** Walks an expression for what binds in the function: walrus targets and `yield`. Nested lambdas and comprehensions keep their own names. */
function collectExpr(expr: Expr | null | undefined, info: FunctionInfo): void {
  // An explicit stack: expressions nest up to the parser's depth limit, statements recurse separately.
  const stack: unknown[] = expr ? [expr] : []
  while (stack.length > 0) {
    const node = stack.pop() as { type?: string } | null
    if (!node || typeof node !== 'object') continue
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item)
      continue
    }
    switch (node.type) {
      case 'Yield':
      case 'YieldFrom':
        info.generator = true
        break
      case 'NamedExpr':
        info.locals.add((node as { target: { id: string } }).target.id)
        break
      case 'Lambda':
        // Its defaults are evaluated here; its body is its own scope.
        stack.push((node as { args: Arguments }).args.defaults, (node as { args: Arguments }).args.kw_defaults)
        continue
      default:
        break
    }
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end') continue
      const child = (node as Record<string, unknown>)[key]
      if (child && typeof child === 'object') stack.push(child)
    }
  }
}

function collectStmt(stmt: Stmt, info: FunctionInfo): void {
  switch (stmt.type) {
    case 'FunctionDef':
    case 'AsyncFunctionDef':
      info.locals.add(stmt.name)
      for (const d of stmt.decorator_list) collectExpr(d, info)
      collectExpr(stmt.args.defaults as unknown as Expr, info)
      return
    case 'ClassDef':
      info.locals.add(stmt.name)
      for (const d of stmt.decorator_list) collectExpr(d, info)
      for (const b of stmt.bases) collectExpr(b, info)
      return
    case 'Assign':
      for (const t of stmt.targets) collectTarget(t, info)
      collectExpr(stmt.value, info)
      return
    case 'AugAssign':
    case 'AnnAssign':
      collectTarget(stmt.target, info)
      collectExpr(stmt.value, info)
      return
    case 'For':
    case 'AsyncFor':
      collectTarget(stmt.target, info)
      collectExpr(stmt.iter, info)
      for (const s of stmt.body) collectStmt(s, info)
      for (const s of stmt.orelse) collectStmt(s, info)
      return
    case 'While':
    case 'If':
      collectExpr(stmt.test, info)
      for (const s of stmt.body) collectStmt(s, info)
      for (const s of stmt.orelse) collectStmt(s, info)
      return
    case 'With':
    case 'AsyncWith':
      for (const item of stmt.items) {
        collectExpr(item.context_expr, info)
        if (item.optional_vars) collectTarget(item.optional_vars, info)
      }
      for (const s of stmt.body) collectStmt(s, info)
      return
    case 'Try':
    case 'TryStar':
      for (const s of stmt.body) collectStmt(s, info)
      for (const h of stmt.handlers) {
        if (h.name) info.locals.add(h.name)
        for (const s of h.body) collectStmt(s, info)
      }
      for (const s of stmt.orelse) collectStmt(s, info)
      for (const s of stmt.finalbody) collectStmt(s, info)
      return
    case 'Match':
      collectExpr(stmt.subject, info)
      for (const c of stmt.cases) for (const s of c.body) collectStmt(s, info)
      return
    case 'Import':
    case 'ImportFrom':
      for (const alias of stmt.names) if (alias.name !== '*') info.locals.add(alias.asname ?? alias.name.split('.')[0]!)
      return
    case 'Global':
      for (const n of stmt.names) info.globals.add(n)
      return
    case 'Nonlocal':
      for (const n of stmt.names) info.nonlocals.add(n)
      return
    case 'Delete':
      for (const t of stmt.targets) collectTarget(t, info)
      return
    case 'Return':
    case 'Expr':
      collectExpr(stmt.value, info)
      return
    case 'Raise':
      collectExpr(stmt.exc, info)
      collectExpr(stmt.cause, info)
      return
    case 'Assert':
      collectExpr(stmt.test, info)
      collectExpr(stmt.msg, info)
      return
    case 'TypeAlias':
      info.locals.add(stmt.name.id)
      return
    case 'Pass':
    case 'Break':
    case 'Continue':
      return
  }
}
