import { batchNorm1d, batchNorm2d, groupNorm, layerNorm, rmsNorm } from '../../../layers/norm.js'
import type { ForwardFn, LayerDefinition, ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import { formatShape } from '../../../tensor/shape.js'
import { defineBlock, nn } from '../../torchvision/core.js'
import { runBase, subclass } from './helpers.js'

/**
 * timm's normalisation layers (`timm.layers.norm`) and its `get_norm_layer` names. `LayerNorm`,
 * `LayerNorm2d`, `GroupNorm` and `GroupNorm1` subclass the `torch.nn` layer (same tensors, timm's
 * class name and defaults); `RmsNorm` and `RmsNorm2d` hold one `weight`.
 */

/** The names of timm's norm layers (`'layernorm2d'`); `torch_layernorm` is `nn.LayerNorm` itself (eps 1e-5 by default). */
export type NormName = 'batchnorm2d' | 'batchnorm1d' | 'groupnorm' | 'groupnorm1' | 'layernorm' | 'layernorm2d' | 'rmsnorm' | 'rmsnorm2d' | 'simplenorm' | 'simplenorm2d' | 'torch_layernorm'

/** Keyword arguments a model binds into its norm layer (`partial(nn.BatchNorm2d, eps=1e-3)`). */
export interface NormOptions {
  eps?: number
  momentum?: number
  affine?: boolean
  num_groups?: number
  /** `GroupNormAct`'s channels per group (overrides `num_groups`). */
  group_size?: number
}

/** A norm layer: its name, or its name with bound keyword arguments. */
export type NormSpec = NormName | readonly [NormName, NormOptions]

/** The name and options of a {@link NormSpec}. */
export function normParts(spec: NormSpec): [NormName, NormOptions] {
  return typeof spec === 'string' ? [spec, {}] : [spec[0], spec[1]]
}

/** A {@link NormSpec} with more bound options (later ones win, as `partial` of a `partial` does). */
export function withNormOptions(spec: NormSpec, options: NormOptions): NormSpec {
  const [name, bound] = normParts(spec)
  return [name, { ...bound, ...options }]
}

const forwardBase = (base: LayerDefinition): ForwardFn<unknown> => (self, inputs, ctx) => runBase(base, self, inputs[0]!, ctx)

/** timm's `LayerNorm` (an `nn.LayerNorm` whose eps defaults to 1e-6). */
export const LayerNorm = defineBlock({ name: 'LayerNorm', build() {}, forward: forwardBase(layerNorm) })

/** `LayerNorm2d`: an `nn.LayerNorm` over the channels of an `(N, C, H, W)` tensor, permuted to channels-last and back (views). */
export const LayerNorm2d = channelsFirst('LayerNorm2d', layerNorm)

/** timm's `GroupNorm` (an `nn.GroupNorm` taking the channels first, 32 groups by default). */
export const GroupNorm = defineBlock({ name: 'GroupNorm', build() {}, forward: forwardBase(groupNorm) })

/** `GroupNorm1`: an `nn.GroupNorm` with one group. */
export const GroupNorm1 = defineBlock({ name: 'GroupNorm1', build() {}, forward: forwardBase(groupNorm) })

/** `RmsNorm`: root-mean-square norm over the last dimension, one `weight`. */
export const RmsNorm = defineBlock({ name: 'RmsNorm', build() {}, forward: forwardBase(rmsNorm) })

/** A norm over the channels of an `(N, C, H, W)` tensor, run channels-last (`LayerNorm2d`, `RmsNorm2d`). */
function channelsFirst(name: string, base: LayerDefinition): LayerDefinition {
  return defineBlock({
    name,
    build() {},
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      if (x.shape.length !== 4) throw ctx.error(`expects a 4-D input (N, C, H, W), got shape ${formatShape(x.shape)}.`)
      const [n, c, h, w] = x.shape as [number, number, number, number]
      const y = runBase(base, self, ctx.view(x, [n, h, w, c]), ctx)
      return ctx.view(y, [n, c, h, w])
    },
  })
}

/** `RmsNorm2d`: root-mean-square norm over the channels of an `(N, C, H, W)` tensor. */
export const RmsNorm2d = channelsFirst('RmsNorm2d', rmsNorm)

/** `SimpleNorm`: `x / std(x)` over the last dimension (no mean subtraction), one `weight`. */
export const SimpleNorm = defineBlock({ name: 'SimpleNorm', build() {}, forward: forwardBase(rmsNorm) })

/** `SimpleNorm2d`: {@link SimpleNorm} over the channels of an `(N, C, H, W)` tensor. */
export const SimpleNorm2d = channelsFirst('SimpleNorm2d', rmsNorm)

/** The `torch.nn` arguments of a norm layer of `channels` channels (`eps` defaults as in timm's class). */
export function normBaseArgs(name: NormName, channels: number, o: NormOptions): [LayerDefinition, Record<string, number | boolean | number[]>] {
  switch (name) {
    case 'batchnorm2d':
    case 'batchnorm1d':
      return [name === 'batchnorm2d' ? batchNorm2d : batchNorm1d, { num_features: channels, eps: o.eps ?? 1e-5, momentum: o.momentum ?? 0.1, affine: o.affine ?? true }]
    case 'groupnorm':
      return [groupNorm, { num_groups: o.group_size ? channels / o.group_size : (o.num_groups ?? 32), num_channels: channels, eps: o.eps ?? 1e-5, affine: o.affine ?? true }]
    case 'groupnorm1':
      return [groupNorm, { num_groups: 1, num_channels: channels, eps: o.eps ?? 1e-5, affine: o.affine ?? true }]
    case 'layernorm':
    case 'layernorm2d':
      return [layerNorm, { normalized_shape: [channels], eps: o.eps ?? 1e-6, elementwise_affine: o.affine ?? true }]
    case 'torch_layernorm':
      return [layerNorm, { normalized_shape: [channels], eps: o.eps ?? 1e-5, elementwise_affine: o.affine ?? true }]
    case 'rmsnorm':
    case 'rmsnorm2d':
    case 'simplenorm':
    case 'simplenorm2d':
      return [rmsNorm, { normalized_shape: [channels], eps: o.eps ?? 1e-6, elementwise_affine: o.affine ?? true }]
  }
}

const normClasses: Partial<Record<NormName, LayerDefinition>> = {
  groupnorm: GroupNorm,
  groupnorm1: GroupNorm1,
  layernorm: LayerNorm,
  layernorm2d: LayerNorm2d,
  rmsnorm: RmsNorm,
  rmsnorm2d: RmsNorm2d,
  simplenorm: SimpleNorm,
  simplenorm2d: SimpleNorm2d,
}

/** `get_norm_layer(spec)(channels)`: the norm layer module. */
export function createNorm(m: ModuleBuilder, spec: NormSpec, channels: number): ModuleNode {
  const [name, options] = normParts(spec)
  const [base, args] = normBaseArgs(name, channels, options)
  const cls = normClasses[name]
  return cls ? subclass(m, base, args, cls) : nn(m, base, args)
}
