import type { LayerDefinition } from '../../layers/define-layer.js'
import type { TorchvisionModule } from './weights.js'
import * as fcos from './fcos.js'
import * as rcnn from './rcnn.js'
import * as retinanet from './retinanet.js'
import * as segmentation from './segmentation.js'
import * as ssd from './ssd.js'

/**
 * The builders of torchvision's sub-modules, one line each, by module (the classifiers of
 * `torchvision.models` are listed in `zoo/index.ts`).
 */
export const torchvisionGroups: ReadonlyArray<readonly [TorchvisionModule, readonly LayerDefinition[]]> = [
  ['detection', [rcnn.fasterrcnn_mobilenet_v3_large_320_fpn, rcnn.fasterrcnn_mobilenet_v3_large_fpn, rcnn.fasterrcnn_resnet50_fpn, rcnn.fasterrcnn_resnet50_fpn_v2, rcnn.keypointrcnn_resnet50_fpn, rcnn.maskrcnn_resnet50_fpn, rcnn.maskrcnn_resnet50_fpn_v2,
    retinanet.retinanet_resnet50_fpn, retinanet.retinanet_resnet50_fpn_v2, fcos.fcos_resnet50_fpn, ssd.ssd300_vgg16, ssd.ssdlite320_mobilenet_v3_large]],
  ['segmentation', [segmentation.deeplabv3_mobilenet_v3_large, segmentation.deeplabv3_resnet101, segmentation.deeplabv3_resnet50, segmentation.fcn_resnet101, segmentation.fcn_resnet50, segmentation.lraspp_mobilenet_v3_large]],
  ['video', []],
  ['optical_flow', []],
  ['quantization', []],
]
