import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import { supportedModels } from '../../src/zoo/timm/index.js'
import { listingHash, listings } from '../timm/listing.js'
import type { Listings } from '../timm/listing.js'
import { readCases } from './reference.js'
import type { ReferenceCase } from './reference.js'

const only = process.env['NNSIZE_CASES']
const supported = new Set(supportedModels())
const modelOf = (expr: string): string => /create_model\('([^'.]+)/.exec(expr)![1]!

describe('torch2/timm.jsonl: timm models match timm 1.0.29 (parameters, buffers, bytes, tensor counts)', () => {
  const cases = readCases<ReferenceCase>('torch2/timm.jsonl')
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(27)
  })
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    if (!supported.has(modelOf(c.expr))) {
      it.todo(`${c.id}: ${c.expr} (family not built yet)`)
      continue
    }
    it(`${c.id}: ${c.expr}`, () => {
      const result = analyze(c.expr)
      expect(Number(result.params.total)).toBe(c.params)
      expect(Number(result.params.trainable)).toBe(c.trainable_params)
      expect(Number(result.params.bytes)).toBe(c.param_bytes)
      expect(result.tensors.filter((t) => t.kind === 'parameter').length).toBe(c.param_tensors)
      expect(Number(result.buffers.total)).toBe(c.buffers)
      expect(Number(result.buffers.bytes)).toBe(c.buffer_bytes)
    })
  }
})

interface StructureRecord {
  name: string
  module: string
  params: number
  buffers: number
  listings: Record<keyof Listings, [number, string]>
}

const here = fileURLToPath(new URL('.', import.meta.url))
const readJsonl = <T>(file: string): T[] =>
  readFileSync(`${here}../timm/${file}`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T)

describe('timm/structure.jsonl: state_dict, named_parameters, named_buffers and named_modules of every model built', () => {
  const records = readJsonl<StructureRecord>('structure.jsonl')
  const whole = new Map(readJsonl<Listings & { name: string }>('listings.jsonl').map((r) => [r.name, r]))
  const missing = records.filter((r) => !supported.has(r.name)).map((r) => r.name)
  it('has a record for every model built', () => {
    const recorded = new Set(records.map((r) => r.name))
    expect([...supported].filter((name) => !recorded.has(name))).toEqual([])
  })
  for (const r of records) {
    if (!supported.has(r.name) || (only && !r.name.includes(only))) continue
    it(`${r.name} (${r.module})`, () => {
      const result = analyze(`timm.create_model('${r.name}')`)
      expect(Number(result.params.total)).toBe(r.params)
      expect(Number(result.buffers.total)).toBe(r.buffers)
      const lists = listings(result.root)
      const full = whole.get(r.name)
      for (const key of ['state_dict', 'parameters', 'buffers', 'modules'] as const) {
        if (full) expect(lists[key]).toEqual(full[key])
        expect([lists[key].length, listingHash(lists[key])], key).toEqual(r.listings[key])
      }
    })
  }
  afterAll(() => {
    if (missing.length > 0 && !only) console.info(`timm models in the fixtures that nnsize does not build: ${missing.length}`)
  })
})
