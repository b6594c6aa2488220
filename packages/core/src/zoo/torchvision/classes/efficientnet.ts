import { any } from '../../../bind/args.js'
import { silu } from '../../../layers/activation.js'
import { sequential } from '../../../layers/containers.js'
import { dropout } from '../../../layers/dropout.js'
import { linear } from '../../../layers/linear.js'
import { batchNorm2d } from '../../../layers/norm.js'
import { adaptiveAvgPool2d } from '../../../layers/pool.js'
import type { PyClass } from '../../../interpret/classes.js'
import { NONE, TRUE, bool, float, int, list, str, tuple } from '../../../contract/values.js'
import type { Value } from '../../../contract/values.js'
import { raise } from '../../../interpret/exceptions.js'
import { conv2dNormActivationClass, miscMembers } from './misc.js'
import { makeDivisibleFunction } from './mobilenetv2.js'
import { efficientNetV1Rows, efficientNetV2Rows } from '../efficientnet.js'
import type { EfficientNetRow } from '../efficientnet.js'
import { checkSetting } from './mobilenetv3.js'
import { stochasticDepthClass } from './stochastic-depth.js'
import { configClass, kwargsFunction, libraryMember } from './kit-extras.js'
import { nnClass, once, torchvisionClass } from './kit.js'
import type { Py, Signature } from './kit.js'

/**
 * `torchvision.models.efficientnet` of torchvision 0.28 as model files use it: the stage settings `_MBConvConfig` (a
 * dataclass), `MBConvConfig` (channels scaled by `width_mult`, layers by `depth_mult`) and `FusedMBConvConfig`, the
 * blocks `MBConv` and `FusedMBConv` (whose residual branch passes a `StochasticDepth`), `EfficientNet(...)` with any
 * `norm_layer`, and `_efficientnet_conf(arch, **kwargs)`, which makes the settings of `efficientnet_b*` and
 * `efficientnet_v2_*`. `_forward_impl` is a method a subclass may override. (Weight initialisation changes no size
 * and is left out.)
 */

const MODULE = 'torchvision.models.efficientnet'

const squeezeExcitation = (): Value => miscMembers()['SqueezeExcitation']!()

const configFields = ['expand_ratio', 'kernel', 'stride', 'input_channels', 'out_channels', 'num_layers', 'block'] as const

/** `_MBConvConfig`: a dataclass of the seven fields, and `adjust_channels(channels, width_mult, min_value=None)`. */
const baseConfig = once(() =>
  configClass({
    name: '_MBConvConfig',
    module: MODULE,
    signature: configFields.map((name) => any(name)),
    init(py, self, a) {
      for (const field of configFields) py.set(self, field, a[field]!)
    },
    staticMethods: {
      adjust_channels: {
        signature: [any('channels'), any('width_mult'), any('min_value', { default: NONE })],
        call: (py, a) => py.call(makeDivisibleFunction(), [py.op('Mult', a['channels']!, a['width_mult']!), int(8), a['min_value']!]),
      },
    },
    dataclassFields: configFields,
  }),
)

/** The first six fields of a stage, as both config classes take them. */
const stageSignature: Signature = configFields.slice(0, 6).map((name) => any(name))

/** `super().__init__(expand_ratio, …, num_layers, block)` with the stage's fields as given. */
function initBase(py: Py, self: Value, fields: readonly Value[]): void {
  py.call(py.get(baseConfig().value, '__init__'), [self, ...fields])
}

const mbConvConfig = once(() =>
  configClass({
    name: 'MBConvConfig',
    module: MODULE,
    base: baseConfig(),
    signature: [...stageSignature, any('width_mult', { default: float(1) }), any('depth_mult', { default: float(1) }), any('block', { default: NONE })],
    init(py, self, a) {
      const input = py.method(self, 'adjust_channels', [a['input_channels']!, a['width_mult']!])
      const out = py.method(self, 'adjust_channels', [a['out_channels']!, a['width_mult']!])
      const layers = py.method(self, 'adjust_depth', [a['num_layers']!, a['depth_mult']!])
      const block = a['block']!.kind === 'none' ? mbConv().value : a['block']!
      initBase(py, self, [a['expand_ratio']!, a['kernel']!, a['stride']!, input, out, layers, block])
    },
    staticMethods: {
      adjust_depth: {
        signature: [any('num_layers'), any('depth_mult')],
        call: (py, a) => py.call(py.builtin('int'), [py.call(libraryMember('math', 'ceil'), [py.op('Mult', a['num_layers']!, a['depth_mult']!)])]),
      },
    },
    dataclassFields: configFields,
  }),
)

const fusedMBConvConfig = once(() =>
  configClass({
    name: 'FusedMBConvConfig',
    module: MODULE,
    base: baseConfig(),
    signature: [...stageSignature, any('block', { default: NONE })],
    init(py, self, a) {
      const block = a['block']!.kind === 'none' ? fusedMBConv().value : a['block']!
      initBase(py, self, [...stageSignature.map((s) => a[s.name]!), block])
    },
    dataclassFields: configFields,
  }),
)

/** What both blocks do first: torchvision's stride check, `use_res_connect`, and `adjust_channels` of the input by `expand_ratio`. */
function blockStart(py: Py, self: Value, cnf: Value): Value {
  const attr = (name: string): Value => py.get(cnf, name)
  if (!(py.is('LtE', int(1), attr('stride')) && py.is('LtE', attr('stride'), 2))) py.valueError('illegal stride value')
  py.set(self, 'use_res_connect', bool(py.is('Eq', attr('stride'), 1) && py.is('Eq', attr('input_channels'), attr('out_channels'))))
  return py.method(cnf, 'adjust_channels', [attr('input_channels'), attr('expand_ratio')])
}

/** What both blocks do last: `block`, `stochastic_depth`, `out_channels`. */
function blockEnd(py: Py, self: Value, cnf: Value, layers: Value[], stochasticDepthProb: Value): void {
  py.set(self, 'block', py.call(nnClass(sequential), layers))
  py.set(self, 'stochastic_depth', py.call(stochasticDepthClass(), [stochasticDepthProb, str('row')]))
  py.set(self, 'out_channels', py.get(cnf, 'out_channels'))
}

/** Both blocks' forward: the residual branch through `stochastic_depth`, added in place. */
function residualForward(py: Py, self: Value, input: Value): Value {
  let result = py.call(py.get(self, 'block'), [input])
  if (py.truthy(py.get(self, 'use_res_connect'))) {
    result = py.call(py.get(self, 'stochastic_depth'), [result])
    result = py.inPlace('Add', result, input)
  }
  return result
}

const mbConv = once(() =>
  torchvisionClass({
    name: 'MBConv',
    module: MODULE,
    signature: [any('cnf'), any('stochastic_depth_prob'), any('norm_layer'), any('se_layer', { default: squeezeExcitation() })],
    init(py, self, a) {
      const { cnf, norm_layer: norm } = a as Record<'cnf' | 'norm_layer', Value>
      const expanded = blockStart(py, self, cnf)
      const activation = nnClass(silu)
      const block = conv2dNormActivationClass()
      const input = py.get(cnf, 'input_channels')
      const layers: Value[] = []
      if (py.is('NotEq', expanded, input)) layers.push(py.call(block, [input, expanded], { kernel_size: int(1), norm_layer: norm, activation_layer: activation }))
      layers.push(py.call(block, [expanded, expanded], { kernel_size: py.get(cnf, 'kernel'), stride: py.get(cnf, 'stride'), groups: expanded, norm_layer: norm, activation_layer: activation }))
      const squeeze = py.call(py.builtin('max'), [int(1), py.op('FloorDiv', input, 4)])
      layers.push(py.call(a['se_layer']!, [expanded, squeeze], { activation: py.call(libraryMember('functools', 'partial'), [nnClass(silu)], { inplace: TRUE }) }))
      layers.push(py.call(block, [expanded, py.get(cnf, 'out_channels')], { kernel_size: int(1), norm_layer: norm, activation_layer: NONE }))
      blockEnd(py, self, cnf, layers, a['stochastic_depth_prob']!)
    },
    forwardArg: 'input',
    forward: residualForward,
  }),
)

const fusedMBConv = once(() =>
  torchvisionClass({
    name: 'FusedMBConv',
    module: MODULE,
    signature: [any('cnf'), any('stochastic_depth_prob'), any('norm_layer')],
    init(py, self, a) {
      const { cnf, norm_layer: norm } = a as Record<'cnf' | 'norm_layer', Value>
      const expanded = blockStart(py, self, cnf)
      const activation = nnClass(silu)
      const block = conv2dNormActivationClass()
      const input = py.get(cnf, 'input_channels')
      const spatial = { kernel_size: py.get(cnf, 'kernel'), stride: py.get(cnf, 'stride'), norm_layer: norm, activation_layer: activation }
      const layers: Value[] = []
      if (py.is('NotEq', expanded, input)) {
        layers.push(py.call(block, [input, expanded], spatial))
        layers.push(py.call(block, [expanded, py.get(cnf, 'out_channels')], { kernel_size: int(1), norm_layer: norm, activation_layer: NONE }))
      } else {
        layers.push(py.call(block, [input, py.get(cnf, 'out_channels')], spatial))
      }
      blockEnd(py, self, cnf, layers, a['stochastic_depth_prob']!)
    },
    forwardArg: 'input',
    forward: residualForward,
  }),
)

const efficientNet = once(() =>
  torchvisionClass({
    name: 'EfficientNet',
    module: MODULE,
    signature: [
      any('inverted_residual_setting'),
      any('dropout'),
      any('stochastic_depth_prob', { default: float(0.2) }),
      any('num_classes', { default: int(1000) }),
      any('norm_layer', { default: NONE }),
      any('last_channel', { default: NONE }),
    ],
    init(py, self, a) {
      const setting = a['inverted_residual_setting']!
      checkSetting(py, setting, baseConfig().value, 'MBConvConfig')
      const norm = a['norm_layer']!.kind === 'none' ? nnClass(batchNorm2d) : a['norm_layer']!
      const convBlock = conv2dNormActivationClass()
      const configs = py.items(setting)
      const layers = [py.call(convBlock, [int(3), py.get(configs[0]!, 'input_channels')], { kernel_size: int(3), stride: int(2), norm_layer: norm, activation_layer: nnClass(silu) })]
      const totalStageBlocks = py.call(py.builtin('sum'), [list(configs.map((cnf) => py.get(cnf, 'num_layers')))])
      const copy = libraryMember('copy', 'copy')
      let stageBlockId = 0
      for (const cnf of configs) {
        const stage: Value[] = []
        const count = py.count(py.get(cnf, 'num_layers'), 'num_layers')
        for (let i = 0; i < count; i++) {
          const blockConfig = py.call(copy, [cnf])
          if (stage.length > 0) {
            py.set(blockConfig, 'input_channels', py.get(blockConfig, 'out_channels'))
            py.set(blockConfig, 'stride', int(1))
          }
          const sdProb = py.op('Div', py.op('Mult', a['stochastic_depth_prob']!, float(stageBlockId)), totalStageBlocks)
          stage.push(py.method(blockConfig, 'block', [blockConfig, sdProb, norm]))
          stageBlockId++
        }
        layers.push(py.call(nnClass(sequential), stage))
      }
      const lastInput = py.get(py.item(setting, -1), 'out_channels')
      const lastOutput = a['last_channel']!.kind === 'none' ? py.op('Mult', int(4), lastInput) : a['last_channel']!
      layers.push(py.call(convBlock, [lastInput, lastOutput], { kernel_size: int(1), norm_layer: norm, activation_layer: nnClass(silu) }))
      py.set(self, 'features', py.call(nnClass(sequential), layers))
      py.set(self, 'avgpool', py.call(nnClass(adaptiveAvgPool2d), [int(1)]))
      py.set(self, 'classifier', py.call(nnClass(sequential), [py.call(nnClass(dropout), [], { p: a['dropout']!, inplace: TRUE }), py.call(nnClass(linear), [lastOutput, a['num_classes']!])]))
    },
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
  }),
)

/**
 * `_efficientnet_conf(arch, **kwargs)`: the stage configs and `last_channel` of an `arch` that starts with
 * `'efficientnet_b'` (`MBConvConfig`s scaled by the `width_mult` and `depth_mult` it pops from `kwargs`, a `KeyError`
 * without them; `last_channel` None) or `'efficientnet_v2_s'`, `_m`, `_l` (`last_channel` 1280).
 */
const efficientNetConf = once(() =>
  kwargsFunction(`${MODULE}._efficientnet_conf`, [any('arch')], (py, a, kwargs) => {
    const arch = a['arch']!
    const startsWith = (prefix: string): boolean => py.truthy(py.method(arch, 'startswith', [str(prefix)]))
    const row = (values: EfficientNetRow): Value[] => values.map((v) => int(v))
    if (startsWith('efficientnet_b')) {
      const pop = (name: string): Value => kwargs.find(([k]) => k === name)?.[1] ?? raise('KeyError', 'argument-value', `'${name}'`, py.span)
      const scale = { width_mult: pop('width_mult'), depth_mult: pop('depth_mult') }
      return tuple([list(efficientNetV1Rows.map((values) => py.call(mbConvConfig().value, row(values), scale))), NONE])
    }
    for (const [name, rows] of Object.entries(efficientNetV2Rows)) {
      if (!startsWith(name)) continue
      const setting = rows.map(([fused, ...values]) => py.call((fused ? fusedMBConvConfig() : mbConvConfig()).value, row(values)))
      return tuple([list(setting), int(1280)])
    }
    return py.valueError(`Unsupported model type ${py.it.str(arch, py.span)}`)
  }),
)

/** The class `EfficientNet` (also a name of `torchvision.models`). */
export function efficientNetClass(): Value {
  return efficientNet().value
}

/** The names `torchvision.models.efficientnet` defines or imports besides its builders and weights (made on first use). */
export function efficientnetMembers(): Record<string, () => Value> {
  const value = (make: () => PyClass) => () => make().value
  return {
    EfficientNet: efficientNetClass,
    _MBConvConfig: value(baseConfig),
    MBConvConfig: value(mbConvConfig),
    FusedMBConvConfig: value(fusedMBConvConfig),
    MBConv: value(mbConv),
    FusedMBConv: value(fusedMBConv),
    _efficientnet_conf: efficientNetConf,
    StochasticDepth: stochasticDepthClass,
    Conv2dNormActivation: conv2dNormActivationClass,
    SqueezeExcitation: squeezeExcitation,
    _make_divisible: makeDivisibleFunction,
  }
}
