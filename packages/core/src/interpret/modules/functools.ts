import { raise } from '../exceptions.js'
import { NONE, namespace, native } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, Value } from '../../contract/values.js'

/** A decorator that returns what it decorates, also when called with arguments first (`@lru_cache(maxsize=None)`). */
function transparentDecorator(name: string): Value {
  return native(name, (args) => {
    const first = args[0]
    if (args.length === 1 && first !== undefined && first.name === undefined && (first.value.kind === 'function' || first.value.kind === 'method' || first.value.kind === 'callable' || first.value.kind === 'class')) return first.value
    return native(name, (inner) => inner[0]?.value ?? NONE)
  })
}

/** `functools`: `partial`, `reduce`, `wraps`, and caching decorators (which cache nothing here: calls are cheap and have no effects). */
export function functoolsNamespace(): NamespaceValue {
  const partial = native('functools.partial', (args, span) => {
    const fn = args[0]?.value
    if (!fn || args[0]!.name !== undefined) return raise('TypeError', 'missing-argument', '`partial` needs a function first.', span)
    const bound: ArgValue[] = args.slice(1)
    return native('functools.partial', (callArgs, callSpan, it) => {
      const positional = [...bound.filter((a) => a.name === undefined), ...callArgs.filter((a) => a.name === undefined)]
      const keywords = new Map<string, ArgValue>()
      for (const a of [...bound, ...callArgs]) if (a.name !== undefined) keywords.set(a.name, a)
      return it!.call(fn, [...positional, ...keywords.values()], callSpan)
    }, { members: { func: fn } })
  })
  const reduce = native('functools.reduce', (args, span, it) => {
    const fn = args[0]?.value
    const source = args[1]?.value
    if (!fn || !source) return raise('TypeError', 'missing-argument', '`reduce` needs a function and an iterable.', span)
    const next = it!.iter(source, span)
    let acc = args[2]?.value ?? next()
    if (acc === undefined) return raise('TypeError', 'argument-value', '`reduce()` of an empty iterable with no initial value.', span)
    for (let v = next(); v !== undefined; v = next()) acc = it!.callWith(fn, [acc, v], span)
    return acc
  })
  const wraps = native('functools.wraps', () => native('functools.wraps', (inner) => inner[0]?.value ?? NONE))
  const cachedProperty = native('functools.cached_property', (args, span) => {
    const fn = args[0]?.value
    if (!fn) return raise('TypeError', 'missing-argument', '`cached_property` needs a function.', span)
    return { kind: 'descriptor', type: 'property', fn }
  })
  return namespace('functools', {
    partial,
    reduce,
    wraps,
    update_wrapper: native('functools.update_wrapper', (args) => args[0]?.value ?? NONE),
    lru_cache: transparentDecorator('functools.lru_cache'),
    cache: transparentDecorator('functools.cache'),
    total_ordering: transparentDecorator('functools.total_ordering'),
    singledispatch: transparentDecorator('functools.singledispatch'),
    cached_property: cachedProperty,
  })
}
