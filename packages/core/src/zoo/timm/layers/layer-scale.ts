import { defineBlock } from '../../torchvision/core.js'
import * as ops from '../../torchvision/ops.js'

/** `LayerScale(dim, init_values)`: multiplies the last dimension by a learned `gamma`. */
export const LayerScale = defineBlock<{ dim: number }>({
  name: 'LayerScale',
  build(a, m) {
    m.param('gamma', [a.dim])
  },
  forward: (self, inputs, ctx) => ops.mul(ctx, inputs[0]!, ctx.state(self, 'gamma')),
})

/** `LayerScale2d(dim, init_values)`: multiplies the channels of `(N, C, H, W)` by a learned `gamma`. */
export const LayerScale2d = defineBlock<{ dim: number }>({
  name: 'LayerScale2d',
  build(a, m) {
    m.param('gamma', [a.dim])
  },
  forward: (self, inputs, ctx) => ops.mul(ctx, inputs[0]!, ctx.view(ctx.state(self, 'gamma'), [1, self.args.dim, 1, 1])),
})
