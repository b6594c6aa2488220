import type { CallArg, Expr, Program } from './ast.js'

const PRECEDENCE: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '//': 2, '%': 2, '**': 4 }

/** Writes an expression back as source text that parses to the same tree (canonical spacing). */
export function printExpr(expr: Expr): string {
  switch (expr.type) {
    case 'int':
      return expr.value.toString()
    case 'float': {
      const text = String(expr.value)
      return /[.eE]/.test(text) || !Number.isFinite(expr.value) ? text : `${text}.0`
    }
    case 'str':
      return `'${expr.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\0/g, '\\0')}'`
    case 'bool':
      return expr.value ? 'True' : 'False'
    case 'none':
      return 'None'
    case 'name':
      return expr.name
    case 'attribute':
      return `${printOperand(expr.object, 5)}.${expr.name}`
    case 'call':
      return `${printOperand(expr.callee, 5)}(${expr.args.map(printArg).join(', ')})`
    case 'tuple':
      return expr.items.length === 1 ? `(${printExpr(expr.items[0]!)},)` : `(${expr.items.map(printExpr).join(', ')})`
    case 'list':
      return `[${expr.items.map(printExpr).join(', ')}]`
    case 'dict':
      return `{${expr.entries.map((e) => `${printExpr(e.key)}: ${printExpr(e.value)}`).join(', ')}}`
    case 'listcomp':
      return `[${printExpr(expr.element)} for ${expr.target} in ${printExpr(expr.iterable)}]`
    case 'unary':
      return `${expr.op}${printOperand(expr.operand, 3)}`
    case 'binary': {
      const p = PRECEDENCE[expr.op]!
      // ** is right-associative; the others are left-associative.
      const left = printOperand(expr.left, expr.op === '**' ? p + 1 : p)
      const right = printOperand(expr.right, expr.op === '**' ? 3 : p + 1)
      return `${left} ${expr.op} ${right}`
    }
    case 'subscript':
      return `${printOperand(expr.object, 5)}[${printExpr(expr.index)}]`
  }
}

function precedenceOf(expr: Expr): number {
  if (expr.type === 'binary') return PRECEDENCE[expr.op]!
  if (expr.type === 'unary') return 3
  if ((expr.type === 'int' || expr.type === 'float') && expr.value < 0) return 3
  return 6
}

function printOperand(expr: Expr, minimum: number): string {
  const text = printExpr(expr)
  return precedenceOf(expr) < minimum ? `(${text})` : text
}

function printArg(arg: CallArg): string {
  switch (arg.type) {
    case 'keyword':
      return `${arg.name}=${printExpr(arg.value)}`
    case 'star':
      return `*${printExpr(arg.value)}`
    case 'double-star':
      return `**${printExpr(arg.value)}`
    default:
      return printExpr(arg)
  }
}

/** Writes a whole program back as source text, one statement per line. */
export function printProgram(program: Program): string {
  return program.statements.map((s) => (s.type === 'assign' ? `${s.target} = ${printExpr(s.value)}` : printExpr(s.value))).join('\n')
}
