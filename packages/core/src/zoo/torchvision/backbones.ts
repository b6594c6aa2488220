import { NnsizeError } from '../../errors.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import { namedTensors } from '../../model/module.js'
import type { ModuleNode } from '../../model/module.js'
import type { Tensor } from '../../forward/trace.js'
import { block, defineBlock, nn } from './core.js'
import { batchNorm } from './misc.js'
import type { NormFactory } from './misc.js'
import { mobileNetV3Features } from './mobilenet.js'
import type { MobileNetV3Features } from './mobilenet.js'
import { buildResNet } from './resnet.js'
import type { WeightsEntry } from './weights.js'
import { frozenBatchNorm2d } from '../../layers/torchvision-ops.js'

/**
 * The backbones of torchvision's detection and segmentation models: a classifier built with the
 * backbone's `norm_layer`, cut by `IntermediateLayerGetter`, with torchvision's freezing rules.
 */

/** `torchvision.ops.misc.FrozenBatchNorm2d`: the `norm_layer` of a backbone built for pretrained weights. */
export const frozenBatchNorm: NormFactory = (m, channels) => nn(m, frozenBatchNorm2d, { num_features: channels })

/** `nn.BatchNorm2d` with its defaults. */
export const plainBatchNorm: NormFactory = batchNorm()

const resnetDepths = {
  resnet50: [3, 4, 6, 3],
  resnet101: [3, 4, 23, 3],
} as const

/** The ResNets torchvision's detection and segmentation builders use as backbones. */
export type BackboneResNet = keyof typeof resnetDepths

const ResNetModule = defineBlock<{ depth: BackboneResNet; norm: NormFactory; dilation: [boolean, boolean, boolean] | null }>({
  name: 'ResNet',
  build(a, m) {
    buildResNet(m, 'bottleneck', resnetDepths[a.depth], { num_classes: 1000, zero_init_residual: false, groups: 1, width_per_group: 64, replace_stride_with_dilation: a.dilation }, a.norm)
  },
  forward(self, _inputs, ctx) {
    throw ctx.error(`runs through its \`IntermediateLayerGetter\` here.`)
  },
})

/** `resnet50(norm_layer=..., replace_stride_with_dilation=...)` (or `resnet101`), 1000 classes, as a backbone builder makes it. */
export function resnetModule(m: ModuleBuilder, depth: BackboneResNet, norm: NormFactory, dilation: [boolean, boolean, boolean] | null = null): ModuleNode {
  return block(m, ResNetModule, { depth, norm, dilation })
}

/** The modules `IntermediateLayerGetter` keeps, and which of their outputs it returns under which key, in module order. */
interface GetterArgs {
  modules: ReadonlyArray<readonly [string, ModuleNode]>
  /** `[module name, output key]` for the returned outputs, in module order. */
  returned: ReadonlyArray<readonly [string, string]>
}

/**
 * torchvision's `IntermediateLayerGetter`: the model's children up to the last returned one; its
 * forward runs them in order and returns the outputs of the returned ones, in module order (the
 * order of its output dict).
 */
export const IntermediateLayerGetter = defineBlock<GetterArgs>({
  name: 'IntermediateLayerGetter',
  build(a, m) {
    for (const [name, module] of a.modules) m.child(name, module)
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    const outputs: Tensor[] = []
    const returned = new Set(self.args.returned.map(([name]) => name))
    for (const [name, child] of self.children) {
      if (!child) continue
      x = ctx.run(child, [x], name)[0]!
      if (returned.has(name)) outputs.push(x)
    }
    return outputs
  },
})

/** `IntermediateLayerGetter(model, return_layers)`: `returnLayers` maps module names to output keys. */
export function intermediateLayerGetter(m: ModuleBuilder, model: ModuleNode, returnLayers: Readonly<Record<string, string>>): ModuleNode {
  const wanted = new Set(Object.keys(returnLayers))
  const modules: Array<[string, ModuleNode]> = []
  const returned: Array<[string, string]> = []
  for (const [name, child] of model.children) {
    if (!child) continue
    modules.push([name, child])
    if (wanted.delete(name)) returned.push([name, returnLayers[name]!])
    if (wanted.size === 0) break
  }
  return block(m, IntermediateLayerGetter, { modules, returned })
}

/** Output keys of an `IntermediateLayerGetter`, in the order its forward returns them. */
export function returnedKeys(getter: ModuleNode): string[] {
  return (getter.args as unknown as GetterArgs).returned.map(([, key]) => key)
}

/** `parameter.requires_grad_(False)` for every parameter of `module` whose dotted name `keep` rejects. */
export function freezeParameters(module: ModuleNode, keep: (name: string) => boolean): void {
  for (const [name, tensor] of namedTensors(module, 'parameter')) if (!keep(name)) tensor.requiresGrad = false
}

/** Freezes every parameter of the given modules (`for b in backbone[:freeze_before]: ...requires_grad_(False)`). */
export function freezeModules(modules: Iterable<ModuleNode | null>): void {
  for (const module of modules) if (module) freezeParameters(module, () => false)
}

/**
 * `_validate_trainable_layers`: without pretrained weights every layer trains (a given value is
 * ignored, as torchvision warns); otherwise the given value, or the default, within `[0, max]`.
 */
export function trainableLayers(isTrained: boolean, given: number | null, max: number, defaultValue: number, fail: (arg: string, message: string) => never): number {
  const value = isTrained ? (given ?? defaultValue) : max
  if (value < 0 || value > max) fail('trainable_backbone_layers', `Trainable backbone layers should be in the range [0,${max}], got ${value}.`)
  return value
}

/** The resolved backbone weights of a detection or segmentation builder: `weights` given means no backbone weights. */
export function backboneWeights(weights: WeightsEntry | null, weightsBackbone: WeightsEntry | null): WeightsEntry | null {
  return weights !== null ? null : weightsBackbone
}

/**
 * `_resnet_fpn_extractor`'s freezing: the parameters of all but the last `trainable` of
 * `layer4, layer3, layer2, layer1, conv1` (and `bn1` when all five train) stop training.
 */
export function freezeResNet(resnet: ModuleNode, trainable: number): void {
  if (trainable < 0 || trainable > 5) throw new NnsizeError('argument-value', `Trainable layers should be in the range [0,5], got ${trainable}.`)
  const train = ['layer4', 'layer3', 'layer2', 'layer1', 'conv1'].slice(0, trainable)
  if (trainable === 5) train.push('bn1')
  freezeParameters(resnet, (name) => train.some((layer) => name.startsWith(layer)))
}

/** `mobilenet_v3_large(norm_layer=..., dilated=..., reduced_tail=...).features` with its stage positions. */
export interface MobileNetBackbone extends MobileNetV3Features {
  /** torchvision's `stage_indices`: 0, the strided blocks, and the last entry. */
  stageIndices: number[]
}

/** Builds `mobilenet_v3_large(...).features` and its `stage_indices`. */
export function mobileNetV3Backbone(m: ModuleBuilder, norm: NormFactory, options: { dilated?: boolean; reduced_tail?: boolean } = {}): MobileNetBackbone {
  const built = mobileNetV3Features(m, 'large', { width_mult: 1.0, reduced_tail: options.reduced_tail ?? false, dilated: options.dilated ?? false }, norm)
  const stageIndices = [0, ...built.strided.flatMap((s, i) => (s ? [i] : [])), built.outChannels.length - 1]
  return { ...built, stageIndices }
}

/** The entries of `backbone.features`, in order. */
export function featureModules(backbone: MobileNetBackbone): ModuleNode[] {
  return [...backbone.features.children.values()].filter((c): c is ModuleNode => c !== null)
}

/** `_mobilenet_extractor`'s freezing: the entries before the first of the last `trainable` stages stop training (all of them for 0). */
export function freezeMobileNet(backbone: MobileNetBackbone, trainable: number): void {
  const stages = backbone.stageIndices.length
  if (trainable < 0 || trainable > stages) throw new NnsizeError('argument-value', `Trainable layers should be in the range [0,${stages}], got ${trainable}.`)
  const modules = featureModules(backbone)
  const freezeBefore = trainable === 0 ? modules.length : backbone.stageIndices[stages - trainable]!
  freezeModules(modules.slice(0, freezeBefore))
}
