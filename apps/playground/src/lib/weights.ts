// Weight files in the browser: loaded with the second chunk (the first screen never needs it). Files are read with
// `File.slice` through the core's `blobReader`: only headers, whatever the size, and nothing leaves the page.
import { analyzeWeights, blobReader, NnsizeError, weightsFormatOf } from '@nnsize/core'
import type { WeightsAnalysis } from '@nnsize/core'

/** Extensions of weight files: read as weights whatever their first bytes say (a damaged one gets the reader's error). */
const weightsExtension = /\.(safetensors|bin|pt|pth|ckpt|gguf|onnx|keras|h5|hdf5)$/i

/** Most files read from a dropped folder (a 405B model has a few hundred shards). */
export const maxFolderFiles = 10_000

/** A file and the name the core knows it by: its path inside the dropped folder, or its own name. */
export interface NamedFile {
  file: File
  name: string
}

/** Whether a file is a weight file: by its extension or by its first bytes. */
export async function isWeightsFile(file: File): Promise<boolean> {
  if (weightsExtension.test(file.name)) return true
  if (file.size < 8) return false
  const head = new Uint8Array(await file.slice(0, 64).arrayBuffer())
  return weightsFormatOf(head, file.name) !== null
}

/** Whether a set of files (picked together, or a dropped folder) holds weights: a weight file or a shard index. */
export async function holdsWeights(files: readonly NamedFile[]): Promise<boolean> {
  for (const { file, name } of files) if (/\.index\.json$/i.test(name) || (await isWeightsFile(file))) return true
  return false
}

/** How far {@link filesOfEntries} walks a dropped folder, and which files it keeps. */
export interface WalkOptions {
  /** Folder levels below the dropped ones that are walked (default 1: a model folder and one level below it). */
  maxDepth?: number
  /** Keeps only the files whose path this accepts (all by default). */
  accept?: (name: string) => boolean
}

/** The regular files under dropped entries (folders walked, at most {@link maxFolderFiles}), named by their paths. */
export async function filesOfEntries(entries: readonly FileSystemEntry[], options: WalkOptions = {}): Promise<NamedFile[]> {
  const maxDepth = options.maxDepth ?? 1
  const accept = options.accept ?? (() => true)
  const out: NamedFile[] = []
  const walk = async (entry: FileSystemEntry, depth: number): Promise<void> => {
    if (out.length >= maxFolderFiles) throw new NnsizeError('limit', `The folder holds more than ${maxFolderFiles.toLocaleString('en-US')} files; nnsize reads folders of at most that many.`)
    if (entry.isFile) {
      const name = entry.fullPath.replace(/^\//, '')
      if (!accept(name)) return
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))
      out.push({ file, name })
    } else if (entry.isDirectory && depth <= maxDepth) {
      // a model folder and one level below it (`onnx/`, `original/`): not a whole disk
      const reader = (entry as FileSystemDirectoryEntry).createReader()
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject))
        if (batch.length === 0) break
        for (const child of batch) await walk(child, depth + 1)
      }
    }
  }
  for (const entry of entries) await walk(entry, 0)
  return out
}

/** Analyses weight files from their headers: one file, the files picked together, or a folder's files. */
export async function analyzeFiles(files: readonly NamedFile[]): Promise<WeightsAnalysis> {
  return analyzeWeights(files.map(({ file, name }) => blobReader(file, name)))
}

/** The message of a failure to read weight files: the core's own sentence, or what went wrong in the browser. */
export function weightsProblem(error: unknown): string {
  if (NnsizeError.isInstance(error)) return error.message
  return `The file could not be read: ${error instanceof Error ? error.message : String(error)}`
}
