import { NnsizeError } from '../../../errors.js'
import type { ModuleNode } from '../../../model/module.js'
import { causalLM, fusedExperts, gatedMLP } from '../decoder.js'
import { defineFamily } from '../family.js'
import type { HFFamily } from '../family.js'
import type { HFBuild } from '../model.js'

interface DeepseekDefaults {
  vocab: number
  hidden: number
  intermediate: number
  moeIntermediate: number
  layers: number
  heads: number
  sharedExperts: number | undefined
  routedExperts: number | undefined
  perToken: number | undefined
  firstDense: number
  qLoraRank: number
}

/**
 * DeepSeek-V2 and V3: multi-head latent attention (queries through `q_a_proj` → `q_a_layernorm` → `q_b_proj`,
 * or one `q_proj` when `q_lora_rank` is null; keys and values through `kv_a_proj_with_mqa` →
 * `kv_a_layernorm` → `kv_b_proj`), and from layer `first_k_dense_replace` on, every layer a mixture of
 * `n_routed_experts` experts plus `n_shared_experts` shared ones. transformers 5.18 does not read
 * `moe_layer_freq` (DeepSeek's own code makes only every `moe_layer_freq`-th layer sparse): a value other than 1
 * gets a note.
 */
function deepseekFamily(o: { name: string; cls: string; modelType: string; gate: string; gateBias: boolean; moeClass: string; routedAliases: readonly string[]; defaults: DeepseekDefaults }): HFFamily {
  const { cls } = o
  return defineFamily({
    name: o.name,
    modelTypes: [o.modelType],
    architectures: [`${cls}ForCausalLM`, `${cls}Model`],
    build(c, architecture, f) {
      const d = o.defaults
      const vocab = c.int('vocab_size', d.vocab)
      const hidden = c.int('hidden_size', d.hidden)
      const intermediate = c.int('intermediate_size', d.intermediate)
      const moeIntermediate = c.int('moe_intermediate_size', d.moeIntermediate)
      const layers = c.count('num_hidden_layers', d.layers)
      const heads = c.int('num_attention_heads', d.heads)
      const routedKey = ['n_routed_experts', ...o.routedAliases].find((k) => c.present(k))
      const routed = routedKey !== undefined ? c.optionalInt(routedKey) : d.routedExperts
      const shared = c.present('n_shared_experts') ? c.optionalInt('n_shared_experts') : d.sharedExperts
      const perToken = c.present('num_experts_per_tok') ? c.optionalInt('num_experts_per_tok') : d.perToken
      const firstDense = c.int('first_k_dense_replace', d.firstDense, { min: 0 })
      const frequency = c.get('moe_layer_freq')?.value
      const qLoraRank = c.present('q_lora_rank') ? c.optionalInt('q_lora_rank') : d.qLoraRank
      const kvLoraRank = c.int('kv_lora_rank', 512)
      const ropeDim = c.int('qk_rope_head_dim', 64)
      const nopeDim = c.int('qk_nope_head_dim', 128)
      const vDim = c.int('v_head_dim', 128)
      const bias = c.bool('attention_bias', false)
      const qHeadDim = nopeDim + ropeDim
      if (routed !== undefined && perToken !== undefined && perToken > routed) {
        throw new NnsizeError('config', `\`num_experts_per_tok\` (${perToken}) is larger than \`n_routed_experts\` (${routed}) (model type \`${c.modelType}\`).`)
      }
      const isMoE = (i: number): boolean => routed !== undefined && i >= firstDense
      f.reserve(layers * 24 + 10, `A ${layers}-layer ${o.name} with ${routed ?? 0} experts per layer`)
      const norm = (dim: number): ModuleNode => f.rmsNorm(`${cls}RMSNorm`, dim)
      const attention = (): ModuleNode =>
        f.module(`${cls}Attention`, [
          ...(qLoraRank === undefined
            ? ([['q_proj', f.linear(hidden, heads * qHeadDim, false)]] as const)
            : ([
                ['q_a_proj', f.linear(hidden, qLoraRank, bias)],
                ['q_a_layernorm', norm(qLoraRank)],
                ['q_b_proj', f.linear(qLoraRank, heads * qHeadDim, false)],
              ] as const)),
          ['kv_a_proj_with_mqa', f.linear(hidden, kvLoraRank + ropeDim, bias)],
          ['kv_a_layernorm', norm(kvLoraRank)],
          ['kv_b_proj', f.linear(kvLoraRank, heads * (nopeDim + vDim), false)],
          ['o_proj', f.linear(heads * vDim, hidden, bias)],
        ])
      const gate = (): ModuleNode => {
        const node = f.module(o.gate, [], [['weight', [routed!, hidden]]])
        if (o.gateBias) node.buffers.set('e_score_correction_bias', { kind: 'buffer', shape: [routed!], dtype: 'float32', requiresGrad: false, persistent: true })
        return node
      }
      const mlp = (i: number): ModuleNode => {
        if (!isMoE(i)) return gatedMLP(f, `${cls}MLP`, hidden, intermediate)
        return f.module(o.moeClass, [
          ['experts', fusedExperts(f, `${cls}Experts`, routed!, hidden, moeIntermediate)],
          ['gate', gate()],
          ...(shared !== undefined ? ([['shared_experts', gatedMLP(f, `${cls}MLP`, hidden, moeIntermediate * shared)]] as const) : []),
        ])
      }
      const built = causalLM(f, {
        architecture,
        headClass: `${cls}ForCausalLM`,
        baseClass: `${cls}Model`,
        basePrefix: 'model',
        embed: ['embed_tokens', f.embedding(vocab, hidden)],
        layersName: 'layers',
        layers,
        layer: (i) =>
          f.module(`${cls}DecoderLayer`, [
            ['self_attn', attention()],
            ['mlp', mlp(i)],
            ['input_layernorm', norm(hidden)],
            ['post_attention_layernorm', norm(hidden)],
          ]),
        after: [
          ['norm', norm(hidden)],
          ['rotary_emb', f.rotary(`${cls}RotaryEmbedding`, ropeDim)],
        ],
        finalNorm: 'norm',
        head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: false, tie: c.bool('tie_word_embeddings', false) },
      })
      const moeLayers = Array.from({ length: layers }, (_, i) => i).filter(isMoE)
      const first = moeLayers[0]
      const path = (i: number, rest: string): string => `${built.prefix}layers.${i}${rest}`
      const dense = Array.from({ length: layers }, (_, i) => i).find((i) => !isMoE(i))
      const build: HFBuild = {
        ...built,
        perBlock: [
          ...built.perBlock,
          ...(dense !== undefined ? ([['per_dense_layer', path(dense, '')]] as const) : []),
          ...(first !== undefined
            ? ([
                ['per_moe_layer', path(first, '')],
                ['per_layer_attention', path(first, '.self_attn')],
                ['per_layer_router', path(first, '.mlp.gate')],
                ['per_layer_experts', path(first, '.mlp.experts')],
                ['per_layer_shared_experts', path(first, '.mlp.shared_experts')],
              ] as const)
            : []),
        ],
        kvCache: { layers, kvHeads: heads, headDim: qHeadDim, latentDim: kvLoraRank + ropeDim, bytesPerTokenFp16: null },
        kvCacheNote: `multi-head latent attention: the cache can hold the compressed latent (kv_lora_rank ${kvLoraRank} + qk_rope_head_dim ${ropeDim} = ${kvLoraRank + ropeDim} values per layer) instead of per-head keys and values; the standard formula does not apply`,
        // `_keep_in_fp32_modules_strict` of DeepSeek-V3: the router's correction bias stays float32.
        ...(o.gateBias ? { keepFloat32: { halfPrecision: ['e_score_correction_bias'] } } : {}),
        notes: [
          ...(o.gateBias ? ['The router\'s `e_score_correction_bias` is a buffer here, as in transformers (DeepSeek\'s own code makes it a parameter).'] : []),
          ...(frequency !== undefined && frequency !== 1 && routed !== undefined
            ? [`The config's \`moe_layer_freq\` (${typeof frequency === 'number' ? frequency : JSON.stringify(frequency).slice(0, 40)}) is not applied by transformers 5.18: every layer from \`first_k_dense_replace\` on is a mixture of experts, as built here (DeepSeek's own code makes only every \`moe_layer_freq\`-th layer sparse).`]
            : []),
          ...(c.int(['num_nextn_predict_layers', 'num_mtp_layers'], 0, { min: 0 }) > 0 ? ['The multi-token-prediction layers stored in the checkpoint are not part of this class and are not counted.'] : []),
          ...(routed !== undefined && perToken === undefined && moeLayers.length > 0 ? ['The config has no `num_experts_per_tok`, so the parameters a token uses are not known.'] : []),
        ],
      }
      if (routed !== undefined && perToken !== undefined && moeLayers.length > 0) {
        build.moe = { expertsPerToken: perToken, layers: moeLayers.map((i) => ({ experts: path(i, '.mlp.experts'), count: routed })) }
      }
      return build
    },
  })
}

/**
 * DeepSeek-V2 and V2-Lite (`DeepseekV2Config` of transformers 5 defaults: 32 layers, 64 routed experts and 2 shared
 * ones in every layer, `num_experts_per_tok` unset, `q_lora_rank` 1536).
 */
export const deepseekV2 = deepseekFamily({
  name: 'DeepSeek-V2',
  cls: 'DeepseekV2',
  modelType: 'deepseek_v2',
  gate: 'DeepseekV2TopkRouter',
  gateBias: false,
  moeClass: 'DeepseekV2Moe',
  routedAliases: ['num_experts'],
  defaults: { vocab: 102400, hidden: 4096, intermediate: 11008, moeIntermediate: 1407, layers: 32, heads: 32, sharedExperts: 2, routedExperts: 64, perToken: undefined, firstDense: 0, qLoraRank: 1536 },
})

/** DeepSeek-V3 (`DeepseekV3Config` defaults: 61 layers, 256 routed experts (8 per token) + 1 shared, first 3 layers dense). */
export const deepseekV3 = deepseekFamily({
  name: 'DeepSeek-V3',
  cls: 'DeepseekV3',
  modelType: 'deepseek_v3',
  gate: 'DeepseekV3TopkRouter',
  gateBias: true,
  moeClass: 'DeepseekV3MoE',
  routedAliases: ['num_local_experts'],
  defaults: { vocab: 129280, hidden: 7168, intermediate: 18432, moeIntermediate: 2048, layers: 61, heads: 128, sharedExperts: 1, routedExperts: 256, perToken: 8, firstDense: 3, qLoraRank: 1536 },
})
