import { describe, expect, it } from 'vitest'
import { decodeUnicodeEscapes, numberValue } from './literals.js'
import { lookupUnicodeName } from './unicode-names.js'

const span = { start: 0, end: 1 }

describe('string escapes', () => {
  it('decodes every escape CPython knows and keeps unknown ones', () => {
    expect(decodeUnicodeEscapes('\\a\\b\\f\\n\\r\\t\\v\\\\\\\'\\"', span)).toBe('\x07\b\f\n\r\t\v\\\'"')
    expect(decodeUnicodeEscapes('\\0\\7\\101\\777\\x41\\u00e9\\U0001F600', span)).toBe('\0\x07A\u01ffA\u00e9\u{1f600}')
    expect(decodeUnicodeEscapes('\\q\\8\\é', span)).toBe('\\q\\8\\é')
    expect(decodeUnicodeEscapes('a\\\nb', span)).toBe('ab')
    expect(decodeUnicodeEscapes('end\\', span)).toBe('end\\')
  })

  it("reports malformed escapes with CPython's message and byte positions", () => {
    expect(() => decodeUnicodeEscapes('\\x4', span)).toThrow("(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape")
    expect(() => decodeUnicodeEscapes('é\\x4', span)).toThrow('position 10-12: truncated \\xXX escape')
    expect(() => decodeUnicodeEscapes('\\U00110000', span)).toThrow('position 0-9: illegal Unicode character')
    expect(() => decodeUnicodeEscapes('\\N{NOT A NAME}', span)).toThrow('position 0-13: unknown Unicode character name')
    expect(() => decodeUnicodeEscapes('\\N', span)).toThrow('position 0-1: malformed \\N character escape')
  })

  it('knows Unicode names, in any case, and names derived by rule', () => {
    const names: Array<[string, number]> = [
      ['BULLET', 0x2022], ['bullet', 0x2022], ['DEGREE SIGN', 0xb0], ['MULTIPLICATION SIGN', 0xd7], ['NO-BREAK SPACE', 0xa0],
      ['EM DASH', 0x2014], ['HORIZONTAL ELLIPSIS', 0x2026], ['GREEK SMALL LETTER ALPHA', 0x3b1], ['GREEK CAPITAL LETTER OMEGA', 0x3a9],
      ['CYRILLIC SMALL LETTER ZHE', 0x436], ['LATIN CAPITAL LETTER A WITH DIAERESIS', 0xc4], ['COMBINING ACUTE ACCENT', 0x301],
      ['RIGHTWARDS ARROW', 0x2192], ['INFINITY', 0x221e], ['EMPTY SET', 0x2205], ['BOX DRAWINGS LIGHT HORIZONTAL', 0x2500],
      ['FULL BLOCK', 0x2588], ['BLACK SQUARE', 0x25a0], ['SNOWMAN', 0x2603], ['CHECK MARK', 0x2713], ['LONG RIGHTWARDS SQUIGGLE ARROW', 0x27ff],
      ['EURO SIGN', 0x20ac], ['ROCKET', 0x1f680], ['GRINNING FACE', 0x1f600], ['ZERO WIDTH SPACE', 0x200b], ['BYTE ORDER MARK', 0xfeff],
      ['NULL', 0], ['BEL', 7], ['LINE FEED', 10], ['NBSP', 0xa0], ['CJK UNIFIED IDEOGRAPH-4E00', 0x4e00], ['HANGUL SYLLABLE GAG', 0xac01],
      ['HANGUL SYLLABLE HIH', 0xd7a3],
    ]
    for (const [name, code] of names) expect(lookupUnicodeName(name), name).toBe(code)
    expect(lookupUnicodeName('CJK UNIFIED IDEOGRAPH-0041')).toBeUndefined()
    expect(lookupUnicodeName('NOT A NAME')).toBeUndefined()
  })
})

describe('numbers', () => {
  it('reads ints exactly at any size, in every base, floats and imaginary numbers', () => {
    expect(numberValue('0x_FF', 0, 5)).toBe(255n)
    expect(numberValue('0o17', 0, 4)).toBe(15n)
    expect(numberValue('0B1_0', 0, 5)).toBe(2n)
    expect(numberValue('00', 0, 2)).toBe(0n)
    expect(numberValue('9007199254740993', 0, 16)).toBe(9007199254740993n)
    expect(numberValue('1_0.5e-1_0', 0, 10)).toBe(10.5e-10)
    expect(numberValue('1e400', 0, 5)).toBe(Infinity)
    expect(numberValue('09.5', 0, 4)).toBe(9.5)
    expect(numberValue('1_5J', 0, 4)).toEqual({ real: 0, imag: 15 })
  })

  it('refuses decimal literals longer than CPython reads (4,300 digits), not hexadecimal ones', () => {
    expect(numberValue('9'.repeat(4300), 0, 4300)).toBe(10n ** 4300n - 1n)
    expect(() => numberValue('9'.repeat(4301), 0, 4301)).toThrow('Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits')
    expect(numberValue('0x' + 'f'.repeat(5000), 0, 5002)).toBe(16n ** 5000n - 1n)
  })
})
