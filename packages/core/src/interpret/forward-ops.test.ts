import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyze } from '../index.js'

/** Model files measured with PyTorch 2.13 (CPU, training mode) by test/fixtures/forward/generate_ops.py. */
interface MeasuredCase {
  source: string
  input: string
  call: string | null
  output_shapes: number[][]
  output_structure: string
  saved_activation_bytes: number
  saved_activation_bytes_incl_input: number
}

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/forward')
const measured = JSON.parse(readFileSync(resolve(fixtures, 'ops-cases.json'), 'utf8')) as { cases: Record<string, MeasuredCase> }

describe('einsum, attention masks, exponents and in-place arithmetic in forward match PyTorch 2.13 (CPU kernels)', () => {
  for (const [name, c] of Object.entries(measured.cases)) {
    it(name, () => {
      const forward = analyze(c.source, { input: c.input, device: 'cpu', ...(c.call ? { call: c.call } : {}) }).forward!
      expect(forward, 'forward traced').toBeDefined()
      expect(forward.outputShapes, 'output shapes').toEqual(c.output_shapes)
      expect(forward.outputStructure, 'output structure').toBe(c.output_structure)
      expect(Number(forward.savedBytes), 'saved activation bytes').toBe(c.saved_activation_bytes)
      expect(Number(forward.savedBytesWithInput), 'saved activation bytes incl. input').toBe(c.saved_activation_bytes_incl_input)
    })
  }
})
