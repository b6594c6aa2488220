import { any } from '../../../bind/args.js'
import { relu6 } from '../../../layers/activation.js'
import { sequential } from '../../../layers/containers.js'
import { conv2d } from '../../../layers/conv.js'
import { dropout } from '../../../layers/dropout.js'
import { linear } from '../../../layers/linear.js'
import { batchNorm2d } from '../../../layers/norm.js'
import { FALSE, NONE, bool, float, int, list, tuple, typeName } from '../../../contract/values.js'
import { defaultV2Setting } from '../mobilenet.js'
import type { Value } from '../../../contract/values.js'
import { raise } from '../../../interpret/exceptions.js'
import { conv2dNormActivationClass } from './misc.js'
import { nnClass, once, pyFunction, torchvisionClass } from './kit.js'
import type { Py } from './kit.js'

/**
 * `torchvision.models.mobilenetv2` of torchvision 0.28 as model files use it: `MobileNetV2(...)` with any `block`
 * and `norm_layer`, `InvertedResidual`, and `_make_divisible` (from `torchvision.models._utils`, which the module
 * imports). `_forward_impl` is a method a subclass may override. (Weight initialisation changes no size and is left out.)
 */

const MODULE = 'torchvision.models.mobilenetv2'

/** A number argument as a JavaScript number. */
function numberOf(py: Py, v: Value, name: string): number {
  if (v.kind === 'int') return Number(v.value)
  if (v.kind === 'float') return v.value
  if (v.kind === 'bool') return v.value ? 1 : 0
  return raise('TypeError', 'argument-type', `\`${name}\` must be a number, got ${typeName(v)}.`, py.span)
}

/**
 * `_make_divisible(v, divisor, min_value=None)`: `max(min_value, int(v + divisor / 2) // divisor * divisor)`, plus
 * `divisor` when that is below 90% of `v` (`min_value` defaults to `divisor`).
 */
function makeDivisibleOf(py: Py, v: Value, divisor: Value, minValue: Value): Value {
  const value = numberOf(py, v, 'v')
  const d = numberOf(py, divisor, 'divisor')
  if (d === 0) return raise('ZeroDivisionError', 'argument-value', 'integer division or modulo by zero', py.span)
  const floor = minValue.kind === 'none' ? d : numberOf(py, minValue, 'min_value')
  const multiple = Math.floor(Math.trunc(value + d / 2) / d) * d
  // Python's types: a float divisor makes the multiple a float; `max` keeps the type of the larger (the first on a tie).
  let isFloat = floor >= multiple ? (minValue.kind === 'none' ? divisor.kind === 'float' : minValue.kind === 'float') : divisor.kind === 'float'
  let rounded = Math.max(floor, multiple)
  if (rounded < 0.9 * value) {
    rounded += d
    isFloat ||= divisor.kind === 'float'
  }
  return isFloat ? float(rounded) : int(rounded)
}

const makeDivisible = once(() =>
  pyFunction('torchvision.models._utils._make_divisible', [any('v'), any('divisor'), any('min_value', { default: NONE })], (py, a) => makeDivisibleOf(py, a['v']!, a['divisor']!, a['min_value']!)),
)

const invertedResidual = once(() =>
  torchvisionClass({
    name: 'InvertedResidual',
    module: MODULE,
    signature: [any('inp'), any('oup'), any('stride'), any('expand_ratio'), any('norm_layer', { default: NONE })],
    init(py, self, a) {
      const { inp, oup, stride } = a as Record<'inp' | 'oup' | 'stride', Value>
      py.set(self, 'stride', stride)
      if (!py.is('In', py.get(self, 'stride'), list([int(1), int(2)]))) py.valueError(`stride should be 1 or 2 instead of ${py.it.str(stride, py.span)}`)
      const norm = a['norm_layer']!.kind === 'none' ? nnClass(batchNorm2d) : a['norm_layer']!
      const hidden = py.call(py.builtin('int'), [py.call(py.builtin('round'), [py.op('Mult', inp, a['expand_ratio']!)])])
      py.set(self, 'use_res_connect', bool(py.is('Eq', py.get(self, 'stride'), 1) && py.is('Eq', inp, oup)))
      const block = conv2dNormActivationClass()
      const layers: Value[] = []
      if (py.is('NotEq', a['expand_ratio']!, 1)) layers.push(py.call(block, [inp, hidden], { kernel_size: int(1), norm_layer: norm, activation_layer: nnClass(relu6) }))
      layers.push(py.call(block, [hidden, hidden], { stride, groups: hidden, norm_layer: norm, activation_layer: nnClass(relu6) }))
      layers.push(py.call(nnClass(conv2d), [hidden, oup, int(1), int(1), int(0)], { bias: FALSE }))
      layers.push(py.call(norm, [oup]))
      py.set(self, 'conv', py.call(nnClass(sequential), layers))
      py.set(self, 'out_channels', oup)
      py.set(self, '_is_cn', bool(py.is('Gt', stride, 1)))
    },
    forward(py, self, x) {
      const out = py.call(py.get(self, 'conv'), [x])
      return py.truthy(py.get(self, 'use_res_connect')) ? py.op('Add', x, out) : out
    },
  }),
)

const mobileNetV2 = once(() =>
  torchvisionClass({
    name: 'MobileNetV2',
    module: MODULE,
    signature: [
      any('num_classes', { default: int(1000) }),
      any('width_mult', { default: float(1) }),
      any('inverted_residual_setting', { default: NONE }),
      any('round_nearest', { default: int(8) }),
      any('block', { default: NONE }),
      any('norm_layer', { default: NONE }),
      any('dropout', { default: float(0.2) }),
    ],
    init(py, self, a) {
      const block = a['block']!.kind === 'none' ? invertedResidual().value : a['block']!
      const norm = a['norm_layer']!.kind === 'none' ? nnClass(batchNorm2d) : a['norm_layer']!
      const widthMult = a['width_mult']!
      const roundNearest = a['round_nearest']!
      const given = a['inverted_residual_setting']!
      const setting = given.kind === 'none' ? list(defaultV2Setting.map((row) => list(row.map((v) => int(v))))) : given
      const len = (v: Value): Value => py.call(py.builtin('len'), [v])
      if (py.is('Eq', len(setting), 0) || py.is('NotEq', len(py.item(setting, 0)), 4)) {
        py.valueError(`inverted_residual_setting should be non-empty or a 4-element list, got ${py.it.str(setting, py.span)}`)
      }
      let inputChannel = makeDivisibleOf(py, py.op('Mult', int(32), widthMult), roundNearest, NONE)
      py.set(self, 'last_channel', makeDivisibleOf(py, py.op('Mult', int(1280), py.call(py.builtin('max'), [float(1), widthMult])), roundNearest, NONE))
      const convBlock = conv2dNormActivationClass()
      const features = [py.call(convBlock, [int(3), inputChannel], { stride: int(2), norm_layer: norm, activation_layer: nnClass(relu6) })]
      for (const row of py.items(setting)) {
        const items = py.items(row)
        if (items.length !== 4) raise('ValueError', 'argument-value', `too many values to unpack (expected 4, got ${items.length})`, py.span)
        const [t, c, n, s] = items as [Value, Value, Value, Value]
        const outputChannel = makeDivisibleOf(py, py.op('Mult', c, widthMult), roundNearest, NONE)
        const count = py.count(n, 'n')
        for (let i = 0; i < count; i++) {
          features.push(py.call(block, [inputChannel, outputChannel, i === 0 ? s : int(1)], { expand_ratio: t, norm_layer: norm }))
          inputChannel = outputChannel
        }
      }
      features.push(py.call(convBlock, [inputChannel, py.get(self, 'last_channel')], { kernel_size: int(1), norm_layer: norm, activation_layer: nnClass(relu6) }))
      py.set(self, 'features', py.call(nnClass(sequential), features))
      py.set(self, 'classifier', py.call(nnClass(sequential), [py.call(nnClass(dropout), [], { p: a['dropout']! }), py.call(nnClass(linear), [py.get(self, 'last_channel'), a['num_classes']!])]))
    },
    methods: {
      _forward_impl: {
        signature: [any('x')],
        call(py, self, a) {
          let x = py.call(py.get(self, 'features'), [a['x']!])
          x = py.call(py.functional('adaptive_avg_pool2d'), [x, tuple([int(1), int(1)])])
          x = py.call(py.torch('flatten'), [x, int(1)])
          return py.call(py.get(self, 'classifier'), [x])
        },
      },
    },
    forward: (py, self, x) => py.method(self, '_forward_impl', [x]),
  }),
)

/** The class `MobileNetV2` (also a name of `torchvision.models` and `torchvision.models.mobilenet`). */
export function mobileNetV2Class(): Value {
  return mobileNetV2().value
}

/** The names `torchvision.models.mobilenetv2` defines besides its builder and weights (made on first use). */
export function mobilenetv2Members(): Record<string, () => Value> {
  return {
    MobileNetV2: mobileNetV2Class,
    InvertedResidual: () => invertedResidual().value,
    Conv2dNormActivation: conv2dNormActivationClass,
    _make_divisible: makeDivisible,
  }
}

/** `torchvision.models._utils._make_divisible`. */
export function makeDivisibleFunction(): Value {
  return makeDivisible()
}
