import { describe, expect, it } from 'vitest'
import { UsageError } from './errors.js'
import { fieldFlag, longFlag, memoryKeys, optionSpecs, splitArgs } from './options.js'

const spec = (key: string) => optionSpecs.find((o) => o.key === key && !o.flags.startsWith('--no-'))!

describe('optionSpecs', () => {
  it('gives every option a help line and every value option an example or choices', () => {
    for (const o of optionSpecs) {
      expect(o.description.length).toBeGreaterThan(8)
      if (o.flags.includes('<')) expect(o.example ?? o.choices).toBeDefined()
    }
  })
  it('names the request field each option fills, and offers the core\'s choices', () => {
    expect(spec('seq').field).toBe('seq')
    expect(spec('zero').field).toBe('sharding')
    expect(spec('units').choices).toEqual(['iec', 'si'])
    expect(spec('checkpointing').choices).toEqual(['none', 'selective', 'full'])
  })
})

describe('fieldFlag', () => {
  it('names a request field by its flag', () => {
    expect(fieldFlag('seq')).toBe('`--seq`')
    expect(fieldFlag('sharding')).toBe('`--zero`')
    expect(fieldFlag('activationBytes')).toBe('`--activation-bytes`')
    expect(fieldFlag('source')).toBe('the input')
  })
})

describe('memoryKeys', () => {
  it('lists the memory-planning options', () => {
    expect(memoryKeys).toEqual(['inference', 'optimizer', 'precision', 'weights', 'batch', 'seq', 'gradAccum', 'checkpointing', 'gpus', 'gpusPerNode', 'nodes', 'zero', 'tp', 'pp', 'offload', 'offloadParams', 'estimator', 'lora', 'qlora', 'kvDtype', 'activationBytes', 'overhead', 'gpu', 'tokens', 'mfu'])
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
