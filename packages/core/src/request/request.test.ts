import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { planMemory } from '../memory/plan.js'
import { memoryOptionsOf, parseRequest, readRequest, requestToRaw, speedOptionsOf } from './request.js'
import { analyzeOptionsOf } from './base.js'
import { fieldLimits, requestFields } from './fields.js'
import { errorOf } from '../../test/support.js'


describe('parseRequest', () => {
  it('reads training tokens and MFU exactly, writes them back canonically, and hands them to the speed plan', () => {
    const request = parseRequest({ source: 'llama-3.1-8b', tokens: '15.6T', mfu: '40%' })
    expect(request.memory).toMatchObject({ mode: 'training', tokens: 15_600_000_000_000n, mfu: 0.4 })
    expect(requestToRaw(request)).toMatchObject({ tokens: '15600000000000', mfu: '0.4' })
    expect(speedOptionsOf(request)).toEqual({ tokens: 15_600_000_000_000n, mfu: 0.4 })
    expect(parseRequest(requestToRaw(request))).toEqual(request)
    expect(errorOf(() => parseRequest({ source: 'x', tokens: '1.5' }))).toMatchObject({ field: 'tokens', reason: 'must be a whole number of tokens from 1 to 1,000,000,000,000,000,000 (e.g. `1T`, `15.6T`, `1e12`, `2_000_000`): `1.5` is not a whole number of tokens.' })
    expect(errorOf(() => parseRequest({ source: 'x', mfu: '40' }))).toMatchObject({ field: 'mfu' })
    // no GPU, tokens or MFU: no speed question
    expect(speedOptionsOf(parseRequest({ source: 'x', batch: '2' }))).toBeUndefined()
    expect(speedOptionsOf(parseRequest({ source: 'x', gpu: 'h100' }))).toEqual({ tokens: undefined, mfu: undefined })
  })

  it('reads the fields of a question into a request with canonical values', () => {
    const request = parseRequest({ source: 'nn.Linear(4, 4)', input: ' 2,4 ', device: 'cpu', optimizer: 'AdamW(lr=1e-4)', precision: 'bf16-mixed', batch: '1_024', sharding: 'zero-3', gpus: 8, gpu: 'H100', units: 'si' })
    expect(request).toEqual({
      source: { kind: 'text', text: 'nn.Linear(4, 4)' },
      input: '2,4',
      device: 'cpu',
      torch: '2.13',
      units: 'si',
      depth: undefined,
      memory: expect.objectContaining({ mode: 'training', optimizer: 'AdamW(lr=1e-4)', precision: 'amp-bf16', batch: 1024, sharding: { zero: 3 }, gpus: 8, gpu: 'h100-80gb', qlora: false }),
    })
    expect(parseRequest({ source: 'x' }).memory).toBeUndefined()
    expect(parseRequest({ source: 'x', sharding: 'hybrid-shard' }).memory?.sharding).toEqual({ fsdp: 'hybrid_shard' })
  })

  it('names the field of every bad value, with the reason to put after an app\'s own name for it', () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ batch: '0' }, 'batch', 'must be a whole number from 1 to 1,000,000,000, got `0`.'],
      [{ seq: '1e3' }, 'seq', 'must be a whole number from 1 to 2,147,483,647, got `1e3`.'],
      [{ device: 'tpu' }, 'device', 'must be `cpu` or `cuda`, got `tpu`.'],
      [{ sharding: '4' }, 'sharding', 'must be a ZeRO stage (0, 1, 2 or 3) or an FSDP strategy (`no_shard`, `shard_grad_op`, `full_shard`, `hybrid_shard`, `hybrid_shard_zero2`), got `4`.'],
      [{ overhead: '2 GBs' }, 'overhead', 'must be a size such as `24GiB`, `80GB` or `512MiB` (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), got `2 GBs`.'],
      [{ depth: '-1' }, 'depth', 'must be a whole number from 0 to 999,999, got `-1`.'],
    ]
    for (const [fields, field, reason] of cases) {
      const e = errorOf(() => parseRequest({ source: 'x', ...fields }))
      expect([e.code, e.field, e.reason]).toEqual(['option', field, reason])
      expect(e.message).toBe(`\`${field}\` ${reason}`)
    }
    expect(errorOf(() => parseRequest({ source: 'x', optimizer: 'Adamm' }))).toMatchObject({ field: 'optimizer', span: { start: 0, end: 5 } })
    expect(errorOf(() => parseRequest({ source: 'x', gpu: 'h10' }))).toMatchObject({ field: 'gpu', suggestions: expect.arrayContaining(['h100']) })
    expect(errorOf(() => parseRequest({ source: 'x', qlora: 'true' }))).toMatchObject({ field: 'qlora' })
  })

  it('keeps every valid field and lists each bad one', () => {
    const { request, problems } = readRequest({ source: 'x', mode: 'training', batch: '0', optimizer: 'SGD', gpus: 'two', input: '1,2' })
    expect(problems.map((p) => p.field)).toEqual(['batch', 'gpus'])
    expect(request.memory?.optimizer).toBe('SGD')
    expect(request.input).toBe('1,2')
  })

  it('takes every request field (and only those) from a command line, a form or a link', () => {
    expect(requestFields.map((f) => f.id)).toContain('torch')
    expect(new Set(requestFields.map((f) => f.share)).size).toBe(requestFields.length)
    expect(fieldLimits.batch.max).toBe(1_000_000_000)
  })
})

describe('requestToRaw', () => {
  it('writes a request back in canonical form that reads the same', () => {
    const request = parseRequest({ source: 'x', mode: 'inference', weights: 'Q4_K', activationBytes: '1.5GiB', overhead: '1000', gpu: '24GiB', units: 'si' })
    expect(requestToRaw(request)).toEqual({ source: 'x', mode: 'inference', weights: 'q4_k', activationBytes: '1536MiB', overhead: '1000B', gpu: '24GiB', units: 'si' })
    expect(parseRequest(requestToRaw(request))).toEqual(request)
  })
  it('writes the nodes and the DeepSpeed estimator, and leaves out the default estimator', () => {
    const request = parseRequest({ source: 'x', nodes: '2', gpusPerNode: '4', sharding: '3', estimator: 'DeepSpeed' })
    expect(request.memory).toMatchObject({ nodes: 2, gpusPerNode: 4, estimator: 'deepspeed' })
    expect(requestToRaw(request)).toMatchObject({ nodes: '2', gpusPerNode: '4', sharding: '3', estimator: 'deepspeed' })
    expect(parseRequest(requestToRaw(request))).toEqual(request)
    expect(requestToRaw(parseRequest({ source: 'x', estimator: 'nnsize' })).estimator).toBeUndefined()
    expect(memoryOptionsOf(request)).toMatchObject({ nodes: 2, gpusPerNode: 4, zero: 3, estimator: 'deepspeed' })
    expect(errorOf(() => parseRequest({ source: 'x', estimator: 'deepseed' }))).toMatchObject({ field: 'estimator', reason: 'must be `nnsize` or `deepspeed`, got `deepseed`. Did you mean `deepspeed`?' })
    expect(errorOf(() => parseRequest({ source: 'x', nodes: '0' }))).toMatchObject({ field: 'nodes' })
  })
})

describe('analyzeOptionsOf and memoryOptionsOf', () => {
  it('give analyze and planMemory the request\'s options', () => {
    const request = parseRequest({ source: 'nn.Sequential(nn.Linear(64, 64), nn.ReLU())', input: '4,64', torch: '1.13', optimizer: 'RMSprop', lora: 'r=4,target=0', qlora: 'true', batch: '2' })
    const analysis = analyze(request.source.text, analyzeOptionsOf(request))
    const options = memoryOptionsOf(request)!
    expect(options).toMatchObject({ mode: 'training', torch: '1.13', optimizer: 'RMSprop', batch: 2, lora: { rank: 4, targets: ['0'], quantizeBase: true } })
    const plan = planMemory(analysis, options)
    expect(plan.options.torch).toBe('1.13')
    expect(memoryOptionsOf(parseRequest({ source: 'x' }))).toBeUndefined()
  })
})
