import { describe, expect, it } from 'vitest'
import { analyze } from '@nnsize/core'
import { isCollapsed, moduleRows, parentPath, sortRows, visibleRows } from './module-rows.ts'

const source = 'block = nn.Sequential(nn.Linear(4, 8), nn.ReLU())\nnn.Sequential(nn.Linear(2, 4), block, nn.Sequential(block, nn.Linear(8, 1)))'

describe('moduleRows', () => {
  it('lists modules in named_modules() order with their counts, a shared block once', () => {
    const rows = moduleRows(analyze(source))
    expect(rows.map((r) => [r.path, r.type, r.params, r.hasChildren])).toEqual([
      ['', 'Sequential', 61n, true],
      ['0', 'Linear', 12n, false],
      ['1', 'Sequential', 40n, true],
      ['1.0', 'Linear', 40n, false],
      ['1.1', 'ReLU', 0n, false],
      ['2', 'Sequential', 49n, true],
      ['2.1', 'Linear', 9n, false],
    ])
    expect(rows[0]?.name).toBe('Sequential')
    expect(rows[3]?.name).toBe('0')
  })

  it('attaches the forward statistics of each module when there is an input', () => {
    const rows = moduleRows(analyze('nn.Sequential(nn.Linear(4, 8), nn.ReLU())', { input: '2,4' }))
    expect(rows.map((r) => r.stats?.outputShape)).toEqual([
      [2, 8],
      [2, 8],
      [2, 8],
    ])
    expect(rows[1]?.stats?.macs).toBe(64n)
  })

  it('has no statistics without an input', () => {
    expect(moduleRows(analyze('Linear(1, 1)'))[0]?.stats).toBeUndefined()
  })
})

describe('sortRows', () => {
  it('sorts by parameters, largest first, ties in tree order, without touching its input', () => {
    const rows = moduleRows(analyze(source))
    const sorted = sortRows(rows, 'params', true)
    expect(sorted.map((r) => r.path)).toEqual(['', '2', '1', '1.0', '0', '2.1', '1.1'])
    expect(rows[0]?.path).toBe('')
  })

  it('sorts by type alphabetically and back', () => {
    const rows = moduleRows(analyze(source))
    expect(sortRows(rows, 'type', false).map((r) => r.type)).toEqual(['Linear', 'Linear', 'Linear', 'ReLU', 'Sequential', 'Sequential', 'Sequential'])
    expect(sortRows(rows, 'type', true)[0]?.type).toBe('Sequential')
  })

  it('puts modules without statistics last when sorting by compute', () => {
    const rows = moduleRows(analyze('nn.Sequential(nn.Linear(4, 8), nn.ReLU())', { input: '2,4' }))
    expect(sortRows(rows, 'macs', true).map((r) => r.path)).toEqual(['', '0', '1'])
  })
})

describe('visibleRows', () => {
  const rows = moduleRows(analyze(source))

  it('shows everything when every depth is open', () => {
    expect(visibleRows(rows, 99, new Set()).length).toBe(rows.length)
  })

  it('hides the children of rows at the closed depth', () => {
    expect(visibleRows(rows, 1, new Set()).map((r) => r.path)).toEqual(['', '0', '1', '2'])
    expect(visibleRows(rows, 0, new Set()).map((r) => r.path)).toEqual([''])
  })

  it('opens and closes single rows against the depth setting', () => {
    expect(visibleRows(rows, 1, new Set(['2'])).map((r) => r.path)).toEqual(['', '0', '1', '2', '2.1'])
    expect(visibleRows(rows, 99, new Set(['1'])).map((r) => r.path)).toEqual(['', '0', '1', '2', '2.1'])
  })
})

describe('isCollapsed', () => {
  it('is the depth rule, flipped for toggled rows', () => {
    const row = moduleRows(analyze(source))[2]!
    expect(isCollapsed(row, 1, new Set())).toBe(true)
    expect(isCollapsed(row, 1, new Set(['1']))).toBe(false)
    expect(isCollapsed(row, 2, new Set())).toBe(false)
  })
})

describe('parentPath', () => {
  it('drops the last name', () => {
    expect(parentPath('layer1.0.conv1')).toBe('layer1.0')
    expect(parentPath('fc')).toBe('')
  })
})
