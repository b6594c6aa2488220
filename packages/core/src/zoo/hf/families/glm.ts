import type { HFConfig } from '../config.js'
import type { MLPContext, MLPBuilder } from './llama-style.js'
import { llamaStyle } from './llama-style.js'

/** GLM's MLP: `gate_up_proj` (hidden → 2 × intermediate, fused) and `down_proj`, no biases. */
function fusedGateUpMLP({ f, s, cls }: MLPContext): MLPBuilder {
  return {
    name: 'mlp',
    make: () =>
      f.module(`${cls}MLP`, [
        ['gate_up_proj', f.linear(s.hidden, 2 * s.intermediate, false)],
        ['down_proj', f.linear(s.intermediate, s.hidden, false)],
      ]),
  }
}

/** GLM's attention biases: on q, k and v when `attention_bias` (default true), never on `o_proj`. */
function glmBias(c: HFConfig): { qkv: boolean; o: boolean; mlp: boolean } {
  return { qkv: c.bool('attention_bias', true), o: false, mlp: false }
}

const glmDefaults = { vocab: 151552, hidden: 4096, layers: 40, heads: 32, kvHeads: 2, intermediate: 13696, headDim: 128 }

/**
 * GLM-4 of 2024 (`GlmConfig`, `THUDM/glm-4-9b-hf`: 4096 wide, 40 layers, 32 heads, 2 KV heads, `head_dim` 128,
 * FFN 13696, vocabulary 151552, untied): q/k/v biases, a fused `gate_up_proj`, half of each head rotated.
 */
export const glm = llamaStyle({
  name: 'GLM',
  modelTypes: ['glm'],
  cls: 'Glm',
  defaults: glmDefaults,
  tie: false,
  bias: glmBias,
  mlp: fusedGateUpMLP,
  partialRotary: 0.5,
})

/**
 * GLM-4-0414 (`Glm4Config`, `THUDM/GLM-4-9B-0414`, `GLM-4-32B-0414`): GLM's blocks with two more norms,
 * `post_self_attn_layernorm` and `post_mlp_layernorm`.
 */
export const glm4 = llamaStyle({
  name: 'GLM-4',
  modelTypes: ['glm4'],
  cls: 'Glm4',
  defaults: glmDefaults,
  tie: false,
  bias: glmBias,
  mlp: fusedGateUpMLP,
  layerNorms: ['input_layernorm', 'post_attention_layernorm', 'post_self_attn_layernorm', 'post_mlp_layernorm'],
  partialRotary: 0.5,
})
