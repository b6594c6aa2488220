import { describe, expect, it } from 'vitest'
import { formatBytes, formatBytesAlike } from './bytes.js'

describe('formatBytesAlike', () => {
  it('writes parts and their sum in one unit, with the decimals that keep the smallest part visible', () => {
    // Conv2d(128, 256, 3) with Adam: 4.50 MiB of model states beside a 1 GiB reserve
    expect(formatBytesAlike([4_722_688n, 1_073_741_824n, 1_078_464_512n])).toEqual(['0.0044 GiB', '1.0000 GiB', '1.0044 GiB'])
    expect(formatBytesAlike([1024n ** 3n, 1024n ** 3n, 2n * 1024n ** 3n])).toEqual(['1.00 GiB', '1.00 GiB', '2.00 GiB'])
    expect(formatBytesAlike([2_000n, 1024n ** 3n], 'iec')).toEqual(['0.000002 GiB', '1.000000 GiB'])
    expect(formatBytesAlike([500n, 12n])).toEqual(['500 B', '12 B'])
    expect(formatBytesAlike([4_722_688n, 1_000_000_000n], 'si')).toEqual(['0.0047 GB', '1.0000 GB'])
  })
  it('keeps formatBytes as it was', () => {
    expect(formatBytes(1_180_672n)).toBe('1.13 MiB')
  })
})
