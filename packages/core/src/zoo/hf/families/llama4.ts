import type { ModuleNode, TensorDef } from '../../../model/module.js'
import { HFConfig } from '../config.js'
import { fusedExperts, gatedMLP } from '../decoder.js'
import { defineFamily } from '../family.js'
import { nestedParts } from '../model.js'
import type { HFBuild } from '../model.js'
import { encoderAttention, fcMLP, patchGrid } from './vision.js'
import { llamaStyle } from './llama-style.js'
import { expertCounts } from './moe.js'

/**
 * Llama 4 text (`Llama4TextConfig`: 5120 wide, 48 layers, 40 heads, 8 KV heads, `head_dim` 128, vocabulary 202048 —
 * Scout). Layers listed in `moe_layers` (by default every `interleave_moe_layer_step`-th, from step − 1) have a
 * `feed_forward` mixture of `num_local_experts` fused experts (stored (experts, in, out)) of `intermediate_size`, a
 * router, and an always-on shared expert of the same size; the others a gated MLP of `intermediate_size_mlp`. Three
 * of every four layers (`no_rope_layer_interval`) attend within chunks of `attention_chunk_size` tokens; the
 * fourth has no rotary embedding and attends globally.
 */
export const llama4Text = llamaStyle({
  name: 'Llama 4',
  modelTypes: ['llama4_text'],
  cls: 'Llama4Text',
  headClass: 'Llama4ForCausalLM',
  defaults: { vocab: 202048, hidden: 5120, layers: 48, heads: 40, kvHeads: 8, intermediate: 8192, headDim: 128 },
  tie: false,
  bias: (c) => {
    const bias = c.bool('attention_bias', false)
    return { qkv: bias, o: bias, mlp: false }
  },
  mlp: ({ c, f, s }) => {
    const { experts, perToken } = expertCounts(c, ['num_local_experts'], 16, 1)
    const denseSize = c.int('intermediate_size_mlp', 16384)
    const step = c.count('interleave_moe_layer_step', 1)
    const given = c.has('moe_layers') ? c.ints('moe_layers') : undefined
    const moeLayers = new Set(given ?? Array.from({ length: s.layers }, (_, i) => i).filter((i) => i >= step - 1 && (i - (step - 1)) % step === 0))
    const layers = Array.from({ length: s.layers }, (_, index) => index).filter((i) => moeLayers.has(i))
    const first = layers[0] ?? 0
    return {
      name: 'feed_forward',
      make: (i) =>
        moeLayers.has(i)
          ? f.module('Llama4TextMoe', [
              ['experts', fusedExperts(f, 'Llama4TextExperts', experts, s.hidden, s.intermediate, { transposed: true })],
              ['router', f.linear(s.hidden, experts, false, 'Llama4Router')],
              ['shared_expert', gatedMLP(f, 'Llama4TextMLP', s.hidden, s.intermediate)],
            ])
          : gatedMLP(f, 'Llama4TextMLP', s.hidden, denseSize),
      moe: { expertsPerToken: perToken, layers: layers.map((index) => ({ index, experts: 'feed_forward.experts', count: experts })) },
      perBlock: layers.length === 0 ? [] : [['per_layer_router', first, 'feed_forward.router'], ['per_layer_experts', first, 'feed_forward.experts'], ['per_layer_shared_expert', first, 'feed_forward.shared_expert']],
      modules: s.layers * 20,
    }
  },
  window: (c, s) => {
    const chunk = c.optionalInt('attention_chunk_size')
    if (chunk === undefined && c.present('attention_chunk_size')) return {}
    const types = c.strings('layer_types')
    const interval = c.count('no_rope_layer_interval', 4)
    const noRope = c.ints('no_rope_layers')
    let count = 0
    for (let i = 0; i < s.layers; i++) {
      const chunked = types ? types[i] === 'chunked_attention' : noRope.length > 0 ? noRope[i] !== 0 : (i + 1) % interval !== 0
      if (chunked) count++
    }
    if (count === 0) return {}
    const window = chunk ?? 8192
    return count === s.layers ? { slidingWindow: window } : { windowedLayers: { count, window } }
  },
})

/**
 * The Llama 4 vision tower (`Llama4VisionConfig`: 768 wide, 34 layers, 16 heads, FFN 5632, 448 × 448 images in
 * patches of 14): an unfolded patch projection (a bias-free Linear over channels × patch²), a class embedding and
 * positions for every patch plus the class token, 2-D rotary frequencies as a complex64 buffer, LayerNorms before
 * and after the encoder, and a pixel-shuffle MLP adapter to `projector_output_dim`.
 */
function llama4Vision(f: Parameters<typeof encoderAttention>[0], v: HFConfig): ModuleNode {
  const hidden = v.int('hidden_size', 768)
  const heads = v.int('num_attention_heads', 16)
  const layers = v.count('num_hidden_layers', 34)
  const intermediate = v.int('intermediate_size', 5632)
  const channels = v.int('num_channels', 3)
  const { headDim } = v.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
  const { patch, patches } = patchGrid(v, 448, 14)
  const freqDim = Math.floor(headDim / 2)
  const rotary = f.buffer(f.module('Llama4VisionRotaryEmbedding'), 'freqs_ci', [patches + 1, 1, 2 * Math.floor(freqDim / 2)], { dtype: 'complex64' })
  const layer = (): ModuleNode =>
    f.module('Llama4VisionEncoderLayer', [
      ['self_attn', encoderAttention(f, 'Llama4VisionAttention', hidden, hidden, true)],
      ['mlp', fcMLP(f, 'Llama4VisionMLP', hidden, intermediate)],
      ['input_layernorm', f.layerNorm(hidden)],
      ['post_attention_layernorm', f.layerNorm(hidden)],
    ])
  const projectorOut = v.int('projector_output_dim', 4096)
  return f.module(
    'Llama4VisionModel',
    [
      ['patch_embedding', f.module('Llama4UnfoldConvolution', [['linear', f.linear(channels * patch[0] * patch[1], hidden, false)]])],
      ['rotary_embedding', rotary],
      ['layernorm_pre', f.layerNorm(hidden)],
      ['layernorm_post', f.layerNorm(hidden)],
      ['model', f.module('Llama4VisionEncoder', [['layers', f.list(layers, layer)]])],
      [
        'vision_adapter',
        f.module('Llama4VisionPixelShuffleMLP', [
          [
            'mlp',
            f.module('Llama4VisionMLP2', [
              ['fc1', f.linear(intermediate, v.int('projector_input_dim', 4096), false)],
              ['fc2', f.linear(projectorOut, projectorOut, false)],
            ]),
          ],
        ]),
      ],
    ],
    [
      ['class_embedding', [hidden]],
      ['positional_embedding_vlm', [patches + 1, hidden]],
    ],
  )
}

/**
 * Llama 4 with vision (`Llama4Config`, `meta-llama/Llama-4-Scout-17B-16E-Instruct` and Maverick):
 * `vision_model`, `multi_modal_projector` (a bias-free Linear from `vision_output_dim` to the text width) and
 * `language_model`, a whole `Llama4ForCausalLM` with its own `lm_head`.
 */
export const llama4 = defineFamily({
  name: 'Llama 4 (vision)',
  modelTypes: ['llama4'],
  architectures: ['Llama4ForConditionalGeneration'],
  build(c, architecture, f) {
    const text = new HFConfig(c.object('text_config') ?? {}, 'llama4_text')
    const vision = new HFConfig(c.object('vision_config') ?? {}, 'llama4_vision_model')
    const visionModel = llama4Vision(f, vision)
    const projector = f.module('Llama4MultiModalProjector', [['linear_1', f.linear(vision.int('vision_output_dim', 7680), text.int('hidden_size', 5120), false)]])
    const language = llama4Text.build(text, 'Llama4ForCausalLM', f)
    const root = f.module(architecture, [
      ['vision_model', visionModel],
      ['multi_modal_projector', projector],
      ['language_model', language.root],
    ])
    const nested = nestedParts(language, 'language_model.')
    const tiedWeight: TensorDef | null = language.tiedWeight
    const build: HFBuild = {
      root,
      parts: [['vision_model', ['vision_model']], ['multi_modal_projector', ['multi_modal_projector']], ...nested.parts],
      perBlock: [...nested.perBlock, ['vision_per_layer', 'vision_model.model.layers.0']],
      ...(nested.moe ? { moe: nested.moe } : {}),
      tiedWeight,
      kvCache: language.kvCache,
      kvCacheNote: `${language.kvCacheNote} (the language model's; the vision tower caches nothing)`,
      notes: language.notes,
    }
    return build
  },
})
