import { numel } from '../../../tensor/shape.js'
import { defineBlock } from '../../torchvision/core.js'

/**
 * `GlobalResponseNorm(dim, channels_last=True)` (ConvNeXt-V2): `weight` and `bias` of `dim`.
 * The forward keeps the input, its spatial L2 norms, their divisor (the mean norm plus eps), the
 * normalised norms and the product `x * x_n` for backward.
 */
export const GlobalResponseNorm = defineBlock<{ dim: number; channels_last: boolean }>({
  name: 'GlobalResponseNorm',
  build(a, m) {
    m.param('weight', [a.dim])
    m.param('bias', [a.dim])
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const [n] = x.shape as [number]
    const c = self.args.channels_last ? x.shape.at(-1)! : x.shape[1]!
    const statShape = self.args.channels_last ? [n, 1, 1, c] : [n, c, 1, 1]
    const norms = ctx.tensor(statShape, x.dtype)
    const divisor = ctx.tensor([n, 1, 1, 1], x.dtype)
    const scaled = ctx.tensor(statShape, x.dtype)
    const product = ctx.tensor(x.shape, x.dtype)
    ctx.macs(2n * numel(x.shape))
    ctx.save(x, norms, divisor, scaled, product)
    return ctx.tensor(x.shape, x.dtype)
  },
})
