import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyze, analysisToJSON, errorCodes, NnsizeError } from '../../src/index.js'
import { referenceDir } from '../conformance/reference.js'
import { mutate, prng } from './mutate.js'

const iterations = Number(process.env['NNSIZE_FUZZ_ITERATIONS'] ?? 3000) / 3
const seed = Number(process.env['NNSIZE_FUZZ_SEED'] ?? 20261129)
const codes = new Set<string>(Object.values(errorCodes))
const configs = readFileSync(resolve(referenceDir, 'hf.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { config: Record<string, unknown> }).config)

const HOSTILE_VALUES: unknown[] = [-1, 0, 1e308, 2 ** 60, 3.5, '', 'x', null, true, [], {}, [1, 2], { __proto__: { polluted: 1 } }, 'LlamaForCausalLM', Number.MAX_SAFE_INTEGER]

function check(input: string | Record<string, unknown>): void {
  const started = performance.now()
  try {
    const text = JSON.stringify(analysisToJSON(analyze(input)))
    if (/NaN|Infinity/.test(text)) throw new Error('non-finite number in JSON')
  } catch (error) {
    if (!NnsizeError.isInstance(error)) throw new Error(`crash on ${JSON.stringify(input).slice(0, 300)}: ${String(error)}`)
    if (!codes.has(error.code)) throw new Error(`unknown code ${error.code}`)
  }
  const elapsed = performance.now() - started
  if (elapsed > 5000) throw new Error(`${JSON.stringify(input).slice(0, 200)} took ${elapsed.toFixed(0)} ms`)
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
}

describe('fuzzing the config importer', () => {
  it(`answers or raises a typed error for ${iterations} mutated configs and ${iterations} mutated JSON texts (seed ${seed})`, () => {
    const random = prng(seed)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
    for (let i = 0; i < iterations; i++) {
      const config: Record<string, unknown> = JSON.parse(JSON.stringify(pick(configs))) as Record<string, unknown>
      const keys = Object.keys(config)
      for (let e = 0; e < 1 + Math.floor(random() * 3); e++) {
        const key = pick(keys)
        if (random() < 0.3) delete config[key]
        else config[key] = pick(HOSTILE_VALUES)
      }
      if (random() < 0.1) config['__proto__'] = { architectures: ['Evil'] }
      // Shrink the big ones so each case stays quick: the importer's cost grows with layers and experts.
      for (const k of ['num_hidden_layers', 'n_layer', 'num_layers', 'num_decoder_layers']) if (typeof config[k] === 'number' && (config[k] as number) > 4) config[k] = 2
      check(config)
      check(mutate(JSON.stringify(pick(configs)), random, []))
    }
    expect(iterations).toBeGreaterThan(0)
  }, 120_000)
})
