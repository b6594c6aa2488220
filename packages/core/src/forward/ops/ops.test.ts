import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { errorOf, traceOps } from '../../../test/support.js'
import * as ops from './index.js'

// The ops' rules, each checked where PyTorch 1.13 and 2.13 differ. Byte figures were measured with PyTorch
// (saved_tensors_hooks, CPU, each storage once); MACs follow docs/compute.md.

describe('mul and div with a Python number', () => {
  it('save the number as a 0-dim tensor in PyTorch 1.13 (float64 for a float, int64 for an int), nothing in 2.13', () => {
    const scaled = (torch: '1.13' | '2.13') => traceOps([[2, 3]], (ctx, [x]) => ops.mul(ctx, ops.relu(ctx, x!), 0.5), { torch }).saved
    expect(scaled('1.13')).toBe(24n + 8n)
    expect(scaled('2.13')).toBe(24n)
    expect(traceOps([[2, 3]], (ctx, [x]) => ops.div(ctx, x!, { int: 4 }), { torch: '1.13' }).saved).toBe(8n)
    expect(traceOps([[2, 3]], (ctx, [x]) => ops.div(ctx, x!, { int: 4 })).saved).toBe(0n)
  })

  it('save each tensor operand for the other one’s gradient', () => {
    expect(traceOps([[2, 3], [2, 3]], (ctx, [a, b]) => ops.mul(ctx, ops.relu(ctx, a!), ops.relu(ctx, b!))).saved).toBe(48n)
  })
})

describe('mean', () => {
  it('keeps its input in PyTorch 1.13 and nothing in 2.13; one MAC per element', () => {
    expect(traceOps([[4, 9]], (ctx, [x]) => ops.mean(ctx, x!, [1]), { torch: '1.13' })).toMatchObject({ withInput: 144n, macs: 36n, outputs: [[4]] })
    expect(traceOps([[4, 9]], (ctx, [x]) => ops.mean(ctx, x!, [1], true))).toMatchObject({ withInput: 0n, outputs: [[4, 1]] })
  })
})

describe('adaptiveAvgPool', () => {
  it('computes a global average as a mean', () => {
    expect(traceOps([[2, 3, 5, 5]], (ctx, [x]) => ops.adaptiveAvgPool(ctx, x!, 2, [1, 1]))).toMatchObject({ withInput: 0n, macs: 150n })
    expect(traceOps([[2, 3, 5, 5]], (ctx, [x]) => ops.adaptiveAvgPool(ctx, x!, 2, [2, 1]))).toMatchObject({ withInput: 600n })
  })
})

describe('poolOutputSize', () => {
  it('floors the window count, or rounds it up in ceil mode, dropping a last window in the right padding', () => {
    expect(ops.poolOutputSize(10, 3, 0, 3, 1, false)).toBe(3n)
    expect(ops.poolOutputSize(7, 2, 0, 3, 1, true)).toBe(3n)
    expect(ops.poolOutputSize(6, 3, 1, 2, 1, true)).toBe(4n)
    expect(ops.poolOutputSize(5, 2, 1, 2, 1, true)).toBe(3n)
  })

  it('is exact beyond 2^53', () => {
    expect(ops.poolOutputSize(2 ** 53 - 1, 3, 1, 1, 1, false)).toBe(2n ** 53n - 1n)
    expect(ops.poolOutputSize(2 ** 53 - 1, 2, 0, 1, 1, false)).toBe(2n ** 53n - 2n)
  })
})

describe('adaptiveWindowSum', () => {
  it('sums windows [⌊i·in/out⌋, ⌈(i+1)·in/out⌉), exactly and instantly at any size', () => {
    expect([ops.adaptiveWindowSum(5, 3), ops.adaptiveWindowSum(5, 7), ops.adaptiveWindowSum(8, 4), ops.adaptiveWindowSum(6, 12), ops.adaptiveWindowSum(5, 0)]).toEqual([7n, 11n, 8n, 12n, 0n])
    expect(ops.adaptiveWindowSum(2 ** 53 - 1, 2 ** 52)).toBe(2n ** 53n - 1n + 2n ** 52n - 1n)
  })
})

describe('exact sizes at any magnitude (issue #12)', () => {
  it('flattens 94906267 × 94906267 to a limit error naming the exact product, never a rounded size', () => {
    const e = errorOf(() => analyze('nn.Flatten(0)', { input: '94906267,94906267' }))
    expect(e.code).toBe('limit')
    expect(e.message).toContain('9007199515875289')
    expect(e.message).not.toContain('9007199515875288')
  })

  it('pools a 2^53 − 1 long input to the exact length, with exact MACs', () => {
    const f = analyze('nn.AvgPool1d(3, stride=1, padding=1)', { input: [1, 1, 2 ** 53 - 1] }).forward!
    expect(f.outputs[0]!.shape).toEqual([1, 1, 2 ** 53 - 1])
    expect(f.macs).toBe((2n ** 53n - 1n) * 3n)
    expect(analyze('nn.MaxPool1d(2)', { input: [1, 1, 2 ** 53 - 1] }).forward!.outputs[0]!.shape).toEqual([1, 1, 2 ** 52 - 1])
  })

  it('refuses a padded, concatenated or convolved size beyond 2^53 − 1 with a limit error naming it', () => {
    const pad = errorOf(() => analyze('nn.ZeroPad1d((0, 10))', { input: [1, 2 ** 53 - 1] }))
    expect([pad.code, pad.message.includes('9007199254741001')]).toEqual(['limit', true])
    const conv = errorOf(() => analyze('nn.ConvTranspose1d(1, 1, 3, stride=2)', { input: [1, 1, 2 ** 52] }))
    expect([conv.code, conv.message.includes(String(2n ** 53n + 1n))]).toEqual(['limit', true])
    expect(errorOf(() => traceOps([[2 ** 52 + 1], [2 ** 52 + 1]], (ctx, [a, b]) => ops.cat(ctx, [a!, b!], 0))).message).toContain(String(2n ** 53n + 2n))
  })

  it('keeps convolution output sizes exact near 2^53', () => {
    expect(analyze('nn.Conv1d(1, 1, 3, padding=1)', { input: [1, 1, 2 ** 53 - 1] }).forward!.outputs[0]!.shape).toEqual([1, 1, 2 ** 53 - 1])
  })
})

describe('lstmWorkspaceBytes', () => {
  it('rounds each of the seven oneDNN regions up to a 4 KiB page', () => {
    // T=5, N=3, I=10, H=20: gates 4800 → 2 pages, h 1920 → 1, states 4608 → 2 (×3), c 2880 → 1 (×2): 11 pages.
    expect(ops.lstmWorkspaceBytes(5, 3, 10, 20)).toBe(45056n)
    expect(ops.lstmWorkspaceBytes(1, 1, 1, 1)).toBe(7n * 4096n)
    // H=512: leading dimensions 2048 and 512 are multiples of 256 and get 16 more elements.
    expect(ops.lstmWorkspaceBytes(10, 4, 300, 512)).toBe(1343488n)
  })
})

describe('attentionKernel', () => {
  it('picks flash attention on CPU unless dropout is active or the inputs are not 4-D', () => {
    const kernel = (shapes: number[][], p: number, device: 'cpu' | 'cuda' = 'cpu') =>
      traceOps(shapes, (ctx, [q, k, v]) => ops.scaledDotProductAttention(ctx, q!, k!, v!, { dropoutP: p }), { device }).kernels[0]!.kernel
    expect(kernel([[1, 2, 3, 8], [1, 2, 5, 8], [1, 2, 5, 8]], 0)).toBe('flash attention (CPU)')
    expect(kernel([[1, 2, 3, 8], [1, 2, 5, 8], [1, 2, 5, 8]], 0.1)).toBe('math (composite)')
    expect(kernel([[2, 3, 8], [2, 5, 8], [2, 5, 8]], 0)).toBe('math (composite)')
    expect(kernel([[1, 2, 3, 8], [1, 2, 5, 8], [1, 2, 5, 8]], 0, 'cuda')).toBe('memory-efficient attention (CUDA)')
  })

  it('keeps q, k, v, the output and the log-sum-exp with flash attention (measured with PyTorch 2.13)', () => {
    // q (96 B), k, v (160 B each), output (96 B), log-sum-exp 1·2·3 floats (24 B).
    const r = traceOps([[1, 2, 3, 4], [1, 2, 5, 4], [1, 2, 5, 4]], (ctx, [q, k, v]) => ops.scaledDotProductAttention(ctx, ops.relu(ctx, q!), ops.relu(ctx, k!), ops.relu(ctx, v!)))
    expect(r.saved).toBe(96n + 160n + 160n + 96n + 24n)
    expect(r.macs).toBe(2n * 3n * 5n * 8n)
  })

  it('skips the backends turned off, in PyTorch 2.13’s priority order (flash, memory-efficient, math)', () => {
    // `torch._C._get_sdp_priority_order()` is [1, 2, 0, 3, 4] in PyTorch 2.13: flash, memory-efficient, math, cuDNN.
    const shapes = [[1, 2, 3, 8], [1, 2, 5, 8], [1, 2, 5, 8]]
    const on = { flash: true, efficient: true, math: true, cudnn: true }
    const kernel = (device: 'cpu' | 'cuda', backends: typeof on, dtype: 'float32' | 'float16' = 'float32') =>
      traceOps(shapes, (ctx, [q, k, v]) => {
        const half = (t: typeof q) => ctx.tensor(t!.shape, dtype)
        return ops.scaledDotProductAttention(ctx, half(q), half(k), half(v), { backends })
      }, { device }).kernels[0]!.kernel
    expect(kernel('cpu', { ...on, flash: false })).toBe('math (composite)')
    expect(kernel('cuda', on, 'float16')).toBe('flash attention (CUDA)')
    expect(kernel('cuda', { ...on, flash: false }, 'float16')).toBe('memory-efficient attention (CUDA)')
    expect(kernel('cuda', { ...on, efficient: false })).toBe('math (composite)')
    const unavailable = (device: 'cpu' | 'cuda', backends: typeof on) => {
      let why: ops.AttentionUnavailable | undefined
      traceOps(shapes, (ctx, [q, k, v]) => {
        why = ops.attentionUnavailable(ctx, q!, k!, v!, 0, { backends })
        return q!
      }, { device })
      return why
    }
    const none = { flash: false, efficient: false, math: false, cudnn: false }
    expect(unavailable('cpu', on)).toBeUndefined()
    expect(unavailable('cpu', { ...none, efficient: true })?.message).toMatch(/^No viable backend for scaled_dot_product_attention/)
    expect(unavailable('cuda', { ...none, flash: true })?.message).toMatch(/^No available kernel\. {2}Aborting execution\./)
    expect(unavailable('cuda', { ...none, cudnn: true })?.code).toBe('unsupported')
  })

  it('does not exist in PyTorch 1.13', () => {
    expect(errorOf(() => traceOps([[1, 1, 2, 2], [1, 1, 2, 2], [1, 1, 2, 2]], (ctx, [q, k, v]) => ops.scaledDotProductAttention(ctx, q!, k!, v!), { torch: '1.13' })).message).toContain('PyTorch 1.13')
  })
})

describe('broadcasting in the shared ops', () => {
  // PyTorch 2.13's messages for torch.zeros(1) + torch.zeros(0) written into the first (`add_`), and for
  // torch.zeros(2, 3) * torch.zeros(3, 4).
  it('add in place refuses to grow its tensor, 0-size dimensions included', () => {
    expect(traceOps([[0], [1]], (ctx, [a, b]) => ops.addInPlace(ctx, a!, b!)).outputs).toEqual([[0]])
    expect(() => traceOps([[1], [0]], (ctx, [a, b]) => ops.addInPlace(ctx, a!, b!))).toThrow("output with shape [1] doesn't match the broadcast shape [0]")
  })

  it('names the last dimension that differs, in PyTorch\'s words', () => {
    expect(() => traceOps([[2, 3], [3, 4]], (ctx, [a, b]) => ops.mul(ctx, a!, b!))).toThrow('The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1')
  })
})
