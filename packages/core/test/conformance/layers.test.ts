import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { readCases } from './reference.js'

const cases = readCases('layers.jsonl')
const only = process.env['NNSIZE_CASES']

describe('layers.jsonl: parameters, buffers and names match PyTorch 1.13 (torch: 1.13)', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(500)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: ${c.expr.length > 90 ? `${c.expr.slice(0, 90)}…` : c.expr}`, () => {
      const result = analyze(c.expr, { torch: '1.13' })
      expect(Number(result.params.total)).toBe(c.params)
      expect(Number(result.params.trainable)).toBe(c.trainable_params)
      expect(Number(result.params.bytes)).toBe(c.param_bytes)
      expect(Number(result.buffers.total)).toBe(c.buffers)
      expect(Number(result.buffers.bytes)).toBe(c.buffer_bytes)
      if (c.param_shapes) {
        const shapes = Object.fromEntries(result.tensors.filter((t) => t.kind === 'parameter').map((t) => [t.name, t.shape]))
        expect(Object.keys(shapes)).toEqual(Object.keys(c.param_shapes))
        expect(shapes).toEqual(c.param_shapes)
      }
    })
  }
})
