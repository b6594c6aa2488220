import { any, bool, optionalInt } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { defineBlock, givenArgs } from './core.js'
import type { BuilderArgs } from './core.js'
import { trainableLayers } from './backbones.js'
import { verifyWeights, weightsArg, weightsEnum } from './weights.js'
import type { WeightsEntry, WeightsInput } from './weights.js'

/**
 * What torchvision's detection builders share: the `num_classes` / `weights_backbone` /
 * `trainable_backbone_layers` arguments and their rules, the structure-neutral keyword arguments of
 * the model classes, and the blocks without parameters (`GeneralizedRCNNTransform`, the anchor
 * generators). Detection models return data-dependent lists of dicts: nnsize does not trace them.
 */

/** Why a detection model has no forward trace. */
export const detectionUntraced =
  'returns a list of detections per image (boxes, labels, scores), whose length depends on the data, so nnsize does not trace it: leave out the input shape, and its parameters, buffers and memory (without activations) are counted.'

/** Arguments every detection builder takes, after its checks: the backbone's weights resolved, the trainable stages counted. */
export interface DetectionArgs extends BuilderArgs {
  num_classes: number | null
  weights_backbone: WeightsEntry | null
  trainable_backbone_layers: number | null
  pretrained_backbone: boolean | null
}

/** Keyword arguments of the model classes that change no tensor (thresholds, sizes of the transform, …): accepted and kept. */
export function neutralKeywords(names: readonly string[]): ArgSpec[] {
  return names.map((name) => any(name, { default: { kind: 'none' } }))
}

/** Keyword arguments of `FasterRCNN` (and its subclasses) and its transform that change no tensor. */
export const rcnnKeywords = [
  'min_size', 'max_size', 'image_mean', 'image_std', 'rpn_pre_nms_top_n_train', 'rpn_pre_nms_top_n_test', 'rpn_post_nms_top_n_train', 'rpn_post_nms_top_n_test',
  'rpn_nms_thresh', 'rpn_fg_iou_thresh', 'rpn_bg_iou_thresh', 'rpn_batch_size_per_image', 'rpn_positive_fraction', 'rpn_score_thresh', 'box_score_thresh',
  'box_nms_thresh', 'box_detections_per_img', 'box_fg_iou_thresh', 'box_bg_iou_thresh', 'box_batch_size_per_image', 'box_positive_fraction', 'bbox_reg_weights',
  'size_divisible', 'fixed_size', '_skip_resize',
] as const

/** Keyword arguments of `RetinaNet` and `FCOS` and their transform that change no tensor. */
export const singleStageKeywords = [
  'min_size', 'max_size', 'image_mean', 'image_std', 'proposal_matcher', 'score_thresh', 'nms_thresh', 'detections_per_img', 'fg_iou_thresh', 'bg_iou_thresh',
  'topk_candidates', 'center_sampling_radius', 'size_divisible', 'fixed_size', '_skip_resize',
] as const

/** The detection builder arguments: `num_classes=None`, `weights_backbone`, `trainable_backbone_layers=None`, the legacy `pretrained_backbone`. */
export function detectionSignature(backboneDefault: WeightsInput): ArgSpec[] {
  return [
    optionalInt('num_classes', { default: null, min: 1 }),
    weightsArg('weights_backbone', backboneDefault),
    optionalInt('trainable_backbone_layers', { default: null, min: -1_000_000 }),
    { ...bool('pretrained_backbone'), required: false, default: null },
  ]
}

/**
 * The checks of a detection builder, as torchvision orders them: weights given means no backbone
 * weights (and `num_classes` from the weights, which `defineModel` fixes); otherwise
 * `num_classes` defaults to `defaultClasses`; `trainable_backbone_layers` is validated against
 * `trainable.max` when something is pretrained, and is `trainable.max` (everything trains) when nothing is.
 */
export function resolveDetection(a: DetectionArgs, fail: (arg: string, message: string) => never, options: { backbone: string; legacyBackbone: string | null; defaultClasses: number; trainable?: { max: number; default: number } }): void {
  const given = givenArgs(a)
  const backbone = weightsEnum(options.backbone)
  if (given.has('pretrained_backbone')) {
    if (given.has('weights_backbone')) fail('pretrained_backbone', 'Pass `weights_backbone` only: `pretrained_backbone` is its deprecated form.')
    a.weights_backbone = a.pretrained_backbone ? (options.legacyBackbone === null ? null : backbone.entries.find((e) => e.name === options.legacyBackbone)!) : null
  } else {
    try {
      a.weights_backbone = verifyWeights(backbone, a.weights_backbone as WeightsInput, 'weights_backbone')
    } catch (error) {
      fail('weights_backbone', (error as Error).message)
    }
  }
  if (a.weights !== null) a.weights_backbone = null
  else a.num_classes ??= options.defaultClasses
  if (options.trainable) a.trainable_backbone_layers = trainableLayers(a.weights !== null || a.weights_backbone !== null, a.trainable_backbone_layers, options.trainable.max, options.trainable.default, fail)
}

/** Whether the backbone is built for pretrained weights (`is_trained`): FrozenBatchNorm2d and frozen stages. */
export function isTrained(a: DetectionArgs): boolean {
  return a.weights !== null || a.weights_backbone !== null
}

/** A module without parameters, buffers or children that the model registers for its class name (`GeneralizedRCNNTransform`, `AnchorGenerator`, …). */
export function emptyModule(name: string) {
  return defineBlock<Record<string, unknown>>({
    name,
    build() {},
    forward(_self, _inputs, ctx) {
      throw ctx.error(detectionUntraced)
    },
  })
}

/** `GeneralizedRCNNTransform`: normalises and resizes the images; no parameters. */
export const GeneralizedRCNNTransform = emptyModule('GeneralizedRCNNTransform')
/** `AnchorGenerator`: anchors from sizes and aspect ratios; no parameters. */
export const AnchorGenerator = emptyModule('AnchorGenerator')
/** `DefaultBoxGenerator` (SSD): default boxes; no parameters. */
export const DefaultBoxGenerator = emptyModule('DefaultBoxGenerator')

/** The children of a module, for builders that move modules between parents (`IntermediateLayerGetter`, SSD's feature extractor). */
export function childList(module: ModuleNode): ModuleNode[] {
  return [...module.children.values()].filter((c): c is ModuleNode => c !== null)
}
