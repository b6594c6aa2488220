import { any } from '../../../bind/args.js'
import { relu } from '../../../layers/activation.js'
import { sequential } from '../../../layers/containers.js'
import { conv2d } from '../../../layers/conv.js'
import { linear } from '../../../layers/linear.js'
import { batchNorm2d } from '../../../layers/norm.js'
import { adaptiveAvgPool2d, maxPool2d } from '../../../layers/pool.js'
import { raise } from '../../../interpret/exceptions.js'
import { FALSE, NONE, TRUE, float, int, list, tuple } from '../../../contract/values.js'
import type { Value } from '../../../contract/values.js'
import { nnClass, once, pyFunction, torchvisionClass } from './kit.js'
import type { Py, Signature } from './kit.js'

/**
 * `torchvision.models.resnet` of torchvision 0.28 as model files use it: `ResNet(block, layers, ...)` with any block
 * class (torchvision's `BasicBlock` and `Bottleneck`, or the file's own, such as an SE block with an `expansion`),
 * the blocks, `conv1x1` and `conv3x3`. `ResNet._make_layer` and `_forward_impl` are methods a subclass may call or
 * override. (Weight initialisation changes no size and is left out.)
 */

const MODULE = 'torchvision.models.resnet'

/** `conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1)`: a 3×3 `nn.Conv2d` with padding = dilation, no bias. */
function conv3x3Of(py: Py, inPlanes: Value, outPlanes: Value, stride: Value = int(1), groups: Value = int(1), dilation: Value = int(1)): Value {
  return py.call(nnClass(conv2d), [inPlanes, outPlanes], { kernel_size: int(3), stride, padding: dilation, groups, bias: FALSE, dilation })
}

/** `conv1x1(in_planes, out_planes, stride=1)`: a 1×1 `nn.Conv2d` without bias. */
function conv1x1Of(py: Py, inPlanes: Value, outPlanes: Value, stride: Value = int(1)): Value {
  return py.call(nnClass(conv2d), [inPlanes, outPlanes], { kernel_size: int(1), stride, bias: FALSE })
}

/** The arguments both blocks take, in torchvision's order. */
const blockSignature: Signature = [
  any('inplanes'),
  any('planes'),
  any('stride', { default: int(1) }),
  any('downsample', { default: NONE }),
  any('groups', { default: int(1) }),
  any('base_width', { default: int(64) }),
  any('dilation', { default: int(1) }),
  any('norm_layer', { default: NONE }),
]

/** `norm_layer`, or `nn.BatchNorm2d` for `None`. */
function normOrBatchNorm(norm: Value): Value {
  return norm.kind === 'none' ? nnClass(batchNorm2d) : norm
}

/** The end of both blocks' forward: `identity = self.downsample(x)` when there is one, `out += identity`, `self.relu(out)`. */
function residual(py: Py, self: Value, x: Value, out: Value): Value {
  const downsample = py.get(self, 'downsample')
  const identity = downsample.kind === 'none' ? x : py.call(downsample, [x])
  return py.call(py.get(self, 'relu'), [py.inPlace('Add', out, identity)])
}

const basicBlock = once(() =>
  torchvisionClass({
    name: 'BasicBlock',
    module: MODULE,
    signature: blockSignature,
    attributes: { expansion: int(1) },
    init(py, self, a) {
      const norm = normOrBatchNorm(a['norm_layer']!)
      if (py.is('NotEq', a['groups']!, 1) || py.is('NotEq', a['base_width']!, 64)) py.valueError('BasicBlock only supports groups=1 and base_width=64')
      if (py.is('Gt', a['dilation']!, 1)) raise('NotImplementedError', 'argument-value', 'Dilation > 1 not supported in BasicBlock', py.span)
      py.set(self, 'conv1', conv3x3Of(py, a['inplanes']!, a['planes']!, a['stride']!))
      py.set(self, 'bn1', py.call(norm, [a['planes']!]))
      py.set(self, 'relu', py.call(nnClass(relu), [], { inplace: TRUE }))
      py.set(self, 'conv2', conv3x3Of(py, a['planes']!, a['planes']!))
      py.set(self, 'bn2', py.call(norm, [a['planes']!]))
      py.set(self, 'downsample', a['downsample']!)
      py.set(self, 'stride', a['stride']!)
    },
    forward: (py, self, x) => residual(py, self, x, py.chain(self, ['conv1', 'bn1', 'relu', 'conv2', 'bn2'], x)),
  }),
)

const bottleneck = once(() =>
  torchvisionClass({
    name: 'Bottleneck',
    module: MODULE,
    signature: blockSignature,
    attributes: { expansion: int(4) },
    init(py, self, a) {
      const norm = normOrBatchNorm(a['norm_layer']!)
      // width = int(planes * (base_width / 64.0)) * groups
      const width = py.op('Mult', py.call(py.builtin('int'), [py.op('Mult', a['planes']!, py.op('Div', a['base_width']!, float(64)))]), a['groups']!)
      const out = (): Value => py.op('Mult', a['planes']!, py.get(self, 'expansion'))
      py.set(self, 'conv1', conv1x1Of(py, a['inplanes']!, width))
      py.set(self, 'bn1', py.call(norm, [width]))
      py.set(self, 'conv2', conv3x3Of(py, width, width, a['stride']!, a['groups']!, a['dilation']!))
      py.set(self, 'bn2', py.call(norm, [width]))
      py.set(self, 'conv3', conv1x1Of(py, width, out()))
      py.set(self, 'bn3', py.call(norm, [out()]))
      py.set(self, 'relu', py.call(nnClass(relu), [], { inplace: TRUE }))
      py.set(self, 'downsample', a['downsample']!)
      py.set(self, 'stride', a['stride']!)
    },
    forward: (py, self, x) => residual(py, self, x, py.chain(self, ['conv1', 'bn1', 'relu', 'conv2', 'bn2', 'relu', 'conv3', 'bn3'], x)),
  }),
)

const resNet = once(() =>
  torchvisionClass({
    name: 'ResNet',
    module: MODULE,
    signature: [
      any('block'),
      any('layers'),
      any('num_classes', { default: int(1000) }),
      any('zero_init_residual', { default: FALSE }),
      any('groups', { default: int(1) }),
      any('width_per_group', { default: int(64) }),
      any('replace_stride_with_dilation', { default: NONE }),
      any('norm_layer', { default: NONE }),
    ],
    init(py, self, a) {
      const norm = normOrBatchNorm(a['norm_layer']!)
      py.set(self, '_norm_layer', norm)
      py.set(self, 'inplanes', int(64))
      py.set(self, 'dilation', int(1))
      const given = a['replace_stride_with_dilation']!
      const dilate = given.kind === 'none' ? list([FALSE, FALSE, FALSE]) : given
      if (py.is('NotEq', py.call(py.builtin('len'), [dilate]), 3)) py.valueError(`replace_stride_with_dilation should be None or a 3-element tuple, got ${py.it.str(dilate, py.span)}`)
      py.set(self, 'groups', a['groups']!)
      py.set(self, 'base_width', a['width_per_group']!)
      py.set(self, 'conv1', py.call(nnClass(conv2d), [int(3), py.get(self, 'inplanes')], { kernel_size: int(7), stride: int(2), padding: int(3), bias: FALSE }))
      py.set(self, 'bn1', py.call(norm, [py.get(self, 'inplanes')]))
      py.set(self, 'relu', py.call(nnClass(relu), [], { inplace: TRUE }))
      py.set(self, 'maxpool', py.call(nnClass(maxPool2d), [], { kernel_size: int(3), stride: int(2), padding: int(1) }))
      const block = a['block']!
      const layers = a['layers']!
      py.set(self, 'layer1', py.method(self, '_make_layer', [block, int(64), py.item(layers, 0)]))
      py.set(self, 'layer2', py.method(self, '_make_layer', [block, int(128), py.item(layers, 1)], { stride: int(2), dilate: py.item(dilate, 0) }))
      py.set(self, 'layer3', py.method(self, '_make_layer', [block, int(256), py.item(layers, 2)], { stride: int(2), dilate: py.item(dilate, 1) }))
      py.set(self, 'layer4', py.method(self, '_make_layer', [block, int(512), py.item(layers, 3)], { stride: int(2), dilate: py.item(dilate, 2) }))
      py.set(self, 'avgpool', py.call(nnClass(adaptiveAvgPool2d), [tuple([int(1), int(1)])]))
      py.set(self, 'fc', py.call(nnClass(linear), [py.op('Mult', int(512), py.get(block, 'expansion')), a['num_classes']!]))
    },
    methods: {
      _make_layer: {
        signature: [any('block'), any('planes'), any('blocks'), any('stride', { default: int(1) }), any('dilate', { default: FALSE })],
        call(py, self, a) {
          const { block, planes } = a as Record<'block' | 'planes', Value>
          let stride = a['stride']!
          const norm = py.get(self, '_norm_layer')
          let downsample: Value = NONE
          const previousDilation = py.get(self, 'dilation')
          if (py.truthy(a['dilate']!)) {
            py.set(self, 'dilation', py.op('Mult', py.get(self, 'dilation'), stride))
            stride = int(1)
          }
          const widened = (): Value => py.op('Mult', planes, py.get(block, 'expansion'))
          if (py.is('NotEq', stride, 1) || py.is('NotEq', py.get(self, 'inplanes'), widened())) {
            downsample = py.call(nnClass(sequential), [conv1x1Of(py, py.get(self, 'inplanes'), widened(), stride), py.call(norm, [widened()])])
          }
          const blocks = [py.call(block, [py.get(self, 'inplanes'), planes, stride, downsample, py.get(self, 'groups'), py.get(self, 'base_width'), previousDilation, norm])]
          py.set(self, 'inplanes', widened())
          const count = py.count(a['blocks']!, 'blocks')
          for (let i = 1; i < count; i++) {
            blocks.push(py.call(block, [py.get(self, 'inplanes'), planes], { groups: py.get(self, 'groups'), base_width: py.get(self, 'base_width'), dilation: py.get(self, 'dilation'), norm_layer: norm }))
          }
          return py.call(nnClass(sequential), blocks)
        },
      },
      _forward_impl: {
        signature: [any('x')],
        call(py, self, a) {
          const x = py.chain(self, ['conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool'], a['x']!)
          return py.call(py.get(self, 'fc'), [py.call(py.torch('flatten'), [x, int(1)])])
        },
      },
    },
    forward: (py, self, x) => py.method(self, '_forward_impl', [x]),
  }),
)

const conv3x3 = once(() =>
  pyFunction(`${MODULE}.conv3x3`, [any('in_planes'), any('out_planes'), any('stride', { default: int(1) }), any('groups', { default: int(1) }), any('dilation', { default: int(1) })], (py, a) =>
    conv3x3Of(py, a['in_planes']!, a['out_planes']!, a['stride']!, a['groups']!, a['dilation']!),
  ),
)

const conv1x1 = once(() => pyFunction(`${MODULE}.conv1x1`, [any('in_planes'), any('out_planes'), any('stride', { default: int(1) })], (py, a) => conv1x1Of(py, a['in_planes']!, a['out_planes']!, a['stride']!)))

/** The class `ResNet` (also a name of `torchvision.models`). */
export function resNetClass(): Value {
  return resNet().value
}

/** The names `torchvision.models.resnet` defines besides its builders and weights (made on first use). */
export function resnetMembers(): Record<string, () => Value> {
  return {
    ResNet: resNetClass,
    BasicBlock: () => basicBlock().value,
    Bottleneck: () => bottleneck().value,
    conv3x3: conv3x3,
    conv1x1: conv1x1,
  }
}
