import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { model_type: 'xlm-roberta', vocab_size: 10, hidden_size: 4, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 8, max_position_embeddings: 6, type_vocab_size: 1 }

describe('xlmRoberta', () => {
  it('registers the head first, and still counts the tied matrix as the embeddings’', () => {
    const r = analyze({ ...tiny, architectures: ['XLMRobertaForMaskedLM'] })
    expect(r.tensors[0]?.name).toBe('lm_head.bias')
    expect(r.tensors.some((t) => t.name === 'lm_head.decoder.weight')).toBe(true)
    expect(r.tensors.some((t) => t.name === 'roberta.embeddings.word_embeddings.weight')).toBe(false)
    // word 40 + token type 4 + LayerNorm 8 + positions 24
    expect(r.model?.breakdown['embeddings']).toBe(76n)
    expect(r.model?.breakdown['lm_head']).toBe(0n)
    expect(r.params.total).toBe(analyze({ ...tiny, model_type: 'roberta', architectures: ['RobertaForMaskedLM'] }).params.total)
  })
})
