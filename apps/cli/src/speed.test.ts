import { describe, expect, it } from 'vitest'
import { run } from './program.js'
import type { CliIO } from './program.js'

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' }
  const io: CliIO = { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, stdin: undefined, env: {}, isTTY: false, columns: undefined, cwd: process.cwd() }
  const code = await run(argv, io)
  return { code, ...out }
}

/** The lines of the report from its Speed heading on. */
const speedSection = (stdout: string): string[] => stdout.slice(stdout.indexOf('\nSpeed  ') + 1).trimEnd().split('\n')

describe('speed', () => {
  it('trains llama-3.1-8b in bf16-mixed on one H100 at 8,192 tokens for 1T tokens: FLOPs per token, time and GPU-hours', async () => {
    const r = await cli(['llama-3.1-8b', '--optimizer', 'AdamW', '--precision', 'bf16-mixed', '--gpu', 'h100', '--seq', '8192', '--tokens', '1T'])
    expect(r.code).toBe(0)
    expect(speedSection(r.stdout).map((l) => l.replace(/\s{2,}(?=\S)/g, ' | ').split(' | ').slice(0, 3).join(' | '))).toEqual([
      'Speed | NVIDIA H100 80GB · bf16 989.5 TFLOP/s dense · 3.35 TB/s · MFU 40%',
      ' | FLOPs per token | 57.9 GFLOP',
      ' | Training FLOPs | 5.79e22 FLOP',
      ' | Throughput | 6,834 tokens/s',
      ' | Training time | 1,694 days (4.64 years)',
      ' | GPU-hours | 40,644',
    ])
  })
  it('serves llama-3.1-8b on an L4 at 8,192 tokens: prefill, decode and the table by batch size', async () => {
    const r = await cli(['llama-3.1-8b', '--inference', '--gpu', 'l4', '--seq', '8192'])
    expect(r.code).toBe(0)
    const lines = speedSection(r.stdout)
    expect(lines.slice(0, 4).map((l) => l.split(/\s{2,}/).slice(0, 3).join(' | '))).toEqual([
      'Speed | NVIDIA L4 24GB · bf16 121 TFLOP/s dense · 300 GB/s · roofline at the datasheet peaks',
      ' | FLOPs per token | 19.3 GFLOP',
      ' | Prefill, 8,192 tokens | 7,052 tokens/s',
      ' | Decode, batch 1 | 17.5 tokens/s',
    ])
    expect(lines.slice(5).map((l) => l.trim().split(/\s{2,}/))).toEqual([
      ['Decode by batch'],
      ['Batch', 'Bytes read', 'FLOPs', 'Step', 'Tokens/s', 'Bound', 'Fits'],
      ['1', '15.96 GiB', '19.3 GFLOP', '57.1 ms', '17.5', 'memory', 'yes'],
      ['2', '16.96 GiB', '38.6 GFLOP', '60.7 ms', '33.0', 'memory', 'yes'],
    ])
  })
  it('writes the speed plan under `speed` in JSON, exact FLOPs as strings above 2^53', async () => {
    const r = await cli(['llama-3.1-8b', '--gpu', 'h100', '--seq', '8192', '--tokens', '15.6T', '--mfu', '0.5', '--json'])
    expect(r.code).toBe(0)
    const speed = JSON.parse(r.stdout).speed
    expect(speed.training.mfu).toBe(0.5)
    expect(speed.training.time.tokens).toBe(15_600_000_000_000)
    expect(speed.training.time.totalFlops).toBe(String(57_912_852_480n * 15_600_000_000_000n))
  })
  it('shows the speed table in Markdown and its derivation under --explain', async () => {
    const md = await cli(['llama-3.1-8b', '--inference', '--gpu', 'l4', '--seq', '8192', '--markdown'])
    expect(md.stdout).toContain('| Decode, batch 1 | 17.5 tokens/s |')
    expect(md.stdout).toContain('**Decode by batch**')
    const explained = await cli(['llama-3.1-8b', '--gpu', 'h100', '--seq', '8192', '--tokens', '1T', '--explain'])
    expect(explained.stdout).toContain('How the numbers are derived: speed (NVIDIA H100 80GB')
    expect(explained.stdout).toContain('    5.79e22 FLOP ÷ 395.8 TFLOP/s = 146,318,475 s')
  })
  it('refuses a fraction of a token and a bare MFU above 1, naming the flag', async () => {
    const tokens = await cli(['llama-3.1-8b', '--tokens', '1.5'])
    expect(tokens.code).toBe(2)
    expect(tokens.stderr).toContain('`--tokens` must be a whole number of tokens')
    const mfu = await cli(['llama-3.1-8b', '--mfu', '40'])
    expect(mfu.code).toBe(2)
    expect(mfu.stderr).toContain('write `40%`')
  })
  it('asks for what a time needs: --tokens and --seq', async () => {
    const r = await cli(['llama-3.1-8b', '--gpu', 'h100'])
    expect(r.stdout).toContain('note: Attention FLOPs grow with the sequence length: set `--seq` to count them')
    expect(r.stdout).toContain("note: Set `--tokens` (tokens to train on, e.g. 1T) for the run's FLOPs and time.")
  })
})
