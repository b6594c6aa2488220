import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const script = fileURLToPath(new URL('../scripts/size.mjs', import.meta.url))

describe('the initial JavaScript of the built page', () => {
  it('stays within its budget of 100 KB gzip: the engine, the model collections and the panels load after the first chunk', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' })
    const total = /Initial JavaScript: [\d.]+ KB gzip \((\d+) bytes\)/.exec(run.stdout)
    expect(total, run.stdout + run.stderr).not.toBeNull()
    expect(Number(total![1])).toBeLessThanOrEqual(100 * 1024)
    expect(run.status, run.stderr).toBe(0)
    // The engine (its own chunk, for browsers without module workers) and the worker are never part of the first chunk.
    expect(run.stdout).toMatch(/compute\.worker-[^ ]+\.js \(loaded later\)/)
    expect(run.stdout).toMatch(/compute-[^ ]+\.js \(loaded later\)/)
  })
})
