import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { Cursor, decodeUtf8, grouped, malformed } from './bytes.js'
import type { Source } from './bytes.js'

/** One entry of a zip's central directory. */
export interface ZipEntry {
  name: string
  /** 0 = stored, 8 = deflated, … */
  method: number
  compressedSize: number
  size: number
  /** Offset of the entry's local header. */
  localHeaderOffset: number
}

/** A zip archive's central directory. */
export interface ZipDirectory {
  entries: ZipEntry[]
  byName: Map<string, ZipEntry>
  /** Where the central directory starts: every entry's data lies before it. */
  directoryOffset: number
}

const EOCD = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

/**
 * Reads the central directory of a zip (and zip64) archive from the end of the file: the end record, its
 * zip64 locator and record when present, then the directory itself. Entry data is never read. Every size and
 * offset is checked against the file: an entry may not claim more bytes than the archive holds.
 */
export async function readZipDirectory(source: Source): Promise<ZipDirectory> {
  const name = source.name
  const tailLength = Math.min(source.size, 22 + 0xffff + 20)
  if (tailLength < 22) malformed(`\`${name}\` is ${grouped(source.size)} bytes: too short for a zip archive.`)
  const tailStart = source.size - tailLength
  const tail = await source.read(tailStart, tailLength, 'the end of the zip archive')
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength)
  let at = -1
  for (let i = tailLength - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === EOCD && i + 22 + view.getUint16(i + 20, true) <= tailLength) {
      at = i
      break
    }
  }
  if (at < 0) malformed(`\`${name}\` starts like a zip archive but has no end-of-central-directory record: it is truncated.`)
  let count: number = view.getUint16(at + 10, true)
  let directorySize: number = view.getUint32(at + 12, true)
  let directoryOffset: number = view.getUint32(at + 16, true)
  const eocdOffset = tailStart + at
  let directoryEnd = eocdOffset
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    // zip64: a locator right before the end record points at the zip64 end record.
    if (at < 20 || view.getUint32(at - 20, true) !== ZIP64_LOCATOR) malformed(`\`${name}\`: the zip end record asks for zip64 but has no zip64 locator.`)
    const recordOffset = safeNumber(view.getBigUint64(at - 12, true), `\`${name}\`: the zip64 end record offset`)
    if (recordOffset + 56 > eocdOffset - 20) malformed(`\`${name}\`: the zip64 end record at byte ${grouped(recordOffset)} is outside the archive.`)
    const record = new Cursor(await source.read(recordOffset, 56, 'the zip64 end record'), `\`${name}\`: the zip64 end record`)
    if (record.u32() !== ZIP64_EOCD) malformed(`\`${name}\`: no zip64 end record at byte ${grouped(recordOffset)}.`)
    record.skip(8 + 2 + 2 + 4 + 4 + 8)
    count = safeNumber(record.u64(), `\`${name}\`: the zip64 entry count`)
    directorySize = safeNumber(record.u64(), `\`${name}\`: the zip64 directory size`)
    directoryOffset = safeNumber(record.u64(), `\`${name}\`: the zip64 directory offset`)
    directoryEnd = recordOffset
  }
  if (directoryOffset + directorySize > directoryEnd) {
    malformed(`\`${name}\`: the zip central directory claims bytes ${grouped(directoryOffset)} to ${grouped(directoryOffset + directorySize)}, past its end record at ${grouped(directoryEnd)}: the archive is truncated or damaged.`)
  }
  if (count > directorySize / 46) malformed(`\`${name}\`: the zip claims ${grouped(count)} entries in a ${grouped(directorySize)}-byte directory.`)
  if (count > limits.maxWeightsTensors) throw new NnsizeError('limit', `\`${name}\` has ${grouped(count)} zip entries; nnsize reads at most ${grouped(limits.maxWeightsTensors)}.`)
  // The directory is usually inside the tail already read.
  const directory = directoryOffset >= tailStart ? tail.subarray(directoryOffset - tailStart, directoryOffset - tailStart + directorySize) : await source.read(directoryOffset, directorySize, 'the zip central directory')
  const c = new Cursor(directory, `\`${name}\`: the zip central directory`)
  const entries: ZipEntry[] = []
  const byName = new Map<string, ZipEntry>()
  for (let i = 0; i < count; i++) {
    if (c.u32() !== CENTRAL) malformed(`\`${name}\`: zip directory entry ${i + 1} of ${count} has no signature: the directory is damaged.`)
    c.skip(4)
    const flags = c.u16()
    const method = c.u16()
    c.skip(8)
    let compressedSize: number = c.u32()
    let size: number = c.u32()
    const nameLength = c.u16()
    const extraLength = c.u16()
    const commentLength = c.u16()
    c.skip(8)
    let localHeaderOffset: number = c.u32()
    const rawName = c.slice(nameLength)
    const entryName = (flags & 0x800) !== 0 ? decodeUtf8(rawName) : String.fromCharCode(...rawName)
    if (entryName === null) malformed(`\`${name}\`: a zip entry name is not valid UTF-8.`)
    const extra = new Cursor(c.slice(extraLength), `\`${name}\`: the extra field of \`${entryName}\``)
    while (extra.remaining >= 4) {
      const id = extra.u16()
      const length = extra.u16()
      if (id !== 0x0001) {
        extra.skip(Math.min(length, extra.remaining))
        continue
      }
      // zip64 extended information: the fields that are 0xffffffff in the header, in this order.
      const field = new Cursor(extra.slice(length), `\`${name}\`: the zip64 field of \`${entryName}\``)
      if (size === 0xffffffff) size = safeNumber(field.u64(), `\`${name}\`: the size of \`${entryName}\``)
      if (compressedSize === 0xffffffff) compressedSize = safeNumber(field.u64(), `\`${name}\`: the compressed size of \`${entryName}\``)
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = safeNumber(field.u64(), `\`${name}\`: the offset of \`${entryName}\``)
    }
    c.skip(commentLength)
    if (localHeaderOffset + 30 + nameLength + compressedSize > directoryOffset) {
      malformed(`\`${name}\`: zip entry \`${entryName}\` claims ${grouped(compressedSize)} bytes at byte ${grouped(localHeaderOffset)}, past the end of the archive's data (${grouped(directoryOffset)}).`)
    }
    if (method === 0 && size !== compressedSize) malformed(`\`${name}\`: stored zip entry \`${entryName}\` claims ${grouped(size)} bytes but holds ${grouped(compressedSize)}.`)
    const entry: ZipEntry = { name: entryName, method, compressedSize, size, localHeaderOffset }
    entries.push(entry)
    byName.set(entryName, entry)
  }
  return { entries, byName, directoryOffset }
}

/** Where an entry's data starts: after its local header, whose name and extra field lengths may differ from the directory's. */
export async function entryDataOffset(source: Source, zip: ZipDirectory, entry: ZipEntry): Promise<number> {
  const header = new Cursor(await source.read(entry.localHeaderOffset, 30, `the local header of \`${entry.name}\``), `\`${source.name}\`: the local header of \`${entry.name}\``)
  if (header.u32() !== LOCAL) malformed(`\`${source.name}\`: no zip local header for \`${entry.name}\` at byte ${grouped(entry.localHeaderOffset)}.`)
  header.skip(22)
  const start = entry.localHeaderOffset + 30 + header.u16() + header.u16()
  if (start + entry.compressedSize > zip.directoryOffset) malformed(`\`${source.name}\`: zip entry \`${entry.name}\` runs past the archive's data.`)
  return start
}

/** Reads a whole stored (uncompressed) entry. nnsize never decompresses: a compressed entry is refused. */
export async function readStoredEntry(source: Source, zip: ZipDirectory, entry: ZipEntry): Promise<Uint8Array> {
  if (entry.method !== 0) malformed(`\`${source.name}\`: zip entry \`${entry.name}\` is compressed (method ${entry.method}); nnsize reads only stored entries, as \`torch.save\` and Keras write them.`)
  return source.read(await entryDataOffset(source, zip, entry), entry.size, `zip entry \`${entry.name}\``)
}

function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) malformed(`${what} is ${grouped(value)}, which no file can hold.`)
  return Number(value)
}
