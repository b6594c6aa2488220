import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { errorOf } from '../../test/support.js'
import { floatFloorDiv } from './adaptive.js'

describe('adaptiveLogSoftmaxWithLoss', () => {
  it('builds a head and one two-layer projection per cluster, as PyTorch 2.13 names and sizes them', () => {
    const r = analyze('nn.AdaptiveLogSoftmaxWithLoss(100, 1000, [10, 20, 300], div_value=3.0, head_bias=True)')
    expect(r.params.total).toBe(11523n)
    expect(r.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['head.weight', [13, 100]],
      ['head.bias', [13]],
      ['tail.0.0.weight', [33, 100]],
      ['tail.0.1.weight', [10, 33]],
      ['tail.1.0.weight', [11, 100]],
      ['tail.1.1.weight', [280, 11]],
      ['tail.2.0.weight', [3, 100]],
      ['tail.2.1.weight', [700, 3]],
    ])
    expect(analyze('nn.AdaptiveLogSoftmaxWithLoss(64, 1000, [100, 500], div_value=2.0)').params.total).toBe(30400n)
  })

  it('checks the cutoffs as PyTorch does', () => {
    expect(errorOf(() => analyze('nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5, 3])')).message).toContain('sorted in an increasing order')
    expect(errorOf(() => analyze('nn.AdaptiveLogSoftmaxWithLoss(8, 10, [10])')).message).toContain('between 1 and n_classes-1')
    expect(errorOf(() => analyze('nn.AdaptiveLogSoftmaxWithLoss(8, 10, [])')).message).toContain('length larger than 0')
  })

  it('refuses a forward pass, which depends on the target values', () => {
    expect(errorOf(() => analyze('nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5])', { input: '4,8; 4:int64' })).message).toContain("depends on the target's values")
  })
})

describe('floatFloorDiv', () => {
  it("follows Python's float floor division", () => {
    expect(floatFloorDiv(100, 3)).toBe(33)
    expect(floatFloorDiv(100, 27)).toBe(3)
    expect(floatFloorDiv(-7, 2)).toBe(-4)
    expect(floatFloorDiv(1, 0.1)).toBe(9)
  })
})
