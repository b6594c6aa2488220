import type { SourceSpan } from '../../errors.js'
import { lookupInMro } from '../classes.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { moduleIterate } from '../nn-module.js'
import { int, native, tuple } from '../../contract/values.js'
import type { CallableValue, Value } from '../../contract/values.js'

/**
 * How a library's `_ntuple(n)(x)` treats a string: PyTorch's (`torch.nn.modules.utils._pair`) takes every
 * `collections.abc.Iterable` as the tuple, so `_pair('ab') == ('a', 'b')`; timm's (`timm.layers.to_2tuple`) excepts
 * `str`, so `to_2tuple('ab') == ('ab', 'ab')`. Bytes are iterable to both.
 */
export type StringRule = 'iterate' | 'repeat'

/**
 * The items of `x` when `isinstance(x, collections.abc.Iterable)` holds (a class with `__iter__`: not one with only
 * `__getitem__`, nor a module that is not a container), else undefined.
 */
function iterableItems(it: Interpreter, x: Value, strings: StringRule, span: SourceSpan): Value[] | undefined {
  switch (x.kind) {
    case 'str':
      return strings === 'iterate' ? it.toArray(x, span) : undefined
    case 'bytes':
      it.budget.allocate(x.value.length, span)
      return Array.from(x.value, (b) => int(b))
    case 'list':
    case 'tuple':
    case 'dict':
    case 'set':
    case 'range':
    case 'iterator':
    case 'tensor':
      return it.toArray(x, span)
    case 'module': {
      const next = moduleIterate(it, x.module, span)
      if (!next) return undefined
      const items: Value[] = []
      for (let v = next(); v !== undefined; v = next()) items.push(v)
      return items
    }
    case 'instance':
      return lookupInMro(x.cls, '__iter__') ? it.toArray(x, span) : undefined
    default:
      return undefined
  }
}

/** `_ntuple(n)(x)`: `tuple(x)` for an iterable (a string as `strings` says), else `x` repeated `n` times. */
export function ntuple(it: Interpreter, n: number, x: Value, strings: StringRule, span: SourceSpan): Value {
  const items = iterableItems(it, x, strings, span)
  if (items) return tuple(items)
  it.budget.allocate(n, span)
  return tuple(Array.from({ length: n }, () => x))
}

/** The function `_ntuple(n)` returns, named `name` (`_pair`, or timm's `parse`) and `shown` in messages. */
export function ntupleFunction(n: number, name: string, shown: string, strings: StringRule): CallableValue {
  return native(name, (args, span, it) => {
    const only = args.length === 1 && (args[0]!.name === undefined || args[0]!.name === 'x') ? args[0] : undefined
    const x = only ? only.value : raise('TypeError', 'argument-type', `\`${shown}\` takes one argument, \`x\`.`, span)
    return ntuple(it!, n, x, strings, span)
  })
}
