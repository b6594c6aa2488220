import { bool, float, int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { block, defineBlock, defineModel, givenArgs, nn, optionalBool, runChild, sequential } from './core.js'
import { basicConv, transformInput } from './inception.js'
import * as ops from './ops.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { adaptiveAvgPool2d as adaptiveAvgPool2dLayer, maxPool2d } from '../../layers/pool.js'

interface InceptionArgs {
  in_channels: number
  ch1x1: number
  ch3x3red: number
  ch3x3: number
  ch5x5red: number
  ch5x5: number
  pool_proj: number
}

/** GoogLeNet's `Inception` block: four branches (1×1; 1×1→3×3; 1×1→3×3; max-pool→1×1) concatenated. */
const Inception = defineBlock<InceptionArgs>({
  name: 'Inception',
  build(a, m) {
    m.child('branch1', basicConv(m, a.in_channels, a.ch1x1, 1))
    m.child('branch2', sequential(m, [basicConv(m, a.in_channels, a.ch3x3red, 1), basicConv(m, a.ch3x3red, a.ch3x3, 3, { padding: 1 })]))
    m.child('branch3', sequential(m, [basicConv(m, a.in_channels, a.ch5x5red, 1), basicConv(m, a.ch5x5red, a.ch5x5, 3, { padding: 1 })]))
    m.child('branch4', sequential(m, [nn(m, maxPool2d, { kernel_size: 3, stride: 1, padding: 1, ceil_mode: true }), basicConv(m, a.in_channels, a.pool_proj, 1)]))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    return ops.cat(ctx, ['branch1', 'branch2', 'branch3', 'branch4'].map((name) => runChild(self, name, x, ctx)), 1)
  },
})

/** GoogLeNet's auxiliary classifier: 4×4 adaptive pool, 1×1 conv, two linear layers with dropout. */
const InceptionAux = defineBlock<{ in_channels: number; num_classes: number; dropout: number }>({
  name: 'InceptionAux',
  build(a, m) {
    m.child('conv', basicConv(m, a.in_channels, 128, 1))
    m.child('fc1', nn(m, linear, { in_features: 2048, out_features: 1024 }))
    m.child('fc2', nn(m, linear, { in_features: 1024, out_features: a.num_classes }))
    m.child('dropout', nn(m, dropoutLayer, { p: a.dropout }))
  },
  forward(self, inputs, ctx) {
    let x = ops.adaptiveAvgPool2d(ctx, inputs[0]!, [4, 4])
    x = ops.flatten(ctx, runChild(self, 'conv', x, ctx), 1)
    x = ops.relu(ctx, runChild(self, 'fc1', x, ctx), true)
    x = runChild(self, 'dropout', x, ctx)
    return runChild(self, 'fc2', x, ctx)
  },
})

interface GoogLeNetArgs {
  num_classes: number
  aux_logits: boolean
  transform_input: boolean
  init_weights: boolean | null
  dropout: number
  dropout_aux: number
}

const blocks: ReadonlyArray<readonly [string, number, number, number, number, number, number, number]> = [
  ['inception3a', 192, 64, 96, 128, 16, 32, 32],
  ['inception3b', 256, 128, 128, 192, 32, 96, 64],
  ['maxpool3', 0, 0, 0, 0, 0, 0, 0],
  ['inception4a', 480, 192, 96, 208, 16, 48, 64],
  ['inception4b', 512, 160, 112, 224, 24, 64, 64],
  ['inception4c', 512, 128, 128, 256, 24, 64, 64],
  ['inception4d', 512, 112, 144, 288, 32, 64, 64],
  ['inception4e', 528, 256, 160, 320, 32, 128, 128],
  ['maxpool4', 0, 0, 0, 0, 0, 0, 0],
  ['inception5a', 832, 256, 160, 320, 32, 128, 128],
  ['inception5b', 832, 384, 192, 384, 48, 128, 128],
]

function run(self: ModuleNode, names: readonly string[], x: Tensor, ctx: ForwardContext): Tensor {
  for (const name of names) x = runChild(self, name, x, ctx)
  return x
}

/**
 * `torchvision.models.googlenet` (`GoogLeNet`, Inception v1). With
 * `aux_logits=True` (the default) it has two auxiliary classifiers and, in
 * training mode, returns `(logits, aux2, aux1)`.
 */
export const googlenet = defineModel<GoogLeNetArgs>({
  name: 'googlenet',
  className: 'GoogLeNet',
  weights: { enum: 'GoogLeNet_Weights', fix: (entry) => ({ aux_logits: true, init_weights: false, num_classes: entry.categories }), preset: () => ({ transform_input: true }) },
  signature: [
    int('num_classes', { default: 1000 }),
    bool('aux_logits', { default: true }),
    bool('transform_input', { default: false }),
    optionalBool('init_weights'),
    float('dropout', { default: 0.2 }),
    float('dropout_aux', { default: 0.7 }),
  ],
  build(a, m) {
    m.child('conv1', basicConv(m, 3, 64, 7, { stride: 2, padding: 3 }))
    m.child('maxpool1', nn(m, maxPool2d, { kernel_size: 3, stride: 2, ceil_mode: true }))
    m.child('conv2', basicConv(m, 64, 64, 1))
    m.child('conv3', basicConv(m, 64, 192, 3, { padding: 1 }))
    m.child('maxpool2', nn(m, maxPool2d, { kernel_size: 3, stride: 2, ceil_mode: true }))
    for (const [name, inC, c1, c3r, c3, c5r, c5, pool] of blocks) {
      if (name === 'maxpool3') m.child(name, nn(m, maxPool2d, { kernel_size: 3, stride: 2, ceil_mode: true }))
      else if (name === 'maxpool4') m.child(name, nn(m, maxPool2d, { kernel_size: 2, stride: 2, ceil_mode: true }))
      else m.child(name, block(m, Inception, { in_channels: inC, ch1x1: c1, ch3x3red: c3r, ch3x3: c3, ch5x5red: c5r, ch5x5: c5, pool_proj: pool }))
    }
    if (a.aux_logits) {
      // With weights, torchvision loads the auxiliary heads and then drops them unless `aux_logits=True` was given.
      const dropped = a.weights !== null && !givenArgs(a).has('aux_logits')
      m.child('aux1', dropped ? null : block(m, InceptionAux, { in_channels: 512, num_classes: a.num_classes, dropout: a.dropout_aux }))
      m.child('aux2', dropped ? null : block(m, InceptionAux, { in_channels: 528, num_classes: a.num_classes, dropout: a.dropout_aux }))
    }
    m.child('avgpool', nn(m, adaptiveAvgPool2dLayer, { output_size: [1, 1] }))
    m.child('dropout', nn(m, dropoutLayer, { p: a.dropout }))
    m.child('fc', nn(m, linear, { in_features: 1024, out_features: a.num_classes }))
  },
  forward(self, inputs, ctx) {
    let x = self.args.transform_input ? transformInput(ctx, inputs[0]!) : inputs[0]!
    x = run(self, ['conv1', 'maxpool1', 'conv2', 'conv3', 'maxpool2', 'inception3a', 'inception3b', 'maxpool3', 'inception4a'], x, ctx)
    const aux1Module = self.children.get('aux1')
    const aux1 = aux1Module && self.training ? ctx.run(aux1Module, [x], 'aux1')[0]! : undefined
    x = run(self, ['inception4b', 'inception4c', 'inception4d'], x, ctx)
    const aux2Module = self.children.get('aux2')
    const aux2 = aux2Module && self.training ? ctx.run(aux2Module, [x], 'aux2')[0]! : undefined
    x = run(self, ['inception4e', 'maxpool4', 'inception5a', 'inception5b', 'avgpool'], x, ctx)
    x = runChild(self, 'dropout', ops.flatten(ctx, x, 1), ctx)
    const logits = runChild(self, 'fc', x, ctx)
    return aux1 && aux2 ? [logits, aux2, aux1] : logits
  },
})
