import { describe, expect, it } from 'vitest'
import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import type { Expr, Stmt } from './ast.js'
import { parse } from './parse.js'
import { highlightTokens } from './tokenize.js'
import { unparse } from './unparse.js'

/** The error `parse` raises for `source`, checking that it is an NnsizeError and comes fast. */
function parseError(source: string): NnsizeError {
  const started = performance.now()
  let caught: unknown
  try {
    parse(source)
  } catch (error) {
    caught = error
  }
  const elapsed = performance.now() - started
  expect(NnsizeError.isInstance(caught), `${String(caught)}`).toBe(true)
  expect(elapsed).toBeLessThan(1000)
  return caught as NnsizeError
}

const deep = 100_000

describe('nesting is bounded for every recursive construct: a clear error, never a stack overflow', () => {
  it.each([
    ['brackets', `x = ${'('.repeat(deep)}1${')'.repeat(deep)}\n`, 'syntax', 'too many nested parentheses'],
    ['lists', `x = ${'['.repeat(deep)}${']'.repeat(deep)}\n`, 'syntax', 'too many nested parentheses'],
    ['attribute chains', `nn${'.a'.repeat(deep)}\n`, 'limit', undefined],
    ['call chains', `range${'()'.repeat(deep)}\n`, 'limit', undefined],
    ['subscript chains', `x${'[0]'.repeat(deep)}\n`, 'limit', undefined],
    ['unary minus', `x = ${'-'.repeat(deep)}1\n`, 'limit', undefined],
    ['not', `x = ${'not '.repeat(deep)}x\n`, 'limit', undefined],
    ['binary operators', `x = 1${' + 1'.repeat(deep)}\n`, 'limit', undefined],
    ['powers', `x = 2${' ** 2'.repeat(deep)}\n`, 'limit', undefined],
    ['lambdas', `f = ${'lambda: '.repeat(deep)}0\n`, 'limit', undefined],
    ['conditional expressions', `x = ${'a if b else '.repeat(deep / 10)}c\n`, 'limit', undefined],
    ['elif chains', `if a:\n    pass\n${'elif a:\n    pass\n'.repeat(deep / 10)}`, 'limit', undefined],
    ['blocks', `${Array.from({ length: 120 }, (_, i) => `${' '.repeat(i)}if 1:\n`).join('')}${' '.repeat(120)}pass\n`, 'syntax', 'too many levels of indentation'],
    ['f-strings', `x = ${'f"{'.repeat(200)}1${'}"'.repeat(200)}\n`, 'syntax', undefined],
    ['patterns', `match x:\n    case ${'('.repeat(deep)}a${')'.repeat(deep)}:\n        pass\n`, 'syntax', 'too many nested parentheses'],
    ['starred', `x = ${'*'.repeat(deep)}a\n`, 'syntax', 'invalid syntax'],
  ] as const)('%s', (_, source, code, message) => {
    const error = parseError(source)
    expect(error.code).toBe(code)
    if (message) expect(error.message).toBe(message)
    if (code === 'limit') expect(error.message).toBe(`The input nests deeper than ${limits.maxNestingDepth} levels, the limit.`)
    expect(error.span!.start).toBeGreaterThanOrEqual(0)
    expect(error.span!.end).toBeLessThanOrEqual(source.length)
  })

  it('accepts nesting up to the limit, and every tree it builds prints and parses back', () => {
    for (const source of [
      `x = ${'-'.repeat(400)}1\n`,
      `x = nn${'.a'.repeat(400)}\n`,
      `x = f${'()'.repeat(400)}\n`,
      `x = 1${' + 1'.repeat(400)}\n`,
      `x = 2${' ** 2'.repeat(400)}\n`,
      `f = ${'lambda: '.repeat(400)}0\n`,
      `x = ${'('.repeat(200)}1${')'.repeat(200)}\n`,
    ]) {
      const tree = parse(source)
      expect(parse(unparse(tree)).body).toHaveLength(1)
    }
  })

  it('reads long flat chains without nesting: `and`, comparisons, string concatenation, lists, statements', () => {
    const n = 30_000
    const body = parse(`x = ${Array(n).fill('a').join(' and ')}\ny = ${Array(n).fill('a').join(' < ')}\nz = ${'"s" '.repeat(n)}\nw = [${'1, '.repeat(n)}]\n${'pass\n'.repeat(n)}`).body
    const values = (body.slice(0, 4) as Array<Extract<Stmt, { type: 'Assign' }>>).map((s) => s.value)
    expect((values[0] as Extract<Expr, { type: 'BoolOp' }>).values).toHaveLength(n)
    expect((values[1] as Extract<Expr, { type: 'Compare' }>).comparators).toHaveLength(n - 1)
    expect((values[2] as Extract<Expr, { type: 'Constant' }>).value).toBe('s'.repeat(n))
    expect((values[3] as Extract<Expr, { type: 'List' }>).elts).toHaveLength(n)
    expect(body).toHaveLength(4 + n)
  })
})

describe('source size', () => {
  /** A realistic file of about `chars` characters: the same model class repeated. */
  function modelFile(chars: number): string {
    const block = (k: number): string => `class Block${k}(nn.Module):
    def __init__(self, dim: int = 64, heads: int = 4) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x):
        h = self.norm(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.norm(x))  # f"{x.shape=}"

`
    const parts: string[] = []
    let size = 0
    for (let k = 0; size < chars; k++) {
      const text = block(k)
      parts.push(text)
      size += text.length
    }
    return parts.join('').slice(0, chars - 1) + '\n'
  }

  it('parses a file of limits.maxSourceChars characters (its speed is measured in bench/python.bench.ts)', () => {
    const source = modelFile(limits.maxSourceChars)
    const text = source.slice(0, source.lastIndexOf('\nclass ') + 1)
    expect(text.length).toBeGreaterThan(limits.maxSourceChars - 1000)
    const tree = parse(text)
    expect(tree.body.length).toBeGreaterThan(1000)
    expect(highlightTokens(text).length).toBeGreaterThan(100_000)
  })

  it('refuses one character more with a limit error', () => {
    const error = parseError('#'.repeat(limits.maxSourceChars) + '\n')
    expect(error.code).toBe('limit')
    expect(error.message).toBe('The input is 1,000,001 characters long; the limit is 1,000,000.')
  })
})
