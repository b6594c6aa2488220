import { describe, expect, it } from 'vitest'
import { encodeShareState, maxShareFragmentChars } from '@nnsize/core'
import type { ShareState } from '@nnsize/core'
import { defaultSource, defaultState, filePaths, readHash, sameState, withLoadedProgram, withLoadedSource, withMainFile, withoutEmptyValues, withoutProgram, writeHash } from './state.ts'

const full: ShareState = {
  source: 'block = nn.Sequential(nn.Linear(8, 8), nn.ReLU())\nnn.Sequential(block, block)',
  input: '4,8',
  device: 'cpu',
  torch: '1.13',
  mode: 'training',
  optimizer: 'AdamW(lr=1e-4)',
  precision: 'bf16-mixed',
  batch: '8',
  seq: '4096',
  gpus: '8',
  sharding: '3',
  gpu: 'H100-80GB',
  lora: 'r=16,alpha=32',
  checkpointing: 'full',
  activationBytes: '1.5GiB',
  depth: '2',
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
  ])('refuses %s', (_, hash, message) => {
    const reading = readHash(hash)
    expect(reading.state).toEqual(defaultState())
    expect(reading.problem).toMatch(message)
  })

  it('keeps a link whose fields hold mistakes: each is shown beside its control, the rest still works', () => {
    expect(readHash('#src=Linear(1,1)&b=-1&dev=tpu')).toEqual({ state: { source: 'Linear(1,1)', batch: '-1', device: 'tpu', mode: 'inference' } })
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
    expect(written.problem).toBe('This state is too large to share: its link would be 120,004 characters long; links hold 100,000.')
  })

  it('says so instead of throwing when the text cannot be put in a link', () => {
    expect(writeHash({ source: 'x = 1  # \ud800' })).toMatchObject({ ok: false, problem: expect.stringContaining('unpaired surrogate') })
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

describe('withLoadedSource', () => {
  it('drops the input shape of the model a loaded file replaces', () => {
    expect(withLoadedSource({ source: 'resnet18()', input: '1,3,224,224', units: 'si' }, '{"model_type": "gpt2"}')).toEqual({ source: '{"model_type": "gpt2"}', units: 'si' })
  })
})

describe('defaultState', () => {
  it('returns a fresh object each time', () => {
    const a = defaultState()
    a.source = 'changed'
    expect(defaultState().source).toBe(defaultSource)
  })
})

describe('programs of files in the page state', () => {
  const program = { main: 'unet/model.py', files: { 'unet/model.py': 'from .parts import *\n', 'unet/parts.py': 'import torch\n', 'unet/__init__.py': '' } }

  it('loads files as the main text and the others by path, dropping the old model to build and input', () => {
    const state = withLoadedProgram({ source: 'x', input: '1,2', entry: 'Old()', units: 'si' }, program)
    expect(state).toEqual({ source: 'from .parts import *\n', main: 'unet/model.py', files: { 'unet/parts.py': 'import torch\n', 'unet/__init__.py': '' }, units: 'si' })
    expect(filePaths(state)).toEqual(['unet/model.py', 'unet/__init__.py', 'unet/parts.py'])
    expect(filePaths({ source: 'x' })).toEqual([])
  })

  it('makes another file the main one, and goes back to one text', () => {
    const state = withLoadedProgram({ source: '' }, program)
    const swapped = withMainFile(state, 'unet/parts.py')
    expect(swapped).toEqual({ source: 'import torch\n', main: 'unet/parts.py', files: { 'unet/__init__.py': '', 'unet/model.py': 'from .parts import *\n' } })
    expect(withMainFile(state, 'nope.py')).toBe(state)
    expect(withoutProgram({ ...swapped, entry: 'Net()' })).toEqual({ source: 'import torch\n' })
    expect(withLoadedSource({ ...swapped, input: '1' }, 'Linear(2, 3)')).toEqual({ source: 'Linear(2, 3)' })
  })

  it('shares the files in the link and reads them back', () => {
    const state = { ...withLoadedProgram({ source: '' }, program), entry: 'UNet(3, 2)' }
    const written = writeHash(state)
    expect(written.ok).toBe(true)
    if (written.ok) expect(readHash(`#${written.fragment}`)).toEqual({ state })
  })

  it('says, in the words of the core, when the files are too large for a link', () => {
    const state = withLoadedProgram({ source: '' }, { main: 'a.py', files: { 'a.py': '', 'b.py': 'x'.repeat(maxShareFragmentChars) } })
    expect(writeHash(state)).toEqual({ ok: false, problem: 'These 2 files are too large to share as a link: it would be 100,027 characters long; links hold 100,000. Nothing was uploaded.' })
  })
})

