import { float, int } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, defineModel, nn, runChild, sequential } from './core.js'
import * as ops from './ops.js'
import { relu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'

const BN_MOMENTUM = 1 - 0.9997

interface BlockArgs {
  in_ch: number
  out_ch: number
  kernel_size: number
  stride: number
  expansion_factor: number
  bn_momentum: number
}

/** MNASNet's `_InvertedResidual`: 1×1 expand, depthwise k×k, linear 1×1 projection, residual when shapes allow. */
const InvertedResidual = defineBlock<BlockArgs>({
  name: '_InvertedResidual',
  build(a, m) {
    const mid = a.in_ch * a.expansion_factor
    const bn = (c: number) => nn(m, batchNorm2d, { num_features: c, momentum: a.bn_momentum })
    m.child(
      'layers',
      sequential(m, [
        nn(m, conv2d, { in_channels: a.in_ch, out_channels: mid, kernel_size: 1, bias: false }),
        bn(mid),
        nn(m, relu, { inplace: true }),
        nn(m, conv2d, { in_channels: mid, out_channels: mid, kernel_size: a.kernel_size, padding: Math.floor(a.kernel_size / 2), stride: a.stride, groups: mid, bias: false }),
        bn(mid),
        nn(m, relu, { inplace: true }),
        nn(m, conv2d, { in_channels: mid, out_channels: a.out_ch, kernel_size: 1, bias: false }),
        bn(a.out_ch),
      ]),
    )
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const out = runChild(self, 'layers', x, ctx)
    return self.args.in_ch === self.args.out_ch && self.args.stride === 1 ? ops.add(ctx, out, x) : out
  },
})

function stack(m: ModuleBuilder, inCh: number, outCh: number, kernel: number, stride: number, expansion: number, repeats: number): ModuleNode {
  const blocks = [block(m, InvertedResidual, { in_ch: inCh, out_ch: outCh, kernel_size: kernel, stride, expansion_factor: expansion, bn_momentum: BN_MOMENTUM })]
  for (let i = 1; i < repeats; i++) blocks.push(block(m, InvertedResidual, { in_ch: outCh, out_ch: outCh, kernel_size: kernel, stride: 1, expansion_factor: expansion, bn_momentum: BN_MOMENTUM }))
  return sequential(m, blocks)
}

/** torchvision's `_round_to_multiple_of` (round-up bias 0.9). */
function roundToMultipleOf(value: number, divisor: number): number {
  const rounded = Math.max(divisor, Math.floor(Math.trunc(value + divisor / 2) / divisor) * divisor)
  return rounded >= 0.9 * value ? rounded : rounded + divisor
}

function mnasnet(name: string, alpha: number) {
  return defineModel<{ num_classes: number; dropout: number }>({
    name,
    className: 'MNASNet',
    signature: [int('num_classes', { default: 1000 }), float('dropout', { default: 0.2 })],
    build(a, m) {
      const d = [32, 16, 24, 40, 80, 96, 192, 320].map((depth) => roundToMultipleOf(depth * alpha, 8)) as [number, number, number, number, number, number, number, number]
      const bn = (c: number) => nn(m, batchNorm2d, { num_features: c, momentum: BN_MOMENTUM })
      m.child(
        'layers',
        sequential(m, [
          nn(m, conv2d, { in_channels: 3, out_channels: d[0], kernel_size: 3, padding: 1, stride: 2, bias: false }),
          bn(d[0]),
          nn(m, relu, { inplace: true }),
          nn(m, conv2d, { in_channels: d[0], out_channels: d[0], kernel_size: 3, padding: 1, stride: 1, groups: d[0], bias: false }),
          bn(d[0]),
          nn(m, relu, { inplace: true }),
          nn(m, conv2d, { in_channels: d[0], out_channels: d[1], kernel_size: 1, padding: 0, stride: 1, bias: false }),
          bn(d[1]),
          stack(m, d[1], d[2], 3, 2, 3, 3),
          stack(m, d[2], d[3], 5, 2, 3, 3),
          stack(m, d[3], d[4], 5, 2, 6, 3),
          stack(m, d[4], d[5], 3, 1, 6, 2),
          stack(m, d[5], d[6], 5, 2, 6, 4),
          stack(m, d[6], d[7], 3, 1, 6, 1),
          nn(m, conv2d, { in_channels: d[7], out_channels: 1280, kernel_size: 1, padding: 0, stride: 1, bias: false }),
          bn(1280),
          nn(m, relu, { inplace: true }),
        ]),
      )
      m.child('classifier', sequential(m, [nn(m, dropoutLayer, { p: a.dropout, inplace: true }), nn(m, linear, { in_features: 1280, out_features: a.num_classes })]))
    },
    forward(self, inputs, ctx) {
      const x = runChild(self, 'layers', inputs[0]!, ctx)
      return runChild(self, 'classifier', ops.mean(ctx, x, [2, 3]), ctx)
    },
  })
}

/** `torchvision.models.mnasnet0_5`, `mnasnet0_75`, `mnasnet1_0`, `mnasnet1_3` (`MNASNet` with depth multiplier 0.5 … 1.3). */
export const mnasnet0_5 = mnasnet('mnasnet0_5', 0.5)
/** `torchvision.models.mnasnet0_75` (`MNASNet`). */
export const mnasnet0_75 = mnasnet('mnasnet0_75', 0.75)
/** `torchvision.models.mnasnet1_0` (`MNASNet`). */
export const mnasnet1_0 = mnasnet('mnasnet1_0', 1.0)
/** `torchvision.models.mnasnet1_3` (`MNASNet`). */
export const mnasnet1_3 = mnasnet('mnasnet1_3', 1.3)
