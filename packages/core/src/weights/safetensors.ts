import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { elementCount } from '../tensor/shape.js'
import { decodeUtf8, grouped, malformed, parseFlatJSON } from './bytes.js'
import type { Source } from './bytes.js'
import { safetensorsTypes } from './dtypes.js'
import { parseShape, tensorKind } from './tensors.js'
import type { ParsedFile } from './tensors.js'
import type { FileTensor } from './types.js'

/** The safetensors library refuses headers larger than this (100 MB). */
export const maxSafetensorsHeaderBytes = 100_000_000

/** Bytes of `count` elements of `bits` bits: a number while exact, a bigint beyond; null when they do not fill whole bytes. */
function wholeBytes(count: number | bigint, bits: number): number | bigint | null {
  if (typeof count === 'number' && Number.isSafeInteger(count * bits)) return (count * bits) % 8 === 0 ? (count * bits) / 8 : null
  const total = BigInt(count) * BigInt(bits)
  return total % 8n === 0n ? total / 8n : null
}

/** Key of the object that stands for a number written as a float (`1.0`, `1e0`, `-0`) in a header. */
const floatKey = '\u0000float'

/**
 * Wraps every number token outside strings that JSON writes as a float (with `.`, `e` or `E`, or `-0`) in an
 * object `{"\u0000float": "1.0"}`: the safetensors library (serde) reads shapes and offsets as unsigned integers and
 * refuses `1.0` there, while `JSON.parse` would give 1. Text without such numbers is returned as it is.
 */
function markFloats(text: string): string {
  let out: string[] | null = null
  let from = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
      continue
    }
    if (c === 0x22) inString = true
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1
      let float = false
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j)
        if (d === 0x2e || d === 0x65 || d === 0x45) float = true
        else if (!(d >= 0x30 && d <= 0x39) && d !== 0x2b && d !== 0x2d) break
      }
      const token = text.slice(i, j)
      if (float || token === '-0') {
        out ??= []
        out.push(text.slice(from, i), `{"\\u0000float":"${token}"}`)
        from = j
      }
      i = j - 1
    }
  }
  return out === null ? text : out.join('') + text.slice(from)
}

/** The text of a number {@link markFloats} wrapped, or null. */
function floatToken(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const token = (value as Record<string, unknown>)[floatKey]
  return typeof token === 'string' ? token : null
}

/** A value of a header for a message: a wrapped float as it was written. */
const shown = (value: unknown): string => floatToken(value) ?? JSON.stringify(value)?.slice(0, 60) ?? String(value)

/**
 * Reads a safetensors file: the 8-byte little-endian header length N and the N-byte JSON header, nothing else.
 * Checks what the safetensors library checks: a JSON object of `{dtype, shape, data_offsets}` entries and an
 * optional `__metadata__` of strings; tensors that tile the data section exactly (no gap, no overlap, each
 * span = elements × element size), the last one ending at the end of the file.
 */
export async function readSafetensors(source: Source): Promise<ParsedFile> {
  const name = source.name
  if (source.size < 8) malformed(`\`${name}\` is ${grouped(source.size)} bytes long: too short for a safetensors file, whose first 8 bytes give the header length.`)
  const head = await source.read(0, 8, 'the header length')
  const declared = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true)
  if (declared > BigInt(source.size - 8)) {
    malformed(`\`${name}\`: the safetensors header length is ${grouped(declared)} bytes, but the file has only ${grouped(source.size - 8)} bytes after the length: the file is truncated or not a safetensors file.`)
  }
  const headerBytes = Number(declared)
  if (headerBytes > Math.min(maxSafetensorsHeaderBytes, limits.maxWeightsHeaderBytes)) {
    throw new NnsizeError('limit', `\`${name}\`: the safetensors header is ${grouped(headerBytes)} bytes; the format allows at most ${grouped(maxSafetensorsHeaderBytes)}.`)
  }
  if (headerBytes < 2) malformed(`\`${name}\`: the safetensors header is ${headerBytes} bytes long; it must hold at least a JSON object \`{}\`.`)
  const raw = await source.read(8, headerBytes, 'the safetensors header')
  // JSON allows spaces, tabs and line breaks before the object, and so does the library.
  let first = 0
  while (first < raw.length && (raw[first] === 0x20 || raw[first] === 0x09 || raw[first] === 0x0a || raw[first] === 0x0d)) first++
  if (raw[first] !== 0x7b) malformed(`\`${name}\`: the safetensors header must start with \`{\`, found ${first < raw.length ? `byte \`0x${raw[first]!.toString(16).padStart(2, '0')}\`` : 'only spaces'}.`)
  const text = decodeUtf8(raw)
  if (text === null) malformed(`\`${name}\`: the safetensors header is not valid UTF-8.`)
  const header = parseFlatJSON(markFloats(text!), 8, `\`${name}\`: the safetensors header`)
  if (typeof header !== 'object' || header === null || Array.isArray(header)) malformed(`\`${name}\`: the safetensors header must be a JSON object.`)

  let metadata: Record<string, string> | null = null
  const entries: Array<{ name: string; dtype: string; shape: number[]; begin: number; end: number }> = []
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') {
      // `null` is no metadata (the library's `Option`).
      if (value === null) continue
      if (typeof value !== 'object' || Array.isArray(value) || floatToken(value) !== null) malformed(`\`${name}\`: \`__metadata__\` must be an object of strings.`)
      metadata = Object.create(null) as Record<string, string>
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') malformed(`\`${name}\`: \`__metadata__\` value \`${k}\` must be a string, got ${shown(v).slice(0, 40)}.`)
        metadata[k] = v
      }
      continue
    }
    if (entries.length >= limits.maxWeightsTensors) throw new NnsizeError('limit', `\`${name}\` declares more than ${grouped(limits.maxWeightsTensors)} tensors, the limit.`)
    if (typeof value !== 'object' || value === null || Array.isArray(value) || floatToken(value) !== null) malformed(`\`${name}\`: tensor \`${key}\` must be an object with \`dtype\`, \`shape\` and \`data_offsets\`.`)
    const info = value as Record<string, unknown>
    const dtype = info['dtype']
    if (typeof dtype !== 'string' || !Object.hasOwn(safetensorsTypes, dtype)) {
      malformed(`\`${name}\`: tensor \`${key}\` has dtype \`${String(dtype)}\`; safetensors dtypes are ${Object.keys(safetensorsTypes).map((d) => `\`${d}\``).join(', ')}.`)
    }
    for (const field of ['shape', 'data_offsets']) {
      const list = info[field]
      const float = Array.isArray(list) ? list.map(floatToken).find((t) => t !== null) : undefined
      if (float) malformed(`\`${name}\`: tensor \`${key}\` has \`${float}\` in \`${field}\`: a float, where the safetensors library reads only whole numbers (it refuses the file).`)
    }
    const shape = parseShape(info['shape'], () => `\`${name}\`: tensor \`${key}\``)
    const offsets = info['data_offsets']
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) {
      malformed(`\`${name}\`: tensor \`${key}\` needs \`data_offsets\` \`[begin, end]\` of whole numbers, got \`${shown(offsets)}\`.`)
    }
    entries.push({ name: key, dtype, shape, begin: offsets[0] as number, end: offsets[1] as number })
  }

  // The tensors must tile the data section: sorted by offsets, each starts where the previous ended.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end)
  const dataStart = 8 + headerBytes
  const dataBytes = source.size - dataStart
  const tensors: FileTensor[] = []
  let at = 0
  for (const e of entries) {
    if (e.begin !== at || e.end < e.begin) {
      const previous = tensors.at(-1)
      malformed(
        e.begin < at
          ? `\`${name}\`: tensor \`${e.name}\` starts at byte ${grouped(e.begin)} of the data, inside \`${previous?.name}\` (which ends at ${grouped(at)}): tensors must not overlap.`
          : e.end < e.begin
            ? `\`${name}\`: tensor \`${e.name}\` has \`data_offsets\` [${e.begin}, ${e.end}], which end before they begin.`
            : `\`${name}\`: tensor \`${e.name}\` starts at byte ${grouped(e.begin)} of the data, but the previous tensor ends at ${grouped(at)}: safetensors leaves no gaps.`,
      )
    }
    const type = safetensorsTypes[e.dtype]!
    const count = elementCount(e.shape)
    const span = e.end - e.begin
    const bytes = wholeBytes(count, type.bits)
    if (bytes === null) malformed(`\`${name}\`: tensor \`${e.name}\` has ${grouped(count)} ${e.dtype} elements of ${type.bits} bits, which do not fill whole bytes.`)
    if (typeof bytes === 'bigint' ? bytes !== BigInt(span) : bytes !== span) {
      malformed(`\`${name}\`: tensor \`${e.name}\` is shape [${e.shape.join(', ')}] × ${e.dtype} = ${grouped(bytes!)} bytes, but its \`data_offsets\` [${e.begin}, ${e.end}] span ${grouped(span)}.`)
    }
    at = e.end
    tensors.push({ name: e.name, shape: e.shape, dtype: e.dtype, torchDType: type.torch, elements: BigInt(count), bytes: BigInt(span), file: name, kind: tensorKind(e.name, type.float), dataOffsets: [e.begin, e.end] })
  }
  if (at !== dataBytes) {
    malformed(
      at > dataBytes
        ? `\`${name}\` is ${grouped(source.size)} bytes long, but its tensors need ${grouped(dataStart + at)}: the file is truncated (an interrupted download?).`
        : `\`${name}\` has ${grouped(dataBytes - at)} bytes after its last tensor: the header does not describe the whole file.`,
    )
  }
  let total = 0n
  let elements = 0n
  for (const t of tensors) {
    total += t.bytes
    elements += t.elements
  }
  return {
    file: { name, size: source.size, bytesRead: source.bytesRead, tensors: tensors.length, elements, bytes: total, format: 'safetensors', headerBytes, dataStart, metadata },
    tensors,
  }
}
