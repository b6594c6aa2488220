import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { spanOf } from './ast.js'
import type { BinaryOp, CallArg, Expr, Program, Statement } from './ast.js'
import { Tokenizer } from './tokenize.js'
import type { Token } from './tokenize.js'

const REFUSED_KEYWORDS: Record<string, string> = {
  lambda: '`lambda` functions are not supported: write the layer call directly.',
  import: 'Imports are not needed: `torch`, `nn`, `torchvision` and every layer name are already available.',
  from: 'Imports are not needed: `torch`, `nn`, `torchvision` and every layer name are already available.',
  def: 'Function definitions are not supported: assign modules to names and reuse them instead.',
  class: 'Class definitions are not supported: build the model from `nn.Sequential`, `nn.ModuleList` and `nn.ModuleDict`.',
  if: 'Conditionals are not supported.',
  while: 'Loops are not supported: use a list comprehension such as `[nn.Linear(8, 8) for _ in range(4)]`.',
  for: 'Loops are not supported: use a list comprehension such as `[nn.Linear(8, 8) for _ in range(4)]`.',
  return: '`return` is not supported: end the text with the expression to analyse.',
  del: '`del` is not supported.',
  with: '`with` blocks are not supported.',
  global: '`global` is not supported.',
  exec: '`exec` is never run.',
  eval: '`eval` is never run.',
  async: '`async` is not supported.',
  await: '`await` is not supported.',
  yield: '`yield` is not supported.',
  assert: '`assert` is not supported.',
  try: '`try` is not supported.',
  raise: '`raise` is not supported.',
}

/** Parses the expression language into a {@link Program}. Throws {@link NnsizeError}. */
export function parse(source: string): Program {
  if (source.length > limits.maxSourceChars) {
    throw new NnsizeError('limit', `The input is ${source.length.toLocaleString('en-US')} characters long; the limit is ${limits.maxSourceChars.toLocaleString('en-US')}.`, {
      span: { start: limits.maxSourceChars, end: source.length },
    })
  }
  return new Parser(new Tokenizer(source)).program()
}

/** Parses a single expression (used for option values such as `AdamW(lr=1e-4)`). */
export function parseExpression(source: string): Expr {
  const program = parse(source)
  const only = program.statements[0]
  if (program.statements.length !== 1 || only?.type !== 'expr') {
    throw new NnsizeError('syntax', 'Expected a single expression.', { span: { start: 0, end: source.length } })
  }
  return only.value
}

class Parser {
  private depth = 0
  /** The next token, once read. */
  private current: Token | undefined = undefined
  /** The token after it, once looked at (a statement's `name =` needs two tokens of lookahead). */
  private following: Token | undefined = undefined
  /** The value of each distinct int literal: equal literals (`64`) share one bigint. */
  private readonly ints = new Map<string, bigint>()

  constructor(private readonly tokenizer: Tokenizer) {}

  private lookahead(offset: 0 | 1): Token {
    const current = (this.current ??= this.tokenizer.next())
    if (offset === 0) return current
    return (this.following ??= current.kind === 'eof' ? current : this.tokenizer.next())
  }

  private advance(count: 1 | 2 = 1): void {
    for (let k = 0; k < count; k++) {
      this.lookahead(0)
      this.current = this.following
      this.following = undefined
    }
  }

  program(): Program {
    const statements: Statement[] = []
    for (;;) {
      while (this.isOp(';') || this.peek().kind === 'newline') this.advance()
      if (this.peek().kind === 'eof') break
      statements.push(this.statement())
      const next = this.peek()
      if (next.kind !== 'eof' && next.kind !== 'newline' && !this.isOp(';')) {
        throw this.unexpected(next, 'Expected the end of the statement')
      }
    }
    if (statements.length === 0) {
      throw new NnsizeError('syntax', 'The input is empty: write a layer such as `nn.Conv2d(128, 256, 3)`.', { span: { start: 0, end: 0 } })
    }
    return { statements }
  }

  private statement(): Statement {
    const first = this.peek()
    if (first.kind === 'name' && this.lookahead(1).text === '=' && this.lookahead(1).kind === 'op') {
      this.checkKeyword(first)
      this.advance(2)
      const value = this.expression()
      return { type: 'assign', target: first.text, value, start: first.start, end: value.end }
    }
    const value = this.tupleOrExpression()
    if (this.isOp('=')) {
      throw new NnsizeError('unsupported-syntax', 'Only a plain name can be assigned to (`block = nn.Linear(8, 8)`).', { span: spanOf(value) })
    }
    for (const op of ['+=', '-=', '*=']) {
      if (this.isOp(op)) throw new NnsizeError('unsupported-syntax', `Augmented assignment \`${op}\` is not supported.`, { span: spanOf(this.peek()) })
    }
    return { type: 'expr', value, start: value.start, end: value.end }
  }

  /** `a, b` at statement level is a tuple, as in Python. */
  private tupleOrExpression(): Expr {
    const first = this.expression()
    if (!this.isOp(',')) return first
    const items = [first]
    while (this.isOp(',')) {
      this.advance()
      if (this.atExpressionEnd()) break
      items.push(this.expression())
    }
    return { type: 'tuple', items, start: first.start, end: items.at(-1)!.end }
  }

  private atExpressionEnd(): boolean {
    const t = this.peek()
    return t.kind === 'eof' || t.kind === 'newline' || (t.kind === 'op' && [')', ']', '}', ';', '='].includes(t.text))
  }

  private expression(): Expr {
    {
      const t = this.peek()
      if (t.kind === 'name' && (t.text === 'and' || t.text === 'or' || t.text === 'not' || t.text === 'is')) {
        throw new NnsizeError('unsupported-syntax', `Boolean operator \`${t.text}\` is not supported.`, { span: spanOf(t) })
      }
      const value = this.additive()
      const next = this.peek()
      if (next.kind === 'name' && ['if', 'and', 'or', 'is', 'not', 'in'].includes(next.text)) {
        throw new NnsizeError('unsupported-syntax', `\`${next.text}\` expressions are not supported.`, { span: spanOf(next) })
      }
      if (next.kind === 'op' && ['==', '!=', '<', '>', '<=', '>=', '@', '|', '&', '^', '->'].includes(next.text)) {
        throw new NnsizeError('unsupported-syntax', `Operator \`${next.text}\` is not supported.`, { span: spanOf(next) })
      }
      return value
    }
  }

  private additive(): Expr {
    let left = this.multiplicative()
    const depth = this.depth
    while (this.isOp('+') || this.isOp('-')) {
      this.enter()
      const op = this.next().text as BinaryOp
      const right = this.multiplicative()
      left = { type: 'binary', op, left, right, start: left.start, end: right.end }
    }
    this.depth = depth
    return left
  }

  private multiplicative(): Expr {
    let left = this.unary()
    const depth = this.depth
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      this.enter()
      const op = this.next().text as BinaryOp
      const right = this.unary()
      left = { type: 'binary', op, left, right, start: left.start, end: right.end }
    }
    this.depth = depth
    return left
  }

  private unary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const opToken = this.next()
      this.enter()
      try {
        const operand = this.unary()
        return { type: 'unary', op: opToken.text as '-' | '+', operand, start: opToken.start, end: operand.end }
      } finally {
        this.depth--
      }
    }
    if (this.isOp('~')) throw new NnsizeError('unsupported-syntax', 'Operator `~` is not supported.', { span: spanOf(this.peek()) })
    return this.power()
  }

  private power(): Expr {
    const base = this.postfix()
    if (this.isOp('**')) {
      this.advance()
      this.enter()
      try {
        const exponent = this.unary()
        return { type: 'binary', op: '**', left: base, right: exponent, start: base.start, end: exponent.end }
      } finally {
        this.depth--
      }
    }
    return base
  }

  private postfix(): Expr {
    let value = this.atom()
    for (;;) {
      if (this.isOp('.')) {
        this.advance()
        const nameToken = this.peek()
        if (nameToken.kind !== 'name') throw this.unexpected(nameToken, 'Expected an attribute name after `.`')
        this.advance()
        value = { type: 'attribute', object: value, name: nameToken.text, nameStart: nameToken.start, start: value.start, end: nameToken.end }
      } else if (this.isOp('(')) {
        value = this.call(value)
      } else if (this.isOp('[')) {
        this.advance()
        this.enter()
        try {
          const index = this.expression()
          if (this.isOp(':')) throw new NnsizeError('unsupported-syntax', 'Slices are not supported.', { span: spanOf(this.peek()) })
          const close = this.expect(']')
          value = { type: 'subscript', object: value, index, start: value.start, end: close.end }
        } finally {
          this.depth--
        }
      } else {
        return value
      }
    }
  }

  private call(callee: Expr): Expr {
    const open = this.expect('(')
    this.enter()
    try {
      const args: CallArg[] = []
      let sawKeyword = false
      while (!this.isOp(')')) {
        const t = this.peek()
        if (t.kind === 'eof' || t.kind === 'newline') throw this.unclosed('(', open.start)
        if (this.isOp('**')) {
          this.advance()
          const value = this.expression()
          args.push({ type: 'double-star', value, start: t.start, end: value.end })
          sawKeyword = true
        } else if (this.isOp('*')) {
          this.advance()
          const value = this.expression()
          args.push({ type: 'star', value, start: t.start, end: value.end })
        } else if (t.kind === 'name' && this.lookahead(1).kind === 'op' && this.lookahead(1).text === '=') {
          this.advance(2)
          const value = this.expression()
          args.push({ type: 'keyword', name: t.text, value, start: t.start, end: value.end })
          sawKeyword = true
        } else {
          const value = this.expression()
          if (sawKeyword) {
            throw new NnsizeError('syntax', 'A positional argument cannot follow a keyword argument.', { span: spanOf(value) })
          }
          if (this.peek().kind === 'name' && this.peek().text === 'for') {
            throw new NnsizeError('unsupported-syntax', 'Generator expressions are not supported: use a list, as in `[nn.Linear(8, 8) for _ in range(4)]`.', { span: spanOf(this.peek()) })
          }
          args.push(value)
        }
        if (this.isOp(',')) this.advance()
        else if (!this.isOp(')')) {
          const next = this.peek()
          if (next.kind === 'eof' || next.kind === 'newline') throw this.unclosed('(', open.start)
          throw this.unexpected(next, 'Expected `,` or `)` in the argument list')
        }
      }
      const close = this.next()
      return { type: 'call', callee, args, start: callee.start, end: close.end }
    } finally {
      this.depth--
    }
  }

  private atom(): Expr {
    const t = this.peek()
    switch (t.kind) {
      case 'int': {
        this.advance()
        let value = this.ints.get(t.text)
        if (value === undefined) {
          value = BigInt(t.text.replace(/_/g, ''))
          this.ints.set(t.text, value)
        }
        return { type: 'int', value, start: t.start, end: t.end }
      }
      case 'float':
        this.advance()
        return { type: 'float', value: Number(t.text.replace(/_/g, '')), start: t.start, end: t.end }
      case 'str': {
        this.advance()
        let value = t.value ?? ''
        let end = t.end
        while (this.peek().kind === 'str') {
          const more = this.next()
          value += more.value ?? ''
          end = more.end
        }
        return { type: 'str', value, start: t.start, end }
      }
      case 'name':
        this.advance()
        if (t.text === 'True' || t.text === 'False') return { type: 'bool', value: t.text === 'True', start: t.start, end: t.end }
        if (t.text === 'None') return { type: 'none', start: t.start, end: t.end }
        this.checkKeyword(t)
        return { type: 'name', name: t.text, start: t.start, end: t.end }
      case 'op':
        if (t.text === '(') return this.parenthesised()
        if (t.text === '[') return this.listOrComprehension()
        if (t.text === '{') return this.dict()
        throw this.unexpected(t, 'Expected a value')
      default:
        throw this.unexpected(t, 'Expected a value')
    }
  }

  private parenthesised(): Expr {
    const open = this.next()
    this.enter()
    try {
      if (this.isOp(')')) {
        const close = this.next()
        return { type: 'tuple', items: [], start: open.start, end: close.end }
      }
      const first = this.expression()
      if (this.peek().kind === 'name' && this.peek().text === 'for') {
        throw new NnsizeError('unsupported-syntax', 'Generator expressions are not supported: use a list comprehension `[... for _ in range(n)]`.', { span: spanOf(this.peek()) })
      }
      if (this.isOp(')')) {
        this.advance()
        return first
      }
      const items = [first]
      while (this.isOp(',')) {
        this.advance()
        if (this.isOp(')')) break
        items.push(this.expression())
      }
      if (!this.isOp(')')) {
        if (this.peek().kind === 'eof' || this.peek().kind === 'newline') throw this.unclosed('(', open.start)
        throw this.unexpected(this.peek(), 'Expected `,` or `)`')
      }
      const close = this.next()
      return { type: 'tuple', items, start: open.start, end: close.end }
    } finally {
      this.depth--
    }
  }

  private listOrComprehension(): Expr {
    const open = this.next()
    this.enter()
    try {
      const items: Expr[] = []
      if (!this.isOp(']')) {
        const first = this.expression()
        if (this.peek().kind === 'name' && this.peek().text === 'for') {
          this.advance()
          const target = this.peek()
          if (target.kind !== 'name') throw this.unexpected(target, 'Expected a loop variable name after `for`')
          this.advance()
          this.checkKeyword(target)
          if (this.isOp(',')) throw new NnsizeError('unsupported-syntax', 'Only one loop variable is supported in a comprehension.', { span: spanOf(this.peek()) })
          const inToken = this.peek()
          if (inToken.kind !== 'name' || inToken.text !== 'in') throw this.unexpected(inToken, 'Expected `in`')
          this.advance()
          const iterable = this.expression()
          if (this.peek().kind === 'name' && (this.peek().text === 'if' || this.peek().text === 'for')) {
            throw new NnsizeError('unsupported-syntax', `\`${this.peek().text}\` clauses in comprehensions are not supported.`, { span: spanOf(this.peek()) })
          }
          if (!this.isOp(']')) throw this.unclosedOr(open, ']')
          const close = this.next()
          return { type: 'listcomp', element: first, target: target.text, targetStart: target.start, iterable, start: open.start, end: close.end }
        }
        items.push(first)
        while (this.isOp(',')) {
          this.advance()
          if (this.isOp(']')) break
          items.push(this.expression())
        }
      }
      if (!this.isOp(']')) throw this.unclosedOr(open, ']')
      const close = this.next()
      return { type: 'list', items, start: open.start, end: close.end }
    } finally {
      this.depth--
    }
  }

  private dict(): Expr {
    const open = this.next()
    this.enter()
    try {
      const entries: Array<{ key: Expr; value: Expr }> = []
      while (!this.isOp('}')) {
        if (this.peek().kind === 'eof' || this.peek().kind === 'newline') throw this.unclosed('{', open.start)
        const key = this.expression()
        if (!this.isOp(':')) {
          if (this.isOp(',') || this.isOp('}')) throw new NnsizeError('unsupported-syntax', 'Sets are not supported: a `{...}` needs `key: value` entries.', { span: spanOf(key) })
          throw this.unexpected(this.peek(), 'Expected `:` after the dictionary key')
        }
        this.advance()
        const value = this.expression()
        entries.push({ key, value })
        if (this.isOp(',')) this.advance()
        else if (!this.isOp('}')) throw this.unclosedOr(open, '}')
      }
      const close = this.next()
      return { type: 'dict', entries, start: open.start, end: close.end }
    } finally {
      this.depth--
    }
  }

  private enter(): void {
    this.depth++
    if (this.depth > limits.maxNestingDepth) {
      throw new NnsizeError('limit', `The input nests deeper than ${limits.maxNestingDepth} levels, the limit.`, { span: spanOf(this.peek()) })
    }
  }

  private checkKeyword(t: Token): void {
    const message = REFUSED_KEYWORDS[t.text]
    if (message) throw new NnsizeError('unsupported-syntax', message, { span: spanOf(t) })
  }

  private peek(): Token {
    return this.lookahead(0)
  }
  private next(): Token {
    const t = this.lookahead(0)
    this.advance()
    return t
  }
  private isOp(text: string): boolean {
    const t = this.lookahead(0)
    return t.kind === 'op' && t.text === text
  }
  private expect(text: string): Token {
    const t = this.peek()
    if (t.kind !== 'op' || t.text !== text) throw this.unexpected(t, `Expected \`${text}\``)
    this.advance()
    return t
  }
  private unexpected(t: Token, expected: string): NnsizeError {
    if (t.kind === 'eof') return new NnsizeError('syntax', `${expected}, but the input ended.`, { span: spanOf(t) })
    if (t.kind === 'newline') return new NnsizeError('syntax', `${expected}, but the line ended.`, { span: spanOf(t) })
    if (t.kind === 'name') this.checkKeyword(t)
    return new NnsizeError('syntax', `${expected}, found \`${t.text}\`.`, { span: spanOf(t) })
  }
  private unclosed(bracket: string, at: number): NnsizeError {
    const closing = bracket === '(' ? ')' : bracket === '[' ? ']' : '}'
    return new NnsizeError('syntax', `\`${bracket}\` was never closed: add \`${closing}\`.`, { span: { start: at, end: at + 1 } })
  }
  private unclosedOr(open: Token, closing: string): NnsizeError {
    const t = this.peek()
    if (t.kind === 'eof' || t.kind === 'newline') return this.unclosed(open.text, open.start)
    return this.unexpected(t, `Expected \`,\` or \`${closing}\``)
  }
}
