import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { Analysis } from '../../src/index.js'
import { type CodeForwardCase, codeInputText, expectCodeOutputs, expectCodeSavedBytes, readCases } from './reference.js'

const cases = readCases<CodeForwardCase>('code.jsonl').filter((c) => c.input_shape !== undefined || c.input_shapes !== undefined)
const only = process.env['NNSIZE_CASES']

function run(c: CodeForwardCase): Analysis {
  return analyze({ files: c.files, main: c.main, entry: c.entry, root: c.import_root }, { input: codeInputText(c), device: 'cpu', call: c.forward_call, inputRequiresGrad: c.input_requires_grad })
}

describe('code.jsonl: the forward pass of real model files matches PyTorch 2.13 (CPU kernels, training mode)', () => {
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: output shapes`, () => {
      expectCodeOutputs(run(c).forward!, c)
    })
    it(`${c.id}: saved activation bytes`, () => {
      expectCodeSavedBytes(run(c).forward!, c)
    })
  }
})

describe.runIf(process.env['NNSIZE_REPORT'])('code.jsonl forward report', () => {
  it('reports every case', () => {
    const lines: string[] = []
    for (const c of cases) {
      if (only && !c.id.includes(only)) continue
      try {
        const forward = run(c).forward!
        const shapes = forward.outputs.map((t) => [...t.shape])
        const outputOk = JSON.stringify(shapes[0]) === JSON.stringify(c.output_shape) && (!c.output_shapes || JSON.stringify(shapes) === JSON.stringify(c.output_shapes)) && forward.outputStructure === (c.output_structure ?? 'T')
        const savedOk = Number(forward.savedBytes) === c.saved_activation_bytes && Number(forward.savedBytesWithInput) === c.saved_activation_bytes_incl_input
        lines.push(`${c.id}\t${outputOk ? 'OUT' : `out ${forward.outputStructure} ${JSON.stringify(shapes)} vs ${c.output_structure} ${JSON.stringify(c.output_shapes ?? c.output_shape)}`}\t${savedOk ? 'SAVED' : `saved ${forward.savedBytes}/${forward.savedBytesWithInput} vs ${c.saved_activation_bytes}/${c.saved_activation_bytes_incl_input}`}`)
      } catch (error) {
        lines.push(`${c.id}\tERROR ${(error as Error).message.slice(0, 200)}`)
      }
    }
    console.log(lines.join('\n'))
    expect(lines.length).toBeGreaterThan(0)
  })
})
