import type { SourceSpan } from '../../../errors.js'
import { any } from '../../../bind/args.js'
import type { ArgSpec } from '../../../bind/args.js'
import { bindArguments } from '../../../bind/bind.js'
import type { LayerDefinition } from '../../../layers/define-layer.js'
import { makeClass } from '../../../interpret/classes.js'
import type { PyClass } from '../../../interpret/classes.js'
import { raise } from '../../../interpret/exceptions.js'
import { layerClass, moduleClass } from '../../../interpret/nn-module.js'
import { NONE, native } from '../../../contract/values.js'
import type { ArgValue, CallableValue, Value } from '../../../contract/values.js'

/**
 * How torchvision's model classes and building blocks (`ResNet`, `BasicBlock`, `InvertedResidual`,
 * `Conv2dNormActivation`, …) are made for model files that import, call and subclass them: each is a module class
 * whose `__init__` runs as torchvision's Python does, through the interpreter (the classes it is given, `block(...)`,
 * `norm_layer(planes)`, are called; children and attributes are assigned in torchvision's order with
 * `nn.Module.__setattr__`'s rules), and whose `forward` calls the children and tensor functions through the
 * interpreter too, so that a traced forward records each step as for a model file's own class. The classes are
 * program classes as far as Python can tell: a subclass may call `super().__init__(...)`, replace children, and
 * override `forward` (or `_forward_impl`, `_make_layer`) with its own.
 */

import { Py } from '../../../interpret/py.js'

export { Py }

/** The class of a `torch.nn` layer (`nn.Conv2d`), as a value. */
export function nnClass(def: LayerDefinition): Value {
  return layerClass(def).value
}

/** A signature as {@link bindArguments} takes it: `any(...)` specs with Python default values. */
export type Signature = readonly ArgSpec[]

/** Binds `args` to `signature` as Python does, giving each argument's value. */
function bind(callee: string, signature: Signature, args: readonly ArgValue[], span: SourceSpan): Record<string, Value> {
  return bindArguments(callee, signature, args, span).values as Record<string, Value>
}

/** A module-level function of torchvision (`conv3x3`, `make_layers`, `_make_divisible`) with its signature and defaults. */
export function pyFunction(qualified: string, signature: Signature, body: (py: Py, a: Record<string, Value>) => Value): CallableValue {
  const short = qualified.slice(qualified.lastIndexOf('.') + 1)
  return native(qualified, (args, span, it) => body(new Py(it!, span), bind(short, signature, args, span)))
}

/** A method of a torchvision class: its own arguments bound after `self`. */
export interface PyMethod {
  signature: Signature
  call: (py: Py, self: Value, a: Record<string, Value>) => Value
}

/** What {@link torchvisionClass} makes a class from. */
export interface ClassSpec {
  /** The class name (`ResNet`). */
  name: string
  /** Its `__module__` (`torchvision.models.resnet`). */
  module: string
  /** The class it derives from (`nn.Sequential`'s class); `nn.Module` when not given. */
  base?: PyClass
  /** `__init__`'s arguments after `self`, in torchvision's order, with its defaults. */
  signature: Signature
  /** The body of `__init__`: `a` holds the bound arguments. */
  init: (py: Py, self: Value, a: Record<string, Value>) => void
  /** The body of `forward(self, <forwardArg>)`; without it, the base's forward (`nn.Sequential`'s). */
  forward?: (py: Py, self: Value, x: Value) => Value
  /** The name of `forward`'s argument (`x`; `input` for `_DenseLayer`). */
  forwardArg?: string
  /** Other methods (`_make_layer`, `_forward_impl`), by name. */
  methods?: Readonly<Record<string, PyMethod>>
  /** Class attributes (`expansion = 4`). */
  attributes?: Readonly<Record<string, Value>>
}

/** A torchvision module class, made as its Python source would run (see the file's comment). */
export function torchvisionClass(spec: ClassSpec): PyClass {
  const { name, module } = spec
  const cls = makeClass(name, [spec.base ?? moduleClass], { module, user: true })
  const self = (args: readonly ArgValue[], span: SourceSpan, what: string): Value => {
    const value = args[0]?.value
    if (value?.kind !== 'module') return raise('TypeError', 'type', `\`${name}.${what}\` needs a \`${name}\` instance.`, span)
    return value
  }
  cls.dict.set(
    '__init__',
    native(`${module}.${name}.__init__`, (args, span, it) => {
      spec.init(new Py(it!, span), self(args, span, '__init__'), bind(name, spec.signature, args.slice(1), span))
      return NONE
    }, { binds: true }),
  )
  if (spec.forward) {
    const forward = spec.forward
    const signature: Signature = [any(spec.forwardArg ?? 'x')]
    cls.dict.set(
      'forward',
      native(`${module}.${name}.forward`, (args, span, it) => {
        const a = bind(`${name}.forward`, signature, args.slice(1), span)
        return forward(new Py(it!, span), self(args, span, 'forward'), a[spec.forwardArg ?? 'x']!)
      }, { binds: true }),
    )
  }
  for (const [method, body] of Object.entries(spec.methods ?? {})) {
    cls.dict.set(
      method,
      native(`${module}.${name}.${method}`, (args, span, it) => body.call(new Py(it!, span), self(args, span, method), bind(`${name}.${method}`, body.signature, args.slice(1), span)), { binds: true }),
    )
  }
  for (const [attribute, value] of Object.entries(spec.attributes ?? {})) cls.dict.set(attribute, value)
  return cls
}

/** Makes a value once, on first use. */
export function once<T>(make: () => T): () => T {
  let made: T | undefined
  let done = false
  return () => {
    if (!done) {
      made = make()
      done = true
    }
    return made as T
  }
}
