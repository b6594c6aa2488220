import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import { bindArguments } from '../../bind/bind.js'
import { float, int, list, str } from '../../contract/values.js'
import type { ArgValue, CallableValue, Value } from '../../contract/values.js'
import type { Interpreter } from '../../interpret/interpreter.js'
import { raise } from '../../interpret/exceptions.js'
import { libraryModule } from '../../interpret/modules/index.js'
import type { LayerDefinition } from '../../layers/define-layer.js'
import { batchNorm2d } from '../../layers/norm.js'
import { efficientNetClass, efficientnetMembers } from './classes/efficientnet.js'
import { Py, nnClass } from './classes/kit.js'
import { mobileNetV2Class } from './classes/mobilenetv2.js'
import { mobileNetV3Class, mobilenetv3Members } from './classes/mobilenetv3.js'
import { resNetClass, resnetMembers } from './classes/resnet.js'

/**
 * torchvision's builders pass their `**kwargs` on to the model class (`resnet18(norm_layer=...)` is
 * `ResNet(BasicBlock, [2, 2, 2, 2], norm_layer=...)`). nnsize's builders model the keywords that are numbers and
 * flags; a call that also gives one of the class's other keywords (a layer class, `functools.partial` or lambda such
 * as `norm_layer`, `block`) runs the builder's code through the interpreter with torchvision's class as model files
 * use it (`classes/`), which calls what it is given as Python does.
 */

/** What a builder's code does with its keywords once the weights are resolved. */
interface ClassRoute {
  /** The class's keywords nnsize's builder does not take itself (given to the builder, they reach the class). */
  extra: readonly string[]
  /** Builder arguments the builder fixes (`groups=32` for `resnext50_32x4d`): passed from the resolved arguments. */
  fixed?: readonly string[]
  /** Runs the builder's body: `kwargs` are the keywords the class gets (besides `weights` and `progress`). */
  call: (py: Py, kwargs: Record<string, Value>) => Value
}

const resnetLayers: Record<string, readonly ['BasicBlock' | 'Bottleneck', readonly number[]]> = {
  resnet18: ['BasicBlock', [2, 2, 2, 2]],
  resnet34: ['BasicBlock', [3, 4, 6, 3]],
  resnet50: ['Bottleneck', [3, 4, 6, 3]],
  resnet101: ['Bottleneck', [3, 4, 23, 3]],
  resnet152: ['Bottleneck', [3, 8, 36, 3]],
  resnext50_32x4d: ['Bottleneck', [3, 4, 6, 3]],
  resnext101_32x8d: ['Bottleneck', [3, 4, 23, 3]],
  resnext101_64x4d: ['Bottleneck', [3, 4, 23, 3]],
  wide_resnet50_2: ['Bottleneck', [3, 4, 6, 3]],
  wide_resnet101_2: ['Bottleneck', [3, 4, 23, 3]],
}

/** `efficientnet_*`: `_efficientnet_conf` arguments, the default `dropout` and the `norm_layer` the builder passes itself (eps, momentum). */
const efficientnets: Record<string, { conf: readonly [number, number] | null; dropout: number; norm: readonly [number, number | null] | null }> = {
  efficientnet_b0: { conf: [1.0, 1.0], dropout: 0.2, norm: null },
  efficientnet_b1: { conf: [1.0, 1.1], dropout: 0.2, norm: null },
  efficientnet_b2: { conf: [1.1, 1.2], dropout: 0.3, norm: null },
  efficientnet_b3: { conf: [1.2, 1.4], dropout: 0.3, norm: null },
  efficientnet_b4: { conf: [1.4, 1.8], dropout: 0.4, norm: null },
  efficientnet_b5: { conf: [1.6, 2.2], dropout: 0.4, norm: [0.001, 0.01] },
  efficientnet_b6: { conf: [1.8, 2.6], dropout: 0.5, norm: [0.001, 0.01] },
  efficientnet_b7: { conf: [2.0, 3.1], dropout: 0.5, norm: [0.001, 0.01] },
  efficientnet_v2_s: { conf: null, dropout: 0.2, norm: [1e-3, null] },
  efficientnet_v2_m: { conf: null, dropout: 0.3, norm: [1e-3, null] },
  efficientnet_v2_l: { conf: null, dropout: 0.4, norm: [1e-3, null] },
}

/**
 * Python's `TypeError` for a keyword of `given` that the builder's code also passes to `callee` itself: positionally
 * (`argument 'block'`) or as a keyword (`keyword argument 'norm_layer'`).
 */
function noRepeats(py: Py, callee: string, given: Record<string, Value>, own: readonly string[], asKeyword = false): void {
  const repeated = own.find((name) => Object.hasOwn(given, name))
  if (repeated !== undefined) raise('TypeError', 'too-many-arguments', `${callee}() got multiple values for ${asKeyword ? 'keyword ' : ''}argument '${repeated}'`, py.span)
}

function resnetRoute(name: string): ClassRoute {
  const [block, layers] = resnetLayers[name]!
  return {
    extra: ['block', 'layers', 'norm_layer'],
    fixed: ['groups', 'width_per_group'],
    call(py, kwargs) {
      noRepeats(py, '_resnet', kwargs, ['block', 'layers'])
      return py.call(resNetClass(), [resnetMembers()[block]!(), list(layers.map((n) => int(n)))], kwargs)
    },
  }
}

function efficientnetRoute(name: string): ClassRoute {
  const spec = efficientnets[name]!
  return {
    extra: ['dropout', 'norm_layer', 'inverted_residual_setting', 'last_channel'],
    call(py, kwargs) {
      const confKeywords: Record<string, Value> = spec.conf ? { width_mult: float(spec.conf[0]), depth_mult: float(spec.conf[1]) } : {}
      const [setting, lastChannel] = py.items(py.call(efficientnetMembers()['_efficientnet_conf']!(), [str(name)], confKeywords)) as [Value, Value]
      const { dropout, ...rest } = kwargs
      const own: Record<string, Value> = {}
      if (spec.norm) {
        noRepeats(py, 'torchvision.models.efficientnet._efficientnet', rest, ['norm_layer'], true)
        const [eps, momentum] = spec.norm
        const partial = (libraryModule('functools') as Extract<Value, { kind: 'namespace' }>).members['partial']!
        own['norm_layer'] = py.call(partial, [nnClass(batchNorm2d)], momentum === null ? { eps: float(eps) } : { eps: float(eps), momentum: float(momentum) })
      }
      noRepeats(py, '_efficientnet', rest, ['inverted_residual_setting', 'last_channel'])
      return py.call(efficientNetClass(), [setting, dropout ?? float(spec.dropout)], { last_channel: lastChannel, ...own, ...rest })
    },
  }
}

const mobilenetV2Route: ClassRoute = {
  extra: ['block', 'norm_layer'],
  call: (py, kwargs) => py.call(mobileNetV2Class(), [], kwargs),
}

function mobilenetV3Route(name: string): ClassRoute {
  return {
    extra: ['block', 'norm_layer', 'inverted_residual_setting', 'last_channel'],
    call(py, kwargs) {
      const [setting, lastChannel] = py.items(py.call(mobilenetv3Members()['_mobilenet_v3_conf']!(), [str(name)], kwargs)) as [Value, Value]
      noRepeats(py, '_mobilenet_v3', kwargs, ['inverted_residual_setting', 'last_channel'])
      return py.call(mobileNetV3Class(), [setting, lastChannel], kwargs)
    },
  }
}

/** The route of a builder of `torchvision.models` whose class nnsize makes, or undefined. */
export function classRoute(name: string): ClassRoute | undefined {
  if (Object.hasOwn(resnetLayers, name)) return resnetRoute(name)
  if (Object.hasOwn(efficientnets, name)) return efficientnetRoute(name)
  if (name === 'mobilenet_v2') return mobilenetV2Route
  if (name === 'mobilenet_v3_large' || name === 'mobilenet_v3_small') return mobilenetV3Route(name)
  return undefined
}

/** A resolved builder argument as a Python value: an int, a float or a bool. */
function pyValue(value: unknown): Value | undefined {
  if (typeof value === 'boolean') return { kind: 'bool', value }
  if (typeof value === 'number') return Number.isInteger(value) ? int(value) : float(value)
  return undefined
}

const builderOnly = new Set(['weights', 'progress', 'pretrained'])

/**
 * The builder `base` (nnsize's model of `qualified`), which runs `route` when the call gives a keyword of the class
 * that nnsize's builder does not take: the builder's own arguments are checked and resolved as it resolves them
 * (`weights` fixes `num_classes`), then the class is called through the interpreter with every keyword given.
 */
export function routedBuilder(base: CallableValue, qualified: string, definition: LayerDefinition, route: ClassRoute): CallableValue {
  const own = new Set(definition.signature.map((s) => s.name))
  return {
    ...base,
    invoke(args: ArgValue[], span: SourceSpan, runtime) {
      const extra = args.filter((a) => a.name !== undefined && !own.has(a.name) && route.extra.includes(a.name))
      if (extra.length === 0 || runtime === undefined) return base.invoke(args, span, runtime)
      const rest = args.filter((a) => !extra.includes(a))
      const bound = bindArguments(qualified, definition.signature, rest, span, definition.variadic, definition.ignoresExtraKeywords)
      definition.validate?.(bound.values, (arg, message) => {
        throw new NnsizeError('argument-value', message, { span: bound.spans[arg] ?? span })
      })
      const kwargs: Record<string, Value> = {}
      for (const a of [...rest, ...extra]) if (a.name !== undefined && !builderOnly.has(a.name)) kwargs[a.name] = a.value
      // What the weights fix (`num_classes` from their categories) and what the builder fixes itself.
      const resolved = bound.values as Record<string, unknown>
      const fixed = [...(resolved['weights'] ? ['num_classes'] : []), ...(route.fixed ?? [])]
      for (const name of fixed) {
        const value = pyValue(resolved[name])
        if (value) kwargs[name] = value
      }
      return route.call(new Py(runtime as Interpreter, span), kwargs)
    },
  }
}
