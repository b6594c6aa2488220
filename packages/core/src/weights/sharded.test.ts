import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader } from '../index.js'
import { refusal, safetensors, sparseReader, utf8 } from '../../test/weights/build.js'

const index = (map: Record<string, string>, metadata: Record<string, unknown> = {}) => bytesReader('m/model.safetensors.index.json', utf8(JSON.stringify({ metadata, weight_map: map })))
const shard = (name: string, tensors: Record<string, [string, number[], number]>) => {
  let at = 0
  const header: Record<string, unknown> = {}
  for (const [k, [dtype, shape, bytes]] of Object.entries(tensors)) {
    header[k] = { dtype, shape, data_offsets: [at, at + bytes] }
    at += bytes
  }
  return bytesReader(`m/${name}`, safetensors(header, at))
}

describe('sharded sets', () => {
  it('reads every shard the index names, in shard order, and checks the totals', async () => {
    const a = await analyzeWeights([
      index({ 'b.weight': 'model-00002-of-00002.safetensors', 'a.weight': 'model-00001-of-00002.safetensors' }, { total_size: 24, total_parameters: 6 }),
      shard('model-00002-of-00002.safetensors', { 'b.weight': ['F32', [2], 8] }),
      shard('model-00001-of-00002.safetensors', { 'a.weight': ['F32', [4], 16] }),
    ])
    expect(a.weights.tensors.map((t) => [t.name, t.file])).toEqual([
      ['a.weight', 'm/model-00001-of-00002.safetensors'],
      ['b.weight', 'm/model-00002-of-00002.safetensors'],
    ])
    expect(a.weights.index).toMatchObject({ weightMapEntries: 2, shards: ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'] })
    expect(a.weights.warnings).toEqual([])
    expect(a.weights.entry).toBe('m/model.safetensors.index.json')
  })

  it('warns when the index totals do not match the shards', async () => {
    const a = await analyzeWeights([index({ w: 's.safetensors' }, { total_size: 99, total_parameters: 7 }), shard('s.safetensors', { w: ['F32', [1], 4] })])
    expect(a.weights.warnings).toEqual(['`m/model.safetensors.index.json` gives `total_size` 99 bytes; the shards hold 4.', '`m/model.safetensors.index.json` gives `total_parameters` 7; the shards hold 1 distinct elements.'])
  })

  it('needs every shard, refuses shards outside the folder, and tensors the map puts elsewhere', async () => {
    const missing = await refusal(analyzeWeights([index({ w: 'gone.safetensors' }), shard('s.safetensors', { w: ['F32', [1], 4] })]))
    expect([missing.code, missing.message]).toEqual(['missing-file', '`m/model.safetensors.index.json` needs 1 shard that was not given: `gone.safetensors`.'])
    const climbsOut = await refusal(analyzeWeights([index({ w: '../other/s.safetensors' })]))
    expect(climbsOut.code).toBe('unsafe-path')
    const moved = await refusal(analyzeWeights([index({ w: 's.safetensors', v: 's.safetensors' }), shard('s.safetensors', { w: ['F32', [1], 4] })]))
    expect(moved.message).toContain('`v` (in no shard)')
  })

  it('counts exactly beyond 2^53 elements across shards', async () => {
    const big = 2 ** 52 + 1
    const shards = [1, 2, 3].map((i) => {
      const header = safetensors({ [`w${i}`]: { dtype: 'U8', shape: [big], data_offsets: [0, big] } }, 0)
      return sparseReader(`m/model-0000${i}-of-00003.safetensors`, header, header.length + big, header.length)
    })
    const map = Object.fromEntries([1, 2, 3].map((i) => [`w${i}`, `model-0000${i}-of-00003.safetensors`]))
    const a = await analyzeWeights([index(map), ...shards])
    expect(a.weights.params).toBe(3n * BigInt(big))
    expect(a.params.total + a.buffers.total).toBe(3n * 4503599627370497n)
  })
})
