import type { Analysis } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import type { KVCacheInfo, ModelInfo } from '../zoo/hf/model.js'
import type { DType } from '../tensor/dtype.js'
import { decodeUtf8, grouped, malformed, StreamCursor } from './bytes.js'
import { baseName } from './paths.js'
import type { Source } from './bytes.js'
import { ggmlTypes } from './dtypes.js'
import type { FileSet } from './files.js'
import { shardNumber } from './sharded.js'
import { tensorKind } from './tensors.js'
import type { ParsedFile } from './tensors.js'
import type { FileTensor, GGUFDetails, GGUFValue } from './types.js'

/** GGUF metadata value types: name and size of fixed-size values. */
const valueTypes: ReadonlyArray<readonly [string, number]> = [
  ['UINT8', 1],
  ['INT8', 1],
  ['UINT16', 2],
  ['INT16', 2],
  ['UINT32', 4],
  ['INT32', 4],
  ['FLOAT32', 4],
  ['BOOL', 1],
  ['STRING', 0],
  ['ARRAY', 0],
  ['UINT64', 8],
  ['INT64', 8],
  ['FLOAT64', 8],
]

/** Numeric arrays up to this length keep their values (per-layer head counts); longer ones only their length. */
const keptArrayLength = 4096
/** Longest metadata string kept whole (chat templates are a few kilobytes). */
const keptStringLength = 1 << 16

class GGUFCursor extends StreamCursor {
  constructor(
    source: Source,
    private readonly label: string,
  ) {
    super(source, 0, source.size, label)
  }

  async string(what: string): Promise<string> {
    if (!this.has(8)) await this.need(8)
    const length = this.u64()
    if (length > BigInt(this.left)) malformed(`${this.label}: ${what} claims ${grouped(length)} bytes, but only ${grouped(this.left)} are left in the file.`)
    const n = Number(length)
    if (n > keptStringLength) {
      await this.skipAhead(n)
      return `<${grouped(n)} bytes>`
    }
    if (!this.has(n)) await this.need(n)
    return decodeUtf8(this.slice(n)) ?? malformed(`${this.label}: ${what} is not valid UTF-8.`)
  }

  async value(type: number, key: string, depth: number): Promise<GGUFValue> {
    const kind = valueTypes[type]
    if (!kind) malformed(`${this.label}: metadata \`${key}\` has value type ${type}; GGUF types are 0 to 12.`)
    const [name, size] = kind!
    if (name === 'STRING') return { type: name, value: await this.string(`metadata \`${key}\``) }
    if (name === 'ARRAY') {
      if (!this.has(12)) await this.need(12)
      const elemType = this.u32()
      const count = this.u64()
      const elem = valueTypes[elemType]
      if (!elem) malformed(`${this.label}: metadata \`${key}\` is an array of type ${elemType}; GGUF types are 0 to 12.`)
      const [elemName, elemSize] = elem!
      // Every element takes at least one byte (a string at least eight): a count past that is absurd.
      const least = elemName === 'STRING' || elemName === 'ARRAY' ? 8n : BigInt(elemSize)
      if (count * least > BigInt(this.left)) malformed(`${this.label}: metadata \`${key}\` claims ${grouped(count)} elements, more than the ${grouped(this.left)} bytes left in the file can hold.`)
      const n = Number(count)
      if (elemSize > 0) {
        const values: Array<number | bigint | boolean> = []
        if (n <= keptArrayLength) {
          if (!this.has(n * elemSize)) await this.need(n * elemSize)
          for (let i = 0; i < n; i++) values.push(this.scalar(elemName))
        } else await this.skipAhead(n * elemSize)
        return { type: 'ARRAY', elemType: elemName, count: n, ...(n <= keptArrayLength ? { values } : {}) }
      }
      if (depth >= 4) malformed(`${this.label}: metadata \`${key}\` nests arrays more than 4 deep.`)
      for (let i = 0; i < n; i++) {
        if (elemName === 'STRING') {
          if (!this.has(8)) await this.need(8)
          const length = this.u64()
          if (length > BigInt(this.left)) malformed(`${this.label}: string ${i} of \`${key}\` claims ${grouped(length)} bytes, past the end of the file.`)
          await this.skipAhead(Number(length))
        } else {
          await this.value(9, key, depth + 1)
        }
      }
      return { type: 'ARRAY', elemType: elemName, count: n }
    }
    if (!this.has(size)) await this.need(size)
    return { type: name, value: this.scalar(name) }
  }

  scalar(name: string): number | bigint | boolean {
    switch (name) {
      case 'UINT8':
        return this.u8()
      case 'INT8':
        return (this.u8() << 24) >> 24
      case 'UINT16':
        return this.u16()
      case 'INT16':
        return (this.u16() << 16) >> 16
      case 'UINT32':
        return this.u32()
      case 'INT32':
        return this.i32()
      case 'FLOAT32':
        return this.f32()
      case 'BOOL':
        return this.u8() !== 0
      case 'UINT64': {
        const v = this.u64()
        return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
      }
      case 'INT64': {
        const v = this.i64()
        return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
      }
      default:
        return this.f64()
    }
  }
}

/**
 * Reads a GGUF file's header (v2 and v3): the counts, every metadata key and value (arrays by type and
 * length only, except short numeric ones), and every tensor info. Dimensions are stored fastest-varying first
 * and reported reversed (PyTorch order); a block-quantised tensor's bytes are its blocks × the block size, and
 * its first dimension must be a whole number of blocks. Every tensor must lie inside the file, aligned, without
 * overlapping another.
 */
export async function readGGUF(source: Source): Promise<ParsedFile> {
  const name = source.name
  const label = `\`${name}\``
  const c = new GGUFCursor(source, label)
  await c.need(Math.min(source.size, 24))
  if (source.size < 24) malformed(`${label} is ${grouped(source.size)} bytes: too short for a GGUF header (24 bytes).`)
  c.skip(4)
  const version = c.u32()
  if (version === 0x03000000 || version === 0x02000000) malformed(`${label} is a big-endian GGUF file; nnsize reads little-endian GGUF.`)
  if (version !== 2 && version !== 3) malformed(`${label}: GGUF version ${version}; nnsize reads versions 2 and 3.`)
  const tensorCount = c.u64()
  const kvCount = c.u64()
  if (tensorCount > BigInt(limits.maxWeightsTensors)) throw new NnsizeError('limit', `${label} declares ${grouped(tensorCount)} tensors; nnsize reads at most ${grouped(limits.maxWeightsTensors)}.`)
  // A tensor info takes at least 24 bytes and a metadata entry at least 13: counts beyond what the file can hold are absurd.
  if (tensorCount * 24n + kvCount * 13n > BigInt(c.left)) {
    malformed(`${label} declares ${grouped(tensorCount)} tensors and ${grouped(kvCount)} metadata entries, more than its ${grouped(source.size)} bytes can hold.`)
  }
  const checkHeader = (): void => {
    if (c.offset > limits.maxWeightsHeaderBytes) throw new NnsizeError('limit', `${label}: the GGUF header runs past ${grouped(limits.maxWeightsHeaderBytes)} bytes, the limit.`)
  }
  const metadata: Record<string, GGUFValue> = Object.create(null) as Record<string, GGUFValue>
  for (let i = 0; i < Number(kvCount); i++) {
    const key = await c.string(`metadata key ${i + 1}`)
    if (!c.has(4)) await c.need(4)
    metadata[key] = await c.value(c.u32(), key, 0)
    checkHeader()
  }
  const align = metadata['general.alignment']
  // gguf-py and llama.cpp read the alignment as a u32 only: another type is refused ("Bad type for general.alignment field").
  if (align !== undefined && align.type !== 'UINT32') malformed(`${label}: \`general.alignment\` is a ${align.type}; GGUF readers (gguf-py, llama.cpp) require a UINT32.`)
  const alignment = align === undefined ? 32 : 'value' in align && typeof align.value === 'number' ? align.value : 0
  if (!Number.isSafeInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) malformed(`${label}: \`general.alignment\` must be a power of two, got \`${'value' in (align ?? {}) ? String((align as { value: unknown }).value) : '?'}\`.`)

  const tensors: FileTensor[] = []
  for (let i = 0; i < Number(tensorCount); i++) {
    const tensorName = await c.string(`the name of tensor ${i + 1}`)
    if (!c.has(4)) await c.need(4)
    const nDims = c.u32()
    if (nDims > 8) malformed(`${label}: tensor \`${tensorName}\` has ${nDims} dimensions; GGUF tensors have at most 4.`)
    await c.need(nDims * 8 + 12)
    const dims: number[] = []
    for (let d = 0; d < nDims; d++) {
      const v = c.u64()
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new NnsizeError('limit', `${label}: tensor \`${tensorName}\` has dimension ${grouped(v)}, beyond 2^53 − 1.`)
      dims.push(Number(v))
    }
    const typeNumber = c.u32()
    const offset = c.u64()
    const type = ggmlTypes.get(typeNumber)
    if (!type) malformed(`${label}: tensor \`${tensorName}\` has ggml type ${typeNumber}, which nnsize does not know (known: ${[...ggmlTypes.values()].map((t) => t.name).join(', ')}).`)
    const elements = dims.reduce((p, d) => p * BigInt(d), 1n)
    if (type!.blockSize > 1 && dims.length > 0 && dims[0]! % type!.blockSize !== 0) {
      malformed(`${label}: tensor \`${tensorName}\` is ${type!.name} with rows of ${grouped(dims[0]!)} elements, not a multiple of its block size ${type!.blockSize}.`)
    }
    const blocks = elements / BigInt(type!.blockSize)
    tensors.push({
      name: tensorName,
      shape: [...dims].reverse(),
      dtype: type!.name,
      torchDType: type!.torch,
      elements,
      bytes: blocks * BigInt(type!.typeSize),
      file: name,
      kind: tensorKind(tensorName, type!.torch === null || /^(float|bfloat)/.test(type!.torch)),
      ggufDims: dims,
      ggmlType: typeNumber,
      blockSize: type!.blockSize,
      typeSize: type!.typeSize,
      blocks,
      offset: offset > BigInt(source.size) ? malformed(`${label}: tensor \`${tensorName}\` starts at data offset ${grouped(offset)}, past the end of the file.`) : Number(offset),
    })
    checkHeader()
  }
  const dataOffset = Math.ceil(c.offset / alignment) * alignment
  // Tensors lie in the data section, aligned, without overlapping.
  const byOffset = [...tensors].sort((a, b) => a.offset! - b.offset!)
  let end = 0n
  let previous: FileTensor | undefined
  for (const t of byOffset) {
    if (t.offset! % alignment !== 0) malformed(`${label}: tensor \`${t.name}\` starts at data offset ${grouped(t.offset!)}, not a multiple of the alignment ${alignment}.`)
    if (BigInt(t.offset!) < end) malformed(`${label}: tensor \`${t.name}\` (data offset ${grouped(t.offset!)}) overlaps \`${previous!.name}\`, which ends at ${grouped(end)}.`)
    end = BigInt(t.offset!) + t.bytes
    previous = t
  }
  if (BigInt(dataOffset) + end > BigInt(source.size)) {
    malformed(`${label} is ${grouped(source.size)} bytes long, but its tensors need ${grouped(BigInt(dataOffset) + end)}: the file is truncated (an interrupted download?).`)
  }
  let elements = 0n
  let bytes = 0n
  for (const t of tensors) {
    elements += t.elements
    bytes += t.bytes
  }
  const details: GGUFDetails = { format: 'gguf', version, tensorCount: tensors.length, metadataCount: Number(kvCount), alignment, dataOffset, metadata }
  return { file: { name, size: source.size, bytesRead: source.bytesRead, tensors: tensors.length, elements, bytes, ...details }, tensors }
}

/** A metadata number, or undefined. */
function numberOf(metadata: Record<string, GGUFValue>, key: string): number | undefined {
  const v = metadata[key]
  return v && 'value' in v && typeof v.value === 'number' ? v.value : undefined
}

/**
 * The parts of a split GGUF (`<name>-00001-of-00003.gguf`): every part must be given; each holds
 * `split.no`, `split.count`, and the first `split.tensors.count`. Returns the parts in order.
 */
export async function readSplitGGUF(entry: Source, first: ParsedFile, files: FileSet): Promise<ParsedFile[]> {
  const part = shardNumber(entry.name)
  const declared = first.file.format === 'gguf' ? numberOf(first.file.metadata, 'split.count') : undefined
  if (part === null || part.count <= 1) {
    if (declared !== undefined && declared > 1) malformed(`\`${entry.name}\` is part of a ${declared}-part split GGUF, but its name does not say which (\`<name>-00001-of-0000${declared}.gguf\`).`)
    return [first]
  }
  const match = /^(.*)-(\d+)-of-(\d+)(\.gguf)$/i.exec(baseName(entry.name))!
  const width = match[2]!.length
  const names = Array.from({ length: part.count }, (_, k) => `${match[1]}-${String(k + 1).padStart(width, '0')}-of-${match[3]}${match[4]}`)
  const missing = names.filter((n) => files.find(n, entry.name) === undefined)
  if (missing.length > 0) throw new NnsizeError('missing-file', `\`${entry.name}\` is part of a ${part.count}-part split GGUF; not given: ${missing.slice(0, 5).map((n) => `\`${n}\``).join(', ')}.`)
  const parts: ParsedFile[] = []
  for (let k = 0; k < names.length; k++) {
    const source = files.find(names[k]!, entry.name)!
    const parsed = source === entry ? first : await readGGUF(source)
    const meta = parsed.file.format === 'gguf' ? parsed.file.metadata : {}
    const no = numberOf(meta, 'split.no')
    const count = numberOf(meta, 'split.count')
    if ((no !== undefined && no !== k) || (count !== undefined && count !== part.count)) {
      malformed(`\`${source.name}\` says it is part ${no === undefined ? '?' : no + 1} of ${count ?? '?'}, but its name makes it part ${k + 1} of ${part.count}.`)
    }
    parts.push(parsed)
  }
  const firstMeta = parts[0]!.file.format === 'gguf' ? parts[0]!.file.metadata : {}
  const total = numberOf(firstMeta, 'split.tensors.count')
  const held = parts.reduce((s, p) => s + p.tensors.length, 0)
  if (total !== undefined && total !== held) malformed(`\`${names[0]}\` says the split GGUF holds ${grouped(total)} tensors; its parts hold ${grouped(held)}.`)
  return parts
}

/**
 * What the first part's metadata says about the model: its architecture, whether the output head is tied to
 * the token embedding (no `output.weight`), and the KV cache (`<arch>.block_count`,
 * `<arch>.attention.head_count_kv`, key and value lengths), in the form the memory planner takes.
 */
export function ggufModelInfo(parsed: readonly ParsedFile[], analysis: Analysis): ModelInfo | null {
  const first = parsed[0]!.file
  if (first.format !== 'gguf') return null
  const meta = first.metadata
  const archValue = meta['general.architecture']
  const arch = archValue && 'value' in archValue && typeof archValue.value === 'string' ? archValue.value : null
  if (arch === null) return null
  const names = new Set(parsed.flatMap((p) => p.tensors.map((t) => t.name)))
  const tied = names.has('token_embd.weight') && !names.has('output.weight')
  const { kvCache, note } = ggufKvCache(meta, arch)
  const name = meta['general.name']
  return {
    family: arch,
    modelType: arch,
    architecture: name && 'value' in name && typeof name.value === 'string' ? name.value : arch,
    tiedEmbeddings: tied,
    paramsUntied: analysis.params.total,
    activeParamsPerToken: null,
    breakdown: {},
    kvCache,
    kvCacheNote: note,
    stateCache: null,
    dtype: { dtype: dominantParameterDType(analysis), source: 'weights file' },
    notes: [`From the GGUF metadata of \`${first.name}\` (\`general.architecture\` = \`${arch}\`).`],
  }
}

/** The PyTorch dtype that holds most of the parameters' elements (what a quantised tensor dequantises to). */
function dominantParameterDType(analysis: Analysis): DType {
  const elements = new Map<DType, bigint>()
  for (const t of analysis.tensors) if (t.kind === 'parameter') elements.set(t.dtype, (elements.get(t.dtype) ?? 0n) + t.elementCount)
  let best: DType = 'float32'
  let most = -1n
  for (const [dtype, count] of elements) if (count > most) [best, most] = [dtype, count]
  return best
}

/** One metadata value, or the same value for every layer given as an array; undefined when absent or mixed. */
function perLayer(meta: Record<string, GGUFValue>, key: string): { value: number; layers: number | null } | undefined {
  const v = meta[key]
  if (!v) return undefined
  if ('value' in v) return typeof v.value === 'number' ? { value: v.value, layers: null } : undefined
  const values = (v as { values?: unknown[] }).values
  if (!Array.isArray(values) || values.length === 0) return undefined
  const nonZero = values.filter((x): x is number => typeof x === 'number' && x > 0)
  if (nonZero.length === 0 || nonZero.some((x) => x !== nonZero[0])) return undefined
  return { value: nonZero[0]!, layers: nonZero.length }
}

/** The KV cache a GGUF's metadata describes. */
export function ggufKvCache(meta: Record<string, GGUFValue>, arch: string): { kvCache: KVCacheInfo | null; note: string } {
  const k = (key: string): string => `${arch}.${key}`
  const blocks = numberOf(meta, k('block_count'))
  const heads = perLayer(meta, k('attention.head_count'))
  const kvHeads = perLayer(meta, k('attention.head_count_kv')) ?? heads
  const embedding = numberOf(meta, k('embedding_length'))
  if (blocks === undefined || heads === undefined || kvHeads === undefined) return { kvCache: null, note: `The GGUF metadata lacks \`${k('block_count')}\` or \`${k('attention.head_count')}\`: no KV cache is described.` }
  const layers = kvHeads.layers ?? blocks
  const keyLength = numberOf(meta, k('attention.key_length')) ?? (embedding !== undefined ? embedding / heads.value : undefined)
  const valueLength = numberOf(meta, k('attention.value_length')) ?? keyLength
  const loraRank = numberOf(meta, k('attention.kv_lora_rank'))
  const ropeDim = numberOf(meta, k('rope.dimension_count'))
  const used = [`\`${k('block_count')}\` = ${blocks}`, `\`${k('attention.head_count_kv')}\` = ${kvHeads.value}`]
  let shape: KVCacheInfo
  if (loraRank !== undefined && ropeDim !== undefined) {
    // Multi-head latent attention caches one compressed vector per token and layer.
    shape = { layers, kvHeads: kvHeads.value, headDim: keyLength ?? ropeDim, latentDim: loraRank + ropeDim, bytesPerTokenFp16: null }
    used.push(`\`${k('attention.kv_lora_rank')}\` + \`${k('rope.dimension_count')}\` = ${loraRank + ropeDim}`)
  } else if (keyLength === undefined || valueLength === undefined || !Number.isSafeInteger(keyLength) || !Number.isSafeInteger(valueLength)) {
    return { kvCache: null, note: `The GGUF metadata gives no key length (\`${k('attention.key_length')}\`, or \`${k('embedding_length')}\` divisible by the head count): no KV cache is described.` }
  } else if (keyLength === valueLength) {
    shape = { layers, kvHeads: kvHeads.value, headDim: keyLength, bytesPerTokenFp16: 2n * BigInt(layers) * BigInt(kvHeads.value) * BigInt(keyLength) * 2n }
    used.push(`head dim ${keyLength}`)
  } else {
    // Keys and values of different lengths: the elements cached per token and layer.
    shape = { layers, kvHeads: kvHeads.value, headDim: keyLength, latentDim: kvHeads.value * (keyLength + valueLength), bytesPerTokenFp16: null }
    used.push(`key length ${keyLength} + value length ${valueLength}`)
  }
  const window = numberOf(meta, k('attention.sliding_window'))
  if (window !== undefined && window > 0) {
    if (arch === 'gemma2') shape.windowedLayers = { count: Math.floor(layers / 2), window }
    else if (arch === 'gemma3') shape.windowedLayers = { count: layers - Math.floor(layers / 6), window }
    else shape.slidingWindow = window
    used.push(`sliding window ${window}`)
  }
  return { kvCache: shape, note: `From the GGUF metadata: ${used.join(', ')}.` }
}
