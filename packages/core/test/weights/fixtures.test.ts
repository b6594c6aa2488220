import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader } from '../../src/index.js'

/** The fixtures written by test/fixtures/weights/generate.py, with the values read back by the writing library. */
const dir = fileURLToPath(new URL('../fixtures/weights/', import.meta.url))
const cases = readFileSync(`${dir}fixtures.jsonl`, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { id: string; file: string; format: string; tensors: Array<{ name: string; shape: number[]; dtype: string; bytes: number }>; params: number; bytes: number; [key: string]: unknown })

describe('weight-file fixtures (generate.py)', () => {
  for (const c of cases) {
    it(`${c.id}: ${String(c['notes'])}`, async () => {
      const a = await analyzeWeights(bytesReader(c.file, new Uint8Array(readFileSync(dir + c.file))))
      const w = a.weights
      expect(w.format).toBe(c.format)
      expect(w.tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, bytes: Number(t.bytes) }))).toEqual(c.tensors)
      expect(Number(w.params)).toBe(c.params)
      expect(Number(w.bytes)).toBe(c.bytes)
      const file = w.files[0]!
      if (file.format === 'gguf' && c['gguf_version'] !== undefined) expect(file.version).toBe(c['gguf_version'])
      if (file.format === 'onnx') {
        expect({ count: file.constantNodes.count, elements: Number(file.constantNodes.elements) }).toEqual(c['constant_nodes'])
        expect(file.nodes).toBe(c['nodes'])
      }
    })
  }

  it('covers every format but Keras (no Keras writer here) with more than the reference files', () => {
    expect(new Set(cases.map((c) => c.format))).toEqual(new Set(['pytorch', 'safetensors', 'gguf', 'onnx']))
  })
})
