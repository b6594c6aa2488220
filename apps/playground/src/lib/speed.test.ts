import { describe, expect, it } from 'vitest'
import { render } from 'svelte/server'
import { analyze } from '@nnsize/core'
import SpeedPanel from '../components/SpeedPanel.svelte'
import { computeMemory } from './memory.ts'
import { computeSpeed } from './speed.ts'

const llama = analyze('llama-3.1-8b')

describe('computeSpeed', () => {
  it('trains llama-3.1-8b on an H100 for 1T tokens at the default 40% MFU', () => {
    const state = { source: 'llama-3.1-8b', mode: 'training', precision: 'bf16-mixed', gpu: 'h100-80gb', seq: '8192', tokens: '1T' }
    const outcome = computeSpeed(llama, state, computeMemory(llama, state))
    expect(outcome?.ok && outcome.speed.training?.time?.totalFlops).toBe(57_912_852_480n * 10n ** 12n)
    expect(outcome?.ok && outcome.speed.training?.mfu).toBe(0.4)
  })
  it('names the speed field that holds a mistake in the page’s words, and leaves the memory plan standing', () => {
    const state = { source: 'llama-3.1-8b', mode: 'training', gpu: 'h100-80gb', tokens: '1.5' }
    const memory = computeMemory(llama, state)
    expect(memory.ok).toBe(true)
    const outcome = computeSpeed(llama, state, memory)
    expect(outcome).toMatchObject({ ok: false, field: 'tokens' })
    expect(outcome?.ok === false && outcome.message).toContain('“Training tokens” must be a whole number of tokens')
  })
  it('gives nothing without a memory plan', () => {
    expect(computeSpeed(llama, { source: 'x' }, undefined)).toBeUndefined()
  })
})

describe('SpeedPanel', () => {
  it('shows the decode roofline by batch for llama-3.1-8b on an L4 at 8,192 tokens', () => {
    const page = { source: 'llama-3.1-8b', mode: 'inference', gpu: 'l4', seq: '8192' }
    const body = render(SpeedPanel, { props: { page, analysis: llama, memory: computeMemory(llama, page) } }).body
    expect(body).toContain('NVIDIA L4 24GB · bf16 121 TFLOP/s dense · 300 GB/s')
    expect(body).toContain('17.5 tokens/s')
    expect(body).toMatch(/<td[^>]*>57\.1 ms<\/td>/)
    // inference has no training tokens or MFU to set
    expect(body).not.toContain('id="tokens"')
  })
  it('offers training tokens and MFU in training, and asks for a GPU for times', () => {
    const page = { source: 'llama-3.1-8b', mode: 'training', seq: '8192', tokens: '1T' }
    const body = render(SpeedPanel, { props: { page, analysis: llama, memory: computeMemory(llama, page) } }).body
    expect(body).toContain('id="tokens"')
    expect(body).toContain('value="1T"')
    expect(body).toContain('id="mfu"')
    expect(body).toContain('Times need a GPU: set “Fit on”')
    expect(body).toContain('57.9 GFLOP')
  })
})
