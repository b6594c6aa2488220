import type { SourceSpan } from '../../errors.js'
import { makeClass } from '../classes.js'
import type { PyClass } from '../classes.js'
import { objectClass } from '../types.js'
import { raise } from '../exceptions.js'
import { dictSet, newDict } from '../hash.js'
import { NONE, namespace, native, str, tuple } from '../../contract/values.js'
import type { ArgValue, InstanceValue, NamespaceValue, Value } from '../../contract/values.js'

/** A decorator that returns what it decorates, also when called with arguments first (`@lru_cache(maxsize=None)`). */
function transparentDecorator(name: string): Value {
  return native(name, (args) => {
    const first = args[0]
    if (args.length === 1 && first !== undefined && first.name === undefined && (first.value.kind === 'function' || first.value.kind === 'method' || first.value.kind === 'callable' || first.value.kind === 'class')) return first.value
    return native(name, (inner) => inner[0]?.value ?? NONE)
  })
}

/** What a `functools.partial` object holds: its function, positional arguments and keywords. */
interface PartialState {
  func: Value
  args: readonly ArgValue[]
  keywords: ReadonlyMap<string, ArgValue>
}

/**
 * `functools.partial` as a class, as in Python: `partial(nn.InstanceNorm2d, affine=False)` is an instance whose type
 * is `functools.partial` (CycleGAN's `type(norm_layer) == functools.partial`), with `func`, `args` and `keywords`; a
 * partial of a partial is flattened. Calling it calls `func` with its arguments first and the call's keywords last.
 */
function partialClass(): PyClass {
  const states = new WeakMap<InstanceValue, PartialState>()
  const stateOf = (self: Value | undefined, span: SourceSpan): PartialState => {
    const state = self?.kind === 'instance' ? states.get(self) : undefined
    return state ?? raise('TypeError', 'argument-type', 'Expected a `functools.partial` object.', span)
  }
  const cls: PyClass = makeClass('partial', [objectClass], {
    module: 'functools',
    native: {
      subclassable: false,
      call: (args, span) => {
        const fn = args[0]?.value
        if (!fn || args[0]!.name !== undefined) return raise('TypeError', 'missing-argument', 'type \'partial\' takes at least one argument', span)
        const inner = fn.kind === 'instance' ? states.get(fn) : undefined
        const keywords = new Map(inner?.keywords)
        for (const a of args.slice(1)) if (a.name !== undefined) keywords.set(a.name, a)
        const self: InstanceValue = { kind: 'instance', cls, dict: newDict() }
        states.set(self, { func: inner?.func ?? fn, args: [...(inner?.args ?? []), ...args.slice(1).filter((a) => a.name === undefined)], keywords })
        return self
      },
    },
  })
  const property = (name: string, read: (state: PartialState) => Value): void => {
    cls.dict.set(name, { kind: 'descriptor', type: 'property', fn: native(`functools.partial.${name}`, (args, span) => read(stateOf(args[0]?.value, span)), { binds: true }) })
  }
  property('func', (state) => state.func)
  property('args', (state) => tuple(state.args.map((a) => a.value)))
  property('keywords', (state) => {
    const dict = newDict()
    for (const [name, a] of state.keywords) dictSet(dict, str(name), a.value, a.span)
    return dict
  })
  cls.dict.set(
    '__call__',
    native(
      'functools.partial.__call__',
      (args, span, it) => {
        const state = stateOf(args[0]?.value, span)
        const callArgs = args.slice(1)
        const keywords = new Map(state.keywords)
        for (const a of callArgs) if (a.name !== undefined) keywords.set(a.name, a)
        return it!.call(state.func, [...state.args, ...callArgs.filter((a) => a.name === undefined), ...keywords.values()], span)
      },
      { binds: true },
    ),
  )
  return cls
}

/** `functools`: `partial`, `reduce`, `wraps`, and caching decorators (which cache nothing here: calls are cheap and have no effects). */
export function functoolsNamespace(): NamespaceValue {
  const partial = partialClass().value
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
