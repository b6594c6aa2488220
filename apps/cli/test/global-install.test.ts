import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const cliDir = fileURLToPath(new URL('..', import.meta.url))
const coreDir = fileURLToPath(new URL('../../../packages/core', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'nnsize-global-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function sh(file: string, args: string[], cwd: string): string {
  return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

describe('npm i -g of the packed tarballs', () => {
  it('installs nnsize into an empty prefix and answers 295,168 from another folder', { timeout: 120_000 }, () => {
    // the packages as published: core's compiled output and the CLI bundle (the global setup builds it)
    if (!existsSync(join(coreDir, 'dist', 'index.js'))) sh('pnpm', ['run', 'build'], coreDir)
    if (!existsSync(join(cliDir, 'dist', 'cli.cjs'))) sh(process.execPath, ['build.mjs'], cliDir)
    const packs = join(work, 'packs')
    sh('pnpm', ['pack', '--pack-destination', packs], coreDir)
    sh('pnpm', ['pack', '--pack-destination', packs], cliDir)
    const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz'))
    expect(tarballs.sort()).toEqual(['nnsize-0.1.0.tgz', 'nnsize-core-0.1.0.tgz'])

    const prefix = join(work, 'prefix')
    sh('npm', ['i', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs.map((t) => join(packs, t))], work)

    const elsewhere = mkdtempSync(join(tmpdir(), 'nnsize-elsewhere-'))
    try {
      const run = spawnSync(join(prefix, 'bin', 'nnsize'), ['Conv2d(128, 256, 3)'], { cwd: elsewhere, encoding: 'utf8' })
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      expect(run.stdout).toContain('  Parameters        295,168  294,912 weights + 256 biases\n')
      expect(spawnSync(join(prefix, 'bin', 'nnsize'), ['--version'], { cwd: elsewhere, encoding: 'utf8' }).stdout).toBe('0.1.0\n')

      // the installed command starts its background server, which then answers (once the files are a few seconds old)
      const cache = join(elsewhere, 'cache')
      const asked = (server: string | undefined) => spawnSync(join(prefix, 'bin', 'nnsize'), ['Conv2d(128, 256, 3)'], { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, NNSIZE_COMPILE_CACHE: cache, NNSIZE_SERVER: server } })
      let served = asked('only')
      for (let waited = 0; served.status !== 0 && waited < 30_000; waited += 250) {
        asked(undefined)
        execFileSync('sleep', ['0.25'])
        served = asked('only')
      }
      expect(served.status).toBe(0)
      expect(served.stdout).toBe(run.stdout)

      // the installed core package works on its own too
      const core = join(prefix, 'lib', 'node_modules', '@nnsize', 'core', 'dist', 'index.js')
      const count = spawnSync(process.execPath, ['--input-type=module', '-e', `const { analyze } = await import(${JSON.stringify(core)}); console.log(String(analyze('nn.Conv2d(128, 256, 3)').params.total))`], { cwd: elsewhere, encoding: 'utf8' })
      expect(count.stdout).toBe('295168\n')
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })
})
