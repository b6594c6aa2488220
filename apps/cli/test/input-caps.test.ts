import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bin, nnsize } from './helpers.js'
import type { RunResult } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'nnsize-caps-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs nnsize with standard input read from `file` (a device), killed after 20 s. */
function withStdinFrom(file: string, args: readonly string[]): Promise<RunResult & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const fd = openSync(file, 'r')
    const child = spawn(process.execPath, [bin, ...args], { stdio: [fd, 'pipe', 'pipe'], env: { ...process.env, NNSIZE_DISABLE_COMPILE_CACHE: '1' } })
    closeSync(fd)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const timer = setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), 20_000)
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, timedOut })
    })
  })
}

describe('every input path reads a bounded number of bytes', () => {
  const tooLarge = (file: string) => `nnsize: cannot read '${file}': it is larger than the 16 MiB nnsize reads\n`

  it.each([
    [['/dev/zero'], '/dev/zero'],
    [['/dev/urandom'], '/dev/urandom'],
    [['--jsonl', '/dev/zero'], '/dev/zero'],
    [['Linear(1, 2)', '--compare', '/dev/zero'], '/dev/zero'],
  ])('nnsize %j stops with an error', async (args, file) => {
    expect(await nnsize(args, { timeoutMs: 20_000 })).toEqual({ code: 1, stdout: '', stderr: tooLarge(file) })
  })

  it('stops reading /dev/zero on standard input, with and without --jsonl', async () => {
    expect(await withStdinFrom('/dev/zero', [])).toEqual({ code: 1, stdout: '', stderr: 'nnsize: standard input is larger than 16 MiB, the most nnsize reads\n', timedOut: false })
    const jsonl = await withStdinFrom('/dev/zero', ['--jsonl'])
    expect([jsonl.code, jsonl.timedOut, JSON.parse(jsonl.stdout)]).toEqual([
      1,
      false,
      { input: '', line: 1, error: { code: 'input-too-large', message: 'line 1 of standard input is longer than 16 MiB; nnsize stops reading there', start: null, end: null } },
    ])
  })
})

describe('--jsonl judges every line on its own', () => {
  it('answers the good lines around a binary one, which gets its line number', async () => {
    const r = await nnsize(['--jsonl'], { stdin: Buffer.from('Linear(1,2)\nLinear(2,3)\n\x01\nLinear(3,4)\n', 'latin1') })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('')
    const out = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { params?: { total: number }; line?: number; error?: { code: string } })
    expect(out.map((o) => o.params?.total ?? `line ${o.line}: ${o.error?.code}`)).toEqual([4, 9, 'line 3: binary-input', 16])
  })

  it('takes file paths and model names as lines, like the argument', async () => {
    writeFileSync(join(dir, 'small.txt'), 'nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))\n')
    const r = await nnsize(['--jsonl'], { stdin: 'small.txt\nalexnet\nmissing.txt\n', cwd: dir })
    const out = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { params?: { total: number }; input?: string; line?: number; error?: { code: string; message: string } })
    expect(out[0]!.params!.total).toBe(58)
    expect(out[1]!.params!.total).toBe(61_100_840)
    expect(out[2]).toEqual({ input: 'missing.txt', line: 3, error: { code: 'unreadable', message: "cannot read 'missing.txt': no such file", start: null, end: null } })
    expect(r.code).toBe(1)
  })
})

describe('text that is not UTF-8', () => {
  it('reads a Latin-1 file of statements', async () => {
    const file = join(dir, 'latin1.py')
    writeFileSync(file, Buffer.from('# r\xe9seau de d\xe9monstration\nnn.Linear(10, 20)\n', 'latin1'))
    const r = await nnsize([file, '--json'])
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout).params.total).toBe(220)
  })
})
