import { optionalInt } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, defineModel, defineSequentialBlock, nn, runChild, sequential, sequentialNamed } from './core.js'
import * as ops from './ops.js'
import { conv2dNormActivation } from './misc.js'
import type { NormFactory } from './misc.js'
import { backboneWithFPN, resnetFpnExtractor } from './fpn.js'
import { freezeMobileNet, frozenBatchNorm, intermediateLayerGetter, mobileNetV3Backbone, plainBatchNorm, resnetModule } from './backbones.js'
import { AnchorGenerator, detectionSignature, detectionUntraced, GeneralizedRCNNTransform, isTrained, neutralKeywords, rcnnKeywords, resolveDetection } from './detection.js'
import type { DetectionArgs } from './detection.js'
import { relu as reluLayer } from '../../layers/activation.js'
import { conv2d, convTranspose2d } from '../../layers/conv.js'
import { linear } from '../../layers/linear.js'
import { flatten as flattenLayer } from '../../layers/reshape.js'
import { multiScaleRoIAlign } from '../../layers/torchvision-ops.js'

/**
 * Faster R-CNN, Mask R-CNN and Keypoint R-CNN (`torchvision.models.detection`): a backbone with a
 * feature pyramid, a region proposal network and RoI heads, in torchvision 0.28's module order.
 */

/** `RPNHead(in_channels, num_anchors, conv_depth)`: 3×3 convolutions, then objectness and box deltas per anchor, for each feature level. */
const RPNHead = defineBlock<{ in_channels: number; num_anchors: number; conv_depth: number }>({
  name: 'RPNHead',
  build(a, m) {
    const convs = Array.from({ length: a.conv_depth }, () => conv2dNormActivation(m, { in_channels: a.in_channels, out_channels: a.in_channels, kernel_size: 3, norm_layer: null }))
    m.child('conv', sequential(m, convs))
    m.child('cls_logits', nn(m, conv2d, { in_channels: a.in_channels, out_channels: a.num_anchors, kernel_size: 1, stride: 1 }))
    m.child('bbox_pred', nn(m, conv2d, { in_channels: a.in_channels, out_channels: a.num_anchors * 4, kernel_size: 1, stride: 1 }))
  },
  forward(self, inputs, ctx) {
    const features = inputs.map((x) => runChild(self, 'conv', x, ctx))
    return [...features.map((t) => runChild(self, 'cls_logits', t, ctx)), ...features.map((t) => runChild(self, 'bbox_pred', t, ctx))]
  },
})

/** A module whose forward depends on boxes or image sizes, values of the data (`RegionProposalNetwork`, `RoIHeads`). */
function untracedBlock<A>(name: string, build: (a: A, m: ModuleBuilder) => void) {
  return defineBlock<A>({
    name,
    build,
    forward(_self, _inputs, ctx) {
      throw ctx.error(detectionUntraced)
    },
  })
}

const RegionProposalNetwork = untracedBlock<{ head: ModuleNode }>('RegionProposalNetwork', (a, m) => {
  m.child('anchor_generator', block(m, AnchorGenerator, {}))
  m.child('head', a.head)
})

/** `TwoMLPHead(in_channels, representation_size)`: flatten, `fc6`, ReLU, `fc7`, ReLU. */
const TwoMLPHead = defineBlock<{ in_channels: number; representation_size: number }>({
  name: 'TwoMLPHead',
  build(a, m) {
    m.child('fc6', nn(m, linear, { in_features: a.in_channels, out_features: a.representation_size }))
    m.child('fc7', nn(m, linear, { in_features: a.representation_size, out_features: a.representation_size }))
  },
  forward(self, inputs, ctx) {
    const x = ops.relu(ctx, runChild(self, 'fc6', ops.flatten(ctx, inputs[0]!, 1), ctx), false)
    return ops.relu(ctx, runChild(self, 'fc7', x, ctx), false)
  },
})

/** `FastRCNNConvFCHead((C, H, W), conv_layers, fc_layers, norm_layer)` (the v2 box head). */
const FastRCNNConvFCHead = defineSequentialBlock<{ input: readonly [number, number, number]; conv_layers: readonly number[]; fc_layers: readonly number[]; norm: NormFactory }>('FastRCNNConvFCHead', (a, m) => {
  let index = 0
  let channels = a.input[0]
  for (const c of a.conv_layers) {
    m.child(String(index++), conv2dNormActivation(m, { in_channels: channels, out_channels: c, norm_layer: a.norm }))
    channels = c
  }
  m.child(String(index++), nn(m, flattenLayer))
  let features = channels * a.input[1] * a.input[2]
  for (const f of a.fc_layers) {
    m.child(String(index++), nn(m, linear, { in_features: features, out_features: f }))
    m.child(String(index++), nn(m, reluLayer, { inplace: true }))
    features = f
  }
})

/** `FastRCNNPredictor(in_channels, num_classes)`: class scores and per-class box deltas of the flattened input. */
const FastRCNNPredictor = defineBlock<{ in_channels: number; num_classes: number }>({
  name: 'FastRCNNPredictor',
  build(a, m) {
    m.child('cls_score', nn(m, linear, { in_features: a.in_channels, out_features: a.num_classes }))
    m.child('bbox_pred', nn(m, linear, { in_features: a.in_channels, out_features: a.num_classes * 4 }))
  },
  forward(self, inputs, ctx) {
    const x = ops.flatten(ctx, inputs[0]!, 1)
    return [runChild(self, 'cls_score', x, ctx), runChild(self, 'bbox_pred', x, ctx)]
  },
})

/** `MaskRCNNHeads(in_channels, layers, dilation, norm_layer)`. */
const MaskRCNNHeads = defineSequentialBlock<{ in_channels: number; layers: readonly number[]; norm: NormFactory | null }>('MaskRCNNHeads', (a, m) => {
  let channels = a.in_channels
  a.layers.forEach((c, i) => {
    m.child(String(i), conv2dNormActivation(m, { in_channels: channels, out_channels: c, kernel_size: 3, stride: 1, padding: 1, dilation: 1, norm_layer: a.norm }))
    channels = c
  })
})

/** `KeypointRCNNHeads(in_channels, layers)`: 3×3 convolutions with ReLU. */
const KeypointRCNNHeads = defineSequentialBlock<{ in_channels: number; layers: readonly number[] }>('KeypointRCNNHeads', (a, m) => {
  let channels = a.in_channels
  a.layers.forEach((c, i) => {
    m.child(String(2 * i), nn(m, conv2d, { in_channels: channels, out_channels: c, kernel_size: 3, stride: 1, padding: 1 }))
    m.child(String(2 * i + 1), nn(m, reluLayer, { inplace: true }))
    channels = c
  })
})

/** `KeypointRCNNPredictor(in_channels, num_keypoints)`: a 4×4 stride-2 transposed convolution, then bilinear upsampling by 2. */
const KeypointRCNNPredictor = defineBlock<{ in_channels: number; num_keypoints: number }>({
  name: 'KeypointRCNNPredictor',
  build(a, m) {
    m.child('kps_score_lowres', nn(m, convTranspose2d, { in_channels: a.in_channels, out_channels: a.num_keypoints, kernel_size: 4, stride: 2, padding: 1 }))
  },
  forward(self, inputs, ctx) {
    const x = runChild(self, 'kps_score_lowres', inputs[0]!, ctx)
    return ops.interpolate(ctx, x, x.shape.slice(-2).map((d) => 2 * d), 'bilinear')
  },
})

const RoIHeads = untracedBlock<{ modules: ReadonlyArray<readonly [string, ModuleNode]> }>('RoIHeads', (a, m) => {
  for (const [name, module] of a.modules) m.child(name, module)
})

function roiPool(m: ModuleBuilder, size: number): ModuleNode {
  return nn(m, multiScaleRoIAlign, { featmap_names: ['0', '1', '2', '3'], output_size: size, sampling_ratio: 2 })
}

type Backbone = 'resnet50_fpn' | 'resnet50_fpn_v2' | 'mobilenet_v3_large_fpn'
type Heads = 'box' | 'mask' | 'keypoint'

interface RCNNArgs extends DetectionArgs {
  num_keypoints: number | null
}

/** The backbone with its FPN, as `_resnet_fpn_extractor` / `_mobilenet_extractor` build it for the given builder. */
function rcnnBackbone(m: ModuleBuilder, a: RCNNArgs, kind: Backbone): ModuleNode {
  const trained = isTrained(a)
  const trainable = a.trainable_backbone_layers!
  if (kind === 'mobilenet_v3_large_fpn') {
    const backbone = mobileNetV3Backbone(m, trained ? frozenBatchNorm : plainBatchNorm)
    freezeMobileNet(backbone, trainable)
    const stages = backbone.stageIndices
    const returned = [stages.length - 2, stages.length - 1]
    const body = intermediateLayerGetter(m, backbone.features, Object.fromEntries(returned.map((k, v) => [String(stages[k]!), String(v)])))
    return backboneWithFPN(m, body, returned.map((k) => backbone.outChannels[stages[k]!]!))
  }
  const v2 = kind === 'resnet50_fpn_v2'
  const resnet = resnetModule(m, 'resnet50', v2 ? plainBatchNorm : trained ? frozenBatchNorm : plainBatchNorm)
  return resnetFpnExtractor(m, resnet, trainable, { norm: v2 ? plainBatchNorm : null })
}

function rcnn(name: string, className: string, kind: Backbone, heads: Heads) {
  const v2 = kind === 'resnet50_fpn_v2'
  const mobile = kind === 'mobilenet_v3_large_fpn'
  return defineModel<RCNNArgs>({
    name,
    className,
    weights: heads === 'keypoint' ? { enum: 'KeypointRCNN_ResNet50_FPN_Weights', fix: (entry) => ({ num_classes: entry.categories, num_keypoints: entry.keypoints }) } : undefined,
    signature: [
      ...detectionSignature(v2 ? null : mobile ? 'MobileNet_V3_Large_Weights.IMAGENET1K_V1' : 'ResNet50_Weights.IMAGENET1K_V1'),
      ...(heads === 'keypoint' ? [optionalInt('num_keypoints', { default: null, min: 1 })] : []),
      ...neutralKeywords(rcnnKeywords),
    ],
    validate(a, fail) {
      resolveDetection(a, fail, {
        backbone: mobile ? 'MobileNet_V3_Large_Weights' : 'ResNet50_Weights',
        legacyBackbone: 'IMAGENET1K_V1',
        defaultClasses: heads === 'keypoint' ? 2 : 91,
        trainable: { max: mobile ? 6 : 5, default: 3 },
      })
      if (heads === 'keypoint') a.num_keypoints ??= 17
    },
    build(a, m) {
      const backbone = rcnnBackbone(m, a, kind)
      const anchors = mobile ? 15 : 3
      m.child('transform', block(m, GeneralizedRCNNTransform, {}))
      m.child('backbone', backbone)
      m.child('rpn', block(m, RegionProposalNetwork, { head: block(m, RPNHead, { in_channels: 256, num_anchors: anchors, conv_depth: v2 ? 2 : 1 }) }))
      const roi: Array<[string, ModuleNode]> = [
        ['box_roi_pool', roiPool(m, 7)],
        ['box_head', v2 ? block(m, FastRCNNConvFCHead, { input: [256, 7, 7], conv_layers: [256, 256, 256, 256], fc_layers: [1024], norm: plainBatchNorm }) : block(m, TwoMLPHead, { in_channels: 256 * 7 * 7, representation_size: 1024 })],
        ['box_predictor', block(m, FastRCNNPredictor, { in_channels: 1024, num_classes: a.num_classes! })],
      ]
      if (heads === 'mask') {
        roi.push(
          ['mask_roi_pool', roiPool(m, 14)],
          ['mask_head', block(m, MaskRCNNHeads, { in_channels: 256, layers: [256, 256, 256, 256], norm: v2 ? plainBatchNorm : null })],
          [
            'mask_predictor',
            sequentialNamedAs(m, 'MaskRCNNPredictor', [
              ['conv5_mask', nn(m, convTranspose2d, { in_channels: 256, out_channels: 256, kernel_size: 2, stride: 2, padding: 0 })],
              ['relu', nn(m, reluLayer, { inplace: true })],
              ['mask_fcn_logits', nn(m, conv2d, { in_channels: 256, out_channels: a.num_classes!, kernel_size: 1, stride: 1, padding: 0 })],
            ]),
          ],
        )
      }
      if (heads === 'keypoint') {
        roi.push(
          ['keypoint_roi_pool', roiPool(m, 14)],
          ['keypoint_head', block(m, KeypointRCNNHeads, { in_channels: 256, layers: new Array<number>(8).fill(512) })],
          ['keypoint_predictor', block(m, KeypointRCNNPredictor, { in_channels: 512, num_keypoints: a.num_keypoints! })],
        )
      }
      m.child('roi_heads', block(m, RoIHeads, { modules: roi }))
    },
    untraced: detectionUntraced,
  })
}

/** An `nn.Sequential` subclass built from an OrderedDict (`MaskRCNNPredictor`). */
function sequentialNamedAs(m: ModuleBuilder, className: string, entries: ReadonlyArray<readonly [string, ModuleNode]>): ModuleNode {
  const node = sequentialNamed(m, entries)
  node.type = className
  return node
}

/** `torchvision.models.detection.fasterrcnn_resnet50_fpn` (`FasterRCNN`): ResNet-50 with FrozenBatchNorm2d and 3 trainable stages by default. */
export const fasterrcnn_resnet50_fpn = rcnn('fasterrcnn_resnet50_fpn', 'FasterRCNN', 'resnet50_fpn', 'box')
/** `torchvision.models.detection.fasterrcnn_resnet50_fpn_v2` (`FasterRCNN`): BatchNorm everywhere, a 2-conv RPN head and a conv box head. */
export const fasterrcnn_resnet50_fpn_v2 = rcnn('fasterrcnn_resnet50_fpn_v2', 'FasterRCNN', 'resnet50_fpn_v2', 'box')
/** `torchvision.models.detection.fasterrcnn_mobilenet_v3_large_fpn` (`FasterRCNN`). */
export const fasterrcnn_mobilenet_v3_large_fpn = rcnn('fasterrcnn_mobilenet_v3_large_fpn', 'FasterRCNN', 'mobilenet_v3_large_fpn', 'box')
/** `torchvision.models.detection.fasterrcnn_mobilenet_v3_large_320_fpn` (`FasterRCNN`): the same modules, a smaller input size. */
export const fasterrcnn_mobilenet_v3_large_320_fpn = rcnn('fasterrcnn_mobilenet_v3_large_320_fpn', 'FasterRCNN', 'mobilenet_v3_large_fpn', 'box')
/** `torchvision.models.detection.maskrcnn_resnet50_fpn` (`MaskRCNN`). */
export const maskrcnn_resnet50_fpn = rcnn('maskrcnn_resnet50_fpn', 'MaskRCNN', 'resnet50_fpn', 'mask')
/** `torchvision.models.detection.maskrcnn_resnet50_fpn_v2` (`MaskRCNN`). */
export const maskrcnn_resnet50_fpn_v2 = rcnn('maskrcnn_resnet50_fpn_v2', 'MaskRCNN', 'resnet50_fpn_v2', 'mask')
/** `torchvision.models.detection.keypointrcnn_resnet50_fpn` (`KeypointRCNN`): 2 classes and 17 keypoints by default. */
export const keypointrcnn_resnet50_fpn = rcnn('keypointrcnn_resnet50_fpn', 'KeypointRCNN', 'resnet50_fpn', 'keypoint')
