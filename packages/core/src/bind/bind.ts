import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { didYouMean, suggest } from '../suggest.js'
import type { ArgValue } from '../contract/values.js'
import type { ArgSpec } from './args.js'

const positionalCache = new WeakMap<readonly ArgSpec[], readonly ArgSpec[]>()

/** Arguments after binding, with the span each came from (absent for defaults). */
export interface BoundArgs {
  values: Record<string, unknown>
  spans: Record<string, SourceSpan>
}

/**
 * Binds call arguments to a signature as Python does: positional order,
 * keyword names, defaults, `*args`. Converts each value with its spec.
 */
export function bindArguments(
  callee: string,
  signature: readonly ArgSpec[],
  args: readonly ArgValue[],
  callSpan: SourceSpan,
  variadic?: ArgSpec,
  ignoresExtraKeywords = false,
): BoundArgs {
  // Keys are only the signature's own names, so plain objects are safe (and keep fast property access).
  const values: Record<string, unknown> = {}
  const spans: Record<string, SourceSpan> = {}
  const given = new Array<ArgValue | undefined>(signature.length)
  let positionalSpecs = positionalCache.get(signature)
  if (!positionalSpecs) {
    positionalSpecs = signature.filter((s) => !s.keywordOnly)
    positionalCache.set(signature, positionalSpecs)
  }
  const rest: ArgValue[] | undefined = variadic ? [] : undefined
  let position = 0
  for (const arg of args) {
    if (arg.name === undefined) {
      if (rest) {
        rest.push(arg)
        continue
      }
      const target = positionalSpecs[position++]
      if (!target) {
        const max = positionalSpecs.length
        throw new NnsizeError(
          'too-many-arguments',
          `\`${callee}\` takes ${max === 0 ? 'no' : `at most ${max}`} positional argument${max === 1 ? '' : 's'}${max > 0 ? ` (${positionalSpecs.map((s) => `\`${s.name}\``).join(', ')})` : ''}, but ${args.filter((a) => a.name === undefined).length} were given.`,
          { span: arg.span },
        )
      }
      given[signature.indexOf(target)] = arg
    } else {
      const target = signature.find((s) => s.name === arg.name)
      if (!target && ignoresExtraKeywords) continue
      if (!target) {
        const suggestions = suggest(arg.name, signature.map((s) => s.name))
        const valid = signature.map((s) => `\`${s.name}\``).join(', ')
        throw new NnsizeError(
          'unknown-argument',
          `\`${callee}\` has no argument \`${arg.name}\`.${didYouMean(suggestions)}${suggestions.length === 0 ? ` Its arguments are ${valid || 'none'}.` : ''}`,
          { span: arg.span, suggestions },
        )
      }
      const at = signature.indexOf(target)
      if (given[at] !== undefined) {
        throw new NnsizeError('too-many-arguments', `\`${callee}\` got multiple values for argument \`${target.name}\`.`, { span: arg.span })
      }
      given[at] = arg
    }
  }
  if (variadic && rest) {
    values[variadic.name] = rest.map((arg) => variadic.coerce(arg.value, arg.valueSpan, variadic.name))
    if (rest.length > 0) spans[variadic.name] = { start: rest[0]!.span.start, end: rest.at(-1)!.span.end }
  }
  for (let i = 0; i < signature.length; i++) {
    const s = signature[i]!
    const arg = given[i]
    if (arg) {
      values[s.name] = s.coerce(arg.value, arg.valueSpan, s.name)
      spans[s.name] = arg.valueSpan
    } else if (s.required) {
      const missing = signature.filter((x, j) => x.required && given[j] === undefined).map((x) => `\`${x.name}\``)
      throw new NnsizeError(
        'missing-argument',
        `\`${callee}\` is missing required argument${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
        { span: { start: callSpan.end - 1, end: callSpan.end } },
      )
    } else {
      values[s.name] = s.default
    }
  }
  return { values, spans }
}
