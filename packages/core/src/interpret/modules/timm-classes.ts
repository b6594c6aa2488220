import type { SourceSpan } from '../../errors.js'
import { bindArguments } from '../../bind/bind.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { makeClass } from '../classes.js'
import { layerClass, moduleClass } from '../nn-module.js'
import { NONE, native } from '../../contract/values.js'
import type { ArgValue, PyClass, Value } from '../../contract/values.js'

/**
 * How `timm.layers` classes that model files import are made: each is written as its Python source would run, its
 * `__init__` building the module through the interpreter (children made by calling the classes given, `act_layer()`,
 * `norm_layer(dim)`, and assigned in timm's order) and its `forward` calling them, and tensor methods, as Python
 * would, so that a traced forward records each step with the forward rules of those calls.
 */

/** Positional values and keywords as call arguments, all at `span`. */
export function callArgs(span: SourceSpan, values: readonly Value[], keywords: Readonly<Record<string, Value>> = {}): ArgValue[] {
  return [...values.map((value): ArgValue => ({ value, span, valueSpan: span })), ...Object.entries(keywords).map(([name, value]): ArgValue => ({ name, value, span, valueSpan: span }))]
}

/** The signature of a timm class, as `bindArguments` takes it. */
export type TimmSignature = Parameters<typeof bindArguments>[1]

/** What {@link timmModuleClass} is given. */
export interface TimmClassSpec {
  /** The class name (`GluMlp`). */
  name: string
  /** Its `__module__` (`timm.layers.mlp`). */
  module: string
  /** timm's constructor arguments, in order, with its defaults. */
  signature: TimmSignature
  /** Whether `**kwargs` are taken (passed to `init` as `kwargs`). */
  kwargs?: boolean
  /** The class it derives from (`nn.LayerNorm`); `nn.Module` when not given. */
  base?: PyClass
  /** Builds the module: `values` are the bound arguments, `kwargs` the other keywords. */
  init: (self: Value, values: Record<string, Value>, span: SourceSpan, it: Interpreter, kwargs: Record<string, Value>) => void
  /** The forward of one tensor. */
  forward: (self: Value, x: Value, span: SourceSpan, it: Interpreter) => Value
}

/** A module class of timm (see the file's comment). Its modules are ordinary module instances of this class. */
export function timmModuleClass(spec: TimmClassSpec): PyClass {
  const { name, module } = spec
  const cls = makeClass(name, [spec.base ?? moduleClass], { module, user: true })
  const known = new Set(spec.signature.map((s) => s.name))
  cls.dict.set(
    '__init__',
    native(
      `${module}.${name}.__init__`,
      (args, span, it) => {
        const kwargs: Record<string, Value> = {}
        const own: ArgValue[] = []
        for (const a of args.slice(1)) {
          if (spec.kwargs && a.name !== undefined && !known.has(a.name)) kwargs[a.name] = a.value
          else own.push(a)
        }
        const bound = bindArguments(name, spec.signature, own, span)
        spec.init(args[0]!.value, bound.values as Record<string, Value>, span, it!, kwargs)
        return NONE
      },
      { binds: true },
    ),
  )
  cls.dict.set(
    'forward',
    native(
      `${module}.${name}.forward`,
      (args, span, it) => {
        if (args.length !== 2 || args[1]!.name !== undefined) return raise('TypeError', 'argument-type', `\`${name}.forward\` takes one tensor.`, span)
        return spec.forward(args[0]!.value, args[1]!.value, span, it!)
      },
      { binds: true },
    ),
  )
  return cls
}

/** Calls the children `names` of `self` in order on `x`, as `x = self.name(x)` lines do. */
export function runChildren(it: Interpreter, self: Value, names: readonly string[], x: Value, span: SourceSpan): Value {
  let y = x
  for (const name of names) y = it.call(it.getattr(self, name, span), callArgs(span, [y]), span)
  return y
}

/** Calls a method (`x.flatten(2)`) through the interpreter, so that a traced forward records it. */
export function method(it: Interpreter, x: Value, name: string, span: SourceSpan, values: readonly Value[] = [], keywords: Record<string, Value> = {}): Value {
  return it.call(it.getattr(x, name, span), callArgs(span, values, keywords), span)
}

/** The class of a `torch.nn` layer definition, as a value. */
export const nnClass = (def: Parameters<typeof layerClass>[0]): Value => layerClass(def).value
