import { describe, expect, it } from 'vitest'
import { UsageError } from './errors.js'
import { longFlag, memoryKeys, optionSpecs, splitArgs } from './options.js'

const spec = (key: string) => optionSpecs.find((o) => o.key === key && !o.flags.startsWith('--no-'))!

describe('optionSpecs', () => {
  it('gives every option a help line and every value option an example or choices', () => {
    for (const o of optionSpecs) {
      expect(o.description.length).toBeGreaterThan(8)
      if (o.flags.includes('<')) expect(o.example ?? o.choices).toBeDefined()
    }
  })
  it('checks positive integers', () => {
    expect(spec('batch').parse!('1_024', '--batch')).toBe(1024)
    expect(() => spec('batch').parse!('0', '--batch')).toThrow(new UsageError("--batch takes a positive batch size, got '0'"))
    expect(() => spec('gpus').parse!('-2', '--gpus')).toThrow(UsageError)
    expect(() => spec('seq').parse!('1e3', '--seq')).toThrow(UsageError)
  })
  it('checks depths and choices', () => {
    expect(spec('depth').parse!('0', '--depth')).toBe(0)
    expect(() => spec('depth').parse!('-1', '--depth')).toThrow(UsageError)
    expect(spec('units').parse!('si', '--units')).toBe('si')
    expect(() => spec('units').parse!('binary', '--units')).toThrow(new UsageError("--units must be iec or si, got 'binary'"))
  })
})

describe('memoryKeys', () => {
  it('lists the memory-planning options', () => {
    expect(memoryKeys).toEqual(['inference', 'optimizer', 'precision', 'weights', 'batch', 'seq', 'gradAccum', 'checkpointing', 'gpus', 'zero', 'tp', 'pp', 'offload', 'lora', 'qlora', 'kvDtype', 'activationBytes', 'overhead', 'gpu'])
  })
})

describe('longFlag', () => {
  it('takes the long name of an option', () => {
    expect(longFlag(spec('input'))).toBe('--input')
  })
})

describe('splitArgs', () => {
  it('splits at spaces and keeps quoted text together', () => {
    expect(splitArgs('--input "2, 10, 64" --device cpu')).toEqual(['--input', '2, 10, 64', '--device', 'cpu'])
    expect(splitArgs(`--optimizer 'SGD(lr=0.1, momentum=0.9)'`)).toEqual(['--optimizer', 'SGD(lr=0.1, momentum=0.9)'])
    expect(splitArgs('  ')).toEqual([])
    expect(splitArgs('""')).toEqual([''])
  })
  it('refuses an unclosed quote', () => {
    expect(() => splitArgs('--input "1,2')).toThrow(new UsageError('unclosed " in --compare'))
  })
})
