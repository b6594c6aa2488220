import { NnsizeError } from '../errors.js'
import type { ErrorCode, SourceSpan } from '../errors.js'
import { isSubclass } from './classes.js'
import type { PyClass } from './classes.js'
import { exceptionClassNamed } from './types.js'
import type { Value } from '../contract/values.js'

/**
 * An {@link NnsizeError} that is also a Python exception: `except KeyError:` catches it. Raised by the
 * interpreter's builtins (a missing dict key, an index out of range) and by the program's own `raise`
 * (then `exception` is the raised object). Uncaught, it is an ordinary error with its code and span.
 */
export class PyError extends NnsizeError {
  /** The Python class of the exception (`KeyError`). */
  readonly pyClass: PyClass
  /** The exception object the program raised, when it raised one itself. */
  readonly exception: Value | undefined

  constructor(code: ErrorCode, pyClass: PyClass | string, message: string, span: SourceSpan | undefined, exception?: Value, suggestions?: readonly string[]) {
    super(code, message, { span, suggestions })
    this.pyClass = typeof pyClass === 'string' ? exceptionClassNamed(pyClass) : pyClass
    this.exception = exception
  }
}

/** Throws a Python exception of a built-in class (`raise KeyError(…)` inside a builtin). */
export function raise(pyClass: string, code: ErrorCode, message: string, span: SourceSpan | undefined, suggestions?: readonly string[]): never {
  throw new PyError(code, pyClass, message, span, undefined, suggestions)
}

/** The Python exception class each catchable error code stands for. Budget, limit and unsupported errors are never caught. */
const classOfCode: Partial<Record<ErrorCode, string>> = {
  'unknown-name': 'NameError',
  'unknown-attribute': 'AttributeError',
  type: 'TypeError',
  'argument-type': 'TypeError',
  'missing-argument': 'TypeError',
  'unknown-argument': 'TypeError',
  'too-many-arguments': 'TypeError',
  'argument-value': 'ValueError',
  shape: 'RuntimeError',
  import: 'ImportError',
}

/** The Python class an error is catchable as, or undefined when no `except` may catch it. */
export function catchableClass(error: unknown): PyClass | undefined {
  if (error instanceof PyError) return error.pyClass
  if (!NnsizeError.isInstance(error)) return undefined
  const name = classOfCode[error.code]
  return name === undefined ? undefined : exceptionClassNamed(name)
}

/** True when `except handlerClass` catches the error. */
export function catches(error: unknown, handlerClass: PyClass): boolean {
  const cls = catchableClass(error)
  return cls !== undefined && isSubclass(cls, handlerClass)
}

/** Gives an error without a place the span of the code that raised it, and one without a file the current file. */
export function locate<T>(error: T, span: SourceSpan | undefined): T {
  if (!span || !NnsizeError.isInstance(error)) return error
  const mutable = error as unknown as { span: SourceSpan | undefined }
  if (mutable.span === undefined) mutable.span = span
  else if (mutable.span.file === undefined && span.file !== undefined) mutable.span = { ...mutable.span, file: span.file }
  return error
}
