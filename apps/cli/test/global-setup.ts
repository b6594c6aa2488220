import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Bundles the CLI once before the tests that run it as a subprocess (esbuild takes about a second). */
export default function setup(): void {
  execFileSync(process.execPath, ['build.mjs'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' })
}
