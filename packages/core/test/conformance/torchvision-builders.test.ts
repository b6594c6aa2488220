import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { Analysis } from '../../src/index.js'

/**
 * What torchvision 0.28 builds for the detection, segmentation, video, optical-flow and quantization
 * builders under many arguments (`num_classes`, `aux_loss`, `weights`, `weights_backbone=None`,
 * `trainable_backbone_layers`, …), measured with PyTorch 2.13 by `test/fixtures/torchvision-0.28.py`:
 * a SHA-256 of `named_parameters()` (name, shape, requires_grad), of `named_buffers()` (name, shape,
 * dtype) and of `named_modules()` (name, class), the full listings for some, and for some the output
 * shapes and bytes saved for backward of a training forward on the CPU.
 */
interface BuilderCase {
  expr: string
  class: string
  params: string
  buffers: string
  modules: string
  param_list?: string
  buffer_list?: string
  input_shapes?: number[][]
  output_shapes?: number[][]
  saved?: number
  saved_with_input?: number
}

const fixture = fileURLToPath(new URL('../fixtures/torchvision-0.28.jsonl', import.meta.url))
const cases: BuilderCase[] = readFileSync(fixture, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as BuilderCase)


const key = (c: BuilderCase): string => `${c.expr}${c.input_shapes ? `|${JSON.stringify(c.input_shapes)}` : ''}`

/** The rows PyTorch lists, as the fixture script writes them: fields joined by spaces, shapes as `AxBxC`. */
function rows(analysis: Analysis): { params: string[]; buffers: string[]; modules: string[] } {
  const tensors = analysis.tensors
  return {
    params: tensors.filter((t) => t.kind === 'parameter').map((t) => `${t.name} ${t.shape.join('x')} ${t.trainable ? 1 : 0}`),
    buffers: tensors.filter((t) => t.kind === 'buffer').map((t) => `${t.name} ${t.shape.join('x')} ${t.dtype}`),
    modules: analysis.modules.map((m) => `${m.path} ${m.type}`),
  }
}

const sha256 = (lines: readonly string[]): string => createHash('sha256').update(lines.join('\n')).digest('hex')

/** Undoes the fixture's front coding: `<shared prefix length> <rest of the name> <fields…>` per line. */
function unfront(listing: string): string[] {
  let previous = ''
  return listing.split('\n').map((line) => {
    const [shared, rest, ...fields] = line.split(' ')
    const name = previous.slice(0, Number(shared)) + (rest ?? '')
    previous = name
    return [name, ...fields].join(' ')
  })
}

describe('torchvision 0.28 builders (test/fixtures/torchvision-0.28.jsonl): names, shapes, trainable flags, buffers, classes, forward', () => {
  it('has the measured cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(90)
  })
  for (const c of cases) {
    it(key(c), () => {
      const analysis = analyze(c.expr, c.input_shapes ? { input: c.input_shapes, device: 'cpu' } : {})
      expect(analysis.module).toBe(c.class)
      const got = rows(analysis)
      if (c.param_list !== undefined) expect(got.params).toEqual(unfront(c.param_list))
      if (c.buffer_list !== undefined) expect(got.buffers).toEqual(c.buffer_list === '' ? [] : unfront(c.buffer_list))
      expect(sha256(got.params), 'named_parameters() (name, shape, requires_grad)').toBe(c.params)
      expect(sha256(got.buffers), 'named_buffers() (name, shape, dtype)').toBe(c.buffers)
      expect(sha256(got.modules), 'named_modules() (name, class)').toBe(c.modules)
      if (!c.input_shapes) return
      const forward = analysis.forward!
      expect(forward.outputs.map((o) => [...o.shape]), 'output shapes').toEqual(c.output_shapes)
      expect(Number(forward.savedBytes), 'saved bytes').toBe(c.saved)
      expect(Number(forward.savedBytesWithInput), 'saved bytes with input').toBe(c.saved_with_input)
    })
  }
})
