/* Builders of small weight files byte by byte, for tests of damaged and hostile inputs. */
import type { ByteReader } from '../../src/index.js'

/** Concatenates bytes, numbers (one byte each) and strings (Latin-1). */
export function bytes(...parts: Array<number | string | Uint8Array | number[]>): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'number' ? [p] : typeof p === 'string' ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : p))
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

export const u16 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff]
export const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]
export function u64(v: number | bigint): number[] {
  const out: number[] = []
  let x = BigInt(v)
  for (let i = 0; i < 8; i++) {
    out.push(Number(x & 0xffn))
    x >>= 8n
  }
  return out
}
export const utf8 = (s: string): Uint8Array => {
  const out: number[] = []
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f))
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f))
  }
  return new Uint8Array(out)
}

/**
 * A reader whose file is `size` bytes long but holds only `head` at its start (zeros after it, like a sparse
 * file); it records every read and fails the test on reads past `readLimit`.
 */
export function sparseReader(name: string, head: Uint8Array, size: number | bigint = head.length, readLimit = Infinity): ByteReader & { reads: Array<[number, number]> } {
  const reads: Array<[number, number]> = []
  return {
    name,
    size,
    reads,
    read(offset, length) {
      reads.push([offset, length])
      if (offset + length > readLimit) throw new Error(`read of ${length} bytes at ${offset}, past ${readLimit}`)
      const out = new Uint8Array(length)
      if (offset < head.length) out.set(head.subarray(offset, Math.min(head.length, offset + length)))
      return Promise.resolve(out)
    },
  }
}

/** A safetensors file: the header object, then `data` bytes (zeros). */
export function safetensors(header: unknown, data: number, pad = 0): Uint8Array {
  const json = utf8(JSON.stringify(header) + ' '.repeat(pad))
  return bytes(u64(json.length), json, new Uint8Array(data))
}

/** Pickle opcodes by name, for writing pickles by hand. */
export const op = {
  proto: (n: number) => bytes(0x80, n),
  stop: bytes(0x2e),
  mark: bytes(0x28),
  emptyDict: bytes(0x7d),
  emptyList: bytes(0x5d),
  emptyTuple: bytes(0x29),
  tuple: bytes(0x74),
  tuple1: bytes(0x85),
  tuple2: bytes(0x86),
  tuple3: bytes(0x87),
  setitem: bytes(0x73),
  setitems: bytes(0x75),
  append: bytes(0x61),
  appends: bytes(0x65),
  reduce: bytes(0x52),
  build: bytes(0x62),
  newobj: bytes(0x81),
  binpersid: bytes(0x51),
  none: bytes(0x4e),
  newtrue: bytes(0x88),
  newfalse: bytes(0x89),
  dup: bytes(0x32),
  pop: bytes(0x30),
  global: (module: string, name: string) => bytes(0x63, `${module}\n${name}\n`),
  stackGlobal: bytes(0x93),
  str: (s: string) => {
    const b = utf8(s)
    return bytes(0x58, u32(b.length), b)
  },
  int: (n: number) => (n >= 0 && n < 256 ? bytes(0x4b, n) : n >= -(2 ** 31) && n < 2 ** 31 ? bytes(0x4a, u32(n)) : bytes(0x8a, 8, u64(n))),
  binput: (i: number) => bytes(0x71, i),
  binget: (i: number) => bytes(0x68, i),
  longBinget: (i: number) => bytes(0x6a, u32(i)),
}

/** A pickle of `_rebuild_tensor_v2(storage(key, FloatStorage-like class, numel), offset, shape, stride, False, OrderedDict())`. */
export function tensorPickle(key: string, numel: number, shape: number[], stride: number[], offset = 0, storageClass = 'FloatStorage'): Uint8Array {
  const ints = (xs: number[]) => bytes(op.mark, ...xs.map(op.int), op.tuple)
  return bytes(
    op.global('torch._utils', '_rebuild_tensor_v2'),
    op.mark,
    op.mark,
    op.str('storage'),
    op.global('torch', storageClass),
    op.str(key),
    op.str('cpu'),
    op.int(numel),
    op.tuple,
    op.binpersid,
    op.int(offset),
    ints(shape),
    ints(stride),
    op.newfalse,
    op.global('collections', 'OrderedDict'),
    op.emptyTuple,
    op.reduce,
    op.tuple,
    op.reduce,
  )
}

/** `{name: value, ...}` as a pickled dict with the values' pickles given. */
export function dictPickle(entries: Array<[string, Uint8Array]>): Uint8Array {
  return bytes(op.proto(2), op.emptyDict, op.mark, ...entries.flatMap(([k, v]) => [op.str(k), v]), op.setitems, op.stop)
}

/** A zip archive of stored entries; `claims` overrides the sizes written in the central directory. */
export function zip(entries: Array<{ name: string; data: Uint8Array; method?: number; claims?: number }>): Uint8Array {
  const locals: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  for (const e of entries) {
    const name = utf8(e.name)
    const local = bytes(u32(0x04034b50), u16(20), u16(0), u16(e.method ?? 0), u32(0), u32(0), u32(e.data.length), u32(e.data.length), u16(name.length), u16(0), name, e.data)
    const size = e.claims ?? e.data.length
    central.push(bytes(u32(0x02014b50), u16(20), u16(20), u16(0), u16(e.method ?? 0), u32(0), u32(0), u32(size), u32(size), u16(name.length), u16(0), u16(0), u16(0), u16(0), u32(0), u32(offset), name))
    locals.push(local)
    offset += local.length
  }
  const cd = bytes(...central)
  return bytes(...locals, cd, u32(0x06054b50), u16(0), u16(0), u16(entries.length), u16(entries.length), u32(cd.length), u32(offset), u16(0))
}

/** A `torch.save`-style zip: `archive/data.pkl`, `archive/byteorder` and a record per storage of the given byte size. */
export function torchZip(pickle: Uint8Array, records: Record<string, number>, root = 'archive'): Uint8Array {
  return zip([
    { name: `${root}/data.pkl`, data: pickle },
    { name: `${root}/byteorder`, data: bytes('little') },
    ...Object.entries(records).map(([key, size]) => ({ name: `${root}/data/${key}`, data: new Uint8Array(size) })),
  ])
}

/** A GGUF string. */
export const ggufString = (s: string): Uint8Array => {
  const b = utf8(s)
  return bytes(u64(b.length), b)
}

/** A GGUF v3 file: metadata entries (already encoded as type + value), tensor infos, then `data` zero bytes at 32-byte alignment. */
export function gguf(kv: Array<[string, Uint8Array]>, tensors: Array<{ name: string; dims: number[]; type: number; offset: number }>, data: number, version = 3): Uint8Array {
  const head = bytes(
    'GGUF',
    u32(version),
    u64(tensors.length),
    u64(kv.length),
    ...kv.flatMap(([k, v]) => [ggufString(k), v]),
    ...tensors.flatMap((t) => [ggufString(t.name), u32(t.dims.length), ...t.dims.map((d) => u64(d)), u32(t.type), u64(t.offset)]),
  )
  const padded = Math.ceil(head.length / 32) * 32
  return bytes(head, new Uint8Array(padded - head.length + data))
}

/** GGUF metadata values. */
export const gv = {
  u32: (v: number) => bytes(u32(4), u32(v)),
  str: (s: string) => bytes(u32(8), ggufString(s)),
}

/** Protobuf encoding. */
export function varint(v: number | bigint): number[] {
  let x = BigInt(v)
  const out: number[] = []
  do {
    let b = Number(x & 0x7fn)
    x >>= 7n
    if (x > 0n) b |= 0x80
    out.push(b)
  } while (x > 0n)
  return out
}
export const pb = {
  int: (field: number, v: number | bigint) => bytes(varint(field << 3), varint(v)),
  bytes: (field: number, data: Uint8Array) => bytes(varint((field << 3) | 2), varint(data.length), data),
  str: (field: number, s: string) => pb.bytes(field, utf8(s)),
}

/** An ONNX `TensorProto`. */
export function onnxTensor(name: string, dims: number[], type: number, data: { raw?: Uint8Array; external?: Record<string, string> }): Uint8Array {
  return bytes(
    ...dims.map((d) => pb.int(1, d)),
    pb.int(2, type),
    pb.str(8, name),
    ...(data.raw ? [pb.bytes(9, data.raw)] : []),
    ...(data.external ? [...Object.entries(data.external).map(([k, v]) => pb.bytes(13, bytes(pb.str(1, k), pb.str(2, v)))), pb.int(14, 1)] : []),
  )
}

/** An ONNX `ModelProto` with the given initializers and nodes. */
export function onnxModel(initializers: Uint8Array[], nodes: Uint8Array[] = []): Uint8Array {
  const graph = bytes(...nodes.map((n) => pb.bytes(1, n)), pb.str(2, 'g'), ...initializers.map((t) => pb.bytes(5, t)))
  return bytes(pb.int(1, 9), pb.str(2, 'test'), pb.bytes(7, graph), pb.bytes(8, bytes(pb.str(1, ''), pb.int(2, 17))))
}

/** The NnsizeError a promise rejects with; fails the test when it resolves or rejects with something else. */
export async function refusal(promise: Promise<unknown>): Promise<import('../../src/index.js').NnsizeError> {
  const { NnsizeError } = await import('../../src/index.js')
  try {
    await promise
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected an NnsizeError')
}
