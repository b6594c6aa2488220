/** Formats an exact integer with thousands separators: `295168n` → `"295,168"` (en-US grouping). */
export function formatCount(value: bigint | number): string {
  return typeof value === 'bigint' ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 6 })
}

/** Short form for tables: `295168n` → `"295.2K"`, `7_000_000_000n` → `"7.0B"`. */
export function formatCompact(value: bigint): string {
  const units: Array<[bigint, string]> = [
    [10n ** 12n, 'T'],
    [10n ** 9n, 'B'],
    [10n ** 6n, 'M'],
    [10n ** 3n, 'K'],
  ]
  const negative = value < 0n
  const abs = negative ? -value : value
  for (const [size, suffix] of units) {
    if (abs >= size) return `${negative ? '-' : ''}${decimal(abs, size, 1)}${suffix}`
  }
  return value.toString()
}

/** `numerator / denominator` rounded half-up to `digits` decimals, exactly. */
export function decimal(numerator: bigint, denominator: bigint, digits: number): string {
  const negative = numerator < 0n !== denominator < 0n && numerator !== 0n
  const n = numerator < 0n ? -numerator : numerator
  const d = denominator < 0n ? -denominator : denominator
  const scale = 10n ** BigInt(digits)
  const scaled = (n * scale * 2n + d) / (2n * d)
  const whole = scaled / scale
  const frac = (scaled % scale).toString().padStart(digits, '0')
  return `${negative ? '-' : ''}${whole.toLocaleString('en-US')}${digits > 0 ? `.${frac}` : ''}`
}

/** A share as a percentage with one decimal: `(1n, 3n)` → `"33.3%"`. */
export function formatPercent(part: bigint, whole: bigint): string {
  if (whole === 0n) return '0.0%'
  return `${decimal(part * 100n, whole, 1)}%`
}

/** A JSON-safe integer: a number up to 2^53 − 1, a decimal string above. */
export function jsonInteger(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()
}
