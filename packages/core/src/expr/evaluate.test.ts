import { describe, expect, it } from 'vitest'
import { analyze, buildModule } from '../analyze.js'
import { NnsizeError } from '../errors.js'

function errorOf(source: string): NnsizeError {
  try {
    analyze(source)
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error(`expected ${source} to fail`)
}

describe('evaluateProgram (through analyze)', () => {
  it('resolves nn.X, torch.nn.X and bare X to the same layer', () => {
    for (const source of ['nn.Linear(3, 4)', 'torch.nn.Linear(3, 4)', 'Linear(3, 4)']) {
      expect(analyze(source).params.total).toBe(16n)
    }
  })

  it('shares one module repeated with [m] * n and counts it once', () => {
    const r = analyze('nn.Sequential(*[nn.Linear(10, 10)] * 3)')
    expect(r.params.total).toBe(110n)
    expect(r.tensors.map((t) => t.name)).toEqual(['0.weight', '0.bias'])
  })

  it('makes n separate modules with a comprehension', () => {
    const r = analyze('nn.Sequential(*[nn.Linear(10, 10) for _ in range(3)])')
    expect(r.params.total).toBe(330n)
    expect(r.tensors.map((t) => t.name)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias'])
  })

  it('keeps object identity across assignments', () => {
    const r = analyze('block = nn.Linear(4, 4)\nnn.Sequential(block, nn.ReLU(), block)')
    expect(r.params.total).toBe(20n)
    expect(r.modules.map((m) => m.path)).toEqual(['', '0', '1'])
  })

  it('freezes with requires_grad_(False), also through a shared module', () => {
    const r = analyze('b = nn.Linear(4, 4)\nnn.Sequential(b.requires_grad_(False), nn.Linear(4, 2))')
    expect(r.params.total).toBe(30n)
    expect(r.params.trainable).toBe(10n)
    expect(r.params.frozen).toBe(20n)
    expect(r.tensors.filter((t) => !t.trainable).map((t) => t.name)).toEqual(['0.weight', '0.bias'])
  })

  it('casts parameters with .half(), .to(torch.bfloat16) and dtype=', () => {
    expect(analyze('nn.Linear(4, 4).half()').params.bytes).toBe(40n)
    expect(analyze('nn.Linear(4, 4).to(torch.bfloat16)').params.bytes).toBe(40n)
    expect(analyze('nn.Linear(4, 4, dtype=torch.float64)').params.bytes).toBe(160n)
  })

  it('evaluates integer arithmetic exactly, with Python floor division', () => {
    expect(analyze('nn.Linear(2 ** 3 * 4, 7 // 2 + -1 % 3)').tensors[0]!.shape).toEqual([5, 32])
  })

  it('unpacks *args and **kwargs', () => {
    expect(analyze('args = [3, 4]\nnn.Linear(*args, **{"bias": False})').params.total).toBe(12n)
  })

  it('indexes Sequential, ModuleList and attributes of modules', () => {
    expect(analyze('m = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 4))\nm[-1]').params.total).toBe(16n)
    expect(analyze('m = nn.ModuleDict({"a": nn.Linear(2, 3)})\nm.a').params.total).toBe(9n)
  })

  it('names children from an OrderedDict', () => {
    const r = analyze('nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))')
    expect(r.tensors.map((t) => t.name)).toEqual(['fc.weight', 'fc.bias'])
  })

  it('suggests the layer for a misspelt name', () => {
    const e = errorOf('nn.Conv2D(1, 2, 3)')
    expect(e.code).toBe('unknown-attribute')
    expect(e.message).toBe('`nn` has no attribute `Conv2D`. Did you mean `Conv2d`?')
    expect(e.suggestions[0]).toBe('Conv2d')
    expect(e.span).toEqual({ start: 3, end: 9 })
  })

  it('suggests the keyword for a misspelt argument', () => {
    const e = errorOf('nn.Conv2d(1, 2, kernal_size=3)')
    expect(e.code).toBe('unknown-argument')
    expect(e.message).toContain('Did you mean `kernel_size`?')
    expect(e.span).toEqual({ start: 16, end: 29 })
  })

  it('refuses names it does not know instead of running them', () => {
    const e = errorOf('os.system("rm -rf /")')
    expect(e.code).toBe('unknown-name')
    expect(e.message).toContain('`os` is not defined')
  })

  it('refuses attributes of arbitrary objects', () => {
    expect(errorOf('torch.load("x")').code).toBe('unknown-attribute')
    expect(errorOf('nn.Linear(2, 3).__class__').code).toBe('unknown-attribute')
  })

  it('requires the result to be a module', () => {
    const e = errorOf('x = 3\nx')
    expect(e.code).toBe('type')
    expect(e.message).toContain('must end with a module')
    expect(errorOf('nn.Linear').message).toContain('Call it')
  })

  it('bounds list repetition and range sizes', () => {
    expect(errorOf('nn.Sequential(*[nn.ReLU()] * 10 ** 9)').code).toBe('limit')
    expect(errorOf('nn.Sequential(*[nn.ReLU() for _ in range(10 ** 9)])').code).toBe('limit')
  })

  it('bounds huge powers', () => {
    expect(errorOf('nn.Linear(10 ** 100000, 1)').code).toBe('limit')
  })

  it('reports division by zero', () => {
    expect(errorOf('nn.Linear(1 // 0, 1)').message).toContain('division by zero')
  })

  it('keeps comprehension variables local', () => {
    expect(errorOf('[nn.Linear(i + 1, 1) for i in range(2)]\nnn.Linear(i, 1)').code).toBe('unknown-name')
  })

  it('builds from_pretrained-free module trees without analysis', () => {
    expect(buildModule('nn.ModuleList([nn.ReLU(), nn.ReLU()])').children.size).toBe(2)
  })
})
