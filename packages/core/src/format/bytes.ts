import { decimal } from './number.js'

/** `iec`: KiB, MiB, GiB (powers of 1024). `si`: kB, MB, GB (powers of 1000). */
export type ByteUnits = 'iec' | 'si'

const IEC: ReadonlyArray<[bigint, string]> = [
  [1024n ** 5n, 'PiB'],
  [1024n ** 4n, 'TiB'],
  [1024n ** 3n, 'GiB'],
  [1024n ** 2n, 'MiB'],
  [1024n, 'KiB'],
]
const SI: ReadonlyArray<[bigint, string]> = [
  [1000n ** 5n, 'PB'],
  [1000n ** 4n, 'TB'],
  [1000n ** 3n, 'GB'],
  [1000n ** 2n, 'MB'],
  [1000n, 'kB'],
]

/**
 * Formats a byte count with an honest unit: `formatBytes(1180672n)` → `"1.13 MiB"`,
 * `formatBytes(1180672n, 'si')` → `"1.18 MB"`. Below 1 KiB / 1 kB: `"512 B"`.
 */
export function formatBytes(bytes: bigint, units: ByteUnits = 'iec', digits = 2): string {
  const negative = bytes < 0n
  const abs = negative ? -bytes : bytes
  for (const [size, unit] of units === 'iec' ? IEC : SI) {
    if (abs >= size) return `${negative ? '-' : ''}${decimal(abs, size, digits)} ${unit}`
  }
  return `${bytes.toString()} B`
}
