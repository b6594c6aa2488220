import { NnsizeError, decodeShareState, encodeShareState, maxShareFragmentChars } from '@nnsize/core'
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
 * Reads the page state from `location.hash`. An empty fragment gives the default state;
 * a hostile or malformed one (too long, bad numbers, no `src`) gives the default state and
 * a message saying why. Never throws.
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

/**
 * Encodes the state as a URL fragment (without `#`). A state too large to share gives a
 * message instead, since {@link readHash} would refuse it.
 */
export function writeHash(state: ShareState): HashWriting {
  const fragment = encodeShareState(withoutEmptyValues(state))
  if (fragment.length > maxShareFragmentChars) {
    return {
      ok: false,
      problem: `This input is too long to fit in a link (${fragment.length.toLocaleString('en-US')} characters encoded; links hold ${maxShareFragmentChars.toLocaleString('en-US')}).`,
    }
  }
  return { ok: true, fragment }
}

/** Drops options left empty, so equal states encode to equal links. */
export function withoutEmptyValues(state: ShareState): ShareState {
  const out: ShareState = { source: state.source }
  for (const [key, value] of Object.entries(state) as Array<[keyof ShareState, ShareState[keyof ShareState]]>) {
    if (key === 'source' || value === undefined || value === '') continue
    ;(out as unknown as Record<string, unknown>)[key] = value
  }
  return out
}

/** True when two states would give the same link. */
export function sameState(a: ShareState, b: ShareState): boolean {
  return encodeShareState(withoutEmptyValues(a)) === encodeShareState(withoutEmptyValues(b))
}
