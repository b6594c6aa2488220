import { describe, expect, it } from 'vitest'
import { formatBytes } from './bytes.js'
import { decimal, formatCompact, formatCount, formatPercent, jsonInteger } from './number.js'

describe('formatCount', () => {
  it('groups digits exactly, also past 2^53', () => {
    expect(formatCount(295168n)).toBe('295,168')
    expect(formatCount(2n ** 64n)).toBe('18,446,744,073,709,551,616')
  })
})

describe('formatBytes', () => {
  it('labels 1024-based units as KiB/MiB/GiB and 1000-based as kB/MB/GB', () => {
    expect(formatBytes(1180672n)).toBe('1.13 MiB')
    expect(formatBytes(1180672n, 'si')).toBe('1.18 MB')
    expect(formatBytes(10n * 1024n ** 3n)).toBe('10.00 GiB')
    expect(formatBytes(10n * 1024n ** 3n, 'si')).toBe('10.74 GB')
    expect(formatBytes(512n)).toBe('512 B')
  })
})

describe('decimal', () => {
  it('rounds half up exactly', () => {
    expect(decimal(1n, 8n, 2)).toBe('0.13')
    expect(decimal(-5n, 4n, 1)).toBe('-1.3')
  })
})

describe('formatCompact and formatPercent', () => {
  it('shortens counts and shares', () => {
    expect(formatCompact(7_241_732_096n)).toBe('7.2B')
    expect(formatCompact(999n)).toBe('999')
    expect(formatPercent(1n, 3n)).toBe('33.3%')
    expect(formatPercent(1n, 0n)).toBe('0.0%')
  })
})

describe('jsonInteger', () => {
  it('keeps safe integers as numbers and writes larger ones as strings', () => {
    expect(jsonInteger(2n ** 53n - 1n)).toBe(9007199254740991)
    expect(jsonInteger(2n ** 53n)).toBe('9007199254740992')
  })
})
