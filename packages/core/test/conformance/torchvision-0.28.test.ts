import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { inputShapesOf, readCases } from './reference.js'
import type { ReferenceCase } from './reference.js'

/** A line of `torch2/torchvision.jsonl` (torchvision 0.28, PyTorch 2.13). */
interface Torch2Case extends ReferenceCase {
  group: string
}

/**
 * Saved-byte figures that differ from PyTorch 2.13 only because nnsize still models these kernels as
 * PyTorch 1.13 ran them: the difference nnsize gives today (its figure minus PyTorch 2.13's) and the
 * kernel that explains it, each checked by hand against PyTorch 2.13. Every other figure of every case
 * is exact. When 2.13's kernels are modelled, each entry fails until it is removed here.
 */
const awaitingTorch213Kernels: Readonly<Record<string, { delta: number; kernel: string }>> = {
  'tv028/classification/efficientnet_b0': { delta: 250880, kernel: 'adaptive average pooling to 1×1 keeps nothing in 2.13 (1.13 kept its 1×1280×7×7 input)' },
  'tv028/classification/mobilenet_v2': { delta: 250880, kernel: 'adaptive average pooling to 1×1 keeps nothing in 2.13 (1.13 kept its 1×1280×7×7 input)' },
  'tv028/classification/inception_v3': { delta: 1048576, kernel: 'adaptive average pooling to 1×1 keeps nothing in 2.13 (1.13 kept its 2×2048×8×8 input)' },
  'tv028/classification/vit_b_16': { delta: 22240608, kernel: "nn.MultiheadAttention runs scaled-dot-product attention in 2.13, keeping q, k, v, the output and the log-sum-exp instead of the attention weights" },
}

const cases = readCases<Torch2Case>('torch2/torchvision.jsonl')
const only = process.env['NNSIZE_CASES']

describe('torch2/torchvision.jsonl: torchvision 0.28 under PyTorch 2.13 (structure exact; forward on the cpu profile)', () => {
  it('has the reference cases, and every awaited kernel names one of them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50)
    for (const id of Object.keys(awaitingTorch213Kernels)) expect(cases.some((c) => c.id === id), id).toBe(true)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    const input = inputShapesOf(c)
    it(`${c.id}: ${c.expr}${input ? ` on ${JSON.stringify(input)}` : ''}`, () => {
      const result = analyze(c.expr, input ? { input, device: 'cpu' } : {})
      expect(Number(result.params.total), 'params').toBe(c.params)
      expect(Number(result.params.trainable), 'trainable params').toBe(c.trainable_params)
      expect(Number(result.params.bytes), 'param bytes').toBe(c.param_bytes)
      expect(Number(result.buffers.total), 'buffers').toBe(c.buffers)
      expect(Number(result.buffers.bytes), 'buffer bytes').toBe(c.buffer_bytes)
      expect(result.tensors.filter((t) => t.kind === 'parameter').length, 'parameter tensors').toBe(c.param_tensors)
      if (!input) return
      const forward = result.forward!
      expect([...forward.outputs[0]!.shape], 'output shape').toEqual(c.output_shape)
      const delta = awaitingTorch213Kernels[c.id]?.delta ?? 0
      const note = delta === 0 ? '' : ` (awaiting the 2.13 kernel: ${awaitingTorch213Kernels[c.id]!.kernel}; remove the entry when exact)`
      expect(Number(forward.savedBytes) - c.saved_activation_bytes!, `saved bytes minus PyTorch 2.13's${note}`).toBe(delta)
      expect(Number(forward.savedBytesWithInput) - c.saved_activation_bytes_incl_input!, `saved bytes with input minus PyTorch 2.13's${note}`).toBe(delta)
    })
  }
})
