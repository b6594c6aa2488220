import type { SourceSpan } from '../../errors.js'
import { bool, float as floatArg } from '../../bind/args.js'
import * as ops from '../../forward/ops/index.js'
import { defineLayer } from '../../layers/define-layer.js'
import { formatShape } from '../../tensor/shape.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { lookupInMro } from '../classes.js'
import { layerClass } from '../nn-module.js'
import { markWritten } from '../tensor-values.js'
import { float, int, list, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, CallableValue, NamespaceValue, TensorValue, Value } from '../../contract/values.js'

/**
 * The helpers of `timm.layers` (timm 1.0) that model files import (`from timm.models.layers import DropPath,
 * to_2tuple, trunc_normal_`, the older path, is the same module), and `timm.models.register_model`.
 */

/**
 * `timm.layers.DropPath(drop_prob=0., scale_by_keep=True)`: stochastic depth per sample. No parameters; in training
 * mode with `drop_prob > 0` its forward is `x * mask`, where the mask of shape `(N, 1, …)` is drawn with `bernoulli_`
 * (and divided by the keep probability in place), so autograd keeps the mask when `x` requires grad.
 */
export const dropPath = defineLayer({
  name: 'DropPath',
  signature: [floatArg('drop_prob', { default: 0 }), bool('scale_by_keep', { default: true })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (self.args.drop_prob === 0 || !self.training) return x
    if (x.shape.length === 0) throw ctx.error(`needs a batch dimension, got shape ${formatShape(x.shape)}.`)
    const mask = ctx.tensor([x.shape[0]!, ...x.shape.slice(1).map(() => 1)], x.dtype, false)
    return ops.mul(ctx, x, mask)
  },
})

/** Whether `to_ntuple` takes `v` as an iterable (`collections.abc.Iterable`, strings excepted). */
function iterable(v: Value): boolean {
  switch (v.kind) {
    case 'list':
    case 'tuple':
    case 'dict':
    case 'set':
    case 'range':
    case 'iterator':
    case 'tensor':
      return true
    case 'instance':
      return lookupInMro(v.cls, '__iter__') !== undefined
    default:
      return false
  }
}

/** `to_ntuple(n)(x)`: `tuple(x)` for an iterable other than a string, else `x` repeated `n` times. */
function ntuple(it: Interpreter, n: number, x: Value, span: SourceSpan): Value {
  if (iterable(x)) return tuple([...it.toArray(x, span)])
  it.budget.allocate(n, span)
  return tuple(Array.from({ length: n }, () => x))
}

function ntupleFunction(n: number, name: string): CallableValue {
  return native(name, (args, span, it) => {
    const x = args[0]?.value ?? raise('TypeError', 'missing-argument', `parse() missing 1 required positional argument: 'x'`, span)
    return ntuple(it!, n, x, span)
  })
}

/** `to_ntuple(n)`: the function that makes `n`-tuples. */
const toNtuple = native('timm.layers.to_ntuple', (args, span) => {
  const n = args[0]?.value
  if (n?.kind !== 'int' || n.value < 0n || n.value > 64n) return raise('TypeError', 'argument-type', `\`to_ntuple\` takes a small int, got ${n ? typeName(n) : 'nothing'}.`, span)
  return ntupleFunction(Number(n.value), 'parse')
})

/** An initialiser of `timm.layers.weight_init` (`trunc_normal_`, …): nnsize keeps no random values, so it checks its tensor and returns it. */
function initialiser(name: string): CallableValue {
  return native(`timm.layers.${name}`, (args: ArgValue[], span) => {
    const t = args[0]?.value ?? args.find((a) => a.name === 'tensor')?.value
    if (t?.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`${name}\` takes a tensor, got ${t ? typeName(t) : 'nothing'}.`, span)
    markWritten(t)
    return t satisfies TensorValue
  })
}

/** timm's `make_divisible(v, divisor=8, min_value=None, round_limit=.9)`. */
const makeDivisible = native('timm.layers.make_divisible', (args, span, it) => {
  const value = (position: number, name: string): Value | undefined => args.find((a) => a.name === name)?.value ?? (args[position]?.name === undefined ? args[position]?.value : undefined)
  const number = (v: Value | undefined, fallback: number): number => (v === undefined || v.kind === 'none' ? fallback : v.kind === 'int' ? Number(v.value) : v.kind === 'float' ? v.value : raise('TypeError', 'argument-type', `\`make_divisible\` takes numbers, got ${typeName(v)}.`, span))
  const v = number(value(0, 'v'), Number.NaN)
  const divisor = number(value(1, 'divisor'), 8)
  const minGiven = value(2, 'min_value')
  const minValue = minGiven === undefined || minGiven.kind === 'none' || number(minGiven, 0) === 0 ? divisor : number(minGiven, divisor)
  const roundLimit = number(value(3, 'round_limit'), 0.9)
  if (!Number.isFinite(v) || divisor === 0) return raise('ValueError', 'argument-value', '`make_divisible` needs a finite value and a nonzero divisor.', span)
  let rounded = Math.max(minValue, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor)
  if (rounded < roundLimit * v) rounded += divisor
  void it
  const divisorGiven = value(1, 'divisor')
  const whole = (divisorGiven === undefined || divisorGiven.kind === 'int') && (minGiven === undefined || minGiven.kind === 'none' || minGiven.kind === 'int')
  return whole ? int(BigInt(rounded)) : float(rounded)
})

/** `timm.models.register_model`: returns the function, and adds its name to its module's `__all__`, as timm does. */
const registerModel = native('timm.models.register_model', (args, span) => {
  const fn = args[0]?.value
  if (fn?.kind !== 'function') return raise('TypeError', 'argument-type', `\`register_model\` decorates a function, got ${fn ? typeName(fn) : 'nothing'}.`, span)
  const all = fn.globals.get('__all__')
  if (all?.kind === 'list') all.items.push(str(fn.name))
  else if (all === undefined) fn.globals.set('__all__', list([str(fn.name)]))
  else return raise('AttributeError', 'type', `\`__all__\` of the module of \`${fn.name}\` must be a list for \`register_model\` to append to it.`, span)
  return fn
})

/** The namespaces of timm 1.0's layer helpers and model registry. */
export interface TimmLayerNamespaces {
  /** `timm.layers`, with its modules `helpers`, `drop` and `weight_init`. */
  layers: NamespaceValue
  /** `timm.models.layers`: the deprecated path, a module of the same names without submodules. */
  modelsLayers: NamespaceValue
  /** `timm.models.registry`. */
  registry: NamespaceValue
}

let made: TimmLayerNamespaces | undefined

/** `timm.layers`, `timm.models.layers` and `timm.models.registry`, as timm 1.0.29 has them. */
export function timmLayerNamespaces(): TimmLayerNamespaces {
  if (made) return made
  const DropPath = layerClass(dropPath, 'timm.layers', 'timm.layers').value
  const helpers: Record<string, Value> = {
    to_1tuple: ntupleFunction(1, 'parse'),
    to_2tuple: ntupleFunction(2, 'parse'),
    to_3tuple: ntupleFunction(3, 'parse'),
    to_4tuple: ntupleFunction(4, 'parse'),
    to_ntuple: toNtuple,
    make_divisible: makeDivisible,
  }
  const inits: Record<string, Value> = {}
  for (const name of ['trunc_normal_', 'trunc_normal_tf_', 'variance_scaling_', 'lecun_normal_']) inits[name] = initialiser(name)
  // The package exports every helper but `to_1tuple`.
  const { to_1tuple: _, ...exported } = helpers
  const members = { DropPath, ...exported, ...inits }
  made = {
    layers: namespace('timm.layers', {
      ...members,
      helpers: namespace('timm.layers.helpers', helpers),
      drop: namespace('timm.layers.drop', { DropPath }),
      weight_init: namespace('timm.layers.weight_init', inits),
    }),
    modelsLayers: namespace('timm.models.layers', members),
    registry: namespace('timm.models.registry', { register_model: registerModel }),
  }
  return made
}
