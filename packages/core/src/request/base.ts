import { NnsizeError } from '../errors.js'
import type { ByteUnits } from '../format/bytes.js'
import { formatCount } from '../format/number.js'
import { defaultTorchVersion, torchVersions } from '../forward/torch-version.js'
import type { TorchVersion } from '../forward/torch-version.js'
import type { DeviceProfile } from '../forward/trace.js'
import { didYouMean, suggest } from '../suggest.js'
import { byteUnits, deviceProfiles } from './choices.js'
import type { AnalyzeOptions } from './analyze-options.js'
import { fieldError, forField } from './field-errors.js'
import { fieldLimits } from './fields.js'
import type { FieldId } from './fields.js'

// The fields every request has — what to analyse and how to show it — read without the memory planner's
// registries, so that a page can read them before it loads the planner.

/** One field's value as a command line, a form or a link gives it: text (numbers and booleans are accepted too). */
export type RawValue = string | number | boolean | null | undefined

/** A request as flags, form fields and links carry it: the source text and each field's raw value (empty: not given). */
export type RawRequest = { source: string } & { [K in Exclude<FieldId, 'source'>]?: RawValue }

/** What to size: today source text (an expression, statements, a model name or config.json text). */
export interface RequestSource {
  kind: 'text'
  text: string
}

/** The fields of a request besides its memory plan: what to analyse and how to show it. */
export interface BaseRequest {
  source: RequestSource
  /** Input shapes as written (`1,3,224,224`); checked against the model when it is analysed. */
  input: string | undefined
  device: DeviceProfile
  torch: TorchVersion
  units: ByteUnits
  /** Deepest module level in the tables; undefined: the app's default. */
  depth: number | undefined
}

/** Text of a raw value, undefined when it is not given (absent or empty). */
export function textOf(value: RawValue): string | undefined {
  if (value === undefined || value === null || value === false) return undefined
  if (value === true) return 'true'
  const text = String(value).trim()
  return text === '' ? undefined : text
}

export const shown = (text: string): string => `\`${text.length > 40 ? `${text.slice(0, 40)}…` : text}\``

export function whole(field: keyof typeof fieldLimits, value: string): number {
  const { min, max } = fieldLimits[field]
  const digits = value.replace(/_/g, '')
  const n = /^\d+$/.test(value.replace(/(\d)_(?=\d)/g, '$1')) ? Number(digits) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw fieldError(field, field, `must be a whole number from ${formatCount(min)} to ${formatCount(max)}, got ${shown(value)}.`)
  return n
}

export function choice<T extends string>(field: FieldId, value: string, allowed: readonly T[], aliases: Readonly<Record<string, T>> = {}): T {
  const key = value.toLowerCase()
  const found = allowed.find((a) => a.toLowerCase() === key) ?? aliases[key]
  if (found !== undefined) return found
  const suggestions = suggest(value, allowed)
  throw fieldError(field, field, `must be ${allowed.length === 2 ? `\`${allowed[0]}\` or \`${allowed[1]}\`` : `one of ${allowed.map((a) => `\`${a}\``).join(', ')}`}, got ${shown(value)}.${didYouMean(suggestions)}`, { suggestions })
}

/** Reads one raw field with `parse`, which throws an `option` error: the value, or undefined with the error in `problems`. */
export function readField<T>(raw: RawRequest, field: Exclude<FieldId, 'source'>, parse: (text: string) => T, problems: NnsizeError[]): T | undefined {
  const text = textOf(raw[field])
  if (text === undefined) return undefined
  try {
    return forField(field, () => parse(text))
  } catch (error) {
    if (!NnsizeError.isInstance(error)) throw error
    problems.push(error)
    return undefined
  }
}

/**
 * Reads the fields every request has (source, input, device, PyTorch release, units, depth) with the request's
 * choices and limits, keeping the valid ones: `problems` holds one `option` error per field that is not.
 */
export function readBaseRequest(raw: RawRequest): { request: BaseRequest; problems: NnsizeError[] } {
  if (typeof raw !== 'object' || raw === null) throw new NnsizeError('option', 'A request must be an object with the `source` text and its fields.')
  const problems: NnsizeError[] = []
  if (typeof raw.source !== 'string') problems.push(new NnsizeError('option', `The source must be text, got ${raw.source === null ? 'null' : typeof raw.source}.`, { field: 'source' }))
  const request: BaseRequest = {
    source: { kind: 'text', text: typeof raw.source === 'string' ? raw.source : '' },
    input: textOf(raw.input),
    device: readField(raw, 'device', (t) => choice('device', t, deviceProfiles), problems) ?? 'cuda',
    torch: readField(raw, 'torch', (t) => choice('torch', t, torchVersions), problems) ?? defaultTorchVersion,
    units: readField(raw, 'units', (t) => choice('units', t, byteUnits), problems) ?? 'iec',
    depth: readField(raw, 'depth', (t) => whole('depth', t), problems),
  }
  return { request, problems }
}

/** The options `analyze` takes for this request. */
export function analyzeOptionsOf(request: BaseRequest): AnalyzeOptions {
  return { input: request.input, device: request.device, torch: request.torch }
}

