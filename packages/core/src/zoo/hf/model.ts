import type { ModuleNode, TensorDef } from '../../model/module.js'
import { namedTensors } from '../../model/module.js'
import { numel } from '../../tensor/shape.js'
import { dtypeBytes } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import type { CheckpointDType, KeepFloat32 } from './dtype.js'
import type { TransformerShape } from './transformer-shape.js'

/**
 * The shape of a model's KV cache, as the memory planner takes it (`KvCacheSpec` of `memory/kvcache.ts`). Bytes per token for a
 * dtype of `b` bytes: `2 (K and V) × layers × kvHeads × headDim × b` (with `latentDim`:
 * `layers × latentDim × b`, the compressed cache of multi-head latent attention).
 */
export interface KVCacheShape {
  /** Decoder layers that keep a cache. */
  layers: number
  /** Key/value heads per layer (grouped-query aware). */
  kvHeads: number
  /** Size of one key (and one value) head. */
  headDim: number
  /** Attention window in tokens, when every layer attends to at most that many past tokens. */
  slidingWindow?: number
  /** When only some layers use a window (Gemma 2: half; Gemma 3: 5 of 6): how many, and the window; the others keep every token. */
  windowedLayers?: { count: number; window: number }
  /** Multi-head latent attention: elements cached per token per layer (`kv_lora_rank + qk_rope_head_dim`). */
  latentDim?: number
}

/** The KV cache as {@link ModelInfo} reports it. */
export interface KVCacheInfo extends KVCacheShape {
  /** `2 × layers × kvHeads × headDim × 2` bytes; null for multi-head latent attention (see `latentDim`). */
  bytesPerTokenFp16: bigint | null
}

/**
 * The state that state-space and recurrent layers keep per sequence instead of a KV cache (Mamba, Mamba-2,
 * Falcon-Mamba, Jamba's Mamba layers, RecurrentGemma's recurrent blocks), as transformers 5 allocates it: a
 * convolution state and a recurrent state per layer, the same size at any sequence length.
 */
export interface StateCacheInfo {
  /** Layers that keep a state. */
  layers: number
  /** Elements of one layer's convolution state per sequence (channels × kept positions). */
  convElementsPerLayer: number
  /** Elements of one layer's recurrent state per sequence (the SSM state; RecurrentGemma's RG-LRU state). */
  recurrentElementsPerLayer: number
  /** The recurrent state's dtype when it does not follow the model's (transformers keeps the SSM states of Mamba, Mamba-2, Falcon-Mamba and Jamba, and RecurrentGemma's RG-LRU state, in float32). */
  recurrentDType?: DType
  /** Bytes per sequence, at any length, with the states in fp16 (the recurrent one in `recurrentDType` when set). */
  bytesPerSequenceFp16: bigint
}

/** A state cache: bytes per sequence from the per-layer element counts. */
export function stateCache(shape: Omit<StateCacheInfo, 'bytesPerSequenceFp16'>): StateCacheInfo {
  const recurrentBytes = BigInt(shape.recurrentDType ? dtypeBytes[shape.recurrentDType] : 2)
  return { ...shape, bytesPerSequenceFp16: BigInt(shape.layers) * (2n * BigInt(shape.convElementsPerLayer) + recurrentBytes * BigInt(shape.recurrentElementsPerLayer)) }
}

/** What a family builder returns: the module tree and how to read it. */
export interface HFBuild {
  root: ModuleNode
  /** Breakdown parts in order: key → module or tensor paths whose parameters belong to it. */
  parts: ReadonlyArray<readonly [key: string, paths: readonly string[]]>
  /** Per-block figures (not part of the sum): key → module path, optionally less some paths. */
  perBlock: ReadonlyArray<readonly [key: string, path: string, except?: readonly string[]]>
  /** The input embedding weight that the output head shares, when tied. */
  tiedWeight: TensorDef | null
  /** Mixture of experts: experts used per token, and each MoE layer's routed experts (the module holding all of them) and their count. */
  moe?: { expertsPerToken: number; layers: ReadonlyArray<{ experts: string; count: number }> }
  kvCache: KVCacheInfo | null
  /** How the KV-cache figure was obtained, or why there is none. */
  kvCacheNote: string
  /** The fixed-size recurrent state of state-space and recurrent layers (Mamba, RecurrentGemma), when there are any. */
  stateCache?: StateCacheInfo
  /** Tensors transformers keeps in float32 when the checkpoint is loaded in half precision. */
  keepFloat32?: KeepFloat32
  /** Facts worth saying about this build (defaults used, parts not modelled). */
  notes: string[]
}

/** What `analyze` reports about a Hugging Face model, beside the counts every analysis has. */
export interface ModelInfo {
  /** The family (`Llama`, `GPT-2`, `T5`, …). */
  family: string
  /** The config's `model_type`. */
  modelType: string
  /** The class built (`LlamaForCausalLM`). */
  architecture: string
  /** The catalogue checkpoint, when the input was a model name. */
  checkpoint?: string
  /** True when the output head shares the input embedding's weight (counted once). */
  tiedEmbeddings: boolean
  /** The parameter count if the output head had its own weight; equals the total when not tied. */
  paramsUntied: bigint
  /** Mixture-of-experts models: parameters a token uses (routed experts it skips left out); null otherwise. */
  activeParamsPerToken: bigint | null
  /** Parameters by part (`embeddings`, `layers`, `final_norm`, `lm_head`, …), then `per_…` figures that are not part of the sum. */
  breakdown: Record<string, bigint>
  kvCache: KVCacheInfo | null
  kvCacheNote: string
  /** The recurrent state of state-space and recurrent layers; null for models that only attend (or do not generate). */
  stateCache: StateCacheInfo | null
  /** The dtype the checkpoint stores its weights in (the parameters are sized in it) and where it was read. */
  dtype: CheckpointDType
  notes: string[]
  /** The sizes that set its activation memory (the memory planner's `transformerActivationBytes`), when the config gives them. */
  transformer?: TransformerShape
}

function under(name: string, path: string): boolean {
  return name === path || (name.startsWith(path) && name.charCodeAt(path.length) === 46 /* . */)
}

/** The module or tensor at a dotted path below `root`. */
function at(root: ModuleNode, path: string): ModuleNode | TensorDef | undefined {
  let node: ModuleNode = root
  const names = path.split('.')
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const child = node.children.get(name)
    if (child) {
      node = child
      continue
    }
    return i === names.length - 1 ? (node.params.get(name) ?? undefined) : undefined
  }
  return node
}

/** Parameters of the module at `path` (each tensor once), less those under `except`. */
function countAt(root: ModuleNode, path: string, except: readonly string[] = []): bigint {
  const found = at(root, path)
  if (!found) return 0n
  if (!('children' in found)) return numel(found.shape)
  const skip = new Set<TensorDef>()
  for (const e of except) {
    const x = at(root, e)
    if (x && !('children' in x)) skip.add(x)
    else if (x) for (const [, t] of namedTensors(x, 'parameter')) skip.add(t)
  }
  let sum = 0n
  for (const [, t] of namedTensors(found, 'parameter')) if (!skip.has(t)) sum += numel(t.shape)
  return sum
}

/** Parameters of one routed expert: the experts' module (fused tensors or one module per expert) divided by their count. */
function perExpert(root: ModuleNode, layer: { experts: string; count: number }): bigint {
  return countAt(root, layer.experts) / BigInt(layer.count)
}

/** What {@link describeBuild} says about the model besides the counts. */
export interface BuildMeta {
  family: string
  modelType: string
  architecture: string
  dtype: CheckpointDType
}

/**
 * Sums the unique parameters of a build by part, and derives the untied, active and per-block figures.
 * `params` (each parameter once, under its first name) is listed from the tree when not given.
 */
export function describeBuild(build: HFBuild, meta: BuildMeta, params?: ReadonlyArray<{ name: string; elementCount: bigint }>): ModelInfo {
  let total = 0n
  const breakdown: Record<string, bigint> = {}
  for (const [key] of build.parts) breakdown[key] = 0n
  const listed = params ?? namedTensors(build.root, 'parameter').map(([name, def]) => ({ name, elementCount: numel(def.shape) }))
  for (const { name, elementCount: count } of listed) {
    total += count
    const part = build.parts.find(([, paths]) => paths.some((p) => under(name, p)))
    if (!part) throw new Error(`internal: tensor ${name} belongs to no part`)
    breakdown[part[0]] = breakdown[part[0]]! + count
  }
  for (const [key, path, except] of build.perBlock) breakdown[key] = countAt(build.root, path, except)
  let activeParamsPerToken: bigint | null = null
  if (build.moe) {
    let skipped = 0n
    for (const layer of build.moe.layers) skipped += BigInt(layer.count - build.moe.expertsPerToken) * perExpert(build.root, layer)
    activeParamsPerToken = total - skipped
    const first = build.moe.layers[0]
    if (first) breakdown['per_expert'] = perExpert(build.root, first)
  }
  const notes = [...build.notes]
  if (build.tiedWeight) notes.unshift('The output head shares the input embedding matrix: its weight is counted once.')
  return {
    ...meta,
    tiedEmbeddings: build.tiedWeight !== null,
    paramsUntied: total + (build.tiedWeight ? numel(build.tiedWeight.shape) : 0n),
    activeParamsPerToken,
    breakdown,
    kvCache: build.kvCache,
    kvCacheNote: build.kvCacheNote,
    stateCache: build.stateCache ?? null,
    notes,
  }
}

/**
 * A build's parts, per-block figures and experts with their paths under `prefix` (the build's root placed at that
 * path of a larger model: a multimodal model's language model). Part keys get `keyPrefix`.
 */
export function nestedParts(build: HFBuild, prefix: string, keyPrefix = ''): Pick<HFBuild, 'parts' | 'perBlock' | 'moe'> {
  const at = (path: string): string => (path === '' ? prefix.replace(/\.$/, '') : `${prefix}${path}`)
  return {
    parts: build.parts.map(([key, paths]) => [`${keyPrefix}${key}`, paths.map(at)] as const),
    perBlock: build.perBlock.map(([key, path, except]) => (except ? ([`${keyPrefix}${key}`, at(path), except.map(at)] as const) : ([`${keyPrefix}${key}`, at(path)] as const))),
    ...(build.moe ? { moe: { expertsPerToken: build.moe.expertsPerToken, layers: build.moe.layers.map((l) => ({ experts: at(l.experts), count: l.count })) } } : {}),
  }
}

/** A standard KV cache: `2 × layers × kvHeads × headDim × 2` bytes per token in fp16. */
export function kvCache(shape: KVCacheShape): KVCacheInfo {
  return { ...shape, bytesPerTokenFp16: 4n * BigInt(shape.layers) * BigInt(shape.kvHeads) * BigInt(shape.headDim) }
}

/** The note for a standard KV cache: the numbers and the head-size rule. */
export function kvCacheNote(shape: KVCacheShape, headDimRule: string, kvHeadsRule: string): string {
  return `2 (K, V) × ${shape.layers} layers × ${shape.kvHeads} KV heads (${kvHeadsRule}) × head_dim ${shape.headDim} (${headDimRule}) × 2 bytes`
}
