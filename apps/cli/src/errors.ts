import type { NnsizeError } from '@nnsize/core'

/** A mistake on the command line (unknown flag, missing value, conflicting options): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The input cannot be read (missing file, a directory, binary data, empty text): exit code 1. */
export class InputError extends Error {
  override readonly name = 'InputError'
  constructor(
    message: string,
    /** Stable code, as `--jsonl` error objects carry it: `input-too-large`, `binary-input`, `unreadable` or `input`. */
    readonly code: InputErrorCode = 'input',
  ) {
    super(message)
  }
}

/** Codes of {@link InputError}s (docs/limits.md lists the caps behind `input-too-large`). */
export type InputErrorCode = 'input' | 'input-too-large' | 'binary-input' | 'unreadable'

/** An {@link NnsizeError} with the text it points into, for the caret display. */
export class SourcedError extends Error {
  override readonly name = 'SourcedError'
  constructor(
    readonly error: NnsizeError,
    /** The text the error's span points into. */
    readonly source: string,
    /** Where the text came from (`model.txt`, `<stdin>`, `--optimizer`), or `''` for the argument. */
    readonly origin: string,
  ) {
    super(error.message)
  }
}

/** Exit codes: 0 success, 1 invalid input, 2 usage error. */
export const exitCodes = { ok: 0, invalidInput: 1, usage: 2 } as const
