import { fusedExperts, router } from '../decoder.js'
import type { MLPBuilder, MLPContext } from './llama-style.js'
import { attentionBias, llamaStyle } from './llama-style.js'
import { expertCounts } from './moe.js'

// Granite's multipliers (`embedding_multiplier`, `residual_multiplier`, `logits_scaling`, …) scale activations and hold no parameters.

/** Granite 3 dense (`GraniteConfig`: Llama's defaults, `attention_bias` and `mlp_bias` false, untied). */
export const granite = llamaStyle({
  name: 'Granite',
  modelTypes: ['granite'],
  cls: 'Granite',
  defaults: { vocab: 32000, hidden: 4096, layers: 32, heads: 32, intermediate: 11008 },
  tie: false,
  bias: (c) => {
    const attention = c.bool('attention_bias', false)
    return { qkv: attention, o: attention, mlp: c.bool('mlp_bias', false) }
  },
})

/**
 * Granite-MoE's `block_sparse_moe`, registered after the block's norms: a `router` (experts × hidden) and
 * `num_local_experts` fused experts of `intermediate_size`; `shared` adds Granite-MoE-Shared's `shared_mlp`
 * (`input_linear` to 2 × `shared_intermediate_size`, `output_linear` back) when that size is not 0.
 */
function graniteMoE(shared: boolean) {
  return ({ c, f, s, cls }: MLPContext): MLPBuilder => {
    const { experts, perToken } = expertCounts(c, ['num_local_experts'], 8, 2)
    const sharedSize = shared ? c.int('shared_intermediate_size', 0, { min: 0 }) : 0
    return {
      name: 'block_sparse_moe',
      afterNorms: true,
      make: () =>
        f.module(`${cls}MoE`, [
          ['router', router(f, `${cls}TopKRouter`, experts, s.hidden)],
          ['experts', fusedExperts(f, `${cls}Experts`, experts, s.hidden, s.intermediate)],
        ]),
      after: () =>
        sharedSize > 0
          ? [
              [
                'shared_mlp',
                f.module(`${cls}MLP`, [
                  ['input_linear', f.linear(s.hidden, 2 * sharedSize, false)],
                  ['output_linear', f.linear(sharedSize, s.hidden, false)],
                ]),
              ],
            ]
          : [],
      moe: { expertsPerToken: perToken, layers: Array.from({ length: s.layers }, (_, index) => ({ index, experts: 'block_sparse_moe.experts', count: experts })) },
      perBlock: [
        ['per_layer_router', 0, 'block_sparse_moe.router'],
        ['per_layer_experts', 0, 'block_sparse_moe.experts'],
      ],
      modules: s.layers * 20,
    }
  }
}

/** Granite-MoE (`GraniteMoeConfig`: Granite's sizes, 8 experts, 2 per token, no biases). */
export const graniteMoe = llamaStyle({
  name: 'Granite-MoE',
  modelTypes: ['granitemoe'],
  cls: 'GraniteMoe',
  defaults: { vocab: 32000, hidden: 4096, layers: 32, heads: 32, intermediate: 11008 },
  tie: false,
  bias: attentionBias,
  mlp: graniteMoE(false),
})

/** Granite-MoE-Shared (`GraniteMoeSharedConfig`): Granite-MoE plus an always-on `shared_mlp` of `shared_intermediate_size`. */
export const graniteMoeShared = llamaStyle({
  name: 'Granite-MoE-Shared',
  modelTypes: ['granitemoeshared'],
  cls: 'GraniteMoeShared',
  defaults: { vocab: 32000, hidden: 4096, layers: 32, heads: 32, intermediate: 11008 },
  tie: false,
  bias: attentionBias,
  mlp: graniteMoE(true),
})
