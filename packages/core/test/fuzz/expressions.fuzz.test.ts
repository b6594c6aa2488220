import { describe, expect, it } from 'vitest'
import { analyze, analysisToJSON, errorCodes, NnsizeError } from '../../src/index.js'
import { inputShapesOf, readCases } from '../conformance/reference.js'
import { mutate, prng } from './mutate.js'

const iterations = Number(process.env['NNSIZE_FUZZ_ITERATIONS'] ?? 3000)
const seed = Number(process.env['NNSIZE_FUZZ_SEED'] ?? 20261129)
const codes = new Set<string>(Object.values(errorCodes))

/** Inputs that once broke the engine; each stays a regression test. */
const regressions: string[] = []

function check(source: string, input?: number[][]): void {
  const started = performance.now()
  try {
    const result = analyze(source, input ? { input, device: 'cpu' } : {})
    const text = JSON.stringify(analysisToJSON(result))
    if (/NaN|Infinity/.test(text)) throw new Error(`non-finite number in JSON for ${JSON.stringify(source)}`)
  } catch (error) {
    if (!NnsizeError.isInstance(error)) {
      throw new Error(`crash on ${JSON.stringify(source)}${input ? ` with input ${JSON.stringify(input)}` : ''}: ${String(error)}`)
    }
    if (!codes.has(error.code)) throw new Error(`unknown code ${error.code} for ${JSON.stringify(source)}`)
    if (error.span && (error.span.start < 0 || error.span.end > source.length || error.span.start > error.span.end)) {
      throw new Error(`span ${JSON.stringify(error.span)} outside the source ${JSON.stringify(source)}`)
    }
  }
  const elapsed = performance.now() - started
  if (elapsed > 3000) throw new Error(`${JSON.stringify(source.slice(0, 200))} took ${elapsed.toFixed(0)} ms`)
}

describe('fuzzing the expression language', () => {
  const cases = readCases('layers.jsonl')
  const sources = cases.map((c) => c.expr)

  it('keeps earlier crashing inputs fixed', () => {
    for (const source of regressions) check(source)
  })

  it(`answers or raises a typed error for ${iterations} mutated reference expressions (seed ${seed})`, () => {
    const random = prng(seed)
    for (let i = 0; i < iterations; i++) {
      const c = cases[Math.floor(random() * cases.length)]!
      const mutated = mutate(c.expr, random, sources)
      check(mutated, random() < 0.5 ? inputShapesOf(c) : undefined)
    }
    expect(iterations).toBeGreaterThan(0)
  }, 120_000)
})
