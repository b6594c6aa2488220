import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The bundled CLI's entry, as the installed package runs it. */
export const bin = fileURLToPath(new URL('../bin/nnsize.cjs', import.meta.url))

/** What a CLI run produced. */
export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs `nnsize <args>` as a subprocess, feeding `stdin` (closed empty when not given). With `timeoutMs`, a run that
 * takes longer is killed and answers `code: null` with `timedOut: true`.
 */
export function nnsize(
  args: readonly string[],
  options: { stdin?: string | Buffer; env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult & { timedOut?: boolean }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env }
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
    const child = spawn(process.execPath, [bin, ...args], { env: env as NodeJS.ProcessEnv, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    let timedOut = false
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), options.timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve(timedOut ? { code, stdout, stderr, timedOut } : { code, stdout, stderr })
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(options.stdin ?? '')
  })
}

/**
 * Waits until the launcher and bundles of the package in `packageDir` (the CLI's own by default) are older than the
 * launcher's settling time: only then does it trust a background server to run them.
 */
export async function settled(packageDir = fileURLToPath(new URL('..', import.meta.url))): Promise<void> {
  const { settledMs } = createRequire(import.meta.url)('../bin/nnsize.cjs') as { settledMs: number }
  const files = [join(packageDir, 'bin', 'nnsize.cjs'), join(packageDir, 'bin', 'server.cjs'), ...readdirSync(join(packageDir, 'dist')).map((f) => join(packageDir, 'dist', f))]
  const newest = Math.max(...files.map((f) => statSync(f).ctimeMs))
  const wait = newest + settledMs + 200 - Date.now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
}
