import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { counts, failure, names } from '../../../test/torchvision.js'

function trainable(source: string): [number, number] {
  const r = analyze(source)
  return [Number(r.params.total), Number(r.params.trainable)]
}

describe('fasterrcnn_resnet50_fpn', () => {
  it('builds the default pretrained-backbone structure: FrozenBatchNorm2d buffers, 3 trainable stages (torchvision 0.28)', () => {
    expect(counts('torchvision.models.detection.fasterrcnn_resnet50_fpn()')).toEqual({ class: 'FasterRCNN', params: 41755286, paramTensors: 83, buffers: 106240, bufferBytes: 424960, bufferTensors: 212 })
    expect(trainable('fasterrcnn_resnet50_fpn()')).toEqual([41755286, 41532886])
    expect(names('fasterrcnn_resnet50_fpn()', 'buffer', [0, 1, 2, 3])).toEqual(['backbone.body.bn1.weight [64]', 'backbone.body.bn1.bias [64]', 'backbone.body.bn1.running_mean [64]', 'backbone.body.bn1.running_var [64]'])
    const r = analyze('fasterrcnn_resnet50_fpn()')
    expect(r.modules.find((m) => m.path === 'backbone.body.bn1')!.type).toBe('FrozenBatchNorm2d')
    expect(r.tensors.filter((t) => t.kind === 'parameter' && t.trainable).map((t) => t.name)[0]).toBe('backbone.body.layer2.0.conv1.weight')
  })
  it('with weights_backbone=None: BatchNorm2d and everything trains, whatever trainable_backbone_layers says', () => {
    expect(counts('fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None)')).toMatchObject({ params: 41808406, paramTensors: 189, buffers: 53173 })
    expect(trainable('fasterrcnn_resnet50_fpn(weights_backbone=None, trainable_backbone_layers=1)')).toEqual([41808406, 41808406])
    expect(trainable('fasterrcnn_resnet50_fpn(pretrained_backbone=False)')).toEqual([41808406, 41808406])
  })
  it('trains the last trainable_backbone_layers stages; 5 adds conv1 and bn1 (no parameters in FrozenBatchNorm2d)', () => {
    expect(trainable('fasterrcnn_resnet50_fpn(trainable_backbone_layers=0)')[1]).toBe(41755286 - 23454912)
    expect(trainable('fasterrcnn_resnet50_fpn(trainable_backbone_layers=5)')).toEqual([41755286, 41755286])
    expect(failure('fasterrcnn_resnet50_fpn(trainable_backbone_layers=6)').message).toBe('Trainable backbone layers should be in the range [0,5], got 6.')
  })
  it('takes COCO weights: 91 classes, the backbone structure of pretrained training', () => {
    expect(trainable("fasterrcnn_resnet50_fpn(weights='DEFAULT')")).toEqual([41755286, 41532886])
    expect(failure('fasterrcnn_resnet50_fpn(weights=FasterRCNN_ResNet50_FPN_Weights.COCO_V1, num_classes=10)').message).toMatch(/^The parameter `num_classes` expected value 91 but got 10 instead/)
    expect(failure('fasterrcnn_resnet50_fpn(weights_backbone=ResNet18_Weights.DEFAULT)').message).toMatch(/^Invalid Weight class provided; expected `ResNet50_Weights` but received `ResNet18_Weights`/)
  })
  it('has no forward trace and says why', () => {
    expect(failure('fasterrcnn_resnet50_fpn()', '1,3,224,224')).toEqual({ code: 'shape', message: expect.stringMatching(/^`FasterRCNN` returns a list of detections per image .* so nnsize does not trace it/) })
  })
  it('accepts the keyword arguments of FasterRCNN that change no tensor', () => {
    expect(counts('fasterrcnn_resnet50_fpn(min_size=600, box_detections_per_img=5)').params).toBe(41755286)
  })
})

describe('the other R-CNN builders', () => {
  it('match torchvision 0.28 in size', () => {
    expect(trainable('fasterrcnn_resnet50_fpn_v2()')).toEqual([43712278, 43712278])
    expect(trainable('fasterrcnn_mobilenet_v3_large_fpn()')).toEqual([19386354, 19327458])
    expect(counts('fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None)')).toMatchObject({ params: 19410754, paramTensors: 192, buffers: 24446 })
    expect(counts('maskrcnn_resnet50_fpn(weights=None, weights_backbone=None)')).toMatchObject({ class: 'MaskRCNN', params: 44454513, paramTensors: 201, buffers: 53173 })
    expect(counts('maskrcnn_resnet50_fpn_v2()').params).toBe(46359409)
    expect(counts('keypointrcnn_resnet50_fpn(weights_backbone=None)')).toMatchObject({ class: 'KeypointRCNN', params: 59190378 })
  })
  it('size the predictors from num_classes and num_keypoints', () => {
    const params = analyze('keypointrcnn_resnet50_fpn(num_classes=3, num_keypoints=5)').tensors.filter((t) => t.kind === 'parameter')
    expect(params.filter((t) => /predictor/.test(t.name)).map((t) => `${t.name} ${JSON.stringify(t.shape)}`)).toEqual(['roi_heads.box_predictor.cls_score.weight [3,1024]', 'roi_heads.box_predictor.cls_score.bias [3]', 'roi_heads.box_predictor.bbox_pred.weight [12,1024]', 'roi_heads.box_predictor.bbox_pred.bias [12]', 'roi_heads.keypoint_predictor.kps_score_lowres.weight [512,5,4,4]', 'roi_heads.keypoint_predictor.kps_score_lowres.bias [5]'])
    expect(failure("keypointrcnn_resnet50_fpn(weights='DEFAULT', num_keypoints=5)").message).toMatch(/^The parameter `num_keypoints` expected value 17 but got 5/)
  })
})
