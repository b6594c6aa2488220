import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { planMemory } from '../memory/plan.js'
import { explainAnalysis, explainMemory, renderExplanation, writeDerivation } from './explain.js'
import type { ExplainLine } from './explain.js'

/** Subject and text only: `steps` is the text split at its semicolons. */
const plain = (lines: readonly ExplainLine[]) => lines.map(({ subject, text }) => ({ subject, text }))

describe('writeDerivation', () => {
  it('writes symbols, numbers, term values and the total, with powers for repeated factors', () => {
    const text = writeDerivation('parameters', [
      { tensor: 'weight', factors: [['in_channels', 128], ['out_channels', 256], ['kernel_size', 3], ['kernel_size', 3]] },
      { tensor: 'bias', factors: [['out_channels', 256]] },
    ])
    expect(text).toBe('parameters = in_channels × out_channels × kernel_size² + out_channels = 128 × 256 × 9 + 256 = 294,912 + 256 = 295,168')
  })
  it('leaves out steps that would repeat the one before', () => {
    expect(writeDerivation('parameters', [{ tensor: 'weight', factors: [['in_features', 10], ['out_features', 20]] }])).toBe('parameters = in_features × out_features = 10 × 20 = 200')
  })
  it('keeps unequal factors of the same name apart', () => {
    expect(writeDerivation('n', [{ tensor: 'w', factors: [['kernel_size', 3], ['kernel_size', 5]] }])).toBe('n = kernel_size × kernel_size = 3 × 5 = 15')
  })
  it('names tensors by their shapes when a layer has no formula', () => {
    expect(writeDerivation('n', [{ tensor: 'weight', factors: [['dim 0', 4], ['dim 1', 2]] }, { tensor: 'bias', factors: [['dim 0', 4]] }])).toBe('n = weight + bias = 4 × 2 + 4 = 8 + 4 = 12')
  })
  it('writes one derivation per tensor when there are many', () => {
    const terms = ['a', 'b', 'c', 'd'].map((t, i) => ({ tensor: t, factors: [['hidden_size', 4], ['n', i + 1]] as const }))
    expect(writeDerivation('parameters', terms)).toBe('a = hidden_size × n = 4 × 1 = 4; b = hidden_size × n = 4 × 2 = 8; c = hidden_size × n = 4 × 3 = 12; d = hidden_size × n = 4 × 4 = 16; parameters = 4 + 8 + 12 + 16 = 40')
  })
  it('is zero without terms', () => {
    expect(writeDerivation('parameters', [])).toBe('parameters = 0')
  })
})

describe('explainAnalysis', () => {
  it('derives Conv2d(128, 256, 3) as the seed does, with its bytes', () => {
    const [params] = explainAnalysis(analyze('nn.Conv2d(128, 256, 3)'))
    expect(params!.title).toBe('Parameters')
    expect(params!.lines).toEqual([
      {
        subject: 'Conv2d',
        text: 'parameters = in_channels × out_channels × kernel_size² + out_channels = 128 × 256 × 9 + 256 = 294,912 + 256 = 295,168; bytes = 295,168 × 4 B (float32) = 1,180,672 B = 1.13 MiB',
        steps: ['parameters = in_channels × out_channels × kernel_size² + out_channels = 128 × 256 × 9 + 256 = 294,912 + 256 = 295,168', 'bytes = 295,168 × 4 B (float32) = 1,180,672 B = 1.13 MiB'],
      },
    ])
  })
  it('groups identical layers and sums the container', () => {
    const [params] = explainAnalysis(analyze('nn.Sequential(*[nn.Linear(8, 8) for _ in range(4)], nn.ReLU())'))
    expect(plain(params!.lines)).toEqual([
      { subject: '0, 1, …, 3 (Linear, 4 ×)', text: 'parameters = in_features × out_features + out_features = 8 × 8 + 8 = 64 + 8 = 72; bytes = 72 × 4 B (float32) = 288 B' },
      { subject: 'total', text: 'parameters = 72 (0) + 72 (1) + 72 (2) + 72 (3) = 288; bytes = 288 × 4 B (float32) = 1,152 B = 1.13 KiB' },
    ])
  })
  it('says when shared tensors count once', () => {
    const [params] = explainAnalysis(analyze('l = nn.Linear(4, 4)\nnn.Sequential(l, nn.Sequential(l))'))
    expect(params!.lines.map((l) => l.subject)).toEqual(['0 (Linear)', 'total'])
    expect(params!.lines[1]!.text).toBe('parameters = 20 (0) + 20 (1) − 20 shared = 20; bytes = 20 × 4 B (float32) = 80 B')
  })
  it('explains frozen parameters', () => {
    const [params] = explainAnalysis(analyze('nn.Sequential(nn.Linear(2, 2).requires_grad_(False), nn.Linear(2, 1))'))
    expect(plain(params!.lines).at(-1)).toEqual({ subject: 'trainable', text: 'trainable = 9 − 6 frozen = 3' })
  })
  it('writes bytes per dtype', () => {
    const [params] = explainAnalysis(analyze('nn.Linear(1024, 1024, dtype=torch.bfloat16)'))
    expect(params!.lines[0]!.text).toMatch(/; bytes = 1,049,600 × 2 B \(bfloat16\) = 2,099,200 B = 2\.00 MiB$/)
  })
  it('adds compute and activation sections with a forward pass', () => {
    const sections = explainAnalysis(analyze('nn.Sequential(nn.Linear(10, 20), nn.ReLU())', { input: '4,10' }))
    expect(sections.map((s) => s.title)).toEqual(['Parameters', 'Compute', 'Activations'])
    expect(plain(sections[1]!.lines)[0]).toEqual({ subject: '0 (Linear)', text: '800 MACs → output (4, 20)' })
    expect(sections[1]!.lines[1]!.text).toMatch(/^MACs = 800 for one forward pass on \(4, 10\) float32; FLOPs = 2 × MACs = 1,600/)
    expect(plain(sections[2]!.lines)[0]).toEqual({ subject: '1 (ReLU)', text: 'saves 320 B for backward' })
    expect(sections[2]!.lines[1]!.steps).toHaveLength(3)
  })
})

describe('explainMemory', () => {
  const linear = analyze('nn.Linear(1024, 1024)')
  it('gives every budget line its formula and exact bytes, and what the optimizer keeps', () => {
    const sections = explainMemory(planMemory(linear, { optimizer: 'Adam' }))
    expect(sections.map((s) => s.title)).toEqual(['Memory (training · torch.optim.Adam() · precision float32, as built · batch 1)', 'Optimizer state', 'Notes'])
    expect(sections[0]!.lines[0]).toEqual({
      subject: 'Weights',
      text: '1,049,600 params: 1,049,600 × 4 B (float32) = 4.00 MiB; exactly 4,198,400 bytes',
      steps: ['1,049,600 params: 1,049,600 × 4 B (float32) = 4.00 MiB', 'exactly 4,198,400 bytes'],
    })
    // a formula with a semicolon of its own stays one step
    expect(sections[0]!.lines.find((l) => l.subject === 'Framework reserve')!.steps[0]).toBe('CUDA context and allocator reserve: 1.00 GiB (default; adjustable)')
    expect(sections[1]!.lines.slice(1).map((l) => l.subject)).toEqual(['step', 'exp_avg', 'exp_avg_sq'])
    expect(sections[1]!.lines[2]!.text).toBe('1,049,600 elements × 4 B (float32) in 2 tensors = 4,198,400 B = 4.00 MiB')
    expect(sections[1]!.lines[1]!.text).toBe('2 elements × 4 B (float32) in 2 tensors = 8 B, on the CPU (PyTorch creates it there unless `capturable=True` or `fused=True`)')
  })
  it('adds one GPU’s share and the fit', () => {
    const sections = explainMemory(planMemory(linear, { gpus: 2, zero: 2, gpu: 't4' }))
    expect(sections.map((s) => s.title.split(' (')[0])).toEqual(['Memory', 'Memory per GPU', 'Optimizer state', 'Fit', 'Notes'])
    expect(sections[3]!.lines[0]!.text).toMatch(/^weights and states fit on NVIDIA T4 16GB with .* to spare \(.*\); activations not counted/)
  })
})

describe('renderExplanation', () => {
  it('writes a title per section and indented subject lines', () => {
    const text = renderExplanation([{ title: 'Parameters', lines: [{ subject: 'Linear', text: 'parameters = 2', steps: ['parameters = 2'] }] }, { title: 'Buffers', lines: [] }])
    expect(text).toBe('Parameters\n  Linear: parameters = 2\n\nBuffers')
  })
})
