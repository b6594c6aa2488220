import { InputError } from './errors.js'

/**
 * Windows-1252 for the bytes 0x80–0x9F (Latin-1 is the same elsewhere); `undefined` where the code page has no
 * character, which makes the text not plainly Windows-1252.
 */
const cp1252High: ReadonlyArray<number | undefined> = [
  0x20ac, undefined, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, undefined, 0x017d, undefined,
  undefined, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, undefined, 0x017e, 0x0178,
]

/** Control characters that no text file holds: everything below U+0020 but tab, line feed, vertical tab, form feed and carriage return. */
const controlCharacter = /[\u0000-\u0008\u000e-\u001f]/

/** Whether a byte is a control byte that no text file holds (see {@link controlCharacter}). */
function isControlByte(byte: number): boolean {
  return byte < 0x20 && (byte < 0x09 || byte > 0x0d)
}

/** The bytes as Windows-1252 text, or undefined when they hold control bytes or bytes the code page leaves undefined. */
function decodeWindows1252(bytes: Uint8Array): string | undefined {
  const parts: string[] = []
  const codes: number[] = []
  for (const byte of bytes) {
    let code: number | undefined = byte
    if (isControlByte(byte)) return undefined
    if (byte >= 0x80 && byte < 0xa0) code = cp1252High[byte - 0x80]
    if (code === undefined) return undefined
    codes.push(code)
    if (codes.length === 8192) parts.push(String.fromCharCode(...codes.splice(0)))
  }
  parts.push(String.fromCharCode(...codes))
  return parts.join('')
}

/** UTF-16 text after its byte-order mark, little- or big-endian. */
function decodeUtf16(bytes: Uint8Array, bigEndian: boolean, what: string): string {
  if (bytes.length % 2 !== 0) throw new InputError(`${what} starts with a UTF-16 byte-order mark but has an odd number of bytes: save it as UTF-8`, 'binary-input')
  let units = bytes
  if (bigEndian) {
    units = new Uint8Array(bytes.length)
    for (let i = 0; i < bytes.length; i += 2) {
      units[i] = bytes[i + 1]!
      units[i + 1] = bytes[i]!
    }
  }
  try {
    return new TextDecoder('utf-16le', { fatal: true }).decode(units)
  } catch {
    throw new InputError(`${what} is not valid UTF-16 text: save it as UTF-8`, 'binary-input')
  }
}

/** Whether the bytes look like UTF-16 written without a byte-order mark: ASCII text with a zero byte beside every character. */
function looksLikeBareUtf16(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return false
  const sample = Math.min(bytes.length, 512)
  let evenZeros = 0
  let oddZeros = 0
  for (let i = 0; i < sample; i++) if (bytes[i] === 0) i % 2 === 0 ? evenZeros++ : oddZeros++
  return Math.max(evenZeros, oddZeros) >= sample / 2 - 1 && Math.min(evenZeros, oddZeros) === 0
}

/**
 * Decodes the bytes of a file, of standard input or of one `--jsonl` line as text, and drops a byte-order mark.
 * UTF-8 is expected; UTF-16 with a byte-order mark is read too, and bytes that are not UTF-8 but plainly
 * Windows-1252/Latin-1 text (no control bytes, no undefined bytes) are read as that. Anything else (NUL and other
 * control bytes, UTF-16 without a byte-order mark) is an {@link InputError} with code `binary-input` that says which
 * encoding is expected.
 */
export function decodeText(bytes: Uint8Array, what: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return checkedText(decodeUtf16(bytes.subarray(2), false, what), what)
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return checkedText(decodeUtf16(bytes.subarray(2), true, what), what)
  let text: string | undefined
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    text = decodeWindows1252(bytes)
    if (text === undefined) throw binary(bytes, what)
  }
  if (controlCharacter.test(text)) throw binary(bytes, what)
  return text.startsWith('\ufeff') ? text.slice(1) : text
}

/** UTF-16 text, refused when it holds control characters. */
function checkedText(text: string, what: string): string {
  if (controlCharacter.test(text)) throw binaryData(what)
  return text
}

function binaryData(what: string): InputError {
  return new InputError(`${what} is binary data, not text: give an expression, a text file of statements or a config.json`, 'binary-input')
}

/** Why bytes that are neither UTF-8 nor Windows-1252 text cannot be read, with the encoding that would be. */
function binary(bytes: Uint8Array, what: string): InputError {
  if (looksLikeBareUtf16(bytes)) return new InputError(`${what} looks like UTF-16 text without a byte-order mark: save it as UTF-8`, 'binary-input')
  if (bytes.some(isControlByte)) return binaryData(what)
  return new InputError(`${what} is neither UTF-8 nor Windows-1252 (Latin-1) text: save it as UTF-8`, 'binary-input')
}
