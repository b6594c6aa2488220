/** ANSI styles, or identity functions when colour is off. */
export interface Style {
  readonly enabled: boolean
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
  magenta(text: string): string
}

const wrap =
  (open: number, close: number) =>
  (text: string): string =>
    text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`

const ON: Style = {
  enabled: true,
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
  magenta: wrap(35, 39),
}

const plain = (text: string): string => text
const OFF: Style = { enabled: false, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain, magenta: plain }

/**
 * Colour on a terminal only: `--no-color` and a non-empty `NO_COLOR` turn it off, `--color` and
 * `FORCE_COLOR` (any value but `0` or `false`) turn it on even in a pipe. `TERM=dumb` is plain.
 */
export function chooseStyle(options: { color?: boolean | undefined; env: Record<string, string | undefined>; isTTY: boolean }): Style {
  if (options.color === false) return OFF
  if (options.color === true) return ON
  const force = options.env['FORCE_COLOR']
  if (force !== undefined && force !== '0' && force !== 'false') return ON
  const noColor = options.env['NO_COLOR']
  if (noColor !== undefined && noColor !== '') return OFF
  if (options.env['TERM'] === 'dumb') return OFF
  return options.isTTY ? ON : OFF
}
