import { readFileSync } from 'node:fs'
import { bench, describe } from 'vitest'
import { keptTreeEntry, keptTreeOf } from '../src/python/kept-tree.js'
import { parse } from '../src/python/parse.js'
import { highlightTokens, tokenize, tokenizeAll } from '../src/python/tokenize.js'
import { unparse } from '../src/python/unparse.js'
import { readCases } from '../test/conformance/reference.js'

function sequentialOf(layers: number): string {
  return `nn.Sequential(${Array.from({ length: layers }, (_, i) => (i % 2 === 0 ? 'nn.Linear(64, 64)' : 'nn.ReLU()')).join(', ')})`
}
const seq10k = sequentialOf(10_000)

/** minGPT's model.py from the conformance suite: a GPT-2 implementation (config class, blocks, a 12-layer loop). */
const gpt2 = (() => {
  const c = readCases<{ id: string; files: Record<string, string> }>('code.jsonl').find((x) => x.id.endsWith('minGPT-ddp/GPT-gpt2'))!
  return Object.values(c.files)[0]!
})()
const gpt2Tree = parse(gpt2)

/** All distinct model files of the conformance suite, one after the other (about 130 KB). */
const allModels = [...new Set(readCases<{ files: Record<string, string> }>('code.jsonl').flatMap((c) => Object.values(c.files)))]

const options = { iterations: 40, warmupIterations: 5 }

describe('nn.Sequential of 10,000 layers', () => {
  bench('Python 3.12 parser (python/)', () => {
    parse(seq10k)
  }, options)
})

describe('a GPT-2-sized model file (minGPT, 11 KB)', () => {
  bench('tokenize', () => {
    tokenize(gpt2)
  })
  bench('parse', () => {
    parse(gpt2)
  })
  bench('unparse', () => {
    unparse(gpt2Tree)
  })
  bench('highlight tokens', () => {
    highlightTokens(gpt2)
  })
})

describe('every model file of the conformance suite', () => {
  bench('parse', () => {
    for (const source of allModels) parse(source)
  })
})

/** The GPT-2 model file the CLI's start-up benchmark reads (5 KB), and a large real model file (NASNet-A, 30 KB). */
const fixtures = {
  'GPT-2 model file (5 KB)': readFileSync(new URL('../test/fixtures/models/gpt2.py', import.meta.url), 'utf8'),
  'NASNet-A from Cadene/pretrained-models.pytorch (30 KB)': readFileSync(new URL('../test/fixtures/real/Cadene-pretrained-models.pytorch/pretrainedmodels/models/nasnet.py', import.meta.url), 'utf8'),
}

for (const [name, source] of Object.entries(fixtures)) {
  // the entry the CLI keeps in its cache folder, read back instead of parsing when the file is unchanged
  const kept = keptTreeEntry(source, parse(source))
  describe(name, () => {
    bench('read its kept syntax tree', () => {
      keptTreeOf(kept, source)
    })
    bench('tokenize', () => {
      tokenize(source)
    })
    bench('tokenizeAll (comments and line ends too)', () => {
      tokenizeAll(source)
    })
    bench('parse', () => {
      parse(source)
    })
  })
}
