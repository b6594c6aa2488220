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
  /** The script stops in `argparse`: its exit status and the last line it writes to stderr. */
  error?: { exit_code: number; stderr: string }
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

describe('pytorch/examples training scripts (argparse at the top level) match PyTorch 2.13', () => {
  it('has the cases', () => {
    expect(cases.length).toBe(4)
  })
  for (const c of cases) {
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
