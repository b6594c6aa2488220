import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { memoryOptionNames, parseKvCacheSpec, parseMemoryOptions } from './options.js'
import { planMemory } from './plan.js'

describe('parseMemoryOptions', () => {
  it('turns command-line strings into planner options', () => {
    const o = parseMemoryOptions({ optimizer: 'AdamW(lr=1e-4)', precision: 'bf16-mixed', batch: '8', gpus: '8', zero: '3', gpu: 'h100-80gb', lora: 'r=16,alpha=32,target=q_proj|v_proj' })
    expect(typeof o.optimizer === 'object' && o.optimizer.qualifiedName).toBe('torch.optim.AdamW')
    expect(o.precision).toBe('amp-bf16')
    expect(o.batch).toBe(8)
    expect(o.gpus).toBe(8)
    expect(o.zero).toBe(3)
    expect(typeof o.gpu === 'object' && o.gpu.id).toBe('h100-80gb')
    expect(o.lora).toEqual({ rank: 16, alpha: 32, targets: ['q_proj', 'v_proj'] })
  })

  it('accepts aliases, kebab-case names, sizes and flags', () => {
    const o = parseMemoryOptions({ 'grad-accum': '4', 'gpus-per-node': 4, tp: '2', pp: 2, offload: 'cpu', 'offload-params': 'true', activations: '2MiB', overhead: '512MiB', gpu: '24GiB', units: 'GB', checkpointing: 'true', fsdp: undefined, context: '4096', kv: 'layers=32,kvHeads=8,headDim=128', 'kv-dtype': 'fp8', inference: true, weights: 'Q4_K' })
    expect(o).toMatchObject({ gradAccumulation: 4, gpusPerNode: 4, tensorParallel: 2, pipelineParallel: 2, offloadOptimizer: 'cpu', offloadParams: 'cpu', activationBytesPerSample: 2n * 1024n ** 2n, overheadBytes: 512n * 1024n ** 2n, gpu: 24n * 1024n ** 3n, units: 'si', checkpointing: 'full', contextLength: 4096, kvCacheDType: 'fp8', mode: 'inference', weights: 'q4_k' })
    expect(o.kvCache).toEqual({ layers: 32, kvHeads: 8, headDim: 128 })
    expect(parseMemoryOptions({ zero: 'stage-2' }).zero).toBe(2)
    expect(parseMemoryOptions({ fsdp: 'FULL-SHARD' }).fsdp).toBe('full_shard')
  })

  it('makes QLoRA from LoRA settings', () => {
    expect(parseMemoryOptions({ lora: 'r=8,target=all-linear', qlora: true }).lora).toEqual({ rank: 8, alpha: 8, targets: ['all-linear'], quantizeBase: true })
    expect(parseMemoryOptions({ qlora: 'r=4,target=q_proj' }).lora?.quantizeBase).toBe(true)
    expect(() => parseMemoryOptions({ qlora: true })).toThrow('QLoRA needs LoRA settings')
  })

  it('gives options a full plan can use', () => {
    const plan = planMemory(analyze('nn.Linear(64, 64)'), parseMemoryOptions({ optimizer: 'sgd', batch: '2', gpu: 't4' }))
    expect(plan.options.optimizer).toBe('torch.optim.SGD()')
    expect(plan.fit?.fits).toBe(true)
  })

  it('names the flag in every error and suggests close option names', () => {
    expect(() => parseMemoryOptions({ batch: '0' })).toThrow('`batch` must be a positive whole number')
    expect(() => parseMemoryOptions({ batch: '-2' })).toThrow('`batch`')
    expect(() => parseMemoryOptions({ batch: '8x' })).toThrow('`batch` must be a whole number')
    expect(() => parseMemoryOptions({ batch: true })).toThrow('`batch` must be a whole number')
    expect(() => parseMemoryOptions({ zero: '4' })).toThrow('`zero` must be a ZeRO stage')
    expect(() => parseMemoryOptions({ fsdp: 'shard' })).toThrow('`fsdp` must be one of')
    expect(parseMemoryOptions({ batchsize: '8' }).batch).toBe(8)
    expect(() => parseMemoryOptions({ gpuz: '2' })).toThrow(/Unknown memory option `gpuz`\. Did you mean `gpu` or `gpus`/)
    expect(() => parseMemoryOptions({ units: 'bits' })).toThrow('`units`')
    expect(() => parseMemoryOptions({ gpu: 'h1000' })).toThrow('Unknown GPU')
    expect(() => parseMemoryOptions({ optimizer: 'AdamW(lr=1e-4, nesterov=True)' })).toThrow('has no argument `nesterov`')
    expect(() => parseMemoryOptions({ mode: 'fly' })).toThrow('`mode` must be one of')
    expect(() => parseMemoryOptions(null as never)).toThrow('must be an object')
  })

  it('lists its option names for help text', () => {
    expect(Object.keys(memoryOptionNames)).toContain('optimizer')
    expect(memoryOptionNames['gradAccumulation']).toContain('grad-accum')
  })
})

describe('parseKvCacheSpec', () => {
  it('reads key=value pairs and JSON', () => {
    expect(parseKvCacheSpec('layers=80,kvHeads=8,headDim=128,slidingWindow=4096')).toEqual({ layers: 80, kvHeads: 8, headDim: 128, slidingWindow: 4096 })
    expect(parseKvCacheSpec('{"layers": 61, "latentDim": 576}')).toEqual({ layers: 61, latentDim: 576 })
    expect(parseKvCacheSpec('layers=42,kvHeads=8,headDim=256,slidingWindow=4096,slidingWindowLayers=21')).toEqual({ layers: 42, kvHeads: 8, headDim: 256, slidingWindow: 4096, slidingWindowLayers: 21 })
    expect(() => parseKvCacheSpec('layers=42,kvHeads=8,headDim=256,slidingWindowLayers=21')).toThrow('needs `slidingWindow`')
  })
  it('rejects unknown fields and malformed text', () => {
    expect(() => parseKvCacheSpec('layers=80,heads=8,headDim=128')).toThrow(/Unknown KV cache field `heads`/)
    expect(() => parseKvCacheSpec('{layers')).toThrow('not valid JSON')
    expect(() => parseKvCacheSpec('layers')).toThrow('look like')
    expect(() => parseKvCacheSpec('layers=x,kvHeads=8,headDim=128')).toThrow('`layers`')
  })
})
