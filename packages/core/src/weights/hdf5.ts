import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { Cursor, decodeUtf8, grouped, malformed } from './bytes.js'
import type { Source } from './bytes.js'

/*
 * A minimal HDF5 reader (HDF Group, "HDF5 File Format Specification" versions 0 to 3 of the superblock): enough
 * to list the datasets of a file with their shapes, element types and data addresses. It follows old-style
 * groups (symbol tables: a B-tree of symbol nodes and a local heap of names, what h5py writes by default) and
 * compact new-style groups (link messages); dense new-style groups (fractal heaps) are refused. Data is never read.
 */

/** One dataset: its path, shape, element type and where its data starts. */
export interface H5Dataset {
  path: string
  shape: number[]
  /** numpy-style name: `float32`, `int64`, `bool`, … */
  dtype: string
  /** Bytes per element. */
  itemBytes: number
  /** Absolute address of contiguous data in the file, null when not allocated or not contiguous. */
  address: number | null
  chunked: boolean
}

const maxObjects = 1_000_000

class H5 {
  offsetSize = 8
  lengthSize = 8
  base = 0
  objects = 0
  readonly datasets: H5Dataset[] = []
  readonly #seen = new Set<number>()

  constructor(
    readonly source: Source,
    readonly what: string,
  ) {}

  fail(message: string): never {
    return malformed(`${this.what}: ${message}`)
  }

  /** Reads `length` bytes at an HDF5 address (relative to the base address). */
  async raw(address: number, length: number, part: string): Promise<Uint8Array> {
    if (this.source.bytesRead > limits.maxWeightsHeaderBytes) throw new NnsizeError('limit', `${this.what}: more than ${grouped(limits.maxWeightsHeaderBytes)} bytes of HDF5 metadata, the limit.`)
    const absolute = this.base + address
    if (absolute + length > this.source.size) this.fail(`${part} at address ${grouped(address)} runs past the end of the file.`)
    return this.source.read(absolute, length, part)
  }

  async at(address: number, length: number, part: string): Promise<Cursor> {
    return new Cursor(await this.raw(address, length, part), `${this.what}: ${part}`)
  }

  /** An address field; `null` for the undefined address (all ones). */
  addr(c: Cursor): number | null {
    const v = c.uint(this.offsetSize)
    if (typeof v === 'bigint') {
      if (v === (1n << BigInt(this.offsetSize * 8)) - 1n) return null
      return this.fail(`address \`${v}\` is beyond any file.`)
    }
    if (this.offsetSize < 8 && v === 2 ** (this.offsetSize * 8) - 1) return null
    return v
  }

  len(c: Cursor): number {
    const v = c.uint(this.lengthSize)
    return typeof v === 'bigint' ? this.fail(`length \`${v}\` is beyond any file.`) : v
  }

  async superblock(): Promise<number> {
    const c = await this.at(0, Math.min(this.source.size, 128), 'the superblock')
    c.skip(8)
    const version = c.u8()
    if (version <= 1) {
      c.skip(4)
      this.offsetSize = c.u8()
      this.lengthSize = c.u8()
      c.skip(1 + 4 + 4)
      if (version === 1) c.skip(4)
      this.checkSizes()
      this.base = this.addr(c) ?? 0
      c.skip(this.offsetSize * 3)
      // Root group symbol table entry: link name offset, object header address, …
      c.skip(this.offsetSize)
      return this.addr(c) ?? this.fail('the root group has no object header.')
    }
    if (version === 2 || version === 3) {
      this.offsetSize = c.u8()
      this.lengthSize = c.u8()
      this.checkSizes()
      c.skip(1)
      this.base = this.addr(c) ?? 0
      c.skip(this.offsetSize * 2)
      return this.addr(c) ?? this.fail('the root group has no object header.')
    }
    return this.fail(`HDF5 superblock version ${version}; nnsize reads versions 0 to 3.`)
  }

  private checkSizes(): void {
    if (![2, 4, 8].includes(this.offsetSize) || ![2, 4, 8].includes(this.lengthSize)) this.fail(`offsets of ${this.offsetSize} and lengths of ${this.lengthSize} bytes are not valid HDF5 sizes.`)
  }

  /** The messages of an object header (v1 or v2), continuation blocks followed. */
  async messages(address: number): Promise<Array<{ type: number; data: Cursor }>> {
    if (++this.objects > maxObjects) throw new NnsizeError('limit', `${this.what} has more than ${grouped(maxObjects)} objects, the limit.`)
    const out: Array<{ type: number; data: Cursor }> = []
    const first = await this.at(address, 16, 'an object header')
    const blocks: Array<{ address: number; length: number; v2: boolean; first: boolean }> = []
    let v2 = false
    let flags = 0
    if (first.u8() === 1) {
      first.skip(1)
      first.u16()
      first.skip(4)
      blocks.push({ address: address + 16, length: first.u32(), v2: false, first: true })
    } else {
      first.pos = 0
      if (String.fromCharCode(...first.slice(4)) !== 'OHDR') this.fail(`no object header at address ${grouped(address)}.`)
      v2 = true
      if (first.u8() !== 2) this.fail('object header version is not 1 or 2.')
      flags = first.u8()
      let at = 6 + ((flags & 0x20) !== 0 ? 16 : 0) + ((flags & 0x10) !== 0 ? 4 : 0)
      const sizeBytes = 1 << (flags & 3)
      const head = await this.at(address + at, sizeBytes, 'an object header')
      const length = head.uint(sizeBytes)
      at += sizeBytes
      if (typeof length === 'bigint') this.fail('an object header claims an impossible size.')
      blocks.push({ address: address + at, length: length as number, v2: true, first: true })
    }
    for (let b = 0; b < blocks.length; b++) {
      if (b > 1000) this.fail('too many object header continuation blocks.')
      const block = blocks[b]!
      let start = block.address
      let length = block.length
      if (block.v2 && !block.first) {
        start += 4 // OCHK
        length -= 8 // signature and checksum
      }
      if (length < 0 || length > limits.maxWeightsHeaderBytes) this.fail(`an object header block of ${grouped(length)} bytes.`)
      const c = await this.at(start, length, 'object header messages')
      const headerSize = block.v2 ? 4 + ((flags & 0x04) !== 0 ? 2 : 0) : 8
      while (c.remaining >= headerSize) {
        const type = block.v2 ? c.u8() : c.u16()
        const size = c.u16()
        const messageFlags = c.u8()
        if (block.v2) {
          if ((flags & 0x04) !== 0) c.skip(2)
        } else c.skip(3)
        if (size > c.remaining) this.fail(`an object header message of ${size} bytes runs past its block.`)
        // Shared messages (flag 2) point elsewhere; datasets written by h5py do not use them.
        if ((messageFlags & 0x02) !== 0 && (type === 0x01 || type === 0x03)) this.fail('a shared dataspace or datatype message, which nnsize does not follow.')
        const data = new Cursor(c.slice(size), `${this.what}: a header message`)
        if (type === 0x10) {
          const next = this.addr(data)
          const nextLength = this.len(data)
          if (next !== null && !blocks.some((x) => x.address === next)) blocks.push({ address: next, length: nextLength, v2: block.v2, first: false })
        } else if (type !== 0) out.push({ type, data })
      }
    }
    return out
  }

  /** Visits an object: a group's links in name order (h5py's visit order), or a dataset. */
  async visit(address: number, path: string, depth: number): Promise<void> {
    if (this.#seen.has(address)) return
    this.#seen.add(address)
    if (depth > 64) this.fail('groups nest more than 64 levels.')
    const messages = await this.messages(address)
    const links: Array<{ name: string; address: number }> = []
    let isGroup = false
    let space: number[] | null = null
    let type: { dtype: string; itemBytes: number } | null = null
    let layout: { address: number | null; chunked: boolean } | null = null
    for (const { type: t, data } of messages) {
      if (t === 0x11) {
        isGroup = true
        const btree = this.addr(data)
        const heap = this.addr(data)
        if (btree !== null && heap !== null) links.push(...(await this.symbolTable(btree, heap)))
      } else if (t === 0x06) {
        isGroup = true
        const link = this.link(data)
        if (link) links.push(link)
      } else if (t === 0x02) {
        isGroup = true
        data.skip(1)
        const f = data.u8()
        if ((f & 1) !== 0) data.skip(8)
        const heap = this.addr(data)
        if (heap !== null) this.fail(`group \`${path || '/'}\` stores its links in a fractal heap (dense storage), which nnsize does not read.`)
      } else if (t === 0x01) space = this.dataspace(data)
      else if (t === 0x03) type = this.datatype(data)
      else if (t === 0x08) layout = this.layout(data)
    }
    if (isGroup) {
      links.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      for (const link of links) await this.visit(link.address, path === '' ? link.name : `${path}/${link.name}`, depth + 1)
      return
    }
    if (space !== null && type !== null) {
      if (this.datasets.length >= limits.maxWeightsTensors) throw new NnsizeError('limit', `${this.what} has more than ${grouped(limits.maxWeightsTensors)} datasets, the limit.`)
      this.datasets.push({ path, shape: space, ...type, address: layout?.address ?? null, chunked: layout?.chunked ?? false })
    }
  }

  private async symbolTable(btree: number, heap: number): Promise<Array<{ name: string; address: number }>> {
    const h = await this.at(heap, 8 + 2 * this.lengthSize + this.offsetSize, 'a local heap')
    if (String.fromCharCode(...h.slice(4)) !== 'HEAP') this.fail(`no local heap at address ${grouped(heap)}.`)
    h.skip(4)
    const heapSize = this.len(h)
    this.len(h)
    const heapData = this.addr(h) ?? this.fail('a local heap without data.')
    const names = await this.raw(heapData, heapSize, 'the names of a group')
    const nameAt = (offset: number): string => {
      const end = names.indexOf(0, offset)
      if (offset >= names.length || end < 0) this.fail('a link name runs past its heap.')
      return decodeUtf8(names.subarray(offset, end)) ?? this.fail('a link name is not valid UTF-8.')
    }
    const out: Array<{ name: string; address: number }> = []
    const nodes = [btree]
    const visited = new Set<number>(nodes)
    for (let n = 0; n < nodes.length; n++) {
      if (++this.objects > maxObjects) throw new NnsizeError('limit', `${this.what} has more than ${grouped(maxObjects)} objects, the limit.`)
      const head = await this.at(nodes[n]!, 8 + 2 * this.offsetSize, 'a group B-tree node')
      if (String.fromCharCode(...head.slice(4)) !== 'TREE') this.fail(`no B-tree node at address ${grouped(nodes[n]!)}.`)
      if (head.u8() !== 0) this.fail('a group B-tree node of another type.')
      const level = head.u8()
      const entries = head.u16()
      const body = await this.at(nodes[n]! + 8 + 2 * this.offsetSize, (entries + 1) * this.lengthSize + entries * this.offsetSize, 'a group B-tree node')
      for (let e = 0; e < entries; e++) {
        this.len(body)
        const child = this.addr(body)
        if (child === null) continue
        if (level > 0) {
          // A B-tree that points back at one of its nodes is damaged: each node is read once.
          if (!visited.has(child)) nodes.push(child)
          visited.add(child)
        } else out.push(...(await this.symbolNode(child, nameAt)))
      }
    }
    return out
  }

  private async symbolNode(address: number, nameAt: (offset: number) => string): Promise<Array<{ name: string; address: number }>> {
    const head = await this.at(address, 8, 'a symbol table node')
    if (String.fromCharCode(...head.slice(4)) !== 'SNOD') this.fail(`no symbol table node at address ${grouped(address)}.`)
    head.skip(2)
    const count = head.u16()
    const entrySize = 2 * this.offsetSize + 24
    const c = await this.at(address + 8, count * entrySize, 'a symbol table node')
    const out: Array<{ name: string; address: number }> = []
    for (let i = 0; i < count; i++) {
      const nameOffset = this.addr(c) ?? this.fail('a symbol without a name.')
      const object = this.addr(c)
      c.skip(24)
      if (object !== null) out.push({ name: nameAt(nameOffset), address: object })
    }
    return out
  }

  /** A link message: hard links only (soft and external links are not followed). */
  private link(c: Cursor): { name: string; address: number } | null {
    c.skip(1)
    const flags = c.u8()
    const linkType = (flags & 0x08) !== 0 ? c.u8() : 0
    if ((flags & 0x04) !== 0) c.skip(8)
    if ((flags & 0x10) !== 0) c.skip(1)
    const lengthSize = 1 << (flags & 3)
    const length = c.uint(lengthSize)
    if (typeof length === 'bigint' || length > c.remaining) return this.fail('a link name runs past its message.')
    const name = decodeUtf8(c.slice(length)) ?? this.fail('a link name is not valid UTF-8.')
    if (linkType !== 0) return null
    const address = this.addr(c)
    return address === null ? null : { name, address }
  }

  private dataspace(c: Cursor): number[] {
    const version = c.u8()
    const rank = c.u8()
    c.u8()
    if (rank > 32) this.fail(`a dataspace of rank ${rank}.`)
    if (version === 1) c.skip(5)
    else {
      const kind = c.u8()
      if (kind === 2) return [0]
    }
    const dims: number[] = []
    for (let i = 0; i < rank; i++) dims.push(this.len(c))
    return dims
  }

  private datatype(c: Cursor): { dtype: string; itemBytes: number } {
    const classVersion = c.u8()
    const cls = classVersion & 0x0f
    const bits0 = c.u8()
    c.skip(2)
    const size = c.u32()
    if (cls === 0) return { dtype: `${(bits0 & 0x08) !== 0 ? 'int' : 'uint'}${size * 8}`, itemBytes: size }
    if (cls === 1) return { dtype: `float${size * 8}`, itemBytes: size }
    if (cls === 8) {
      // h5py writes numpy bools as an enum of int8 {FALSE, TRUE}.
      return { dtype: size === 1 ? 'bool' : `enum${size * 8}`, itemBytes: size }
    }
    const names = ['int', 'float', 'time', 'string', 'bitfield', 'opaque', 'compound', 'reference', 'enum', 'vlen', 'array']
    return { dtype: `${names[cls] ?? 'unknown'}${size * 8}`, itemBytes: size }
  }

  private layout(c: Cursor): { address: number | null; chunked: boolean } {
    const version = c.u8()
    if (version === 3 || version === 4) {
      const kind = c.u8()
      if (kind === 1) return { address: this.addr(c), chunked: false }
      return { address: null, chunked: kind === 2 }
    }
    if (version === 1 || version === 2) {
      c.u8()
      const kind = c.u8()
      c.skip(5)
      if (kind === 1) return { address: this.addr(c), chunked: false }
      return { address: null, chunked: kind === 2 }
    }
    return this.fail(`data layout message version ${version}.`)
  }
}

/** Lists every dataset of an HDF5 file, depth first, links in name order (as h5py's `visititems`). */
export async function readHDF5Datasets(source: Source, what: string): Promise<H5Dataset[]> {
  const h5 = new H5(source, what)
  const root = await h5.superblock()
  await h5.visit(root, '', 0)
  return h5.datasets
}
