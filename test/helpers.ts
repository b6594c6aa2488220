import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `nnsize-${prefix}-`))
}

/** Runs pnpm: the one running this test run (`npm_execpath`) when there is one, else `pnpm` from PATH. */
export function pnpm(args: string[], cwd: string): string {
  const execPath = process.env['npm_execpath']
  const [command, prefix] = execPath && /pnpm/.test(execPath) ? [process.execPath, [execPath]] : ['pnpm', []]
  return execFileSync(command, [...prefix, ...args], { cwd, stdio: 'pipe', encoding: 'utf8' })
}

/** Packs a workspace package with pnpm into `into` and returns the tarball's path. */
export function pack(packageDir: string, into: string): string {
  pnpm(['pack', '--pack-destination', into], resolve(repoRoot, packageDir))
  const name = readdirSync(into).find((f) => f.endsWith('.tgz') && f.includes(packageDir.includes('core') ? 'nnsize-core' : 'nnsize-0'))
  if (!name) throw new Error(`no tarball for ${packageDir} in ${into}`)
  return join(into, name)
}
