import { line, perBatch, stateCacheBytes } from '../basis.js'
import type { MemoryLine } from '../basis.js'
import { kvCacheBytes } from '../kvcache.js'
import type { Resolved } from '../resolve.js'

/**
 * The KV-cache line as a function of the batch: inference only, sized from the model's cache shape and the context
 * length, plus the fixed-size state of its state-space and recurrent layers per sequence (a Mamba's is the whole line).
 */
export function kvCacheByBatch(r: Resolved, tokens: number | null = r.options.contextLength): (batch: number) => MemoryLine {
  return perBatch((b) => {
    if (r.training) return line(0n, { kind: 'empty', reason: 'training-kv-cache' })
    const state = r.stateCache === null ? null : { ...r.stateCache, batch: b }
    if (r.kvSpec === null) return state === null ? line(0n, { kind: 'empty', reason: 'no-kv-cache-shape' }) : line(stateCacheBytes(state), { kind: 'state-cache', state })
    if (tokens === null) return line(0n, { kind: 'empty', reason: 'no-context-length' })
    const size = kvCacheBytes(r.kvSpec, b, tokens, r.kvBytes)
    return line(size.bytes + (state === null ? 0n : stateCacheBytes(state)), { kind: 'kv-cache', cache: size.basis, dtype: r.options.kvCacheDType, ...(state === null ? {} : { state }) })
  })
}
