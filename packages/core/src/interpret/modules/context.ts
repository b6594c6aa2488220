import { makeClass } from '../classes.js'
import type { PyClass } from '../classes.js'
import { newDict } from '../hash.js'
import type { Interpreter } from '../interpreter.js'
import { objectClass } from '../types.js'
import { FALSE, NONE, native } from '../../contract/values.js'
import type { ArgValue, InstanceValue, Value } from '../../contract/values.js'

/** A context manager that changes nothing nnsize models (`torch.autocast()`), also usable as a decorator with or without parentheses. */
export function harmlessContext(name: string): PyClass {
  return contextClass(name, () => undefined)
}

/**
 * A context manager of `name` whose entry (with `immediate`: whose construction) runs `enter` on the call's
 * arguments, and whose exit runs what `enter` gave back; also usable as a decorator with or without parentheses,
 * which runs `enter` around each call of the function, as PyTorch's `_DecoratorContextManager` does.
 */
export function contextClass(name: string, enter: (args: readonly ArgValue[], it: Interpreter | undefined) => (() => void) | undefined, immediate = false): PyClass {
  const calls = new WeakMap<InstanceValue, readonly ArgValue[]>()
  const exits = new WeakMap<InstanceValue, Array<(() => void) | undefined>>()
  const push = (self: InstanceValue, exit: (() => void) | undefined): void => {
    exits.set(self, [...(exits.get(self) ?? []), exit])
  }
  const cls = makeClass(name, [objectClass], {
    module: 'torch',
    native: {
      subclassable: false,
      call: (args, _span, it) => {
        const only = args.length === 1 && args[0]!.name === undefined ? args[0]!.value : undefined
        // `@torch.no_grad` without parentheses decorates the function directly.
        if (only && (only.kind === 'function' || only.kind === 'method' || only.kind === 'callable')) return decorated(only, [])
        const self: InstanceValue = { kind: 'instance', cls, dict: newDict() }
        calls.set(self, args)
        if (immediate) push(self, enter(args, it as Interpreter | undefined))
        return self
      },
    },
  })
  cls.dict.set(
    '__enter__',
    native(
      `${name}.__enter__`,
      (args, _span, it) => {
        const self = args[0]?.value
        if (!immediate && self?.kind === 'instance') push(self, enter(calls.get(self) ?? [], it as Interpreter | undefined))
        return NONE
      },
      { binds: true },
    ),
  )
  cls.dict.set(
    '__exit__',
    native(
      `${name}.__exit__`,
      (args) => {
        const self = args[0]?.value
        if (self?.kind === 'instance') exits.get(self)?.pop()?.()
        return FALSE
      },
      { binds: true },
    ),
  )
  // The function decorated: each call runs inside the context, entered with the decorator's arguments. A
  // function stays a method when looked up on an instance (it binds, as a `def` does).
  const decorated = (fn: Value, args: readonly ArgValue[]): Value =>
    native(
      fn.kind === 'function' ? fn.name : name,
      (callArgs, span, it) => {
        const exit = enter(args, it as Interpreter | undefined)
        try {
          return (it as Interpreter).call(fn, callArgs, span)
        } finally {
          exit?.()
        }
      },
      { binds: fn.kind === 'function' },
    )
  cls.dict.set(
    '__call__',
    native(
      `${name}.__call__`,
      (args) => {
        const self = args[0]?.value
        const fn = args[1]?.value ?? NONE
        return self?.kind === 'instance' && fn.kind !== 'none' ? decorated(fn, calls.get(self) ?? []) : fn
      },
      { binds: true },
    ),
  )
  return cls
}
