import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { optimizerStateBreakdown } from './optimizers/index.js'
import { planMemory } from './plan.js'

// Published figures the planner must reproduce; each with its source. (The ZeRO paper's figure 1, the KV caches of
// Llama-2-70B and Llama-3.1-8B, and DeepSpeed's printed estimator table are checked in plan.test.ts,
// kvcache.test.ts and deepspeed.test.ts.)
describe('published figures', () => {
  // Dettmers et al., "8-bit Optimizers via Block-wise Quantization" (arXiv:2110.02861): two 8-bit states and a
  // float32 scale per block; with bitsandbytes' block size of 256, 2 + 2 × 4/256 = 2.03125 bytes per parameter.
  it('bitsandbytes 8-bit Adam keeps 2.03125 bytes per parameter of a large tensor', () => {
    const linear = analyze('nn.Linear(4096, 4096, bias=False)')
    const b = optimizerStateBreakdown(linear.tensors, 'bnb.optim.AdamW8bit()')
    const maps = b.entries.filter((e) => e.name.startsWith('qmap')).reduce((s, e) => s + e.bytes, 0n)
    expect(maps).toBe(2n * 256n * 4n)
    const perParam = Number(b.bytes - maps) / Number(linear.params.total)
    expect(perParam).toBe(2.03125)
  })

  // Rajbhandari et al., "ZeRO" (arXiv:1910.02054), §3: mixed-precision Adam keeps 2Ψ + 2Ψ + 12Ψ = 16Ψ bytes of
  // model states; PyTorch's `step` counters live on the CPU, so the GPU holds exactly 16 bytes per parameter.
  it('mixed-precision Adam holds 16 bytes per parameter on the GPU', () => {
    const p = planMemory(analyze('nn.Linear(4096, 4096, bias=False)'), { optimizer: 'Adam()', precision: 'mixed-fp16', overheadBytes: 0n })
    expect(p.memory.weights.bytes + p.memory.gradients.bytes + p.memory.optimizerState.bytes).toBe(16n * 4096n * 4096n)
  })
})
