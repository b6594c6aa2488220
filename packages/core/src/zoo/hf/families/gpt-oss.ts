import { fusedExperts, router } from '../decoder.js'
import { windowedByType } from './llama.js'
import { llamaStyle } from './llama-style.js'
import { expertCounts } from './moe.js'

/**
 * GPT-OSS (`GptOssConfig`: 2880 wide, 36 layers, 64 heads, 8 KV heads, `head_dim` 64, vocabulary 201088, untied):
 * biases on q/k/v/o, a learned attention sink per head (`sinks`), every other layer (the even ones, or as
 * `layer_types` says) attending within `sliding_window` (128), and in every layer a router with bias and
 * `num_local_experts` (128, 4 per token) fused experts stored (experts, in, out) with biases.
 */
export const gptOss = llamaStyle({
  name: 'GPT-OSS',
  modelTypes: ['gpt_oss'],
  cls: 'GptOss',
  defaults: { vocab: 201088, hidden: 2880, layers: 36, heads: 64, kvHeads: 8, intermediate: 2880, headDim: 64 },
  tie: false,
  bias: (c) => {
    const bias = c.bool('attention_bias', true)
    return { qkv: bias, o: bias, mlp: false }
  },
  attentionParams: (s) => [['sinks', [s.heads]]],
  mlp: ({ c, f, s, cls }) => {
    const { experts, perToken } = expertCounts(c, ['num_local_experts', 'num_experts'], 128, 4)
    return {
      name: 'mlp',
      make: () =>
        f.module(`${cls}MLP`, [
          ['router', router(f, `${cls}TopKRouter`, experts, s.hidden, true)],
          ['experts', fusedExperts(f, `${cls}Experts`, experts, s.hidden, s.intermediate, { transposed: true, bias: true })],
        ]),
      moe: { expertsPerToken: perToken, layers: Array.from({ length: s.layers }, (_, index) => ({ index, experts: 'mlp.experts', count: experts })) },
      perBlock: [
        ['per_layer_router', 0, 'mlp.router'],
        ['per_layer_experts', 0, 'mlp.experts'],
      ],
      modules: s.layers * 16,
    }
  },
  window: (c, s) => windowedByType(c, s, 128, (i) => i % 2 === 0),
  // `_keep_in_fp32_modules`: loaded in float16, the norms stay float32.
  keepFloat32: { float16: ['post_attention_layernorm', 'input_layernorm', 'norm'] },
})
