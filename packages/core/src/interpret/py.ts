import type { SourceSpan } from '../errors.js'
import type { CmpOperator, Operator } from '../python/ast.js'
import { raise } from './exceptions.js'
import type { Interpreter } from './interpreter.js'
import { libraryModule } from './modules/index.js'
import { callArgs } from './modules/timm-classes.js'
import { binary, compare, inplace } from './operators.js'
import { getItem } from './subscript.js'
import { int, typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'

/**
 * What library code written in TypeScript as Python runs it (torchvision's classes, `torch.distributions`) sees while it
 * runs: the interpreter, the span of the call, and Python's operations on values.
 */
export class Py {
  constructor(
    readonly it: Interpreter,
    readonly span: SourceSpan,
  ) {}

  /** `fn(*values, **keywords)`. */
  call(fn: Value, values: readonly Value[] = [], keywords: Readonly<Record<string, Value>> = {}): Value {
    return this.it.call(fn, callArgs(this.span, values, keywords), this.span)
  }

  /** `obj.name(*values, **keywords)`. */
  method(obj: Value, name: string, values: readonly Value[] = [], keywords: Readonly<Record<string, Value>> = {}): Value {
    return this.call(this.get(obj, name), values, keywords)
  }

  /** `obj.name`. */
  get(obj: Value, name: string): Value {
    return this.it.getattr(obj, name, this.span)
  }

  /** `obj.name = value`, with `nn.Module.__setattr__`'s rules for modules. */
  set(obj: Value, name: string, value: Value): void {
    this.it.setattr(obj, name, value, this.span)
  }

  /** `obj[index]`. */
  item(obj: Value, index: Value | number): Value {
    return getItem(this.it, obj, typeof index === 'number' ? int(index) : index, this.span)
  }

  /** `a <op> b` (`Add`, `Mult`, `FloorDiv`, …). */
  op(op: Operator, a: Value, b: Value | number): Value {
    return binary(this.it, op, a, typeof b === 'number' ? int(b) : b, this.span)
  }

  /** `a <op>= b`: tensors in place, as `out += identity`. */
  inPlace(op: Operator, a: Value, b: Value): Value {
    return inplace(this.it, op, a, b, this.span)
  }

  /** Whether `a <op> b` (`Eq`, `NotEq`, `Gt`, …) is true. */
  is(op: CmpOperator, a: Value, b: Value | number): boolean {
    return this.truthy(compare(this.it, op, a, typeof b === 'number' ? int(b) : b, this.span))
  }

  /** Python truthiness. */
  truthy(v: Value): boolean {
    return this.it.truthy(v, this.span)
  }

  /** Every item of an iterable. */
  items(v: Value): Value[] {
    return this.it.toArray(v, this.span)
  }

  /** A Python builtin (`int`, `round`, `max`, `len`, `float`). */
  builtin(name: string): Value {
    const fn = this.it.builtins.get(name)
    if (!fn) throw new Error(`internal: no builtin ${name}`)
    return fn
  }

  /** `torch.<name>`. */
  torch(name: string): Value {
    return libraryMember('torch', name)
  }

  /** `torch.nn.functional.<name>`. */
  functional(name: string): Value {
    return libraryMember('torch.nn.functional', name)
  }

  /** The submodules `names` of `self` called in turn on `x`, as `x = self.name(x)` lines do. */
  chain(self: Value, names: readonly string[], x: Value): Value {
    let y = x
    for (const name of names) y = this.call(this.get(self, name), [y])
    return y
  }

  /** Raises `ValueError(message)`. */
  valueError(message: string): never {
    return raise('ValueError', 'argument-value', message, this.span)
  }

  /** An `int` argument as a JavaScript number (a `TypeError` for anything else, as `range(n)` raises). */
  count(v: Value, what: string): number {
    if (v.kind === 'int') return Number(v.value)
    if (v.kind === 'bool') return v.value ? 1 : 0
    return raise('TypeError', 'argument-type', `\`${what}\` must be an int, got ${typeName(v)}.`, this.span)
  }
}

/** A member of a library module nnsize models (`torch.flatten`). */
export function libraryMember(module: string, name: string): Value {
  const ns = libraryModule(module)
  const found = ns?.kind === 'namespace' ? ns.members[name] : undefined
  if (!found) throw new Error(`internal: no ${module}.${name}`)
  return found
}

