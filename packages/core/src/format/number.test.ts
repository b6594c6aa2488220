import { describe, expect, it } from 'vitest'
import { decimal, formatCount, significantDecimal } from './number.js'

describe('formatCount', () => {
  it('groups thousands with commas', () => {
    expect(formatCount(295168n)).toBe('295,168')
    expect(formatCount(0n)).toBe('0')
    expect(formatCount(999n)).toBe('999')
    expect(formatCount(1000n)).toBe('1,000')
    expect(formatCount(-1234567n)).toBe('-1,234,567')
    expect(formatCount(2n ** 64n)).toBe('18,446,744,073,709,551,616')
    expect(formatCount(123456)).toBe('123,456')
  })
  it('agrees with en-US grouping for every length of integer', () => {
    for (let digits = 1; digits <= 30; digits++) {
      const value = BigInt('9'.repeat(digits)) - 7n * BigInt(digits)
      expect(formatCount(value)).toBe(value.toLocaleString('en-US'))
      expect(formatCount(-value)).toBe((-value).toLocaleString('en-US'))
    }
  })
  it('keeps up to six decimals of a fractional number', () => {
    expect(formatCount(1234.5)).toBe('1,234.5')
  })
})

describe('decimal', () => {
  it('rounds half up and groups the whole part', () => {
    expect(decimal(1180672n, 1048576n, 2)).toBe('1.13')
    expect(decimal(1234567890n, 1n, 0)).toBe('1,234,567,890')
    expect(decimal(5n, 100n, 1)).toBe('0.1')
  })
})

describe('significantDecimal', () => {
  it('shows as many decimals as four significant digits need, exactly', () => {
    expect(significantDecimal(4000n, 58n, 4)).toBe('68.97')
    expect(significantDecimal(100n, 7_000_000_000n, 4)).toBe('0.00000001429')
    expect(significantDecimal(100n, 1n, 4)).toBe('100.0')
    expect(significantDecimal(0n, 5n, 4)).toBe('0.0')
  })
})
