import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { BinaryOp, CallArg, Expr } from './ast.js'
import { parse, parseExpression } from './parse.js'
import { printExpr, printProgram } from './print.js'

const offsets = { start: 0, end: 0 }
const KEYWORDS = new Set(['True', 'False', 'None', 'lambda', 'import', 'from', 'def', 'class', 'if', 'while', 'for', 'return', 'del', 'with', 'global', 'exec', 'eval', 'async', 'await', 'yield', 'assert', 'try', 'raise', 'and', 'or', 'not', 'is', 'in', 'else'])
const identifier = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/).filter((s) => !KEYWORDS.has(s))

/** Random expression trees of the language. */
const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.bigInt({ min: 0n, max: 2n ** 70n }).map((value): Expr => ({ type: 'int', value, ...offsets })),
    fc.double({ min: 0, max: 1e12, noNaN: true }).map((value): Expr => ({ type: 'float', value, ...offsets })),
    fc.string({ maxLength: 6 }).map((value): Expr => ({ type: 'str', value, ...offsets })),
    fc.boolean().map((value): Expr => ({ type: 'bool', value, ...offsets })),
    fc.constant<Expr>({ type: 'none', ...offsets }),
    identifier.map((name): Expr => ({ type: 'name', name, ...offsets })),
    fc.tuple(tie('expr'), identifier).map(([object, name]): Expr => ({ type: 'attribute', object, name, nameStart: 0, ...offsets })),
    fc
      .tuple(
        identifier,
        fc.array(tie('expr'), { maxLength: 3 }),
        fc.uniqueArray(fc.tuple(identifier, tie('expr')), { maxLength: 2, selector: ([k]) => k }),
      )
      .map(([callee, positional, keywords]): Expr => ({
        type: 'call',
        callee: { type: 'name', name: callee, ...offsets },
        args: [
          ...positional,
          ...keywords.map(([name, value]): CallArg => ({ type: 'keyword', name, value, ...offsets })),
        ],
        ...offsets,
      })),
    fc.array(tie('expr'), { maxLength: 3 }).map((items): Expr => ({ type: 'list', items, ...offsets })),
    fc.array(tie('expr'), { maxLength: 3 }).map((items): Expr => ({ type: 'tuple', items, ...offsets })),
    fc.tuple(tie('expr'), identifier, tie('expr')).map(([element, target, iterable]): Expr => ({ type: 'listcomp', element, target, targetStart: 0, iterable, ...offsets })),
    tie('expr').map((operand): Expr => ({ type: 'unary', op: '-', operand, ...offsets })),
    fc
      .tuple(fc.constantFrom<BinaryOp>('+', '-', '*', '/', '//', '%', '**'), tie('expr'), tie('expr'))
      .map(([op, left, right]): Expr => ({ type: 'binary', op, left, right, ...offsets })),
  ),
})).expr

/** Drops offsets so trees can be compared. */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'start' && k !== 'end' && k !== 'nameStart' && k !== 'targetStart').map(([k, v]) => [k, strip(v)]))
  }
  return value
}

describe('printExpr', () => {
  it('writes canonical source', () => {
    expect(printExpr(parseExpression('nn.Conv2d( 128,256 , kernel_size = 3 )'))).toBe('nn.Conv2d(128, 256, kernel_size=3)')
    expect(printExpr(parseExpression('(1 + 2) * 3 ** -1'))).toBe('(1 + 2) * 3 ** -1')
    expect(printExpr(parseExpression('2 ** 3 ** 2'))).toBe('2 ** 3 ** 2')
    expect(printExpr(parseExpression('(2 ** 3) ** 2'))).toBe('(2 ** 3) ** 2')
    expect(printExpr(parseExpression('1 - (2 - 3)'))).toBe('1 - (2 - 3)')
  })

  it('round-trips: parse(print(tree)) is the same tree', () => {
    fc.assert(
      fc.property(exprArb, (tree) => {
        expect(strip(parseExpression(printExpr(tree)))).toEqual(strip(tree))
      }),
      { seed: 20261129, numRuns: 400 },
    )
  })
})

describe('printProgram', () => {
  it('round-trips statements', () => {
    const source = 'block = nn.Linear(8, 8)\nnn.Sequential(block, block)'
    expect(printProgram(parse(source))).toBe(source)
  })
})
