import type { Style } from './style.js'

/**
 * The escape sequences the command line's own styles write (bold, dim, colours and their resets): the only ones
 * that reach the terminal, and only when colour is on.
 */
const OWN_STYLE = /^\u001b\[(?:1|2|22|31|32|33|35|36|39)m/

/**
 * A control character written so that it can be read and does nothing: `\u001b`, `\u0007`, `\u009b`. The `\u` form
 * is also a valid escape inside JSON strings, so `--json` and `--jsonl` output stays JSON.
 */
function visible(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/**
 * Text made safe for a terminal: C0 and C1 control characters (escape sequences that clear the screen, set the
 * window title or move the cursor, carriage returns, bells) are written out as `\u001b`-style text; newlines and tabs
 * stay, and so do the style's own colour codes when colour is on. Everything the command line prints goes through here.
 */
export function escapeControl(text: string, keepStyles: boolean): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (ch, offset: number) => {
    if (keepStyles && ch === '\u001b' && OWN_STYLE.test(text.slice(offset, offset + 6))) return ch
    return visible(ch)
  })
}

/** A writer that passes everything through {@link escapeControl}. */
export function terminalSafe(out: { write(chunk: string): unknown }, style: Style): { write(chunk: string): unknown } {
  return { write: (chunk: string) => out.write(escapeControl(chunk, style.enabled)) }
}
