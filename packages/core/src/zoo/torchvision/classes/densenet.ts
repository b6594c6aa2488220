import { any } from '../../../bind/args.js'
import { relu } from '../../../layers/activation.js'
import { moduleDict, sequential } from '../../../layers/containers.js'
import { conv2d } from '../../../layers/conv.js'
import { linear } from '../../../layers/linear.js'
import { batchNorm2d } from '../../../layers/norm.js'
import { avgPool2d, maxPool2d } from '../../../layers/pool.js'
import { autogradFunctionResult, setGradMode } from '../../../interpret/forward.js'
import { dictSet, newDict } from '../../../interpret/hash.js'
import { layerClass } from '../../../interpret/nn-module.js'
import { FALSE, TRUE, int, list, str, tuple } from '../../../contract/values.js'
import type { TensorValue, Value } from '../../../contract/values.js'
import { nnClass, once, torchvisionClass } from './kit.js'
import type { Py } from './kit.js'

/**
 * `torchvision.models.densenet` of torchvision 0.28 as model files use it: `DenseNet(growth_rate=32,
 * block_config=(6, 12, 24, 16), num_init_features=64, bn_size=4, drop_rate=0, num_classes=1000,
 * memory_efficient=False)` and its blocks `_DenseLayer`, `_DenseBlock` (an `nn.ModuleDict`) and `_Transition` (an
 * `nn.Sequential`). With `memory_efficient`, a dense layer's bottleneck runs under `torch.utils.checkpoint`: its
 * inputs are saved in place of what the bottleneck's layers would keep. (Weight initialisation changes no size and is
 * left out.)
 */

const MODULE = 'torchvision.models.densenet'

/** `nn.BatchNorm2d(n)`, `nn.ReLU(inplace=True)`. */
const batchNorm = (py: Py, n: Value): Value => py.call(nnClass(batchNorm2d), [n])
const reluInPlace = (py: Py): Value => py.call(nnClass(relu), [], { inplace: TRUE })

/** `bn_function(inputs)`: `conv1(relu1(norm1(torch.cat(inputs, 1))))`. */
function bnFunction(py: Py, self: Value, inputs: Value): Value {
  return py.chain(self, ['norm1', 'relu1', 'conv1'], py.call(py.torch('cat'), [inputs, int(1)]))
}

/**
 * `call_checkpoint_bottleneck(inputs)`, `torch.utils.checkpoint.checkpoint(bn_function, *inputs, use_reentrant=False)`:
 * the bottleneck runs without keeping anything for backward, the inputs are saved instead, and its output requires
 * grad. Outside a traced forward (a layer run while the model is built) it is `bn_function`.
 */
function checkpointBottleneck(py: Py, self: Value, inputs: Value): Value {
  const before = setGradMode(py.it, false)
  if (before === undefined) return py.method(self, 'bn_function', [inputs])
  let out: Value
  try {
    out = py.method(self, 'bn_function', [inputs])
  } finally {
    setGradMode(py.it, before)
  }
  const saved = py.items(inputs).filter((v): v is TensorValue => v.kind === 'tensor')
  return autogradFunctionResult(py.it, before, saved, out, new Set())
}

const denseLayer = once(() =>
  torchvisionClass({
    name: '_DenseLayer',
    module: MODULE,
    signature: [any('num_input_features'), any('growth_rate'), any('bn_size'), any('drop_rate'), any('memory_efficient', { default: FALSE })],
    init(py, self, a) {
      const bottleneck = py.op('Mult', a['bn_size']!, a['growth_rate']!)
      py.set(self, 'norm1', batchNorm(py, a['num_input_features']!))
      py.set(self, 'relu1', reluInPlace(py))
      py.set(self, 'conv1', py.call(nnClass(conv2d), [a['num_input_features']!, bottleneck], { kernel_size: int(1), stride: int(1), bias: FALSE }))
      py.set(self, 'norm2', batchNorm(py, bottleneck))
      py.set(self, 'relu2', reluInPlace(py))
      py.set(self, 'conv2', py.call(nnClass(conv2d), [bottleneck, a['growth_rate']!], { kernel_size: int(3), stride: int(1), padding: int(1), bias: FALSE }))
      py.set(self, 'drop_rate', py.call(py.builtin('float'), [a['drop_rate']!]))
      py.set(self, 'memory_efficient', a['memory_efficient']!)
    },
    forwardArg: 'input',
    methods: {
      bn_function: { signature: [any('inputs')], call: (py, self, a) => bnFunction(py, self, a['inputs']!) },
      any_requires_grad: {
        signature: [any('input')],
        call: (py, _self, a) => (py.items(a['input']!).some((t) => py.truthy(py.get(t, 'requires_grad'))) ? TRUE : FALSE),
      },
      call_checkpoint_bottleneck: { signature: [any('input')], call: (py, self, a) => checkpointBottleneck(py, self, a['input']!) },
    },
    forward(py, self, input) {
      const previous = input.kind === 'tensor' ? list([input]) : input
      const bottleneck =
        py.truthy(py.get(self, 'memory_efficient')) && py.truthy(py.method(self, 'any_requires_grad', [previous]))
          ? py.method(self, 'call_checkpoint_bottleneck', [previous])
          : py.method(self, 'bn_function', [previous])
      const features = py.chain(self, ['norm2', 'relu2', 'conv2'], bottleneck)
      const rate = py.get(self, 'drop_rate')
      if (!py.is('Gt', rate, 0)) return features
      return py.call(py.functional('dropout'), [features], { p: rate, training: py.get(self, 'training') })
    },
  }),
)

const denseBlock = once(() => {
  const base = layerClass(moduleDict)
  return torchvisionClass({
    name: '_DenseBlock',
    module: MODULE,
    base,
    signature: [any('num_layers'), any('num_input_features'), any('bn_size'), any('growth_rate'), any('drop_rate'), any('memory_efficient', { default: FALSE })],
    attributes: { _version: int(2) },
    init(py, self, a) {
      py.call(py.get(base.value, '__init__'), [self])
      const count = py.count(a['num_layers']!, 'num_layers')
      for (let i = 0; i < count; i++) {
        const layer = py.call(denseLayer().value, [py.op('Add', a['num_input_features']!, py.op('Mult', int(i), a['growth_rate']!))], {
          growth_rate: a['growth_rate']!,
          bn_size: a['bn_size']!,
          drop_rate: a['drop_rate']!,
          memory_efficient: a['memory_efficient']!,
        })
        py.method(self, 'add_module', [str(`denselayer${i + 1}`), layer])
      }
    },
    forwardArg: 'init_features',
    forward(py, self, x) {
      const features = list([x])
      for (const pair of py.items(py.method(self, 'items'))) {
        py.method(features, 'append', [py.call(py.item(pair, 1), [features])])
      }
      return py.call(py.torch('cat'), [features, int(1)])
    },
  })
})

const transition = once(() => {
  const base = layerClass(sequential)
  return torchvisionClass({
    name: '_Transition',
    module: MODULE,
    base,
    signature: [any('num_input_features'), any('num_output_features')],
    init(py, self, a) {
      py.call(py.get(base.value, '__init__'), [self])
      py.set(self, 'norm', batchNorm(py, a['num_input_features']!))
      py.set(self, 'relu', reluInPlace(py))
      py.set(self, 'conv', py.call(nnClass(conv2d), [a['num_input_features']!, a['num_output_features']!], { kernel_size: int(1), stride: int(1), bias: FALSE }))
      py.set(self, 'pool', py.call(nnClass(avgPool2d), [], { kernel_size: int(2), stride: int(2) }))
    },
  })
})

const denseNet = once(() =>
  torchvisionClass({
    name: 'DenseNet',
    module: MODULE,
    signature: [
      any('growth_rate', { default: int(32) }),
      any('block_config', { default: tuple([int(6), int(12), int(24), int(16)]) }),
      any('num_init_features', { default: int(64) }),
      any('bn_size', { default: int(4) }),
      any('drop_rate', { default: int(0) }),
      any('num_classes', { default: int(1000) }),
      any('memory_efficient', { default: FALSE }),
    ],
    init(py, self, a) {
      const init = a['num_init_features']!
      const stem = newDict(true)
      const entry = (name: string, module: Value): void => dictSet(stem, str(name), module, py.span)
      entry('conv0', py.call(nnClass(conv2d), [int(3), init], { kernel_size: int(7), stride: int(2), padding: int(3), bias: FALSE }))
      entry('norm0', batchNorm(py, init))
      entry('relu0', reluInPlace(py))
      entry('pool0', py.call(nnClass(maxPool2d), [], { kernel_size: int(3), stride: int(2), padding: int(1) }))
      py.set(self, 'features', py.call(nnClass(sequential), [stem]))
      const add = (name: string, module: Value): void => void py.method(py.get(self, 'features'), 'add_module', [str(name), module])
      let features = init
      const config = py.items(a['block_config']!)
      config.forEach((numLayers, i) => {
        const block = py.call(denseBlock().value, [], {
          num_layers: numLayers,
          num_input_features: features,
          bn_size: a['bn_size']!,
          growth_rate: a['growth_rate']!,
          drop_rate: a['drop_rate']!,
          memory_efficient: a['memory_efficient']!,
        })
        add(`denseblock${i + 1}`, block)
        features = py.op('Add', features, py.op('Mult', numLayers, a['growth_rate']!))
        if (i !== config.length - 1) {
          add(`transition${i + 1}`, py.call(transition().value, [], { num_input_features: features, num_output_features: py.op('FloorDiv', features, 2) }))
          features = py.op('FloorDiv', features, 2)
        }
      })
      add('norm5', batchNorm(py, features))
      py.set(self, 'classifier', py.call(nnClass(linear), [features, a['num_classes']!]))
    },
    forward(py, self, x) {
      let out = py.call(py.get(self, 'features'), [x])
      out = py.call(py.functional('relu'), [out], { inplace: TRUE })
      out = py.call(py.functional('adaptive_avg_pool2d'), [out, tuple([int(1), int(1)])])
      out = py.call(py.torch('flatten'), [out, int(1)])
      return py.call(py.get(self, 'classifier'), [out])
    },
  }),
)

/** The class `DenseNet` (also a name of `torchvision.models`). */
export function denseNetClass(): Value {
  return denseNet().value
}

/** The names `torchvision.models.densenet` defines besides its builders and weights (made on first use). */
export function densenetMembers(): Record<string, () => Value> {
  return { DenseNet: denseNetClass, _DenseLayer: () => denseLayer().value, _DenseBlock: () => denseBlock().value, _Transition: () => transition().value }
}
