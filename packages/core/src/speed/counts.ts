import { formatCount } from '../format/number.js'
import { fieldError } from '../request/field-errors.js'
import { fieldLimits } from '../request/fields.js'

/** Powers of ten the token suffixes stand for: `K` 10^3, `M` 10^6, `B` 10^9, `T` 10^12 (counts, never bytes). */
const SUFFIX_EXPONENT: Readonly<Record<string, number>> = { '': 0, k: 3, m: 6, b: 9, t: 12 }

const shown = (text: string): string => `\`${text.length > 40 ? `${text.slice(0, 40)}…` : text}\``

/**
 * Parses a token count exactly: `15.6T` (15.6 × 10^12), `1e12`, `2_000_000`, `500B`, `2.5M`, `10K`. A decimal point
 * or an exponent is fine when the count comes out whole; anything else (a fraction of a token, a negative count, a
 * count over the field's limit) throws an `option` error about the `tokens` field.
 */
export function parseTokenCount(text: string | number | bigint): bigint {
  const { min, max } = fieldLimits.tokens
  const fail = (reason: string): never => {
    throw fieldError('tokens', 'tokens', reason)
  }
  const range = `a whole number of tokens from ${min} to ${formatCount(BigInt(max))} (e.g. \`1T\`, \`15.6T\`, \`1e12\`, \`2_000_000\`)`
  if (typeof text === 'bigint') {
    if (text < BigInt(min) || text > BigInt(max)) fail(`must be ${range}, got ${shown(String(text))}.`)
    return text
  }
  const raw = String(text).trim()
  const m = /^(\d(?:_?\d)*)?(?:\.(\d(?:_?\d)*))?(?:e([+-]?\d{1,3}))?\s*([kmbt]?)$/i.exec(raw)
  if (!m || (m[1] === undefined && m[2] === undefined)) return fail(`must be ${range}, got ${shown(raw)}.`)
  const whole = (m[1] ?? '').replace(/_/g, '')
  const fraction = (m[2] ?? '').replace(/_/g, '')
  const exponent = Number(m[3] ?? '0') + SUFFIX_EXPONENT[m[4]!.toLowerCase()]! - fraction.length
  let value = BigInt(`${whole}${fraction}` || '0')
  if (exponent >= 0) value *= 10n ** BigInt(Math.min(exponent, 40))
  else {
    const scale = 10n ** BigInt(-exponent)
    if (value % scale !== 0n) return fail(`must be ${range}: ${shown(raw)} is not a whole number of tokens.`)
    value /= scale
  }
  if (value < BigInt(min) || value > BigInt(max)) return fail(`must be ${range}, got ${shown(raw)}.`)
  return value
}

/**
 * Parses a model FLOPs utilisation: a fraction (`0.4`) or a percentage (`40%`), above 0 and at most 1 (100%).
 * Returns the fraction. A bare number above 1 (`40`) is refused: it is ambiguous, so the message asks for `40%`.
 */
export function parseMfu(text: string | number): number {
  const { min, max } = fieldLimits.mfu
  const raw = String(text).trim()
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(%?)$/.exec(raw)
  const fail = (reason: string): never => {
    throw fieldError('mfu', 'mfu', reason)
  }
  if (!m) return fail(`must be a fraction such as \`0.4\` or a percentage such as \`40%\`, got ${shown(raw)}.`)
  const number = Number(m[1])
  if (m[2] === '' && number > 1) return fail(`must be a fraction from 0 to 1 or a percentage: write \`${m[1]}%\` for ${m[1]} percent, got ${shown(raw)}.`)
  const fraction = m[2] === '%' ? number / 100 : number
  if (!(fraction > min) || fraction > max) return fail(`must be above 0% and at most 100%, got ${shown(raw)}.`)
  return fraction
}
