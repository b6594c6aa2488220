import { describe, expect, it } from 'vitest'
import { formatCount } from '../format/number.js'
import { grouped } from './text.js'

describe('grouped', () => {
  it('writes integers as formatCount does', () => {
    for (const v of [0n, 7n, 999n, 1000n, 295168n, -1234567n, 10n ** 21n, 123456789012345678901234567890n]) expect(grouped(v)).toBe(formatCount(v))
    expect(grouped(32768)).toBe('32,768')
  })
})
