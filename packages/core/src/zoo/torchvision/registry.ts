import type { LayerDefinition } from '../../layers/define-layer.js'
import type { TorchvisionModule } from './weights.js'
import * as fcos from './fcos.js'
import * as mvit from './mvit.js'
import * as quantization from './quantization.js'
import * as raft from './raft.js'
import * as rcnn from './rcnn.js'
import * as retinanet from './retinanet.js'
import * as s3d from './s3d.js'
import * as segmentation from './segmentation.js'
import * as ssd from './ssd.js'
import * as swin3d from './swin3d.js'
import * as videoResnet from './video-resnet.js'

/**
 * The builders of torchvision's sub-modules, one line each, by module (the classifiers of
 * `torchvision.models` are listed in `zoo/index.ts`).
 */
export const torchvisionGroups: ReadonlyArray<readonly [TorchvisionModule, readonly LayerDefinition[]]> = [
  ['detection', [rcnn.fasterrcnn_mobilenet_v3_large_320_fpn, rcnn.fasterrcnn_mobilenet_v3_large_fpn, rcnn.fasterrcnn_resnet50_fpn, rcnn.fasterrcnn_resnet50_fpn_v2, rcnn.keypointrcnn_resnet50_fpn, rcnn.maskrcnn_resnet50_fpn, rcnn.maskrcnn_resnet50_fpn_v2,
    retinanet.retinanet_resnet50_fpn, retinanet.retinanet_resnet50_fpn_v2, fcos.fcos_resnet50_fpn, ssd.ssd300_vgg16, ssd.ssdlite320_mobilenet_v3_large]],
  ['segmentation', [segmentation.deeplabv3_mobilenet_v3_large, segmentation.deeplabv3_resnet101, segmentation.deeplabv3_resnet50, segmentation.fcn_resnet101, segmentation.fcn_resnet50, segmentation.lraspp_mobilenet_v3_large]],
  ['video', [videoResnet.mc3_18, mvit.mvit_v1_b, mvit.mvit_v2_s, videoResnet.r2plus1d_18, videoResnet.r3d_18, s3d.s3d, swin3d.swin3d_b, swin3d.swin3d_s, swin3d.swin3d_t]],
  ['optical_flow', [raft.raft_large, raft.raft_small]],
  [
    'quantization',
    [
      quantization.quantized_googlenet, quantization.quantized_inception_v3, quantization.quantized_mobilenet_v2, quantization.quantized_mobilenet_v3_large,
      quantization.quantized_resnet18, quantization.quantized_resnet50, quantization.quantized_resnext101_32x8d, quantization.quantized_resnext101_64x4d,
      quantization.quantized_shufflenet_v2_x0_5, quantization.quantized_shufflenet_v2_x1_0, quantization.quantized_shufflenet_v2_x1_5, quantization.quantized_shufflenet_v2_x2_0,
    ],
  ],
]
