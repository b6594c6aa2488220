import { readFileSync } from 'node:fs'
import { bench, describe } from 'vitest'
import { analyze } from '../src/index.js'

/** A GPT-2-sized model file: a config dataclass, attention/MLP/block classes, a 12-layer loop, tied embeddings, custom init. */
const gpt2 = readFileSync(new URL('../test/fixtures/models/gpt2.py', import.meta.url), 'utf8')
const program = { files: { 'gpt2.py': gpt2 }, main: 'gpt2.py', entry: 'GPT(GPTConfig())' }

/** The same construction written with 48 layers and a wider model (GPT-2 XL). */
const xl = { ...program, entry: 'GPT(GPTConfig(n_layer=48, n_head=25, n_embd=1600))' }

const options = { iterations: 50, warmupIterations: 10 }

describe('model files', () => {
  // The figure the docs promise: under 20 ms in the library.
  bench('GPT-2 (124M) from its model file: parse, run the constructor, count', () => {
    analyze(program)
  }, options)
  bench('GPT-2 XL (1.5B, 48 layers) from the same file', () => {
    analyze(xl)
  }, options)
  // The figure the docs promise for the forward pass: a few tens of ms.
  bench('GPT-2 (124M) with a forward pass of 1,024 tokens (CPU kernels)', () => {
    analyze(program, { input: '1,1024:int64', device: 'cpu' })
  }, options)
})
