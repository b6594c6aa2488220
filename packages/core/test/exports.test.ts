import { describe, expect, it } from 'vitest'
import * as core from '../src/index.js'

describe('@nnsize/core public API', () => {
  it('exports exactly the documented names (a change here is a change to the public API)', async () => {
    const names = Object.keys(core)
      .sort()
      .map((name) => `${name}: ${typeof (core as Record<string, unknown>)[name]}`)
    await expect(`${names.join('\n')}\n`).toMatchFileSnapshot('./__snapshots__/exports.txt')
  })
})
