import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader } from '../index.js'
import { bytes, dictPickle, refusal, sparseReader, tensorPickle, torchZip, u16, u32, zip } from '../../test/weights/build.js'
import { Source } from './bytes.js'
import { readZipDirectory } from './zip.js'

describe('readZipDirectory', () => {
  it('lists entries from the central directory at the end of the file', async () => {
    const z = await readZipDirectory(Source.from(bytesReader('a.zip', zip([{ name: 'a/data.pkl', data: bytes('xy') }, { name: 'b', data: bytes('') }]))))
    expect(z.entries.map((e) => [e.name, e.size, e.method])).toEqual([
      ['a/data.pkl', 2, 0],
      ['b', 0, 0],
    ])
  })

  it('refuses an entry that claims gigabytes in a small archive (a zip bomb), without reading it', async () => {
    const file = zip([{ name: 'archive/data.pkl', data: bytes('x'), claims: 4_000_000_000 }])
    const e = await refusal(readZipDirectory(Source.from(bytesReader('bomb.pt', file))))
    expect(e.message).toMatch(/claims 4,000,000,000 bytes at byte 0, past the end of the archive's data/)
  })

  it('refuses a compressed data.pkl: nnsize never inflates', async () => {
    const file = zip([{ name: 'archive/data.pkl', data: bytes(0x78, 0x9c), method: 8 }])
    const e = await refusal(analyzeWeights(bytesReader('deflated.pt', file)))
    expect(e.message).toContain('compressed (method 8)')
  })

  it('refuses an archive without an end record, and a directory past it', async () => {
    const file = zip([{ name: 'archive/data.pkl', data: bytes('x') }])
    expect((await refusal(readZipDirectory(Source.from(bytesReader('cut.pt', file.subarray(0, file.length - 22)))))).message).toContain('truncated')
    const bad = bytes(file.subarray(0, file.length - 22), u32(0x06054b50), u16(0), u16(0), u16(1), u16(1), u32(10_000), u32(0), u16(0))
    expect((await refusal(readZipDirectory(Source.from(bytesReader('bad.pt', bad))))).message).toMatch(/past its end record/)
  })

  it('refuses a directory that claims more entries than it can hold', async () => {
    const file = zip([{ name: 'x', data: bytes('x') }])
    file.set(u16(60_000), file.length - 22 + 10)
    expect((await refusal(readZipDirectory(Source.from(bytesReader('many.zip', file))))).message).toMatch(/claims 60,000 entries/)
  })

  it('never reads a storage record: only the directory, data.pkl and local headers', async () => {
    const pickle = dictPickle([['w', tensorPickle('0', 500_000, [500_000], [1])]])
    const file = torchZip(pickle, { '0': 2_000_000 })
    const reader = sparseReader('ckpt.pt', file)
    await analyzeWeights(reader)
    // The record is the last entry before the directory; the 64 KiB tail read stops short of most of it.
    expect(reader.reads.reduce((s, [, n]) => s + n, 0)).toBeLessThan(70_000 + pickle.length)
  })

  it('refuses a zip that is neither a checkpoint nor a Keras model, naming what it holds', async () => {
    const e = await refusal(analyzeWeights(bytesReader('x.zip', zip([{ name: 'readme.txt', data: bytes('hi') }]))))
    expect(e.message).toContain('`readme.txt`')
  })
})
