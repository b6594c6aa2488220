import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { inputShapesOf, readCases, torch213FixtureDir } from './reference.js'
import type { ReferenceCase } from './reference.js'
import { resolve } from 'node:path'

// Every forward case of ../shared/reference/layers.jsonl and torchvision.jsonl, re-measured with PyTorch 2.13
// (test/fixtures/torch213, see its README): with the default version they match byte for byte.

const only = process.env['NNSIZE_CASES']

for (const file of ['layers.jsonl', 'torchvision.jsonl']) {
  const cases = readCases<ReferenceCase & { changed_since_torch113?: string[] }>(resolve(torch213FixtureDir, file)).filter((c) => inputShapesOf(c) !== undefined)
  describe(`fixtures/torch213/${file}: output shapes and saved activations match PyTorch 2.13 (default version, cpu profile)`, () => {
    it('has the re-measured cases', () => {
      expect(cases.length).toBeGreaterThanOrEqual(file === 'layers.jsonl' ? 497 : 8)
    })
    for (const c of cases) {
      if (only && !c.id.includes(only)) continue
      it(`${c.id}${c.changed_since_torch113 ? ' (changed since 1.13)' : ''}: ${c.expr.length > 80 ? `${c.expr.slice(0, 80)}…` : c.expr} on ${JSON.stringify(inputShapesOf(c))}`, () => {
        const forward = analyze(c.expr, { input: inputShapesOf(c)!, device: 'cpu' }).forward!
        expect([...forward.outputs[0]!.shape]).toEqual(c.output_shape)
        expect(Number(forward.savedBytes)).toBe(c.saved_activation_bytes)
        expect(Number(forward.savedBytesWithInput)).toBe(c.saved_activation_bytes_incl_input)
      })
    }
  })
}
