import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { formatFormula } from '../format/formula.js'
import { analysisToJSON } from '../format/json.js'
import { countTensors } from './count.js'

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

describe('listModules with tensors registered in several modules (tied weights)', () => {
  /** Each module's counts against countTensors of its subtree, which counts every distinct tensor once by definition. */
  function checkAgainstDefinition(source: string | Parameters<typeof analyze>[0]): ReturnType<typeof analyze> {
    const r = analyze(source)
    for (const m of r.modules) {
      const { params, buffers } = countTensors(m.node)
      expect([m.path, m.params, m.buffers]).toEqual([m.path, params, buffers])
    }
    return r
  }

  it('counts a tied tensor once in each subtree that holds it, wherever its registrations are', () => {
    // embedding and head tied, as GPT-2 ties them: the root holds two registrations, each child one
    const tied = checkAgainstDefinition('class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.emb = nn.Embedding(10, 4)\n        self.body = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 4))\n        self.head = nn.Linear(4, 10, bias=False)\n        self.head.weight = self.emb.weight\n        self.body[1].weight = self.body[0].weight\n\nM()')
    expect(tied.modules.map((m) => [m.path, m.params.total])).toEqual([
      ['', 40n + 16n + 4n + 4n],
      ['emb', 40n],
      ['body', 16n + 4n + 4n],
      ['body.0', 20n],
      ['body.1', 20n],
      ['head', 40n],
    ])
    expect(tied.modules.map((m) => m.ownParamCount)).toEqual([0n, 40n, 0n, 20n, 20n, 40n])
  })

  it('takes back a tensor registered three times, as a parameter of a frozen module and as a buffer', () => {
    const frozen = 'class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        w = nn.Parameter(torch.zeros(3, 5), requires_grad=False)\n        self.a = nn.Module()\n        self.a.register_parameter("w", w)\n        self.a.inner = nn.Module()\n        self.a.inner.register_parameter("w", w)\n        self.b = nn.Module()\n        self.b.register_parameter("w", w)\n        b = torch.ones(7)\n        self.a.register_buffer("s", b)\n        self.b.register_buffer("s", b)\n\nM()'
    const r = checkAgainstDefinition(frozen)
    expect(r.modules.map((m) => [m.path, m.params.total, m.params.frozen, m.buffers.total])).toEqual([
      ['', 15n, 15n, 7n],
      ['a', 15n, 15n, 7n],
      ['a.inner', 15n, 15n, 0n],
      ['b', 15n, 15n, 7n],
    ])
  })

  it('gives the GPT-2 model file the figures of its definition', () => {
    const gpt2 = readFileSync(fileURLToPath(new URL('../../test/fixtures/models/gpt2.py', import.meta.url)), 'utf8')
    const r = checkAgainstDefinition({ files: { 'gpt2.py': gpt2 }, main: 'gpt2.py', entry: 'GPT(GPTConfig(n_layer=2))' })
    expect(r.modules[0]!.params.total).toBe(38_597_376n + 786_432n + 2n * 7_087_872n + 1_536n)
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
