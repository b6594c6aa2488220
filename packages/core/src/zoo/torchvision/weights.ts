import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import type { ArgSpec } from '../../bind/args.js'
import { showValue, typeName } from '../../contract/values.js'
import type { Value } from '../../contract/values.js'
import { didYouMean, suggest } from '../../suggest.js'

/**
 * torchvision's pretrained-weight enums (`ResNet50_Weights`, `FasterRCNN_ResNet50_FPN_Weights`, …) as
 * torchvision 0.28 defines them: their entries and the meta data that fixes a model's structure
 * (`len(meta["categories"])` for `num_classes`, `min_size` for ViT's `image_size`, MViT's clip size,
 * the keypoint count). nnsize never downloads weights: an entry only decides the structure, exactly as
 * the builder does before it loads the state dict.
 */

/** The torchvision module that defines a builder or a weights enum. */
export type TorchvisionModule = 'models' | 'detection' | 'segmentation' | 'video' | 'optical_flow' | 'quantization'

/** One entry of a weights enum (`ResNet50_Weights.IMAGENET1K_V2`) and the meta data that shapes a model. */
export interface WeightsEntry {
  /** The enum class (`ResNet50_Weights`). */
  enumName: string
  /** The entry (`IMAGENET1K_V2`). */
  name: string
  /** `len(meta["categories"])`, or `null` where the weights have no classifier (`VGG16_Weights.IMAGENET1K_FEATURES`, RAFT). */
  categories: number | null
  /** `meta["min_size"]` (height, width). */
  minSize: readonly [number, number]
  /** `meta["min_temporal_size"]` (video models). */
  minTemporalSize?: number | undefined
  /** `len(meta["keypoint_names"])` (Keypoint R-CNN). */
  keypoints?: number | undefined
}

/** A weights enum class: its entries in definition order, the entry `DEFAULT` names, and the one `pretrained=True` means. */
export interface WeightsEnum {
  name: string
  module: TorchvisionModule
  entries: readonly WeightsEntry[]
  /** The entry `DEFAULT` is an alias of. */
  defaultEntry: WeightsEntry
  /** The entry the deprecated `pretrained=True` selects; `null` where torchvision has none ("No weights available"). */
  legacyEntry: WeightsEntry | null
}

type Meta = readonly [categories: number | null, minSize: readonly [number, number], minTemporalSize?: number, keypoints?: number]

/** `[enum, module, DEFAULT, pretrained=True entry, {entry: [categories, min_size, min_temporal_size?, keypoints?]}]`, as torchvision 0.28 defines them. */
const table: ReadonlyArray<readonly [string, TorchvisionModule, string, string | null, Readonly<Record<string, Meta>>]> = [
  ['AlexNet_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [63, 63]] }],
  ['ConvNeXt_Base_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['ConvNeXt_Large_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['ConvNeXt_Small_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['ConvNeXt_Tiny_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['DenseNet121_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [29, 29]] }],
  ['DenseNet161_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [29, 29]] }],
  ['DenseNet169_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [29, 29]] }],
  ['DenseNet201_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [29, 29]] }],
  ['EfficientNet_B0_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['EfficientNet_B1_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['EfficientNet_B2_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['EfficientNet_B3_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['EfficientNet_B4_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['EfficientNet_B5_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['EfficientNet_B6_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['EfficientNet_B7_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['EfficientNet_V2_L_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [33, 33]] }],
  ['EfficientNet_V2_M_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [33, 33]] }],
  ['EfficientNet_V2_S_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [33, 33]] }],
  ['GoogLeNet_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [15, 15]] }],
  ['Inception_V3_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [75, 75]] }],
  ['MNASNet0_5_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['MNASNet0_75_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['MNASNet1_0_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['MNASNet1_3_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['MaxVit_T_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [224, 224]] }],
  ['MobileNet_V2_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['MobileNet_V3_Large_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['MobileNet_V3_Small_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['RegNet_X_16GF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_X_1_6GF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_X_32GF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_X_3_2GF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_X_400MF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_X_800MF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_X_8GF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_Y_128GF_Weights', 'models', 'IMAGENET1K_SWAG_E2E_V1', null, { IMAGENET1K_SWAG_E2E_V1: [1000, [1, 1]], IMAGENET1K_SWAG_LINEAR_V1: [1000, [1, 1]] }],
  ['RegNet_Y_16GF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]], IMAGENET1K_SWAG_E2E_V1: [1000, [1, 1]], IMAGENET1K_SWAG_LINEAR_V1: [1000, [1, 1]] }],
  ['RegNet_Y_1_6GF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_Y_32GF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]], IMAGENET1K_SWAG_E2E_V1: [1000, [1, 1]], IMAGENET1K_SWAG_LINEAR_V1: [1000, [1, 1]] }],
  ['RegNet_Y_3_2GF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_Y_400MF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_Y_800MF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['RegNet_Y_8GF_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['ResNeXt101_32X8D_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['ResNeXt101_64X4D_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['ResNeXt50_32X4D_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['ResNet101_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['ResNet152_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['ResNet18_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['ResNet34_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['ResNet50_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['ShuffleNet_V2_X0_5_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['ShuffleNet_V2_X1_0_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['ShuffleNet_V2_X1_5_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['ShuffleNet_V2_X2_0_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]] }],
  ['SqueezeNet1_0_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [21, 21]] }],
  ['SqueezeNet1_1_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [17, 17]] }],
  ['Swin_B_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [224, 224]] }],
  ['Swin_S_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [224, 224]] }],
  ['Swin_T_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [224, 224]] }],
  ['Swin_V2_B_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [256, 256]] }],
  ['Swin_V2_S_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [256, 256]] }],
  ['Swin_V2_T_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [256, 256]] }],
  ['VGG11_BN_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['VGG11_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['VGG13_BN_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['VGG13_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['VGG16_BN_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['VGG16_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]], IMAGENET1K_FEATURES: [null, [32, 32]] }],
  ['VGG19_BN_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['VGG19_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [32, 32]] }],
  ['ViT_B_16_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [224, 224]], IMAGENET1K_SWAG_E2E_V1: [1000, [384, 384]], IMAGENET1K_SWAG_LINEAR_V1: [1000, [224, 224]] }],
  ['ViT_B_32_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [224, 224]] }],
  ['ViT_H_14_Weights', 'models', 'IMAGENET1K_SWAG_E2E_V1', null, { IMAGENET1K_SWAG_E2E_V1: [1000, [518, 518]], IMAGENET1K_SWAG_LINEAR_V1: [1000, [224, 224]] }],
  ['ViT_L_16_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [224, 224]], IMAGENET1K_SWAG_E2E_V1: [1000, [512, 512]], IMAGENET1K_SWAG_LINEAR_V1: [1000, [224, 224]] }],
  ['ViT_L_32_Weights', 'models', 'IMAGENET1K_V1', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [224, 224]] }],
  ['Wide_ResNet101_2_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['Wide_ResNet50_2_Weights', 'models', 'IMAGENET1K_V2', 'IMAGENET1K_V1', { IMAGENET1K_V1: [1000, [1, 1]], IMAGENET1K_V2: [1000, [1, 1]] }],
  ['FCOS_ResNet50_FPN_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['FasterRCNN_MobileNet_V3_Large_320_FPN_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['FasterRCNN_MobileNet_V3_Large_FPN_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['FasterRCNN_ResNet50_FPN_V2_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['FasterRCNN_ResNet50_FPN_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['KeypointRCNN_ResNet50_FPN_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_LEGACY: [2, [1, 1], undefined, 17], COCO_V1: [2, [1, 1], undefined, 17] }],
  ['MaskRCNN_ResNet50_FPN_V2_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['MaskRCNN_ResNet50_FPN_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['RetinaNet_ResNet50_FPN_V2_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['RetinaNet_ResNet50_FPN_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['SSD300_VGG16_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['SSDLite320_MobileNet_V3_Large_Weights', 'detection', 'COCO_V1', 'COCO_V1', { COCO_V1: [91, [1, 1]] }],
  ['DeepLabV3_MobileNet_V3_Large_Weights', 'segmentation', 'COCO_WITH_VOC_LABELS_V1', 'COCO_WITH_VOC_LABELS_V1', { COCO_WITH_VOC_LABELS_V1: [21, [1, 1]] }],
  ['DeepLabV3_ResNet101_Weights', 'segmentation', 'COCO_WITH_VOC_LABELS_V1', 'COCO_WITH_VOC_LABELS_V1', { COCO_WITH_VOC_LABELS_V1: [21, [1, 1]] }],
  ['DeepLabV3_ResNet50_Weights', 'segmentation', 'COCO_WITH_VOC_LABELS_V1', 'COCO_WITH_VOC_LABELS_V1', { COCO_WITH_VOC_LABELS_V1: [21, [1, 1]] }],
  ['FCN_ResNet101_Weights', 'segmentation', 'COCO_WITH_VOC_LABELS_V1', 'COCO_WITH_VOC_LABELS_V1', { COCO_WITH_VOC_LABELS_V1: [21, [1, 1]] }],
  ['FCN_ResNet50_Weights', 'segmentation', 'COCO_WITH_VOC_LABELS_V1', 'COCO_WITH_VOC_LABELS_V1', { COCO_WITH_VOC_LABELS_V1: [21, [1, 1]] }],
  ['LRASPP_MobileNet_V3_Large_Weights', 'segmentation', 'COCO_WITH_VOC_LABELS_V1', 'COCO_WITH_VOC_LABELS_V1', { COCO_WITH_VOC_LABELS_V1: [21, [1, 1]] }],
  ['MC3_18_Weights', 'video', 'KINETICS400_V1', 'KINETICS400_V1', { KINETICS400_V1: [400, [1, 1]] }],
  ['MViT_V1_B_Weights', 'video', 'KINETICS400_V1', 'KINETICS400_V1', { KINETICS400_V1: [400, [224, 224], 16] }],
  ['MViT_V2_S_Weights', 'video', 'KINETICS400_V1', 'KINETICS400_V1', { KINETICS400_V1: [400, [224, 224], 16] }],
  ['R2Plus1D_18_Weights', 'video', 'KINETICS400_V1', 'KINETICS400_V1', { KINETICS400_V1: [400, [1, 1]] }],
  ['R3D_18_Weights', 'video', 'KINETICS400_V1', 'KINETICS400_V1', { KINETICS400_V1: [400, [1, 1]] }],
  ['S3D_Weights', 'video', 'KINETICS400_V1', 'KINETICS400_V1', { KINETICS400_V1: [400, [224, 224], 14] }],
  ['Swin3D_B_Weights', 'video', 'KINETICS400_V1', 'KINETICS400_V1', { KINETICS400_V1: [400, [1, 1], 1], KINETICS400_IMAGENET22K_V1: [400, [1, 1], 1] }],
  ['Swin3D_S_Weights', 'video', 'KINETICS400_V1', 'KINETICS400_V1', { KINETICS400_V1: [400, [1, 1], 1] }],
  ['Swin3D_T_Weights', 'video', 'KINETICS400_V1', 'KINETICS400_V1', { KINETICS400_V1: [400, [1, 1], 1] }],
  ['Raft_Large_Weights', 'optical_flow', 'C_T_SKHT_V2', 'C_T_SKHT_V2', { C_T_V1: [null, [128, 128]], C_T_V2: [null, [128, 128]], C_T_SKHT_V1: [null, [128, 128]], C_T_SKHT_V2: [null, [128, 128]], C_T_SKHT_K_V1: [null, [128, 128]], C_T_SKHT_K_V2: [null, [128, 128]] }],
  ['Raft_Small_Weights', 'optical_flow', 'C_T_V2', 'C_T_V2', { C_T_V1: [null, [128, 128]], C_T_V2: [null, [128, 128]] }],
  ['GoogLeNet_QuantizedWeights', 'quantization', 'IMAGENET1K_FBGEMM_V1', 'IMAGENET1K_FBGEMM_V1', { IMAGENET1K_FBGEMM_V1: [1000, [15, 15]] }],
  ['Inception_V3_QuantizedWeights', 'quantization', 'IMAGENET1K_FBGEMM_V1', 'IMAGENET1K_FBGEMM_V1', { IMAGENET1K_FBGEMM_V1: [1000, [75, 75]] }],
  ['MobileNet_V2_QuantizedWeights', 'quantization', 'IMAGENET1K_QNNPACK_V1', 'IMAGENET1K_QNNPACK_V1', { IMAGENET1K_QNNPACK_V1: [1000, [1, 1]] }],
  ['MobileNet_V3_Large_QuantizedWeights', 'quantization', 'IMAGENET1K_QNNPACK_V1', 'IMAGENET1K_QNNPACK_V1', { IMAGENET1K_QNNPACK_V1: [1000, [1, 1]] }],
  ['ResNeXt101_32X8D_QuantizedWeights', 'quantization', 'IMAGENET1K_FBGEMM_V2', 'IMAGENET1K_FBGEMM_V1', { IMAGENET1K_FBGEMM_V1: [1000, [1, 1]], IMAGENET1K_FBGEMM_V2: [1000, [1, 1]] }],
  ['ResNeXt101_64X4D_QuantizedWeights', 'quantization', 'IMAGENET1K_FBGEMM_V1', 'IMAGENET1K_FBGEMM_V1', { IMAGENET1K_FBGEMM_V1: [1000, [1, 1]] }],
  ['ResNet18_QuantizedWeights', 'quantization', 'IMAGENET1K_FBGEMM_V1', 'IMAGENET1K_FBGEMM_V1', { IMAGENET1K_FBGEMM_V1: [1000, [1, 1]] }],
  ['ResNet50_QuantizedWeights', 'quantization', 'IMAGENET1K_FBGEMM_V2', 'IMAGENET1K_FBGEMM_V1', { IMAGENET1K_FBGEMM_V1: [1000, [1, 1]], IMAGENET1K_FBGEMM_V2: [1000, [1, 1]] }],
  ['ShuffleNet_V2_X0_5_QuantizedWeights', 'quantization', 'IMAGENET1K_FBGEMM_V1', 'IMAGENET1K_FBGEMM_V1', { IMAGENET1K_FBGEMM_V1: [1000, [1, 1]] }],
  ['ShuffleNet_V2_X1_0_QuantizedWeights', 'quantization', 'IMAGENET1K_FBGEMM_V1', 'IMAGENET1K_FBGEMM_V1', { IMAGENET1K_FBGEMM_V1: [1000, [1, 1]] }],
  ['ShuffleNet_V2_X1_5_QuantizedWeights', 'quantization', 'IMAGENET1K_FBGEMM_V1', 'IMAGENET1K_FBGEMM_V1', { IMAGENET1K_FBGEMM_V1: [1000, [1, 1]] }],
  ['ShuffleNet_V2_X2_0_QuantizedWeights', 'quantization', 'IMAGENET1K_FBGEMM_V1', 'IMAGENET1K_FBGEMM_V1', { IMAGENET1K_FBGEMM_V1: [1000, [1, 1]] }],
]

/** The weights enum of every builder, by the name `get_model` registers it under (torchvision 0.28). */
export const builderWeights: Readonly<Record<string, string>> = {
  alexnet: 'AlexNet_Weights', convnext_base: 'ConvNeXt_Base_Weights', convnext_large: 'ConvNeXt_Large_Weights',
  convnext_small: 'ConvNeXt_Small_Weights', convnext_tiny: 'ConvNeXt_Tiny_Weights',
  deeplabv3_mobilenet_v3_large: 'DeepLabV3_MobileNet_V3_Large_Weights', deeplabv3_resnet101: 'DeepLabV3_ResNet101_Weights',
  deeplabv3_resnet50: 'DeepLabV3_ResNet50_Weights', densenet121: 'DenseNet121_Weights', densenet161: 'DenseNet161_Weights',
  densenet169: 'DenseNet169_Weights', densenet201: 'DenseNet201_Weights', efficientnet_b0: 'EfficientNet_B0_Weights',
  efficientnet_b1: 'EfficientNet_B1_Weights', efficientnet_b2: 'EfficientNet_B2_Weights', efficientnet_b3: 'EfficientNet_B3_Weights',
  efficientnet_b4: 'EfficientNet_B4_Weights', efficientnet_b5: 'EfficientNet_B5_Weights', efficientnet_b6: 'EfficientNet_B6_Weights',
  efficientnet_b7: 'EfficientNet_B7_Weights', efficientnet_v2_l: 'EfficientNet_V2_L_Weights', efficientnet_v2_m: 'EfficientNet_V2_M_Weights',
  efficientnet_v2_s: 'EfficientNet_V2_S_Weights', fasterrcnn_mobilenet_v3_large_320_fpn: 'FasterRCNN_MobileNet_V3_Large_320_FPN_Weights',
  fasterrcnn_mobilenet_v3_large_fpn: 'FasterRCNN_MobileNet_V3_Large_FPN_Weights', fasterrcnn_resnet50_fpn: 'FasterRCNN_ResNet50_FPN_Weights',
  fasterrcnn_resnet50_fpn_v2: 'FasterRCNN_ResNet50_FPN_V2_Weights', fcn_resnet101: 'FCN_ResNet101_Weights', fcn_resnet50: 'FCN_ResNet50_Weights',
  fcos_resnet50_fpn: 'FCOS_ResNet50_FPN_Weights', googlenet: 'GoogLeNet_Weights', inception_v3: 'Inception_V3_Weights',
  keypointrcnn_resnet50_fpn: 'KeypointRCNN_ResNet50_FPN_Weights', lraspp_mobilenet_v3_large: 'LRASPP_MobileNet_V3_Large_Weights',
  maskrcnn_resnet50_fpn: 'MaskRCNN_ResNet50_FPN_Weights', maskrcnn_resnet50_fpn_v2: 'MaskRCNN_ResNet50_FPN_V2_Weights', maxvit_t: 'MaxVit_T_Weights',
  mc3_18: 'MC3_18_Weights', mnasnet0_5: 'MNASNet0_5_Weights', mnasnet0_75: 'MNASNet0_75_Weights', mnasnet1_0: 'MNASNet1_0_Weights',
  mnasnet1_3: 'MNASNet1_3_Weights', mobilenet_v2: 'MobileNet_V2_Weights', mobilenet_v3_large: 'MobileNet_V3_Large_Weights',
  mobilenet_v3_small: 'MobileNet_V3_Small_Weights', mvit_v1_b: 'MViT_V1_B_Weights', mvit_v2_s: 'MViT_V2_S_Weights',
  quantized_googlenet: 'GoogLeNet_QuantizedWeights', quantized_inception_v3: 'Inception_V3_QuantizedWeights',
  quantized_mobilenet_v2: 'MobileNet_V2_QuantizedWeights', quantized_mobilenet_v3_large: 'MobileNet_V3_Large_QuantizedWeights',
  quantized_resnet18: 'ResNet18_QuantizedWeights', quantized_resnet50: 'ResNet50_QuantizedWeights',
  quantized_resnext101_32x8d: 'ResNeXt101_32X8D_QuantizedWeights', quantized_resnext101_64x4d: 'ResNeXt101_64X4D_QuantizedWeights',
  quantized_shufflenet_v2_x0_5: 'ShuffleNet_V2_X0_5_QuantizedWeights', quantized_shufflenet_v2_x1_0: 'ShuffleNet_V2_X1_0_QuantizedWeights',
  quantized_shufflenet_v2_x1_5: 'ShuffleNet_V2_X1_5_QuantizedWeights', quantized_shufflenet_v2_x2_0: 'ShuffleNet_V2_X2_0_QuantizedWeights',
  r2plus1d_18: 'R2Plus1D_18_Weights', r3d_18: 'R3D_18_Weights', raft_large: 'Raft_Large_Weights', raft_small: 'Raft_Small_Weights',
  regnet_x_16gf: 'RegNet_X_16GF_Weights', regnet_x_1_6gf: 'RegNet_X_1_6GF_Weights', regnet_x_32gf: 'RegNet_X_32GF_Weights',
  regnet_x_3_2gf: 'RegNet_X_3_2GF_Weights', regnet_x_400mf: 'RegNet_X_400MF_Weights', regnet_x_800mf: 'RegNet_X_800MF_Weights',
  regnet_x_8gf: 'RegNet_X_8GF_Weights', regnet_y_128gf: 'RegNet_Y_128GF_Weights', regnet_y_16gf: 'RegNet_Y_16GF_Weights',
  regnet_y_1_6gf: 'RegNet_Y_1_6GF_Weights', regnet_y_32gf: 'RegNet_Y_32GF_Weights', regnet_y_3_2gf: 'RegNet_Y_3_2GF_Weights',
  regnet_y_400mf: 'RegNet_Y_400MF_Weights', regnet_y_800mf: 'RegNet_Y_800MF_Weights', regnet_y_8gf: 'RegNet_Y_8GF_Weights',
  resnet101: 'ResNet101_Weights', resnet152: 'ResNet152_Weights', resnet18: 'ResNet18_Weights', resnet34: 'ResNet34_Weights',
  resnet50: 'ResNet50_Weights', resnext101_32x8d: 'ResNeXt101_32X8D_Weights', resnext101_64x4d: 'ResNeXt101_64X4D_Weights',
  resnext50_32x4d: 'ResNeXt50_32X4D_Weights', retinanet_resnet50_fpn: 'RetinaNet_ResNet50_FPN_Weights',
  retinanet_resnet50_fpn_v2: 'RetinaNet_ResNet50_FPN_V2_Weights', s3d: 'S3D_Weights', shufflenet_v2_x0_5: 'ShuffleNet_V2_X0_5_Weights',
  shufflenet_v2_x1_0: 'ShuffleNet_V2_X1_0_Weights', shufflenet_v2_x1_5: 'ShuffleNet_V2_X1_5_Weights',
  shufflenet_v2_x2_0: 'ShuffleNet_V2_X2_0_Weights', squeezenet1_0: 'SqueezeNet1_0_Weights', squeezenet1_1: 'SqueezeNet1_1_Weights',
  ssd300_vgg16: 'SSD300_VGG16_Weights', ssdlite320_mobilenet_v3_large: 'SSDLite320_MobileNet_V3_Large_Weights', swin3d_b: 'Swin3D_B_Weights',
  swin3d_s: 'Swin3D_S_Weights', swin3d_t: 'Swin3D_T_Weights', swin_b: 'Swin_B_Weights', swin_s: 'Swin_S_Weights', swin_t: 'Swin_T_Weights',
  swin_v2_b: 'Swin_V2_B_Weights', swin_v2_s: 'Swin_V2_S_Weights', swin_v2_t: 'Swin_V2_T_Weights', vgg11: 'VGG11_Weights',
  vgg11_bn: 'VGG11_BN_Weights', vgg13: 'VGG13_Weights', vgg13_bn: 'VGG13_BN_Weights', vgg16: 'VGG16_Weights', vgg16_bn: 'VGG16_BN_Weights',
  vgg19: 'VGG19_Weights', vgg19_bn: 'VGG19_BN_Weights', vit_b_16: 'ViT_B_16_Weights', vit_b_32: 'ViT_B_32_Weights', vit_h_14: 'ViT_H_14_Weights',
  vit_l_16: 'ViT_L_16_Weights', vit_l_32: 'ViT_L_32_Weights', wide_resnet101_2: 'Wide_ResNet101_2_Weights',
  wide_resnet50_2: 'Wide_ResNet50_2_Weights',
}

const enums = new Map<string, WeightsEnum>()
for (const [name, module, defaultName, legacyName, metas] of table) {
  const entries = Object.entries(metas).map(([entry, [categories, minSize, minTemporalSize, keypoints]]): WeightsEntry => ({ enumName: name, name: entry, categories, minSize, minTemporalSize, keypoints }))
  const find = (entry: string): WeightsEntry => entries.find((e) => e.name === entry)!
  enums.set(name, { name, module, entries, defaultEntry: find(defaultName), legacyEntry: legacyName === null ? null : find(legacyName) })
}

/** Every weights enum torchvision 0.28 defines, by class name. */
export const weightsEnums: ReadonlyMap<string, WeightsEnum> = enums

/** The enum of the given class name (an internal error if torchvision has none). */
export function weightsEnum(name: string): WeightsEnum {
  const found = enums.get(name)
  if (!found) throw new Error(`internal: no weights enum ${name}`)
  return found
}

const entryOfValue = new WeakMap<object, WeightsEntry>()
const entryValues = new Map<WeightsEntry, Value>()
const enumValues = new Map<WeightsEnum, Value>()

/** An entry as an expression value: `ResNet50_Weights.IMAGENET1K_V2`, with its `name` attribute. */
export function weightsEntryValue(entry: WeightsEntry): Value {
  let value = entryValues.get(entry)
  if (!value) {
    value = { kind: 'namespace', name: `${entry.enumName}.${entry.name}`, members: { name: { kind: 'str', value: entry.name } } }
    entryOfValue.set(value, entry)
    entryValues.set(entry, value)
  }
  return value
}

/** An enum class as an expression value: its entries and `DEFAULT` as attributes. */
export function weightsEnumValue(weights: WeightsEnum): Value {
  let value = enumValues.get(weights)
  if (!value) {
    const members: Record<string, Value> = {}
    for (const entry of weights.entries) members[entry.name] = weightsEntryValue(entry)
    members['DEFAULT'] = weightsEntryValue(weights.defaultEntry)
    value = { kind: 'namespace', name: weights.name, members }
    enumValues.set(weights, value)
  }
  return value
}

/** The entry a value stands for, if it is one (`ResNet50_Weights.DEFAULT`). */
export function weightsEntryOf(value: Value): WeightsEntry | undefined {
  return entryOfValue.get(value)
}

/** A `weights` argument before its enum is known: `None`, a name (`'DEFAULT'`, `'ResNet50_Weights.IMAGENET1K_V1'`) or an entry. */
export type WeightsInput = null | string | WeightsEntry

/** A `weights=` / `weights_backbone=` argument: `None`, an entry name or an enum entry. */
export function weightsArg(name: string, defaultValue: WeightsInput = null): ArgSpec<WeightsInput> {
  return {
    name,
    required: false,
    default: defaultValue,
    coerce(value, span, argName) {
      if (value.kind === 'none') return null
      if (value.kind === 'str') return value.value
      const entry = weightsEntryOf(value)
      if (entry) return entry
      throw new NnsizeError('argument-type', `\`${argName}\` must be \`None\`, a weights enum entry such as \`ResNet50_Weights.DEFAULT\` or its name as a string, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
    },
  }
}

/** The names an enum accepts, for messages: `'IMAGENET1K_V1', 'IMAGENET1K_V2', 'DEFAULT'`. */
function entryNames(weights: WeightsEnum): string[] {
  return [...weights.entries.map((e) => e.name), 'DEFAULT']
}

/**
 * torchvision's `WeightsEnum.verify`: `None` stays `None`; a string names an entry (with or without
 * the enum's prefix, `DEFAULT` included); an entry must belong to this enum. Anything else is an
 * error listing the valid entries.
 */
export function verifyWeights(weights: WeightsEnum, input: WeightsInput, argName: string, span?: SourceSpan): WeightsEntry | null {
  if (input === null) return null
  const valid = `${entryNames(weights).map((n) => `\`${weights.name}.${n}\``).join(', ')} or \`None\``
  if (typeof input === 'string') {
    const name = input.startsWith(`${weights.name}.`) ? input.slice(weights.name.length + 1) : input
    if (name === 'DEFAULT') return weights.defaultEntry
    const entry = weights.entries.find((e) => e.name === name)
    if (entry) return entry
    const suggestions = suggest(name, entryNames(weights)).map((n) => `${weights.name}.${n}`)
    throw new NnsizeError('argument-value', `\`${argName}='${input}'\` is not a weight of \`${weights.name}\`.${didYouMean(suggestions)} Valid: ${valid}.`, { span, suggestions })
  }
  if (input.enumName !== weights.name) {
    throw new NnsizeError('argument-value', `Invalid Weight class provided; expected \`${weights.name}\` but received \`${input.enumName}\` for \`${argName}\`. Valid: ${valid}.`, { span })
  }
  return input
}
