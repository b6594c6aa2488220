import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { decodeText } from './decode.js'
import { InputError, UsageError } from './errors.js'
import type { PythonProgram } from './python-input.js'
import { weightsExtension } from './weights-input.js'

export { decodeText }

/** Where the text to analyse came from. */
export interface Source {
  /** The text: an expression, statements, or a `config.json` document. */
  text: string
  /** Shown in error positions: the file path, `<stdin>`, or `''` for the command-line argument. */
  origin: string
  /** True when the text is a JSON document (a `.json` file or text starting with `{`). */
  json: boolean
  /** A Python model file or folder read as a program of files (`text` is then its main file's text). */
  program?: PythonProgram | undefined
}

/** Standard input as the CLI sees it: text (tests), a stream (a real process), or nothing. */
export type StdinLike = string | (AsyncIterable<Uint8Array | string> & { isTTY?: boolean | undefined }) | undefined

/** Largest file, standard input (all of it, or one `--jsonl` line of it) that nnsize reads, in bytes. */
export const maxInputBytes = 16 * 1024 * 1024

const maxInputMiB = maxInputBytes / 1024 / 1024

/** True when standard input has data to offer (a pipe or a file, not a terminal). */
export function hasStdin(stdin: StdinLike): boolean {
  if (stdin === undefined) return false
  if (typeof stdin === 'string') return true
  return stdin.isTTY !== true
}

/** Standard input's chunks as bytes. */
export async function* stdinChunks(stdin: Exclude<StdinLike, undefined>): AsyncGenerator<Uint8Array> {
  if (typeof stdin === 'string') {
    yield new TextEncoder().encode(stdin)
    return
  }
  for await (const chunk of stdin) yield typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
}

/** Reads all of standard input as text, stopping with an error once more than {@link maxInputBytes} have come. */
export async function readStdin(stdin: StdinLike): Promise<string> {
  if (stdin === undefined) throw new UsageError('no standard input to read: pipe text into nnsize or give the input as an argument')
  if (typeof stdin === 'string') return stdin
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const bytes of stdinChunks(stdin)) {
    size += bytes.byteLength
    if (size > maxInputBytes) throw new InputError(`standard input is larger than ${maxInputMiB} MiB, the most nnsize reads`, 'input-too-large')
    chunks.push(bytes)
  }
  return decodeText(Buffer.concat(chunks), 'standard input')
}

/**
 * Splits chunks of bytes into lines (without `\n`) as they arrive. A line longer than `maxLineBytes` is not kept: it
 * comes back as `undefined` and ends the lines, since nothing after it can be trusted to be line-oriented text.
 */
export async function* byteLines(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<Uint8Array | undefined> {
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  for await (const chunk of chunks) {
    let start = 0
    let newline = chunk.indexOf(0x0a)
    while (newline !== -1) {
      if (pendingBytes + newline - start > maxLineBytes) {
        yield undefined
        return
      }
      pending.push(chunk.subarray(start, newline))
      yield pending.length === 1 ? pending[0]! : Buffer.concat(pending)
      pending = []
      pendingBytes = 0
      start = newline + 1
      newline = chunk.indexOf(0x0a, start)
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start))
      pendingBytes += chunk.length - start
      if (pendingBytes > maxLineBytes) {
        yield undefined
        return
      }
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending)
}

/** The lines of a text, without their line endings. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''))
  if (lines.at(-1) === '') lines.pop()
  return lines
}

/**
 * Text that can only be a path: it starts with `/`, `./`, `../` or `~`, holds a backslash, ends with `/` or has a
 * file extension. (`org/name` may be a Hugging Face id: it is a path only when such a file exists.)
 */
export function looksLikePath(arg: string): boolean {
  if (/[()\n=]/.test(arg)) return false
  return /^(\/|\.{1,2}[/\\]|~)/.test(arg) || arg.includes('\\') || arg.endsWith('/') || /\.(json|txt|py|nnsize)$/i.test(arg) || weightsExtension.test(arg)
}

/** Reads a file as text, with one clear line for each way it can fail. */
export async function readSourceFile(path: string, cwd: string, shown: string): Promise<string> {
  return decodeText(await readFileBytes(path, cwd, shown), `'${shown}'`)
}

/**
 * Reads a file's bytes, at most {@link maxInputBytes} of them: the size a file reports is checked first, and the
 * bytes actually read are counted, so a device (`/dev/zero`, `/dev/urandom`, whose size is 0) or a growing file
 * stops with an error instead of being read forever.
 */
export async function readFileBytes(path: string, cwd: string, shown: string): Promise<Uint8Array> {
  // synchronous reads of what Node has loaded already: node:fs/promises would load, and compile, more of Node
  let fd: number
  // A FIFO opens without waiting for a writer (a plain open would block until one comes); its reads wait for data.
  let pipe = false
  try {
    pipe = statSync(resolve(cwd, path)).isFIFO()
    fd = openSync(resolve(cwd, path), pipe ? constants.O_RDONLY | constants.O_NONBLOCK : constants.O_RDONLY)
  } catch (error) {
    throw new InputError(fileProblem(shown, error), 'unreadable')
  }
  try {
    const info = fstatSync(fd)
    if (info.isDirectory()) throw new InputError(`cannot read '${shown}': it is a directory without weight files; give a model folder or weight file, a config.json, a text file of statements or an expression`, 'unreadable')
    if (info.size > maxInputBytes) throw new InputError(`cannot read '${shown}': it is ${(info.size / 1024 / 1024).toFixed(1)} MiB, more than the ${maxInputMiB} MiB nnsize reads`, 'input-too-large')
    const chunks: Uint8Array[] = []
    let size = 0
    for (;;) {
      // one byte past the limit tells a file of exactly the limit from a longer one
      const buffer = Buffer.allocUnsafe(Math.min(1024 * 1024, maxInputBytes + 1 - size))
      let read: number
      try {
        read = readSync(fd, buffer, 0, buffer.length, null)
      } catch (error) {
        // a pipe whose writer has not written yet
        if (pipe && (error as { code?: string }).code === 'EAGAIN') {
          await new Promise((done) => setTimeout(done, 5))
          continue
        }
        throw new InputError(fileProblem(shown, error), 'unreadable')
      }
      if (read === 0) break
      size += read
      if (size > maxInputBytes) throw new InputError(`cannot read '${shown}': it is larger than the ${maxInputMiB} MiB nnsize reads`, 'input-too-large')
      chunks.push(buffer.subarray(0, read))
    }
    return Buffer.concat(chunks)
  } finally {
    closeSync(fd)
  }
}

function fileProblem(shown: string, error: unknown): string {
  const code = (error as { code?: string }).code
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : code === 'ENOTDIR' ? 'a part of the path is not a directory' : (error as Error).message
  return `cannot read '${shown}': ${reason}`
}

/**
 * Finds the text to analyse: `-` or no argument reads standard input; an argument naming an
 * existing file (or written like a path) reads that file; anything else is the expression itself.
 */
export async function resolveSource(arg: string | undefined, io: { stdin: StdinLike; cwd: string }): Promise<Source> {
  if (arg === undefined || arg === '-') {
    if (arg === undefined && !hasStdin(io.stdin)) {
      throw new UsageError('no input: give an expression, a model name or a file, e.g. nnsize "Conv2d(128, 256, 3)" (see nnsize --help)')
    }
    const text = await readStdin(io.stdin)
    return { text, origin: '<stdin>', json: text.trimStart().startsWith('{') }
  }
  if (await takesAsPath(arg, io.cwd)) {
    const text = await readSourceFile(arg, io.cwd, arg)
    return { text, origin: arg, json: /\.json$/i.test(arg) || text.trimStart().startsWith('{') }
  }
  return { text: arg, origin: '', json: arg.trimStart().startsWith('{') }
}

/** Whether an argument (or a `--jsonl` line) names a file: it is written like a path, or it is a name that an existing file has. */
export async function takesAsPath(arg: string, cwd: string): Promise<boolean> {
  return looksLikePath(arg) || (!/[()\n=,\s]/.test(arg) && (await isFile(arg, cwd)))
}

async function isFile(path: string, cwd: string): Promise<boolean> {
  if (path.length > 4096) return false
  try {
    return statSync(resolve(cwd, path)).isFile()
  } catch {
    return false
  }
}
