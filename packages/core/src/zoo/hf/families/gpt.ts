import type { ModuleNode, TensorDef } from '../../../model/module.js'
import { causalLM } from '../decoder.js'
import type { CausalLMBuild } from '../decoder.js'
import type { ModuleFactory } from '../modules.js'
import { defineFamily } from '../family.js'
import { kvCache, kvCacheNote } from '../model.js'
import type { HFBuild, KVCacheShape } from '../model.js'
import { partialRotaryFactor } from './llama-style.js'

// GPT-2, GPT-J, GPT-NeoX (Pythia) and OPT: learned or rotary positions, LayerNorm with bias.

/**
 * GPT-2 (`GPT2Config`: `n_embd` 768, `n_layer` 12, `n_head` 12, `n_positions` 1024, `n_inner` = 4 × `n_embd`).
 * Attention and MLP use `Conv1D`, whose weight is stored (in, out). `lm_head` is tied to `wte` by default.
 */
/**
 * GPT-2's layout, shared by GPT-2 and GPT-BigCode: `transformer` holding `wte`, `wpe`, the blocks `h` and `ln_f`,
 * and an untied or tied `lm_head`.
 */
export function gpt2LayoutLM(
  f: ModuleFactory,
  spec: { architecture: string; headClass: string; baseClass: string; vocab: number; positions: number; hidden: number; layers: number; block: () => ModuleNode; tie: boolean },
): CausalLMBuild {
  const { vocab, positions, hidden } = spec
  return causalLM(f, {
    architecture: spec.architecture,
    headClass: spec.headClass,
    baseClass: spec.baseClass,
    basePrefix: 'transformer',
    embed: ['wte', f.embedding(vocab, hidden)],
    beforeLayers: [['wpe', f.embedding(positions, hidden)]],
    layersName: 'h',
    layers: spec.layers,
    layer: spec.block,
    after: [['ln_f', f.layerNorm(hidden)]],
    finalNorm: 'ln_f',
    head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: false, tie: spec.tie },
  })
}

export const gpt2 = defineFamily({
  name: 'GPT-2',
  modelTypes: ['gpt2'],
  architectures: ['GPT2LMHeadModel', 'GPT2Model'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 50257)
    const positions = c.int(['n_positions', 'max_position_embeddings'], 1024)
    const hidden = c.int(['n_embd', 'hidden_size'], 768)
    const layers = c.count(['n_layer', 'num_hidden_layers'], 12)
    const heads = c.int(['n_head', 'num_attention_heads'], 12)
    const inner = c.int('n_inner', 4 * hidden)
    const hiddenKey = c.has('n_embd') || !c.has('hidden_size') ? 'n_embd' : 'hidden_size'
    const headsKey = c.has('n_head') || !c.has('num_attention_heads') ? 'n_head' : 'num_attention_heads'
    const { headDim, rule } = c.headDim({ key: hiddenKey, value: hidden }, { key: headsKey, value: heads }, null)
    const crossAttention = c.bool('add_cross_attention', false)
    f.reserve(layers * 12 + 10, `A ${layers}-layer GPT-2`)
    const block = (): ModuleNode =>
      f.module('GPT2Block', [
        ['ln_1', f.layerNorm(hidden)],
        ['attn', f.module('GPT2Attention', [['c_attn', f.conv1D(hidden, 3 * hidden)], ['c_proj', f.conv1D(hidden, hidden)]])],
        ['ln_2', f.layerNorm(hidden)],
        ...(crossAttention
          ? ([
              ['crossattention', f.module('GPT2Attention', [['c_attn', f.conv1D(hidden, 2 * hidden)], ['q_attn', f.conv1D(hidden, hidden)], ['c_proj', f.conv1D(hidden, hidden)]])],
              ['ln_cross_attn', f.layerNorm(hidden)],
            ] as const)
          : []),
        ['mlp', f.module('GPT2MLP', [['c_fc', f.conv1D(hidden, inner)], ['c_proj', f.conv1D(inner, hidden)]])],
      ])
    const built = gpt2LayoutLM(f, { architecture, headClass: 'GPT2LMHeadModel', baseClass: 'GPT2Model', vocab, positions, hidden, layers, block, tie: c.bool('tie_word_embeddings', true) })
    const shape: KVCacheShape = { layers, kvHeads: heads, headDim }
    return { ...built, kvCache: kvCache(shape), kvCacheNote: kvCacheNote(shape, rule, headsKey), notes: [] }
  },
})

/**
 * GPT-J (`GPTJConfig`: `n_embd` 4096, `n_layer` 28, `n_head` 16, `n_positions` 2048, `vocab_size` 50400): bias-free
 * attention, `lm_head` with bias, untied. Each attention keeps its sine/cosine table (`embed_positions`,
 * `n_positions` × `rotary_dim`) as a non-persistent buffer.
 */
export const gptj = defineFamily({
  name: 'GPT-J',
  modelTypes: ['gptj'],
  architectures: ['GPTJForCausalLM', 'GPTJModel'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 50400)
    const hidden = c.int(['n_embd', 'hidden_size'], 4096)
    const layers = c.count(['n_layer', 'num_hidden_layers'], 28)
    const heads = c.int(['n_head', 'num_attention_heads'], 16)
    const inner = c.int('n_inner', 4 * hidden)
    const { headDim, rule } = c.headDim({ key: 'n_embd', value: hidden }, { key: 'n_head', value: heads }, null)
    const positions = c.int(['n_positions', 'max_position_embeddings'], 2048)
    // `rotary_dim` defaults to 64; null means the whole width, as `GPTJAttention` reads it.
    const rotaryDim = c.present('rotary_dim') ? (c.optionalInt('rotary_dim') ?? hidden) : 64
    f.reserve(layers * 12 + 10, `A ${layers}-layer GPT-J`)
    const built = causalLM(f, {
      architecture,
      headClass: 'GPTJForCausalLM',
      baseClass: 'GPTJModel',
      basePrefix: 'transformer',
      embed: ['wte', f.embedding(vocab, hidden)],
      layersName: 'h',
      layers,
      layer: () =>
        f.module('GPTJBlock', [
          ['ln_1', f.layerNorm(hidden)],
          [
            'attn',
            f.buffer(
              f.module('GPTJAttention', [
                ['k_proj', f.linear(hidden, hidden, false)],
                ['v_proj', f.linear(hidden, hidden, false)],
                ['q_proj', f.linear(hidden, hidden, false)],
                ['out_proj', f.linear(hidden, hidden, false)],
              ]),
              'embed_positions',
              [positions, rotaryDim],
              // `create_sinusoidal_positions` ends in `.float()`: float32 whatever the checkpoint's dtype.
              { dtype: 'float32' },
            ),
          ],
          ['mlp', f.module('GPTJMLP', [['fc_in', f.linear(hidden, inner, true)], ['fc_out', f.linear(inner, hidden, true)]])],
        ]),
      after: [['ln_f', f.layerNorm(hidden)]],
      finalNorm: 'ln_f',
      head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: true, tie: c.bool('tie_word_embeddings', false) },
    })
    const shape: KVCacheShape = { layers, kvHeads: heads, headDim }
    return {
      ...built,
      kvCache: kvCache(shape),
      kvCacheNote: kvCacheNote(shape, rule, 'n_head'),
      notes: [],
    }
  },
})

/**
 * GPT-NeoX and Pythia (`GPTNeoXConfig`): fused `query_key_value`, parallel residual, untied head. transformers 5
 * names the head `lm_head`; checkpoints written by earlier versions call it `embed_out`.
 */
export const gptNeoX = defineFamily({
  name: 'GPT-NeoX',
  modelTypes: ['gpt_neox'],
  architectures: ['GPTNeoXForCausalLM', 'GPTNeoXModel'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 50432)
    const hidden = c.int('hidden_size', 6144)
    const layers = c.count('num_hidden_layers', 44)
    const heads = c.int('num_attention_heads', 64)
    const intermediate = c.int('intermediate_size', 24576)
    const bias = c.bool('attention_bias', true)
    const { headDim, rule } = c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
    const rotaryDim = Math.floor(headDim * (c.has('rotary_pct') ? c.float('rotary_pct', 0.25) : partialRotaryFactor(c, 0.25)))
    f.reserve(layers * 12 + 10, `A ${layers}-layer GPT-NeoX`)
    const built = causalLM(f, {
      architecture,
      headClass: 'GPTNeoXForCausalLM',
      baseClass: 'GPTNeoXModel',
      basePrefix: 'gpt_neox',
      embed: ['embed_in', f.embedding(vocab, hidden)],
      layersName: 'layers',
      layers,
      layer: () =>
        f.module('GPTNeoXLayer', [
          ['input_layernorm', f.layerNorm(hidden)],
          ['post_attention_layernorm', f.layerNorm(hidden)],
          ['attention', f.module('GPTNeoXAttention', [['query_key_value', f.linear(hidden, 3 * hidden, bias)], ['dense', f.linear(hidden, hidden, bias)]])],
          ['mlp', f.module('GPTNeoXMLP', [['dense_h_to_4h', f.linear(hidden, intermediate, true)], ['dense_4h_to_h', f.linear(intermediate, hidden, true)]])],
        ]),
      after: [
        ['final_layer_norm', f.layerNorm(hidden)],
        ['rotary_emb', f.rotary('GPTNeoXRotaryEmbedding', rotaryDim)],
      ],
      finalNorm: 'final_layer_norm',
      head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: false, tie: c.bool('tie_word_embeddings', false) },
    })
    const shape: KVCacheShape = { layers, kvHeads: heads, headDim }
    return { ...built, kvCache: kvCache(shape), kvCacheNote: kvCacheNote(shape, rule, 'num_attention_heads'), notes: [] }
  },
})

/**
 * OPT (`OPTConfig`): learned positions with 2 extra rows; with `word_embed_proj_dim` ≠ `hidden_size`
 * (opt-350m) `project_in`/`project_out`; no final LayerNorm when `do_layer_norm_before` is false.
 */
export const opt = defineFamily({
  name: 'OPT',
  modelTypes: ['opt'],
  architectures: ['OPTForCausalLM', 'OPTModel'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 50272)
    const hidden = c.int('hidden_size', 768)
    const layers = c.count('num_hidden_layers', 12)
    const heads = c.int('num_attention_heads', 12)
    const ffn = c.int('ffn_dim', 3072)
    const positions = c.int('max_position_embeddings', 2048)
    const projDim = c.int('word_embed_proj_dim', hidden)
    const bias = c.bool('enable_bias', true)
    const affine = c.bool('layer_norm_elementwise_affine', true)
    const finalNorm = c.bool('do_layer_norm_before', true) && !c.bool('_remove_final_layer_norm', false)
    const { headDim, rule } = c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
    f.reserve(layers * 12 + 10, `A ${layers}-layer OPT`)
    const projections = projDim !== hidden
    const embed = f.embedding(vocab, projDim)
    const decoder = f.module('OPTDecoder', [
      ['embed_tokens', embed],
      ['embed_positions', f.embedding(positions + 2, hidden, 'OPTLearnedPositionalEmbedding')],
      ['project_out', projections ? f.linear(hidden, projDim, false) : null],
      ['project_in', projections ? f.linear(projDim, hidden, false) : null],
      ['final_layer_norm', finalNorm ? f.layerNorm(hidden, { affine }) : null],
      [
        'layers',
        f.list(layers, () =>
          f.module('OPTDecoderLayer', [
            [
              'self_attn',
              f.module('OPTAttention', [
                ['k_proj', f.linear(hidden, hidden, bias)],
                ['v_proj', f.linear(hidden, hidden, bias)],
                ['q_proj', f.linear(hidden, hidden, bias)],
                ['out_proj', f.linear(hidden, hidden, bias)],
              ]),
            ],
            ['self_attn_layer_norm', f.layerNorm(hidden, { affine })],
            ['fc1', f.linear(hidden, ffn, bias)],
            ['fc2', f.linear(ffn, hidden, bias)],
            ['final_layer_norm', f.layerNorm(hidden, { affine })],
          ]),
        ),
      ],
    ])
    const base = f.module('OPTModel', [['decoder', decoder]])
    const withHead = architecture === 'OPTForCausalLM'
    let root = base
    let tiedWeight: TensorDef | null = null
    if (withHead) {
      const head = f.linear(projDim, vocab, false)
      if (c.bool('tie_word_embeddings', true)) tiedWeight = f.tie(head, embed)
      root = f.module('OPTForCausalLM', [
        ['model', base],
        ['lm_head', head],
      ])
    }
    const p = withHead ? 'model.decoder.' : 'decoder.'
    const shape: KVCacheShape = { layers, kvHeads: heads, headDim }
    const build: HFBuild = {
      root,
      parts: [
        ['embeddings', [`${p}embed_tokens`, `${p}embed_positions`]],
        ...(projections ? ([['embed_projections', [`${p}project_in`, `${p}project_out`]]] as const) : []),
        ['layers', [`${p}layers`]],
        ['final_norm', [`${p}final_layer_norm`]],
        ['lm_head', withHead ? ['lm_head'] : []],
      ],
      perBlock: [['per_layer', `${p}layers.0`]],
      tiedWeight,
      kvCache: kvCache(shape),
      kvCacheNote: kvCacheNote(shape, rule, 'num_attention_heads'),
      notes: [],
    }
    return build
  },
})
