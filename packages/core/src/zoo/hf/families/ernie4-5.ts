import type { ModuleNode } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import { fusedExperts, gatedMLP } from '../decoder.js'
import type { MLPBuilder, MLPContext } from './llama-style.js'
import { llamaStyle } from './llama-style.js'
import { expertCounts } from './moe.js'

/** `use_bias` puts biases on q, k, v, o and the MLP (and, in the MoE model, on `lm_head`). */
function ernieBias(head: boolean) {
  return (c: HFConfig): { qkv: boolean; o: boolean; mlp: boolean; head: boolean } => {
    const bias = c.bool('use_bias', false)
    return { qkv: bias, o: bias, mlp: bias, head: head && bias }
  }
}

/** ERNIE 4.5 dense (`Ernie4_5Config`: 1024 wide, 18 layers, 16 heads, 2 KV heads, `head_dim` 128, FFN 3072, vocabulary 103424, tied). */
export const ernie45 = llamaStyle({
  name: 'ERNIE 4.5',
  modelTypes: ['ernie4_5'],
  cls: 'Ernie4_5',
  defaults: { vocab: 103424, hidden: 1024, layers: 18, heads: 16, kvHeads: 2, intermediate: 3072, headDim: 128 },
  tie: true,
  bias: ernieBias(false),
})

/**
 * ERNIE 4.5 MoE's sparse layers: layer `i` is sparse when `(i + 1) % moe_layer_interval == 0` and
 * `moe_layer_start_index ≤ i ≤ moe_layer_end_index` (-1: the last layer). Each has a router `gate` (experts × hidden,
 * kept in float32) with its frozen `moe_statics.e_score_correction_bias`, fused experts of `moe_intermediate_size`,
 * and `moe_num_shared_experts` shared experts as one MLP.
 */
function ernieMoE({ c, f, s, cls, mlpBias }: MLPContext): MLPBuilder {
  const { experts, perToken } = expertCounts(c, ['moe_num_experts', 'num_experts'], 64, 6, ['moe_k', 'num_experts_per_tok'])
  const moeSize = c.int('moe_intermediate_size', 1536)
  const shared = c.int('moe_num_shared_experts', 2, { min: 0 })
  const start = c.int('moe_layer_start_index', 1, { min: 0 })
  const endGiven = c.int('moe_layer_end_index', -1, { min: -1 })
  const end = endGiven === -1 ? s.layers - 1 : endGiven
  const interval = c.count('moe_layer_interval', 1)
  const sparse = (i: number): boolean => (i + 1) % interval === 0 && i >= start && i <= end
  const layers = Array.from({ length: s.layers }, (_, index) => index).filter(sparse)
  const first = layers[0] ?? 0
  const gate = (): ModuleNode => {
    const statics = f.module(`${cls}Statics`)
    const bias = f.parameter([1, experts])
    bias.requiresGrad = false
    statics.params.set('e_score_correction_bias', bias)
    return f.module(`${cls}TopKRouter`, [['moe_statics', statics]], [['weight', [experts, s.hidden]]])
  }
  return {
    name: 'mlp',
    make: (i) => {
      if (!sparse(i)) return gatedMLP(f, `${cls}MLP`, s.hidden, s.intermediate, mlpBias)
      return f.module(`${cls}SparseMoeBlock`, [
        ['gate', gate()],
        ['experts', fusedExperts(f, `${cls}Experts`, experts, s.hidden, moeSize)],
        ...(shared > 0 ? ([['shared_experts', gatedMLP(f, `${cls}MLP`, s.hidden, moeSize * shared, mlpBias)]] as const) : []),
      ])
    },
    moe: { expertsPerToken: perToken, layers: layers.map((index) => ({ index, experts: 'mlp.experts', count: experts })) },
    perBlock: layers.length === 0 ? [] : [['per_layer_router', first, 'mlp.gate'], ['per_layer_experts', first, 'mlp.experts'], ...(shared > 0 ? ([['per_layer_shared_experts', first, 'mlp.shared_experts']] as const) : [])],
    modules: s.layers * 24,
  }
}

/** ERNIE 4.5 MoE (`Ernie4_5_MoeConfig`: 2560 wide, 28 layers, 20 heads, 4 KV heads, 64 experts (6 per token) + 2 shared, vocabulary 103424, tied). */
export const ernie45Moe = llamaStyle({
  name: 'ERNIE 4.5 MoE',
  modelTypes: ['ernie4_5_moe'],
  cls: 'Ernie4_5_Moe',
  defaults: { vocab: 103424, hidden: 2560, layers: 28, heads: 20, kvHeads: 4, intermediate: 12288 },
  tie: true,
  bias: ernieBias(true),
  mlp: ernieMoE,
  // `_keep_in_fp32_modules_strict`: the router and its statistics stay float32 in bfloat16 and float16 checkpoints.
  keepFloat32: { halfPrecision: ['gate.weight', 'moe_statics'] },
})
