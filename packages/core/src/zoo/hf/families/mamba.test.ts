import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { vocab_size: 10, hidden_size: 32, state_size: 4, num_hidden_layers: 2 }

describe('mamba', () => {
  it('reports a state cache, not a KV cache', () => {
    const model = analyze({ ...tiny, model_type: 'mamba' }).model!
    expect(model.kvCache).toBeNull()
    expect(model.kvCacheNote).toContain('no KV cache')
    // intermediate 64: conv 64 × 4, SSM 64 × 4, fp16, 2 layers
    expect(model.stateCache).toEqual({ layers: 2, convElementsPerLayer: 256, recurrentElementsPerLayer: 256, bytesPerSequenceFp16: 2n * 512n * 2n })
  })

  it('derives time_step_rank from "auto" as ceil(hidden / 16)', () => {
    const r = analyze({ ...tiny, model_type: 'mamba', hidden_size: 40, time_step_rank: 'auto' })
    expect(r.tensors.find((t) => t.name === 'backbone.layers.0.mixer.dt_proj.weight')?.shape).toEqual([80, 3])
  })
})

describe('falconMamba', () => {
  it('keeps unit weights of its Δ/B/C norms as non-persistent buffers', () => {
    const r = analyze({ ...tiny, model_type: 'falcon_mamba' })
    expect(r.params.total).toBe(analyze({ ...tiny, model_type: 'mamba' }).params.total)
    expect(r.tensors.find((t) => t.name === 'backbone.layers.0.mixer.b_layernorm.weight')).toMatchObject({ kind: 'buffer', shape: [4], persistent: false })
  })
})
