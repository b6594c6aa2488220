import * as shared from '../../forward/ops/index.js'
import { describe, expect, it } from 'vitest'
import { traceForward } from '../../forward/trace.js'
import type { DeviceProfile, ForwardContext, Tensor } from '../../forward/trace.js'
import type { TorchVersion } from '../../forward/torch-version.js'
import { createModule } from '../../model/module.js'
import * as ops from './ops.js'

/**
 * Runs `body` as the forward pass of a one-module model on inputs of the given
 * shapes. `fresh` makes an activation (a tensor made inside the pass, so that
 * saving it counts).
 */
function run(shapes: number[][], body: (ctx: ForwardContext, inputs: readonly Tensor[]) => Tensor, device: DeviceProfile = 'cpu', torch: TorchVersion = '1.13') {
  const root = createModule('Probe', {}, { name: 'Probe', signature: [], build() {}, forward: (_self, inputs, ctx) => body(ctx, inputs) })
  const result = traceForward(root, shapes.map((shape) => ({ shape, dtype: 'float32' })), device, torch)
  return { output: [...result.outputs[0]!.shape], saved: Number(result.savedBytes), savedWithInput: Number(result.savedBytesWithInput), macs: Number(result.macs) }
}

const fresh = (ctx: ForwardContext, x: Tensor): Tensor => ctx.tensor(x.shape, x.dtype)

describe('broadcastShapes (the shared definition in forward/ops)', () => {
  it('broadcasts trailing dimensions and rejects mismatches', () => {
    expect(run([[2, 4, 5], [4, 1]], (ctx, [a, b]) => ctx.tensor(shared.broadcastShapes(ctx, a!.shape, b!.shape))).output).toEqual([2, 4, 5])
    expect(() => run([[2, 4, 5], [3, 5]], (ctx, [a, b]) => ctx.tensor(shared.broadcastShapes(ctx, a!.shape, b!.shape)))).toThrow(/shapes \(2, 4, 5\) and \(3, 5\)/)
    // PyTorch 2.13's message for torch.zeros(2, 4, 5) + torch.zeros(3, 5).
    expect(() => run([[2, 4, 5], [3, 5]], (ctx, [a, b]) => ops.add(ctx, a!, b!))).toThrow('The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1')
  })
})

describe('add', () => {
  it('makes a new tensor and saves nothing', () => {
    expect(run([[2, 4, 5], [2, 4, 5]], (ctx, [a, b]) => ops.add(ctx, fresh(ctx, a!), fresh(ctx, b!)))).toMatchObject({ output: [2, 4, 5], saved: 0 })
  })
})

describe('addInPlace', () => {
  it('returns its first operand and refuses to grow it', () => {
    expect(run([[2, 4, 5], [4, 5]], (ctx, [a, b]) => ops.addInPlace(ctx, a!, b!))).toMatchObject({ output: [2, 4, 5], saved: 0 })
    // PyTorch 2.13's message for x += torch.zeros(2, 4, 5) with x of shape (4, 5).
    expect(() => run([[4, 5], [2, 4, 5]], (ctx, [a, b]) => ops.addInPlace(ctx, a!, b!))).toThrow("in place: output with shape [4, 5] doesn't match the broadcast shape [2, 4, 5]")
  })
})

describe('mul', () => {
  it('saves both operands, as x * y does', () => {
    expect(run([[2, 4, 5], [2, 4, 5]], (ctx, [a, b]) => ops.mul(ctx, fresh(ctx, a!), fresh(ctx, b!))).saved).toBe(320)
  })
})

describe('scale', () => {
  it('saves the Python number as an 8-byte float64 scalar in PyTorch 1.13, nothing in 2.13', () => {
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.scale(ctx, x!)).saved).toBe(8)
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.scale(ctx, x!), 'cpu', '2.13').saved).toBe(0)
  })
})

describe('cat', () => {
  it('concatenates along a dimension and saves nothing', () => {
    expect(run([[1, 2, 3, 3], [1, 5, 3, 3]], (ctx, [a, b]) => ops.cat(ctx, [a!, b!], 1))).toMatchObject({ output: [1, 7, 3, 3], saved: 0 })
    expect(() => run([[1, 2, 3, 3], [1, 5, 4, 3]], (ctx, [a, b]) => ops.cat(ctx, [a!, b!], 1))).toThrow(/cannot concatenate/)
  })
})

describe('flatten', () => {
  it('is a view from start_dim on', () => {
    expect(run([[2, 3, 4, 5]], (ctx, [x]) => ops.flatten(ctx, x!, 1)).output).toEqual([2, 60])
  })
})

describe('relu', () => {
  it('saves its output', () => {
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.relu(ctx, x!, false))).toMatchObject({ saved: 160, savedWithInput: 160 })
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.relu(ctx, x!, true))).toMatchObject({ saved: 0, savedWithInput: 160 })
  })
})

describe('sigmoid', () => {
  it('saves its output', () => {
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.sigmoid(ctx, x!)).saved).toBe(160)
  })
})

describe('softmax', () => {
  it('saves its output', () => {
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.softmax(ctx, x!)).saved).toBe(160)
  })
})

describe('poolOutputSize', () => {
  it('follows PyTorch, including ceil_mode windows that would start in the padding', () => {
    expect([ops.poolOutputSize(9, 3, 2, 0, 1, false), ops.poolOutputSize(111, 3, 2, 0, 1, true), ops.poolOutputSize(112, 3, 2, 0, 1, true)]).toEqual([4, 55, 56])
    expect([ops.poolOutputSize(7, 2, 2, 0, 1, true), ops.poolOutputSize(6, 3, 2, 1, 1, true), ops.poolOutputSize(5, 3, 3, 1, 1, true)]).toEqual([4, 4, 2])
  })
})

describe('maxPool2d', () => {
  it('saves its input and int64 indices of the output size', () => {
    expect(run([[1, 2, 7, 7]], (ctx, [x]) => ops.maxPool2d(ctx, fresh(ctx, x!), 3, 2, 0, true))).toMatchObject({ output: [1, 2, 3, 3], saved: 392 + 144 })
  })
  it('rejects a window larger than the input', () => {
    expect(() => run([[1, 2, 2, 2]], (ctx, [x]) => ops.maxPool2d(ctx, x!, 3, 2))).toThrow('Given input size: (2x2x2). Calculated output size: (2x0x0). Output size is too small.')
  })
})

describe('avgPool2d', () => {
  it('saves its input; window × output multiply-accumulates', () => {
    expect(run([[1, 2, 7, 7]], (ctx, [x]) => ops.avgPool2d(ctx, fresh(ctx, x!), 3, 2, 1, true))).toEqual({ output: [1, 2, 4, 4], saved: 392, savedWithInput: 392, macs: 32 * 9 })
  })
})

describe('adaptiveAvgPool2d', () => {
  it('saves its input (a global average: only in PyTorch 1.13); one multiply-accumulate per element of every window', () => {
    expect(run([[1, 4, 9, 9]], (ctx, [x]) => ops.adaptiveAvgPool2d(ctx, fresh(ctx, x!), [1, 1]))).toEqual({ output: [1, 4, 1, 1], saved: 1296, savedWithInput: 1296, macs: 324 })
    // PyTorch 2.x computes a global average as a mean, which keeps nothing.
    expect(run([[1, 4, 9, 9]], (ctx, [x]) => ops.adaptiveAvgPool2d(ctx, fresh(ctx, x!), [1, 1]), 'cpu', '2.13')).toEqual({ output: [1, 4, 1, 1], saved: 0, savedWithInput: 0, macs: 324 })
    // 14 → 4 overlapping windows of 4 rows (starting at 0, 3, 7, 10); 5 → 3 windows of 2, 3, 2 columns.
    expect(run([[1, 1, 14, 5]], (ctx, [x]) => ops.adaptiveAvgPool2d(ctx, x!, [4, 3])).macs).toBe(16 * 7)
  })
})

describe('mean', () => {
  it('drops the reduced dimensions and saves its input (PyTorch 1.13; 2.13 saves nothing)', () => {
    expect(run([[1, 4, 9, 9]], (ctx, [x]) => ops.mean(ctx, fresh(ctx, x!), [2, 3]))).toMatchObject({ output: [1, 4], saved: 1296 })
    expect(run([[1, 4, 9, 9]], (ctx, [x]) => ops.mean(ctx, fresh(ctx, x!), [2, 3]), 'cpu', '2.13')).toMatchObject({ output: [1, 4], saved: 0 })
  })
})

describe('layerNorm', () => {
  it('saves its input and the per-row mean and reciprocal deviation', () => {
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.layerNorm(ctx, fresh(ctx, x!), [5]))).toEqual({ output: [2, 4, 5], saved: 160 + 32 + 32, savedWithInput: 224, macs: 40 })
    expect(() => run([[2, 4, 5]], (ctx, [x]) => ops.layerNorm(ctx, x!, [4]))).toThrow(/last dimensions are \(4\)/)
  })
})

describe('dropout', () => {
  it('saves a float noise tensor on cpu, a one-byte mask on cuda, nothing at p = 0 or in evaluation', () => {
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.dropout(ctx, x!, 0.5, true)).saved).toBe(160)
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.dropout(ctx, x!, 0.5, true), 'cuda').saved).toBe(40)
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.dropout(ctx, x!, 0, true)).saved).toBe(0)
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.dropout(ctx, x!, 0.5, false)).saved).toBe(0)
  })
})

describe('stochasticDepth', () => {
  it('saves an (N, 1, 1, 1) noise tensor in training with p > 0', () => {
    expect(run([[8, 4, 5, 5]], (ctx, [x]) => ops.stochasticDepth(ctx, x!, 0.1, true)).saved).toBe(32)
    expect(run([[8, 4, 5, 5]], (ctx, [x]) => ops.stochasticDepth(ctx, x!, 0, true)).saved).toBe(0)
  })
})

describe('matmul', () => {
  it('multiplies batched matrices, saving both operands', () => {
    expect(run([[6, 49, 32], [6, 32, 49]], (ctx, [a, b]) => ops.matmul(ctx, fresh(ctx, a!), fresh(ctx, b!)))).toEqual({ output: [6, 49, 49], saved: 2 * 37632, savedWithInput: 2 * 37632, macs: 6 * 49 * 32 * 49 })
    expect(() => run([[6, 49, 32], [6, 31, 49]], (ctx, [a, b]) => ops.matmul(ctx, a!, b!))).toThrow(/cannot multiply/)
  })
  it('counts aten.bmm (or aten.mm for a matrix right operand) in the FlopCounterMode figure', () => {
    const flops = (shapes: number[][]) => {
      const root = createModule('Probe', {}, { name: 'Probe', signature: [], build() {}, forward: (_self, [a, b], ctx) => ops.matmul(ctx, a!, b!) })
      return traceForward(root, shapes.map((shape) => ({ shape, dtype: 'float32' })), 'cpu').flopCounter.byOp
    }
    expect(flops([[6, 49, 32], [6, 32, 49]])).toEqual({ 'aten.bmm': BigInt(2 * 6 * 49 * 32 * 49) })
    expect(flops([[6, 49, 32], [32, 49]])).toEqual({ 'aten.mm': BigInt(2 * 6 * 49 * 32 * 49) })
  })
})

describe('linear', () => {
  it('saves its input, or a contiguous copy of it', () => {
    const weight = (ctx: ForwardContext) => ctx.tensor([3, 5])
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.linear(ctx, x!, weight(ctx)))).toMatchObject({ output: [2, 4, 3], saved: 60, savedWithInput: 220 })
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.linear(ctx, x!, weight(ctx), true))).toMatchObject({ saved: 220, savedWithInput: 220 })
  })
})

describe('copy', () => {
  it('makes a new storage and saves nothing', () => {
    expect(run([[2, 4, 5]], (ctx, [x]) => ops.copy(ctx, x!, [8, 5]))).toMatchObject({ output: [8, 5], saved: 0 })
  })
})
