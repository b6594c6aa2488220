import { NnsizeError } from '../../../errors.js'
import type { ModuleNode } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import { gatedMLP } from '../decoder.js'
import { attentionBias, everyLayerWindow, llamaStyle, qkvBias, qwenWindow } from './llama-style.js'
import type { MLPBuilder, MLPContext } from './llama-style.js'

/** Reads the routed-expert counts and checks that a token does not use more experts than there are. */
function expertCounts(c: HFConfig, expertsKey: string, expertsDefault: number, perTokenDefault: number): { experts: number; perToken: number } {
  const experts = c.count(expertsKey, expertsDefault)
  const perToken = c.count('num_experts_per_tok', perTokenDefault)
  if (perToken > experts) {
    throw new NnsizeError('config', `\`num_experts_per_tok\` (${perToken}) is larger than \`${expertsKey}\` (${experts}) (model type \`${c.modelType}\`).`)
  }
  return { experts, perToken }
}

/** Mixtral's `block_sparse_moe`: a router `gate` (hidden → experts, no bias) and `num_local_experts` SwiGLU experts `w1`, `w2`, `w3`. */
function mixtralMoE({ c, f, s }: MLPContext): MLPBuilder {
  const { experts, perToken } = expertCounts(c, 'num_local_experts', 8, 2)
  const expert = (): ModuleNode =>
    f.module('MixtralBlockSparseTop2MLP', [
      ['w1', f.linear(s.hidden, s.intermediate, false)],
      ['w2', f.linear(s.intermediate, s.hidden, false)],
      ['w3', f.linear(s.hidden, s.intermediate, false)],
    ])
  const layers = Array.from({ length: s.layers }, (_, index) => ({ index, experts: 'block_sparse_moe.experts', count: experts }))
  return {
    name: 'block_sparse_moe',
    make: () =>
      f.module('MixtralSparseMoeBlock', [
        ['gate', f.linear(s.hidden, experts, false)],
        ['experts', f.list(experts, expert)],
      ]),
    moe: { expertsPerToken: perToken, layers },
    perBlock: [
      ['per_layer_router', 0, 'block_sparse_moe.gate'],
      ['per_layer_experts', 0, 'block_sparse_moe.experts'],
      ['per_expert', 0, 'block_sparse_moe.experts.0'],
    ],
    modules: s.layers * (experts * 4 + 12),
  }
}

/** Mixtral (`MixtralConfig`): Mistral's attention with a sparse mixture of experts in every block. */
export const mixtral = llamaStyle({
  name: 'Mixtral',
  modelTypes: ['mixtral'],
  cls: 'Mixtral',
  defaults: { vocab: 32000, hidden: 4096, layers: 32, heads: 32, kvHeads: 8, intermediate: 14336 },
  tie: false,
  mlp: mixtralMoE,
  window: everyLayerWindow(),
})

/**
 * Qwen MoE blocks: sparse in layer `i` unless `i` is in `mlp_only_layers`, when `(i + 1) % decoder_sparse_step == 0`;
 * dense layers have a `<cls>MLP` of `intermediate_size`. `shared` adds Qwen2-MoE's always-on expert and its gate.
 */
function qwenMoE(shared: boolean) {
  return ({ c, f, s, cls }: MLPContext): MLPBuilder => {
    const { experts, perToken } = expertCounts(c, 'num_experts', shared ? 60 : 128, shared ? 4 : 8)
    const moeSize = c.int('moe_intermediate_size', shared ? 1408 : 768)
    const sharedSize = shared ? c.int('shared_expert_intermediate_size', 5632) : 0
    const step = c.count('decoder_sparse_step', 1)
    const dense = new Set(c.ints('mlp_only_layers'))
    const sparse = (i: number): boolean => !dense.has(i) && (i + 1) % step === 0
    const layers = Array.from({ length: s.layers }, (_, index) => index)
      .filter(sparse)
      .map((index) => ({ index, experts: 'mlp.experts', count: experts }))
    const first = layers[0]?.index ?? 0
    return {
      name: 'mlp',
      make: (i) => {
        if (!sparse(i)) return gatedMLP(f, `${cls}MLP`, s.hidden, s.intermediate)
        const children: Array<readonly [string, ModuleNode]> = [
          ['gate', f.linear(s.hidden, experts, false)],
          ['experts', f.list(experts, () => gatedMLP(f, `${cls}MLP`, s.hidden, moeSize))],
        ]
        if (shared) {
          children.push(['shared_expert', gatedMLP(f, `${cls}MLP`, s.hidden, sharedSize)])
          children.push(['shared_expert_gate', f.linear(s.hidden, 1, false)])
        }
        return f.module(`${cls}SparseMoeBlock`, children)
      },
      moe: { expertsPerToken: perToken, layers },
      perBlock:
        layers.length === 0
          ? []
          : [
              ['per_layer_router', first, 'mlp.gate'],
              ['per_layer_experts', first, 'mlp.experts'],
              ['per_expert', first, 'mlp.experts.0'],
              ...(shared ? ([['per_layer_shared_expert', first, 'mlp.shared_expert']] as const) : []),
            ],
      modules: s.layers * (experts * 4 + 16),
    }
  }
}

/** Qwen2-MoE (`Qwen2MoeConfig`): 60 routed experts (4 per token) plus a gated shared expert by default. */
export const qwen2Moe = llamaStyle({
  name: 'Qwen2-MoE',
  modelTypes: ['qwen2_moe'],
  cls: 'Qwen2Moe',
  defaults: { vocab: 151936, hidden: 2048, layers: 24, heads: 16, kvHeads: 16, intermediate: 5632 },
  tie: false,
  bias: qkvBias,
  mlp: qwenMoE(true),
  window: qwenWindow,
})

/** Qwen3-MoE (`Qwen3MoeConfig`): Qwen3 attention, 128 routed experts (8 per token), no shared expert. */
export const qwen3Moe = llamaStyle({
  name: 'Qwen3-MoE',
  modelTypes: ['qwen3_moe'],
  cls: 'Qwen3Moe',
  defaults: { vocab: 151936, hidden: 2048, layers: 24, heads: 32, kvHeads: 4, intermediate: 6144, headDim: 128 },
  tie: false,
  bias: attentionBias,
  qkNorm: 'head',
  mlp: qwenMoE(false),
  window: qwenWindow,
})
