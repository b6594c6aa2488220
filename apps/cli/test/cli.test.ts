import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeShareState } from '@nnsize/core'
import { bin, nnsize } from './helpers.js'

const conv = 'Conv2d(128, 256, 3)'
const ESC = '\u001b['
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnsize-cli-'))
  writeFileSync(join(dir, 'model.txt'), '# a small CNN\nblock = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU())\nnn.Sequential(nn.Conv2d(3, 8, 3), block, block)\n')
  writeFileSync(join(dir, 'lines.txt'), 'Linear(10, 20)\n\n# comment\nConv2d(3, 8, 3)\n')
  writeFileSync(join(dir, 'broken.txt'), 'x = nn.Linear(4, 4)\nnn.Sequential(x, nn.Conv2d(30, 64, 3, groups=4))\n')
  mkdirSync(join(dir, 'folder'))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('nnsize as a subprocess: output formats', () => {
  it('prints the plain report without colour in a pipe', async () => {
    const r = await nnsize([conv])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).not.toContain(ESC)
    expect(r.stdout).toContain('  Parameters        295,168  294,912 weights + 256 biases\n')
    expect(r.stdout).toContain('  Parameter memory  1.13 MiB (1.18 MB, 1,180,672 bytes)  float32\n')
    expect(r.stdout).toContain('  Formula           128 × 256 × 3 × 3 + 256 = 295,168\n')
    expect(r.stdout).toContain('  weight  (256, 128, 3, 3)  float32   294,912  1.13 MiB\n')
  })

  it('prints the core JSON with --json', async () => {
    const r = await nnsize([conv, '--json'])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.input).toBe(conv)
    expect(json.params).toEqual({ total: 295168, trainable: 295168, frozen: 0, bytes: 1180672, trainableBytes: 1180672, frozenBytes: 0 })
    expect(json.tensors.map((t: { name: string; shape: number[] }) => [t.name, t.shape])).toEqual([
      ['weight', [256, 128, 3, 3]],
      ['bias', [256]],
    ])
  })

  it('adds shapes, MACs and activations to the JSON with --input', async () => {
    const r = await nnsize(['Linear(10, 20)', '--input', '4,10', '--device', 'cpu', '--json'])
    const json = JSON.parse(r.stdout)
    expect([json.outputShape, json.macs, json.flops, json.device]).toEqual([[4, 20], 800, 1600, 'cpu'])
  })

  it('answers one JSON object per stdin line with --jsonl and goes on after an error', async () => {
    const r = await nnsize(['--jsonl'], { stdin: 'Linear(10, 20)\nConv2d(3, 8, 3\n\n# skipped\nConv2d(3, 8, 3)\n' })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('')
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(3)
    expect(lines[0].params.total).toBe(220)
    expect(lines[1]).toEqual({ input: 'Conv2d(3, 8, 3', line: 2, error: { code: 'syntax', message: "'(' was never closed", start: 6, end: 7 } })
    expect(lines[2].params.total).toBe(224)
  })

  it('reads --jsonl lines from a file and exits 0 when every line is valid', async () => {
    const r = await nnsize([join(dir, 'lines.txt'), '--jsonl'])
    expect(r.code).toBe(0)
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).params.total)).toEqual([220, 224])
  })

  it('prints Markdown tables with --markdown', async () => {
    const r = await nnsize([conv, '--markdown'])
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith('```python\nConv2d(128, 256, 3)\n```\n\n| Quantity | Value |\n| --- | ---: |\n| Parameters | 295,168 (294,912 weights + 256 biases) |\n')).toBe(true)
    expect(r.stdout).toContain('| Tensor | Shape | dtype | Elements | Bytes |\n| --- | --- | --- | ---: | ---: |\n| weight | (256, 128, 3, 3) | float32 | 294,912 | 1.13 MiB |\n')
  })

  it('prints the per-module table as CSV with --csv', async () => {
    const r = await nnsize([join(dir, 'model.txt'), '--input', '1,3,16,16', '--csv'])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'path,type,depth,output_shape,params,trainable_params,params_percent,buffers,macs,flops,activation_bytes',
      ',Sequential,0,1x8x14x14,808,808,100.0,0,268128,536256,18816',
      '0,Conv2d,1,1x8x14x14,224,224,27.72,0,42336,84672,0',
      '1,Sequential,1,1x8x14x14,584,584,72.28,0,225792,451584,18816',
    ])
  })

  it('shows the derivation with --explain', async () => {
    const r = await nnsize([conv, '--explain'])
    expect(r.stdout).toContain('    parameters = in_channels × out_channels × kernel_size² + out_channels = 128 × 256 × 9 + 256 = 294,912 + 256 = 295,168\n')
    expect(r.stdout).toContain('    bytes = 295,168 × 4 B (float32) = 1,180,672 B = 1.13 MiB\n')
  })

  it('prints a PyTorch script with --verify', async () => {
    const r = await nnsize([conv, '--verify'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('\nmodel = Conv2d(128, 256, 3)\n')
    expect(r.stdout).toContain('check("parameters", sum(p.numel() for p in model.parameters()), 295_168)\n')
  })

  it('compares two inputs side by side with --compare', async () => {
    const r = await nnsize([conv, '--compare', 'Conv2d(128, 256, 3, bias=False)'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('  Parameters                    295,168                          294,912       −256 (−0.09%)\n')
    expect(r.stdout).toContain('  bias  only in A: (256) float32\n')
  })

  it('compares the same input under other options', async () => {
    const r = await nnsize(['Linear(10, 20)', '-i', '4,10', '--compare', '--input 8,10', '--json'])
    const json = JSON.parse(r.stdout)
    expect(json.difference.macs).toBe(800)
    expect(json.difference.params).toBe(0)
  })

  it('prints a playground link with --share that decodes to the same state', async () => {
    const r = await nnsize([conv, '--input', '1,128,32,32', '--units', 'si', '--share'])
    expect(r.code).toBe(0)
    const url = r.stdout.trim()
    expect(url.startsWith('https://nnsize.github.io/nnsize/#')).toBe(true)
    expect(decodeShareState(url.slice(url.indexOf('#')))).toEqual({ source: conv, input: '1,128,32,32', units: 'si' })
  })

  it('reads a file of statements and standard input', async () => {
    const file = await nnsize(['model.txt'], { cwd: dir })
    expect(file.code).toBe(0)
    expect(file.stdout).toContain('  Parameters        808  ')
    const stdin = await nnsize(['-'], { stdin: 'nn.Linear(10, 20)\n' })
    expect(stdin.stdout).toContain('  Parameters        220  200 weights + 20 biases\n')
    const implicit = await nnsize([], { stdin: 'nn.Linear(10, 20)' })
    expect(implicit.stdout).toContain('  Parameters        220  ')
  })

  it('prints the version and the help with examples', async () => {
    const version = await nnsize(['--version'])
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' })
    const help = await nnsize(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: nnsize [options] <expression | model | file | folder | ->')
    expect(help.stdout).toContain('  nnsize model.safetensors                      a weight file: tensors, dtypes, exact bytes (headers only)')
    expect(help.stdout).toContain('Examples:\n  nnsize "Conv2d(128, 256, 3)"')
    expect(help.stdout).toContain('Exit codes: 0 success, 1 invalid input, 2 usage error.')
  })

  it('colours the report when FORCE_COLOR is set, and not when NO_COLOR is', async () => {
    expect((await nnsize([conv], { env: { FORCE_COLOR: '1' } })).stdout).toContain(`${ESC}1m${ESC}32m295,168`)
    expect((await nnsize([conv, '--color'], { env: { NO_COLOR: '1' } })).stdout).toContain(ESC)
    expect((await nnsize([conv], { env: { FORCE_COLOR: '0' } })).stdout).not.toContain(ESC)
  })
})

describe('nnsize as a subprocess: errors', () => {
  it('points at the offending span and exits 1 for invalid input', async () => {
    const r = await nnsize(['Conv2d(30, 64, 3, groups=4)'])
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error[argument-value]: `in_channels` must be divisible by `groups` (got 30 and 4).\n --> 1:26\n  |\n1 | Conv2d(30, 64, 3, groups=4)\n  |                          ^\n',
    })
  })

  it('names the file and line of an error in a file', async () => {
    const r = await nnsize(['broken.txt'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'error[argument-value]: `in_channels` must be divisible by `groups` (got 30 and 4).\n --> broken.txt:2:46\n  |\n2 | nn.Sequential(x, nn.Conv2d(30, 64, 3, groups=4))\n  |                                              ^\n',
    )
  })

  it('suggests the nearest flag for an unknown one and exits 2', async () => {
    const r = await nnsize([conv, '--optimzer', 'Adam'])
    expect(r).toEqual({ code: 2, stdout: '', stderr: "nnsize: unknown option '--optimzer'; did you mean --optimizer? (see nnsize --help)\n" })
  })

  it('says which value a flag needs', async () => {
    expect(await nnsize([conv, '--input'])).toEqual({ code: 2, stdout: '', stderr: 'nnsize: --input needs a value, e.g. --input 1,3,224,224\n' })
    expect((await nnsize([conv, '--input', '--json'])).stderr).toBe('nnsize: --input needs a value, e.g. --input 1,3,224,224\n')
    expect(await nnsize([conv, '--depth', 'two'])).toEqual({ code: 2, stdout: '', stderr: 'error[option]: `--depth` must be a whole number from 0 to 999,999, got `two`.\n' })
    expect(await nnsize([conv, '--device', 'gpu'])).toEqual({ code: 2, stdout: '', stderr: 'error[option]: `--device` must be `cpu` or `cuda`, got `gpu`.\n' })
  })

  it('refuses two output formats at once and a second input', async () => {
    expect(await nnsize([conv, '--json', '--csv'])).toEqual({ code: 2, stdout: '', stderr: 'nnsize: --json cannot be used with --csv; choose one output format\n' })
    expect(await nnsize([conv, '--explain', '--json'])).toEqual({ code: 2, stdout: '', stderr: 'nnsize: --explain cannot be used with --json\n' })
    expect(await nnsize(['Conv2d(128,', '256, 3)'])).toEqual({ code: 2, stdout: '', stderr: 'nnsize: expected one input but got more; quote the expression: nnsize "Conv2d(128, 256, 3)"\n' })
  })

  it('says when a file is missing, is a directory or sits under a file', async () => {
    expect(await nnsize(['missing.txt'], { cwd: dir })).toEqual({ code: 1, stdout: '', stderr: "nnsize: cannot read 'missing.txt': no such file\n" })
    expect(await nnsize(['folder/'], { cwd: dir })).toEqual({ code: 1, stdout: '', stderr: "nnsize: cannot read 'folder/': it is a directory without weight files; give a model folder or weight file, a config.json, a text file of statements or an expression\n" })
    expect(await nnsize(['./model.txt/x'], { cwd: dir })).toEqual({ code: 1, stdout: '', stderr: "nnsize: cannot read './model.txt/x': a part of the path is not a directory\n" })
  })

  it.skipIf(process.getuid?.() === 0)('says when a file cannot be read', async () => {
    const locked = join(dir, 'locked.txt')
    writeFileSync(locked, 'Linear(1, 1)', { mode: 0o000 })
    expect(await nnsize([locked])).toEqual({ code: 1, stdout: '', stderr: `nnsize: cannot read '${locked}': permission denied\n` })
  })

  it('refuses binary data on standard input', async () => {
    const garbage = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe, 0x00])
    expect(await nnsize([], { stdin: garbage })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'nnsize: standard input is binary data, not text: give an expression, a text file of statements or a config.json\n',
    })
    // --jsonl judges each line on its own: this one line is an error object
    const lines = await nnsize(['--jsonl'], { stdin: garbage })
    expect([lines.code, lines.stderr, JSON.parse(lines.stdout).error]).toEqual([
      1,
      '',
      { code: 'binary-input', message: 'line 1 of standard input is binary data, not text: give an expression, a text file of statements or a config.json', start: null, end: null },
    ])
  })

  it('says when the input is empty', async () => {
    const message = 'is empty: give an expression such as "Conv2d(128, 256, 3)", a model name or a config.json\n'
    expect(await nnsize([''])).toEqual({ code: 1, stdout: '', stderr: `nnsize: the input ${message}` })
    expect(await nnsize([], { stdin: '  \n' })).toEqual({ code: 1, stdout: '', stderr: `nnsize: standard input ${message}` })
  })

  it('plans memory with the memory options and prints it under memory in JSON', async () => {
    const r = await nnsize([conv, '--optimizer', 'AdamW', '--gpu', 'h100-80gb', '--json'])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.params.total).toBe(295168)
    expect(json.memory.memory.weights).toEqual({ bytes: 1180672, formula: '295,168 params: 295,168 × 4 B (float32) = 1.13 MiB' })
    // Adam's `step` counters are on the CPU for CUDA parameters
    expect(json.memory.memory.optimizerState.bytes).toBe(2 * 1180672)
    expect(json.memory.modelStates).toEqual({ bytes: 4722688, hostBytes: 8, formula: 'weights 1,180,672 B + gradients 1,180,672 B + optimizer state (exp_avg, exp_avg_sq) 2,361,344 B = 4,722,688 B on the GPU; + step 8 B on the CPU' })
    expect(json.memory.fit.fits).toBe(true)
  })

  it('points into --optimizer at a misspelt argument, and exits 2 for an invalid option value', async () => {
    const r = await nnsize([conv, '--optimizer', 'AdamW(lr=1e-4, bettas=(0.9, 0.99))'])
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error[option]: `torch.optim.AdamW` has no argument `bettas`. Did you mean `betas`?\n --> --optimizer:1:16\n  |\n1 | AdamW(lr=1e-4, bettas=(0.9, 0.99))\n  |                ^^^^^^^^^^^^^^^^^^\n',
    })
    expect(await nnsize([conv, '--zero', '5'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error[option]: `--zero` must be a ZeRO stage (0, 1, 2 or 3) or an FSDP strategy (`no_shard`, `shard_grad_op`, `full_shard`, `hybrid_shard`, `hybrid_shard_zero2`), got `5`.\n',
    })
  })

  it('reads a Hugging Face config.json and sizes its KV cache for serving', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 32000, hidden_size: 256, intermediate_size: 512, num_hidden_layers: 2, num_attention_heads: 8, num_key_value_heads: 2 }))
    const r = await nnsize(['config.json', '--inference', '--seq', '1024', '--batch', '2'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe('config.json')
    expect(r.stdout).toContain('  Model             LlamaForCausalLM  Llama\n')
    expect(r.stdout).toMatch(/\n  KV cache \(bf16\) +1\.00 MiB  2 \(K, V\) × 2 KV heads × 32 head dim × 2 B \(bf16\) × 2 layers × 1,024 tokens × batch 2 = 1\.00 MiB\n/)
  })

  it('stops quietly with exit 0 when the reader closes the pipe early', async () => {
    const input = join(dir, 'many.txt')
    writeFileSync(input, 'nn.Linear(10, 20)\n'.repeat(3000))
    const result = await new Promise<{ stderr: string; stdout: string }>((resolve) => {
      const child = spawn('bash', ['-c', `"${process.execPath}" "${bin}" --jsonl < "${input}" | head -c 100 > /dev/null; echo "status=\${PIPESTATUS[0]}"`])
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('close', () => resolve({ stdout, stderr }))
    })
    expect(result).toEqual({ stdout: 'status=0\n', stderr: '' })
  })
})
