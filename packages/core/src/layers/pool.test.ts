import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import type { DeviceProfile } from '../forward/trace.js'
import type { TorchVersion } from '../forward/torch-version.js'

// Expected values were measured with PyTorch 1.13 (the default of `run` here) and, where PyTorch 2.13 differs
// or the layer is new, with 2.13 (saved bytes with saved_tensors_hooks, grouped by storage). MACs are worked out
// by hand in the comments.

function run(source: string, input: number[] | number[][], device: DeviceProfile = 'cpu', torch: TorchVersion = '1.13') {
  const r = analyze(source, { input, device, torch })
  const f = r.forward!
  return {
    params: r.params.total,
    buffers: r.tensors.filter((t) => t.kind === 'buffer').map((t) => [t.name, t.shape]),
    outputs: f.outputs.map((t) => [t.shape, t.dtype]),
    output: f.outputs[0]!.shape,
    saved: f.savedBytes,
    withInput: f.savedBytesWithInput,
    macs: f.macs,
  }
}

function failure(source: string, input?: number[] | number[][]): NnsizeError {
  try {
    analyze(source, input ? { input, device: 'cpu' } : {})
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error(`expected ${source} to fail`)
}

function pointedAt(source: string, error: NnsizeError): string {
  return source.slice(error.span!.start, error.span!.end)
}

describe('maxPool1d', () => {
  it('saves its input and int64 indices, also for an unbatched input', () => {
    const r = run('nn.MaxPool1d(3)', [3, 10])
    expect(r.output).toEqual([3, 3])
    expect([r.saved, r.withInput]).toEqual([72n, 192n]) // indices 3·3·8; input 3·10·4
    expect(r.macs).toBe(0n)
  })

  it('returns values and indices with return_indices=True', () => {
    const r = run('nn.MaxPool1d(3, return_indices=True)', [2, 3, 10])
    expect(r.outputs).toEqual([
      [[2, 3, 3], 'float32'],
      [[2, 3, 3], 'int64'],
    ])
    expect([r.saved, r.withInput]).toEqual([144n, 384n])
  })

  it('applies ceil_mode with padding', () => {
    expect(run('nn.MaxPool1d(3, 2, padding=1, ceil_mode=True)', [1, 1, 6]).output).toEqual([1, 1, 4])
    expect(run('nn.MaxPool1d(2, 3, ceil_mode=True)', [1, 1, 7]).output).toEqual([1, 1, 3])
  })

  it('rejects padding above half the effective kernel', () => {
    expect(failure('nn.MaxPool1d(3, 2, padding=2)', [1, 1, 5]).message).toBe(
      '`MaxPool1d` pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1.',
    )
  })

  it('rejects an output that shrinks to nothing', () => {
    expect(failure('nn.MaxPool1d(3, 2, padding=1, dilation=2)', [1, 1, 1]).message).toContain('Calculated output size: (1x0). Output size is too small.')
  })

  it('rejects a negative padding while binding, pointing at it', () => {
    const source = 'nn.MaxPool1d(3, padding=-1)'
    const e = failure(source)
    expect(e.message).toBe('`padding` must be non-negative, got `-1`.')
    expect(pointedAt(source, e)).toBe('-1')
  })
})

describe('maxPool2d', () => {
  it('combines padding, dilation and ceil_mode', () => {
    const r = run('nn.MaxPool2d(3, 2, padding=1, dilation=2, ceil_mode=True)', [2, 3, 9, 10])
    expect(r.output).toEqual([2, 3, 4, 5])
    expect([r.saved, r.withInput]).toEqual([960n, 3120n])
  })

  it('takes per-dimension arguments on an unbatched input', () => {
    const r = run('nn.MaxPool2d((2, 3), (1, 2), (1, 1), return_indices=True)', [3, 9, 10])
    expect(r.output).toEqual([3, 10, 5])
    expect([r.saved, r.withInput]).toEqual([1200n, 2280n])
  })

  it('counts once the ReLU output that both ReLU and MaxPool2d save', () => {
    const r = run('nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())', [2, 3, 10, 10])
    expect(r.output).toEqual([2, 128])
    expect([r.saved, r.withInput]).toEqual([6144n, 8544n]) // ReLU output 4096 + indices 2048; the input 2400
  })

  it('saves the same on the cuda profile', () => {
    const r = run('nn.MaxPool2d(3, 2, padding=1, dilation=2, ceil_mode=True)', [2, 3, 9, 10], 'cuda')
    expect([r.saved, r.withInput]).toEqual([960n, 3120n])
  })

  it('rejects a zero kernel', () => {
    expect(failure('nn.MaxPool2d(0)', [1, 1, 5, 5]).message).toBe('`MaxPool2d` needs `kernel_size` greater than zero, got (0, 0).')
  })

  it('rejects a kernel larger than the input', () => {
    expect(failure('nn.MaxPool2d(6)', [1, 1, 5, 5]).message).toBe(
      '`MaxPool2d` got an input of shape (1, 1, 5, 5). Calculated output size: (1x0x0). Output size is too small.',
    )
  })

  it('rejects a 5-D input', () => {
    expect(failure('nn.MaxPool2d(2)', [1, 1, 1, 5, 5]).message).toBe('`MaxPool2d` expects a 3-D (unbatched) or 4-D (batched) input, got 5-D input of shape (1, 1, 1, 5, 5).')
  })

  it('rejects a kernel_size of the wrong length, pointing at it', () => {
    const source = 'nn.MaxPool2d((2, 2, 2))'
    const e = failure(source)
    expect(e.message).toContain('`kernel_size` must be an int or a tuple of 2 ints, got 3 values')
    expect(pointedAt(source, e)).toBe('(2, 2, 2)')
  })
})

describe('maxPool3d', () => {
  it('pools three dimensions in ceil mode', () => {
    const r = run('nn.MaxPool3d(3, 2, 1, ceil_mode=True)', [2, 3, 7, 8, 9])
    expect(r.output).toEqual([2, 3, 4, 5, 5])
    expect([r.saved, r.withInput]).toEqual([4800n, 16896n])
  })

  it('pools an unbatched input with a per-dimension kernel', () => {
    const r = run('nn.MaxPool3d((1, 2, 2), return_indices=True)', [3, 7, 8, 9])
    expect(r.output).toEqual([3, 7, 4, 4])
    expect([r.saved, r.withInput]).toEqual([2688n, 8736n])
  })
})

describe('avgPool1d', () => {
  it('saves its input and counts output × kernel MACs', () => {
    const r = run('nn.AvgPool1d(3, 2, 1, True, False)', [2, 3, 10])
    expect(r.output).toEqual([2, 3, 6])
    expect([r.saved, r.withInput]).toEqual([0n, 240n])
    expect(r.macs).toBe(108n) // 36 outputs × 3
  })

  it('has no divisor_override argument', () => {
    expect(failure('nn.AvgPool1d(3, divisor_override=2)').code).toBe('unknown-argument')
  })
})

describe('avgPool2d', () => {
  it('takes every argument', () => {
    const r = run('nn.AvgPool2d((3, 2), stride=(2, 1), padding=(1, 0), ceil_mode=True, count_include_pad=False, divisor_override=3)', [2, 3, 10, 11])
    expect(r.output).toEqual([2, 3, 6, 10])
    expect([r.saved, r.withInput]).toEqual([0n, 2640n])
    expect(r.macs).toBe(2160n) // 360 outputs × 6
  })

  it('rejects a zero divisor_override when it runs', () => {
    expect(failure('nn.AvgPool2d(3, 2, divisor_override=0)', [1, 1, 5, 5]).message).toContain('divisor must be not zero')
  })
})

describe('avgPool3d', () => {
  it('pools three dimensions', () => {
    const r = run('nn.AvgPool3d(3, 2, 1, True)', [2, 3, 7, 8, 9])
    expect(r.output).toEqual([2, 3, 4, 5, 5])
    expect([r.saved, r.withInput]).toEqual([0n, 12096n])
    expect(r.macs).toBe(16200n) // 600 outputs × 27
  })
})

describe('adaptiveAvgPool1d', () => {
  it('grows as well as shrinks, counting the sum of window sizes', () => {
    const r = run('nn.AdaptiveAvgPool1d(7)', [3, 5])
    expect(r.output).toEqual([3, 7])
    expect([r.saved, r.withInput]).toEqual([0n, 60n])
    expect(r.macs).toBe(33n) // 3 channels × 11
  })

  it('rejects None for its single dimension', () => {
    const source = 'nn.AdaptiveAvgPool1d((None,))'
    const e = failure(source)
    expect(e.code).toBe('argument-type')
    expect(pointedAt(source, e)).toBe('(None,)')
  })
})

describe('adaptiveAvgPool2d', () => {
  it('keeps the input size where output_size is None', () => {
    const r = run('nn.AdaptiveAvgPool2d((3, None))', [3, 5, 7])
    expect(r.output).toEqual([3, 3, 7])
    expect([r.saved, r.withInput]).toEqual([0n, 420n])
    expect(r.macs).toBe(147n) // 3 × 7 × 7
  })

  it('saves its input for a global average too in PyTorch 1.13; 2.13 computes a mean and saves nothing', () => {
    const r = run('nn.AdaptiveAvgPool2d(1)', [2, 3, 5, 5])
    expect([r.saved, r.withInput]).toEqual([0n, 600n])
    expect(r.macs).toBe(150n)
    const current = run('nn.AdaptiveAvgPool2d(1)', [2, 3, 5, 5], 'cpu', '2.13')
    expect([current.saved, current.withInput, current.macs]).toEqual([0n, 0n, 150n])
    expect(run('nn.AdaptiveAvgPool3d((1, 1, 1))', [2, 3, 2, 5, 5], 'cpu', '2.13').withInput).toBe(0n)
    expect(run('nn.AdaptiveAvgPool1d(1)', [3, 8], 'cpu', '2.13').withInput).toBe(0n)
    expect(run("nn.Upsample(size=1, mode='area')", [1, 2, 4, 4], 'cpu', '2.13').withInput).toBe(0n)
    // An output of size 1 in some dimensions only is no global average: the input is kept.
    expect(run('nn.AdaptiveAvgPool2d((1, None))', [2, 3, 1, 5], 'cpu', '2.13').withInput).toBe(120n)
  })

  it('allows an empty output', () => {
    expect(run('nn.AdaptiveAvgPool2d((0, 2))', [1, 1, 5, 5]).output).toEqual([1, 1, 0, 2])
  })

  it('rejects an output_size of the wrong length', () => {
    const source = 'nn.AdaptiveAvgPool2d((1, 2, 3))'
    expect(pointedAt(source, failure(source))).toBe('(1, 2, 3)')
  })
})

describe('adaptiveAvgPool3d', () => {
  it('mixes sizes and None', () => {
    const r = run('nn.AdaptiveAvgPool3d((2, None, 3))', [2, 3, 5, 5, 5])
    expect(r.output).toEqual([2, 3, 2, 5, 3])
    expect(r.withInput).toBe(3000n)
    expect(r.macs).toBe(1260n) // 6 × (3 + 3) × 5 × (2 + 3 + 2)
  })
})

describe('adaptiveMaxPool1d', () => {
  it('returns int64 indices and saves them with the input', () => {
    const r = run('nn.AdaptiveMaxPool1d(2, True)', [3, 5])
    expect(r.outputs.map((o) => o[1])).toEqual(['float32', 'int64'])
    expect([r.saved, r.withInput]).toEqual([48n, 108n])
  })
})

describe('adaptiveMaxPool2d', () => {
  it('keeps None dimensions', () => {
    const r = run('nn.AdaptiveMaxPool2d((None, 2))', [3, 5, 6])
    expect(r.output).toEqual([3, 5, 2])
    expect([r.saved, r.withInput]).toEqual([240n, 600n])
  })

  it('rejects a 1-D input', () => {
    expect(failure('nn.AdaptiveMaxPool2d(2)', [5]).message).toContain('got 1-D input of shape (5)')
  })
})

describe('adaptiveMaxPool3d', () => {
  it('pools an unbatched input', () => {
    const r = run('nn.AdaptiveMaxPool3d(2, return_indices=True)', [3, 5, 6, 7])
    expect(r.output).toEqual([3, 2, 2, 2])
    expect([r.saved, r.withInput]).toEqual([192n, 2712n])
  })
})

describe('lpPool1d', () => {
  it('saves what its composition of pow, avg_pool, sign, abs, relu and mul saves', () => {
    const r = run('nn.LPPool1d(2, 3)', [2, 3, 10])
    expect(r.output).toEqual([2, 3, 3])
    // x·x (240) + four (2, 3, 3) tensors (4 × 72) + the 0-dim int64 window size (8); the input (240) with it.
    expect([r.saved, r.withInput]).toEqual([536n, 776n])
    expect(r.macs).toBe(54n) // 18 outputs × 3
    // PyTorch 2.13 no longer saves the window size as a tensor.
    const current = run('nn.LPPool1d(2, 3)', [2, 3, 10], 'cpu', '2.13')
    expect([current.saved, current.withInput]).toEqual([528n, 768n])
  })

  it('takes a stride and ceil_mode', () => {
    const r = run('nn.LPPool1d(1, 3, 2, True)', [3, 10])
    expect(r.output).toEqual([3, 5])
    expect([r.saved, r.withInput]).toEqual([368n, 488n])
    const current = run('nn.LPPool1d(1, 3, 2, True)', [3, 10], 'cpu', '2.13')
    expect([current.saved, current.withInput]).toEqual([360n, 480n])
  })

  it('rejects norm_type 0, whose 1/norm_type power is undefined', () => {
    expect(failure('nn.LPPool1d(0, 3)', [3, 10]).message).toContain('non-zero `norm_type`')
  })
})

describe('lpPool2d', () => {
  it('pools with a rectangular kernel in ceil mode', () => {
    const r = run('nn.LPPool2d(1.5, (2, 3), ceil_mode=True)', [2, 3, 10, 11])
    expect(r.output).toEqual([2, 3, 5, 4])
    expect([r.saved, r.withInput]).toEqual([4568n, 7208n])
    expect(r.macs).toBe(720n) // 120 outputs × 6
    const current = run('nn.LPPool2d(1.5, (2, 3), ceil_mode=True)', [2, 3, 10, 11], 'cpu', '2.13')
    expect([current.saved, current.withInput]).toEqual([4560n, 7200n])
  })

  it('rejects a kernel larger than the input', () => {
    expect(failure('nn.LPPool2d(2, 11)', [3, 10, 10]).message).toContain('Output size is too small.')
  })
})

describe('lpPool3d', () => {
  it('pools three dimensions (PyTorch 2.2+, measured with 2.13)', () => {
    const r = run('nn.LPPool3d(2, (1, 2, 3), 1, True)', [3, 4, 5, 6], 'cpu', '2.13')
    expect(r.output).toEqual([3, 4, 4, 4])
    expect([r.saved, r.withInput]).toEqual([4512n, 5952n])
    expect(r.macs).toBe(1152n) // 192 outputs × 6
  })

  it('does not exist in PyTorch 1.13', () => {
    expect(() => run('nn.LPPool3d(2, 2)', [3, 4, 5, 6])).toThrow('PyTorch 1.13 (the `torch` option) has no `nn.LPPool3d`; PyTorch 2.2 and later have it.')
  })
})

describe('fractionalMaxPool2d', () => {
  it('registers _random_samples as a None buffer and saves input and indices', () => {
    const r = run('nn.FractionalMaxPool2d(3, output_size=(5, 4))', [2, 3, 10, 11])
    expect(r.buffers).toEqual([])
    expect(r.output).toEqual([2, 3, 5, 4])
    expect([r.saved, r.withInput]).toEqual([960n, 3600n])
  })

  it('truncates input × output_ratio', () => {
    const r = run('nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.3), return_indices=True)', [3, 10, 11])
    expect(r.output).toEqual([3, 5, 3])
    expect([r.saved, r.withInput]).toEqual([360n, 1680n])
  })

  it('keeps given _random_samples as a buffer', () => {
    expect(run('nn.FractionalMaxPool2d(2, output_size=3, _random_samples=torch.rand(2, 3, 2))', [2, 3, 10, 11]).buffers).toEqual([['_random_samples', [2, 3, 2]]])
  })

  it('rejects a pool too large for the requested output', () => {
    expect(failure('nn.FractionalMaxPool2d(3, output_size=9)', [2, 3, 10, 11]).message).toContain('pool height 3 too large relative to input height 10')
  })

  it('needs output_size or output_ratio', () => {
    const source = 'nn.FractionalMaxPool2d(3)'
    const e = failure(source)
    expect(e.message).toBe('`FractionalMaxPool2d` requires specifying either an `output_size` or an `output_ratio`.')
    expect(pointedAt(source, e)).toBe(source)
  })

  it('takes only one of output_size and output_ratio', () => {
    const source = 'nn.FractionalMaxPool2d(3, output_size=4, output_ratio=0.5)'
    expect(pointedAt(source, failure(source))).toBe('0.5')
  })

  it('needs output_ratio strictly between 0 and 1', () => {
    const source = 'nn.FractionalMaxPool2d(3, output_ratio=(0.5, 1.0))'
    const e = failure(source)
    expect(e.message).toBe('`output_ratio` must be between 0 and 1 (got (0.5, 1)).')
    expect(pointedAt(source, e)).toBe('(0.5, 1.0)')
  })

  it('needs _random_samples to be a tensor', () => {
    const source = 'nn.FractionalMaxPool2d(3, output_size=4, _random_samples=3)'
    expect(pointedAt(source, failure(source))).toBe('3')
  })
})

describe('fractionalMaxPool3d', () => {
  it('pools three dimensions', () => {
    const r = run('nn.FractionalMaxPool3d(2, output_ratio=0.5)', [3, 5, 6, 7])
    expect(r.output).toEqual([3, 2, 3, 3])
    expect([r.saved, r.withInput]).toEqual([432n, 2952n])
  })

  it('names the time dimension when the pool is too large', () => {
    expect(failure('nn.FractionalMaxPool3d(2, output_size=5)', [3, 5, 6, 7]).message).toContain('pool time 2 too large relative to input time 5')
  })
})

describe('maxUnpool1d', () => {
  it('takes values and indices and computes (L − 1)·stride − 2·padding + kernel', () => {
    const r = run('nn.MaxUnpool1d(2)', [
      [2, 3, 5],
      [2, 3, 5],
    ])
    expect(r.output).toEqual([2, 3, 10])
    // It saves only the indices, an input (PyTorch's are int64, 240 bytes; a float32 index input counts 120).
    expect([r.saved, r.withInput]).toEqual([0n, 120n])
  })

  it('needs the indices as a second input', () => {
    expect(failure('nn.MaxUnpool1d(2)', [2, 3, 5]).message).toContain('takes two inputs')
  })
})

describe('maxUnpool2d', () => {
  it('uses stride and padding', () => {
    expect(
      run('nn.MaxUnpool2d(2, 2, 1)', [
        [2, 3, 5, 4],
        [2, 3, 5, 4],
      ]).output,
    ).toEqual([2, 3, 8, 6])
  })

  it('rejects indices of another shape', () => {
    expect(
      failure('nn.MaxUnpool2d(2)', [
        [2, 3, 5, 4],
        [2, 3, 5, 5],
      ]).message,
    ).toContain('expects `indices` of the same shape as its input')
  })
})

describe('maxUnpool3d', () => {
  it('unpools an unbatched input', () => {
    expect(
      run('nn.MaxUnpool3d(2)', [
        [3, 5, 4, 2],
        [3, 5, 4, 2],
      ]).output,
    ).toEqual([3, 10, 8, 4])
  })
})
