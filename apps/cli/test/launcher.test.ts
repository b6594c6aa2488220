import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { nnsize } from './helpers.js'

const dist = fileURLToPath(new URL('../dist', import.meta.url))
const version = (JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string }).version
const work = mkdtempSync(join(tmpdir(), 'nnsize-launcher-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

// A bundle changed less than `settledMs` ago has no identity yet, and its cache is written again, with it, by the
// first run after it settles: wait for a fresh build to settle, so that each test sees one write where it expects one.
beforeAll(async () => {
  const youngest = Math.max(...readdirSync(dist).map((name) => statSync(join(dist, name)).ctimeMs))
  const wait = youngest + launcher.settledMs + 100 - Date.now()
  if (wait > 0) await new Promise((done) => setTimeout(done, wait))
})

const conv = 'Conv2d(128, 256, 3)'
const answer = '  Parameters        295,168  294,912 weights + 256 biases\n'
const isRoot = process.getuid?.() === 0

/** A fresh, empty cache folder for one test. */
function cacheFolder(name: string): string {
  return join(work, name)
}

describe('dist bundles', () => {
  it('are ASCII CommonJS files whose first line names the version and the hash of the text', () => {
    expect(readdirSync(dist).sort()).toEqual(bundles)
    for (const name of bundles) {
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

  it('keeps the model collections, the Hugging Face families, the weight-file readers and the planners out of the core bundle, required on first use', () => {
    const core = readFileSync(join(dist, 'core.cjs'), 'latin1')
    for (const part of ['zoo', 'hf', 'weights', 'plan']) expect(core).toContain(`require("./${part}.cjs")`)
    // the GPU table and the optimizers are the planners' own
    expect(core).not.toContain('NVIDIA H100')
    expect(readFileSync(join(dist, 'plan.cjs'), 'latin1')).toContain('NVIDIA H100')
    // the catalogue and torchvision's weights tables are in their own bundles only
    expect(core).not.toContain('meta-llama/Llama-3.1-8B')
    expect(readFileSync(join(dist, 'hf.cjs'), 'latin1')).toContain('meta-llama/Llama-3.1-8B')
    expect(core).not.toContain('ResNet50_Weights')
    expect(readFileSync(join(dist, 'zoo.cjs'), 'latin1')).toContain('ResNet50_Weights')
  })
})

/** The bundles of dist/, each loaded on first use. */
const bundles = ['cli.cjs', 'core.cjs', 'hf.cjs', 'libs.cjs', 'plan.cjs', 'weights.cjs', 'zoo.cjs']

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

  it('loads the zoo and the weight-file readers only where the question reaches them', async () => {
    const models = join(work, 'models')
    mkdirSync(join(models, 'net'), { recursive: true })
    const net = 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(10, 20)\n'
    writeFileSync(join(models, 'net.py'), net)
    writeFileSync(join(models, 'net', '__init__.py'), `${net}\n\nmodel = Net()\n`)
    writeFileSync(join(models, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 32000, hidden_size: 256, intermediate_size: 512, num_hidden_layers: 2, num_attention_heads: 8, num_key_value_heads: 2 }))
    const loaded = async (args: string[], stderr = ''): Promise<string[]> => {
      const folder = mkdtempSync(join(work, 'parts-'))
      const r = await nnsize(args, { cwd: models, env: { NNSIZE_COMPILE_CACHE: folder } })
      expect(r.stderr).toBe(stderr)
      return readdirSync(folder).map((f) => f.slice(0, f.indexOf('-'))).sort()
    }
    // a file's first bytes are checked against the weight formats without their readers; a folder without weight
    // files is not checked. Only a first byte that could start a legacy torch.save pickle needs the pickle reader.
    // A Python file's syntax tree is kept (`tree-…`).
    expect(await loaded(['net.py'])).toEqual(['cli', 'core', 'tree'])
    writeFileSync(join(models, 'layers.txt'), 'Linear(10, 20)\n')
    expect(await loaded(['layers.txt'])).toEqual(['cli', 'core', 'weights'])
    expect(await loaded(['net/'])).toEqual(['cli', 'core', 'tree'])
    expect(await loaded(['config.json'])).toEqual(['cli', 'core', 'hf'])
    expect(await loaded(['llama-3.1-8b'])).toEqual(['cli', 'core', 'hf'])
    // an expression's layers need no zoo; torchvision's builders and a name to suggest one for do
    expect(await loaded(['Conv2d(128, 256, 3)'])).toEqual(['cli', 'core'])
    // only a memory plan loads the planners (their optimizers and GPU table)
    expect(await loaded(['Linear(4096, 4096)', '--optimizer', 'adamw', '--gpu', 'a100'])).toEqual(['cli', 'core', 'plan'])
    expect(await loaded(['Conv2d(128, 256, 3)', '--explain'])).toEqual(['cli', 'core'])
    expect(await loaded(['resnet18()'])).toEqual(['cli', 'core', 'zoo'])
    // numpy's arrays and torch.nn.utils' weight normalisations load with the first program that imports them
    writeFileSync(join(models, 'table.py'), 'import numpy as np\nimport torch.nn as nn\n\nmodel = nn.Linear(int(np.arange(4).sum()), 2)\n')
    expect(await loaded(['table.py'])).toEqual(['cli', 'core', 'libs', 'tree'])
    expect(await loaded(['nn.utils.weight_norm(nn.Linear(4, 4))'])).toEqual(['cli', 'core', 'libs'])
    expect(await loaded(['resnt18()', '--no-color'], 'error[unknown-name]: `resnt18` is not defined. Did you mean `resnet18`?\n --> 1:1\n  |\n1 | resnt18()\n  | ^^^^^^^\n')).toEqual(['cli', 'core', 'zoo'])
  })

  it('writes a cache again when a run takes a path its code was not compiled for, then keeps it', async () => {
    const folder = cacheFolder('paths')
    const dir = join(work, 'paths-model')
    mkdirSync(dir)
    writeFileSync(join(dir, 'net.py'), 'import torch.nn as nn\n\nmodel = nn.Sequential(nn.Linear(10, 20), nn.ReLU())\n')
    const core = (): { name: string; mtime: number; size: number } => {
      const name = readdirSync(folder).find((f) => f.startsWith('core-'))!
      const info = statSync(join(folder, name))
      return { name, mtime: info.mtimeMs, size: info.size }
    }
    const pathsOf = (name: string): string => {
      const bytes = readFileSync(join(folder, name))
      const start = bytes.indexOf(0x0a, launcher.magic.length) + 1
      return bytes.subarray(start, bytes.indexOf(0x0a, start)).toString('latin1')
    }
    await nnsize([conv], { cwd: dir, env: { NNSIZE_COMPILE_CACHE: folder } })
    const first = core()
    expect(pathsOf(first.name)).toBe('bundle:cli bundle:core input:text output:report')
    // the same question again: nothing to add
    await nnsize([conv], { cwd: dir, env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(core()).toEqual(first)
    // a model file: the interpreter's code joins the cache
    const r = await nnsize(['net.py', '--json'], { cwd: dir, env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(r.stderr).toBe('')
    const second = core()
    expect(second.mtime).toBeGreaterThan(first.mtime)
    expect(second.size).toBeGreaterThan(first.size)
    expect(pathsOf(second.name)).toBe('bundle:cli bundle:core input:program input:text output:json output:report')
    // the file again: its syntax tree, kept by the first run, is read back instead of parsed, a path of its own
    expect(await nnsize(['net.py', '--json'], { cwd: dir, env: { NNSIZE_COMPILE_CACHE: folder } })).toEqual(r)
    const third = core()
    expect(pathsOf(third.name)).toBe('bundle:cli bundle:core input:kept-tree input:program input:text output:json output:report')
    // and both kinds of question are then answered from it, the answers unchanged
    expect(await nnsize(['net.py', '--json'], { cwd: dir, env: { NNSIZE_COMPILE_CACHE: folder } })).toEqual(r)
    await nnsize([conv], { cwd: dir, env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(core()).toEqual(third)
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

  it.skipIf(process.platform === 'win32')('uses $HOME/.cache/nnsize without $XDG_CACHE_HOME', async () => {
    const home = cacheFolder('home')
    mkdirSync(home)
    const r = await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: undefined, XDG_CACHE_HOME: undefined, HOME: home } })
    expect(r.stdout).toBe(`${version}\n`)
    expect(readdirSync(join(home, '.cache', 'nnsize'))).toEqual([expect.stringMatching(/^cli-.*\.bin$/)])
  })
})

/** The text of a bundle and the identity of its file, as bin/nnsize.cjs reads them. */
interface BundleText {
  text: string
  identity: string | undefined
}

/** The launcher's cache functions, as bin/nnsize.cjs exports them when it is required rather than run. */
interface Launcher {
  settledMs: number
  readBundle(filename: string): BundleText
  readCacheFile(file: string, bundle: BundleText): { paths: Set<string>; data: Buffer; rehashed: boolean } | undefined
  writeCacheFile(file: string, bundle: BundleText, paths: readonly string[], data: Uint8Array, temporary: string): void
  textHashOf(text: string): string
  magic: Buffer
  maxCacheBytes: number
  cacheMode(folder: string | undefined, nodeModule: { enableCompileCache?: unknown }): 'node' | 'own' | 'none'
  mayHaveCompileCache(version: string): boolean
  keptEntries(folder: string): { read(kind: string, key: string): string | undefined; write(kind: string, key: string, make: () => string): void } | undefined
  keptFileName(kind: string, key: string): string
  readKeptFile(file: string, build: string): string | undefined
  writeKept(folder: string): void
  keptMagic: Buffer
  maxKeptEntries: number
}
const require = createRequire(import.meta.url)
const launcher = require('../bin/nnsize.cjs') as Launcher
const nodeFs = require('node:fs') as typeof import('node:fs')

/** The function text bin/nnsize.cjs compiles for a bundle. */
const wrap = (text: string): string => `(function (exports, require, module, __filename, __dirname) {${text}\n})`

/**
 * An attack on dist/cli.cjs: V8's cached data for other code of exactly the same length, which writes `marker` when it
 * runs. V8 itself accepts it for the real bundle: only nnsize's own checks stand between it and a run.
 */
function plantedCode(marker: string): { data: Buffer; realText: string; payloadText: string } {
  const realText = readFileSync(join(dist, 'cli.cjs'), 'latin1')
  const head = `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "pwned");`
  const payloadText = head + ' '.repeat(realText.length - head.length)
  const data = new Script(wrap(payloadText)).createCachedData()
  const accepted = new Script(wrap(realText), { cachedData: data })
  expect(accepted.cachedDataRejected).toBe(false)
  return { data, realText, payloadText }
}

/** A cache file in nnsize's format that says `data` was compiled from `text` (read from a file with no identity). */
function cacheFileFor(text: string, data: Buffer): Buffer {
  const file = join(mkdtempSync(join(work, 'made-')), 'cache.bin')
  launcher.writeCacheFile(file, { text, identity: undefined }, [], data, `${file}.tmp`)
  return readFileSync(file)
}

/** The name nnsize gives the cache of dist/cli.cjs, found by letting it write one. */
async function cliCacheName(): Promise<string> {
  const folder = mkdtempSync(join(work, 'name-'))
  await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: folder } })
  const [name] = readdirSync(folder)
  return name!
}

describe('the code cache refuses what is not provably its own', () => {
  it('never runs cached code made for other code of the same length, in any form', async () => {
    const name = await cliCacheName()
    const marker = join(work, 'planted-marker')
    const { data, payloadText } = plantedCode(marker)
    const plants = {
      // V8's bytes as they are
      raw: data,
      // nnsize's format, made for the other code
      otherText: cacheFileFor(payloadText, data),
      // nnsize's format, made for the real bundle, its data damaged since (in the second copy, then in the first): the
      // copies no longer match
      damaged: (() => {
        const bytes = cacheFileFor(readFileSync(join(dist, 'cli.cjs'), 'latin1'), data)
        bytes[bytes.length - 1]! ^= 0x01
        return bytes
      })(),
      damagedFirstCopy: (() => {
        const bytes = cacheFileFor(readFileSync(join(dist, 'cli.cjs'), 'latin1'), data)
        bytes[bytes.length - data.length - Math.floor(data.length / 2)]! ^= 0x40
        return bytes
      })(),
      // the real bundle's header and both copies, with bytes after them
      trailing: Buffer.concat([cacheFileFor(readFileSync(join(dist, 'cli.cjs'), 'latin1'), data), Buffer.from('\n')]),
      // the real bundle's header and one copy of the data: a file cut short
      oneCopy: (() => {
        const bytes = cacheFileFor(readFileSync(join(dist, 'cli.cjs'), 'latin1'), data)
        return bytes.subarray(0, bytes.length - data.length)
      })(),
      // nnsize's format from before, whatever its tag
      earlierFormat: Buffer.concat([Buffer.from('nnsize code cache 3\n', 'latin1'), Buffer.alloc(32), Buffer.from('\n'), data]),
    }
    for (const [kind, bytes] of Object.entries(plants)) {
      const folder = cacheFolder(`planted-${kind}`)
      mkdirSync(folder, { mode: 0o700 })
      writeFileSync(join(folder, name), bytes, { mode: 0o600 })
      const r = await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: folder } })
      expect(r, kind).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
      expect(existsSync(marker), kind).toBe(false)
      // replaced by a cache of its own
      expect(readFileSync(join(folder, name)).equals(bytes), kind).toBe(false)
    }
  })

  it('uses no cache in a folder that others can write, even one tagged for the real bundle', async () => {
    const name = await cliCacheName()
    const marker = join(work, 'shared-marker')
    const { data, realText } = plantedCode(marker)
    const folder = cacheFolder('world-writable')
    mkdirSync(folder)
    chmodSync(folder, 0o777)
    writeFileSync(join(folder, name), cacheFileFor(realText, data), { mode: 0o600 })
    const before = readdirSync(folder)
    const r = await nnsize([conv], { env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain(answer)
    expect(existsSync(marker)).toBe(false)
    // nothing written there either
    expect(readdirSync(folder)).toEqual(before)
  })

  it.skipIf(!isRoot)("uses no cache in another user's folder", async () => {
    const name = await cliCacheName()
    const marker = join(work, 'foreign-marker')
    const { data, realText } = plantedCode(marker)
    const folder = cacheFolder('foreign')
    mkdirSync(folder, { mode: 0o755 })
    writeFileSync(join(folder, name), cacheFileFor(realText, data))
    chownSync(join(folder, name), 65534, 65534)
    chownSync(folder, 65534, 65534)
    const r = await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
    expect(existsSync(marker)).toBe(false)
    expect(readdirSync(folder)).toEqual([name])
  })

  it('follows no symbolic link: not to a cache elsewhere, not to a file it would overwrite, not to /dev/zero', async () => {
    const name = await cliCacheName()
    const marker = join(work, 'linked-marker')
    const { data, realText } = plantedCode(marker)
    const elsewhere = join(work, 'elsewhere.bin')
    const precious = cacheFileFor(realText, data)
    writeFileSync(elsewhere, precious)
    const folder = cacheFolder('linked')
    mkdirSync(folder, { mode: 0o700 })
    symlinkSync(elsewhere, join(folder, name))
    const r = await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
    expect(existsSync(marker)).toBe(false)
    expect(readFileSync(elsewhere).equals(precious)).toBe(true)
    // the link itself was replaced by a regular file
    expect(lstatSync(join(folder, name)).isFile()).toBe(true)

    const zero = cacheFolder('dev-zero')
    mkdirSync(zero, { mode: 0o700 })
    symlinkSync('/dev/zero', join(zero, name))
    const started = performance.now()
    expect(await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: zero }, timeoutMs: 20_000 })).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
    expect(performance.now() - started).toBeLessThan(10_000)
  })

  it('answers at once when the cache file is a FIFO or a device', async () => {
    const name = await cliCacheName()
    const folder = cacheFolder('fifo')
    mkdirSync(folder, { mode: 0o700 })
    execFileSync('mkfifo', [join(folder, name)])
    expect(await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: folder }, timeoutMs: 20_000 })).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })

  it('writes through a new file created exclusively, never through a link planted at its name', () => {
    const folder = cacheFolder('temporary')
    mkdirSync(folder, { mode: 0o700 })
    const target = join(work, 'temporary-target')
    writeFileSync(target, 'precious')
    const file = join(folder, 'cli.bin')
    const temporary = `${file}.1-planted.tmp`
    symlinkSync(target, temporary)
    const bundle = { text: 'one text', identity: undefined }
    expect(() => launcher.writeCacheFile(file, bundle, ['input:text'], Buffer.from('data'), temporary)).toThrow(/EEXIST/)
    expect(readFileSync(target, 'utf8')).toBe('precious')
    expect(existsSync(file)).toBe(false)

    launcher.writeCacheFile(file, bundle, ['input:text'], Buffer.from('data'), `${file}.2.tmp`)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const read = launcher.readCacheFile(file, bundle)
    expect(read?.data.toString()).toBe('data')
    expect([...(read?.paths ?? [])]).toEqual(['input:text'])
    // another text of the same length
    expect(launcher.readCacheFile(file, { text: 'two text', identity: undefined })).toBeUndefined()
    // the planted link is not nnsize's to remove
    expect(readdirSync(folder).sort()).toEqual(['cli.bin', 'cli.bin.1-planted.tmp'])
  })

  it("trusts a bundle file's identity only once it has settled, and hashes the text of any other file", () => {
    const folder = cacheFolder('identity')
    mkdirSync(folder, { mode: 0o700 })
    const bundleFile = join(folder, 'bundle.cjs')
    const file = join(folder, 'bundle.bin')
    writeFileSync(bundleFile, 'first text')
    // just written: a second change within the clock's tick could leave its status alike
    expect(launcher.readBundle(bundleFile)).toEqual({ text: 'first text', identity: undefined })
    const later = vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 5000)
    try {
      const first = launcher.readBundle(bundleFile)
      const info = statSync(bundleFile, { bigint: true })
      expect(first.identity).toBe(`${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`)
      launcher.writeCacheFile(file, first, [], Buffer.from('code of the first text'), `${file}.1.tmp`)
      // the same file, unchanged: accepted as it is
      expect(launcher.readCacheFile(file, first)).toMatchObject({ rehashed: false })
      // the same text in another file (another install): accepted by its hash, to be written again with that file's identity
      expect(launcher.readCacheFile(file, { text: 'first text', identity: 'another:file' })).toMatchObject({ rehashed: true })
      // the file changed to another text of the same length: its identity changed, and so does the hash
      writeFileSync(bundleFile, 'other text')
      const changed = launcher.readBundle(bundleFile)
      expect(changed.identity).not.toBe(first.identity)
      expect(launcher.readCacheFile(file, changed)).toBeUndefined()
    } finally {
      later.mockRestore()
    }
  })

  it('reads texts of any length whole, one after another, through one buffer', () => {
    const folder = cacheFolder('texts')
    mkdirSync(folder, { mode: 0o700 })
    const texts = ['a short text', 'x'.repeat(3 * 1024 * 1024 + 5), 'another short text']
    texts.forEach((text, i) => writeFileSync(join(folder, `${i}.cjs`), text))
    const read = texts.map((_, i) => launcher.readBundle(join(folder, `${i}.cjs`)).text)
    expect(read.map((text) => text.length)).toEqual(texts.map((text) => text.length))
    expect(read).toEqual(texts)
  })

  it('checks the size before reading and reads nothing past the limit', () => {
    const file = join(work, 'huge.bin')
    writeFileSync(file, launcher.magic)
    truncateSync(file, launcher.maxCacheBytes + 1)
    const reads = vi.spyOn(nodeFs, 'readSync')
    try {
      expect(launcher.readCacheFile(file, { text: '', identity: undefined })).toBeUndefined()
      expect(reads).not.toHaveBeenCalled()
    } finally {
      reads.mockRestore()
    }
  })

  it('loads node:module only on Node versions that may have a compile cache of their own (22.1 and later)', () => {
    expect(['20.20.2', '22.0.0', '22.1.0', '22.23.0', '24.22.0'].map(launcher.mayHaveCompileCache)).toEqual([false, false, true, true, true])
  })

  it("prefers Node's own compile cache where Node has one, in the user's own folder only", () => {
    const own = cacheFolder('node-cache')
    mkdirSync(own, { recursive: true, mode: 0o700 })
    const withNodeCache = { enableCompileCache: () => undefined }
    expect(launcher.cacheMode(own, withNodeCache)).toBe('node')
    expect(launcher.cacheMode(own, {})).toBe('own')
    expect(launcher.cacheMode(undefined, withNodeCache)).toBe('none')
    const shared = cacheFolder('node-cache-shared')
    mkdirSync(shared, { recursive: true })
    chmodSync(shared, 0o777)
    expect(launcher.cacheMode(shared, withNodeCache)).toBe('none')
  })

  it('keeps its folder and files private to the user', async () => {
    const folder = cacheFolder('modes')
    await nnsize(['--version'], { env: { NNSIZE_COMPILE_CACHE: folder } })
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    for (const f of readdirSync(folder)) expect(statSync(join(folder, f)).mode & 0o777).toBe(0o600)
  })
})

describe('kept entries: the syntax trees of Python files, kept beside the code caches', () => {
  const core = readFileSync(join(dist, 'core.cjs'), 'latin1')
  const build = /^\/\/ nnsize (\S+) ([0-9a-f]{16})\n/.exec(core)!.slice(1).join(' ')
  const gpt = (layers: number) => `import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.h = nn.ModuleList([nn.Linear(8, 8) for _ in range(${layers})])\n`

  it("keeps a file's tree after the first run, answers the same from it, and parses an edited file again", async () => {
    const folder = cacheFolder('kept')
    const dir = join(work, 'kept-model')
    mkdirSync(dir)
    writeFileSync(join(dir, 'net.py'), gpt(2))
    const run = () => nnsize(['net.py', '--model', 'Net()', '--json'], { cwd: dir, env: { NNSIZE_COMPILE_CACHE: folder } })
    const first = await run()
    expect(first.stderr).toBe('')
    const trees = readdirSync(folder).filter((f) => f.startsWith('tree-')).sort()
    // the file's tree and the entry expression's
    expect(trees).toEqual([launcher.keptFileName('tree', join(dir, '<entry>')), launcher.keptFileName('tree', join(dir, 'net.py'))].sort())
    const netTree = join(folder, launcher.keptFileName('tree', join(dir, 'net.py')))
    const entry = readFileSync(netTree)
    expect(entry.subarray(0, launcher.keptMagic.length)).toEqual(launcher.keptMagic)
    expect(entry.toString('utf8')).toContain(`\n${build} `)
    const written = statSync(netTree).mtimeMs
    expect(await run()).toEqual(first)
    expect(statSync(netTree).mtimeMs).toBe(written)
    // the same path with other text: parsed, answered for the new text, and kept anew
    writeFileSync(join(dir, 'net.py'), gpt(3))
    const edited = await run()
    expect(JSON.parse(edited.stdout).params.total).toBe(3 * 72)
    expect(JSON.parse(first.stdout).params.total).toBe(2 * 72)
    expect(readFileSync(netTree, 'utf8')).toContain('range(3)')
  })

  it('reads an entry only when it is a whole regular file of this build, in a folder of the user', () => {
    const folder = cacheFolder('kept-checks')
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    const kept = launcher.keptEntries(folder)!
    kept.write('tree', '/m/a.py', () => 'the entry of a.py \u00e9')
    launcher.writeKept(folder)
    const file = join(folder, launcher.keptFileName('tree', '/m/a.py'))
    expect(kept.read('tree', '/m/a.py')).toBe('the entry of a.py \u00e9')
    expect(kept.read('tree', '/m/b.py')).toBeUndefined()
    const whole = readFileSync(file)
    // made by another build of the core
    expect(launcher.readKeptFile(file, '0.0.0 0123456789abcdef')).toBeUndefined()
    // the second copy damaged, or the file cut short
    const damaged = Buffer.from(whole)
    damaged[damaged.length - 1]! ^= 0x01
    writeFileSync(file, damaged)
    expect(kept.read('tree', '/m/a.py')).toBeUndefined()
    writeFileSync(file, whole.subarray(0, whole.length - 1))
    expect(kept.read('tree', '/m/a.py')).toBeUndefined()
    // a link to an entry elsewhere is not followed
    const elsewhere = join(work, 'kept-elsewhere.bin')
    writeFileSync(elsewhere, whole)
    rmSync(file)
    symlinkSync(elsewhere, file)
    expect(kept.read('tree', '/m/a.py')).toBeUndefined()
    rmSync(file)
    writeFileSync(file, whole)
    expect(kept.read('tree', '/m/a.py')).toBe('the entry of a.py \u00e9')
    // names only as the launcher makes them: a kind of letters, the key hashed
    expect(launcher.keptFileName('tree', '../../etc/passwd')).toMatch(/^tree-[0-9a-f]{16}\.bin$/)
    expect(kept.read('../x', '/m/a.py')).toBeUndefined()
    // a folder others can write keeps nothing
    const shared = cacheFolder('kept-shared')
    mkdirSync(shared, { recursive: true })
    chmodSync(shared, 0o777)
    expect(launcher.keptEntries(shared)).toBeUndefined()
  })

  it(`keeps at most ${launcher.maxKeptEntries} entries, removing the least recently written`, () => {
    const folder = cacheFolder('kept-many')
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    const old = new Date(Date.now() - 60_000)
    for (let i = 0; i < launcher.maxKeptEntries; i++) {
      const name = join(folder, launcher.keptFileName('tree', `/old/${i}.py`))
      writeFileSync(name, 'x')
      nodeFs.utimesSync(name, old, old)
    }
    const code = join(folder, `core-${version}-0123456789abcdef-${process.version}-${process.arch}.bin`)
    writeFileSync(code, 'a code cache is not an entry')
    nodeFs.utimesSync(code, new Date(0), new Date(0))
    const kept = launcher.keptEntries(folder)!
    kept.write('tree', '/new/a.py', () => 'a')
    kept.write('tree', '/new/b.py', () => 'b')
    launcher.writeKept(folder)
    const names = readdirSync(folder)
    expect(names.filter((n) => n.startsWith('tree-'))).toHaveLength(launcher.maxKeptEntries)
    expect(names).toContain(launcher.keptFileName('tree', '/new/a.py'))
    expect(names).toContain(launcher.keptFileName('tree', '/new/b.py'))
    expect(names).toContain(code.slice(folder.length + 1))
  })
})
