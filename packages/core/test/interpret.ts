import { errorOf } from './support.js'
import { analyze } from '../src/analyze.js'
import type { Analysis } from '../src/analyze.js'
import type { NnsizeError } from '../src/errors.js'

/**
 * Runs a Python program that checks itself with `assert` and ends without a model of its own:
 * `nn.Identity()` is appended. Returns what it printed. A failed `assert` fails the test with the
 * assertion's text.
 */
export function python(code: string): string[] {
  return analyze(`${code}\nnn.Identity()`).notes ?? []
}

/** The lines a program prints. */
export function printed(code: string): string[] {
  return python(code)
}

/** Analyses a program of files. */
export function files(entries: Record<string, string>, main: string, entry?: string, root?: string): Analysis {
  return analyze({ files: entries, main, ...(entry === undefined ? {} : { entry }), ...(root === undefined ? {} : { root }) })
}

/** The {@link NnsizeError} that running `run` raises; fails when it raises nothing or something else. */
export const failure = errorOf

/** The error a Python program (ending in `nn.Identity()`) raises. */
export function pythonError(code: string): NnsizeError {
  return failure(() => python(code))
}
