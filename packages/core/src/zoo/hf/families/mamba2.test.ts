import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

describe('mamba2', () => {
  it('sizes in_proj, conv1d and the state from heads, groups and state size', () => {
    const r = analyze({ model_type: 'mamba2', vocab_size: 10, hidden_size: 16, num_hidden_layers: 1, num_heads: 4, head_dim: 8, state_size: 2, n_groups: 1 })
    // intermediate 32; conv channels 32 + 2 × 1 × 2 = 36; in_proj 32 + 36 + 4 = 72
    expect(r.tensors.find((t) => t.name === 'backbone.layers.0.mixer.in_proj.weight')?.shape).toEqual([72, 16])
    expect(r.tensors.find((t) => t.name === 'backbone.layers.0.mixer.conv1d.weight')?.shape).toEqual([36, 1, 4])
    expect(r.model?.stateCache).toMatchObject({ layers: 1, convElementsPerLayer: 36 * 4, recurrentElementsPerLayer: 4 * 8 * 2 })
    expect(r.model?.tiedEmbeddings).toBe(false)
  })

  it('keeps the SSM state in float32 and the conv state in the model dtype, as transformers does', () => {
    // transformers 5.18, torch 2.13 (CPU): a bfloat16 Mamba2ForCausalLM (hidden 64, 8 heads of 16, 2 groups, state 16,
    // 2 layers) after a prefill and a decode step holds conv states (1, 192, 4) bfloat16 and SSM states (1, 8, 16, 16)
    // float32 per layer: 19,456 bytes per sequence.
    const r = analyze({ model_type: 'mamba2', vocab_size: 100, hidden_size: 64, state_size: 16, num_hidden_layers: 2, num_heads: 8, head_dim: 16, n_groups: 2, expand: 2, conv_kernel: 4 })
    expect(r.model?.stateCache).toMatchObject({ recurrentDType: 'float32', bytesPerSequenceFp16: 19_456n })
  })
})
