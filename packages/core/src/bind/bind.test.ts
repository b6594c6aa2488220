import { describe, expect, it } from 'vitest'
import { NnsizeError } from '../errors.js'
import type { ArgValue, Value } from '../contract/values.js'
import { bool, int, ints, str } from './args.js'
import { bindArguments } from './bind.js'

const span = { start: 0, end: 1 }
const arg = (value: Value, name?: string): ArgValue => ({ name, value, span: { start: 5, end: 9 }, valueSpan: { start: 7, end: 9 } })
const n = (v: number): Value => ({ kind: 'int', value: BigInt(v) })
const signature = [int('in_features'), int('out_features'), bool('bias', { default: true })]

function errorOf(fn: () => unknown): NnsizeError {
  try {
    fn()
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected an error')
}

describe('bindArguments', () => {
  it('binds positional then keyword arguments and fills defaults', () => {
    const bound = bindArguments('nn.Linear', signature, [arg(n(3)), arg(n(4), 'out_features')], span)
    expect(bound.values).toEqual({ in_features: 3, out_features: 4, bias: true })
    expect(bound.spans['out_features']).toEqual({ start: 7, end: 9 })
    expect(bound.spans['bias']).toBeUndefined()
  })

  it('reports a missing required argument by name', () => {
    const e = errorOf(() => bindArguments('nn.Linear', signature, [arg(n(3))], span))
    expect(e.code).toBe('missing-argument')
    expect(e.message).toBe('`nn.Linear` is missing required argument `out_features`.')
  })

  it('reports too many positional arguments', () => {
    const e = errorOf(() => bindArguments('nn.Linear', signature, [arg(n(1)), arg(n(2)), arg(n(1)), arg(n(0))], span))
    expect(e.code).toBe('too-many-arguments')
    expect(e.message).toContain('at most 3 positional arguments')
  })

  it('reports an argument given twice', () => {
    const e = errorOf(() => bindArguments('nn.Linear', signature, [arg(n(1)), arg(n(2), 'in_features')], span))
    expect(e.message).toBe('`nn.Linear` got multiple values for argument `in_features`.')
  })

  it('checks types and values with the argument span', () => {
    const e = errorOf(() => bindArguments('nn.Linear', signature, [arg({ kind: 'float', value: 3.5 }), arg(n(2))], span))
    expect(e.code).toBe('argument-type')
    expect(e.message).toBe('`in_features` must be an int, got float `3.5`.')
    expect(e.span).toEqual({ start: 7, end: 9 })
    const negative = errorOf(() => bindArguments('nn.Linear', signature, [arg(n(-1)), arg(n(2))], span))
    expect(negative.code).toBe('argument-value')
    expect(negative.message).toBe('`in_features` must be non-negative, got `-1`.')
  })

  it('expands an int to a tuple and checks tuple length', () => {
    const sig = [ints('kernel_size', 2)]
    expect(bindArguments('nn.Conv2d', sig, [arg(n(3))], span).values['kernel_size']).toEqual([3, 3])
    const e = errorOf(() => bindArguments('nn.Conv2d', sig, [arg({ kind: 'tuple', items: [n(1), n(2), n(3)] })], span))
    expect(e.message).toContain('tuple of 2 ints')
  })

  it('checks string choices', () => {
    const sig = [str('mode', { default: 'zeros', choices: ['zeros', 'reflect'] })]
    const e = errorOf(() => bindArguments('x', sig, [arg({ kind: 'str', value: 'mirror' })], span))
    expect(e.message).toBe("`mode` must be one of 'zeros', 'reflect', got 'mirror'.")
  })

  it('refuses sizes beyond the exact-integer range', () => {
    const e = errorOf(() => bindArguments('nn.Linear', signature, [arg({ kind: 'int', value: 2n ** 60n }), arg(n(1))], span))
    expect(e.code).toBe('limit')
  })
})
