import { decodeText } from './decode.js'
import { InputError, SourcedError, UsageError } from './errors.js'
import { byteLines, hasStdin, maxInputBytes, readFileBytes, resolveSource, splitLines, stdinChunks, takesAsPath } from './input.js'
import type { Source, StdinLike } from './input.js'

/**
 * One input of `--jsonl`: its line (1-based; 1 for an expression given as the argument), its text, and the source it
 * names (an expression, a model name, a file) or why it cannot be read. A line that cannot be read is judged on its
 * own: the lines around it are read as usual.
 */
export type JsonlItem = { line: number; input: string } & ({ source: Source; problem?: undefined } | { source?: undefined; problem: InputError })

/** An error as the core's `NnsizeError.toJSON` describes it. */
export interface ErrorJSON {
  code: string
  message: string
  start?: number | undefined
  end?: number | undefined
  suggestions?: string[] | undefined
}

/** The error of one `--jsonl` input as its JSON object carries it: `start` and `end` are null without a span. */
export interface JsonlErrorJSON {
  code: string
  message: string
  start: number | null
  end: number | null
  suggestions?: string[]
}

/**
 * The inputs of `--jsonl`, one per line, from standard input (no argument or `-`), from a file, or the argument
 * itself when it is an expression. Blank lines and `#` comments are skipped but counted. Each line is an input like
 * the positional argument: an expression, a model name, or the path of a file (relative to `io.cwd`) that is read.
 * At most {@link maxInputBytes} are read from a file, and from standard input per line (a longer line ends the run).
 */
export async function* jsonlItems(arg: string | undefined, io: { stdin: StdinLike; cwd: string }): AsyncGenerator<JsonlItem> {
  let lines: AsyncIterable<{ line: number; text?: string; problem?: InputError }>
  if (arg === undefined || arg === '-') {
    if ((arg === undefined && !hasStdin(io.stdin)) || io.stdin === undefined) {
      throw new UsageError('--jsonl reads one input per line from standard input or a file: printf "Linear(10, 20)\\n" | nnsize --jsonl')
    }
    lines = textLines(byteLines(stdinChunks(io.stdin), maxInputBytes), 'standard input')
  } else if (await takesAsPath(arg, io.cwd)) {
    lines = fileLines(await readFileBytes(arg, io.cwd, arg), `'${arg}'`)
  } else {
    yield { line: 1, input: arg, source: { text: arg, origin: '', json: arg.trimStart().startsWith('{') } }
    return
  }
  for await (const { line, text, problem } of lines) {
    if (problem !== undefined || text === undefined) {
      yield { line, input: text ?? '', problem: problem ?? new InputError(`line ${line} cannot be read`, 'binary-input') }
      continue
    }
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue
    if (text === '-') {
      yield { line, input: text, source: { text, origin: '', json: false } }
      continue
    }
    try {
      yield { line, input: text, source: await resolveSource(text, io) }
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      yield { line, input: text, problem: error }
    }
  }
}

/** Decodes lines of bytes one by one: a line that is not text becomes a problem of its own, shown as far as it reads. */
async function* textLines(lines: AsyncIterable<Uint8Array | undefined>, what: string): AsyncGenerator<{ line: number; text?: string; problem?: InputError }> {
  let line = 0
  for await (const bytes of lines) {
    line++
    if (bytes === undefined) {
      yield { line, problem: new InputError(`line ${line} of ${what} is longer than ${maxInputBytes / 1024 / 1024} MiB; nnsize stops reading there`, 'input-too-large') }
      return
    }
    try {
      const text = decodeText(bytes, `line ${line} of ${what}`)
      yield { line, text: text.endsWith('\r') ? text.slice(0, -1) : text }
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      yield { line, text: new TextDecoder().decode(bytes).replace(/\r$/, ''), problem: error }
    }
  }
}

/** A file's lines: UTF-16 (with its byte-order mark) is decoded whole, anything else line by line. */
async function* fileLines(bytes: Uint8Array, what: string): AsyncGenerator<{ line: number; text?: string; problem?: InputError }> {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
  if (!utf16) {
    yield* textLines(byteLines([bytes], maxInputBytes), what)
    return
  }
  for (const [index, text] of splitLines(decodeText(bytes, what)).entries()) yield { line: index + 1, text }
}

/**
 * The JSON object of an input that failed: the input, its line and the error (code, message, the span in the text it
 * names, suggestions). `describe` gives the JSON of a core error, undefined for anything else.
 */
export function jsonlError(item: JsonlItem, error: unknown, describe: (error: unknown) => ErrorJSON | undefined): { input: string; line: number; error: JsonlErrorJSON } {
  const where: ErrorJSON =
    (error instanceof SourcedError ? describe(error.error) : undefined) ??
    (error instanceof InputError ? { code: error.code, message: error.message } : undefined) ??
    describe(error) ?? { code: 'internal', message: error instanceof Error ? error.message : String(error) }
  return {
    input: item.input,
    line: item.line,
    error: { code: where.code, message: where.message, start: where.start ?? null, end: where.end ?? null, ...(where.suggestions ? { suggestions: where.suggestions } : {}) },
  }
}
