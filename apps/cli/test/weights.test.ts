import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { nnsize } from './helpers.js'

/** The reference weight files (`shared/reference/files`), written by torch, safetensors, transformers, gguf-py, onnx and keras. */
const files = resolve(process.env['NNSIZE_REFERENCE_DIR'] ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/reference'), 'files')
const ref = (path: string): string => join(files, path)

const dir = mkdtempSync(join(tmpdir(), 'nnsize-weights-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const json = async (args: string[]): Promise<Record<string, any>> => {
  const r = await nnsize([...args, '--json'])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout)
}

describe('nnsize on weight files', () => {
  it('reads a safetensors file: every tensor, exact counts and bytes', async () => {
    const out = await json([ref('safetensors/mlp_f32.safetensors')])
    expect(out.params.total).toBe(7050)
    expect(out.weights.format).toBe('safetensors')
    expect([out.weights.params, out.weights.bytes, out.weights.tensors.length]).toEqual([7050, 28200, 8])
    const text = await nnsize([ref('safetensors/mlp_f32.safetensors')])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('  Files             safetensors, 1 file, 8 tensors')
    expect(text.stdout).toContain('  F32    float32        8     7,050  27.54 KiB  100.0%\n')
  })

  it('reads a sharded folder with its index and checks it against config.json', async () => {
    const r = await nnsize([ref('safetensors/hf_llama_sharded')])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('safetensors, 3 files, 21 tensors')
    expect(r.stdout).toContain('the config predicts 106,816 parameters; the files hold 106,816 in 21 tensors')
    expect(r.stdout).toContain('hf_llama_sharded/model.safetensors.index.json: 21 entries over 3 shards')
    // the index itself, and a .bin folder
    expect((await json([ref('safetensors/hf_llama_sharded/model.safetensors.index.json')])).weights.params).toBe(106816)
    expect((await json([ref('pytorch/hf_llama_bin_sharded')])).weights.params).toBe(64752)
  })

  it('counts a training checkpoint entry by entry and names its optimizer', async () => {
    const r = await nnsize([ref('pytorch/checkpoint_adam.pt')])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('  Optimizer         looks like Adam-family: exp_avg, exp_avg_sq, step')
    expect(r.stdout).toContain('  model      model tensors         15       955  3.74 KiB\n')
    expect(r.stdout).toContain('  optimizer  optimizer state       27     1,843  7.20 KiB\n')
    expect(r.stdout).toContain('  epoch      other = 3              0         0       0 B\n')
    const out = await json([ref('pytorch/checkpoint_adam.pt')])
    expect([out.weights.params, out.weights.tensors.length, out.weights.checkpoint.optimizer.optimizer]).toEqual([2798, 42, 'Adam'])
  })

  it('reads a GGUF file at its real size, in training and inference plans', async () => {
    const gguf = ref('gguf/tiny_llama_mixed.gguf')
    const out = await json([gguf, '--inference'])
    expect([out.weights.params, out.weights.bytes]).toEqual([131392, 105472])
    expect(out.memory.memory.weights.bytes).toBe(105472)
    // 2 layers × 2 KV heads × 16 × (K, V) × 128 tokens of `llama.context_length` × 2 bytes
    expect(out.memory.memory.kvCache.bytes).toBe(32768)
    const training = await json([gguf, '--optimizer', 'SGD'])
    expect(training.memory.memory.weights.bytes).toBe(105472)
    const r = await nnsize([gguf])
    expect(r.stdout).toContain('  Q4_K   —              2    32,768  18.00 KiB  17.5%\n')
    expect(r.stdout).toContain('general.file_type                       15 (MOSTLY_Q4_K_M)')
    expect(r.stdout).toMatch(/Parameter memory {2}103\.00 KiB \(105\.47 kB, 105,472 bytes\) {2}Q8_0 \+ Q4_0 \+ Q4_K \+ float16 \+ float32\n/)
    const csv = await nnsize([gguf, '--csv'])
    expect(csv.stdout.split('\n').slice(0, 2)).toEqual(['name,shape,dtype,torch_dtype,elements,bytes', 'token_embd.weight,64x64,F16,float16,4096,8192'])
  })

  it('reads an ONNX model with its external data and a split GGUF', async () => {
    const onnx = await json([ref('onnx/tiny_lm.onnx')])
    expect([onnx.weights.params, onnx.weights.bytes, onnx.weights.tensors.length]).toEqual([21530, 86220, 41])
    const split = await json([ref('gguf/tiny_split-00001-of-00003.gguf')])
    expect([split.weights.params, split.weights.bytes, split.weights.files.length]).toEqual([12384, 13440, 3])
  })

  it('knows a weight file by its first bytes, whatever its name', async () => {
    cpSync(ref('safetensors/mlp_f32.safetensors'), join(dir, 'weights'))
    expect((await json([join(dir, 'weights')])).weights.params).toBe(7050)
  })

  it('compares two weight files tensor by tensor', async () => {
    const r = await nnsize([ref('safetensors/mlp_f32.safetensors'), '--compare', ref('pytorch/mlp_legacy.pt')])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('  0 tensors the same; 0 added, 0 removed, 8 reshaped, 0 re-typed\n')
    expect(r.stdout).toContain('  reshaped  fc1.weight   (64, 32)  (48, 20)\n')
    const out = await json([ref('safetensors/mlp_f32.safetensors'), '--compare', ref('pytorch/mlp_legacy.pt')])
    expect(out.difference.params).toBe(3750 - 7050)
    expect(out.weights.reshaped.length).toBe(8)
  })

  it('refuses hostile and damaged files with the reason, exit code 1', async () => {
    const pickle = await nnsize([ref('adversarial/malicious_os_system.pt')])
    expect([pickle.code, pickle.stdout]).toEqual([1, ''])
    expect(pickle.stderr).toContain('imports `os.system`')
    const truncated = await nnsize([ref('adversarial/truncated.safetensors')])
    expect([truncated.code, truncated.stdout]).toEqual([1, ''])
    expect(truncated.stderr).toBe('error[weights-format]: `truncated.safetensors` is 324 bytes long, but its tensors need 424: the file is truncated (an interrupted download?).\n')
    const huge = await nnsize([ref('adversarial/header_len_2pow63.safetensors')], { timeoutMs: 10_000 })
    expect(huge.code).toBe(1)
  })

  it('keeps the other results of a --jsonl run when one file fails', async () => {
    const lines = ['Linear(2, 3)', ref('safetensors/mlp_f32.safetensors'), ref('adversarial/malicious_os_system.pt'), ref('gguf/tiny_llama_mixed.gguf')].join('\n')
    const r = await nnsize(['--jsonl'], { stdin: `${lines}\n` })
    expect(r.code).toBe(1)
    const out = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(out.map((o) => o.params?.total ?? o.error.code)).toEqual([9, 7050, 'unsafe-pickle', 131392])
    expect(out[2].line).toBe(3)
  })

  it('says what a weight file cannot do', async () => {
    expect((await nnsize([ref('safetensors/mlp_f32.safetensors'), '--share'])).stderr).toBe("nnsize: --share makes a link of an expression, a model name or a config; a weight file's answer cannot be shared as a link\n")
    expect((await nnsize([ref('safetensors/mlp_f32.safetensors'), '--input', '1,32'])).code).toBe(2)
  })

  it('reads no device or FIFO: /dev/zero and a FIFO named like weights answer at once', async () => {
    const zero = await nnsize(['/dev/zero'], { timeoutMs: 10_000 })
    expect([zero.code, zero.timedOut]).toEqual([1, undefined])
    execFileSync('mkfifo', [join(dir, 'pipe.safetensors')])
    const fifo = await nnsize([join(dir, 'pipe.safetensors')], { timeoutMs: 10_000 })
    expect(fifo).toEqual({ code: 1, stdout: '', stderr: `nnsize: cannot read '${join(dir, 'pipe.safetensors')}': it is not a regular file; nnsize reads weight files in place\n` })
    execFileSync('mkfifo', [join(dir, 'pipe')])
    const plain = await nnsize([join(dir, 'pipe')], { timeoutMs: 10_000 })
    expect([plain.code, plain.timedOut]).toEqual([1, undefined])
  })
})
