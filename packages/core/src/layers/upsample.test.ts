import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { NnsizeError } from '../errors.js'

// Expected values were measured with PyTorch 1.13 (saved bytes with saved_tensors_hooks, grouped by storage).

function run(source: string, input: number[]) {
  const r = analyze(source, { input, device: 'cpu' })
  const f = r.forward!
  return { output: f.outputs[0]!.shape, saved: f.savedBytes, withInput: f.savedBytesWithInput, macs: f.macs }
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

describe('upsample', () => {
  it('floors input × scale_factor and saves nothing', () => {
    expect(run('nn.Upsample(scale_factor=1.5)', [1, 2, 7, 7])).toEqual({ output: [1, 2, 10, 10], saved: 0n, withInput: 0n, macs: 0n })
    expect(run('nn.Upsample(scale_factor=1.1)', [1, 2, 10]).output).toEqual([1, 2, 11])
    expect(run('nn.Upsample(scale_factor=1/3)', [1, 2, 9]).output).toEqual([1, 2, 3])
    expect(run('nn.Upsample(scale_factor=0.7)', [1, 2, 10]).output).toEqual([1, 2, 7])
  })

  it('takes a scale per dimension', () => {
    expect(run('nn.Upsample(scale_factor=(1.5, 0.5))', [1, 2, 7, 7]).output).toEqual([1, 2, 10, 3])
    expect(run("nn.Upsample(scale_factor=(2, 3), mode='nearest-exact')", [1, 2, 7, 5]).output).toEqual([1, 2, 14, 15])
  })

  it('takes a size', () => {
    expect(run('nn.Upsample(size=5)', [1, 2, 7, 7]).output).toEqual([1, 2, 5, 5])
    expect(run("nn.Upsample(size=35, mode='linear', align_corners=False)", [3, 3, 16]).output).toEqual([3, 3, 35])
  })

  it('interpolates with the mode of each rank', () => {
    expect(run("nn.Upsample(scale_factor=2.2, mode='trilinear')", [1, 2, 10, 3, 7]).output).toEqual([1, 2, 22, 6, 15])
    expect(run("nn.Upsample(scale_factor=2, mode='bicubic', align_corners=True)", [1, 2, 7, 4]).output).toEqual([1, 2, 14, 8])
  })

  it('pools adaptively in area mode, saving its input', () => {
    const r = run("nn.Upsample(size=(5, 6), mode='area')", [1, 2, 7, 7])
    expect(r.output).toEqual([1, 2, 5, 6])
    expect([r.saved, r.withInput]).toEqual([0n, 392n])
    expect(r.macs).toBe(264n) // 2 channels × (2+2+3+2+2) rows × (2·6) columns
    expect(run("nn.Upsample(scale_factor=0.5, mode='area')", [1, 2, 7]).output).toEqual([1, 2, 3])
  })

  it('recomputes the scale factor to the same floored size', () => {
    expect(run('nn.Upsample(scale_factor=1.5, recompute_scale_factor=True)', [1, 2, 7, 5]).output).toEqual([1, 2, 10, 7])
  })

  it('treats scale_factor=0 as not given', () => {
    expect(failure('nn.Upsample(scale_factor=0)', [1, 2, 7, 4]).message).toBe('`Upsample` needs either `size` or `scale_factor`.')
  })

  it('rejects an output size of zero', () => {
    expect(failure('nn.Upsample(scale_factor=0.1)', [1, 2, 7, 7]).message).toBe(
      '`Upsample` needs input and output sizes greater than 0, but got input (H: 7, W: 7) and output (H: 0, W: 0).',
    )
  })

  it('rejects an output size beyond the largest supported size', () => {
    expect(failure("nn.Upsample(scale_factor=1e300, mode='area')", [1, 2, 7, 4]).message).toContain('beyond the largest supported size')
  })

  it('rejects a mode that does not fit the rank', () => {
    expect(failure("nn.Upsample(scale_factor=2, mode='linear')", [1, 2, 7, 7]).message).toBe('`Upsample` got 4D input of shape (1, 2, 7, 7), but linear mode needs 3D input.')
    expect(failure("nn.Upsample(scale_factor=2, mode='bicubic')", [1, 2, 7, 4, 4]).message).toContain('bicubic mode needs 4D input')
  })

  it('rejects inputs of rank other than 3 to 5', () => {
    expect(failure('nn.Upsample(scale_factor=2)', [2, 7]).message).toContain('supports only 3-D, 4-D and 5-D inputs')
  })

  it('rejects align_corners with a non-interpolating mode', () => {
    expect(failure('nn.Upsample(scale_factor=2, align_corners=True)', [1, 2, 7, 4]).message).toContain("`align_corners` set with mode 'nearest'")
  })

  it('rejects both size and scale_factor', () => {
    expect(failure('nn.Upsample(size=3, scale_factor=2)', [1, 2, 7, 4]).message).toContain('only one of them should be defined')
  })

  it('rejects recompute_scale_factor with a size', () => {
    expect(failure('nn.Upsample(size=4, recompute_scale_factor=True)', [1, 2, 7, 4]).message).toContain('not meaningful with an explicit `size`')
  })

  it('rejects a size of the wrong length', () => {
    expect(failure('nn.Upsample(size=(5, 6, 7))', [1, 2, 7, 7]).message).toContain('input and output must have the same number of spatial dimensions')
    expect(failure('nn.Upsample(scale_factor=(2, 3, 1))', [1, 2, 7, 5]).message).toContain('input and scale_factor must have the same number of spatial dimensions')
  })

  it('rejects an unknown mode, pointing at it', () => {
    const source = "nn.Upsample(scale_factor=2, mode='bilinar')"
    const e = failure(source)
    expect(e.code).toBe('argument-value')
    expect(source.slice(e.span!.start, e.span!.end)).toBe("'bilinar'")
  })

  it('rejects a string size, pointing at it', () => {
    const source = "nn.Upsample(size='big')"
    const e = failure(source)
    expect(e.code).toBe('argument-type')
    expect(source.slice(e.span!.start, e.span!.end)).toBe("'big'")
  })
})

describe('upsamplingNearest2d', () => {
  it('is Upsample with nearest mode', () => {
    expect(run('nn.UpsamplingNearest2d(scale_factor=2)', [1, 2, 7, 4]).output).toEqual([1, 2, 14, 8])
    expect(run('nn.UpsamplingNearest2d(size=(3, 5))', [1, 2, 7, 4]).output).toEqual([1, 2, 3, 5])
  })
})

describe('upsamplingBilinear2d', () => {
  it('is Upsample with bilinear mode and align_corners', () => {
    expect(run('nn.UpsamplingBilinear2d(scale_factor=1.7)', [1, 2, 7, 4]).output).toEqual([1, 2, 11, 6])
  })

  it('needs a 4-D input', () => {
    expect(failure('nn.UpsamplingBilinear2d(size=(3, 5))', [1, 2, 7]).message).toContain('bilinear mode needs 4D input')
  })
})
