import { NnsizeError } from '../errors.js'
import type { Complex } from './ast.js'
import { lookupUnicodeName } from './unicode-names.js'

/** CPython's `sys.int_info.default_max_str_digits`: longer decimal literals are a syntax error. */
const MAX_DECIMAL_DIGITS = 4300

/** What a string literal's prefix says. */
export interface StringPrefix {
  raw: boolean
  bytes: boolean
  /** Written with `u`: the constant's `kind` is `'u'`. */
  unicode: boolean
  formatted: boolean
  /** Offset of the first character after the opening quotes. */
  bodyStart: number
  /** Offset of the closing quotes. */
  bodyEnd: number
}

/** Reads the prefix and quotes of the string token at `[start, end)`. */
export function stringPrefix(source: string, start: number, end: number): StringPrefix {
  let raw = false
  let bytes = false
  let unicode = false
  let formatted = false
  let i = start
  for (;;) {
    const c = source.charCodeAt(i) | 32
    if (c === 114) raw = true
    else if (c === 98) bytes = true
    else if (c === 117) unicode = true
    else if (c === 102) formatted = true
    else break
    i++
  }
  const quote = source.charCodeAt(i)
  const triple = source.charCodeAt(i + 1) === quote && source.charCodeAt(i + 2) === quote && end - i >= 6
  const q = triple ? 3 : 1
  return { raw, bytes, unicode, formatted, bodyStart: i + q, bodyEnd: end - q }
}

/** The text with `\r\n` and lone `\r` turned into `\n`, as CPython sees string contents. */
export function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text
}

function syntaxError(message: string, start: number, end: number): NnsizeError {
  return new NnsizeError('syntax', message, { span: { start, end } })
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  const l = c | 32
  if (l >= 97 && l <= 102) return l - 87
  return -1
}

/**
 * Byte positions as CPython's `unicodeescape` codec reports them: it sees the body after each
 * non-ASCII character became a 10-byte `\UXXXXXXXX` and a backslash before one (or at the end) a
 * 6-byte `\u005c`.
 */
function codecPosition(body: string, index: number): number {
  let pos = 0
  for (let k = 0; k < index && k < body.length; k++) {
    const c = body.charCodeAt(k)
    if (c === 92 && (k + 1 >= body.length || body.charCodeAt(k + 1) >= 128)) pos += 6
    else if (c >= 0xd800 && c <= 0xdbff && k + 1 < body.length) {
      pos += 10
      k++
    } else pos += c >= 128 ? 10 : 1
  }
  return pos
}

/**
 * Decodes the escapes of a `str` literal's body, as CPython's `unicodeescape` codec does:
 * `\N{name}`, `\xhh`, `\uhhhh`, `\Uhhhhhhhh`, octal, the single-character escapes, a backslash-newline
 * continuation; an unknown escape keeps its backslash. `span` is where errors point.
 */
export function decodeUnicodeEscapes(body: string, span: { start: number; end: number }): string {
  if (!body.includes('\\')) return body
  let out = ''
  let run = 0
  const n = body.length
  let i = 0
  const fail = (message: string, from: number, to: number): NnsizeError => {
    const a = codecPosition(body, from)
    const b = codecPosition(body, to) - 1
    const where = b > a ? `bytes in position ${a}-${b}` : `byte 0x${body.charCodeAt(from).toString(16).padStart(2, '0')} in position ${a}`
    return syntaxError(`(unicode error) 'unicodeescape' codec can't decode ${where}: ${message}`, span.start, span.end)
  }
  while (i < n) {
    const c = body.charCodeAt(i)
    if (c !== 92) {
      i++
      continue
    }
    out += body.slice(run, i)
    const from = i
    if (i + 1 >= n) {
      out += '\\'
      i++
      run = i
      continue
    }
    const e = body.charCodeAt(i + 1)
    i += 2
    switch (e) {
      case 10: break
      case 92: out += '\\'; break
      case 39: out += "'"; break
      case 34: out += '"'; break
      case 97: out += '\x07'; break
      case 98: out += '\b'; break
      case 102: out += '\f'; break
      case 110: out += '\n'; break
      case 114: out += '\r'; break
      case 116: out += '\t'; break
      case 118: out += '\v'; break
      case 48: case 49: case 50: case 51: case 52: case 53: case 54: case 55: {
        let value = e - 48
        for (let k = 0; k < 2 && i < n; k++) {
          const d = body.charCodeAt(i)
          if (d < 48 || d > 55) break
          value = value * 8 + (d - 48)
          i++
        }
        out += String.fromCharCode(value)
        break
      }
      case 120: case 117: case 85: {
        const count = e === 120 ? 2 : e === 117 ? 4 : 8
        const message = e === 120 ? 'truncated \\xXX escape' : e === 117 ? 'truncated \\uXXXX escape' : 'truncated \\UXXXXXXXX escape'
        let value = 0
        for (let k = 0; k < count; k++) {
          const h = i < n ? hexValue(body.charCodeAt(i)) : -1
          if (h < 0) throw fail(message, from, i)
          value = value * 16 + h
          i++
        }
        if (value > 0x10ffff) throw fail('illegal Unicode character', from, i)
        out += String.fromCodePoint(value)
        break
      }
      case 78: {
        if (i >= n || body.charCodeAt(i) !== 123) throw fail('malformed \\N character escape', from, i)
        const close = body.indexOf('}', i + 1)
        if (close === -1) throw fail('malformed \\N character escape', from, n)
        if (close === i + 1) throw fail('malformed \\N character escape', from, i + 1)
        const code = lookupUnicodeName(body.slice(i + 1, close))
        i = close + 1
        if (code === undefined) throw fail('unknown Unicode character name', from, i)
        out += String.fromCodePoint(code)
        break
      }
      default:
        // An unknown escape keeps its backslash (CPython warns); a backslash before a non-ASCII
        // character is kept the same way, and the character is read on its own.
        out += '\\'
        i -= 1
        break
    }
    run = i
  }
  return out + body.slice(run)
}

/** Decodes a `bytes` literal's body (already checked to be ASCII) as CPython's `_PyBytes_DecodeEscape`. */
function decodeBytesEscapes(body: string, raw: boolean, span: { start: number; end: number }): Uint8Array {
  const out = new Uint8Array(body.length)
  let size = 0
  const n = body.length
  let i = 0
  while (i < n) {
    const c = body.charCodeAt(i++)
    if (raw || c !== 92 || i >= n) {
      out[size++] = c
      continue
    }
    const e = body.charCodeAt(i++)
    switch (e) {
      case 10: break
      case 92: out[size++] = 92; break
      case 39: out[size++] = 39; break
      case 34: out[size++] = 34; break
      case 97: out[size++] = 7; break
      case 98: out[size++] = 8; break
      case 102: out[size++] = 12; break
      case 110: out[size++] = 10; break
      case 114: out[size++] = 13; break
      case 116: out[size++] = 9; break
      case 118: out[size++] = 11; break
      case 48: case 49: case 50: case 51: case 52: case 53: case 54: case 55: {
        let value = e - 48
        for (let k = 0; k < 2 && i < n; k++) {
          const d = body.charCodeAt(i)
          if (d < 48 || d > 55) break
          value = value * 8 + (d - 48)
          i++
        }
        out[size++] = value & 0xff
        break
      }
      case 120: {
        const h1 = i < n ? hexValue(body.charCodeAt(i)) : -1
        const h2 = i + 1 < n ? hexValue(body.charCodeAt(i + 1)) : -1
        if (h1 < 0 || h2 < 0) throw syntaxError(`(value error) invalid \\x escape at position ${i - 2}`, span.start, span.end)
        out[size++] = h1 * 16 + h2
        i += 2
        break
      }
      default:
        out[size++] = 92
        i--
        break
    }
  }
  return out.slice(0, size)
}

/** The value of one `STRING` token (not an f-string): a `string`, or a `Uint8Array` for bytes. */
export function decodeStringToken(source: string, start: number, end: number, prefix = stringPrefix(source, start, end)): string | Uint8Array {
  const body = normalizeNewlines(source.slice(prefix.bodyStart, prefix.bodyEnd))
  const span = { start, end }
  if (prefix.bytes) {
    for (let k = 0; k < body.length; k++) {
      if (body.charCodeAt(k) >= 128) throw syntaxError('bytes can only contain ASCII literal characters', start, end)
    }
    return decodeBytesEscapes(body, prefix.raw, span)
  }
  return prefix.raw ? body : decodeUnicodeEscapes(body, span)
}

/**
 * The value of a `NUMBER` token: `bigint` for an int, `number` for a float, {@link Complex} for an
 * imaginary literal. `ints` shares one bigint between equal literals.
 */
export function numberValue(text: string, start: number, end: number, ints?: Map<string, bigint>): bigint | number | Complex {
  const last = text.charCodeAt(text.length - 1) | 32
  const clean = text.includes('_') ? text.replace(/_/g, '') : text
  if (last === 106) return { real: 0, imag: Number(clean.slice(0, -1)) }
  const second = text.charCodeAt(1) | 32
  const based = text.charCodeAt(0) === 48 && (second === 120 || second === 111 || second === 98)
  if (!based && /[.eE]/.test(text)) return Number(clean)
  const known = ints?.get(text)
  if (known !== undefined) return known
  if (!based && clean.length > MAX_DECIMAL_DIGITS) {
    throw syntaxError(
      `Exceeds the limit (${MAX_DECIMAL_DIGITS} digits) for integer string conversion: value has ${clean.length} digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.`,
      start,
      end,
    )
  }
  const value = BigInt(clean)
  ints?.set(text, value)
  return value
}
