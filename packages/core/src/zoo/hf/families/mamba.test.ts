import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { vocab_size: 10, hidden_size: 32, state_size: 4, num_hidden_layers: 2 }

describe('mamba', () => {
  it('reports a state cache, not a KV cache', () => {
    const model = analyze({ ...tiny, model_type: 'mamba' }).model!
    expect(model.kvCache).toBeNull()
    expect(model.kvCacheNote).toContain('no KV cache')
    // intermediate 64: conv 64 × 4 in fp16, SSM 64 × 4 in float32, 2 layers
    expect(model.stateCache).toEqual({ layers: 2, convElementsPerLayer: 256, recurrentElementsPerLayer: 256, recurrentDType: 'float32', bytesPerSequenceFp16: 2n * (256n * 2n + 256n * 4n) })
  })

  it('keeps the SSM state in float32 and the conv state in the model dtype, as transformers does', () => {
    // transformers 5.18, torch 2.13 (CPU): a bfloat16 MambaForCausalLM of hidden 64, state 16, 2 layers after a
    // prefill and a decode step with use_cache holds conv states (1, 128, 4) bfloat16 and SSM states (1, 128, 16)
    // float32 per layer: 18,432 bytes per sequence.
    const config = { vocab_size: 100, hidden_size: 64, state_size: 16, num_hidden_layers: 2, expand: 2, conv_kernel: 4 }
    expect(analyze({ ...config, model_type: 'mamba' }).model?.stateCache?.bytesPerSequenceFp16).toBe(18_432n)
    expect(analyze({ ...config, model_type: 'falcon_mamba' }).model?.stateCache?.bytesPerSequenceFp16).toBe(18_432n)
    // the same, 6 layers of hidden 768: 663,552 bytes
    expect(analyze({ model_type: 'mamba', vocab_size: 1000, hidden_size: 768, num_hidden_layers: 6 }).model?.stateCache?.bytesPerSequenceFp16).toBe(663_552n)
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
