import { describe, expect, it } from 'vitest'
import { analyze, limits } from '../src/index.js'
import { errorOf } from './support.js'

describe('limits', () => {
  it('are the documented values', () => {
    expect(limits).toEqual({
      maxSourceChars: 1_000_000,
      maxNestingDepth: 500,
      maxModules: 100_000,
      maxListLength: 100_000,
      maxDimension: 2 ** 53 - 1,
      maxSteps: 2_000_000,
      maxItems: 5_000_000,
      maxStringChars: 10_000_000,
      maxIntBits: 65_536,
      maxCallDepth: 200,
      maxModuleDepth: 1_000,
      maxWeightsHeaderBytes: 100_000_000,
      maxWeightsTensors: 1_000_000,
    })
  })

  it('stop a program that builds more modules than the limit', () => {
    const e = errorOf(() => analyze('nn.ModuleList([nn.Sequential(*[nn.ReLU() for _ in range(60_000)]) for _ in range(2)])'))
    expect(e.code).toBe('limit')
    expect(e.message).toBe('The model has more than 100,000 modules, the limit.')
  })

  it('stop lists longer than the limit, from repetition, range or concatenation', () => {
    expect(errorOf(() => analyze('nn.Sequential(*[nn.ReLU()] * 1_000_000)')).message).toBe('Repeating this list makes 1,000,000 items; the limit is 100,000.')
    // `range` is lazy now: spreading 200,000 of its items into one call is what stops.
    expect(errorOf(() => analyze('nn.Sequential(*range(200_000))')).message).toBe('A call with more than 100,000 arguments; the limit is 100,000.')
  })

  it('stop sizes beyond exact integers, while products of sizes stay exact', () => {
    expect(errorOf(() => analyze('nn.Linear(2 ** 53, 1)')).code).toBe('limit')
    expect(analyze('nn.Linear(2 ** 40, 2 ** 40, bias=False)').params.total).toBe(2n ** 80n)
  })

  it('stop deep nesting without overflowing the stack', () => {
    // Python itself allows 200 nested parentheses; the parser says so as CPython does.
    const parens = errorOf(() => analyze(`${'('.repeat(100_000)}nn.ReLU()${')'.repeat(100_000)}`))
    expect(parens.code).toBe('syntax')
    expect(parens.message).toBe('too many nested parentheses')
    expect(errorOf(() => analyze(`x = ${Array.from({ length: 100_000 }, () => '1').join(' + ')}`)).code).toBe('limit')
  })
})
