import { describe, expect, it } from 'vitest'
import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { spanOf } from './ast.js'
import { parse, parseExpression } from './parse.js'

function errorOf(source: string): NnsizeError {
  try {
    parse(source)
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error(`expected ${source} to fail`)
}

describe('parse', () => {
  it('parses a call with positional and keyword arguments and spans', () => {
    const expr = parseExpression('nn.Conv2d(128, 256, kernel_size=3)')
    expect(expr.type).toBe('call')
    if (expr.type !== 'call') return
    expect(spanOf(expr)).toEqual({ start: 0, end: 34 })
    expect(expr.args.map((a) => a.type)).toEqual(['int', 'int', 'keyword'])
    const kw = expr.args[2]!
    expect(kw.type === 'keyword' && kw.name).toBe('kernel_size')
    expect(spanOf(kw)).toEqual({ start: 20, end: 33 })
  })

  it('reads ints exactly, with underscores, and floats', () => {
    const list = parseExpression('[1_000, 123456789012345678901234567890, 1e-5, 0x10, 2.5]')
    expect(list.type === 'list' && list.items.map((i) => (i.type === 'int' || i.type === 'float' ? i.value : null))).toEqual([
      1000n,
      123456789012345678901234567890n,
      1e-5,
      16n,
      2.5,
    ])
  })

  it('splits statements on newlines and semicolons, joins lines inside brackets', () => {
    const program = parse('block = nn.Sequential(\n  nn.Linear(8, 8),\n  nn.ReLU())\nnn.Sequential(block, block); 3')
    expect(program.statements.map((s) => s.type)).toEqual(['assign', 'expr', 'expr'])
  })

  it('parses comprehensions, repetition, unary minus and power with Python precedence', () => {
    const expr = parseExpression('[nn.Linear(d, d) for d in range(3)]')
    expect(expr.type).toBe('listcomp')
    const power = parseExpression('-2 ** 2')
    expect(power.type === 'unary' && power.operand.type).toBe('binary')
  })

  it('skips comments', () => {
    expect(parse('# a layer\nnn.ReLU()  # trailing').statements).toHaveLength(1)
  })

  it('refuses lambda, import and def with a clear message and span', () => {
    const lambda = errorOf('nn.Sequential(lambda x: x)')
    expect(lambda.code).toBe('unsupported-syntax')
    expect(lambda.message).toContain('lambda')
    expect(lambda.span).toEqual({ start: 14, end: 20 })
    expect(errorOf('import os').code).toBe('unsupported-syntax')
    expect(errorOf('def f(): pass').code).toBe('unsupported-syntax')
  })

  it('points at an unclosed bracket', () => {
    const e = errorOf('nn.Sequential(nn.Linear(2, 3)')
    expect(e.code).toBe('syntax')
    expect(e.message).toContain('never closed')
  })

  it('rejects an empty input', () => {
    expect(errorOf('  \n # nothing').message).toContain('empty')
  })

  it('rejects a stray character with its position', () => {
    const e = errorOf('nn.Linear(2, 3) $')
    expect(e.message).toBe('Unexpected character `$`.')
    expect(e.span).toEqual({ start: 16, end: 17 })
  })

  it('rejects a positional argument after a keyword argument', () => {
    expect(errorOf('nn.Linear(in_features=2, 3)').message).toContain('positional argument cannot follow')
  })

  it('bounds nesting depth with a limit error instead of overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const e = errorOf(deep)
    expect(e.code).toBe('limit')
    expect(e.message).toContain(String(limits.maxNestingDepth))
  })

  it('accepts nesting up to the limit', () => {
    const depth = limits.maxNestingDepth - 2
    expect(() => parse(`${'('.repeat(depth)}1${')'.repeat(depth)}`)).not.toThrow()
  })

  it('bounds the input size', () => {
    const e = errorOf('1'.repeat(limits.maxSourceChars + 1))
    expect(e.code).toBe('limit')
  })
})

describe('parse: long operator chains', () => {
  it('bounds the depth of a long chain of operators', () => {
    expect(errorOf(Array.from({ length: 100_000 }, () => '1').join(' + ')).code).toBe('limit')
  })
})
