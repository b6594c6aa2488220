import { NnsizeError } from '../../../errors.js'
import type { HFConfig } from '../config.js'
import { fusedExperts, gatedMLP, router } from '../decoder.js'
import { attentionBias, everyLayerWindow, llamaStyle, qwen2MoeWindow, qwen3MoeWindow } from './llama-style.js'
import type { MLPBuilder, MLPContext } from './llama-style.js'

/** Reads the routed-expert counts and checks that a token does not use more experts than there are. */
export function expertCounts(c: HFConfig, expertsKeys: readonly string[], expertsDefault: number, perTokenDefault: number, perTokenKeys: readonly string[] = ['num_experts_per_tok']): { experts: number; perToken: number } {
  const experts = c.count([...expertsKeys], expertsDefault)
  const perToken = c.count([...perTokenKeys], perTokenDefault)
  if (perToken > experts) {
    const expertsKey = expertsKeys.find((k) => c.has(k)) ?? expertsKeys[0]!
    const perTokenKey = perTokenKeys.find((k) => c.has(k)) ?? perTokenKeys[0]!
    throw new NnsizeError('config', `\`${perTokenKey}\` (${perToken}) is larger than \`${expertsKey}\` (${experts}) (model type \`${c.modelType}\`).`)
  }
  return { experts, perToken }
}

/** Mixtral's sparse MLP (`MixtralSparseMoeBlock` at `mlp`): a router `gate` (experts × hidden) and `num_local_experts` fused SwiGLU experts. */
function mixtralMoE({ c, f, s }: MLPContext): MLPBuilder {
  const { experts, perToken } = expertCounts(c, ['num_local_experts', 'num_experts'], 8, 2)
  const layers = Array.from({ length: s.layers }, (_, index) => ({ index, experts: 'mlp.experts', count: experts }))
  return {
    name: 'mlp',
    make: () =>
      f.module('MixtralSparseMoeBlock', [
        ['gate', router(f, 'MixtralTopKRouter', experts, s.hidden)],
        ['experts', fusedExperts(f, 'MixtralExperts', experts, s.hidden, s.intermediate)],
      ]),
    moe: { expertsPerToken: perToken, layers },
    perBlock: [
      ['per_layer_router', 0, 'mlp.gate'],
      ['per_layer_experts', 0, 'mlp.experts'],
    ],
    modules: s.layers * 16,
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
 * dense layers have a `<cls>MLP` of `intermediate_size`. Qwen2-MoE registers the router `gate` first and adds an
 * always-on `shared_expert` with its `shared_expert_gate`; Qwen3-MoE registers the experts first.
 */
function qwenMoE(shared: boolean) {
  return ({ c, f, s, cls }: MLPContext): MLPBuilder => {
    // transformers 5 writes `num_local_experts` for Qwen3-MoE (`num_experts` is its alias) and reads `num_experts` for Qwen2-MoE.
    const { experts, perToken } = expertCounts(c, shared ? ['num_experts'] : ['num_local_experts', 'num_experts'], shared ? 60 : 128, shared ? 4 : 8)
    const moeSize = c.int('moe_intermediate_size', shared ? 1408 : 768)
    // 0 is accepted, as transformers builds it: a shared expert of empty Linears, and its gate.
    const sharedSize = shared ? c.int('shared_expert_intermediate_size', 5632, { min: 0 }) : 0
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
        const gate = ['gate', router(f, `${cls}TopKRouter`, experts, s.hidden)] as const
        const routed = ['experts', fusedExperts(f, `${cls}Experts`, experts, s.hidden, moeSize)] as const
        return f.module(
          `${cls}SparseMoeBlock`,
          shared
            ? [gate, routed, ['shared_expert', gatedMLP(f, `${cls}MLP`, s.hidden, sharedSize)], ['shared_expert_gate', f.linear(s.hidden, 1, false)]]
            : [routed, gate],
        )
      },
      moe: { expertsPerToken: perToken, layers },
      perBlock:
        layers.length === 0
          ? []
          : [
              ['per_layer_router', first, 'mlp.gate'],
              ['per_layer_experts', first, 'mlp.experts'],
              ...(shared ? ([['per_layer_shared_expert', first, 'mlp.shared_expert']] as const) : []),
            ],
      modules: s.layers * 20,
    }
  }
}

/** Qwen2-MoE (`Qwen2MoeConfig`): 60 routed experts (4 per token) plus a gated shared expert by default; q/k/v biases unless `qkv_bias` is false. */
export const qwen2Moe = llamaStyle({
  name: 'Qwen2-MoE',
  modelTypes: ['qwen2_moe'],
  cls: 'Qwen2Moe',
  defaults: { vocab: 151936, hidden: 2048, layers: 24, heads: 16, kvHeads: 16, intermediate: 5632 },
  tie: false,
  bias: (c) => ({ qkv: c.bool('qkv_bias', true), o: false, mlp: false }),
  mlp: qwenMoE(true),
  window: qwen2MoeWindow,
})

/**
 * Qwen3-MoE (`Qwen3MoeConfig`): Qwen3 attention, 128 routed experts (8 per token), no shared expert. Unlike
 * dense Qwen3, the config class has no `head_dim` default: without one it is `hidden_size / num_attention_heads`.
 */
export const qwen3Moe = llamaStyle({
  name: 'Qwen3-MoE',
  modelTypes: ['qwen3_moe'],
  cls: 'Qwen3Moe',
  defaults: { vocab: 151936, hidden: 2048, layers: 24, heads: 32, kvHeads: 4, intermediate: 6144 },
  tie: false,
  bias: attentionBias,
  qkNorm: 'head',
  mlp: qwenMoE(false),
  window: qwen3MoeWindow,
})
