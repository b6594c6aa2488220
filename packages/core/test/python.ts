import type { ConstantValue, Node } from '../src/python/ast.js'
import { ELLIPSIS } from '../src/python/ast.js'

/** CPython's `_fields` of each node class, in order (the JSON form of `fixtures/python/astjson.py`). */
export const FIELDS: Record<string, readonly string[]> = {
  Module: ['body', 'type_ignores'],
  FunctionDef: ['name', 'args', 'body', 'decorator_list', 'returns', 'type_comment', 'type_params'],
  AsyncFunctionDef: ['name', 'args', 'body', 'decorator_list', 'returns', 'type_comment', 'type_params'],
  ClassDef: ['name', 'bases', 'keywords', 'body', 'decorator_list', 'type_params'],
  Return: ['value'],
  Delete: ['targets'],
  Assign: ['targets', 'value', 'type_comment'],
  TypeAlias: ['name', 'type_params', 'value'],
  AugAssign: ['target', 'op', 'value'],
  AnnAssign: ['target', 'annotation', 'value', 'simple'],
  For: ['target', 'iter', 'body', 'orelse', 'type_comment'],
  AsyncFor: ['target', 'iter', 'body', 'orelse', 'type_comment'],
  While: ['test', 'body', 'orelse'],
  If: ['test', 'body', 'orelse'],
  With: ['items', 'body', 'type_comment'],
  AsyncWith: ['items', 'body', 'type_comment'],
  Match: ['subject', 'cases'],
  Raise: ['exc', 'cause'],
  Try: ['body', 'handlers', 'orelse', 'finalbody'],
  TryStar: ['body', 'handlers', 'orelse', 'finalbody'],
  Assert: ['test', 'msg'],
  Import: ['names'],
  ImportFrom: ['module', 'names', 'level'],
  Global: ['names'],
  Nonlocal: ['names'],
  Expr: ['value'],
  Pass: [],
  Break: [],
  Continue: [],
  BoolOp: ['op', 'values'],
  NamedExpr: ['target', 'value'],
  BinOp: ['left', 'op', 'right'],
  UnaryOp: ['op', 'operand'],
  Lambda: ['args', 'body'],
  IfExp: ['test', 'body', 'orelse'],
  Dict: ['keys', 'values'],
  Set: ['elts'],
  ListComp: ['elt', 'generators'],
  SetComp: ['elt', 'generators'],
  DictComp: ['key', 'value', 'generators'],
  GeneratorExp: ['elt', 'generators'],
  Await: ['value'],
  Yield: ['value'],
  YieldFrom: ['value'],
  Compare: ['left', 'ops', 'comparators'],
  Call: ['func', 'args', 'keywords'],
  FormattedValue: ['value', 'conversion', 'format_spec'],
  JoinedStr: ['values'],
  Constant: ['value', 'kind'],
  Attribute: ['value', 'attr', 'ctx'],
  Subscript: ['value', 'slice', 'ctx'],
  Starred: ['value', 'ctx'],
  Name: ['id', 'ctx'],
  List: ['elts', 'ctx'],
  Tuple: ['elts', 'ctx'],
  Slice: ['lower', 'upper', 'step'],
  comprehension: ['target', 'iter', 'ifs', 'is_async'],
  ExceptHandler: ['type', 'name', 'body'],
  arguments: ['posonlyargs', 'args', 'vararg', 'kwonlyargs', 'kw_defaults', 'kwarg', 'defaults'],
  arg: ['arg', 'annotation', 'type_comment'],
  keyword: ['arg', 'value'],
  alias: ['name', 'asname'],
  withitem: ['context_expr', 'optional_vars'],
  match_case: ['pattern', 'guard', 'body'],
  MatchValue: ['value'],
  MatchSingleton: ['value'],
  MatchSequence: ['patterns'],
  MatchMapping: ['keys', 'patterns', 'rest'],
  MatchClass: ['cls', 'patterns', 'kwd_attrs', 'kwd_patterns'],
  MatchStar: ['name'],
  MatchAs: ['pattern', 'name'],
  MatchOr: ['patterns'],
  TypeVar: ['name', 'bound'],
  ParamSpec: ['name'],
  TypeVarTuple: ['name'],
}

/** Node classes CPython gives no position. */
const UNPLACED = new Set(['Module', 'arguments', 'withitem', 'comprehension', 'match_case'])

/** Python's `repr` of a float, for comparing with the JSON of `astjson.py`. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (x === Infinity) return 'inf'
  if (x === -Infinity) return '-inf'
  if (Object.is(x, -0)) return '-0.0'
  const abs = Math.abs(x)
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exponent] = x.toExponential().split('e') as [string, string]
    const e = Number(exponent)
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
  }
  const text = String(x)
  return text.includes('.') ? text : `${text}.0`
}

function constantJson(value: ConstantValue): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value
  if (typeof value === 'bigint') return { int: value.toString() }
  if (typeof value === 'number') return { float: floatRepr(value) }
  if (value === ELLIPSIS) return { ellipsis: true }
  if (value instanceof Uint8Array) return { bytes: [...value].map((b) => b.toString(16).padStart(2, '0')).join('') }
  return { complex: floatRepr((value as { imag: number }).imag) }
}

/** The JSON form of `astjson.py` for one of our nodes. */
export function toCpythonJson(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toCpythonJson)
  if (node === null || typeof node !== 'object') return node
  const n = node as Node & Record<string, unknown>
  const fields = FIELDS[n.type]
  if (!fields) throw new Error(`no fields for ${n.type}`)
  const out: unknown[] = [n.type, UNPLACED.has(n.type) ? null : n.start, UNPLACED.has(n.type) ? null : n.end]
  for (const field of fields) {
    const value = n.type === 'ExceptHandler' && field === 'type' ? n['type_'] : n[field]
    if ((n.type === 'Constant' || n.type === 'MatchSingleton') && field === 'value') out.push(constantJson(value as ConstantValue))
    else out.push(toCpythonJson(value === undefined ? null : value))
  }
  return out
}

/** The first place where two JSON trees differ, as a path and the two values (or undefined). */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    const label = typeof a[0] === 'string' && typeof b[0] === 'string' ? `${path}/${a[0]}` : path
    if (a.length !== b.length) return `${label}: length ${a.length} vs ${b.length}: ${JSON.stringify(a).slice(0, 300)} vs ${JSON.stringify(b).slice(0, 300)}`
    for (let k = 0; k < a.length; k++) {
      const d = firstDifference(a[k], b[k], `${label}[${k}]`)
      if (d) return d
    }
    return undefined
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const sa = JSON.stringify(a)
    const sb = JSON.stringify(b)
    return sa === sb ? undefined : `${path}: ${sa} vs ${sb}`
  }
  return a === b ? undefined : `${path}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`
}

/** The JSON form without positions (for comparing trees that come from different texts). */
export function withoutPositions(node: unknown): unknown {
  if (!Array.isArray(node)) return node
  if (typeof node[0] === 'string' && node.length >= 3 && (typeof node[1] === 'number' || node[1] === null) && FIELDS[node[0]] && node.length === FIELDS[node[0]]!.length + 3) {
    return [node[0], ...node.slice(3).map(withoutPositions)]
  }
  return node.map(withoutPositions)
}
