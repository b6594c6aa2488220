import { readFileSync } from 'node:fs'
import { bench, describe } from 'vitest'
import { analyze } from '../src/index.js'

/** A GPT-2-sized model file: a config dataclass, attention/MLP/block classes, a 12-layer loop, tied embeddings, custom init. */
const gpt2 = readFileSync(new URL('../test/fixtures/models/gpt2.py', import.meta.url), 'utf8')
const program = { files: { 'gpt2.py': gpt2 }, main: 'gpt2.py', entry: 'GPT(GPTConfig())' }

/** The same construction written with 48 layers and a wider model (GPT-2 XL). */
const xl = { ...program, entry: 'GPT(GPTConfig(n_layer=48, n_head=25, n_embd=1600))' }

/** A Python `forward` that calls each of 4,000 submodules in a loop: each call names the submodule within its parent. */
const loop = `import torch
import torch.nn as nn

class Stack(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(8, 8) for _ in range(n)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x).relu() * x + x
        return x
`
const looped = { files: { 'stack.py': loop }, main: 'stack.py', entry: 'Stack(4000)' }

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
  // Linear in the number of submodules a Python forward calls (it was quadratic: 2.2 s for 4,000, 16 s for 10,000).
  bench('a Python forward calling 4,000 submodules in a loop', () => {
    analyze(looped, { input: '1,8' })
  }, { iterations: 10, warmupIterations: 2 })
})
