/** Formats an exact integer with thousands separators: `295168n` → `"295,168"` (en-US grouping). */
export function formatCount(value: bigint | number): string {
  // grouping by hand: the first toLocaleString call loads ICU, which costs a CLI run tens of milliseconds
  if (typeof value === 'bigint' || Number.isSafeInteger(value)) return groupThousands(value.toString())
  return value.toLocaleString('en-US', { maximumFractionDigits: 6 })
}

/** `"-1234567"` → `"-1,234,567"`: commas between groups of three digits of an integer's decimal digits. */
function groupThousands(digits: string): string {
  const sign = digits.startsWith('-') ? '-' : ''
  const body = sign ? digits.slice(1) : digits
  let out = ''
  for (let end = body.length; end > 0; end -= 3) out = end - 3 > 0 ? `,${body.slice(end - 3, end)}${out}` : `${body.slice(0, end)}${out}`
  return sign + out
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
  return `${negative ? '-' : ''}${groupThousands(whole.toString())}${digits > 0 ? `.${frac}` : ''}`
}

/**
 * `numerator / denominator` with as many decimals as it takes to show `significant` significant digits (at least
 * one decimal, at most 30), rounded half-up exactly, without grouping: `(1n, 7_000_000_000n, 4)` → `"0.0000000001429"`.
 */
export function significantDecimal(numerator: bigint, denominator: bigint, significant: number): string {
  let text = '0.0'
  if (numerator === 0n) return text
  for (let digits = 1; digits <= 30; digits++) {
    text = decimal(numerator, denominator, digits).replace(/,/g, '')
    if (text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length >= significant) return text
  }
  return text
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
