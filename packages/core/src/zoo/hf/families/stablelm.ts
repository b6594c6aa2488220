import type { ModuleNode } from '../../../model/module.js'
import type { ModuleFactory } from '../modules.js'
import { llamaStyle } from './llama-style.js'

/** `StableLmLayerNormPerHead`: one LayerNorm without bias per head, in a `norms` list. */
function perHeadNorm(f: ModuleFactory, heads: number, headDim: number): ModuleNode {
  return f.module('StableLmLayerNormPerHead', [['norms', f.list(heads, () => f.layerNorm(headDim, { bias: false }))]])
}

/**
 * StableLM and StableLM 2 (`StableLmConfig`: 2560 wide, 32 layers, 32 heads, FFN 6912, vocabulary 50304, untied):
 * LayerNorm with bias, a quarter of each head rotated (`partial_rotary_factor` 0.25), q/k/v biases with
 * `use_qkv_bias`, per-head q/k LayerNorms with `qk_layernorm`, and no post-attention norm with `use_parallel_residual`.
 */
export const stablelm = llamaStyle({
  name: 'StableLM',
  modelTypes: ['stablelm'],
  cls: 'StableLm',
  defaults: { vocab: 50304, hidden: 2560, layers: 32, heads: 32, intermediate: 6912, headDimKey: null },
  tie: false,
  bias: (c) => ({ qkv: c.bool('use_qkv_bias', false), o: false, mlp: false }),
  norm: 'layer',
  layerNorms: (c) => (c.bool('use_parallel_residual', false) ? ['input_layernorm'] : ['input_layernorm', 'post_attention_layernorm']),
  qkNorm: (f, s, c) => (c.bool('qk_layernorm', false) ? { q: perHeadNorm(f, s.heads, s.headDim), k: perHeadNorm(f, s.kvHeads, s.headDim), names: ['q_layernorm', 'k_layernorm'] } : undefined),
  partialRotary: 0.25,
})
