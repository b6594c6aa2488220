import type { ModuleNode } from '../../../model/module.js'
import { causalLM } from '../decoder.js'
import { defineFamily } from '../family.js'
import { kvCache, kvCacheNote } from '../model.js'
import type { KVCacheShape } from '../model.js'
import { everyLayerWindow, partialRotaryFactor } from './llama-style.js'

/**
 * Falcon (`FalconConfig`: `hidden_size` 4544, 32 layers, 71 heads, vocabulary 65024, `multi_query`,
 * `parallel_attn`, no biases, tied head). The fused `query_key_value` holds `heads` query heads and
 * 1 (multi-query), `num_kv_heads` (`new_decoder_architecture`) or `heads` key/value heads.
 */
export const falcon = defineFamily({
  name: 'Falcon',
  modelTypes: ['falcon'],
  architectures: ['FalconForCausalLM', 'FalconModel'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 65024)
    const hidden = c.int('hidden_size', 4544)
    const layers = c.count(['num_hidden_layers', 'n_layer'], 32)
    const heads = c.int(['num_attention_heads', 'n_head'], 71)
    const newArchitecture = c.bool('new_decoder_architecture', false)
    const multiQuery = c.bool('multi_query', true)
    const parallel = c.bool('parallel_attn', true)
    const bias = c.bool('bias', false)
    const ffn = c.int('ffn_hidden_size', 4 * hidden)
    const { headDim, rule } = c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
    let kvHeads = heads
    let kvRule = 'num_attention_heads'
    if (newArchitecture) {
      kvHeads = c.int(['num_kv_heads', 'n_head_kv'], heads)
      c.checkGroups({ key: 'num_attention_heads', value: heads }, { key: 'num_kv_heads', value: kvHeads })
      kvRule = 'num_kv_heads'
    } else if (multiQuery) {
      kvHeads = 1
      kvRule = 'multi_query'
    }
    const lnCount = parallel ? c.int('num_ln_in_parallel_attn', newArchitecture ? 2 : 1) : 2
    const norms = (): Array<readonly [string, ModuleNode]> => {
      if (!parallel) return [['post_attention_layernorm', f.layerNorm(hidden)], ['input_layernorm', f.layerNorm(hidden)]]
      if (lnCount === 2) return [['ln_attn', f.layerNorm(hidden)], ['ln_mlp', f.layerNorm(hidden)]]
      return [['input_layernorm', f.layerNorm(hidden)]]
    }
    const alibi = c.bool('alibi', false)
    f.reserve(layers * 10 + 10, `A ${layers}-layer Falcon`)
    const built = causalLM(f, {
      architecture,
      headClass: 'FalconForCausalLM',
      baseClass: 'FalconModel',
      basePrefix: 'transformer',
      embed: ['word_embeddings', f.embedding(vocab, hidden)],
      layersName: 'h',
      layers,
      layer: () =>
        f.module('FalconDecoderLayer', [
          ['self_attention', f.module('FalconAttention', [['query_key_value', f.linear(hidden, (heads + 2 * kvHeads) * headDim, bias, 'FalconLinear')], ['dense', f.linear(hidden, hidden, bias, 'FalconLinear')]])],
          ['mlp', f.module('FalconMLP', [['dense_h_to_4h', f.linear(hidden, ffn, bias, 'FalconLinear')], ['dense_4h_to_h', f.linear(ffn, hidden, bias, 'FalconLinear')]])],
          ...norms(),
        ]),
      // transformers 5 builds the rotary embedding even when the model uses ALiBi.
      after: [['ln_f', f.layerNorm(hidden)], ['rotary_emb', f.rotary('FalconRotaryEmbedding', headDim)]],
      finalNorm: 'ln_f',
      head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: false, tie: c.bool('tie_word_embeddings', true) },
    })
    const shape: KVCacheShape = { layers, kvHeads, headDim }
    const expanded = newArchitecture && kvHeads < heads
    return {
      ...built,
      kvCache: kvCache(shape),
      kvCacheNote: kvCacheNote(shape, rule, kvRule),
      // FalconAttention of transformers 5 repeats each KV head for its query heads before caching.
      notes: expanded ? [`transformers' own cache holds keys and values expanded to all ${heads} query heads (${kvCache({ ...shape, kvHeads: heads }).bytesPerTokenFp16} bytes per token in fp16); the KV-cache figure is the ${kvHeads} KV heads that serving engines keep.`] : [],
    }
  },
})

/**
 * Phi-1, Phi-1.5, Phi-2 (`PhiConfig`: 2048 wide, 24 layers, 32 heads, FFN 8192, vocabulary 51200):
 * biased q/k/v/`dense` and `fc1`/`fc2`, one LayerNorm per block, `lm_head` with bias. Configs of the
 * older `phi-msft` code (`n_embd`, `n_head`, `n_layer`, `n_inner`, `rotary_dim`) are read too.
 */
export const phi = defineFamily({
  name: 'Phi',
  modelTypes: ['phi', 'phi-msft'],
  architectures: ['PhiForCausalLM', 'PhiModel'],
  build(c, architecture, f) {
    const legacy = c.modelType === 'phi-msft'
    const vocab = c.int('vocab_size', 51200)
    const hidden = c.int(['hidden_size', 'n_embd'], 2048)
    const layers = c.count(['num_hidden_layers', 'n_layer'], 24)
    const heads = c.int(['num_attention_heads', 'n_head'], 32)
    const kvHeads = c.int(['num_key_value_heads', 'n_head_kv'], heads)
    const hiddenKey = c.has('hidden_size') ? 'hidden_size' : 'n_embd'
    const headsKey = c.has('num_attention_heads') ? 'num_attention_heads' : 'n_head'
    c.checkGroups({ key: headsKey, value: heads }, { key: 'num_key_value_heads', value: kvHeads })
    const intermediate = c.int(['intermediate_size', 'n_inner'], legacy ? 4 * hidden : 8192)
    const { headDim, rule } = c.headDim({ key: hiddenKey, value: hidden }, { key: headsKey, value: heads }, null)
    const rotaryDim = c.optionalInt('rotary_dim') ?? Math.floor(headDim * partialRotaryFactor(c, 0.5))
    const qkNorm = c.bool('qk_layernorm', false)
    f.reserve(layers * 10 + 10, `A ${layers}-layer Phi`)
    const built = causalLM(f, {
      architecture,
      headClass: 'PhiForCausalLM',
      baseClass: 'PhiModel',
      basePrefix: 'model',
      embed: ['embed_tokens', f.embedding(vocab, hidden)],
      layersName: 'layers',
      layers,
      layer: () =>
        f.module('PhiDecoderLayer', [
          [
            'self_attn',
            f.module('PhiAttention', [
              ['q_proj', f.linear(hidden, heads * headDim, true)],
              ['k_proj', f.linear(hidden, kvHeads * headDim, true)],
              ['v_proj', f.linear(hidden, kvHeads * headDim, true)],
              ['dense', f.linear(heads * headDim, hidden, true)],
              ...(qkNorm
                ? ([
                    ['q_layernorm', f.layerNorm(headDim)],
                    ['k_layernorm', f.layerNorm(headDim)],
                  ] as const)
                : []),
            ]),
          ],
          ['mlp', f.module('PhiMLP', [['fc1', f.linear(hidden, intermediate, true)], ['fc2', f.linear(intermediate, hidden, true)]])],
          ['input_layernorm', f.layerNorm(hidden)],
        ]),
      after: [
        ['rotary_emb', f.rotary('PhiRotaryEmbedding', rotaryDim)],
        ['final_layernorm', f.layerNorm(hidden)],
      ],
      finalNorm: 'final_layernorm',
      head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: true, tie: c.bool('tie_word_embeddings', false) },
    })
    const shape: KVCacheShape = { layers, kvHeads, headDim }
    return {
      ...built,
      kvCache: kvCache(shape),
      kvCacheNote: kvCacheNote(shape, rule, c.has('num_key_value_heads') || c.has('n_head_kv') ? 'num_key_value_heads' : 'num_key_value_heads defaults to num_attention_heads'),
      notes: legacy ? ['`phi-msft` config: built as transformers\' `PhiForCausalLM`, whose tensor names the checkpoint now uses.'] : [],
    }
  },
})

/**
 * Phi-3 and Phi-3.5 (`Phi3Config`: 3072 wide, 32 layers, 32 heads, FFN 8192, vocabulary 32064):
 * fused `qkv_proj` and `gate_up_proj`, RMSNorm, no biases, untied.
 */
export const phi3 = defineFamily({
  name: 'Phi-3',
  modelTypes: ['phi3'],
  architectures: ['Phi3ForCausalLM', 'Phi3Model'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 32064)
    const hidden = c.int('hidden_size', 3072)
    const layers = c.count('num_hidden_layers', 32)
    const heads = c.int('num_attention_heads', 32)
    const kvHeads = c.int('num_key_value_heads', heads)
    c.checkGroups({ key: 'num_attention_heads', value: heads }, { key: 'num_key_value_heads', value: kvHeads })
    const intermediate = c.int('intermediate_size', 8192)
    const { headDim, rule } = c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads })
    const attentionBias = c.bool('attention_bias', false)
    const rotaryDim = Math.floor(headDim * partialRotaryFactor(c))
    f.reserve(layers * 10 + 10, `A ${layers}-layer Phi-3`)
    const norm = (): ModuleNode => f.rmsNorm('Phi3RMSNorm', hidden)
    const built = causalLM(f, {
      architecture,
      headClass: 'Phi3ForCausalLM',
      baseClass: 'Phi3Model',
      basePrefix: 'model',
      embed: ['embed_tokens', f.embedding(vocab, hidden)],
      layersName: 'layers',
      layers,
      layer: () =>
        f.module('Phi3DecoderLayer', [
          [
            'self_attn',
            f.module('Phi3Attention', [
              ['o_proj', f.linear(heads * headDim, hidden, attentionBias)],
              ['qkv_proj', f.linear(hidden, (heads + 2 * kvHeads) * headDim, attentionBias)],
            ]),
          ],
          ['mlp', f.module('Phi3MLP', [['gate_up_proj', f.linear(hidden, 2 * intermediate, false)], ['down_proj', f.linear(intermediate, hidden, false)]])],
          ['input_layernorm', norm()],
          ['post_attention_layernorm', norm()],
        ]),
      after: [
        ['norm', norm()],
        ['rotary_emb', f.rotary('Phi3RotaryEmbedding', rotaryDim)],
      ],
      finalNorm: 'norm',
      head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: false, tie: c.bool('tie_word_embeddings', false) },
    })
    const shape: KVCacheShape = { layers, kvHeads, headDim, ...everyLayerWindow()(c) }
    return {
      ...built,
      kvCache: kvCache(shape),
      kvCacheNote: kvCacheNote(shape, rule, c.has('num_key_value_heads') ? 'num_key_value_heads' : 'num_key_value_heads defaults to num_attention_heads'),
      notes: [],
    }
  },
})
