import { decodeUtf8, grouped, malformed } from './bytes.js'
import type { Source } from './bytes.js'
import { readPickle } from './pickle.js'
import { interpretCheckpoint, TorchPickle } from './pytorch.js'
import type { TorchStorage } from './pytorch.js'
import type { ParsedFile } from './tensors.js'
import { readStoredEntry } from './zip.js'
import type { ZipDirectory } from './zip.js'

/** The root folder of a `torch.save` zip: the folder holding `data.pkl` (`archive`, or the file's stem). */
export function torchZipRoot(zip: ZipDirectory): string | null {
  for (const entry of zip.entries) {
    const match = /^([^/]+)\/data\.pkl$/.exec(entry.name)
    if (match) return match[1]!
  }
  return null
}

/**
 * Reads a `torch.save` zip archive: its central directory and `data.pkl`, nothing else. Storage records
 * (`<root>/data/<key>`) are never read: their sizes in the central directory must match what the pickle
 * declares, and bound what each tensor may address.
 */
export async function readPytorchZip(source: Source, zip: ZipDirectory): Promise<ParsedFile> {
  const name = source.name
  const root = torchZipRoot(zip)
  if (root === null) malformed(`\`${name}\` is a zip archive without \`<folder>/data.pkl\`: not a \`torch.save\` checkpoint.`)
  let byteorder: 'little' | 'big' = 'little'
  const order = zip.byName.get(`${root}/byteorder`)
  if (order && order.size <= 16) {
    const text = decodeUtf8(await readStoredEntry(source, zip, order))
    if (text !== 'little' && text !== 'big') malformed(`\`${name}\`: \`${root}/byteorder\` says \`${text ?? '?'}\`, not \`little\` or \`big\`.`)
    byteorder = text
  }
  const pkl = zip.byName.get(`${root}/data.pkl`)!
  const what = `\`${name}\` (${root}/data.pkl)`
  const resolve = (storage: TorchStorage): TorchStorage => {
    const { key, dtype, elements, bytes } = storage
    const record = zip.byName.get(`${root}/data/${key}`)
    if (!record) malformed(`${what} refers to storage \`${key}\`, but the archive has no record \`${root}/data/${key}\`.`)
    if (BigInt(record.size) !== bytes) {
      malformed(`${what} declares storage \`${key}\` of ${grouped(elements)} ${dtype} elements (${grouped(bytes)} bytes), but its record \`${root}/data/${key}\` holds ${grouped(record.size)} bytes.`)
    }
    return storage
  }
  const hooks = new TorchPickle(what, resolve)
  const { value, opcodes } = readPickle(await readStoredEntry(source, zip, pkl), hooks, what)
  hooks.addOpcodes(opcodes)
  const parsed = interpretCheckpoint(value, hooks, name, what)
  if (zip.byName.has(`${root}/constants.pkl`)) parsed.warnings?.push('This archive also holds TorchScript code (`constants.pkl`); only `data.pkl` was read.')
  let elements = 0n
  let bytes = 0n
  for (const t of parsed.tensors) {
    elements += t.elements
    bytes += t.bytes
  }
  return {
    ...parsed,
    file: {
      name,
      size: source.size,
      bytesRead: source.bytesRead,
      tensors: parsed.tensors.length,
      elements,
      bytes,
      format: 'pytorch',
      serialization: 'zip',
      zipRoot: root,
      byteorder,
      legacyProtocolVersion: null,
      storages: parsed.storages,
      uniqueBytes: parsed.storageBytes,
      pickleGlobals: parsed.pickle?.globals ?? [],
    },
  }
}
