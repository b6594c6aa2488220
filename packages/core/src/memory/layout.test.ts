import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { memoryFormula, memoryRows, planNotes } from '../present/index.js'
import { planMemory } from './plan.js'

const p = 4096n * 4096n
const model = analyze('nn.Linear(4096, 4096, bias=False)')
const plan = (options: Parameters<typeof planMemory>[1]) => planMemory(model, { optimizer: 'Adam()', precision: 'mixed-bf16', gpus: 8, overheadBytes: 0n, ...options })

describe('the float32 gradient partition of ZeRO\'s optimizer step', () => {
  // DeepSpeed stage_1_and_2.py, step(): `single_grad_partition = flat_grad_partition.to(fp32)` is assigned to
  // `single_partition_of_fp32_groups[i].grad` for the optimizer step of this rank's partition.
  it('adds 4 bytes per element of this rank\'s partition under ZeRO-1 and ZeRO-2, as its own line', () => {
    for (const zero of [1, 2] as const) {
      const d = plan({ zero }).perDevice
      expect(d.stepGradients.bytes).toBe((4n * p) / 8n)
      expect(d.total.bytes).toBe(d.weights.bytes + d.gradients.bytes + d.optimizerState.bytes + d.stepGradients.bytes)
    }
    expect(memoryFormula(plan({ zero: 2 }).perDevice.stepGradients)).toBe("ZeRO-2's optimizer step turns this rank's gradients into float32: 16,777,216 trainable elements ÷ 8 shards = 2,097,152 × 4 B = 8.00 MiB")
    const rows = memoryRows(plan({ zero: 2 }), { scope: 'device' })
    expect(rows.map((r) => r.key)).toEqual(['weights', 'gradients', 'optimizerState', 'modelStates', 'stepGradients', 'activations', 'overhead', 'total'])
    expect(rows.find((r) => r.key === 'total')!.formula).toBe('model states 60.00 MiB + fp32 gradient partition 8.00 MiB = 68.00 MiB')
    expect(planNotes(plan({ zero: 2 }).notes).some((n) => n.startsWith("ZeRO-2's optimizer step holds this rank's gradients in float32"))).toBe(true)
  })
  // stage3.py: `_prepare_fp32_grad_for_sub_group` makes the float32 gradients of one sub-group at a time
  // (`sub_group_size`, 1e9 elements by default).
  it('holds at most one sub-group of 1e9 elements under ZeRO-3', () => {
    expect(plan({ zero: 3 }).perDevice.stepGradients.bytes).toBe((4n * p) / 8n)
    const big = planMemory(analyze('nn.Linear(50000, 150000, bias=False)'), { optimizer: 'Adam()', precision: 'mixed-fp16', zero: 3, gpus: 2 })
    expect(big.perDevice.stepGradients.bytes).toBe(4_000_000_000n)
    expect(memoryFormula(big.perDevice.stepGradients)).toContain('7,500,000,000 trainable elements ÷ 2 shards = 3,750,000,000; one sub-group of 1,000,000,000 (sub_group_size) at a time × 4 B')
  })
  it('is not made without float32 master weights, by FSDP, or without ZeRO', () => {
    expect(plan({ zero: 2, precision: 'amp-bf16' }).perDevice.stepGradients.bytes).toBe(0n)
    expect(plan({ fsdp: 'full_shard' }).perDevice.stepGradients.bytes).toBe(0n)
    expect(plan({}).perDevice.stepGradients.bytes).toBe(0n)
    expect(memoryRows(plan({}), { scope: 'device' }).some((r) => r.key === 'stepGradients')).toBe(false)
  })
  it('leaves the ZeRO paper\'s model states as they are: the partition is a line apart', () => {
    const d = planMemory(analyze('nn.Linear(50000, 150000, bias=False)'), { optimizer: 'Adam()', precision: 'mixed-fp16', gpus: 64, zero: 2, overheadBytes: 0n }).perDevice
    expect(d.weights.bytes + d.gradients.bytes + d.optimizerState.bytes).toBe(16_640_625_000n)
    expect(d.stepGradients.bytes).toBe(4n * 7_500_000_000n / 64n)
  })
})

describe('CPU memory per node with optimizer offload', () => {
  it('holds the optimizer state, master weights and float32 gradients of each GPU of a node (ZeRO-2: 16 bytes per parameter)', () => {
    const q = plan({ zero: 2, offloadOptimizer: 'cpu', gpus: 16, gpusPerNode: 8 })
    const d = q.perDevice
    expect(d.gradients.bytes).toBe(0n)
    expect(memoryFormula(d.gradients)).toBe('2.00 MiB gradients offloaded to CPU memory, held there as the fp32 gradient partition')
    expect(d.stepGradients.bytes).toBe(0n)
    // ZeRO-2 copies each gradient straight into the pinned float32 partition: no 16-bit copy is kept on the CPU
    expect(d.offloadedCpu.basis).toMatchObject({ parts: [{ line: 'optimizerState' }, { line: 'stepGradients' }] })
    expect(d.offloadedCpu.bytes).toBe((16n * p) / 16n)
    expect(q.perNode.cpuBytes).toBe(8n * p)
    const row = memoryRows(q, { scope: 'device' }).find((r) => r.key === 'cpuPerNode')!
    expect([row.label, row.kind]).toEqual(['CPU memory per node', 'node'])
    expect(row.formula).toBe('8 GPUs of one node × (optimizer state 12.00 MiB + fp32 gradient partition 4.00 MiB = 16.00 MiB) = 128.00 MiB')
    expect(memoryRows(q, { scope: 'device' }).find((r) => r.key === 'stepGradients')!.formula).toContain('a pinned CPU buffer the gradients are copied into')
  })
  it('keeps ZeRO-3\'s 16-bit gradient partition on the CPU beside the float32 sub-group', () => {
    const d = plan({ zero: 3, offloadOptimizer: 'cpu' }).perDevice
    expect(d.offloadedCpu.bytes).toBe((12n * p + 2n * p + 4n * p) / 8n)
  })
  it('has no row without offload', () => {
    expect(memoryRows(plan({ zero: 2 }), { scope: 'device' }).some((r) => r.key === 'cpuPerNode')).toBe(false)
  })
})
