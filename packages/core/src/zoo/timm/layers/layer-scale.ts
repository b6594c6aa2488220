import { bool, device, dtype, float, int } from '../../../bind/args.js'
import type { ForwardContext, Tensor } from '../../../forward/trace.js'
import * as ops from '../../../forward/ops/index.js'
import { defineLayer } from '../../../layers/define-layer.js'

/** timm's arguments of `LayerScale` and `LayerScale2d`: `(dim, init_values=1e-5, inplace=False, device=None, dtype=None)`. */
const signature = [int('dim', { min: 0 }), float('init_values', { default: 1e-5 }), bool('inplace', { default: false }), device(), dtype()] as const

/** `x * gamma`, or `x.mul_(gamma)` with `inplace` (which keeps a copy of `x`, as autograd does, when `gamma` needs its gradient). */
function scale(ctx: ForwardContext, x: Tensor, gamma: Tensor, inplace: boolean): Tensor {
  return inplace ? ops.mulInPlace(ctx, x, gamma) : ops.mul(ctx, x, gamma)
}

/**
 * `timm.layers.LayerScale(dim, init_values=1e-5, inplace=False, device=None, dtype=None)`: multiplies the last
 * dimension by a learned `gamma` of `dim` elements (in place with `inplace`).
 */
export const LayerScale = defineLayer({
  name: 'LayerScale',
  signature,
  build(a, m) {
    m.param('gamma', [a.dim])
  },
  forward: (self, inputs, ctx) => scale(ctx, inputs[0]!, ctx.state(self, 'gamma'), self.args.inplace),
})

/** `timm.layers.LayerScale2d(dim, init_values=1e-5, inplace=False, device=None, dtype=None)`: the channels of `(N, C, H, W)`, `gamma` viewed as `(1, C, 1, 1)`. */
export const LayerScale2d = defineLayer({
  name: 'LayerScale2d',
  signature,
  build(a, m) {
    m.param('gamma', [a.dim])
  },
  forward: (self, inputs, ctx) => scale(ctx, inputs[0]!, ctx.view(ctx.state(self, 'gamma'), [1, self.args.dim, 1, 1]), self.args.inplace),
})
