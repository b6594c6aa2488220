import { limits } from '../limits.js'
import { grouped, malformed } from './bytes.js'
import type { Source } from './bytes.js'
import { dictGet, pickleTruncated, readPickle, sequenceItems } from './pickle.js'
import type { PickleHooks, PyValue } from './pickle.js'
import { interpretCheckpoint, TorchPickle } from './pytorch.js'
import type { TorchStorage } from './pytorch.js'
import type { ParsedFile } from './tensors.js'

/** The legacy `torch.save` magic number, the first pickle of the stream. */
const legacyMagic = 0x1950a86a20f9469cfc6cn

/** True when the file starts with a pickle of the legacy `torch.save` magic number (any pickle protocol). */
export function looksLikeLegacyTorch(head: Uint8Array): boolean {
  try {
    return readPickle(head, plainData, 'the first pickle', true).value === legacyMagic
  } catch {
    return false
  }
}

/** Hooks for the pickles around the object: plain data only. */
const plainData: PickleHooks = {
  global: (_m, _n, written) => malformed(`a legacy \`torch.save\` header imports \`${written}\`.`),
  persistentLoad: () => malformed('a legacy `torch.save` header loads a persistent object.'),
  call: () => null,
}

/**
 * Reads a legacy (`_use_new_zipfile_serialization=False`) `torch.save` stream: the magic number, the protocol
 * version, the system info, the object, the list of storage keys, then for each storage its element count —
 * the storages' bytes are skipped by that count, never read.
 */
export async function readPytorchLegacy(source: Source): Promise<ParsedFile> {
  const name = source.name
  const what = `\`${name}\``
  // The pickles come first and their length is not stored: read a prefix, and a longer one if they run past it.
  let length = Math.min(source.size, 1 << 20)
  for (;;) {
    const prefix = await source.read(0, length, 'the legacy pickles')
    try {
      return await parse(source, prefix, what)
    } catch (error) {
      if (error !== pickleTruncated) throw error
      if (length >= source.size) malformed(`${what} ends inside its pickled header: the file is truncated.`)
      if (length >= limits.maxWeightsHeaderBytes) malformed(`${what}: the pickled header of this legacy checkpoint is longer than ${grouped(limits.maxWeightsHeaderBytes)} bytes.`)
      length = Math.min(source.size, limits.maxWeightsHeaderBytes, length * 8)
    }
  }
}

async function parse(source: Source, bytes: Uint8Array, what: string): Promise<ParsedFile> {
  let at = 0
  // torch.load(weights_only=True) reads every one of these pickles with its restricted unpickler.
  const opcodes = new Set<number>()
  const next = (hooks: PickleHooks, label: string): PyValue => {
    const read = readPickle(bytes.subarray(at), hooks, `${what} (${label})`, true)
    at += read.end
    for (const op of read.opcodes) opcodes.add(op)
    return read.value
  }
  const magic = next(plainData, 'magic number')
  if (magic !== legacyMagic) malformed(`${what} is a pickle but not a \`torch.save\` file: its magic number is \`${String(magic)}\`.`)
  const protocol = next(plainData, 'protocol version')
  if (typeof protocol !== 'number') malformed(`${what}: the legacy protocol version is not a number.`)
  if (protocol !== 1001) malformed(`${what}: legacy protocol version \`${protocol}\`; nnsize reads 1001, what \`torch.save\` writes.`)
  const sysInfo = next(plainData, 'system info')
  const littleEndian = dictGet(sysInfo, 'little_endian') !== false
  const storages = new Map<string, TorchStorage>()
  const hooks = new TorchPickle(
    `${what} (the pickled object)`,
    (storage) => {
      storages.set(storage.key, storage)
      return storage
    },
    true,
  )
  const object = next(hooks, 'the pickled object')
  const keys = sequenceItems(next(plainData, 'storage keys'))
  if (keys === null || !keys.every((k) => typeof k === 'string')) return malformed(`${what}: the list of storage keys is not a list of strings.`)
  hooks.addOpcodes(opcodes)
  const listed = new Set(keys as string[])
  for (const key of storages.keys()) if (!listed.has(key)) malformed(`${what}: storage \`${key}\` is used by a tensor but missing from the file.`)
  // Each storage: an int64 element count, then its bytes. Check the counts against the pickle, skip the bytes.
  let offset = at
  for (const key of listed) {
    const storage = storages.get(key)
    if (!storage) malformed(`${what} lists storage \`${key}\`, which no tensor uses.`)
    const count = await source.read(offset, 8, `the size of storage \`${key}\``)
    // torch writes (and reads) the count little-endian whatever the machine.
    const elements = new DataView(count.buffer, count.byteOffset, 8).getBigInt64(0, true)
    if (elements !== storage.elements) {
      malformed(`${what}: storage \`${key}\` holds ${grouped(elements)} elements, but the pickle declares ${grouped(storage.elements)} ${storage.dtype} elements.`)
    }
    offset += 8 + Number(storage.bytes)
    if (offset > source.size) malformed(`${what} is ${grouped(source.size)} bytes long, but its storages need ${grouped(offset)}: the file is truncated.`)
  }
  const parsed = interpretCheckpoint(object, hooks, source.name, `${what} (the pickled object)`)
  if (offset !== source.size) parsed.warnings?.push(`${grouped(source.size - offset)} bytes follow the last storage of \`${source.name}\`.`)
  let elements = 0n
  let total = 0n
  for (const t of parsed.tensors) {
    elements += t.elements
    total += t.bytes
  }
  return {
    ...parsed,
    file: {
      name: source.name,
      size: source.size,
      bytesRead: source.bytesRead,
      tensors: parsed.tensors.length,
      elements,
      bytes: total,
      format: 'pytorch',
      serialization: 'legacy',
      zipRoot: null,
      byteorder: littleEndian ? 'little' : 'big',
      legacyProtocolVersion: protocol,
      storages: storages.size,
      uniqueBytes: parsed.storageBytes,
      pickleGlobals: parsed.pickle?.globals ?? [],
    },
  }
}
