import type { ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import type { ForwardContext, Tensor } from '../../../forward/trace.js'
import { block, defineBlock, nn, runChild } from '../../torchvision/core.js'
import * as ops from '../../torchvision/ops.js'
import { createAct, createActOrIdentity } from './activations.js'
import type { ActName } from './activations.js'
import { makeDivisible } from './helpers.js'
import { createNorm } from './norm.js'
import type { NormSpec } from './norm.js'
import { conv1d, conv2d } from '../../../layers/conv.js'
import { identity } from '../../../layers/linear.js'

/**
 * timm's channel attention (`timm.layers.squeeze_excite`, `eca`) and its factory `create_attn`:
 * `SEModule` (`'se'`), `EffectiveSEModule` (`'ese'`), `EcaModule` (`'eca'`, `'ecam'`).
 */

/** Keyword arguments bound into an attention layer (`partial(SEModule, rd_ratio=0.25)`). */
export interface AttnOptions {
  rd_ratio?: number
  rd_channels?: number
  rd_divisor?: number
  act?: ActName
  gate?: ActName
  norm?: NormSpec | null
  bias?: boolean
}

/** The attention layer names timm's models use. */
export type AttnName = 'se' | 'ese' | 'eca' | 'ecam'

/** An attention layer: its name, or its name with bound options; `null` for none. */
export type AttnSpec = AttnName | readonly [AttnName, AttnOptions] | null

/** `x.mean((2, 3), keepdim=True)`, the 1×1 convolutions and the gate, then `x * gate`. */
function squeezeForward(self: ModuleNode, x: Tensor, ctx: ForwardContext, names: readonly string[]): Tensor {
  let s = ops.mean(ctx, x, [2, 3])
  s = ctx.view(s, [x.shape[0]!, x.shape[1]!, 1, 1])
  for (const name of names) if (self.children.get(name)) s = runChild(self, name, s, ctx)
  return ops.mul(ctx, x, s)
}

/** `SEModule(channels, rd_ratio=1/16, rd_divisor=8)`: `fc1`, `bn`, `act`, `fc2`, `gate`. */
export const SEModule = defineBlock<{ channels: number } & AttnOptions>({
  name: 'SEModule',
  build(a, m) {
    const rd = a.rd_channels || makeDivisible(a.channels * (a.rd_ratio ?? 1 / 16), a.rd_divisor ?? 8, null, 0)
    const bias = a.bias ?? true
    m.child('fc1', nn(m, conv2d, { in_channels: a.channels, out_channels: rd, kernel_size: 1, bias }))
    m.child('bn', a.norm ? createNorm(m, a.norm, rd) : nn(m, identity))
    m.child('act', createAct(m, a.act ?? 'relu', true))
    m.child('fc2', nn(m, conv2d, { in_channels: rd, out_channels: a.channels, kernel_size: 1, bias }))
    m.child('gate', createAct(m, a.gate ?? 'sigmoid'))
  },
  forward: (self, inputs, ctx) => squeezeForward(self, inputs[0]!, ctx, ['fc1', 'bn', 'act', 'fc2', 'gate']),
})

/** `EffectiveSEModule(channels)`: one 1×1 `fc` with bias and a hard-sigmoid `gate`. */
export const EffectiveSEModule = defineBlock<{ channels: number } & AttnOptions>({
  name: 'EffectiveSEModule',
  build(a, m) {
    m.child('fc', nn(m, conv2d, { in_channels: a.channels, out_channels: a.channels, kernel_size: 1, padding: 0 }))
    m.child('gate', createAct(m, a.gate ?? 'hard_sigmoid'))
  },
  forward: (self, inputs, ctx) => squeezeForward(self, inputs[0]!, ctx, ['fc', 'gate']),
})

/** `EcaModule(channels)`: a 1-D convolution over the pooled channels (kernel from the channel count), then `gate`. */
export const EcaModule = defineBlock<{ channels: number; use_mlp: boolean } & AttnOptions>({
  name: 'EcaModule',
  build(a, m) {
    const t = Math.trunc(Math.abs(Math.log2(a.channels) + 1) / 2)
    const k = Math.max(t % 2 ? t : t + 1, 3)
    const padding = (k - 1) / 2
    if (a.use_mlp) {
      const rd = a.rd_channels ?? makeDivisible(a.channels * (a.rd_ratio ?? 1 / 8), a.rd_divisor ?? 8)
      m.child('conv', nn(m, conv1d, { in_channels: 1, out_channels: rd, kernel_size: 1, padding: 0, bias: true }))
      m.child('act', createActOrIdentity(m, a.act ?? 'relu'))
      m.child('conv2', nn(m, conv1d, { in_channels: rd, out_channels: 1, kernel_size: k, padding, bias: true }))
    } else {
      m.child('conv', nn(m, conv1d, { in_channels: 1, out_channels: 1, kernel_size: k, padding, bias: false }))
    }
    m.child('gate', createAct(m, a.gate ?? 'sigmoid'))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const [n, c] = x.shape as [number, number]
    let y = ctx.view(ops.mean(ctx, x, [2, 3]), [n, 1, c])
    for (const name of ['conv', 'act', 'conv2', 'gate']) if (self.children.get(name)) y = runChild(self, name, y, ctx)
    return ops.mul(ctx, x, ctx.view(y, [n, c, 1, 1]))
  },
})

/** `create_attn(spec, channels)`: the attention module, or `null`. */
export function createAttn(m: ModuleBuilder, spec: AttnSpec, channels: number, extra: AttnOptions = {}): ModuleNode | null {
  if (spec === null) return null
  const [name, bound] = typeof spec === 'string' ? [spec, {}] : [spec[0], spec[1]]
  const options = { ...extra, ...bound }
  switch (name) {
    case 'se':
      return block(m, SEModule, { channels, ...options })
    case 'ese':
      return block(m, EffectiveSEModule, { channels, ...options })
    case 'eca':
    case 'ecam':
      return block(m, EcaModule, { channels, use_mlp: name === 'ecam', ...options })
  }
}
