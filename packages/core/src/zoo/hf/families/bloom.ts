import { causalLM } from '../decoder.js'
import { defineFamily } from '../family.js'
import { kvCache, kvCacheNote } from '../model.js'
import type { KVCacheShape } from '../model.js'

/**
 * BLOOM (`BloomConfig`: `hidden_size` 64 (`n_embed` in older configs, which wins), `n_layer` 2, `n_head` 8,
 * vocabulary 250880, tied): ALiBi positions (no position parameters), a LayerNorm after the word embeddings,
 * fused `query_key_value` and a 4 × hidden MLP, biases everywhere.
 */
export const bloom = defineFamily({
  name: 'BLOOM',
  modelTypes: ['bloom'],
  architectures: ['BloomForCausalLM', 'BloomModel'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 250880)
    const hidden = c.int(['n_embed', 'hidden_size'], 64)
    const layers = c.count(['n_layer', 'num_hidden_layers'], 2)
    const heads = c.int(['n_head', 'num_attention_heads'], 8)
    const hiddenKey = c.has('n_embed') ? 'n_embed' : 'hidden_size'
    const headsKey = c.has('n_head') || !c.has('num_attention_heads') ? 'n_head' : 'num_attention_heads'
    const { headDim, rule } = c.headDim({ key: hiddenKey, value: hidden }, { key: headsKey, value: heads }, null)
    f.reserve(layers * 10 + 10, `A ${layers}-layer BLOOM`)
    const built = causalLM(f, {
      architecture,
      headClass: 'BloomForCausalLM',
      baseClass: 'BloomModel',
      basePrefix: 'transformer',
      embed: ['word_embeddings', f.embedding(vocab, hidden)],
      beforeLayers: [['word_embeddings_layernorm', f.layerNorm(hidden)]],
      layersName: 'h',
      layers,
      layer: () =>
        f.module('BloomBlock', [
          ['input_layernorm', f.layerNorm(hidden)],
          ['self_attention', f.module('BloomAttention', [['query_key_value', f.linear(hidden, 3 * hidden, true)], ['dense', f.linear(hidden, hidden, true)]])],
          ['post_attention_layernorm', f.layerNorm(hidden)],
          ['mlp', f.module('BloomMLP', [['dense_h_to_4h', f.linear(hidden, 4 * hidden, true)], ['dense_4h_to_h', f.linear(4 * hidden, hidden, true)]])],
        ]),
      after: [['ln_f', f.layerNorm(hidden)]],
      finalNorm: 'ln_f',
      head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: false, tie: c.bool('tie_word_embeddings', true) },
    })
    const shape: KVCacheShape = { layers, kvHeads: heads, headDim }
    return { ...built, kvCache: kvCache(shape), kvCacheNote: kvCacheNote(shape, rule, headsKey), notes: [] }
  },
})
