import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

describe('bloom', () => {
  it('reads n_embed before hidden_size, as BloomConfig does, and has no position parameters', () => {
    const r = analyze({ model_type: 'bloom', vocab_size: 10, n_embed: 8, hidden_size: 4, n_layer: 1, n_head: 2 })
    // embeddings 80 + LayerNorm 16; block: 2 LayerNorms 32, qkv 8 × 24 + 24, dense 72, MLP 8 × 32 + 32 + 32 × 8 + 8; ln_f 16
    expect(r.params.total).toBe(80n + 16n + 32n + 216n + 72n + 288n + 264n + 16n)
    expect(r.model?.tiedEmbeddings).toBe(true)
    expect(r.model?.kvCache?.bytesPerTokenFp16).toBe(4n * 2n * 4n)
  })
})
