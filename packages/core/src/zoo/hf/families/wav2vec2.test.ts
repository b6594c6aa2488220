import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { model_type: 'wav2vec2', hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, conv_dim: [4, 6], conv_stride: [5, 2], conv_kernel: [10, 3], num_conv_pos_embeddings: 4, num_conv_pos_embedding_groups: 2 }

describe('wav2vec2', () => {
  it('weight-normalises the positional convolution and normalises only the first feature convolution in group mode', () => {
    const r = analyze({ ...tiny, architectures: ['Wav2Vec2Model'] })
    expect(r.tensors.filter((t) => t.name.startsWith('encoder.pos_conv_embed')).map((t) => `${t.name} ${t.shape.join('×')}`)).toEqual([
      'encoder.pos_conv_embed.conv.bias 8',
      'encoder.pos_conv_embed.conv.parametrizations.weight.original0 1×1×4',
      'encoder.pos_conv_embed.conv.parametrizations.weight.original1 8×4×4',
    ])
    expect(r.tensors.filter((t) => t.name.includes('conv_layers') && t.name.includes('layer_norm')).map((t) => t.name)).toEqual(['feature_extractor.conv_layers.0.layer_norm.weight', 'feature_extractor.conv_layers.0.layer_norm.bias'])
    expect(r.tensors[0]?.name).toBe('masked_spec_embed')
    expect(analyze({ ...tiny, architectures: ['Wav2Vec2Model'], mask_time_prob: 0 }).tensors.some((t) => t.name === 'masked_spec_embed')).toBe(false)
  })

  it('refuses adapters, which it does not model', () => {
    expect(() => analyze({ ...tiny, add_adapter: true })).toThrow('`add_adapter`')
  })
})
