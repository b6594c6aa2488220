import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { planMemory } from '../memory/plan.js'
import { parseMfu, parseTokenCount } from './counts.js'
import { configTrainingFlops, flopParamsOf, modelFlopsUtilization, totalTrainingFlops } from './flops.js'
import { planSpeed } from './plan.js'
import { attendedPositions } from './roofline.js'

const plain = (params: bigint) => ({ params, modelParams: params, activePerToken: false, embeddingParams: 0n, tiedHeadParams: 0n })

describe('token counts and MFU', () => {
  it('reads counts exactly, with K/M/B/T suffixes, exponents and underscores', () => {
    expect(parseTokenCount('15.6T')).toBe(15_600_000_000_000n)
    expect(parseTokenCount('1e12')).toBe(1_000_000_000_000n)
    expect(parseTokenCount('2_000_000')).toBe(2_000_000n)
    expect(parseTokenCount('1T')).toBe(10n ** 12n)
    expect(parseTokenCount('2.5M')).toBe(2_500_000n)
    expect(parseTokenCount('10k')).toBe(10_000n)
    expect(parseTokenCount('300B')).toBe(300_000_000_000n)
    expect(parseTokenCount('1.4e12')).toBe(1_400_000_000_000n)
  })
  it('refuses fractions of a token, zero, signs, words and counts over the limit, naming the field', () => {
    for (const bad of ['1.5', '0', '-1', 'many', '1e19', '2.5e-1', '1TB', '']) {
      expect(() => parseTokenCount(bad), bad).toThrow(expect.objectContaining({ code: 'option', field: 'tokens' }))
    }
    expect(() => parseTokenCount('1.5')).toThrow('not a whole number of tokens')
  })
  it('reads MFU as a fraction or a percentage, and asks for % on a bare number above 1', () => {
    expect(parseMfu('0.4')).toBe(0.4)
    expect(parseMfu('40%')).toBe(0.4)
    expect(parseMfu('46.2 %')).toBeCloseTo(0.462, 12)
    expect(parseMfu(1)).toBe(1)
    expect(() => parseMfu('40')).toThrow('write `40%`')
    for (const bad of ['0', '0%', '120%', 'high', '-0.1']) expect(() => parseMfu(bad), bad).toThrow(expect.objectContaining({ field: 'mfu' }))
  })
})

describe('training FLOPs', () => {
  it('Chinchilla: C = 6ND, 70B parameters on 1.4T tokens is 5.88e23 FLOPs', () => {
    // Hoffmann et al. 2022 (arXiv:2203.15556), section 3: "we use C ≈ 6ND"; Chinchilla: 70B parameters, 1.4T tokens.
    const f = configTrainingFlops(plain(70_000_000_000n), { layers: 80, heads: 64, headDim: 128 }, null)
    expect(totalTrainingFlops(f, parseTokenCount('1.4T'))).toEqual({ flops: 588_000_000_000_000_000_000_000n, exact: true })
  })
  it('PaLM 540B: 6ND over 780B tokens is the 2527.2 zettaFLOPs of its compute table', () => {
    // Chowdhery et al. 2022 (arXiv:2204.02311), the training compute table: 540B parameters, 780B tokens, 2527.2 ZFLOPs.
    const f = configTrainingFlops(plain(540_000_000_000n), { layers: 118, heads: 48, headDim: 256 }, null)
    expect(totalTrainingFlops(f, parseTokenCount('780B'))!.flops).toBe(2_527_200n * 10n ** 18n)
  })
  it("PaLM 540B: 6N + 12LHQT per token reproduces its 46.2% MFU at 238.3K tokens/s on 6144 TPU v4 chips", () => {
    // Chowdhery et al. 2022, section 4.1 and appendix B: 540.35B parameters, L = 118, H = 48, Q = 256, T = 2048;
    // 238.3K tokens/s on 6144 TPU v4 chips of 275 peak TFLOP/s each is 46.2% model FLOPs utilisation.
    const f = configTrainingFlops(plain(540_350_000_000n), { layers: 118, heads: 48, headDim: 256 }, 2048)
    expect(f.attentionFlops).toBe(12n * 118n * 48n * 256n * 2048n)
    expect(f.flopsPerToken).toBe(3_242_100_000_000n + 35_634_806_784n)
    expect(modelFlopsUtilization(238_300, f.flopsPerToken, 6144, 275)).toBeCloseTo(0.462, 3)
  })
  it('Llama 3 405B on 15.6T tokens: 6ND ≈ 3.8e25 FLOPs, with N the parameters its matrix multiplies use', () => {
    // Llama Team 2024, "The Llama 3 Herd of Models" (arXiv:2407.21783), section 3.2.1: "405B parameters on 15.6T
    // tokens using a total of 3.8 × 10^25 FLOPs". N = 405,853,388,800 parameters − 2,101,346,304 of the token embedding
    // − 4,145,152 of RMSNorm weights (126 × 2 + 1 of 16,384).
    const a = analyze('llama-3.1-405b')
    const n = flopParamsOf(a)!
    expect(n).toEqual({ params: 403_747_897_344n, modelParams: 405_853_388_800n, activePerToken: false, embeddingParams: 2_101_346_304n, vectorParams: 4_145_152n, tiedHeadParams: 0n })
    const f = configTrainingFlops(n, a.model!.transformer!, 8192)
    const run = parseTokenCount('15.6T')
    expect(f.matmulFlops * run).toBe(6n * 403_747_897_344n * 15_600_000_000_000n)
    expect(f.matmulFlops * run).toBe(37_790_803_191_398_400_000_000_000n)
    expect(Number(f.matmulFlops * run) / 1e25).toBeCloseTo(3.8, 1)
    // attention at 8,192 tokens adds 12 × 126 × 128 × 128 × 8,192 per token, 8.4% more
    expect(f.attentionFlops).toBe(202_937_204_736n)
  })
  it('6N + 12LHQT is what torch.utils.flop_counter counts for a training step of a small Llama and GPT-2', () => {
    // PyTorch 2.13, transformers 5.18, attn_implementation='eager', FlopCounterMode over model(ids, labels=ids) and
    // loss.backward(), per token. Llama (batch 2 × 128 tokens): aten.mm 18,149,376 and aten.bmm 1,572,880 — the
    // attention's 1,572,864 plus 16 of the rotary embedding's inv_freq × positions product.
    const llama = analyze(JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 1000, hidden_size: 256, intermediate_size: 688, num_hidden_layers: 4, num_attention_heads: 8, num_key_value_heads: 2 }))
    const l = configTrainingFlops(flopParamsOf(llama)!, llama.model!.transformer!, 128)
    expect(l.matmulFlops).toBe(18_149_376n)
    expect(l.attentionFlops).toBe(1_572_864n)
    // GPT-2 (batch 2 × 64 tokens; its head tied to the token embedding): aten.addmm 786,432 + aten.mm 1,956,864 +
    // aten.bmm 196,608 = 2,939,904 FLOPs per token.
    const gpt2 = analyze(JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 500, n_embd: 128, n_layer: 2, n_head: 4, n_positions: 256 }))
    const g = configTrainingFlops(flopParamsOf(gpt2)!, gpt2.model!.transformer!, 64)
    expect([g.matmulFlops, g.attentionFlops, g.flopsPerToken]).toEqual([786_432n + 1_956_864n, 196_608n, 2_939_904n])
  })
  it('counts a tied output head once more: GPT-2 multiplies by its token embedding in the head', () => {
    const n = flopParamsOf(analyze('gpt2'))!
    // 124,439,808 − (50,257 + 1,024) × 768 embeddings − 12 × (4 × 768 + 3 × 768 + 768 + 3,072 + 768) − 2 × 768
    // of norms and biases + 50,257 × 768 for the tied head
    expect(n).toMatchObject({ embeddingParams: 39_383_808n, vectorParams: 121_344n, tiedHeadParams: 38_597_376n })
    expect(n.params).toBe(124_439_808n - 39_383_808n - 121_344n + 38_597_376n)
  })
  it('a mixture of experts counts the parameters one token is routed through', () => {
    const n = flopParamsOf(analyze('mixtral-8x7b'))!
    expect(n.activePerToken).toBe(true)
    // 32 × 2 + 1 RMSNorm weights of 4,096
    expect(n.params).toBe(12_879_925_248n - 131_072_000n - 266_240n)
  })
  it('from a traced model: 2 × forward MACs + 2 × backward MACs per step, per token for token ids', () => {
    const a = analyze('Sequential(Embedding(100, 16), Linear(16, 100))', { input: '4,8' })
    const plan = planMemory(a, { gpu: 'h100', precision: 'bf16-mixed' })
    const s = planSpeed(a, plan, { tokens: '3200' })
    const f = s.training!.flops
    expect(f.kind).toBe('traced')
    if (f.kind !== 'traced') return
    // Linear(16, 100) on 4 × 8 tokens: 32 × 16 × 100 = 51,200 MACs forward
    expect(f.forwardMacs).toBe(51_200n)
    expect(f.tokensPerSample).toBe(8)
    expect(f.stepFlops).toBe(2n * 51_200n + 2n * f.backwardMacs)
    // 3,200 tokens are 100 steps of 32 tokens
    expect(s.training!.time!.totalFlops).toBe(100n * f.stepFlops)
    expect(s.training!.time!.exact).toBe(true)
  })
})

describe('training time', () => {
  it('llama-3.1-8b, bf16-mixed on one H100 at 8,192 tokens: 1T tokens at 40% of 989.5 TFLOP/s', () => {
    const a = analyze('llama-3.1-8b')
    const plan = planMemory(a, { optimizer: 'AdamW', precision: 'bf16-mixed', gpu: 'h100', contextLength: 8192 })
    const s = planSpeed(a, plan, { tokens: '1T' })
    expect(s.device).toMatchObject({ dtype: 'bf16', dtypeSource: 'precision', peakTflops: 989.5, gpus: 1 })
    const f = s.training!.flops
    if (f.kind !== 'config') throw new Error('config expected')
    // N = 8,030,261,248 − 525,336,576 embeddings − 266,240 norm weights; attention 12 × 32 × 32 × 128 × 8,192
    expect(f.matmulFlops).toBe(6n * 7_504_658_432n)
    expect(f.attentionFlops).toBe(12_884_901_888n)
    const t = s.training!.time!
    expect(t.totalFlops).toBe((45_027_950_592n + 12_884_901_888n) * 10n ** 12n)
    const seconds = 57_912_852_480e12 / (989.5e12 * 0.4)
    expect(t.seconds).toBeCloseTo(seconds, 3)
    expect(t.gpuHours).toBeCloseTo(seconds / 3600, 6)
    expect(s.training!.mfu).toBe(0.4)
  })
  it('divides by every GPU and follows --mfu', () => {
    const a = analyze('llama-3.1-8b')
    const one = planSpeed(a, planMemory(a, { gpu: 'h100', contextLength: 8192, precision: 'bf16-mixed' }), { tokens: '1T' })
    const eight = planSpeed(a, planMemory(a, { gpu: 'h100', gpus: 8, zero: 3, contextLength: 8192, precision: 'bf16-mixed' }), { tokens: '1T', mfu: '50%' })
    expect(eight.training!.time!.seconds!).toBeCloseTo((one.training!.time!.seconds! * 0.4) / (8 * 0.5), 3)
    expect(eight.training!.time!.gpuHours!).toBeCloseTo((one.training!.time!.gpuHours! * 0.4) / 0.5, 3)
  })
  it('says what is missing: no GPU, no tokens, no seq, no peak in the format', () => {
    const a = analyze('llama-3.1-8b')
    const codes = (s: { notes: Array<{ code: string }> }) => s.notes.map((n) => n.code)
    expect(codes(planSpeed(a, planMemory(a, {}), {}))).toEqual(['no-gpu', 'attention-needs-seq', 'no-tokens'])
    // the T4 has no bfloat16 tensor cores
    const t4 = planSpeed(a, planMemory(a, { gpu: 't4', precision: 'bf16-mixed', contextLength: 4096 }), { tokens: '1B' })
    expect(t4.notes).toContainEqual({ code: 'no-peak', gpu: 't4', dtype: 'bf16' })
    expect(t4.training!.time!.seconds).toBeNull()
    expect(codes(planSpeed(analyze('Linear(10, 10)'), planMemory(analyze('Linear(10, 10)'), { gpu: 'h100' }), {}))).toEqual(['no-flops'])
  })
})

describe('inference roofline', () => {
  it('counts causal attention in a prefill exactly: Σ t over t = 1…T, at most the window', () => {
    expect(attendedPositions(4, null)).toBe(10n)
    expect(attendedPositions(5, 2)).toBe(1n + 2n + 2n + 2n + 2n)
    expect(attendedPositions(2, 8)).toBe(3n)
  })
  it('Llama-2-7B in float16 on an A100 80GB at batch 1: bytes over 2,039 GB/s bound each decoded token', () => {
    // Worked example of the decode roofline: 6,738,415,616 float16 parameters are 13,476,831,232 bytes; the KV cache
    // of 4,096 tokens is 32 layers × 2 × 4,096 × 2 B = 524,288 B per token, 2 GiB; both are read once per token.
    // (13,476,831,232 + 2,147,483,648) B ÷ 2.039 × 10^12 B/s = 7.663 ms: at most 130.5 tokens/s. The FLOPs,
    // 2 × 6,607,077,376 + 4 × 32 × 4,096 × 4,096 = 15,361,638,400 per token, take 0.049 ms at 312 TFLOP/s: memory bound.
    const a = analyze('llama-2-7b')
    const plan = planMemory(a, { mode: 'inference', gpu: 'a100-80gb', contextLength: 4096 })
    const s = planSpeed(a, plan)
    expect(s.device).toMatchObject({ dtype: 'fp16', dtypeSource: 'as-built', peakTflops: 312, bandwidthBytesPerSecond: 2_039_000_000_000n })
    const first = s.inference!.decode[0]!
    expect(first.batch).toBe(1)
    expect(first.kvBytes).toBe(2_147_483_648n)
    expect(first.weightBytes - 13_476_831_232n).toBeLessThan(1024n)
    expect(first.flops).toBe(2n * 6_607_077_376n + 4n * 32n * 4096n * 4096n)
    expect(first.bound).toBe('memory')
    expect(first.seconds * 1000).toBeCloseTo(7.663, 2)
    expect(first.tokensPerSecond).toBeCloseTo(130.5, 0)
    // larger batches share the weight read: tokens/s rises until the GPU is full
    const last = s.inference!.decode.at(-1)!
    expect(last.tokensPerSecond).toBeGreaterThan(first.tokensPerSecond)
    expect(last.fits).toBe(true)
    expect(last.batch).toBe(plan.fit!.largestBatch)
    // prefill of 4,096 tokens is compute bound
    expect(s.inference!.prefill!.bound).toBe('compute')
  })
  it('llama-3.1-8b on an L4 at 8,192 tokens: bf16 as published, decode rows up to the largest batch that fits', () => {
    const a = analyze('llama-3.1-8b')
    const plan = planMemory(a, { mode: 'inference', gpu: 'l4', contextLength: 8192 })
    const s = planSpeed(a, plan)
    expect(s.device).toMatchObject({ dtype: 'bf16', peakTflops: 121, bandwidthBytesPerSecond: 300_000_000_000n })
    const batches = s.inference!.decode.map((d) => d.batch)
    expect(batches[0]).toBe(1)
    expect(batches.at(-1)).toBe(plan.fit!.largestBatch)
    for (const d of s.inference!.decode) expect(d.seconds).toBe(Math.max(Number(d.bytes) / 300e9, Number(d.flops) / 121e12))
  })
  it('without a context length the decode table waits for one', () => {
    const a = analyze('llama-3.1-8b')
    const s = planSpeed(a, planMemory(a, { mode: 'inference', gpu: 'l4' }))
    expect(s.notes).toContainEqual({ code: 'decode-needs-seq' })
    expect(s.inference!.decode).toEqual([])
    expect(planSpeed(a, planMemory(a, { mode: 'inference', gpu: 'l4' }), { tokens: '1T' }).notes).toContainEqual({ code: 'training-only', fields: ['tokens'] })
  })
})

describe('traced models and parallel serving', () => {
  it('serves a traced model as one forward step: weights read once, 2 × MACs of compute', () => {
    const a = analyze('Sequential(Linear(4096, 4096), ReLU(), Linear(4096, 4096))', { input: '64,4096' })
    const plan = planMemory(a, { mode: 'inference', gpu: 'h100' })
    const f = planSpeed(a, plan).forward!
    // 2 × 4,096 × 4,096 float32 weights + 2 × 4,096 biases = 134,250,496 B; 64 × 2 × 4,096² MACs forward
    expect(f.weightBytes).toBe(134_250_496n)
    expect(f.flops).toBe(2n * 64n * 2n * 4096n * 4096n)
    expect(f.memorySeconds).toBeCloseTo(134_250_496 / 3.35e12, 12)
    // float32 as built: the H100's 67 TFLOP/s fp32 peak
    expect(f.computeSeconds).toBeCloseTo(4_294_967_296 / 67e12, 12)
    expect(f.bound).toBe('compute')
    expect(f.samplesPerSecond).toBeCloseTo(64 / f.seconds, 6)
  })
  it('a traced input that is not token ids gives FLOPs per step but no run length in tokens', () => {
    const a = analyze('Conv2d(3, 8, 3)', { input: '2,3,32,32' })
    const s = planSpeed(a, planMemory(a, { gpu: 'h100' }), { tokens: '1M' })
    expect(s.training!.flops.kind).toBe('traced')
    expect(s.training!.time).toBeNull()
    expect(s.notes).toContainEqual({ code: 'not-token-input' })
  })
  it('adds the rates of a tensor-parallel group and says replicas multiply the tokens per second', () => {
    const a = analyze('llama-3.1-8b')
    const one = planSpeed(a, planMemory(a, { mode: 'inference', gpu: 'h100', contextLength: 8192 }))
    const two = planSpeed(a, planMemory(a, { mode: 'inference', gpu: 'h100', contextLength: 8192, gpus: 4, tensorParallel: 2 }))
    expect(two.device!.gpus).toBe(2)
    expect(two.inference!.decode[0]!.seconds).toBeCloseTo(one.inference!.decode[0]!.seconds / 2, 9)
    expect(two.notes).toContainEqual({ code: 'data-parallel-replicas', replicas: 2 })
  })
})

describe('sliding windows', () => {
  it('Mistral-7B-v0.1 attends to at most its 4,096-token window: decode keys and prefill Σ min(t, w)', () => {
    const a = analyze('mistral-7b')
    const s = planSpeed(a, planMemory(a, { mode: 'inference', gpu: 'h100', contextLength: 8192 }))
    expect(s.inference!.decodeKeys).toEqual({ keys: 32n * 4096n, fullLayers: 0, windowLayers: 32, contextTokens: 8192, windowTokens: 4096 })
    const n = s.inference!.tokenFlops.matmulFlops / 2n
    // prefill: 2N × 8,192 + 4 × 32 × 128 × 32 layers × (4,096 × 4,097 / 2 + 4,096 × 4,096)
    expect(s.inference!.prefill!.flops).toBe(2n * n * 8192n + 4n * 32n * 128n * 32n * (2048n * 4097n + 4096n * 4096n))
  })
  it('Gemma 2 9B: half its layers windowed, half attending to the whole context', () => {
    const a = analyze('gemma-2-9b')
    const s = planSpeed(a, planMemory(a, { mode: 'inference', gpu: 'h100', contextLength: 8192 }))
    expect(s.inference!.decodeKeys).toEqual({ keys: 21n * 8192n + 21n * 4096n, fullLayers: 21, windowLayers: 21, contextTokens: 8192, windowTokens: 4096 })
  })
})

describe('a model with no work', () => {
  it('never gives an infinite speed: ReLU() holds no weights and multiplies nothing', () => {
    const a = analyze('ReLU()', { input: '8,16' })
    const inference = planSpeed(a, planMemory(a, { mode: 'inference', gpu: 'h100' }))
    expect(inference.forward).toBeUndefined()
    expect(inference.notes).toContainEqual({ code: 'no-work' })
    const training = planSpeed(a, planMemory(a, { gpu: 'h100' }), {})
    expect(training.training!.flops).toMatchObject({ kind: 'traced', stepFlops: 0n })
  })
})
