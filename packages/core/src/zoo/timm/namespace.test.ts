import { describe, expect, it } from 'vitest'
import type { ArgValue, Value } from '../../contract/values.js'
import { countTensors } from '../../count/count.js'
import { errorOf } from '../../../test/support.js'
import { timmNamespace } from './namespace.js'

type Namespace = Extract<Value, { kind: 'namespace' }>

const span = { start: 0, end: 0 }
const timm = timmNamespace({ modules: 0 }) as Namespace

/** `timm.models.<path>`. */
function member(path: string): Value {
  let value = timm.members['models']!
  for (const part of path.split('.')) value = (value as Namespace).members[part]!
  return value
}

function call(path: string, args: ArgValue[] = []): number {
  const fn = member(path) as Extract<Value, { kind: 'callable' }>
  const out = fn.invoke(args, span)
  if (out.kind !== 'module') throw new Error('not a module')
  return Number(countTensors(out.module).params.total)
}

const kw = (name: string, value: Value): ArgValue => ({ name, value, span, valueSpan: span })

describe("timm's model functions (timm.models.resnet50, timm.models.resnet.resnet50)", () => {
  it('builds each model from its own function, under timm.models and under its module (counts measured with timm 1.0.29)', () => {
    expect(call('resnet50')).toBe(25557032)
    expect(call('resnet.resnet50', [kw('num_classes', { kind: 'int', value: 10n })])).toBe(23528522)
    expect(call('vit_base_patch16_224', [kw('pretrained_cfg', { kind: 'str', value: 'augreg_in21k' })])).toBe(102595923)
    expect(call('convnext_tiny_in22ft1k')).toBe(28589128)
    // `timm.models.inception_v3` is the function: `from .inception_v3 import *` binds it over the module
    expect(member('inception_v3').kind).toBe('callable')
  })
  it('drops no keyword: None reaches the class, as only create_model removes it', () => {
    expect(errorOf(() => call('resnet50', [kw('num_classes', { kind: 'none' })])).code).toBe('argument-type')
    expect(errorOf(() => call('resnet50', [kw('checkpoint_path', { kind: 'str', value: 'x' })])).message).toMatch(/^`timm.models.resnet50` has no argument `checkpoint_path`/)
  })
})
