import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { precisionChoices, precisionHelpLines, precisionTable } from './precision.js'
import { renderMarkdownTable } from './table.js'

describe('precisionTable', () => {
  it('gives ZeRO\'s 16 bytes per parameter for mixed precision with Adam and 18 for autocast', () => {
    const rows = Object.fromEntries(precisionTable().rows.map((r) => [r[0], r]))
    // Rajbhandari et al., ZeRO (arXiv:1910.02054), §3.1: 2Ψ + 2Ψ + KΨ with K = 12 → 16 bytes per parameter
    expect(rows['`mixed-fp16`']!.slice(2, 8)).toEqual(['2 B', '2 B', 'float32 master 4 B', '8', '4 B', '16'])
    expect(rows['`amp-bf16`']!.slice(2, 8)).toEqual(['4 B', '4 B', 'bfloat16 autocast copy 2 B', '10', '4 B', '18'])
    expect(rows['`bf16`']!.slice(5, 8)).toEqual(['4', '2 B', '8'])
    expect(rows['`fp8`']![4]).toBe('float32 master 4 B + FP8 copy 1 B')
    expect(rows['`auto`']![5]).toBe('as built')
  })
  it('is the table docs/memory.md shows', () => {
    const docs = readFileSync(new URL('../../../../docs/memory.md', import.meta.url), 'utf8')
    const section = docs.slice(docs.indexOf('### Precision'))
    const start = section.indexOf('| mode |')
    const table = section.slice(start, section.indexOf('\n\n', start))
    expect(table).toBe(renderMarkdownTable(precisionTable()))
  })
})

describe('precisionHelpLines', () => {
  it('writes each mode with its bytes and the names it accepts', () => {
    const lines = precisionHelpLines()
    expect(lines.find((l) => l.trim().startsWith('amp-bf16'))).toBe('  amp-bf16    10 B = 4 + 4 + 2 (bfloat16 autocast copy), with Adam 18 B; also bf16-mixed, bf16-amp, autocast-bf16')
    expect(lines.find((l) => l.trim().startsWith('mixed-fp16'))).toContain('8 B = 2 + 2 + 4 (float32 master), with Adam 16 B')
  })
})

describe('precisionChoices', () => {
  it('labels each mode with its bytes per parameter and with Adam, in the words --help writes', () => {
    const choices = Object.fromEntries(precisionChoices().map((c) => [c.id, c]))
    // ZeRO (arXiv:1910.02054), §3.1: 2 + 2 + 4 bytes before the optimizer, 16 with Adam's two float32 moments
    expect(choices['mixed-bf16']!.label).toBe('mixed-bf16: 8 B, with Adam 16 B')
    expect(choices['amp-bf16']!.help).toBe('10 B = 4 + 4 + 2 (bfloat16 autocast copy), with Adam 18 B; also bf16-mixed, bf16-amp, autocast-bf16')
    expect(choices['auto']!.label).toBe('auto: as built')
    const lines = precisionHelpLines()
    for (const c of precisionChoices()) expect(lines.some((l) => l.trim().startsWith(c.id) && l.endsWith(c.help))).toBe(true)
  })
})
