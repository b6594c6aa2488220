import { any } from '../../../bind/args.js'
import { conv2d } from '../../../layers/conv.js'
import { dropout } from '../../../layers/dropout.js'
import { linear } from '../../../layers/linear.js'
import { batchNorm2d } from '../../../layers/norm.js'
import { adaptiveAvgPool2d, maxPool2d } from '../../../layers/pool.js'
import { raise } from '../../../interpret/exceptions.js'
import { makeNamedTupleClass } from '../../../interpret/modules/collections.js'
import { FALSE, NONE, TRUE, float, int, list, str, tuple } from '../../../contract/values.js'
import type { Value } from '../../../contract/values.js'
import { libraryMember, keywordsOf, setKwargsInit } from './kit-extras.js'
import { nnClass, once, torchvisionClass } from './kit.js'
import type { ClassSpec, Py } from './kit.js'

/**
 * `torchvision.models.inception` of torchvision 0.28 as model files use it: `Inception3(num_classes=1000,
 * aux_logits=True, transform_input=False, inception_blocks=None, init_weights=None, dropout=0.5)` with any seven
 * block classes, its blocks `BasicConv2d(in_channels, out_channels, **kwargs)`, `InceptionA` … `InceptionE` (each
 * taking a `conv_block`) and `InceptionAux`, and the namedtuple `InceptionOutputs(logits, aux_logits)` that a
 * training `Inception3` with `aux_logits` returns (the auxiliary head runs only while training). `_transform_input`,
 * `_forward` and `eager_outputs`, and the blocks' `_forward`, are methods a subclass may override. (Weight
 * initialisation changes no size and is left out; without `init_weights`, torchvision's FutureWarning is noted.)
 */

const MODULE = 'torchvision.models.inception'

const inceptionOutputs = once(() => makeNamedTupleClass('InceptionOutputs', ['logits', 'aux_logits'], [], { module: MODULE }))

const basicConv2dSignature = [any('in_channels'), any('out_channels')]

const basicConv2d = once(() => {
  const cls = torchvisionClass({
    name: 'BasicConv2d',
    module: MODULE,
    signature: basicConv2dSignature,
    // `__init__` takes `**kwargs` too: `setKwargsInit` below gives it.
    init() {},
    forward(py, self, x) {
      const y = py.chain(self, ['conv', 'bn'], x)
      return py.call(py.functional('relu'), [y], { inplace: TRUE })
    },
  })
  setKwargsInit(cls, basicConv2dSignature, (py, self, a, kwargs) => {
    if (kwargs.some(([name]) => name === 'bias')) raise('TypeError', 'argument-type', "torch.nn.modules.conv.Conv2d() got multiple values for keyword argument 'bias'", py.span)
    py.set(self, 'conv', py.call(nnClass(conv2d), [a['in_channels']!, a['out_channels']!], { bias: FALSE, ...keywordsOf(kwargs) }))
    py.set(self, 'bn', py.call(nnClass(batchNorm2d), [a['out_channels']!], { eps: float(0.001) }))
  })
  return cls
})

/** A kernel or padding as torchvision writes it: an int, or a `(height, width)` pair. */
type Size = number | readonly [number, number]

/** An argument of the block's `__init__` that a line takes its channels from. */
type ChannelsArg = 'in_channels' | 'channels_7x7' | 'pool_features'

/** One `self.<name> = conv_block(in, out, **keywords)` line, each channel count a number or an argument of `__init__`. */
type ConvLine = readonly [name: string, inC: number | ChannelsArg, outC: number | ChannelsArg, keywords: { kernel_size: Size; padding?: Size; stride?: number }]

const sizeValue = (size: Size): Value => (typeof size === 'number' ? int(size) : tuple([int(size[0]), int(size[1])]))

/** Runs `lines`, each a `conv_block(...)` call assigned to `self`; `a` holds `__init__`'s arguments. */
function addConvs(py: Py, self: Value, block: Value, a: Record<string, Value>, lines: readonly ConvLine[]): void {
  const count = (c: number | ChannelsArg): Value => (typeof c === 'number' ? int(c) : a[c]!)
  for (const [name, inC, outC, keywords] of lines) {
    const given: Record<string, Value> = { kernel_size: sizeValue(keywords.kernel_size) }
    if (keywords.padding !== undefined) given['padding'] = sizeValue(keywords.padding)
    if (keywords.stride !== undefined) given['stride'] = int(keywords.stride)
    py.set(self, name, py.call(block, [count(inC), count(outC)], given))
  }
}

/** `conv_block`, or `BasicConv2d` when it is None. */
const convBlockOf = (a: Record<string, Value>): Value => (a['conv_block']!.kind === 'none' ? basicConv2d().value : a['conv_block']!)

/** `F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)` then `self.branch_pool`. */
function avgPoolBranch(py: Py, self: Value, x: Value): Value {
  return py.call(py.get(self, 'branch_pool'), [py.call(py.functional('avg_pool2d'), [x], { kernel_size: int(3), stride: int(1), padding: int(1) })])
}

/** `F.max_pool2d(x, kernel_size=3, stride=2)`. */
const maxPoolBranch = (py: Py, x: Value): Value => py.call(py.functional('max_pool2d'), [x], { kernel_size: int(3), stride: int(2) })

/** An Inception block: `conv_block` lines in its `__init__`, `_forward` giving the branches, and `forward` concatenating them. */
function inceptionBlock(name: string, extra: ChannelsArg | undefined, lines: readonly ConvLine[], branches: (py: Py, self: Value, x: Value) => Value[]): ClassSpec {
  return {
    name,
    module: MODULE,
    signature: [any('in_channels'), ...(extra ? [any(extra)] : []), any('conv_block', { default: NONE })],
    init(py, self, a) {
      addConvs(py, self, convBlockOf(a), a, lines)
    },
    methods: { _forward: { signature: [any('x')], call: (py, self, a) => list(branches(py, self, a['x']!)) } },
    forward: (py, self, x) => py.call(py.torch('cat'), [py.method(self, '_forward', [x]), int(1)]),
  }
}

const inceptionA = once(() =>
  torchvisionClass(
    inceptionBlock(
      'InceptionA',
      'pool_features',
      [
        ['branch1x1', 'in_channels', 64, { kernel_size: 1 }],
        ['branch5x5_1', 'in_channels', 48, { kernel_size: 1 }],
        ['branch5x5_2', 48, 64, { kernel_size: 5, padding: 2 }],
        ['branch3x3dbl_1', 'in_channels', 64, { kernel_size: 1 }],
        ['branch3x3dbl_2', 64, 96, { kernel_size: 3, padding: 1 }],
        ['branch3x3dbl_3', 96, 96, { kernel_size: 3, padding: 1 }],
        ['branch_pool', 'in_channels', 'pool_features', { kernel_size: 1 }],
      ],
      (py, self, x) => [
        py.chain(self, ['branch1x1'], x),
        py.chain(self, ['branch5x5_1', 'branch5x5_2'], x),
        py.chain(self, ['branch3x3dbl_1', 'branch3x3dbl_2', 'branch3x3dbl_3'], x),
        avgPoolBranch(py, self, x),
      ],
    ),
  ),
)

const inceptionB = once(() =>
  torchvisionClass(
    inceptionBlock(
      'InceptionB',
      undefined,
      [
        ['branch3x3', 'in_channels', 384, { kernel_size: 3, stride: 2 }],
        ['branch3x3dbl_1', 'in_channels', 64, { kernel_size: 1 }],
        ['branch3x3dbl_2', 64, 96, { kernel_size: 3, padding: 1 }],
        ['branch3x3dbl_3', 96, 96, { kernel_size: 3, stride: 2 }],
      ],
      (py, self, x) => [py.chain(self, ['branch3x3'], x), py.chain(self, ['branch3x3dbl_1', 'branch3x3dbl_2', 'branch3x3dbl_3'], x), maxPoolBranch(py, x)],
    ),
  ),
)

const inceptionC = once(() =>
  torchvisionClass(
    inceptionBlock(
      'InceptionC',
      'channels_7x7',
      [
        ['branch1x1', 'in_channels', 192, { kernel_size: 1 }],
        ['branch7x7_1', 'in_channels', 'channels_7x7', { kernel_size: 1 }],
        ['branch7x7_2', 'channels_7x7', 'channels_7x7', { kernel_size: [1, 7], padding: [0, 3] }],
        ['branch7x7_3', 'channels_7x7', 192, { kernel_size: [7, 1], padding: [3, 0] }],
        ['branch7x7dbl_1', 'in_channels', 'channels_7x7', { kernel_size: 1 }],
        ['branch7x7dbl_2', 'channels_7x7', 'channels_7x7', { kernel_size: [7, 1], padding: [3, 0] }],
        ['branch7x7dbl_3', 'channels_7x7', 'channels_7x7', { kernel_size: [1, 7], padding: [0, 3] }],
        ['branch7x7dbl_4', 'channels_7x7', 'channels_7x7', { kernel_size: [7, 1], padding: [3, 0] }],
        ['branch7x7dbl_5', 'channels_7x7', 192, { kernel_size: [1, 7], padding: [0, 3] }],
        ['branch_pool', 'in_channels', 192, { kernel_size: 1 }],
      ],
      (py, self, x) => [
        py.chain(self, ['branch1x1'], x),
        py.chain(self, ['branch7x7_1', 'branch7x7_2', 'branch7x7_3'], x),
        py.chain(self, ['branch7x7dbl_1', 'branch7x7dbl_2', 'branch7x7dbl_3', 'branch7x7dbl_4', 'branch7x7dbl_5'], x),
        avgPoolBranch(py, self, x),
      ],
    ),
  ),
)

const inceptionD = once(() =>
  torchvisionClass(
    inceptionBlock(
      'InceptionD',
      undefined,
      [
        ['branch3x3_1', 'in_channels', 192, { kernel_size: 1 }],
        ['branch3x3_2', 192, 320, { kernel_size: 3, stride: 2 }],
        ['branch7x7x3_1', 'in_channels', 192, { kernel_size: 1 }],
        ['branch7x7x3_2', 192, 192, { kernel_size: [1, 7], padding: [0, 3] }],
        ['branch7x7x3_3', 192, 192, { kernel_size: [7, 1], padding: [3, 0] }],
        ['branch7x7x3_4', 192, 192, { kernel_size: 3, stride: 2 }],
      ],
      (py, self, x) => [py.chain(self, ['branch3x3_1', 'branch3x3_2'], x), py.chain(self, ['branch7x7x3_1', 'branch7x7x3_2', 'branch7x7x3_3', 'branch7x7x3_4'], x), maxPoolBranch(py, x)],
    ),
  ),
)

const inceptionE = once(() =>
  torchvisionClass(
    inceptionBlock(
      'InceptionE',
      undefined,
      [
        ['branch1x1', 'in_channels', 320, { kernel_size: 1 }],
        ['branch3x3_1', 'in_channels', 384, { kernel_size: 1 }],
        ['branch3x3_2a', 384, 384, { kernel_size: [1, 3], padding: [0, 1] }],
        ['branch3x3_2b', 384, 384, { kernel_size: [3, 1], padding: [1, 0] }],
        ['branch3x3dbl_1', 'in_channels', 448, { kernel_size: 1 }],
        ['branch3x3dbl_2', 448, 384, { kernel_size: 3, padding: 1 }],
        ['branch3x3dbl_3a', 384, 384, { kernel_size: [1, 3], padding: [0, 1] }],
        ['branch3x3dbl_3b', 384, 384, { kernel_size: [3, 1], padding: [1, 0] }],
        ['branch_pool', 'in_channels', 192, { kernel_size: 1 }],
      ],
      (py, self, x) => {
        const pair = (stem: Value, a: string, b: string): Value => py.call(py.torch('cat'), [list([py.chain(self, [a], stem), py.chain(self, [b], stem)]), int(1)])
        return [
          py.chain(self, ['branch1x1'], x),
          pair(py.chain(self, ['branch3x3_1'], x), 'branch3x3_2a', 'branch3x3_2b'),
          pair(py.chain(self, ['branch3x3dbl_1', 'branch3x3dbl_2'], x), 'branch3x3dbl_3a', 'branch3x3dbl_3b'),
          avgPoolBranch(py, self, x),
        ]
      },
    ),
  ),
)

const inceptionAux = once(() =>
  torchvisionClass({
    name: 'InceptionAux',
    module: MODULE,
    signature: [any('in_channels'), any('num_classes'), any('conv_block', { default: NONE })],
    init(py, self, a) {
      const block = convBlockOf(a)
      py.set(self, 'conv0', py.call(block, [a['in_channels']!, int(128)], { kernel_size: int(1) }))
      py.set(self, 'conv1', py.call(block, [int(128), int(768)], { kernel_size: int(5) }))
      py.set(py.get(self, 'conv1'), 'stddev', float(0.01))
      py.set(self, 'fc', py.call(nnClass(linear), [int(768), a['num_classes']!]))
      py.set(py.get(self, 'fc'), 'stddev', float(0.001))
    },
    forward(py, self, x) {
      let y = py.call(py.functional('avg_pool2d'), [x], { kernel_size: int(5), stride: int(3) })
      y = py.chain(self, ['conv0', 'conv1'], y)
      y = py.call(py.functional('adaptive_avg_pool2d'), [y, tuple([int(1), int(1)])])
      y = py.call(py.torch('flatten'), [y, int(1)])
      return py.call(py.get(self, 'fc'), [y])
    },
  }),
)

const INIT_WEIGHTS_WARNING =
  'The default weight initialization of inception_v3 will be changed in future releases of torchvision. If you wish to keep the old behavior (which leads to long initialization times due to scipy/scipy#11299), please set init_weights=True.'

/** `_transform_input`'s scale and shift of each channel: `x[:, c] * (std / 0.5) + (mean - 0.5) / 0.5`. */
const channelNormalisation: ReadonlyArray<readonly [number, number]> = [
  [0.229 / 0.5, (0.485 - 0.5) / 0.5],
  [0.224 / 0.5, (0.456 - 0.5) / 0.5],
  [0.225 / 0.5, (0.406 - 0.5) / 0.5],
]

const inception3 = once(() =>
  torchvisionClass({
    name: 'Inception3',
    module: MODULE,
    signature: [
      any('num_classes', { default: int(1000) }),
      any('aux_logits', { default: TRUE }),
      any('transform_input', { default: FALSE }),
      any('inception_blocks', { default: NONE }),
      any('init_weights', { default: NONE }),
      any('dropout', { default: float(0.5) }),
    ],
    init(py, self, a) {
      let blocks = a['inception_blocks']!
      if (blocks.kind === 'none') blocks = list([basicConv2d(), inceptionA(), inceptionB(), inceptionC(), inceptionD(), inceptionE(), inceptionAux()].map((c) => c.value))
      if (a['init_weights']!.kind === 'none') py.call(libraryMember('warnings', 'warn'), [str(INIT_WEIGHTS_WARNING)])
      const length = py.call(py.builtin('len'), [blocks])
      if (py.is('NotEq', length, 7)) py.valueError(`length of inception_blocks should be 7 instead of ${py.it.str(length, py.span)}`)
      const [conv, a5, b6, c6, d7, e7, aux] = [0, 1, 2, 3, 4, 5, 6].map((i) => py.item(blocks, i)) as [Value, Value, Value, Value, Value, Value, Value]
      const numClasses = a['num_classes']!
      py.set(self, 'aux_logits', a['aux_logits']!)
      py.set(self, 'transform_input', a['transform_input']!)
      const child = (name: string, cls: Value, args: readonly Value[], keywords: Record<string, Value> = {}): void => py.set(self, name, py.call(cls, args, keywords))
      const maxPool = (): Value => py.call(nnClass(maxPool2d), [], { kernel_size: int(3), stride: int(2) })
      child('Conv2d_1a_3x3', conv, [int(3), int(32)], { kernel_size: int(3), stride: int(2) })
      child('Conv2d_2a_3x3', conv, [int(32), int(32)], { kernel_size: int(3) })
      child('Conv2d_2b_3x3', conv, [int(32), int(64)], { kernel_size: int(3), padding: int(1) })
      py.set(self, 'maxpool1', maxPool())
      child('Conv2d_3b_1x1', conv, [int(64), int(80)], { kernel_size: int(1) })
      child('Conv2d_4a_3x3', conv, [int(80), int(192)], { kernel_size: int(3) })
      py.set(self, 'maxpool2', maxPool())
      child('Mixed_5b', a5, [int(192)], { pool_features: int(32) })
      child('Mixed_5c', a5, [int(256)], { pool_features: int(64) })
      child('Mixed_5d', a5, [int(288)], { pool_features: int(64) })
      child('Mixed_6a', b6, [int(288)])
      child('Mixed_6b', c6, [int(768)], { channels_7x7: int(128) })
      child('Mixed_6c', c6, [int(768)], { channels_7x7: int(160) })
      child('Mixed_6d', c6, [int(768)], { channels_7x7: int(160) })
      child('Mixed_6e', c6, [int(768)], { channels_7x7: int(192) })
      py.set(self, 'AuxLogits', NONE)
      if (py.truthy(a['aux_logits']!)) child('AuxLogits', aux, [int(768), numClasses])
      child('Mixed_7a', d7, [int(768)])
      child('Mixed_7b', e7, [int(1280)])
      child('Mixed_7c', e7, [int(2048)])
      py.set(self, 'avgpool', py.call(nnClass(adaptiveAvgPool2d), [tuple([int(1), int(1)])]))
      py.set(self, 'dropout', py.call(nnClass(dropout), [], { p: a['dropout']! }))
      py.set(self, 'fc', py.call(nnClass(linear), [int(2048), numClasses]))
    },
    methods: {
      _transform_input: {
        signature: [any('x')],
        call(py, self, a) {
          const x = a['x']!
          if (!py.truthy(py.get(self, 'transform_input'))) return x
          const channels = channelNormalisation.map(([scale, shift], c) => {
            const channel = py.call(py.torch('unsqueeze'), [py.item(x, tuple([{ kind: 'slice', start: NONE, stop: NONE, step: NONE }, int(c)])), int(1)])
            return py.op('Add', py.op('Mult', channel, float(scale)), float(shift))
          })
          return py.call(py.torch('cat'), [tuple(channels), int(1)])
        },
      },
      _forward: {
        signature: [any('x')],
        call(py, self, a) {
          let x = py.chain(self, ['Conv2d_1a_3x3', 'Conv2d_2a_3x3', 'Conv2d_2b_3x3', 'maxpool1', 'Conv2d_3b_1x1', 'Conv2d_4a_3x3', 'maxpool2'], a['x']!)
          x = py.chain(self, ['Mixed_5b', 'Mixed_5c', 'Mixed_5d', 'Mixed_6a', 'Mixed_6b', 'Mixed_6c', 'Mixed_6d', 'Mixed_6e'], x)
          const auxModule = py.get(self, 'AuxLogits')
          const aux = auxModule.kind !== 'none' && py.truthy(py.get(self, 'training')) ? py.call(auxModule, [x]) : NONE
          x = py.chain(self, ['Mixed_7a', 'Mixed_7b', 'Mixed_7c', 'avgpool', 'dropout'], x)
          x = py.call(py.torch('flatten'), [x, int(1)])
          x = py.call(py.get(self, 'fc'), [x])
          return tuple([x, aux])
        },
      },
      eager_outputs: {
        signature: [any('x'), any('aux')],
        call(py, self, a) {
          if (py.truthy(py.get(self, 'training')) && py.truthy(py.get(self, 'aux_logits'))) return py.call(inceptionOutputs().value, [a['x']!, a['aux']!])
          return a['x']!
        },
      },
    },
    forward(py, self, x) {
      const outputs = py.items(py.method(self, '_forward', [py.method(self, '_transform_input', [x])]))
      if (outputs.length !== 2) raise('ValueError', 'argument-value', outputs.length > 2 ? 'too many values to unpack (expected 2)' : `not enough values to unpack (expected 2, got ${outputs.length})`, py.span)
      return py.method(self, 'eager_outputs', outputs)
    },
  }),
)

/** The class `Inception3` (also a name of `torchvision.models`). */
export function inception3Class(): Value {
  return inception3().value
}

/** The namedtuple class `InceptionOutputs` (also `_InceptionOutputs`, and names of `torchvision.models`). */
export function inceptionOutputsClass(): Value {
  return inceptionOutputs().value
}

/** The names `torchvision.models.inception` defines besides its builder and weights (made on first use). */
export function inceptionMembers(): Record<string, () => Value> {
  return {
    Inception3: inception3Class,
    InceptionOutputs: inceptionOutputsClass,
    _InceptionOutputs: inceptionOutputsClass,
    BasicConv2d: () => basicConv2d().value,
    InceptionA: () => inceptionA().value,
    InceptionB: () => inceptionB().value,
    InceptionC: () => inceptionC().value,
    InceptionD: () => inceptionD().value,
    InceptionE: () => inceptionE().value,
    InceptionAux: () => inceptionAux().value,
  }
}
