import { bool, float, int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import { defineModel, nn, runChild, sequential } from './core.js'
import * as ops from './ops.js'
import { relu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'
import { adaptiveAvgPool2d, maxPool2d } from '../../layers/pool.js'

/** torchvision's VGG configurations: output channels of each 3×3 convolution, `M` for a 2×2 max-pool. */
export const configs = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
} as const satisfies Record<string, ReadonlyArray<number | 'M'>>

/**
 * torchvision's `make_layers(cfgs[config], batch_norm)`: the modules of `VGG.features`.
 * `ceilModePools` lists the max-pools (counted from 0) built with `ceil_mode=True`, as SSD sets it.
 */
export function vggLayers(m: ModuleBuilder, config: keyof typeof configs, batchNorm: boolean, ceilModePools: readonly number[] = []): ModuleNode[] {
  const layers: ModuleNode[] = []
  let inChannels = 3
  let pools = 0
  for (const v of configs[config]) {
    if (v === 'M') {
      layers.push(nn(m, maxPool2d, ceilModePools.includes(pools++) ? { kernel_size: 2, stride: 2, ceil_mode: true } : { kernel_size: 2, stride: 2 }))
      continue
    }
    layers.push(nn(m, conv2d, { in_channels: inChannels, out_channels: v, kernel_size: 3, padding: 1 }))
    if (batchNorm) layers.push(nn(m, batchNorm2d, { num_features: v }))
    layers.push(nn(m, relu, { inplace: true }))
    inChannels = v
  }
  return layers
}

function vgg(name: string, config: keyof typeof configs, batchNorm: boolean) {
  return defineModel<{ num_classes: number; init_weights: boolean; dropout: number }>({
    name,
    className: 'VGG',
    signature: [int('num_classes', { default: 1000 }), bool('init_weights', { default: true }), float('dropout', { default: 0.5 })],
    build(a, m) {
      m.child('features', sequential(m, vggLayers(m, config, batchNorm)))
      m.child('avgpool', nn(m, adaptiveAvgPool2d, { output_size: [7, 7] }))
      m.child(
        'classifier',
        sequential(m, [
          nn(m, linear, { in_features: 512 * 7 * 7, out_features: 4096 }),
          nn(m, relu, { inplace: true }),
          nn(m, dropoutLayer, { p: a.dropout }),
          nn(m, linear, { in_features: 4096, out_features: 4096 }),
          nn(m, relu, { inplace: true }),
          nn(m, dropoutLayer, { p: a.dropout }),
          nn(m, linear, { in_features: 4096, out_features: a.num_classes }),
        ]),
      )
    },
    forward(self, inputs, ctx) {
      let x = runChild(self, 'features', inputs[0]!, ctx)
      x = runChild(self, 'avgpool', x, ctx)
      return runChild(self, 'classifier', ops.flatten(ctx, x, 1), ctx)
    },
  })
}

/** `torchvision.models.vgg11` … `vgg19_bn`: 3×3 convolution stacks (configurations A, B, D, E), optionally with BatchNorm. */
export const vgg11 = vgg('vgg11', 'A', false)
/** `torchvision.models.vgg11_bn` (`VGG`). */
export const vgg11_bn = vgg('vgg11_bn', 'A', true)
/** `torchvision.models.vgg13` (`VGG`). */
export const vgg13 = vgg('vgg13', 'B', false)
/** `torchvision.models.vgg13_bn` (`VGG`). */
export const vgg13_bn = vgg('vgg13_bn', 'B', true)
/** `torchvision.models.vgg16` (`VGG`). */
export const vgg16 = vgg('vgg16', 'D', false)
/** `torchvision.models.vgg16_bn` (`VGG`). */
export const vgg16_bn = vgg('vgg16_bn', 'D', true)
/** `torchvision.models.vgg19` (`VGG`). */
export const vgg19 = vgg('vgg19', 'E', false)
/** `torchvision.models.vgg19_bn` (`VGG`). */
export const vgg19_bn = vgg('vgg19_bn', 'E', true)
