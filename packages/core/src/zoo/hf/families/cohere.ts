import type { ModuleNode } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import type { DecoderSizes } from '../decoder.js'
import type { ModuleFactory } from '../modules.js'
import { windowedByType } from './llama.js'
import { attentionBias, llamaStyle } from './llama-style.js'

/** `CohereLayerNorm`: a LayerNorm with a weight and no bias, of any shape. */
function cohereNorm(f: ModuleFactory, cls: string, shape: readonly number[]): ModuleNode {
  return f.module(`${cls}LayerNorm`, [], [['weight', shape]])
}

/** Command R+'s `use_qk_norm`: a norm of shape (heads, head_dim) on the queries and (KV heads, head_dim) on the keys. */
function cohereQKNorm(f: ModuleFactory, s: DecoderSizes, c: HFConfig): { q: ModuleNode; k: ModuleNode } | undefined {
  if (!c.bool('use_qk_norm', false)) return undefined
  return { q: cohereNorm(f, 'Cohere', [s.heads, s.headDim]), k: cohereNorm(f, 'Cohere', [s.kvHeads, s.headDim]) }
}

/**
 * Cohere, Command-R and Command R+ (`CohereConfig`: 8192 wide, 40 layers, 64 heads, FFN 22528, vocabulary 256000,
 * tied): one `CohereLayerNorm` (weight, no bias) per block, attention and MLP in parallel, optional q/k norms.
 * `head_dim` is always `hidden_size / num_attention_heads`.
 */
export const cohere = llamaStyle({
  name: 'Cohere',
  modelTypes: ['cohere'],
  cls: 'Cohere',
  defaults: { vocab: 256000, hidden: 8192, layers: 40, heads: 64, intermediate: 22528, headDimKey: null },
  tie: true,
  bias: attentionBias,
  norm: (f, dim) => cohereNorm(f, 'Cohere', [dim]),
  layerNorms: ['input_layernorm'],
  qkNorm: cohereQKNorm,
})

/**
 * Cohere 2 and Command R7B / Command A (`Cohere2Config`): Cohere's blocks without q/k norms; three of every four
 * layers (`sliding_window_pattern` 4, or `layer_types`) attend within `sliding_window` (4096).
 */
export const cohere2 = llamaStyle({
  name: 'Cohere 2',
  modelTypes: ['cohere2'],
  cls: 'Cohere2',
  defaults: { vocab: 256000, hidden: 8192, layers: 40, heads: 64, intermediate: 22528, headDimKey: null },
  tie: true,
  bias: attentionBias,
  norm: (f, dim) => cohereNorm(f, 'Cohere2', [dim]),
  layerNorms: ['input_layernorm'],
  window: (c, s) => {
    const pattern = c.int('sliding_window_pattern', 4)
    return windowedByType(c, s, 4096, (i) => (i + 1) % pattern !== 0)
  },
})
