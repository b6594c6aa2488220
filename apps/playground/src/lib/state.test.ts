import { describe, expect, it } from 'vitest'
import { encodeShareState, maxShareFragmentChars } from '@nnsize/core'
import type { ShareState } from '@nnsize/core'
import { defaultSource, defaultState, readHash, sameState, withoutEmptyValues, writeHash } from './state.ts'

const full: ShareState = {
  source: 'block = nn.Sequential(nn.Linear(8, 8), nn.ReLU())\nnn.Sequential(block, block)',
  input: '4,8',
  device: 'cpu',
  optimizer: 'AdamW(lr=1e-4)',
  precision: 'bf16-mixed',
  batch: 8,
  seq: 4096,
  gpus: 8,
  zero: '3',
  gpu: 'H100-80GB',
  lora: 'r=16,alpha=32',
  checkpointing: 'full',
  activations: '1.5GiB',
  depth: 2,
  units: 'si',
}

describe('readHash', () => {
  it('gives the default state for an empty fragment', () => {
    expect(readHash('')).toEqual({ state: { source: defaultSource } })
    expect(readHash('#')).toEqual({ state: { source: defaultSource } })
  })

  it('reads back every field that writeHash wrote', () => {
    const written = writeHash(full)
    expect(written.ok).toBe(true)
    if (!written.ok) return
    expect(readHash(`#${written.fragment}`)).toEqual({ state: full })
  })

  it('keeps text that looks like markup as plain text', () => {
    const state = { source: '<script>alert(1)</script>', input: '"><img src=x onerror=alert(1)>' }
    const written = writeHash(state)
    expect(written.ok && readHash(written.fragment).state).toEqual(state)
  })

  it('keeps unicode, newlines, ampersands and equals signs intact', () => {
    const state = { source: "# größe & ratio = 1/2 ✓ 🚀\nnn.Linear(1_000, 10)  # a=b&c" }
    const written = writeHash(state)
    expect(written.ok && readHash(written.fragment).state).toEqual(state)
  })

  it('sets aside a fragment longer than the limit, with the default state and a reason', () => {
    const reading = readHash(`#src=${'a'.repeat(maxShareFragmentChars + 1)}`)
    expect(reading.state).toEqual(defaultState())
    expect(reading.problem).toMatch(/limit is 100,000/)
  })

  it.each([
    ['malformed percent escapes', '#src=%E0%A4%A', /malformed/],
    ['no src', '#in=1,3,224,224', /no `src`/],
    ['a negative batch', '#src=Linear(1,1)&b=-1', /`b` in the shared link must be a positive integer/],
    ['a huge batch', '#src=Linear(1,1)&b=99999999999999999999', /positive integer/],
    ['a fractional GPU count', '#src=Linear(1,1)&gpus=1.5', /positive integer/],
    ['an unknown device', '#src=Linear(1,1)&dev=tpu', /`dev` in the shared link must be `cpu` or `cuda`/],
    ['unknown units', '#src=Linear(1,1)&units=kb', /`units`/],
  ])('refuses %s', (_, hash, message) => {
    const reading = readHash(hash)
    expect(reading.state).toEqual(defaultState())
    expect(reading.problem).toMatch(message)
  })

  it('ignores unknown keys, including ones named like object internals', () => {
    const reading = readHash('#__proto__=x&constructor=y&src=Linear(2,3)&toString=z')
    expect(reading).toEqual({ state: { source: 'Linear(2,3)' } })
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  it('accepts a fragment exactly at the limit', () => {
    const source = 'a'.repeat(maxShareFragmentChars - 'src='.length)
    expect(readHash(`src=${source}`)).toEqual({ state: { source } })
  })
})

describe('writeHash', () => {
  it('writes the source first and leaves out empty options', () => {
    const written = writeHash({ source: 'Conv2d(128, 256, 3)', input: '', optimizer: undefined })
    expect(written).toEqual({ ok: true, fragment: encodeShareState({ source: 'Conv2d(128, 256, 3)' }) })
  })

  it('refuses a state too large for a link and says how large it is', () => {
    const written = writeHash({ source: '<'.repeat(40_000) })
    expect(written.ok).toBe(false)
    if (written.ok) return
    expect(written.problem).toMatch(/120,004 characters encoded; links hold 100,000/)
  })
})

describe('withoutEmptyValues', () => {
  it('drops undefined and empty strings but keeps zero and the source', () => {
    expect(withoutEmptyValues({ source: '', input: '', depth: 0, batch: undefined })).toEqual({ source: '', depth: 0 })
  })
})

describe('sameState', () => {
  it('treats an empty option and a missing one as the same', () => {
    expect(sameState({ source: 'x', input: '' }, { source: 'x' })).toBe(true)
    expect(sameState({ source: 'x', input: '1,2' }, { source: 'x' })).toBe(false)
  })
})

describe('defaultState', () => {
  it('returns a fresh object each time', () => {
    const a = defaultState()
    a.source = 'changed'
    expect(defaultState().source).toBe(defaultSource)
  })
})
