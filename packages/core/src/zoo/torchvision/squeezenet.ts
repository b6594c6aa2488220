import { float, int } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, defineModel, nn, runChild, sequential } from './core.js'
import * as ops from './ops.js'
import { relu as reluLayer } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { adaptiveAvgPool2d, maxPool2d } from '../../layers/pool.js'

interface FireArgs {
  inplanes: number
  squeeze_planes: number
  expand1x1_planes: number
  expand3x3_planes: number
}

/** SqueezeNet's `Fire` module: a 1×1 squeeze, then 1×1 and 3×3 expands concatenated. */
const Fire = defineBlock<FireArgs>({
  name: 'Fire',
  build(a, m) {
    m.child('squeeze', nn(m, conv2d, { in_channels: a.inplanes, out_channels: a.squeeze_planes, kernel_size: 1 }))
    m.child('squeeze_activation', nn(m, reluLayer, { inplace: true }))
    m.child('expand1x1', nn(m, conv2d, { in_channels: a.squeeze_planes, out_channels: a.expand1x1_planes, kernel_size: 1 }))
    m.child('expand1x1_activation', nn(m, reluLayer, { inplace: true }))
    m.child('expand3x3', nn(m, conv2d, { in_channels: a.squeeze_planes, out_channels: a.expand3x3_planes, kernel_size: 3, padding: 1 }))
    m.child('expand3x3_activation', nn(m, reluLayer, { inplace: true }))
  },
  forward(self, inputs, ctx) {
    const x = runChild(self, 'squeeze_activation', runChild(self, 'squeeze', inputs[0]!, ctx), ctx)
    const e1 = runChild(self, 'expand1x1_activation', runChild(self, 'expand1x1', x, ctx), ctx)
    const e3 = runChild(self, 'expand3x3_activation', runChild(self, 'expand3x3', x, ctx), ctx)
    return ops.cat(ctx, [e1, e3], 1)
  },
})

function fire(m: ModuleBuilder, inplanes: number, squeeze: number, e1: number, e3: number): ModuleNode {
  return block(m, Fire, { inplanes, squeeze_planes: squeeze, expand1x1_planes: e1, expand3x3_planes: e3 })
}

function squeezenet(name: string, version: '1_0' | '1_1') {
  return defineModel<{ num_classes: number; dropout: number }>({
    name,
    className: 'SqueezeNet',
    signature: [int('num_classes', { default: 1000 }), float('dropout', { default: 0.5 })],
    build(a, m) {
      const conv = (outC: number, k: number) => nn(m, conv2d, { in_channels: 3, out_channels: outC, kernel_size: k, stride: 2 })
      const relu = () => nn(m, reluLayer, { inplace: true })
      const pool = () => nn(m, maxPool2d, { kernel_size: 3, stride: 2, ceil_mode: true })
      const features =
        version === '1_0'
          ? [conv(96, 7), relu(), pool(), fire(m, 96, 16, 64, 64), fire(m, 128, 16, 64, 64), fire(m, 128, 32, 128, 128), pool(), fire(m, 256, 32, 128, 128), fire(m, 256, 48, 192, 192), fire(m, 384, 48, 192, 192), fire(m, 384, 64, 256, 256), pool(), fire(m, 512, 64, 256, 256)]
          : [conv(64, 3), relu(), pool(), fire(m, 64, 16, 64, 64), fire(m, 128, 16, 64, 64), pool(), fire(m, 128, 32, 128, 128), fire(m, 256, 32, 128, 128), pool(), fire(m, 256, 48, 192, 192), fire(m, 384, 48, 192, 192), fire(m, 384, 64, 256, 256), fire(m, 512, 64, 256, 256)]
      m.child('features', sequential(m, features))
      m.child(
        'classifier',
        sequential(m, [
          nn(m, dropoutLayer, { p: a.dropout }),
          nn(m, conv2d, { in_channels: 512, out_channels: a.num_classes, kernel_size: 1 }),
          relu(),
          nn(m, adaptiveAvgPool2d, { output_size: [1, 1] }),
        ]),
      )
    },
    forward(self, inputs, ctx) {
      const x = runChild(self, 'classifier', runChild(self, 'features', inputs[0]!, ctx), ctx)
      return ops.flatten(ctx, x, 1)
    },
  })
}

/** `torchvision.models.squeezenet1_0` and `squeezenet1_1`: Fire modules and a convolutional classifier. */
export const squeezenet1_0 = squeezenet('squeezenet1_0', '1_0')
/** `torchvision.models.squeezenet1_1` (`SqueezeNet`). */
export const squeezenet1_1 = squeezenet('squeezenet1_1', '1_1')
