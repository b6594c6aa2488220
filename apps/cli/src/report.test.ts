import { analyze, compareAnalyses } from '@nnsize/core'
import { describe, expect, it } from 'vitest'
import { comparisonHeaders, explanationLines, renderComparison, renderMarkdownComparison, renderMarkdownReport, renderReport } from './report.js'
import { chooseStyle } from './style.js'

const plain = chooseStyle({ env: {}, isTTY: false })
const options = { style: plain, width: Infinity, units: 'iec' as const, depth: 2, allTensors: false, explain: false }

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
    const text = renderReport(analyze('nn.Linear(10, 20)'), { ...options, explain: true })
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
    const md = renderMarkdownReport(analyze('nn.Sequential(nn.Linear(4, 2), nn.ReLU())', { input: '1,4' }), { units: 'iec', depth: 2, explain: false, allTensors: false })
    expect(md).toContain('```python\nnn.Sequential(nn.Linear(4, 2), nn.ReLU())\n```\n')
    expect(md).toContain('**Modules**\n\n| Module | Type | Output shape | Params | % | MACs | Activations |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n| (root) | Sequential | (1, 2) | 10 | 100.0% | 8 | 8 B |\n')
    expect(md).not.toContain('**Tensors**')
  })
})

describe('comparisonHeaders', () => {
  const c = compareAnalyses(analyze('nn.Linear(1, 1)'), analyze('nn.Linear(1, 2)'))
  it('uses short sources as headers, A and B otherwise', () => {
    expect(comparisonHeaders(c, { a: 'x', b: 'y' })).toEqual({ a: 'x', b: 'y' })
    expect(comparisonHeaders(c, { a: 'x'.repeat(40), b: 'y' })).toEqual({ a: 'A', b: 'B' })
    expect(comparisonHeaders(c, { a: 'x', b: 'x' })).toEqual({ a: 'A', b: 'B' })
  })
})

describe('renderComparison', () => {
  it('lists both sources, the table and the differing tensors', () => {
    const c = compareAnalyses(analyze('nn.Linear(10, 20)'), analyze('nn.Linear(10, 20, bias=False)'))
    const text = renderComparison(c, { a: 'nn.Linear(10, 20)', b: 'nn.Linear(10, 20, bias=False)' }, { style: plain, width: Infinity })
    expect(text.split('\n').slice(0, 5)).toEqual([
      'A  nn.Linear(10, 20)',
      'B  nn.Linear(10, 20, bias=False)',
      '',
      '  Quantity          nn.Linear(10, 20)  nn.Linear(10, 20, bias=False)      Difference',
      '  Parameters                      220                            200    −20 (−9.09%)',
    ])
    expect(text).toContain('Tensors that differ\n  bias  only in A: (20) float32\n')
  })
})

describe('renderMarkdownComparison', () => {
  it('shows long sources as code blocks above a table with A and B headers', () => {
    const long = `nn.Sequential(${'nn.Linear(8, 8), '.repeat(3)}nn.ReLU())`
    const md = renderMarkdownComparison(compareAnalyses(analyze(long), analyze('nn.Linear(8, 8)')), { a: long, b: 'nn.Linear(8, 8)' })
    expect(md.startsWith(`A:\n\n\`\`\`python\n${long}\n\`\`\`\n\nB:\n\n`)).toBe(true)
    expect(md).toContain('| Quantity | A | B | Difference |')
  })
})
