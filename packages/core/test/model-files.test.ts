import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyze } from '../src/index.js'

const gpt2 = readFileSync(new URL('./fixtures/models/gpt2.py', import.meta.url), 'utf8')

describe('a GPT-2 model file (test/fixtures/models/gpt2.py), as PyTorch 2.13 builds it', () => {
  it('counts 124,439,808 parameters with the tied embedding once, and the causal masks as non-persistent buffers', () => {
    const r = analyze({ files: { 'gpt2.py': gpt2 }, main: 'gpt2.py', entry: 'GPT(GPTConfig())' })
    expect(r.params.total).toBe(124_439_808n)
    const params = r.tensors.filter((t) => t.kind === 'parameter')
    expect(params.length).toBe(148)
    expect(params.slice(0, 4).map((t) => t.name)).toEqual(['transformer.wte.weight', 'transformer.wpe.weight', 'transformer.h.0.ln_1.weight', 'transformer.h.0.ln_1.bias'])
    expect(params.some((t) => t.name === 'lm_head.weight')).toBe(false)
    expect(r.buffers.total).toBe(12n * 1024n * 1024n)
    expect(r.tensors.filter((t) => t.kind === 'buffer' && !t.persistent)).toHaveLength(12)
    expect(r.notes).toEqual(['number of parameters: 123.65M'])
  })
})
