import { NnsizeError } from '../../../errors.js'
import type { HFConfig } from '../config.js'
import type { DecoderSizes } from '../decoder.js'
import type { KVCacheShape } from '../model.js'
import { attentionBias, everyLayerWindow, llamaStyle, qkvBias, qwenWindow } from './llama-style.js'

// Defaults are those of transformers' configuration_<family>.py (the `__init__` keyword defaults).

/** Llama 1, 2, 3, 3.1, 3.2 (`LlamaConfig`): `attention_bias` and `mlp_bias` default false; `head_dim` optional. */
export const llama = llamaStyle({
  name: 'Llama',
  modelTypes: ['llama'],
  cls: 'Llama',
  defaults: { vocab: 32000, hidden: 4096, layers: 32, heads: 32, intermediate: 11008 },
  tie: false,
  bias: (c) => {
    const attention = c.bool('attention_bias', false)
    return { qkv: attention, o: attention, mlp: c.bool('mlp_bias', false) }
  },
})

/** Mistral (`MistralConfig`): no biases; `sliding_window` defaults to 4096. */
export const mistral = llamaStyle({
  name: 'Mistral',
  modelTypes: ['mistral'],
  cls: 'Mistral',
  defaults: { vocab: 32000, hidden: 4096, layers: 32, heads: 32, kvHeads: 8, intermediate: 14336 },
  tie: false,
  window: everyLayerWindow(4096),
})

/** Qwen2 and Qwen2.5 (`Qwen2Config`): biases on q/k/v only. */
export const qwen2 = llamaStyle({
  name: 'Qwen2',
  modelTypes: ['qwen2'],
  cls: 'Qwen2',
  defaults: { vocab: 151936, hidden: 4096, layers: 32, heads: 32, kvHeads: 32, intermediate: 22016 },
  tie: false,
  bias: qkvBias,
  window: qwenWindow(),
})

/** Qwen3 (`Qwen3Config`): `head_dim` 128 by default, RMSNorm on each query and key head. */
export const qwen3 = llamaStyle({
  name: 'Qwen3',
  modelTypes: ['qwen3'],
  cls: 'Qwen3',
  defaults: { vocab: 151936, hidden: 4096, layers: 32, heads: 32, kvHeads: 32, intermediate: 22016, headDim: 128 },
  tie: false,
  bias: attentionBias,
  qkNorm: 'head',
  window: qwenWindow(),
})

/** OLMo (`OlmoConfig`): LayerNorm without parameters (`OlmoLayerNorm`). */
export const olmo = llamaStyle({
  name: 'OLMo',
  modelTypes: ['olmo'],
  cls: 'Olmo',
  defaults: { vocab: 50304, hidden: 4096, layers: 32, heads: 32, intermediate: 11008 },
  tie: false,
  bias: attentionBias,
  norm: 'layer-no-params',
})

/** OLMo 2 (`Olmo2Config`): norms after attention and MLP, RMSNorm over all query and key heads. */
export const olmo2 = llamaStyle({
  name: 'OLMo 2',
  modelTypes: ['olmo2'],
  cls: 'Olmo2',
  defaults: { vocab: 50304, hidden: 4096, layers: 32, heads: 32, intermediate: 11008 },
  tie: false,
  bias: attentionBias,
  qkNorm: 'all',
  layerNorms: ['post_attention_layernorm', 'post_feedforward_layernorm'],
})

/** StarCoder2 (`Starcoder2Config`): LayerNorm with bias, biases everywhere (`use_bias`), a plain `c_fc`/`c_proj` MLP. */
export const starcoder2 = llamaStyle({
  name: 'StarCoder2',
  modelTypes: ['starcoder2'],
  cls: 'Starcoder2',
  defaults: { vocab: 49152, hidden: 3072, layers: 30, heads: 24, kvHeads: 2, intermediate: 12288 },
  tie: true,
  bias: (c) => {
    const bias = c.bool('use_bias', true)
    return { qkv: bias, o: bias, mlp: bias }
  },
  norm: 'layer',
  mlp: ({ f, s, mlpBias }) => ({
    name: 'mlp',
    make: () =>
      f.module('Starcoder2MLP', [
        ['c_fc', f.linear(s.hidden, s.intermediate, mlpBias)],
        ['c_proj', f.linear(s.intermediate, s.hidden, mlpBias)],
      ]),
  }),
  window: everyLayerWindow(),
})

/** Gemma (`GemmaConfig`): `head_dim` 256 by default, tied embeddings, GeGLU MLP. */
export const gemma = llamaStyle({
  name: 'Gemma',
  modelTypes: ['gemma'],
  cls: 'Gemma',
  defaults: { vocab: 256000, hidden: 3072, layers: 28, heads: 16, kvHeads: 16, intermediate: 24576, headDim: 256 },
  tie: true,
  bias: attentionBias,
  scaledEmbedding: 'GemmaTextScaledWordEmbedding',
})

const gemmaNorms = ['input_layernorm', 'post_attention_layernorm', 'pre_feedforward_layernorm', 'post_feedforward_layernorm'] as const

/** Gemma 2 (`Gemma2Config`): four norms per block; every other layer (the even ones) attends within `sliding_window`. */
export const gemma2 = llamaStyle({
  name: 'Gemma 2',
  modelTypes: ['gemma2'],
  cls: 'Gemma2',
  defaults: { vocab: 256000, hidden: 2304, layers: 26, heads: 8, kvHeads: 4, intermediate: 9216, headDim: 256 },
  tie: true,
  bias: attentionBias,
  scaledEmbedding: 'Gemma2TextScaledWordEmbedding',
  layerNorms: gemmaNorms,
  window: (c, s) => windowedByType(c, s, 4096, (i) => i % 2 === 0),
})

/** Gemma 3 text model (`Gemma3TextConfig`): Gemma 2's blocks plus per-head q/k norms; 5 of every 6 layers are local. */
export const gemma3 = llamaStyle({
  name: 'Gemma 3',
  modelTypes: ['gemma3_text'],
  cls: 'Gemma3',
  baseClass: 'Gemma3TextModel',
  scaledEmbedding: 'Gemma3TextScaledWordEmbedding',
  defaults: { vocab: 262208, hidden: 2304, layers: 26, heads: 8, kvHeads: 4, intermediate: 9216, headDim: 256 },
  tie: true,
  bias: attentionBias,
  qkNorm: 'head',
  layerNorms: gemmaNorms,
  rotaryPrefixes: (c, s) => [...new Set(gemma3LayerTypes(c, s.layers))].sort().map((t) => `${t}_`),
  window: (c, s) => {
    const types = gemma3LayerTypes(c, s.layers)
    return windowedByType(c, s, 4096, (i) => types[i] === 'sliding_attention')
  },
})

/**
 * Gemma 3's attention type per layer: `layer_types` when given, else every `sliding_window_pattern`-th
 * layer (default 6) is `full_attention` and the others are `sliding_attention`.
 */
export function gemma3LayerTypes(c: HFConfig, layers: number): string[] {
  const given = c.strings('layer_types')
  if (given) {
    if (given.length < layers) throw new NnsizeError('config', `\`layer_types\` lists ${given.length} layers, fewer than \`num_hidden_layers\` (${layers}) (model type \`${c.modelType}\`).`)
    return given.slice(0, layers)
  }
  const pattern = c.int('sliding_window_pattern', 6)
  return Array.from({ length: layers }, (_, i) => ((i + 1) % pattern !== 0 ? 'sliding_attention' : 'full_attention'))
}

/** Layers listed as `sliding_attention` in `layer_types`, else those for which `sliding(i)` holds. */
export function windowedByType(c: HFConfig, s: DecoderSizes, defaultWindow: number | undefined, sliding: (i: number) => boolean): Partial<KVCacheShape> {
  const window = c.present('sliding_window') ? c.optionalInt('sliding_window') : defaultWindow
  if (window === undefined) return {}
  const types = c.get('layer_types')?.value
  let count = 0
  for (let i = 0; i < s.layers; i++) {
    if (Array.isArray(types) ? types[i] === 'sliding_attention' : sliding(i)) count++
  }
  if (count === 0) return {}
  return count === s.layers ? { slidingWindow: window } : { windowedLayers: { count, window } }
}
