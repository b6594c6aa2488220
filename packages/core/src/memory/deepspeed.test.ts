import { describe, expect, it } from 'vitest'
import { deepspeedZero2Estimate, deepspeedZero3Estimate } from './deepspeed.js'

const gib = (bytes: bigint): string => (Number(bytes) / 2 ** 30).toFixed(2)

// DeepSpeed's published output for t5-small (60,506,624 params, largest layer the 32,128 × 512 shared embedding):
// `estimate_zero3_model_states_mem_needs_all_live(model, num_gpus_per_node=1, num_nodes=1)` prints, in GiB,
// 1.52 | 0.06 (offload both), 1.35 | 0.17 (offload optimizer), 0.09 | 1.08 (no offload, zero_init=1), 0.34 | 1.08 (zero_init=0).
const t5small = { totalParams: 60_506_624n, largestLayerParams: 32_128n * 512n }

describe('deepspeedZero3Estimate', () => {
  it('reproduces DeepSpeed\'s table for t5-small', () => {
    const both = deepspeedZero3Estimate(t5small)
    expect([gib(both.cpuBytes), gib(both.gpuBytes)]).toEqual(['1.52', '0.06'])
    expect(gib(deepspeedZero3Estimate({ ...t5small, zeroInit: false }).cpuBytes)).toBe('1.52')
    const opt = deepspeedZero3Estimate({ ...t5small, cpuOffloadParams: false })
    expect([gib(opt.cpuBytes), gib(opt.gpuBytes)]).toEqual(['1.35', '0.17'])
    const none = deepspeedZero3Estimate({ ...t5small, cpuOffload: false })
    expect([gib(none.cpuBytes), gib(none.gpuBytes)]).toEqual(['0.09', '1.08'])
    expect(gib(deepspeedZero3Estimate({ ...t5small, cpuOffload: false, zeroInit: false }).cpuBytes)).toBe('0.34')
  })
  it('follows the formulas byte for byte', () => {
    const r = deepspeedZero3Estimate({ ...t5small, cpuOffload: false, gpusPerNode: 8, nodes: 2 })
    expect(r.largestLayerMemory).toBe(4n * t5small.largestLayerParams)
    expect(r.gpuBytes).toBe(4n * t5small.largestLayerParams + (18n * t5small.totalParams) / 16n)
    expect(r.cpuBytes).toBe((t5small.largestLayerParams * 4n * 8n * 3n) / 2n)
  })
  it('rejects bad counts', () => {
    expect(() => deepspeedZero3Estimate({ ...t5small, nodes: 0 })).toThrow('`nodes`')
    expect(() => deepspeedZero3Estimate({ totalParams: -1n, largestLayerParams: 0n })).toThrow('non-negative')
    expect(() => deepspeedZero3Estimate({ ...t5small, additionalBufferFactor: Number.NaN })).toThrow('additionalBufferFactor')
  })
})

describe('deepspeedZero2Estimate', () => {
  it('gives 2 bytes per parameter on the GPU with CPU offload and 4 + 16/gpus without', () => {
    const p = 7_000_000_000n
    expect(deepspeedZero2Estimate({ totalParams: p }).gpuBytes).toBe(2n * p)
    expect(deepspeedZero2Estimate({ totalParams: p }).cpuBytes).toBe((p * 16n * 3n) / 2n)
    expect(deepspeedZero2Estimate({ totalParams: p, cpuOffload: false, gpusPerNode: 8 }).gpuBytes).toBe(4n * p + 2n * p)
    expect(deepspeedZero2Estimate({ totalParams: p, cpuOffload: true, gpusPerNode: 8 }).cpuBytes).toBe((p * 32n * 3n) / 2n)
  })
  it('rejects a non-bigint parameter count', () => {
    expect(() => deepspeedZero2Estimate({ totalParams: 5 as never })).toThrow('bigint')
  })
})
