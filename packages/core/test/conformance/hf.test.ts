import { describe, expect, it } from 'vitest'
import { analyze, analysisToJSON } from '../../src/index.js'
import { readCases } from './reference.js'

/** One line of `hf.jsonl`. */
interface HFCase {
  id: string
  config: Record<string, unknown>
  architecture: string
  params: number
  params_untied: number
  breakdown: Record<string, number>
  params_by_class: Record<string, number> | null
  tie_word_embeddings: boolean
  active_params_per_token?: number
  kv_cache_bytes_per_token_fp16: number | null
}

const cases = readCases<HFCase>('hf.jsonl')
const only = process.env['NNSIZE_CASES']

describe('hf.jsonl: Hugging Face configs match transformers', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(19)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    describe(c.id, () => {
      const result = analyze(c.config)
      const model = result.model!
      it(`builds ${c.architecture} with ${c.params} parameters`, () => {
        expect(model.architecture).toBe(c.architecture)
        expect(result.params.total).toBe(BigInt(c.params))
      })
      it('reports the untied count and whether the head is tied', () => {
        expect(model.paramsUntied).toBe(BigInt(c.params_untied))
        expect(model.tiedEmbeddings).toBe(c.tie_word_embeddings)
      })
      it('breaks the count down as the reference does', () => {
        for (const [key, value] of Object.entries(c.breakdown)) expect([key, model.breakdown[key]]).toEqual([key, BigInt(value)])
        const summed = Object.entries(model.breakdown)
          .filter(([key]) => !key.includes('per_'))
          .reduce((sum, [, value]) => sum + value, 0n)
        expect(summed).toBe(result.params.total)
      })
      it('reports active parameters per token for mixtures of experts only', () => {
        expect(model.activeParamsPerToken).toBe(c.active_params_per_token === undefined ? null : BigInt(c.active_params_per_token))
      })
      it('reports KV-cache bytes per token', () => {
        const expected = c.kv_cache_bytes_per_token_fp16
        expect(model.kvCache?.bytesPerTokenFp16 ?? null).toBe(expected === null ? null : BigInt(expected))
        expect(analysisToJSON(result).model?.kvCache?.bytesPerTokenFp16 ?? null).toBe(expected)
      })
      for (const [cls, count] of Object.entries(c.params_by_class ?? {})) {
        it(`builds the related class ${cls} with ${count} parameters`, () => {
          const related = analyze({ ...c.config, architectures: [cls] })
          expect(related.model!.architecture).toBe(cls)
          expect(related.params.total).toBe(BigInt(count))
        })
      }
    })
  }
})
