import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import type { TorchVersion } from '../forward/torch-version.js'

// Expected values were measured with PyTorch 1.13, and with 2.13 where it differs (saved bytes with saved_tensors_hooks, grouped by storage;
// "view" means the output shares the input's storage). Reshaping computes nothing: every case has 0 MACs.

function run(source: string, input: number[], torch: TorchVersion = '1.13') {
  const r = analyze(source, { input, device: 'cpu', torch })
  const f = r.forward!
  const output = f.outputs[0]!
  return { output: output.shape, saved: f.savedBytes, withInput: f.savedBytesWithInput, macs: f.macs, view: output.storage.origin === 'input' }
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

describe('flatten', () => {
  it('flattens all but the batch dimension into a view', () => {
    expect(run('nn.Flatten()', [2, 3, 4, 5])).toEqual({ output: [2, 60], saved: 0n, withInput: 0n, macs: 0n, view: true })
  })

  it('takes negative and equal dimensions', () => {
    expect(run('nn.Flatten(0, -1)', [2, 3, 4, 5]).output).toEqual([120])
    expect(run('nn.Flatten(1, 1)', [2, 3, 4, 5]).output).toEqual([2, 3, 4, 5])
    expect(run('nn.Flatten(start_dim=-2, end_dim=-1)', [2, 64, 8]).output).toEqual([2, 512])
  })

  it('rejects start_dim after end_dim', () => {
    expect(failure('nn.Flatten(-1, 1)', [2, 3, 4, 5]).message).toBe(
      '`Flatten` has invalid arguments for an input of shape (2, 3, 4, 5): `start_dim` (-1) cannot come after `end_dim` (1).',
    )
  })

  it('rejects a dimension out of range', () => {
    expect(failure('nn.Flatten()', [2]).message).toContain('expected to be in range of [-1, 0], but got 1')
  })
})

describe('unflatten', () => {
  it('infers a -1 size and returns a view', () => {
    expect(run('nn.Unflatten(1, (3, -1))', [2, 12, 5])).toEqual({ output: [2, 3, 4, 5], saved: 0n, withInput: 0n, macs: 0n, view: true })
  })

  it('takes a list, a torch.Size and a negative dim', () => {
    expect(run('nn.Unflatten(1, [2, 2, 3])', [2, 12, 5]).output).toEqual([2, 2, 2, 3, 5])
    expect(run('nn.Unflatten(1, torch.Size([4, 3]))', [2, 12, 5]).output).toEqual([2, 4, 3, 5])
    expect(run('nn.Unflatten(-1, (5, 1))', [2, 12, 5]).output).toEqual([2, 12, 5, 1])
  })

  it("rejects sizes that don't multiply up to the dimension", () => {
    expect(failure('nn.Unflatten(1, (5, -1))', [2, 12, 5]).message).toBe(
      "`Unflatten` got an input of shape (2, 12, 5): provided sizes (5, -1) don't multiply up to the size of dim 1 (12).",
    )
  })

  it('infers at most one size', () => {
    expect(failure('nn.Unflatten(1, (-1, -1))', [2, 12, 5]).message).toContain('only one dimension can be inferred')
  })

  it('rejects an unflattened_size that is not a tuple, pointing at it', () => {
    const source = 'nn.Unflatten(1, 12)'
    const e = failure(source)
    expect(e.message).toBe('`unflattened_size` must be a tuple of ints, but found int `12`.')
    expect(source.slice(e.span!.start, e.span!.end)).toBe('12')
  })

  it('rejects a float size, naming its position', () => {
    expect(failure('nn.Unflatten(1, (3, 4.0))').message).toContain('found element of type float at position 1')
  })
})

describe('pixelShuffle', () => {
  it('moves r² channels into space as a new tensor', () => {
    expect(run('nn.PixelShuffle(2)', [2, 8, 3, 3])).toEqual({ output: [2, 2, 6, 6], saved: 0n, withInput: 0n, macs: 0n, view: false })
  })

  it('keeps any leading dimensions', () => {
    expect(run('nn.PixelShuffle(2)', [8, 3, 3]).output).toEqual([2, 6, 6])
    expect(run('nn.PixelShuffle(2)', [3, 2, 8, 3, 3]).output).toEqual([3, 2, 2, 6, 6])
  })

  it('rejects channels not divisible by r²', () => {
    expect(failure('nn.PixelShuffle(3)', [2, 8, 3, 3]).message).toContain('input.size(-3)=8 is not divisible by 9')
  })

  it('rejects a non-positive factor', () => {
    expect(failure('nn.PixelShuffle(0)', [8, 3, 3]).message).toBe('`PixelShuffle` expects a positive `upscale_factor`, got 0.')
  })
})

describe('pixelUnshuffle', () => {
  it('moves r×r blocks into channels', () => {
    expect(run('nn.PixelUnshuffle(2)', [2, 2, 4, 6]).output).toEqual([2, 8, 2, 3])
    expect(run('nn.PixelUnshuffle(2)', [2, 4, 6]).output).toEqual([8, 2, 3])
  })

  it('rejects a width not divisible by the factor', () => {
    expect(failure('nn.PixelUnshuffle(2)', [2, 2, 4, 5]).message).toContain('expects width to be divisible by `downscale_factor`, but input.size(-1)=5')
  })
})

describe('channelShuffle', () => {
  it('returns a new tensor of the same shape', () => {
    expect(run('nn.ChannelShuffle(2)', [2, 8, 3])).toEqual({ output: [2, 8, 3], saved: 0n, withInput: 0n, macs: 0n, view: false })
  })

  it('rejects channels not divisible by groups', () => {
    expect(failure('nn.ChannelShuffle(3)', [2, 8, 3, 3]).message).toContain('got 8 channels and 3 groups')
  })

  it('rejects a 2-D input', () => {
    expect(failure('nn.ChannelShuffle(2)', [2, 8]).code).toBe('shape')
  })
})

describe('fold', () => {
  it('sums sliding blocks into an image', () => {
    expect(run('nn.Fold((4, 5), (2, 2))', [2, 12, 12])).toEqual({ output: [2, 3, 4, 5], saved: 0n, withInput: 0n, macs: 0n, view: false })
    expect(run('nn.Fold((4, 5), (2, 2))', [12, 12]).output).toEqual([3, 4, 5])
  })

  it('counts blocks with stride and padding', () => {
    expect(run('nn.Fold((4, 5), 2, stride=2, padding=1)', [2, 12, 9]).output).toEqual([2, 3, 4, 5])
  })

  it('rejects a block count that does not match', () => {
    expect(failure('nn.Fold((4, 5), 2, stride=2, padding=1)', [2, 12, 12]).message).toContain('sliding blocks 3 * 3 = 9, but got input.size(2)=12')
  })

  it('rejects channels not divisible by the kernel size', () => {
    expect(failure('nn.Fold((4, 5), 2, stride=2, padding=1)', [2, 10, 9]).message).toContain('input.size(1)=10 and kernel_size=(2, 2)')
  })

  it('rejects a kernel larger than the output', () => {
    expect(failure('nn.Fold(3, 5)', [2, 25, 1]).message).toContain('sliding blocks as (-1, -1), which is too small (non-positive)')
  })
})

describe('unfold', () => {
  it('extracts blocks and saves its input, as PyTorch 1.13 does; 2.13 keeps only the sizes', () => {
    expect(run('nn.Unfold((2, 2))', [2, 3, 4, 5])).toEqual({ output: [2, 12, 12], saved: 0n, withInput: 480n, macs: 0n, view: false })
    expect(run('nn.Unfold((2, 2))', [2, 3, 4, 5], '2.13')).toEqual({ output: [2, 12, 12], saved: 0n, withInput: 0n, macs: 0n, view: false })
  })

  it('uses dilation, padding and stride', () => {
    expect(run('nn.Unfold((2, 3), dilation=2, padding=1, stride=(1, 2))', [2, 3, 4, 5]).output).toEqual([2, 18, 8])
    expect(run('nn.Unfold(2)', [3, 4, 5]).output).toEqual([12, 12])
  })

  it('rejects a kernel larger than the input', () => {
    expect(failure('nn.Unfold(6)', [3, 4, 5]).message).toContain('sliding blocks as (-1, 0), but its components must be at least one')
  })
})
