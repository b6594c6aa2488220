import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot, tempDir } from './helpers.js'

const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8')

describe('README.md', () => {
  it('starts with the set-up-and-run command and the set-up-and-test command', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
    const commands = firstBlock.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))
    expect(commands).toHaveLength(2)
    expect(commands[0]).toContain('nnsize.cjs "Conv2d(128, 256, 3)"')
    expect(commands[1]).toContain(' test')
  })

  it('has the exact test command that .ci/run runs', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
    const testCommand = firstBlock.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))[1]!
    const ci = readFileSync(resolve(repoRoot, '.ci/run'), 'utf8')
    expect(ci.split('\n')).toContain(testCommand)
  })
})

describe('the test command', () => {
  it('type-checks every package (tsc, and svelte-check for the playground) and runs the linter before the tests', () => {
    const manifest = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(manifest.scripts['test']).toBe('turbo run build typecheck && biome lint && vitest run')
    for (const dir of ['packages/core', 'apps/cli', 'apps/playground']) {
      const pkg = JSON.parse(readFileSync(resolve(repoRoot, dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
      expect(pkg.scripts['typecheck']).toMatch(/^(tsc -p tsconfig\.json --noEmit|svelte-check --tsconfig \.\/tsconfig\.json --fail-on-warnings)$/)
    }
  })
})

describe('releases', () => {
  it('versions core and CLI together and leaves the playground alone (changeset version on a copy)', () => {
    const copy = tempDir('release')
    const files = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean)
    for (const file of files) {
      if (!existsSync(resolve(repoRoot, file))) continue
      mkdirSync(dirname(join(copy, file)), { recursive: true })
      cpSync(resolve(repoRoot, file), join(copy, file))
    }
    const before = (p: string): string => (JSON.parse(readFileSync(join(copy, p), 'utf8')) as { version: string }).version
    const playgroundBefore = before('apps/playground/package.json')
    execFileSync(process.execPath, [resolve(repoRoot, 'node_modules/@changesets/cli/bin.js'), 'version'], { cwd: copy, stdio: 'pipe' })
    const core = before('packages/core/package.json')
    const cli = before('apps/cli/package.json')
    expect(core).toBe(cli)
    expect(core).not.toBe('0.0.0')
    expect(before('apps/playground/package.json')).toBe(playgroundBefore)
    expect(readFileSync(join(copy, 'packages/core/CHANGELOG.md'), 'utf8')).toContain(`## ${core}`)
    expect(readFileSync(join(copy, 'apps/cli/CHANGELOG.md'), 'utf8')).toContain(`## ${cli}`)
    expect(existsSync(join(copy, 'apps/playground/CHANGELOG.md'))).toBe(false)
  })
})
