import { describe, expect, it } from 'vitest'
import { analyze } from '@nnsize/core'
import { Answerer } from './answer.ts'
import { asksForModel, compute, programOf } from './compute.ts'
import { computeMemory } from './memory.ts'

const parts = 'import torch.nn as nn\n\nclass Block(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n        self.fc = nn.Linear(n, n)\n'
const model = 'import torch.nn as nn\nfrom parts import Block\n\nclass Net(nn.Module):\n    def __init__(self, width, depth=2):\n        super().__init__()\n        self.blocks = nn.Sequential(*[Block(width) for _ in range(depth)])\n'

describe('programOf', () => {
  it('is undefined for one text without a model to build', () => {
    expect(programOf({ source: 'Linear(2, 3)' })).toBeUndefined()
    expect(programOf({ source: 'Linear(2, 3)', entry: '  ' })).toBeUndefined()
  })

  it('puts the editor text under the main path beside the other files', () => {
    expect(programOf({ source: model, main: 'net.py', files: { 'parts.py': parts }, entry: ' Net(4) ' })).toEqual({ files: { 'parts.py': parts, 'net.py': model }, main: 'net.py', entry: 'Net(4)' })
    expect(programOf({ source: model, entry: 'Net(4)' })).toEqual({ files: { 'model.py': model }, main: 'model.py', entry: 'Net(4)' })
  })
})

describe('compute with files', () => {
  it('analyses files with a relative import and the model to build', () => {
    const outcome = compute({ source: model, main: 'net.py', files: { 'parts.py': parts }, entry: 'Net(4, depth=3)' }, analyze)
    // three Linear(4, 4): 3 × (16 + 4)
    expect(outcome.ok && outcome.analysis.params.total).toBe(60n)
  })

  it('points an error in another file at that file, with its line, column and excerpt', () => {
    const broken = parts.replace('nn.Linear(n, n)', 'nn.Linear(n, n, bais=True)')
    const outcome = compute({ source: model, main: 'net.py', files: { 'parts.py': broken }, entry: 'Net(4)' }, analyze)
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.problem).toMatchObject({ code: 'unknown-argument', field: 'source', origin: 'parts.py', line: 6, column: 35, span: { file: 'parts.py' } })
    expect(outcome.problem.excerpt?.text).toBe('        self.fc = nn.Linear(n, n, bais=True)')
  })

  it('points a forward error in another file at that file, beside the counts', () => {
    const forward = `${parts}\n    def forward(self, x):\n        return self.fc(x).view(-1, 7)\n`
    const main = model.replace('nn.Sequential(*[Block(width) for _ in range(depth)])', 'nn.Sequential(*[Block(width) for _ in range(depth)])\n\n    def forward(self, x):\n        return self.blocks(x)')
    const outcome = compute({ source: main, main: 'net.py', files: { 'parts.py': forward }, entry: 'Net(4)', input: '2,4' }, analyze)
    expect(outcome.ok && outcome.analysis.params.total).toBe(40n)
    expect(outcome.ok && [outcome.inputProblem?.field, outcome.inputProblem?.origin, outcome.inputProblem?.span?.file, outcome.inputProblem?.excerpt?.text]).toEqual(['input', 'parts.py', 'parts.py', '        return self.fc(x).view(-1, 7)'])
  })

  it('shows an error in the model to build at its field', () => {
    const outcome = compute({ source: model, main: 'net.py', files: { 'parts.py': parts }, entry: 'Nett(4)' }, analyze)
    expect(!outcome.ok && [outcome.problem.field, outcome.problem.code, outcome.problem.excerpt?.text]).toEqual(['entry', 'unknown-name', 'Nett(4)'])
  })

  it('says files wait for the model collections when only the layers are loaded', () => {
    const outcome = compute({ source: model, main: 'net.py', files: { 'parts.py': parts } })
    expect(!outcome.ok && outcome.needsModels).toBe(true)
  })
})

describe('the classes to choose from', () => {
  it('offers the classes of files that build none', () => {
    const state = { source: model, main: 'net.py', files: { 'parts.py': parts } }
    const outcome = compute(state, analyze)
    expect(!outcome.ok && asksForModel(outcome.problem, state)).toBe(true)
    expect(!outcome.ok && outcome.classes?.map((c) => [c.name, c.parameters.map((p) => p.name)])).toEqual([['Net', ['width', 'depth']]])
  })

  it('offers the classes of a pasted text that builds none, and nothing once a model to build is given', () => {
    const text = 'import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n        self.fc = nn.Linear(n, 1)\n'
    const outcome = compute({ source: text }, analyze)
    expect(!outcome.ok && outcome.classes?.map((c) => c.name)).toEqual(['A'])
    const built = compute({ source: text, entry: 'A(5)' }, analyze)
    expect(built.ok && built.analysis.params.total).toBe(6n)
    // a model to build that fails is its error, not a choice
    const wrong = compute({ source: text, entry: 'A()' }, analyze)
    expect(!wrong.ok && [wrong.problem.field, wrong.classes]).toEqual(['entry', undefined])
  })

  it('offers the same classes from the layers alone, as the engine on the main thread computes before the collections load', () => {
    const text = 'import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n        self.fc = nn.Linear(n, 1)\n'
    const alone = compute({ source: text })
    const full = compute({ source: text }, analyze)
    expect(!alone.ok && [alone.needsModels, alone.classes?.map((c) => [c.name, c.parameters.map((p) => p.name)])]).toEqual([false, [['A', ['n']]]])
    expect(!full.ok && full.classes).toEqual(!alone.ok && alone.classes)
  })

  it('offers the several classes that build without arguments, and builds the only one as the command line does', () => {
    const two = 'import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self, n=2):\n        super().__init__()\n        self.fc = nn.Linear(n, 1)\nclass B(A):\n    pass\n'
    const state = { source: two, main: 'ab.py' }
    const outcome = compute(state, analyze)
    expect(!outcome.ok && outcome.problem.message).toBe('“Model to build” must name the model to build: `ab.py` defines several nn.Module classes that can be built without arguments (`A`, `B`); e.g. `A()`.')
    expect(!outcome.ok && outcome.classes?.map((c) => [c.name, c.buildsWithoutArguments])).toEqual([
      ['A', true],
      ['B', true],
    ])
    const one = { source: two.replace('class B(A):\n    pass\n', 'class C(nn.Module):\n    def __init__(self, k):\n        super().__init__()\n'), main: 'ab.py' }
    const built = compute(one, analyze)
    // A(): Linear(2, 1) = 2 + 1
    expect(built.ok && [built.analysis.params.total, built.analysis.entry]).toEqual([3n, 'A()'])
  })

  it('offers nothing for another error, even in a file with classes', () => {
    const text = 'import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n        self.fc = nn.Linear(n, 1)\nmodel = A(2.5)\n'
    const outcome = compute({ source: text }, analyze)
    expect(!outcome.ok && [outcome.problem.code, outcome.classes]).toEqual(['argument-type', undefined])
  })

  it('comes with the worker\'s answer, a copy of the outcome', () => {
    const answerer = new Answerer(analyze, computeMemory)
    const state = { source: model, main: 'net.py', files: { 'parts.py': parts } }
    const answer = structuredClone(answerer.answer({ state, explain: false }))
    expect(!answer.outcome.ok && answer.outcome.classes?.map((c) => c.name)).toEqual(['Net'])
    expect(answerer.answer({ state: { ...state, entry: 'Net(8)' }, explain: false }).outcome.ok).toBe(true)
  })
})
