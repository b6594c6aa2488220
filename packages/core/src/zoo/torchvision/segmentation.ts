import { optionalInt } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { formatShape } from '../../tensor/shape.js'
import { block, defineBlock, defineModel, defineSequentialBlock, givenArgs, moduleList, nn, optionalBool, runChild, runChildren, sequential } from './core.js'
import type { BuilderArgs } from './core.js'
import { batchNorm } from './misc.js'
import { intermediateLayerGetter, mobileNetV3Backbone, plainBatchNorm, resnetModule, returnedKeys } from './backbones.js'
import type { BackboneResNet } from './backbones.js'
import * as ops from './ops.js'
import { builderWeights, verifyWeights, weightsArg, weightsEnum } from './weights.js'
import type { WeightsEntry, WeightsInput } from './weights.js'
import { relu, sigmoid } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { batchNorm2d } from '../../layers/norm.js'
import { adaptiveAvgPool2d } from '../../layers/pool.js'

/**
 * FCN, DeepLabV3 and LR-ASPP (`torchvision.models.segmentation`). Their forward returns a dict,
 * `out` (and `aux` with `aux_loss=True`), each upsampled to the input size: nnsize returns `out`
 * first and `aux` second.
 */

/** `FCNHead(in_channels, channels)`: 3×3 conv to a quarter of the channels, BatchNorm, ReLU, Dropout(0.1), 1×1 conv. */
const FCNHead = defineSequentialBlock<{ in_channels: number; channels: number }>('FCNHead', (a, m) => {
  const inter = Math.floor(a.in_channels / 4)
  m.child('0', nn(m, conv2d, { in_channels: a.in_channels, out_channels: inter, kernel_size: 3, padding: 1, bias: false }))
  m.child('1', nn(m, batchNorm2d, { num_features: inter }))
  m.child('2', nn(m, relu))
  m.child('3', nn(m, dropout, { p: 0.1 }))
  m.child('4', nn(m, conv2d, { in_channels: inter, out_channels: a.channels, kernel_size: 1 }))
})

/** Conv2d without bias, BatchNorm2d, ReLU: the branches of ASPP. */
function convBnRelu(m: ModuleBuilder, inC: number, outC: number, conv: Record<string, number> = {}): ModuleNode[] {
  return [nn(m, conv2d, { in_channels: inC, out_channels: outC, kernel_size: 1, bias: false, ...conv }), nn(m, batchNorm2d, { num_features: outC }), nn(m, relu)]
}

/** `ASPPConv(in, out, dilation)`: a dilated 3×3 branch. */
const ASPPConv = defineSequentialBlock<{ in_channels: number; out_channels: number; dilation: number }>('ASPPConv', (a, m) => {
  convBnRelu(m, a.in_channels, a.out_channels, { kernel_size: 3, padding: a.dilation, dilation: a.dilation }).forEach((module, i) => m.child(String(i), module))
})

/** `ASPPPooling(in, out)`: global average pool, 1×1 conv, BatchNorm, ReLU, then bilinear upsampling back to the input's size. */
const ASPPPooling = defineBlock<{ in_channels: number; out_channels: number }>({
  name: 'ASPPPooling',
  build(a, m) {
    m.child('0', nn(m, adaptiveAvgPool2d, { output_size: 1 }))
    convBnRelu(m, a.in_channels, a.out_channels).forEach((module, i) => m.child(String(i + 1), module))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    return ops.interpolate(ctx, runChildren(self, inputs, ctx), x.shape.slice(-2), 'bilinear')
  },
})

/** `ASPP(in_channels, atrous_rates, out_channels=256)`: a 1×1 branch, three dilated branches and image pooling, concatenated and projected. */
const ASPP = defineBlock<{ in_channels: number; rates: readonly number[] }>({
  name: 'ASPP',
  build(a, m) {
    const out = 256
    const branches = [sequential(m, convBnRelu(m, a.in_channels, out)), ...a.rates.map((d) => block(m, ASPPConv, { in_channels: a.in_channels, out_channels: out, dilation: d })), block(m, ASPPPooling, { in_channels: a.in_channels, out_channels: out })]
    m.child('convs', moduleList(m, branches))
    m.child('project', sequential(m, [...convBnRelu(m, branches.length * out, out), nn(m, dropout, { p: 0.5 })]))
  },
  forward(self, inputs, ctx) {
    const convs = self.children.get('convs')!
    const results = [...convs.children].map(([name, conv]) => ctx.run(conv!, inputs, `convs.${name}`)[0]!)
    return runChild(self, 'project', ops.cat(ctx, results, 1), ctx)
  },
})

/** `DeepLabHead(in_channels, num_classes)`: ASPP (rates 12, 24, 36), 3×3 conv, BatchNorm, ReLU, 1×1 classifier. */
const DeepLabHead = defineSequentialBlock<{ in_channels: number; num_classes: number }>('DeepLabHead', (a, m) => {
  m.child('0', block(m, ASPP, { in_channels: a.in_channels, rates: [12, 24, 36] }))
  m.child('1', nn(m, conv2d, { in_channels: 256, out_channels: 256, kernel_size: 3, padding: 1, bias: false }))
  m.child('2', nn(m, batchNorm2d, { num_features: 256 }))
  m.child('3', nn(m, relu))
  m.child('4', nn(m, conv2d, { in_channels: 256, out_channels: a.num_classes, kernel_size: 1 }))
})

/** `LRASPPHead(low_channels, high_channels, num_classes, inter_channels)`. */
const LRASPPHead = defineBlock<{ low: number; high: number; num_classes: number; inter: number }>({
  name: 'LRASPPHead',
  build(a, m) {
    m.child('cbr', sequential(m, [nn(m, conv2d, { in_channels: a.high, out_channels: a.inter, kernel_size: 1, bias: false }), nn(m, batchNorm2d, { num_features: a.inter }), nn(m, relu, { inplace: true })]))
    m.child('scale', sequential(m, [nn(m, adaptiveAvgPool2d, { output_size: 1 }), nn(m, conv2d, { in_channels: a.high, out_channels: a.inter, kernel_size: 1, bias: false }), nn(m, sigmoid)]))
    m.child('low_classifier', nn(m, conv2d, { in_channels: a.low, out_channels: a.num_classes, kernel_size: 1 }))
    m.child('high_classifier', nn(m, conv2d, { in_channels: a.inter, out_channels: a.num_classes, kernel_size: 1 }))
  },
  forward(self, inputs, ctx) {
    const [low, high] = inputs as [Tensor, Tensor]
    let x = ops.mul(ctx, runChild(self, 'cbr', high, ctx), runChild(self, 'scale', high, ctx))
    x = ops.interpolate(ctx, x, low.shape.slice(-2), 'bilinear')
    return ops.add(ctx, runChild(self, 'low_classifier', low, ctx), runChild(self, 'high_classifier', x, ctx))
  },
})

/** Runs the backbone and returns its outputs by key. */
function features(self: ModuleNode, x: Tensor, ctx: ForwardContext): Map<string, Tensor> {
  const backbone = self.children.get('backbone')!
  const outputs = ctx.run(backbone, [x], 'backbone')
  return new Map(returnedKeys(backbone).map((key, i) => [key, outputs[i]!]))
}

/** Checks a segmentation model's input: a batch of images, `(N, 3, H, W)`. */
function images(x: Tensor, ctx: ForwardContext): Tensor {
  if (x.shape.length !== 4 || x.shape[1] !== 3) throw ctx.error(`expects images of shape (N, 3, H, W), got shape ${formatShape(x.shape)}.`)
  return x
}

/** `_SimpleSegmentationModel.forward`: `classifier(features['out'])` and `aux_classifier(features['aux'])`, each upsampled bilinearly to the input size. */
const simpleSegmentationForward = (self: ModuleNode, inputs: readonly Tensor[], ctx: ForwardContext): Tensor[] => {
  const x = images(inputs[0]!, ctx)
  const size = x.shape.slice(-2)
  const found = features(self, x, ctx)
  const out = [ops.interpolate(ctx, runChild(self, 'classifier', found.get('out')!, ctx), size, 'bilinear')]
  if (self.children.get('aux_classifier')) out.push(ops.interpolate(ctx, runChild(self, 'aux_classifier', found.get('aux')!, ctx), size, 'bilinear'))
  return out
}

interface SegmentationArgs extends BuilderArgs {
  num_classes: number | null
  aux_loss: boolean | null
  weights_backbone: WeightsEntry | null
  pretrained_backbone: boolean | null
}

/** The checks of the segmentation builders: backbone weights verified (none when `weights` is given), 21 classes by default. */
function resolveSegmentation(a: SegmentationArgs, fail: (arg: string, message: string) => never, backbone: string): void {
  const given = givenArgs(a)
  const weights = weightsEnum(backbone)
  if (given.has('pretrained_backbone')) {
    if (given.has('weights_backbone')) fail('pretrained_backbone', 'Pass `weights_backbone` only: `pretrained_backbone` is its deprecated form.')
    a.weights_backbone = a.pretrained_backbone ? weights.entries[0]! : null
  } else {
    try {
      a.weights_backbone = verifyWeights(weights, a.weights_backbone as WeightsInput, 'weights_backbone')
    } catch (error) {
      fail('weights_backbone', (error as Error).message)
    }
  }
  if (a.weights !== null) a.weights_backbone = null
  else a.num_classes ??= 21
}

type Head = 'fcn' | 'deeplabv3'

function segmentation(name: string, className: string, head: Head, backbone: BackboneResNet | 'mobilenet_v3_large') {
  const backboneEnum = backbone === 'resnet50' ? 'ResNet50_Weights' : backbone === 'resnet101' ? 'ResNet101_Weights' : 'MobileNet_V3_Large_Weights'
  return defineModel<SegmentationArgs>({
    name,
    className,
    weights: { enum: builderWeights[name]!, fix: (entry) => ({ num_classes: entry.categories, aux_loss: true }) },
    signature: [optionalInt('num_classes', { default: null, min: 1 }), optionalBool('aux_loss'), weightsArg('weights_backbone', `${backboneEnum}.IMAGENET1K_V1`), optionalBool('pretrained_backbone')],
    ignoresExtraKeywords: true,
    validate: (a, fail) => resolveSegmentation(a, fail, backboneEnum),
    build(a, m) {
      const classes = a.num_classes!
      const makeHead = (inC: number): ModuleNode => (head === 'fcn' ? block(m, FCNHead, { in_channels: inC, channels: classes }) : block(m, DeepLabHead, { in_channels: inC, num_classes: classes }))
      if (backbone === 'mobilenet_v3_large') {
        const net = mobileNetV3Backbone(m, batchNorm({ eps: 0.001, momentum: 0.01 }), { dilated: true })
        const out = net.stageIndices.at(-1)!
        const aux = net.stageIndices.at(-4)!
        m.child('backbone', intermediateLayerGetter(m, net.features, a.aux_loss ? { [out]: 'out', [aux]: 'aux' } : { [out]: 'out' }))
        m.child('classifier', makeHead(net.outChannels[out]!))
        m.child('aux_classifier', a.aux_loss ? block(m, FCNHead, { in_channels: net.outChannels[aux]!, channels: classes }) : null)
        return
      }
      const resnet = resnetModule(m, backbone, plainBatchNorm, [false, true, true])
      m.child('backbone', intermediateLayerGetter(m, resnet, a.aux_loss ? { layer4: 'out', layer3: 'aux' } : { layer4: 'out' }))
      m.child('classifier', makeHead(2048))
      m.child('aux_classifier', a.aux_loss ? block(m, FCNHead, { in_channels: 1024, channels: classes }) : null)
    },
    forward: simpleSegmentationForward,
  })
}

/** `torchvision.models.segmentation.fcn_resnet50` (`FCN`): ResNet-50 with dilated `layer3`/`layer4`, output stride 8. */
export const fcn_resnet50 = segmentation('fcn_resnet50', 'FCN', 'fcn', 'resnet50')
/** `torchvision.models.segmentation.fcn_resnet101` (`FCN`). */
export const fcn_resnet101 = segmentation('fcn_resnet101', 'FCN', 'fcn', 'resnet101')
/** `torchvision.models.segmentation.deeplabv3_resnet50` (`DeepLabV3`). */
export const deeplabv3_resnet50 = segmentation('deeplabv3_resnet50', 'DeepLabV3', 'deeplabv3', 'resnet50')
/** `torchvision.models.segmentation.deeplabv3_resnet101` (`DeepLabV3`). */
export const deeplabv3_resnet101 = segmentation('deeplabv3_resnet101', 'DeepLabV3', 'deeplabv3', 'resnet101')
/** `torchvision.models.segmentation.deeplabv3_mobilenet_v3_large` (`DeepLabV3`): dilated MobileNetV3-Large, output stride 16. */
export const deeplabv3_mobilenet_v3_large = segmentation('deeplabv3_mobilenet_v3_large', 'DeepLabV3', 'deeplabv3', 'mobilenet_v3_large')

/** `torchvision.models.segmentation.lraspp_mobilenet_v3_large` (`LRASPP`): low (stride 8) and high (stride 16) features of a dilated MobileNetV3-Large. */
export const lraspp_mobilenet_v3_large = defineModel<SegmentationArgs>({
  name: 'lraspp_mobilenet_v3_large',
  className: 'LRASPP',
  signature: [optionalInt('num_classes', { default: null, min: 1 }), weightsArg('weights_backbone', 'MobileNet_V3_Large_Weights.IMAGENET1K_V1'), optionalBool('pretrained_backbone'), optionalBool('aux_loss')],
  ignoresExtraKeywords: true,
  validate(a, fail) {
    if (a.aux_loss) fail('aux_loss', 'This model does not use auxiliary loss: `lraspp_mobilenet_v3_large` takes no `aux_loss=True`.')
    resolveSegmentation(a, fail, 'MobileNet_V3_Large_Weights')
  },
  build(a, m) {
    const net = mobileNetV3Backbone(m, batchNorm({ eps: 0.001, momentum: 0.01 }), { dilated: true })
    const low = net.stageIndices.at(-4)!
    const high = net.stageIndices.at(-1)!
    m.child('backbone', intermediateLayerGetter(m, net.features, { [low]: 'low', [high]: 'high' }))
    m.child('classifier', block(m, LRASPPHead, { low: net.outChannels[low]!, high: net.outChannels[high]!, num_classes: a.num_classes!, inter: 128 }))
  },
  forward(self, inputs, ctx) {
    const x = images(inputs[0]!, ctx)
    const found = features(self, x, ctx)
    const out = ctx.run(self.children.get('classifier')!, [found.get('low')!, found.get('high')!], 'classifier')[0]!
    return ops.interpolate(ctx, out, x.shape.slice(-2), 'bilinear')
  },
})
