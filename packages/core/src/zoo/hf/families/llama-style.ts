import { NnsizeError } from '../../../errors.js'
import type { ModuleNode } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import { attention, causalLM, decoderSizes, gatedMLP } from '../decoder.js'
import type { DecoderSizes } from '../decoder.js'
import { defineFamily } from '../family.js'
import type { HFFamily } from '../family.js'
import { kvCache, kvCacheNote } from '../model.js'
import type { HFBuild, KVCacheShape } from '../model.js'
import type { KeepFloat32 } from '../dtype.js'
import type { Child, ModuleFactory } from '../modules.js'

/** What a Llama-style family varies: defaults, biases, norms, the MLP, the attention window. */
export interface LlamaStyleOptions {
  name: string
  modelTypes: readonly string[]
  /** Class-name prefix (`Llama` → `LlamaForCausalLM`, `LlamaDecoderLayer`, `LlamaRMSNorm`). */
  cls: string
  /** Base model class when not `<cls>Model` (`Gemma3TextModel`). */
  baseClass?: string
  /** Class with the output head when not `<cls>ForCausalLM` (`Llama4ForCausalLM` over `Llama4Text*` modules). */
  headClass?: string
  /** Class of a scaled token embedding (with its `embed_scale` buffer), when not a plain `Embedding`. */
  scaledEmbedding?: string
  /** transformers' defaults for absent keys; `headDimKey: null` when the config class derives the head size itself (Cohere). */
  defaults: { vocab: number; hidden: number; layers: number; heads: number; kvHeads?: number; intermediate: number; headDim?: number; headDimKey?: string | null }
  /** Default of `tie_word_embeddings`. */
  tie: boolean
  /** Biases of the q/k/v projections, the output projection and the MLP; `head` for `lm_head`. */
  bias?: (c: HFConfig) => { qkv: boolean; o: boolean; mlp: boolean; head?: boolean }
  /**
   * Norms on queries and keys after projection: per head (`head_dim`, Qwen3, Gemma 3), over all heads (OLMo 2), or
   * made by the family (Cohere's per-head weights, StableLM's list of per-head LayerNorms), with their names.
   */
  qkNorm?: 'head' | 'all' | ((f: ModuleFactory, s: DecoderSizes, c: HFConfig) => { q: ModuleNode; k: ModuleNode; names?: readonly [string, string] } | undefined)
  /** RMSNorm with a weight (default), LayerNorm with weight and bias, LayerNorm without parameters (OLMo), or the family's own. */
  norm?: 'rms' | 'layer' | 'layer-no-params' | ((f: ModuleFactory, dim: number) => ModuleNode)
  /** Norm attributes of a block after `self_attn` and the MLP, in registration order. */
  layerNorms?: readonly string[] | ((c: HFConfig) => readonly string[])
  /** The MLP of block `i`; default a gated `<cls>MLP` of `intermediate_size`. */
  mlp?: (ctx: MLPContext) => MLPBuilder
  /** The attention window (`slidingWindow` for every layer, `windowedLayers` for some), when the family has one. */
  window?: (c: HFConfig, s: DecoderSizes) => Partial<KVCacheShape>
  /** Attention types with their own rotary frequencies, as prefixes of the buffers' names (Gemma 3). */
  rotaryPrefixes?: (c: HFConfig, s: DecoderSizes) => readonly string[]
  /** The fraction of each head that is rotated when the config does not say (`partial_rotary_factor`); default 1. */
  partialRotary?: number
  /** Tensors transformers keeps in float32 when loading in half precision. */
  keepFloat32?: KeepFloat32
  /** Parameters of the attention module itself (GPT-OSS's per-head `sinks`). */
  attentionParams?: (s: DecoderSizes) => ReadonlyArray<readonly [string, readonly number[]]>
}

/** What an MLP builder receives. */
export interface MLPContext {
  c: HFConfig
  f: ModuleFactory
  s: DecoderSizes
  cls: string
  mlpBias: boolean
}

/** How a family builds block `i`'s MLP, and the MoE facts that follow. */
export interface MLPBuilder {
  /** Attribute name in the block (`mlp`, `block_sparse_moe`). */
  name: string
  make: (i: number) => ModuleNode
  /** Modules registered after the MLP in block `i` (Granite-MoE-Shared's `shared_mlp`). */
  after?: (i: number) => readonly Child[]
  /** The MLP is registered after the block's norms (Granite-MoE), not before them. */
  afterNorms?: boolean
  /** Routed experts: per token, and for each MoE layer index the path below the block and the count. */
  moe?: { expertsPerToken: number; layers: ReadonlyArray<{ index: number; experts: string; count: number }> }
  /** Extra per-block figures: key → path below the given block. */
  perBlock?: ReadonlyArray<readonly [key: string, block: number, path: string]>
  /** Estimated modules, checked against the module limit before building. */
  modules?: number
  /** A fact to report (the active parameters cannot be known, …). */
  note?: string
}

/** The fraction of each head that rotary embeddings rotate: `partial_rotary_factor` at the top level (transformers 4) or in `rope_parameters` (5), else `fallback`. */
export function partialRotaryFactor(c: HFConfig, fallback = 1): number {
  if (c.has('partial_rotary_factor')) return c.float('partial_rotary_factor', fallback)
  const rope = c.object('rope_parameters')
  const value = rope?.['partial_rotary_factor']
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}

/** A family whose blocks are `self_attn` + MLP + norms, as Llama's are. */
export function llamaStyle(o: LlamaStyleOptions): HFFamily {
  const baseClass = o.baseClass ?? `${o.cls}Model`
  const headClass = o.headClass ?? `${o.cls}ForCausalLM`
  return defineFamily({
    name: o.name,
    modelTypes: o.modelTypes,
    architectures: [headClass, baseClass],
    build(c, architecture, f) {
      const s = decoderSizes(c, o.defaults)
      const bias = o.bias?.(c) ?? { qkv: false, o: false, mlp: false }
      const norm = (dim: number): ModuleNode => {
        if (typeof o.norm === 'function') return o.norm(f, dim)
        if (o.norm === 'layer') return f.layerNorm(dim)
        if (o.norm === 'layer-no-params') return f.module(`${o.cls}LayerNorm`)
        return f.rmsNorm(`${o.cls}RMSNorm`, dim)
      }
      const qkNorm = (): readonly Child[] => {
        if (o.qkNorm === undefined) return []
        if (typeof o.qkNorm === 'function') {
          const made = o.qkNorm(f, s, c)
          if (!made) return []
          const [qName, kName] = made.names ?? ['q_norm', 'k_norm']
          return [
            [qName, made.q],
            [kName, made.k],
          ]
        }
        const perHead = o.qkNorm === 'head'
        return [
          ['q_norm', norm(perHead ? s.headDim : s.heads * s.headDim)],
          ['k_norm', norm(perHead ? s.headDim : s.kvHeads * s.headDim)],
        ]
      }
      const mlp = o.mlp?.({ c, f, s, cls: o.cls, mlpBias: bias.mlp }) ?? { name: 'mlp', make: () => gatedMLP(f, `${o.cls}MLP`, s.hidden, s.intermediate, bias.mlp) }
      f.reserve((mlp.modules ?? 14 * s.layers) + 10, `A ${s.layers}-layer \`${c.modelType}\` model`)
      const layerNorms = typeof o.layerNorms === 'function' ? o.layerNorms(c) : (o.layerNorms ?? ['input_layernorm', 'post_attention_layernorm'])
      const layer = (i: number): ModuleNode => {
        const selfAttn = attention(f, `${o.cls}Attention`, s, { qkvBias: bias.qkv, oBias: bias.o })
        for (const [name, node] of qkNorm()) selfAttn.children.set(name, node)
        for (const [name, shape] of o.attentionParams?.(s) ?? []) selfAttn.params.set(name, f.parameter(shape))
        const norms = layerNorms.map((name) => [name, norm(s.hidden)] as const)
        const ffn: Child[] = [[mlp.name, mlp.make(i)], ...(mlp.after?.(i) ?? [])]
        return f.module(`${o.cls}DecoderLayer`, [['self_attn', selfAttn], ...(mlp.afterNorms ? [...norms, ...ffn] : [...ffn, ...norms])])
      }
      const tie = c.bool('tie_word_embeddings', o.tie)
      const rotaryDim = Math.floor(s.headDim * partialRotaryFactor(c, o.partialRotary))
      const built = causalLM(f, {
        architecture,
        headClass,
        baseClass,
        basePrefix: 'model',
        embed: ['embed_tokens', o.scaledEmbedding ? f.scaledEmbedding(s.vocab, s.hidden, o.scaledEmbedding) : f.embedding(s.vocab, s.hidden)],
        layersName: 'layers',
        layers: s.layers,
        layer,
        after: [
          ['norm', norm(s.hidden)],
          ['rotary_emb', f.rotary(`${o.cls}RotaryEmbedding`, rotaryDim, o.rotaryPrefixes ? { prefixes: o.rotaryPrefixes(c, s) } : {})],
        ],
        finalNorm: 'norm',
        head: { name: 'lm_head', inFeatures: s.hidden, outFeatures: s.vocab, bias: bias.head ?? false, tie },
      })
      const shape: KVCacheShape = { layers: s.layers, kvHeads: s.kvHeads, headDim: s.headDim, ...o.window?.(c, s) }
      const layerPath = (i: number, path: string): string => `${built.prefix}layers.${i}.${path}`
      const build: HFBuild = {
        ...built,
        perBlock: [...built.perBlock, ...(mlp.perBlock ?? []).map(([key, block, path]) => [key, layerPath(block, path)] as const)],
        kvCache: kvCache(shape),
        kvCacheNote: kvCacheNote(shape, s.headDimRule, s.kvHeadsRule),
        notes: mlp.note ? [mlp.note] : [],
        ...(o.keepFloat32 ? { keepFloat32: o.keepFloat32 } : {}),
      }
      if (mlp.moe) {
        build.moe = { expertsPerToken: mlp.moe.expertsPerToken, layers: mlp.moe.layers.map((l) => ({ experts: layerPath(l.index, l.experts), count: l.count })) }
      }
      return build
    },
  })
}

/** Biases on q, k, v and o when the config's `attention_bias` is set (default false), none in the MLP. */
export function attentionBias(c: HFConfig): { qkv: boolean; o: boolean; mlp: boolean } {
  const attention = c.bool('attention_bias', false)
  return { qkv: attention, o: attention, mlp: false }
}

/** Biases on q, k and v only, whatever the config says (Qwen2's attention). */
export function qkvBias(): { qkv: boolean; o: boolean; mlp: boolean } {
  return { qkv: true, o: false, mlp: false }
}

/**
 * Qwen's attention windows, as transformers 5.18's config classes set them and `DynamicCache` sizes the cache: only
 * with `use_sliding_window`, `sliding_window` (default 4096; null: no window) applies to the layers that
 * `layer_types` lists as `sliding_attention` (it must have one entry per layer), or, without that list, to the layers
 * `sliding` picks (read once per config).
 */
function qwenWindows(sliding: (c: HFConfig) => (layer: number) => boolean) {
  return (c: HFConfig, s: DecoderSizes): Partial<KVCacheShape> => {
    if (!c.bool('use_sliding_window', false)) return {}
    const window = c.present('sliding_window') ? c.optionalInt('sliding_window') : 4096
    if (window === undefined) return {}
    const types = c.strings('layer_types')
    if (types && types.length !== s.layers) throw new NnsizeError('config', `\`num_hidden_layers\` (${s.layers}) must be equal to the number of \`layer_types\` (${types.length}) (model type \`${c.modelType}\`).`)
    const picks = types ? (i: number) => types[i] === 'sliding_attention' : sliding(c)
    let count = 0
    for (let i = 0; i < s.layers; i++) if (picks(i)) count++
    if (count === 0) return {}
    return count === s.layers ? { slidingWindow: window } : { windowedLayers: { count, window } }
  }
}

/**
 * Qwen2, Qwen3 and the Qwen2-VL/Qwen2.5-VL text models: the layers from `max_window_layers` on (default 28; the
 * VL text configs' 80) use the window (`Qwen2Config.layer_types`).
 */
export function qwenWindow(maxWindowLayersDefault = 28): (c: HFConfig, s: DecoderSizes) => Partial<KVCacheShape> {
  return qwenWindows((c) => {
    const from = c.int('max_window_layers', maxWindowLayersDefault, { min: 0 })
    return (i) => i >= from
  })
}

/** Qwen2-MoE: the even layers below `max_window_layers` (default 28) use the window (`Qwen2MoeConfig.layer_types`). */
export const qwen2MoeWindow = qwenWindows((c) => {
  const below = c.int('max_window_layers', 28, { min: 0 })
  return (i) => i % 2 === 0 && i < below
})

/**
 * Qwen3-MoE: `Qwen3MoeConfig` has no `layer_types` of its own and reads no `max_window_layers`, so every layer
 * uses the window (a `layer_types` in the config file is still what the cache follows).
 */
export const qwen3MoeWindow = qwenWindows(() => () => true)

/** Every layer attends within `sliding_window` when the config sets one (Mistral, Starcoder2, Phi-3). */
export function everyLayerWindow(defaultWindow?: number) {
  return (c: HFConfig): Partial<KVCacheShape> => {
    const window = c.present('sliding_window') ? c.optionalInt('sliding_window') : defaultWindow
    return window === undefined ? {} : { slidingWindow: window }
  }
}
