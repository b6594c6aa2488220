import { describe, expect, it } from 'vitest'
import { run } from './program.js'
import type { CliIO } from './program.js'

/** mulberry32: reproducible from the seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const iterations = Number(process.env['NNSIZE_FUZZ_ITERATIONS'] ?? 3000) / 10
const seed = Number(process.env['NNSIZE_FUZZ_SEED'] ?? 20261129)

const INPUTS = ['Conv2d(128, 256, 3)', 'nn.Linear(8, 4)', 'resnet18', 'gpt2', 'nn.LSTM(4, 8)', 'nn.Sequential(nn.Linear(4, 4), nn.ReLU())', '', '-', 'nn.Conv2d(3,', 'lambda: 1', 'llama-3.2-1b', '\u0000\u0001']
const FLAGS = ['--input', '-i', '--device', '--depth', '--units', '--tensors', '--explain', '--json', '--markdown', '--csv', '--verify', '--compare', '--share', '--inference', '--optimizer', '--precision', '--weights', '--batch', '--seq', '--grad-accum', '--checkpointing', '--gpus', '--zero', '--tp', '--pp', '--offload', '--lora', '--qlora', '--kv-dtype', '--overhead', '--gpu', '--color', '--no-color', '--version', '--help', '--bogus', '--optimzer', '-x']
const VALUES = ['1,4', '1,3,224,224', '2,8; 2,8', '0', '-1', 'abc', '1e9', '99999999999999999999', 'cpu', 'cuda', 'si', 'iec', 'AdamW(lr=1e-4)', 'Adam(', 'bf16-mixed', 'int4', 'q4_k', '3', 'full_shard', 'h100-80gb', 'h10', 'r=16,alpha=32,target=q_proj|v_proj', 'r=0', 'full', 'nvme', '2GiB', '', 'Conv2d(128, 256, 3, bias=False)']

function fakeIO(stdin: string | undefined): { io: CliIO; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' }
  const io: CliIO = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    stdin,
    env: {},
    isTTY: false,
    columns: 80,
    cwd: process.cwd(),
  }
  return { io, out }
}

describe('fuzzing the command line', () => {
  it(`exits 0, 1 or 2 with a one-line message, never a stack trace, for ${iterations} random flag sets (seed ${seed})`, async () => {
    const random = prng(seed)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
    for (let i = 0; i < iterations; i++) {
      const argv: string[] = []
      if (random() < 0.9) argv.push(pick(INPUTS))
      for (let f = Math.floor(random() * 4); f > 0; f--) {
        argv.push(pick(FLAGS))
        if (random() < 0.7) argv.push(pick(VALUES))
      }
      const { io, out } = fakeIO(random() < 0.3 ? pick(INPUTS) : undefined)
      let code: number
      try {
        code = await run(argv, io)
      } catch (error) {
        throw new Error(`run(${JSON.stringify(argv)}) threw: ${String(error)}`)
      }
      expect([0, 1, 2], JSON.stringify(argv)).toContain(code)
      expect(out.stderr, JSON.stringify(argv)).not.toMatch(/\n\s+at .+:\d+:\d+/)
      if (code !== 0) expect(out.stderr.trim().length, JSON.stringify(argv)).toBeGreaterThan(0)
    }
  }, 120_000)
})
