import { NnsizeError } from '../errors.js'
import type { FieldId } from '../request/fields.js'

const UNITS: Record<string, bigint> = {
  b: 1n,
  kb: 1000n,
  mb: 1000n ** 2n,
  gb: 1000n ** 3n,
  tb: 1000n ** 4n,
  pb: 1000n ** 5n,
  kib: 1024n,
  mib: 1024n ** 2n,
  gib: 1024n ** 3n,
  tib: 1024n ** 4n,
  pib: 1024n ** 5n,
}

/** Largest byte count an option accepts (1 EiB): anything above is a typo. */
export const maxOptionBytes = 1024n ** 6n

/**
 * Parses a byte size with an honest unit: `"24GiB"`, `"80 GB"`, `"512MiB"`, `"1.5TiB"`, `"1000000"` (bytes).
 * `GB` means 10^9 bytes and `GiB` 2^30. Fractions are rounded to the nearest byte. `name` is the option's name for
 * errors, `field` the request field it fills.
 */
export function parseByteSize(text: string | number | bigint, name = 'size', field?: FieldId): bigint {
  const fail = (reason: string): never => {
    throw new NnsizeError('option', `\`${name}\` ${reason}`, { field, reason })
  }
  if (typeof text === 'bigint') return checkBytes(text, String(text), fail)
  if (typeof text === 'number') {
    if (!Number.isSafeInteger(text)) fail(`must be a whole number of bytes, got \`${text}\`.`)
    return checkBytes(BigInt(text), String(text), fail)
  }
  if (typeof text !== 'string') return fail(`must be a size such as \`24GiB\`, got ${text === null ? 'null' : typeof text}.`)
  const match = /^\s*(\d{1,30})(?:\.(\d{1,30}))?\s*([a-zA-Z]*)\s*$/.exec(text)
  const unit = match ? UNITS[match[3]!.toLowerCase() || 'b'] : undefined
  if (!match || unit === undefined) {
    return fail(`must be a size such as \`24GiB\`, \`80GB\` or \`512MiB\` (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), got \`${text.length > 40 ? `${text.slice(0, 40)}…` : text}\`.`)
  }
  const fraction = match[2] ?? ''
  const scale = 10n ** BigInt(fraction.length)
  const numerator = BigInt(match[1]! + fraction) * unit
  return checkBytes((numerator * 2n + scale) / (2n * scale), text, fail)
}

function checkBytes(bytes: bigint, text: string, fail: (reason: string) => never): bigint {
  if (bytes < 0n) fail(`cannot be negative, got \`${text}\`.`)
  if (bytes > maxOptionBytes) fail(`is \`${text.length > 40 ? `${text.slice(0, 40)}…` : text}\`, more than the 1 EiB nnsize accepts.`)
  return bytes
}
