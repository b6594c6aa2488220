import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

describe('whisper', () => {
  it('freezes the encoder’s sinusoidal positions, ties proj_out and reports no per-token KV figure', () => {
    const r = analyze({ model_type: 'whisper', architectures: ['WhisperForConditionalGeneration'], vocab_size: 10, num_mel_bins: 4, d_model: 8, encoder_layers: 1, decoder_layers: 1, encoder_attention_heads: 2, decoder_attention_heads: 2, encoder_ffn_dim: 16, decoder_ffn_dim: 16, max_source_positions: 6, max_target_positions: 5 })
    expect(r.tensors.find((t) => t.name === 'model.encoder.embed_positions.weight')).toMatchObject({ shape: [6, 8], trainable: false })
    expect(r.params.frozen).toBe(48n)
    expect(r.model?.tiedEmbeddings).toBe(true)
    expect(r.tensors.find((t) => t.name === 'model.encoder.conv1.weight')?.shape).toEqual([8, 4, 3])
    expect(r.model?.kvCache).toBeNull()
    expect(r.model?.kvCacheNote).toContain('cross-attention keys and values of the 6 encoder states (192 bytes per sequence in fp16)')
  })
})
