import { describe, expect, it } from 'vitest'
import { analyze, analysisToJSON } from '../index.js'
import { limits } from '../limits.js'
import { failure } from '../../test/interpret.js'

/** The error `source` stops with, and how long it took. Each must stop well within a second; the bound here is loose for loaded CI machines. */
function stops(source: string): { code: string; message: string; ms: number } {
  const started = performance.now()
  const e = failure(() => analyze(source))
  const ms = performance.now() - started
  expect(ms, source.slice(0, 80)).toBeLessThan(5000)
  expect(e.message.length, 'messages stay short').toBeLessThan(400)
  return { code: e.code, message: e.message, ms }
}

describe('one budget bounds all work of a Python program (issue #12)', () => {
  it('an endless loop and a 10^12-iteration loop stop on the step budget', () => {
    expect(stops('while True:\n    pass').code).toBe('too-many-steps')
    expect(stops('for i in range(10**12):\n    pass').code).toBe('too-many-steps')
    expect(stops('x = sum(range(10**12))').code).toBe('too-many-steps')
    expect(stops('def f():\n    while True:\n        yield 1\nlist(f())').code).toBe('too-many-steps')
  }, 30_000)

  it('repetitions check their size before doing the work: [] * 10**18 is empty at once', () => {
    expect(analyze('x = [] * 10**18\nnn.Sequential(*x)').params.total).toBe(0n)
    expect(stops('x = [0] * 10**18').code).toBe('limit')
    expect(stops("x = 'ab' * 10**18").code).toBe('string-too-long')
  }, 30_000)

  it('nested comprehensions have a total budget, and range is lazy', () => {
    expect(stops('x = [[0]*100000 for _ in range(3000)]').code).toBe('too-many-items')
    // Ranges are lazy: 100,000 of them are 100,000 small objects.
    expect(analyze('x = [range(100000) for _ in range(100000)]\nnn.Linear(len(x), 1)').params.total).toBe(100_001n)
    expect(stops('x = [list(range(100000)) for _ in range(100000)]').code).toBe('too-many-steps')
  }, 30_000)

  it('"did you mean" on a 200,000-character unknown name is not quadratic', () => {
    const { code, ms } = stops(`${'a'.repeat(200_000)}`)
    expect(code).toBe('unknown-name')
    expect(ms).toBeLessThan(5000)
  }, 30_000)

  it('80,000 dict keys are checked for duplicates by hashing', () => {
    const keys = Array.from({ length: 80_000 }, (_, i) => `${i}:0`).join(',')
    expect(analyze(`d = {${keys}}\nnn.Linear(len(d), 1)`).params.total).toBe(80_001n)
  }, 30_000)

  it('big integers are bounded by bit length before they are computed, with short messages', () => {
    const e = stops('x = (2**4096)**4096')
    expect(e.code).toBe('int-too-large')
    expect(e.message).toBe(`This integer would have 16,781,312 bits; the limit is ${limits.maxIntBits.toLocaleString('en-US')}.`)
    expect(stops('x = 10**100000').code).toBe('int-too-large')
    expect(stops('x = 1 << 10**9').code).toBe('int-too-large')
    expect(stops('x = 3\nfor _ in range(40):\n    x = x * x').code).toBe('int-too-large')
  }, 30_000)

  it('doubling a string 30 times stops on the string budget', () => {
    expect(stops('s = "a"\nfor _ in range(30):\n    s = s + s\nx = [0 for c in s]').code).toBe('string-too-long')
    expect(stops('s = "a"\nfor _ in range(30):\n    s = f"{s}{s}"').code).toBe('string-too-long')
  }, 30_000)

  it('unbounded recursion stops on the call depth budget', () => {
    expect(stops('def f(n):\n    return f(n + 1)\nf(0)').code).toBe('too-deep')
    const deep = `def f(n):\n    return ${'('.repeat(190)}f(n + 1)${')'.repeat(190)}\nf(0)`
    expect(['too-deep', 'syntax']).toContain(stops(deep).code)
  }, 30_000)

  it('x = nn.Sequential(x) 30,000 times stops on the module depth limit; 900 levels give bounded JSON', () => {
    const deep = `x = nn.Identity()\nfor _ in range(30000):\n    x = nn.Sequential(x)\nx`
    const e = stops(deep)
    expect(e.code).toBe('limit')
    expect(e.message).toContain(`deeper than ${limits.maxModuleDepth.toLocaleString('en-US')} levels`)
    const ok = analyze(`x = nn.Identity()\nfor _ in range(900):\n    x = nn.Sequential(x)\nx`)
    expect(JSON.stringify(analysisToJSON(ok)).length).toBeLessThan(5_000_000)
  }, 30_000)

  it('every module created counts, also Python classes and copies', () => {
    const e = stops('class M(nn.Module):\n    pass\nxs = [M() for _ in range(200000)]')
    expect(e.code).toBe('limit')
  }, 30_000)

  it('9 KB of chained attributes, calls or subscripts stop on the nesting limit, not the stack', () => {
    for (const chain of [`nn${'.a'.repeat(3000)}`, `range${'()'.repeat(3000)}`, `x = [0]\nx${'[0]'.repeat(3000)}`]) {
      const e = stops(chain)
      expect(e.code).toBe('limit')
      expect(e.message).toBe('The input nests deeper than 500 levels, the limit.')
    }
  }, 30_000)
})

describe('JS-object names are ordinary Python names (issue #12)', () => {
  it('as variables, attributes of modules, dict keys and library members', () => {
    expect(analyze('constructor = nn.ReLU()\nconstructor').module).toBe('ReLU')
    expect(analyze('__proto__ = nn.Linear(2, 3)\n__proto__').params.total).toBe(9n)
    expect(analyze('toString = 2\nvalueOf = 3\nhasOwnProperty = 4\nnn.Linear(toString, valueOf + hasOwnProperty)').params.total).toBe(21n)
    const cls = 'class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.constructor = nn.Linear(2, 2)\n        self.__proto__ = nn.Linear(2, 2)\nM()'
    expect(analyze(cls).tensors.map((t) => t.name)).toEqual(['constructor.weight', 'constructor.bias', '__proto__.weight', '__proto__.bias'])
    expect(analyze("d = {'constructor': 1, '__proto__': 2}\nnn.Linear(d['constructor'], d['__proto__'])").params.total).toBe(4n)
    expect(failure(() => analyze('nn.constructor')).message).toBe('`nn.constructor` is not supported yet.')
  })
})
