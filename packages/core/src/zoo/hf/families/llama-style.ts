import type { ModuleNode } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import { attention, causalLM, decoderSizes, gatedMLP } from '../decoder.js'
import type { DecoderSizes } from '../decoder.js'
import { defineFamily } from '../family.js'
import type { HFFamily } from '../family.js'
import { kvCache, kvCacheNote } from '../model.js'
import type { HFBuild, KVCacheShape } from '../model.js'
import type { ModuleFactory } from '../modules.js'

/** What a Llama-style family varies: defaults, biases, norms, the MLP, the attention window. */
export interface LlamaStyleOptions {
  name: string
  modelTypes: readonly string[]
  /** Class-name prefix (`Llama` → `LlamaForCausalLM`, `LlamaDecoderLayer`, `LlamaRMSNorm`). */
  cls: string
  /** Base model class when not `<cls>Model` (`Gemma3TextModel`). */
  baseClass?: string
  /** Class of a scaled token embedding (with its `embed_scale` buffer), when not a plain `Embedding`. */
  scaledEmbedding?: string
  /** transformers' defaults for absent keys. */
  defaults: { vocab: number; hidden: number; layers: number; heads: number; kvHeads?: number; intermediate: number; headDim?: number }
  /** Default of `tie_word_embeddings`. */
  tie: boolean
  /** Biases of the q/k/v projections, the output projection and the MLP. */
  bias?: (c: HFConfig) => { qkv: boolean; o: boolean; mlp: boolean }
  /** Norms on queries and keys after projection: per head (`head_dim`, Qwen3, Gemma 3) or over all heads (OLMo 2). */
  qkNorm?: 'head' | 'all'
  /** RMSNorm with a weight (default), LayerNorm with weight and bias, or LayerNorm without parameters (OLMo). */
  norm?: 'rms' | 'layer' | 'layer-no-params'
  /** Norm attributes of a block after `self_attn` and the MLP, in registration order. */
  layerNorms?: readonly string[]
  /** The MLP of block `i`; default a gated `<cls>MLP` of `intermediate_size`. */
  mlp?: (ctx: MLPContext) => MLPBuilder
  /** The attention window (`slidingWindow` for every layer, `windowedLayers` for some), when the family has one. */
  window?: (c: HFConfig, s: DecoderSizes) => Partial<KVCacheShape>
  /** Attention types with their own rotary frequencies, as prefixes of the buffers' names (Gemma 3). */
  rotaryPrefixes?: (c: HFConfig, s: DecoderSizes) => readonly string[]
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
  /** Routed experts: per token, and for each MoE layer index the path below the block and the count. */
  moe?: { expertsPerToken: number; layers: ReadonlyArray<{ index: number; experts: string; count: number }> }
  /** Extra per-block figures: key → path below the given block. */
  perBlock?: ReadonlyArray<readonly [key: string, block: number, path: string]>
  /** Estimated modules, checked against the module limit before building. */
  modules?: number
}

/** A family whose blocks are `self_attn` + MLP + norms, as Llama's are. */
export function llamaStyle(o: LlamaStyleOptions): HFFamily {
  const baseClass = o.baseClass ?? `${o.cls}Model`
  const headClass = `${o.cls}ForCausalLM`
  return defineFamily({
    name: o.name,
    modelTypes: o.modelTypes,
    architectures: [headClass, baseClass],
    build(c, architecture, f) {
      const s = decoderSizes(c, o.defaults)
      const bias = o.bias?.(c) ?? { qkv: false, o: false, mlp: false }
      const norm = (dim: number): ModuleNode => {
        if (o.norm === 'layer') return f.layerNorm(dim)
        if (o.norm === 'layer-no-params') return f.module(`${o.cls}LayerNorm`)
        return f.rmsNorm(`${o.cls}RMSNorm`, dim)
      }
      const mlp = o.mlp?.({ c, f, s, cls: o.cls, mlpBias: bias.mlp }) ?? { name: 'mlp', make: () => gatedMLP(f, `${o.cls}MLP`, s.hidden, s.intermediate, bias.mlp) }
      f.reserve((mlp.modules ?? 14 * s.layers) + 10, `A ${s.layers}-layer \`${c.modelType}\` model`)
      const layerNorms = o.layerNorms ?? ['input_layernorm', 'post_attention_layernorm']
      const layer = (i: number): ModuleNode =>
        f.module(`${o.cls}DecoderLayer`, [
          ['self_attn', attention(f, `${o.cls}Attention`, s, { qkvBias: bias.qkv, oBias: bias.o, ...(o.qkNorm ? { qkNorm: { make: norm, perHead: o.qkNorm === 'head' } } : {}) })],
          [mlp.name, mlp.make(i)],
          ...layerNorms.map((name) => [name, norm(s.hidden)] as const),
        ])
      const tie = c.bool('tie_word_embeddings', o.tie)
      const rotaryDim = Math.floor(s.headDim * c.float('partial_rotary_factor', 1))
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
        head: { name: 'lm_head', inFeatures: s.hidden, outFeatures: s.vocab, bias: false, tie },
      })
      const shape: KVCacheShape = { layers: s.layers, kvHeads: s.kvHeads, headDim: s.headDim, ...o.window?.(c, s) }
      const layerPath = (i: number, path: string): string => `${built.prefix}layers.${i}.${path}`
      const build: HFBuild = {
        ...built,
        perBlock: [...built.perBlock, ...(mlp.perBlock ?? []).map(([key, block, path]) => [key, layerPath(block, path)] as const)],
        kvCache: kvCache(shape),
        kvCacheNote: kvCacheNote(shape, s.headDimRule, s.kvHeadsRule),
        notes: [],
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

/** Qwen2/Qwen3's window: layers from `max_window_layers` on use `sliding_window` when `use_sliding_window` is set. */
export function qwenWindow(c: HFConfig, s: DecoderSizes): Partial<KVCacheShape> {
  if (!c.bool('use_sliding_window', false)) return {}
  const window = c.optionalInt('sliding_window')
  if (window === undefined) return {}
  const from = c.int('max_window_layers', 28, { min: 0 })
  const count = Math.max(0, s.layers - from)
  if (count === 0) return {}
  return count === s.layers ? { slidingWindow: window } : { windowedLayers: { count, window } }
}

/** Every layer attends within `sliding_window` when the config sets one (Mistral, Starcoder2, Phi-3). */
export function everyLayerWindow(defaultWindow?: number) {
  return (c: HFConfig): Partial<KVCacheShape> => {
    const window = c.present('sliding_window') ? c.optionalInt('sliding_window') : defaultWindow
    return window === undefined ? {} : { slidingWindow: window }
  }
}
