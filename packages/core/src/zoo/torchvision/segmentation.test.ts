import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { counts, failure } from '../../../test/torchvision.js'

function outputs(source: string, input: string) {
  const f = analyze(source, { input, device: 'cpu' }).forward!
  return { outputs: f.outputs.map((o) => [...o.shape]), saved: Number(f.savedBytes), savedWithInput: Number(f.savedBytesWithInput) }
}

describe('segmentation builders', () => {
  it('match torchvision 0.28 in size', () => {
    expect(counts('torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None)')).toMatchObject({ class: 'DeepLabV3', params: 39638869, paramTensors: 182, buffers: 56764 })
    expect(counts('deeplabv3_resnet101(weights_backbone=None)').params).toBe(58630997)
    expect(counts('lraspp_mobilenet_v3_large()')).toMatchObject({ class: 'LRASPP', params: 3221538, paramTensors: 178, buffers: 24703 })
    expect(counts('fcn_resnet50()').params).toBe(32957013)
  })
  it('take COCO-VOC weights: 21 classes and the auxiliary head', () => {
    expect(counts("fcn_resnet50(weights='DEFAULT')").params).toBe(35322218)
    expect(failure("fcn_resnet50(weights='DEFAULT', aux_loss=False)").message).toMatch(/^The parameter `aux_loss` expected value True but got False/)
    expect(failure('lraspp_mobilenet_v3_large(aux_loss=True)').message).toMatch(/^This model does not use auxiliary loss/)
  })
  it('return `out` and `aux` upsampled to the input, with PyTorch 2.13 saved bytes', () => {
    expect(outputs('fcn_resnet50(weights_backbone=None)', '1,3,64,64')).toEqual({ outputs: [[1, 21, 64, 64]], saved: 16207360, savedWithInput: 16256512 })
    expect(outputs('fcn_resnet50(weights_backbone=None, aux_loss=True)', '2,3,64,48')).toEqual({ outputs: [[2, 21, 64, 48], [2, 21, 64, 48]], saved: 24598016, savedWithInput: 24671744 })
    expect(outputs('deeplabv3_resnet50(weights_backbone=None)', '2,3,64,64')).toEqual({ outputs: [[2, 21, 64, 64]], saved: 33670656, savedWithInput: 33768960 })
    expect(outputs('deeplabv3_mobilenet_v3_large(aux_loss=True)', '2,3,64,64')).toEqual({ outputs: [[2, 21, 64, 64], [2, 21, 64, 64]], saved: 9912272, savedWithInput: 10010576 })
    expect(outputs('lraspp_mobilenet_v3_large()', '1,3,96,64')).toEqual({ outputs: [[1, 21, 96, 64]], saved: 7009376, savedWithInput: 7083104 })
  })
  it('ignore other keyword arguments, as torchvision does, and check the input', () => {
    expect(counts('fcn_resnet50(foo=1)').params).toBe(32957013)
    expect(failure('fcn_resnet50()', '1,4,64,64').message).toMatch(/expects images of shape \(N, 3, H, W\), got shape \(1, 4, 64, 64\)/)
  })
})
