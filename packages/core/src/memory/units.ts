import { NnsizeError } from '../errors.js'

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
 * `GB` means 10^9 bytes and `GiB` 2^30. Fractions are rounded to the nearest byte. `name` is the option's name for errors.
 */
export function parseByteSize(text: string | number | bigint, name = 'size'): bigint {
  if (typeof text === 'bigint') return checkBytes(text, name, String(text))
  if (typeof text === 'number') {
    if (!Number.isSafeInteger(text)) throw new NnsizeError('option', `\`${name}\` must be a whole number of bytes, got \`${text}\`.`)
    return checkBytes(BigInt(text), name, String(text))
  }
  const match = /^\s*(\d+)(?:\.(\d+))?\s*([a-zA-Z]*)\s*$/.exec(text)
  const unit = match ? UNITS[match[3]!.toLowerCase() || 'b'] : undefined
  if (!match || unit === undefined) {
    throw new NnsizeError('option', `\`${name}\` must be a size such as \`24GiB\`, \`80GB\` or \`512MiB\` (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), got \`${text}\`.`)
  }
  const fraction = match[2] ?? ''
  const scale = 10n ** BigInt(fraction.length)
  const numerator = BigInt(match[1]! + fraction) * unit
  return checkBytes((numerator * 2n + scale) / (2n * scale), name, text)
}

function checkBytes(bytes: bigint, name: string, text: string): bigint {
  if (bytes < 0n) throw new NnsizeError('option', `\`${name}\` cannot be negative, got \`${text}\`.`)
  if (bytes > maxOptionBytes) throw new NnsizeError('option', `\`${name}\` is \`${text}\`, more than the 1 EiB nnsize accepts.`)
  return bytes
}
