import { describe, expect, it } from 'vitest'
import { evaluateSource } from '../../interpret/program.js'
import { provideModelCollections } from '../../interpret/collections.js'
import { timmLayerDefinitions } from '../timm/layers/index.js'
import { timmNamespace } from '../timm/namespace.js'
import { showValue } from '../../contract/values.js'
import type { Value } from '../../contract/values.js'
import { models } from '../index.js'
import { counts, failure } from '../../../test/torchvision.js'
import { fnmatch, torchvisionBuilders, torchvisionNamespace } from './namespace.js'

provideModelCollections({ models, torchvision: torchvisionNamespace, timm: timmNamespace, timmLayers: timmLayerDefinitions })

function evaluate(source: string): Value {
  return evaluateSource(source)
}

function strings(value: Value): string[] {
  if (value.kind !== 'list') throw new Error(`not a list: ${showValue(value)}`)
  return value.items.map((v) => (v.kind === 'str' ? v.value : showValue(v)))
}

describe('torchvisionBuilders', () => {
  it('lists the classifiers under their own names, then the 41 builders of the sub-modules', () => {
    const builders = torchvisionBuilders(models)
    expect(builders.filter((b) => b.module === 'models').map((b) => b.registered)).toEqual(models.map((m) => m.name))
    expect(builders.length).toBe(121)
    expect(builders.filter((b) => b.module === 'quantization').map((b) => `${b.name}/${b.registered}`).slice(0, 2)).toEqual(['googlenet/quantized_googlenet', 'inception_v3/quantized_inception_v3'])
  })
})

describe('fnmatch', () => {
  it('matches *, ? and character classes as fnmatchcase does', () => {
    expect([fnmatch('resnet50', 'resnet*'), fnmatch('resnet50', '*50'), fnmatch('resnet50', 'resnet5?'), fnmatch('resnet50', 'resnet[0-4]0'), fnmatch('resnet50', 'resnet[!0-4]0'), fnmatch('resnet50', 'ResNet*')]).toEqual([true, true, true, false, true, false])
    expect([fnmatch('', '*'), fnmatch('a', ''), fnmatch('abc', 'a*b*c'), fnmatch('abcbc', 'a*bc')]).toEqual([true, false, true, true])
  })
})

describe('torchvision.models API', () => {
  it('list_models names the 121 registered builders of torchvision 0.28, by module', () => {
    expect(evaluate('len(list_models())')).toEqual({ kind: 'int', value: 121n })
    expect(strings(evaluate('list_models(torchvision.models.detection)'))).toEqual([
      'fasterrcnn_mobilenet_v3_large_320_fpn', 'fasterrcnn_mobilenet_v3_large_fpn', 'fasterrcnn_resnet50_fpn', 'fasterrcnn_resnet50_fpn_v2', 'fcos_resnet50_fpn', 'keypointrcnn_resnet50_fpn',
      'maskrcnn_resnet50_fpn', 'maskrcnn_resnet50_fpn_v2', 'retinanet_resnet50_fpn', 'retinanet_resnet50_fpn_v2', 'ssd300_vgg16', 'ssdlite320_mobilenet_v3_large',
    ])
    expect(strings(evaluate('list_models(module=torchvision.models.segmentation)')).length).toBe(6)
    expect(strings(evaluate('list_models(torchvision.models.video)'))).toEqual(['mc3_18', 'mvit_v1_b', 'mvit_v2_s', 'r2plus1d_18', 'r3d_18', 's3d', 'swin3d_b', 'swin3d_s', 'swin3d_t'])
    expect(strings(evaluate('list_models(torchvision.models.optical_flow)'))).toEqual(['raft_large', 'raft_small'])
    expect(strings(evaluate("list_models(torchvision.models.quantization, include='*resnet*')"))).toEqual(['quantized_resnet18', 'quantized_resnet50'])
    expect(strings(evaluate('list_models(torchvision.models)')).length).toBe(80)
  })
  it('list_models names the registered builders, sorted, filtered by module, include and exclude', () => {
    expect(strings(evaluate("torchvision.models.list_models(include='resnet*')"))).toEqual(['resnet101', 'resnet152', 'resnet18', 'resnet34', 'resnet50'])
    expect(strings(evaluate("list_models(torchvision.models, include=['vit_*', 'swin_t'], exclude='*_32')"))).toEqual(['swin_t', 'vit_b_16', 'vit_h_14', 'vit_l_16'])
    expect(failure('list_models(module=nn)').message).toMatch(/^`module` must be `torchvision.models` or one of its sub-modules, got `nn`/)
  })
  it('get_model builds by registered name (any case) with keyword arguments', () => {
    expect(counts("torchvision.models.get_model('ResNet18', num_classes=10)").params).toBe(11181642)
    expect(failure("get_model('resnet18', 10)").code).toBe('too-many-arguments')
    expect(failure("get_model('resnt18')")).toEqual({ code: 'argument-value', message: expect.stringMatching(/^Unknown model `resnt18`. Did you mean `resnet18`\?/) })
  })
  it('get_model_builder, get_model_weights and get_weight return the builder, the enum and an entry', () => {
    expect(showValue(evaluate("torchvision.models.get_model_builder('alexnet')"))).toBe('torchvision.models.alexnet')
    expect(showValue(evaluate("get_model_weights('resnet50').DEFAULT"))).toBe('ResNet50_Weights.IMAGENET1K_V2')
    expect(showValue(evaluate('get_model_weights(resnet18)'))).toBe('ResNet18_Weights')
    expect(showValue(evaluate("get_weight('ResNet50_Weights.DEFAULT')"))).toBe('ResNet50_Weights.IMAGENET1K_V2')
    expect(failure("get_weight('ResNet50_Weight.DEFAULT')").message).toMatch(/Did you mean `ResNet50_Weights`, /)
    expect(failure("get_weight('ResNet50')").message).toMatch(/^Invalid weight name provided/)
  })
  it('get_model builds every kind of builder, get_model_weights finds its enum', () => {
    expect(counts("torchvision.models.get_model('raft_small')").class).toBe('RAFT')
    expect(counts("get_model('quantized_resnet18', quantize=False)").class).toBe('QuantizableResNet')
    expect(counts("get_model('fasterrcnn_resnet50_fpn', weights=None, weights_backbone=None)").params).toBe(41808406)
    expect(showValue(evaluate("get_model_weights('quantized_resnet50')"))).toBe('ResNet50_QuantizedWeights')
  })
  it('names builders bare where one module defines them; the classifiers keep their names', () => {
    expect(counts('fasterrcnn_resnet50_fpn(weights_backbone=None)').class).toBe('FasterRCNN')
    expect(counts('raft_small').class).toBe('RAFT')
    expect(counts('resnet18').class).toBe('ResNet')
    expect(counts('torchvision.models.quantization.resnet18').class).toBe('QuantizableResNet')
    expect(showValue(evaluate('FasterRCNN_ResNet50_FPN_Weights.DEFAULT'))).toBe('FasterRCNN_ResNet50_FPN_Weights.COCO_V1')
    expect(counts('torchvision.ops.FrozenBatchNorm2d(8)').buffers).toBe(32)
  })
  it('names the weights enums bare and qualified, with their entries as attributes', () => {
    expect(showValue(evaluate('torchvision.models.ResNet50_Weights.IMAGENET1K_V1'))).toBe('ResNet50_Weights.IMAGENET1K_V1')
    expect(evaluate('ResNet50_Weights.DEFAULT.name')).toEqual({ kind: 'str', value: 'IMAGENET1K_V2' })
  })
})
