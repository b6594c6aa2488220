import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const v3 = { model_type: 'deberta-v2', vocab_size: 10, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 12, relative_attention: true, position_buckets: 4, norm_rel_ebd: 'layer_norm', share_att_key: true, pos_att_type: 'p2c|c2p', position_biased_input: false }

describe('debertaV2', () => {
  it('sizes DeBERTa-v3’s relative embeddings from position_buckets, without a position table', () => {
    const r = analyze({ ...v3, architectures: ['DebertaV2Model'] })
    expect(r.tensors.find((t) => t.name === 'encoder.rel_embeddings.weight')?.shape).toEqual([8, 8])
    expect(r.tensors.some((t) => t.name.includes('position_embeddings'))).toBe(false)
    expect(r.tensors.some((t) => t.name.includes('pos_key_proj'))).toBe(false)
    expect(r.model?.breakdown['relative_embeddings']).toBe(64n + 16n)
  })

  it('adds separate position projections when keys are not shared, and 2 × max_position_embeddings relative rows without buckets', () => {
    const r = analyze({ ...v3, share_att_key: false, position_buckets: -1, architectures: ['DebertaV2Model'] })
    expect(r.tensors.find((t) => t.name === 'encoder.rel_embeddings.weight')?.shape).toEqual([24, 8])
    expect(r.tensors.filter((t) => t.name.includes('pos_')).map((t) => t.name)).toEqual([
      'encoder.layer.0.attention.self.pos_key_proj.weight',
      'encoder.layer.0.attention.self.pos_key_proj.bias',
      'encoder.layer.0.attention.self.pos_query_proj.weight',
      'encoder.layer.0.attention.self.pos_query_proj.bias',
    ])
  })

  it('ties the legacy masked-LM decoder to the word embeddings', () => {
    const r = analyze({ ...v3, architectures: ['DebertaV2ForMaskedLM'] })
    expect(r.model?.tiedEmbeddings).toBe(true)
    expect(r.tensors.find((t) => t.name === 'cls.predictions.bias')?.shape).toEqual([10])
  })

  it('gives an untied legacy decoder its own weight and bias', () => {
    // torch 2.13 + transformers 5.18 on meta: 932 parameters.
    const r = analyze({ model_type: 'deberta-v2', architectures: ['DebertaV2ForMaskedLM'], vocab_size: 10, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 6, tie_word_embeddings: false })
    expect(r.params.total).toBe(932n)
    expect(r.tensors.filter((t) => t.name.startsWith('cls.predictions.decoder.')).map((t) => `${t.name} ${t.shape.join('×')}`)).toEqual(['cls.predictions.decoder.weight 10×8', 'cls.predictions.decoder.bias 10'])
  })

  it('sizes the classifier from hidden_size (ContextPooler.output_dim), not pooler_hidden_size', () => {
    // torch 2.13 + transformers 5.18 on meta: 813 parameters, pooler 6 → 6, classifier 3 × 8.
    const r = analyze({ model_type: 'deberta-v2', architectures: ['DebertaV2ForSequenceClassification'], vocab_size: 10, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 6, pooler_hidden_size: 6, num_labels: 3 })
    expect(r.params.total).toBe(813n)
    expect(r.tensors.find((t) => t.name === 'classifier.weight')?.shape).toEqual([3, 8])
    expect(r.model?.notes.some((n) => n.startsWith('`pooler_hidden_size` (6) differs from `hidden_size` (8)'))).toBe(true)
  })
})
