import { fusedExperts, router } from '../decoder.js'
import { attentionBias, llamaStyle } from './llama-style.js'
import { expertCounts } from './moe.js'

/**
 * OLMoE (`OlmoeConfig`, `allenai/OLMoE-1B-7B-0924`: 2048 wide, 16 layers, 16 heads, vocabulary 50304, untied): RMSNorm
 * over all query and key heads, and in every layer a router and `num_experts` (64, 8 per token) fused experts of
 * `intermediate_size` (1024 in the published checkpoint).
 */
export const olmoe = llamaStyle({
  name: 'OLMoE',
  modelTypes: ['olmoe'],
  cls: 'Olmoe',
  defaults: { vocab: 50304, hidden: 2048, layers: 16, heads: 16, intermediate: 2048 },
  tie: false,
  bias: attentionBias,
  qkNorm: 'all',
  mlp: ({ c, f, s, cls }) => {
    const { experts, perToken } = expertCounts(c, ['num_experts', 'num_local_experts'], 64, 8)
    return {
      name: 'mlp',
      make: () =>
        f.module(`${cls}SparseMoeBlock`, [
          ['gate', router(f, `${cls}TopKRouter`, experts, s.hidden)],
          ['experts', fusedExperts(f, `${cls}Experts`, experts, s.hidden, s.intermediate)],
        ]),
      moe: { expertsPerToken: perToken, layers: Array.from({ length: s.layers }, (_, index) => ({ index, experts: 'mlp.experts', count: experts })) },
      perBlock: [
        ['per_layer_router', 0, 'mlp.gate'],
        ['per_layer_experts', 0, 'mlp.experts'],
      ],
      modules: s.layers * 16,
    }
  },
})
