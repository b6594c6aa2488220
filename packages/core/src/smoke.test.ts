import { describe, expect, it } from 'vitest'
import { analyze } from './index.js'

describe('analyze', () => {
  it('counts Conv2d(128, 256, 3) as PyTorch does', () => {
    const r = analyze('nn.Conv2d(128, 256, 3)')
    expect(r.params.total).toBe(295168n)
    expect(r.params.bytes).toBe(1180672n)
    expect(r.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['weight', [256, 128, 3, 3]],
      ['bias', [256]],
    ])
  })
})
