import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { formatCount as grouped } from '../format/number.js'
import type { ByteReader } from './reader.js'

export { grouped }

/** Throws a `weights-format` error. */
export function malformed(message: string): never {
  throw new NnsizeError('weights-format', message)
}

/**
 * One file being read: its reader, checked size, and every read bounded by the file's size and
 * {@link limits.maxWeightsHeaderBytes}. Counts the bytes it reads.
 */
export class Source {
  readonly name: string
  readonly size: number
  /** Bytes read so far. */
  bytesRead = 0
  readonly #reader: ByteReader

  private constructor(reader: ByteReader, size: number) {
    this.#reader = reader
    this.name = reader.name
    this.size = size
  }

  /** Checks that `reader` is a {@link ByteReader} with a usable size. */
  static from(reader: ByteReader): Source {
    if (typeof reader !== 'object' || reader === null || typeof reader.read !== 'function' || typeof reader.name !== 'string') {
      throw new NnsizeError('option', 'A weight file must be given as a reader `{ name, size, read(offset, length) }`.')
    }
    const raw = reader.size
    const size = typeof raw === 'bigint' && raw >= 0n && raw <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : raw
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new NnsizeError('option', `The size of \`${reader.name}\` must be a whole number of bytes from 0 to 2^53 − 1, got \`${String(raw)}\`.`)
    }
    return new Source(reader, size)
  }

  /**
   * Reads `length` bytes at `offset`. `what` names the part being read, for the message when the file is
   * too short (`the header`, `data.pkl`).
   */
  async read(offset: number, length: number, what: string): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) malformed(`\`${this.name}\`: ${what} has an invalid position or length (\`${offset}\`, \`${length}\`).`)
    if (offset + length > this.size) {
      malformed(`\`${this.name}\` is ${grouped(this.size)} bytes long, but ${what} would run to byte ${grouped(offset + length)}: the file is truncated or its header is wrong.`)
    }
    if (length > limits.maxWeightsHeaderBytes) {
      throw new NnsizeError('limit', `\`${this.name}\`: ${what} is ${grouped(length)} bytes; nnsize reads at most ${grouped(limits.maxWeightsHeaderBytes)} bytes of headers and metadata from one file.`)
    }
    if (length === 0) return new Uint8Array(0)
    const bytes: unknown = await this.#reader.read(offset, length)
    if (!(bytes instanceof Uint8Array)) throw new NnsizeError('option', `The reader of \`${this.name}\` must resolve to a \`Uint8Array\`.`)
    if (bytes.length < length) malformed(`\`${this.name}\` ended after ${grouped(offset + bytes.length)} bytes while reading ${what}; its size was given as ${grouped(this.size)}.`)
    this.bytesRead += length
    return bytes.length > length ? bytes.subarray(0, length) : bytes
  }
}

const textDecodeChunk = 0x2000

/**
 * Decodes UTF-8 strictly (no replacement characters). Returns `null` for invalid input. With `surrogates`,
 * encoded lone surrogates are accepted, as Python's `surrogatepass` (pickles) does.
 */
export function decodeUtf8(bytes: Uint8Array, surrogates = false): string | null {
  const n = bytes.length
  let ascii = true
  for (let i = 0; i < n; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false
      break
    }
  }
  if (ascii) {
    const parts: string[] = []
    // `apply` takes the typed array as it is (spreading it would copy it into an array first).
    for (let i = 0; i < n; i += textDecodeChunk) parts.push(String.fromCharCode.apply(null, bytes.subarray(i, Math.min(n, i + textDecodeChunk)) as unknown as number[]))
    return parts.join('')
  }
  const parts: string[] = []
  let units: number[] = []
  const push = (unit: number): void => {
    units.push(unit)
    if (units.length >= textDecodeChunk) {
      parts.push(String.fromCharCode.apply(null, units))
      units = []
    }
  }
  for (let i = 0; i < n; ) {
    const b0 = bytes[i]!
    if (b0 < 0x80) {
      push(b0)
      i++
      continue
    }
    let need: number
    let code: number
    let min: number
    if (b0 >= 0xc2 && b0 <= 0xdf) [need, code, min] = [1, b0 & 0x1f, 0x80]
    else if (b0 >= 0xe0 && b0 <= 0xef) [need, code, min] = [2, b0 & 0x0f, 0x800]
    else if (b0 >= 0xf0 && b0 <= 0xf4) [need, code, min] = [3, b0 & 0x07, 0x10000]
    else return null
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k]
      if (b === undefined || (b & 0xc0) !== 0x80) return null
      code = (code << 6) | (b & 0x3f)
    }
    if (code < min || code > 0x10ffff) return null
    if (code >= 0xd800 && code <= 0xdfff && !surrogates) return null
    if (code >= 0x10000) {
      code -= 0x10000
      push(0xd800 + (code >> 10))
      push(0xdc00 + (code & 0x3ff))
    } else push(code)
    i += need + 1
  }
  parts.push(String.fromCharCode.apply(null, units))
  return parts.join('')
}

/**
 * Decodes UTF-8, writing U+FFFD for each byte sequence that is not valid UTF-8 (a lead byte with the
 * continuation bytes that fit it), as Python's `bytes.decode('utf-8', 'replace')` does.
 */
export function decodeUtf8Lossy(bytes: Uint8Array): string {
  const out: string[] = []
  let start = 0
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i]!
    if (b0 < 0x80) {
      i++
      continue
    }
    // The second byte's range depends on the lead byte (no overlong forms, no surrogates, nothing past U+10FFFF).
    const [need, low, high] = b0 >= 0xc2 && b0 <= 0xdf ? [1, 0x80, 0xbf] : b0 === 0xe0 ? [2, 0xa0, 0xbf] : b0 === 0xed ? [2, 0x80, 0x9f] : b0 >= 0xe1 && b0 <= 0xef ? [2, 0x80, 0xbf] : b0 === 0xf0 ? [3, 0x90, 0xbf] : b0 === 0xf4 ? [3, 0x80, 0x8f] : b0 >= 0xf1 && b0 <= 0xf3 ? [3, 0x80, 0xbf] : [0, 0, 0]
    let k = 1
    while (k <= need) {
      const b = bytes[i + k]
      if (b === undefined || b < (k === 1 ? low : 0x80) || b > (k === 1 ? high : 0xbf)) break
      k++
    }
    if (need > 0 && k > need) {
      i += k
      continue
    }
    out.push(decodeUtf8(bytes.subarray(start, i))!, '\ufffd')
    i += k
    start = i
  }
  out.push(decodeUtf8(bytes.subarray(start))!)
  return out.join('')
}

/** Sequential reading of little-endian values from bytes in memory; every read is bounds-checked. */
export class Cursor {
  /** Position in {@link bytes}. */
  pos = 0
  protected bytes: Uint8Array
  protected view: DataView

  /** `what` names the structure, for the message when it is cut short. */
  constructor(
    bytes: Uint8Array,
    protected readonly what: string,
  ) {
    this.bytes = bytes
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** Bytes left. */
  get remaining(): number {
    return this.bytes.length - this.pos
  }

  /** Fails unless `n` more bytes are there. */
  protected take(n: number): number {
    if (n > this.bytes.length - this.pos || n < 0) malformed(`${this.what} ends in the middle of a value (at byte ${grouped(this.pos)} of ${grouped(this.bytes.length)}).`)
    const at = this.pos
    this.pos += n
    return at
  }

  u8(): number {
    return this.bytes[this.take(1)]!
  }
  u16(): number {
    return this.view.getUint16(this.take(2), true)
  }
  u32(): number {
    return this.view.getUint32(this.take(4), true)
  }
  i32(): number {
    return this.view.getInt32(this.take(4), true)
  }
  u64(): bigint {
    return this.view.getBigUint64(this.take(8), true)
  }
  i64(): bigint {
    return this.view.getBigInt64(this.take(8), true)
  }
  f32(): number {
    return this.view.getFloat32(this.take(4), true)
  }
  f64(): number {
    return this.view.getFloat64(this.take(8), true)
  }
  /** An unsigned integer of `size` bytes (1 to 8), as a number when it is below 2^53, else a bigint. */
  uint(size: number): number | bigint {
    const at = this.take(size)
    let value = 0n
    for (let k = size - 1; k >= 0; k--) value = (value << 8n) | BigInt(this.bytes[at + k]!)
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  }
  /** `n` bytes (a view, not a copy). */
  slice(n: number): Uint8Array {
    const at = this.take(n)
    return this.bytes.subarray(at, at + n)
  }
  skip(n: number): void {
    this.take(n)
  }
}

/**
 * A {@link Cursor} over a part of a file, read in windows: parsing stays synchronous inside a window, and
 * `await cursor.need(n)` loads the next one. Memory stays bounded by the window size and the largest
 * single value read.
 */
export class StreamCursor extends Cursor {
  /** Absolute offset of {@link bytes} in the file. */
  #start: number
  readonly #source: Source
  readonly #end: number
  readonly #window: number

  constructor(source: Source, start: number, end: number, what: string, window = 1 << 16) {
    super(new Uint8Array(0), what)
    this.#source = source
    this.#start = start
    this.#end = end
    this.#window = window
  }

  /** Absolute offset of the next byte in the file. */
  get offset(): number {
    return this.#start + this.pos
  }

  /** Bytes left before the end of the region. */
  get left(): number {
    return this.#end - this.offset
  }

  /** True when `n` more bytes are loaded (then no `await` is needed). */
  has(n: number): boolean {
    return this.bytes.length - this.pos >= n
  }

  /** Loads at least `n` bytes from the current offset; fails when the region ends first. */
  async need(n: number): Promise<void> {
    if (this.has(n)) return
    const at = this.offset
    if (n > this.#end - at) malformed(`${this.what} in \`${this.#source.name}\` needs ${grouped(n)} bytes at byte ${grouped(at)}, but only ${grouped(this.#end - at)} are left: the file is truncated or a length in it is wrong.`)
    const length = Math.min(this.#end - at, Math.max(n, this.#window))
    const bytes = await this.#source.read(at, length, this.what)
    this.#start = at
    this.pos = 0
    this.bytes = bytes
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** Moves past `n` bytes without reading them (loading nothing when they are beyond the window). */
  async skipAhead(n: number): Promise<void> {
    if (this.has(n)) {
      this.pos += n
      return
    }
    const to = this.offset + n
    if (n < 0 || to > this.#end) malformed(`${this.what} in \`${this.#source.name}\` claims ${grouped(n)} bytes at byte ${grouped(this.offset)}, past the end of the file (${grouped(this.#end)}).`)
    this.#start = to
    this.pos = 0
    this.bytes = new Uint8Array(0)
    this.view = new DataView(this.bytes.buffer)
  }

  /** Jumps to an absolute offset inside the region. */
  async seek(offset: number): Promise<void> {
    if (offset >= this.#start && offset <= this.#start + this.bytes.length) {
      this.pos = offset - this.#start
      return
    }
    if (offset < 0 || offset > this.#end) malformed(`${this.what} in \`${this.#source.name}\` points at byte ${grouped(offset)}, outside the file (${grouped(this.#end)} bytes).`)
    this.#start = offset
    this.pos = 0
    this.bytes = new Uint8Array(0)
    this.view = new DataView(this.bytes.buffer)
  }
}

/**
 * Parses JSON text with the platform's parser after checking that it nests at most `maxDepth` levels: weight
 * headers are flat, and deeply nested text is slow to parse. `what` names the text in messages.
 */
export function parseFlatJSON(text: string, maxDepth: number, what: string): unknown {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) malformed(`${what} nests more than ${maxDepth} levels deep; a weights header is flat.`)
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    return malformed(`${what} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`)
  }
}
