import { any } from '../../../bind/args.js'
import { hardsigmoid, hardswish, relu } from '../../../layers/activation.js'
import { sequential } from '../../../layers/containers.js'
import { dropout } from '../../../layers/dropout.js'
import { linear } from '../../../layers/linear.js'
import { batchNorm2d } from '../../../layers/norm.js'
import { adaptiveAvgPool2d } from '../../../layers/pool.js'
import { FALSE, NONE, TRUE, bool, float, int, list, str, tuple } from '../../../contract/values.js'
import type { Value } from '../../../contract/values.js'
import { raise } from '../../../interpret/exceptions.js'
import { conv2dNormActivationClass, miscMembers } from './misc.js'
import { makeDivisibleFunction } from './mobilenetv2.js'
import { mobileNetV3Rows } from '../mobilenet.js'
import { configClass, kwargsFunction, libraryMember, setKwargsInit } from './kit-extras.js'
import { nnClass, once, torchvisionClass } from './kit.js'
import type { Py } from './kit.js'

/**
 * `torchvision.models.mobilenetv3` of torchvision 0.28 as model files use it: `InvertedResidualConfig` (one row of
 * the paper's tables, channels scaled by `adjust_channels`), `InvertedResidual(cnf, norm_layer, se_layer)`,
 * `MobileNetV3(inverted_residual_setting, last_channel, ...)` with any `block` and `norm_layer`, and
 * `_mobilenet_v3_conf(arch, width_mult, reduced_tail, dilated)`, which makes the settings of `mobilenet_v3_large`
 * and `mobilenet_v3_small`. `_forward_impl` is a method a subclass may override. (Weight initialisation changes no
 * size and is left out.)
 */

const MODULE = 'torchvision.models.mobilenetv3'

/** `functools.partial(fn, **keywords)`. */
const partial = (py: Py, fn: Value, keywords: Record<string, Value>): Value => py.call(libraryMember('functools', 'partial'), [fn], keywords)

const squeezeExcitation = (): Value => miscMembers()['SqueezeExcitation']!()

const invertedResidualConfig = once(() =>
  configClass({
    name: 'InvertedResidualConfig',
    module: MODULE,
    signature: ['input_channels', 'kernel', 'expanded_channels', 'out_channels', 'use_se', 'activation', 'stride', 'dilation', 'width_mult'].map((name) => any(name)),
    init(py, self, a) {
      const adjust = (channels: Value): Value => py.method(self, 'adjust_channels', [channels, a['width_mult']!])
      py.set(self, 'input_channels', adjust(a['input_channels']!))
      py.set(self, 'kernel', a['kernel']!)
      py.set(self, 'expanded_channels', adjust(a['expanded_channels']!))
      py.set(self, 'out_channels', adjust(a['out_channels']!))
      py.set(self, 'use_se', a['use_se']!)
      py.set(self, 'use_hs', bool(py.is('Eq', a['activation']!, str('HS'))))
      py.set(self, 'stride', a['stride']!)
      py.set(self, 'dilation', a['dilation']!)
    },
    staticMethods: {
      adjust_channels: {
        signature: [any('channels'), any('width_mult')],
        call: (py, a) => py.call(makeDivisibleFunction(), [py.op('Mult', a['channels']!, a['width_mult']!), int(8)]),
      },
    },
  }),
)

/** `se_layer`'s default, `partial(SElayer, scale_activation=nn.Hardsigmoid)`, made at each call that takes it. */
const DEFAULT_SE_LAYER: Value = { kind: 'typehint', name: 'partial(SElayer, scale_activation=nn.Hardsigmoid)' }

const invertedResidual = once(() =>
  torchvisionClass({
    name: 'InvertedResidual',
    module: MODULE,
    signature: [any('cnf'), any('norm_layer'), any('se_layer', { default: DEFAULT_SE_LAYER })],
    init(py, self, a) {
      const { cnf, norm_layer: norm } = a as Record<'cnf' | 'norm_layer', Value>
      const attr = (name: string): Value => py.get(cnf, name)
      if (!(py.is('LtE', int(1), attr('stride')) && py.is('LtE', attr('stride'), 2))) py.valueError('illegal stride value')
      py.set(self, 'use_res_connect', bool(py.is('Eq', attr('stride'), 1) && py.is('Eq', attr('input_channels'), attr('out_channels'))))
      const activation = nnClass(py.truthy(attr('use_hs')) ? hardswish : relu)
      const block = conv2dNormActivationClass()
      const layers: Value[] = []
      if (py.is('NotEq', attr('expanded_channels'), attr('input_channels'))) {
        layers.push(py.call(block, [attr('input_channels'), attr('expanded_channels')], { kernel_size: int(1), norm_layer: norm, activation_layer: activation }))
      }
      const stride = py.is('Gt', attr('dilation'), 1) ? int(1) : attr('stride')
      layers.push(
        py.call(block, [attr('expanded_channels'), attr('expanded_channels')], {
          kernel_size: attr('kernel'),
          stride,
          dilation: attr('dilation'),
          groups: attr('expanded_channels'),
          norm_layer: norm,
          activation_layer: activation,
        }),
      )
      if (py.truthy(attr('use_se'))) {
        const squeeze = py.call(makeDivisibleFunction(), [py.op('FloorDiv', attr('expanded_channels'), 4), int(8)])
        const seLayer = a['se_layer'] === DEFAULT_SE_LAYER ? partial(py, squeezeExcitation(), { scale_activation: nnClass(hardsigmoid) }) : a['se_layer']!
        layers.push(py.call(seLayer, [attr('expanded_channels'), squeeze]))
      }
      layers.push(py.call(block, [attr('expanded_channels'), attr('out_channels')], { kernel_size: int(1), norm_layer: norm, activation_layer: NONE }))
      py.set(self, 'block', py.call(nnClass(sequential), layers))
      py.set(self, 'out_channels', attr('out_channels'))
      py.set(self, '_is_cn', bool(py.is('Gt', attr('stride'), 1)))
    },
    forwardArg: 'input',
    forward(py, self, input) {
      const result = py.call(py.get(self, 'block'), [input])
      return py.truthy(py.get(self, 'use_res_connect')) ? py.inPlace('Add', result, input) : result
    },
  }),
)

/** Whether `setting` is a non-empty sequence of instances of `config` (torchvision's check of `inverted_residual_setting`). */
export function checkSetting(py: Py, setting: Value, config: Value, typeName: string): void {
  if (!py.truthy(setting)) py.valueError('The inverted_residual_setting should not be empty')
  const sequence = setting.kind === 'list' || setting.kind === 'tuple' || setting.kind === 'str' || setting.kind === 'range'
  if (!sequence || !py.items(setting).every((s) => py.truthy(py.call(py.builtin('isinstance'), [s, config])))) {
    raise('TypeError', 'argument-type', `The inverted_residual_setting should be List[${typeName}]`, py.span)
  }
}

const mobileNetV3Signature = [
  any('inverted_residual_setting'),
  any('last_channel'),
  any('num_classes', { default: int(1000) }),
  any('block', { default: NONE }),
  any('norm_layer', { default: NONE }),
  any('dropout', { default: float(0.2) }),
]

const mobileNetV3 = once(() => {
  const cls = torchvisionClass({
    name: 'MobileNetV3',
    module: MODULE,
    signature: mobileNetV3Signature,
    // `__init__` takes `**kwargs` too: `setKwargsInit` below gives it.
    init() {},
    methods: {
      _forward_impl: {
        signature: [any('x')],
        call(py, self, a) {
          let x = py.call(py.get(self, 'features'), [a['x']!])
          x = py.call(py.get(self, 'avgpool'), [x])
          x = py.call(py.torch('flatten'), [x, int(1)])
          return py.call(py.get(self, 'classifier'), [x])
        },
      },
    },
    forward: (py, self, x) => py.method(self, '_forward_impl', [x]),
  })
  // `MobileNetV3.__init__` takes `**kwargs` and ignores them.
  setKwargsInit(cls, mobileNetV3Signature, (py, self, a) => {
    const setting = a['inverted_residual_setting']!
    checkSetting(py, setting, invertedResidualConfig().value, 'InvertedResidualConfig')
    const block = a['block']!.kind === 'none' ? invertedResidual().value : a['block']!
    const norm = a['norm_layer']!.kind === 'none' ? partial(py, nnClass(batchNorm2d), { eps: float(0.001), momentum: float(0.01) }) : a['norm_layer']!
    const convBlock = conv2dNormActivationClass()
    const firstOutput = py.get(py.item(setting, 0), 'input_channels')
    const layers = [py.call(convBlock, [int(3), firstOutput], { kernel_size: int(3), stride: int(2), norm_layer: norm, activation_layer: nnClass(hardswish) })]
    for (const cnf of py.items(setting)) layers.push(py.call(block, [cnf, norm]))
    const lastInput = py.get(py.item(setting, -1), 'out_channels')
    const lastOutput = py.op('Mult', int(6), lastInput)
    layers.push(py.call(convBlock, [lastInput, lastOutput], { kernel_size: int(1), norm_layer: norm, activation_layer: nnClass(hardswish) }))
    py.set(self, 'features', py.call(nnClass(sequential), layers))
    py.set(self, 'avgpool', py.call(nnClass(adaptiveAvgPool2d), [int(1)]))
    py.set(
      self,
      'classifier',
      py.call(nnClass(sequential), [
        py.call(nnClass(linear), [lastOutput, a['last_channel']!]),
        py.call(nnClass(hardswish), [], { inplace: TRUE }),
        py.call(nnClass(dropout), [], { p: a['dropout']!, inplace: TRUE }),
        py.call(nnClass(linear), [a['last_channel']!, a['num_classes']!]),
      ]),
    )
  })
  return cls
})

/**
 * `_mobilenet_v3_conf(arch, width_mult=1.0, reduced_tail=False, dilated=False, **kwargs)`: the list of
 * `InvertedResidualConfig` of `'mobilenet_v3_large'` or `'mobilenet_v3_small'` and `last_channel`. The tail's
 * channels are halved with `reduced_tail`, its blocks dilated by 2 with `dilated`.
 */
const mobileNetV3Conf = once(() =>
  kwargsFunction(
    `${MODULE}._mobilenet_v3_conf`,
    [any('arch'), any('width_mult', { default: float(1) }), any('reduced_tail', { default: FALSE }), any('dilated', { default: FALSE })],
    (py, a) => {
      const divider = py.truthy(a['reduced_tail']!) ? 2 : 1
      const dilation = int(py.truthy(a['dilated']!) ? 2 : 1)
      const config = invertedResidualConfig().value
      const arch = a['arch']!
      const large = py.is('Eq', arch, str('mobilenet_v3_large'))
      if (!large && !py.is('Eq', arch, str('mobilenet_v3_small'))) py.valueError(`Unsupported model type ${py.it.str(arch, py.span)}`)
      const reduce = (channels: number): number => Math.floor(channels / divider)
      const rows = mobileNetV3Rows(large ? 'large' : 'small', reduce)
      const setting = rows.map(([input, kernel, expanded, out, se, activation, stride, dilated]) =>
        py.call(config, [int(input), int(kernel), int(expanded), int(out), bool(se), str(activation), int(stride), dilated ? dilation : int(1)], { width_mult: a['width_mult']! }),
      )
      const lastChannel = py.call(py.get(config, 'adjust_channels'), [int(reduce(large ? 1280 : 1024))], { width_mult: a['width_mult']! })
      return tuple([list(setting), lastChannel])
    },
  ),
)

/** The class `MobileNetV3` (also a name of `torchvision.models` and `torchvision.models.mobilenet`). */
export function mobileNetV3Class(): Value {
  return mobileNetV3().value
}

/** The names `torchvision.models.mobilenetv3` defines or imports besides its builders and weights (made on first use). */
export function mobilenetv3Members(): Record<string, () => Value> {
  return {
    MobileNetV3: mobileNetV3Class,
    InvertedResidual: () => invertedResidual().value,
    InvertedResidualConfig: () => invertedResidualConfig().value,
    _mobilenet_v3_conf: mobileNetV3Conf,
    Conv2dNormActivation: conv2dNormActivationClass,
    SElayer: squeezeExcitation,
    _make_divisible: makeDivisibleFunction,
  }
}
