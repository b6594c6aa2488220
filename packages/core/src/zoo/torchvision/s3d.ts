import { float, int } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, defineModel, defineSequentialBlock, nn, runChild, sequential } from './core.js'
import { conv3dNormActivation } from './misc.js'
import type { NormFactory } from './misc.js'
import * as ops from './ops.js'
import { conv3d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { batchNorm3d } from '../../layers/norm.js'
import { avgPool3d, maxPool3d } from '../../layers/pool.js'

/** S3D (`torchvision.models.video.s3d`): separable 3-D Inception blocks on `(N, 3, T, H, W)` clips. */

/** `partial(nn.BatchNorm3d, eps=0.001, momentum=0.001)`. */
const norm: NormFactory = (m, channels) => nn(m, batchNorm3d, { num_features: channels, eps: 0.001, momentum: 0.001 })

/** A 1×1×1 `Conv3dNormActivation`. */
function pointwise(m: ModuleBuilder, inC: number, outC: number): ModuleNode {
  return conv3dNormActivation(m, { in_channels: inC, out_channels: outC, kernel_size: 1, stride: 1, norm_layer: norm })
}

/** `TemporalSeparableConv(in, out, k, stride, padding)`: a (1, k, k) then a (k, 1, 1) `Conv3dNormActivation`, both without bias. */
const TemporalSeparableConv = defineSequentialBlock<{ in_planes: number; out_planes: number; k: number; stride: number; padding: number }>('TemporalSeparableConv', (a, m) => {
  m.child('0', conv3dNormActivation(m, { in_channels: a.in_planes, out_channels: a.out_planes, kernel_size: [1, a.k, a.k], stride: [1, a.stride, a.stride], padding: [0, a.padding, a.padding], bias: false, norm_layer: norm }))
  m.child('1', conv3dNormActivation(m, { in_channels: a.out_planes, out_channels: a.out_planes, kernel_size: [a.k, 1, 1], stride: [a.stride, 1, 1], padding: [a.padding, 0, 0], bias: false, norm_layer: norm }))
})

function separable(m: ModuleBuilder, inC: number, outC: number, k: number, stride: number, padding: number): ModuleNode {
  return block(m, TemporalSeparableConv, { in_planes: inC, out_planes: outC, k, stride, padding })
}

type InceptionConfig = readonly [inC: number, b0: number, b1mid: number, b1: number, b2mid: number, b2: number, b3: number]

/** `SepInceptionBlock3D`: four branches (1×1×1; 1×1×1 then separable 3×3×3, twice; 3×3×3 max-pool then 1×1×1), concatenated. */
const SepInceptionBlock3D = defineBlock<{ config: InceptionConfig }>({
  name: 'SepInceptionBlock3D',
  build({ config: [inC, b0, b1mid, b1, b2mid, b2, b3] }, m) {
    m.child('branch0', pointwise(m, inC, b0))
    m.child('branch1', sequential(m, [pointwise(m, inC, b1mid), separable(m, b1mid, b1, 3, 1, 1)]))
    m.child('branch2', sequential(m, [pointwise(m, inC, b2mid), separable(m, b2mid, b2, 3, 1, 1)]))
    m.child('branch3', sequential(m, [nn(m, maxPool3d, { kernel_size: [3, 3, 3], stride: 1, padding: 1 }), pointwise(m, inC, b3)]))
  },
  forward(self, inputs, ctx) {
    return ops.cat(ctx, ['branch0', 'branch1', 'branch2', 'branch3'].map((name) => runChild(self, name, inputs[0]!, ctx)), 1)
  },
})

const blocks: readonly InceptionConfig[] = [
  [192, 64, 96, 128, 16, 32, 32],
  [256, 128, 128, 192, 32, 96, 64],
  [480, 192, 96, 208, 16, 48, 64],
  [512, 160, 112, 224, 24, 64, 64],
  [512, 128, 128, 256, 24, 64, 64],
  [512, 112, 144, 288, 32, 64, 64],
  [528, 256, 160, 320, 32, 128, 128],
  [832, 256, 160, 320, 32, 128, 128],
  [832, 384, 192, 384, 48, 128, 128],
]

/** `torchvision.models.video.s3d` (`S3D`): 400 classes; the classifier is a 1×1×1 convolution, averaged over time and space. */
export const s3d = defineModel<{ num_classes: number; dropout: number }>({
  name: 's3d',
  className: 'S3D',
  signature: [int('num_classes', { default: 400 }), float('dropout', { default: 0.2 })],
  build(a, m) {
    const inception = (i: number): ModuleNode => block(m, SepInceptionBlock3D, { config: blocks[i]! })
    const pool = (k: readonly number[], s: readonly number[], p: readonly number[]): ModuleNode => nn(m, maxPool3d, { kernel_size: [...k], stride: [...s], padding: [...p] })
    m.child(
      'features',
      sequential(m, [
        separable(m, 3, 64, 7, 2, 3),
        pool([1, 3, 3], [1, 2, 2], [0, 1, 1]),
        pointwise(m, 64, 64),
        separable(m, 64, 192, 3, 1, 1),
        pool([1, 3, 3], [1, 2, 2], [0, 1, 1]),
        inception(0),
        inception(1),
        pool([3, 3, 3], [2, 2, 2], [1, 1, 1]),
        inception(2),
        inception(3),
        inception(4),
        inception(5),
        inception(6),
        pool([2, 2, 2], [2, 2, 2], [0, 0, 0]),
        inception(7),
        inception(8),
      ]),
    )
    m.child('avgpool', nn(m, avgPool3d, { kernel_size: [2, 7, 7], stride: 1 }))
    m.child('classifier', sequential(m, [nn(m, dropoutLayer, { p: a.dropout }), nn(m, conv3d, { in_channels: 1024, out_channels: a.num_classes, kernel_size: 1, stride: 1, bias: true })]))
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    for (const name of ['features', 'avgpool', 'classifier']) x = runChild(self, name, x, ctx)
    return ops.mean(ctx, x, [2, 3, 4])
  },
})
