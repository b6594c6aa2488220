import { describe, expect, it } from 'vitest'
import { parseByteSize } from './units.js'

describe('parseByteSize', () => {
  it('reads SI and IEC units exactly', () => {
    expect(parseByteSize('24GiB')).toBe(24n * 1024n ** 3n)
    expect(parseByteSize('80 GB')).toBe(80_000_000_000n)
    expect(parseByteSize('512MiB')).toBe(512n * 1024n ** 2n)
    expect(parseByteSize('1.5TiB')).toBe(3n * 1024n ** 4n / 2n)
    expect(parseByteSize('1000000')).toBe(1_000_000n)
    expect(parseByteSize('2kb')).toBe(2000n)
    expect(parseByteSize(7)).toBe(7n)
    expect(parseByteSize(9n)).toBe(9n)
  })
  it('rounds fractions to the nearest byte', () => {
    expect(parseByteSize('0.5KiB')).toBe(512n)
    expect(parseByteSize('0.0015kB')).toBe(2n)
  })
  it('rejects unknown units, negatives, non-integers and absurd sizes, naming the option', () => {
    expect(() => parseByteSize('24 GiBs', 'gpu')).toThrow('`gpu` must be a size')
    expect(() => parseByteSize('-1GB')).toThrow('must be a size')
    expect(() => parseByteSize(-1)).toThrow('cannot be negative')
    expect(() => parseByteSize(1.5)).toThrow('whole number')
    expect(() => parseByteSize('2EiB')).toThrow('must be a size')
    expect(() => parseByteSize('2000000PB')).toThrow('more than the 1 EiB')
  })
})
