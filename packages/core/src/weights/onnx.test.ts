import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader } from '../index.js'
import { bytes, onnxModel, onnxTensor, pb, refusal, sparseReader } from '../../test/weights/build.js'

const FLOAT = 1

describe('readONNX', () => {
  it('skips raw_data by its length and reads external data sizes, not the data', async () => {
    const model = onnxModel([onnxTensor('a', [2, 3], FLOAT, { raw: new Uint8Array(24) }), onnxTensor('b', [1000], FLOAT, { external: { location: 'w.bin', offset: '0', length: '4000' } })])
    const data = sparseReader('w.bin', new Uint8Array(0), 4000, 0)
    const a = await analyzeWeights([bytesReader('m.onnx', model), data])
    expect(a.weights.tensors.map((t) => [t.name, t.shape, t.bytes, t.dataLocation])).toEqual([
      ['a', [2, 3], 24n, 'embedded'],
      ['b', [1000], 4000n, 'external'],
    ])
    expect(data.reads).toEqual([])
    const file = a.weights.files[0]!
    expect(file.format === 'onnx' && file.externalFiles).toEqual([{ location: 'w.bin', file: 'w.bin', size: 4000, bytesUsed: 4000n }])
  })

  it('reports initializers whose external data file was not given, with a warning', async () => {
    const a = await analyzeWeights(bytesReader('m.onnx', onnxModel([onnxTensor('b', [10], FLOAT, { external: { location: 'sub/w.bin' } })])))
    expect(a.weights.params).toBe(10n)
    expect(a.weights.warnings).toEqual(['External data file `sub/w.bin` of `m.onnx` was not given: its size was not checked.'])
  })

  for (const location of ['../../etc/passwd', '/etc/passwd', 'C:\\Windows\\win.ini', 'a/../../b', '~/secrets']) {
    it(`refuses external data at \`${location}\` without opening it`, async () => {
      const e = await refusal(analyzeWeights(bytesReader('dir/m.onnx', onnxModel([onnxTensor('w', [3, 4], FLOAT, { external: { location } })]))))
      expect(e.code).toBe('unsafe-path')
      expect(e.message).toContain(location)
    })
  }

  const refusals: Array<[string, Uint8Array, RegExp]> = [
    ['raw_data of the wrong size', onnxModel([onnxTensor('w', [4], FLOAT, { raw: new Uint8Array(8) })]), /= 16 bytes, but its `raw_data` holds 8/],
    ['an external length that does not match', onnxModel([onnxTensor('w', [4], FLOAT, { external: { location: 'x', length: '4' } })]), /external data length is 4/],
    ['an unknown data type', onnxModel([onnxTensor('w', [4], 99, {})]), /data type 99/],
    ['a file without a graph', bytes(pb.int(1, 9)), /no graph/],
    ['a field longer than its message', bytes(pb.int(1, 9), 0x3a, 0xff, 0xff, 0x03), /claims 65,535 bytes/],
    ['protobuf groups', bytes(pb.int(1, 9), 0x0b), /wire type 3/],
  ]
  for (const [what, file, message] of refusals) {
    it(`refuses ${what}`, async () => {
      const e = await refusal(analyzeWeights(bytesReader('m.onnx', file)))
      expect(e.message).toMatch(message)
    })
  }

  it('refuses external data that runs past the end of its file', async () => {
    const model = onnxModel([onnxTensor('w', [100], FLOAT, { external: { location: 'w.bin', offset: '64' } })])
    const e = await refusal(analyzeWeights([bytesReader('m.onnx', model), bytesReader('w.bin', new Uint8Array(100))]))
    expect(e.message).toMatch(/needs bytes up to 464 of `w.bin`, which has 100/)
  })
})
