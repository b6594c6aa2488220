import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import type { DeviceProfile } from '../forward/trace.js'
import { errorOf } from '../../test/support.js'

/** `[expression, input shape, saved bytes, saved bytes with the input]`; the output shape is the input's. */
type Measured = [string, number[], number, number]

/**
 * Measured with PyTorch 1.13 on CPU in training mode (`saved_tensors_hooks`, each storage once).
 * In-place rows ran on a non-leaf copy of a `requires_grad` input, which plays the input here.
 */
const measured: Record<string, Measured[]> = {
  dropout: [
    ['nn.Dropout()', [2, 4, 3, 6], 576, 576],
    ['nn.Dropout(0.2).eval()', [2, 4, 3, 6], 0, 0],
    ['nn.Dropout(1.0)', [2, 4, 3, 6], 4, 4],
    ['nn.Dropout(0.0)', [2, 4, 3, 6], 0, 0],
    ['nn.Dropout(p=0.3, inplace=True)', [2, 4, 3, 6], 576, 576],
  ],
  dropout1d: [
    ['nn.Dropout1d()', [2, 4, 3], 32, 32],
    ['nn.Dropout1d(0.1)', [4, 3], 16, 16],
  ],
  dropout2d: [
    ['nn.Dropout2d()', [2, 4, 3, 6], 32, 32],
    ['nn.Dropout2d(0.3)', [2, 4, 3], 32, 32],
    ['nn.Dropout2d()', [2, 4, 3, 6, 5], 32, 32],
    ['nn.Dropout2d(inplace=True)', [2, 4, 3, 6], 32, 32],
    ['nn.Dropout2d(1.0)', [2, 4, 3, 6], 4, 4],
    ['nn.Dropout2d(0.0)', [7], 0, 0],
  ],
  dropout3d: [
    ['nn.Dropout3d()', [2, 4, 3, 6, 5], 32, 32],
    ['nn.Dropout3d()', [4, 3, 6, 5], 16, 16],
    ['nn.Dropout3d()', [4, 3, 6], 16, 16],
  ],
  alphaDropout: [
    ['nn.AlphaDropout(0.2)', [2, 4, 3, 6], 576, 576],
    ['nn.AlphaDropout(0.2, inplace=True)', [2, 4, 3, 6], 576, 576],
    ['nn.AlphaDropout(0.2).eval()', [2, 4, 3, 6], 0, 0],
  ],
  featureAlphaDropout: [
    ['nn.FeatureAlphaDropout()', [2, 4, 3, 6], 32, 32],
    ['nn.FeatureAlphaDropout()', [2, 4], 32, 32],
  ],
}

function forward(source: string, input: number[], device: DeviceProfile = 'cpu') {
  return analyze(source, { input, device }).forward!
}

function checkMeasured(kind: string): void {
  for (const [source, input, saved, savedWithInput] of measured[kind]!) {
    it(`${source} on (${input.join(', ')}) saves ${saved} B, as PyTorch's CPU kernel does`, () => {
      const f = forward(source, input)
      expect(f.outputs[0]!.shape).toEqual(input)
      expect(f.savedBytes).toBe(BigInt(saved))
      expect(f.savedBytesWithInput).toBe(BigInt(savedWithInput))
      expect(f.macs).toBe(0n)
    })
  }
}

describe('dropout', () => {
  checkMeasured('dropout')
  it('passes its input through unchanged at p=0 and in eval mode, so the next layer saves the input itself', () => {
    // Measured: Linear(6, 8) → Dropout(0.0) → Linear(8, 2) saves Linear 1's output once (128 B).
    const f = forward('nn.Sequential(nn.Linear(6, 8), nn.Dropout(0.0), nn.Linear(8, 2))', [4, 6])
    expect(f.savedBytes).toBe(128n)
    expect(f.savedBytesWithInput).toBe(224n)
    expect(forward('nn.Dropout(0.5).eval()', [3]).outputs[0]!.storage.origin).toBe('input')
  })
  it('in place, saves the noise and returns its input, which the next layer saves', () => {
    const f = forward('nn.Sequential(nn.Linear(6, 8), nn.Dropout(0.5, inplace=True), nn.Linear(8, 2))', [4, 6])
    expect(f.savedBytes).toBe(256n)
    expect(f.savedBytesWithInput).toBe(352n)
  })
  it('saves a 1-byte mask on the cuda profile (fused kernel), float noise when in place', () => {
    expect(forward('nn.Dropout()', [2, 4, 3, 6], 'cuda').savedBytes).toBe(144n)
    expect(forward('nn.Dropout(inplace=True)', [2, 4, 3, 6], 'cuda').savedBytes).toBe(576n)
    expect(forward('nn.Dropout(0.0)', [2, 4, 3, 6], 'cuda').savedBytes).toBe(0n)
  })
  it('rejects a probability outside [0, 1], pointing at it', () => {
    const source = 'nn.Dropout(1.5)'
    const e = errorOf(() => analyze(source))
    expect(e.code).toBe('argument-value')
    expect(e.message).toBe('dropout probability has to be between 0 and 1, but got `p=1.5`.')
    expect(source.slice(e.span!.start, e.span!.end)).toBe('1.5')
  })
})

describe('dropout1d', () => {
  checkMeasured('dropout1d')
  it('rejects inputs that are not 2-D or 3-D', () => {
    const e = errorOf(() => forward('nn.Dropout1d()', [2, 3, 4, 5]))
    expect(e.code).toBe('shape')
    expect(e.message).toContain('expects a 2D or 3D input')
    expect(e.message).toContain('received a 4D input of shape (2, 3, 4, 5)')
  })
})

describe('dropout2d', () => {
  checkMeasured('dropout2d')
  it('needs at least 2 dimensions when it draws noise', () => {
    const e = errorOf(() => forward('nn.Dropout2d()', [7]))
    expect(e.message).toContain('Feature dropout requires at least 2 dimensions in the input')
  })
  it('keeps its per-channel noise on the cuda profile too (no fused kernel)', () => {
    expect(forward('nn.Dropout2d()', [2, 4, 3, 6], 'cuda').savedBytes).toBe(32n)
  })
})

describe('dropout3d', () => {
  checkMeasured('dropout3d')
})

describe('alphaDropout', () => {
  checkMeasured('alphaDropout')
  it('ignores `inplace`, as its forward does, and keeps full noise on cuda', () => {
    expect(forward('nn.AlphaDropout(inplace=True)', [3, 4]).outputs[0]!.storage.origin).toBe('activation')
    expect(forward('nn.AlphaDropout()', [3, 4], 'cuda').savedBytes).toBe(48n)
  })
})

describe('featureAlphaDropout', () => {
  checkMeasured('featureAlphaDropout')
})
