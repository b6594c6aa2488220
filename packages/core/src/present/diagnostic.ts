import type { ErrorCode, NnsizeError, SourceSpan } from '../errors.js'
import type { FieldId } from '../request/fields.js'

/** A "did you mean" replacement an app can offer and apply. */
export interface Suggestion {
  /** The suggested text (`kernel_size`). */
  text: string
  /** The text it replaces (`kernal_size`): the name at the start of the error's span, or the whole span. */
  original: string
  /** Where the replacement goes in the source. */
  replace: SourceSpan
  /** The whole source with the replacement made. */
  source: string
}

/** The offending line of the source, with where to draw the caret. */
export interface Excerpt {
  /** 1-based line number. */
  line: number
  /** The line as shown: tabs as spaces, cut around the error with `…` when longer than 100 characters. */
  text: string
  /** The caret's first column in `text` (0-based) and its width (at least 1). */
  caretColumn: number
  caretWidth: number
}

/** An error ready to show: message, place, excerpt and fixes; apps only render it. */
export interface Diagnostic {
  /** The stable error code (`unknown-attribute`). */
  code: ErrorCode
  /** The message, the field named in the app's words when the error is about a request field. */
  message: string
  /** The request field the error is about, so that an app can show it there. */
  field: FieldId | undefined
  /** Where the text it points into came from (`model.txt`, `--optimizer`), `''` for the main input. */
  origin: string
  /** 1-based line and column of the span's start, when it has a place. */
  line: number | undefined
  column: number | undefined
  span: SourceSpan | undefined
  excerpt: Excerpt | undefined
  suggestions: Suggestion[]
}

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /** The app's name for a request field (the CLI's `` `--seq` ``); errors about a field then name it so. */
  fieldLabel?: ((field: FieldId) => string) | undefined
  /** Where the source came from, shown before the position (`model.txt`). */
  origin?: string | undefined
}

/** Widest excerpt line shown, in characters. */
const maxExcerptWidth = 100

/** The offending line of `source` with the caret under `span`. */
export function excerptOf(source: string, span: SourceSpan): Excerpt & { column: number } {
  const start = Math.max(0, Math.min(span.start, source.length))
  const end = Math.max(start, Math.min(span.end, source.length))
  const lineStart = source.lastIndexOf('\n', start - 1) + 1
  let lineEnd = source.indexOf('\n', start)
  if (lineEnd === -1) lineEnd = source.length
  let line = 1
  for (let i = source.indexOf('\n'); i !== -1 && i < lineStart; i = source.indexOf('\n', i + 1)) line++
  const column = start - lineStart
  let text = source.slice(lineStart, lineEnd).replace(/\t/g, ' ')
  let caretColumn = column
  if (text.length > maxExcerptWidth) {
    const from = Math.max(0, Math.min(column - 40, text.length - maxExcerptWidth))
    text = `${from > 0 ? '…' : ''}${text.slice(from, from + maxExcerptWidth)}${from + maxExcerptWidth < text.length ? '…' : ''}`
    caretColumn = column - from + (from > 0 ? 1 : 0)
  }
  const width = Math.max(1, Math.min(end, lineEnd) - start)
  return { line, text, caretColumn, caretWidth: Math.min(width, Math.max(1, text.length - caretColumn)), column: column + 1 }
}

/**
 * Replaces the name at the start of `span` (or the whole span when it holds no name) by `suggestion`:
 * `kernal_size=3` with `kernel_size` becomes `kernel_size=3`.
 */
export function applySuggestion(source: string, span: SourceSpan, suggestion: string): Suggestion {
  const text = source.slice(span.start, span.end)
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text)?.[0]
  const original = name ?? text
  const replace = { start: span.start, end: span.start + original.length }
  return { text: suggestion, original, replace, source: source.slice(0, replace.start) + suggestion + source.slice(replace.end) }
}

/**
 * Turns an error into a {@link Diagnostic} about `source` (the text its span points into): the message (with the
 * field named as the app names it), the line and column, the excerpt with its caret and the suggested fixes.
 */
export function diagnose(error: NnsizeError, source: string, options: DiagnoseOptions = {}): Diagnostic {
  const field = error.field as FieldId | undefined
  const message = field !== undefined && error.reason !== undefined && options.fieldLabel ? `${options.fieldLabel(field)} ${error.reason}` : error.message
  const span = error.span && source !== '' ? error.span : undefined
  const excerpt = span ? excerptOf(source, span) : undefined
  return {
    code: error.code,
    message,
    field,
    origin: options.origin ?? '',
    line: excerpt?.line,
    column: excerpt?.column,
    span,
    excerpt: excerpt ? { line: excerpt.line, text: excerpt.text, caretColumn: excerpt.caretColumn, caretWidth: excerpt.caretWidth } : undefined,
    suggestions: span ? error.suggestions.map((s) => applySuggestion(source, span, s)) : [],
  }
}

/** How {@link diagnosticLines} styles its parts (a terminal colours them; plain text leaves them). */
export interface DiagnosticStyle {
  header?: (text: string) => string
  caret?: (text: string) => string
}

/**
 * A diagnostic drawn the way compilers do: `error[code]: message`, the position, the offending line and a caret
 * under the span.
 *
 * ```
 * error[argument-value]: `in_channels` must be divisible by `groups` (got 30 and 4).
 *  --> 1:25
 *   |
 * 1 | nn.Conv2d(30, 64, 3, groups=4)
 *   |                             ^
 * ```
 */
export function diagnosticLines(d: Diagnostic, style: DiagnosticStyle = {}): string[] {
  const header = style.header ?? ((t: string) => t)
  const caret = style.caret ?? ((t: string) => t)
  const lines = [`${header(`error[${d.code}]:`)} ${d.message}`]
  const e = d.excerpt
  if (!e) return lines
  const pad = ' '.repeat(String(e.line).length)
  lines.push(`${pad}--> ${d.origin === '' ? '' : `${d.origin}:`}${e.line}:${d.column}`, `${pad} |`, `${e.line} | ${e.text}`, `${pad} | ${' '.repeat(e.caretColumn)}${caret('^'.repeat(e.caretWidth))}`)
  return lines
}

/**
 * {@link diagnosticLines} of an error about `source`, as one string. `source` is the text the span points into, or
 * the files of a program by path: an error in one of them (`span.file`) is shown as `file:line:column` with the line
 * from that file.
 */
export function formatErrorWithSource(error: NnsizeError, source: string | Readonly<Record<string, string>>): string {
  if (typeof source === 'string') return diagnosticLines(diagnose(error, source, error.span?.file === undefined ? {} : { origin: error.span.file })).join('\n')
  const file = error.span?.file
  if (file === undefined || !Object.hasOwn(source, file)) return diagnosticLines(diagnose(error, '', file === undefined ? {} : { origin: file })).concat(file === undefined ? [] : [` --> ${file}`]).join('\n')
  return diagnosticLines(diagnose(error, source[file]!, { origin: file })).join('\n')
}
