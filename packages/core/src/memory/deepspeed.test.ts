import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { deepspeedGB, deepspeedPrinted, deepspeedPrintedLine } from '../present/deepspeed.js'
import { deepspeedEstimateTable, deepspeedZero2Estimate, deepspeedZero3Estimate } from './deepspeed.js'
import { planMemory } from './plan.js'

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
  it('gives 2 bytes per parameter on the GPU with CPU offload and 2 + 18/gpus without', () => {
    const p = 7_000_000_000n
    expect(deepspeedZero2Estimate({ totalParams: p }).gpuBytes).toBe(2n * p)
    expect(deepspeedZero2Estimate({ totalParams: p }).cpuBytes).toBe((p * 16n * 3n) / 2n)
    expect(deepspeedZero2Estimate({ totalParams: p, cpuOffload: false, gpusPerNode: 8 }).gpuBytes).toBe(2n * p + (18n * p) / 8n)
    expect(deepspeedZero2Estimate({ totalParams: p, cpuOffload: true, gpusPerNode: 8 }).cpuBytes).toBe((p * 32n * 3n) / 2n)
  })
  it('rejects a non-bigint parameter count', () => {
    expect(() => deepspeedZero2Estimate({ totalParams: 5 as never })).toThrow('bigint')
  })
})

// DeepSpeed's documentation, docs/code-docs/source/memory.rst ("Memory Requirements"), prints these tables for t5-3b
// on 1 node with 8 GPUs: `estimate_zero3_model_states_mem_needs_all_cold(total_params=2851e6,
// largest_layer_params=32e6, num_gpus_per_node=8, num_nodes=1)` and the ZeRO-2 `..._all_cold(total_params=2851e6,
// num_gpus_per_node=8, num_nodes=1)`.
describe('deepspeedEstimateTable', () => {
  const t5 = { totalParams: 2_851_000_000n, largestLayerParams: 32_000_000n, gpusPerNode: 8, nodes: 1 }
  it('prints DeepSpeed\'s published ZeRO-3 table for t5-3b on 1 node × 8 GPUs, line for line', () => {
    const rows = deepspeedEstimateTable({ stage: 3, ...t5 })
    expect(rows.map((r) => deepspeedPrintedLine(r, 3).trim())).toEqual([
      '71.69GB |   0.12GB | offload_param=cpu , offload_optimizer=cpu , zero_init=1',
      '127.45GB |   0.12GB | offload_param=cpu , offload_optimizer=cpu , zero_init=0',
      '63.72GB |   0.78GB | offload_param=none, offload_optimizer=cpu , zero_init=1',
      '127.45GB |   0.78GB | offload_param=none, offload_optimizer=cpu , zero_init=0',
      '1.43GB |   6.09GB | offload_param=none, offload_optimizer=none, zero_init=1',
      '127.45GB |   6.09GB | offload_param=none, offload_optimizer=none, zero_init=0',
    ])
  })
  it('prints the ZeRO-2 table: the published offload row, and the GPU figure of DeepSpeed\'s current formula without offload', () => {
    const [offload, none] = deepspeedEstimateTable({ stage: 2, ...t5 })
    expect(deepspeedPrintedLine(offload!, 2).trim()).toBe('127.45GB |   5.31GB | offload_optimizer=cpu')
    expect(deepspeedGB(none!.cpuBytes)).toBe('127.45')
    // The page still shows 15.93GB: `4 × params + int(16 × params / gpus)`, replaced by `2 × params + int(18 ×
    // params / gpus)` in DeepSpeed pull request #5099 (June 2024), which the estimator prints today.
    expect(deepspeedGB(4n * t5.totalParams + (16n * t5.totalParams) / 8n)).toBe('15.93')
    expect(none!.gpuBytes).toBe(2n * t5.totalParams + (18n * t5.totalParams) / 8n)
    expect(deepspeedPrintedLine(none!, 2).trim()).toBe('127.45GB |  11.28GB | offload_optimizer=none')
  })
})

describe('deepspeedGB', () => {
  it('rounds as Python\'s `.2f` does, a tie to the even hundredth', () => {
    expect(deepspeedGB(2n ** 27n)).toBe('0.12')
    expect(deepspeedGB(3n * 2n ** 27n)).toBe('0.38')
    expect(deepspeedGB(0n)).toBe('0.00')
    expect(deepspeedGB(301n * 2n ** 30n)).toBe('301.00')
  })
})

// A 7B model on 1 node × 8 GPUs: Llama-2-7B as built from its config (6,738,415,616 parameters; the largest layer is
// `model.embed_tokens`, 32,000 × 4,096). The bytes below are what DeepSpeed's own `estimate_zero3_model_states_mem_needs`
// and `estimate_zero2_model_states_mem_needs` (deepspeed/runtime/zero/stage3.py and stage_1_and_2.py) return for these
// inputs, run under Python.
describe('DeepSpeed\'s estimate of a 7B model on 1 node × 8 GPUs', () => {
  const llama = analyze('llama-2-7b')
  const plan = (zero: 2 | 3, extra: Parameters<typeof planMemory>[1] = {}) => planMemory(llama, { optimizer: 'AdamW', precision: 'mixed-bf16', zero, gpus: 8, estimator: 'deepspeed', ...extra })
  it('derives total and largest-layer parameters from the module tree', () => {
    const e = plan(3).deepspeed!
    expect([e.totalParams, e.largestLayerParams, e.largestLayerModule, e.nodes, e.gpusPerNode]).toEqual([6_738_415_616n, 131_072_000n, 'model.embed_tokens', 1, 8])
  })
  it('gives every ZeRO-3 offload combination', () => {
    const e = plan(3).deepspeed!
    expect(e.rows.map((r) => [r.cpuBytes, r.gpuBytes])).toEqual([
      [181_937_221_632n, 524_288_000n],
      [323_443_949_568n, 524_288_000n],
      [161_721_974_784n, 2_208_891_904n],
      [323_443_949_568n, 2_208_891_904n],
      [6_291_456_000n, 15_685_723_136n],
      [323_443_949_568n, 15_685_723_136n],
    ])
    expect(deepspeedPrinted(e)).toEqual([
      'Estimated memory needed for params, optim states and gradients for a:',
      'HW: Setup with 1 node, 8 GPUs per node.',
      'SW: Model with 6738M total params, 131M largest layer params.',
      '  per CPU  |  per GPU |   Options',
      '  169.44GB |   0.49GB | offload_param=cpu , offload_optimizer=cpu , zero_init=1',
      '  301.23GB |   0.49GB | offload_param=cpu , offload_optimizer=cpu , zero_init=0',
      '  150.62GB |   2.06GB | offload_param=none, offload_optimizer=cpu , zero_init=1',
      '  301.23GB |   2.06GB | offload_param=none, offload_optimizer=cpu , zero_init=0',
      '    5.86GB |  14.61GB | offload_param=none, offload_optimizer=none, zero_init=1',
      '  301.23GB |  14.61GB | offload_param=none, offload_optimizer=none, zero_init=0',
    ])
  })
  it('gives both ZeRO-2 combinations', () => {
    expect(plan(2).deepspeed!.rows.map((r) => [r.cpuBytes, r.gpuBytes])).toEqual([
      [323_443_949_568n, 13_476_831_232n],
      [323_443_949_568n, 28_638_266_368n],
    ])
  })
  it('follows the nodes: 2 nodes × 8 GPUs', () => {
    const e = plan(3, { gpus: undefined, nodes: 2, gpusPerNode: 8 }).deepspeed!
    expect(e.rows.map((r) => [r.cpuBytes, r.gpuBytes])).toEqual([
      [90_968_610_816n, 524_288_000n],
      [323_443_949_568n, 524_288_000n],
      [80_860_987_392n, 1_366_589_952n],
      [323_443_949_568n, 1_366_589_952n],
      [6_291_456_000n, 8_105_005_568n],
      [323_443_949_568n, 8_105_005_568n],
    ])
    expect(plan(2, { gpus: 16, gpusPerNode: 8 }).deepspeed!.rows.map((r) => r.cpuBytes)).toEqual([646_887_899_136n, 323_443_949_568n])
  })
  it('marks the rows of the chosen offload', () => {
    expect(plan(3).deepspeed!.chosen).toEqual([4, 5])
    expect(plan(3, { offloadOptimizer: 'cpu' }).deepspeed!.chosen).toEqual([2, 3])
    expect(plan(3, { offloadOptimizer: 'cpu', offloadParams: 'cpu' }).deepspeed!.chosen).toEqual([0, 1])
    expect(plan(2, { offloadOptimizer: 'cpu' }).deepspeed!.chosen).toEqual([0])
    const unprinted = plan(3, { offloadParams: 'cpu' })
    expect(unprinted.deepspeed!.chosen).toEqual([])
    expect(unprinted.notes).toContainEqual({ code: 'deepspeed-combination-not-printed', offloadOptimizer: 'none', offloadParams: 'cpu' })
  })
})

// DeepSpeed's `model_to_params`, run under PyTorch 2.13 on the same models: total parameters counted once by
// `data_ptr`, the largest layer the most `parameters(recurse=False)` of one module (the first such in
// `named_modules()`): (424424, 231424, '1') and, with the output layer tied to the embedding, (68160, 64000, '0').
describe('the inputs of DeepSpeed\'s estimate, from the module tree', () => {
  const inputs = (source: string) => {
    const e = planMemory(analyze(source), { zero: 3, gpus: 8, estimator: 'deepspeed' }).deepspeed!
    return [e.totalParams, e.largestLayerParams, e.largestLayerModule]
  }
  it('takes the module holding the most parameters directly (an LSTM holds all its layers\' weights)', () => {
    expect(inputs('nn.Sequential(nn.Embedding(1000, 64), nn.LSTM(64, 128, num_layers=2), nn.Linear(128, 1000))')).toEqual([424_424n, 231_424n, '1'])
  })
  it('counts a tied tensor once in the total and in each module that holds it', () => {
    expect(inputs('e = nn.Embedding(1000, 64)\nl = nn.Linear(64, 1000, bias=False)\nl.weight = e.weight\nmodel = nn.Sequential(e, nn.Linear(64, 64), l)')).toEqual([68_160n, 64_000n, '0'])
  })
})
