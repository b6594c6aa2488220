import { batchNorm2d, groupNorm, layerNorm } from '../../../layers/norm.js'
import type { LayerDefinition, ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import { formatShape } from '../../../tensor/shape.js'
import { defineBlock, nn, runChild } from '../../torchvision/core.js'
import { DropBlock2d } from './drop.js'
import { createActOrIdentity } from './activations.js'
import type { ActName } from './activations.js'
import { runBase, subclass } from './helpers.js'
import { normBaseArgs, normParts } from './norm.js'
import type { NormName, NormSpec } from './norm.js'

/**
 * timm's norm + activation layers (`timm.layers.norm_act`): a `torch.nn` norm layer (its tensors
 * first) with two children, `drop` (`nn.Identity`) and `act` (the activation, `nn.Identity` without one).
 */

function normAct(name: string, base: LayerDefinition, channelsLast = false): LayerDefinition {
  return defineBlock({
    name,
    build() {},
    forward(self, inputs, ctx) {
      let x = inputs[0]!
      if (channelsLast) {
        if (x.shape.length !== 4) throw ctx.error(`expects a 4-D input (N, C, H, W), got shape ${formatShape(x.shape)}.`)
        const [n, c, h, w] = x.shape as [number, number, number, number]
        x = ctx.view(runBase(base, self, ctx.view(x, [n, h, w, c]), ctx), [n, c, h, w])
      } else {
        x = runBase(base, self, x, ctx)
      }
      x = runChild(self, 'drop', x, ctx)
      return runChild(self, 'act', x, ctx)
    },
  })
}

/** `BatchNormAct2d`: `nn.BatchNorm2d`, then `drop` and `act`. */
export const BatchNormAct2d = normAct('BatchNormAct2d', batchNorm2d)
/** `GroupNormAct`: `nn.GroupNorm` (channels first), then `drop` and `act`. */
export const GroupNormAct = normAct('GroupNormAct', groupNorm)
/** `GroupNorm1Act`: `nn.GroupNorm` with one group, then `drop` and `act`. */
export const GroupNorm1Act = normAct('GroupNorm1Act', groupNorm)
/** `LayerNormAct`: `nn.LayerNorm` over the last dimension, then `drop` and `act`. */
export const LayerNormAct = normAct('LayerNormAct', layerNorm)
/** `LayerNormAct2d`: `nn.LayerNorm` over the channels of `(N, C, H, W)`, then `drop` and `act`. */
export const LayerNormAct2d = normAct('LayerNormAct2d', layerNorm, true)

const normActClasses: Partial<Record<NormName, LayerDefinition>> = {
  batchnorm2d: BatchNormAct2d,
  groupnorm: GroupNormAct,
  groupnorm1: GroupNorm1Act,
  layernorm: LayerNormAct,
  torch_layernorm: LayerNormAct,
  layernorm2d: LayerNormAct2d,
}

/** Options of {@link createNormAct}: the activation (default ReLU), `apply_act`, `inplace` (default true) and `drop_layer`. */
export interface NormActOptions {
  act?: ActName | null
  applyAct?: boolean
  inplace?: boolean
  /** `drop_layer=partial(DropBlock2d, ...)`: the `drop` child is that `DropBlock2d` instead of `nn.Identity`. */
  dropBlock?: DropBlockOptions | null
}

/** The arguments of a `DropBlock2d` (`drop_prob`, `block_size`, `gamma_scale`). */
export interface DropBlockOptions {
  drop_prob: number
  block_size: number
  gamma_scale: number
}

/**
 * `get_norm_act_layer(norm, act)(channels, apply_act=...)`: the norm + activation layer for a norm
 * name (`batchnorm2d` → `BatchNormAct2d`). Its eps defaults to 1e-5, as in every norm+act class.
 */
export function createNormAct(m: ModuleBuilder, spec: NormSpec, channels: number, options: NormActOptions = {}): ModuleNode {
  const [name, bound] = normParts(spec)
  const cls = normActClasses[name]
  if (!cls) throw new Error(`internal: timm has no norm+act layer for ${name}`)
  const [base, args] = normBaseArgs(name, channels, { eps: 1e-5, ...bound })
  const act = options.applyAct === false ? null : options.act === undefined ? 'relu' : options.act
  return subclass(m, base, args, cls, {}, (node) => {
    node.children.set('drop', options.dropBlock ? nn(m, DropBlock2d, { ...options.dropBlock }) : createActOrIdentity(m, null))
    node.children.set('act', createActOrIdentity(m, act, options.inplace ?? true))
  })
}
