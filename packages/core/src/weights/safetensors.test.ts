import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader } from '../index.js'
import { bytes, refusal, safetensors, sparseReader, u64, utf8 } from '../../test/weights/build.js'

const t = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] })
const read = (file: Uint8Array, name = 'model.safetensors') => analyzeWeights(bytesReader(name, file))

describe('readSafetensors', () => {
  it('reads the 8-byte length and the JSON header only, however large the data', async () => {
    const head = safetensors({ w: t('BF16', [65536, 65536], 0, 2 ** 33), __metadata__: { format: 'pt' } }, 0)
    const reader = sparseReader('big.safetensors', head, head.length + 2 ** 33, head.length)
    const a = await analyzeWeights(reader)
    expect(a.weights.tensors[0]).toMatchObject({ name: 'w', dtype: 'BF16', torchDType: 'bfloat16', elements: 2n ** 32n, bytes: 2n ** 33n })
    expect(reader.reads.every(([offset, length]) => offset + length <= head.length)).toBe(true)
    expect(a.weights.files[0]).toMatchObject({ headerBytes: head.length - 8, metadata: { format: 'pt' } })
    expect(a.params.total).toBe(2n ** 32n)
    expect(a.params.bytes).toBe(2n ** 33n)
  })

  it('accepts a header padded with spaces, and tensors in any header order', async () => {
    const a = await read(safetensors({ b: t('F32', [2], 8, 16), a: t('F32', [2], 0, 8) }, 16, 5))
    expect(a.weights.tensors.map((x) => x.name)).toEqual(['a', 'b'])
  })

  // safetensors 0.8.0, safe_open: serde reads `shape` and `data_offsets` as unsigned integers ("invalid type: floating
  // point `1.0`, expected usize"; `-0` too), accepts spaces, tabs and line breaks before the object, a float in a field
  // it does not know, and `"__metadata__": null`.
  const header = (text: string, data: number) => {
    const json = utf8(text)
    return bytes(u64(json.length), json, new Uint8Array(data))
  }
  const floats: Array<[string, number, string]> = [
    ['"shape":[1.0],"data_offsets":[0,4]', 4, 'has `1.0` in `shape`'],
    ['"shape":[1e0],"data_offsets":[0,4]', 4, 'has `1e0` in `shape`'],
    ['"shape":[1],"data_offsets":[0,4.0]', 4, 'has `4.0` in `data_offsets`'],
    ['"shape":[-0],"data_offsets":[0,0]', 0, 'has `-0` in `shape`'],
  ]
  for (const [written, data, message] of floats) {
    it(`refuses a whole number written as a float, as the library does: ${written}`, async () => {
      const e = await refusal(read(header(`{"a":{"dtype":"F32",${written}}}`, data)))
      expect(e.message).toContain(`tensor \`a\` ${message}`)
    })
  }

  it('accepts what the library accepts: spaces before the header, a float in an unknown field, null metadata', async () => {
    for (const lead of [' ', '\n', '\t', '\r\n  ']) {
      const a = await read(header(`${lead}{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1.5},"__metadata__":null}`, 4))
      expect([a.weights.tensors.map((x) => x.name), a.weights.files[0]!.format === 'safetensors' && a.weights.files[0]!.metadata]).toEqual([['a'], null])
    }
    expect((await refusal(read(header('\u0000{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4)))).message).toMatch(/must start with `\{`, found byte `0x00`/)
  })

  it('sizes sub-byte types by bits: F4 is half a byte, F6 three quarters', async () => {
    const a = await read(safetensors({ q: t('F4', [4, 8], 0, 16), r: t('F6_E2M3', [4, 4], 16, 28) }, 28))
    expect(a.weights.tensors.map((x) => [x.bytes, x.torchDType])).toEqual([
      [16n, null],
      [12n, null],
    ])
    // PyTorch has no dtype with these elements: analysed as float32 values with their exact stored bytes.
    expect(a.tensors.map((x) => [x.dtype, x.bytes, x.storageType])).toEqual([
      ['float32', 16n, 'F4'],
      ['float32', 12n, 'F6_E2M3'],
    ])
  })

  const refusals: Array<[string, Uint8Array, RegExp]> = [
    ['a file shorter than 8 bytes', bytes(1, 2, 3), /too short for a safetensors file/],
    ['a header length past the end', bytes(u64(1000), '{}'), /header length is 1,000 bytes, but the file has only 2/],
    ['a header that is not an object', bytes(u64(2), '[]'), /must start with `\{`/],
    ['a header that is not JSON', bytes(u64(4), '{x:1'), /not valid JSON/],
    ['a header that is not UTF-8', bytes(u64(4), '{', 0xff, 0xfe, '}'), /not valid UTF-8/],
    ['a non-string metadata value', safetensors({ __metadata__: { epoch: 3 } }, 0), /`__metadata__` value `epoch` must be a string/],
    ['an unknown dtype', safetensors({ w: t('F128', [1], 0, 16) }, 16), /dtype `F128`/],
    ['a negative dimension', safetensors({ w: t('F32', [-1], 0, 4) }, 4), /dimension `-1`/],
    ['a fractional dimension', safetensors({ w: t('F32', [1.5], 0, 4) }, 4), /`1\.5` in `shape`/],
    ['a dimension beyond 2^53', bytes(u64(72), utf8('{"w":{"dtype":"U8","shape":[9007199254740993,0],"data_offsets":[0,0]}}'.padEnd(72))), /dimension `9007199254740992`/],
    ['offsets that are not two numbers', safetensors({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4), /`data_offsets`/],
    ['overlapping tensors', safetensors({ a: t('F32', [16], 0, 64), b: t('F32', [16], 32, 96) }, 96), /`b` starts at byte 32 of the data, inside `a`/],
    ['a gap between tensors', safetensors({ a: t('F32', [1], 0, 4), b: t('F32', [1], 8, 12) }, 12), /leaves no gaps/],
    ['offsets that end before they begin', safetensors({ a: t('F32', [1], 0, 4), b: t('F32', [1], 4, 0) }, 4), /end before they begin/],
    ['a span that does not match shape × dtype', safetensors({ w: t('F32', [4, 4], 0, 32) }, 32), /= 64 bytes, but its `data_offsets` \[0, 32\] span 32/],
    ['sub-byte elements that do not fill bytes', safetensors({ w: t('F4', [3], 0, 2) }, 2), /do not fill whole bytes/],
    ['a truncated data section', safetensors({ w: t('F32', [100], 0, 400) }, 300), /truncated/],
    ['bytes after the last tensor', safetensors({ w: t('F32', [1], 0, 4) }, 8), /4 bytes after its last tensor/],
  ]
  for (const [what, file, message] of refusals) {
    it(`refuses ${what}`, async () => {
      const e = await refusal(read(file))
      expect(e.code).toBe('weights-format')
      expect(e.message).toMatch(message)
    })
  }

  it('refuses a deeply nested header before parsing it', async () => {
    const text = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`
    const started = performance.now()
    const e = await refusal(read(bytes(u64(text.length), text)))
    expect(e.message).toContain('nests more than 8 levels deep')
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('refuses headers over 100 MB without reading them', async () => {
    const reader = sparseReader('huge.safetensors', bytes(u64(100_000_001), '{'), 200_000_000, 64)
    const e = await refusal(analyzeWeights(reader))
    expect(e.code).toBe('limit')
    expect(e.message).toContain('at most 100,000,000')
  })
})
