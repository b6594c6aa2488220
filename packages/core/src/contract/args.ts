import type { SourceSpan } from '../errors.js'
import type { Value } from './values.js'

/**
 * How one constructor argument is named, defaulted and converted. `T` is the converted value, `N` the name and `R`
 * whether a call must give it, each kept as a literal type so that a layer's argument object is inferred from its
 * signature ({@link ArgsOf}).
 */
export interface ArgSpec<T = unknown, N extends string = string, R extends boolean = boolean> {
  name: N
  /** False when the argument has a default. */
  required: R
  /** The JS value used when the argument is omitted. */
  default?: T
  /** Only by keyword (after `*` in the Python signature). */
  keywordOnly?: boolean
  /** Converts an interpreter value, throwing {@link NnsizeError} with `span` on a bad one. */
  coerce(value: Value, span: SourceSpan, name: string): T
  /** A float argument: a whole number bound to it reads back as a Python `float` (`m.eps` is `1.0`, not `1`). */
  isFloat?: boolean
}

/** The converted value of one argument spec. */
export type SpecValue<S> = S extends ArgSpec<infer T> ? T : never

/**
 * The bound arguments of a signature: one property per spec, named as the spec and typed as its converted value.
 * Every argument has a value once bound (a required one was given, an optional one takes its default); a spec made
 * by hand with `required: false` and no default binds `undefined` and says so in its `T`.
 */
export type ArgsOf<S extends readonly ArgSpec[]> = { [P in S[number] as P['name']]: SpecValue<P> }
