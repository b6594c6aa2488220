import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import {
  formatBreakdown,
  formatBytesBoth,
  formatDTypes,
  isBiasName,
  moduleRows,
  moduleTable,
  paramBreakdown,
  renderCsv,
  renderMarkdownTable,
  summaryRows,
  summaryTable,
  tensorTable,
} from './table.js'

const cnn = 'nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Sequential(nn.Conv2d(8, 4, 3, bias=False), nn.ReLU()), nn.Linear(4, 2))'

describe('isBiasName', () => {
  it('recognises PyTorch bias names and nothing else', () => {
    expect(['bias', '0.bias', 'self_attn.in_proj_bias', 'rnn.bias_ih_l0', 'bias_k'].map(isBiasName)).toEqual([true, true, true, true, true])
    expect(['weight', 'biased.weight', 'embedding', 'in_proj_weight'].map(isBiasName)).toEqual([false, false, false, false])
  })
})

describe('paramBreakdown', () => {
  it('splits Conv2d(128, 256, 3) into 294,912 weights and 256 biases', () => {
    expect(paramBreakdown(analyze('nn.Conv2d(128, 256, 3)'))).toEqual({ weights: 294912n, biases: 256n, weightTensors: 1, biasTensors: 1 })
  })
  it('counts no biases for bias=False', () => {
    expect(paramBreakdown(analyze('nn.Conv2d(128, 256, 3, bias=False)'))).toEqual({ weights: 294912n, biases: 0n, weightTensors: 1, biasTensors: 0 })
  })
})

describe('formatBreakdown', () => {
  it('writes both parts, or says there are no biases', () => {
    expect(formatBreakdown({ weights: 294912n, biases: 256n, weightTensors: 1, biasTensors: 1 })).toBe('294,912 weights + 256 biases')
    expect(formatBreakdown({ weights: 1n, biases: 0n, weightTensors: 1, biasTensors: 0 })).toBe('1 weight, no biases')
  })
})

describe('formatDTypes', () => {
  it('lists dtypes by element count, most first', () => {
    const a = analyze('nn.Sequential(nn.Linear(10, 10, dtype=torch.float16), nn.Linear(2, 2))')
    expect(formatDTypes(a.tensors)).toBe('float16 + float32')
  })
})

describe('formatBytesBoth', () => {
  it('gives the chosen units first, then the other units and the exact bytes', () => {
    expect(formatBytesBoth(1180672n)).toBe('1.13 MiB (1.18 MB, 1,180,672 bytes)')
    expect(formatBytesBoth(1180672n, 'si')).toBe('1.18 MB (1.13 MiB, 1,180,672 bytes)')
  })
  it('writes small sizes in bytes only', () => {
    expect(formatBytesBoth(520n)).toBe('520 bytes')
    expect(formatBytesBoth(1n)).toBe('1 byte')
  })
})

describe('summaryRows', () => {
  it('holds the count, breakdown, bytes and formula of Conv2d(128, 256, 3)', () => {
    const rows = summaryRows(analyze('nn.Conv2d(128, 256, 3)'))
    expect(rows.map((r) => [r.key, r.value, r.detail])).toEqual([
      ['params', '295,168', '294,912 weights + 256 biases'],
      ['trainable', '295,168', 'frozen 0'],
      ['buffers', '0', undefined],
      ['paramBytes', '1.13 MiB (1.18 MB, 1,180,672 bytes)', 'float32'],
      ['formula', '128 × 256 × 3 × 3 + 256 = 295,168', undefined],
    ])
  })
  it('adds shapes, MACs, FLOPs and activation memory with an input', () => {
    const rows = summaryRows(analyze('nn.Sequential(nn.Linear(10, 20), nn.ReLU())', { input: '4,10' }))
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r.value]))
    expect(byKey['inputShape']).toBe('(4, 10)')
    expect(byKey['outputShape']).toBe('(4, 20)')
    expect(byKey['macs']).toBe('800')
    expect(byKey['flops']).toBe('1,600')
    expect(byKey['backwardMacs']).toBe('1,600')
    expect(byKey['savedBytes']).toBe('320 bytes')
  })
})

describe('moduleRows', () => {
  it('lists modules in named_modules order with tree prefixes and shares', () => {
    const rows = moduleRows(analyze(cnn))
    expect(rows.map((r) => `${r.tree}${r.name}|${r.type}|${r.params}|${r.paramsPercent}`)).toEqual([
      '(root)|Sequential|522|100.0%',
      '├─ 0|Conv2d|224|42.9%',
      '├─ 1|ReLU|0|0.0%',
      '├─ 2|Sequential|288|55.2%',
      '│  ├─ 0|Conv2d|288|55.2%',
      '│  └─ 1|ReLU|0|0.0%',
      '└─ 3|Linear|10|1.9%',
    ])
  })
  it('cuts the tree at the given depth and marks collapsed modules', () => {
    const rows = moduleRows(analyze(cnn), { depth: 1 })
    expect(rows.map((r) => r.path)).toEqual(['', '0', '1', '2', '3'])
    expect(rows.filter((r) => r.collapsed).map((r) => r.path)).toEqual(['2'])
  })
  it('carries output shapes, MACs and saved bytes with a forward pass', () => {
    const rows = moduleRows(analyze('nn.Sequential(nn.Linear(10, 20), nn.ReLU())', { input: '4,10' }))
    expect(rows.map((r) => [r.path, r.outputShape, r.macs, r.savedBytes])).toEqual([
      ['', [4, 20], 800n, 320n],
      ['0', [4, 20], 800n, 0n],
      ['1', [4, 20], 0n, 320n],
    ])
  })
})

describe('moduleTable', () => {
  it('renders display cells with the forward columns', () => {
    const t = moduleTable(analyze('nn.Sequential(nn.Linear(10, 20), nn.ReLU())', { input: '4,10' }))
    expect(t.columns.map((c) => c.header)).toEqual(['Module', 'Type', 'Output shape', 'Params', '%', 'MACs', 'Activations'])
    expect(t.rows[1]).toEqual(['├─ 0', 'Linear', '(4, 20)', '220', '100.0%', '800', '0 B'])
  })
  it('renders raw cells for CSV', () => {
    const t = moduleTable(analyze('nn.Sequential(nn.Linear(10, 20), nn.ReLU())', { input: '4,10' }), { raw: true })
    expect(t.columns.map((c) => c.header)).toEqual(['path', 'type', 'depth', 'output_shape', 'params', 'trainable_params', 'params_percent', 'buffers', 'macs', 'flops', 'activation_bytes'])
    expect(t.rows[2]).toEqual(['1', 'ReLU', '1', '4x20', '0', '0', '0.0', '0', '0', '0', '320'])
  })
})

describe('tensorTable', () => {
  it('lists every tensor with shape, dtype, elements and bytes', () => {
    const t = tensorTable(analyze('nn.Conv2d(128, 256, 3)'))
    expect(t.rows).toEqual([
      ['weight', '(256, 128, 3, 3)', 'float32', '294,912', '1.13 MiB', ''],
      ['bias', '(256)', 'float32', '256', '1.00 KiB', ''],
    ])
  })
  it('marks frozen parameters', () => {
    const t = tensorTable(analyze('nn.Linear(2, 3).requires_grad_(False)'), { raw: true })
    expect(t.rows).toEqual([
      ['weight', 'parameter', '3x2', 'float32', '6', '24', 'false'],
      ['bias', 'parameter', '3', 'float32', '3', '12', 'false'],
    ])
  })
})

describe('summaryTable', () => {
  it('puts the detail in brackets after the value', () => {
    expect(summaryTable(analyze('nn.Conv2d(128, 256, 3)')).rows[0]).toEqual(['Parameters', '295,168 (294,912 weights + 256 biases)'])
  })
})

describe('renderMarkdownTable', () => {
  it('writes a GFM table with right-aligned numbers and escaped pipes', () => {
    const md = renderMarkdownTable({
      columns: [
        { key: 'a', header: 'Name', align: 'left' },
        { key: 'b', header: 'Count', align: 'right' },
      ],
      rows: [['a|b', '1,024']],
    })
    expect(md).toBe('| Name | Count |\n| --- | ---: |\n| a\\|b | 1,024 |')
  })
})

describe('renderCsv', () => {
  it('quotes cells with commas and quotes, and ends every line with a newline', () => {
    const csv = renderCsv({ columns: [{ key: 'a', header: 'a', align: 'left' }, { key: 'b', header: 'b', align: 'left' }], rows: [['1,2', 'say "hi"']] })
    expect(csv).toBe('a,b\n"1,2","say ""hi"""\n')
  })
  it('writes cells that a spreadsheet would run as formulas as text', () => {
    const csv = renderCsv({ columns: [{ key: 'a', header: 'a', align: 'left' }], rows: [['=cmd()'], ['-12'], ['@x']] })
    expect(csv).toBe("a\n'=cmd()\n-12\n'@x\n")
  })
})
