import { bench, describe } from 'vitest'
import { analyze, memoryPlanToJSON, planMemory } from '../src/index.js'

const options = { time: 2000, warmupTime: 200 }

// Llama-3.1-405B as the Hugging Face importer builds it from its config (embeddings, 126 blocks, norms, head).
const llama = analyze('llama-3.1-405b')
// The same shapes from core layers only: 126 blocks of q/k/v/o projections (hidden 16,384, 8 KV heads of 128)
// and a gated MLP (53,248), between a 128,256-row input matrix and the output head.
const block = [
  'nn.Linear(16384, 16384, bias=False)',
  'nn.Linear(16384, 1024, bias=False)',
  'nn.Linear(16384, 1024, bias=False)',
  'nn.Linear(16384, 16384, bias=False)',
  'nn.Linear(16384, 53248, bias=False)',
  'nn.Linear(16384, 53248, bias=False)',
  'nn.Linear(53248, 16384, bias=False)',
].join(', ')
const linears = analyze(`nn.Sequential(nn.Linear(128256, 16384, bias=False), *[nn.Sequential(${block}) for _ in range(126)], nn.Linear(16384, 128256, bias=False))`)
for (const model of [llama, linears]) {
  if (model.params.total < 405_000_000_000n) throw new Error(`expected a 405B model, got ${model.params.total}`)
}

describe(`memory plan of Llama-3.1-405B (${llama.params.total.toLocaleString('en-US')} parameters, ${llama.tensors.length} tensors)`, () => {
  bench('training: AdamW, bf16 mixed precision, ZeRO-3 on 64 H100s, fit, GPUs needed and JSON', () => {
    memoryPlanToJSON(planMemory(llama, { optimizer: 'AdamW(lr=1e-4)', precision: 'mixed-bf16', gpus: 64, zero: 3, activationBytesPerSample: 8n * 1024n ** 3n, gpu: 'h100-80gb' }))
  }, options)
  bench('training: 8-bit AdamW, tensor 8 × pipeline 8 × data 4 with ZeRO-1', () => {
    planMemory(llama, { optimizer: 'adamw8bit', precision: 'bf16', gpus: 256, tensorParallel: 8, pipelineParallel: 8, zero: 1 })
  }, options)
  bench('QLoRA on all linear layers, fit on one H200', () => {
    planMemory(llama, { lora: { rank: 16, targets: ['all-linear'], quantizeBase: true }, precision: 'bf16', gpu: 'h200' })
  }, options)
  bench('inference: Q4_K weights, KV cache at 128K tokens × 4, tensor parallel on H200s', () => {
    planMemory(llama, { mode: 'inference', weights: 'q4_k', contextLength: 131072, batch: 4, gpu: 'h200' })
  }, options)
})

describe(`memory plan of the same shapes from core Linear layers (${linears.params.total.toLocaleString('en-US')} parameters)`, () => {
  bench('training: AdamW, bf16 mixed precision, ZeRO-3 on 64 H100s, fit, GPUs needed and JSON', () => {
    memoryPlanToJSON(planMemory(linears, { optimizer: 'AdamW(lr=1e-4)', precision: 'mixed-bf16', gpus: 64, zero: 3, activationBytesPerSample: 8n * 1024n ** 3n, gpu: 'h100-80gb' }))
  }, options)
})
