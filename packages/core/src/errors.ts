/** A half-open range of character offsets into the user's source text. */
export interface SourceSpan {
  /** Offset of the first character. */
  start: number
  /** Offset one past the last character. */
  end: number
  /** The file the offsets are in, when the source is several files (`models/resnet.py`); absent for one text. */
  file?: string | undefined
}

/**
 * Every error nnsize raises carries one of these codes. Codes are stable across
 * releases: tools may match on them. Messages may be reworded.
 */
export const errorCodes = {
  /** The text is not valid in the expression language (unbalanced bracket, stray character). */
  SYNTAX: 'syntax',
  /** Valid Python that nnsize does not run (`match`, `async def`, `await`, `yield` outside a function), reached by the code that builds a model. */
  UNSUPPORTED_SYNTAX: 'unsupported-syntax',
  /** A name that is neither a layer, a model, a known function nor an assigned variable. */
  UNKNOWN_NAME: 'unknown-name',
  /** An attribute that the object does not have (`nn.Conv2D`, `torch.flaot16`). */
  UNKNOWN_ATTRIBUTE: 'unknown-attribute',
  /** A required constructor argument was not given. */
  MISSING_ARGUMENT: 'missing-argument',
  /** A keyword argument that the signature does not have. */
  UNKNOWN_ARGUMENT: 'unknown-argument',
  /** More positional arguments than the signature takes, or one argument given twice. */
  TOO_MANY_ARGUMENTS: 'too-many-arguments',
  /** An argument of the wrong type (`in_features=3.5`). */
  ARGUMENT_TYPE: 'argument-type',
  /** An argument of the right type but an invalid value (negative size, channels not divisible by `groups`). */
  ARGUMENT_VALUE: 'argument-value',
  /** A value used where another kind of value is needed (the program's result is not a module). */
  TYPE: 'type',
  /** An input shape that a module cannot take, or a size that shrinks to zero. */
  SHAPE: 'shape',
  /** An invalid option passed to `analyze` or the CLI (a malformed input shape, an unknown optimizer). */
  OPTION: 'option',
  /** A Hugging Face `config.json` that nnsize cannot read or does not support. */
  CONFIG: 'config',
  /** A model name that is not in the catalogue. */
  UNKNOWN_MODEL: 'unknown-model',
  /** A size or count beyond nnsize's documented limits. */
  LIMIT: 'limit',
  /** A Python program ran more steps than the interpreter's budget (`while True: pass`). */
  TOO_MANY_STEPS: 'too-many-steps',
  /** A Python program created more list, tuple, dict and set items in all than the interpreter's budget. */
  TOO_MANY_ITEMS: 'too-many-items',
  /** A Python program created more characters of strings in all than the interpreter's budget. */
  STRING_TOO_LONG: 'string-too-long',
  /** A Python integer beyond the interpreter's bit-length budget (`(2**4096)**4096`). */
  INT_TOO_LARGE: 'int-too-large',
  /** Python calls nested deeper than the interpreter's budget (unbounded recursion). */
  TOO_DEEP: 'too-deep',
  /** A library function, module or construct that nnsize does not model yet, reached by the code that builds the model. */
  UNSUPPORTED: 'unsupported',
  /** An import that cannot be resolved within the given files (a relative import of a missing file). */
  IMPORT: 'import',
  /** The model's own code raised an exception (`raise`, a failed `assert`, a `KeyError` nothing caught). */
  EXCEPTION: 'exception',
  /** A weight file that is damaged, inconsistent, not a model file, or in a variant nnsize does not read. */
  WEIGHTS_FORMAT: 'weights-format',
  /** A pickle (PyTorch checkpoint) that imports or calls something outside the allowed globals. It is never run. */
  UNSAFE_PICKLE: 'unsafe-pickle',
  /** A weight file that points at another file outside its own folder (ONNX external data). It is never opened. */
  UNSAFE_PATH: 'unsafe-path',
  /** A file that a set of weights needs (a shard, an external data file) was not given. */
  MISSING_FILE: 'missing-file',
} as const

/** One of the stable error codes listed in {@link errorCodes}. */
export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes]

/** Extra facts an {@link NnsizeError} can carry. */
export interface ErrorDetails {
  /** Where in the source the problem is. */
  span?: SourceSpan | undefined
  /** Valid alternatives, best first ("did you mean …"). */
  suggestions?: readonly string[] | undefined
  /**
   * The request field the error is about, as a neutral id (`seq`, `optimizer`, `input`; see `requestFields`): each
   * app names it in its own words (the CLI `--seq`, the playground its field label).
   */
  field?: string | undefined
  /**
   * Why the field's value is refused, as a phrase that follows the field's name (`must be a whole number from 1 to
   * 1,000,000,000, got \`0\``); absent when the message is a sentence of its own.
   */
  reason?: string | undefined
}

const marker = Symbol.for('nnsize.error')

/**
 * The one error class of nnsize. The CLI and the playground show its message,
 * point at its span and offer its suggestions.
 */
export class NnsizeError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode
  /** Where in the source the problem is, when it has a place. */
  readonly span: SourceSpan | undefined
  /** Valid alternatives, best first. */
  readonly suggestions: readonly string[]
  /** The request field the error is about (`seq`), when it is about one. */
  readonly field: string | undefined
  /** The message without the field's name, to follow an app's own name for the field. */
  readonly reason: string | undefined
  private readonly [marker] = true

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message)
    this.name = 'NnsizeError'
    this.code = code
    this.span = details.span
    this.suggestions = details.suggestions ?? []
    this.field = details.field
    this.reason = details.reason
  }

  /** True for any NnsizeError, even one from another copy of the package. */
  static isInstance(value: unknown): value is NnsizeError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true
  }

  /** Plain-object form used by `--json` and `--jsonl`. */
  toJSON(): { code: ErrorCode; message: string; file?: string; start?: number; end?: number; suggestions?: string[]; field?: string } {
    return {
      code: this.code,
      message: this.message,
      ...(this.span?.file !== undefined ? { file: this.span.file } : {}),
      ...(this.span ? { start: this.span.start, end: this.span.end } : {}),
      ...(this.suggestions.length > 0 ? { suggestions: [...this.suggestions] } : {}),
      ...(this.field !== undefined ? { field: this.field } : {}),
    }
  }
}
