import type { SourceSpan } from '../../../errors.js'
import { bindArguments } from '../../../bind/bind.js'
import { makeClass } from '../../../interpret/classes.js'
import type { PyClass } from '../../../interpret/classes.js'
import { raise } from '../../../interpret/exceptions.js'
import { objectClass } from '../../../interpret/types.js'
import { NONE, native } from '../../../contract/values.js'
import type { ArgValue, CallableValue, Value } from '../../../contract/values.js'
import { Py } from './kit.js'
import { libraryMember } from '../../../interpret/py.js'

export { libraryMember }
import type { Signature } from './kit.js'

/**
 * What the families after MobileNetV2 need beyond `kit.ts`: torchvision's plain (not `nn.Module`) classes that hold
 * one block's settings (`InvertedResidualConfig`, the dataclass `_MBConvConfig` and its subclasses), signatures that
 * end in `**kwargs` (`BasicConv2d(in_channels, out_channels, **kwargs)`, `_efficientnet_conf(arch, **kwargs)`), and
 * members of the Python modules torchvision imports (`functools.partial`, `copy.copy`, `math.ceil`).
 */


/** Binds `args` to `signature` as Python binds `def f(<signature>)`. */
function bind(callee: string, signature: Signature, args: readonly ArgValue[], span: SourceSpan): Record<string, Value> {
  return bindArguments(callee, signature, args, span).values as Record<string, Value>
}

/** The keywords a call gave beyond its signature (`**kwargs`), in order. */
export type Kwargs = ReadonlyArray<readonly [string, Value]>

/** Binds `args` to `signature` as Python binds `def f(<signature>, **kwargs)`. */
function bindWithKwargs(callee: string, signature: Signature, args: readonly ArgValue[], span: SourceSpan): { a: Record<string, Value>; kwargs: Kwargs } {
  const names = new Set(signature.map((s) => s.name))
  const own: ArgValue[] = []
  const kwargs: Array<[string, Value]> = []
  for (const arg of args) {
    if (arg.name === undefined || names.has(arg.name)) own.push(arg)
    else kwargs.push([arg.name, arg.value])
  }
  return { a: bind(callee, signature, own, span), kwargs }
}

/** `**kwargs` as the keywords of a call. */
export function keywordsOf(kwargs: Kwargs): Record<string, Value> {
  return Object.fromEntries(kwargs)
}

/** A module-level torchvision function `def name(<signature>, **kwargs)`. */
export function kwargsFunction(qualified: string, signature: Signature, body: (py: Py, a: Record<string, Value>, kwargs: Kwargs) => Value): CallableValue {
  const short = qualified.slice(qualified.lastIndexOf('.') + 1)
  return native(qualified, (args, span, it) => {
    const { a, kwargs } = bindWithKwargs(short, signature, args, span)
    return body(new Py(it!, span), a, kwargs)
  })
}

/** Gives the module class `cls` (made by `torchvisionClass`) the `__init__(self, <signature>, **kwargs)` that `init` runs. */
export function setKwargsInit(cls: PyClass, signature: Signature, init: (py: Py, self: Value, a: Record<string, Value>, kwargs: Kwargs) => void): void {
  cls.dict.set(
    '__init__',
    native(`${cls.module}.${cls.name}.__init__`, (args, span, it) => {
      const self = args[0]?.value
      if (self?.kind !== 'module') return raise('TypeError', 'type', `\`${cls.name}.__init__\` needs a \`${cls.name}\` instance.`, span)
      const { a, kwargs } = bindWithKwargs(cls.name, signature, args.slice(1), span)
      init(new Py(it!, span), self, a, kwargs)
      return NONE
    }, { binds: true }),
  )
}

/** A static method: its arguments and its body. */
export interface StaticMethod {
  signature: Signature
  call: (py: Py, a: Record<string, Value>) => Value
}

/** What {@link configClass} makes a class from. */
export interface ConfigClassSpec {
  /** The class name (`InvertedResidualConfig`). */
  name: string
  /** Its `__module__` (`torchvision.models.mobilenetv3`). */
  module: string
  /** The class it derives from; `object` when not given. */
  base?: PyClass
  /** `__init__`'s arguments after `self`, with torchvision's defaults. */
  signature: Signature
  /** The body of `__init__`. */
  init: (py: Py, self: Value, a: Record<string, Value>) => void
  /** Static methods (`adjust_channels`), by name. */
  staticMethods?: Readonly<Record<string, StaticMethod>>
  /** The fields of a dataclass (`_MBConvConfig`'s and so its subclasses'), in order: `repr` and `dataclasses.fields` show them. */
  dataclassFields?: readonly string[]
}

/**
 * A plain torchvision class whose instances are ordinary objects: attributes set by `__init__` (which runs as
 * torchvision's Python does), changed freely, copied with `copy.copy`; its static methods are found on the class and
 * on its instances, and a subclass may replace them.
 */
export function configClass(spec: ConfigClassSpec): PyClass {
  const { name, module } = spec
  const cls = makeClass(name, [spec.base ?? objectClass], { module, user: true })
  cls.dict.set(
    '__init__',
    native(`${module}.${name}.__init__`, (args, span, it) => {
      const self = args[0]?.value
      if (self?.kind !== 'instance') return raise('TypeError', 'type', `\`${name}.__init__\` needs a \`${name}\` instance.`, span)
      spec.init(new Py(it!, span), self, bind(name, spec.signature, args.slice(1), span))
      return NONE
    }, { binds: true }),
  )
  for (const [method, body] of Object.entries(spec.staticMethods ?? {})) {
    const fn = native(`${module}.${name}.${method}`, (args, span, it) => body.call(new Py(it!, span), bind(method, body.signature, args, span)))
    cls.dict.set(method, { kind: 'descriptor', type: 'staticmethod', fn })
  }
  if (spec.dataclassFields) cls.dataclass = spec.dataclassFields.map((field) => ({ name: field, init: true }))
  return cls
}
