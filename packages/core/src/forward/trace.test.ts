import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { NnsizeError } from '../errors.js'

describe('traceForward', () => {
  it('counts a storage saved by two ops once', () => {
    // ReLU saves its output; the second Linear saves the same tensor as its input.
    const r = analyze('nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))', { input: '4,10', device: 'cpu' })
    const f = r.forward!
    expect(f.savedBytes).toBe(4n * 20n * 4n)
    expect(f.savedBytesWithInput).toBe(4n * 20n * 4n + 4n * 10n * 4n)
    expect([...f.outputs[0]!.shape]).toEqual([4, 5])
  })

  it('adds MACs per module and in total', () => {
    const r = analyze('nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))', { input: [4, 10] })
    const f = r.forward!
    expect(f.macs).toBe(4n * 10n * 20n + 4n * 20n * 5n)
    expect(f.modules.map((m) => [m.path, m.macs])).toEqual([
      ['', 1200n],
      ['0', 800n],
      ['1', 0n],
      ['2', 400n],
    ])
    // Linear layers have weights: backward computes input and weight gradients (2×).
    expect(f.backwardMacs).toBe(2400n)
  })

  it('costs frozen layers one backward pass (input gradient only)', () => {
    const r = analyze('nn.Sequential(nn.Linear(10, 20).requires_grad_(False), nn.Linear(20, 5))', { input: '4,10' })
    expect(r.forward!.backwardMacs).toBe(800n + 2n * 400n)
  })

  it('refuses to pass a tuple output to the next module of a Sequential, as PyTorch does', () => {
    expect(() => analyze('nn.Sequential(nn.LSTM(4, 8), nn.Linear(8, 2))', { input: '3,1,4' })).toThrow('(a tuple) to `1` (Linear)')
    expect(analyze('nn.Sequential(nn.Linear(4, 4), nn.LSTM(4, 8))', { input: '3,1,4' }).forward!.outputs[0]!.shape).toEqual([3, 1, 8])
  })

  it('measures the inference peak as the most bytes alive at once', () => {
    // The caller holds the input (40 B) throughout; while ReLU runs, the first Linear's output
    // (80 B) and ReLU's output (80 B) are alive too: 200 B. The last output (20 B) comes after
    // the first Linear's output is released.
    const r = analyze('nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))', { input: '1,10' })
    expect(r.forward!.inferencePeakBytes).toBe(200n)
  })

  it('names the module and its path in a shape error', () => {
    try {
      analyze('nn.Sequential(nn.Linear(100, 64), nn.Linear(32, 10))', { input: '2,100' })
      expect.unreachable()
    } catch (error) {
      expect(NnsizeError.isInstance(error) && error.code).toBe('shape')
      expect((error as Error).message).toContain('`1` (Linear)')
      expect((error as Error).message).toContain('mat1 and mat2 shapes cannot be multiplied (2x64 and 32x10)')
    }
  })

  it('rejects a malformed input shape', () => {
    expect(() => analyze('nn.ReLU()', { input: '1,0,3' })).toThrow('positive integers')
    expect(() => analyze('nn.ReLU()', { input: '1,a' })).toThrow('not a positive integer')
    expect(() => analyze('nn.ReLU()', { input: '1,x' })).toThrow('has an empty dimension')
  })

  it('refuses an input for a module without forward', () => {
    expect(() => analyze('nn.ModuleList([nn.ReLU()])', { input: '1' })).toThrow('has no forward pass')
  })
})

describe('parseInputShapes (through analyze)', () => {
  it('takes a dtype per input with `:dtype`', () => {
    const r = analyze('nn.ReLU()', { input: '2,3:float16' })
    expect(r.forward!.inputs).toEqual([{ shape: [2, 3], dtype: 'float16' }])
    expect(() => analyze('nn.ReLU()', { input: '2,3:flaot16' })).toThrow('Did you mean `float16`')
  })

  it('takes only dtype names as dtypes, never the properties every JavaScript object has', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'torch.constructor']) {
      let error: unknown
      try {
        analyze('nn.ReLU()', { input: `1,3:${name}` })
      } catch (caught) {
        error = caught
      }
      expect(NnsizeError.isInstance(error), name).toBe(true)
      expect((error as NnsizeError).code).toBe('option')
      expect((error as NnsizeError).message).toContain(`\`${name}\` in input shape \`1,3:${name}\` is not a dtype, \`grad\` or \`nograd\`.`)
    }
  })

  it('takes `:grad` or `:nograd` per input, beside a dtype, for whether it requires grad', () => {
    // nn.ReLU keeps its output only when its input requires grad (2 × 3 float32 = 24 bytes).
    expect(analyze('nn.ReLU()', { input: '2,3', device: 'cpu' }).forward!.savedBytes).toBe(24n)
    const frozen = analyze('nn.ReLU()', { input: '2,3:nograd', device: 'cpu' }).forward!
    expect(frozen.savedBytes).toBe(0n)
    expect(frozen.inputs).toEqual([{ shape: [2, 3], dtype: 'float32', requiresGrad: false }])
    expect(analyze('nn.ReLU()', { input: '2,3:float64:grad' }).forward!.inputs).toEqual([{ shape: [2, 3], dtype: 'float64', requiresGrad: true }])
    expect(analyze('nn.Bilinear(3, 3, 2)', { input: '2,3:nograd; 2,3:grad' }).forward!.inputs.map((i) => i.requiresGrad)).toEqual([false, true])
    expect(() => analyze('nn.ReLU()', { input: '2,3:int64:grad' })).toThrow('only tensors of floating point and complex dtype can require gradients')
    expect(() => analyze('nn.ReLU()', { input: '2,3:grad:nograd' })).toThrow('more than one `:grad` or `:nograd`')
    expect(() => analyze('nn.ReLU()', { input: '2,3:nograd:int64:float16' })).toThrow('more than one `:dtype`')
    expect(() => analyze('nn.ReLU()', { input: '2,3:nograad' })).toThrow('Did you mean `nograd`')
  })

  it('gives a half-precision model half-precision inputs', () => {
    const r = analyze('nn.Sequential(nn.Linear(4, 8), nn.ReLU()).half()', { input: '2,4', device: 'cpu' })
    expect(r.forward!.inputs[0]!.dtype).toBe('float16')
    expect(r.forward!.savedBytes).toBe(2n * 8n * 2n)
  })

  it('gives index inputs to a model that starts with an embedding', () => {
    expect(analyze('nn.Sequential(nn.Embedding(10, 4))', { input: '2,5' }).forward!.inputs[0]!.dtype).toBe('int64')
  })
})
