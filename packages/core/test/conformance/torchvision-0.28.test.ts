import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { inputShapesOf, readCases } from './reference.js'
import type { ReferenceCase } from './reference.js'

/** A line of `torch2/torchvision.jsonl` (torchvision 0.28, PyTorch 2.13). */
interface Torch2Case extends ReferenceCase {
  group: string
}


const cases = readCases<Torch2Case>('torch2/torchvision.jsonl')
const only = process.env['NNSIZE_CASES']

describe('torch2/torchvision.jsonl: torchvision 0.28 under PyTorch 2.13 (every figure exact; forward on the cpu profile)', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    const input = inputShapesOf(c)
    it(`${c.id}: ${c.expr}${input ? ` on ${JSON.stringify(input)}` : ''}`, () => {
      const result = analyze(c.expr, input ? { input, device: 'cpu' } : {})
      expect(Number(result.params.total), 'params').toBe(c.params)
      expect(Number(result.params.trainable), 'trainable params').toBe(c.trainable_params)
      expect(Number(result.params.bytes), 'param bytes').toBe(c.param_bytes)
      expect(Number(result.buffers.total), 'buffers').toBe(c.buffers)
      expect(Number(result.buffers.bytes), 'buffer bytes').toBe(c.buffer_bytes)
      expect(result.tensors.filter((t) => t.kind === 'parameter').length, 'parameter tensors').toBe(c.param_tensors)
      if (!input) return
      const forward = result.forward!
      expect([...forward.outputs[0]!.shape], 'output shape').toEqual(c.output_shape)
      expect(Number(forward.savedBytes), 'saved bytes').toBe(c.saved_activation_bytes)
      expect(Number(forward.savedBytesWithInput), 'saved bytes with input').toBe(c.saved_activation_bytes_incl_input)
    })
  }
})
