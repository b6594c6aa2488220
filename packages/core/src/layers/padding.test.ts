import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { NnsizeError } from '../errors.js'

// Expected values were measured with PyTorch 1.13 (saved bytes with saved_tensors_hooks, grouped by storage).
// ZeroPad1d/3d and CircularPad1d/2d/3d, new in 2.1, were measured as their 2.x definitions (F.pad calls).
// Padding computes nothing: every case has 0 MACs.

function run(source: string, input: number[]) {
  const r = analyze(source, { input, device: 'cpu' })
  const f = r.forward!
  const output = f.outputs[0]!
  return { params: r.params.total, output: output.shape, saved: f.savedBytes, withInput: f.savedBytesWithInput, macs: f.macs, view: output.storage.origin === 'input' }
}

function failure(source: string, input?: number[]): NnsizeError {
  try {
    analyze(source, input ? { input, device: 'cpu' } : {})
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error(`expected ${source} to fail`)
}

describe('zeroPad1d', () => {
  it('pads and crops the last dimension', () => {
    const r = run('nn.ZeroPad1d((3, -2))', [2, 3, 7])
    expect(r.output).toEqual([2, 3, 8])
    expect([r.saved, r.withInput, r.macs, r.view]).toEqual([0n, 0n, 0n, false])
  })
})

describe('zeroPad2d', () => {
  it('pads the last two dimensions of any input with at least two', () => {
    expect(run('nn.ZeroPad2d(1)', [7, 7]).output).toEqual([9, 9])
    expect(run('nn.ZeroPad2d(1)', [1, 1, 1, 3, 7, 7]).output).toEqual([1, 1, 1, 3, 9, 9])
  })

  it('crops with negative padding into a new tensor, down to an empty dimension', () => {
    const r = run('nn.ZeroPad2d(-1)', [4, 3, 7, 7])
    expect(r.output).toEqual([4, 3, 5, 5])
    expect(r.view).toBe(false)
    expect(run('nn.ZeroPad2d((-3, -4, 0, 0))', [3, 7, 7]).output).toEqual([3, 7, 0])
  })

  it('has no parameters', () => {
    expect(run('nn.ZeroPad2d(2)', [4, 3, 7, 7]).params).toBe(0n)
  })

  it('rejects padding that makes a size negative', () => {
    expect(failure('nn.ZeroPad2d((-4, -4, 0, 0))', [3, 7, 7]).message).toContain('`ZeroPad2d` got padding (-4, -4) for dimension 2 of size 7 (input (3, 7, 7)): the padded size would be negative (narrow(): length must be non-negative).')
  })

  it('rejects an input with fewer dimensions than it pads', () => {
    expect(failure('nn.ZeroPad2d(1)', [7]).message).toContain('got padding of length 4 for an input of 1 dimension (7)')
  })

  it('rejects a padding tuple of the wrong length, pointing at it', () => {
    const source = 'nn.ZeroPad2d((1, 2))'
    const e = failure(source)
    expect(e.message).toContain('`padding` must be an int or a tuple of 4 ints, got 2 values')
    expect(source.slice(e.span!.start, e.span!.end)).toBe('(1, 2)')
  })
})

describe('zeroPad3d', () => {
  it('pads (left, right, top, bottom, front, back)', () => {
    expect(run('nn.ZeroPad3d((1, 2, 3, 4, 5, 6))', [2, 3, 4, 5]).output).toEqual([2, 14, 11, 8])
  })
})

describe('constantPad1d', () => {
  it('pads a 1-D input', () => {
    const r = run('nn.ConstantPad1d(2, 1)', [7])
    expect(r.output).toEqual([11])
    expect(r.saved).toBe(0n)
  })

  it('needs a value', () => {
    expect(failure('nn.ConstantPad1d(2)').message).toBe('`nn.ConstantPad1d` is missing required argument `value`.')
  })
})

describe('constantPad2d', () => {
  it('takes (left, right, top, bottom) and a value', () => {
    expect(run('nn.ConstantPad2d((1, 2, 2, 3), 1.0)', [2, 64, 28, 28]).output).toEqual([2, 64, 33, 31])
  })
})

describe('constantPad3d', () => {
  it('pads three dimensions of an unbatched input', () => {
    expect(run('nn.ConstantPad3d((1, 2, 3, 4, 5, 6), 1.0)', [3, 7, 7, 7]).output).toEqual([3, 18, 14, 10])
  })

  it('rejects an input with fewer than three dimensions', () => {
    expect(failure('nn.ConstantPad3d(1, 1.0)', [7, 7]).code).toBe('shape')
  })
})

describe('reflectionPad1d', () => {
  it('saves its input', () => {
    const r = run('nn.ReflectionPad1d(6)', [2, 3, 7])
    expect(r.output).toEqual([2, 3, 19])
    expect([r.saved, r.withInput]).toEqual([0n, 168n])
  })

  it('takes negative padding', () => {
    expect(run('nn.ReflectionPad1d((-2, 3))', [2, 3, 7]).output).toEqual([2, 3, 8])
    expect(run('nn.ReflectionPad1d((-8, 3))', [3, 7]).output).toEqual([3, 2])
  })

  it('rejects padding as large as the input', () => {
    expect(failure('nn.ReflectionPad1d(7)', [2, 3, 7]).message).toBe(
      '`ReflectionPad1d` got reflection padding (7, 7) for dimension 2 of size 7 (input (2, 3, 7)): padding size should be less than the corresponding input dimension.',
    )
  })

  it('rejects an empty output', () => {
    expect(failure('nn.ReflectionPad1d((-3, -4))', [3, 7]).message).toContain('input (W: 7) is too small for reflect padding (-3, -4). Calculated output W: 0.')
  })

  it('rejects a 1-D input', () => {
    expect(failure('nn.ReflectionPad1d(2)', [7]).message).toContain('needs a 2-D (unbatched) or 3-D (batched) input')
  })
})

describe('reflectionPad2d', () => {
  it('pads an unbatched input and saves it', () => {
    const r = run('nn.ReflectionPad2d((1, 3, 2, 0))', [16, 16, 16])
    expect(r.output).toEqual([16, 18, 20])
    expect([r.saved, r.withInput]).toEqual([0n, 16384n])
  })

  it('chains with convolution, pooling and area upsampling, each storage saved once', () => {
    const r = run("nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(3, 8, 3), nn.ReflectionPad2d(2), nn.MaxPool2d(2), nn.Upsample(scale_factor=2, mode='area'), nn.Flatten())", [2, 3, 8, 8])
    expect(r.output).toEqual([2, 1152])
    // padded 2400 + conv output 4096 + padded 9216 + indices 4608 + pooled 2304; the input 1536
    expect([r.saved, r.withInput]).toEqual([22624n, 24160n])
    expect(r.macs).toBe(29952n) // conv 1024 outputs × 27, area 16 planes × 12 × 12
  })

  it('checks the height too', () => {
    expect(failure('nn.ReflectionPad2d((1, 1, 2, 3))', [2, 3, 3, 3]).message).toContain('reflection padding (2, 3) for dimension 2 of size 3')
  })
})

describe('reflectionPad3d', () => {
  it('pads three dimensions', () => {
    const r = run('nn.ReflectionPad3d(1)', [3, 4, 4, 4])
    expect(r.output).toEqual([3, 6, 6, 6])
    expect(r.withInput).toBe(768n)
  })
})

describe('replicationPad1d', () => {
  it('pads by any amount and saves its input', () => {
    const r = run('nn.ReplicationPad1d(10)', [3, 7])
    expect(r.output).toEqual([3, 27])
    expect([r.saved, r.withInput]).toEqual([0n, 84n])
  })

  it('rejects an empty output', () => {
    expect(failure('nn.ReplicationPad1d((-3, -4))', [3, 7]).message).toContain('Calculated output W: 0.')
  })
})

describe('replicationPad2d', () => {
  it('accepts one empty dimension as PyTorch does', () => {
    expect(run('nn.ReplicationPad2d((-3, -4, 0, 0))', [3, 7, 7]).output).toEqual([3, 7, 0])
  })

  it('rejects an output empty in every dimension', () => {
    expect(failure('nn.ReplicationPad2d((-3, -4, -7, 0))', [3, 7, 7]).message).toContain('Calculated output H: 0, W: 0.')
  })

  it('rejects a negative size', () => {
    expect(failure('nn.ReplicationPad2d((-3, -5, 0, 0))', [3, 7, 7]).message).toContain('H: 7, W: -1')
  })
})

describe('replicationPad3d', () => {
  it('pads a batched input and saves it', () => {
    const r = run('nn.ReplicationPad3d(2)', [2, 3, 7, 7, 7])
    expect(r.output).toEqual([2, 3, 11, 11, 11])
    expect(r.withInput).toBe(8232n)
  })
})

describe('circularPad1d', () => {
  it('wraps around and saves nothing', () => {
    const r = run('nn.CircularPad1d(2)', [3, 7])
    expect(r.output).toEqual([3, 11])
    expect([r.saved, r.withInput]).toEqual([0n, 0n])
  })

  it('pads by up to the input size, and crops', () => {
    expect(run('nn.CircularPad1d((7, -3))', [3, 7]).output).toEqual([3, 11])
  })

  it('rejects padding that wraps more than once', () => {
    expect(failure('nn.CircularPad1d(8)', [3, 7]).message).toContain('padding value causes wrapping around more than once')
  })

  it('rejects a 1-D input', () => {
    expect(failure('nn.CircularPad1d(2)', [7]).message).toBe('`CircularPad1d` expected 2D or 3D input (got 1D input of shape (7)).')
  })
})

describe('circularPad2d', () => {
  it('pads (left, right, top, bottom)', () => {
    expect(run('nn.CircularPad2d((1, 2, 3, 4))', [2, 3, 7, 7]).output).toEqual([2, 3, 14, 10])
  })
})

describe('circularPad3d', () => {
  it('pads an unbatched input', () => {
    expect(run('nn.CircularPad3d(1)', [3, 4, 5, 6]).output).toEqual([3, 6, 7, 8])
  })
})
