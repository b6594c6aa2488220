import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { type CodeCase, codeInputText, readCases } from './reference.js'

/** The FLOP half of one line of `code.jsonl` (see CODE.md, `flops_fwd_flopcounter`). */
interface CodeFlopsCase extends CodeCase {
  flops_fwd_flopcounter?: number
  flops_fwd_by_op?: Record<string, number>
}

const cases = readCases<CodeFlopsCase>('code.jsonl').filter((c) => c.flops_fwd_flopcounter !== undefined && (c.input_shape !== undefined || c.input_shapes !== undefined))
const only = process.env['NNSIZE_CASES']

describe('code.jsonl: FLOPs of one forward call as torch.utils.flop_counter.FlopCounterMode counts them (PyTorch 2.13, CPU)', () => {
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: ${c.flops_fwd_flopcounter} FLOPs`, () => {
      const forward = analyze({ files: c.files, main: c.main, entry: c.entry, root: c.import_root }, { input: codeInputText(c), device: 'cpu', call: c.forward_call, inputRequiresGrad: c.input_requires_grad }).forward!
      expect(Number(forward.flopCounter.total), 'total').toBe(c.flops_fwd_flopcounter)
      const byOp = Object.fromEntries(Object.entries(forward.flopCounter.byOp).map(([op, n]) => [op, Number(n)]))
      expect(byOp, 'by op').toEqual(c.flops_fwd_by_op ?? {})
    })
  }
})
