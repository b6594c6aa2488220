import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { model_type: 'modernbert', vocab_size: 10, hidden_size: 8, num_hidden_layers: 4, num_attention_heads: 2, intermediate_size: 6 }

describe('modernBert', () => {
  it('has no attention norm in layer 0, no biases by default, and a GeGLU of twice intermediate_size', () => {
    const r = analyze({ ...tiny, architectures: ['ModernBertModel'] })
    const names = r.tensors.map((t) => t.name)
    expect(names).not.toContain('layers.0.attn_norm.weight')
    expect(names).toContain('layers.1.attn_norm.weight')
    expect(names.some((n) => n.endsWith('.bias'))).toBe(false)
    expect(r.tensors.find((t) => t.name === 'layers.0.mlp.Wi.weight')?.shape).toEqual([12, 8])
  })

  it('keeps one pair of rotary frequencies per attention type', () => {
    const buffers = analyze({ ...tiny, architectures: ['ModernBertModel'] }).tensors.filter((t) => t.kind === 'buffer').map((t) => t.name)
    expect(buffers).toEqual(['rotary_emb.full_attention_inv_freq', 'rotary_emb.full_attention_original_inv_freq', 'rotary_emb.sliding_attention_inv_freq', 'rotary_emb.sliding_attention_original_inv_freq'])
  })

  it('ties the masked-LM decoder, which keeps its bias', () => {
    const r = analyze({ ...tiny, architectures: ['ModernBertForMaskedLM'] })
    expect(r.model?.tiedEmbeddings).toBe(true)
    expect(r.tensors.find((t) => t.name === 'decoder.bias')?.shape).toEqual([10])
  })
})
