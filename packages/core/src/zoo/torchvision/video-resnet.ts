import { bool, int } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, defineModel, defineSequentialBlock, nn, runChild, sequential } from './core.js'
import type { PyArgs } from './core.js'
import * as ops from './ops.js'
import { relu } from '../../layers/activation.js'
import { conv3d } from '../../layers/conv.js'
import { linear } from '../../layers/linear.js'
import { batchNorm3d } from '../../layers/norm.js'
import { adaptiveAvgPool3d } from '../../layers/pool.js'

/**
 * The 3-D ResNets of `torchvision.models.video`: `r3d_18` (3×3×3 convolutions), `mc3_18` (3-D in the
 * first stage, spatial-only after) and `r2plus1d_18` ((2+1)-D: a spatial then a temporal convolution),
 * on `(N, 3, T, H, W)` clips.
 */

type ConvKind = 'simple' | 'no-temporal' | '2plus1d'

/** A `Conv3d` registered under a subclass name (`Conv3DSimple`), as torchvision subclasses it. */
function conv3dAs(m: ModuleBuilder, className: string, args: PyArgs<typeof conv3d.signature>): ModuleNode {
  const node = nn(m, conv3d, args)
  node.type = className
  return node
}

/** `Conv2Plus1D(in, out, mid, stride)`: a (1, 3, 3) convolution to `mid` channels, BatchNorm3d, ReLU, a (3, 1, 1) convolution. */
const Conv2Plus1D = defineSequentialBlock<{ in_planes: number; out_planes: number; mid: number; stride: number }>('Conv2Plus1D', (a, m) => {
  m.child('0', nn(m, conv3d, { in_channels: a.in_planes, out_channels: a.mid, kernel_size: [1, 3, 3], stride: [1, a.stride, a.stride], padding: [0, 1, 1], bias: false }))
  m.child('1', nn(m, batchNorm3d, { num_features: a.mid }))
  m.child('2', nn(m, relu, { inplace: true }))
  m.child('3', nn(m, conv3d, { in_channels: a.mid, out_channels: a.out_planes, kernel_size: [3, 1, 1], stride: [a.stride, 1, 1], padding: [1, 0, 0], bias: false }))
})

/** The `conv_builder` of a stage. */
function convBuilder(m: ModuleBuilder, kind: ConvKind, inPlanes: number, outPlanes: number, mid: number, stride = 1): ModuleNode {
  if (kind === '2plus1d') return block(m, Conv2Plus1D, { in_planes: inPlanes, out_planes: outPlanes, mid, stride })
  if (kind === 'simple') return conv3dAs(m, 'Conv3DSimple', { in_channels: inPlanes, out_channels: outPlanes, kernel_size: [3, 3, 3], stride, padding: 1, bias: false })
  return conv3dAs(m, 'Conv3DNoTemporal', { in_channels: inPlanes, out_channels: outPlanes, kernel_size: [1, 3, 3], stride: [1, stride, stride], padding: [0, 1, 1], bias: false })
}

interface BlockArgs {
  kind: ConvKind
  inplanes: number
  planes: number
  stride: number
  downsample: boolean
}

/** The video `BasicBlock`: `conv1` (conv, BatchNorm3d, ReLU), `conv2` (conv, BatchNorm3d), a 1×1×1 downsample, the residual and ReLU. */
const BasicBlock = defineBlock<BlockArgs>({
  name: 'BasicBlock',
  build(a, m) {
    const mid = Math.floor((a.inplanes * a.planes * 27) / (a.inplanes * 9 + 3 * a.planes))
    m.child('conv1', sequential(m, [convBuilder(m, a.kind, a.inplanes, a.planes, mid, a.stride), nn(m, batchNorm3d, { num_features: a.planes }), nn(m, relu, { inplace: true })]))
    m.child('conv2', sequential(m, [convBuilder(m, a.kind, a.planes, a.planes, mid), nn(m, batchNorm3d, { num_features: a.planes })]))
    m.child('relu', nn(m, relu, { inplace: true }))
    if (a.downsample) {
      const stride = a.kind === 'no-temporal' ? [1, a.stride, a.stride] : [a.stride, a.stride, a.stride]
      m.child('downsample', sequential(m, [nn(m, conv3d, { in_channels: a.inplanes, out_channels: a.planes, kernel_size: 1, stride, bias: false }), nn(m, batchNorm3d, { num_features: a.planes })]))
    }
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const out = runChild(self, 'conv2', runChild(self, 'conv1', x, ctx), ctx)
    const residual = self.children.get('downsample') ? runChild(self, 'downsample', x, ctx) : x
    return runChild(self, 'relu', ops.addInPlace(ctx, out, residual), ctx)
  },
})

/** `BasicStem`: a (3, 7, 7) convolution with stride (1, 2, 2), BatchNorm3d, ReLU. */
const BasicStem = defineSequentialBlock<Record<string, never>>('BasicStem', (_a, m) => {
  m.child('0', nn(m, conv3d, { in_channels: 3, out_channels: 64, kernel_size: [3, 7, 7], stride: [1, 2, 2], padding: [1, 3, 3], bias: false }))
  m.child('1', nn(m, batchNorm3d, { num_features: 64 }))
  m.child('2', nn(m, relu, { inplace: true }))
})

/** `R2Plus1dStem`: (1, 7, 7) to 45 channels, then (3, 1, 1) to 64, each with BatchNorm3d and ReLU. */
const R2Plus1dStem = defineSequentialBlock<Record<string, never>>('R2Plus1dStem', (_a, m) => {
  m.child('0', nn(m, conv3d, { in_channels: 3, out_channels: 45, kernel_size: [1, 7, 7], stride: [1, 2, 2], padding: [0, 3, 3], bias: false }))
  m.child('1', nn(m, batchNorm3d, { num_features: 45 }))
  m.child('2', nn(m, relu, { inplace: true }))
  m.child('3', nn(m, conv3d, { in_channels: 45, out_channels: 64, kernel_size: [3, 1, 1], stride: [1, 1, 1], padding: [1, 0, 0], bias: false }))
  m.child('4', nn(m, batchNorm3d, { num_features: 64 }))
  m.child('5', nn(m, relu, { inplace: true }))
})

function videoResnet(name: string, kinds: readonly [ConvKind, ConvKind, ConvKind, ConvKind], stem: 'basic' | 'r2plus1d') {
  return defineModel<{ num_classes: number; zero_init_residual: boolean }>({
    name,
    className: 'VideoResNet',
    signature: [int('num_classes', { default: 400 }), bool('zero_init_residual', { default: false })],
    build(a, m) {
      m.child('stem', block(m, stem === 'basic' ? BasicStem : R2Plus1dStem, {}))
      let inplanes = 64
      ;[64, 128, 256, 512].forEach((planes, i) => {
        const stride = i === 0 ? 1 : 2
        const first = block(m, BasicBlock, { kind: kinds[i]!, inplanes, planes, stride, downsample: stride !== 1 || inplanes !== planes })
        inplanes = planes
        m.child(`layer${i + 1}`, sequential(m, [first, block(m, BasicBlock, { kind: kinds[i]!, inplanes, planes, stride: 1, downsample: false })]))
      })
      m.child('avgpool', nn(m, adaptiveAvgPool3d, { output_size: [1, 1, 1] }))
      m.child('fc', nn(m, linear, { in_features: 512, out_features: a.num_classes }))
    },
    forward(self, inputs, ctx) {
      let x = inputs[0]!
      for (const child of ['stem', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool']) x = runChild(self, child, x, ctx)
      return runChild(self, 'fc', ops.flatten(ctx, x, 1), ctx)
    },
  })
}

/** `torchvision.models.video.r3d_18` (`VideoResNet`): 3×3×3 convolutions throughout. */
export const r3d_18 = videoResnet('r3d_18', ['simple', 'simple', 'simple', 'simple'], 'basic')
/** `torchvision.models.video.mc3_18` (`VideoResNet`): 3-D convolutions in the first stage, (1, 3, 3) after. */
export const mc3_18 = videoResnet('mc3_18', ['simple', 'no-temporal', 'no-temporal', 'no-temporal'], 'basic')
/** `torchvision.models.video.r2plus1d_18` (`VideoResNet`): (2+1)-D convolutions. */
export const r2plus1d_18 = videoResnet('r2plus1d_18', ['2plus1d', '2plus1d', '2plus1d', '2plus1d'], 'r2plus1d')
