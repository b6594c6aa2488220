import { NnsizeError } from './errors.js'
import { fieldSpec, requestFields } from './request/fields.js'
import type { FieldId } from './request/fields.js'
import type { RawRequest } from './request/base.js'
import type { Analysis } from './analysis.js'
import { normalizePath } from './interpret/imports.js'

/**
 * Everything a shared link reproduces: the source and each request field as written. For a Python program of several
 * files, `source` is the text of its `main` file (by path) and `files` the texts of the others, by path.
 */
export type ShareState = RawRequest & {
  /** The path of the main file whose text is `source`, for a program of files (`unet/unet_model.py`). */
  main?: string | undefined
  /** The program's other files, by path (the main file is `source`). */
  files?: Readonly<Record<string, string>> | undefined
}

/** The key of a link that holds the main file's path; each other file is under `file:` and its path. */
const mainKey = 'main'
const filePrefix = 'file:'

/** Most files one shared link carries. */
export const maxShareFiles = 200

/** The longest fragment {@link decodeShareState} accepts and {@link encodeShareState} writes, in characters. */
export const maxShareFragmentChars = 100_000

/** Ordered key/value pairs of a URL fragment (`URLSearchParams` is not part of the language, so the core has its own). */
class FragmentParams {
  readonly entries: Array<[string, string]> = []
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
  const files = Object.entries(state.files ?? {})
  if (typeof state.main === 'string' && state.main !== '') params.set(mainKey, state.main)
  if (files.length > maxShareFiles) {
    throw new NnsizeError('limit', `These ${files.length.toLocaleString('en-US')} files are too many to share: a link carries at most ${maxShareFiles.toLocaleString('en-US')}.`, { field: 'source' })
  }
  for (const [path, text] of files) params.set(`${filePrefix}${path}`, text)
  let fragment: string
  try {
    fragment = params.toString()
  } catch {
    throw new NnsizeError('option', 'This state cannot be shared: its text holds an unpaired surrogate (half of a character), which a link cannot carry.', { field: 'source' })
  }
  if (fragment.length > maxShareFragmentChars) {
    const length = fragment.length.toLocaleString('en-US')
    const most = maxShareFragmentChars.toLocaleString('en-US')
    throw new NnsizeError(
      'limit',
      files.length > 0
        ? `These ${files.length + 1} files are too large to share as a link: it would be ${length} characters long; links hold ${most}. Nothing was uploaded.`
        : `This state is too large to share: its link would be ${length} characters long; links hold ${most}.`,
      { field: 'source' },
    )
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
  const main = params.get(mainKey)
  if (main !== null && main !== '') state.main = main
  const files = new Map<string, string>()
  let count = 0
  for (const [key, value] of params.entries) {
    if (!key.startsWith(filePrefix)) continue
    const path = key.slice(filePrefix.length)
    if (path === '' || path === state.main || files.has(path)) throw new NnsizeError('option', `The shared link is malformed: it holds the file \`${path}\` twice, or a file without a name.`)
    if (++count > maxShareFiles) throw new NnsizeError('option', `The shared link holds more than ${maxShareFiles.toLocaleString('en-US')} files, the limit.`)
    files.set(path, value)
  }
  if (count > 0) {
    if (state.main === undefined) throw new NnsizeError('option', 'The shared link holds files but not which one is the main file (`main`).')
    state.files = Object.fromEntries(files)
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

/**
 * The state a link shares for the program of files an analysis read: the main file's text as `source` and its path as
 * `main`, the other files it read (the files it imported, not every file it was given) by path, and the model to build
 * as `entry`; the other fields as `raw` holds them. Paths are written below the program's import root, which a link
 * does not carry. `raw` itself when the analysis is not of a program.
 */
export function programShareState(analysis: Pick<Analysis, 'program' | 'filesRead'>, raw: RawRequest): ShareState {
  const program = analysis.program
  if (!program) return raw
  // a link has no import root: each path is written below it, as the importer saw it
  const root = normalizePath(program.root ?? '')
  const below = (path: string): string => {
    const normal = normalizePath(path)
    return root !== '' && normal.startsWith(`${root}/`) ? normal.slice(root.length + 1) : normal
  }
  const read = (analysis.filesRead ?? Object.keys(program.files)).filter((path) => path !== program.main && Object.hasOwn(program.files, path))
  const files = Object.fromEntries(read.map((path) => [below(path), program.files[path]!]))
  const entry = program.entry?.trim() ?? ''
  return {
    ...raw,
    source: program.files[program.main] ?? '',
    main: below(program.main),
    ...(entry === '' ? {} : { entry }),
    ...(read.length > 0 ? { files } : {}),
  }
}

/** The playground's public address. */
export const playgroundUrl = 'https://nnsize.github.io/nnsize/'

/** A link that opens the playground with this state (an `option` error when the state cannot be shared). */
export function shareUrl(state: ShareState, base: string = playgroundUrl): string {
  return `${base}#${encodeShareState(state)}`
}
