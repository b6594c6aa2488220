import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { block, defineBlock, moduleList, nn, runChild } from './core.js'
import { conv2dNormActivation } from './misc.js'
import type { NormFactory } from './misc.js'
import * as ops from './ops.js'
import { freezeResNet, intermediateLayerGetter } from './backbones.js'
import { conv2d } from '../../layers/conv.js'

/**
 * torchvision's feature pyramid (`torchvision.ops.FeaturePyramidNetwork`), its extra blocks and
 * `BackboneWithFPN`. Feature maps travel as lists of tensors in the order of their dict.
 */

/** Runs child `index` of a `ModuleList`-valued child `list`. */
function runListChild(self: ModuleNode, list: string, index: number, x: Tensor, ctx: ForwardContext): Tensor {
  const child = self.children.get(list)?.children.get(String(index))
  if (!child) throw new Error(`internal: ${self.type} has no ${list}.${index}`)
  return ctx.run(child, [x], `${list}.${index}`)[0]!
}

/** `LastLevelMaxPool`: appends `F.max_pool2d(results[-1], 1, 2, 0)`, which keeps its input and int64 indices. */
export const LastLevelMaxPool = defineBlock<Record<string, never>>({
  name: 'LastLevelMaxPool',
  build() {},
  forward(_self, inputs, ctx, options) {
    const results = inputs.slice(0, (options?.['results'] as number | undefined) ?? inputs.length)
    return [...results, ops.maxPool2d(ctx, results.at(-1)!, 1, 2, 0)]
  },
})

/** `LastLevelP6P7(in_channels, out_channels)`: two stride-2 3×3 convolutions (RetinaNet, FCOS); P6 reads P5 when the widths agree, else C5. */
export const LastLevelP6P7 = defineBlock<{ in_channels: number; out_channels: number }>({
  name: 'LastLevelP6P7',
  build(a, m) {
    m.child('p6', nn(m, conv2d, { in_channels: a.in_channels, out_channels: a.out_channels, kernel_size: 3, stride: 2, padding: 1 }))
    m.child('p7', nn(m, conv2d, { in_channels: a.out_channels, out_channels: a.out_channels, kernel_size: 3, stride: 2, padding: 1 }))
  },
  forward(self, inputs, ctx, options) {
    const count = (options?.['results'] as number | undefined) ?? inputs.length
    const results = inputs.slice(0, count)
    const features = inputs.slice(count)
    const source = self.args.in_channels === self.args.out_channels ? results.at(-1)! : (features.at(-1) ?? results.at(-1)!)
    const p6 = runChild(self, 'p6', source, ctx)
    const p7 = runChild(self, 'p7', ops.relu(ctx, p6, false), ctx)
    return [...results, p6, p7]
  },
})

interface FPNArgs {
  in_channels_list: readonly number[]
  out_channels: number
  extra_blocks: ModuleNode | null
  norm_layer: NormFactory | null
}

/**
 * `FeaturePyramidNetwork`: a 1×1 lateral and a 3×3 output `Conv2dNormActivation` per level; the
 * forward adds each lateral to the nearest-upsampled level above it, top down, then runs the extra
 * block. Inputs and outputs are the levels, finest first.
 */
export const FeaturePyramidNetwork = defineBlock<FPNArgs>({
  name: 'FeaturePyramidNetwork',
  build(a, m) {
    const inner = a.in_channels_list.map((c) => conv2dNormActivation(m, { in_channels: c, out_channels: a.out_channels, kernel_size: 1, padding: 0, norm_layer: a.norm_layer, activation_layer: null }))
    const layer = a.in_channels_list.map(() => conv2dNormActivation(m, { in_channels: a.out_channels, out_channels: a.out_channels, kernel_size: 3, norm_layer: a.norm_layer, activation_layer: null }))
    m.child('inner_blocks', moduleList(m, inner))
    m.child('layer_blocks', moduleList(m, layer))
    m.child('extra_blocks', a.extra_blocks)
  },
  forward(self, inputs, ctx) {
    const n = self.args.in_channels_list.length
    if (inputs.length !== n) throw ctx.error(`takes ${n} feature maps, got ${inputs.length}.`)
    let lastInner = runListChild(self, 'inner_blocks', n - 1, inputs[n - 1]!, ctx)
    const results = [runListChild(self, 'layer_blocks', n - 1, lastInner, ctx)]
    for (let i = n - 2; i >= 0; i--) {
      const lateral = runListChild(self, 'inner_blocks', i, inputs[i]!, ctx)
      const topDown = ops.interpolate(ctx, lastInner, lateral.shape.slice(-2), 'nearest')
      lastInner = ops.add(ctx, lateral, topDown)
      results.unshift(runListChild(self, 'layer_blocks', i, lastInner, ctx))
    }
    const extra = self.children.get('extra_blocks')
    return extra ? ctx.run(extra, [...results, ...inputs], 'extra_blocks', { results: results.length }) : results
  },
})

/** `BackboneWithFPN(backbone, return_layers, in_channels_list, out_channels=256, extra_blocks, norm_layer)`: `body` (the getter) then `fpn`. */
export const BackboneWithFPN = defineBlock<{ body: ModuleNode; fpn: ModuleNode }>({
  name: 'BackboneWithFPN',
  build(a, m) {
    m.child('body', a.body)
    m.child('fpn', a.fpn)
  },
  forward(self, inputs, ctx) {
    const features = ctx.run(self.children.get('body')!, inputs, 'body')
    return ctx.run(self.children.get('fpn')!, features, 'fpn')
  },
})

/** Builds `BackboneWithFPN` over an `IntermediateLayerGetter` body (256 channels), with `LastLevelMaxPool` unless another extra block is given. */
export function backboneWithFPN(m: ModuleBuilder, body: ModuleNode, inChannels: readonly number[], options: { extra?: ModuleNode; norm?: NormFactory | null } = {}): ModuleNode {
  const fpn = block(m, FeaturePyramidNetwork, { in_channels_list: inChannels, out_channels: 256, extra_blocks: options.extra ?? block(m, LastLevelMaxPool, {}), norm_layer: options.norm ?? null })
  return block(m, BackboneWithFPN, { body, fpn })
}

/**
 * `_resnet_fpn_extractor(backbone, trainable_layers, returned_layers, extra_blocks, norm_layer)`:
 * freezes all but the last `trainable` stages, returns `layer1`…`layer4` (or `returnedLayers`) to a
 * 256-channel FPN.
 */
export function resnetFpnExtractor(m: ModuleBuilder, resnet: ModuleNode, trainable: number, options: { returnedLayers?: readonly number[]; extra?: ModuleNode; norm?: NormFactory | null } = {}): ModuleNode {
  freezeResNet(resnet, trainable)
  const returned = options.returnedLayers ?? [1, 2, 3, 4]
  const body = intermediateLayerGetter(m, resnet, Object.fromEntries(returned.map((k, v) => [`layer${k}`, String(v)])))
  // `in_channels_stage2 = backbone.inplanes // 8`: 256 for the Bottleneck ResNets.
  return backboneWithFPN(m, body, returned.map((i) => 256 * 2 ** (i - 1)), options)
}
