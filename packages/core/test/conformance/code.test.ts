import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { TensorEntry } from '../../src/index.js'
import { type CodeCase, readCases } from './reference.js'

/** One line of `code.jsonl`: real model files, the entry that builds the model, and what PyTorch 2.13 reports (see CODE.md). */
interface CodeCountsCase extends CodeCase {
  params: number
  trainable_params: number
  param_bytes: number
  param_tensors: number
  param_dtypes: Record<string, number>
  buffers: number
  buffer_bytes: number
  buffer_tensors: number
  buffer_dtypes: Record<string, number>
  non_persistent_buffers?: string[]
  tied_params?: string[][]
  frozen_params?: string[]
  param_shapes: Record<string, number[]>
  buffer_shapes: Record<string, number[]>
}

const cases = readCases<CodeCountsCase>('code.jsonl')
const only = process.env['NNSIZE_CASES']

function dtypeTotals(tensors: readonly TensorEntry[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const t of tensors) out[t.dtype] = (out[t.dtype] ?? 0) + Number(t.elementCount)
  return out
}

describe('code.jsonl: real model files read without running them match PyTorch 2.13 (construction)', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(42)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: ${c.entry}`, () => {
      const result = analyze({ files: c.files, main: c.main, entry: c.entry, root: c.import_root })
      const params = result.tensors.filter((t) => t.kind === 'parameter')
      const buffers = result.tensors.filter((t) => t.kind === 'buffer')
      expect(Number(result.params.total), 'parameters').toBe(c.params)
      expect(Number(result.params.trainable), 'trainable parameters').toBe(c.trainable_params)
      expect(Number(result.params.bytes), 'parameter bytes').toBe(c.param_bytes)
      expect(params.length, 'parameter tensors').toBe(c.param_tensors)
      expect(dtypeTotals(params), 'parameter dtypes').toEqual(c.param_dtypes)
      expect(Number(result.buffers.total), 'buffer elements').toBe(c.buffers)
      expect(Number(result.buffers.bytes), 'buffer bytes').toBe(c.buffer_bytes)
      expect(buffers.length, 'buffer tensors').toBe(c.buffer_tensors)
      expect(dtypeTotals(buffers), 'buffer dtypes').toEqual(c.buffer_dtypes)
      // Names and shapes in `named_parameters()` / `named_buffers()` order.
      expect(params.map((t) => [t.name, t.shape]), 'parameter names and shapes').toEqual(Object.entries(c.param_shapes))
      expect(buffers.map((t) => [t.name, t.shape]), 'buffer names and shapes').toEqual(Object.entries(c.buffer_shapes))
      expect(buffers.filter((t) => !t.persistent).map((t) => t.name), 'non-persistent buffers').toEqual(c.non_persistent_buffers ?? [])
      expect(params.filter((t) => !t.trainable).map((t) => t.name), 'frozen parameters').toEqual(c.frozen_params ?? [])
      // Tied parameters: one tensor under several names, listed once under the first.
      for (const group of c.tied_params ?? []) {
        const listed = group.filter((name) => params.some((t) => t.name === name))
        expect(listed, `tied group ${group.join(', ')}`).toEqual([group[0]])
      }
    })
  }
})
