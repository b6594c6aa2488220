import { NnsizeError } from './errors.js'

/** Everything a shared link reproduces: the input and the options chosen. */
export interface ShareState {
  /** The expression, statements, model name or config JSON text. */
  source: string
  /** Input shapes as typed (`1,3,224,224`). */
  input?: string | undefined
  /** Activation profile. */
  device?: 'cpu' | 'cuda' | undefined
  /** Optimizer expression (`AdamW(lr=1e-4)`). */
  optimizer?: string | undefined
  /** Precision mode name. */
  precision?: string | undefined
  batch?: number | undefined
  seq?: number | undefined
  gpus?: number | undefined
  /** ZeRO stage or FSDP mode. */
  zero?: string | undefined
  /** Target accelerator name. */
  gpu?: string | undefined
  /** LoRA settings as typed (`r=16,alpha=32,target=q_proj|v_proj`). */
  lora?: string | undefined
  /** Activation checkpointing mode. */
  checkpointing?: string | undefined
  /** Activation bytes of one sample as typed (`1.5GiB`), for a model without a forward trace. */
  activations?: string | undefined
  /** Depth of the module table. */
  depth?: number | undefined
  /** Byte units: 1024-based or 1000-based. */
  units?: 'iec' | 'si' | undefined
}

/** The longest fragment {@link decodeShareState} accepts, in characters. */
export const maxShareFragmentChars = 100_000

const STRING_KEYS = { input: 'in', optimizer: 'opt', precision: 'prec', zero: 'zero', gpu: 'gpu', lora: 'lora', checkpointing: 'ckpt', activations: 'act' } as const
const NUMBER_KEYS = { batch: 'b', seq: 'seq', gpus: 'gpus', depth: 'depth' } as const

/** Ordered key/value pairs of a URL fragment (`URLSearchParams` is not part of the language, so the core has its own). */
class FragmentParams {
  private readonly entries: Array<[string, string]> = []
  set(key: string, value: string): void {
    this.entries.push([key, value])
  }
  get(key: string): string | null {
    return this.entries.find(([k]) => k === key)?.[1] ?? null
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

/** Encodes a state as a URL fragment (without `#`): `src=…&in=…`. Stable across versions. */
export function encodeShareState(state: ShareState): string {
  const params = new FragmentParams()
  params.set('src', state.source)
  for (const [field, key] of Object.entries(STRING_KEYS)) {
    const value = state[field as keyof typeof STRING_KEYS]
    if (value !== undefined && value !== '') params.set(key, value)
  }
  for (const [field, key] of Object.entries(NUMBER_KEYS)) {
    const value = state[field as keyof typeof NUMBER_KEYS]
    if (value !== undefined) params.set(key, String(value))
  }
  if (state.device) params.set('dev', state.device)
  if (state.units) params.set('units', state.units)
  return params.toString()
}

/**
 * Decodes a fragment made by {@link encodeShareState} (a leading `#` is allowed). Unknown keys are
 * ignored; malformed values, oversized fragments and a missing `src` are `option` errors.
 */
export function decodeShareState(fragment: string): ShareState {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment
  if (text.length > maxShareFragmentChars) {
    throw new NnsizeError('option', `The shared link is ${text.length.toLocaleString('en-US')} characters long; the limit is ${maxShareFragmentChars.toLocaleString('en-US')}.`)
  }
  let params: FragmentParams
  try {
    params = FragmentParams.parse(text)
  } catch {
    throw new NnsizeError('option', 'The shared link is malformed.')
  }
  const source = params.get('src')
  if (source === null) throw new NnsizeError('option', 'The shared link has no `src` (the model text).')
  const state: ShareState = { source }
  for (const [field, key] of Object.entries(STRING_KEYS)) {
    const value = params.get(key)
    if (value !== null) state[field as keyof typeof STRING_KEYS] = value
  }
  for (const [field, key] of Object.entries(NUMBER_KEYS)) {
    const value = params.get(key)
    if (value === null) continue
    if (!/^\d{1,9}$/.test(value) || Number(value) === 0 && field !== 'depth') {
      throw new NnsizeError('option', `\`${key}\` in the shared link must be a positive integer, got \`${value.slice(0, 20)}\`.`)
    }
    state[field as keyof typeof NUMBER_KEYS] = Number(value)
  }
  const device = params.get('dev')
  if (device !== null) {
    if (device !== 'cpu' && device !== 'cuda') throw new NnsizeError('option', `\`dev\` in the shared link must be \`cpu\` or \`cuda\`, got \`${device.slice(0, 20)}\`.`)
    state.device = device
  }
  const units = params.get('units')
  if (units !== null) {
    if (units !== 'iec' && units !== 'si') throw new NnsizeError('option', `\`units\` in the shared link must be \`iec\` or \`si\`, got \`${units.slice(0, 20)}\`.`)
    state.units = units
  }
  return state
}

/** The playground's public address. */
export const playgroundUrl = 'https://nnsize.github.io/nnsize/'

/** A link that opens the playground with this state. */
export function shareUrl(state: ShareState, base: string = playgroundUrl): string {
  return `${base}#${encodeShareState(state)}`
}
