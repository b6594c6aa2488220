import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { errorOf } from '../../test/support.js'

// Expected values were measured with PyTorch 2.13 (counts after the first forward pass, which materialises the
// lazy parameters; saved bytes with saved_tensors_hooks, CPU, training mode).

function run(source: string, input: string) {
  const r = analyze(source, { input, device: 'cpu' })
  return {
    params: r.params.total,
    buffers: r.buffers.total,
    names: r.tensors.map((t) => [t.name, t.shape]),
    types: r.modules.map((m) => m.type),
    saved: r.forward!.savedBytes,
    output: [...r.forward!.outputs[0]!.shape],
  }
}

describe('lazy modules', () => {
  it('infer in_features from the first input and become Linear', () => {
    expect(run('nn.LazyLinear(10)', '4,7')).toEqual({
      params: 80n,
      buffers: 0n,
      names: [
        ['weight', [10, 7]],
        ['bias', [10]],
      ],
      types: ['Linear'],
      saved: 0n,
      output: [4, 10],
    })
  })

  it('infer channels and features through a whole model, in PyTorch order', () => {
    const r = run('nn.Sequential(nn.LazyConv2d(8, 3), nn.LazyBatchNorm2d(), nn.ReLU(), nn.Flatten(), nn.LazyLinear(5))', '2,3,16,16')
    expect([r.params, r.buffers, r.saved, r.output]).toEqual([8085n, 17n, 25152n, [2, 5]])
    expect(r.types).toEqual(['Sequential', 'Conv2d', 'BatchNorm2d', 'ReLU', 'Flatten', 'Linear'])
    expect(r.names.slice(0, 7)).toEqual([
      ['0.weight', [8, 3, 3, 3]],
      ['0.bias', [8]],
      ['1.weight', [8]],
      ['1.bias', [8]],
      ['4.weight', [5, 1568]],
      ['4.bias', [5]],
      ['1.running_mean', [8]],
    ])
  })

  it('read unbatched inputs and the other kinds as PyTorch does', () => {
    expect(run('nn.LazyConvTranspose2d(4, 3, stride=2)', '3,6,6')).toMatchObject({ params: 112n, types: ['ConvTranspose2d'], output: [4, 13, 13] })
    // LazyInstanceNorm defaults to affine=True, track_running_stats=True, unlike InstanceNorm.
    expect(run('nn.LazyInstanceNorm1d()', '2,5,7')).toMatchObject({ params: 10n, buffers: 11n, saved: 200n, types: ['InstanceNorm1d'] })
    expect(run('nn.LazyBatchNorm1d(affine=False)', '4,6')).toMatchObject({ params: 0n, buffers: 13n, saved: 48n })
  })

  it('without an input, say that the sizes are unknown until one is given', () => {
    const e = errorOf(() => analyze('nn.Sequential(nn.Linear(2, 3), nn.LazyLinear(10))'))
    expect(e.code).toBe('option')
    expect(e.message).toContain('`1` (nn.LazyLinear) infers its input size on its first forward pass')
    expect(e.message).toContain('With an input shape nnsize infers it as PyTorch does.')
    expect(e.field).toBe('input')
  })

  it('refuse an input of the wrong rank', () => {
    expect(errorOf(() => analyze('nn.LazyConv2d(8, 3)', { input: '2,3' })).message).toContain('Expected 3D (unbatched) or 4D (batched) input to LazyConv2d')
  })
})
