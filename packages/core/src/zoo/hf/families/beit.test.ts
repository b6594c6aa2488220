import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

describe('beit', () => {
  it('sizes the relative-position table from the patch grid, with three extra rows for the class token', () => {
    const r = analyze({ model_type: 'beit', architectures: ['BeitForImageClassification'], hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, image_size: 48, patch_size: 8, use_relative_position_bias: true })
    // 6 × 6 patches: (2 × 6 − 1)² + 3 = 124 rows, one column per head
    expect(r.tensors.find((t) => t.name === 'beit.layers.0.relative_position_bias.relative_position_bias_table')?.shape).toEqual([124, 2])
    expect(r.tensors.find((t) => t.name === 'beit.layers.0.attention.k_proj.bias')).toBeUndefined()
    expect(r.tensors.find((t) => t.name === 'beit.pooler.layernorm.weight')?.shape).toEqual([8])
  })
})
