import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InputError, UsageError } from './errors.js'
import { byteLines, decodeText, hasStdin, looksLikePath, maxInputBytes, readFileBytes, readStdin, resolveSource, splitLines } from './input.js'
import type { StdinLike } from './input.js'
import { jsonlItems } from './jsonl-input.js'

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
    expect(['model.txt', './m', '../configs/llama.json', '~/x', '/tmp/m', 'models/', 'missing/model.safetensors', 'ckpt.PT'].map(looksLikePath)).toEqual([true, true, true, true, true, true, true, true])
    expect(['Conv2d(1, 2, 3)', 'resnet50', 'x = a/b', 'mistralai/Mistral-7B-v0.1'].map(looksLikePath)).toEqual([false, false, false, false])
  })
})

describe('decodeText', () => {
  it('decodes UTF-8 and drops a byte-order mark', () => {
    expect(decodeText(new TextEncoder().encode('\ufeffLinear(1, 2)  # ×'), 'x')).toBe('Linear(1, 2)  # ×')
  })
  it('refuses control bytes', () => {
    expect(() => decodeText(new Uint8Array([0x4c, 0x00]), 'standard input')).toThrow(/^standard input is binary data/)
    expect(() => decodeText(new Uint8Array([0x4c, 0xff, 0x01]), 'standard input')).toThrow(InputError)
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

describe('byteLines', () => {
  const lines = async (max: number, ...parts: Uint8Array[]) => {
    const out: Array<string | undefined> = []
    for await (const line of byteLines(parts, max)) out.push(line === undefined ? undefined : Buffer.from(line).toString('latin1'))
    return out
  }
  const bytes = (text: string) => Buffer.from(text, 'latin1')
  it('splits lines across chunks and keeps a last line without a newline', async () => {
    expect(await lines(100, bytes('Linear(1,'), bytes(' 2)\r\nReLU()\n\nla'), bytes('st'))).toEqual(['Linear(1, 2)\r', 'ReLU()', '', 'last'])
  })
  it('ends with undefined at a line longer than the limit, without keeping it', async () => {
    expect(await lines(4, bytes('abcd\nabc'), bytes('de\nnever'))).toEqual(['abcd', undefined])
    expect(await lines(4, bytes('abcdefgh'))).toEqual([undefined])
  })
})

describe('readFileBytes', () => {
  it('stops at the limit on a device whose size is 0, promptly', async () => {
    const started = performance.now()
    await expect(readFileBytes('/dev/zero', dir, '/dev/zero')).rejects.toThrow(new InputError("cannot read '/dev/zero': it is larger than the 16 MiB nnsize reads", 'input-too-large'))
    await expect(readFileBytes('/dev/urandom', dir, '/dev/urandom')).rejects.toMatchObject({ code: 'input-too-large' })
    expect(performance.now() - started).toBeLessThan(5_000)
  })
  it('reads a file of exactly the limit and refuses one byte more by its size', async () => {
    const file = join(dir, 'limit.txt')
    writeFileSync(file, Buffer.alloc(maxInputBytes, 0x20))
    expect((await readFileBytes(file, dir, 'limit.txt')).length).toBe(maxInputBytes)
    writeFileSync(file, Buffer.alloc(maxInputBytes + 1, 0x20))
    await expect(readFileBytes(file, dir, 'limit.txt')).rejects.toThrow("cannot read 'limit.txt': it is 16.0 MiB, more than the 16 MiB nnsize reads")
  })
})

describe('jsonlItems', () => {
  const items = async (arg: string | undefined, stdin?: StdinLike) => {
    const out: Array<{ line: number; input: string; text?: string; origin?: string; problem?: string }> = []
    for await (const item of jsonlItems(arg, { stdin, cwd: dir })) {
      out.push(item.problem ? { line: item.line, input: item.input, problem: `${item.problem.code}: ${item.problem.message}` } : { line: item.line, input: item.input, text: item.source.text, origin: item.source.origin })
    }
    return out
  }
  it('judges each line on its own: a binary line does not cost the others', async () => {
    expect(await items(undefined, chunks(Buffer.from('Linear(1,2)\nLinear(2,3)\n\x01\nLinear(3,4)\n', 'latin1')))).toEqual([
      { line: 1, input: 'Linear(1,2)', text: 'Linear(1,2)', origin: '' },
      { line: 2, input: 'Linear(2,3)', text: 'Linear(2,3)', origin: '' },
      { line: 3, input: '\x01', problem: 'binary-input: line 3 of standard input is binary data, not text: give an expression, a text file of statements or a config.json' },
      { line: 4, input: 'Linear(3,4)', text: 'Linear(3,4)', origin: '' },
    ])
  })
  it('reads file paths and takes model names, and counts skipped lines', async () => {
    expect(await items('-', '# models\nmodel.txt\n\nresnet50\nnope.txt\r\n')).toEqual([
      { line: 2, input: 'model.txt', text: 'nn.Linear(2, 3)\n', origin: 'model.txt' },
      { line: 4, input: 'resnet50', text: 'resnet50', origin: '' },
      { line: 5, input: 'nope.txt', problem: "unreadable: cannot read 'nope.txt': no such file" },
    ])
  })
  it('reads the lines of a file, Latin-1 ones too, and takes an expression argument as one input', async () => {
    writeFileSync(join(dir, 'lines.txt'), Buffer.from('Linear(1, 2)  # caf\xe9\n\x00\nReLU()', 'latin1'))
    expect(await items('lines.txt')).toEqual([
      { line: 1, input: 'Linear(1, 2)  # café', text: 'Linear(1, 2)  # café', origin: '' },
      { line: 2, input: '\x00', problem: "binary-input: line 2 of 'lines.txt' is binary data, not text: give an expression, a text file of statements or a config.json" },
      { line: 3, input: 'ReLU()', text: 'ReLU()', origin: '' },
    ])
    expect(await items('Linear(1, 2)')).toEqual([{ line: 1, input: 'Linear(1, 2)', text: 'Linear(1, 2)', origin: '' }])
  })
  it('stops at a line longer than the limit, with an error for that line', async () => {
    async function* zeros(): AsyncGenerator<Uint8Array> {
      for (;;) yield new Uint8Array(1024 * 1024)
    }
    const out = await items(undefined, zeros())
    expect(out).toEqual([{ line: 1, input: '', problem: 'input-too-large: line 1 of standard input is longer than 16 MiB; nnsize stops reading there' }])
  })
  it('needs standard input or an argument', async () => {
    await expect(items(undefined, undefined)).rejects.toThrow(UsageError)
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
    await expect(resolveSource('nope.txt', io())).rejects.toThrow(new InputError("cannot read 'nope.txt': no such file", 'unreadable'))
    await expect(resolveSource('sub/', io())).rejects.toThrow("cannot read 'sub/': it is a directory")
    await expect(resolveSource(undefined, io())).rejects.toThrow(UsageError)
  })
})
