import { bench, describe } from 'vitest'
import { analyze, memoryPlanToJSON, planMemory } from '../src/index.js'

// A Llama-3.1-405B-shaped decoder from core layers: 126 blocks of q/k/v/o projections (hidden 16,384, 8 KV heads
// of 128) and a gated MLP (53,248), between a 128,256-row input matrix and the output head.
const block = [
  'nn.Linear(16384, 16384, bias=False)',
  'nn.Linear(16384, 1024, bias=False)',
  'nn.Linear(16384, 1024, bias=False)',
  'nn.Linear(16384, 16384, bias=False)',
  'nn.Linear(16384, 53248, bias=False)',
  'nn.Linear(16384, 53248, bias=False)',
  'nn.Linear(53248, 16384, bias=False)',
].join(', ')
const source = `nn.Sequential(nn.Linear(128256, 16384, bias=False), *[nn.Sequential(${block}) for _ in range(126)], nn.Linear(16384, 128256, bias=False))`
const model = analyze(source)
const options = { time: 2000, warmupTime: 200 }
if (model.params.total < 405_000_000_000n) throw new Error(`expected a 405B model, got ${model.params.total}`)

describe(`memory plan of a ${(Number(model.params.total) / 1e9).toFixed(1)}B-parameter model`, () => {
  bench('training: AdamW, bf16 mixed precision, ZeRO-3 on 64 H100s, fit and GPUs needed', () => {
    memoryPlanToJSON(planMemory(model, { optimizer: 'AdamW(lr=1e-4)', precision: 'mixed-bf16', gpus: 64, zero: 3, activationBytesPerSample: 8n * 1024n ** 3n, batch: 1, gpu: 'h100-80gb' }))
  }, options)
  bench('training: 8-bit AdamW, tensor 8 × pipeline 8 × data 4', () => {
    planMemory(model, { optimizer: 'adamw8bit', precision: 'bf16', gpus: 256, tensorParallel: 8, pipelineParallel: 8, zero: 1 })
  }, options)
  bench('inference: Q4_K weights, KV cache at 128K tokens, tensor parallel on H200s', () => {
    planMemory(model, { mode: 'inference', weights: 'q4_k', kvCache: { layers: 126, kvHeads: 8, headDim: 128 }, contextLength: 131072, batch: 4, gpu: 'h200' })
  }, options)
})
