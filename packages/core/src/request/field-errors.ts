import { NnsizeError } from '../errors.js'
import type { FieldId } from './fields.js'
import { formatCount } from '../format/number.js'

/**
 * An `option` error about one field: the message names the option as the library knows it (`contextLength`); the
 * field id (`seq`) and the reason let each app name it in its own words (`--seq`, "Context length").
 */
export function fieldError(field: FieldId, name: string, reason: string, details: { suggestions?: readonly string[] } = {}): NnsizeError {
  return new NnsizeError('option', `\`${name}\` ${reason}`, { field, reason, ...details })
}

/** An `option` error about one field whose message is a sentence of its own. */
export function fieldSentence(field: FieldId, message: string): NnsizeError {
  return new NnsizeError('option', message, { field })
}

/** Runs `read`, marking an `option` error it throws as about `field`. */
export function forField<T>(field: FieldId, read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (NnsizeError.isInstance(error) && error.field === undefined) {
      throw new NnsizeError(error.code === 'option' ? 'option' : error.code, error.message, { span: error.span, suggestions: error.suggestions, field, reason: error.reason })
    }
    throw error
  }
}

/** A whole number from `min` to `max`, else an `option` error naming the option. */
export function wholeNumber(value: unknown, field: FieldId, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw fieldError(field, name, `must be a whole number from ${formatCount(min)} to ${formatCount(max)}, got \`${String(value)}\`.`)
  }
  return value
}

/** One of `allowed`, else an `option` error naming the option and listing the choices. */
export function oneOf<T extends string>(value: unknown, field: FieldId, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw fieldError(field, name, `must be one of ${allowed.map((a) => `\`${a}\``).join(', ')}, got \`${String(value)}\`.`)
  return value as T
}
