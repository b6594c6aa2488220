import { readFileSync } from 'node:fs'
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

  it('counts sparse initializers and the initializers of subgraphs, with the names onnx gives them', async () => {
    // test/fixtures/weights/generate_load_semantics.py, read back with onnx 1.23: graph.initializer ['top'];
    // graph.sparse_initializer: values 'sp_w' [2] FLOAT, indices [2] INT64, dims [3, 4]; the If node `branch`'s
    // then_branch holds initializer 'sub_w' [7], its else_branch a Constant of 9 elements.
    const file = new Uint8Array(readFileSync(new URL('../../test/fixtures/weights/sparse_subgraph.onnx', import.meta.url)))
    const a = await analyzeWeights(bytesReader('sparse_subgraph.onnx', file))
    expect(a.weights.tensors.map((t) => [t.name, t.shape, t.elements, t.bytes, t.layout ?? null, t.subgraph ?? null])).toEqual([
      ['top', [2, 2], 4n, 16n, null, null],
      ['sp_w', [3, 4], 12n, 8n + 16n, 'sparse_coo', null],
      ['sub_w', [7], 7n, 28n, null, 'branch.then_branch'],
    ])
    expect(a.weights.tensors[1]!.sparsePieces).toEqual([
      { role: 'values', shape: [2], dtype: 'FLOAT', bytes: 8n },
      { role: 'indices', shape: [2], dtype: 'INT64', bytes: 16n },
    ])
    const f = a.weights.files[0]!
    expect(f.format === 'onnx' && [f.nodes, f.constantNodes]).toEqual([1, { count: 1, elements: 9n }])
    expect(a.weights.params).toBe(23n)
  })

  it('reads names that are not valid UTF-8 with replacement characters, as onnx.load accepts them', async () => {
    // onnx.load returns such a string field as bytes; nnsize shows U+FFFD where Python's decode('utf-8', 'replace') does.
    const name = bytes('w', 0xff, 'x', 0xed, 0xa0, 0x80, 'a', 0xe2, 0x82)
    const tensor = bytes(pb.int(1, 2), pb.int(2, FLOAT), pb.bytes(8, name), pb.bytes(9, new Uint8Array(8)))
    const a = await analyzeWeights(bytesReader('m.onnx', onnxModel([tensor])))
    expect(a.weights.tensors.map((t) => t.name)).toEqual(['w\ufffdx\ufffd\ufffd\ufffda\ufffd'])
    // An external location is a path: it must be read exactly.
    const external = bytes(pb.int(1, 2), pb.int(2, FLOAT), pb.str(8, 'w'), pb.bytes(13, bytes(pb.str(1, 'location'), pb.bytes(2, bytes('w', 0xff)))), pb.int(14, 1))
    expect((await refusal(analyzeWeights(bytesReader('m.onnx', onnxModel([external]))))).message).toMatch(/not valid UTF-8/)
  })

  it('refuses external data that runs past the end of its file', async () => {
    const model = onnxModel([onnxTensor('w', [100], FLOAT, { external: { location: 'w.bin', offset: '64' } })])
    const e = await refusal(analyzeWeights([bytesReader('m.onnx', model), bytesReader('w.bin', new Uint8Array(100))]))
    expect(e.message).toMatch(/needs bytes up to 464 of `w.bin`, which has 100/)
  })
})
