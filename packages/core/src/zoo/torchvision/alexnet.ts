import { float, int } from '../../bind/args.js'
import { defineModel, nn, runChild, sequential } from './core.js'
import * as ops from './ops.js'
import { relu as reluLayer } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { adaptiveAvgPool2d, maxPool2d } from '../../layers/pool.js'

/** `torchvision.models.alexnet`: five convolutions, three max-pools, a 6×6 adaptive pool and three linear layers. */
export const alexnet = defineModel<{ num_classes: number; dropout: number }>({
  name: 'alexnet',
  className: 'AlexNet',
  signature: [int('num_classes', { default: 1000 }), float('dropout', { default: 0.5 })],
  build(a, m) {
    const conv = (inC: number, outC: number, k: number, stride: number, padding: number) => nn(m, conv2d, { in_channels: inC, out_channels: outC, kernel_size: k, stride, padding })
    const relu = () => nn(m, reluLayer, { inplace: true })
    const pool = () => nn(m, maxPool2d, { kernel_size: 3, stride: 2 })
    m.child(
      'features',
      sequential(m, [
        conv(3, 64, 11, 4, 2),
        relu(),
        pool(),
        conv(64, 192, 5, 1, 2),
        relu(),
        pool(),
        conv(192, 384, 3, 1, 1),
        relu(),
        conv(384, 256, 3, 1, 1),
        relu(),
        conv(256, 256, 3, 1, 1),
        relu(),
        pool(),
      ]),
    )
    m.child('avgpool', nn(m, adaptiveAvgPool2d, { output_size: [6, 6] }))
    m.child(
      'classifier',
      sequential(m, [
        nn(m, dropoutLayer, { p: a.dropout }),
        nn(m, linear, { in_features: 256 * 6 * 6, out_features: 4096 }),
        relu(),
        nn(m, dropoutLayer, { p: a.dropout }),
        nn(m, linear, { in_features: 4096, out_features: 4096 }),
        relu(),
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
