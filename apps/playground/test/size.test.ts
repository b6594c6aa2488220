import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const script = fileURLToPath(new URL('../scripts/size.mjs', import.meta.url))

describe('the initial JavaScript of the built page', () => {
  it('stays within its budget of 100 KB gzip: the model collections load after the first answer', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' })
    const total = /Initial JavaScript: [\d.]+ KB gzip \((\d+) bytes\)/.exec(run.stdout)
    expect(total, run.stdout + run.stderr).not.toBeNull()
    expect(Number(total![1])).toBeLessThanOrEqual(100 * 1024)
    expect(run.status, run.stderr).toBe(0)
    // The torchvision and timm zoos are never part of the first chunk.
    expect(run.stdout).toMatch(/\(loaded later\)/)
  })
})
