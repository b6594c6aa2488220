import { NnsizeError } from '../errors.js'
import { bool, device, dtype, float, int } from '../bind/args.js'
import type { ArgSpec } from '../bind/args.js'
import { showValue, typeName } from '../contract/values.js'
import { defineLayer } from './define-layer.js'
import { moduleList, sequential } from './containers.js'
import { linear } from './linear.js'

const cutoffsArg: ArgSpec<number[], 'cutoffs', true> = {
  name: 'cutoffs',
  required: true,
  coerce(v, span, name) {
    if (v.kind !== 'list' && v.kind !== 'tuple') throw new NnsizeError('argument-type', `\`${name}\` must be a sequence of ints, got ${typeName(v)} \`${showValue(v)}\`.`, { span })
    return v.items.map((item) => int(name, { min: -Number.MAX_SAFE_INTEGER }).coerce(item, span, name))
  },
}

/** Python's `a // b` of two floats (`float_floor_div`: `fmod`, then the quotient rounded to an integer). */
export function floatFloorDiv(a: number, b: number): number {
  const mod = a % b
  let div = (a - mod) / b
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1
  if (div === 0) return 0
  let floor = Math.floor(div)
  if (div - floor > 0.5) floor += 1
  return floor
}

/**
 * `nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0, head_bias=False)`: a `head`
 * `Linear(in_features, cutoffs[0] + clusters, bias=head_bias)` and a `tail` `ModuleList` of one
 * `Sequential(Linear(in_features, in_features // div_value^(i+1), bias=False), Linear(…, cluster size, bias=False))`
 * per cluster. Its forward depends on the target values (which samples fall in each cluster), so it is not
 * traced.
 */
export const adaptiveLogSoftmaxWithLoss = defineLayer({
  name: 'AdaptiveLogSoftmaxWithLoss',
  signature: [int('in_features'), int('n_classes'), cutoffsArg, float('div_value', { default: 4.0 }), bool('head_bias', { default: false }), device(), dtype()],
  validate(a, fail) {
    const c = a.cutoffs
    if (c.length === 0) fail('cutoffs', '`cutoffs` should be a sequence of length larger than 0.')
    const sorted = c.every((v, i) => i === 0 || c[i - 1]! < v)
    if (!sorted || c[0]! <= 0 || c.at(-1)! > a.n_classes - 1) {
      fail('cutoffs', `\`cutoffs\` should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1 (got ${JSON.stringify(c)} for n_classes=${a.n_classes}).`)
    }
  },
  build(a, m) {
    const cutoffs = [...a.cutoffs, a.n_classes]
    const clusters = cutoffs.length - 1
    m.child('head', m.create(linear, { in_features: a.in_features, out_features: cutoffs[0]! + clusters, bias: a.head_bias, dtype: a.dtype }))
    const tail = []
    for (let i = 0; i < clusters; i++) {
      const hidden = floatFloorDiv(a.in_features, a.div_value ** (i + 1))
      if (!Number.isSafeInteger(hidden) || hidden < 0) throw new NnsizeError('argument-value', `\`nn.AdaptiveLogSoftmaxWithLoss\` would make a cluster projection of ${hidden} features (in_features // div_value^${i + 1}).`)
      const projection = m.create(sequential, {
        modules: [
          { kind: 'module', module: m.create(linear, { in_features: a.in_features, out_features: hidden, bias: false, dtype: a.dtype }) },
          { kind: 'module', module: m.create(linear, { in_features: hidden, out_features: cutoffs[i + 1]! - cutoffs[i]!, bias: false, dtype: a.dtype }) },
        ],
      })
      tail.push({ kind: 'module' as const, module: projection })
    }
    m.child('tail', m.create(moduleList, { modules: { kind: 'list', items: tail } }))
  },
  forward(_self, _inputs, ctx) {
    throw ctx.error("has no modelled forward pass: which samples fall in each cluster, and so what it computes and keeps, depends on the target's values. nnsize counts its parameters only.")
  },
})
