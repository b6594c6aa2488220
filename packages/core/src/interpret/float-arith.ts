/**
 * Float arithmetic as CPython computes it, where JavaScript's operators give another double: floor division and
 * modulo by CPython's `float_divmod`, and `x ** y` correctly rounded where the exponent is a small dyadic fraction
 * (`d ** -0.5`, `n ** 0.25`, `x ** 1.5`, `x ** -1.0`), where V8's `Math.pow` is off by one unit in the last place
 * about one time in ten and the C library CPython calls is not.
 */

/** Python's `a % b` of floats: `fmod`, moved to the divisor's sign; a zero takes the divisor's sign. */
export function floatMod(a: number, b: number): number {
  const r = a % b
  if (r === 0) return b < 0 ? -0 : 0
  return (r < 0) !== (b < 0) ? r + b : r
}

/** Python's `a // b` of floats (CPython's `float_divmod`): `(a - fmod(a, b)) / b`, floored and corrected by half a unit. */
export function floatFloorDiv(a: number, b: number): number {
  let mod = a % b
  let div = (a - mod) / b
  if (mod !== 0 && (b < 0) !== (mod < 0)) {
    mod += b
    div -= 1
  }
  if (div === 0) return Math.sign(a / b) < 0 || Object.is(a / b, -0) ? -0 : 0
  let floored = Math.floor(div)
  if (div - floored > 0.5) floored += 1
  return floored
}

/** A finite double as an exact binary fraction: `mantissa · 2^exponent`. */
interface Binary {
  mantissa: bigint
  exponent: number
}

const scratch = new DataView(new ArrayBuffer(8))

function binaryOf(x: number): Binary {
  scratch.setFloat64(0, x)
  const high = scratch.getUint32(0)
  const low = scratch.getUint32(4)
  const biased = (high >>> 20) & 0x7ff
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low)
  return biased === 0 ? { mantissa: fraction, exponent: -1074 } : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 }
}

/** The double next to a positive finite `x`, up or down. */
function neighbour(x: number, up: boolean): number {
  scratch.setFloat64(0, x)
  const bits = scratch.getBigUint64(0)
  scratch.setBigUint64(0, up ? bits + 1n : bits - 1n)
  return scratch.getFloat64(0)
}

/** The exact midpoint of two doubles (which a double cannot always hold: it needs one more bit). */
function midpoint(a: number, b: number): Binary {
  const x = binaryOf(a)
  const y = binaryOf(b)
  const e = Math.min(x.exponent, y.exponent)
  return { mantissa: (x.mantissa << BigInt(x.exponent - e)) + (y.mantissa << BigInt(y.exponent - e)), exponent: e - 1 }
}

function power(b: Binary, n: number): Binary {
  return { mantissa: b.mantissa ** BigInt(n), exponent: b.exponent * n }
}

/** The sign of `a - b` for exact binary fractions. */
function compare(a: Binary, b: Binary): number {
  const shift = a.exponent - b.exponent
  const left = shift > 0 ? a.mantissa << BigInt(shift) : a.mantissa
  const right = shift < 0 ? b.mantissa << BigInt(-shift) : b.mantissa
  return left === right ? 0 : left > right ? 1 : -1
}

/** `y` as `numerator / 2^log2Denominator` when it is one with a small numerator and denominator (at most 64 / 16). */
function dyadic(y: number): { numerator: number; log2Denominator: number } | undefined {
  for (let n = 0; n <= 4; n++) {
    const k = y * 2 ** n
    if (Number.isInteger(k) && Math.abs(k) <= 64) return { numerator: k, log2Denominator: n }
  }
  return undefined
}

/**
 * The sign of `t - m` where `t = x^(k / 2^n)` (x > 0) and `m > 0` (an exact midpoint): raising both to the `2^n` keeps the order, and
 * `x^k` against `m^(2^n)` is exact (a negative `k` compares `1` with `m^(2^n) · x^|k|`).
 */
function comparePower(x: Binary, k: number, n: number, m: Binary): number {
  const mPower = power(m, 2 ** n)
  if (k >= 0) return compare(power(x, k), mPower)
  const product = power(x, -k)
  return compare({ mantissa: 1n, exponent: 0 }, { mantissa: product.mantissa * mPower.mantissa, exponent: product.exponent + mPower.exponent })
}

/**
 * Python's `x ** y` of floats. For `x > 0` and a small dyadic `y` the double nearest the true power is chosen among
 * `Math.pow`'s result and its neighbours, by comparing the power with their midpoints exactly; other operands keep
 * `Math.pow`'s result.
 */
export function floatPow(x: number, y: number): number {
  const r = x ** y
  if (!(x > 0) || !Number.isFinite(x) || !Number.isFinite(r) || r === 0 || r < 2 ** -1020) return r
  const d = dyadic(y)
  if (!d) return r
  const base = binaryOf(x)
  let result = r
  // Math.pow is within a unit of the true value: one step up or down is enough; two guard against a tie's neighbour.
  for (let step = 0; step < 2; step++) {
    const below = neighbour(result, false)
    const above = neighbour(result, true)
    const down = comparePower(base, d.numerator, d.log2Denominator, midpoint(below, result))
    const up = comparePower(base, d.numerator, d.log2Denominator, midpoint(result, above))
    if (down < 0 || (down === 0 && evenBits(below))) result = below
    else if (up > 0 || (up === 0 && evenBits(above))) result = above
    else break
  }
  return result
}

function evenBits(x: number): boolean {
  scratch.setFloat64(0, x)
  return (scratch.getUint32(4) & 1) === 0
}
