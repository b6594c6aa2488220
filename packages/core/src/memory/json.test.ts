import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { memoryPlanToJSON } from './json.js'
import { planMemory } from './plan.js'

describe('memoryPlanToJSON', () => {
  it('has one { bytes, formula } entry per line item, the options echoed and per-device figures', () => {
    const json = memoryPlanToJSON(planMemory(analyze('nn.Linear(500, 768)'), { optimizer: 'Adam()', gpu: 'h100-80gb' }))
    expect(Object.keys(json.memory)).toEqual(['weights', 'gradients', 'optimizerState', 'activations', 'kvCache', 'overhead', 'total'])
    expect(json.memory.optimizerState).toEqual({ bytes: 3078152, formula: expect.stringContaining('exp_avg 384,768 × 4 B') })
    expect(json.options.optimizer).toBe('torch.optim.Adam()')
    expect(json.perDevice.gpus).toBe(1)
    expect(json.perDevice.total.bytes).toBe(json.memory.total.bytes)
    expect(json.fit?.gpu.id).toBe('h100-80gb')
    expect(json.optimizer?.entries.map((e) => e.name)).toEqual(['step', 'exp_avg', 'exp_avg_sq'])
  })

  it('writes byte counts above 2^53 − 1 as decimal strings and never NaN or Infinity', () => {
    const plan = planMemory(analyze('nn.Linear(50000, 150000, bias=False)'), { mode: 'inference', weights: 'fp32', kvCache: { layers: 100_000, kvHeads: 64, headDim: 256 }, contextLength: 2_000_000_000, batch: 1000 })
    const json = memoryPlanToJSON(plan)
    expect(typeof json.memory.kvCache.bytes).toBe('string')
    expect(BigInt(json.memory.kvCache.bytes)).toBe(plan.memory.kvCache.bytes)
    const text = JSON.stringify(json)
    expect(text).not.toMatch(/NaN|Infinity/)
    expect(JSON.parse(text)).toEqual(json)
  })

  it('lists LoRA adapters', () => {
    const json = memoryPlanToJSON(planMemory(analyze("nn.ModuleDict({'q_proj': nn.Linear(8, 8)})"), { lora: { rank: 2, targets: ['q_proj'] } }))
    expect(json.lora).toEqual({ params: 32, quantizedBase: false, adapters: [{ module: 'q_proj', type: 'Linear', params: 32 }] })
    expect(json.options.lora).toEqual({ rank: 2, alpha: null, dropout: null, targets: ['q_proj'], quantizeBase: false })
  })
})
