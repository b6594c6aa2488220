import { int } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, defineModel, nn, runChild, sequential } from './core.js'
import * as ops from './ops.js'
import { relu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { linear } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'
import { maxPool2d } from '../../layers/pool.js'

function depthwise(m: ModuleBuilder, channels: number, stride: number): ModuleNode {
  return nn(m, conv2d, { in_channels: channels, out_channels: channels, kernel_size: 3, stride, padding: 1, bias: false, groups: channels })
}

function pointwise(m: ModuleBuilder, inC: number, outC: number): ModuleNode {
  return nn(m, conv2d, { in_channels: inC, out_channels: outC, kernel_size: 1, stride: 1, padding: 0, bias: false })
}

/**
 * ShuffleNetV2's `InvertedResidual`: with stride 1 half the channels pass
 * through and half go through the branch; with stride 2 both halves are
 * computed from the whole input. The halves are concatenated and shuffled.
 */
const InvertedResidual = defineBlock<{ inp: number; oup: number; stride: number }>({
  name: 'InvertedResidual',
  build(a, m) {
    const branch = Math.floor(a.oup / 2)
    const bn = (c: number) => nn(m, batchNorm2d, { num_features: c })
    m.child('branch1', sequential(m, a.stride > 1 ? [depthwise(m, a.inp, a.stride), bn(a.inp), pointwise(m, a.inp, branch), bn(branch), nn(m, relu, { inplace: true })] : []))
    m.child(
      'branch2',
      sequential(m, [
        pointwise(m, a.stride > 1 ? a.inp : branch, branch),
        bn(branch),
        nn(m, relu, { inplace: true }),
        depthwise(m, branch, a.stride),
        bn(branch),
        pointwise(m, branch, branch),
        bn(branch),
        nn(m, relu, { inplace: true }),
      ]),
    )
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    let out
    if (self.args.stride === 1) {
      const [n, c, h, w] = x.shape as [number, number, number, number]
      const half = Math.ceil(c / 2)
      const x1 = ctx.view(x, [n, half, h, w])
      const x2 = ctx.view(x, [n, c - half, h, w])
      out = ops.cat(ctx, [x1, runChild(self, 'branch2', x2, ctx)], 1)
    } else {
      out = ops.cat(ctx, [runChild(self, 'branch1', x, ctx), runChild(self, 'branch2', x, ctx)], 1)
    }
    // channel_shuffle: view, transpose, .contiguous() (a copy), view.
    return ops.copy(ctx, out)
  },
})

function shufflenet(name: string, stagesOutChannels: readonly [number, number, number, number, number]) {
  const repeats = [4, 8, 4]
  return defineModel<{ num_classes: number }>({
    name,
    className: 'ShuffleNetV2',
    signature: [int('num_classes', { default: 1000 })],
    build(a, m) {
      let input = 3
      let output = stagesOutChannels[0]
      m.child('conv1', sequential(m, [nn(m, conv2d, { in_channels: input, out_channels: output, kernel_size: 3, stride: 2, padding: 1, bias: false }), nn(m, batchNorm2d, { num_features: output }), nn(m, relu, { inplace: true })]))
      input = output
      m.child('maxpool', nn(m, maxPool2d, { kernel_size: 3, stride: 2, padding: 1 }))
      repeats.forEach((count, i) => {
        output = stagesOutChannels[i + 1]!
        const seq = [block(m, InvertedResidual, { inp: input, oup: output, stride: 2 })]
        for (let j = 0; j < count - 1; j++) seq.push(block(m, InvertedResidual, { inp: output, oup: output, stride: 1 }))
        m.child(`stage${i + 2}`, sequential(m, seq))
        input = output
      })
      output = stagesOutChannels[4]
      m.child('conv5', sequential(m, [nn(m, conv2d, { in_channels: input, out_channels: output, kernel_size: 1, stride: 1, padding: 0, bias: false }), nn(m, batchNorm2d, { num_features: output }), nn(m, relu, { inplace: true })]))
      m.child('fc', nn(m, linear, { in_features: output, out_features: a.num_classes }))
    },
    forward(self, inputs, ctx) {
      let x = inputs[0]!
      for (const name of ['conv1', 'maxpool', 'stage2', 'stage3', 'stage4', 'conv5']) x = runChild(self, name, x, ctx)
      return runChild(self, 'fc', ops.mean(ctx, x, [2, 3]), ctx)
    },
  })
}

/** `torchvision.models.shufflenet_v2_x0_5` … `shufflenet_v2_x2_0` (`ShuffleNetV2`). */
export const shufflenet_v2_x0_5 = shufflenet('shufflenet_v2_x0_5', [24, 48, 96, 192, 1024])
/** `torchvision.models.shufflenet_v2_x1_0` (`ShuffleNetV2`). */
export const shufflenet_v2_x1_0 = shufflenet('shufflenet_v2_x1_0', [24, 116, 232, 464, 1024])
/** `torchvision.models.shufflenet_v2_x1_5` (`ShuffleNetV2`). */
export const shufflenet_v2_x1_5 = shufflenet('shufflenet_v2_x1_5', [24, 176, 352, 704, 1024])
/** `torchvision.models.shufflenet_v2_x2_0` (`ShuffleNetV2`). */
export const shufflenet_v2_x2_0 = shufflenet('shufflenet_v2_x2_0', [24, 244, 488, 976, 2048])
