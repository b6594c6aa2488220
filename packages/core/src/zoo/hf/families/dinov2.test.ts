import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

describe('dinov2', () => {
  it('rounds the SwiGLU width to a multiple of 8 and classifies from twice the hidden size', () => {
    const r = analyze({ model_type: 'dinov2', architectures: ['Dinov2ForImageClassification'], hidden_size: 24, num_hidden_layers: 1, num_attention_heads: 2, image_size: 28, patch_size: 14, use_swiglu_ffn: true, num_labels: 5 })
    // 24 × 4 = 96 → ⌊96 × 2/3⌋ = 64 → 64 (already a multiple of 8)
    expect(r.tensors.find((t) => t.name === 'dinov2.encoder.layer.0.mlp.gate_proj.weight')?.shape).toEqual([64, 24])
    expect(r.tensors.find((t) => t.name === 'classifier.weight')?.shape).toEqual([5, 48])
    expect(r.tensors.find((t) => t.name === 'dinov2.embeddings.mask_token')?.shape).toEqual([1, 24])
  })
})
