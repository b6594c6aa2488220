import type { ModuleNode } from '../../../model/module.js'
import { attention, causalLM, decoderSizes, fusedExperts, gatedMLP } from '../decoder.js'
import { defineFamily } from '../family.js'
import { kvCache, kvCacheNote } from '../model.js'
import type { HFBuild, KVCacheShape } from '../model.js'
import { mambaMixer, mambaState, timeStepRank } from './mamba.js'
import type { MambaMixerSizes } from './mamba.js'
import { expertCounts } from './moe.js'

/**
 * Jamba (`JambaConfig`: 4096 wide, 32 layers, 32 heads, 8 KV heads, FFN 14336, vocabulary 65536, untied): layer `i`
 * attends when `i % attn_layer_period == attn_layer_offset` (every 8th from layer 4) and is a Mamba mixer otherwise
 * (with RMSNorms on Δ, B and C); its feed-forward is a mixture of `num_experts` (16, 2 per token) when
 * `i % expert_layer_period == expert_layer_offset` (every other layer from 1) and `num_experts` > 1, a gated MLP
 * otherwise. No position
 * embeddings. Only the attention layers keep a KV cache; the Mamba layers keep a state.
 */
export const jamba = defineFamily({
  name: 'Jamba',
  modelTypes: ['jamba'],
  architectures: ['JambaForCausalLM', 'JambaModel'],
  build(c, architecture, f) {
    const s = decoderSizes(c, { vocab: 65536, hidden: 4096, layers: 32, heads: 32, kvHeads: 8, intermediate: 14336, headDimKey: null })
    // With one expert no layer routes (see `isMoE`), so `num_experts_per_tok` is not checked against it.
    const experts = c.count(['num_experts', 'num_local_experts'], 16)
    const { perToken } = experts > 1 ? expertCounts(c, ['num_experts', 'num_local_experts'], 16, 2) : { perToken: c.count('num_experts_per_tok', 2) }
    const expertPeriod = c.count('expert_layer_period', 2)
    const expertOffset = c.int('expert_layer_offset', 1, { min: 0 })
    const attnPeriod = c.count('attn_layer_period', 8)
    const attnOffset = c.int('attn_layer_offset', 4, { min: 0 })
    const isAttention = (i: number): boolean => i % attnPeriod === attnOffset
    // `JambaConfig.layers_num_experts`: `num_experts` in those layers, 1 elsewhere; a layer with one expert is a dense `JambaMLP`.
    const isMoE = (i: number): boolean => experts > 1 && i % expertPeriod === expertOffset
    const m: MambaMixerSizes = {
      hidden: s.hidden,
      intermediate: c.int('mamba_expand', 2) * s.hidden,
      state: c.int('mamba_d_state', 16),
      convKernel: c.int('mamba_d_conv', 4),
      timeStepRank: timeStepRank(c, 'mamba_dt_rank', s.hidden),
      convBias: c.bool('mamba_conv_bias', true),
      projBias: c.bool('mamba_proj_bias', false),
    }
    f.reserve(s.layers * 20 + 10, `A ${s.layers}-layer Jamba`)
    const norm = (dim: number): ModuleNode => f.rmsNorm('JambaRMSNorm', dim)
    const feedForward = (i: number): ModuleNode =>
      isMoE(i)
        ? f.module('JambaSparseMoeBlock', [
            ['router', f.linear(s.hidden, experts, false)],
            ['experts', fusedExperts(f, 'JambaExperts', experts, s.hidden, s.intermediate)],
          ])
        : gatedMLP(f, 'JambaMLP', s.hidden, s.intermediate)
    const layer = (i: number): ModuleNode =>
      f.module(isAttention(i) ? 'JambaAttentionDecoderLayer' : 'JambaMambaDecoderLayer', [
        isAttention(i)
          ? ['self_attn', attention(f, 'JambaAttention', s, { qkvBias: false, oBias: false })]
          : [
              'mamba',
              mambaMixer(f, 'JambaMambaMixer', m, [
                ['dt_layernorm', norm(m.timeStepRank)],
                ['b_layernorm', norm(m.state)],
                ['c_layernorm', norm(m.state)],
              ]),
            ],
        ['feed_forward', feedForward(i)],
        ['input_layernorm', norm(s.hidden)],
        ['pre_ff_layernorm', norm(s.hidden)],
      ])
    const built = causalLM(f, {
      architecture,
      headClass: 'JambaForCausalLM',
      baseClass: 'JambaModel',
      basePrefix: 'model',
      embed: ['embed_tokens', f.embedding(s.vocab, s.hidden)],
      layersName: 'layers',
      layers: s.layers,
      layer,
      after: [['final_layernorm', norm(s.hidden)]],
      finalNorm: 'final_layernorm',
      head: { name: 'lm_head', inFeatures: s.hidden, outFeatures: s.vocab, bias: false, tie: c.bool('tie_word_embeddings', false) },
    })
    const all = Array.from({ length: s.layers }, (_, i) => i)
    const attentionLayers = all.filter(isAttention).length
    const mambaLayers = s.layers - attentionLayers
    const moeLayers = all.filter(isMoE)
    const path = (i: number, rest: string): string => `${built.prefix}layers.${i}${rest}`
    const shape: KVCacheShape = { layers: attentionLayers, kvHeads: s.kvHeads, headDim: s.headDim }
    const build: HFBuild = {
      ...built,
      perBlock: [
        ...built.perBlock,
        ...(moeLayers.length > 0 ? ([['per_layer_router', path(moeLayers[0]!, '.feed_forward.router')], ['per_layer_experts', path(moeLayers[0]!, '.feed_forward.experts')]] as const) : []),
      ],
      kvCache: attentionLayers > 0 ? kvCache(shape) : null,
      kvCacheNote: attentionLayers > 0 ? `${kvCacheNote(shape, s.headDimRule, s.kvHeadsRule)}; the ${mambaLayers} Mamba layers keep a fixed-size state instead` : 'no attention layers: no KV cache',
      ...(mambaLayers > 0 ? { stateCache: mambaState(mambaLayers, m) } : {}),
      notes: [],
    }
    if (moeLayers.length > 0) build.moe = { expertsPerToken: perToken, layers: moeLayers.map((i) => ({ experts: path(i, '.feed_forward.experts'), count: experts })) }
    return build
  },
})
