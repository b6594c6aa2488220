import type {
  Arguments,
  Comprehension,
  Constant,
  ConstantValue,
  ExceptHandler,
  Expr,
  FormattedValue,
  If,
  JoinedStr,
  Keyword,
  MatchCase,
  Node,
  Operator,
  Pattern,
  Stmt,
  TypeParam,
  WithItem,
} from './ast.js'
import { ELLIPSIS } from './ast.js'
import { KEYWORDS } from './tokenize.js'

/**
 * Precedence of expression contexts, as CPython's `ast._Precedence`: a node is parenthesised when
 * its context asks for more than the node's own level.
 */
const P = {
  NAMED_EXPR: 1,
  TUPLE: 2,
  YIELD: 3,
  TEST: 4,
  OR: 5,
  AND: 6,
  NOT: 7,
  CMP: 8,
  EXPR: 9,
  BOR: 9,
  BXOR: 10,
  BAND: 11,
  SHIFT: 12,
  ARITH: 13,
  TERM: 14,
  FACTOR: 15,
  POWER: 16,
  AWAIT: 17,
  ATOM: 18,
} as const

const BINOP: Record<Operator, readonly [string, number]> = {
  Add: ['+', P.ARITH],
  Sub: ['-', P.ARITH],
  Mult: ['*', P.TERM],
  MatMult: ['@', P.TERM],
  Div: ['/', P.TERM],
  Mod: ['%', P.TERM],
  FloorDiv: ['//', P.TERM],
  Pow: ['**', P.POWER],
  LShift: ['<<', P.SHIFT],
  RShift: ['>>', P.SHIFT],
  BitOr: ['|', P.BOR],
  BitXor: ['^', P.BXOR],
  BitAnd: ['&', P.BAND],
}

const CMPOP = { Eq: '==', NotEq: '!=', Lt: '<', LtE: '<=', Gt: '>', GtE: '>=', Is: 'is', IsNot: 'is not', In: 'in', NotIn: 'not in' } as const
const UNARY = { Invert: '~', Not: 'not ', UAdd: '+', USub: '-' } as const

let notPrintablePattern: RegExp | undefined
/**
 * Whether Python's `str.isprintable()` rejects a character (so `repr` escapes it). The pattern is made on first use:
 * V8 builds a `\p{…}` pattern's Unicode sets when it creates it, which would cost every start of the core.
 */
function isNotPrintable(ch: string): boolean {
  notPrintablePattern ??= /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u
  return notPrintablePattern.test(ch)
}

/**
 * Prints a syntax tree as Python source that CPython 3.12 parses back to the same tree (positions
 * aside), like `ast.unparse`: parentheses only where precedence needs them, string literals quoted
 * and escaped so that what Python reads is exactly the value in the tree (control, format and
 * separator characters are escaped, never written raw), floats that read back to the same double,
 * ints exact at any size. An identifier that NFKC-normalised to a keyword (`𝐢𝐟` reads as `if`) is
 * written with a compatibility form of its first letter, so that it still reads as that name.
 */
export function unparse(node: Node): string {
  const printer = new Printer()
  printer.node(node)
  return printer.text()
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0')
}

/** One character (code point) of a string literal, escaped as Python's `repr` does when needed. */
function escapeChar(ch: string, quote: string): string {
  switch (ch) {
    case '\\': return '\\\\'
    case '\n': return '\\n'
    case '\r': return '\\r'
    case '\t': return '\\t'
    default:
      if (ch === quote) return '\\' + ch
      if (ch !== ' ' && isNotPrintable(ch)) {
        const code = ch.codePointAt(0)!
        if (ch.length === 2 || code > 0xffff) return '\\U' + hex(code, 8)
        return code < 0x100 ? '\\x' + hex(code, 2) : '\\u' + hex(code, 4)
      }
      return ch
  }
}

/** Iterates code points, keeping a lone surrogate as one unit (so that it is escaped, not paired). */
function* codePoints(text: string): Generator<string> {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        yield text.slice(i, i + 2)
        i++
        continue
      }
    }
    yield text[i]!
  }
}

/** A `str` literal: the quote `repr` would pick unless one is forced, everything else escaped. */
export function stringLiteral(value: string, forcedQuote?: string): string {
  const quote = forcedQuote ?? (value.includes("'") && !value.includes('"') ? '"' : "'")
  let out = quote
  for (const ch of codePoints(value)) out += escapeChar(ch, quote)
  return out + quote
}

/** A `bytes` literal: printable ASCII as is, the rest escaped. */
export function bytesLiteral(value: Uint8Array, forcedQuote?: string): string {
  let hasSingle = false
  let hasDouble = false
  for (const b of value) {
    if (b === 39) hasSingle = true
    else if (b === 34) hasDouble = true
  }
  const quote = forcedQuote ?? (hasSingle && !hasDouble ? '"' : "'")
  let out = 'b' + quote
  for (const b of value) {
    if (b === 92) out += '\\\\'
    else if (b === quote.charCodeAt(0)) out += '\\' + quote
    else if (b === 10) out += '\\n'
    else if (b === 13) out += '\\r'
    else if (b === 9) out += '\\t'
    else if (b < 32 || b >= 127) out += '\\x' + hex(b, 2)
    else out += String.fromCharCode(b)
  }
  return out + quote
}

/** An int literal: decimal, or hexadecimal beyond the 4,300 digits CPython reads in decimal. */
export function intLiteral(value: bigint): string {
  const text = value.toString()
  return text.length > 4300 ? `0x${value.toString(16)}` : text
}

/** A float literal that reads back as exactly `value` (`1e309` for infinity, as `ast.unparse`). */
export function floatLiteral(value: number): string {
  if (value === Infinity) return '1e309'
  if (value === -Infinity) return '-1e309'
  if (Number.isNaN(value)) return '(1e309 - 1e309)'
  const text = String(value)
  return /[.e]/.test(text) ? text : `${text}.0`
}

/** An identifier that reads back as `name`: a keyword spelling gets a compatibility first letter. */
export function identifier(name: string): string {
  if (!KEYWORDS.has(name)) return name
  const c = name.charCodeAt(0)
  // MATHEMATICAL BOLD CAPITAL A (U+1D400) and SMALL A (U+1D41A): NFKC maps them back to A-Z / a-z.
  const bold = c >= 97 ? 0x1d41a + (c - 97) : 0x1d400 + (c - 65)
  return String.fromCodePoint(bold) + name.slice(1)
}

function dotted(name: string): string {
  return name.split('.').map(identifier).join('.')
}

/** Whether a docstring-like string can be written triple-quoted and still read back exactly. */
function tripleQuotable(value: string): boolean {
  if (!value.includes('\n') || value.includes('"""') || value.includes('\\') || value.endsWith('"')) return false
  for (const ch of codePoints(value)) {
    if (ch !== '\n' && ch !== ' ' && isNotPrintable(ch)) return false
  }
  return true
}

class Printer {
  private readonly out: string[] = []
  private indent = 0
  /** Nesting of f-strings being written: the quote each level uses. */
  private readonly fstringQuotes: string[] = []

  text(): string {
    return this.out.join('')
  }

  private write(text: string): void {
    this.out.push(text)
  }

  /** Starts a new line at the current indentation. */
  private fill(text = ''): void {
    if (this.out.length > 0) this.out.push('\n')
    this.out.push('    '.repeat(this.indent), text)
  }

  node(node: Node): void {
    switch (node.type) {
      case 'Module':
        for (const stmt of node.body) this.stmt(stmt)
        this.write('\n')
        return
      case 'arguments':
        this.arguments(node, true)
        return
      case 'arg':
        this.write(identifier(node.arg))
        if (node.annotation) {
          this.write(': ')
          this.expr(node.annotation, P.TEST)
        }
        return
      case 'keyword':
        this.keyword(node)
        return
      case 'alias':
        this.write(node.name === '*' ? '*' : dotted(node.name))
        if (node.asname !== null) this.write(` as ${identifier(node.asname)}`)
        return
      case 'withitem':
        this.withItem(node, false)
        return
      case 'comprehension':
        this.comprehension(node)
        return
      case 'ExceptHandler':
        this.handler(node, false)
        return
      case 'match_case':
        this.matchCase(node)
        return
      case 'TypeVar':
      case 'ParamSpec':
      case 'TypeVarTuple':
        this.typeParam(node)
        return
      case 'MatchValue':
      case 'MatchSingleton':
      case 'MatchSequence':
      case 'MatchMapping':
      case 'MatchClass':
      case 'MatchStar':
      case 'MatchAs':
      case 'MatchOr':
        this.pattern(node, P.TEST)
        return
      case 'FunctionDef':
      case 'AsyncFunctionDef':
      case 'ClassDef':
      case 'Return':
      case 'Delete':
      case 'Assign':
      case 'TypeAlias':
      case 'AugAssign':
      case 'AnnAssign':
      case 'For':
      case 'AsyncFor':
      case 'While':
      case 'If':
      case 'With':
      case 'AsyncWith':
      case 'Match':
      case 'Raise':
      case 'Try':
      case 'TryStar':
      case 'Assert':
      case 'Import':
      case 'ImportFrom':
      case 'Global':
      case 'Nonlocal':
      case 'Expr':
      case 'Pass':
      case 'Break':
      case 'Continue':
        this.stmt(node)
        return
      default:
        this.expr(node, P.TEST)
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Statements

  private block(body: readonly Stmt[]): void {
    this.write(':')
    this.indent++
    if (body.length === 0) this.fill('pass')
    for (const stmt of body) this.stmt(stmt)
    this.indent--
  }

  private stmt(node: Stmt): void {
    switch (node.type) {
      case 'FunctionDef':
      case 'AsyncFunctionDef':
        for (const d of node.decorator_list) {
          this.fill('@')
          this.expr(d, P.TEST)
        }
        this.fill(node.type === 'AsyncFunctionDef' ? 'async def ' : 'def ')
        this.write(identifier(node.name))
        this.typeParams(node.type_params)
        this.write('(')
        this.arguments(node.args, true)
        this.write(')')
        if (node.returns) {
          this.write(' -> ')
          this.expr(node.returns, P.TEST)
        }
        this.block(node.body)
        return
      case 'ClassDef': {
        for (const d of node.decorator_list) {
          this.fill('@')
          this.expr(d, P.TEST)
        }
        this.fill('class ')
        this.write(identifier(node.name))
        this.typeParams(node.type_params)
        if (node.bases.length > 0 || node.keywords.length > 0) {
          this.write('(')
          let first = true
          for (const base of node.bases) {
            if (!first) this.write(', ')
            first = false
            this.expr(base, P.TEST)
          }
          for (const kw of node.keywords) {
            if (!first) this.write(', ')
            first = false
            this.keyword(kw)
          }
          this.write(')')
        }
        this.block(node.body)
        return
      }
      case 'Return':
        this.fill('return')
        if (node.value) {
          this.write(' ')
          this.starExpressions(node.value)
        }
        return
      case 'Delete':
        this.fill('del ')
        this.list(node.targets, P.TEST)
        return
      case 'Assign':
        this.fill()
        for (const target of node.targets) {
          this.expr(target, P.TUPLE)
          this.write(' = ')
        }
        this.expr(node.value, P.TUPLE)
        return
      case 'TypeAlias':
        this.fill('type ')
        this.expr(node.name, P.ATOM)
        this.typeParams(node.type_params)
        this.write(' = ')
        this.expr(node.value, P.TEST)
        return
      case 'AugAssign':
        this.fill()
        this.expr(node.target, P.ATOM)
        this.write(` ${BINOP[node.op][0]}= `)
        this.expr(node.value, P.TUPLE)
        return
      case 'AnnAssign':
        this.fill()
        if (node.simple === 0 && node.target.type === 'Name') {
          this.write('(')
          this.expr(node.target, P.ATOM)
          this.write(')')
        } else {
          this.expr(node.target, P.ATOM)
        }
        this.write(': ')
        this.expr(node.annotation, P.TEST)
        if (node.value) {
          this.write(' = ')
          this.expr(node.value, P.TUPLE)
        }
        return
      case 'For':
      case 'AsyncFor':
        this.fill(node.type === 'AsyncFor' ? 'async for ' : 'for ')
        this.expr(node.target, P.TUPLE)
        this.write(' in ')
        this.starExpressions(node.iter)
        this.block(node.body)
        if (node.orelse.length > 0) {
          this.fill('else')
          this.block(node.orelse)
        }
        return
      case 'While':
        this.fill('while ')
        this.expr(node.test, P.TEST)
        this.block(node.body)
        if (node.orelse.length > 0) {
          this.fill('else')
          this.block(node.orelse)
        }
        return
      case 'If': {
        this.fill('if ')
        this.expr(node.test, P.TEST)
        this.block(node.body)
        let orelse = node.orelse
        // An `else` holding only an `if` is an `elif`.
        while (orelse.length === 1 && orelse[0]!.type === 'If') {
          const elif = orelse[0] as If
          this.fill('elif ')
          this.expr(elif.test, P.TEST)
          this.block(elif.body)
          orelse = elif.orelse
        }
        if (orelse.length > 0) {
          this.fill('else')
          this.block(orelse)
        }
        return
      }
      case 'With':
      case 'AsyncWith':
        this.fill(node.type === 'AsyncWith' ? 'async with ' : 'with ')
        node.items.forEach((item, k) => {
          if (k > 0) this.write(', ')
          this.withItem(item, k === 0)
        })
        this.block(node.body)
        return
      case 'Match':
        this.fill('match ')
        this.starExpressions(node.subject)
        this.write(':')
        this.indent++
        for (const c of node.cases) this.matchCase(c)
        this.indent--
        return
      case 'Raise':
        this.fill('raise')
        if (node.exc) {
          this.write(' ')
          this.expr(node.exc, P.TEST)
          if (node.cause) {
            this.write(' from ')
            this.expr(node.cause, P.TEST)
          }
        }
        return
      case 'Try':
      case 'TryStar':
        this.fill('try')
        this.block(node.body)
        for (const h of node.handlers) this.handler(h, node.type === 'TryStar')
        if (node.orelse.length > 0) {
          this.fill('else')
          this.block(node.orelse)
        }
        if (node.finalbody.length > 0) {
          this.fill('finally')
          this.block(node.finalbody)
        }
        return
      case 'Assert':
        this.fill('assert ')
        this.expr(node.test, P.TEST)
        if (node.msg) {
          this.write(', ')
          this.expr(node.msg, P.TEST)
        }
        return
      case 'Import':
        this.fill('import ')
        node.names.forEach((alias, k) => {
          if (k > 0) this.write(', ')
          this.node(alias)
        })
        return
      case 'ImportFrom':
        this.fill('from ')
        this.write('.'.repeat(node.level))
        if (node.module !== null) this.write(dotted(node.module))
        this.write(' import ')
        node.names.forEach((alias, k) => {
          if (k > 0) this.write(', ')
          this.node(alias)
        })
        return
      case 'Global':
      case 'Nonlocal':
        this.fill(node.type === 'Global' ? 'global ' : 'nonlocal ')
        this.write(node.names.map(identifier).join(', '))
        return
      case 'Expr':
        this.fill()
        if (node.value.type === 'Constant' && typeof node.value.value === 'string' && node.value.kind === null && tripleQuotable(node.value.value)) {
          this.write(`"""${node.value.value}"""`)
          return
        }
        this.expr(node.value, P.TUPLE)
        return
      case 'Pass':
        this.fill('pass')
        return
      case 'Break':
        this.fill('break')
        return
      case 'Continue':
        this.fill('continue')
        return
    }
  }

  private withItem(item: WithItem, first: boolean): void {
    // `with (a, b):` would read as two items: a tuple that starts the list gets its own parentheses.
    const tuple = first && item.context_expr.type === 'Tuple' && item.context_expr.elts.length > 0
    if (tuple) this.write('(')
    this.expr(item.context_expr, P.TEST)
    if (tuple) this.write(')')
    if (item.optional_vars) {
      this.write(' as ')
      this.expr(item.optional_vars, P.TEST)
    }
  }

  private handler(h: ExceptHandler, star: boolean): void {
    this.fill(star ? 'except*' : 'except')
    if (h.type_) {
      this.write(' ')
      this.expr(h.type_, P.TEST)
      if (h.name !== null) this.write(` as ${identifier(h.name)}`)
    }
    this.block(h.body)
  }

  private typeParams(params: readonly TypeParam[]): void {
    if (params.length === 0) return
    this.write('[')
    params.forEach((p, k) => {
      if (k > 0) this.write(', ')
      this.typeParam(p)
    })
    this.write(']')
  }

  private typeParam(p: TypeParam): void {
    switch (p.type) {
      case 'TypeVar':
        this.write(identifier(p.name))
        if (p.bound) {
          this.write(': ')
          this.expr(p.bound, P.TEST)
        }
        return
      case 'TypeVarTuple':
        this.write('*' + identifier(p.name))
        return
      case 'ParamSpec':
        this.write('**' + identifier(p.name))
        return
    }
  }

  /** Parameters; `annotations` is false for a lambda. */
  private arguments(a: Arguments, annotations: boolean): void {
    let first = true
    const sep = (): void => {
      if (!first) this.write(', ')
      first = false
    }
    const param = (arg: Arguments['args'][number], value: Expr | null | undefined): void => {
      sep()
      this.write(identifier(arg.arg))
      if (annotations && arg.annotation) {
        this.write(': ')
        this.expr(arg.annotation, P.TEST)
      }
      if (value) {
        this.write(annotations && arg.annotation ? ' = ' : '=')
        this.expr(value, P.TEST)
      }
    }
    const positional = [...a.posonlyargs, ...a.args]
    const firstDefault = positional.length - a.defaults.length
    positional.forEach((arg, k) => {
      param(arg, k >= firstDefault ? a.defaults[k - firstDefault] : null)
      if (k === a.posonlyargs.length - 1) {
        sep()
        this.write('/')
      }
    })
    if (a.vararg || a.kwonlyargs.length > 0) {
      sep()
      this.write('*')
      if (a.vararg) {
        this.write(identifier(a.vararg.arg))
        if (annotations && a.vararg.annotation) {
          this.write(': ')
          this.expr(a.vararg.annotation, P.TEST)
        }
      }
    }
    a.kwonlyargs.forEach((arg, k) => param(arg, a.kw_defaults[k]))
    if (a.kwarg) {
      sep()
      this.write('**' + identifier(a.kwarg.arg))
      if (annotations && a.kwarg.annotation) {
        this.write(': ')
        this.expr(a.kwarg.annotation, P.TEST)
      }
    }
  }

  private keyword(kw: Keyword): void {
    if (kw.arg === null) {
      this.write('**')
      this.expr(kw.value, P.EXPR)
    } else {
      this.write(identifier(kw.arg) + '=')
      this.expr(kw.value, P.TEST)
    }
  }

  private matchCase(c: MatchCase): void {
    this.fill('case ')
    this.pattern(c.pattern, P.TEST)
    if (c.guard) {
      this.write(' if ')
      this.expr(c.guard, P.TEST)
    }
    this.block(c.body)
  }

  private pattern(p: Pattern, context: number): void {
    switch (p.type) {
      case 'MatchValue':
        this.expr(p.value, P.BOR)
        return
      case 'MatchSingleton':
        this.write(p.value === null ? 'None' : p.value ? 'True' : 'False')
        return
      case 'MatchSequence':
        this.write('[')
        p.patterns.forEach((q, k) => {
          if (k > 0) this.write(', ')
          this.pattern(q, P.TEST)
        })
        this.write(']')
        return
      case 'MatchMapping': {
        this.write('{')
        p.keys.forEach((key, k) => {
          if (k > 0) this.write(', ')
          this.expr(key, P.BOR)
          this.write(': ')
          this.pattern(p.patterns[k]!, P.TEST)
        })
        if (p.rest !== null) {
          if (p.keys.length > 0) this.write(', ')
          this.write('**' + identifier(p.rest))
        }
        this.write('}')
        return
      }
      case 'MatchClass': {
        this.expr(p.cls, P.ATOM)
        this.write('(')
        let first = true
        for (const q of p.patterns) {
          if (!first) this.write(', ')
          first = false
          this.pattern(q, P.TEST)
        }
        p.kwd_attrs.forEach((attr, k) => {
          if (!first) this.write(', ')
          first = false
          this.write(identifier(attr) + '=')
          this.pattern(p.kwd_patterns[k]!, P.TEST)
        })
        this.write(')')
        return
      }
      case 'MatchStar':
        this.write('*' + (p.name === null ? '_' : identifier(p.name)))
        return
      case 'MatchAs':
        if (p.pattern === null) {
          this.write(p.name === null ? '_' : identifier(p.name))
          return
        }
        if (context > P.TEST) this.write('(')
        this.pattern(p.pattern, P.BOR)
        this.write(` as ${identifier(p.name!)}`)
        if (context > P.TEST) this.write(')')
        return
      case 'MatchOr':
        if (context > P.BOR) this.write('(')
        p.patterns.forEach((q, k) => {
          if (k > 0) this.write(' | ')
          this.pattern(q, P.BOR + 1)
        })
        if (context > P.BOR) this.write(')')
        return
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions

  private list(items: readonly Expr[], precedence: number): void {
    items.forEach((item, k) => {
      if (k > 0) this.write(', ')
      this.expr(item, precedence)
    })
  }

  /** Items of a tuple without its parentheses (one item keeps its comma). */
  private tupleItems(items: readonly Expr[]): void {
    this.list(items, P.TEST)
    if (items.length === 1) this.write(',')
  }

  /** Writes `e` in a context that needs at least `context` precedence. */
  private expr(e: Expr, context: number): void {
    switch (e.type) {
      case 'BoolOp': {
        const own = e.op === 'And' ? P.AND : P.OR
        this.open(context > own)
        e.values.forEach((v, k) => {
          if (k > 0) this.write(e.op === 'And' ? ' and ' : ' or ')
          this.expr(v, own + 1)
        })
        this.close(context > own)
        return
      }
      case 'NamedExpr':
        this.open(context > P.NAMED_EXPR)
        this.expr(e.target, P.ATOM)
        this.write(' := ')
        this.expr(e.value, P.TEST)
        this.close(context > P.NAMED_EXPR)
        return
      case 'BinOp': {
        const [symbol, own] = BINOP[e.op]
        const right = e.op === 'Pow'
        this.open(context > own)
        this.expr(e.left, right ? own + 1 : own)
        this.write(` ${symbol} `)
        this.expr(e.right, right ? own : own + 1)
        this.close(context > own)
        return
      }
      case 'UnaryOp': {
        const own = e.op === 'Not' ? P.NOT : P.FACTOR
        this.open(context > own)
        this.write(UNARY[e.op])
        this.expr(e.operand, own)
        this.close(context > own)
        return
      }
      case 'Lambda':
        this.open(context > P.TEST)
        this.write('lambda')
        if (e.args.posonlyargs.length + e.args.args.length + e.args.kwonlyargs.length > 0 || e.args.vararg || e.args.kwarg) {
          this.write(' ')
          this.arguments(e.args, false)
        }
        this.write(': ')
        this.expr(e.body, P.TEST)
        this.close(context > P.TEST)
        return
      case 'IfExp':
        this.open(context > P.TEST)
        this.expr(e.body, P.TEST + 1)
        this.write(' if ')
        this.expr(e.test, P.TEST + 1)
        this.write(' else ')
        this.expr(e.orelse, P.TEST)
        this.close(context > P.TEST)
        return
      case 'Dict':
        this.write('{')
        e.keys.forEach((key, k) => {
          if (k > 0) this.write(', ')
          if (key === null) {
            this.write('**')
            this.expr(e.values[k]!, P.EXPR)
          } else {
            this.expr(key, P.TEST)
            this.write(': ')
            this.expr(e.values[k]!, P.TEST)
          }
        })
        this.write('}')
        return
      case 'Set':
        if (e.elts.length === 0) {
          this.write('{*()}')
          return
        }
        this.write('{')
        this.list(e.elts, P.TEST)
        this.write('}')
        return
      case 'ListComp':
      case 'SetComp':
      case 'GeneratorExp': {
        const [open, close] = e.type === 'ListComp' ? ['[', ']'] : e.type === 'SetComp' ? ['{', '}'] : ['(', ')']
        this.write(open)
        this.expr(e.elt, P.TEST)
        for (const g of e.generators) this.comprehension(g)
        this.write(close)
        return
      }
      case 'DictComp':
        this.write('{')
        this.expr(e.key, P.TEST)
        this.write(': ')
        this.expr(e.value, P.TEST)
        for (const g of e.generators) this.comprehension(g)
        this.write('}')
        return
      case 'Await':
        this.open(context > P.AWAIT)
        this.write('await ')
        this.expr(e.value, P.ATOM)
        this.close(context > P.AWAIT)
        return
      case 'Yield':
        this.open(context > P.YIELD)
        this.write('yield')
        if (e.value) {
          this.write(' ')
          this.starExpressions(e.value)
        }
        this.close(context > P.YIELD)
        return
      case 'YieldFrom':
        this.open(context > P.YIELD)
        this.write('yield from ')
        this.expr(e.value, P.TEST)
        this.close(context > P.YIELD)
        return
      case 'Compare':
        this.open(context > P.CMP)
        this.expr(e.left, P.CMP + 1)
        e.ops.forEach((op, k) => {
          this.write(` ${CMPOP[op]} `)
          this.expr(e.comparators[k]!, P.CMP + 1)
        })
        this.close(context > P.CMP)
        return
      case 'Call': {
        this.expr(e.func, P.ATOM)
        this.write('(')
        let first = true
        for (const arg of e.args) {
          if (!first) this.write(', ')
          first = false
          this.expr(arg, P.TEST)
        }
        for (const kw of e.keywords) {
          if (!first) this.write(', ')
          first = false
          this.keyword(kw)
        }
        this.write(')')
        return
      }
      case 'FormattedValue':
        // A replacement field outside an f-string: write it as an f-string of its own.
        this.joinedStr({ type: 'JoinedStr', values: [e], start: e.start, end: e.end })
        return
      case 'JoinedStr':
        this.joinedStr(e)
        return
      case 'Constant':
        this.constant(e)
        return
      case 'Attribute':
        this.expr(e.value, P.ATOM)
        // `1.real` would read as a float followed by a name.
        if (e.value.type === 'Constant' && typeof e.value.value === 'bigint') this.write(' ')
        this.write('.' + identifier(e.attr))
        return
      case 'Subscript':
        this.expr(e.value, P.ATOM)
        this.write('[')
        if (e.slice.type === 'Tuple' && e.slice.elts.length === 1 && e.slice.elts[0]!.type === 'Starred') {
          // `x[*a]` is already a tuple of one item.
          this.expr(e.slice.elts[0]!, P.TEST)
        } else if (e.slice.type === 'Tuple' && e.slice.elts.length > 0) this.tupleItems(e.slice.elts)
        else this.expr(e.slice, P.TEST)
        this.write(']')
        return
      case 'Starred':
        this.write('*')
        this.expr(e.value, P.EXPR)
        return
      case 'Name':
        this.write(identifier(e.id))
        return
      case 'List':
        this.write('[')
        this.list(e.elts, P.TEST)
        this.write(']')
        return
      case 'Tuple': {
        const parens = e.elts.length === 0 || context > P.TUPLE
        this.open(parens)
        this.tupleItems(e.elts)
        this.close(parens)
        return
      }
      case 'Slice':
        if (e.lower) this.expr(e.lower, P.TEST + 1)
        this.write(':')
        if (e.upper) this.expr(e.upper, P.TEST + 1)
        if (e.step) {
          this.write(':')
          this.expr(e.step, P.TEST + 1)
        }
        return
    }
  }

  /** Where CPython's grammar reads `star_expressions`: a bare tuple is fine, a `yield` needs parentheses. */
  private starExpressions(e: Expr): void {
    this.expr(e, e.type === 'Yield' || e.type === 'YieldFrom' ? P.TEST : P.TUPLE)
  }

  private open(parens: boolean): void {
    if (parens) this.write('(')
  }
  private close(parens: boolean): void {
    if (parens) this.write(')')
  }

  private comprehension(g: Comprehension): void {
    this.write(g.is_async ? ' async for ' : ' for ')
    this.expr(g.target, P.TUPLE)
    this.write(' in ')
    this.expr(g.iter, P.TEST + 1)
    for (const cond of g.ifs) {
      this.write(' if ')
      this.expr(cond, P.TEST + 1)
    }
  }

  /** Inside an f-string's replacement field, string literals take the other quote where they can. */
  private innerQuote(): string | undefined {
    const depth = this.fstringQuotes.length
    if (depth === 0) return undefined
    return this.fstringQuotes[depth - 1] === '"' ? "'" : '"'
  }

  private constant(c: Constant): void {
    const v: ConstantValue = c.value
    if (v === null) this.write('None')
    else if (v === true) this.write('True')
    else if (v === false) this.write('False')
    else if (v === ELLIPSIS) this.write('...')
    else if (typeof v === 'bigint') this.write(intLiteral(v))
    else if (typeof v === 'number') this.write(floatLiteral(v))
    else if (typeof v === 'string') this.write((c.kind === 'u' ? 'u' : '') + stringLiteral(v, this.innerQuote()))
    else if (v instanceof Uint8Array) this.write(bytesLiteral(v, this.innerQuote()))
    else if (typeof v === 'object') {
      // The `j` makes any number complex: `1j`, not `1.0j`.
      const imag = v.imag === Infinity ? '1e309' : v.imag === -Infinity ? '-1e309' : Number.isNaN(v.imag) ? '(1e309 - 1e309)' : String(v.imag)
      if (v.real === 0 && !Object.is(v.real, -0)) this.write(`${imag}j`)
      else this.write(`(${floatLiteral(v.real)} + ${imag}j)`)
    }
  }

  private joinedStr(j: JoinedStr): void {
    const depth = this.fstringQuotes.length
    const quote = depth % 2 === 0 ? '"' : "'"
    this.fstringQuotes.push(quote)
    this.write('f' + quote)
    for (const part of j.values) this.fstringPart(part, quote, false)
    this.write(quote)
    this.fstringQuotes.pop()
  }

  /** One part of an f-string (or of a format spec, where braces cannot be doubled). */
  private fstringPart(part: Constant | FormattedValue, quote: string, inSpec: boolean): void {
    if (part.type === 'Constant') {
      let out = ''
      for (const ch of codePoints(String(part.value))) {
        if (ch === '{' || ch === '}') out += inSpec ? (ch === '{' ? '\\x7b' : '\\x7d') : ch + ch
        else out += escapeChar(ch, quote)
      }
      this.write(out)
      return
    }
    this.write('{')
    const inner = new Printer()
    inner.fstringQuotes.push(...this.fstringQuotes)
    inner.expr(part.value, P.TEST + 1)
    const text = inner.text()
    // `{{` would be a literal brace: a dict or set display gets a space first.
    this.write(text.startsWith('{') ? ' ' + text : text)
    if (part.conversion !== -1) this.write('!' + String.fromCharCode(part.conversion))
    if (part.format_spec) {
      this.write(':')
      for (const specPart of part.format_spec.values) this.fstringPart(specPart, quote, true)
    }
    this.write('}')
  }
}
