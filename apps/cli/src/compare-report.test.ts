import { analyze, compareAnalyses } from '@nnsize/core'
import { describe, expect, it } from 'vitest'
import { comparisonHeaders, renderComparison, renderMarkdownComparison } from './compare-report.js'
import { chooseStyle } from './style.js'

const plain = chooseStyle({ env: {}, isTTY: false })

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
