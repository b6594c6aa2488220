import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from './helpers.js'

// Runs the verify scripts of a few reference cases under a real PyTorch (`$NNSIZE_PYTHON`, else `python3`),
// when it has PyTorch 2 or later; CI has none, and then this is skipped. `node scripts/verify-reference.mjs`
// runs every case (CONTRIBUTING.md).

const python = process.env['NNSIZE_PYTHON'] ?? 'python3'

function torchVersion(): string | undefined {
  try {
    return execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 }).trim()
  } catch {
    return undefined
  }
}

const version = torchVersion()
const available = version !== undefined && Number(version.split('.')[0]) >= 2

// One case per kernel family whose saved tensors changed since PyTorch 1.13, and a few that did not.
const sample = ['lstm/004', 'multiheadattention/001', 'transformerencoderlayer/010', 'seq-cnn/003', 'localresponsenorm/004', 'new/rmsnorm/001', 'conv2d/002', 'embedding/002']

describe.skipIf(!available)(`verify scripts under PyTorch ${version ?? '(none)'}`, () => {
  it('pass for a sample of reference cases', () => {
    const output = execFileSync(process.execPath, [resolve(repoRoot, 'scripts/verify-reference.mjs'), '--python', python, '--ids', sample.join(','), '--json'], { encoding: 'utf8', timeout: 600_000 })
    const report = JSON.parse(output) as { results: Array<{ id: string; status: string; message: string }> }
    expect(report.results.filter((r) => r.status !== 'passed')).toEqual([])
    expect(report.results).toHaveLength(sample.length)
  })
})
