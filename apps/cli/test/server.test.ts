import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../src/program.js'
import { nnsize, settled } from './helpers.js'
import type { RunResult } from './helpers.js'

const launcher = createRequire(import.meta.url)('../bin/nnsize.cjs') as {
  buildIdentity(): string | undefined
  hashOf(text: string): string
  answerOf(reply: unknown): { code: number; writes: Array<[1 | 2, string]> } | undefined
  noServerStatus: number
  commandVariables: string[]
}
const { commandVariables } = launcher

const cliDir = fileURLToPath(new URL('..', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'nnsize-server-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The process id in the server's file in `folder`, once one of `build` is there (waiting up to 20 s). */
async function serverOf(folder: string, build = launcher.buildIdentity()): Promise<number> {
  expect(build).toBeDefined()
  const file = join(folder, `server-${launcher.hashOf(build!)}.pid`)
  for (let waited = 0; waited < 20_000; waited += 100) {
    if (existsSync(file)) return Number(readFileSync(file, 'utf8'))
    await sleep(100)
  }
  throw new Error('no server started')
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function ended(pid: number): Promise<boolean> {
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (!isRunning(pid)) return true
    await sleep(100)
  }
  return false
}

const conv = 'Conv2d(128, 256, 3)'
const modelFile = `import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self, width=8):
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3, padding=1)
        self.head = nn.Linear(width, 10)

    def forward(self, x):
        return self.head(self.conv(x).mean((2, 3)))
`

describe('the background server', () => {
  let folder = ''
  let models = ''
  /** The command with the server on (NNSIZE_SERVER unset), only through it, or without it. */
  const ask = (mode: 'on' | 'only' | 'off', args: string[], more: { stdin?: string; cwd?: string } = {}) =>
    nnsize(args, { ...more, env: { NNSIZE_COMPILE_CACHE: folder, NNSIZE_SERVER: mode === 'on' ? undefined : mode === 'only' ? 'only' : '0' } })

  beforeAll(async () => {
    folder = join(work, 'cache')
    models = join(work, 'models')
    mkdirSync(models)
    writeFileSync(join(models, 'net.py'), modelFile)
    writeFileSync(join(models, 'config.json'), JSON.stringify({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], n_layer: 2, n_embd: 64, n_head: 2, vocab_size: 1000, n_positions: 128, torch_dtype: 'bfloat16' }))
    await settled(cliDir)
  }, 30_000)

  it('starts after a question answered by the command itself, and then answers as the command does', { timeout: 90_000 }, async () => {
    expect((await ask('only', [conv])).code).toBe(launcher.noServerStatus)
    const first = await ask('on', [conv])
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('295,168')
    expect(first.stderr).toBe('')
    const pid = await serverOf(folder)
    expect(isRunning(pid)).toBe(true)

    const questions: Array<{ args: string[]; cwd?: string }> = [
      { args: [conv] },
      { args: [conv, '--json'] },
      { args: ['net.py', '--model', 'Net(16)', '--input', '2,3,32,32', '--json'], cwd: models },
      { args: ['net.py', '--model', 'Net()', '--explain', '--color', 'always'], cwd: models },
      { args: ['config.json', '--inference', '--seq', '256'], cwd: models },
      { args: ['Linear(10, 20)', '--optimizer', 'AdamW', '--precision', 'bf16-mixed', '--markdown'] },
      // errors: their text, caret and status are the command's own
      { args: ['Conv2d(128, 256)'] },
      { args: ['net.py', '--model', 'Missing()'], cwd: models },
      { args: ['missing.py'], cwd: models },
      { args: ['--no-such-flag'] },
      { args: ['--version'] },
    ]
    for (const q of questions) {
      const served = await ask('only', q.args, { cwd: q.cwd })
      const here = await ask('off', q.args, { cwd: q.cwd })
      expect(served, q.args.join(' ')).toEqual(here)
    }
    const json = JSON.parse((await ask('only', ['net.py', '--model', 'Net(16)', '--input', '2,3,32,32', '--json'], { cwd: models })).stdout) as { params: { total: number }; outputShape: number[] }
    expect(json.params.total).toBe(618)
    expect(json.outputShape).toEqual([2, 10])
    // the same server answered them all
    expect(await serverOf(folder)).toBe(pid)

    // several commands at once: each gets its own answer
    const many = await Promise.all(['Linear(1, 1)', 'Linear(2, 2)', 'Linear(3, 3)', 'Linear(4, 4)'].map((e) => ask('only', [e, '--json'])))
    expect(many.map((r) => (JSON.parse(r.stdout) as { params: { total: number } }).params.total)).toEqual([2, 6, 12, 20])
  })

  it('leaves a question that reads standard input to the command', { timeout: 60_000 }, async () => {
    await serverOf(folder)
    const here = await ask('on', [], { stdin: 'Linear(10, 20)\n' })
    expect(here.code).toBe(0)
    expect(here.stdout).toContain('220')
    expect((await ask('only', [], { stdin: 'Linear(10, 20)\n' })).code).toBe(launcher.noServerStatus)
    // an input given as an argument is answered by the server, standard input unread
    expect((await ask('only', ['Linear(10, 20)'], { stdin: 'ignored' })).stdout).toContain('220')
  })

  it('declines what is not a question of its build, and removes what was left', { timeout: 60_000 }, async () => {
    await serverOf(folder)
    const name = launcher.hashOf(launcher.buildIdentity()!)
    writeFileSync(join(folder, `ask-${name}-test-1.req`), '{"protocol": 1')
    writeFileSync(join(folder, `ask-${name}-test-2.req`), JSON.stringify({ protocol: 1, build: 'another build', argv: [conv], cwd: '/', env: {}, stdinIsTTY: false, stdoutIsTTY: false }))
    const replies = await Promise.all(['1', '2'].map(async (id) => {
      const file = join(folder, `ask-${name}-test-${id}.res`)
      for (let waited = 0; waited < 10_000 && !existsSync(file); waited += 50) await sleep(50)
      return JSON.parse(readFileSync(file, 'utf8')) as unknown
    }))
    expect(replies).toEqual([{ kind: 'declined', reason: 'request' }, { kind: 'declined', reason: 'build' }])
    expect(existsSync(join(folder, `ask-${name}-test-1.req`))).toBe(false)
  })

  it('ends when its process-id file is removed, and a file untouched for seconds is not trusted', { timeout: 60_000 }, async () => {
    const pid = await serverOf(folder)
    const pidFile = join(folder, `server-${launcher.hashOf(launcher.buildIdentity()!)}.pid`)
    rmSync(pidFile)
    expect(await ended(pid)).toBe(true)
    expect((await ask('only', [conv])).code).toBe(launcher.noServerStatus)

    // a process that runs (this one) named in a stale file: no server is asked, and one is started
    writeFileSync(pidFile, String(process.pid))
    const old = new Date(Date.now() - 60_000)
    utimesSync(pidFile, old, old)
    expect((await ask('only', [conv])).code).toBe(launcher.noServerStatus)
    expect((await ask('on', [conv])).stdout).toContain('295,168')
    let started = process.pid
    for (let waited = 0; waited < 20_000 && started === process.pid; waited += 100) {
      await sleep(100)
      started = Number(readFileSync(pidFile, 'utf8'))
    }
    expect(started).not.toBe(process.pid)
    expect((await ask('only', [conv])).stdout).toContain('295,168')
    rmSync(pidFile)
    expect(await ended(started)).toBe(true)
  })

  it.runIf(process.platform !== 'win32' && process.getuid?.() !== undefined)('never starts or asks a server in a folder others can write', { timeout: 60_000 }, async () => {
    const open = join(work, 'open-cache')
    mkdirSync(open)
    chmodSync(open, 0o777)
    const r = await nnsize([conv], { env: { NNSIZE_COMPILE_CACHE: open, NNSIZE_SERVER: undefined } })
    expect(r.stdout).toContain('295,168')
    await sleep(1500)
    expect(readdirSync(open)).toEqual([])
    expect((await nnsize([conv], { env: { NNSIZE_COMPILE_CACHE: open, NNSIZE_SERVER: 'only' } })).code).toBe(launcher.noServerStatus)
  })

  it('ends when its files change, and a new build gets a server of its own', { timeout: 90_000 }, async () => {
    // a copy of the package, as an upgrade in place would change it
    const pkg = join(work, 'package')
    mkdirSync(pkg)
    cpSync(join(cliDir, 'bin'), join(pkg, 'bin'), { recursive: true })
    cpSync(join(cliDir, 'dist'), join(pkg, 'dist'), { recursive: true })
    await settled(pkg)
    const cache = join(work, 'copy-cache')
    const copy = (mode: string | undefined): Promise<RunResult> =>
      new Promise((resolve) => {
        void import('node:child_process').then(({ execFile }) =>
          execFile(process.execPath, [join(pkg, 'bin', 'nnsize.cjs'), conv], { env: { ...process.env, NNSIZE_COMPILE_CACHE: cache, NNSIZE_SERVER: mode } as NodeJS.ProcessEnv }, (error, stdout, stderr) =>
            resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
          ),
        )
      })
    expect((await copy('1')).stdout).toContain('295,168')
    let pidFiles: string[] = []
    for (let waited = 0; waited < 20_000 && pidFiles.length === 0; waited += 100) {
      await sleep(100)
      pidFiles = existsSync(cache) ? readdirSync(cache).filter((f) => f.endsWith('.pid')) : []
    }
    expect(pidFiles).toHaveLength(1)
    const pid = Number(readFileSync(join(cache, pidFiles[0]!), 'utf8'))
    expect((await copy('only')).stdout).toContain('295,168')

    // a bundle rewritten with the same text is another build: the server ends, and the command does not ask it
    const core = join(pkg, 'dist', 'core.cjs')
    writeFileSync(core, readFileSync(core))
    expect(await ended(pid)).toBe(true)
    await settled(pkg)
    expect((await copy('only')).code).toBe(launcher.noServerStatus)
    expect((await copy('1')).stdout).toContain('295,168')
    let newFiles: string[] = []
    for (let waited = 0; waited < 20_000 && newFiles.length === 0; waited += 100) {
      await sleep(100)
      newFiles = readdirSync(cache).filter((f) => f.endsWith('.pid') && f !== pidFiles[0])
    }
    expect(newFiles).toHaveLength(1)
    rmSync(cache, { recursive: true, force: true })
  })
})

describe("the server's replies, as the command reads them", () => {
  it('takes only a whole answer', () => {
    expect(launcher.answerOf({ kind: 'answer', code: 0, writes: [[1, 'a'], [2, 'b']] })).toEqual({ code: 0, writes: [[1, 'a'], [2, 'b']] })
    expect(launcher.answerOf({ kind: 'answer', code: 256, writes: [] })).toBeUndefined()
    expect(launcher.answerOf({ kind: 'answer', code: 1.5, writes: [] })).toBeUndefined()
    expect(launcher.answerOf({ kind: 'answer', code: 0, writes: [[3, 'a']] })).toBeUndefined()
    expect(launcher.answerOf({ kind: 'answer', code: 0, writes: [[1, 2]] })).toBeUndefined()
    expect(launcher.answerOf({ kind: 'declined', reason: 'stdin' })).toBeUndefined()
    expect(launcher.answerOf(null)).toBeUndefined()
  })
})

describe('the environment the command reads', () => {
  it('is only the variables the server is given', async () => {
    const read = new Set<string>()
    const env = new Proxy({ FORCE_COLOR: '1', HOME: '/nowhere' } as Record<string, string | undefined>, {
      get: (target, key) => {
        if (typeof key === 'string') read.add(key)
        return target[key as string]
      },
    })
    const sink = { write: () => undefined }
    const dir = mkdtempSync(join(work, 'env-'))
    writeFileSync(join(dir, 'net.py'), modelFile)
    for (const argv of [[conv], [conv, '--json'], ['net.py', '--model', 'Net()', '--input', '1,3,8,8'], ['Conv2d(1)'], ['--help'], ['Linear(10, 20)', '--optimizer', 'Adam', '--gpus', '2']]) {
      await run(argv, { stdout: sink, stderr: sink, stdin: undefined, env, isTTY: true, columns: 100, cwd: dir })
    }
    expect(read.size).toBeGreaterThan(0)
    expect([...read].filter((key) => !commandVariables.includes(key))).toEqual([])
  })
})
