import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InputError, UsageError } from './errors.js'
import { decodeText, hasStdin, looksLikePath, readStdin, resolveSource, splitLines, stdinLines } from './input.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnsize-input-'))
  writeFileSync(join(dir, 'model.txt'), '\ufeffnn.Linear(2, 3)\n')
  writeFileSync(join(dir, 'resnet'), 'nn.Linear(1, 1)')
  writeFileSync(join(dir, 'config.json'), '{"model_type": "gpt2"}')
  mkdirSync(join(dir, 'sub'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  yield* parts
}

describe('looksLikePath', () => {
  it('tells paths from expressions', () => {
    expect(['model.txt', './m', '../configs/llama.json', '~/x', '/tmp/m', 'models/'].map(looksLikePath)).toEqual([true, true, true, true, true, true])
    expect(['Conv2d(1, 2, 3)', 'resnet50', 'x = a/b', 'mistralai/Mistral-7B-v0.1'].map(looksLikePath)).toEqual([false, false, false, false])
  })
})

describe('decodeText', () => {
  it('decodes UTF-8 and drops a byte-order mark', () => {
    expect(decodeText(new TextEncoder().encode('\ufeffLinear(1, 2)  # ×'), 'x')).toBe('Linear(1, 2)  # ×')
  })
  it('refuses invalid UTF-8 and control bytes', () => {
    expect(() => decodeText(new Uint8Array([0x4c, 0xff]), 'standard input')).toThrow(InputError)
    expect(() => decodeText(new Uint8Array([0x4c, 0x00]), 'standard input')).toThrow(/^standard input is binary data/)
  })
})

describe('hasStdin', () => {
  it('reads pipes and text, never a terminal', () => {
    expect(hasStdin(undefined)).toBe(false)
    expect(hasStdin('')).toBe(true)
    expect(hasStdin(Object.assign(chunks(), { isTTY: true }))).toBe(false)
    expect(hasStdin(chunks())).toBe(true)
  })
})

describe('readStdin', () => {
  it('joins chunks, including a character split between two', async () => {
    const bytes = new TextEncoder().encode('a × b')
    expect(await readStdin(chunks(bytes.slice(0, 3), bytes.slice(3)))).toBe('a × b')
  })
  it('is a usage error without standard input', async () => {
    await expect(readStdin(undefined)).rejects.toThrow(UsageError)
  })
})

describe('stdinLines', () => {
  it('yields lines as they arrive, without line endings', async () => {
    const lines: string[] = []
    for await (const line of stdinLines(chunks('Linear(1,', ' 2)\r\nReLU()\nlast'))) lines.push(line)
    expect(lines).toEqual(['Linear(1, 2)', 'ReLU()', 'last'])
  })
  it('refuses binary data', async () => {
    const read = async () => {
      for await (const _ of stdinLines(chunks(new Uint8Array([0xff, 0xfe, 0x0a])))) void _
    }
    await expect(read()).rejects.toThrow('standard input is binary data, not text: give one expression per line')
  })
})

describe('splitLines', () => {
  it('drops the empty line after a final newline', () => {
    expect(splitLines('a\r\nb\n')).toEqual(['a', 'b'])
  })
})

describe('resolveSource', () => {
  const io = (stdin?: string) => ({ stdin, cwd: dir })
  it('takes an expression as it is', async () => {
    expect(await resolveSource('nn.Linear(1, 2)', io())).toEqual({ text: 'nn.Linear(1, 2)', origin: '', json: false })
  })
  it('reads a file relative to the folder', async () => {
    expect(await resolveSource('model.txt', io())).toEqual({ text: 'nn.Linear(2, 3)\n', origin: 'model.txt', json: false })
    expect((await resolveSource('config.json', io())).json).toBe(true)
  })
  it('takes an org/name that is not a file for a model name', async () => {
    expect(await resolveSource('meta-llama/Llama-3.1-8B', io())).toEqual({ text: 'meta-llama/Llama-3.1-8B', origin: '', json: false })
  })
  it('reads an existing file even without an extension', async () => {
    expect((await resolveSource('resnet', io())).origin).toBe('resnet')
    expect(await resolveSource('resnet50', io())).toEqual({ text: 'resnet50', origin: '', json: false })
  })
  it('reads standard input for - and for no argument', async () => {
    expect(await resolveSource('-', io('Linear(1, 1)'))).toEqual({ text: 'Linear(1, 1)', origin: '<stdin>', json: false })
    expect((await resolveSource(undefined, io('{}'))).json).toBe(true)
  })
  it('explains a missing file, a directory and a missing input', async () => {
    await expect(resolveSource('nope.txt', io())).rejects.toThrow(new InputError("cannot read 'nope.txt': no such file"))
    await expect(resolveSource('sub/', io())).rejects.toThrow("cannot read 'sub/': it is a directory")
    await expect(resolveSource(undefined, io())).rejects.toThrow(UsageError)
  })
})
