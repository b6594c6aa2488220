import { InputError, UsageError } from './errors.js'

/** Where the text to analyse came from. */
export interface Source {
  /** The text: an expression, statements, or a `config.json` document. */
  text: string
  /** Shown in error positions: the file path, `<stdin>`, or `''` for the command-line argument. */
  origin: string
  /** True when the text is a JSON document (a `.json` file or text starting with `{`). */
  json: boolean
}

/** Standard input as the CLI sees it: text (tests), a stream (a real process), or nothing. */
export type StdinLike = string | (AsyncIterable<Uint8Array | string> & { isTTY?: boolean | undefined }) | undefined

/** Largest file or standard input read, in bytes. */
export const maxInputBytes = 16 * 1024 * 1024

/** True when standard input has data to offer (a pipe or a file, not a terminal). */
export function hasStdin(stdin: StdinLike): boolean {
  if (stdin === undefined) return false
  if (typeof stdin === 'string') return true
  return stdin.isTTY !== true
}

/** Decodes bytes as UTF-8 text; binary data (NUL bytes, invalid UTF-8) is an {@link InputError}. */
export function decodeText(bytes: Uint8Array, what: string): string {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new InputError(`${what} is binary data, not text: give an expression, a text file of statements or a config.json`)
  }
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) throw new InputError(`${what} is binary data, not text: give an expression, a text file of statements or a config.json`)
  return text.startsWith('\ufeff') ? text.slice(1) : text
}

/** Reads all of standard input as text. */
export async function readStdin(stdin: StdinLike): Promise<string> {
  if (stdin === undefined) throw new UsageError('no standard input to read: pipe text into nnsize or give the input as an argument')
  if (typeof stdin === 'string') return stdin
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
    size += bytes.byteLength
    if (size > maxInputBytes) throw new InputError(`standard input is larger than ${maxInputBytes / 1024 / 1024} MiB, the most nnsize reads`)
    chunks.push(bytes)
  }
  return decodeText(Buffer.concat(chunks), 'standard input')
}

/** Lines of standard input as they arrive, without their line endings. */
export async function* stdinLines(stdin: StdinLike): AsyncGenerator<string> {
  if (stdin === undefined) throw new UsageError('no standard input to read: pipe one expression per line into nnsize --jsonl')
  if (typeof stdin === 'string') {
    yield* splitLines(stdin)
    return
  }
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let pending = ''
  for await (const chunk of stdin) {
    let text: string
    try {
      text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    } catch {
      throw new InputError('standard input is binary data, not text: give one expression per line')
    }
    if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) throw new InputError('standard input is binary data, not text: give one expression per line')
    pending += text
    let newline = pending.indexOf('\n')
    while (newline !== -1) {
      yield pending.slice(0, newline).replace(/\r$/, '')
      pending = pending.slice(newline + 1)
      newline = pending.indexOf('\n')
    }
    if (pending.length > maxInputBytes) throw new InputError(`a line of standard input is longer than ${maxInputBytes / 1024 / 1024} MiB`)
  }
  if (pending !== '') yield pending.replace(/\r$/, '')
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
  return /^(\/|\.{1,2}[/\\]|~)/.test(arg) || arg.includes('\\') || arg.endsWith('/') || /\.(json|txt|py|nnsize)$/i.test(arg)
}

/** Reads a file as text, with one clear line for each way it can fail. */
export async function readSourceFile(path: string, cwd: string, shown: string): Promise<string> {
  const { stat, readFile } = await import('node:fs/promises')
  const { resolve } = await import('node:path')
  const full = resolve(cwd, path)
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(full)
  } catch (error) {
    throw new InputError(fileProblem(shown, error))
  }
  if (info.isDirectory()) throw new InputError(`cannot read '${shown}': it is a directory; give a config.json, a text file of statements or an expression`)
  if (info.size > maxInputBytes) throw new InputError(`cannot read '${shown}': it is ${(info.size / 1024 / 1024).toFixed(1)} MiB, more than the ${maxInputBytes / 1024 / 1024} MiB nnsize reads`)
  let bytes: Uint8Array
  try {
    bytes = await readFile(full)
  } catch (error) {
    throw new InputError(fileProblem(shown, error))
  }
  return decodeText(bytes, `'${shown}'`)
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
  if (looksLikePath(arg) || (!/[()\n=,\s]/.test(arg) && (await isFile(arg, io.cwd)))) {
    const text = await readSourceFile(arg, io.cwd, arg)
    return { text, origin: arg, json: /\.json$/i.test(arg) || text.trimStart().startsWith('{') }
  }
  return { text: arg, origin: '', json: arg.trimStart().startsWith('{') }
}

async function isFile(path: string, cwd: string): Promise<boolean> {
  if (path.length > 4096) return false
  const { stat } = await import('node:fs/promises')
  const { resolve } = await import('node:path')
  try {
    return (await stat(resolve(cwd, path))).isFile()
  } catch {
    return false
  }
}
