import { open } from 'node:fs/promises'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { referenceDir } from '../../test/conformance/reference.js'
import { compareWeights } from '../weights/compare.js'
import { analyzeWeights } from '../weights/analyze-weights.js'
import { fileHandleReader } from '../weights/reader.js'
import type { WeightsAnalysis } from '../weights/types.js'
import { checkpointTable, dtypeTable, fileTensorTable, ggufHighlights, optimizerSentence, pickleSentence, weightsComparisonRows, weightsComparisonSentence, weightsFormatLine, weightsSections, weightsSummaryRows } from './weights.js'
import type { GGUFDetails } from '../weights/types.js'
import { planMemory } from '../memory/plan.js'
import { memoryRows } from './memory.js'

/** Analyses reference files (paths under `files/`), named by those paths. */
async function analyseFiles(...paths: string[]): Promise<WeightsAnalysis> {
  const handles = await Promise.all(paths.map((p) => open(resolve(referenceDir, 'files', p))))
  try {
    return await analyzeWeights(await Promise.all(handles.map(async (h, i) => fileHandleReader(h, paths[i]!, (await h.stat()).size))))
  } finally {
    await Promise.all(handles.map((h) => h.close()))
  }
}

const llamaShards = ['model.safetensors.index.json', 'config.json', 'model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors'].map((f) => `safetensors/hf_llama_sharded/${f}`)

/** Analyses one of the core's own fixture files (`test/fixtures/weights/`). */
async function analyseFixture(name: string): Promise<WeightsAnalysis> {
  const handle = await open(resolve(import.meta.dirname, '../../test/fixtures/weights', name))
  try {
    return await analyzeWeights([fileHandleReader(handle, name, (await handle.stat()).size)])
  } finally {
    await handle.close()
  }
}

describe('weights presentation of optimizer state and pickles weights_only refuses', () => {
  // Fixtures written by test/fixtures/weights/generate_load_semantics.py with PyTorch 2.13.
  it('names an optimizer-only file (the Trainer\'s optimizer.pt) and Lightning\'s optimizer_states as optimizer state', async () => {
    const alone = await analyseFixture('optimizer_only.pt')
    expect(checkpointTable(alone.weights.checkpoint!).rows.every((r) => r[1]!.startsWith('optimizer state'))).toBe(true)
    const sections = weightsSections(alone.weights)
    expect(sections.flatMap((s) => s.lines).some((l) => l.startsWith('the file: '))).toBe(true)
    const lightning = await analyseFixture('lightning.ckpt')
    const rows = checkpointTable(lightning.weights.checkpoint!).rows
    expect(rows.find((r) => r[0] === 'optimizer_states')![1]).toBe('optimizer state')
  })

  it("says which opcodes of a protocol-4 pickle torch.load(weights_only=True) refuses", async () => {
    const a = await analyseFixture('protocol4.pt')
    // PyTorch 2.13: torch.load(weights_only=True) fails with "Unsupported operand 149" (FRAME).
    expect(pickleSentence(a.weights.pickle!)).toMatch(/^`torch.load\(weights_only=True\)` refuses this pickle: it uses pickle opcodes? that the `weights_only` unpickler does not implement \(.*FRAME.*\)\.$/)
  })
})

describe('weights presentation', () => {
  it('says the format, files and tensors of a sharded folder and checks it against its config', async () => {
    const a = await analyseFiles(...llamaShards)
    expect(weightsFormatLine(a.weights)).toBe('safetensors, 3 files, 21 tensors')
    const rows = weightsSummaryRows(a.weights)
    expect(rows.find((r) => r.key === 'fileParams')!.value).toBe('106,816 elements')
    expect(rows.find((r) => r.key === 'configCheck')!.detail).toBe('the config predicts 106,816 parameters; the files hold 106,816 in 21 tensors')
    const sections = weightsSections(a.weights)
    expect(sections.map((s) => s.key)).toEqual(['dtypes', 'files'])
    expect(sections.find((s) => s.key === 'files')!.lines).toEqual(['safetensors/hf_llama_sharded/model.safetensors.index.json: 21 entries over 3 shards'])
    expect(sections.find((s) => s.key === 'files')!.table!.rows.map((r) => r[1])).toEqual(['6', '9', '6'])
  })

  it('tabulates the element types with their PyTorch names and share', async () => {
    const a = await analyseFiles('gguf/tiny_llama_mixed.gguf')
    const table = dtypeTable(a.weights, { raw: true })
    expect(table.rows).toEqual([
      ['F16', 'float16', '1', '4096', '8192', '7.8%'],
      ['F32', 'float32', '5', '320', '1280', '1.2%'],
      ['Q8_0', '', '7', '49152', '52224', '49.5%'],
      ['Q4_0', '', '6', '45056', '25344', '24.0%'],
      ['Q4_K', '', '2', '32768', '18432', '17.5%'],
    ])
    expect(dtypeTable(a.weights).rows[4]).toEqual(['Q4_K', '—', '2', '32,768', '18.00 KiB', '17.5%'])
    expect(weightsFormatLine(a.weights)).toBe('GGUF v3, 1 file, 21 tensors')
    // GGUF stores dimensions fastest-first (`ffn_down` as 256, 64): shown in PyTorch order
    const tensors = fileTensorTable(a.weights, { raw: true })
    expect(tensors.columns.map((c) => c.header)).toEqual(['name', 'shape', 'dtype', 'torch_dtype', 'elements', 'bytes'])
    expect(tensors.rows[0]).toEqual(['token_embd.weight', '64x64', 'F16', 'float16', '4096', '8192'])
    expect(tensors.rows.filter((r) => r[2] === 'Q4_K').map((r) => [r[1], r[5]])).toEqual([['64x256', '9216'], ['64x256', '9216']])
    const first = fileTensorTable(a.weights, { raw: true, limit: 1 })
    expect(first.rows).toEqual([tensors.rows[0]])
    expect(first.rowCount).toBe(tensors.rows.length)
  })

  it('shows the GGUF metadata that sizes the model', async () => {
    const a = await analyseFiles('gguf/tiny_llama_mixed.gguf')
    const rows = Object.fromEntries(ggufHighlights(a.weights.files[0] as GGUFDetails & (typeof a.weights.files)[number]).rows.map(([k, v]) => [k, v]))
    expect(rows['general.architecture']).toBe('llama')
    expect(rows['llama.block_count']).toBe('2')
    expect(rows['llama.attention.head_count_kv']).toBe('2')
    expect(rows['llama.context_length']).toBe('128')
    expect(rows['llama.attention.layer_norm_rms_epsilon']).toBe('0.00001')
    expect(rows['general.file_type']).toBe('15 (MOSTLY_Q4_K_M)')
    expect(rows['tokenizer.ggml.tokens']).toBe('STRING array of 64')
    expect(rows['tokenizer.ggml.scores']).toBeUndefined()
  })

  it('counts a training checkpoint entry by entry and names the optimizer', async () => {
    const a = await analyseFiles('pytorch/checkpoint_adam.pt')
    const ckpt = a.weights.checkpoint!
    expect(checkpointTable(ckpt).rows).toEqual([
      ['model', 'model tensors', '15', '955', '3.74 KiB'],
      ['optimizer', 'optimizer state', '27', '1,843', '7.20 KiB'],
      ['epoch', 'other = 3', '0', '0', '0 B'],
    ])
    expect(optimizerSentence(ckpt.optimizer!)).toBe('looks like Adam-family: exp_avg, exp_avg_sq, step')
    const section = weightsSections(a.weights).find((s) => s.key === 'checkpoint')!
    expect(section.lines[0]).toMatch(/^optimizer: looks like Adam-family: exp_avg, exp_avg_sq, step \(9 parameters with state, 1 param group; /)
    expect(weightsSummaryRows(a.weights).find((r) => r.key === 'optimizerState')!.value).toBe('looks like Adam-family: exp_avg, exp_avg_sq, step')
  })

  it('names the classes of a whole-module pickle', async () => {
    const a = await analyseFiles('pytorch/cnn_whole_module.pt')
    expect(pickleSentence(a.weights.pickle!)).toBe(
      'Loading this pickle needs 5 classes importable (named here, never imported): __main__.TinyCNN, torch.nn.modules.batchnorm.BatchNorm2d, torch.nn.modules.conv.Conv2d, torch.nn.modules.linear.Linear, torch.nn.modules.pooling.AdaptiveAvgPool2d. `torch.load(weights_only=True)` refuses it.',
    )
    const state = await analyseFiles('pytorch/cnn_state_dict.pt')
    expect(pickleSentence(state.weights.pickle!)).toBeNull()
  })

  it('explains a tied weight missing from the files', async () => {
    const a = await analyseFiles('safetensors/hf_gpt2/model.safetensors', 'safetensors/hf_gpt2/config.json')
    const section = weightsSections(a.weights).find((s) => s.key === 'config')!
    expect(weightsSummaryRows(a.weights).find((r) => r.key === 'configCheck')!.detail).toBe(
      'the config predicts 30,720 parameters; the files hold 30,720 in 28 tensors; `lm_head.weight` is tied to `transformer.wte.weight` and not stored',
    )
    expect(section.table!.rows).toEqual([['lm_head.weight', '(100, 32)', 'in the config, not in the files: tied to transformer.wte.weight']])
  })

  it('lists the tensors two sets of weights differ in', async () => {
    const a = await analyseFiles('safetensors/cnn_metadata.safetensors')
    const b = await analyseFiles('pytorch/cnn_state_dict.pt')
    const c = compareWeights(a, b)
    const rows = weightsComparisonRows(c)
    // the same model, written by safetensors (`F32`) and torch.save (`float32`): the same tensors
    expect(rows).toEqual([])
    expect(weightsComparisonSentence(c)).toBe('15 tensors the same; 0 added, 0 removed, 0 reshaped, 0 re-typed')
    const d = compareWeights(await analyseFiles('safetensors/mlp_f32.safetensors'), await analyseFiles('pytorch/mlp_legacy.pt'))
    expect(weightsComparisonSentence(d)).toBe('0 tensors the same; 0 added, 0 removed, 8 reshaped, 0 re-typed')
    expect(weightsComparisonRows(d)[1]).toEqual({ change: 'reshaped', name: 'fc1.weight', a: '(64, 32)', b: '(48, 20)' })
    const e = compareWeights(await analyseFiles('safetensors/tied_save_model.safetensors'), await analyseFiles('pytorch/tied_state_dict.pt'))
    expect(weightsComparisonRows(e)[0]).toEqual({ change: 'added', name: 'lm_head.weight', a: '', b: '(64, 24) float32' })
  })

  it('plans memory on the file\'s own bytes: a quantised GGUF keeps its types in training, its context sizes the KV cache', async () => {
    const a = await analyseFiles('gguf/tiny_llama_mixed.gguf')
    const training = planMemory(a, { mode: 'training' })
    expect(training.memory.weights.bytes).toBe(105472n)
    const weightsRow = memoryRows(training).find((r) => r.key === 'weights')!
    expect(weightsRow.formula).toContain('32,768 in Q4_K (18,432 B as stored)')
    const inference = planMemory(a, { mode: 'inference' })
    expect(inference.memory.weights.bytes).toBe(105472n)
    // 2 layers × 2 KV heads × 16 × (K and V) × 128 tokens (`llama.context_length`) × 2 bytes
    expect(inference.options.contextLength).toBe(128)
    expect(inference.memory.kvCache.bytes).toBe(32768n)
    expect(planMemory(a, { mode: 'inference', contextLength: 64 }).memory.kvCache.bytes).toBe(16384n)
  })
})
