import { describe, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { type CodeFlopsCase, codeInputText, expectCodeFlops, readCases } from './reference.js'

const cases = readCases<CodeFlopsCase>('code.jsonl').filter((c) => c.flops_fwd_flopcounter !== undefined && (c.input_shape !== undefined || c.input_shapes !== undefined))
const only = process.env['NNSIZE_CASES']

describe('code.jsonl: FLOPs of one forward call as torch.utils.flop_counter.FlopCounterMode counts them (PyTorch 2.13, CPU)', () => {
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: ${c.flops_fwd_flopcounter} FLOPs`, () => {
      expectCodeFlops(analyze({ files: c.files, main: c.main, entry: c.entry, root: c.import_root }, { input: codeInputText(c), device: 'cpu', call: c.forward_call, inputRequiresGrad: c.input_requires_grad }).forward!, c)
    })
  }
})
