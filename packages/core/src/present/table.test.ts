import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { planMemory } from '../memory/plan.js'
import {
  breakdownTable,
  fitSummary,
  memoryChart,
  acceleratorTable,
  modelStates,
  describeMemoryOptions,
  memoryIsSplit,
  memoryRows,
  memoryTable,
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
} from './index.js'

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
    expect(t.rows[0]![6]).toBe('100.0')
  })
  it('gives a small module its share in CSV instead of rounding it to 0.0', () => {
    const t = moduleTable(analyze('nn.Sequential(nn.Linear(10000, 10000), nn.Linear(1, 1))'), { raw: true })
    expect(t.rows.map((r) => r[5])).toEqual(['100.0', '100.0', '0.000002000'])
  })
})

describe('tensorTable', () => {
  it('names every column, the notes too (a Markdown table needs a header for each), and has notes only when a tensor has one', () => {
    const t = tensorTable(analyze('nn.BatchNorm1d(4)'))
    expect(t.columns.map((c) => c.header)).toEqual(['Tensor', 'Shape', 'dtype', 'Elements', 'Bytes', 'Note'])
    expect(renderMarkdownTable(t).split('\n')[0]).toBe('| Tensor | Shape | dtype | Elements | Bytes | Note |')
    expect(renderMarkdownTable(tensorTable(analyze('nn.Linear(2, 3)'))).split('\n')[0]).toBe('| Tensor | Shape | dtype | Elements | Bytes |')
  })
  it('lists every tensor with shape, dtype, elements and bytes', () => {
    const t = tensorTable(analyze('nn.Conv2d(128, 256, 3)'))
    expect(t.rows).toEqual([
      ['weight', '(256, 128, 3, 3)', 'float32', '294,912', '1.13 MiB'],
      ['bias', '(256)', 'float32', '256', '1.00 KiB'],
    ])
  })
  it('with a limit, formats only the first tensors and says how many there are, keeping a note column that only later tensors need', () => {
    const t = tensorTable(analyze('nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 4), nn.BatchNorm1d(4))'), { limit: 2 })
    expect(t.rows).toEqual([
      ['0.weight', '(3, 2)', 'float32', '6', '24 B', ''],
      ['0.bias', '(3)', 'float32', '3', '12 B', ''],
    ])
    expect(t.rowCount).toBe(9)
    expect(t.columns.map((c) => c.key).at(-1)).toBe('note')
    expect(tensorTable(analyze('nn.Linear(2, 3)'), { limit: 0 }).rows).toEqual([])
    expect(tensorTable(analyze('nn.Linear(2, 3)'), { limit: 5, raw: true }).rows.map((r) => r[0])).toEqual(['weight', 'bias'])
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

const linear = analyze('nn.Linear(1024, 1024)')

describe('memoryRows', () => {
  it('lists the training budget in order, without the KV cache', () => {
    const rows = memoryRows(planMemory(linear, { optimizer: 'SGD(lr=0.1, momentum=0.9)' }))
    expect(rows.map((r) => [r.key, r.bytes])).toEqual([
      ['weights', 4198400n],
      ['gradients', 4198400n],
      ['optimizerState', 4198400n],
      ['modelStates', 3n * 4198400n],
      ['activations', 0n],
      ['overhead', 1073741824n],
      ['total', 1073741824n + 3n * 4198400n],
    ])
    expect(rows[0]!.value).toBe('4.00 MiB')
    expect(rows[2]!.formula).toBe('torch.optim.SGD(lr=0.1, momentum=0.9): momentum_buffer 1,049,600 × 4 B = 4.00 MiB')
    expect(rows.map((r) => r.label)).toEqual(['Weights', 'Gradients', 'Optimizer state', 'Model states', 'Activations', 'Framework reserve', 'Total'])
    // the parts of the total in one unit, with the decimals that make them add up
    expect(rows.at(-1)!.formula).toBe('model states 0.012 GiB + framework reserve 1.000 GiB = 1.012 GiB')
    expect(rows.at(-1)!.value).toBe('1.012 GiB')
  })
  it('answers the Adam question in one line: model states on the GPU, and the step counters PyTorch keeps on the CPU', () => {
    const conv = analyze('Conv2d(128, 256, 3)')
    const row = (device: 'cpu' | 'cuda') => memoryRows(planMemory(conv, { optimizer: 'Adam', device })).find((r) => r.key === 'modelStates')!
    expect(row('cuda')).toMatchObject({ kind: 'subtotal', label: 'Model states', bytes: 4_722_688n, value: '4.50 MiB' })
    expect(row('cuda').formula).toBe('weights 1,180,672 B + gradients 1,180,672 B + optimizer state (exp_avg, exp_avg_sq) 2,361,344 B = 4,722,688 B on the GPU; + step 8 B on the CPU')
    expect(row('cpu').bytes).toBe(4_722_696n)
    expect(row('cpu').formula).toBe('weights 1,180,672 B + gradients 1,180,672 B + optimizer state (step, exp_avg, exp_avg_sq) 2,361,352 B = 4,722,696 B')
    expect(modelStates(planMemory(conv, { optimizer: 'Adam' }))).toMatchObject({ deviceBytes: 4_722_688n, hostBytes: 8n, hostEntries: ['step'] })
  })
  it('lists one GPU’s share with the gathered working set under ZeRO-3', () => {
    const rows = memoryRows(planMemory(linear, { gpus: 4, zero: 3 }), { scope: 'device' })
    expect(rows.map((r) => r.key)).toEqual(['weights', 'gradients', 'optimizerState', 'modelStates', 'activations', 'gatheredWeights', 'overhead', 'total'])
    expect(rows[0]!.bytes).toBe(4198400n / 4n)
  })
  it('leaves gradients and optimizer out of an inference budget', () => {
    expect(memoryRows(planMemory(linear, { mode: 'inference' })).map((r) => r.key)).toEqual(['weights', 'activations', 'kvCache', 'overhead', 'total'])
  })
  it('writes bytes in the chosen units', () => {
    expect(memoryRows(planMemory(linear, {}), { units: 'si' })[0]!.value).toBe('4.20 MB')
  })
  it('names the KV cache dtype in its label, in the table and the chart', () => {
    const plan = planMemory(analyze('gpt2'), { mode: 'inference', contextLength: 1024, kvCacheDType: 'fp8' })
    const row = memoryRows(plan).find((r) => r.key === 'kvCache')!
    // GPT-2: 12 layers × 2 (K, V) × 768 × 1,024 tokens × 1 B
    expect([row.label, row.bytes]).toEqual(['KV cache (fp8)', 12n * 2n * 768n * 1024n])
    expect(memoryChart(plan).segments.find((s) => s.key === 'kvCache')!.label).toBe('KV cache (fp8)')
    expect(memoryRows(planMemory(analyze('gpt2'), { mode: 'inference', contextLength: 8 })).find((r) => r.key === 'kvCache')!.label).toBe('KV cache (bf16)')
  })
})

describe('describeMemoryOptions', () => {
  it('writes the settings of a plan in one line', () => {
    expect(describeMemoryOptions(planMemory(linear, { optimizer: 'Adam', precision: 'bf16-mixed', batch: 8, gpus: 8, zero: 3, checkpointing: 'full' }))).toBe(
      'training · torch.optim.Adam() · precision amp-bf16 · batch 8 · full checkpointing · 8 GPUs · ZeRO-3',
    )
    expect(describeMemoryOptions(planMemory(linear, { mode: 'inference', weights: 'int8' }))).toBe('inference · weights int8 · batch 1')
  })

  it('never writes `auto`: it names the dtype the weights resolved to, and why', () => {
    expect(describeMemoryOptions(planMemory(linear, {}))).toBe('training · torch.optim.AdamW() · precision float32, as built · batch 1')
    const llama = analyze('llama-3.1-8b')
    expect(describeMemoryOptions(planMemory(llama, { mode: 'inference' }))).toBe("inference · weights bfloat16, from the config's torch_dtype · batch 1")
    expect(describeMemoryOptions(planMemory(analyze('gpt2'), { mode: 'inference' }))).toBe("inference · weights float32, the published checkpoint's dtype · batch 1")
    expect(describeMemoryOptions(planMemory(analyze('nn.Sequential(nn.Linear(4, 4, dtype=torch.bfloat16), nn.Linear(2, 2))'), {}))).toBe('training · torch.optim.AdamW() · precision mostly bfloat16, as built · batch 1')
  })
})

describe('memoryIsSplit', () => {
  it('is true for several GPUs or offload only', () => {
    expect(memoryIsSplit(planMemory(linear, {}))).toBe(false)
    expect(memoryIsSplit(planMemory(linear, { gpus: 2 }))).toBe(true)
  })
})

describe('memoryTable', () => {
  it('has the line, its bytes and its formula', () => {
    const t = memoryTable(planMemory(linear, {}))
    expect(t.columns.map((c) => c.header)).toEqual(['Memory', 'Bytes', 'Formula'])
    expect(t.rows[0]).toEqual(['Weights', '4.00 MiB', '1,049,600 params: 1,049,600 × 4 B (float32) = 4.00 MiB'])
    expect(memoryTable(planMemory(linear, { gpus: 2 }), { scope: 'device' }).columns[0]!.header).toBe('Per GPU')
  })
})

describe('breakdownTable', () => {
  it('lists a Hugging Face model by part, per-block figures last', () => {
    const gpt2 = analyze({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 1000, n_positions: 64, n_embd: 32, n_layer: 2, n_head: 4 })
    const t = breakdownTable(gpt2)
    expect(t.rows[0]).toEqual(['embeddings', '34,048', expect.stringMatching(/%$/)])
    expect(t.rows.at(-1)![0]).toMatch(/^per_\w+ \(one of many, not in the sum\)$/)
  })
  it('is empty for other models', () => {
    expect(breakdownTable(linear).rows).toEqual([])
  })
})

describe('summaryRows of a Hugging Face model', () => {
  it('names the model, says the embeddings are tied and gives the KV cache per token', () => {
    const gpt2 = analyze({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 1000, n_positions: 64, n_embd: 32, n_layer: 2, n_head: 4 })
    const byKey = Object.fromEntries(summaryRows(gpt2).map((r) => [r.key, r]))
    expect(byKey['model']!.value).toBe('GPT2LMHeadModel')
    expect(byKey['tiedEmbeddings']!.detail).toBe(`${(gpt2.model!.paramsUntied).toLocaleString('en-US')} if the output head had its own weight`)
    expect(byKey['kvCachePerToken']!.value).toBe('256 B per token (16-bit: bf16 or fp16)')
  })
})

describe('memoryChart', () => {
  it('stacks the non-zero lines of one GPU left to right and places the capacity line on the same scale', () => {
    const analysis = analyze('nn.Sequential(nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 1024))', { input: '8,1024' })
    const plan = planMemory(analysis, { optimizer: 'Adam', gpu: 't4' })
    const { segments, reserve, capacityX } = memoryChart(plan)
    expect(segments.map((s) => [s.key, s.label])).toEqual([
      ['weights', 'Weights'],
      ['gradients', 'Gradients'],
      ['optimizerState', 'Optimizer state'],
      ['activations', 'Activations'],
    ])
    expect(segments[0]!.x).toBe(0)
    for (let i = 1; i < segments.length; i++) expect(segments[i]!.x).toBeCloseTo(segments[i - 1]!.x + segments[i - 1]!.width, 3)
    // the reserve is its own segment after the model's lines
    expect(reserve).toMatchObject({ key: 'overhead', label: 'Framework reserve', bytes: 1024n ** 3n })
    expect(reserve!.x).toBeCloseTo(segments.at(-1)!.x + segments.at(-1)!.width, 3)
    expect(capacityX).toBe(100)
    expect(reserve!.x + reserve!.width).toBeLessThan(100)
    expect(segments[0]!.bytes).toBe(analysis.params.bytes)
  })

  it('zooms in on a small model that the reserve would hide', () => {
    const chart = memoryChart(planMemory(analyze('Conv2d(128, 256, 3)'), { optimizer: 'Adam' }))
    expect(chart.modelBytes).toBe(4_722_688n)
    expect(chart.segments.reduce((s, x) => s + x.width, 0)).toBeLessThan(1)
    expect(chart.zoom!.map((s) => [s.key, s.width])).toEqual([
      ['weights', 25],
      ['gradients', 25],
      ['optimizerState', 50],
    ])
    expect(memoryChart(planMemory(analyze('llama-3.1-8b'), { optimizer: 'AdamW', gpu: 't4' })).zoom).toBeUndefined()
  })

  it('scales to the total when the plan exceeds the capacity', () => {
    const plan = planMemory(analyze('llama-3.1-8b'), { optimizer: 'AdamW', gpu: 't4' })
    const { reserve, capacityX } = memoryChart(plan)
    expect(reserve!.x + reserve!.width).toBeCloseTo(100, 2)
    expect(capacityX).toBeLessThan(100)
  })
})

describe('fitSummary', () => {
  it('says whether it fits, with what would', () => {
    const plan = planMemory(linear, { gpu: '1GiB' })
    expect(fitSummary(plan)).toEqual({
      fits: false,
      headline: 'Does not fit',
      sentence: 'does not fit on a 1.00 GiB GPU: needs 1.02 GiB of 1.00 GiB (16.02 MiB short), without the activations',
      details: ['fewest GPUs by layout: data parallel none, ZeRO-1 none, ZeRO-2 none, ZeRO-3 none, tensor parallel none'],
    })
    expect(fitSummary(planMemory(linear))).toBeUndefined()
  })
  it('never says a bare "fits" when a line was not counted', () => {
    const traced = fitSummary(planMemory(analyze('nn.Linear(1024, 1024)', { input: '8,1024' }), { gpu: 't4' }))!
    expect(traced.headline).toBe('Fits')
    expect(traced.sentence).toMatch(/^fits on NVIDIA T4 16GB with [\d.]+ GiB to spare \([\d.]+ GiB of 15\.00 GiB\)$/)
    const untraced = fitSummary(planMemory(linear, { gpu: 't4' }))!
    expect(untraced.headline).toBe('Weights and states fit')
    expect(untraced.sentence).toMatch(/^weights and states fit on NVIDIA T4 16GB with .* to spare \(.*\); activations not counted$/)
    // a config's activations come from its architecture at --seq: everything is counted
    const serving = fitSummary(planMemory(analyze('llama-3.1-8b'), { mode: 'inference', gpu: 'l4', contextLength: 8192 }))!
    expect(serving.headline).toBe('Fits')
    expect(serving.details).toContain('longest context: 22,243 tokens')
    const noSeq = fitSummary(planMemory(analyze('llama-3.1-8b'), { optimizer: 'AdamW', gpu: 'h200', gpus: 8, zero: 3 }))!
    expect(noSeq.headline).toBe('Weights and states fit')
    expect(noSeq.sentence).toMatch(/; activations not counted$/)
  })
})

describe('acceleratorTable', () => {
  it('lists every GPU with memory, bandwidth and dense peaks per number format', () => {
    const t = acceleratorTable()
    expect(t.columns.map((c) => c.header)).toEqual(['GPU', 'Name', 'Memory', 'Bandwidth', 'fp32 TFLOP/s', 'tf32 TFLOP/s', 'bf16 TFLOP/s', 'fp16 TFLOP/s', 'fp8 TFLOP/s', 'fp4 TFLOP/s', 'int8 TFLOP/s', 'Also'])
    expect(t.rows.find((r) => r[0] === 'h100-80gb')).toEqual(['h100-80gb', 'NVIDIA H100 80GB', '79.65 GiB', '3.35 TB/s', '67', '494.5', '989.5', '989.5', '1979', '—', '1979', 'h100, h100-80, h100-sxm, h100-pcie'])
    expect(t.rows.find((r) => r[0] === 'l4')!.slice(2, 4)).toEqual(['22.49 GiB', '300 GB/s'])
    expect(t.rows.find((r) => r[0] === 'apple-128gb')![3]).toBe('—')
  })
})
