import { NnsizeError } from '../../../errors.js'
import type { ModuleNode } from '../../../model/module.js'
import { causalLM } from '../decoder.js'
import { defineFamily } from '../family.js'
import { kvCache, kvCacheNote, stateCache } from '../model.js'
import type { HFBuild, KVCacheShape } from '../model.js'
import { partialRotaryFactor } from './llama-style.js'
import { conv1d } from '../../../layers/conv.js'

/**
 * RecurrentGemma / Griffin (`RecurrentGemmaConfig`: 2560 wide, 26 layers, 10 heads, FFN 7680, vocabulary 256000,
 * `lru_width` = hidden, `conv1d_width` 4, `attention_window_size` 2048, tied). Layers follow `block_types`
 * (recurrent, recurrent, attention, repeated): a recurrent block has `linear_x`/`linear_y`/`linear_out`, a depthwise
 * `conv_1d` and the RG-LRU (per-head block-diagonal input and recurrence gates); an attention block has its own
 * rotary embedding over half of each head, and attends within the window. The MLP has `intermediate_size / 2`
 * channels, with biases. The model keeps `normalizer` (√hidden) as a bfloat16 buffer.
 */
export const recurrentGemma = defineFamily({
  name: 'RecurrentGemma',
  modelTypes: ['recurrent_gemma'],
  architectures: ['RecurrentGemmaForCausalLM', 'RecurrentGemmaModel'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 256000)
    const hidden = c.int('hidden_size', 2560)
    const layers = c.count('num_hidden_layers', 26)
    const heads = c.int('num_attention_heads', 10)
    const kvHeads = c.int('num_key_value_heads', heads)
    c.checkGroups({ key: 'num_attention_heads', value: heads }, { key: 'num_key_value_heads', value: kvHeads })
    const intermediate = Math.floor(c.int('intermediate_size', 7680) / 2)
    const lru = c.int('lru_width', hidden)
    const convWidth = c.int('conv1d_width', 4)
    const window = c.int(['attention_window_size', 'sliding_window'], 2048)
    const attentionBias = c.bool('attention_bias', false)
    const { headDim, rule } = c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
    if (lru % heads !== 0) throw new NnsizeError('config', `\`lru_width\` (${lru}) is not divisible by \`num_attention_heads\` (${heads}) (model type \`recurrent_gemma\`).`)
    const blockTypes = c.strings('block_types') ?? ['recurrent', 'recurrent', 'attention']
    if (blockTypes.length === 0 || blockTypes.some((t) => t !== 'recurrent' && t !== 'attention')) {
      throw new NnsizeError('config', '`block_types` must list `recurrent` and `attention` blocks (model type `recurrent_gemma`).')
    }
    const typeOf = (i: number): string => blockTypes[i % blockTypes.length]!
    const rotaryDim = Math.floor(headDim * partialRotaryFactor(c, 0.5))
    const perHead = lru / heads
    f.reserve(layers * 14 + 10, `A ${layers}-layer RecurrentGemma`)
    const norm = (): ModuleNode => f.rmsNorm('RecurrentGemmaRMSNorm', hidden)
    const recurrent = (): ModuleNode =>
      f.module('RecurrentGemmaRecurrentBlock', [
        ['linear_y', f.linear(hidden, lru, true)],
        ['linear_x', f.linear(hidden, lru, true)],
        ['linear_out', f.linear(lru, hidden, true)],
        ['conv_1d', f.layer(conv1d, { in_channels: lru, out_channels: lru, kernel_size: [convWidth], groups: lru, padding: [convWidth - 1], bias: true })],
        [
          'rg_lru',
          f.module('RecurrentGemmaRglru', [], [
            ['recurrent_param', [lru]],
            ['input_gate_weight', [heads, perHead, perHead]],
            ['input_gate_bias', [heads, perHead]],
            ['recurrent_gate_weight', [heads, perHead, perHead]],
            ['recurrent_gate_bias', [heads, perHead]],
          ]),
        ],
      ])
    const attention = (): ModuleNode =>
      f.module('RecurrentGemmaAttention', [
        ['q_proj', f.linear(hidden, heads * headDim, attentionBias)],
        ['k_proj', f.linear(hidden, kvHeads * headDim, attentionBias)],
        ['v_proj', f.linear(hidden, kvHeads * headDim, attentionBias)],
        ['o_proj', f.linear(heads * headDim, hidden, true)],
        ['rotary_emb', f.rotary('RecurrentGemmaRotaryEmbedding', rotaryDim)],
      ])
    const built = causalLM(f, {
      architecture,
      headClass: 'RecurrentGemmaForCausalLM',
      baseClass: 'RecurrentGemmaModel',
      basePrefix: 'model',
      embed: ['embed_tokens', f.embedding(vocab, hidden)],
      layersName: 'layers',
      layers,
      layer: (i) =>
        f.module('RecurrentGemmaDecoderLayer', [
          ['temporal_pre_norm', norm()],
          ['temporal_block', typeOf(i) === 'attention' ? attention() : recurrent()],
          ['channel_pre_norm', norm()],
          [
            'mlp_block',
            f.module('RecurrentGemmaMlp', [
              ['gate_proj', f.linear(hidden, intermediate, true)],
              ['up_proj', f.linear(hidden, intermediate, true)],
              ['down_proj', f.linear(intermediate, hidden, true)],
            ]),
          ],
        ]),
      after: [['final_norm', norm()]],
      finalNorm: 'final_norm',
      head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: false, tie: c.bool('tie_word_embeddings', true) },
    })
    const base = built.prefix === '' ? built.root : built.root.children.get('model')!
    f.buffer(base, 'normalizer', [], { dtype: 'bfloat16' })
    const attentionLayers = Array.from({ length: layers }, (_, i) => i).filter((i) => typeOf(i) === 'attention').length
    const recurrentLayers = layers - attentionLayers
    const shape: KVCacheShape = { layers: attentionLayers, kvHeads, headDim, slidingWindow: window }
    const build: HFBuild = {
      ...built,
      kvCache: attentionLayers > 0 ? kvCache(shape) : null,
      kvCacheNote: attentionLayers > 0 ? `${kvCacheNote(shape, rule, c.has('num_key_value_heads') ? 'num_key_value_heads' : 'num_key_value_heads defaults to num_attention_heads')}; the attention layers keep at most \`attention_window_size\` (${window}) tokens, and the ${recurrentLayers} recurrent layers a fixed-size state` : 'no attention layers: no KV cache',
      ...(recurrentLayers > 0
        ? { stateCache: stateCache({ layers: recurrentLayers, convElementsPerLayer: lru * (convWidth - 1), recurrentElementsPerLayer: lru, recurrentDType: 'float32' }) }
        : {}),
      notes: [],
    }
    return build
  },
})
