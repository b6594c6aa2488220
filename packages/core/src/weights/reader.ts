import { NnsizeError } from '../errors.js'

/**
 * Random access to the bytes of one file: a file on disk, a browser `File`, an HTTP resource read with range
 * requests, or bytes in memory. nnsize reads only headers and metadata through it.
 *
 * `read(offset, length)` must resolve to exactly `length` bytes starting at `offset` (nnsize never asks past
 * `size`). `name` is the file's name or its path relative to the folder the user gave (`model.safetensors`,
 * `Llama-3.1-8B/model-00001-of-00004.safetensors`): sets of files are matched by these names.
 */
export interface ByteReader {
  readonly name: string
  readonly size: number | bigint
  read(offset: number, length: number): Promise<Uint8Array>
}

/** A reader over bytes already in memory (tests, small files, a `fetch` body). */
export function bytesReader(name: string, bytes: Uint8Array): ByteReader {
  return {
    name,
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  }
}

/**
 * What nnsize needs of Node's `fs.promises.FileHandle` (structural: the core imports no Node module).
 *
 * @example
 * ```ts
 * import { open } from 'node:fs/promises'
 * const handle = await open('model.safetensors')
 * try {
 *   const { size } = await handle.stat()
 *   const analysis = await analyzeWeights(fileHandleReader(handle, 'model.safetensors', size))
 * } finally {
 *   await handle.close()
 * }
 * ```
 */
export interface FileHandleLike {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>
}

/** A reader over an open Node file handle (or anything shaped like one). */
export function fileHandleReader(handle: FileHandleLike, name: string, size: number | bigint): ByteReader {
  return {
    name,
    size,
    async read(offset, length) {
      const buffer = new Uint8Array(length)
      let done = 0
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done)
        if (bytesRead <= 0) break
        done += bytesRead
      }
      return done === length ? buffer : buffer.subarray(0, done)
    },
  }
}

/** What nnsize needs of a browser `Blob`/`File` (structural: the core uses no DOM type). */
export interface BlobLike {
  readonly size: number
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> }
}

/**
 * A reader over a browser `File` (or any `Blob`): each read is a `File.slice`, so nothing but the headers is
 * loaded, whatever the file's size. Pass `file.webkitRelativePath || file.name` as the name for folders.
 */
export function blobReader(blob: BlobLike, name: string): ByteReader {
  return {
    name,
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  }
}

/** What nnsize needs of `fetch` for range requests (structural: the core uses no DOM type). */
export type RangeFetch = (url: string, init: { headers: Record<string, string> }) => Promise<{ status: number; arrayBuffer(): Promise<ArrayBuffer> }>

/**
 * A reader over an HTTP(S) resource that answers range requests (Hugging Face, S3, any static server):
 * `size` comes from a `HEAD` request's `Content-Length` made by the caller.
 *
 * @example
 * ```ts
 * const url = 'https://huggingface.co/gpt2/resolve/main/model.safetensors'
 * const head = await fetch(url, { method: 'HEAD' })
 * const reader = rangeReader(url, Number(head.headers.get('content-length')), fetch)
 * ```
 */
export function rangeReader(url: string, size: number, fetchRange: RangeFetch, name: string = url.replace(/[?#].*$/, '').replace(/^.*\//, '')): ByteReader {
  return {
    name,
    size,
    async read(offset, length) {
      if (length === 0) return new Uint8Array(0)
      const response = await fetchRange(url, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } })
      // A server that ignores the range sends the whole file: refuse rather than download it.
      if (response.status !== 206 && !(response.status === 200 && offset === 0 && length === size)) {
        throw new NnsizeError('weights-format', `The server answered \`${response.status}\` to a range request for \`${name}\`; nnsize needs range requests (206) to read only the header.`)
      }
      const bytes = new Uint8Array(await response.arrayBuffer())
      return bytes.length > length ? bytes.subarray(0, length) : bytes
    },
  }
}
