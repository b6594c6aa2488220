import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { analysisToJSON } from '../format/json.js'

/** Random small layers as source text. */
const layerArb = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }), fc.boolean()).map(([i, o, b]) => `nn.Linear(${i}, ${o}, bias=${b ? 'True' : 'False'})`),
  fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 })).map(([g, c, k]) => `nn.Conv2d(${g * c}, ${g * 2}, ${k}, groups=${g})`),
  fc.constant('nn.ReLU()'),
  fc.constant('nn.Identity()'),
)

describe('counting invariants', () => {
  it('counts are non-negative integers and add up over a Sequential', () => {
    fc.assert(
      fc.property(fc.array(layerArb, { minLength: 1, maxLength: 6 }), (layers) => {
        const whole = analyze(`nn.Sequential(${layers.join(', ')})`)
        const parts = layers.map((l) => analyze(l).params.total)
        expect(whole.params.total).toBe(parts.reduce((a, b) => a + b, 0n))
        expect(whole.params.total >= 0n).toBe(true)
        expect(whole.params.trainable + whole.params.frozen).toBe(whole.params.total)
      }),
      { seed: 7, numRuns: 150 },
    )
  })

  it('sharing never double counts: [m] * n counts m once', () => {
    fc.assert(
      fc.property(layerArb, fc.integer({ min: 1, max: 20 }), (layer, n) => {
        const shared = analyze(`m = ${layer}\nnn.Sequential(*[m] * ${n})`)
        expect(shared.params.total).toBe(analyze(layer).params.total)
        const separate = analyze(`nn.Sequential(*[${layer} for _ in range(${n})])`)
        expect(separate.params.total).toBe(analyze(layer).params.total * BigInt(n))
      }),
      { seed: 11, numRuns: 100 },
    )
  })

  it('freezing moves counts from trainable to frozen without changing the total', () => {
    fc.assert(
      fc.property(layerArb, layerArb, (a, b) => {
        const r = analyze(`nn.Sequential(${a}.requires_grad_(False), ${b})`)
        expect(r.params.frozen).toBe(analyze(a).params.total)
        expect(r.params.total).toBe(analyze(a).params.total + analyze(b).params.total)
      }),
      { seed: 13, numRuns: 100 },
    )
  })

  it('JSON output always parses and holds no NaN or Infinity', () => {
    fc.assert(
      fc.property(fc.array(layerArb, { minLength: 1, maxLength: 4 }), (layers) => {
        const text = JSON.stringify(analysisToJSON(analyze(`nn.Sequential(${layers.join(', ')})`)))
        expect(text).not.toMatch(/NaN|Infinity|null/)
        expect(() => JSON.parse(text)).not.toThrow()
      }),
      { seed: 17, numRuns: 100 },
    )
  })
})
