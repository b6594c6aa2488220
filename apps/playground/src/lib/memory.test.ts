import { describe, expect, it } from 'vitest'
import { analyze } from '@nnsize/core'
import { memoryFormula } from '@nnsize/core/present'
import { computeMemory, memoryMode } from './memory.ts'

describe('memoryMode', () => {
  it('follows the mode field, and for older links the optimizer: training with one, inference otherwise', () => {
    expect(memoryMode({ source: 'x', mode: 'training' })).toBe('training')
    expect(memoryMode({ source: 'x', mode: 'inference', optimizer: 'Adam' })).toBe('inference')
    expect(memoryMode({ source: 'x', optimizer: 'Adam' })).toBe('training')
    expect(memoryMode({ source: 'x', optimizer: '  ' })).toBe('inference')
    expect(memoryMode({ source: 'x' })).toBe('inference')
  })
})

describe('computeMemory', () => {
  it('plans training with Adam: weights, gradients and two moments per parameter', () => {
    const analysis = analyze('Conv2d(128, 256, 3)', { input: '1,128,56,56' })
    const outcome = computeMemory(analysis, { source: analysis.input, mode: 'training', optimizer: 'Adam', gpu: 'h100-80gb' })
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    const { perDevice, fit } = outcome.plan
    expect(perDevice.weights.bytes).toBe(analysis.params.bytes)
    expect(perDevice.gradients.bytes).toBe(analysis.params.bytes)
    expect(memoryFormula(perDevice.optimizerState)).toContain('exp_avg_sq')
    expect(fit?.fits).toBe(true)
  })

  it('trains with AdamW when the optimizer field is left empty', () => {
    const outcome = computeMemory(analyze('Linear(4, 4)'), { source: '', mode: 'training', optimizer: '' })
    expect(outcome.ok && outcome.plan.options.optimizer).toBe('torch.optim.AdamW()')
  })

  it('plans inference with a KV cache from a Hugging Face model', () => {
    const analysis = analyze('gpt2')
    const outcome = computeMemory(analysis, { source: 'gpt2', seq: '1024', batch: '1' })
    expect(outcome.ok && outcome.plan.perDevice.kvCache.bytes).toBeGreaterThan(0n)
    expect(outcome.ok && outcome.plan.perDevice.gradients.bytes).toBe(0n)
  })

  it('leaves out the fields of the other mode, as the form hides them', () => {
    const outcome = computeMemory(analyze('Linear(4, 4)'), { source: '', mode: 'inference', sharding: '3', optimizer: 'SGD', weights: 'int8' })
    expect(outcome.ok && outcome.plan.options).toMatchObject({ mode: 'inference', zero: null, weights: 'int8' })
    expect(outcome.ok && outcome.plan.notes.map((n) => n.code)).not.toContain('optimizer-ignored-in-inference')
  })

  it('counts activation bytes per sample only for a model without a traced forward pass', () => {
    const gpt2 = computeMemory(analyze('gpt2'), { source: '', mode: 'training', batch: '2', activationBytes: '1GiB' })
    expect(gpt2.ok && gpt2.plan.memory.activations.bytes).toBe(2n * 1024n ** 3n)
    const traced = computeMemory(analyze('Linear(4, 4)', { input: '2,4' }), { source: '', mode: 'training', activationBytes: '1GiB' })
    expect(traced.ok && traced.plan.memory.activations.bytes).toBeLessThan(1024n)
  })

  it('reports a bad option as a message naming the page\'s field, never throwing', () => {
    const outcome = computeMemory(analyze('Linear(4, 4)'), { source: '', mode: 'training', optimizer: 'Adamm' })
    expect(outcome).toMatchObject({ ok: false, field: 'optimizer', message: expect.stringContaining('Unknown optimizer `Adamm`') })
    expect(computeMemory(analyze('Linear(4, 4)'), { source: '', batch: '0' })).toEqual({ ok: false, field: 'batch', message: '“Batch per GPU” must be a whole number from 1 to 1,000,000,000, got `0`.' })
  })

  it('reports a LoRA setting on a model without matching layers', () => {
    const outcome = computeMemory(analyze('Conv2d(3, 8, 3)'), { source: '', mode: 'training', lora: 'r=8,target=q_proj' })
    expect(outcome.ok).toBe(false)
  })

  it('writes notes with the page\'s names for fields, never command-line flags', async () => {
    const { planNotes } = await import('@nnsize/core')
    const { pageFieldLabel } = await import('./fields.ts')
    const outcome = computeMemory(analyze('Linear(4, 4)'), { source: '', mode: 'training' })
    const notes = outcome.ok ? planNotes(outcome.plan.notes, { fieldLabel: pageFieldLabel }) : []
    expect(notes).toEqual(['Activations are not counted: give an input shape (“Input shape”) or activation bytes per sample (“Activations per sample”).'])
    expect(notes.join(' ')).not.toMatch(/--|contextLength|activationBytes/)
  })
})
