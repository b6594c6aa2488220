import { any } from '../../../bind/args.js'
import { relu, sigmoid } from '../../../layers/activation.js'
import { sequential } from '../../../layers/containers.js'
import { conv2d, conv3d } from '../../../layers/conv.js'
import { dropout } from '../../../layers/dropout.js'
import { linear } from '../../../layers/linear.js'
import { batchNorm2d, batchNorm3d } from '../../../layers/norm.js'
import { adaptiveAvgPool2d } from '../../../layers/pool.js'
import type { PyClass } from '../../../interpret/classes.js'
import { layerClass } from '../../../interpret/nn-module.js'
import { NONE, TRUE, bool, float, int, tuple } from '../../../contract/values.js'
import type { Value } from '../../../contract/values.js'
import { nnClass, once, torchvisionClass } from './kit.js'
import type { Py, Signature } from './kit.js'

/**
 * The building blocks of `torchvision.ops.misc` (torchvision 0.28) that model files import and subclass:
 * `ConvNormActivation` with `Conv2dNormActivation` and `Conv3dNormActivation` (each an `nn.Sequential` of the
 * convolution, the norm layer and the activation, named `0`, `1`, `2`), `SqueezeExcitation`, `MLP` and `Permute`.
 */

const MODULE = 'torchvision.ops.misc'

/** Whether `v` is a Python `int` (`bool` included). */
function isInt(v: Value): boolean {
  return v.kind === 'int' || v.kind === 'bool'
}

/** torchvision's `_make_ntuple(x, n)`: `tuple(x)` for an iterable, else `x` repeated `n` times. */
function ntuple(py: Py, x: Value, n: number): Value {
  if (x.kind === 'list' || x.kind === 'tuple' || x.kind === 'str' || x.kind === 'range' || x.kind === 'iterator') return tuple(py.items(x))
  return tuple(new Array<Value>(n).fill(x))
}

/** The arguments of `ConvNormActivation` before `conv_layer`, with the defaults of the 2-d block (`norm_layer` given). */
function convNormSignature(norm: Value): Signature {
  return [
    any('in_channels'),
    any('out_channels'),
    any('kernel_size', { default: int(3) }),
    any('stride', { default: int(1) }),
    any('padding', { default: NONE }),
    any('groups', { default: int(1) }),
    any('norm_layer', { default: norm }),
    any('activation_layer', { default: nnClass(relu) }),
    any('dilation', { default: int(1) }),
    any('inplace', { default: TRUE }),
    any('bias', { default: NONE }),
  ]
}

const convNormNames = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'groups', 'norm_layer', 'activation_layer', 'dilation', 'inplace', 'bias'] as const

const convNormActivation = once(() => {
  const base = layerClass(sequential)
  return torchvisionClass({
    name: 'ConvNormActivation',
    module: MODULE,
    base,
    signature: [...convNormSignature(nnClass(batchNorm2d)), any('conv_layer', { default: nnClass(conv2d) })],
    init(py, self, a) {
      let kernel = a['kernel_size']!
      let dilation = a['dilation']!
      let padding = a['padding']!
      if (padding.kind === 'none') {
        if (isInt(kernel) && isInt(dilation)) padding = py.op('Mult', py.op('FloorDiv', py.op('Sub', kernel, 1), 2), dilation)
        else {
          const sequence = kernel.kind === 'list' || kernel.kind === 'tuple' || kernel.kind === 'str' || kernel.kind === 'range'
          const dims = py.count(py.call(py.builtin('len'), [sequence ? kernel : dilation]), 'len')
          kernel = ntuple(py, kernel, dims)
          dilation = ntuple(py, dilation, dims)
          const pads: Value[] = []
          for (let i = 0; i < dims; i++) pads.push(py.op('Mult', py.op('FloorDiv', py.op('Sub', py.item(kernel, i), 1), 2), py.item(dilation, i)))
          padding = tuple(pads)
        }
      }
      const norm = a['norm_layer']!
      const activation = a['activation_layer']!
      const bias = a['bias']!.kind === 'none' ? bool(norm.kind === 'none') : a['bias']!
      const layers = [py.call(a['conv_layer']!, [a['in_channels']!, a['out_channels']!, kernel, a['stride']!, padding], { dilation, groups: a['groups']!, bias })]
      if (norm.kind !== 'none') layers.push(py.call(norm, [a['out_channels']!]))
      if (activation.kind !== 'none') layers.push(py.call(activation, [], a['inplace']!.kind === 'none' ? {} : { inplace: a['inplace']! }))
      py.call(py.get(base.value, '__init__'), [self, ...layers])
      py.set(self, 'out_channels', a['out_channels']!)
    },
  })
})

/** `Conv2dNormActivation` or `Conv3dNormActivation`: `ConvNormActivation.__init__` with `nn.Conv2d` (`nn.Conv3d`) and its norm default. */
function convNdNormActivation(name: string, norm: Value, conv: Value): PyClass {
  const base = convNormActivation()
  return torchvisionClass({
    name,
    module: MODULE,
    base,
    signature: convNormSignature(norm),
    init(py, self, a) {
      py.call(py.get(base.value, '__init__'), [self, ...convNormNames.map((n) => a[n]!), conv])
    },
  })
}

const conv2dNormActivation = once(() => convNdNormActivation('Conv2dNormActivation', nnClass(batchNorm2d), nnClass(conv2d)))
const conv3dNormActivation = once(() => convNdNormActivation('Conv3dNormActivation', nnClass(batchNorm3d), nnClass(conv3d)))

const squeezeExcitation = once(() =>
  torchvisionClass({
    name: 'SqueezeExcitation',
    module: MODULE,
    signature: [any('input_channels'), any('squeeze_channels'), any('activation', { default: nnClass(relu) }), any('scale_activation', { default: nnClass(sigmoid) })],
    init(py, self, a) {
      py.set(self, 'avgpool', py.call(nnClass(adaptiveAvgPool2d), [int(1)]))
      py.set(self, 'fc1', py.call(nnClass(conv2d), [a['input_channels']!, a['squeeze_channels']!, int(1)]))
      py.set(self, 'fc2', py.call(nnClass(conv2d), [a['squeeze_channels']!, a['input_channels']!, int(1)]))
      py.set(self, 'activation', py.call(a['activation']!))
      py.set(self, 'scale_activation', py.call(a['scale_activation']!))
    },
    forwardArg: 'input',
    methods: {
      _scale: { signature: [any('input')], call: (py, self, a) => py.chain(self, ['avgpool', 'fc1', 'activation', 'fc2', 'scale_activation'], a['input']!) },
    },
    forward: (py, self, x) => py.op('Mult', py.method(self, '_scale', [x]), x),
  }),
)

const mlp = once(() => {
  const base = layerClass(sequential)
  return torchvisionClass({
    name: 'MLP',
    module: MODULE,
    base,
    signature: [
      any('in_channels'),
      any('hidden_channels'),
      any('norm_layer', { default: NONE }),
      any('activation_layer', { default: nnClass(relu) }),
      any('inplace', { default: NONE }),
      any('bias', { default: TRUE }),
      any('dropout', { default: float(0) }),
    ],
    init(py, self, a) {
      const params: Record<string, Value> = a['inplace']!.kind === 'none' ? {} : { inplace: a['inplace']! }
      const hidden = a['hidden_channels']!
      const norm = a['norm_layer']!
      const layers: Value[] = []
      let inDim = a['in_channels']!
      for (const hiddenDim of py.items(hidden).slice(0, -1)) {
        layers.push(py.call(nnClass(linear), [inDim, hiddenDim], { bias: a['bias']! }))
        if (norm.kind !== 'none') layers.push(py.call(norm, [hiddenDim]))
        layers.push(py.call(a['activation_layer']!, [], params))
        layers.push(py.call(nnClass(dropout), [a['dropout']!], params))
        inDim = hiddenDim
      }
      layers.push(py.call(nnClass(linear), [inDim, py.item(hidden, -1)], { bias: a['bias']! }))
      layers.push(py.call(nnClass(dropout), [a['dropout']!], params))
      py.call(py.get(base.value, '__init__'), [self, ...layers])
    },
  })
})

const permute = once(() =>
  torchvisionClass({
    name: 'Permute',
    module: MODULE,
    signature: [any('dims')],
    init(py, self, a) {
      py.set(self, 'dims', a['dims']!)
    },
    forward: (py, self, x) => py.call(py.torch('permute'), [x, py.get(self, 'dims')]),
  }),
)

/** The class `Conv2dNormActivation`, for the model families that build it (`InvertedResidual`). */
export function conv2dNormActivationClass(): Value {
  return conv2dNormActivation().value
}

/** The classes of `torchvision.ops.misc` nnsize makes (on first use); `FrozenBatchNorm2d` is `torchvision.ops`'. */
export function miscMembers(): Record<string, () => Value> {
  return {
    ConvNormActivation: () => convNormActivation().value,
    Conv2dNormActivation: conv2dNormActivationClass,
    Conv3dNormActivation: () => conv3dNormActivation().value,
    SqueezeExcitation: () => squeezeExcitation().value,
    MLP: () => mlp().value,
    Permute: () => permute().value,
  }
}
