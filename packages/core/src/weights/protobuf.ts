import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { decodeUtf8, decodeUtf8Lossy, grouped, malformed, StreamCursor } from './bytes.js'
import type { Source } from './bytes.js'

/** One field of a protobuf message: its number, wire type, and for length-delimited fields the length. */
export interface ProtoField {
  field: number
  wire: 0 | 1 | 2 | 5
  /** Varint value (wire 0). */
  value: bigint
  /** Length of a length-delimited field (wire 2), whose bytes follow. */
  length: number
}

/**
 * A streaming protobuf reader over a part of a file: fields are read one at a time and nested messages are
 * followed by their end offset, so a field can be skipped by its length without being read (ONNX `raw_data`).
 */
export class ProtoReader {
  readonly c: StreamCursor

  constructor(
    private readonly source: Source,
    start: number,
    end: number,
    private readonly what: string,
  ) {
    this.c = new StreamCursor(source, start, end, what)
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.c.offset
  }

  private async varint(): Promise<bigint> {
    if (!this.c.has(10)) await this.c.need(Math.min(10, this.c.left))
    let value = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.c.u8()
      value |= BigInt(b & 0x7f) << shift
      if (b < 0x80) return value
    }
    return malformed(`${this.what}: a varint runs longer than 10 bytes at byte ${grouped(this.c.offset)}.`)
  }

  /** The next field before `end`, or null at `end`. Fixed-size fields are read; length-delimited ones are not. */
  async next(end: number): Promise<ProtoField | null> {
    if (this.source.bytesRead > limits.maxWeightsHeaderBytes) {
      throw new NnsizeError('limit', `${this.what}: more than ${grouped(limits.maxWeightsHeaderBytes)} bytes of the model besides tensor data, the limit.`)
    }
    if (this.c.offset >= end) {
      if (this.c.offset > end) malformed(`${this.what}: a field runs past the end of its message at byte ${grouped(end)}.`)
      return null
    }
    const key = await this.varint()
    const wire = Number(key & 7n)
    const field = Number(key >> 3n)
    if (field === 0) malformed(`${this.what}: field number 0 at byte ${grouped(this.c.offset)}.`)
    switch (wire) {
      case 0:
        return { field, wire, value: await this.varint(), length: 0 }
      case 1:
        await this.c.need(8)
        return { field, wire, value: this.c.u64(), length: 8 }
      case 5:
        await this.c.need(4)
        return { field, wire, value: BigInt(this.c.u32()), length: 4 }
      case 2: {
        const length = await this.varint()
        if (length > BigInt(end - this.c.offset)) malformed(`${this.what}: field ${field} claims ${grouped(length)} bytes at byte ${grouped(this.c.offset)}, past the end of its message (${grouped(end)}).`)
        return { field, wire, value: 0n, length: Number(length) }
      }
      default:
        return malformed(`${this.what}: wire type ${wire} (protobuf groups or garbage) at byte ${grouped(this.c.offset)}.`)
    }
  }

  /** Skips the bytes of a length-delimited field. */
  async skip(f: ProtoField): Promise<void> {
    if (f.wire === 2) await this.c.skipAhead(f.length)
  }

  /**
   * Reads a length-delimited field as UTF-8 text (at most `max` bytes kept). Invalid UTF-8 is read with
   * replacement characters (U+FFFD), as a name `onnx.load` accepts; with `strict` (a file path) it is refused.
   */
  async string(f: ProtoField, max = 1 << 16, strict = false): Promise<string> {
    if (f.length > max) {
      await this.c.skipAhead(f.length)
      return `<${grouped(f.length)} bytes>`
    }
    await this.c.need(f.length)
    const bytes = this.c.slice(f.length)
    return decodeUtf8(bytes) ?? (strict ? malformed(`${this.what}: a string field is not valid UTF-8.`) : decodeUtf8Lossy(bytes))
  }

  /** Reads the varints of a packed repeated field (at most `max` values kept). */
  async packedVarints(f: ProtoField, max: number): Promise<bigint[]> {
    const end = this.c.offset + f.length
    const out: bigint[] = []
    while (this.c.offset < end) {
      const v = await this.varint()
      if (out.length < max) out.push(v)
    }
    if (this.c.offset !== end) malformed(`${this.what}: a packed field runs past its length.`)
    return out
  }
}

/** A varint as a signed 64-bit integer (int64 fields). */
export function int64(value: bigint): bigint {
  return BigInt.asIntN(64, value)
}
