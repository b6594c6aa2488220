/**
 * An integer with thousands separators (`1234567n` → `"1,234,567"`), as `formatCount` writes it but without `Intl`,
 * which is slow when formulas are written for every parameter group of a 400B-parameter model.
 */
export function grouped(value: bigint | number): string {
  const text = (typeof value === 'bigint' ? value : BigInt(Math.trunc(value))).toString()
  const negative = text.startsWith('-')
  const digits = negative ? text.slice(1) : text
  let out = ''
  for (let i = digits.length; i > 0; i -= 3) out = i - 3 > 0 ? `,${digits.slice(i - 3, i)}${out}` : `${digits.slice(0, i)}${out}`
  return negative ? `-${out}` : out
}
