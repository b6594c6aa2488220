import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { formatFormula } from '../format/formula.js'
import { analysisToJSON } from '../format/json.js'

describe('listTensors / countTensors', () => {
  it('lists parameters in named_parameters() order with bytes', () => {
    const r = analyze('nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.Linear(8, 2))')
    expect(r.tensors.map((t) => [t.name, t.shape, t.bytes])).toEqual([
      ['0.weight', [8, 3, 3, 3], 864n],
      ['1.weight', [2, 8], 64n],
      ['1.bias', [2], 8n],
    ])
    expect(r.params).toEqual({ total: 234n, trainable: 234n, frozen: 0n, bytes: 936n, trainableBytes: 936n, frozenBytes: 0n })
  })

  it('stays exact past 2^53', () => {
    const r = analyze('nn.Linear(2 ** 30, 2 ** 30)')
    expect(r.params.total).toBe(2n ** 60n + 2n ** 30n)
    expect(analysisToJSON(r).params.total).toBe('1152921505680588800')
  })
})

describe('listModules', () => {
  it('lists each module once, shared ones under their first name, with subtree counts', () => {
    const r = analyze('b = nn.Linear(2, 2)\nnn.Sequential(nn.Sequential(b, nn.ReLU()), b)')
    expect(r.modules.map((m) => [m.path, m.type, m.depth, m.params.total])).toEqual([
      ['', 'Sequential', 0, 6n],
      ['0', 'Sequential', 1, 6n],
      ['0.0', 'Linear', 2, 6n],
      ['0.1', 'ReLU', 2, 0n],
    ])
  })
})

describe('formatFormula', () => {
  it('writes a layer count as its formula', () => {
    const f = formatFormula(analyze('nn.Conv2d(128, 256, 3)'))
    expect(f.text).toBe('128 × 256 × 3 × 3 + 256 = 295,168')
    expect(f.symbolic).toBe('in_channels × out_channels × kernel_size × kernel_size + out_channels')
  })

  it('sums the children of a container', () => {
    expect(formatFormula(analyze('nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))')).text).toBe('9 + 4 = 13')
    // a tensor shared by two children counts once: the sum says so
    expect(formatFormula(analyze('l = nn.Linear(2, 2)\nnn.Sequential(l, nn.Sequential(l))')).text).toBe('6 + 6 − 6 shared = 6')
  })
})

describe('analysisToJSON', () => {
  it('has the documented shape', () => {
    const json = analysisToJSON(analyze('nn.Conv2d(128, 256, 3)'))
    expect(json.module).toBe('Conv2d')
    expect(json.params).toMatchObject({ total: 295168, trainable: 295168, bytes: 1180672 })
    expect(json.buffers).toEqual({ total: 0, bytes: 0 })
    expect(json.tensors[0]).toEqual({ name: 'weight', kind: 'parameter', shape: [256, 128, 3, 3], dtype: 'float32', trainable: true, elements: 294912, bytes: 1179648 })
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
  })
})
