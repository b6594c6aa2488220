import { NnsizeError } from './errors.js'
import { fieldSpec, requestFields } from './request/fields.js'
import type { FieldId } from './request/fields.js'
import type { RawRequest } from './request/base.js'

/** Everything a shared link reproduces: the source and each request field as written. */
export type ShareState = RawRequest

/** The longest fragment {@link decodeShareState} accepts and {@link encodeShareState} writes, in characters. */
export const maxShareFragmentChars = 100_000

/** Ordered key/value pairs of a URL fragment (`URLSearchParams` is not part of the language, so the core has its own). */
class FragmentParams {
  private readonly entries: Array<[string, string]> = []
  set(key: string, value: string): void {
    this.entries.push([key, value])
  }
  get(key: string): string | null {
    return this.entries.find(([k]) => k === key)?.[1] ?? null
  }
  has(key: string): boolean {
    return this.entries.some(([k]) => k === key)
  }
  toString(): string {
    return this.entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
  }
  static parse(text: string): FragmentParams {
    const params = new FragmentParams()
    for (const part of text.split('&')) {
      if (part === '') continue
      const eq = part.indexOf('=')
      const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '))
      params.set(decode(eq === -1 ? part : part.slice(0, eq)), eq === -1 ? '' : decode(part.slice(eq + 1)))
    }
    return params
  }
}

/** The text of a raw value as a link holds it, or undefined when it is not given. */
function valueText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === false || value === '') return undefined
  return value === true ? 'true' : String(value)
}

/**
 * Encodes a state as a URL fragment (without `#`): `src=…&in=…`, each field under its stable key (see
 * `requestFields`). A state whose fragment would be longer than {@link maxShareFragmentChars} (which
 * {@link decodeShareState} refuses), or whose text cannot be written in a URL (an unpaired surrogate), is an
 * `option` error: nothing is written that the playground would not open.
 */
export function encodeShareState(state: ShareState): string {
  const params = new FragmentParams()
  for (const field of requestFields) {
    const text = valueText(field.id === 'source' ? (state.source ?? '') : state[field.id as Exclude<FieldId, 'source'>])
    if (text !== undefined || field.id === 'source') params.set(field.share, text ?? '')
  }
  let fragment: string
  try {
    fragment = params.toString()
  } catch {
    throw new NnsizeError('option', 'This state cannot be shared: its text holds an unpaired surrogate (half of a character), which a link cannot carry.', { field: 'source' })
  }
  if (fragment.length > maxShareFragmentChars) {
    throw new NnsizeError('limit', `This state is too large to share: its link would be ${fragment.length.toLocaleString('en-US')} characters long; links hold ${maxShareFragmentChars.toLocaleString('en-US')}.`, { field: 'source' })
  }
  return fragment
}

/**
 * Decodes a fragment made by {@link encodeShareState} (a leading `#` is allowed) into the raw fields it carries;
 * `readRequest` then checks each. Unknown keys are ignored; oversized or malformed fragments and a missing `src`
 * are `option` errors. Links written before the `mode` key carry the mode in their optimizer (training with one,
 * inference without) and the inference weight format under `prec`.
 */
export function decodeShareState(fragment: string): ShareState {
  if (typeof fragment !== 'string') throw new NnsizeError('option', 'The shared link must be text.')
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment
  if (text.length > maxShareFragmentChars) {
    throw new NnsizeError('option', `The shared link is ${text.length.toLocaleString('en-US')} characters long; the limit is ${maxShareFragmentChars.toLocaleString('en-US')}.`)
  }
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) {
    // The encoder cannot write such a state, so the decoder does not read one.
    throw new NnsizeError('option', 'The shared link is malformed: it holds an unpaired surrogate (half of a character).')
  }
  let params: FragmentParams
  try {
    params = FragmentParams.parse(text)
  } catch {
    throw new NnsizeError('option', 'The shared link is malformed.')
  }
  const source = params.get(fieldSpec.source.share)
  if (source === null) throw new NnsizeError('option', 'The shared link has no `src` (the model text).')
  const state: ShareState = { source }
  for (const field of requestFields) {
    if (field.id === 'source') continue
    const value = params.get(field.share)
    if (value !== null && value !== '') state[field.id as Exclude<FieldId, 'source'>] = value
  }
  if (!params.has(fieldSpec.mode.share) && requestFields.some((f) => f.group === 'memory' && params.has(f.share))) {
    state.mode = state.optimizer === undefined ? 'inference' : 'training'
    if (state.mode === 'inference' && state.precision !== undefined && state.weights === undefined) {
      state.weights = state.precision
      delete state.precision
    }
  }
  return state
}

/** The playground's public address. */
export const playgroundUrl = 'https://nnsize.github.io/nnsize/'

/** A link that opens the playground with this state (an `option` error when the state cannot be shared). */
export function shareUrl(state: ShareState, base: string = playgroundUrl): string {
  return `${base}#${encodeShareState(state)}`
}
