import { int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, sequential } from '../torchvision/core.js'
import { actLayerSpec, commonSignature, defineFamily, forwardNotModelled } from './family.js'
import type { CommonArgs } from './family.js'
import { createAct } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import { selectAdaptivePool } from './layers/pool.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'

/** timm's `ConvMixer` (`timm.models.convmixer`): a patch stem, then depthwise (residual) and pointwise convolutions, each with activation and BatchNorm. */

/** `Residual`: `fn(x) + x`. */
const Residual = defineBlock<Record<string, never>>({ name: 'Residual', build() {}, forward: forwardNotModelled('ConvMixer') })

/** Arguments of timm's `ConvMixer`. */
export interface ConvMixerArgs extends CommonArgs {
  dim: number
  depth: number
  kernel_size: number
  patch_size: number
  act_layer: ActName
}

/** timm's `ConvMixer` and its models. */
export const convmixer = defineFamily<ConvMixerArgs>({
  module: 'convmixer',
  className: 'ConvMixer',
  defaults: { dim: 768, depth: 32, kernel_size: 9, patch_size: 7, in_chans: 3, num_classes: 1000, global_pool: 'avg', drop_rate: 0, drop_path_rate: 0, act_layer: 'gelu' },
  signature: [...commonSignature.filter((s) => s.name !== 'drop_path_rate'), int('depth', { min: 0 }), actLayerSpec('act_layer', { classOnly: true })],
  // Each model function builds `dict(dim=…, depth=…, kernel_size=…, patch_size=…, **kwargs)`.
  builderKeywords: {},
  // `ConvMixer.__init__(..., **kwargs)` takes any other keyword (`drop_path_rate`, `img_size`) and uses none.
  otherKeywords: {},
  build(a, m) {
    const bn = (): ModuleNode => nn(m, batchNorm2d, { num_features: a.dim })
    const act = (): ModuleNode => createAct(m, a.act_layer)!
    m.child('stem', sequential(m, [nn(m, conv2d, { in_channels: a.in_chans, out_channels: a.dim, kernel_size: a.patch_size, stride: a.patch_size }), act(), bn()]))
    const blocks: ModuleNode[] = []
    for (let i = 0; i < a.depth; i++) {
      const residual = block(m, Residual, {})
      residual.children.set('fn', sequential(m, [nn(m, conv2d, { in_channels: a.dim, out_channels: a.dim, kernel_size: a.kernel_size, groups: a.dim, padding: 'same' }), act(), bn()]))
      blocks.push(sequential(m, [residual, nn(m, conv2d, { in_channels: a.dim, out_channels: a.dim, kernel_size: 1 }), act(), bn()]))
    }
    m.child('blocks', sequential(m, blocks))
    m.child('pooling', selectAdaptivePool(m, a.global_pool, true))
    m.child('head_drop', nn(m, dropout, { p: a.drop_rate }))
    m.child('head', a.num_classes > 0 ? nn(m, linear, { in_features: a.dim, out_features: a.num_classes }) : nn(m, identity))
  },
  variants: {
    convmixer_768_32: { dim: 768, depth: 32, kernel_size: 7, patch_size: 7, act_layer: 'relu' },
    convmixer_1024_20_ks9_p14: { dim: 1024, depth: 20, kernel_size: 9, patch_size: 14 },
    convmixer_1536_20: { dim: 1536, depth: 20, kernel_size: 9, patch_size: 7 },
  },
})
