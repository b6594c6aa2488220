import { describe, expect, it } from 'vitest'
import * as core from '../src/index.js'
import * as memory from '../src/memory/index.js'
import * as speed from '../src/speed/index.js'

describe('@nnsize/core public API', () => {
  it('exports exactly the documented names (a change here is a change to the public API)', async () => {
    const names = Object.keys(core)
      .sort()
      .map((name) => `${name}: ${typeof (core as Record<string, unknown>)[name]}`)
    await expect(`${names.join('\n')}\n`).toMatchFileSnapshot('./__snapshots__/exports.txt')
  })

  it('re-exports every name of the memory and speed planners, which the entry lists by name', () => {
    // the entry names them rather than `export *` from them: the command line's bundles keep the planners in a part of
    // their own, and `export *` from it would copy every name onto the entry's exports whenever the core loads
    const exported = new Set(Object.keys(core))
    expect([...Object.keys(memory), ...Object.keys(speed)].filter((name) => !exported.has(name))).toEqual([])
  })
})
