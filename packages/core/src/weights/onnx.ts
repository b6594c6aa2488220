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
        if (e.field === 1 && e.wire === 2) key = await p.string(e, 4096, true)
        else if (e.field === 2 && e.wire === 2) value = await p.string(e, 4096, true)
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

/** A `sparse_initializer`: its values, indices and dense dims. */
interface ParsedSparse {
  values: ParsedTensor
  indices: ParsedTensor
  dims: number[]
}

/** What a graph and its subgraphs hold, gathered while reading. */
interface GraphContents {
  /**
   * Initializers (`dense`) and sparse initializers (`sparse`), with the subgraph that holds each (`''` for the
   * main graph) and the graph's number in reading order (the main graph 0, subgraphs as their nodes are met).
   */
  initializers: Array<{ dense?: ParsedTensor; sparse?: ParsedSparse; subgraph: string; graph: number }>
  /** Graphs met so far. */
  graphs: number
  graphInputs: string[]
  nodes: number
  constantNodes: { count: number; elements: bigint }
}

/** Reads a `SparseTensorProto`: `values` (1), `indices` (2), dense `dims` (3). */
async function readSparseTensor(p: ProtoReader, end: number, what: string): Promise<ParsedSparse> {
  let values: ParsedTensor | null = null
  let indices: ParsedTensor | null = null
  const dims: number[] = []
  for (let f = await p.next(end); f !== null; f = await p.next(end)) {
    if (f.field === 1 && f.wire === 2) values = await readTensor(p, p.offset + f.length, what)
    else if (f.field === 2 && f.wire === 2) indices = await readTensor(p, p.offset + f.length, what)
    else if (f.field === 3) {
      for (const v of f.wire === 2 ? await p.packedVarints(f, 65) : [f.value]) {
        const d = int64(v)
        if (d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) malformed(`${what}: a sparse tensor has dimension \`${d}\`; dimensions are whole numbers from 0 to 2^53 − 1.`)
        dims.push(Number(d))
      }
      if (dims.length > 64) malformed(`${what}: a sparse tensor has more than 64 dimensions.`)
    } else await p.skip(f)
  }
  if (values === null) malformed(`${what}: a sparse tensor has no \`values\`.`)
  return { values: values!, indices: indices ?? { name: '', dims: [0], dataType: 7, field: null, dataBytes: 0, stringBytes: 0, external: new Map(), location: 0 }, dims }
}

/**
 * Reads a `NodeProto`: its op type; for `Constant` nodes, the elements of their tensor attributes; and the
 * subgraphs in its attributes (`If` branches, `Loop` and `Scan` bodies: `g`, `graphs`), read into `out`.
 */
async function readNode(p: ProtoReader, end: number, what: string, index: number, parent: string, depth: number, out: GraphContents): Promise<{ op: string; elements: bigint }> {
  let op = ''
  let nodeName = ''
  let elements = 0n
  for (let f = await p.next(end); f !== null; f = await p.next(end)) {
    if (f.field === 4 && f.wire === 2) op = await p.string(f, 256)
    else if (f.field === 3 && f.wire === 2) nodeName = await p.string(f, 4096)
    else if (f.field === 5 && f.wire === 2) {
      const attrEnd = p.offset + f.length
      let attrName = ''
      let graphs = 0
      for (let a = await p.next(attrEnd); a !== null; a = await p.next(attrEnd)) {
        if (a.field === 1 && a.wire === 2) attrName = await p.string(a, 4096)
        else if (a.field === 5 && a.wire === 2) {
          const t = await readTensor(p, p.offset + a.length, what)
          elements += t.dims.reduce((x, d) => x * BigInt(d), 1n)
        } else if (a.field === 22 && a.wire === 2) {
          const sparse = await readSparseTensor(p, p.offset + a.length, what)
          elements += sparse.dims.reduce((x, d) => x * BigInt(d), 1n)
        } else if ((a.field === 6 || a.field === 11) && a.wire === 2) {
          const label = `${nodeName === '' ? `${op === '' ? 'node' : op}_${index}` : nodeName}.${attrName === '' ? 'graph' : attrName}${a.field === 11 ? `[${graphs++}]` : ''}`
          await readGraph(p, p.offset + a.length, what, parent === '' ? label : `${parent}/${label}`, depth + 1, out)
        } else await p.skip(a)
      }
    } else await p.skip(f)
  }
  return { op, elements: op === 'Constant' ? elements : 0n }
}

/**
 * Reads a `GraphProto` into `out`: its initializers (5) and sparse initializers (15), its nodes (1) with the
 * subgraphs they hold, and, for the main graph, its inputs (11). `subgraph` names a subgraph (`''` the main graph).
 */
async function readGraph(p: ProtoReader, end: number, what: string, subgraph: string, depth: number, out: GraphContents): Promise<void> {
  if (depth > limits.maxNestingDepth) throw new NnsizeError('limit', `${what} nests subgraphs deeper than ${limits.maxNestingDepth} levels, the limit.`)
  const graph = out.graphs++
  let index = 0
  const count = (): void => {
    if (out.initializers.length >= limits.maxWeightsTensors) throw new NnsizeError('limit', `${what} has more than ${grouped(limits.maxWeightsTensors)} initializers, the limit.`)
  }
  for (let g = await p.next(end); g !== null; g = await p.next(end)) {
    if (g.field === 5 && g.wire === 2) {
      count()
      out.initializers.push({ dense: await readTensor(p, p.offset + g.length, what), subgraph, graph })
    } else if (g.field === 15 && g.wire === 2) {
      count()
      out.initializers.push({ sparse: await readSparseTensor(p, p.offset + g.length, what), subgraph, graph })
    } else if (g.field === 1 && g.wire === 2) {
      if (subgraph === '') out.nodes++
      const node = await readNode(p, p.offset + g.length, what, index++, subgraph, depth, out)
      if (node.op === 'Constant') {
        out.constantNodes.count++
        out.constantNodes.elements += node.elements
      }
    } else if (g.field === 11 && g.wire === 2 && subgraph === '') {
      const inputEnd = p.offset + g.length
      for (let i = await p.next(inputEnd); i !== null; i = await p.next(inputEnd)) {
        if (i.field === 1 && i.wire === 2 && out.graphInputs.length < 10_000) out.graphInputs.push(await p.string(i, 4096))
        else await p.skip(i)
      }
    } else await p.skip(g)
  }
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
 * initializer's name, dims and data type — the main graph's, its sparse initializers (one tensor each, of their
 * dense dims) and those of subgraphs (`If` branches, `Loop` bodies). Tensor data (`raw_data` and the typed data
 * fields) is skipped by its length; external data is checked against the side file's size (which is not read),
 * and a location outside the model's folder is refused. Names that are not valid UTF-8 are read with
 * replacement characters, as `onnx.load` reads them without complaint.
 */
export async function readONNX(source: Source, files: FileSet): Promise<ParsedFile> {
  const name = source.name
  const what = `\`${name}\``
  const p = new ProtoReader(source, 0, source.size, `${what} (ONNX)`)
  let irVersion = 0
  let producer = ''
  let producerVersion = ''
  const opset: ONNXDetails['opset'] = []
  const graph: GraphContents = { initializers: [], graphs: 0, graphInputs: [], nodes: 0, constantNodes: { count: 0, elements: 0n } }
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
      await readGraph(p, p.offset + f.length, what, '', 0, graph)
    } else await p.skip(f)
  }
  if (!sawGraph || irVersion === 0) malformed(`${what} is not an ONNX model: it has no ${irVersion === 0 ? '`ir_version`' : 'graph'}.`)

  const tensors: FileTensor[] = []
  const external = new Map<string, { file: Source | null; used: bigint }>()
  /** A tensor's type and bytes, its data checked where it is (the `raw_data` length, or the external file's size). */
  const place = (t: ParsedTensor, label: string): { type: { name: string; torch: string | null; float: boolean }; elements: bigint; bytes: bigint; where: Partial<FileTensor> } => {
    const type = onnxTypes.get(t.dataType)
    if (!type) return malformed(`${what}: ${label} \`${t.name}\` has data type ${t.dataType}, not an ONNX \`TensorProto.DataType\`.`)
    const elements = t.dims.reduce((x, d) => x * BigInt(d), 1n)
    const bytes = type.name === 'STRING' ? BigInt(t.stringBytes) : (elements * BigInt(type.bits) + 7n) / 8n
    if (t.location === 1) {
      const location = checkLocation(t.external.get('location') ?? '', name, t.name)
      const offset = Number(t.external.get('offset') ?? '0')
      const lengthText = t.external.get('length')
      const length = lengthText === undefined ? null : Number(lengthText)
      if (!Number.isSafeInteger(offset) || offset < 0 || (length !== null && (!Number.isSafeInteger(length) || length < 0))) malformed(`${what}: ${label} \`${t.name}\` has external offset \`${t.external.get('offset')}\` and length \`${lengthText}\`.`)
      if (length !== null && BigInt(length) !== bytes) malformed(`${what}: ${label} \`${t.name}\` is [${t.dims.join(', ')}] ${type.name} = ${grouped(bytes)} bytes, but its external data length is ${grouped(length)}.`)
      let side = external.get(location)
      if (!side) external.set(location, (side = { file: files.find(location, name) ?? null, used: 0n }))
      const needed = BigInt(offset) + bytes
      if (needed > side.used) side.used = needed
      if (side.file && needed > BigInt(side.file.size)) malformed(`${what}: ${label} \`${t.name}\` needs bytes up to ${grouped(needed)} of \`${location}\`, which has ${grouped(side.file.size)}.`)
      return { type, elements, bytes, where: { dataLocation: 'external', external: { location, offset, length } } }
    }
    if (t.field === 'raw_data' && BigInt(t.dataBytes) !== bytes) malformed(`${what}: ${label} \`${t.name}\` is [${t.dims.join(', ')}] ${type.name} = ${grouped(bytes)} bytes, but its \`raw_data\` holds ${grouped(t.dataBytes)}.`)
    return { type, elements, bytes, where: { dataLocation: 'embedded', storageField: t.field ?? 'none' } }
  }
  // Graph by graph (the main graph first, subgraphs in the order their nodes come), initializers before sparse ones.
  const ordered = graph.initializers.map((entry, position) => ({ ...entry, position })).sort((a, b) => a.graph - b.graph || Number(!!a.sparse) - Number(!!b.sparse) || a.position - b.position)
  for (const { dense: t, sparse, subgraph } of ordered) {
    if (t !== undefined) {
      const { type, elements, bytes, where } = place(t, 'initializer')
      tensors.push({ name: t.name, shape: t.dims, dtype: type.name, torchDType: type.torch, elements, bytes, file: name, kind: tensorKind(t.name, type.float), ...(subgraph === '' ? {} : { subgraph }), ...where })
      continue
    }
    // A sparse initializer is one tensor of its dense dims, stored as values and indices.
    const { values, indices, dims } = sparse!
    const v = place(values, 'sparse initializer')
    const i = place(indices, 'the indices of sparse initializer')
    tensors.push({
      name: values.name,
      shape: dims,
      dtype: v.type.name,
      torchDType: v.type.torch,
      elements: dims.reduce((x, d) => x * BigInt(d), 1n),
      bytes: v.bytes + i.bytes,
      file: name,
      kind: tensorKind(values.name, v.type.float),
      layout: 'sparse_coo',
      sparsePieces: [
        { role: 'values', shape: values.dims, dtype: v.type.name, bytes: v.bytes },
        { role: 'indices', shape: indices.dims, dtype: i.type.name, bytes: i.bytes },
      ],
      ...(subgraph === '' ? {} : { subgraph }),
      ...v.where,
    })
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
    graphInputs: graph.graphInputs,
    nodes: graph.nodes,
    constantNodes: graph.constantNodes,
    externalFiles: [...external].map(([location, side]) => ({ location, file: side.file?.name ?? null, size: side.file?.size ?? null, bytesUsed: side.used })),
  }
  return { file: { name, size: source.size, bytesRead: source.bytesRead, tensors: tensors.length, elements, bytes: total, ...details }, tensors, warnings }
}
