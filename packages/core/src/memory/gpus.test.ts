import { describe, expect, it } from 'vitest'
import { accelerators, findAccelerator } from './gpus.js'

const MiB = 1024n ** 2n

describe('accelerators', () => {
  it('lists the required accelerators with exact byte capacities', () => {
    const ids = accelerators.map((a) => a.id)
    for (const id of ['t4', 'l4', 'rtx-3090', 'rtx-4090', 'rtx-5090', 'a10', 'a100-40gb', 'a100-80gb', 'h100-80gb', 'h200', 'b200', 'mi300x', 'tpu-v5e', 'apple-16gb', 'apple-128gb']) expect(ids).toContain(id)
    expect(findAccelerator('h100-80gb').bytes).toBe(81559n * MiB)
    expect(findAccelerator('a100-80gb').bytes).toBe(80n * 1024n * MiB)
    expect(findAccelerator('mi300x').bytes).toBe(205822885888n)
    for (const a of accelerators) expect(a.bytes > 0n).toBe(true)
  })
  it('has unique ids and aliases', () => {
    const names = accelerators.flatMap((a) => [a.id, ...a.aliases])
    expect(new Set(names).size).toBe(names.length)
  })
})

describe('findAccelerator', () => {
  it('finds by alias, case and an NVIDIA prefix', () => {
    expect(findAccelerator('H100').id).toBe('h100-80gb')
    expect(findAccelerator('NVIDIA A100').id).toBe('a100-80gb')
    expect(findAccelerator('rtx 4090').id).toBe('rtx-4090')
  })
  it('suggests close names for an unknown GPU', () => {
    try {
      findAccelerator('h10')
      expect.unreachable()
    } catch (e) {
      expect((e as { code: string }).code).toBe('option')
      expect((e as { message: string }).message).toContain('Unknown GPU `h10`')
    }
  })
})
