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
})
