import { line, perBatch } from '../basis.js'
import type { MemoryLine } from '../basis.js'
import { kvCacheBytes } from '../kvcache.js'
import type { Resolved } from '../resolve.js'

/** The KV-cache line as a function of the batch: inference only, sized from the model's cache shape and the context length. */
export function kvCacheByBatch(r: Resolved, tokens: number | null = r.options.contextLength): (batch: number) => MemoryLine {
  return perBatch((b) => {
    if (r.training) return line(0n, { kind: 'empty', reason: 'training-kv-cache' })
    if (r.kvSpec === null) return line(0n, { kind: 'empty', reason: 'no-kv-cache-shape' })
    if (tokens === null) return line(0n, { kind: 'empty', reason: 'no-context-length' })
    const size = kvCacheBytes(r.kvSpec, b, tokens, r.kvBytes)
    return line(size.bytes, { kind: 'kv-cache', cache: size.basis, dtype: r.options.kvCacheDType })
  })
}
