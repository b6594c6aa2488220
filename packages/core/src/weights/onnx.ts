import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { grouped, malformed } from './bytes.js'
import { baseName } from './paths.js'
import type { Source } from './bytes.js'
import { onnxTypes } from './dtypes.js'
import { normalise } from './files.js'
import type { FileSet } from './files.js'
import { int64, ProtoReader } from './protobuf.js'
import { tensorKind } from './tensors.js'
import type { ParsedFile } from './tensors.js'
import type { FileTensor, ONNXDetails } from './types.js'

/** `TensorProto` typed data fields by number. */
const dataFields: Readonly<Record<number, string>> = { 4: 'float_data', 5: 'int32_data', 6: 'string_data', 7: 'int64_data', 9: 'raw_data', 10: 'double_data', 11: 'uint64_data' }

interface ParsedTensor {
  name: string
  dims: number[]
  dataType: number
  field: string | null
  dataBytes: number
  stringBytes: number
  external: Map<string, string>
  location: number
}

/** Reads a `TensorProto` up to `end`, skipping its data by length. */
async function readTensor(p: ProtoReader, end: number, what: string): Promise<ParsedTensor> {
  const t: ParsedTensor = { name: '', dims: [], dataType: 0, field: null, dataBytes: 0, stringBytes: 0, external: new Map(), location: 0 }
  for (let f = await p.next(end); f !== null; f = await p.next(end)) {
    if (f.field === 1) {
      const values = f.wire === 2 ? await p.packedVarints(f, 65) : [f.value]
      for (const v of values) {
        const d = int64(v)
        if (d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) malformed(`${what}: a tensor has dimension \`${d}\`; dimensions are whole numbers from 0 to 2^53 − 1.`)
        t.dims.push(Number(d))
      }
      if (t.dims.length > 64) malformed(`${what}: a tensor has more than 64 dimensions.`)
    } else if (f.field === 2 && f.wire === 0) t.dataType = Number(f.value)
    else if (f.field === 8 && f.wire === 2) t.name = await p.string(f)
    else if (f.field === 14 && f.wire === 0) t.location = Number(f.value)
    else if (f.field === 13 && f.wire === 2) {
      const entryEnd = p.offset + f.length
      let key = ''
      let value = ''
      for (let e = await p.next(entryEnd); e !== null; e = await p.next(entryEnd)) {
        if (e.field === 1 && e.wire === 2) key = await p.string(e, 4096)
        else if (e.field === 2 && e.wire === 2) value = await p.string(e, 4096)
        else await p.skip(e)
      }
      t.external.set(key, value)
    } else if (Object.hasOwn(dataFields, f.field)) {
      t.field = dataFields[f.field]!
      if (f.field === 6) t.stringBytes += f.length
      t.dataBytes += f.length
      await p.skip(f)
    } else await p.skip(f)
  }
  return t
}

/** Reads a `NodeProto`: its op type and, for `Constant` nodes, the elements of their tensor attributes. */
async function readNode(p: ProtoReader, end: number, what: string): Promise<{ op: string; elements: bigint }> {
  let op = ''
  let elements = 0n
  for (let f = await p.next(end); f !== null; f = await p.next(end)) {
    if (f.field === 4 && f.wire === 2) op = await p.string(f, 256)
    else if (f.field === 5 && f.wire === 2) {
      const attrEnd = p.offset + f.length
      for (let a = await p.next(attrEnd); a !== null; a = await p.next(attrEnd)) {
        if (a.field === 5 && a.wire === 2) {
          const t = await readTensor(p, p.offset + a.length, what)
          elements += t.dims.reduce((x, d) => x * BigInt(d), 1n)
        } else await p.skip(a)
      }
    } else await p.skip(f)
  }
  return { op, elements: op === 'Constant' ? elements : 0n }
}

/** Refuses an external-data location outside the model's folder: absolute, a drive, or climbing with `..`. */
function checkLocation(location: string, model: string, tensor: string): string {
  const normalised = normalise(location)
  if (location === '' || /^([\\/]|[A-Za-z]:|~)/.test(location) || normalised.startsWith('..') || normalised.startsWith('/')) {
    throw new NnsizeError('unsafe-path', `\`${model}\`: initializer \`${tensor}\` keeps its data at \`${location}\`, outside the model's folder; nnsize does not open it (ONNX requires external data inside the model's folder).`)
  }
  return normalised
}

/**
 * Reads an ONNX model's protobuf: `ir_version`, producer, opsets, the graph's inputs and nodes, and every
 * initializer's name, dims and data type. Tensor data (`raw_data` and the typed data fields) is skipped by its
 * length; external data is checked against the side file's size (which is not read), and a location outside
 * the model's folder is refused.
 */
export async function readONNX(source: Source, files: FileSet): Promise<ParsedFile> {
  const name = source.name
  const what = `\`${name}\``
  const p = new ProtoReader(source, 0, source.size, `${what} (ONNX)`)
  let irVersion = 0
  let producer = ''
  let producerVersion = ''
  const opset: ONNXDetails['opset'] = []
  const initializers: ParsedTensor[] = []
  const graphInputs: string[] = []
  let nodes = 0
  const constantNodes = { count: 0, elements: 0n }
  let sawGraph = false
  for (let f = await p.next(source.size); f !== null; f = await p.next(source.size)) {
    if (f.field === 1 && f.wire === 0) irVersion = Number(f.value)
    else if (f.field === 2 && f.wire === 2) producer = await p.string(f, 4096)
    else if (f.field === 3 && f.wire === 2) producerVersion = await p.string(f, 4096)
    else if (f.field === 8 && f.wire === 2) {
      const end = p.offset + f.length
      const entry = { domain: '', version: 0 }
      for (let o = await p.next(end); o !== null; o = await p.next(end)) {
        if (o.field === 1 && o.wire === 2) entry.domain = await p.string(o, 4096)
        else if (o.field === 2 && o.wire === 0) entry.version = Number(int64(o.value))
        else await p.skip(o)
      }
      opset.push(entry)
    } else if (f.field === 7 && f.wire === 2) {
      sawGraph = true
      const end = p.offset + f.length
      for (let g = await p.next(end); g !== null; g = await p.next(end)) {
        if (g.field === 5 && g.wire === 2) {
          if (initializers.length >= limits.maxWeightsTensors) throw new NnsizeError('limit', `${what} has more than ${grouped(limits.maxWeightsTensors)} initializers, the limit.`)
          initializers.push(await readTensor(p, p.offset + g.length, what))
        } else if (g.field === 1 && g.wire === 2) {
          nodes++
          const node = await readNode(p, p.offset + g.length, what)
          if (node.op === 'Constant') {
            constantNodes.count++
            constantNodes.elements += node.elements
          }
        } else if (g.field === 11 && g.wire === 2) {
          const inputEnd = p.offset + g.length
          for (let i = await p.next(inputEnd); i !== null; i = await p.next(inputEnd)) {
            if (i.field === 1 && i.wire === 2 && graphInputs.length < 10_000) graphInputs.push(await p.string(i, 4096))
            else await p.skip(i)
          }
        } else await p.skip(g)
      }
    } else await p.skip(f)
  }
  if (!sawGraph || irVersion === 0) malformed(`${what} is not an ONNX model: it has no ${irVersion === 0 ? '`ir_version`' : 'graph'}.`)

  const tensors: FileTensor[] = []
  const external = new Map<string, { file: Source | null; used: bigint }>()
  for (const t of initializers) {
    const type = onnxTypes.get(t.dataType)
    if (!type) malformed(`${what}: initializer \`${t.name}\` has data type ${t.dataType}, not an ONNX \`TensorProto.DataType\`.`)
    const elements = t.dims.reduce((x, d) => x * BigInt(d), 1n)
    const bytes = type!.name === 'STRING' ? BigInt(t.stringBytes) : (elements * BigInt(type!.bits) + 7n) / 8n
    const tensor: FileTensor = { name: t.name, shape: t.dims, dtype: type!.name, torchDType: type!.torch, elements, bytes, file: name, kind: tensorKind(t.name, type!.float) }
    if (t.location === 1) {
      const location = checkLocation(t.external.get('location') ?? '', name, t.name)
      const offset = Number(t.external.get('offset') ?? '0')
      const lengthText = t.external.get('length')
      const length = lengthText === undefined ? null : Number(lengthText)
      if (!Number.isSafeInteger(offset) || offset < 0 || (length !== null && (!Number.isSafeInteger(length) || length < 0))) malformed(`${what}: initializer \`${t.name}\` has external offset \`${t.external.get('offset')}\` and length \`${lengthText}\`.`)
      if (length !== null && BigInt(length) !== bytes) malformed(`${what}: initializer \`${t.name}\` is [${t.dims.join(', ')}] ${type!.name} = ${grouped(bytes)} bytes, but its external data length is ${grouped(length)}.`)
      let side = external.get(location)
      if (!side) external.set(location, (side = { file: files.find(location, name) ?? null, used: 0n }))
      const needed = BigInt(offset) + bytes
      if (needed > side.used) side.used = needed
      if (side.file && needed > BigInt(side.file.size)) malformed(`${what}: initializer \`${t.name}\` needs bytes up to ${grouped(needed)} of \`${location}\`, which has ${grouped(side.file.size)}.`)
      tensor.dataLocation = 'external'
      tensor.external = { location, offset, length }
    } else {
      tensor.dataLocation = 'embedded'
      tensor.storageField = t.field ?? 'none'
      if (t.field === 'raw_data' && BigInt(t.dataBytes) !== bytes) malformed(`${what}: initializer \`${t.name}\` is [${t.dims.join(', ')}] ${type!.name} = ${grouped(bytes)} bytes, but its \`raw_data\` holds ${grouped(t.dataBytes)}.`)
    }
    tensors.push(tensor)
  }
  const warnings: string[] = []
  for (const [location, side] of external) if (!side.file) warnings.push(`External data file \`${location}\` of \`${baseName(name)}\` was not given: its size was not checked.`)
  let elements = 0n
  let total = 0n
  for (const t of tensors) {
    elements += t.elements
    total += t.bytes
  }
  const details: ONNXDetails = {
    format: 'onnx',
    irVersion,
    opset,
    producer: producerVersion === '' ? producer : `${producer} ${producerVersion}`,
    graphInputs,
    nodes,
    constantNodes,
    externalFiles: [...external].map(([location, side]) => ({ location, file: side.file?.name ?? null, size: side.file?.size ?? null, bytesUsed: side.used })),
  }
  return { file: { name, size: source.size, bytesRead: source.bytesRead, tensors: tensors.length, elements, bytes: total, ...details }, tensors, warnings }
}
