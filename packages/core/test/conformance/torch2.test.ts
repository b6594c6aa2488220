import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { inputShapesOf, readCases } from './reference.js'

// ../shared/reference/torch2/layers.jsonl: torch.nn modules and arguments new since PyTorch 1.13, and earlier
// cases re-measured where PyTorch 2.x saves other tensors, all measured with PyTorch 2.13 on CPU. They pass with
// the default version (2.13) byte for byte.

const cases = readCases('torch2/layers.jsonl')
const only = process.env['NNSIZE_CASES']

describe('torch2/layers.jsonl: parameters, buffers, names, output shapes and saved activations match PyTorch 2.13 (default version, cpu profile)', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    const shapes = inputShapesOf(c)
    it(`${c.id}: ${c.expr.length > 80 ? `${c.expr.slice(0, 80)}…` : c.expr}${shapes ? ` on ${JSON.stringify(shapes)}` : ''}`, () => {
      const result = analyze(c.expr, shapes ? { input: shapes, device: 'cpu' } : {})
      expect(Number(result.params.total)).toBe(c.params)
      expect(Number(result.params.trainable)).toBe(c.trainable_params)
      expect(Number(result.params.bytes)).toBe(c.param_bytes)
      expect(Number(result.buffers.total)).toBe(c.buffers)
      expect(Number(result.buffers.bytes)).toBe(c.buffer_bytes)
      const names = Object.fromEntries(result.tensors.filter((t) => t.kind === 'parameter').map((t) => [t.name, t.shape]))
      expect(Object.keys(names)).toEqual(Object.keys(c.param_shapes!))
      expect(names).toEqual(c.param_shapes)
      if (!shapes) return
      const forward = result.forward!
      expect(forward.torch).toBe('2.13')
      expect([...forward.outputs[0]!.shape]).toEqual(c.output_shape)
      expect(Number(forward.savedBytes)).toBe(c.saved_activation_bytes)
      expect(Number(forward.savedBytesWithInput)).toBe(c.saved_activation_bytes_incl_input)
    })
  }
})
