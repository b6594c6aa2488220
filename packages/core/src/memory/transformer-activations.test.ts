import { describe, expect, it } from 'vitest'
import { megatronLayerActivationBytes } from './transformer-activations.js'

// Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models" (arXiv:2205.05198).
// GPT-3 175B: s = 2048, h = 12288, a = 96 heads; the paper notes that for it 5as/h = 80, larger than 34.
const gpt3 = { seq: 2048, batch: 1, hidden: 12288, heads: 96 }
const sbh = 2048n * 12288n

describe('megatronLayerActivationBytes', () => {
  it('is sbh(34 + 5as/h) per layer without parallelism (table 2, first row)', () => {
    expect((5 * 96 * 2048) / 12288).toBe(80)
    expect(megatronLayerActivationBytes(gpt3)).toEqual({ bytes: sbh * (34n + 80n), linearBytes: 34n * sbh, attentionBytes: 80n * sbh })
  })
  it('divides as the paper\'s table 2 says under tensor and sequence parallelism', () => {
    // tensor parallel t = 8: sbh(10 + 24/t + 5as/(ht))
    expect(megatronLayerActivationBytes({ ...gpt3, tensorParallel: 8 }).bytes).toBe(sbh * 10n + (sbh * 24n) / 8n + (sbh * 80n) / 8n)
    // with sequence parallelism: sbh/t · (34 + 5as/h)
    expect(megatronLayerActivationBytes({ ...gpt3, tensorParallel: 8, sequenceParallel: true }).bytes).toBe((sbh * 114n) / 8n)
  })
  it('keeps sbh(10 + 24/t) with selective recomputation and 2sbh with full recomputation', () => {
    expect(megatronLayerActivationBytes({ ...gpt3, checkpointing: 'selective' }).bytes).toBe(34n * sbh)
    expect(megatronLayerActivationBytes({ ...gpt3, tensorParallel: 8, checkpointing: 'selective' }).bytes).toBe(10n * sbh + (24n * sbh) / 8n)
    expect(megatronLayerActivationBytes({ ...gpt3, tensorParallel: 8, sequenceParallel: true, checkpointing: 'selective' }).bytes).toBe((34n * sbh) / 8n)
    expect(megatronLayerActivationBytes({ ...gpt3, checkpointing: 'full' }).bytes).toBe(2n * sbh)
  })
  it('refuses sizes that are not whole and positive', () => {
    expect(() => megatronLayerActivationBytes({ ...gpt3, seq: 0 })).toThrow('`seq` must be a whole number of at least 1')
    expect(() => megatronLayerActivationBytes({ ...gpt3, heads: 1.5 })).toThrow('`heads`')
  })
})
