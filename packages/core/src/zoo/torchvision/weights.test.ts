import { describe, expect, it } from 'vitest'
import { showValue } from '../../contract/values.js'
import { counts, failure, names } from '../../../test/torchvision.js'
import { builderWeights, verifyWeights, weightsArg, weightsEntryOf, weightsEntryValue, weightsEnum, weightsEnums, weightsEnumValue } from './weights.js'

describe('weightsEnums', () => {
  it('holds the 121 enums of torchvision 0.28, one per registered builder', () => {
    expect(weightsEnums.size).toBe(121)
    expect(new Set(Object.values(builderWeights)).size).toBe(121)
    for (const name of Object.values(builderWeights)) expect(weightsEnums.has(name), name).toBe(true)
  })
  it('knows DEFAULT, the pretrained=True entry and the structural meta data', () => {
    const resnet50 = weightsEnum('ResNet50_Weights')
    expect([resnet50.defaultEntry.name, resnet50.legacyEntry?.name, resnet50.entries.map((e) => e.name)]).toEqual(['IMAGENET1K_V2', 'IMAGENET1K_V1', ['IMAGENET1K_V1', 'IMAGENET1K_V2']])
    expect(weightsEnum('ViT_H_14_Weights').legacyEntry).toBeNull()
    expect(weightsEnum('ViT_H_14_Weights').defaultEntry.minSize).toEqual([518, 518])
    expect(weightsEnum('VGG16_Weights').entries.map((e) => e.categories)).toEqual([1000, null])
    expect(weightsEnum('KeypointRCNN_ResNet50_FPN_Weights').defaultEntry).toMatchObject({ categories: 2, keypoints: 17 })
    expect(weightsEnum('MViT_V2_S_Weights').defaultEntry).toMatchObject({ categories: 400, minSize: [224, 224], minTemporalSize: 16 })
    expect(weightsEnum('FCN_ResNet50_Weights').module).toBe('segmentation')
  })
})

describe('weightsEntryValue and weightsEnumValue', () => {
  it('are expression values named as Python prints them; DEFAULT is the default entry itself', () => {
    const enumValue = weightsEnumValue(weightsEnum('ResNet50_Weights'))
    expect(showValue(enumValue)).toBe('ResNet50_Weights')
    if (enumValue.kind !== 'namespace') throw new Error('not a namespace')
    expect(Object.keys(enumValue.members)).toEqual(['IMAGENET1K_V1', 'IMAGENET1K_V2', 'DEFAULT'])
    expect(enumValue.members['DEFAULT']).toBe(enumValue.members['IMAGENET1K_V2'])
    expect(showValue(enumValue.members['DEFAULT']!)).toBe('ResNet50_Weights.IMAGENET1K_V2')
    expect(weightsEntryOf(enumValue.members['IMAGENET1K_V1']!)?.name).toBe('IMAGENET1K_V1')
    expect(weightsEntryOf({ kind: 'namespace', name: 'ResNet50_Weights.IMAGENET1K_V1', members: {} })).toBeUndefined()
    expect(weightsEntryValue(weightsEnum('ResNet50_Weights').defaultEntry)).toBe(enumValue.members['DEFAULT'])
  })
})

describe('verifyWeights', () => {
  const resnet50 = weightsEnum('ResNet50_Weights')
  it('reads None, an entry name with or without the enum prefix, DEFAULT, or an entry', () => {
    expect(verifyWeights(resnet50, null, 'weights')).toBeNull()
    expect(verifyWeights(resnet50, 'IMAGENET1K_V1', 'weights')?.name).toBe('IMAGENET1K_V1')
    expect(verifyWeights(resnet50, 'ResNet50_Weights.DEFAULT', 'weights')?.name).toBe('IMAGENET1K_V2')
    expect(verifyWeights(resnet50, resnet50.entries[0]!, 'weights')?.name).toBe('IMAGENET1K_V1')
  })
  it('names the valid entries for a wrong name or another enum', () => {
    expect(() => verifyWeights(resnet50, 'IMAGENET1K_V3', 'weights')).toThrow(/^`weights='IMAGENET1K_V3'` is not a weight of `ResNet50_Weights`. Did you mean `ResNet50_Weights.IMAGENET1K_V1` or `ResNet50_Weights.IMAGENET1K_V2`\? Valid: `ResNet50_Weights.IMAGENET1K_V1`, `ResNet50_Weights.IMAGENET1K_V2`, `ResNet50_Weights.DEFAULT` or `None`.$/)
    expect(() => verifyWeights(resnet50, weightsEnum('ResNet18_Weights').defaultEntry, 'weights')).toThrow(/^Invalid Weight class provided; expected `ResNet50_Weights` but received `ResNet18_Weights`/)
  })
  it('weightsArg refuses other kinds of values', () => {
    expect(() => weightsArg('weights').coerce({ kind: 'bool', value: true }, { start: 0, end: 4 }, 'weights')).toThrow(/got bool `True`/)
  })
})

describe('weights in the builders', () => {
  it('fix ViT image_size from min_size: the SWAG end-to-end weights make a 384×384 position table', () => {
    expect(names("vit_b_16(weights='IMAGENET1K_SWAG_E2E_V1')", 'parameter', [3])).toEqual(['encoder.pos_embedding [1,577,768]'])
    expect(counts('vit_h_14(weights=ViT_H_14_Weights.DEFAULT)').params).toBe(633470440)
    expect(failure("vit_b_16(weights='IMAGENET1K_SWAG_E2E_V1', image_size=224)").message).toMatch(/^The parameter `image_size` expected value 384 but got 224 instead/)
    expect(failure('vit_h_14(pretrained=True)').message).toMatch(/^No weights available for model `vit_h_14`/)
  })
  it('build googlenet as torchvision loads it: transform_input on, auxiliary heads dropped unless aux_logits=True is given', () => {
    expect(counts("googlenet(weights='DEFAULT')").params).toBe(6624904)
    expect(counts("googlenet(weights='DEFAULT', aux_logits=True)").params).toBe(13004888)
    expect(failure("googlenet(weights='DEFAULT', aux_logits=False)").message).toMatch(/^The parameter `aux_logits` expected value True but got False/)
  })
  it('keep inception_v3 auxiliary head and leave num_classes free where the weights have no categories', () => {
    expect(counts("inception_v3(weights='DEFAULT')").params).toBe(27161264)
    expect(counts("vgg16(weights='IMAGENET1K_FEATURES', num_classes=7)").params).toBe(134289223)
  })
})
