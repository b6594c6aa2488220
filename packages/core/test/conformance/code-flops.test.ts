import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { readCases } from './reference.js'

/** The FLOP half of one line of `code.jsonl` (see CODE.md, `flops_fwd_flopcounter`). */
interface CodeFlopsCase {
  id: string
  files: Record<string, string>
  main: string
  import_root: string
  entry: string
  input_shape?: number[]
  input_shapes?: number[][]
  input_dtype?: string
  input_dtypes?: Array<string | null>
  forward_call?: string
  input_requires_grad?: boolean[]
  flops_fwd_flopcounter?: number
  flops_fwd_by_op?: Record<string, number>
}

const cases = readCases<CodeFlopsCase>('code.jsonl').filter((c) => c.flops_fwd_flopcounter !== undefined && (c.input_shape !== undefined || c.input_shapes !== undefined))
const only = process.env['NNSIZE_CASES']

function inputText(c: CodeFlopsCase): string {
  const shapes = c.input_shapes ?? [c.input_shape!]
  return shapes.map((shape, i) => `${shape.join(',')}:${c.input_dtypes?.[i] ?? c.input_dtype ?? 'float32'}`).join('; ')
}

describe('code.jsonl: FLOPs of one forward call as torch.utils.flop_counter.FlopCounterMode counts them (PyTorch 2.13, CPU)', () => {
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: ${c.flops_fwd_flopcounter} FLOPs`, () => {
      const forward = analyze({ files: c.files, main: c.main, entry: c.entry, root: c.import_root }, { input: inputText(c), device: 'cpu', call: c.forward_call, inputRequiresGrad: c.input_requires_grad }).forward!
      expect(Number(forward.flopCounter.total), 'total').toBe(c.flops_fwd_flopcounter)
      const byOp = Object.fromEntries(Object.entries(forward.flopCounter.byOp).map(([op, n]) => [op, Number(n)]))
      expect(byOp, 'by op').toEqual(c.flops_fwd_by_op ?? {})
    })
  }
})
