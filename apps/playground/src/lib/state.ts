import { NnsizeError, decodeShareState, encodeShareState } from '@nnsize/core'
import type { ShareState } from '@nnsize/core'

/** What the page shows when the URL carries no state: the question nnsize was made to answer. */
export const defaultSource = 'Conv2d(128, 256, 3)'

/** A fresh copy of the state a first visit starts from. */
export function defaultState(): ShareState {
  return { source: defaultSource }
}

/** The state a URL fragment describes, and why it was set aside when it could not be read. */
export interface HashReading {
  state: ShareState
  /** Set when the fragment was present but unusable; the state is then the default one. */
  problem?: string
}

/**
 * Reads the page state from `location.hash`: every field as the link wrote it (the page checks each beside its
 * control). An empty fragment gives the default state; one the core refuses (too long, malformed, no `src`) gives
 * the default state and a message saying why. Never throws.
 */
export function readHash(hash: string): HashReading {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash
  if (fragment === '') return { state: defaultState() }
  try {
    return { state: withoutEmptyValues(decodeShareState(fragment)) }
  } catch (error) {
    const message = NnsizeError.isInstance(error) ? error.message : 'The shared link is malformed.'
    return { state: defaultState(), problem: message }
  }
}

/** The outcome of writing the state to a URL fragment. */
export type HashWriting = { ok: true; fragment: string } | { ok: false; problem: string }

/** Encodes the state as a URL fragment (without `#`), or says why it cannot be shared (the core refuses what {@link readHash} would). */
export function writeHash(state: ShareState): HashWriting {
  try {
    return { ok: true, fragment: encodeShareState(withoutEmptyValues(state)) }
  } catch (error) {
    if (NnsizeError.isInstance(error)) return { ok: false, problem: error.message }
    throw error
  }
}

/** Drops options left empty, so equal states encode to equal links. */
export function withoutEmptyValues(state: ShareState): ShareState {
  const out: ShareState = { source: state.source }
  for (const [key, value] of Object.entries(state) as Array<[keyof ShareState, ShareState[keyof ShareState]]>) {
    if (key === 'source' || value === undefined || value === null || value === '' || value === false) continue
    ;(out as unknown as Record<string, unknown>)[key] = value
  }
  return out
}

/** True when two states would give the same link. */
export function sameState(a: ShareState, b: ShareState): boolean {
  const written = (s: ShareState): string => {
    const w = writeHash(s)
    return w.ok ? w.fragment : `!${w.problem}${JSON.stringify(s)}`
  }
  return written(a) === written(b)
}

/** The name a pasted text goes by when it becomes the main file of a program (a model to build was chosen for it). */
export const pastedFileName = 'model.py'

/** The state without a program of files (its main file's path, its other files, the model to build): one text again. */
export function withoutProgram(state: ShareState): ShareState {
  const next: ShareState = { ...state }
  delete next.main
  delete next.files
  delete next.entry
  return next
}

/**
 * The state after a file (a `config.json`, a text file of statements) replaced the model: its input shape, and any
 * files and model to build, go with the old model.
 */
export function withLoadedSource(state: ShareState, source: string): ShareState {
  const next: ShareState = { ...withoutProgram(state), source }
  delete next.input
  return next
}

/**
 * The state after files replaced the model: the main file's text in the editor (`source`), the others by path, and
 * no model to build or input shape of the old model.
 */
export function withLoadedProgram(state: ShareState, program: { main: string; files: Readonly<Record<string, string>> }): ShareState {
  const next = withLoadedSource(state, program.files[program.main] ?? '')
  const others = Object.fromEntries(Object.entries(program.files).filter(([path]) => path !== program.main))
  return { ...next, main: program.main, ...(Object.keys(others).length > 0 ? { files: others } : {}) }
}

/**
 * The state with another file of its program as the main one: that file's text moves to the editor's `source`, and the
 * old main file joins the others. Unchanged when `path` is not one of the other files.
 */
export function withMainFile(state: ShareState, path: string): ShareState {
  if (state.main === undefined || !state.files || !Object.hasOwn(state.files, path)) return state
  const files = Object.fromEntries([...Object.entries(state.files).filter(([p]) => p !== path), [state.main, state.source]])
  return { ...state, source: state.files[path]!, main: path, files }
}

/** The paths of a state's files, the main file first, then the others in path order; [] for one text. */
export function filePaths(state: ShareState): string[] {
  if (state.main === undefined) return []
  return [state.main, ...Object.keys(state.files ?? {}).sort()]
}
