import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { planMemory } from './index.js'
import { memoryPlanToJSON } from '../present/index.js'

const mlp = analyze('nn.Sequential(nn.Linear(32, 64), nn.GELU(), nn.Dropout(0.1), nn.Linear(64, 8))', { input: '4,32' })
const llama = analyze({ architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_key_value_heads: 2, num_hidden_layers: 2, vocab_size: 100 })

describe('planMemory invariants', () => {
  it('training memory never shrinks as the batch grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 512 }), fc.integer({ min: 0, max: 512 }), fc.constantFrom('AdamW()', 'SGD(lr=0.1, momentum=0.9)', 'Adagrad()'), (batch, extra, optimizer) => {
        const small = planMemory(mlp, { batch, optimizer }).perDevice.total.bytes
        const large = planMemory(mlp, { batch: batch + extra, optimizer }).perDevice.total.bytes
        expect(large >= small).toBe(true)
      }),
      { seed: 23, numRuns: 60 },
    )
  })

  it('inference memory never shrinks as the context or the batch grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 64 }), (tokens, extra, batch) => {
        const short = planMemory(llama, { mode: 'inference', contextLength: tokens, batch }).perDevice.total.bytes
        const long = planMemory(llama, { mode: 'inference', contextLength: tokens + extra, batch }).perDevice.total.bytes
        const wider = planMemory(llama, { mode: 'inference', contextLength: tokens, batch: batch + 1 }).perDevice.total.bytes
        expect(long >= short).toBe(true)
        expect(wider >= short).toBe(true)
      }),
      { seed: 29, numRuns: 60 },
    )
  })

  it('JSON of a plan parses and holds no NaN or Infinity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 64 }), fc.constantFrom('0', '1', '2', '3'), (batch, gpus, zero) => {
        const text = JSON.stringify(memoryPlanToJSON(planMemory(mlp, { batch, gpus, zero: Number(zero) as 0 | 1 | 2 | 3 })))
        expect(text).not.toMatch(/NaN|Infinity/)
        expect(() => JSON.parse(text)).not.toThrow()
      }),
      { seed: 31, numRuns: 60 },
    )
  })
})
