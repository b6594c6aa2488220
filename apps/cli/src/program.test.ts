import { describe, expect, it } from 'vitest'
import { run } from './program.js'
import type { CliIO } from './program.js'

function fakeIO(overrides: Partial<CliIO> = {}): { io: CliIO; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' }
  const io: CliIO = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    stdin: undefined,
    env: {},
    isTTY: false,
    columns: undefined,
    cwd: process.cwd(),
    ...overrides,
  }
  return { io, out }
}

async function cli(argv: string[], overrides: Partial<CliIO> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, out } = fakeIO(overrides)
  const code = await run(argv, io)
  return { code, ...out }
}

describe('run', () => {
  it('answers the seed question: 295,168 parameters, 294,912 weights + 256 biases', async () => {
    const r = await cli(['Conv2d(128, 256, 3)'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout.split('\n').slice(0, 7)).toEqual([
      'Conv2d(128, 256, 3)',
      '',
      '  Parameters        295,168  294,912 weights + 256 biases',
      '  Trainable         295,168  frozen 0',
      '  Buffers           0',
      '  Parameter memory  1.13 MiB (1.18 MB, 1,180,672 bytes)  float32',
      '  Formula           128 × 256 × 3 × 3 + 256 = 295,168',
    ])
  })

  it('puts SI units first with --units si', async () => {
    const r = await cli(['Conv2d(128, 256, 3)', '--units', 'si'])
    expect(r.stdout).toContain('  Parameter memory  1.18 MB (1.13 MiB, 1,180,672 bytes)  float32\n')
  })

  it('treats a bare model name as a call with its defaults', async () => {
    // `Linear` is a layer, not a model: a bare layer name stays an error pointing at it
    const r = await cli(['Linear'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('error[type]: The input must end with a module, got')
  })

  it('reads standard input given as text', async () => {
    const r = await cli(['-'], { stdin: 'a = nn.Linear(4, 4)\nnn.Sequential(a, a)' })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('  Parameters        20  16 weights + 4 biases\n')
  })

  it('reads nothing from a terminal and says what to give instead', async () => {
    const terminal = Object.assign((async function* () {})(), { isTTY: true })
    const r = await cli([], { stdin: terminal })
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'nnsize: no input: give an expression, a model name or a file, e.g. nnsize "Conv2d(128, 256, 3)" (see nnsize --help)\n' })
  })

  it('reads a stream chunk by chunk, even split inside a character', async () => {
    const bytes = new TextEncoder().encode('nn.Linear(10, 20)  # ×\n')
    const chunks = [bytes.slice(0, 21), bytes.slice(21)]
    const stream = Object.assign(
      (async function* () {
        yield* chunks
      })(),
      { isTTY: false },
    )
    const r = await cli([], { stdin: stream })
    expect(r.stdout).toContain('  Parameters        220  ')
  })

  it('cuts the module table to --depth and says how many modules are hidden', async () => {
    const r = await cli(['nn.Sequential(nn.Sequential(nn.Sequential(nn.Linear(2, 2))))', '--depth', '1'])
    expect(r.stdout).toContain('  … 2 deeper modules (--depth 2 shows the next level)\n')
  })

  it('lists 30 tensors by default and all of them with --tensors', async () => {
    const source = 'nn.Sequential(*[nn.Linear(2, 2) for _ in range(20)])'
    const short = await cli([source])
    expect(short.stdout).toContain('  … 10 more (--tensors lists all 40)\n')
    const all = await cli([source, '--tensors'])
    expect(all.stdout).toContain('  19.bias ')
    expect(all.stdout).not.toContain('more (--tensors')
  })

  it('fits the report to the terminal width', async () => {
    const source = 'nn.Sequential(nn.Conv2d(3, 64, 7, stride=2, padding=3), nn.ReLU(), nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.ReLU()))'
    const r = await cli([source, '-i', '8,3,224,224'], { isTTY: true, columns: 60, env: { NO_COLOR: '1' } })
    const lines = r.stdout.trimEnd().split('\n')
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(60)
    expect(lines[0]).toBe('nn.Sequential(nn.Conv2d(3, 64, 7, stride=2, padding=3), nn.…')
  })

  it('colours a terminal report unless NO_COLOR is set', async () => {
    const colour = await cli(['Linear(1, 1)'], { isTTY: true, columns: 80 })
    expect(colour.stdout).toContain('\u001b[1m\u001b[32m2\u001b[39m\u001b[22m')
    const plain = await cli(['Linear(1, 1)'], { isTTY: true, columns: 80, env: { NO_COLOR: '1' } })
    expect(plain.stdout).not.toContain('\u001b[')
  })

  it('prints Markdown for a comparison, with the sources as headers', async () => {
    const r = await cli(['Conv2d(128, 256, 3)', '--compare', 'Conv2d(128, 256, 3, bias=False)', '--markdown'])
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      '| Quantity | `Conv2d(128, 256, 3)` | `Conv2d(128, 256, 3, bias=False)` | Difference |',
      '| --- | ---: | ---: | ---: |',
      '| Parameters | 295,168 | 294,912 | −256 (−0.09%) |',
    ])
    expect(r.stdout).toContain('- `bias`: only in A, (256) float32')
  })

  it('refuses output options inside --compare', async () => {
    const r = await cli(['Linear(1, 1)', '--compare', '--json'])
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'nnsize: --compare takes another input or analysis options (--input, --device, memory options), not --json\n' })
  })

  it('reports an error in the second input of --compare against that input', async () => {
    const r = await cli(['Linear(1, 1)', '--compare', 'Linear(1, -1)'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('1 | Linear(1, -1)\n')
  })

  it('prints an invalid --input as an option error', async () => {
    const r = await cli(['Linear(1, 1)', '--input', '1,abc'])
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error[option]: `abc` in input shape `1,abc` is not a positive integer.\n' })
  })

  it('prints the help for `nnsize help`', async () => {
    const r = await cli(['help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: nnsize')
  })

  it('lists every precision mode in the help with its bytes per parameter, from the core', async () => {
    const r = await cli(['--help'])
    expect(r.stdout).toContain('Precision modes (--precision): bytes per trainable parameter')
    expect(r.stdout).toContain('  mixed-fp16  8 B = 2 + 2 + 4 (float32 master), with Adam 16 B; also fp16-master, zero-fp16, deepspeed-fp16, megatron-fp16\n')
    expect(r.stdout).toContain('  amp-bf16    10 B = 4 + 4 + 2 (bfloat16 autocast copy), with Adam 18 B; also bf16-mixed, bf16-amp, autocast-bf16\n')
  })

  it('writes completion scripts and refuses unknown shells', async () => {
    const bash = await cli(['completion', 'bash'])
    expect(bash.code).toBe(0)
    expect(bash.stdout).toContain('complete -o filenames -F _nnsize nnsize')
    expect(await cli(['completion', 'tcsh'])).toEqual({ code: 2, stdout: '', stderr: "nnsize: completion supports bash, zsh and fish, not 'tcsh'\n" })
    expect(await cli(['completion'])).toEqual({ code: 2, stdout: '', stderr: 'nnsize: completion needs a shell: nnsize completion bash|zsh|fish\n' })
  })

  it('turns an unexpected failure into one line, with the stack only under --debug', async () => {
    const failing = { write: () => { throw new Error('disk full') } }
    const r = await cli(['Linear(1, 1)'], { stdout: failing })
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'nnsize: unexpected error: disk full (run with --debug for details)\n' })
    const debug = await cli(['Linear(1, 1)', '--debug'], { stdout: failing })
    expect(debug.stderr.split('\n')[0]).toBe('nnsize: unexpected error: disk full')
    expect(debug.stderr).toMatch(/\n\s+at /)
  })

  it('analyses a config.json given as text, titled by the model', async () => {
    const config = JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 1000, n_positions: 64, n_embd: 32, n_layer: 2, n_head: 4 })
    const r = await cli([config])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['GPT2LMHeadModel', '', '  Model             GPT2LMHeadModel  GPT-2'])
    expect(r.stdout).toContain('  Tied embeddings   counted once  ')
  })

  it('points at the place of a JSON syntax error', async () => {
    const r = await cli(['{"model_type": "gpt2",}'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error\[config\]: /)
    expect(r.stderr).toContain('1 | {"model_type": "gpt2",}\n')
  })

  it('names catalogue models and suggests the nearest', async () => {
    const r = await cli(['llama-3.1-9b'])
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error[unknown-model]: No model named `llama-3.1-9b` in the catalogue. Did you mean `llama-3.1-8b`, `llama-3.1-70b` or `llama-3.2-1b`? Pass its `config.json` instead.\n' })
  })

  it('adds the memory budget, one GPU’s share and the fit to the report', async () => {
    const r = await cli(['nn.Linear(4096, 4096)', '--optimizer', 'AdamW', '--gpus', '4', '--zero', '2', '--gpu', 'rtx-4090'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Memory  training · torch.optim.AdamW() · precision float32, as built · batch 1 · 4 GPUs · ZeRO-2\n')
    expect(r.stdout).toMatch(/\n {2}Optimizer state +128\.03 MiB {2}torch\.optim\.AdamW\(\): exp_avg 16,781,312 × 4 B \+ exp_avg_sq 16,781,312 × 4 B = 128\.03 MiB; on the CPU: step 2 × 4 B = 8 B\n/)
    expect(r.stdout).toContain('Per GPU  4 GPUs: data parallel 4 × tensor 1 × pipeline 1\n')
    expect(r.stdout).toMatch(/\n  ✓ weights and states fit on NVIDIA GeForce RTX 4090 24GB with [\d.]+ GiB to spare \(.*\); activations not counted\n/)
  })

  it('prints DeepSpeed\'s own estimate with --estimator deepspeed, the chosen offload marked, in text, JSON and --explain', async () => {
    const args = ['llama-2-7b', '--optimizer', 'AdamW', '--precision', 'mixed-bf16', '--zero', '3', '--nodes', '1', '--gpus-per-node', '8', '--offload', 'cpu', '--estimator', 'deepspeed']
    const r = await cli(args)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("DeepSpeed's ZeRO-3 estimate (estimate_zero3_model_states_mem_needs_all_cold, GB = GiB)\n")
    expect(r.stdout).toContain('  150.62GB   2.06GB  offload_param=none, offload_optimizer=cpu , zero_init=1  ◀ chosen\n')
    expect(r.stdout).toContain('    5.86GB  14.61GB  offload_param=none, offload_optimizer=none, zero_init=1\n')
    expect(r.stdout).toMatch(/\n {2}CPU memory per node +112\.96 GiB {2}8 GPUs of one node × \(optimizer state 9\.41 GiB \+ gradients 1\.57 GiB \+ fp32 gradient partition 3\.14 GiB = 14\.12 GiB\) = 112\.96 GiB\n/)
    const json = JSON.parse((await cli([...args, '--json'])).stdout)
    expect(json.memory.deepspeed.printed.slice(2, 4)).toEqual(['SW: Model with 6738M total params, 131M largest layer params.', '  per CPU  |  per GPU |   Options'])
    expect(json.memory.deepspeed.rows[2]).toMatchObject({ cpuBytes: 161721974784, gpuBytes: 2208891904, chosen: true, cpuFormula: '6,738,415,616 × 16 × 1.5 = 161,721,974,784 B' })
    const explain = await cli([...args, '--explain'])
    expect(explain.stdout).toContain('per GPU: largest layer 4 × 131,072,000 + int(2 × 6,738,415,616 / 8 GPUs) (16-bit parameters, partitioned) = 2,208,891,904 B (2.06 GiB)')
    const stage1 = await cli(['nn.Linear(4, 4)', '--zero', '1', '--gpus', '8', '--estimator', 'deepspeed'])
    expect(stage1.code).not.toBe(0)
    expect(stage1.stderr).toContain("DeepSpeed's estimator covers ZeRO-2 and ZeRO-3 only; choose ZeRO stage 2 or 3 (got stage 1).")
    const conflict = await cli(['nn.Linear(4, 4)', '--nodes', '2', '--gpus-per-node', '8', '--gpus', '12'])
    expect(conflict.stderr).toContain('2 nodes × 8 GPUs per node = 16 GPUs, but the number of GPUs given is 12; give two of the three.')
  })

  it('counts the activations of a model it cannot trace from --activation-bytes', async () => {
    const r = await cli(['llama-3.1-8b', '--optimizer', 'adamw', '--batch', '4', '--activation-bytes', '1.5GiB'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/\n {2}Activations +6\.00 GiB {2}1\.50 GiB per sample × batch 4 = 6\.00 GiB\n/)
    const link = await cli(['llama-3.1-8b', '--optimizer', 'adamw', '--activation-bytes', '1.5GiB', '--share'])
    expect(link.stdout).toContain('&act=1536MiB')
    expect(link.stderr).toBe('')
    const without = await cli(['llama-3.1-8b', '--optimizer', 'adamw'])
    expect(without.stdout).toMatch(/\n {2}Activations +0 B {2}not counted: sized from the architecture once the sequence length is given\n/)
    expect(without.stdout).toContain("note: Activations are sized from the config's architecture: set `--seq` (tokens per sequence) to count them.")
  })

  it('explains every memory line with --explain', async () => {
    const r = await cli(['nn.Linear(10, 20)', '--optimizer', 'SGD(lr=0.1, momentum=0.9)', '--explain'])
    expect(r.stdout).toContain('How the numbers are derived: optimizer state\n  torch.optim.SGD(lr=0.1, momentum=0.9)\n')
    expect(r.stdout).toContain('  momentum_buffer\n    220 elements × 4 B (float32) in 2 tensors = 880 B\n')
  })

  it('compares Adam with SGD on the same model', async () => {
    const r = await cli(['nn.Linear(1000, 1000)', '--optimizer', 'Adam', '--compare', '--optimizer SGD'])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['A  --optimizer Adam', 'B  --optimizer SGD'])
    expect(r.stdout).toMatch(/\n  Memory: optimizer state +7\.64 MiB +0 B +−7\.64 MiB \(−100\.00%\)\n/)
  })

  it('requires --lora for --qlora', async () => {
    expect(await cli(['nn.Linear(4, 4)', '--qlora'])).toEqual({ code: 2, stdout: '', stderr: 'nnsize: --qlora needs --lora, e.g. --lora "r=16,alpha=32,target=all-linear" --qlora\n' })
  })

  it('carries every option in a playground link, checked by the same parser the page reads it with', async () => {
    const r = await cli(['nn.Linear(4, 4)', '--inference', '--weights', 'int8', '--tp', '2', '--gpus', '2', '--share'])
    expect(r).toEqual({ code: 0, stdout: 'https://nnsize.github.io/nnsize/#src=nn.Linear(4%2C%204)&mode=inference&w=int8&gpus=2&tp=2\n', stderr: '' })
  })

  it('says when a state is too large to share, instead of printing a link the page refuses', async () => {
    const big = `nn.Sequential(${Array.from({ length: 8000 }, () => 'nn.ReLU()').join(', ')})`
    const r = await cli([big, '--share'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^error\[limit\]: This state is too large to share: its link would be [\d,]+ characters long; links hold 100,000\.\n$/)
  })

  it('names a bad option value by its flag, with the core\'s limits', async () => {
    expect(await cli(['nn.Linear(4, 4)', '--batch', '1000000001'])).toEqual({ code: 2, stdout: '', stderr: 'error[option]: `--batch` must be a whole number from 1 to 1,000,000,000, got `1000000001`.\n' })
    expect(await cli(['nn.Linear(4, 4)', '--seq', '0', '--inference'])).toEqual({ code: 2, stdout: '', stderr: 'error[option]: `--seq` must be a whole number from 1 to 2,147,483,647, got `0`.\n' })
    expect((await cli(['nn.Linear(4, 4)', '--batch', '1_024', '--share'])).stdout).toContain('&b=1024')
  })
})

describe('defects found in use', () => {
  it('escapes terminal control sequences from the input in everything it prints', async () => {
    const hostile = '\u001b[2J\u001b]0;pwned\u0007'
    const dict = await cli([`nn.ModuleDict({"${hostile}": nn.ReLU()})`], { isTTY: true, columns: 100, env: { NO_COLOR: '1' } })
    expect(dict.code).toBe(0)
    expect(dict.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    expect(dict.stdout).toContain('\\u001b[2J\\u001b]0;pwned\\u0007')
    const config = JSON.stringify({ architectures: [`Evil${hostile}`], model_type: 'gpt2', vocab_size: 100, n_positions: 8, n_embd: 8, n_layer: 1, n_head: 2 })
    const report = await cli([config])
    expect(report.stdout + report.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    const error = await cli([`nn.Linear(1, 2)  # ${hostile}\nundefined_${'x'}`])
    expect(error.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    // the command line's own colours still reach a terminal
    const colour = await cli([`nn.ModuleDict({"${hostile}": nn.ReLU()})`], { isTTY: true, columns: 100, env: { FORCE_COLOR: '1' } })
    expect(colour.stdout).toContain('\u001b[1m')
    expect(colour.stdout).not.toContain('\u001b[2J')
  })

  it('suggests nothing misleading: no densenet for Keras\'s Dense, no F for tf, torchvision\'s resnet50 for resnet-50', async () => {
    expect((await cli(['Dense(128)'])).stderr.split('\n')[0]).toBe('error[unknown-name]: `Dense` is not defined.')
    expect((await cli(['tf.keras.layers.Dense(128)'])).stderr.split('\n')[0]).toBe('error[unknown-name]: `tf` is not defined.')
    expect((await cli(['resnet-50'])).stderr.split('\n')[0]).toBe("error[unknown-model]: No model named `resnet-50`. Did you mean torchvision's `resnet50`?")
  })

  it('answers the Adam question in one line: the model states, and the step counters PyTorch keeps on the CPU', async () => {
    const gpu = await cli(['Conv2d(128, 256, 3)', '--optimizer', 'Adam'])
    expect(gpu.stdout).toMatch(
      /\n {2}Model states +4\.50 MiB {2}weights 1,180,672 B \+ gradients 1,180,672 B \+ optimizer state \(exp_avg, exp_avg_sq\) 2,361,344 B = 4,722,688 B on the GPU; \+ step 8 B on the CPU\n/,
    )
    expect(gpu.stdout).toMatch(/\n {2}Framework reserve +1\.00 GiB {2}CUDA context and allocator reserve/)
    expect(gpu.stdout).toMatch(/\n {2}Total +1\.0044 GiB {2}model states 0\.0044 GiB \+ framework reserve 1\.0000 GiB = 1\.0044 GiB\n/)
    const cpu = await cli(['Conv2d(128, 256, 3)', '--optimizer', 'Adam', '--device', 'cpu'])
    expect(cpu.stdout).toContain('= 4,722,696 B\n')
  })

  it('reads the GPU names people type, and never a bare number as bytes', async () => {
    for (const name of ['4090', 'rtx4090', 'RTX 4090']) expect((await cli(['nn.Linear(4, 4)', '--gpu', name])).stdout).toContain('fit on NVIDIA GeForce RTX 4090 24GB')
    expect((await cli(['nn.Linear(4, 4)', '--gpu', 'm3-max-128'])).stdout).toContain('fit on Apple M-series 128GB unified memory')
    const bad = await cli(['nn.Linear(4, 4)', '--gpu', '4080'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error\[option\]: Unknown GPU `4080`\. Did you mean `4090`\? A memory size needs a unit: `4080GiB`, `4080GB`\./)
    expect((await cli(['nn.Linear(4, 4)', '--gpu', '24GiB'])).stdout).toContain('fit on a 24.00 GiB GPU')
  })

  it('lists the GPU catalogue with memory, bandwidth and peak TFLOP/s', async () => {
    const r = await cli(['gpus'])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/^ {2}GPU +Name +Memory +Bandwidth +fp32 TFLOP\/s/)
    expect(r.stdout).toMatch(/\n {2}h100-80gb +NVIDIA H100 80GB +79\.65 GiB +3\.35 TB\/s +67 +494\.5 +989\.5 +989\.5 +1979 /)
    expect((await cli(['gpus', '--markdown'])).stdout).toContain('| h100-80gb | NVIDIA H100 80GB | 79.65 GiB | 3.35 TB/s |')
  })

  it('sizes a catalogue model in its checkpoint dtype: Llama-3.1-8B fits on an L4 in bfloat16', async () => {
    const r = await cli(['llama-3.1-8b', '--inference', '--gpu', 'l4'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("Memory  inference · weights bfloat16, from the config's torch_dtype · batch 1\n")
    expect(r.stdout).toMatch(/Weights +14\.96 GiB/)
    expect(r.stdout).toMatch(/✓ the weights fit on NVIDIA L4 24GB with [\d.]+ GiB to spare \(.*\); activations and KV cache not counted\n/)
    expect(r.stdout).not.toMatch(/\bauto\b/)
  })

  it('names options by their flags in notes, never by the library\'s names', async () => {
    const r = await cli(['llama-3.1-8b', '--inference'])
    expect(r.stdout).toContain('note: The KV cache is not counted: set `--seq` (tokens per sequence) to size it.')
    expect(r.stdout).not.toMatch(/contextLength|activationBytesPerSample/)
  })

  it('keeps the last dimensions of an output shape when an 80-column terminal cuts it', async () => {
    const r = await cli(['resnet18', '--input', '1,3,224,224'], { isTTY: true, columns: 80, env: { NO_COLOR: '1' } })
    expect(r.stdout).toContain('(…, 112, 112)')
    expect(r.stdout).not.toContain('(1, 64, 112…')
  })

  it('writes a header over every Markdown column and exact shares in CSV', async () => {
    const md = await cli(['nn.BatchNorm1d(4)', '--markdown'])
    expect(md.stdout).toContain('| Tensor | Shape | dtype | Elements | Bytes | Note |')
    const csv = await cli(['nn.Sequential(nn.Linear(10000, 10000), nn.Linear(1, 1))', '--csv'])
    expect(csv.stdout.trimEnd().split('\n').at(-1)).toBe('1,Linear,1,2,2,0.000002000,0')
  })
})
