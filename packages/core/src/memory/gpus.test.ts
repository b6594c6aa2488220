import { describe, expect, it } from 'vitest'
import { accelerators, findAccelerator, parseAccelerator } from './gpus.js'

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
  it('reads the names people type', () => {
    const ids = (names: string[]) => names.map((n) => parseAccelerator(n).id)
    expect(ids(['4090', 'rtx4090', 'RTX 4090', 'GeForce RTX 4090', 'NVIDIA GeForce RTX 4090'])).toEqual(Array(5).fill('rtx-4090'))
    expect(ids(['h100', 'a100', 'a100-40', 'mi300x', 'AMD MI300X', 't4', '3090', '5090'])).toEqual(['h100-80gb', 'a100-80gb', 'a100-40gb', 'mi300x', 'mi300x', 't4', 'rtx-3090', 'rtx-5090'])
    expect(ids(['m3-max-128', 'M2 Ultra 192GB', 'm4-pro-48gb', 'm1-16'])).toEqual(['apple-128gb', 'apple-192gb', 'apple-48gb', 'apple-16gb'])
  })
  it('reads a size only with its unit: a bare number is a GPU model number', () => {
    expect(parseAccelerator('24GiB')).toMatchObject({ id: 'custom', bytes: 24n * 1024n ** 3n, bandwidthBytesPerSecond: null })
    expect(parseAccelerator('80 GB').bytes).toBe(80_000_000_000n)
    expect(() => parseAccelerator('4080')).toThrow(/Unknown GPU `4080`\. Did you mean .*`4090`.* A memory size needs a unit: `4080GiB`, `4080GB`\./)
    expect(() => parseAccelerator('24')).toThrow(/A memory size needs a unit: `24GiB`/)
    expect(() => parseAccelerator('0GiB')).toThrow(/memory must be positive/)
  })
  it('gives bandwidth and dense peak throughput from the datasheets', () => {
    const h100 = findAccelerator('h100')
    expect(h100.bandwidthBytesPerSecond).toBe(3_350_000_000_000n)
    expect(h100.peakTflops).toMatchObject({ bf16: 989.5, fp8: 1979 })
    expect(findAccelerator('l4').peakTflops.bf16).toBe(121)
    for (const a of accelerators) if (!a.id.startsWith('apple-')) expect(a.bandwidthBytesPerSecond! > 0n).toBe(true)
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
