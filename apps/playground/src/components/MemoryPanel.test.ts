import { describe, expect, it } from 'vitest'
import { render } from 'svelte/server'
import { analyze } from '@nnsize/core'
import type { ShareState } from '@nnsize/core'
import MemoryPanel from './MemoryPanel.svelte'
import { computeMemory } from '../lib/memory.ts'

/** The memory panel as the server renderer draws it for a page state. */
function panel(page: ShareState): string {
  const analysis = analyze(page.source)
  return render(MemoryPanel, { props: { page, analysis, memory: computeMemory(analysis, page) } }).body
}

/** The panel's markup without the renderer's comment markers, as text to match. */
function markup(page: ShareState): string {
  return panel(page).replace(/<!--.*?-->/g, '')
}

describe('MemoryPanel', () => {
  it('shows DeepSpeed\'s estimate with the chosen offload marked, and the CPU memory per node', () => {
    const body = panel({ source: 'nn.Linear(4096, 4096, bias=False)', mode: 'training', optimizer: 'Adam', precision: 'mixed-bf16', sharding: '3', nodes: '1', gpusPerNode: '8', offload: 'cpu', estimator: 'deepspeed' })
    expect(body).toContain("DeepSpeed's ZeRO-3 estimate (estimate_zero3_model_states_mem_needs_all_cold, GB = GiB)")
    expect(body).toMatch(/offload_param=none, offload_optimizer=cpu , zero_init=1<\/td><td[^>]*>◀ chosen/)
    expect(body).toContain('CPU memory per node')
    expect(body).toContain('FP32 gradient partition')
    expect(body).not.toMatch(/offload_param=none, offload_optimizer=none, zero_init=1<\/td><td[^>]*>◀ chosen/)
  })
  it('says beside the form when DeepSpeed\'s estimator does not cover the sharding', () => {
    const body = panel({ source: 'nn.Linear(64, 64)', mode: 'training', optimizer: 'Adam', sharding: '1', gpus: '8', estimator: 'deepspeed' })
    expect(body).toContain("DeepSpeed's estimator covers ZeRO-2 and ZeRO-3 only")
    expect(body).not.toContain('data-testid="deepspeed-table"')
  })
  it('shows the chosen precision\'s bytes per parameter in the words of --help', () => {
    const body = markup({ source: 'nn.Linear(64, 64)', mode: 'training', optimizer: 'Adam', precision: 'bf16-mixed' })
    expect(body).toMatch(/<option value="amp-bf16"[^>]*>amp-bf16: 10 B, with Adam 18 B<\/option>/)
    expect(body).toContain('data-testid="precision-help">10 B = 4 + 4 + 2 (bfloat16 autocast copy), with Adam 18 B; also bf16-mixed, bf16-amp, autocast-bf16</span>')
  })
  it('asks EXL2\'s bits per weight in a field of its own and shows the parser\'s objection at the weight format', () => {
    const good = markup({ source: 'llama-3.1-8b', weights: 'exl2:4.65' })
    expect(good).toMatch(/<input id="weights-bpw"[^>]*value="4.65"/)
    expect(good).toContain('exl2-4.65bpw (≈ 4.65 bits)')
    expect(good).not.toContain('id="weights-bits"')
    const bad = markup({ source: 'llama-3.1-8b', weights: 'exl2-9bpw' })
    expect(bad).toMatch(/data-testid="weights-error">EXL2 takes an average of 2 to 8 bits per weight, got <code>9<\/code>/)
    expect(bad).toMatch(/<input id="weights-bpw"[^>]*aria-invalid="true"/)
    expect(bad).not.toContain('class="memory-error"')
  })
  it('asks HQQ\'s bits and group size, and lists AWQ, nvfp4 and the rest with a line each', () => {
    const body = markup({ source: 'llama-3.1-8b', weights: 'hqq-3bit-g128' })
    expect(body).toMatch(/<input id="weights-bits"[^>]*value="3"/)
    expect(body).toMatch(/<input id="weights-group"[^>]*value="128"/)
    for (const label of ['awq (4.15625 bits)', 'int4 (≈ 4.16 bits)', 'bnb-fp4 (4.5 bits)', 'mxfp4 (4.25 bits)', 'nvfp4 (4.5 bits)', 'exl2 (bits per weight)']) expect(body).toContain(`>${label}</option>`)
    expect(body).toContain('data-testid="weights-help">HQQ (hqq <code>HQQLinear</code>) at a bit width and a group size</span>')
  })
})
