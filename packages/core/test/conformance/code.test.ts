import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { type CodeCountsCase, expectCodeCounts, readCases } from './reference.js'

const cases = readCases<CodeCountsCase>('code.jsonl')
const only = process.env['NNSIZE_CASES']

describe('code.jsonl: real model files read without running them match PyTorch 2.13 (construction)', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(42)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: ${c.entry}`, () => {
      expectCodeCounts(analyze({ files: c.files, main: c.main, entry: c.entry, root: c.import_root }), c)
    })
  }
})
