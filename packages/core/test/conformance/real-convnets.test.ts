import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { Analysis } from '../../src/index.js'
import { type CodeCountsCase, type CodeFlopsCase, type CodeForwardCase, codeInputText, expectCodeCounts, expectCodeFlops, expectCodeOutputs, expectCodeSavedBytes, readCases } from './reference.js'

/**
 * One line of `test/fixtures/real/convnets.jsonl`: the fields of `code.jsonl` (see ../shared/reference/CODE.md), measured
 * with PyTorch 2.13 by `test/fixtures/real/scripts/measure_convnets.py`, for unchanged files of other public repositories (their
 * sources and licences: `test/fixtures/real/CONVNETS.md`). The files are every `.py` file of the case's `dir`, as the
 * command line reads a folder; `error` is what PyTorch raised where a file fails in PyTorch itself.
 */
interface RealCase extends CodeCountsCase, CodeForwardCase, CodeFlopsCase {
  dir: string
  error?: string
  /** What PyTorch raised in the forward call, where the model builds but its forward fails in PyTorch itself. */
  forward_error?: string
  /** What `FlopCounterMode` raised where its own module tracking fails on a forward PyTorch runs (no FLOPs to check). */
  flops_error?: string
}

const fixtures = fileURLToPath(new URL('../fixtures/real/', import.meta.url))
const cases = readCases<Omit<RealCase, 'files'>>(join(fixtures, 'convnets.jsonl'))
const only = process.env['NNSIZE_CASES']

function pythonFiles(dir: string, out: string[] = [], depth = 0): string[] {
  if (depth > 8) return out
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) pythonFiles(join(dir, entry.name), out, depth + 1)
    else if (entry.name.endsWith('.py')) out.push(join(dir, entry.name))
  }
  return out
}

const filesByDir = new Map<string, Record<string, string>>()
function withFiles(c: Omit<RealCase, 'files'>): RealCase {
  let files = filesByDir.get(c.dir)
  if (!files) {
    const dir = join(fixtures, c.dir)
    files = Object.fromEntries(pythonFiles(dir).map((path) => [relative(dir, path).replace(/\\/g, '/'), readFileSync(path, 'utf8')]))
    filesByDir.set(c.dir, files)
  }
  return { ...c, files }
}

const results = new Map<string, Analysis>()
function run(c: RealCase): Analysis {
  let result = results.get(c.id)
  if (!result) {
    result = analyze({ files: c.files, main: c.main, entry: c.entry, root: c.import_root }, (c.input_shape || c.input_shapes) && !c.forward_error ? { input: codeInputText(c), device: 'cpu', call: c.forward_call } : {})
    results.set(c.id, result)
  }
  return result
}

describe('convolutional model files of CIFAR model zoos, U-Nets, VAEs and GANs match PyTorch 2.13 (test/fixtures/real/CONVNETS.md)', () => {
  it('has the measured cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(143)
  })
  for (const line of cases) {
    if (only && !line.id.includes(only)) continue
    const c = withFiles(line)
    if (c.error) {
      it(`${c.id}: refused, as PyTorch refuses it (${c.error.slice(0, 80)})`, () => {
        expect(() => run(c)).toThrow()
      })
      continue
    }
    it(`${c.id}: construction`, () => {
      expectCodeCounts(run(c), c)
    })
    if (!c.input_shape && !c.input_shapes) continue
    if (c.forward_error) {
      // PyTorch's message up to its first parenthesis or comma (`view size is not compatible with input tensor's size
      // and stride`, `Expected more than 1 spatial element when training`).
      const message = c.forward_error.slice(c.forward_error.indexOf(': ') + 2).split(/\s*[(,]/)[0]!
      it(`${c.id}: forward refused, as PyTorch refuses it`, () => {
        expect(() => analyze({ files: c.files, main: c.main, entry: c.entry, root: c.import_root }, { input: codeInputText(c), device: 'cpu', call: c.forward_call })).toThrow(message)
      })
      continue
    }
    it(`${c.id}: output shapes`, () => {
      expectCodeOutputs(run(c).forward!, c)
    })
    it(`${c.id}: saved activation bytes`, () => {
      expectCodeSavedBytes(run(c).forward!, c)
    })
    if (c.flops_error) continue
    it(`${c.id}: FLOPs as FlopCounterMode counts them`, () => {
      expectCodeFlops(run(c).forward!, c)
    })
  }
})
