import { NnsizeError } from '../src/errors.js'

/** Runs `run` and returns the {@link NnsizeError} it throws; fails the test when it throws nothing or something else. */
export function errorOf(run: () => unknown): NnsizeError {
  try {
    run()
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected an NnsizeError')
}

/** The source text an error's span covers. */
export function spanText(source: string, error: NnsizeError): string {
  return source.slice(error.span!.start, error.span!.end)
}
