import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { pack, repoRoot, tempDir } from './helpers.js'

const workflowsDir = resolve(repoRoot, '.github/workflows')
const workflows = readdirSync(workflowsDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((name) => ({ name, text: readFileSync(join(workflowsDir, name), 'utf8') }))

/** The lines of a YAML block that starts at `header` (a line), down to the next line indented no deeper. */
function block(text: string, header: RegExp): string[][] {
  const lines = text.split('\n')
  const blocks: string[][] = []
  lines.forEach((line, i) => {
    if (!header.test(line)) return
    const indent = /^ */.exec(line)![0].length
    const body: string[] = []
    for (const next of lines.slice(i + 1)) {
      if (next.trim() === '' || next.trimStart().startsWith('#')) continue
      if (/^ */.exec(next)![0].length <= indent) break
      body.push(next.trim())
    }
    blocks.push(body)
  })
  return blocks
}

describe('GitHub workflows', () => {
  it('exist', () => {
    expect(workflows.map((w) => w.name).sort()).toEqual(['ci.yml', 'pages.yml', 'release.yml'])
  })

  it('pin every third-party action to a full commit SHA, with its release tag as a comment', () => {
    for (const { name, text } of workflows) {
      const uses = [...text.matchAll(/^\s*(?:- )?uses:\s*(.+)$/gm)].map((m) => m[1]!.trim())
      expect(uses.length, name).toBeGreaterThan(0)
      for (const use of uses) {
        if (use.startsWith('./')) continue
        expect(use, `${name}: ${use}`).toMatch(/^[\w.-]+\/[\w.-]+(?:\/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)
      }
    }
  })

  it('grant read-only permissions at the top, and more only per job', () => {
    for (const { name, text } of workflows) {
      const top = block(text, /^permissions:\s*$/)
      expect(top, name).toHaveLength(1)
      expect(top[0], name).toEqual(['contents: read'])
      for (const job of block(text, /^ {4}permissions:\s*$/)) {
        for (const grant of job) expect(grant, name).toMatch(/^(contents|pull-requests|pages|id-token): (read|write)$/)
      }
    }
    // only the jobs that write get write access
    const writes = (file: string) => block(workflows.find((w) => w.name === file)!.text, /^ {4}permissions:\s*$/).flat().filter((g) => g.endsWith('write'))
    expect(writes('ci.yml')).toEqual([])
    expect(writes('pages.yml')).toEqual(['pages: write', 'id-token: write'])
    expect(writes('release.yml')).toEqual(['contents: write', 'pull-requests: write', 'id-token: write'])
  })

  it('leave no credentials in the checkout', () => {
    for (const { name, text } of workflows) {
      const checkouts = text.split('\n').filter((l) => /uses: actions\/checkout@/.test(l)).length
      expect(block(text, /uses: actions\/checkout@/).filter((b) => b.includes('persist-credentials: false')), name).toHaveLength(checkouts)
    }
  })

  it('publish with npm provenance, and install with no token in the environment', () => {
    const release = workflows.find((w) => w.name === 'release.yml')!.text
    expect(release).toMatch(/^\s+NPM_CONFIG_PROVENANCE: true$/m)
    const install = /- run: (.*install --frozen-lockfile.*)\n(\s+)?/.exec(release)
    expect(install).not.toBeNull()
    // the install step has no env block: the secrets are given to the publishing step alone
    const afterInstall = release.slice(release.indexOf(install![0]))
    expect(afterInstall.split('\n')[1]).not.toMatch(/^\s+env:/)
  })
})

describe('package manifests', () => {
  const manifests = ['package.json', 'packages/core/package.json', 'apps/cli/package.json', 'apps/playground/package.json'].map((path) => ({
    path,
    json: JSON.parse(readFileSync(resolve(repoRoot, path), 'utf8')) as { engines?: { node?: string }; license?: string; files?: string[]; private?: boolean },
  }))

  it('declare one engines range: the Node versions that load ES modules with require() (and that Vite supports)', () => {
    expect(manifests.map((m) => [m.path, m.json.engines?.node])).toEqual(manifests.map((m) => [m.path, '^20.19.0 || >=22.12.0']))
  })

  it('ship the MIT licence in each published package', () => {
    const license = readFileSync(resolve(repoRoot, 'LICENSE'), 'utf8')
    expect(license).toMatch(/^MIT License\n/)
    for (const m of manifests.filter((m) => !m.json.private)) {
      expect(m.json.license, m.path).toBe('MIT')
      expect(m.json.files, m.path).toContain('LICENSE')
      expect(readFileSync(resolve(repoRoot, m.path, '..', 'LICENSE'), 'utf8'), m.path).toBe(license)
    }
  })

  it('commit the command executable', () => {
    expect(execFileSync('git', ['ls-files', '-s', 'apps/cli/bin/nnsize.cjs'], { cwd: repoRoot, encoding: 'utf8' })).toMatch(/^100755 /)
  })
})

describe('packed tarballs', () => {
  let dir = ''
  beforeAll(() => {
    dir = tempDir('licence')
  })

  it.each(['packages/core', 'apps/cli'])('%s holds LICENSE', (packageDir) => {
    const tarball = pack(packageDir, dir)
    const listing = execFileSync('tar', ['-tvzf', tarball], { encoding: 'utf8' }).split('\n')
    expect(listing.some((line) => line.endsWith(' package/LICENSE'))).toBe(true)
    if (packageDir === 'apps/cli') expect(listing.find((line) => line.endsWith(' package/bin/nnsize.cjs'))).toMatch(/^-rwx/)
  })
})
