import { NnsizeError } from '../../errors.js'
import { bool, int } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { showValue, typeName } from '../../contract/values.js'
import { block, defineBlock, defineModel, nn, runChild, sequential } from './core.js'
import { batchNorm } from './misc.js'
import type { NormFactory } from './misc.js'
import * as ops from './ops.js'
import { relu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { linear } from '../../layers/linear.js'
import { adaptiveAvgPool2d, maxPool2d } from '../../layers/pool.js'

/** torchvision's `conv3x3`: padding = dilation, no bias. */
function conv3x3(m: ModuleBuilder, inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1): ModuleNode {
  return nn(m, conv2d, { in_channels: inPlanes, out_channels: outPlanes, kernel_size: 3, stride, padding: dilation, groups, bias: false, dilation })
}

/** torchvision's `conv1x1`: no bias. */
function conv1x1(m: ModuleBuilder, inPlanes: number, outPlanes: number, stride = 1): ModuleNode {
  return nn(m, conv2d, { in_channels: inPlanes, out_channels: outPlanes, kernel_size: 1, stride, bias: false })
}

interface BlockArgs {
  /** The normalisation layer (`norm_layer`): BatchNorm2d, or FrozenBatchNorm2d in detection backbones. */
  norm: NormFactory
  inplanes: number
  planes: number
  stride: number
  /** Whether `_make_layer` gives this block a `downsample` (1×1 conv + BatchNorm). */
  downsample: boolean
  groups: number
  base_width: number
  dilation: number
}

function downsample(m: ModuleBuilder, a: BlockArgs, expansion: number): ModuleNode {
  return sequential(m, [conv1x1(m, a.inplanes, a.planes * expansion, a.stride), a.norm(m, a.planes * expansion)])
}

/** The residual add and final ReLU shared by both block kinds. */
function residual(self: ModuleNode, x: Tensor, out: Tensor, ctx: ForwardContext): Tensor {
  const downsampleModule = self.children.get('downsample')
  const identity = downsampleModule ? ctx.run(downsampleModule, [x], 'downsample')[0]! : x
  return runChild(self, 'relu', ops.addInPlace(ctx, out, identity), ctx)
}

/** `BasicBlock` (ResNet-18/34): two 3×3 convolutions and a residual connection. */
const BasicBlock = defineBlock<BlockArgs>({
  name: 'BasicBlock',
  build(a, m) {
    m.child('conv1', conv3x3(m, a.inplanes, a.planes, a.stride))
    m.child('bn1', a.norm(m, a.planes))
    m.child('relu', nn(m, relu, { inplace: true }))
    m.child('conv2', conv3x3(m, a.planes, a.planes))
    m.child('bn2', a.norm(m, a.planes))
    if (a.downsample) m.child('downsample', downsample(m, a, 1))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    let out = runChild(self, 'conv1', x, ctx)
    out = runChild(self, 'bn1', out, ctx)
    out = runChild(self, 'relu', out, ctx)
    out = runChild(self, 'conv2', out, ctx)
    out = runChild(self, 'bn2', out, ctx)
    return residual(self, x, out, ctx)
  },
})

/** `Bottleneck` (ResNet-50 and up, ResNeXt, Wide ResNet): 1×1, grouped 3×3, 1×1 convolutions and a residual connection. */
const Bottleneck = defineBlock<BlockArgs>({
  name: 'Bottleneck',
  build(a, m) {
    const width = Math.trunc(a.planes * (a.base_width / 64)) * a.groups
    m.child('conv1', conv1x1(m, a.inplanes, width))
    m.child('bn1', a.norm(m, width))
    m.child('conv2', conv3x3(m, width, width, a.stride, a.groups, a.dilation))
    m.child('bn2', a.norm(m, width))
    m.child('conv3', conv1x1(m, width, a.planes * 4))
    m.child('bn3', a.norm(m, a.planes * 4))
    m.child('relu', nn(m, relu, { inplace: true }))
    if (a.downsample) m.child('downsample', downsample(m, a, 4))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    let out = x
    for (const name of ['conv1', 'bn1', 'relu', 'conv2', 'bn2', 'relu', 'conv3', 'bn3']) out = runChild(self, name, out, ctx)
    return residual(self, x, out, ctx)
  },
})

/** Arguments of every ResNet builder (`ResNet.__init__` keywords). */
export interface ResNetArgs {
  num_classes: number
  zero_init_residual: boolean
  groups: number
  width_per_group: number
  replace_stride_with_dilation: [boolean, boolean, boolean] | null
}

const dilationSpec: ArgSpec<[boolean, boolean, boolean] | null> = {
  name: 'replace_stride_with_dilation',
  required: false,
  default: null,
  coerce(value, span, name) {
    if (value.kind === 'none') return null
    if ((value.kind === 'list' || value.kind === 'tuple') && value.items.every((v) => v.kind === 'bool')) {
      if (value.items.length !== 3) {
        throw new NnsizeError('argument-value', `\`${name}\` should be None or a 3-element tuple, got \`${showValue(value)}\`.`, { span })
      }
      return value.items.map((v) => v.kind === 'bool' && v.value) as [boolean, boolean, boolean]
    }
    throw new NnsizeError('argument-type', `\`${name}\` must be None or a list of 3 bools, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
  },
}

/**
 * Registers a `ResNet`'s modules (`conv1` … `layer4`, `avgpool`, `fc`) with the given block kind,
 * stage depths and normalisation layer, as `ResNet.__init__` does.
 */
export function buildResNet(m: ModuleBuilder, kind: 'basic' | 'bottleneck', layers: readonly [number, number, number, number], a: ResNetArgs, norm: NormFactory): void {
  const expansion = kind === 'basic' ? 1 : 4
  const def = kind === 'basic' ? BasicBlock : Bottleneck
  const dilate = a.replace_stride_with_dilation ?? [false, false, false]
  let inplanes = 64
  let dilation = 1
  m.child('conv1', nn(m, conv2d, { in_channels: 3, out_channels: 64, kernel_size: 7, stride: 2, padding: 3, bias: false }))
  m.child('bn1', norm(m, 64))
  m.child('relu', nn(m, relu, { inplace: true }))
  m.child('maxpool', nn(m, maxPool2d, { kernel_size: 3, stride: 2, padding: 1 }))
  const makeLayer = (planes: number, blocks: number, stride: number, dilated: boolean): ModuleNode => {
    const previousDilation = dilation
    if (dilated) {
      dilation *= stride
      stride = 1
    }
    const stage = [block(m, def, { norm, inplanes, planes, stride, downsample: stride !== 1 || inplanes !== planes * expansion, groups: a.groups, base_width: a.width_per_group, dilation: previousDilation })]
    inplanes = planes * expansion
    for (let i = 1; i < blocks; i++) stage.push(block(m, def, { norm, inplanes, planes, stride: 1, downsample: false, groups: a.groups, base_width: a.width_per_group, dilation }))
    return sequential(m, stage)
  }
  m.child('layer1', makeLayer(64, layers[0], 1, false))
  m.child('layer2', makeLayer(128, layers[1], 2, dilate[0]))
  m.child('layer3', makeLayer(256, layers[2], 2, dilate[1]))
  m.child('layer4', makeLayer(512, layers[3], 2, dilate[2]))
  m.child('avgpool', nn(m, adaptiveAvgPool2d, { output_size: [1, 1] }))
  m.child('fc', nn(m, linear, { in_features: 512 * expansion, out_features: a.num_classes }))
}

function resnet(name: string, kind: 'basic' | 'bottleneck', layers: readonly [number, number, number, number], fixed: { groups?: number; width_per_group?: number } = {}) {
  return defineModel<ResNetArgs>({
    name,
    className: 'ResNet',
    signature: [
      int('num_classes', { default: 1000 }),
      bool('zero_init_residual', { default: false }),
      int('groups', { default: fixed.groups ?? 1, min: 1 }),
      int('width_per_group', { default: fixed.width_per_group ?? 64, min: 1 }),
      dilationSpec,
    ],
    validate(a, fail) {
      for (const key of ['groups', 'width_per_group'] as const) {
        const expected = fixed[key]
        if (expected !== undefined && a[key] !== expected) fail(key, `The parameter \`${key}\` of \`${name}\` expected value ${expected} but got ${a[key]} instead.`)
      }
      if (kind === 'basic' && (a.groups !== 1 || a.width_per_group !== 64)) fail(a.groups !== 1 ? 'groups' : 'width_per_group', 'BasicBlock only supports `groups=1` and `width_per_group=64`.')
      if (kind === 'basic' && a.replace_stride_with_dilation?.some(Boolean)) fail('replace_stride_with_dilation', 'Dilation > 1 is not supported in BasicBlock.')
    },
    build: (a, m) => buildResNet(m, kind, layers, a, batchNorm()),
    forward(self, inputs, ctx) {
      let x = inputs[0]!
      for (const name of ['conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool']) x = runChild(self, name, x, ctx)
      return runChild(self, 'fc', ops.flatten(ctx, x, 1), ctx)
    },
  })
}

/** `torchvision.models.resnet18` … `resnet152`, ResNeXt and Wide ResNet builders. */
export const resnet18 = resnet('resnet18', 'basic', [2, 2, 2, 2])
/** `torchvision.models.resnet34` (`ResNet`). */
export const resnet34 = resnet('resnet34', 'basic', [3, 4, 6, 3])
/** `torchvision.models.resnet50` (`ResNet`). */
export const resnet50 = resnet('resnet50', 'bottleneck', [3, 4, 6, 3])
/** `torchvision.models.resnet101` (`ResNet`). */
export const resnet101 = resnet('resnet101', 'bottleneck', [3, 4, 23, 3])
/** `torchvision.models.resnet152` (`ResNet`). */
export const resnet152 = resnet('resnet152', 'bottleneck', [3, 8, 36, 3])
/** `torchvision.models.resnext50_32x4d` (`ResNet`). */
export const resnext50_32x4d = resnet('resnext50_32x4d', 'bottleneck', [3, 4, 6, 3], { groups: 32, width_per_group: 4 })
/** `torchvision.models.resnext101_32x8d` (`ResNet`). */
export const resnext101_32x8d = resnet('resnext101_32x8d', 'bottleneck', [3, 4, 23, 3], { groups: 32, width_per_group: 8 })
/** `torchvision.models.resnext101_64x4d` (`ResNet`). */
export const resnext101_64x4d = resnet('resnext101_64x4d', 'bottleneck', [3, 4, 23, 3], { groups: 64, width_per_group: 4 })
/** `torchvision.models.wide_resnet50_2` (`ResNet`). */
export const wide_resnet50_2 = resnet('wide_resnet50_2', 'bottleneck', [3, 4, 6, 3], { width_per_group: 128 })
/** `torchvision.models.wide_resnet101_2` (`ResNet`). */
export const wide_resnet101_2 = resnet('wide_resnet101_2', 'bottleneck', [3, 4, 23, 3], { width_per_group: 128 })
