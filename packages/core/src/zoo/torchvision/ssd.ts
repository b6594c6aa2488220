import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, defineModel, moduleList, nn, sequential, sequentialNamed } from './core.js'
import { activation, batchNorm, conv2dNormActivation } from './misc.js'
import type { NormFactory } from './misc.js'
import { featureModules, freezeMobileNet, freezeModules, mobileNetV3Backbone } from './backbones.js'
import { childList, DefaultBoxGenerator, detectionSignature, detectionUntraced, GeneralizedRCNNTransform, neutralKeywords, resolveDetection } from './detection.js'
import type { DetectionArgs } from './detection.js'
import { vggLayers } from './vgg.js'
import { relu, relu6 as relu6Layer } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { maxPool2d } from '../../layers/pool.js'

/** SSD300 with a VGG-16 backbone and SSDlite320 with a MobileNetV3-Large backbone (`torchvision.models.detection`). */

const ssdKeywords = ['image_mean', 'image_std', 'score_thresh', 'nms_thresh', 'detections_per_img', 'iou_thresh', 'topk_candidates', 'positive_fraction'] as const

/** A module of an untraced model, registered for its class name and children. */
function part<A>(name: string, build: (a: A, m: ModuleBuilder) => void) {
  return defineBlock<A>({
    name,
    build,
    forward(_self, _inputs, ctx) {
      throw ctx.error(detectionUntraced)
    },
  })
}

/** `SSDFeatureExtractorVGG`: `scale_weight` (512), VGG-16 up to conv4_3, then conv5 with FC6/FC7 and four extra blocks. */
const SSDFeatureExtractorVGG = part<{ vgg: readonly ModuleNode[] }>('SSDFeatureExtractorVGG', (a, m) => {
  const pools = a.vgg.flatMap((layer, i) => (layer.type === 'MaxPool2d' ? [i] : []))
  const maxpool4 = pools[3]!
  m.param('scale_weight', [512])
  m.child('features', sequential(m, a.vgg.slice(0, maxpool4)))
  const extra = (inC: number, mid: number, out: number, conv: { kernel_size: number; padding?: number; stride?: number }): ModuleNode =>
    sequential(m, [
      nn(m, conv2d, { in_channels: inC, out_channels: mid, kernel_size: 1 }),
      nn(m, relu, { inplace: true }),
      nn(m, conv2d, { in_channels: mid, out_channels: out, ...conv }),
      nn(m, relu, { inplace: true }),
    ])
  const fc = sequential(m, [
    nn(m, maxPool2d, { kernel_size: 3, stride: 1, padding: 1, ceil_mode: false }),
    nn(m, conv2d, { in_channels: 512, out_channels: 1024, kernel_size: 3, padding: 6, dilation: 6 }),
    nn(m, relu, { inplace: true }),
    nn(m, conv2d, { in_channels: 1024, out_channels: 1024, kernel_size: 1 }),
    nn(m, relu, { inplace: true }),
  ])
  m.child(
    'extra',
    moduleList(m, [
      sequential(m, [...a.vgg.slice(maxpool4, -1), fc]),
      extra(1024, 256, 512, { kernel_size: 3, padding: 1, stride: 2 }),
      extra(512, 128, 256, { kernel_size: 3, padding: 1, stride: 2 }),
      extra(256, 128, 256, { kernel_size: 3 }),
      extra(256, 128, 256, { kernel_size: 3 }),
    ]),
  )
})

/** `SSDClassificationHead` / `SSDRegressionHead` (`module_list`: one 3×3 predictor per feature map) and their SSDlite forms. */
const scoringHead = (name: string) => part<{ predictors: readonly ModuleNode[] }>(name, (a, m) => m.child('module_list', moduleList(m, a.predictors)))
const SSDClassificationHead = scoringHead('SSDClassificationHead')
const SSDRegressionHead = scoringHead('SSDRegressionHead')
const SSDLiteClassificationHead = scoringHead('SSDLiteClassificationHead')
const SSDLiteRegressionHead = scoringHead('SSDLiteRegressionHead')
const head = (name: string) =>
  part<{ classification: ModuleNode; regression: ModuleNode }>(name, (a, m) => {
    m.child('classification_head', a.classification)
    m.child('regression_head', a.regression)
  })
const SSDHead = head('SSDHead')
const SSDLiteHead = head('SSDLiteHead')

/** `SSDLiteFeatureExtractorMobileNet`: the backbone split at the C4 expansion, then four depthwise-separable extra blocks. */
const SSDLiteFeatureExtractorMobileNet = part<{ features: readonly ModuleNode[]; extra: readonly ModuleNode[] }>('SSDLiteFeatureExtractorMobileNet', (a, m) => {
  m.child('features', sequential(m, a.features))
  m.child('extra', moduleList(m, a.extra))
})

/** torchvision's SSDlite `_extra_block`: 1×1 down to half, 3×3 depthwise stride 2, 1×1 up; ReLU6 after each. */
function extraBlock(m: ModuleBuilder, inC: number, outC: number, norm: NormFactory): ModuleNode {
  const mid = Math.floor(outC / 2)
  const relu6 = activation(relu6Layer)
  return sequential(m, [
    conv2dNormActivation(m, { in_channels: inC, out_channels: mid, kernel_size: 1, norm_layer: norm, activation_layer: relu6 }),
    conv2dNormActivation(m, { in_channels: mid, out_channels: mid, kernel_size: 3, stride: 2, groups: mid, norm_layer: norm, activation_layer: relu6 }),
    conv2dNormActivation(m, { in_channels: mid, out_channels: outC, kernel_size: 1, norm_layer: norm, activation_layer: relu6 }),
  ])
}

/** torchvision's SSDlite `_prediction_block`: a 3×3 depthwise `Conv2dNormActivation` (ReLU6), then a 1×1 convolution. */
function predictionBlock(m: ModuleBuilder, inC: number, outC: number, norm: NormFactory): ModuleNode {
  return sequential(m, [
    conv2dNormActivation(m, { in_channels: inC, out_channels: inC, kernel_size: 3, groups: inC, norm_layer: norm, activation_layer: activation(relu6Layer) }),
    nn(m, conv2d, { in_channels: inC, out_channels: outC, kernel_size: 1 }),
  ])
}

/** `torchvision.models.detection.ssd300_vgg16` (`SSD`): VGG-16 (the ImageNet feature weights by default, 4 trainable stages), six feature maps. */
export const ssd300_vgg16 = defineModel<DetectionArgs>({
  name: 'ssd300_vgg16',
  className: 'SSD',
  signature: [...detectionSignature('VGG16_Weights.IMAGENET1K_FEATURES'), ...neutralKeywords(ssdKeywords)],
  validate(a, fail) {
    resolveDetection(a, fail, { backbone: 'VGG16_Weights', legacyBackbone: 'IMAGENET1K_FEATURES', defaultClasses: 91, trainable: { max: 5, default: 4 } })
  },
  build(a, m) {
    const vgg = vggLayers(m, 'D', false, [2])
    const stages = [0, ...vgg.flatMap((layer, i) => (layer.type === 'MaxPool2d' ? [i] : [])).slice(0, -1)]
    const trainable = a.trainable_backbone_layers!
    freezeModules(vgg.slice(0, trainable === 0 ? vgg.length : stages[stages.length - trainable]))
    const channels = [512, 1024, 512, 256, 256, 256]
    const anchors = [4, 6, 6, 6, 4, 4]
    const predictors = (per: (i: number) => number): ModuleNode[] => channels.map((c, i) => nn(m, conv2d, { in_channels: c, out_channels: per(i), kernel_size: 3, padding: 1 }))
    m.child('backbone', block(m, SSDFeatureExtractorVGG, { vgg }))
    m.child('anchor_generator', block(m, DefaultBoxGenerator, {}))
    m.child(
      'head',
      block(m, SSDHead, {
        classification: block(m, SSDClassificationHead, { predictors: predictors((i) => a.num_classes! * anchors[i]!) }),
        regression: block(m, SSDRegressionHead, { predictors: predictors((i) => 4 * anchors[i]!) }),
      }),
    )
    m.child('transform', block(m, GeneralizedRCNNTransform, {}))
  },
  untraced: detectionUntraced,
})

/**
 * `torchvision.models.detection.ssdlite320_mobilenet_v3_large` (`SSD`): MobileNetV3-Large with
 * `reduced_tail` when there are no backbone weights, BatchNorm (eps 0.001, momentum 0.03) throughout,
 * six anchors per location on six feature maps.
 */
export const ssdlite320_mobilenet_v3_large = defineModel<DetectionArgs>({
  name: 'ssdlite320_mobilenet_v3_large',
  className: 'SSD',
  signature: [...detectionSignature('MobileNet_V3_Large_Weights.IMAGENET1K_V1'), ...neutralKeywords(ssdKeywords)],
  validate(a, fail) {
    resolveDetection(a, fail, { backbone: 'MobileNet_V3_Large_Weights', legacyBackbone: 'IMAGENET1K_V1', defaultClasses: 91, trainable: { max: 6, default: 6 } })
  },
  build(a, m) {
    const norm = batchNorm({ eps: 0.001, momentum: 0.03 })
    const backbone = mobileNetV3Backbone(m, norm, { reduced_tail: a.weights_backbone === null })
    freezeMobileNet(backbone, a.trainable_backbone_layers!)
    const modules = featureModules(backbone)
    const c4 = backbone.stageIndices.at(-2)!
    const c4Block = childList(modules[c4]!.children.get('block')!)
    const features = [
      sequential(m, [...modules.slice(0, c4), c4Block[0]!]),
      sequential(m, [sequentialNamed(m, c4Block.slice(1).map((module, i) => [String(i + 1), module])), ...modules.slice(c4 + 1)]),
    ]
    const extraChannels = [512, 256, 256, 128]
    const extra = extraChannels.map((c, i) => extraBlock(m, i === 0 ? backbone.outChannels.at(-1)! : extraChannels[i - 1]!, c, norm))
    const channels = [(c4Block[0]!.args as { out_channels: number }).out_channels, backbone.outChannels.at(-1)!, ...extraChannels]
    const predictors = (per: number): ModuleNode[] => channels.map((c) => predictionBlock(m, c, per, norm))
    m.child('backbone', block(m, SSDLiteFeatureExtractorMobileNet, { features, extra }))
    m.child('anchor_generator', block(m, DefaultBoxGenerator, {}))
    m.child(
      'head',
      block(m, SSDLiteHead, {
        classification: block(m, SSDLiteClassificationHead, { predictors: predictors(a.num_classes! * 6) }),
        regression: block(m, SSDLiteRegressionHead, { predictors: predictors(4 * 6) }),
      }),
    )
    m.child('transform', block(m, GeneralizedRCNNTransform, {}))
  },
  untraced: detectionUntraced,
})
