import type { ModuleNode, TensorDef } from '../../model/module.js'
import type { HFConfig } from './config.js'
import type { HFBuild } from './model.js'
import type { Child, ModuleFactory } from './modules.js'

/** The layout of a decoder-only causal LM: `<base>.<embed>`, `<base>.<layers>.N`, final norm, head. */
export interface CausalLMSpec {
  /** The class asked for. */
  architecture: string
  /** The class with the output head (`LlamaForCausalLM`). */
  headClass: string
  /** The class without it (`LlamaModel`). */
  baseClass: string
  /** Attribute of the head class holding the base model (`model`, `transformer`, `gpt_neox`). */
  basePrefix: string
  /** The token embedding's attribute name and module. */
  embed: readonly [string, ModuleNode]
  /** Modules registered between the embedding and the blocks, counted as embeddings (GPT-2's `wpe`). */
  beforeLayers?: readonly Child[]
  /** Attribute name of the block list (`layers`, `h`). */
  layersName: string
  layers: number
  layer: (index: number) => ModuleNode
  /** Modules after the blocks, in registration order (final norm, rotary embedding). */
  after: readonly Child[]
  /** Which of `after` is the final norm (null: none). */
  finalNorm: string | null
  /** The output head: attribute name, sizes, bias, and whether it shares the embedding's weight. */
  head: { name: string; inFeatures: number; outFeatures: number; bias: boolean; tie: boolean }
}

/** The parts of a causal-LM build that are the same for every family. */
export type CausalLMBuild = Pick<HFBuild, 'root' | 'parts' | 'perBlock' | 'tiedWeight'> & {
  /** Path prefix of the base model (`model.` or `` for the base class). */
  prefix: string
}

/** Builds a decoder-only model as `spec` lays it out, as the head class or as the base class. */
export function causalLM(f: ModuleFactory, spec: CausalLMSpec): CausalLMBuild {
  const blocks = f.list(spec.layers, spec.layer)
  const base = f.module(spec.baseClass, [spec.embed, ...(spec.beforeLayers ?? []), [spec.layersName, blocks], ...spec.after])
  const withHead = spec.architecture === spec.headClass
  const prefix = withHead ? `${spec.basePrefix}.` : ''
  let root = base
  let tiedWeight: TensorDef | null = null
  if (withHead) {
    const head = f.linear(spec.head.inFeatures, spec.head.outFeatures, spec.head.bias)
    if (spec.head.tie) tiedWeight = f.tie(head, spec.embed[1])
    root = f.module(spec.headClass, [
      [spec.basePrefix, base],
      [spec.head.name, head],
    ])
  }
  return {
    root,
    prefix,
    tiedWeight,
    parts: [
      ['embeddings', [`${prefix}${spec.embed[0]}`, ...(spec.beforeLayers ?? []).map(([name]) => `${prefix}${name}`)]],
      ['layers', [`${prefix}${spec.layersName}`]],
      ['final_norm', spec.finalNorm === null ? [] : [`${prefix}${spec.finalNorm}`]],
      ['lm_head', withHead ? [spec.head.name] : []],
    ],
    perBlock: [['per_layer', `${prefix}${spec.layersName}.0`]],
  }
}

/** Sizes of one attention block. */
export interface AttentionSizes {
  hidden: number
  heads: number
  kvHeads: number
  headDim: number
}

/** Llama-style attention: `q_proj`, `k_proj`, `v_proj`, `o_proj` (optionally per-head q/k norms after them). */
export function attention(
  f: ModuleFactory,
  type: string,
  s: AttentionSizes,
  options: { qkvBias: boolean; oBias: boolean; oName?: string; qkNorm?: { make: (dim: number) => ModuleNode; perHead: boolean; names?: readonly [string, string] } },
): ModuleNode {
  const q = s.heads * s.headDim
  const kv = s.kvHeads * s.headDim
  const children: Child[] = [
    ['q_proj', f.linear(s.hidden, q, options.qkvBias)],
    ['k_proj', f.linear(s.hidden, kv, options.qkvBias)],
    ['v_proj', f.linear(s.hidden, kv, options.qkvBias)],
    [options.oName ?? 'o_proj', f.linear(q, s.hidden, options.oBias)],
  ]
  if (options.qkNorm) {
    const [qName, kName] = options.qkNorm.names ?? ['q_norm', 'k_norm']
    children.push([qName, options.qkNorm.make(options.qkNorm.perHead ? s.headDim : q)])
    children.push([kName, options.qkNorm.make(options.qkNorm.perHead ? s.headDim : kv)])
  }
  return f.module(type, children)
}

/** A gated MLP (`gate_proj`, `up_proj`, `down_proj`): SwiGLU / GeGLU. */
export function gatedMLP(f: ModuleFactory, type: string, hidden: number, intermediate: number, bias = false, names: readonly [string, string, string] = ['gate_proj', 'up_proj', 'down_proj']): ModuleNode {
  return f.module(type, [
    [names[0], f.linear(hidden, intermediate, bias)],
    [names[1], f.linear(hidden, intermediate, bias)],
    [names[2], f.linear(intermediate, hidden, bias)],
  ])
}

/** The common sizes of a Llama-style config, with the family's defaults. */
export interface DecoderSizes extends AttentionSizes {
  vocab: number
  layers: number
  intermediate: number
  headDimRule: string
  kvHeadsRule: string
}

/** Reads `vocab_size`, `hidden_size`, `num_hidden_layers`, `num_attention_heads`, `num_key_value_heads`, `head_dim`, `intermediate_size`. */
export function decoderSizes(
  c: HFConfig,
  d: { vocab: number; hidden: number; layers: number; heads: number; kvHeads?: number; intermediate: number; headDim?: number; headDimKey?: string | null },
): DecoderSizes {
  const vocab = c.int('vocab_size', d.vocab)
  const hidden = c.int('hidden_size', d.hidden)
  const layers = c.count('num_hidden_layers', d.layers)
  const heads = c.int('num_attention_heads', d.heads)
  const kvHeadsGiven = c.has('num_key_value_heads')
  const kv = c.int('num_key_value_heads', d.kvHeads ?? heads)
  c.checkGroups({ key: 'num_attention_heads', value: heads }, { key: 'num_key_value_heads', value: kv })
  const intermediate = c.int('intermediate_size', d.intermediate)
  let headDim: number
  let headDimRule: string
  if (d.headDim !== undefined && !c.has('head_dim')) {
    headDim = d.headDim
    headDimRule = `default head_dim ${d.headDim}`
  } else {
    ;({ headDim, rule: headDimRule } = c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, d.headDimKey === undefined ? 'head_dim' : d.headDimKey))
  }
  const kvHeadsRule = kvHeadsGiven ? 'num_key_value_heads' : d.kvHeads !== undefined ? `default num_key_value_heads ${d.kvHeads}` : 'num_key_value_heads defaults to num_attention_heads'
  return { vocab, hidden, layers, heads, kvHeads: kv, headDim, intermediate, headDimRule, kvHeadsRule }
}

/**
 * Routed experts as transformers 5 fuses them (`MixtralExperts`, `Qwen3MoeExperts`, …): one `gate_up_proj`
 * of shape (experts, 2 × intermediate, hidden) and one `down_proj` of (experts, hidden, intermediate);
 * `transposed` stores them (experts, hidden, 2 × intermediate) and (experts, intermediate, hidden) (Llama 4,
 * GPT-OSS); `bias` adds `gate_up_proj_bias` and `down_proj_bias` (GPT-OSS). Checkpoints written by
 * transformers 4 hold one module per expert instead; the parameter count is the same.
 */
export function fusedExperts(f: ModuleFactory, type: string, experts: number, hidden: number, intermediate: number, options: { transposed?: boolean; bias?: boolean } = {}): ModuleNode {
  const gateUp = options.transposed ? [experts, hidden, 2 * intermediate] : [experts, 2 * intermediate, hidden]
  const down = options.transposed ? [experts, intermediate, hidden] : [experts, hidden, intermediate]
  return f.module(type, [], [
    ['gate_up_proj', gateUp],
    ...(options.bias ? ([['gate_up_proj_bias', [experts, 2 * intermediate]]] as const) : []),
    ['down_proj', down],
    ...(options.bias ? ([['down_proj_bias', [experts, hidden]]] as const) : []),
  ])
}

/** A router that holds its own `weight` of shape (experts, hidden), and a `bias` when asked (`MixtralTopKRouter`, `GptOssTopKRouter`). */
export function router(f: ModuleFactory, type: string, experts: number, hidden: number, bias = false): ModuleNode {
  return f.module(type, [], [['weight', [experts, hidden]], ...(bias ? ([['bias', [experts]]] as const) : [])])
}
