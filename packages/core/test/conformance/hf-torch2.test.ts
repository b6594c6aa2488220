import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { ModuleNode } from '../../src/index.js'
import { readCases } from './reference.js'

/** One line of `torch2/hf.jsonl`: a config built by transformers 5.18 itself. */
interface HF2Case {
  id: string
  config: Record<string, unknown>
  architecture: string
  model_type: string
  params: number
  params_untied: number
  /** `named_parameters(remove_duplicate=False)`: a tied weight counted under every name. */
  params_with_duplicates: number
  tie_word_embeddings: boolean
  buffers: number
  active_params_per_token?: number
  kv_cache_bytes_per_token_fp16?: number | null
  /** Multi-head latent attention: transformers 5.18 caches the compressed latent. */
  kv_cache_bytes_per_token_fp16_transformers_mla?: number
  kv_cache_layers?: number
}

const cases = readCases<HF2Case>('torch2/hf.jsonl')
const only = process.env['NNSIZE_CASES']

/** Parameters under every name they have, as `named_parameters(remove_duplicate=False)` lists them. */
function withDuplicates(node: ModuleNode): bigint {
  let sum = 0n
  for (const t of node.params.values()) if (t) sum += t.shape.reduce((n, d) => n * BigInt(d), 1n)
  for (const child of node.children.values()) if (child) sum += withDuplicates(child)
  return sum
}

describe('torch2/hf.jsonl: configs as transformers 5.18 builds them', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(93)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    describe(c.id, () => {
      const result = analyze(c.config)
      const model = result.model!
      it(`builds ${c.architecture} with ${c.params} parameters`, () => {
        expect(model.architecture).toBe(c.architecture)
        expect(model.modelType).toBe(c.model_type)
        expect(result.params.total).toBe(BigInt(c.params))
      })
      it('ties the head as transformers 5.18 does, and counts a tied weight under each of its names', () => {
        expect(model.tiedEmbeddings).toBe(c.tie_word_embeddings)
        expect(model.paramsUntied).toBe(BigInt(c.params_untied))
        expect(withDuplicates(result.root)).toBe(BigInt(c.params_with_duplicates))
      })
      it(`has ${c.buffers} buffer elements`, () => {
        expect(result.buffers.total).toBe(BigInt(c.buffers))
      })
      it('reports active parameters per token for mixtures of experts only', () => {
        if (c.active_params_per_token !== undefined) expect(model.activeParamsPerToken).toBe(BigInt(c.active_params_per_token))
        else if (c.kv_cache_layers !== undefined) expect(model.activeParamsPerToken).toBeNull()
      })
      it('reports the KV cache transformers keeps', () => {
        if (c.kv_cache_layers !== undefined) expect(model.kvCache?.layers).toBe(c.kv_cache_layers)
        if (c.kv_cache_bytes_per_token_fp16 !== undefined && c.kv_cache_bytes_per_token_fp16 !== null) {
          expect(model.kvCache?.bytesPerTokenFp16).toBe(BigInt(c.kv_cache_bytes_per_token_fp16))
        }
        if (c.kv_cache_bytes_per_token_fp16_transformers_mla !== undefined) {
          const cache = model.kvCache!
          expect(cache.bytesPerTokenFp16).toBeNull()
          expect(BigInt(cache.layers) * BigInt(cache.latentDim!) * 2n).toBe(BigInt(c.kv_cache_bytes_per_token_fp16_transformers_mla))
        }
      })
    })
  }
})
