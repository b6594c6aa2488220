import { bool } from '../bind/args.js'
import { defineLayer } from './define-layer.js'

/** `nn.ReLU(inplace=False)`: saves its output for backward. */
export const relu = defineLayer<{ inplace: boolean }>({
  name: 'ReLU',
  signature: [bool('inplace', { default: false })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const y = self.args.inplace ? x : ctx.tensor(x.shape, x.dtype)
    ctx.save(y)
    return y
  },
})
