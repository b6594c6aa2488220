import { NnsizeError } from '../errors.js'

/**
 * Formats an error the way compilers do: the message, then the offending line with a
 * caret under the span. Shared by the CLI and the playground. `source` is the text the span
 * points into, or the files of a program by path: an error in one of them (`span.file`) is shown
 * as `file:line:column` with the line from that file.
 *
 * ```
 * error[argument-value]: `in_channels` must be divisible by `groups` (got 30 and 4).
 *  --> 1:25
 *   |
 * 1 | nn.Conv2d(30, 64, 3, groups=4)
 *   |                             ^
 * ```
 */
export function formatErrorWithSource(error: NnsizeError, sourceOrFiles: string | Readonly<Record<string, string>>): string {
  const header = `error[${error.code}]: ${error.message}`
  const span = error.span
  const file = span?.file
  let source: string
  if (typeof sourceOrFiles === 'string') source = sourceOrFiles
  else if (file !== undefined && Object.hasOwn(sourceOrFiles, file)) source = sourceOrFiles[file]!
  else return file === undefined ? header : `${header}\n --> ${file}`
  if (!span || source === '') return header
  const start = Math.max(0, Math.min(span.start, source.length))
  const end = Math.max(start, Math.min(span.end, source.length))
  const lineStart = source.lastIndexOf('\n', start - 1) + 1
  let lineEnd = source.indexOf('\n', start)
  if (lineEnd === -1) lineEnd = source.length
  const lineNumber = source.slice(0, lineStart).split('\n').length
  const column = start - lineStart
  const maxWidth = 100
  let line = source.slice(lineStart, lineEnd).replace(/\t/g, ' ')
  let caretColumn = column
  if (line.length > maxWidth) {
    const from = Math.max(0, Math.min(column - 40, line.length - maxWidth))
    line = `${from > 0 ? '…' : ''}${line.slice(from, from + maxWidth)}${from + maxWidth < line.length ? '…' : ''}`
    caretColumn = column - from + (from > 0 ? 1 : 0)
  }
  const width = Math.max(1, Math.min(end, lineEnd) - start)
  const gutter = String(lineNumber).length
  const pad = ' '.repeat(gutter)
  return [
    header,
    `${pad}--> ${file === undefined ? '' : `${file}:`}${lineNumber}:${column + 1}`,
    `${pad} |`,
    `${lineNumber} | ${line}`,
    `${pad} | ${' '.repeat(caretColumn)}${'^'.repeat(Math.min(width, Math.max(1, line.length - caretColumn)))}`,
  ].join('\n')
}
