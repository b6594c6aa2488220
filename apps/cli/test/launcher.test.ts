import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { nnsize } from './helpers.js'

const dist = fileURLToPath(new URL('../dist', import.meta.url))
const version = (JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string }).version
const work = mkdtempSync(join(tmpdir(), 'nnsize-launcher-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const conv = 'Conv2d(128, 256, 3)'
const answer = '  Parameters        295,168  294,912 weights + 256 biases\n'
const isRoot = process.getuid?.() === 0

/** A fresh, empty cache folder for one test. */
function cacheFolder(name: string): string {
  return join(work, name)
}

describe('dist bundles', () => {
  it('are two ASCII CommonJS files whose first line names the version and the hash of the text', () => {
    expect(readdirSync(dist).sort()).toEqual(['cli.cjs', 'core.cjs'])
    for (const name of ['cli.cjs', 'core.cjs']) {
      const text = readFileSync(join(dist, name), 'latin1')
      expect(text).toMatch(new RegExp(`^// nnsize ${version.replaceAll('.', '\\.')} [0-9a-f]{16}\n`))
      expect(text).not.toMatch(/[^\x00-\x7f]/)
      // node:vm runs them without an ES-module loader
      expect(text).not.toMatch(/\bimport\(/)
    }
  })

  it('keeps the core out of the command line bundle', () => {
    expect(statSync(join(dist, 'cli.cjs')).size).toBeLessThan(100_000)
    expect(readFileSync(join(dist, 'cli.cjs'), 'latin1')).toContain('require("./core.cjs")')
  })
})

describe('the code cache of bin/nnsize.cjs', () => {
  it('is written after the first run, read by the next, and changes nothing in the answer', async () => {
    const folder = cacheFolder('fresh')
    const first = await nnsize([conv], { env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(first.stderr).toBe('')
    expect(first.stdout).toContain(answer)
    const files = readdirSync(folder).sort()
    expect(files).toEqual([expect.stringMatching(new RegExp(`^cli-${version.replaceAll('.', '\\.')}-[0-9a-f]{16}-${process.version}-${process.arch}\\.bin$`)), expect.stringMatching(/^core-.*\.bin$/)])
    const written = files.map((f) => statSync(join(folder, f)).mtimeMs)

    const second = await nnsize([conv], { env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(second).toEqual(first)
    // an accepted cache is not written again
    expect(files.map((f) => statSync(join(folder, f)).mtimeMs)).toEqual(written)
  })

  it('loads only the command line bundle for --help', async () => {
    const folder = cacheFolder('help')
    const r = await nnsize(['--help'], { env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(r.code).toBe(0)
    expect(readdirSync(folder)).toEqual([expect.stringMatching(/^cli-.*\.bin$/)])
  })

  it('replaces a cache that V8 rejects and answers the same', async () => {
    const folder = cacheFolder('corrupt')
    await nnsize([conv], { env: { NNSIZE_COMPILE_CACHE: folder } })
    for (const f of readdirSync(folder)) writeFileSync(join(folder, f), 'not a code cache')
    const r = await nnsize([conv], { env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain(answer)
    for (const f of readdirSync(folder)) expect(statSync(join(folder, f)).size).toBeGreaterThan(1000)
  })

  it('removes the caches of earlier builds of the same version, and keeps those of other versions and Nodes', async () => {
    const folder = cacheFolder('earlier-builds')
    mkdirSync(folder)
    const node = `${process.version}-${process.arch}`
    const earlier = `cli-${version}-0123456789abcdef-${node}.bin`
    const kept = [`cli-99.0.0-0123456789abcdef-${node}.bin`, `cli-${version}-0123456789abcdef-v18.0.0-${process.arch}.bin`, 'notes.txt']
    for (const f of [earlier, ...kept]) writeFileSync(join(folder, f), 'old')
    const r = await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(r.stdout).toBe(`${version}\n`)
    const files = readdirSync(folder)
    expect(files).not.toContain(earlier)
    expect(files).toEqual(expect.arrayContaining(kept))
    expect(files.filter((f) => !kept.includes(f))).toEqual([expect.stringMatching(new RegExp(`^cli-.*-${node}\\.bin$`))])
  })

  it('writes nothing with NNSIZE_DISABLE_COMPILE_CACHE', async () => {
    const folder = cacheFolder('disabled')
    const r = await nnsize([conv], { env: { NNSIZE_COMPILE_CACHE: folder, NNSIZE_DISABLE_COMPILE_CACHE: '1' } })
    expect(r.stdout).toContain(answer)
    expect(() => readdirSync(folder)).toThrow(/ENOENT/)
  })

  it('runs the same when the cache folder cannot be created', async () => {
    const file = join(work, 'a-file')
    writeFileSync(file, '')
    const r = await nnsize([conv], { env: { NNSIZE_COMPILE_CACHE: join(file, 'cache') } })
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain(answer)
  })

  it.skipIf(isRoot)('runs the same when the cache folder is read-only', async () => {
    const folder = cacheFolder('read-only')
    await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: folder } })
    chmodSync(folder, 0o500)
    const r = await nnsize([conv], { env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain(answer)
    expect(readdirSync(folder)).toEqual([expect.stringMatching(/^cli-.*\.bin$/)])
  })

  it('uses $XDG_CACHE_HOME/nnsize when no folder is given', async () => {
    const xdg = cacheFolder('xdg')
    const r = await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: undefined, XDG_CACHE_HOME: xdg } })
    expect(r.stdout).toBe(`${version}\n`)
    expect(readdirSync(join(xdg, 'nnsize'))).toEqual([expect.stringMatching(/^cli-.*\.bin$/)])
  })
})
