import type { ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import { block, defineBlock, nn } from '../../torchvision/core.js'
import * as ops from '../../torchvision/ops.js'
import { identity } from '../../../layers/linear.js'

/** `DropPath(drop_prob)`: stochastic depth, multiplying by a saved `(N, 1, …)` mask while training. */
export const DropPath = defineBlock<{ drop_prob: number }>({
  name: 'DropPath',
  build() {},
  forward: (self, inputs, ctx) => ops.stochasticDepth(ctx, inputs[0]!, self.args.drop_prob, self.training),
})

/** `DropPath(p) if p > 0. else nn.Identity()`, as timm's blocks make it. */
export function dropPathOrIdentity(m: ModuleBuilder, p: number): ModuleNode {
  return p > 0 ? block(m, DropPath, { drop_prob: p }) : nn(m, identity)
}

/** `DropPath(p) if p > 0. else None`: the blocks that hold no module without stochastic depth. */
export function dropPathOrNone(m: ModuleBuilder, p: number): ModuleNode | null {
  return p > 0 ? block(m, DropPath, { drop_prob: p }) : null
}

/** timm's stochastic depth rule: `drop_path_rate * i / (n - 1)` for block `i` of `n` (`torch.linspace`). */
export function dropPathRates(rate: number, blocks: number): number[] {
  if (blocks <= 1) return blocks === 1 ? [0] : []
  return Array.from({ length: blocks }, (_, i) => (rate * i) / (blocks - 1))
}
