import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { Analysis } from '../../src/index.js'
import { type CodeCountsCase, type CodeFlopsCase, type CodeForwardCase, codeInputText, expectCodeCounts, expectCodeFlops, expectCodeOutputs, expectCodeSavedBytes } from './reference.js'

/**
 * One line of `test/fixtures/real/more.jsonl`: model files of more public repositories (CycleGAN and pix2pix, pygcn,
 * VQ-VAE-2, Conformer, CIFAR-ZOO, HiFi-GAN, MLP-Mixer, ConvMixer, RepVGG), kept unchanged under
 * `test/fixtures/real/<owner>-<repo>/` (sources, commits and licences: `test/fixtures/real/MORE.md`), measured with
 * PyTorch 2.13 (CPU) by `test/fixtures/real/scripts/measure_more.py` with the fields and method of `code.jsonl`
 * (CODE.md).
 */
type RealCase = Omit<CodeCountsCase & CodeForwardCase & CodeFlopsCase, 'files'> & {
  dir: string
  /** The case's files, by path below `dir`. */
  files: string[]
  module: string
  /** The lines the files print while the model is built. */
  printed: string[]
}

const fixtures = new URL('../fixtures/real/', import.meta.url)
const cases = readFileSync(new URL('more.jsonl', fixtures), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as RealCase)
const only = process.env['NNSIZE_CASES']

/** The case as `code.jsonl` gives one: the files' texts read from the fixture folder. */
function codeCase(c: RealCase): CodeCountsCase & CodeForwardCase & CodeFlopsCase {
  const files = Object.fromEntries(c.files.map((path) => [path, readFileSync(fileURLToPath(new URL(`${c.dir}/${path}`, fixtures)), 'utf8')]))
  return { ...c, files }
}

function build(c: RealCase): Analysis {
  const k = codeCase(c)
  return analyze({ files: k.files, main: k.main, entry: k.entry, root: k.import_root })
}

function run(c: RealCase): Analysis {
  const k = codeCase(c)
  return analyze({ files: k.files, main: k.main, entry: k.entry, root: k.import_root }, { input: codeInputText(k), device: 'cpu', call: k.forward_call })
}

describe('model files of more repositories (CycleGAN and pix2pix, pygcn, VQ-VAE-2, Conformer, CIFAR-ZOO, HiFi-GAN, MLP-Mixer, ConvMixer, RepVGG) match PyTorch 2.13', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: construction (${c.entry})`, () => {
      const result = build(c)
      expectCodeCounts(result, codeCase(c))
      expect(result.notes ?? [], 'printed lines').toEqual(c.printed)
    })
    // Cases measured without a forward call are built only (see measure_more.py).
    if (!c.input_shape && !c.input_shapes) continue
    it(`${c.id}: forward (output shapes, saved activation bytes, FlopCounterMode FLOPs)`, () => {
      const forward = run(c).forward!
      const k = codeCase(c)
      // A model that is a built-in module (the `nn.Sequential` MLP-Mixer and ConvMixer return) has no
      // `outputStructure`: its output is one tensor, `T`.
      expectCodeOutputs({ ...forward, outputStructure: forward.outputStructure ?? 'T' }, k)
      expectCodeSavedBytes(forward, k)
      expectCodeFlops(forward, k)
    })
  }
})
