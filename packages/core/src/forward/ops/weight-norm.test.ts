import { describe, expect, it } from 'vitest'
import { Budget } from '../../interpret/budget.js'
import { defineLayer } from '../../layers/define-layer.js'
import { constructLayer } from '../../model/construct.js'
import { traceForward } from '../trace.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { normExceptDimShape, spectralNorm, weightNorm } from './weight-norm.js'

/** Traces `compute` on the parameters `v` (8, 4, 3) and `g` of `gShape`, and a (6, 16) `w`: output shape and saved bytes. */
function traced(gShape: number[], compute: (ctx: ForwardContext, t: (name: string) => Tensor) => Tensor): [number[], bigint] {
  const layer = defineLayer({
    name: 'Probe',
    signature: [],
    build(_args, m) {
      m.param('v', [8, 4, 3])
      m.param('g', gShape)
      m.param('w', [6, 16])
      m.buffer('u', [6])
      m.buffer('u2', [16])
    },
    forward: (self, _inputs, ctx) => compute(ctx, (name) => ctx.state(self, name)),
  })
  const f = traceForward(constructLayer(layer, {}, new Budget()), [{ shape: [1], dtype: 'float32' }], 'cpu')
  return [f.outputs[0]!.shape, f.savedBytes]
}

describe('weight-normalised weights as PyTorch 2.13 computes them', () => {
  it('gives the shape of norm_except_dim(v, 2, dim)', () => {
    // torch.norm_except_dim(torch.randn(8, 4, 3), 2, dim).shape; dims out of range raise IndexError.
    expect(normExceptDimShape([8, 4, 3], 0)).toEqual([8, 1, 1])
    expect(normExceptDimShape([8, 4, 3], 1)).toEqual([1, 4, 1])
    expect(normExceptDimShape([8, 4, 3], 2)).toEqual([1, 1, 3])
    expect(normExceptDimShape([8, 4, 3], -1)).toEqual([])
    expect(normExceptDimShape([4, 3, 5, 5], -2)).toEqual([1, 1, 5, 1])
    expect(normExceptDimShape([4, 3], 2)).toBeUndefined()
    expect(normExceptDimShape([4, 3], -3)).toBeUndefined()
  })

  it('keeps what torch._weight_norm keeps', () => {
    // Saved-tensor hooks around torch._weight_norm(v, g, dim) of parameters v (8, 4, 3) and g, parameters excluded:
    // the fused kernel keeps its norms (dim 0: 32 bytes, dim 2: 12); dim 1 copies v transposed (384), keeps the norm
    // (16) and g / norm (16); dim -1 keeps the norm and g / norm (4 each).
    const cases: Array<[number, number[], bigint]> = [
      [0, [8, 1, 1], 32n],
      [1, [1, 4, 1], 416n],
      [2, [1, 1, 3], 12n],
      [-1, [], 8n],
    ]
    for (const [dim, gShape, bytes] of cases) {
      expect(traced(gShape, (ctx, t) => weightNorm(ctx, t('v'), t('g'), dim))).toEqual([[8, 4, 3], bytes])
    }
  })

  it('keeps what spectral normalisation keeps', () => {
    // torch.dot(u.clone(), torch.mv(W, v.clone())) and W / sigma for a (6, 16) parameter W: the clone of v (64 bytes),
    // of u (24) and sigma (4).
    expect(traced([8, 1, 1], (ctx, t) => spectralNorm(ctx, t('w'), t('u'), t('u2'), { dim: 0, powerIterations: 1, clone: true }))).toEqual([[6, 16], 92n])
    // Without clones (old `spectral_norm` in eval mode) u and v are buffers: only sigma is kept.
    expect(traced([8, 1, 1], (ctx, t) => spectralNorm(ctx, t('w'), t('u'), t('u2'), { dim: 0, powerIterations: 0, clone: false }))).toEqual([[6, 16], 4n])
  })
})
