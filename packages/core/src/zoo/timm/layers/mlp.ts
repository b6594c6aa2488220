import type { ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import type { ForwardContext, Tensor } from '../../../forward/trace.js'
import { block, defineBlock, nn, runChild } from '../../torchvision/core.js'
import * as ops from '../../torchvision/ops.js'
import { createAct } from './activations.js'
import type { ActName } from './activations.js'
import { GlobalResponseNorm } from './grn.js'
import { createNorm } from './norm.js'
import type { NormSpec } from './norm.js'
import { conv2d } from '../../../layers/conv.js'
import { dropout } from '../../../layers/dropout.js'
import { identity, linear as linearLayer } from '../../../layers/linear.js'

/**
 * timm's MLPs (`timm.layers.mlp`): `Mlp`, `GluMlp` (and `SwiGLUPacked`), `SwiGLU`, `ConvMlp`,
 * `GlobalResponseNormMlp`. `bias` and `drop` may differ between the two layers.
 */

/** Arguments of the MLPs. */
export interface MlpArgs {
  in_features: number
  hidden_features?: number | null
  out_features?: number | null
  act?: ActName
  norm?: NormSpec | null
  bias?: boolean | readonly [boolean, boolean]
  drop?: number | readonly [number, number]
  /** 1×1 convolutions on `(N, C, H, W)` instead of linear layers. */
  use_conv?: boolean
  /** `GluMlp`: gate with the second half (true) or the first. */
  gate_last?: boolean
  /** `SwiGLU`: round the hidden width up to a multiple of this. */
  align_to?: number
  /** `GatedMlp`: the gate layer on the hidden features (it halves them), e.g. gMLP's spatial gating unit. */
  gate?: (m: ModuleBuilder, hidden: number) => ModuleNode
}

function two<T>(value: T | readonly [T, T]): [T, T] {
  return Array.isArray(value) ? [value[0], value[1]] : [value as T, value as T]
}

function linear(m: ModuleBuilder, inF: number, outF: number, bias: boolean, useConv: boolean): ModuleNode {
  return useConv ? nn(m, conv2d, { in_channels: inF, out_channels: outF, kernel_size: 1, bias }) : nn(m, linearLayer, { in_features: inF, out_features: outF, bias })
}

function runAll(self: ModuleNode, names: readonly string[], x: Tensor, ctx: ForwardContext): Tensor {
  for (const name of names) x = runChild(self, name, x, ctx)
  return x
}

/** `Mlp`: `fc1`, `act`, `drop1`, `norm`, `fc2`, `drop2`. */
export const Mlp = defineBlock<MlpArgs>({
  name: 'Mlp',
  build(a, m) {
    const out = a.out_features || a.in_features
    const hidden = a.hidden_features || a.in_features
    const bias = two(a.bias ?? true)
    const drop = two(a.drop ?? 0)
    m.child('fc1', linear(m, a.in_features, hidden, bias[0], a.use_conv ?? false))
    m.child('act', createAct(m, a.act ?? 'gelu'))
    m.child('drop1', nn(m, dropout, { p: drop[0] }))
    m.child('norm', a.norm ? createNorm(m, a.norm, hidden) : nn(m, identity))
    m.child('fc2', linear(m, hidden, out, bias[1], a.use_conv ?? false))
    m.child('drop2', nn(m, dropout, { p: drop[1] }))
  },
  forward: (self, inputs, ctx) => runAll(self, ['fc1', 'act', 'drop1', 'norm', 'fc2', 'drop2'], inputs[0]!, ctx),
})

/** `GluMlp` (and `SwiGLUPacked`): `fc1` to twice the width, half gates the other half, then `fc2`. */
export const GluMlp = defineBlock<MlpArgs>({
  name: 'GluMlp',
  build(a, m) {
    const out = a.out_features || a.in_features
    const hidden = a.hidden_features || a.in_features
    const bias = two(a.bias ?? true)
    const drop = two(a.drop ?? 0)
    m.child('fc1', linear(m, a.in_features, hidden, bias[0], a.use_conv ?? false))
    m.child('act', createAct(m, a.act ?? 'sigmoid'))
    m.child('drop1', nn(m, dropout, { p: drop[0] }))
    m.child('norm', a.norm ? createNorm(m, a.norm, hidden / 2) : nn(m, identity))
    m.child('fc2', linear(m, hidden / 2, out, bias[1], a.use_conv ?? false))
    m.child('drop2', nn(m, dropout, { p: drop[1] }))
  },
  forward(self, inputs, ctx) {
    const h = runChild(self, 'fc1', inputs[0]!, ctx)
    const dim = self.args.use_conv ? 1 : h.shape.length - 1
    const half = h.shape.map((d, i) => (i === dim ? d / 2 : d))
    const gate = runChild(self, 'act', ctx.view(h, half), ctx)
    const x = ops.mul(ctx, ctx.view(h, half), gate)
    return runAll(self, ['drop1', 'norm', 'fc2', 'drop2'], x, ctx)
  },
})

/** `SwiGLU`: separate `fc1_g` and `fc1_x`, `act(gate) * x`, then `fc2`. */
export const SwiGLU = defineBlock<MlpArgs>({
  name: 'SwiGLU',
  build(a, m) {
    const out = a.out_features || a.in_features
    let hidden = a.hidden_features || a.in_features
    if (a.align_to) hidden += (a.align_to - (hidden % a.align_to)) % a.align_to
    const bias = two(a.bias ?? true)
    const drop = two(a.drop ?? 0)
    m.child('fc1_g', nn(m, linearLayer, { in_features: a.in_features, out_features: hidden, bias: bias[0] }))
    m.child('fc1_x', nn(m, linearLayer, { in_features: a.in_features, out_features: hidden, bias: bias[0] }))
    m.child('act', createAct(m, a.act ?? 'silu'))
    m.child('drop1', nn(m, dropout, { p: drop[0] }))
    m.child('norm', a.norm ? createNorm(m, a.norm, hidden) : nn(m, identity))
    m.child('fc2', nn(m, linearLayer, { in_features: hidden, out_features: out, bias: bias[1] }))
    m.child('drop2', nn(m, dropout, { p: drop[1] }))
  },
  forward(self, inputs, ctx) {
    const gate = runChild(self, 'act', runChild(self, 'fc1_g', inputs[0]!, ctx), ctx)
    const x = ops.mul(ctx, gate, runChild(self, 'fc1_x', inputs[0]!, ctx))
    return runAll(self, ['drop1', 'norm', 'fc2', 'drop2'], x, ctx)
  },
})

/** `ConvMlp`: 1×1 `fc1`, `norm`, `act`, `drop`, 1×1 `fc2`. */
export const ConvMlp = defineBlock<MlpArgs>({
  name: 'ConvMlp',
  build(a, m) {
    const out = a.out_features || a.in_features
    const hidden = a.hidden_features || a.in_features
    const bias = two(a.bias ?? true)
    m.child('fc1', nn(m, conv2d, { in_channels: a.in_features, out_channels: hidden, kernel_size: 1, bias: bias[0] }))
    m.child('norm', a.norm ? createNorm(m, a.norm, hidden) : nn(m, identity))
    m.child('act', createAct(m, a.act ?? 'relu'))
    m.child('drop', nn(m, dropout, { p: two(a.drop ?? 0)[0] }))
    m.child('fc2', nn(m, conv2d, { in_channels: hidden, out_channels: out, kernel_size: 1, bias: bias[1] }))
  },
  forward: (self, inputs, ctx) => runAll(self, ['fc1', 'norm', 'act', 'drop', 'fc2'], inputs[0]!, ctx),
})

/** `GlobalResponseNormMlp` (ConvNeXt-V2): `fc1`, `act`, `drop1`, `grn`, `fc2`, `drop2`. */
export const GlobalResponseNormMlp = defineBlock<MlpArgs>({
  name: 'GlobalResponseNormMlp',
  build(a, m) {
    const out = a.out_features || a.in_features
    const hidden = a.hidden_features || a.in_features
    const bias = two(a.bias ?? true)
    const drop = two(a.drop ?? 0)
    const useConv = a.use_conv ?? false
    m.child('fc1', linear(m, a.in_features, hidden, bias[0], useConv))
    m.child('act', createAct(m, a.act ?? 'gelu'))
    m.child('drop1', nn(m, dropout, { p: drop[0] }))
    m.child('grn', block(m, GlobalResponseNorm, { dim: hidden, channels_last: !useConv }))
    m.child('fc2', linear(m, hidden, out, bias[1], useConv))
    m.child('drop2', nn(m, dropout, { p: drop[1] }))
  },
  forward: (self, inputs, ctx) => runAll(self, ['fc1', 'act', 'drop1', 'grn', 'fc2', 'drop2'], inputs[0]!, ctx),
})

/** `GatedMlp` (gMLP): `fc1`, `act`, `drop1`, `gate` (halving the width), `norm`, `fc2`, `drop2`. */
export const GatedMlp = defineBlock<MlpArgs>({
  name: 'GatedMlp',
  build(a, m) {
    const out = a.out_features || a.in_features
    let hidden = a.hidden_features || a.in_features
    const bias = two(a.bias ?? true)
    const drop = two(a.drop ?? 0)
    m.child('fc1', nn(m, linearLayer, { in_features: a.in_features, out_features: hidden, bias: bias[0] }))
    m.child('act', createAct(m, a.act ?? 'gelu'))
    m.child('drop1', nn(m, dropout, { p: drop[0] }))
    if (a.gate) {
      m.child('gate', a.gate(m, hidden))
      hidden = Math.floor(hidden / 2)
    } else {
      m.child('gate', nn(m, identity))
    }
    m.child('norm', a.norm ? createNorm(m, a.norm, hidden) : nn(m, identity))
    m.child('fc2', nn(m, linearLayer, { in_features: hidden, out_features: out, bias: bias[1] }))
    m.child('drop2', nn(m, dropout, { p: drop[1] }))
  },
  forward: (self, inputs, ctx) => runAll(self, ['fc1', 'act', 'drop1', 'gate', 'norm', 'fc2', 'drop2'], inputs[0]!, ctx),
})

/** The MLP classes by name. */
export const mlpClasses = { Mlp, GluMlp, SwiGLU, ConvMlp, GlobalResponseNormMlp, GatedMlp } as const

/** The name of an MLP class. */
export type MlpClass = keyof typeof mlpClasses

/** Builds the MLP of class `cls`. */
export function createMlp(m: ModuleBuilder, cls: MlpClass, args: MlpArgs): ModuleNode {
  return block(m, mlpClasses[cls], args)
}
