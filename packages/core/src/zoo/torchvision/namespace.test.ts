import { describe, expect, it } from 'vitest'
import { parse } from '../../expr/parse.js'
import { evaluateProgram } from '../../expr/evaluate.js'
import { createGlobals, moduleHooks } from '../../expr/builtins.js'
import { showValue } from '../../expr/values.js'
import type { Value } from '../../expr/values.js'
import { layers } from '../../layers/index.js'
import { models } from '../index.js'
import { counts, failure } from '../../../test/torchvision.js'
import { fnmatch, torchvisionBuilders } from './namespace.js'

function evaluate(source: string): Value {
  return evaluateProgram(parse(source), createGlobals({ layers, models }, { modules: 0 }), moduleHooks).value
}

function strings(value: Value): string[] {
  if (value.kind !== 'list') throw new Error(`not a list: ${showValue(value)}`)
  return value.items.map((v) => (v.kind === 'str' ? v.value : showValue(v)))
}

describe('torchvisionBuilders', () => {
  it('lists the classifiers under their own names', () => {
    const builders = torchvisionBuilders(models)
    expect(builders.filter((b) => b.module === 'models').map((b) => b.registered)).toEqual(models.map((m) => m.name))
  })
})

describe('fnmatch', () => {
  it('matches *, ? and character classes as fnmatchcase does', () => {
    expect([fnmatch('resnet50', 'resnet*'), fnmatch('resnet50', '*50'), fnmatch('resnet50', 'resnet5?'), fnmatch('resnet50', 'resnet[0-4]0'), fnmatch('resnet50', 'resnet[!0-4]0'), fnmatch('resnet50', 'ResNet*')]).toEqual([true, true, true, false, true, false])
    expect([fnmatch('', '*'), fnmatch('a', ''), fnmatch('abc', 'a*b*c'), fnmatch('abcbc', 'a*bc')]).toEqual([true, false, true, true])
  })
})

describe('torchvision.models API', () => {
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
  it('names the weights enums bare and qualified, with their entries as attributes', () => {
    expect(showValue(evaluate('torchvision.models.ResNet50_Weights.IMAGENET1K_V1'))).toBe('ResNet50_Weights.IMAGENET1K_V1')
    expect(evaluate('ResNet50_Weights.DEFAULT.name')).toEqual({ kind: 'str', value: 'IMAGENET1K_V2' })
  })
})
