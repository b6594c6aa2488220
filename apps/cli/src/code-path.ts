/**
 * Tells bin/nnsize.cjs which path through the command this run takes (`input:program`, `output:json`), so that its
 * code cache is written again when it lacks the code of that path. A no-op where the launcher is not running it
 * (tests, or a launcher without its own cache).
 */
export function noteCodePath(path: string): void {
  const note = (globalThis as Record<symbol, unknown>)[Symbol.for('nnsize.noteCodePath')]
  if (typeof note === 'function') note(path)
}
