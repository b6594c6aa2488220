import { bool, float, int } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { block, defineBlock, defineModel, nn, optionalBool, runChild } from './core.js'
import type { PyArgs } from './core.js'
import * as ops from './ops.js'
import { conv2d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'
import { adaptiveAvgPool2d as adaptiveAvgPool2dLayer, maxPool2d as maxPool2dLayer } from '../../layers/pool.js'

/** Arguments of `BasicConv2d`: `Conv2d` keywords besides the channels. */
export interface BasicConvArgs {
  in_channels: number
  out_channels: number
  kernel_size: number | readonly [number, number]
  stride?: number
  padding?: number | readonly [number, number]
}

/** `BasicConv2d` of Inception v3 and GoogLeNet: bias-free convolution, BatchNorm (eps 0.001), in-place `F.relu`. */
export const BasicConv2d = defineBlock<BasicConvArgs>({
  name: 'BasicConv2d',
  build(a, m) {
    const conv: PyArgs<typeof conv2d.signature> = { in_channels: a.in_channels, out_channels: a.out_channels, bias: false, kernel_size: a.kernel_size }
    if (a.stride !== undefined) conv['stride'] = a.stride
    if (a.padding !== undefined) conv['padding'] = a.padding
    m.child('conv', nn(m, conv2d, conv))
    m.child('bn', nn(m, batchNorm2d, { num_features: a.out_channels, eps: 0.001 }))
  },
  forward(self, inputs, ctx) {
    return ops.relu(ctx, runChild(self, 'bn', runChild(self, 'conv', inputs[0]!, ctx), ctx), true)
  },
})

/** Builds a {@link BasicConv2d}. */
export function basicConv(m: ModuleBuilder, inC: number, outC: number, kernel: number | readonly [number, number], options: { stride?: number; padding?: number | readonly [number, number] } = {}): ModuleNode {
  return block(m, BasicConv2d, { in_channels: inC, out_channels: outC, kernel_size: kernel, ...options })
}

/**
 * torchvision's `_transform_input` (`transform_input=True`): re-normalises each
 * channel from ImageNet statistics to [-1, 1] and concatenates them again.
 */
export function transformInput(ctx: ForwardContext, x: Tensor): Tensor {
  if (x.shape.length !== 4 || x.shape[1]! < 3) throw ctx.error(`with \`transform_input=True\` expects a batch of RGB images (N, 3, H, W), got shape (${x.shape.join(', ')}).`)
  const [n, , h, w] = x.shape as [number, number, number, number]
  // x[:, c] is a view; `* (std / 0.5)` keeps its Python float for the backward; `+ shift` keeps nothing.
  const channels = [0, 1, 2].map(() => ops.scale(ctx, ctx.view(x, [n, 1, h, w])))
  return ops.cat(ctx, channels, 1)
}

type Step = readonly [name: string, inC: number, outC: number, kernel: number | readonly [number, number], options?: { stride?: number; padding?: number | readonly [number, number] }]

function addConvs(m: ModuleBuilder, steps: readonly Step[]): void {
  for (const [name, inC, outC, kernel, options] of steps) m.child(name, basicConv(m, inC, outC, kernel, options))
}

function chain(self: ModuleNode, names: readonly string[], x: Tensor, ctx: ForwardContext): Tensor {
  for (const name of names) x = runChild(self, name, x, ctx)
  return x
}

function poolBranch(self: ModuleNode, x: Tensor, ctx: ForwardContext): Tensor {
  return runChild(self, 'branch_pool', ops.avgPool2d(ctx, x, 3, 1, 1), ctx)
}

const InceptionA = defineBlock<{ in_channels: number; pool_features: number }>({
  name: 'InceptionA',
  build(a, m) {
    const c = a.in_channels
    addConvs(m, [
      ['branch1x1', c, 64, 1],
      ['branch5x5_1', c, 48, 1],
      ['branch5x5_2', 48, 64, 5, { padding: 2 }],
      ['branch3x3dbl_1', c, 64, 1],
      ['branch3x3dbl_2', 64, 96, 3, { padding: 1 }],
      ['branch3x3dbl_3', 96, 96, 3, { padding: 1 }],
      ['branch_pool', c, a.pool_features, 1],
    ])
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    return ops.cat(ctx, [chain(self, ['branch1x1'], x, ctx), chain(self, ['branch5x5_1', 'branch5x5_2'], x, ctx), chain(self, ['branch3x3dbl_1', 'branch3x3dbl_2', 'branch3x3dbl_3'], x, ctx), poolBranch(self, x, ctx)], 1)
  },
})

const InceptionB = defineBlock<{ in_channels: number }>({
  name: 'InceptionB',
  build(a, m) {
    const c = a.in_channels
    addConvs(m, [
      ['branch3x3', c, 384, 3, { stride: 2 }],
      ['branch3x3dbl_1', c, 64, 1],
      ['branch3x3dbl_2', 64, 96, 3, { padding: 1 }],
      ['branch3x3dbl_3', 96, 96, 3, { stride: 2 }],
    ])
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    return ops.cat(ctx, [chain(self, ['branch3x3'], x, ctx), chain(self, ['branch3x3dbl_1', 'branch3x3dbl_2', 'branch3x3dbl_3'], x, ctx), ops.maxPool2d(ctx, x, 3, 2)], 1)
  },
})

const InceptionC = defineBlock<{ in_channels: number; channels_7x7: number }>({
  name: 'InceptionC',
  build(a, m) {
    const c = a.in_channels
    const c7 = a.channels_7x7
    addConvs(m, [
      ['branch1x1', c, 192, 1],
      ['branch7x7_1', c, c7, 1],
      ['branch7x7_2', c7, c7, [1, 7], { padding: [0, 3] }],
      ['branch7x7_3', c7, 192, [7, 1], { padding: [3, 0] }],
      ['branch7x7dbl_1', c, c7, 1],
      ['branch7x7dbl_2', c7, c7, [7, 1], { padding: [3, 0] }],
      ['branch7x7dbl_3', c7, c7, [1, 7], { padding: [0, 3] }],
      ['branch7x7dbl_4', c7, c7, [7, 1], { padding: [3, 0] }],
      ['branch7x7dbl_5', c7, 192, [1, 7], { padding: [0, 3] }],
      ['branch_pool', c, 192, 1],
    ])
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    return ops.cat(
      ctx,
      [
        chain(self, ['branch1x1'], x, ctx),
        chain(self, ['branch7x7_1', 'branch7x7_2', 'branch7x7_3'], x, ctx),
        chain(self, ['branch7x7dbl_1', 'branch7x7dbl_2', 'branch7x7dbl_3', 'branch7x7dbl_4', 'branch7x7dbl_5'], x, ctx),
        poolBranch(self, x, ctx),
      ],
      1,
    )
  },
})

const InceptionD = defineBlock<{ in_channels: number }>({
  name: 'InceptionD',
  build(a, m) {
    const c = a.in_channels
    addConvs(m, [
      ['branch3x3_1', c, 192, 1],
      ['branch3x3_2', 192, 320, 3, { stride: 2 }],
      ['branch7x7x3_1', c, 192, 1],
      ['branch7x7x3_2', 192, 192, [1, 7], { padding: [0, 3] }],
      ['branch7x7x3_3', 192, 192, [7, 1], { padding: [3, 0] }],
      ['branch7x7x3_4', 192, 192, 3, { stride: 2 }],
    ])
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    return ops.cat(ctx, [chain(self, ['branch3x3_1', 'branch3x3_2'], x, ctx), chain(self, ['branch7x7x3_1', 'branch7x7x3_2', 'branch7x7x3_3', 'branch7x7x3_4'], x, ctx), ops.maxPool2d(ctx, x, 3, 2)], 1)
  },
})

const InceptionE = defineBlock<{ in_channels: number }>({
  name: 'InceptionE',
  build(a, m) {
    const c = a.in_channels
    addConvs(m, [
      ['branch1x1', c, 320, 1],
      ['branch3x3_1', c, 384, 1],
      ['branch3x3_2a', 384, 384, [1, 3], { padding: [0, 1] }],
      ['branch3x3_2b', 384, 384, [3, 1], { padding: [1, 0] }],
      ['branch3x3dbl_1', c, 448, 1],
      ['branch3x3dbl_2', 448, 384, 3, { padding: 1 }],
      ['branch3x3dbl_3a', 384, 384, [1, 3], { padding: [0, 1] }],
      ['branch3x3dbl_3b', 384, 384, [3, 1], { padding: [1, 0] }],
      ['branch_pool', c, 192, 1],
    ])
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const branch1x1 = chain(self, ['branch1x1'], x, ctx)
    const b3 = chain(self, ['branch3x3_1'], x, ctx)
    const branch3x3 = ops.cat(ctx, [chain(self, ['branch3x3_2a'], b3, ctx), chain(self, ['branch3x3_2b'], b3, ctx)], 1)
    const d3 = chain(self, ['branch3x3dbl_1', 'branch3x3dbl_2'], x, ctx)
    const branch3x3dbl = ops.cat(ctx, [chain(self, ['branch3x3dbl_3a'], d3, ctx), chain(self, ['branch3x3dbl_3b'], d3, ctx)], 1)
    return ops.cat(ctx, [branch1x1, branch3x3, branch3x3dbl, poolBranch(self, x, ctx)], 1)
  },
})

/** Inception v3's auxiliary classifier, applied to the 17×17 map while training. */
const InceptionAux = defineBlock<{ in_channels: number; num_classes: number }>({
  name: 'InceptionAux',
  build(a, m) {
    addConvs(m, [
      ['conv0', a.in_channels, 128, 1],
      ['conv1', 128, 768, 5],
    ])
    m.child('fc', nn(m, linear, { in_features: 768, out_features: a.num_classes }))
  },
  forward(self, inputs, ctx) {
    let x = ops.avgPool2d(ctx, inputs[0]!, 5, 3)
    x = chain(self, ['conv0', 'conv1'], x, ctx)
    x = ops.adaptiveAvgPool2d(ctx, x, [1, 1])
    return runChild(self, 'fc', ops.flatten(ctx, x, 1), ctx)
  },
})

interface Inception3Args {
  num_classes: number
  aux_logits: boolean
  transform_input: boolean
  init_weights: boolean | null
  dropout: number
}

/**
 * `torchvision.models.inception_v3` (`Inception3`). In training mode with
 * `aux_logits=True` (the default) it returns `(logits, aux_logits)`; the
 * auxiliary head's BatchNorm sees a 1×1 map, so training needs a batch of 2 or more.
 */
export const inception_v3 = defineModel<Inception3Args>({
  name: 'inception_v3',
  className: 'Inception3',
  weights: { enum: 'Inception_V3_Weights', fix: (entry) => ({ aux_logits: true, init_weights: false, num_classes: entry.categories }), preset: () => ({ transform_input: true }) },
  signature: [int('num_classes', { default: 1000 }), bool('aux_logits', { default: true }), bool('transform_input', { default: false }), optionalBool('init_weights'), float('dropout', { default: 0.5 })],
  build(a, m) {
    addConvs(m, [
      ['Conv2d_1a_3x3', 3, 32, 3, { stride: 2 }],
      ['Conv2d_2a_3x3', 32, 32, 3],
      ['Conv2d_2b_3x3', 32, 64, 3, { padding: 1 }],
    ])
    m.child('maxpool1', nn(m, maxPool2dLayer, { kernel_size: 3, stride: 2 }))
    addConvs(m, [
      ['Conv2d_3b_1x1', 64, 80, 1],
      ['Conv2d_4a_3x3', 80, 192, 3],
    ])
    m.child('maxpool2', nn(m, maxPool2dLayer, { kernel_size: 3, stride: 2 }))
    m.child('Mixed_5b', block(m, InceptionA, { in_channels: 192, pool_features: 32 }))
    m.child('Mixed_5c', block(m, InceptionA, { in_channels: 256, pool_features: 64 }))
    m.child('Mixed_5d', block(m, InceptionA, { in_channels: 288, pool_features: 64 }))
    m.child('Mixed_6a', block(m, InceptionB, { in_channels: 288 }))
    m.child('Mixed_6b', block(m, InceptionC, { in_channels: 768, channels_7x7: 128 }))
    m.child('Mixed_6c', block(m, InceptionC, { in_channels: 768, channels_7x7: 160 }))
    m.child('Mixed_6d', block(m, InceptionC, { in_channels: 768, channels_7x7: 160 }))
    m.child('Mixed_6e', block(m, InceptionC, { in_channels: 768, channels_7x7: 192 }))
    if (a.aux_logits) m.child('AuxLogits', block(m, InceptionAux, { in_channels: 768, num_classes: a.num_classes }))
    m.child('Mixed_7a', block(m, InceptionD, { in_channels: 768 }))
    m.child('Mixed_7b', block(m, InceptionE, { in_channels: 1280 }))
    m.child('Mixed_7c', block(m, InceptionE, { in_channels: 2048 }))
    m.child('avgpool', nn(m, adaptiveAvgPool2dLayer, { output_size: [1, 1] }))
    m.child('dropout', nn(m, dropoutLayer, { p: a.dropout }))
    m.child('fc', nn(m, linear, { in_features: 2048, out_features: a.num_classes }))
  },
  forward(self, inputs, ctx) {
    let x = self.args.transform_input ? transformInput(ctx, inputs[0]!) : inputs[0]!
    x = chain(self, ['Conv2d_1a_3x3', 'Conv2d_2a_3x3', 'Conv2d_2b_3x3', 'maxpool1', 'Conv2d_3b_1x1', 'Conv2d_4a_3x3', 'maxpool2', 'Mixed_5b', 'Mixed_5c', 'Mixed_5d', 'Mixed_6a', 'Mixed_6b', 'Mixed_6c', 'Mixed_6d', 'Mixed_6e'], x, ctx)
    const auxModule = self.children.get('AuxLogits')
    const aux = auxModule && self.training ? ctx.run(auxModule, [x], 'AuxLogits')[0]! : undefined
    x = chain(self, ['Mixed_7a', 'Mixed_7b', 'Mixed_7c', 'avgpool', 'dropout'], x, ctx)
    const logits = runChild(self, 'fc', ops.flatten(ctx, x, 1), ctx)
    return aux ? [logits, aux] : logits
  },
})
