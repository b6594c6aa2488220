import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { Analysis } from '../../src/index.js'
import { errorOf } from '../support.js'
import { type CodeCountsCase, type CodeFlopsCase, type CodeForwardCase, codeInputText, expectCodeCounts, expectCodeFlops, expectCodeOutputs, expectCodeSavedBytes } from './reference.js'

/**
 * One line of `test/fixtures/real/transformers.jsonl`: GPT and vision-transformer files of other public repositories
 * (kept unchanged under `test/fixtures/real/<owner>-<repo>/`, see the README there), measured with PyTorch 2.13 by
 * `fixtures/real/scripts/measure_transformers.py` with the fields and method of `code.jsonl` (CODE.md).
 */
type RealCase = Omit<CodeCountsCase & CodeForwardCase & CodeFlopsCase, 'files'> & {
  dir: string
  /** The case's files, by path below `dir`. */
  files: string[]
  module: string
  /** The lines the files print while the model is built. */
  printed: string[]
  flops_fwd_sdpa_cpu?: number
}

const fixtures = new URL('../fixtures/real/', import.meta.url)
const cases = readFileSync(new URL('transformers.jsonl', fixtures), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as RealCase)
const only = process.env['NNSIZE_CASES']

/** The case as `code.jsonl` gives one: the files' texts read from the fixture folder. */
function codeCase(c: RealCase): CodeCountsCase & CodeForwardCase & CodeFlopsCase {
  const files = Object.fromEntries(c.files.map((path) => [path, readFileSync(fileURLToPath(new URL(`${c.dir}/${path}`, fixtures)), 'utf8')]))
  return { ...c, files, import_root: c.import_root }
}

function build(c: RealCase): Analysis {
  const k = codeCase(c)
  return analyze({ files: k.files, main: k.main, entry: k.entry, root: k.import_root })
}

function run(c: RealCase): Analysis {
  const k = codeCase(c)
  return analyze({ files: k.files, main: k.main, entry: k.entry, root: k.import_root }, { input: codeInputText(k), device: 'cpu' })
}

describe('GPT and vision-transformer files of other repositories (nanoGPT, minGPT, makemore, vit-pytorch, Swin Transformer, ConvNeXt, PVT, DeiT, BEiT, mamba-minimal) match PyTorch 2.13', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(103)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    it(`${c.id}: construction (${c.entry})`, () => {
      const result = build(c)
      expectCodeCounts(result, codeCase(c))
      expect(result.notes ?? [], 'printed lines').toEqual(c.printed)
    })
    it(`${c.id}: forward (output shapes, saved activation bytes, FlopCounterMode FLOPs)`, () => {
      const forward = run(c).forward!
      const k = codeCase(c)
      expectCodeOutputs(forward, k)
      expectCodeSavedBytes(forward, k)
      expectCodeFlops(forward, k)
    })
  }
})

describe('vit-pytorch files that fail in PyTorch 2.13 itself fail the same way', () => {
  it('simple_flash_attn_vit.py with use_flash=False: `einsum` is not defined (NameError), at the same line', () => {
    // PyTorch 2.13: NameError: name 'einsum' is not defined, raised from `Attend.forward` (line 74 of the file).
    const path = 'vit_pytorch/simple_flash_attn_vit.py'
    const files = { [path]: readFileSync(fileURLToPath(new URL(`lucidrains-vit-pytorch/${path}`, fixtures)), 'utf8') }
    const entry = 'SimpleViT(image_size=32, patch_size=8, num_classes=10, dim=64, depth=2, heads=4, mlp_dim=128, use_flash=False)'
    const error = errorOf(() => analyze({ files, main: path, entry }, { input: '2,3,32,32', device: 'cpu' }))
    expect([error.code, error.message, error.span?.file]).toEqual(['unknown-name', '`einsum` is not defined.', path])
    expect(files[path]!.slice(0, error.span!.start).split('\n').length).toBe(74)
  })
})

