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
 * Formats byte counts that are added up in one unit (the largest's) with as many decimals (2 to 6) as the smallest
 * non-zero one needs to show two significant digits, so that the parts visibly add up:
 * `formatBytesAlike([4722688n, 1073741824n, 1078464512n])` → `["0.0044 GiB", "1.0000 GiB", "1.0044 GiB"]`.
 */
export function formatBytesAlike(values: readonly bigint[], units: ByteUnits = 'iec'): string[] {
  const largest = values.reduce((m, v) => (v > m ? v : v < -m ? -v : m), 0n)
  const unit = (units === 'iec' ? IEC : SI).find(([size]) => largest >= size)
  if (!unit) return values.map((v) => `${v.toString()} B`)
  const [size, name] = unit
  const smallest = values.reduce<bigint | null>((m, v) => {
    const a = v < 0n ? -v : v
    return a > 0n && (m === null || a < m) ? a : m
  }, null)
  let digits = 2
  // two significant digits of the smallest part: smallest / size ≥ 10^(1 − digits)
  while (digits < 6 && smallest !== null && smallest * 10n ** BigInt(digits) < size * 10n) digits++
  return values.map((v) => `${decimal(v, size, digits)} ${name}`)
}

/**
 * Formats a byte count with an honest unit: `formatBytes(1180672n)` → `"1.13 MiB"`,
 * `formatBytes(1180672n, 'si')` → `"1.18 MB"`. Below 1 KiB / 1 kB: `"512 B"`.
 */
export function formatBytes(bytes: bigint, units: ByteUnits = 'iec', digits = 2): string {
  const negative = bytes < 0n
  const abs = negative ? -bytes : bytes
  const steps = units === 'iec' ? IEC : SI
  for (let i = 0; i < steps.length; i++) {
    const [size, unit] = steps[i]!
    if (abs >= size) return `${negative ? '-' : ''}${decimal(abs, size, digits)} ${unit}`
  }
  return `${bytes.toString()} B`
}
