import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { Analysis } from '../../src/index.js'
import { errorOf } from '../support.js'
import { type CodeCountsCase, expectCodeCounts } from './reference.js'

/**
 * One line of `test/fixtures/real/examples.jsonl`: training scripts of pytorch/examples (kept unchanged under
 * `test/fixtures/real/pytorch-examples/`), run as `python main.py` with no command-line arguments, so that their
 * top-level `parser.parse_args()` gives the defaults; measured with PyTorch 2.13 by
 * `fixtures/real/scripts/measure_examples.py`.
 */
type ExampleCase = Omit<CodeCountsCase, 'files'> & {
  dir: string
  files: string[]
  module: string
  printed?: string[]
  /**
   * The script stops in `argparse` (its exit status and the last line it writes to stderr), or raises an exception at
   * the top level (`FileNotFoundError` where it reads data that is not kept here) on a line of the script.
   */
  error?: { exit_code: number; stderr: string } | { exception: string; line: number }
}

const fixtures = new URL('../fixtures/real/', import.meta.url)
const cases = readFileSync(new URL('examples.jsonl', fixtures), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as ExampleCase)

function build(c: ExampleCase): Analysis {
  const files = Object.fromEntries(c.files.map((path) => [path, readFileSync(fileURLToPath(new URL(`${c.dir}/${path}`, fixtures)), 'utf8')]))
  return analyze({ files, main: c.main, entry: c.entry, root: c.import_root })
}

describe('training scripts (pytorch/examples with argparse at the top level, ng-video-lecture) match PyTorch 2.13', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6)
  })
  for (const c of cases) {
    if (c.error && 'exception' in c.error) {
      const error = c.error
      it(`${c.id}: refused on the line where the script reads its data (${error.exception.slice(0, 60)})`, () => {
        // nnsize reads no files: it stops at the same \`open\` call, whether the data file exists or not.
        const e = errorOf(() => build(c))
        expect(error.exception).toMatch(/^FileNotFoundError: /)
        expect(e.code).toBe('unsupported')
        expect(e.message).toContain("`open('input.txt')` is not supported: nnsize never reads files")
        const text = readFileSync(fileURLToPath(new URL(`${c.dir}/${c.main}`, fixtures)), 'utf8')
        expect(e.span?.file).toBe(c.main)
        expect(text.slice(0, e.span!.start).split('\n').length, 'line').toBe(error.line)
      })
      continue
    }
    if (c.error) {
      const error = c.error
      it(`${c.id}: stops where argparse does, naming what the script needs`, () => {
        const e = errorOf(() => build(c))
        expect(error.exit_code).toBe(2)
        expect(e.code).toBe('exception')
        expect(e.message).toContain(error.stderr)
        expect(e.message).toContain('The script needs the option `--dataset`')
        expect(e.span?.file).toBe(c.main)
      })
      continue
    }
    it(`${c.id}: construction (${c.entry})`, () => {
      const result = build(c)
      expectCodeCounts(result, { ...c, files: {} } as unknown as CodeCountsCase)
      expect(result.notes ?? [], 'printed lines').toEqual(c.printed)
    })
  }
})
