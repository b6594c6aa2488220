import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { Analysis, TensorEntry } from '../../src/index.js'
import { type CodeCase, codeInputText } from './reference.js'

/**
 * One line of `test/fixtures/real/transformers.jsonl`: GPT and vision-transformer files of other public repositories
 * (kept unchanged under `test/fixtures/real/<owner>-<repo>/`, see the README there), measured with PyTorch 2.13 by
 * `fixtures/real/scripts/measure_transformers.py` with the fields and method of `code.jsonl` (CODE.md).
 */
interface RealCase {
  id: string
  dir: string
  files: string[]
  module: string
  main: string
  /** The folder (inside `dir`) first on `sys.path`; `""` for the top. */
  import_root: string
  entry: string
  printed: string[]
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
  input_shape?: number[]
  input_shapes?: number[][]
  input_dtype?: string
  output_shape: number[]
  output_structure?: string
  output_shapes?: number[][]
  saved_activation_bytes: number
  saved_activation_bytes_incl_input: number
  flops_fwd_flopcounter: number
  flops_fwd_by_op: Record<string, number>
  flops_fwd_sdpa_cpu?: number
}

const fixtures = new URL('../fixtures/real/', import.meta.url)
const cases = readFileSync(new URL('transformers.jsonl', fixtures), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as RealCase)
const only = process.env['NNSIZE_CASES']

/** The case as `code.jsonl` gives one: the files' texts read from the fixture folder. */
function codeCase(c: RealCase): CodeCase {
  const files = Object.fromEntries(c.files.map((path) => [path, readFileSync(fileURLToPath(new URL(`${c.dir}/${path}`, fixtures)), 'utf8')]))
  return { ...c, files, import_root: c.import_root }
}

function build(c: RealCase): Analysis {
  const k = codeCase(c)
  return analyze({ files: k.files, main: k.main, entry: k.entry, root: k.import_root })
}

function run(c: RealCase): Analysis {
  const k = codeCase(c)
  return analyze({ files: k.files, main: k.main, entry: k.entry, root: k.import_root }, { input: codeInputText(k), device: 'cpu' })
}

function dtypeTotals(tensors: readonly TensorEntry[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const t of tensors) out[t.dtype] = (out[t.dtype] ?? 0) + Number(t.elementCount)
  return out
}

describe('GPT and vision-transformer files of other repositories (nanoGPT, minGPT, makemore, vit-pytorch, mamba-minimal) match PyTorch 2.13', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(33)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: construction (${c.entry})`, () => {
      const result = build(c)
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
      expect(params.map((t) => [t.name, t.shape]), 'parameter names and shapes').toEqual(Object.entries(c.param_shapes))
      expect(buffers.map((t) => [t.name, t.shape]), 'buffer names and shapes').toEqual(Object.entries(c.buffer_shapes))
      expect(buffers.filter((t) => !t.persistent).map((t) => t.name), 'non-persistent buffers').toEqual(c.non_persistent_buffers ?? [])
      expect(params.filter((t) => !t.trainable).map((t) => t.name), 'frozen parameters').toEqual(c.frozen_params ?? [])
      for (const group of c.tied_params ?? []) {
        const listed = group.filter((name) => params.some((t) => t.name === name))
        expect(listed, `tied group ${group.join(', ')}`).toEqual([group[0]])
      }
      expect(result.notes ?? [], 'printed lines').toEqual(c.printed)
    })
    it(`${c.id}: forward (output shapes, saved activation bytes, FlopCounterMode FLOPs)`, () => {
      const forward = run(c).forward!
      expect(forward.outputShape, 'output shape').toEqual(c.output_shape)
      if (c.output_shapes) expect(forward.outputShapes, 'output shapes').toEqual(c.output_shapes)
      expect(forward.outputStructure, 'output structure').toBe(c.output_structure ?? 'T')
      expect(Number(forward.savedBytes), 'saved activation bytes').toBe(c.saved_activation_bytes)
      expect(Number(forward.savedBytesWithInput), 'saved activation bytes incl. input').toBe(c.saved_activation_bytes_incl_input)
      expect(Number(forward.flopCounter.total), 'FlopCounterMode total').toBe(c.flops_fwd_flopcounter)
      const byOp = Object.fromEntries(Object.entries(forward.flopCounter.byOp).map(([op, n]) => [op, Number(n)]))
      expect(byOp, 'FlopCounterMode by op').toEqual(c.flops_fwd_by_op)
    })
  }
})
