import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import type { ByteReader, fileHandleReader, weightsFormatOf } from '@nnsize/core'
import { InputError } from './errors.js'

/** The core functions the helper needs, passed in: the core loads with the reports, after the command line is read. */
export interface WeightsCore {
  fileHandleReader: typeof fileHandleReader
  weightsFormatOf: typeof weightsFormatOf
}

/** Weight files to analyse: readers over the files (opened on first read), the file to start from, and how to close them. */
export interface WeightsInput {
  readers: ByteReader[]
  /** The reader name of the file to start from, or undefined to let the core choose (a folder). */
  entry: string | undefined
  /** The path as the user gave it. */
  shown: string
  close(): Promise<void>
}

/** Extensions of weight files: a file with one of these is read as weights, whatever its first bytes. */
export const weightsExtension = /\.(safetensors|bin|pt|pth|ckpt|gguf|onnx|keras|h5|hdf5)$/i

/** A Hugging Face shard index (`model.safetensors.index.json`, `pytorch_model.bin.index.json`). */
const indexName = /\.index\.json$/i

/** Most files of one folder nnsize looks at (a 405B model has a few hundred shards). */
export const maxFolderFiles = 10_000

/** Most bytes read from all the files of one answer: headers only, however large the files are. */
export const maxWeightsReadBytes = 1024 * 1024 * 1024

/**
 * Whether an argument names weight files and, if so, readers over them: a file with a weights extension or whose
 * first bytes are a weight format's (the files beside it that belong to it go along: `config.json`, ONNX external
 * data, the other parts of a split GGUF), a shard index, or a folder. Only regular files are read (a device or a FIFO
 * never is), each only where the core asks, at most {@link maxWeightsReadBytes} in all. Null: not weights (text, a
 * config, an expression).
 */
export async function openWeightsInput(arg: string, cwd: string, core: WeightsCore): Promise<WeightsInput | null> {
  if (arg.length > 4096 || /[\n()]/.test(arg)) return null
  // synchronous status and folder reads: node:fs/promises loads only when weights are read
  const path = resolve(cwd, arg)
  let info: import('node:fs').Stats
  try {
    info = statSync(path)
  } catch {
    return null
  }
  if (info.isDirectory()) {
    const files = await folderFiles(path)
    const candidates = files.filter((f) => weightsExtension.test(f.name) || indexName.test(f.name))
    if (candidates.length === 0) return null
    const folder = basename(path)
    return readersOver(files.map((f) => ({ ...f, name: `${folder}/${f.name}` })), undefined, arg, core)
  }
  const name = basename(path)
  const byName = weightsExtension.test(name) || indexName.test(name)
  if (!info.isFile()) {
    if (byName) throw new InputError(`cannot read '${arg}': it is not a regular file; nnsize reads weight files in place`, 'unreadable')
    return null
  }
  if (!byName && !(await startsLikeWeights(path, name, info.size, core))) return null
  // the files that belong with it: its folder's config.json, and files named after it (ONNX external data, split GGUF parts)
  const stem = name.replace(/\.[^.]+$/, '').replace(/-\d{5}-of-\d{5}$/, '')
  const belongs = (n: string): boolean => n === name || n === 'config.json' || (n.startsWith(stem) && (!weightsExtension.test(n) || /-\d{5}-of-\d{5}\.gguf$/i.test(n)))
  const siblings = await folderFiles(dirname(path), indexName.test(name) ? undefined : belongs)
  if (!siblings.some((f) => f.name === name)) siblings.push({ name, path, size: info.size })
  return readersOver(siblings, name, arg, core)
}

interface FoundFile {
  name: string
  path: string
  size: number
}

/** The regular files of a folder (links followed) whose names `keep` accepts, at most {@link maxFolderFiles}. */
async function folderFiles(folder: string, keep?: (name: string) => boolean): Promise<FoundFile[]> {
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch (error) {
    throw new InputError(`cannot read the folder '${folder}': ${(error as Error).message}`, 'unreadable')
  }
  if (keep) names = names.filter(keep)
  if (names.length > maxFolderFiles) throw new InputError(`the folder '${folder}' holds ${names.length} entries; nnsize reads folders of at most ${maxFolderFiles}`, 'input-too-large')
  const out: FoundFile[] = []
  for (const name of names.sort()) {
    try {
      const s = statSync(join(folder, name))
      if (s.isFile()) out.push({ name, path: join(folder, name), size: s.size })
    } catch {
      // a dangling link or a file removed meanwhile is not part of the set
    }
  }
  return out
}

/** Whether a file's first bytes are a weight format's. */
async function startsLikeWeights(path: string, name: string, size: number, core: WeightsCore): Promise<boolean> {
  if (size < 8) return false
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return false
  }
  try {
    const head = new Uint8Array(Math.min(64, size))
    const bytesRead = readSync(fd, head, 0, head.length, 0)
    return core.weightsFormatOf(head.subarray(0, bytesRead), name) !== null
  } finally {
    closeSync(fd)
  }
}

/** Readers over files, each opened on its first read and kept open until `close`, all reads together capped. */
async function readersOver(files: readonly FoundFile[], entry: string | undefined, shown: string, core: WeightsCore): Promise<WeightsInput> {
  const { open } = await import('node:fs/promises')
  type Handle = Awaited<ReturnType<typeof open>>
  const opened: Handle[] = []
  let total = 0
  const readers = files.map((f): ByteReader => {
    let reader: ByteReader | undefined
    return {
      name: f.name,
      size: f.size,
      async read(offset, length) {
        total += length
        if (total > maxWeightsReadBytes) throw new InputError(`reading '${shown}' would take more than ${maxWeightsReadBytes / 1024 / 1024} MiB of headers; nnsize stops there`, 'input-too-large')
        if (!reader) {
          let handle: Handle
          try {
            handle = await open(f.path, 'r')
          } catch (error) {
            throw new InputError(`cannot read '${f.path}': ${(error as Error).message}`, 'unreadable')
          }
          opened.push(handle)
          reader = core.fileHandleReader(handle, f.name, f.size)
        }
        return reader.read(offset, length)
      },
    }
  })
  return {
    readers,
    entry,
    shown,
    close: async () => {
      await Promise.all(opened.splice(0).map((h) => h.close().catch(() => undefined)))
    },
  }
}
