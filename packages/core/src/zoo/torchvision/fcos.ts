import type { ForwardContext, Tensor } from '../../forward/trace.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, defineModel, nn, runChild, sequential } from './core.js'
import { AnchorGenerator, detectionSignature, detectionUntraced, GeneralizedRCNNTransform, neutralKeywords, resolveDetection, singleStageKeywords } from './detection.js'
import type { DetectionArgs } from './detection.js'
import { groupNorm32, p6p7Backbone, twoHeads } from './retinanet.js'
import { relu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'

/** FCOS (`torchvision.models.detection.fcos_resnet50_fpn`): RetinaNet's backbone, anchor-free heads with GroupNorm. */

/** `FCOSClassificationHead` / `FCOSRegressionHead`: `num_convs` × (3×3 conv, GroupNorm(32), ReLU), then the predictors. */
function fcosHead(name: string, predictors: ReadonlyArray<readonly [string, (a: { num_classes: number }) => number]>) {
  return defineBlock<{ in_channels: number; num_classes: number }>({
    name,
    build(a, m) {
      const convs: ModuleNode[] = []
      for (let i = 0; i < 4; i++) convs.push(nn(m, conv2d, { in_channels: a.in_channels, out_channels: a.in_channels, kernel_size: 3, stride: 1, padding: 1 }), groupNorm32(m, a.in_channels), nn(m, relu))
      m.child('conv', sequential(m, convs))
      for (const [predictor, outputs] of predictors) m.child(predictor, nn(m, conv2d, { in_channels: a.in_channels, out_channels: outputs(a), kernel_size: 3, stride: 1, padding: 1 }))
    },
    forward(self, inputs, ctx: ForwardContext) {
      const features = inputs.map((x) => runChild(self, 'conv', x, ctx))
      return predictors.flatMap(([predictor]) => features.map((t): Tensor => runChild(self, predictor, t, ctx)))
    },
  })
}

const FCOSClassificationHead = fcosHead('FCOSClassificationHead', [['cls_logits', (a) => a.num_classes]])
const FCOSRegressionHead = fcosHead('FCOSRegressionHead', [['bbox_reg', () => 4], ['bbox_ctrness', () => 1]])
const FCOSHead = twoHeads('FCOSHead')

/** `torchvision.models.detection.fcos_resnet50_fpn` (`FCOS`). */
export const fcos_resnet50_fpn = defineModel<DetectionArgs>({
  name: 'fcos_resnet50_fpn',
  className: 'FCOS',
  signature: [...detectionSignature('ResNet50_Weights.IMAGENET1K_V1'), ...neutralKeywords(singleStageKeywords)],
  validate(a, fail) {
    resolveDetection(a, fail, { backbone: 'ResNet50_Weights', legacyBackbone: 'IMAGENET1K_V1', defaultClasses: 91, trainable: { max: 5, default: 3 } })
  },
  build(a, m) {
    m.child('backbone', p6p7Backbone(m, a, false))
    m.child('anchor_generator', block(m, AnchorGenerator, {}))
    m.child('head', block(m, FCOSHead, { classification: block(m, FCOSClassificationHead, { in_channels: 256, num_classes: a.num_classes! }), regression: block(m, FCOSRegressionHead, { in_channels: 256, num_classes: a.num_classes! }) }))
    m.child('transform', block(m, GeneralizedRCNNTransform, {}))
  },
  untraced: detectionUntraced,
})
