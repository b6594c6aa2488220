import { describe, expect, it } from 'vitest'
import type { Table } from '@nnsize/core/present'
import { renderTextTable, stripAnsi, truncate, truncateMiddle, truncateShape, visibleWidth } from './layout.js'
import { chooseStyle } from './style.js'

const plain = chooseStyle({ env: {}, isTTY: false })

const table: Table = {
  columns: [
    { key: 'name', header: 'Name', align: 'left' },
    { key: 'count', header: 'Count', align: 'right' },
    { key: 'note', header: 'Note', align: 'left' },
  ],
  rows: [
    ['encoder.layers.0.self_attn.in_proj_weight', '786,432', 'frozen'],
    ['bias', '1', ''],
  ],
}

describe('truncate', () => {
  it('cuts at the end with an ellipsis', () => {
    expect(truncate('Sequential', 8)).toBe('Sequent…')
    expect(truncate('ReLU', 8)).toBe('ReLU')
  })
})

describe('truncateMiddle', () => {
  it('keeps both ends of a long name', () => {
    expect(truncateMiddle('encoder.layers.0.self_attn.in_proj_weight', 21)).toBe('encoder.la…roj_weight')
  })
})

describe('truncateShape', () => {
  it('leaves out the leading dimensions of a shape, not its last ones', () => {
    expect(truncateShape('(1, 64, 112, 112)', 13)).toBe('(…, 112, 112)')
    expect(truncateShape('(1, 64, 112, 112)', 16)).toBe('(…, 112, 112)')
    expect(truncateShape('(8, 64, 112, 112)', 17)).toBe('(8, 64, 112, 112)')
    expect(truncateShape('(8, 64, 112, 112, 3)', 19)).toBe('(…, 64, 112, 112, 3)'.length <= 19 ? '(…, 64, 112, 112, 3)' : '(…, 112, 112, 3)')
    expect(truncateShape('(1, 123456789)', 8)).toBe('(1, 123…')
  })
})

describe('renderTextTable', () => {
  it('aligns columns two spaces apart, numbers to the right', () => {
    expect(renderTextTable(table, plain, Infinity)).toEqual([
      '  Name                                         Count  Note',
      '  encoder.layers.0.self_attn.in_proj_weight  786,432  frozen',
      '  bias                                             1',
    ])
  })
  it('cuts columns that may shrink to fit the width', () => {
    const lines = renderTextTable(table, plain, 40, { shrink: [{ key: 'name', min: 10, middle: true }] })
    expect(lines[1]).toBe('  encoder.la…roj_weight  786,432  frozen')
    expect(lines.every((l) => l.length <= 40)).toBe(true)
  })
  it('drops optional columns when cutting is not enough', () => {
    const lines = renderTextTable(table, plain, 24, { shrink: [{ key: 'name', min: 10, middle: true }], drop: ['note'] })
    expect(lines).toEqual(['  Name             Count', '  encode…weight  786,432', '  bias                 1'])
  })
  it('never widens a column to its minimum', () => {
    const lines = renderTextTable({ ...table, rows: [['a', '1', '']] }, plain, 10, { shrink: [{ key: 'name', min: 12 }] })
    expect(lines[1]).toBe('  a         1')
  })
  it('colours cell text but not the padding', () => {
    const colour = chooseStyle({ env: {}, isTTY: true })
    const lines = renderTextTable({ ...table, rows: [['bias', '1', '']] }, colour, Infinity, { color: { name: (t) => `<${t}>` } })
    expect(lines[1]).toBe('  <bias>      1')
  })
})

describe('stripAnsi', () => {
  it('removes colour codes', () => {
    expect(stripAnsi('\u001b[1m\u001b[32m295,168\u001b[39m\u001b[22m')).toBe('295,168')
  })
})

describe('visibleWidth', () => {
  it('counts code points outside escapes', () => {
    expect(visibleWidth('\u001b[2m├─ \u001b[22m0')).toBe(4)
    expect(visibleWidth('× ²')).toBe(3)
    // a character beyond the BMP is one column, written as two UTF-16 units
    expect(visibleWidth('𝛼 = 1')).toBe(5)
    expect(visibleWidth('\u001b[1m𝛼\u001b[22m')).toBe(1)
  })
})
