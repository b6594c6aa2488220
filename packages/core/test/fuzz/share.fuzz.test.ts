import { describe, expect, it } from 'vitest'
import { decodeShareState, encodeShareState, errorCodes, NnsizeError } from '../../src/index.js'
import type { ShareState } from '../../src/index.js'
import { mutate, prng } from './mutate.js'

const iterations = Number(process.env['NNSIZE_FUZZ_ITERATIONS'] ?? 3000)
const seed = Number(process.env['NNSIZE_FUZZ_SEED'] ?? 20261202)
const codes = new Set<string>(Object.values(errorCodes))

/** Fragments of links the playground and the CLI write: the seeds the mutations start from. */
const seeds: ShareState[] = [
  { source: 'nn.Conv2d(128, 256, 3)' },
  { source: 'nn.Linear(4, 4)', input: '2,4', device: 'cpu', torch: '1.13', mode: 'training', optimizer: 'AdamW(lr=1e-4)', batch: '8', sharding: 'full_shard', gpus: '16', lora: 'r=8,target=q_proj', units: 'si', depth: '3' },
  { source: 'llama-3.1-8b', mode: 'inference', weights: 'int4', seq: '8192', gpu: 'l4' },
  { source: 'class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(2, 3)\nNet()', input: '1,2' },
]
const fragments = seeds.map((state) => encodeShareState(state))
const HOSTILE = ['%', '%zz', '%ED%A0%80', '&&&', '==', 'src=', 'b=1000000000', '#', '\u0000', '\ud800', 'constructor=1', '__proto__=1', 'in=1,3:constructor', '+', '%2B%2B']

/** Decodes a fragment: either a state the encoder writes again (they agree on every limit), or a typed error. */
function check(fragment: string): void {
  const started = performance.now()
  let state: ShareState
  try {
    state = decodeShareState(fragment)
  } catch (error) {
    if (!NnsizeError.isInstance(error)) throw new Error(`crash on ${JSON.stringify(fragment.slice(0, 200))}: ${String(error)}`)
    if (!codes.has(error.code)) throw new Error(`unknown code ${error.code}`)
    return
  }
  try {
    decodeShareState(encodeShareState(state))
  } catch (error) {
    throw new Error(`the decoder accepted ${JSON.stringify(fragment.slice(0, 200))} but its state does not encode and decode again: ${String(error)}`)
  }
  const elapsed = performance.now() - started
  if (elapsed > 1000) throw new Error(`${JSON.stringify(fragment.slice(0, 200))} took ${elapsed.toFixed(0)} ms`)
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
}

describe('fuzzing share links', () => {
  it(`decodes ${iterations} mutated fragments to a state the encoder writes again, or to a typed error (seed ${seed})`, () => {
    const random = prng(seed)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
    for (let i = 0; i < iterations; i++) {
      const base = pick(fragments)
      check(random() < 0.5 ? mutate(base, random, HOSTILE) : `${base}&${pick(HOSTILE)}`)
    }
    expect(iterations).toBeGreaterThan(0)
  }, 120_000)
})
