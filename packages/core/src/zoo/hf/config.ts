import { NnsizeError } from '../../errors.js'
import { limits } from '../../limits.js'
import { isJSONObject } from './json.js'
import type { JSONObject, JSONValue } from './json.js'

/** Largest size nnsize accepts for one dimension read from a config (a vocabulary, a width). */
export const maxConfigDimension = 2 ** 31 - 1

/** Most blocks (layers) or experts one config may ask for. */
export const maxConfigCount = 100_000

function show(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object' && value !== null) return 'an object'
  return String(value)
}

/**
 * Typed, checked reads of a `config.json` object. Only own keys are read, so `__proto__` or
 * `constructor` in the file are plain keys. Every bad value is a `config` error naming the key.
 */
export class HFConfig {
  /** The raw object (own keys only are ever read). */
  readonly raw: JSONObject
  /** The `model_type` the values are read for, named in messages. */
  readonly modelType: string

  constructor(raw: JSONObject, modelType: string) {
    this.raw = raw
    this.modelType = modelType
  }

  /** The value of the first of `keys` present and not null. */
  get(...keys: string[]): { key: string; value: JSONValue } | undefined {
    for (const key of keys) {
      if (Object.hasOwn(this.raw, key) && this.raw[key] !== null && this.raw[key] !== undefined) return { key, value: this.raw[key]! }
    }
    return undefined
  }

  /** True when the config has `key` at all, even as null. */
  present(key: string): boolean {
    return Object.hasOwn(this.raw, key)
  }

  /** True when `key` is present and not null. */
  has(key: string): boolean {
    return this.get(key) !== undefined
  }

  private fail(key: string, message: string): never {
    throw new NnsizeError('config', `\`${key}\` ${message} (model type \`${this.modelType}\`).`)
  }

  private checkInt(key: string, value: JSONValue, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(key, `must be an integer, got \`${show(value)}\``)
    if (value < min) this.fail(key, `must be ${min === 0 ? 'non-negative' : `at least ${min}`}, got \`${value}\``)
    if (value > max) this.fail(key, `is \`${value}\`, beyond the largest supported value ${max.toLocaleString('en-US')}`)
    return value
  }

  /**
   * An integer: the first of `keys` present, else `fallback`. Without a fallback a missing key is an error.
   * Sizes are at least 1 unless `min` says otherwise.
   */
  int(keys: string | string[], fallback?: number, options: { min?: number; max?: number } = {}): number {
    const names = typeof keys === 'string' ? [keys] : keys
    const found = this.get(...names)
    const max = options.max ?? maxConfigDimension
    if (found) return this.checkInt(found.key, found.value, options.min ?? 1, max)
    if (fallback === undefined) {
      throw new NnsizeError('config', `The config has no \`${names[0]}\`, which a \`${this.modelType}\` model needs.`)
    }
    return fallback
  }

  /** A count of blocks or experts (bounded by {@link maxConfigCount}). */
  count(keys: string | string[], fallback?: number, min = 1): number {
    return this.int(keys, fallback, { min, max: maxConfigCount })
  }

  /** An integer that may be absent or null. */
  optionalInt(keys: string | string[], options: { min?: number; max?: number } = {}): number | undefined {
    const found = this.get(...(typeof keys === 'string' ? [keys] : keys))
    if (!found) return undefined
    return this.checkInt(found.key, found.value, options.min ?? 1, options.max ?? maxConfigDimension)
  }

  /** A boolean (`0`/`1` accepted, as Python's truthiness would). */
  bool(key: string, fallback: boolean): boolean {
    const found = this.get(key)
    if (!found) return fallback
    if (typeof found.value === 'boolean') return found.value
    if (found.value === 0 || found.value === 1) return found.value === 1
    return this.fail(key, `must be \`true\` or \`false\`, got \`${show(found.value)}\``)
  }

  /** A string. */
  str(key: string, fallback: string): string {
    const found = this.get(key)
    if (!found) return fallback
    if (typeof found.value !== 'string') this.fail(key, `must be a string, got \`${show(found.value)}\``)
    return found.value
  }

  /** A finite number. */
  float(keys: string | string[], fallback: number): number {
    const found = this.get(...(typeof keys === 'string' ? [keys] : keys))
    if (!found) return fallback
    if (typeof found.value !== 'number' || !Number.isFinite(found.value)) this.fail(found.key, `must be a number, got \`${show(found.value)}\``)
    return found.value
  }

  /** A list of integers (e.g. `mlp_only_layers`). */
  ints(key: string): number[] {
    const found = this.get(key)
    if (!found) return []
    if (!Array.isArray(found.value)) this.fail(key, `must be a list of integers, got \`${show(found.value)}\``)
    if (found.value.length > limits.maxListLength) this.fail(key, 'is too long')
    return found.value.map((v) => this.checkInt(key, v, 0, maxConfigDimension))
  }

  /** A list of strings (`layer_types`), or undefined when absent or null. */
  strings(key: string): string[] | undefined {
    const found = this.get(key)
    if (!found) return undefined
    if (!Array.isArray(found.value) || found.value.some((v) => typeof v !== 'string')) this.fail(key, `must be a list of strings, got \`${show(found.value)}\``)
    if (found.value.length > limits.maxListLength) this.fail(key, 'is too long')
    return found.value as string[]
  }

  /** A nested config object (`text_config`), or undefined. */
  object(key: string): JSONObject | undefined {
    const found = this.get(key)
    if (!found) return undefined
    if (!isJSONObject(found.value)) this.fail(key, `must be an object, got \`${show(found.value)}\``)
    return found.value
  }

  /**
   * The attention head size: `head_dim` when present, else `hidden / heads`, which must divide
   * exactly. Returns the rule used, for the KV-cache explanation.
   */
  headDim(hidden: { key: string; value: number }, heads: { key: string; value: number }, headDimKey: string | null = 'head_dim'): { headDim: number; rule: string } {
    if (headDimKey !== null) {
      const explicit = this.optionalInt(headDimKey)
      if (explicit !== undefined) return { headDim: explicit, rule: `config.${headDimKey}` }
    }
    if (hidden.value % heads.value !== 0) {
      throw new NnsizeError(
        'config',
        `\`${hidden.key}\` (${hidden.value}) is not divisible by \`${heads.key}\` (${heads.value})${headDimKey ? `, and the config has no \`${headDimKey}\`` : ''} (model type \`${this.modelType}\`).`,
      )
    }
    return { headDim: hidden.value / heads.value, rule: `${hidden.key} / ${heads.key}` }
  }

  /** Checks that `heads` is a multiple of `kvHeads` (grouped-query attention). */
  checkGroups(heads: { key: string; value: number }, kvHeads: { key: string; value: number }): void {
    if (heads.value % kvHeads.value !== 0) {
      throw new NnsizeError('config', `\`${heads.key}\` (${heads.value}) must be divisible by \`${kvHeads.key}\` (${kvHeads.value}) (model type \`${this.modelType}\`).`)
    }
  }
}
