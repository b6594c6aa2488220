import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { block, defineBlock, defineModel, nn, runChild, sequential } from './core.js'
import { conv2dNormActivation } from './misc.js'
import type { NormFactory } from './misc.js'
import { frozenBatchNorm, plainBatchNorm, resnetModule } from './backbones.js'
import { LastLevelP6P7, resnetFpnExtractor } from './fpn.js'
import { AnchorGenerator, detectionSignature, detectionUntraced, GeneralizedRCNNTransform, isTrained, neutralKeywords, resolveDetection, singleStageKeywords } from './detection.js'
import type { DetectionArgs } from './detection.js'
import { conv2d } from '../../layers/conv.js'
import { groupNorm } from '../../layers/norm.js'

/**
 * RetinaNet (`torchvision.models.detection.retinanet_resnet50_fpn`, `_v2`): a ResNet-50 FPN with P6/P7
 * and two convolutional heads over 9 anchors per location.
 */

/** `partial(nn.GroupNorm, 32)`: the v2 heads' normalisation. */
export const groupNorm32: NormFactory = (m, channels) => nn(m, groupNorm, { num_groups: 32, num_channels: channels })

/** Runs the head's `conv` Sequential and its last convolution on every feature level. */
function headForward(self: ModuleNode, inputs: readonly Tensor[], last: readonly string[], ctx: ForwardContext): Tensor[] {
  const features = inputs.map((x) => runChild(self, 'conv', x, ctx))
  return last.flatMap((name) => features.map((t) => runChild(self, name, t, ctx)))
}

/** `RetinaNetClassificationHead` / `RetinaNetRegressionHead`: four 3×3 `Conv2dNormActivation`s, then a 3×3 predictor. */
function retinaHead(name: string, predictor: 'cls_logits' | 'bbox_reg') {
  return defineBlock<{ in_channels: number; outputs: number; norm: NormFactory | null }>({
    name,
    build(a, m) {
      m.child('conv', sequential(m, Array.from({ length: 4 }, () => conv2dNormActivation(m, { in_channels: a.in_channels, out_channels: a.in_channels, norm_layer: a.norm }))))
      m.child(predictor, nn(m, conv2d, { in_channels: a.in_channels, out_channels: a.outputs, kernel_size: 3, stride: 1, padding: 1 }))
    },
    forward: (self, inputs, ctx) => headForward(self, inputs, [predictor], ctx),
  })
}

const RetinaNetClassificationHead = retinaHead('RetinaNetClassificationHead', 'cls_logits')
const RetinaNetRegressionHead = retinaHead('RetinaNetRegressionHead', 'bbox_reg')

/** A detection head of two sub-heads run on the same feature levels (`RetinaNetHead`, `FCOSHead`). */
export function twoHeads(name: string) {
  return defineBlock<{ classification: ModuleNode; regression: ModuleNode }>({
    name,
    build(a, m) {
      m.child('classification_head', a.classification)
      m.child('regression_head', a.regression)
    },
    forward(self, inputs, ctx) {
      return [...ctx.run(self.children.get('classification_head')!, inputs, 'classification_head'), ...ctx.run(self.children.get('regression_head')!, inputs, 'regression_head')]
    },
  })
}

const RetinaNetHead = twoHeads('RetinaNetHead')

/** The ResNet-50 FPN of RetinaNet and FCOS: `layer2`…`layer4` returned, P6/P7 from P5 (v1) or C5 (v2). */
export function p6p7Backbone(m: ModuleBuilder, a: DetectionArgs, v2: boolean): ModuleNode {
  const resnet = resnetModule(m, 'resnet50', !v2 && isTrained(a) ? frozenBatchNorm : plainBatchNorm)
  return resnetFpnExtractor(m, resnet, a.trainable_backbone_layers!, { returnedLayers: [2, 3, 4], extra: block(m, LastLevelP6P7, { in_channels: v2 ? 2048 : 256, out_channels: 256 }) })
}

function retinanet(name: string, v2: boolean) {
  return defineModel<DetectionArgs>({
    name,
    className: 'RetinaNet',
    signature: [...detectionSignature(v2 ? null : 'ResNet50_Weights.IMAGENET1K_V1'), ...neutralKeywords(singleStageKeywords)],
    validate(a, fail) {
      resolveDetection(a, fail, { backbone: 'ResNet50_Weights', legacyBackbone: 'IMAGENET1K_V1', defaultClasses: 91, trainable: { max: 5, default: 3 } })
    },
    build(a, m) {
      const anchors = 9
      const norm = v2 ? groupNorm32 : null
      m.child('backbone', p6p7Backbone(m, a, v2))
      m.child('anchor_generator', block(m, AnchorGenerator, {}))
      m.child(
        'head',
        block(m, RetinaNetHead, {
          classification: block(m, RetinaNetClassificationHead, { in_channels: 256, outputs: anchors * a.num_classes!, norm }),
          regression: block(m, RetinaNetRegressionHead, { in_channels: 256, outputs: anchors * 4, norm }),
        }),
      )
      m.child('transform', block(m, GeneralizedRCNNTransform, {}))
    },
    untraced: detectionUntraced,
  })
}

/** `torchvision.models.detection.retinanet_resnet50_fpn` (`RetinaNet`). */
export const retinanet_resnet50_fpn = retinanet('retinanet_resnet50_fpn', false)
/** `torchvision.models.detection.retinanet_resnet50_fpn_v2` (`RetinaNet`): BatchNorm backbone, GroupNorm heads, P6 from C5. */
export const retinanet_resnet50_fpn_v2 = retinanet('retinanet_resnet50_fpn_v2', true)
