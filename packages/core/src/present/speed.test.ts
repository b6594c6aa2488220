import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { planMemory } from '../memory/plan.js'
import { planSpeed } from '../speed/plan.js'
import { decodeTable, describeSpeed, explainSpeed, formatDuration, formatFlops, speedNotes, speedPlanToJSON, speedRows } from './speed.js'

const llama = analyze('llama-3.1-8b')

describe('speed figures in words', () => {
  it('writes FLOPs and durations with their units', () => {
    expect(formatFlops(57_912_852_480n)).toBe('57.9 GFLOP')
    expect(formatFlops(57_912_852_480n * 10n ** 12n)).toBe('5.79e22 FLOP')
    expect(formatFlops(512n)).toBe('512 FLOP')
    expect(formatDuration(0.0571)).toBe('57.1 ms')
    expect(formatDuration(1.16)).toBe('1.16 s')
    expect(formatDuration(3 * 3600)).toBe('3.00 h')
    expect(formatDuration(146_322_511)).toBe('1,694 days (4.64 years)')
  })
  it('training: llama-3.1-8b, bf16-mixed, one H100, 8,192 tokens, 1T tokens at 40% MFU', () => {
    const s = planSpeed(llama, planMemory(llama, { optimizer: 'AdamW', precision: 'bf16-mixed', gpu: 'h100', contextLength: 8192 }), { tokens: '1T' })
    expect(describeSpeed(s)).toBe('NVIDIA H100 80GB · bf16 989.5 TFLOP/s dense · 3.35 TB/s · MFU 40%')
    const rows = speedRows(s)
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ['FLOPs per token', '57.9 GFLOP'],
      ['Training FLOPs', '5.79e22 FLOP'],
      ['Throughput', '6,834 tokens/s'],
      ['Training time', '1,694 days (4.64 years)'],
      ['GPU-hours', '40,644'],
    ])
    expect(rows[0]!.formula).toBe('6 × N + 12 × L × H × Q × T = 6 × 7,504,658,432 + 12 × 32 × 32 × 128 × 8,192 = 45,027,950,592 + 12,884,901,888 = 57,912,852,480 (forward + backward)')
    expect(rows[2]!.formula).toBe('989.5 TFLOP/s (bf16, dense) × 40% MFU = 395.8 TFLOP/s; ÷ 57.9 GFLOP per token')
    const json = speedPlanToJSON(s)
    expect(json.training!.time!.totalFlops).toBe('57912852480000000000000')
    expect(json.training!.flops).toMatchObject({ kind: 'config', params: 7_504_658_432, flopsPerToken: 57_912_852_480 })
    const explained = explainSpeed(s).flatMap((x) => x.lines.map((l) => l.subject))
    expect(explained).toEqual(expect.arrayContaining(['N', '6N', '12·L·H·Q·T', 'Training time', 'MFU']))
  })
  it('inference: llama-3.1-8b on an L4 at 8,192 tokens, the decode table by batch', () => {
    const s = planSpeed(llama, planMemory(llama, { mode: 'inference', gpu: 'l4', contextLength: 8192 }))
    expect(speedRows(s).map((r) => [r.label, r.value])).toEqual([
      ['FLOPs per token', '19.3 GFLOP'],
      ['Prefill, 8,192 tokens', '7,052 tokens/s'],
      ['Decode, batch 1', '17.5 tokens/s'],
    ])
    expect(speedRows(s)[0]!.formula).toBe('2 × N + 4 × H × Q × keys = 2 × 7,504,658,432 + 4 × 32 × 128 × 262,144 (32 × 8,192) = 19,304,284,160 (forward, at 8,192 tokens of context)')
    expect(decodeTable(s)!.rows).toEqual([
      ['1', '15.96 GiB', '19.3 GFLOP', '57.1 ms', '17.5', 'memory', 'yes'],
      ['2', '16.96 GiB', '38.6 GFLOP', '60.7 ms', '33.0', 'memory', 'yes'],
    ])
    expect(speedPlanToJSON(s).inference!.decode[0]).toMatchObject({ batch: 1, kvBytes: 1_073_741_824, bound: 'memory', fits: true })
  })
  it('names the fields a missing figure needs in the app’s words', () => {
    const s = planSpeed(llama, planMemory(llama, {}), {})
    expect(speedNotes(s, { fieldLabel: (f) => `--${f}` })).toEqual([
      'Times need a GPU: set --gpu to one of the catalogue (its peak FLOP/s and memory bandwidth).',
      'Attention FLOPs grow with the sequence length: set --seq to count them (6N alone leaves them out).',
      "Set --tokens (tokens to train on, e.g. 1T) for the run's FLOPs and time.",
    ])
    expect(speedRows(s)).toEqual([{ key: 'flopsPerToken', label: 'FLOPs per token', value: '45.0 GFLOP', formula: '6 × N = 6 × 7,504,658,432 = 45,027,950,592 (forward + backward; attention not counted without a sequence length)' }])
  })
})
