import { describe, expect, it } from 'vitest'
import { NnsizeError, errorCodes } from './errors.js'

describe('NnsizeError', () => {
  it('carries a code, a span and suggestions', () => {
    const e = new NnsizeError('unknown-argument', 'no `kernal_size`', { span: { start: 1, end: 4 }, suggestions: ['kernel_size'] })
    expect(e).toBeInstanceOf(Error)
    expect(e.code).toBe('unknown-argument')
    expect(e.toJSON()).toEqual({ code: 'unknown-argument', message: 'no `kernal_size`', start: 1, end: 4, suggestions: ['kernel_size'] })
  })

  it('names the request field an option error is about, with the reason to put after an app\'s own name for it', () => {
    const e = new NnsizeError('option', '`seq` must be a positive whole number, got `0`.', { field: 'seq', reason: 'must be a positive whole number, got `0`.' })
    expect(e.field).toBe('seq')
    expect(e.reason).toBe('must be a positive whole number, got `0`.')
    expect(e.toJSON()).toEqual({ code: 'option', message: '`seq` must be a positive whole number, got `0`.', field: 'seq' })
    expect(new NnsizeError('syntax', 'x').field).toBeUndefined()
  })

  it('is recognised across copies of the package by its marker', () => {
    const e = new NnsizeError('syntax', 'x')
    expect(NnsizeError.isInstance(e)).toBe(true)
    const foreign = Object.assign(new Error('y'), { [Symbol.for('nnsize.error')]: true })
    expect(NnsizeError.isInstance(foreign)).toBe(true)
    expect(NnsizeError.isInstance(new Error('z'))).toBe(false)
    expect(NnsizeError.isInstance(null)).toBe(false)
  })

  it('has stable, unique codes', () => {
    const codes = Object.values(errorCodes)
    expect(new Set(codes).size).toBe(codes.length)
    expect(codes).toContain('syntax')
    expect(codes).toContain('limit')
  })
})
