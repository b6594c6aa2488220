import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { errorOf } from '../../test/support.js'
import { resolveTorchVersion, torchAtLeast } from './torch-version.js'

const failure = errorOf

describe('resolveTorchVersion', () => {
  it('defaults to current PyTorch and accepts both versions', () => {
    expect(resolveTorchVersion(undefined)).toBe('2.13')
    expect(resolveTorchVersion('1.13')).toBe('1.13')
    expect(resolveTorchVersion('2.13')).toBe('2.13')
  })

  it('refuses anything else with an option error listing the valid versions', () => {
    for (const value of ['2.0', '1.13.1', 2.13, null, 'constructor']) {
      const error = failure(() => resolveTorchVersion(value))
      expect(error.code).toBe('option')
      expect(error.message).toContain("'2.13', '1.13'")
      expect(error.suggestions).toEqual(['2.13', '1.13'])
    }
  })
})

describe('torchAtLeast', () => {
  it('compares major then minor numbers', () => {
    expect(torchAtLeast('2.13', '2.4')).toBe(true)
    expect(torchAtLeast('2.13', '2.13')).toBe(true)
    expect(torchAtLeast('1.13', '2.1')).toBe(false)
    expect(torchAtLeast('1.13', '1.8')).toBe(true)
  })
})

describe('the torch option of analyze', () => {
  it('is reported on the forward pass', () => {
    expect(analyze('nn.ReLU()', { input: '2,3' }).forward!.torch).toBe('2.13')
    expect(analyze('nn.ReLU()', { input: '2,3', torch: '1.13' }).forward!.torch).toBe('1.13')
  })

  it('is checked before anything is built', () => {
    const error = failure(() => analyze('nn.Linear(2, 3)', { torch: '3.0' as never }))
    expect(error.code).toBe('option')
    expect(error.message).toBe("`torch` must be one of `'2.13'`, `'1.13'`, got string `3.0`.")
  })

  it('refuses a class PyTorch 1.13 does not have, naming the versions', () => {
    const error = failure(() => analyze('nn.Sequential(nn.Linear(4, 4), nn.RMSNorm(4))', { torch: '1.13' }))
    expect(error.code).toBe('option')
    expect(error.message).toBe('PyTorch 1.13 (the `torch` option) has no `nn.RMSNorm`; PyTorch 2.4 and later have it. Model PyTorch 2.13 (the default) to use it.')
    expect(error.span).toEqual({ start: 31, end: 44 })
    expect(analyze('nn.RMSNorm(4)').params.total).toBe(4n)
  })

  it('refuses an argument PyTorch 1.13 does not take, pointing at it', () => {
    const source = 'nn.LayerNorm(8, bias=False)'
    const error = failure(() => analyze(source, { torch: '1.13' }))
    expect(error.message).toBe('PyTorch 1.13 (the `torch` option) has no argument `bias` on `nn.LayerNorm`; PyTorch 2.1 and later have it. Model PyTorch 2.13 (the default) to use it.')
    expect(source.slice(error.span!.start, error.span!.end)).toBe('False')
    // Without the argument the module is what 1.13 builds.
    expect(analyze('nn.LayerNorm(8)', { torch: '1.13' }).params.total).toBe(16n)
  })
})
