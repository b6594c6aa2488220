import { afterAll, describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { inputShapesOf, readCases } from './reference.js'

const cases = readCases('torchvision.jsonl')
const only = process.env['NNSIZE_CASES']
const inexact: string[] = []
let checked = 0

describe('torchvision.jsonl: every torchvision model matches PyTorch 1.13 (parameters, buffers, forward on the cpu profile, torch: 1.13)', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: ${c.expr} on ${JSON.stringify(inputShapesOf(c))}`, () => {
      const result = analyze(c.expr, { input: inputShapesOf(c)!, device: 'cpu', torch: '1.13' })
      expect(Number(result.params.total)).toBe(c.params)
      expect(Number(result.params.trainable)).toBe(c.trainable_params)
      expect(Number(result.params.bytes)).toBe(c.param_bytes)
      expect(Number(result.buffers.total)).toBe(c.buffers)
      expect(Number(result.buffers.bytes)).toBe(c.buffer_bytes)
      expect(result.tensors.filter((t) => t.kind === 'parameter').length).toBe(c.param_tensors)
      const forward = result.forward!
      expect([...forward.outputs[0]!.shape]).toEqual(c.output_shape)
      const saved = Number(forward.savedBytes)
      const withInput = Number(forward.savedBytesWithInput)
      if (saved !== c.saved_activation_bytes || withInput !== c.saved_activation_bytes_incl_input) inexact.push(c.id)
      expect(Math.abs(saved - c.saved_activation_bytes!)).toBeLessThanOrEqual(0.05 * c.saved_activation_bytes!)
      expect(Math.abs(withInput - c.saved_activation_bytes_incl_input!)).toBeLessThanOrEqual(0.05 * c.saved_activation_bytes_incl_input!)
      checked++
    })
  }
  afterAll(() => {
    // Every torchvision case is byte-exact; a difference within 5% still fails here so that it is noticed.
    if (!only && checked === cases.length) expect(inexact, `not byte-exact: ${inexact.join(', ')}`).toEqual([])
  })
})
