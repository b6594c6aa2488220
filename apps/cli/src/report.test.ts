import { analyze } from '@nnsize/core'
import { describe, expect, it } from 'vitest'
import { explainAnalysis } from './engine.js'
import { explanationLines, renderMarkdownReport, renderReport } from './report.js'
import { chooseStyle } from './style.js'

const plain = chooseStyle({ env: {}, isTTY: false })
const options = { style: plain, width: Infinity, units: 'iec' as const, depth: 2, allTensors: false }

describe('renderReport', () => {
  it('shows the source, the summary and the tensors of a layer', () => {
    const text = renderReport(analyze('nn.Linear(10, 20)'), options)
    expect(text).toBe(
      [
        'nn.Linear(10, 20)',
        '',
        '  Parameters        220  200 weights + 20 biases',
        '  Trainable         220  frozen 0',
        '  Buffers           0',
        '  Parameter memory  880 bytes  float32',
        '  Formula           10 × 20 + 20 = 220',
        '',
        'Tensors',
        '  Tensor  Shape     dtype    Elements  Bytes',
        '  weight  (20, 10)  float32       200  800 B',
        '  bias    (20)      float32        20   80 B',
        '',
      ].join('\n'),
    )
  })
  it('shows the first lines of a multi-line source', () => {
    expect(renderReport(analyze('a = nn.Linear(1, 1)\nnn.Sequential(a)'), options).split('\n').slice(0, 3)).toEqual(['a = nn.Linear(1, 1)', 'nn.Sequential(a)', ''])
    const long = Array.from({ length: 12 }, (_, i) => `l${i} = nn.Linear(1, 1)`).join('\n') + '\nl0'
    expect(renderReport(analyze(long), options).split('\n').slice(6, 9)).toEqual(['l6 = nn.Linear(1, 1)', '… 6 more lines', ''])
  })
  it('marks frozen tensors', () => {
    expect(renderReport(analyze('nn.Linear(2, 2).requires_grad_(False)'), options)).toContain('  weight  (2, 2)  float32         4   16 B  frozen\n')
  })
  it('adds the explanation with explain', () => {
    const a = analyze('nn.Linear(10, 20)')
    const text = renderReport(a, { ...options, explanation: explainAnalysis(a) })
    expect(text).toContain('How the numbers are derived: parameters\n  Linear\n    parameters = in_features × out_features + out_features = 10 × 20 + 20 = 200 + 20 = 220\n')
  })
})

describe('explanationLines', () => {
  it('wraps long derivations under their subject', () => {
    const lines = explanationLines([{ title: 'Parameters', lines: [{ subject: 'Conv2d', text: 'a b c d e f g h i j k l m n o p q r s t u v w x y z', steps: ['a b c d e f g h i j k l m n o p q r s t u v w x y z'] }] }], plain, 34)
    expect(lines).toEqual(['', 'How the numbers are derived: parameters', '  Conv2d', '    a b c d e f g h i j k l m n o', '      p q r s t u v w x y z'])
  })
})

describe('renderMarkdownReport', () => {
  it('puts the source in a code block and the figures in tables', () => {
    const md = renderMarkdownReport(analyze('nn.Sequential(nn.Linear(4, 2), nn.ReLU())', { input: '1,4' }), { units: 'iec', depth: 2, allTensors: false })
    expect(md).toContain('```python\nnn.Sequential(nn.Linear(4, 2), nn.ReLU())\n```\n')
    expect(md).toContain('**Modules**\n\n| Module | Type | Output shape | Params | % | MACs | Activations |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n| (root) | Sequential | (1, 2) | 10 | 100.0% | 8 | 8 B |\n')
    expect(md).not.toContain('**Tensors**')
  })
})
