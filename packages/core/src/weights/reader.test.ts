import { describe, expect, it } from 'vitest'
import { analyzeWeights, blobReader, bytesReader, fileHandleReader, rangeReader } from '../index.js'
import type { ByteReader } from '../index.js'
import { refusal, safetensors } from '../../test/weights/build.js'

const file = safetensors({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 8)

describe('readers', () => {
  it('reads through a Node-style file handle that returns short reads', async () => {
    const handle = {
      read(buffer: Uint8Array, offset: number, length: number, position: number) {
        const n = Math.min(length, 3, file.length - position)
        buffer.set(file.subarray(position, position + n), offset)
        return Promise.resolve({ bytesRead: n })
      },
    }
    const a = await analyzeWeights(fileHandleReader(handle, 'model.safetensors', BigInt(file.length)))
    expect(a.weights.params).toBe(2n)
  })

  it('reads a browser File through slices', async () => {
    const slices: Array<[number, number]> = []
    const blob = {
      size: file.length,
      slice(start: number, end: number) {
        slices.push([start, end])
        return { arrayBuffer: () => Promise.resolve(file.slice(start, end).buffer) }
      },
    }
    await analyzeWeights(blobReader(blob, 'model.safetensors'))
    expect(slices[0]).toEqual([0, Math.min(64, file.length)])
    // After the first 64 bytes (which identify the format), only the header is read.
    expect(slices.slice(1).every(([, end]) => end <= file.length - 8)).toBe(true)
  })

  it('reads over HTTP with range requests, and refuses a server that sends the whole file', async () => {
    const requests: string[] = []
    const fetchRange = (url: string, init: { headers: Record<string, string> }) => {
      requests.push(init.headers['Range']!)
      const [start, end] = /bytes=(\d+)-(\d+)/.exec(init.headers['Range']!)!.slice(1).map(Number) as [number, number]
      return Promise.resolve({ status: 206, arrayBuffer: () => Promise.resolve(file.slice(start, end + 1).buffer) })
    }
    const a = await analyzeWeights(rangeReader('https://example.org/m/model.safetensors?download=1', file.length, fetchRange))
    expect(a.weights.entry).toBe('model.safetensors')
    expect(requests[0]).toBe(`bytes=0-${Math.min(64, file.length) - 1}`)
    const whole = () => Promise.resolve({ status: 200, arrayBuffer: () => Promise.resolve(file.slice().buffer) })
    expect((await refusal(analyzeWeights(rangeReader('https://example.org/model.safetensors', file.length, whole)))).message).toContain('range requests')
  })

  it('refuses readers that are not readers, sizes that are not sizes, and reads that come back short', async () => {
    expect((await refusal(analyzeWeights({ name: 'x' } as unknown as ByteReader))).code).toBe('option')
    expect((await refusal(analyzeWeights({ ...bytesReader('x', file), size: -1 }))).message).toContain('`-1`')
    expect((await refusal(analyzeWeights({ ...bytesReader('x', file), size: 2n ** 60n }))).code).toBe('option')
    expect((await refusal(analyzeWeights([]))).code).toBe('option')
    const short: ByteReader = { name: 'model.safetensors', size: file.length + 100, read: (o, l) => Promise.resolve(file.slice(o, o + l)) }
    expect((await refusal(analyzeWeights(short))).message).toMatch(/ended after|truncated|after its last tensor/)
    const wrong: ByteReader = { name: 'model.safetensors', size: file.length, read: () => Promise.resolve([1, 2, 3] as unknown as Uint8Array) }
    expect((await refusal(analyzeWeights(wrong))).message).toContain('Uint8Array')
    expect((await refusal(analyzeWeights([bytesReader('a', file), bytesReader('a', file)]))).message).toContain('Two files are named `a`')
    expect((await refusal(analyzeWeights(bytesReader('model.safetensors', file), null as never))).code).toBe('option')
  })
})
