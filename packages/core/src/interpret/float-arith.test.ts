import { describe, expect, it } from 'vitest'
import { python } from '../../test/interpret.js'
import { floatFloorDiv, floatMod, floatPow } from './float-arith.js'

describe('float arithmetic as CPython computes it', () => {
  it('x ** y for a dyadic exponent is the double Python 3.11 gives, where V8 is a unit off', () => {
    // repr(float(d) ** e) in Python 3.11 (glibc's pow); V8's Math.pow gives the neighbouring double for each.
    const cases: Array<[number, number, number]> = [
      [2, -0.5, Math.SQRT1_2], // 0.7071067811865476
      [2, -0.25, 0.8408964152537145],
      [2, 1.5, 2.8284271247461903],
      [4, 0.25, Math.SQRT2], // 1.4142135623730951
      [7, 1.5, 18.520259177452136],
      [8, -0.5, 0.3535533905932738],
      [8, 0.25, 1.681792830507429],
      [64, -0.5, 0.125],
    ]
    for (const [x, y, expected] of cases) expect(floatPow(x, y), `${x} ** ${y}`).toBe(expected)
    expect(floatPow(2, 1 / 3)).toBe(2 ** (1 / 3))
  })

  it('floor division and modulo by float_divmod', () => {
    // Python 3.11: 1 // 0.1 == 9.0 (fmod(1, 0.1) is 0.09999999999999995), -1 // 0.1 == -10.0, 0.7 // 0.1 == 6.0.
    expect(floatFloorDiv(1, 0.1)).toBe(9)
    expect(floatFloorDiv(-1, 0.1)).toBe(-10)
    expect(floatFloorDiv(0.7, 0.1)).toBe(6)
    expect(floatFloorDiv(2.3, 0.1)).toBe(22)
    expect(Object.is(floatFloorDiv(-0, 3), -0)).toBe(true)
    expect(Object.is(floatFloorDiv(0, -3), -0)).toBe(true)
    expect(floatMod(5, -3)).toBe(-1)
    expect(Object.is(floatMod(6, -3), -0)).toBe(true)
  })

  it('in programs: `**`, `//`, `%`, math.pow and divmod', () => {
    python(`
import math
assert 8 ** -0.5 == 0.3535533905932738 and 64 ** -0.5 == 0.125 and math.pow(2, -0.5) == 0.7071067811865476
assert 2 ** -1 == 0.5 and 1 // 0.1 == 9.0 and divmod(1, 0.1) == (9.0, 0.09999999999999995) and 5 % -3.0 == -1.0
`)
  })
})
