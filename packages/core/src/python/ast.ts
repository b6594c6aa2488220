/**
 * The syntax tree of Python 3.12 source, mirroring CPython's `ast` module: the same node classes
 * (as the `type` of each node), the same field names and field order, the same operator names.
 * What differs from CPython is only how values are written in JavaScript (see {@link ConstantValue})
 * and where nodes are: every node has `start`/`end` character offsets into the source (UTF-16 code
 * units, as JavaScript indexes strings), where CPython has lines and UTF-8 byte columns. Nodes that
 * CPython leaves without a position (`arguments`, `comprehension`, `withitem`, `match_case`) span
 * the source text they were read from.
 *
 * Every union has a `type` discriminant, so a `switch (node.type)` is checked for exhaustiveness.
 */

/** Where a node is: character offsets into the source. Two numbers, not a span object: a big file has millions of nodes. */
export interface Offsets {
  /** Offset of the first character. */
  start: number
  /** Offset one past the last character. */
  end: number
}

// ---------------------------------------------------------------------------------------------
// Operators and contexts: plain strings, named as CPython's classes.

/** How a name, attribute, subscript, starred, list or tuple expression is used. */
export type ExprContext = 'Load' | 'Store' | 'Del'
/** `and` / `or`. */
export type BoolOperator = 'And' | 'Or'
/** Binary arithmetic and bitwise operators (`+` is `Add`, `@` is `MatMult`, `//` is `FloorDiv`). */
export type Operator = 'Add' | 'Sub' | 'Mult' | 'MatMult' | 'Div' | 'Mod' | 'Pow' | 'LShift' | 'RShift' | 'BitOr' | 'BitXor' | 'BitAnd' | 'FloorDiv'
/** Unary operators: `~`, `not`, `+`, `-`. */
export type UnaryOperator = 'Invert' | 'Not' | 'UAdd' | 'USub'
/** Comparison operators (`is not` is `IsNot`, `not in` is `NotIn`). */
export type CmpOperator = 'Eq' | 'NotEq' | 'Lt' | 'LtE' | 'Gt' | 'GtE' | 'Is' | 'IsNot' | 'In' | 'NotIn'

// ---------------------------------------------------------------------------------------------
// Constants

/** A complex number. Literals (`2j`) are always imaginary: `real` is 0. */
export interface Complex {
  readonly real: number
  readonly imag: number
}

/** Python's `Ellipsis` (`...`), one value shared by every copy of this package. */
export const ELLIPSIS: unique symbol = Symbol.for('nnsize.python.Ellipsis') as typeof ELLIPSIS
/** The type of {@link ELLIPSIS}. */
export type EllipsisValue = typeof ELLIPSIS

/**
 * The value of a {@link Constant}: `bigint` for `int` (exact at any size), `number` for `float`,
 * {@link Complex} for imaginary literals, `string` for `str`, `Uint8Array` for `bytes`, `boolean`,
 * `null` for `None`, {@link ELLIPSIS} for `...`. `typeof` tells them apart except the three objects
 * (`null`, `Uint8Array`, `Complex`).
 */
export type ConstantValue = bigint | number | string | boolean | null | Uint8Array | Complex | EllipsisValue

// ---------------------------------------------------------------------------------------------
// Module

/** A whole source file (`ast.Module`). `type_ignores` is always empty: type comments are not read. */
export interface Module extends Offsets {
  type: 'Module'
  body: Stmt[]
  type_ignores: never[]
}

// ---------------------------------------------------------------------------------------------
// Statements

/** `def name[type_params](args) -> returns: body`, with its decorators. */
export interface FunctionDef extends Offsets {
  type: 'FunctionDef'
  name: string
  args: Arguments
  body: Stmt[]
  decorator_list: Expr[]
  returns: Expr | null
  type_comment: null
  type_params: TypeParam[]
}

/** `async def …`: the fields of {@link FunctionDef}. */
export interface AsyncFunctionDef extends Offsets {
  type: 'AsyncFunctionDef'
  name: string
  args: Arguments
  body: Stmt[]
  decorator_list: Expr[]
  returns: Expr | null
  type_comment: null
  type_params: TypeParam[]
}

/** `class name[type_params](bases, keywords): body`, with its decorators. */
export interface ClassDef extends Offsets {
  type: 'ClassDef'
  name: string
  bases: Expr[]
  keywords: Keyword[]
  body: Stmt[]
  decorator_list: Expr[]
  type_params: TypeParam[]
}

/** `return` or `return value`. */
export interface Return extends Offsets {
  type: 'Return'
  value: Expr | null
}

/** `del a, b[0], c.d` (targets in `Del` context). */
export interface Delete extends Offsets {
  type: 'Delete'
  targets: Expr[]
}

/** `a = b = value`: one target per `=`, in source order. */
export interface Assign extends Offsets {
  type: 'Assign'
  targets: Expr[]
  value: Expr
  type_comment: null
}

/** `type Name[type_params] = value` (PEP 695). */
export interface TypeAlias extends Offsets {
  type: 'TypeAlias'
  name: Name
  type_params: TypeParam[]
  value: Expr
}

/** `target op= value`. */
export interface AugAssign extends Offsets {
  type: 'AugAssign'
  target: Name | Attribute | Subscript
  op: Operator
  value: Expr
}

/** `target: annotation = value`; `simple` is 1 for a plain name not in parentheses, else 0. */
export interface AnnAssign extends Offsets {
  type: 'AnnAssign'
  target: Name | Attribute | Subscript
  annotation: Expr
  value: Expr | null
  simple: number
}

/** `for target in iter: body else: orelse`. */
export interface For extends Offsets {
  type: 'For'
  target: Expr
  iter: Expr
  body: Stmt[]
  orelse: Stmt[]
  type_comment: null
}

/** `async for …`: the fields of {@link For}. */
export interface AsyncFor extends Offsets {
  type: 'AsyncFor'
  target: Expr
  iter: Expr
  body: Stmt[]
  orelse: Stmt[]
  type_comment: null
}

/** `while test: body else: orelse`. */
export interface While extends Offsets {
  type: 'While'
  test: Expr
  body: Stmt[]
  orelse: Stmt[]
}

/** `if test: body else: orelse`; an `elif` is an `If` alone in `orelse`. */
export interface If extends Offsets {
  type: 'If'
  test: Expr
  body: Stmt[]
  orelse: Stmt[]
}

/** `with a as b, c: body`. */
export interface With extends Offsets {
  type: 'With'
  items: WithItem[]
  body: Stmt[]
  type_comment: null
}

/** `async with …`: the fields of {@link With}. */
export interface AsyncWith extends Offsets {
  type: 'AsyncWith'
  items: WithItem[]
  body: Stmt[]
  type_comment: null
}

/** `match subject:` with its `case` blocks. */
export interface Match extends Offsets {
  type: 'Match'
  subject: Expr
  cases: MatchCase[]
}

/** `raise`, `raise exc`, `raise exc from cause`. */
export interface Raise extends Offsets {
  type: 'Raise'
  exc: Expr | null
  cause: Expr | null
}

/** `try:` with `except` handlers, `else` and `finally`. */
export interface Try extends Offsets {
  type: 'Try'
  body: Stmt[]
  handlers: ExceptHandler[]
  orelse: Stmt[]
  finalbody: Stmt[]
}

/** `try:` with `except*` handlers. */
export interface TryStar extends Offsets {
  type: 'TryStar'
  body: Stmt[]
  handlers: ExceptHandler[]
  orelse: Stmt[]
  finalbody: Stmt[]
}

/** `assert test, msg`. */
export interface Assert extends Offsets {
  type: 'Assert'
  test: Expr
  msg: Expr | null
}

/** `import a.b as c, d`. */
export interface Import extends Offsets {
  type: 'Import'
  names: Alias[]
}

/** `from ..module import a as b`; `module` is null for `from . import x`; `level` counts the dots. */
export interface ImportFrom extends Offsets {
  type: 'ImportFrom'
  module: string | null
  names: Alias[]
  level: number
}

/** `global a, b`. */
export interface Global extends Offsets {
  type: 'Global'
  names: string[]
}

/** `nonlocal a, b`. */
export interface Nonlocal extends Offsets {
  type: 'Nonlocal'
  names: string[]
}

/** An expression used as a statement. */
export interface ExprStmt extends Offsets {
  type: 'Expr'
  value: Expr
}

/** `pass`. */
export interface Pass extends Offsets {
  type: 'Pass'
}

/** `break`. */
export interface Break extends Offsets {
  type: 'Break'
}

/** `continue`. */
export interface Continue extends Offsets {
  type: 'Continue'
}

/** Every statement node (`ast.stmt`). */
export type Stmt =
  | FunctionDef
  | AsyncFunctionDef
  | ClassDef
  | Return
  | Delete
  | Assign
  | TypeAlias
  | AugAssign
  | AnnAssign
  | For
  | AsyncFor
  | While
  | If
  | With
  | AsyncWith
  | Match
  | Raise
  | Try
  | TryStar
  | Assert
  | Import
  | ImportFrom
  | Global
  | Nonlocal
  | ExprStmt
  | Pass
  | Break
  | Continue

// ---------------------------------------------------------------------------------------------
// Expressions

/** `a and b and c` (one node for the whole chain of one operator). */
export interface BoolOp extends Offsets {
  type: 'BoolOp'
  op: BoolOperator
  values: Expr[]
}

/** `target := value`. */
export interface NamedExpr extends Offsets {
  type: 'NamedExpr'
  target: Name
  value: Expr
}

/** `left op right`. */
export interface BinOp extends Offsets {
  type: 'BinOp'
  left: Expr
  op: Operator
  right: Expr
}

/** `op operand`. */
export interface UnaryOp extends Offsets {
  type: 'UnaryOp'
  op: UnaryOperator
  operand: Expr
}

/** `lambda args: body`. */
export interface Lambda extends Offsets {
  type: 'Lambda'
  args: Arguments
  body: Expr
}

/** `body if test else orelse`. */
export interface IfExp extends Offsets {
  type: 'IfExp'
  test: Expr
  body: Expr
  orelse: Expr
}

/** `{k: v, **m}`: a `null` key marks a `**m` entry, whose mapping is the value. */
export interface Dict extends Offsets {
  type: 'Dict'
  keys: Array<Expr | null>
  values: Expr[]
}

/** `{a, *b}`. */
export interface SetExpr extends Offsets {
  type: 'Set'
  elts: Expr[]
}

/** `[elt for … in … if …]`. */
export interface ListComp extends Offsets {
  type: 'ListComp'
  elt: Expr
  generators: Comprehension[]
}

/** `{elt for …}`. */
export interface SetComp extends Offsets {
  type: 'SetComp'
  elt: Expr
  generators: Comprehension[]
}

/** `{key: value for …}`. */
export interface DictComp extends Offsets {
  type: 'DictComp'
  key: Expr
  value: Expr
  generators: Comprehension[]
}

/** `(elt for …)`, also the sole argument of `f(x for x in y)`. */
export interface GeneratorExp extends Offsets {
  type: 'GeneratorExp'
  elt: Expr
  generators: Comprehension[]
}

/** `await value`. */
export interface Await extends Offsets {
  type: 'Await'
  value: Expr
}

/** `yield` or `yield value`. */
export interface Yield extends Offsets {
  type: 'Yield'
  value: Expr | null
}

/** `yield from value`. */
export interface YieldFrom extends Offsets {
  type: 'YieldFrom'
  value: Expr
}

/** `left op1 c1 op2 c2 …` (a chain is one node: `a < b < c`). */
export interface Compare extends Offsets {
  type: 'Compare'
  left: Expr
  ops: CmpOperator[]
  comparators: Expr[]
}

/** `func(*args, **keywords)`; positional and `*x` arguments in `args`, `k=v` and `**m` in `keywords`. */
export interface Call extends Offsets {
  type: 'Call'
  func: Expr
  args: Expr[]
  keywords: Keyword[]
}

/**
 * One replacement field of an f-string: `conversion` is -1 (none), 115 (`!s`), 114 (`!r`) or 97
 * (`!a`); `format_spec` is a {@link JoinedStr}.
 */
export interface FormattedValue extends Offsets {
  type: 'FormattedValue'
  value: Expr
  conversion: number
  format_spec: JoinedStr | null
}

/** An f-string (after concatenation with neighbouring literals): {@link Constant} strings and {@link FormattedValue}s. */
export interface JoinedStr extends Offsets {
  type: 'JoinedStr'
  values: Array<Constant | FormattedValue>
}

/** A literal. `kind` is `'u'` for a string written with a `u` prefix, else null. */
export interface Constant extends Offsets {
  type: 'Constant'
  value: ConstantValue
  kind: 'u' | null
}

/** `value.attr`. */
export interface Attribute extends Offsets {
  type: 'Attribute'
  value: Expr
  attr: string
  ctx: ExprContext
}

/** `value[slice]`; several indices make a {@link Tuple}, `a:b` a {@link Slice}. */
export interface Subscript extends Offsets {
  type: 'Subscript'
  value: Expr
  slice: Expr
  ctx: ExprContext
}

/** `*value`. */
export interface Starred extends Offsets {
  type: 'Starred'
  value: Expr
  ctx: ExprContext
}

/** An identifier, NFKC-normalised as CPython does. */
export interface Name extends Offsets {
  type: 'Name'
  id: string
  ctx: ExprContext
}

/** `[a, b]`. */
export interface List extends Offsets {
  type: 'List'
  elts: Expr[]
  ctx: ExprContext
}

/** `(a, b)` or `a, b`. */
export interface Tuple extends Offsets {
  type: 'Tuple'
  elts: Expr[]
  ctx: ExprContext
}

/** `lower:upper:step` inside a subscript. */
export interface Slice extends Offsets {
  type: 'Slice'
  lower: Expr | null
  upper: Expr | null
  step: Expr | null
}

/** Every expression node (`ast.expr`). */
export type Expr =
  | BoolOp
  | NamedExpr
  | BinOp
  | UnaryOp
  | Lambda
  | IfExp
  | Dict
  | SetExpr
  | ListComp
  | SetComp
  | DictComp
  | GeneratorExp
  | Await
  | Yield
  | YieldFrom
  | Compare
  | Call
  | FormattedValue
  | JoinedStr
  | Constant
  | Attribute
  | Subscript
  | Starred
  | Name
  | List
  | Tuple
  | Slice

// ---------------------------------------------------------------------------------------------
// Helper nodes

/** `for target in iter if ifs…` inside a comprehension; `is_async` is 1 for `async for`. */
export interface Comprehension extends Offsets {
  type: 'comprehension'
  target: Expr
  iter: Expr
  ifs: Expr[]
  is_async: number
}

/** `except type as name: body` (also `except*`). */
export interface ExceptHandler extends Offsets {
  type: 'ExceptHandler'
  /** CPython's `type` field (the exception class), renamed because `type` is the node's discriminant. */
  type_: Expr | null
  name: string | null
  body: Stmt[]
}

/**
 * The parameters of a function or lambda. `defaults` belong to the last positional parameters
 * (`posonlyargs` then `args`); `kw_defaults` has one entry per `kwonlyargs`, null where there is none.
 */
export interface Arguments extends Offsets {
  type: 'arguments'
  posonlyargs: Arg[]
  args: Arg[]
  vararg: Arg | null
  kwonlyargs: Arg[]
  kw_defaults: Array<Expr | null>
  kwarg: Arg | null
  defaults: Expr[]
}

/** One parameter. */
export interface Arg extends Offsets {
  type: 'arg'
  arg: string
  annotation: Expr | null
  type_comment: null
}

/** A keyword argument `arg=value`, or `**value` (then `arg` is null). */
export interface Keyword extends Offsets {
  type: 'keyword'
  arg: string | null
  value: Expr
}

/** `name as asname` in an import; `name` is dotted (`a.b.c`) or `*`. */
export interface Alias extends Offsets {
  type: 'alias'
  name: string
  asname: string | null
}

/** `context_expr as optional_vars` in a `with`. */
export interface WithItem extends Offsets {
  type: 'withitem'
  context_expr: Expr
  optional_vars: Expr | null
}

/** `case pattern if guard: body`. */
export interface MatchCase extends Offsets {
  type: 'match_case'
  pattern: Pattern
  guard: Expr | null
  body: Stmt[]
}

// ---------------------------------------------------------------------------------------------
// Patterns (match statements)

/** A literal or dotted-name value pattern (`case 1:`, `case Color.RED:`). */
export interface MatchValue extends Offsets {
  type: 'MatchValue'
  value: Expr
}

/** `case None:` / `True` / `False`. */
export interface MatchSingleton extends Offsets {
  type: 'MatchSingleton'
  value: null | boolean
}

/** `case [a, *rest]:` or `case (a, b):` or `case a, b:`. */
export interface MatchSequence extends Offsets {
  type: 'MatchSequence'
  patterns: Pattern[]
}

/** `case {"k": v, **rest}:`. */
export interface MatchMapping extends Offsets {
  type: 'MatchMapping'
  keys: Expr[]
  patterns: Pattern[]
  rest: string | null
}

/** `case Point(x, y=0):`. */
export interface MatchClass extends Offsets {
  type: 'MatchClass'
  cls: Expr
  patterns: Pattern[]
  kwd_attrs: string[]
  kwd_patterns: Pattern[]
}

/** `*name` (or `*_`, with a null name) in a sequence pattern. */
export interface MatchStar extends Offsets {
  type: 'MatchStar'
  name: string | null
}

/** `pattern as name`, a capture `name` (null pattern), or the wildcard `_` (both null). */
export interface MatchAs extends Offsets {
  type: 'MatchAs'
  pattern: Pattern | null
  name: string | null
}

/** `p1 | p2`. */
export interface MatchOr extends Offsets {
  type: 'MatchOr'
  patterns: Pattern[]
}

/** Every pattern node (`ast.pattern`). */
export type Pattern = MatchValue | MatchSingleton | MatchSequence | MatchMapping | MatchClass | MatchStar | MatchAs | MatchOr

// ---------------------------------------------------------------------------------------------
// Type parameters (PEP 695)

/** `T` or `T: bound` in a type parameter list. */
export interface TypeVar extends Offsets {
  type: 'TypeVar'
  name: string
  bound: Expr | null
}

/** `**P`. */
export interface ParamSpec extends Offsets {
  type: 'ParamSpec'
  name: string
}

/** `*Ts`. */
export interface TypeVarTuple extends Offsets {
  type: 'TypeVarTuple'
  name: string
}

/** Every type parameter node (`ast.type_param`). */
export type TypeParam = TypeVar | ParamSpec | TypeVarTuple

/** Every node of the tree. */
export type Node =
  | Module
  | Stmt
  | Expr
  | Pattern
  | TypeParam
  | Comprehension
  | ExceptHandler
  | Arguments
  | Arg
  | Keyword
  | Alias
  | WithItem
  | MatchCase

/** The span of a node, as errors carry it. */
export function spanOf(node: Offsets): { start: number; end: number } {
  return { start: node.start, end: node.end }
}
