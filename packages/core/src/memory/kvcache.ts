import { NnsizeError } from '../errors.js'
import type { KvCacheBasis } from './basis.js'

/**
 * What the KV cache of a decoder looks like, as a Hugging Face `config.json` gives it:
 * `layers` = `num_hidden_layers`, `kvHeads` = `num_key_value_heads` (or `num_attention_heads`),
 * `headDim` = `head_dim` (or `hidden_size / num_attention_heads`). The Hugging Face importer's `KVCacheShape`
 * (`analysis.model.kvCache`) has this shape.
 */
export interface KvCacheSpec {
  /** Decoder layers with attention. */
  layers: number
  /** Key/value heads per layer (fewer than query heads with grouped-query attention). */
  kvHeads: number
  /** Elements per head. */
  headDim: number
  /** Sliding-window attention: the layers that use it keep at most this many tokens (`sliding_window`). */
  slidingWindow?: number | null | undefined
  /** How many layers use `slidingWindow` when not all do (Gemma 2: half); the others keep every token. Default: all. */
  slidingWindowLayers?: number | null | undefined
  /** The same as `slidingWindow` + `slidingWindowLayers` in the importer's form: `{ count, window }`. */
  windowedLayers?: { count: number; window: number } | null | undefined
  /**
   * Multi-head latent attention (DeepSeek-V2/V3): elements cached per token per layer, one compressed vector shared
   * by K and V (`kv_lora_rank + qk_rope_head_dim`). When set, `kvHeads` and `headDim` are not used.
   */
  latentDim?: number | null | undefined
}

/** The KV cache of one batch, with how it is derived. */
export interface KvCacheSize {
  bytes: bigint
  /** Bytes one token adds while every layer still caches it (before any window is full). */
  bytesPerToken: bigint
  /** The numbers it is derived from. */
  basis: KvCacheBasis
}

const positiveInt = (value: unknown, name: string, allowZero = false): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new NnsizeError('option', `KV cache \`${name}\` must be a${allowZero ? ' non-negative' : ' positive'} whole number, got \`${String(value)}\`.`)
  }
  return value
}

/** Checks a {@link KvCacheSpec}, throwing `option` errors that name the bad field; returns it with `windowedLayers` unfolded. */
export function validateKvCacheSpec(input: KvCacheSpec): KvCacheSpec {
  if (typeof input !== 'object' || input === null) throw new NnsizeError('option', 'The KV cache description must be an object `{ layers, kvHeads, headDim }`.')
  let spec = input
  const windowed = input.windowedLayers ?? null
  if (windowed !== null) {
    if (typeof windowed !== 'object') throw new NnsizeError('option', 'KV cache `windowedLayers` must be `{ count, window }`.')
    if ((input.slidingWindow ?? null) !== null || (input.slidingWindowLayers ?? null) !== null) {
      throw new NnsizeError('option', 'Give either `windowedLayers` or `slidingWindow` with `slidingWindowLayers`, not both.')
    }
    const { windowedLayers: _, ...rest } = input
    spec = { ...rest, slidingWindow: windowed.window, slidingWindowLayers: windowed.count }
  }
  positiveInt(spec.layers, 'layers')
  const latent = spec.latentDim ?? null
  if (latent !== null) positiveInt(latent, 'latentDim')
  else {
    positiveInt(spec.kvHeads, 'kvHeads')
    positiveInt(spec.headDim, 'headDim')
  }
  if (spec.slidingWindow !== undefined && spec.slidingWindow !== null) positiveInt(spec.slidingWindow, 'slidingWindow')
  const windowLayers = spec.slidingWindowLayers ?? null
  if (windowLayers !== null) {
    positiveInt(windowLayers, 'slidingWindowLayers', true)
    if (windowLayers > spec.layers) throw new NnsizeError('option', `KV cache \`slidingWindowLayers\` (${windowLayers}) cannot exceed \`layers\` (${spec.layers}).`)
    if (spec.slidingWindow === undefined || spec.slidingWindow === null) throw new NnsizeError('option', 'KV cache `slidingWindowLayers` needs `slidingWindow`, the window those layers keep.')
  }
  return spec
}

/**
 * Bytes of the KV cache for `batch` sequences of `tokens` tokens with `bytesPerElement`-byte entries (2 for
 * float16/bfloat16, 1 for FP8): `2 (K and V) × layers × kvHeads × headDim × bytes` per token, grouped-query aware;
 * layers with a sliding window hold at most that many tokens; latent attention caches `latentDim` per layer.
 */
export function kvCacheBytes(input: KvCacheSpec, batch: number, tokens: number, bytesPerElement: number): KvCacheSize {
  const spec = validateKvCacheSpec(input)
  positiveInt(batch, 'batch')
  positiveInt(tokens, 'tokens')
  positiveInt(bytesPerElement, 'bytesPerElement')
  const latent = spec.latentDim ?? null
  const perLayerToken = latent !== null ? BigInt(latent) : 2n * BigInt(spec.kvHeads) * BigInt(spec.headDim)
  const window = spec.slidingWindow ?? null
  const windowLayers = window === null ? 0 : (spec.slidingWindowLayers ?? spec.layers)
  const fullLayers = spec.layers - windowLayers
  const windowTokens = window === null ? 0 : Math.min(tokens, window)
  const b = BigInt(bytesPerElement)
  const tokenLayers = BigInt(fullLayers) * BigInt(tokens) + BigInt(windowLayers) * BigInt(windowTokens)
  const bytes = BigInt(batch) * tokenLayers * perLayerToken * b
  const bytesPerToken = BigInt(spec.layers) * perLayerToken * b
  const basis: KvCacheBasis = { latentDim: latent, kvHeads: spec.kvHeads, headDim: spec.headDim, elementBytes: bytesPerElement, layers: spec.layers, fullLayers, windowLayers, window, tokens, windowTokens, batch }
  return { bytes, bytesPerToken, basis }
}
