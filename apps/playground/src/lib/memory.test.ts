import { describe, expect, it } from 'vitest'
import { analyze, formatBytes } from '@nnsize/core'
import { barGeometry, computeMemory, kvCacheSpec, memoryMode, rawMemoryOptions, stackedLines } from './memory.ts'

describe('memoryMode', () => {
  it('is training when the link names an optimizer, inference otherwise', () => {
    expect(memoryMode({ source: 'x', optimizer: 'Adam' })).toBe('training')
    expect(memoryMode({ source: 'x', optimizer: '  ' })).toBe('inference')
    expect(memoryMode({ source: 'x' })).toBe('inference')
  })
})

describe('rawMemoryOptions', () => {
  it('reads the precision field as a training precision or a served weight format', () => {
    const analysis = analyze('Linear(4, 4)')
    expect(rawMemoryOptions({ source: '', optimizer: 'AdamW', precision: 'bf16-mixed' }, analysis)).toMatchObject({ mode: 'training', precision: 'bf16-mixed', weights: undefined })
    expect(rawMemoryOptions({ source: '', precision: 'int8' }, analysis)).toMatchObject({ mode: 'inference', precision: undefined, weights: 'int8' })
  })

  it('sends a ZeRO stage as `zero` and an FSDP strategy as `fsdp`, for training only', () => {
    const analysis = analyze('Linear(4, 4)')
    expect(rawMemoryOptions({ source: '', optimizer: 'Adam', zero: '3' }, analysis)).toMatchObject({ zero: '3', fsdp: undefined })
    expect(rawMemoryOptions({ source: '', optimizer: 'Adam', zero: 'full_shard' }, analysis)).toMatchObject({ zero: undefined, fsdp: 'full_shard' })
    expect(rawMemoryOptions({ source: '', zero: '3' }, analysis)).toMatchObject({ zero: undefined, fsdp: undefined })
  })

  it('passes activation bytes per sample only when no forward pass was traced', () => {
    expect(rawMemoryOptions({ source: '', activations: '1.5GiB', optimizer: 'Adam' }, analyze('gpt2')).activations).toBe('1.5GiB')
    expect(rawMemoryOptions({ source: '', activations: '1.5GiB' }, analyze('Linear(4, 4)')).activations).toBe('1.5GiB')
    expect(rawMemoryOptions({ source: '', activations: '1.5GiB' }, analyze('Linear(4, 4)', { input: '2,4' })).activations).toBeUndefined()
    const outcome = computeMemory(analyze('gpt2'), { source: '', optimizer: 'AdamW', batch: 2, activations: '1GiB' })
    expect(outcome.ok && outcome.plan.memory.activations.bytes).toBe(2n * 1024n ** 3n)
  })

  it('passes a context length only for inference of a model with a KV cache', () => {
    expect(rawMemoryOptions({ source: '', seq: 1024 }, analyze('gpt2')).context).toBe(1024)
    expect(rawMemoryOptions({ source: '', seq: 1024 }, analyze('Linear(4, 4)')).context).toBeUndefined()
    expect(rawMemoryOptions({ source: '', seq: 1024, optimizer: 'Adam' }, analyze('gpt2')).context).toBeUndefined()
  })
})

describe('computeMemory', () => {
  it('plans training with Adam: weights, gradients and two moments per parameter', () => {
    const analysis = analyze('Conv2d(128, 256, 3)', { input: '1,128,56,56' })
    const outcome = computeMemory(analysis, { source: analysis.input, optimizer: 'Adam', gpu: 'h100-80gb' })
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    const { perDevice, fit } = outcome.plan
    expect(perDevice.weights.bytes).toBe(analysis.params.bytes)
    expect(perDevice.gradients.bytes).toBe(analysis.params.bytes)
    expect(perDevice.optimizerState.formula).toContain('exp_avg_sq')
    expect(fit?.fits).toBe(true)
  })

  it('plans inference with a KV cache from a Hugging Face model', () => {
    const analysis = analyze('gpt2')
    const outcome = computeMemory(analysis, { source: 'gpt2', seq: 1024, batch: 1 })
    expect(outcome.ok && outcome.plan.perDevice.kvCache.bytes).toBeGreaterThan(0n)
    expect(outcome.ok && outcome.plan.perDevice.gradients.bytes).toBe(0n)
  })

  it('reports a bad option as a message naming it, never throwing', () => {
    const outcome = computeMemory(analyze('Linear(4, 4)'), { source: '', optimizer: 'Adamm' })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.message).toMatch(/Adam/)
  })

  it('reports a LoRA setting on a model without matching layers', () => {
    const outcome = computeMemory(analyze('Conv2d(3, 8, 3)'), { source: '', optimizer: 'AdamW', lora: 'r=8,target=q_proj' })
    expect(outcome.ok).toBe(false)
  })
})

describe('kvCacheSpec', () => {
  it('renames a model’s KV cache fields for the planner', () => {
    expect(kvCacheSpec({ layers: 2, kvHeads: 4, headDim: 8, bytesPerTokenFp16: 256n })).toEqual({ layers: 2, kvHeads: 4, headDim: 8, slidingWindow: undefined, slidingWindowLayers: undefined, latentDim: undefined })
    expect(kvCacheSpec({ layers: 4, kvHeads: 1, headDim: 8, windowedLayers: { count: 2, window: 512 }, bytesPerTokenFp16: 0n })).toMatchObject({ slidingWindow: 512, slidingWindowLayers: 2 })
  })
})

describe('barGeometry', () => {
  it('stacks the non-zero lines left to right and places the capacity line on the same scale', () => {
    const analysis = analyze('nn.Sequential(nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 1024))', { input: '8,1024' })
    const outcome = computeMemory(analysis, { source: analysis.input, optimizer: 'Adam', gpu: 't4' })
    if (!outcome.ok) throw new Error(outcome.message)
    const { segments, capacityX } = barGeometry(outcome.plan)
    expect(segments.map((s) => s.key)).toEqual(['weights', 'gradients', 'optimizerState', 'activations', 'overhead'])
    expect(segments[0]!.x).toBe(0)
    for (let i = 1; i < segments.length; i++) expect(segments[i]!.x).toBeCloseTo(segments[i - 1]!.x + segments[i - 1]!.width, 3)
    expect(capacityX).toBe(100)
    const end = segments.at(-1)!.x + segments.at(-1)!.width
    expect(end).toBeLessThan(100)
    // The labels are the core's bytes.
    expect(formatBytes(segments[0]!.bytes)).toBe(formatBytes(analysis.params.bytes))
  })

  it('scales to the total when the plan exceeds the capacity', () => {
    const analysis = analyze('llama-3.1-8b')
    const outcome = computeMemory(analysis, { source: 'llama-3.1-8b', optimizer: 'AdamW', gpu: 't4' })
    if (!outcome.ok) throw new Error(outcome.message)
    const { segments, capacityX } = barGeometry(outcome.plan)
    const end = segments.at(-1)!.x + segments.at(-1)!.width
    expect(end).toBeCloseTo(100, 2)
    expect(capacityX).toBeLessThan(100)
    expect(outcome.plan.fit?.fits).toBe(false)
  })

  it('lists every line the per-GPU total adds up', () => {
    expect(stackedLines.map(([key]) => key)).toEqual(['weights', 'gradients', 'optimizerState', 'activations', 'kvCache', 'gatheredWeights', 'overhead'])
  })
})
