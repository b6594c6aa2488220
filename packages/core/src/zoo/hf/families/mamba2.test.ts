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
})
