import { describe, expect, it } from 'vitest'
import { decodeText } from './decode.js'

const latin1 = (text: string) => Buffer.from(text, 'latin1')

describe('decodeText', () => {
  it('reads UTF-8, with or without a byte-order mark', () => {
    expect(decodeText(Buffer.from('\ufeffnn.Linear(1, 2)  # × café', 'utf8'), 'x')).toBe('nn.Linear(1, 2)  # × café')
  })

  it('reads a Latin-1 / Windows-1252 text file instead of calling it binary', () => {
    expect(decodeText(latin1('nn.Linear(1, 2)  # caf\xe9, 20\xb0C\r\n'), "'model.py'")).toBe('nn.Linear(1, 2)  # café, 20°C\r\n')
    // 0x80-0x9f are Windows-1252's: the euro sign, curly quotes, the dash
    expect(decodeText(Uint8Array.from([0x23, 0x20, 0x80, 0x93, 0x71, 0x94, 0x96]), 'x')).toBe('# €\u201cq\u201d\u2013')
  })

  it('reads UTF-16 with a byte-order mark, little- and big-endian', () => {
    const text = 'nn.Conv2d(3, 8, 3)  # ×\n'
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    const be = Buffer.from(le)
    be.swap16()
    expect(decodeText(le, 'x')).toBe(text)
    expect(decodeText(be, 'x')).toBe(text)
    expect(() => decodeText(le.subarray(0, le.length - 1), "'m.txt'")).toThrow("'m.txt' starts with a UTF-16 byte-order mark but has an odd number of bytes: save it as UTF-8")
  })

  it('says which encoding is expected for text it cannot read', () => {
    expect(() => decodeText(Buffer.from('nn.Linear(1, 2)\n', 'utf16le'), "'m.txt'")).toThrow("'m.txt' looks like UTF-16 text without a byte-order mark: save it as UTF-8")
    // 0x81 is undefined in Windows-1252, and the bytes are not UTF-8
    expect(() => decodeText(latin1('Linear(1, 2) # \x81\xe9'), "'m.txt'")).toThrow("'m.txt' is neither UTF-8 nor Windows-1252 (Latin-1) text: save it as UTF-8")
  })

  it('calls data with control bytes binary, with the code binary-input', () => {
    for (const bytes of [Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff]), latin1('Linear(1, 2)\x01'), latin1('caf\xe9\x00')]) {
      expect(() => decodeText(bytes, 'standard input')).toThrow(expect.objectContaining({ code: 'binary-input', message: 'standard input is binary data, not text: give an expression, a text file of statements or a config.json' }))
    }
  })
})
