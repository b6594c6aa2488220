import * as core from '@nnsize/core'
import { describe, expect, it } from 'vitest'
import { memoryOptions, optimizerError, planFor } from './memory.js'
import { notShared, wantsMemory } from './options.js'

const linear = core.analyze('nn.Linear(64, 64)')
const llama = core.analyze({ architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 1000, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2 })

describe('wantsMemory', () => {
  it('is true when a memory option was given', () => {
    expect(wantsMemory(new Set(['input', 'depth']))).toBe(false)
    expect(wantsMemory(new Set(['gpu']))).toBe(true)
  })
})

describe('memoryOptions', () => {
  it('maps the flags onto the planner’s options', () => {
    const o = memoryOptions({ optimizer: 'SGD', batch: 4, gradAccum: 2, gpus: 2, zero: '2', offload: 'cpu', units: 'si' })
    expect([typeof o.optimizer === 'object' && o.optimizer.name, o.batch, o.gradAccumulation, o.gpus, o.zero, o.offloadOptimizer, o.units]).toEqual(['SGD', 4, 2, 2, 2, 'cpu', 'si'])
  })
  it('takes an FSDP strategy in --zero', () => {
    const o = memoryOptions({ zero: 'full_shard', gpus: 2 })
    expect([o.zero, o.fsdp]).toEqual([undefined, 'full_shard'])
  })
  it('takes --seq as the context of the KV cache, which the planner sizes from the model', () => {
    const o = memoryOptions({ inference: true, seq: 512 })
    expect([o.mode, o.contextLength]).toEqual(['inference', 512])
    expect(planFor(llama, { inference: true, seq: 512 }).memory.kvCache.bytes).toBe(2n * 2n * 2n * 16n * 2n * 512n)
  })
})

describe('optimizerError', () => {
  it('returns the error of a misspelt optimizer argument, with its span in the text', () => {
    const error = optimizerError('SGD(lr=0.1, momentun=0.9)')
    expect(core.NnsizeError.isInstance(error)).toBe(true)
    expect((error as core.NnsizeError).span).toEqual({ start: 12, end: 24 })
    expect(optimizerError('SGD(lr=0.1, momentum=0.9)')).toBeUndefined()
  })
})

describe('planFor', () => {
  it('plans with the options given', () => {
    expect(planFor(linear, { optimizer: 'Adam' }).memory.optimizerState.bytes).toBe(8n + 8n * 4160n)
  })
})

describe('notShared', () => {
  it('names only options the playground link cannot hold', () => {
    expect(notShared).not.toContain('optimizer')
    expect(notShared).toContain('inference')
  })
})
