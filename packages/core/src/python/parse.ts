import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import type {
  Alias,
  Arg,
  Arguments,
  BoolOperator,
  CmpOperator,
  Comprehension,
  Constant,
  ExceptHandler,
  Expr,
  ExprContext,
  FormattedValue,
  JoinedStr,
  Keyword,
  MatchCase,
  Module,
  Name,
  Operator,
  Pattern,
  Stmt,
  TypeParam,
  UnaryOperator,
  WithItem,
} from './ast.js'
import { ELLIPSIS } from './ast.js'
import { decodeStringToken, decodeUnicodeEscapes, normalizeNewlines, numberValue, stringPrefix } from './literals.js'
import { fstringMiddleText, lineOf, scan, Tok } from './tokenize.js'
import type { TokenStream } from './tokenize.js'

/**
 * Parses Python 3.12 source into a {@link Module}, accepting exactly what CPython's `ast.parse`
 * accepts. Throws {@link NnsizeError}: code `syntax` with CPython's message and a span on the
 * offending token, or `limit` for input beyond `limits.maxSourceChars` or nested deeper than
 * `limits.maxNestingDepth`.
 */
export function parse(source: string): Module {
  return run(scan(source), (parser) => parser.file())
}

/** Parses one expression (`ast.parse(source, mode='eval')`): a `--model` entry such as `ResNet18()`. */
export function parseExpression(source: string): Expr {
  return run(scan(source), (parser) => parser.evalInput())
}

function run<T>(stream: TokenStream & { error: NnsizeError | undefined; errorDeferred: boolean }, body: (parser: Parser) => T): T {
  const parser = new Parser(stream)
  try {
    return body(parser)
  } catch (error) {
    if (error === stream.error || (stream.error && parser.readToEnd())) throw stream.error
    // As in CPython: a lexical error later in the file wins over the parser's, unless the parser
    // failed on an unexpected indentation, or the lexical error is one CPython only reports when
    // its parser gets there (indentation, line continuation).
    const indentation = NnsizeError.isInstance(error) && (error.message === 'unexpected indent' || error.message === 'unexpected unindent')
    if (stream.error && !indentation && !stream.errorDeferred && NnsizeError.isInstance(error) && error.code === 'syntax') throw stream.error
    throw parser.prioritise(error)
  }
}

/** Operator precedence levels, lowest first (as CPython's grammar rules nest). */
const L_OR = 1
const L_AND = 2
const L_NOT = 3
const L_COMPARE = 4
const L_BITOR = 5
const L_FACTOR = 11
const L_POWER = 12
const L_AWAIT = 13
const L_PRIMARY = 14

/** Binary operators by token kind: level and name. */
const BINARY: Partial<Record<number, readonly [number, Operator]>> = {
  [Tok.VBAR]: [5, 'BitOr'],
  [Tok.CIRCUMFLEX]: [6, 'BitXor'],
  [Tok.AMPER]: [7, 'BitAnd'],
  [Tok.LEFTSHIFT]: [8, 'LShift'],
  [Tok.RIGHTSHIFT]: [8, 'RShift'],
  [Tok.PLUS]: [9, 'Add'],
  [Tok.MINUS]: [9, 'Sub'],
  [Tok.STAR]: [10, 'Mult'],
  [Tok.SLASH]: [10, 'Div'],
  [Tok.DOUBLESLASH]: [10, 'FloorDiv'],
  [Tok.PERCENT]: [10, 'Mod'],
  [Tok.AT]: [10, 'MatMult'],
  [Tok.DOUBLESTAR]: [L_POWER, 'Pow'],
}

const COMPARE: Partial<Record<number, CmpOperator>> = {
  [Tok.EQEQUAL]: 'Eq',
  [Tok.NOTEQUAL]: 'NotEq',
  [Tok.LESS]: 'Lt',
  [Tok.LESSEQUAL]: 'LtE',
  [Tok.GREATER]: 'Gt',
  [Tok.GREATEREQUAL]: 'GtE',
  [Tok.IN]: 'In',
}

const AUGMENTED: Partial<Record<number, Operator>> = {
  [Tok.PLUSEQUAL]: 'Add',
  [Tok.MINEQUAL]: 'Sub',
  [Tok.STAREQUAL]: 'Mult',
  [Tok.ATEQUAL]: 'MatMult',
  [Tok.SLASHEQUAL]: 'Div',
  [Tok.PERCENTEQUAL]: 'Mod',
  [Tok.AMPEREQUAL]: 'BitAnd',
  [Tok.VBAREQUAL]: 'BitOr',
  [Tok.CIRCUMFLEXEQUAL]: 'BitXor',
  [Tok.LEFTSHIFTEQUAL]: 'LShift',
  [Tok.RIGHTSHIFTEQUAL]: 'RShift',
  [Tok.DOUBLESTAREQUAL]: 'Pow',
  [Tok.DOUBLESLASHEQUAL]: 'FloorDiv',
}

const PREFIX: Partial<Record<number, readonly [number, UnaryOperator | 'Await']>> = {
  [Tok.NOT]: [L_NOT, 'Not'],
  [Tok.PLUS]: [L_FACTOR, 'UAdd'],
  [Tok.MINUS]: [L_FACTOR, 'USub'],
  [Tok.TILDE]: [L_FACTOR, 'Invert'],
  [Tok.AWAIT]: [L_AWAIT, 'Await'],
}

/**
 * The binary-operator level of each token kind (0: not a binary operator), in an array so that
 * the check after every operand is one load. `not` is marked too (for `not in`).
 */
const BINARY_LEVEL = new Uint8Array(128)
for (const [kind, entry] of Object.entries(BINARY)) BINARY_LEVEL[Number(kind)] = entry![0]
for (const kind of Object.keys(COMPARE)) BINARY_LEVEL[Number(kind)] = L_COMPARE
BINARY_LEVEL[Tok.IS] = L_COMPARE
BINARY_LEVEL[Tok.NOT] = L_COMPARE
BINARY_LEVEL[Tok.AND] = L_AND
BINARY_LEVEL[Tok.OR] = L_OR

/** Whether a token kind is a prefix operator (`not`, `+`, `-`, `~`, `await`). */
const IS_PREFIX = new Uint8Array(128)
for (const kind of Object.keys(PREFIX)) IS_PREFIX[Number(kind)] = 1

/** An operator waiting on the operator stack for its right operand. */
interface PendingOp {
  level: number
  /** Set for `not`, `+x`, `-x`, `~x`, `await x`. */
  prefix: UnaryOperator | 'Await' | undefined
  /** Offset of a prefix operator's token. */
  start: number
  op: Operator | BoolOperator | undefined
  /** Comparison operators of a chain (`a < b <= c` is one node). */
  cmpOps: CmpOperator[] | undefined
  /** Operators of the same `and`/`or`/comparison chain: that many plus one operands. */
  count: number
}

/** Which kind of target a validation is for: messages differ. */
const enum Targets {
  STAR,
  DEL,
  FOR,
}

/** CPython's `_PyPegen_get_expr_name`: how messages call each kind of expression. */
function exprName(e: Expr): string {
  switch (e.type) {
    case 'Attribute': return 'attribute'
    case 'Subscript': return 'subscript'
    case 'Starred': return 'starred'
    case 'Name': return 'name'
    case 'List': return 'list'
    case 'Tuple': return 'tuple'
    case 'Lambda': return 'lambda'
    case 'Call': return 'function call'
    case 'BoolOp':
    case 'BinOp':
    case 'UnaryOp': return 'expression'
    case 'GeneratorExp': return 'generator expression'
    case 'Yield':
    case 'YieldFrom': return 'yield expression'
    case 'Await': return 'await expression'
    case 'ListComp': return 'list comprehension'
    case 'SetComp': return 'set comprehension'
    case 'DictComp': return 'dict comprehension'
    case 'Dict': return 'dict literal'
    case 'Set': return 'set display'
    case 'JoinedStr':
    case 'FormattedValue': return 'f-string expression'
    case 'Constant': {
      const v = e.value
      if (v === null) return 'None'
      if (v === true) return 'True'
      if (v === false) return 'False'
      if (v === ELLIPSIS) return 'ellipsis'
      return 'literal'
    }
    case 'Compare': return 'comparison'
    case 'IfExp': return 'conditional expression'
    case 'NamedExpr': return 'named expression'
    case 'Slice': return 'slice'
  }
}

class Parser {
  private readonly src: string
  private readonly kinds: Uint8Array
  private readonly starts: Int32Array
  private readonly ends: Int32Array
  private readonly nameIds: Int32Array
  private readonly names: readonly string[]
  private p = 0
  private depth = 0
  /** Equal int literals share one bigint. */
  private readonly ints = new Map<string, bigint>()
  /** Shared stacks of the operator-precedence loop (one per parser, so nothing is allocated per expression). */
  private readonly ops: PendingOp[] = []
  private readonly vals: Expr[] = []
  private readonly valStarts: number[] = []
  private readonly valEnds: number[] = []
  private readonly valHeights: number[] = []

  constructor(private readonly stream: TokenStream) {
    this.src = stream.source
    this.kinds = stream.kinds
    this.starts = stream.starts
    this.ends = stream.ends
    this.nameIds = stream.nameIds
    this.names = stream.names
  }

  // ---------------------------------------------------------------------------------------------
  // Tokens

  private kind(): number {
    return this.kinds[this.p]!
  }
  private kindAt(ahead: number): number {
    const i = this.p + ahead
    return i < this.stream.count ? this.kinds[i]! : Tok.ENDMARKER
  }
  private startOf(i = this.p): number {
    return this.starts[i]!
  }
  private prevEnd(): number {
    return this.ends[this.p - 1]!
  }
  private nameAt(i: number): string {
    return this.names[this.nameIds[i]!]!
  }
  private isName(text: string, i = this.p): boolean {
    return this.kinds[i] === Tok.NAME && this.names[this.nameIds[i]!] === text
  }
  private eat(kind: number): boolean {
    if (this.kinds[this.p] !== kind) return false
    this.p++
    return true
  }
  /** Consumes a token of `kind`, or fails with `message` (CPython's forced tokens) or "invalid syntax". */
  private expect(kind: number, message?: string): number {
    if (this.kinds[this.p] !== kind) {
      throw message !== undefined ? this.errorAt(this.p, message) : this.invalid()
    }
    return this.p++
  }
  private expectName(): number {
    if (this.kinds[this.p] !== Tok.NAME) throw this.invalid()
    return this.p++
  }

  // ---------------------------------------------------------------------------------------------
  // Errors

  private error(message: string, start: number, end: number): NnsizeError {
    return new NnsizeError('syntax', message, { span: { start, end: Math.max(end, start) } })
  }
  private errorAt(i: number, message: string): NnsizeError {
    return this.error(message, this.starts[i]!, Math.max(this.ends[i]!, this.starts[i]! + (this.starts[i]! < this.src.length ? 1 : 0)))
  }
  /** The generic "invalid syntax", on the current token (or what the token means when it explains more). */
  private invalid(i = this.p): NnsizeError {
    const kind = this.kinds[i]
    if (kind === Tok.ERRORTOKEN) return this.lexicalError ?? this.unclosedError()
    if (kind === Tok.INDENT) {
      const end = this.ends[i]!
      return this.error('unexpected indent', Math.max(this.starts[i]!, end - 1), end)
    }
    if (kind === Tok.DEDENT) return this.error('unexpected unindent', this.starts[i]!, this.starts[i]!)
    return this.errorAt(i, 'invalid syntax')
  }
  /** The lexical error that ends the token stream early, if any. */
  private get lexicalError(): NnsizeError | undefined {
    return (this.stream as { error?: NnsizeError }).error
  }

  private unclosedError(): NnsizeError {
    const unclosed = this.stream.unclosed
    if (!unclosed) return this.lexicalError ?? this.errorAt(this.p, 'invalid syntax')
    return this.error(`'${unclosed.bracket}' was never closed`, unclosed.offset, unclosed.offset + 1)
  }
  private node(e: { start: number; end: number }, message: string): NnsizeError {
    return this.error(message, e.start, e.end)
  }

  /**
   * CPython reports an input that ends inside a bracket as that bracket "never closed" when the
   * parser's own error is on a later line.
   */
  prioritise(error: unknown): unknown {
    const unclosed = this.stream.unclosed
    if (!unclosed || !NnsizeError.isInstance(error) || error.code !== 'syntax' || !error.span) return error
    if (error.message.endsWith('was never closed')) return error
    // CPython compares the line of the furthest token its parser read, not the error's own line.
    const furthest = Math.min(Math.max(this.furthest, this.p), this.stream.count - 1)
    const line = Math.max(lineOf(this.src, error.span.start), lineOf(this.src, this.starts[furthest]!))
    if (line > lineOf(this.src, unclosed.offset)) return this.unclosedError()
    return error
  }

  /** Whether the parser read up to the last token (where a lexical error stopped the tokens). */
  readToEnd(): boolean {
    return Math.max(this.p, this.furthest) >= this.stream.count - 1
  }

  /** The furthest token that error analysis looked at (see {@link prioritise}). */
  private furthest = 0

  /** One more level of nesting; a `limit` error beyond `limits.maxNestingDepth`. */
  private enter(at: number): void {
    if (++this.depth > limits.maxNestingDepth) this.tooDeep(at)
  }
  private tooDeep(at: number): never {
    const start = Math.min(at, this.src.length)
    throw new NnsizeError('limit', `The input nests deeper than ${limits.maxNestingDepth} levels, the limit.`, { span: { start, end: Math.min(start + 1, this.src.length) } })
  }

  // ---------------------------------------------------------------------------------------------
  // Start rules

  file(): Module {
    const body: Stmt[] = []
    while (this.kind() !== Tok.ENDMARKER) this.statement(body)
    return { type: 'Module', body, type_ignores: [], start: 0, end: this.src.length }
  }

  evalInput(): Expr {
    const e = this.expressions()
    while (this.eat(Tok.NEWLINE)) {
      // trailing newlines
    }
    if (this.kind() !== Tok.ENDMARKER) throw this.invalid()
    return e
  }

  // ---------------------------------------------------------------------------------------------
  // Statements

  private statement(out: Stmt[]): void {
    switch (this.kind()) {
      case Tok.DEF:
      case Tok.AT:
      case Tok.CLASS:
      case Tok.IF:
      case Tok.WHILE:
      case Tok.FOR:
      case Tok.WITH:
      case Tok.TRY:
        out.push(this.compound())
        return
      case Tok.ASYNC: {
        const next = this.kindAt(1)
        if (next === Tok.DEF || next === Tok.FOR || next === Tok.WITH) {
          out.push(this.compound())
          return
        }
        throw this.invalid(this.p + 1)
      }
      case Tok.INDENT:
        throw this.invalid()
      case Tok.NAME:
        if (this.isName('match')) {
          const match = this.tryMatch()
          if (match) {
            out.push(match)
            return
          }
          if (this.matchFailure > this.p) {
            // `match x x:` — CPython's parser got further reading it as a match statement.
            const failure = this.matchFailure
            try {
              this.simpleStmts(out)
            } catch (error) {
              if (NnsizeError.isInstance(error) && error.message === 'invalid syntax' && error.span!.start < this.starts[failure]!) throw this.invalid(failure)
              throw error
            }
            return
          }
        }
        break
      default:
        break
    }
    this.simpleStmts(out)
  }

  private compound(): Stmt {
    switch (this.kind()) {
      case Tok.AT:
        return this.decorated()
      case Tok.DEF:
        return this.functionDef([], this.p, false)
      case Tok.CLASS:
        return this.classDef([], this.p)
      case Tok.IF:
        return this.ifStmt()
      case Tok.WHILE:
        return this.whileStmt()
      case Tok.FOR:
        return this.forStmt(this.p, false)
      case Tok.WITH:
        return this.withStmt(this.p, false)
      case Tok.TRY:
        return this.tryStmt()
      case Tok.ASYNC: {
        const start = this.p
        this.p++
        if (this.kind() === Tok.DEF) return this.functionDef([], start, true)
        if (this.kind() === Tok.FOR) return this.forStmt(start, true)
        return this.withStmt(start, true)
      }
      default:
        throw this.invalid()
    }
  }

  private simpleStmts(out: Stmt[]): void {
    for (;;) {
      out.push(this.simpleStmt())
      if (this.eat(Tok.SEMI)) {
        if (this.kind() === Tok.NEWLINE) break
        continue
      }
      break
    }
    if (this.kind() !== Tok.NEWLINE) throw this.afterStatementError()
    this.p++
  }

  /**
   * A statement is followed by something that cannot continue it. When that starts an expression,
   * CPython reads it (looking for a missing comma), and so meets an input that ends in a bracket.
   */
  private afterStatementError(): NnsizeError {
    const at = this.p
    if (this.startsExpression() && this.stream.unclosed) {
      const saveDepth = this.depth
      try {
        this.expression()
      } catch {
        // only looking
      }
      const reachedEnd = this.kind() === Tok.ERRORTOKEN
      this.furthest = Math.max(this.furthest, this.p)
      this.p = at
      this.depth = saveDepth
      if (reachedEnd) return this.unclosedError()
    }
    return this.invalid()
  }

  private simpleStmt(): Stmt {
    const start = this.startOf()
    switch (this.kind()) {
      case Tok.NAME:
        if (this.kindAt(1) === Tok.NAME && this.isName('type')) return this.typeAlias()
        return this.expressionStatement()
      case Tok.IMPORT:
        return this.importName()
      case Tok.FROM:
        return this.importFrom()
      case Tok.RETURN: {
        this.p++
        const value = this.startsExpression() ? this.starExpressions() : null
        return { type: 'Return', value, start, end: this.prevEnd() }
      }
      case Tok.RAISE:
        return this.raiseStmt()
      case Tok.PASS:
        this.p++
        return { type: 'Pass', start, end: this.prevEnd() }
      case Tok.BREAK:
        this.p++
        return { type: 'Break', start, end: this.prevEnd() }
      case Tok.CONTINUE:
        this.p++
        return { type: 'Continue', start, end: this.prevEnd() }
      case Tok.DEL:
        return this.delStmt()
      case Tok.ASSERT: {
        this.p++
        const test = this.expression()
        const msg = this.eat(Tok.COMMA) ? this.expression() : null
        return { type: 'Assert', test, msg, start, end: this.prevEnd() }
      }
      case Tok.GLOBAL:
      case Tok.NONLOCAL: {
        const global = this.kind() === Tok.GLOBAL
        this.p++
        const names = [this.nameAt(this.expectName())]
        while (this.eat(Tok.COMMA)) names.push(this.nameAt(this.expectName()))
        const end = this.prevEnd()
        return global ? { type: 'Global', names, start, end } : { type: 'Nonlocal', names, start, end }
      }
      default:
        return this.expressionStatement()
    }
  }

  /** Whether the current token can start an expression. */
  private startsExpression(): boolean {
    switch (this.kind()) {
      case Tok.NAME:
      case Tok.NUMBER:
      case Tok.STRING:
      case Tok.FSTRING_START:
      case Tok.LPAR:
      case Tok.LSQB:
      case Tok.LBRACE:
      case Tok.MINUS:
      case Tok.PLUS:
      case Tok.TILDE:
      case Tok.NOT:
      case Tok.AWAIT:
      case Tok.LAMBDA:
      case Tok.STAR:
      case Tok.ELLIPSIS:
      case Tok.NONE:
      case Tok.TRUE:
      case Tok.FALSE:
      case Tok.YIELD:
        return true
      default:
        return false
    }
  }

  private expressionStatement(): Stmt {
    const startToken = this.p
    const start = this.startOf()
    // NAME ':' is an annotated assignment to a simple name.
    if (this.kind() === Tok.NAME && this.kindAt(1) === Tok.COLON) {
      const target: Name = { type: 'Name', id: this.nameAt(this.p), ctx: 'Store', start, end: this.ends[this.p]! }
      this.p += 2
      const annotation = this.expression()
      const value = this.eat(Tok.EQUAL) ? this.annotatedRhs() : null
      return { type: 'AnnAssign', target, annotation, value, simple: 1, start, end: this.prevEnd() }
    }
    const first = this.kind() === Tok.YIELD ? this.yieldExpr() : this.starExpressions()
    const k = this.kind()
    if (k === Tok.EQUAL) return this.assignment(first, startToken)
    if (k === Tok.COLON) return this.annotated(first, startToken)
    const aug = AUGMENTED[k]
    if (aug !== undefined) {
      const target = this.singleTarget(first)
      if (!target) throw this.node(first, `'${exprName(first)}' is an illegal expression for augmented assignment`)
      this.p++
      const value = this.annotatedRhs()
      return { type: 'AugAssign', target, op: aug, value, start, end: this.prevEnd() }
    }
    if (k !== Tok.NEWLINE && k !== Tok.SEMI) this.legacyPrint(first, startToken)
    return { type: 'Expr', value: first, start, end: this.prevEnd() }
  }

  /** `print "x"`: CPython names the missing parentheses. */
  private legacyPrint(first: Expr, startToken: number): void {
    if (first.type !== 'Name' || (first.id !== 'print' && first.id !== 'exec') || this.kind() === Tok.LPAR || this.p !== startToken + 1) return
    const save = this.p
    const saveDepth = this.depth
    try {
      if (!this.startsExpression()) return
      const rest = this.starExpressions()
      throw this.error(`Missing parentheses in call to '${first.id}'. Did you mean ${first.id}(...)?`, first.start, rest.end)
    } catch (error) {
      if (NnsizeError.isInstance(error) && error.message.startsWith('Missing parentheses')) throw error
    } finally {
      this.p = save
      this.depth = saveDepth
    }
  }

  private annotatedRhs(): Expr {
    return this.kind() === Tok.YIELD ? this.yieldExpr() : this.starExpressions()
  }

  /** A Name, Attribute or Subscript that may be assigned to alone (in any number of parentheses). */
  private singleTarget(e: Expr): Name | Attribute | Subscript | undefined {
    if (e.type === 'Name' || e.type === 'Attribute' || e.type === 'Subscript') {
      e.ctx = 'Store'
      return e
    }
    return undefined
  }

  private annotated(first: Expr, startToken: number): Stmt {
    const start = this.starts[startToken]!
    const target = this.singleTarget(first)
    if (!target) {
      // CPython names the bad target only when an annotation follows the colon.
      this.p++
      this.expression()
      if (first.type === 'Tuple' || first.type === 'List') {
        const at = this.bareTuples.has(first) ? (first as { elts: Expr[] }).elts[0]! : first
        throw this.node(at, `only single target (not ${first.type === 'Tuple' ? 'tuple' : 'list'}) can be annotated`)
      }
      throw this.node(first, 'illegal target for annotation')
    }
    this.p++
    const annotation = this.expression()
    const value = this.eat(Tok.EQUAL) ? this.annotatedRhs() : null
    const simple = target.type === 'Name' && target.start === start ? 1 : 0
    return { type: 'AnnAssign', target, annotation, value, simple, start, end: this.prevEnd() }
  }

  private assignment(first: Expr, startToken: number): Stmt {
    const start = this.starts[startToken]!
    const targets: Expr[] = [first]
    let value: Expr | undefined
    let target = first
    for (;;) {
      // `target =`: CPython checks the target as soon as it sees the `=`.
      this.checkAssignmentTarget(target, targets.length === 1)
      this.p++
      const rhs = this.annotatedRhs()
      if (this.kind() !== Tok.EQUAL) {
        value = rhs
        break
      }
      targets.push(rhs)
      target = rhs
    }
    for (let k = 0; k < targets.length; k++) this.setContext(targets[k]!, 'Store')
    return { type: 'Assign', targets, value, type_comment: null, start, end: this.prevEnd() }
  }

  private checkAssignmentTarget(target: Expr, first: boolean): void {
    if (target.type === 'Yield' || target.type === 'YieldFrom') throw this.node(target, 'assignment to yield expression not possible')
    const bad = this.invalidTarget(target, Targets.STAR)
    if (!bad) return
    const name = exprName(bad)
    // "here. Maybe you meant '=='" when a value follows that is not itself assigned to.
    if (first && this.hereVariant(bad, target) && this.valueFollowsEquals()) {
      throw this.node(bad, `cannot assign to ${name} here. Maybe you meant '==' instead of '='?`)
    }
    throw this.node(bad, `cannot assign to ${name}`)
  }

  /** After the `=` at the current token: a bitwise-or expression not followed by `=` or `:=`. */
  private valueFollowsEquals(): boolean {
    const save = this.p
    const saveDepth = this.depth
    let ok = false
    try {
      this.p++
      const k = this.kind()
      if (this.startsExpression() && k !== Tok.STAR && k !== Tok.YIELD && k !== Tok.LAMBDA && k !== Tok.NOT) {
        this.operatorExpr(L_BITOR)
        ok = this.kind() !== Tok.EQUAL && this.kind() !== Tok.COLONEQUAL
      }
    } catch {
      ok = false
    }
    this.p = save
    this.depth = saveDepth
    return ok
  }

  /**
   * Whether CPython adds "here. Maybe you meant '=='": the invalid target is the statement's first
   * target itself (or the last item of an unparenthesised tuple) and reads as a bitwise-or
   * expression other than a list, tuple, generator expression, `True`, `False` or `None`.
   */
  private hereVariant(bad: Expr, target: Expr): boolean {
    if (bad !== target && !(target.type === 'Tuple' && this.bareTuples.has(target) && target.elts.at(-1) === bad)) return false
    const wrapped = this.parenthesized(bad)
    switch (bad.type) {
      case 'List':
      case 'Tuple':
      case 'GeneratorExp':
        return false
      case 'Constant':
        return !(bad.value === null || bad.value === true || bad.value === false) || wrapped
      case 'Compare':
      case 'BoolOp':
      case 'Lambda':
      case 'IfExp':
      case 'Starred':
        return wrapped
      case 'UnaryOp':
        return bad.op !== 'Not' || wrapped
      default:
        return true
    }
  }

  /** Whether the source has parentheses right around the node. */
  private parenthesized(e: { start: number; end: number }): boolean {
    const i = this.tokenStartingAt(e.start)
    return i > 0 && this.kinds[i - 1] === Tok.LPAR && this.starts[i - 1]! < e.start && this.kinds[this.tokenEndingAt(e.end) + 1] === Tok.RPAR
  }
  private tokenStartingAt(offset: number): number {
    let lo = 0
    let hi = this.stream.count - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.starts[mid]! < offset) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  private tokenEndingAt(offset: number): number {
    let i = this.tokenStartingAt(offset)
    while (i > 0 && this.ends[i]! > offset) i--
    while (i + 1 < this.stream.count && this.ends[i + 1]! <= offset && this.starts[i + 1]! < offset) i++
    return i
  }

  /** CPython's `_PyPegen_get_invalid_target`: the part of `e` that cannot be a target, if any. */
  private invalidTarget(e: Expr, kind: Targets): Expr | undefined {
    switch (e.type) {
      case 'List':
      case 'Tuple':
        for (let k = 0; k < e.elts.length; k++) {
          const bad = this.invalidTarget(e.elts[k]!, kind)
          if (bad) return bad
        }
        return undefined
      case 'Starred':
        if (kind === Targets.DEL) return e
        return this.invalidTarget(e.value, kind)
      case 'Compare':
        if (kind === Targets.FOR) {
          if (e.ops[0] === 'In') return this.invalidTarget(e.left, kind)
          return undefined
        }
        return e
      case 'Name':
      case 'Subscript':
      case 'Attribute':
        return undefined
      default:
        return e
    }
  }

  /** Marks a validated target (and its parts) as assigned to or deleted. */
  private setContext(e: Expr, ctx: ExprContext): void {
    switch (e.type) {
      case 'Name':
      case 'Attribute':
      case 'Subscript':
        e.ctx = ctx
        return
      case 'Starred':
        e.ctx = ctx
        this.setContext(e.value, ctx)
        return
      case 'List':
      case 'Tuple':
        e.ctx = ctx
        for (let k = 0; k < e.elts.length; k++) this.setContext(e.elts[k]!, ctx)
        return
      default:
        return
    }
  }

  private typeAlias(): Stmt {
    const start = this.startOf()
    this.p++
    const n = this.p++
    const name: Name = { type: 'Name', id: this.nameAt(n), ctx: 'Store', start: this.starts[n]!, end: this.ends[n]! }
    const typeParams = this.kind() === Tok.LSQB ? this.typeParams() : []
    this.expect(Tok.EQUAL)
    const value = this.expression()
    return { type: 'TypeAlias', name, type_params: typeParams, value, start, end: this.prevEnd() }
  }

  private importName(): Stmt {
    const start = this.startOf()
    this.p++
    if (this.kind() === Tok.NEWLINE) throw this.invalid()
    const names: Alias[] = [this.dottedAsName()]
    while (this.eat(Tok.COMMA)) names.push(this.dottedAsName())
    if (this.kind() === Tok.FROM) {
      const save = this.p
      this.p++
      if (this.kind() === Tok.NAME) throw this.error("Did you mean to use 'from ... import ...' instead?", start, this.dottedEnd())
      this.p = save
    }
    return { type: 'Import', names, start, end: this.prevEnd() }
  }

  /** The end of the dotted name starting here (for an error span). */
  private dottedEnd(): number {
    let i = this.p
    while (this.kinds[i] === Tok.NAME && this.kinds[i + 1] === Tok.DOT && this.kinds[i + 2] === Tok.NAME) i += 2
    return this.ends[i]!
  }

  private dottedName(): string {
    let name = this.nameAt(this.expectName())
    while (this.kind() === Tok.DOT && this.kindAt(1) === Tok.NAME) {
      this.p++
      name += '.' + this.nameAt(this.p++)
    }
    return name
  }

  private dottedAsName(): Alias {
    const start = this.startOf()
    const name = this.dottedName()
    let asname: string | null = null
    if (this.eat(Tok.AS)) asname = this.nameAt(this.expectName())
    return { type: 'alias', name, asname, start, end: this.prevEnd() }
  }

  private importFrom(): Stmt {
    const start = this.startOf()
    this.p++
    let level = 0
    for (;;) {
      if (this.eat(Tok.DOT)) level++
      else if (this.eat(Tok.ELLIPSIS)) level += 3
      else break
    }
    let module: string | null = null
    if (this.kind() !== Tok.IMPORT || level === 0) module = this.dottedName()
    this.expect(Tok.IMPORT)
    const names: Alias[] = []
    if (this.kind() === Tok.STAR) {
      const s = this.p++
      names.push({ type: 'alias', name: '*', asname: null, start: this.starts[s]!, end: this.ends[s]! })
    } else if (this.eat(Tok.LPAR)) {
      names.push(this.importAsName())
      while (this.eat(Tok.COMMA)) {
        if (this.kind() === Tok.RPAR) break
        names.push(this.importAsName())
      }
      this.expect(Tok.RPAR)
    } else {
      if (this.kind() === Tok.NEWLINE) throw this.invalid()
      names.push(this.importAsName())
      while (this.eat(Tok.COMMA)) {
        if (this.kind() === Tok.NEWLINE) throw this.errorAt(this.p, 'trailing comma not allowed without surrounding parentheses')
        names.push(this.importAsName())
      }
    }
    return { type: 'ImportFrom', module, names, level, start, end: this.prevEnd() }
  }

  private importAsName(): Alias {
    const start = this.startOf()
    const name = this.nameAt(this.expectName())
    let asname: string | null = null
    if (this.eat(Tok.AS)) asname = this.nameAt(this.expectName())
    return { type: 'alias', name, asname, start, end: this.prevEnd() }
  }

  private raiseStmt(): Stmt {
    const start = this.startOf()
    this.p++
    let exc: Expr | null = null
    let cause: Expr | null = null
    if (this.startsExpression()) {
      exc = this.expression()
      if (this.eat(Tok.FROM)) cause = this.expression()
    }
    return { type: 'Raise', exc, cause, start, end: this.prevEnd() }
  }

  private delStmt(): Stmt {
    const start = this.startOf()
    this.p++
    const first = this.p
    const targets: Expr[] = []
    let ok = true
    for (;;) {
      if (!this.startsTarget()) {
        ok = false
        break
      }
      targets.push(this.kind() === Tok.STAR ? this.starredBitwiseOr() : this.operatorExpr(L_BITOR))
      if (!this.eat(Tok.COMMA)) break
      if (this.kind() === Tok.NEWLINE || this.kind() === Tok.SEMI) break
    }
    if (!ok || (this.kind() !== Tok.NEWLINE && this.kind() !== Tok.SEMI)) {
      // CPython then reads the rest as expressions to name what cannot be deleted.
      const failure = this.p
      this.p = first
      let all: Expr | undefined
      try {
        all = this.starExpressions()
      } catch {
        all = undefined
      }
      const bad = all && this.invalidTarget(all, Targets.DEL)
      if (bad) throw this.node(bad, `cannot delete ${exprName(bad)}`)
      throw this.invalid(failure)
    }
    for (const target of targets) {
      const bad = this.invalidTarget(target, Targets.DEL)
      if (bad) throw this.node(bad, `cannot delete ${exprName(bad)}`)
      this.setContext(target, 'Del')
    }
    return { type: 'Delete', targets, start, end: this.prevEnd() }
  }

  // ---------------------------------------------------------------------------------------------
  // Compound statements

  /**
   * `':' block`. A missing colon is CPython's "expected ':'" before a line end, or always where the
   * grammar forces the colon (`forced`: after `else`, `try`, `finally`, a `def`'s signature).
   */
  private colonBlock(keyword: number, what: string, forced = false): Stmt[] {
    if (this.kind() !== Tok.COLON) {
      throw forced || this.kind() === Tok.NEWLINE ? this.errorAt(this.p, "expected ':'") : this.invalid()
    }
    this.p++
    return this.block(keyword, what)
  }

  private block(keyword: number, what: string): Stmt[] {
    if (this.kind() !== Tok.NEWLINE) {
      const body: Stmt[] = []
      this.simpleStmts(body)
      this.blockEnd = this.lastSignificantEnd()
      return body
    }
    this.p++
    if (this.kind() !== Tok.INDENT) {
      const line = lineOf(this.src, this.starts[keyword]!)
      throw this.errorAt(this.p, `expected an indented block after ${what} on line ${line}`)
    }
    this.p++
    this.enter(this.startOf())
    const body: Stmt[] = []
    while (this.kind() !== Tok.DEDENT && this.kind() !== Tok.ENDMARKER) this.statement(body)
    this.p++
    this.depth--
    this.blockEnd = this.lastSignificantEnd()
    return body
  }

  /** End of the last token read that is not a line end, indent or dedent (a `;` counts, as in CPython). */
  private lastSignificantEnd(): number {
    let j = this.p - 1
    for (;;) {
      const k = this.kinds[j]
      if (k !== Tok.NEWLINE && k !== Tok.INDENT && k !== Tok.DEDENT) return this.ends[j]!
      j--
    }
  }

  /** End offset of the last statement of the block read last: where a compound statement ends. */
  private blockEnd = 0

  private decorated(): Stmt {
    const decorators: Expr[] = []
    while (this.eat(Tok.AT)) {
      decorators.push(this.namedExpression())
      this.expect(Tok.NEWLINE)
    }
    const start = this.p
    if (this.kind() === Tok.DEF) return this.functionDef(decorators, start, false)
    if (this.kind() === Tok.ASYNC && this.kindAt(1) === Tok.DEF) {
      this.p++
      return this.functionDef(decorators, start, true)
    }
    if (this.kind() === Tok.CLASS) return this.classDef(decorators, start)
    throw this.invalid()
  }

  private functionDef(decorators: Expr[], startToken: number, isAsync: boolean): Stmt {
    const def = this.p
    this.p++
    const name = this.nameAt(this.expectName())
    const typeParams = this.kind() === Tok.LSQB ? this.typeParams() : []
    this.expect(Tok.LPAR, "expected '('")
    const args = this.parameters(false)
    this.expect(Tok.RPAR)
    const returns = this.eat(Tok.RARROW) ? this.expression() : null
    const body = this.colonBlock(def, 'function definition', true)
    const start = this.starts[startToken]!
    const end = this.blockEnd
    if (isAsync) return { type: 'AsyncFunctionDef', name, args, body, decorator_list: decorators, returns, type_comment: null, type_params: typeParams, start, end }
    return { type: 'FunctionDef', name, args, body, decorator_list: decorators, returns, type_comment: null, type_params: typeParams, start, end }
  }

  private classDef(decorators: Expr[], startToken: number): Stmt {
    const cls = this.p
    this.p++
    const name = this.nameAt(this.expectName())
    const typeParams = this.kind() === Tok.LSQB ? this.typeParams() : []
    let bases: Expr[] = []
    let keywords: Keyword[] = []
    if (this.kind() === Tok.LPAR) {
      const open = this.p
      this.p++
      this.enter(this.starts[open]!)
      const call = this.callArguments(open, false)
      bases = call.args
      keywords = call.keywords
      this.depth--
    }
    const body = this.colonBlock(cls, 'class definition')
    return { type: 'ClassDef', name, bases, keywords, body, decorator_list: decorators, type_params: typeParams, start: this.starts[startToken]!, end: this.blockEnd }
  }

  private typeParams(): TypeParam[] {
    const open = this.p++
    this.enter(this.starts[open]!)
    const params: TypeParam[] = []
    for (;;) {
      params.push(this.typeParam())
      if (!this.eat(Tok.COMMA)) break
      if (this.kind() === Tok.RSQB) break
    }
    this.expect(Tok.RSQB)
    this.depth--
    return params
  }

  private typeParam(): TypeParam {
    const start = this.startOf()
    if (this.eat(Tok.STAR)) {
      const name = this.nameAt(this.expectName())
      if (this.kind() === Tok.COLON) {
        const colon = this.startOf()
        this.p++
        const e = this.expression()
        throw this.error(e.type === 'Tuple' ? 'cannot use constraints with TypeVarTuple' : 'cannot use bound with TypeVarTuple', colon, e.end)
      }
      return { type: 'TypeVarTuple', name, start, end: this.prevEnd() }
    }
    if (this.eat(Tok.DOUBLESTAR)) {
      const name = this.nameAt(this.expectName())
      if (this.kind() === Tok.COLON) {
        const colon = this.startOf()
        this.p++
        const e = this.expression()
        throw this.error(e.type === 'Tuple' ? 'cannot use constraints with ParamSpec' : 'cannot use bound with ParamSpec', colon, e.end)
      }
      return { type: 'ParamSpec', name, start, end: this.prevEnd() }
    }
    const name = this.nameAt(this.expectName())
    const bound = this.eat(Tok.COLON) ? this.expression() : null
    return { type: 'TypeVar', name, bound, start, end: this.prevEnd() }
  }

  /**
   * Parameters of a `def` (annotations allowed, up to `)`) or a `lambda` (up to `:`), with
   * CPython's messages for misplaced `/`, `*`, `**` and defaults.
   */
  private parameters(lambda: boolean): Arguments {
    const close = lambda ? Tok.COLON : Tok.RPAR
    const start = this.startOf()
    const posonlyargs: Arg[] = []
    const args: Arg[] = []
    const defaults: Expr[] = []
    const kwonlyargs: Arg[] = []
    const kwDefaults: Array<Expr | null> = []
    let vararg: Arg | null = null
    let kwarg: Arg | null = null
    let sawSlash = false
    let sawStar = false
    let bareStar = -1
    while (this.kind() !== close) {
      const k = this.kind()
      if (k === Tok.SLASH) {
        if (kwarg) throw this.errorAt(this.p, 'arguments cannot follow var-keyword argument')
        if (sawStar) throw this.errorAt(this.p, '/ must be ahead of *')
        if (sawSlash) throw this.errorAt(this.p, '/ may appear only once')
        if (args.length === 0) throw this.errorAt(this.p, 'at least one argument must precede /')
        sawSlash = true
        posonlyargs.push(...args)
        args.length = 0
        this.p++
        if (this.kind() === Tok.STAR) throw this.errorAt(this.p, 'expected comma between / and *')
      } else if (k === Tok.STAR) {
        if (kwarg) throw this.errorAt(this.p, 'arguments cannot follow var-keyword argument')
        if (sawStar) throw this.errorAt(this.p, '* argument may appear only once')
        sawStar = true
        const star = this.p++
        if (this.kind() === Tok.COMMA || this.kind() === close) {
          bareStar = star
          if (this.kind() === close || this.kindAt(1) === close || this.kindAt(1) === Tok.DOUBLESTAR) {
            // CPython puts this on the `*` of a def, on the token that shows it of a lambda.
            throw this.errorAt(lambda ? (this.kind() === close ? this.p : this.p + 1) : star, 'named arguments must follow bare *')
          }
        } else {
          vararg = this.parameter(lambda, true)
          if (this.kind() === Tok.EQUAL) throw this.errorAt(this.p, 'var-positional argument cannot have default value')
        }
      } else if (k === Tok.DOUBLESTAR) {
        if (kwarg) throw this.errorAt(this.p, 'arguments cannot follow var-keyword argument')
        this.p++
        kwarg = this.parameter(lambda, false)
        if (this.kind() === Tok.EQUAL) throw this.errorAt(this.p, 'var-keyword argument cannot have default value')
      } else if (k === Tok.NAME) {
        if (kwarg) throw this.errorAt(this.p, 'arguments cannot follow var-keyword argument')
        const param = this.parameter(lambda, false)
        let value: Expr | null = null
        if (this.kind() === Tok.EQUAL) {
          this.p++
          if (this.kind() === Tok.COMMA || this.kind() === close) throw this.errorAt(this.p - 1, 'expected default value expression')
          value = this.expression()
        }
        if (sawStar) {
          kwonlyargs.push(param)
          kwDefaults.push(value)
        } else {
          if (value) defaults.push(value)
          else if (defaults.length > 0) throw this.node(param, 'parameter without a default follows parameter with a default')
          args.push(param)
        }
      } else if (k === Tok.LPAR) {
        const open = this.p
        let j = this.p + 1
        while (this.kinds[j] === Tok.NAME && (this.kinds[j + 1] === Tok.COMMA || this.kinds[j + 1] === Tok.RPAR)) {
          j += this.kinds[j + 1] === Tok.COMMA ? 2 : 1
          if (this.kinds[j] === Tok.RPAR) break
        }
        if (this.kinds[j] === Tok.RPAR && j > open + 1) {
          throw this.error(lambda ? 'Lambda expression parameters cannot be parenthesized' : 'Function parameters cannot be parenthesized', this.starts[open]!, this.ends[j]!)
        }
        throw this.invalid()
      } else {
        throw this.invalid()
      }
      if (this.kind() === close) break
      this.expect(Tok.COMMA)
    }
    if (bareStar >= 0 && kwonlyargs.length === 0) throw this.errorAt(bareStar, 'named arguments must follow bare *')
    const end = this.starts[this.p]! > start ? this.prevEnd() : start
    return { type: 'arguments', posonlyargs, args, vararg, kwonlyargs, kw_defaults: kwDefaults, kwarg, defaults, start, end }
  }

  private parameter(lambda: boolean, star: boolean): Arg {
    const n = this.expectName()
    let annotation: Expr | null = null
    if (!lambda && this.eat(Tok.COLON)) annotation = star && this.kind() === Tok.STAR ? this.starredBitwiseOr() : this.expression()
    return { type: 'arg', arg: this.nameAt(n), annotation, type_comment: null, start: this.starts[n]!, end: this.prevEnd() }
  }

  private ifStmt(): Stmt {
    const keyword = this.p
    const start = this.startOf()
    this.p++
    const test = this.namedExpression()
    const what = this.kinds[keyword] === Tok.IF ? "'if' statement" : "'elif' statement"
    const body = this.colonBlock(keyword, what)
    let orelse: Stmt[] = []
    if (this.kind() === Tok.ELIF) {
      this.enter(this.startOf())
      orelse = [this.ifStmt()]
      this.depth--
    } else if (this.kind() === Tok.ELSE) {
      orelse = this.elseBlock()
    }
    return { type: 'If', test, body, orelse, start, end: this.blockEnd }
  }

  private elseBlock(): Stmt[] {
    const keyword = this.p++
    return this.colonBlock(keyword, "'else' statement", true)
  }

  private whileStmt(): Stmt {
    const keyword = this.p
    const start = this.startOf()
    this.p++
    const test = this.namedExpression()
    const body = this.colonBlock(keyword, "'while' statement")
    const orelse = this.kind() === Tok.ELSE ? this.elseBlock() : []
    return { type: 'While', test, body, orelse, start, end: this.blockEnd }
  }

  private forStmt(startToken: number, isAsync: boolean): Stmt {
    const keyword = this.p
    this.p++
    const target = this.starTargets(Targets.FOR)
    this.expect(Tok.IN)
    const iter = this.starExpressions()
    const body = this.colonBlock(keyword, "'for' statement")
    const orelse = this.kind() === Tok.ELSE ? this.elseBlock() : []
    const start = this.starts[startToken]!
    const end = this.blockEnd
    if (isAsync) return { type: 'AsyncFor', target, iter, body, orelse, type_comment: null, start, end }
    return { type: 'For', target, iter, body, orelse, type_comment: null, start, end }
  }

  /**
   * Assignment targets of a `for` or a comprehension: items read as bitwise-or expressions (so
   * that `in` ends them), checked and marked `Store`.
   */
  private starTargets(kind: Targets): Expr {
    const start = this.startOf()
    const first = this.starTarget()
    let result: Expr = first
    if (this.kind() === Tok.COMMA) {
      const elts = [first]
      while (this.eat(Tok.COMMA)) {
        if (!this.startsTarget()) break
        elts.push(this.starTarget())
      }
      result = { type: 'Tuple', elts, ctx: 'Store', start, end: this.prevEnd() }
    }
    const bad = this.invalidTarget(result, kind)
    if (bad) throw this.node(bad, `cannot assign to ${exprName(bad)}`)
    if (this.kind() !== Tok.IN) throw this.invalid()
    this.setContext(result, 'Store')
    return result
  }

  private startsTarget(): boolean {
    const k = this.kind()
    return k === Tok.STAR || (this.startsExpression() && k !== Tok.YIELD && k !== Tok.LAMBDA && k !== Tok.NOT)
  }

  private starTarget(): Expr {
    if (this.kind() === Tok.STAR) return this.starredBitwiseOr()
    return this.operatorExpr(L_BITOR)
  }

  private withStmt(startToken: number, isAsync: boolean): Stmt {
    const keyword = this.p
    this.p++
    let items: WithItem[] | undefined
    if (this.kind() === Tok.LPAR) {
      // `with (a as b, c):` — unless the parentheses belong to the first item's expression.
      const save = this.p
      const saveDepth = this.depth
      try {
        this.p++
        this.enter(this.starts[save]!)
        const list: WithItem[] = [this.withItem(true)]
        while (this.eat(Tok.COMMA)) {
          if (this.kind() === Tok.RPAR) break
          list.push(this.withItem(true))
        }
        this.expect(Tok.RPAR)
        this.depth--
        if (this.kind() === Tok.COLON) items = list
        else if (this.kind() === Tok.NEWLINE) throw this.errorAt(this.p, "expected ':'")
      } catch (error) {
        if (!NnsizeError.isInstance(error) || error.code !== 'syntax' || error.message === "expected ':'") throw error
      }
      if (!items) {
        this.p = save
        this.depth = saveDepth
      }
    }
    if (!items) {
      items = [this.withItem(false)]
      while (this.eat(Tok.COMMA)) items.push(this.withItem(false))
    }
    const body = this.colonBlock(keyword, "'with' statement")
    const start = this.starts[startToken]!
    const end = this.blockEnd
    if (isAsync) return { type: 'AsyncWith', items, body, type_comment: null, start, end }
    return { type: 'With', items, body, type_comment: null, start, end }
  }

  private withItem(inParens: boolean): WithItem {
    const start = this.startOf()
    const contextExpr = this.expression()
    let optionalVars: Expr | null = null
    if (this.eat(Tok.AS)) {
      optionalVars = this.starTarget()
      const k = this.kind()
      if (inParens && k !== Tok.COMMA && k !== Tok.RPAR) throw this.invalid()
      const bad = this.invalidTarget(optionalVars, Targets.STAR)
      if (bad) throw this.node(bad, `cannot assign to ${exprName(bad)}`)
      this.setContext(optionalVars, 'Store')
    }
    return { type: 'withitem', context_expr: contextExpr, optional_vars: optionalVars, start, end: this.prevEnd() }
  }

  private tryStmt(): Stmt {
    const keyword = this.p
    const start = this.startOf()
    this.p++
    const body = this.colonBlock(keyword, "'try' statement", true)
    const handlers: ExceptHandler[] = []
    let star: boolean | undefined
    while (this.kind() === Tok.EXCEPT) {
      const isStar = this.kindAt(1) === Tok.STAR
      if (star !== undefined && star !== isStar) throw this.errorAt(this.p, "cannot have both 'except' and 'except*' on the same 'try'")
      star = isStar
      handlers.push(this.exceptHandler(isStar))
    }
    const orelse = handlers.length > 0 && this.kind() === Tok.ELSE ? this.elseBlock() : []
    let finalbody: Stmt[] = []
    if (this.kind() === Tok.FINALLY) {
      const fin = this.p++
      finalbody = this.colonBlock(fin, "'finally' statement", true)
    }
    if (handlers.length === 0 && finalbody.length === 0) throw this.errorAt(this.p, "expected 'except' or 'finally' block")
    const end = this.blockEnd
    if (star) return { type: 'TryStar', body, handlers, orelse, finalbody, start, end }
    return { type: 'Try', body, handlers, orelse, finalbody, start, end }
  }

  private exceptHandler(star: boolean): ExceptHandler {
    const keyword = this.p
    const start = this.startOf()
    this.p++
    if (star) this.p++
    let type: Expr | null = null
    let name: string | null = null
    if (this.kind() === Tok.NEWLINE) throw this.errorAt(this.p, "expected ':'")
    if (this.kind() !== Tok.COLON) {
      type = this.expression()
      if (this.kind() === Tok.COMMA) {
        const first = type
        while (this.eat(Tok.COMMA)) this.expression()
        throw this.error('multiple exception types must be parenthesized', first.start, this.prevEnd())
      }
      if (this.eat(Tok.AS)) name = this.nameAt(this.expectName())
    } else if (star) {
      throw this.errorAt(this.p, 'expected one or more exception types')
    }
    const body = this.colonBlock(keyword, star ? "'except*' statement" : "'except' statement")
    return { type: 'ExceptHandler', type_: type, name, body, start, end: this.blockEnd }
  }

  // ---------------------------------------------------------------------------------------------
  // Match statements

  /** Where the last attempt to read a `match` statement stopped after a complete subject (or 0). */
  private matchFailure = 0

  /** A `match` statement, or undefined when `match` is an ordinary name here. */
  private tryMatch(): Stmt | undefined {
    const save = this.p
    const saveDepth = this.depth
    const keyword = this.p
    this.p++
    let subject: Expr
    try {
      if (!this.startsExpression() || this.kind() === Tok.YIELD || this.kind() === Tok.LAMBDA) throw this.invalid()
      subject = this.subjectExpr()
    } catch (error) {
      if (!NnsizeError.isInstance(error) || error.code !== 'syntax') throw error
      this.p = save
      this.depth = saveDepth
      return undefined
    }
    if (this.kind() !== Tok.COLON) {
      const atNewline = this.kind() === Tok.NEWLINE
      this.matchFailure = this.p
      this.p = save
      this.depth = saveDepth
      if (!atNewline) return undefined
      // `match x` then a line end: an ordinary statement if it parses as one, else "expected ':'".
      const probe: Stmt[] = []
      try {
        this.simpleStmts(probe)
      } catch (error) {
        if (!NnsizeError.isInstance(error) || error.code !== 'syntax') throw error
        this.p = save
        this.p++
        this.subjectExpr()
        throw this.errorAt(this.p, "expected ':'")
      }
      this.p = save
      this.depth = saveDepth
      return undefined
    }
    this.p++
    this.expect(Tok.NEWLINE)
    if (this.kind() !== Tok.INDENT) {
      throw this.errorAt(this.p, `expected an indented block after 'match' statement on line ${lineOf(this.src, this.starts[keyword]!)}`)
    }
    this.p++
    this.enter(this.startOf())
    const cases: MatchCase[] = []
    do {
      cases.push(this.caseBlock())
    } while (this.kind() !== Tok.DEDENT && this.kind() !== Tok.ENDMARKER)
    this.p++
    this.depth--
    return { type: 'Match', subject, cases, start: this.starts[keyword]!, end: this.blockEnd }
  }

  private subjectExpr(): Expr {
    const start = this.startOf()
    const first = this.starNamedExpression()
    if (this.kind() !== Tok.COMMA) {
      if (first.type === 'Starred') throw this.invalid()
      return first
    }
    const elts = [first]
    while (this.eat(Tok.COMMA)) {
      if (this.kind() === Tok.COLON) break
      elts.push(this.starNamedExpression())
    }
    return { type: 'Tuple', elts, ctx: 'Load', start, end: this.prevEnd() }
  }

  private caseBlock(): MatchCase {
    const keyword = this.p
    if (!this.isName('case')) throw this.invalid()
    this.p++
    const start = this.starts[keyword]!
    const pattern = this.patterns()
    const guard = this.eat(Tok.IF) ? this.namedExpression() : null
    const body = this.colonBlock(keyword, "'case' statement")
    return { type: 'match_case', pattern, guard, body, start, end: this.blockEnd }
  }

  private patterns(): Pattern {
    const start = this.startOf()
    const first = this.maybeStarPattern()
    if (this.kind() !== Tok.COMMA) {
      if (first.type === 'MatchStar') throw this.invalid()
      return first
    }
    const patterns = [first]
    while (this.eat(Tok.COMMA)) {
      if (this.kind() === Tok.COLON || this.kind() === Tok.IF) break
      patterns.push(this.maybeStarPattern())
    }
    return { type: 'MatchSequence', patterns, start, end: this.prevEnd() }
  }

  private maybeStarPattern(): Pattern {
    if (this.kind() === Tok.STAR) {
      const start = this.startOf()
      this.p++
      const n = this.expectName()
      const name = this.nameAt(n)
      return { type: 'MatchStar', name: name === '_' ? null : name, start, end: this.prevEnd() }
    }
    return this.pattern()
  }

  private pattern(): Pattern {
    const start = this.startOf()
    this.enter(start)
    const first = this.closedPattern()
    let result: Pattern = first
    if (this.kind() === Tok.VBAR) {
      const patterns = [first]
      while (this.eat(Tok.VBAR)) patterns.push(this.closedPattern())
      result = { type: 'MatchOr', patterns, start, end: this.prevEnd() }
    }
    if (this.kind() === Tok.AS) {
      this.p++
      if (this.isName('_')) throw this.errorAt(this.p, "cannot use '_' as a target")
      if (this.kind() !== Tok.NAME || this.kindAt(1) === Tok.DOT || this.kindAt(1) === Tok.LPAR || this.kindAt(1) === Tok.EQUAL) {
        if (this.startsExpression()) {
          const e = this.expression()
          throw this.node(e, 'invalid pattern target')
        }
        throw this.invalid()
      }
      const name = this.nameAt(this.p++)
      result = { type: 'MatchAs', pattern: result, name, start, end: this.prevEnd() }
    }
    this.depth--
    return result
  }

  private closedPattern(): Pattern {
    const start = this.startOf()
    const k = this.kind()
    switch (k) {
      case Tok.NUMBER:
      case Tok.MINUS:
      case Tok.PLUS: {
        const value = this.signedNumberPattern()
        return { type: 'MatchValue', value, start, end: this.prevEnd() }
      }
      case Tok.STRING:
      case Tok.FSTRING_START: {
        const value = this.strings()
        return { type: 'MatchValue', value, start, end: this.prevEnd() }
      }
      case Tok.NONE:
      case Tok.TRUE:
      case Tok.FALSE:
        this.p++
        return { type: 'MatchSingleton', value: k === Tok.NONE ? null : k === Tok.TRUE, start, end: this.prevEnd() }
      case Tok.LPAR: {
        const open = this.p++
        this.enter(this.starts[open]!)
        if (this.eat(Tok.RPAR)) {
          this.depth--
          return { type: 'MatchSequence', patterns: [], start, end: this.prevEnd() }
        }
        const first = this.maybeStarPattern()
        if (this.eat(Tok.RPAR)) {
          this.depth--
          if (first.type === 'MatchStar') return { type: 'MatchSequence', patterns: [first], start, end: this.prevEnd() }
          return first
        }
        const patterns = [first]
        this.expect(Tok.COMMA)
        while (this.kind() !== Tok.RPAR) {
          patterns.push(this.maybeStarPattern())
          if (!this.eat(Tok.COMMA)) break
        }
        this.expect(Tok.RPAR)
        this.depth--
        return { type: 'MatchSequence', patterns, start, end: this.prevEnd() }
      }
      case Tok.LSQB: {
        const open = this.p++
        this.enter(this.starts[open]!)
        const patterns: Pattern[] = []
        while (this.kind() !== Tok.RSQB) {
          patterns.push(this.maybeStarPattern())
          if (!this.eat(Tok.COMMA)) break
        }
        this.expect(Tok.RSQB)
        this.depth--
        return { type: 'MatchSequence', patterns, start, end: this.prevEnd() }
      }
      case Tok.LBRACE:
        return this.mappingPattern()
      case Tok.NAME: {
        const n = this.p
        const name = this.nameAt(n)
        if (this.kindAt(1) !== Tok.DOT && this.kindAt(1) !== Tok.LPAR) {
          if (this.kindAt(1) === Tok.EQUAL) throw this.invalid(this.p + 1)
          this.p++
          return { type: 'MatchAs', pattern: null, name: name === '_' ? null : name, start, end: this.prevEnd() }
        }
        let cls: Expr = { type: 'Name', id: name, ctx: 'Load', start, end: this.ends[n]! }
        this.p++
        while (this.kind() === Tok.DOT) {
          this.p++
          const attr = this.expectName()
          cls = { type: 'Attribute', value: cls, attr: this.nameAt(attr), ctx: 'Load', start, end: this.ends[attr]! }
        }
        if (this.kind() === Tok.LPAR) return this.classPattern(cls, start)
        if (this.kind() === Tok.EQUAL) throw this.invalid()
        return { type: 'MatchValue', value: cls, start, end: this.prevEnd() }
      }
      default:
        throw this.invalid()
    }
  }

  /** `-1`, `1.5`, `-3+4j` in a pattern. */
  private signedNumberPattern(): Expr {
    const start = this.startOf()
    const real = this.signedNumber()
    const k = this.kind()
    if (k !== Tok.PLUS && k !== Tok.MINUS) return real
    const realValue = real.type === 'UnaryOp' ? (real.operand as Constant).value : (real as Constant).value
    if (typeof realValue === 'object' && realValue !== null) throw this.node(real, 'real number required in complex literal')
    this.p++
    if (this.kind() !== Tok.NUMBER) throw this.invalid()
    const imag = this.atom() as Constant
    if (typeof imag.value !== 'object' || imag.value === null) throw this.node(imag, 'imaginary number required in complex literal')
    return { type: 'BinOp', left: real, op: k === Tok.PLUS ? 'Add' : 'Sub', right: imag, start, end: this.prevEnd() }
  }

  private signedNumber(): Expr {
    const start = this.startOf()
    if (this.eat(Tok.MINUS)) {
      if (this.kind() !== Tok.NUMBER) throw this.invalid()
      const operand = this.atom()
      return { type: 'UnaryOp', op: 'USub', operand, start, end: this.prevEnd() }
    }
    if (this.eat(Tok.PLUS)) {
      if (this.kind() !== Tok.NUMBER) throw this.invalid()
      return this.atom()
    }
    return this.atom()
  }

  private mappingPattern(): Pattern {
    const start = this.startOf()
    const open = this.p++
    this.enter(this.starts[open]!)
    const keys: Expr[] = []
    const patterns: Pattern[] = []
    let rest: string | null = null
    while (this.kind() !== Tok.RBRACE) {
      if (rest !== null) throw this.invalid()
      if (this.eat(Tok.DOUBLESTAR)) {
        const n = this.expectName()
        rest = this.nameAt(n)
        if (rest === '_') throw this.invalid(n)
      } else {
        keys.push(this.mappingKey())
        this.expect(Tok.COLON)
        patterns.push(this.pattern())
      }
      if (!this.eat(Tok.COMMA)) break
    }
    this.expect(Tok.RBRACE)
    this.depth--
    return { type: 'MatchMapping', keys, patterns, rest, start, end: this.prevEnd() }
  }

  private mappingKey(): Expr {
    const start = this.startOf()
    switch (this.kind()) {
      case Tok.NUMBER:
      case Tok.MINUS:
      case Tok.PLUS:
        return this.signedNumberPattern()
      case Tok.STRING:
      case Tok.FSTRING_START:
        return this.strings()
      case Tok.NONE:
      case Tok.TRUE:
      case Tok.FALSE:
        return this.atom()
      case Tok.NAME: {
        if (this.kindAt(1) !== Tok.DOT) throw this.invalid()
        const n = this.p++
        let value: Expr = { type: 'Name', id: this.nameAt(n), ctx: 'Load', start, end: this.ends[n]! }
        while (this.eat(Tok.DOT)) {
          const attr = this.expectName()
          value = { type: 'Attribute', value, attr: this.nameAt(attr), ctx: 'Load', start, end: this.ends[attr]! }
        }
        return value
      }
      default:
        throw this.invalid()
    }
  }

  private classPattern(cls: Expr, start: number): Pattern {
    const open = this.p++
    this.enter(this.starts[open]!)
    const patterns: Pattern[] = []
    const kwdAttrs: string[] = []
    const kwdPatterns: Pattern[] = []
    while (this.kind() !== Tok.RPAR) {
      if (this.kind() === Tok.NAME && this.kindAt(1) === Tok.EQUAL) {
        kwdAttrs.push(this.nameAt(this.p))
        this.p += 2
        kwdPatterns.push(this.pattern())
      } else {
        const pattern = this.pattern()
        if (kwdAttrs.length > 0) {
          const first = pattern
          let last = pattern
          while (this.eat(Tok.COMMA) && this.kind() !== Tok.RPAR) {
            if (this.kind() === Tok.NAME && this.kindAt(1) === Tok.EQUAL) break
            last = this.pattern()
          }
          throw this.error('positional patterns follow keyword patterns', first.start, last.end)
        }
        patterns.push(pattern)
      }
      if (!this.eat(Tok.COMMA)) break
    }
    this.expect(Tok.RPAR)
    this.depth--
    return { type: 'MatchClass', cls, patterns, kwd_attrs: kwdAttrs, kwd_patterns: kwdPatterns, start, end: this.prevEnd() }
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions

  /** `expressions`: one expression, or a tuple of them (the `eval` start rule). */
  private expressions(): Expr {
    const start = this.startOf()
    const first = this.expression()
    if (this.kind() !== Tok.COMMA) return first
    const elts = [first]
    while (this.eat(Tok.COMMA)) {
      if (!this.startsExpression() || this.kind() === Tok.STAR || this.kind() === Tok.YIELD) break
      elts.push(this.expression())
    }
    return { type: 'Tuple', elts, ctx: 'Load', start, end: this.prevEnd() }
  }

  /** `star_expressions`: an expression or `*x`, or a tuple of them (with an optional trailing comma). */
  private starExpressions(): Expr {
    const start = this.startOf()
    const first = this.starExpression()
    if (this.kind() !== Tok.COMMA) return first
    const elts = [first]
    while (this.eat(Tok.COMMA)) {
      if (!this.startsExpression() || this.kind() === Tok.YIELD) break
      elts.push(this.starExpression())
    }
    const tuple: Expr = { type: 'Tuple', elts, ctx: 'Load', start, end: this.prevEnd() }
    this.bareTuples.add(tuple)
    return tuple
  }

  /** Tuples written without parentheses (`a, b = …`): some messages depend on it. */
  private readonly bareTuples = new WeakSet<Expr>()

  private starExpression(): Expr {
    return this.kind() === Tok.STAR ? this.starredBitwiseOr() : this.expression()
  }

  /** `*` bitwise_or. */
  private starredBitwiseOr(): Expr {
    const start = this.startOf()
    this.p++
    this.enter(start)
    const value = this.operatorExpr(L_BITOR)
    this.depth--
    return { type: 'Starred', value, ctx: 'Load', start, end: this.prevEnd() }
  }

  /** `*` expression (in calls and subscripts). */
  private starredExpression(): Expr {
    const start = this.startOf()
    this.p++
    this.enter(start)
    const value = this.expression()
    this.depth--
    return { type: 'Starred', value, ctx: 'Load', start, end: this.prevEnd() }
  }

  private starNamedExpression(): Expr {
    return this.kind() === Tok.STAR ? this.starredBitwiseOr() : this.namedExpression()
  }

  /** `NAME := expression`, or an expression. */
  private namedExpression(checkEquals = true): Expr {
    if (this.kind() === Tok.NAME && this.kindAt(1) === Tok.COLONEQUAL) {
      const n = this.p
      const start = this.starts[n]!
      this.p += 2
      this.enter(start)
      const value = this.expression()
      this.depth--
      const target: Name = { type: 'Name', id: this.nameAt(n), ctx: 'Store', start, end: this.ends[n]! }
      return { type: 'NamedExpr', target, value, start, end: this.prevEnd() }
    }
    const e = this.expression()
    if (this.kind() === Tok.COLONEQUAL) throw this.node(e, `cannot use assignment expressions with ${exprName(e)}`)
    if (checkEquals && this.kind() === Tok.EQUAL) this.maybeMeantEquals(e)
    return e
  }

  /** `if x = 1:` — CPython suggests `==` or `:=`. */
  private maybeMeantEquals(e: Expr): void {
    const save = this.p
    const saveDepth = this.depth
    let right: Expr | undefined
    try {
      this.p++
      if (this.kind() === Tok.ERRORTOKEN) throw this.unclosedError()
      if (this.startsExpression() && this.kind() !== Tok.STAR && this.kind() !== Tok.YIELD && this.kind() !== Tok.LAMBDA && this.kind() !== Tok.NOT) right = this.operatorExpr(L_BITOR)
    } catch (error) {
      if (NnsizeError.isInstance(error) && error.message.endsWith('was never closed')) throw error
      right = undefined
    }
    const next = this.kind()
    if (right && next === Tok.ERRORTOKEN) throw this.unclosedError()
    this.p = save
    this.depth = saveDepth
    if (!right || next === Tok.EQUAL || next === Tok.COLONEQUAL) return
    if (e.type === 'Name' && !this.parenthesized(e)) throw this.error("invalid syntax. Maybe you meant '==' or ':=' instead of '='?", e.start, right.end)
    const excluded = e.type === 'List' || e.type === 'Tuple' || e.type === 'GeneratorExp' || (e.type === 'Constant' && (e.value === null || e.value === true || e.value === false))
    if (!excluded && this.isBitwiseOrLevel(e)) throw this.node(e, `cannot assign to ${exprName(e)} here. Maybe you meant '==' instead of '='?`)
  }

  private isBitwiseOrLevel(e: Expr): boolean {
    if (this.parenthesized(e)) return true
    switch (e.type) {
      case 'Compare':
      case 'BoolOp':
      case 'Lambda':
      case 'IfExp':
      case 'NamedExpr':
      case 'Starred':
        return false
      case 'UnaryOp':
        return e.op !== 'Not'
      default:
        return true
    }
  }

  /** `expression`: a lambda, a conditional expression or a disjunction. */
  private expression(): Expr {
    if (this.kind() === Tok.LAMBDA) return this.lambda()
    const start = this.startOf()
    const body = this.operatorExpr(L_OR)
    if (this.kind() !== Tok.IF) return body
    this.p++
    this.enter(start)
    const test = this.operatorExpr(L_OR)
    if (this.kind() !== Tok.ELSE) {
      if (this.kind() === Tok.COLON) throw this.invalid()
      throw this.error("expected 'else' after 'if' expression", start, test.end)
    }
    this.p++
    const orelse = this.expression()
    this.depth--
    return { type: 'IfExp', test, body, orelse, start, end: this.prevEnd() }
  }

  private lambda(): Expr {
    const start = this.startOf()
    this.p++
    this.enter(start)
    const args = this.parameters(true)
    this.expect(Tok.COLON)
    const body = this.expression()
    this.depth--
    return { type: 'Lambda', args, body, start, end: this.prevEnd() }
  }

  private yieldExpr(): Expr {
    const start = this.startOf()
    this.p++
    this.enter(start)
    let result: Expr
    if (this.eat(Tok.FROM)) {
      const value = this.expression()
      result = { type: 'YieldFrom', value, start, end: this.prevEnd() }
    } else {
      const value = this.startsExpression() && this.kind() !== Tok.YIELD ? this.starExpressions() : null
      result = { type: 'Yield', value, start, end: this.prevEnd() }
    }
    this.depth--
    return result
  }

  /** The binary operator at the current token: its level (0 if none) and name. */
  private binaryAt(): number {
    const k = this.kinds[this.p]!
    const level = BINARY_LEVEL[k]!
    if (level === 0 || k !== Tok.NOT) return level
    return this.kindAt(1) === Tok.IN ? L_COMPARE : 0
  }

  /**
   * An expression of operators whose levels are all at least `minLevel` (`L_OR` for a disjunction,
   * `L_BITOR` for a bitwise-or expression). Operator precedence is resolved with explicit stacks,
   * so a chain of any length costs no recursion; the height of the tree it builds counts toward
   * the nesting limit.
   */
  private operatorExpr(minLevel: number): Expr {
    const k = this.kind()
    if (IS_PREFIX[k] === 0) {
      const start = this.startOf()
      const operand = this.primary()
      const level = this.binaryAt()
      if (level < minLevel) return operand
      return this.operatorLoop(minLevel, operand, start)
    }
    return this.operatorLoop(minLevel, undefined, 0)
  }

  private operatorLoop(minLevel: number, first: Expr | undefined, firstStart: number): Expr {
    const ops = this.ops
    const vals = this.vals
    const opBase = ops.length
    const valBase = vals.length
    let slot = minLevel
    if (first) {
      this.pushVal(first, firstStart, this.prevEnd(), 0)
    } else {
      this.operand(slot, opBase)
    }
    for (;;) {
      const level = this.binaryAt()
      if (level < minLevel) break
      const rightAssoc = level === L_POWER
      const chain = level === L_OR || level === L_AND || level === L_COMPARE
      while (ops.length > opBase) {
        const top = ops[ops.length - 1]!
        if (top.level > level || (top.level === level && !rightAssoc && !chain)) this.reduce()
        else break
      }
      const k = this.kind()
      let cmp: CmpOperator | undefined
      let width = 1
      if (level === L_COMPARE) {
        if (k === Tok.NOT) {
          cmp = 'NotIn'
          width = 2
        } else if (k === Tok.IS) {
          if (this.kindAt(1) === Tok.NOT) {
            cmp = 'IsNot'
            width = 2
          } else cmp = 'Is'
        } else cmp = COMPARE[k]!
      }
      const top = ops.length > opBase ? ops[ops.length - 1]! : undefined
      if (chain && top && top.level === level && top.prefix === undefined) {
        top.count++
        if (cmp) top.cmpOps!.push(cmp)
      } else {
        const op = level === L_OR ? 'Or' : level === L_AND ? 'And' : level === L_COMPARE ? undefined : BINARY[k]![1]
        ops.push({ level, prefix: undefined, start: 0, op, cmpOps: cmp ? [cmp] : undefined, count: 1 })
        if (ops.length - opBase + this.depth > limits.maxNestingDepth) this.tooDeep(this.startOf())
      }
      this.p += width
      slot = level === L_POWER ? L_FACTOR : level + 1
      this.operand(slot, opBase)
    }
    while (ops.length > opBase) this.reduce()
    const result = vals.pop()!
    this.valStarts.pop()
    this.valEnds.pop()
    this.valHeights.pop()
    if (vals.length !== valBase) throw new Error('operator stack out of balance')
    return result
  }

  /** Prefix operators allowed at `slot`, then a primary; pushes them on the stacks. */
  private operand(slot: number, opBase: number): void {
    for (;;) {
      const prefix = PREFIX[this.kind()]
      if (prefix === undefined || prefix[0] < slot) break
      if (prefix[1] === 'Not' && this.kindAt(1) === Tok.IN) break
      this.ops.push({ level: prefix[0], prefix: prefix[1], start: this.startOf(), op: undefined, cmpOps: undefined, count: 1 })
      if (this.ops.length - opBase + this.depth > limits.maxNestingDepth) this.tooDeep(this.startOf())
      slot = prefix[1] === 'Await' ? L_PRIMARY : prefix[0]
      this.p++
    }
    const start = this.startOf()
    const e = this.primary()
    this.pushVal(e, start, this.prevEnd(), 0)
  }

  private pushVal(e: Expr, start: number, end: number, height: number): void {
    this.vals.push(e)
    this.valStarts.push(start)
    this.valEnds.push(end)
    this.valHeights.push(height)
  }

  /** Pops the top operator and its operands, pushes the node they make. */
  private reduce(): void {
    const op = this.ops.pop()!
    const vals = this.vals
    const n = op.prefix !== undefined ? 1 : op.count + 1
    const base = vals.length - n
    let height = 0
    for (let k = base; k < vals.length; k++) height = Math.max(height, this.valHeights[k]!)
    height++
    const start = op.prefix !== undefined ? op.start : this.valStarts[base]!
    const end = this.valEnds[vals.length - 1]!
    if (height + this.depth > limits.maxNestingDepth) this.tooDeep(start)
    let e: Expr
    if (op.prefix !== undefined) {
      const operand = vals[base]!
      e = op.prefix === 'Await' ? { type: 'Await', value: operand, start, end } : { type: 'UnaryOp', op: op.prefix, operand, start, end }
    } else if (op.cmpOps) {
      e = { type: 'Compare', left: vals[base]!, ops: op.cmpOps, comparators: vals.slice(base + 1), start, end }
    } else if (op.level === L_OR || op.level === L_AND) {
      e = { type: 'BoolOp', op: op.op as BoolOperator, values: vals.slice(base), start, end }
    } else {
      e = { type: 'BinOp', left: vals[base]!, op: op.op as Operator, right: vals[base + 1]!, start, end }
    }
    vals.length = base
    this.valStarts.length = base
    this.valEnds.length = base
    this.valHeights.length = base
    this.pushVal(e, start, end, height)
  }

  /** An atom and its trailers (`.name`, `(args)`, `[index]`); each trailer is one level of nesting. */
  private primary(): Expr {
    const start = this.startOf()
    let e = this.atom()
    const depth = this.depth
    for (;;) {
      const k = this.kind()
      if (k === Tok.DOT) {
        this.p++
        this.enter(start)
        const n = this.expectName()
        e = { type: 'Attribute', value: e, attr: this.nameAt(n), ctx: 'Load', start, end: this.ends[n]! }
      } else if (k === Tok.LPAR) {
        const open = this.p++
        this.enter(this.starts[open]!)
        const call = this.callArguments(open, true)
        e = { type: 'Call', func: e, args: call.args, keywords: call.keywords, start, end: this.prevEnd() }
      } else if (k === Tok.LSQB) {
        const open = this.p++
        this.enter(this.starts[open]!)
        const slice = this.slices()
        this.expect(Tok.RSQB)
        e = { type: 'Subscript', value: e, slice, ctx: 'Load', start, end: this.prevEnd() }
      } else {
        break
      }
    }
    this.depth = depth
    return e
  }

  private slices(): Expr {
    const start = this.startOf()
    const first = this.kind() === Tok.STAR ? this.starredExpression() : this.slice()
    if (this.kind() !== Tok.COMMA) {
      if (first.type === 'Starred') {
        return { type: 'Tuple', elts: [first], ctx: 'Load', start, end: this.prevEnd() }
      }
      return first
    }
    const elts = [first]
    while (this.eat(Tok.COMMA)) {
      if (this.kind() === Tok.RSQB) break
      elts.push(this.kind() === Tok.STAR ? this.starredExpression() : this.slice())
    }
    return { type: 'Tuple', elts, ctx: 'Load', start, end: this.prevEnd() }
  }

  private slice(): Expr {
    const start = this.startOf()
    let lower: Expr | null = null
    if (this.kind() !== Tok.COLON) {
      const e = this.namedExpression()
      if (this.kind() !== Tok.COLON) return e
      if (e.type === 'NamedExpr' && !this.parenthesized(e)) throw this.invalid()
      lower = e
    }
    this.p++
    let upper: Expr | null = null
    let step: Expr | null = null
    if (this.kind() !== Tok.COLON && this.kind() !== Tok.COMMA && this.kind() !== Tok.RSQB) upper = this.expression()
    if (this.eat(Tok.COLON)) {
      if (this.kind() !== Tok.COMMA && this.kind() !== Tok.RSQB) step = this.expression()
    }
    return { type: 'Slice', lower, upper, step, start, end: this.prevEnd() }
  }

  /**
   * The arguments of a call after its `(`, through the `)`: positional and `*x` arguments, then
   * keywords and `**m` (with `*x` allowed among keywords), or a lone generator expression.
   */
  private callArguments(open: number, allowGenexp: boolean): { args: Expr[]; keywords: Keyword[] } {
    const args: Expr[] = []
    const keywords: Keyword[] = []
    let sawKeyword = false
    let sawDoubleStar = false
    while (this.kind() !== Tok.RPAR) {
      const k = this.kind()
      const start = this.startOf()
      if (k === Tok.STAR) {
        if (sawDoubleStar) throw this.errorAt(this.p, 'iterable argument unpacking follows keyword argument unpacking')
        args.push(this.starredExpression())
        if (this.kind() === Tok.EQUAL) {
          this.p++
          const value = this.expression()
          throw this.error('cannot assign to iterable argument unpacking', start, value.end)
        }
      } else if (k === Tok.DOUBLESTAR) {
        this.p++
        const value = this.expression()
        if (this.kind() === Tok.EQUAL) throw this.error('cannot assign to keyword argument unpacking', start, this.ends[this.p]!)
        keywords.push({ type: 'keyword', arg: null, value, start, end: this.prevEnd() })
        sawDoubleStar = true
      } else if (k === Tok.NAME && this.kindAt(1) === Tok.EQUAL) {
        const n = this.p
        this.p += 2
        if (this.kind() === Tok.COMMA || this.kind() === Tok.RPAR) throw this.error('expected argument value expression', this.starts[n]!, this.ends[n + 1]!)
        const value = this.expression()
        if (this.kind() === Tok.FOR || (this.kind() === Tok.ASYNC && this.kindAt(1) === Tok.FOR)) {
          throw this.error("invalid syntax. Maybe you meant '==' or ':=' instead of '='?", this.starts[n]!, this.ends[n + 1]!)
        }
        keywords.push({ type: 'keyword', arg: this.nameAt(n), value, start, end: this.prevEnd() })
        sawKeyword = true
      } else if ((k === Tok.TRUE || k === Tok.FALSE || k === Tok.NONE) && this.kindAt(1) === Tok.EQUAL) {
        throw this.error(`cannot assign to ${this.src.slice(this.starts[this.p]!, this.ends[this.p]!)}`, start, this.ends[this.p + 1]!)
      } else {
        if (!this.startsExpression() || k === Tok.YIELD) throw this.invalid()
        const value = this.namedExpression(false)
        if (this.kind() === Tok.EQUAL) {
          throw this.error('expression cannot contain assignment, perhaps you meant "=="?', value.start, this.ends[this.p]!)
        }
        if (this.kind() === Tok.FOR || (this.kind() === Tok.ASYNC && this.kindAt(1) === Tok.FOR)) {
          if (!allowGenexp) throw this.invalid()
          const generators = this.comprehensionClauses()
          const onlyArgument = args.length === 0 && keywords.length === 0 && this.kind() === Tok.RPAR
          if (!onlyArgument) throw this.error('Generator expression must be parenthesized', start, this.prevEnd())
          this.p++
          args.push({ type: 'GeneratorExp', elt: value, generators, start: this.starts[open]!, end: this.prevEnd() })
          return { args, keywords }
        }
        // CPython reports these on the token after the argument.
        if (sawDoubleStar) throw this.errorAt(this.p, 'positional argument follows keyword argument unpacking')
        if (sawKeyword) throw this.errorAt(this.p, 'positional argument follows keyword argument')
        args.push(value)
      }
      if (this.kind() === Tok.COMMA) {
        this.p++
        continue
      }
      if (this.kind() !== Tok.RPAR) this.afterItem(start)
    }
    this.p++
    return { args, keywords }
  }

  /**
   * After an item of a call or display comes neither a comma nor the closing bracket. When an
   * expression follows right away, CPython asks whether a comma is missing (from the item that
   * starts at `itemStart` to that expression); otherwise the error is on the token.
   */
  private afterItem(itemStart: number): never {
    throw this.missingComma(itemStart) ?? this.invalid(this.p)
  }

  /**
   * CPython's "Perhaps you forgot a comma?" for an expression that follows the one starting at
   * `itemStart` inside brackets, or undefined when it does not apply. Like CPython's parser, it
   * takes the longest start of the following text that is an expression; reading one that runs to
   * the end of an input left inside a bracket reports that bracket instead.
   */
  private missingComma(itemStart: number): NnsizeError | undefined {
    const at = this.p
    const k = this.kind()
    if (!this.startsExpression() || k === Tok.STAR || k === Tok.YIELD || k === Tok.NOT) return undefined
    if (k === Tok.NAME && this.kinds[at - 1] === Tok.NAME && this.isSoftKeyword(at - 1)) return undefined
    const saveDepth = this.depth
    let after: Expr | undefined
    let reachedEnd = false
    for (const attempt of [() => this.expression(), () => this.primary(), () => this.atom()]) {
      this.p = at
      this.depth = saveDepth
      try {
        after = attempt()
      } catch {
        after = undefined
      }
      // CPython looks at the token after what it read: the end of input inside a bracket.
      reachedEnd ||= this.kind() === Tok.ERRORTOKEN
      this.furthest = Math.max(this.furthest, this.p)
      if (after) break
    }
    this.p = at
    this.depth = saveDepth
    if (reachedEnd && this.stream.unclosed) return this.unclosedError()
    if (!after) return undefined
    const previousIsString = this.kinds[at - 1] === Tok.STRING || this.kinds[at - 1] === Tok.FSTRING_END
    const stringAfterName = this.kinds[at - 1] === Tok.NAME && (k === Tok.STRING || k === Tok.FSTRING_START) && this.starts[at - 1] === itemStart
    if (stringAfterName || (previousIsString && (after.type === 'Constant' || after.type === 'JoinedStr'))) return undefined
    return this.error('invalid syntax. Perhaps you forgot a comma?', itemStart, after.end)
  }

  private isSoftKeyword(i: number): boolean {
    const name = this.nameAt(i)
    return name === 'match' || name === 'case' || name === 'type' || name === '_'
  }

  private comprehensionClauses(): Comprehension[] {
    const generators: Comprehension[] = []
    while (this.kind() === Tok.FOR || (this.kind() === Tok.ASYNC && this.kindAt(1) === Tok.FOR)) {
      const start = this.startOf()
      const isAsync = this.kind() === Tok.ASYNC ? 1 : 0
      if (isAsync) this.p++
      this.p++
      const target = this.starTargets(Targets.STAR)
      this.expect(Tok.IN)
      const iter = this.operatorExpr(L_OR)
      const ifs: Expr[] = []
      while (this.eat(Tok.IF)) ifs.push(this.operatorExpr(L_OR))
      generators.push({ type: 'comprehension', target, iter, ifs, is_async: isAsync, start, end: this.prevEnd() })
    }
    return generators
  }

  private atom(): Expr {
    const i = this.p
    const start = this.starts[i]!
    switch (this.kinds[i]) {
      case Tok.NAME:
        this.p++
        return { type: 'Name', id: this.nameAt(i), ctx: 'Load', start, end: this.ends[i]! }
      case Tok.NUMBER: {
        this.p++
        const end = this.ends[i]!
        const value = numberValue(this.src.slice(start, end), start, end, this.ints)
        return { type: 'Constant', value, kind: null, start, end }
      }
      case Tok.STRING:
      case Tok.FSTRING_START:
        return this.strings()
      case Tok.NONE:
        this.p++
        return { type: 'Constant', value: null, kind: null, start, end: this.ends[i]! }
      case Tok.TRUE:
        this.p++
        return { type: 'Constant', value: true, kind: null, start, end: this.ends[i]! }
      case Tok.FALSE:
        this.p++
        return { type: 'Constant', value: false, kind: null, start, end: this.ends[i]! }
      case Tok.ELLIPSIS:
        this.p++
        return { type: 'Constant', value: ELLIPSIS, kind: null, start, end: this.ends[i]! }
      case Tok.LPAR:
        return this.parenthesizedAtom()
      case Tok.LSQB:
        return this.listAtom()
      case Tok.LBRACE:
        return this.braceAtom()
      default:
        throw this.invalid()
    }
  }

  private startsComprehension(): boolean {
    return this.kind() === Tok.FOR || (this.kind() === Tok.ASYNC && this.kindAt(1) === Tok.FOR)
  }

  /** `()`, `(x)`, `(x,)`, `(x for …)`, `(yield)`. Parentheses make no node of their own. */
  private parenthesizedAtom(): Expr {
    const open = this.p++
    const start = this.starts[open]!
    this.enter(start)
    if (this.eat(Tok.RPAR)) {
      this.depth--
      return { type: 'Tuple', elts: [], ctx: 'Load', start, end: this.prevEnd() }
    }
    if (this.kind() === Tok.YIELD) {
      const e = this.yieldExpr()
      this.closeBracket(Tok.RPAR)
      this.depth--
      return e
    }
    if (this.kind() === Tok.DOUBLESTAR) {
      const at = this.p
      this.p++
      const e = this.expression()
      if (this.kind() === Tok.RPAR) throw this.error('cannot use double starred expression here', this.starts[at]!, e.end)
      throw this.invalid()
    }
    const firstStart = this.startOf()
    const first = this.starNamedExpression()
    if (this.startsComprehension()) {
      if (first.type === 'Starred') throw this.node(first, 'iterable unpacking cannot be used in comprehension')
      const generators = this.comprehensionClauses()
      this.closeBracket(Tok.RPAR)
      this.depth--
      return { type: 'GeneratorExp', elt: first, generators, start, end: this.prevEnd() }
    }
    if (this.eat(Tok.RPAR)) {
      this.depth--
      if (first.type === 'Starred') throw this.node(first, 'cannot use starred expression here')
      return first
    }
    if (this.kind() !== Tok.COMMA) this.afterItem(firstStart)
    const elts = [first]
    while (this.eat(Tok.COMMA)) {
      if (this.kind() === Tok.RPAR) break
      const itemStart = this.startOf()
      elts.push(this.starNamedExpression())
      if (this.kind() !== Tok.COMMA && this.kind() !== Tok.RPAR) this.afterItem(itemStart)
    }
    this.closeBracket(Tok.RPAR)
    this.depth--
    return { type: 'Tuple', elts, ctx: 'Load', start, end: this.prevEnd() }
  }

  private closeBracket(kind: number): void {
    if (this.kind() !== kind) throw this.invalid()
    this.p++
  }

  private listAtom(): Expr {
    const open = this.p++
    const start = this.starts[open]!
    this.enter(start)
    if (this.eat(Tok.RSQB)) {
      this.depth--
      return { type: 'List', elts: [], ctx: 'Load', start, end: this.prevEnd() }
    }
    if (this.kind() === Tok.DOUBLESTAR) throw this.invalid()
    const firstStart = this.startOf()
    const first = this.starNamedExpression()
    if (this.startsComprehension()) {
      if (first.type === 'Starred') throw this.node(first, 'iterable unpacking cannot be used in comprehension')
      const generators = this.comprehensionClauses()
      this.closeBracket(Tok.RSQB)
      this.depth--
      return { type: 'ListComp', elt: first, generators, start, end: this.prevEnd() }
    }
    const elts = this.displayItems(first, firstStart, Tok.RSQB)
    this.depth--
    return { type: 'List', elts, ctx: 'Load', start, end: this.prevEnd() }
  }

  /** The items of a list or set display after the first one, through the closing bracket. */
  private displayItems(first: Expr, firstStart: number, close: number): Expr[] {
    const elts = [first]
    let itemStart = firstStart
    while (this.kind() !== close) {
      if (this.kind() !== Tok.COMMA) this.afterItem(itemStart)
      this.p++
      if (this.kind() === close) break
      itemStart = this.startOf()
      elts.push(this.starNamedExpression())
      if (this.startsComprehension()) throw this.error('did you forget parentheses around the comprehension target?', first.start, elts.at(-1)!.end)
    }
    this.p++
    return elts
  }

  /** `{}` and `{…}`: dict, set, and their comprehensions. */
  private braceAtom(): Expr {
    const open = this.p++
    const start = this.starts[open]!
    this.enter(start)
    if (this.eat(Tok.RBRACE)) {
      this.depth--
      return { type: 'Dict', keys: [], values: [], start, end: this.prevEnd() }
    }
    let result: Expr
    if (this.kind() === Tok.DOUBLESTAR) {
      result = this.dictDisplay(start, null)
    } else {
      const firstStart = this.startOf()
      const first = this.starNamedExpression()
      if (this.kind() === Tok.COLON) {
        if (first.type === 'Starred' || (first.type === 'NamedExpr' && !this.parenthesized(first))) throw this.invalid()
        result = this.dictDisplay(start, first)
      } else if (this.startsComprehension()) {
        if (first.type === 'Starred') throw this.node(first, 'iterable unpacking cannot be used in comprehension')
        const generators = this.comprehensionClauses()
        this.closeBracket(Tok.RBRACE)
        result = { type: 'SetComp', elt: first, generators, start, end: this.prevEnd() }
      } else {
        const elts = this.displayItems(first, firstStart, Tok.RBRACE)
        result = { type: 'Set', elts, start, end: this.prevEnd() }
      }
    }
    this.depth--
    return result
  }

  /** A dict display (or comprehension); `firstKey` was read already, null when it starts with `**`. */
  private dictDisplay(start: number, firstKey: Expr | null): Expr {
    const keys: Array<Expr | null> = []
    const values: Expr[] = []
    let key: Expr | null = firstKey
    let first = true
    for (;;) {
      if (key === null) {
        if (this.kind() === Tok.DOUBLESTAR) {
          const star = this.p++
          const value = this.operatorExpr(L_BITOR)
          if (first && this.startsComprehension()) throw this.error('dict unpacking cannot be used in dict comprehension', this.starts[star]!, value.end)
          keys.push(null)
          values.push(value)
        } else {
          key = this.expression()
        }
      }
      if (key !== null) {
        const colon = this.p
        if (this.kind() === Tok.COMMA || this.kind() === Tok.RBRACE) throw this.error("':' expected after dictionary key", key.end - 1, key.end)
        if (this.kind() !== Tok.COLON) this.afterItem(key.start)
        this.p++
        const k = this.kind()
        if (k === Tok.RBRACE || k === Tok.COMMA) throw this.errorAt(colon, "expression expected after dictionary key and ':'")
        if (k === Tok.STAR || k === Tok.DOUBLESTAR) {
          const s = this.p++
          const e = this.operatorExpr(L_BITOR)
          throw this.error(k === Tok.STAR ? 'cannot use a starred expression in a dictionary value' : 'cannot use dict unpacking in a dictionary value', this.starts[s]!, e.end)
        }
        const valueStart = this.startOf()
        const value = this.expression()
        if (first && this.startsComprehension()) {
          const generators = this.comprehensionClauses()
          this.closeBracket(Tok.RBRACE)
          return { type: 'DictComp', key, value, generators, start, end: this.prevEnd() }
        }
        keys.push(key)
        values.push(value)
        if (this.kind() !== Tok.COMMA && this.kind() !== Tok.RBRACE) this.afterItem(valueStart)
      }
      first = false
      key = null
      if (this.kind() === Tok.RBRACE) break
      this.p++
      if (this.kind() === Tok.RBRACE) break
    }
    this.p++
    return { type: 'Dict', keys, values, start, end: this.prevEnd() }
  }

  // ---------------------------------------------------------------------------------------------
  // Strings

  /** Adjacent string and f-string literals, concatenated as CPython's `_PyPegen_concatenate_strings`. */
  private strings(): Expr {
    const start = this.startOf()
    const parts: Array<Constant | JoinedStr> = []
    let sawBytes = false
    let sawText = false
    let sawFstring = false
    for (;;) {
      const k = this.kind()
      if (k === Tok.STRING) {
        const i = this.p++
        const s = this.starts[i]!
        const e = this.ends[i]!
        const prefix = stringPrefix(this.src, s, e)
        const value = decodeStringToken(this.src, s, e, prefix)
        if (prefix.bytes) sawBytes = true
        else sawText = true
        // CPython marks only a lowercase `u` prefix.
        parts.push({ type: 'Constant', value, kind: this.src.charCodeAt(s) === 117 ? 'u' : null, start: s, end: e })
      } else if (k === Tok.FSTRING_START) {
        sawFstring = true
        parts.push(this.fstring())
      } else break
    }
    const end = this.prevEnd()
    if (sawBytes && (sawText || sawFstring)) throw this.errorAt(this.p, 'cannot mix bytes and nonbytes literals')
    if (sawBytes) {
      if (parts.length === 1) return parts[0]!
      let size = 0
      for (const part of parts) size += ((part as Constant).value as Uint8Array).length
      const bytes = new Uint8Array(size)
      let at = 0
      for (const part of parts) {
        const chunk = (part as Constant).value as Uint8Array
        bytes.set(chunk, at)
        at += chunk.length
      }
      return { type: 'Constant', value: bytes, kind: (parts[0] as Constant).kind, start, end }
    }
    if (!sawFstring && parts.length === 1) return parts[0]!
    // Flatten f-strings, fold runs of constants, drop empty constants when an f-string is involved.
    const flat: Array<Constant | FormattedValue> = []
    for (const part of parts) {
      if (part.type === 'JoinedStr') flat.push(...part.values)
      else flat.push(part)
    }
    const values: Array<Constant | FormattedValue> = []
    for (let k = 0; k < flat.length; k++) {
      let item = flat[k]!
      if (item.type === 'Constant' && k + 1 < flat.length && flat[k + 1]!.type === 'Constant') {
        let text = ''
        let last: Constant = item
        let j = k
        for (; j < flat.length; j++) {
          const c = flat[j]!
          if (c.type !== 'Constant') break
          text += c.value as string
          last = c
        }
        item = { type: 'Constant', value: text, kind: item.kind, start: item.start, end: last.end }
        k = j - 1
      }
      if (sawFstring && item.type === 'Constant' && item.value === '') continue
      values.push(item)
    }
    if (!sawFstring) return values[0]!
    return { type: 'JoinedStr', values, start, end }
  }

  /** One f-string: `FSTRING_START (FSTRING_MIDDLE | replacement field)* FSTRING_END`. */
  private fstring(): JoinedStr {
    const open = this.p++
    const start = this.starts[open]!
    const raw = stringPrefix(this.src, start, this.ends[open]!).raw
    const values: Array<Constant | FormattedValue> = []
    for (;;) {
      const k = this.kind()
      if (k === Tok.FSTRING_MIDDLE) {
        const i = this.p++
        const value = this.fstringText(i, raw)
        if (value !== '') values.push({ type: 'Constant', value, kind: null, start: this.starts[i]!, end: this.ends[i]! })
      } else if (k === Tok.LBRACE) {
        this.replacementField(values, raw)
      } else if (k === Tok.FSTRING_END) {
        this.p++
        break
      } else {
        throw this.invalid()
      }
    }
    return { type: 'JoinedStr', values, start, end: this.prevEnd() }
  }

  /** The decoded text of an `FSTRING_MIDDLE` token. */
  private fstringText(i: number, raw: boolean): string {
    const s = this.starts[i]!
    const e = this.ends[i]!
    const text = normalizeNewlines(fstringMiddleText(this.src, s, e))
    return raw ? text : decodeUnicodeEscapes(text, { start: s, end: e })
  }

  /**
   * The expression of a replacement field. When it does not parse, CPython's parser settles for the
   * longest start of it that does and complains about what follows in the f-string's terms.
   */
  private fieldValue(): Expr {
    const at = this.p
    const saveDepth = this.depth
    try {
      return this.kind() === Tok.YIELD ? this.yieldExpr() : this.starExpressions()
    } catch (error) {
      if (!NnsizeError.isInstance(error) || error.message !== 'invalid syntax') throw error
      for (const attempt of [() => this.primary(), () => this.atom()]) {
        this.p = at
        this.depth = saveDepth
        try {
          attempt()
        } catch {
          continue
        }
        const k = this.kind()
        if (k === Tok.ERRORTOKEN) throw this.invalid()
        if (k !== Tok.EQUAL && k !== Tok.EXCLAMATION && k !== Tok.COLON && k !== Tok.RBRACE) {
          throw this.errorAt(this.p, "f-string: expecting '=', or '!', or ':', or '}'")
        }
        break
      }
      throw error
    }
  }

  /** `{ expr [=] [!conv] [:spec] }`, pushed onto `values` (a debug `=` adds the expression's text first). */
  private replacementField(values: Array<Constant | FormattedValue>, raw: boolean): void {
    const open = this.p++
    const start = this.starts[open]!
    this.enter(start)
    const k = this.kind()
    if (k === Tok.ERRORTOKEN) throw this.invalid()
    if (k === Tok.EQUAL || k === Tok.EXCLAMATION || k === Tok.COLON || k === Tok.RBRACE) {
      const what = k === Tok.EQUAL ? '=' : k === Tok.EXCLAMATION ? '!' : k === Tok.COLON ? ':' : '}'
      throw this.errorAt(this.p, `f-string: valid expression required before '${what}'`)
    }
    if (!this.startsExpression()) throw this.errorAt(this.p, "f-string: expecting a valid expression after '{'")
    const valueStart = this.startOf()
    const value = this.fieldValue()
    // CPython's messages, in the order its rules check the field's shape.
    let debug = -1
    if (this.kind() === Tok.EQUAL) debug = this.p++
    const afterValue = this.kind()
    if (afterValue !== Tok.EXCLAMATION && afterValue !== Tok.COLON && afterValue !== Tok.RBRACE) {
      if (afterValue === Tok.ERRORTOKEN) throw this.invalid()
      if (debug < 0) {
        const comma = this.missingComma(valueStart)
        if (comma) throw comma
      }
      throw this.errorAt(this.p, debug >= 0 ? "f-string: expecting '!', or ':', or '}'" : "f-string: expecting '=', or '!', or ':', or '}'")
    }
    let conversion = -1
    let conversionToken = -1
    if (this.kind() === Tok.EXCLAMATION) {
      const bang = this.p++
      if (this.kind() === Tok.COLON || this.kind() === Tok.RBRACE) throw this.errorAt(this.p, 'f-string: missing conversion character')
      if (this.kind() !== Tok.NAME) throw this.errorAt(this.p, 'f-string: invalid conversion character')
      if (this.starts[this.p] !== this.ends[bang]) {
        throw this.error('f-string: conversion type must come right after the exclamanation mark', this.starts[bang]!, this.ends[this.p]!)
      }
      conversionToken = this.p++
      if (this.kind() !== Tok.COLON && this.kind() !== Tok.RBRACE) throw this.errorAt(this.p, "f-string: expecting ':' or '}'")
    }
    let formatSpec: JoinedStr | null = null
    let colon = -1
    if (this.kind() === Tok.COLON) {
      colon = this.p++
      const specValues: Array<Constant | FormattedValue> = []
      for (;;) {
        const kk = this.kind()
        if (kk === Tok.FSTRING_MIDDLE) {
          const i = this.p++
          specValues.push({ type: 'Constant', value: this.fstringText(i, raw), kind: null, start: this.starts[i]!, end: this.ends[i]! })
        } else if (kk === Tok.LBRACE) {
          this.replacementField(specValues, raw)
        } else break
      }
      if (this.kind() !== Tok.RBRACE) {
        if (this.kind() === Tok.ERRORTOKEN) throw this.invalid()
        throw this.errorAt(this.p, "f-string: expecting '}', or format specs")
      }
      // CPython 3.12 keeps an empty spec as an empty JoinedStr, as 3.11 did.
      const only = specValues[0]
      if (specValues.length === 1 && only!.type === 'Constant' && only!.value === '') specValues.length = 0
      formatSpec = { type: 'JoinedStr', values: specValues, start: this.starts[colon]!, end: this.prevEnd() }
    }
    if (this.kind() !== Tok.RBRACE) throw this.errorAt(this.p, "f-string: expecting '}'")
    if (conversionToken >= 0) {
      const name = this.nameAt(conversionToken)
      if (name !== 's' && name !== 'r' && name !== 'a') {
        throw this.errorAt(conversionToken, `f-string: invalid conversion character '${name}': expected 's', 'r', or 'a'`)
      }
      conversion = name.charCodeAt(0)
    }
    const close = this.p++
    const end = this.ends[close]!
    this.depth--
    if (debug >= 0 && conversionToken < 0 && colon < 0) conversion = 114
    const formatted: FormattedValue = { type: 'FormattedValue', value, conversion, format_spec: formatSpec, start, end }
    if (debug >= 0) {
      const metaToken = conversionToken >= 0 ? conversionToken - 1 : colon >= 0 ? colon : close
      const text = this.stream.debugTexts.get(metaToken) ?? this.src.slice(start + 1, this.starts[metaToken]!)
      const debugEnd = conversionToken >= 0 ? this.starts[conversionToken]! - 1 : colon >= 0 ? this.starts[colon]! : this.starts[close]!
      values.push({ type: 'Constant', value: text, kind: null, start: start + 1, end: debugEnd })
    }
    values.push(formatted)
  }
}

type Attribute = Extract<Expr, { type: 'Attribute' }>
type Subscript = Extract<Expr, { type: 'Subscript' }>

