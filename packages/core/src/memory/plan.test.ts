import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { planMemory } from './plan.js'
import type { MemoryOptions } from './plan.js'
import { describeMemoryOptions, fitSummary, memoryFormula, planNotes } from '../present/index.js'
import { errorOf as optionError } from '../../test/support.js'

/** The formula a line is shown with, and a plan's notes as library users see them. */
const formula = memoryFormula
const notes = (p: { notes: Parameters<typeof planNotes>[0] }): string[] => planNotes(p.notes)
const cliNotes = (p: { notes: Parameters<typeof planNotes>[0] }): string[] => planNotes(p.notes, { fieldLabel: (f) => `\`--${f === 'activationBytes' ? 'activation-bytes' : f}\`` })

const GiB = 1024n ** 3n
const noOverhead = { overheadBytes: 0n }
const modelStates = (d: { weights: { bytes: bigint }; gradients: { bytes: bigint }; optimizerState: { bytes: bigint } }): bigint => d.weights.bytes + d.gradients.bytes + d.optimizerState.bytes


describe('planMemory', () => {
  // ZeRO (Rajbhandari et al. 2019), figure 1: Ψ = 7.5B, Nd = 64, Adam with mixed precision (K = 12):
  // 120 GB baseline, 31.4 GB with ZeRO-1, 16.6 GB with ZeRO-2, 1.875 GB with ZeRO-3.
  describe('the ZeRO paper example', () => {
    const model = analyze('nn.Linear(50000, 150000, bias=False)')
    const plan = (zero: 0 | 1 | 2 | 3) => planMemory(model, { optimizer: 'Adam()', precision: 'mixed-fp16', gpus: 64, zero, ...noOverhead })
    it('counts 2 + 2 + 12 bytes per parameter on the GPU; PyTorch\'s 4-byte step is on the CPU', () => {
      expect(model.params.total).toBe(7_500_000_000n)
      expect(modelStates(plan(0).perDevice)).toBe(120_000_000_000n)
      expect(plan(0).memory.optimizerState.basis).toMatchObject({ hostEntries: [{ name: 'step', elements: 1n }], hostBytes: 4n })
      expect(modelStates(planMemory(model, { optimizer: 'Adam()', precision: 'mixed-fp16', device: 'cpu', ...noOverhead }).perDevice)).toBe(120_000_000_004n)
    })
    it('shards optimizer state, then gradients, then parameters over 64 GPUs', () => {
      const gb = (zero: 0 | 1 | 2 | 3): number => Number(modelStates(plan(zero).perDevice)) / 1e9
      expect(gb(0).toFixed(0)).toBe('120')
      expect(gb(1).toFixed(1)).toBe('31.4')
      expect(gb(2).toFixed(1)).toBe('16.6')
      expect(gb(3).toFixed(3)).toBe('1.875')
      expect(modelStates(plan(3).perDevice)).toBe(1_875_000_000n)
    })
    it('states the ZeRO-3 working set of the largest layer on its own line', () => {
      const d = plan(3).perDevice
      expect(d.gatheredWeights.bytes).toBe(7_500_000_000n * 4n)
      expect(plan(2).perDevice.gatheredWeights.bytes).toBe(0n)
    })
  })

  describe('fit answers', () => {
    it('finds the longest context whose KV cache and prefill activations fit, and checks it', () => {
      const llama = analyze('llama-3.1-8b')
      const fit = planMemory(llama, { mode: 'inference', gpu: 'l4', contextLength: 8192 }).fit!
      expect(fit.longestContext).toBe(22_243)
      expect(fit.notCounted).toEqual([])
      // one token more does not fit; the longest does
      expect(planMemory(llama, { mode: 'inference', gpu: 'l4', contextLength: 22_243 }).fit!.fits).toBe(true)
      expect(planMemory(llama, { mode: 'inference', gpu: 'l4', contextLength: 22_244 }).fit!.fits).toBe(false)
      // training: the longest --seq whose activations fit beside the model states
      const train = (seq: number) => planMemory(llama, { optimizer: 'AdamW', precision: 'bf16-mixed', gpu: 'h100', gpus: 8, zero: 3, contextLength: seq }).fit!
      const longest = train(8192).longestContext!
      expect(train(longest).fits).toBe(true)
      expect(train(longest + 1).fits).toBe(false)
      expect(planMemory(llama, { mode: 'inference', gpu: 'l4' }).fit!.notCounted).toEqual(['activations', 'kvCache'])
    })
    it('gives the fewest GPUs for each layout', () => {
      const fit = planMemory(analyze('llama-3.1-8b'), { optimizer: 'AdamW', precision: 'bf16-mixed', gpu: 'h100', overheadBytes: 0n }).fit!
      const by = Object.fromEntries(fit.gpusByLayout.map((g) => [g.layout, g.gpus]))
      expect(by['data-parallel']).toBe(null)
      for (const [layout, gpus] of Object.entries(by)) {
        if (gpus === null || layout === 'data-parallel') continue
        const stage = layout === 'tensor-parallel' ? {} : { zero: Number(layout.slice(5)) as 1 | 2 | 3 }
        const at = (n: number) => planMemory(analyze('llama-3.1-8b'), { optimizer: 'AdamW', precision: 'bf16-mixed', gpu: 'h100', overheadBytes: 0n, gpus: n, ...(layout === 'tensor-parallel' ? { tensorParallel: n } : {}), ...stage }).fit!.fits
        expect([layout, at(gpus)]).toEqual([layout, true])
        if (gpus > 1) expect([layout, at(gpus - 1)]).toEqual([layout, false])
      }
    })
  })

  describe('training budget', () => {
    it('is weights + gradients + Adam\'s two moments on the GPU and its step on the CPU, not "3 × weights"', () => {
      const p = planMemory(analyze('nn.Linear(500, 768)'), { optimizer: 'Adam()', ...noOverhead })
      expect(p.memory.weights.bytes).toBe(1_539_072n)
      expect(p.memory.gradients.bytes).toBe(1_539_072n)
      expect(p.memory.optimizerState.bytes).toBe(3_078_144n)
      expect(formula(p.memory.optimizerState)).toBe('torch.optim.Adam(): exp_avg 384,768 × 4 B + exp_avg_sq 384,768 × 4 B = 2.94 MiB; on the CPU: step 2 × 4 B = 8 B')
      expect(p.memory.total.bytes).toBe(6_156_288n)
    })
    it('keeps Adam\'s step beside the parameters with capturable or fused, and on a CPU model', () => {
      const model = analyze('nn.Linear(500, 768)')
      expect(planMemory(model, { optimizer: 'Adam(capturable=True)' }).memory.optimizerState.bytes).toBe(3_078_152n)
      expect(planMemory(model, { optimizer: 'AdamW(fused=True)' }).memory.optimizerState.bytes).toBe(3_078_152n)
      expect(planMemory(model, { optimizer: 'Adam()', device: 'cpu' }).memory.optimizerState.bytes).toBe(3_078_152n)
      // torch.optim.ASGD creates its scalars on the parameter's device
      expect(planMemory(model, { optimizer: 'ASGD()' }).memory.optimizerState.basis).toMatchObject({ hostBytes: 0n })
    })
    it('gives frozen parameters neither gradients nor optimizer state', () => {
      const p = planMemory(analyze('nn.Sequential(nn.Linear(64, 64).requires_grad_(False), nn.Linear(64, 2))'), { optimizer: 'AdamW()', ...noOverhead })
      expect(p.memory.gradients.bytes).toBe(130n * 4n)
      expect(p.memory.optimizerState.bytes).toBe(130n * 8n)
    })
    it('keeps a cached half-precision copy of trainable weights under autocast', () => {
      const p = planMemory(analyze('nn.Linear(100, 10)'), { precision: 'bf16-mixed', ...noOverhead })
      expect(p.options.precision).toBe('amp-bf16')
      expect(p.memory.weights.bytes).toBe(1010n * 4n + 1010n * 2n)
      expect(p.memory.gradients.bytes).toBe(1010n * 4n)
    })
    it('holds pure bfloat16 optimizer state in bfloat16 (state dtype = parameter dtype)', () => {
      const p = planMemory(analyze('nn.Linear(100, 10)'), { precision: 'bf16', optimizer: 'AdamW()', ...noOverhead })
      expect(p.memory.weights.bytes).toBe(2020n)
      expect(p.memory.optimizerState.bytes).toBe(1010n * 4n)
    })
    it('adds a float32 accumulation buffer with gradient accumulation under mixed precision only', () => {
      const model = analyze('nn.Linear(100, 10)')
      expect(planMemory(model, { precision: 'mixed-bf16', gradAccumulation: 4 }).memory.gradients.bytes).toBe(1010n * 2n + 1010n * 4n)
      expect(planMemory(model, { precision: 'fp32', gradAccumulation: 4 }).memory.gradients.bytes).toBe(1010n * 4n)
    })
    it('states the framework overhead as its own adjustable line', () => {
      const model = analyze('nn.Linear(4, 4)')
      expect(planMemory(model).memory.overhead.bytes).toBe(GiB)
      expect(formula(planMemory(model).memory.overhead)).toContain('(default; adjustable)')
      expect(planMemory(model, { overheadBytes: 512n * 1024n ** 2n }).memory.overhead.bytes).toBe(512n * 1024n ** 2n)
    })
    it('defaults to AdamW and echoes its options', () => {
      const p = planMemory(analyze('nn.Linear(4, 4)'))
      expect(p.options.optimizer).toBe('torch.optim.AdamW()')
      expect(p.options.precision).toBe('auto')
      expect(p.options.batch).toBe(1)
    })
  })

  describe('activations', () => {
    const mlp = 'nn.Sequential(*[nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 64)) for _ in range(4)])'
    it('takes the traced saved-for-backward bytes of the input', () => {
      const model = analyze(mlp, { input: '8,64' })
      const p = planMemory(model, noOverhead)
      expect(p.memory.activations.bytes).toBe(model.forward!.savedBytes)
      expect(p.memory.activations.bytes).toBe(4n * 8192n + 3n * 2048n)
      expect(p.options.batch).toBe(8)
    })
    it('re-traces another batch size', () => {
      const p = planMemory(analyze(mlp, { input: '8,64' }), { batch: 16, ...noOverhead })
      expect(p.memory.activations.bytes).toBe(2n * (4n * 8192n + 3n * 2048n))
    })
    it('checkpoints each block: block inputs plus the largest block recomputed', () => {
      const p = planMemory(analyze(mlp, { input: '8,64' }), { checkpointing: 'full', ...noOverhead })
      expect(p.memory.activations.bytes).toBe(4n * 2048n + 8192n + 2048n)
      expect(formula(p.memory.activations)).toContain('4 checkpointed blocks under the top level')
    })
    it('checkpoints the repeated blocks of a transformer and recomputes attention selectively', () => {
      const encoder = analyze('nn.TransformerEncoder(nn.TransformerEncoderLayer(256, 8, 1024, batch_first=True), num_layers=6)', { input: '4,128,256' })
      const none = planMemory(encoder, { checkpointing: 'none' }).memory.activations
      const selective = planMemory(encoder, { checkpointing: 'selective' }).memory.activations
      const full = planMemory(encoder, { checkpointing: 'full' }).memory.activations
      expect(formula(full)).toContain('inside 6 checkpointed blocks under `layers`')
      expect(formula(selective)).toContain('recomputed inside 6 attention modules')
      const layer = encoder.forward!.modules.find((m) => m.path === 'layers.0')!
      expect(full.bytes).toBe(none.bytes - 6n * layer.savedBytes + 6n * 4n * 128n * 256n * 4n + layer.savedBytes)
      expect(full.bytes < selective.bytes && selective.bytes < none.bytes).toBe(true)
    })
    it('says when selective checkpointing has no attention to recompute', () => {
      const p = planMemory(analyze(mlp, { input: '8,64' }), { checkpointing: 'selective' })
      expect(notes(p).some((n) => n.includes('no attention modules'))).toBe(true)
    })
    it('halves traced float32 activations under 16-bit autocast', () => {
      const model = analyze(mlp, { input: '8,64' })
      expect(planMemory(model, { precision: 'amp-fp16' }).memory.activations.bytes).toBe(model.forward!.savedBytes / 2n)
    })
    it('uses a given per-sample figure and says when activations are unknown', () => {
      const model = analyze('nn.Linear(4, 4)')
      expect(planMemory(model, { activationBytesPerSample: 1000n, batch: 3 }).memory.activations.bytes).toBe(3000n)
      const p = planMemory(model)
      expect(p.memory.activations.bytes).toBe(0n)
      expect(p.notes).toContainEqual({ code: 'activations-not-counted', module: 'Linear', traceable: true })
      expect(cliNotes(p)).toContain('Activations are not counted: give an input shape (`--input`) or activation bytes per sample (`--activation-bytes`).')
      expect(notes(p)).toContain('Activations are not counted: give an input shape (`input`) or activation bytes per sample (`activationBytes`).')
    })
    it('does not ask for an input shape that a Hugging Face config cannot take', () => {
      const model = analyze('llama-3.1-8b')
      const p = planMemory(model, { batch: 4 })
      expect(p.memory.activations).toEqual({ bytes: 0n, basis: { kind: 'activations-need-seq' } })
      expect(formula(p.memory.activations)).toBe('not counted: sized from the architecture once the sequence length is given')
      expect(planMemory(model, { batch: 4, gpu: 'h100' }).fit?.notCounted).toContain('activations')
      expect(cliNotes(p)).toContain('Activations are sized from the config\'s architecture: set `--seq` (tokens per sequence) to count them.')
      expect(cliNotes(p).some((n) => n.includes('--input'))).toBe(false)
      expect(planMemory(model, { batch: 4, activationBytesPerSample: '1.5GiB' }).memory.activations.bytes).toBe(4n * 1536n * 1024n * 1024n)
    })
  })

  describe('distributed training', () => {
    const model = analyze('nn.Linear(1000, 1000)')
    it('divides model states by tensor × pipeline degree', () => {
      const p = planMemory(model, { gpus: 8, tensorParallel: 4, pipelineParallel: 2, ...noOverhead })
      expect(p.perDevice.weights.bytes).toBe((1_001_000n * 4n + 7n) / 8n)
      expect(p.options.dataParallel).toBe(1)
    })
    it('says that ZeRO-3 on one GPU shards nothing', () => {
      const p = planMemory(model, { zero: 3, ...noOverhead })
      expect(notes(p).some((n) => n.includes('ZeRO-3 with one data-parallel rank shards nothing'))).toBe(true)
      expect(p.perDevice.total.bytes).toBe(p.memory.total.bytes)
    })
    it('maps FSDP strategies to ZeRO stages, hybrid sharding within a node', () => {
      const full = planMemory(model, { gpus: 16, gpusPerNode: 8, fsdp: 'full_shard', ...noOverhead })
      const hybrid = planMemory(model, { gpus: 16, gpusPerNode: 8, fsdp: 'hybrid_shard', ...noOverhead })
      expect(full.perDevice.weights.bytes).toBe(1_001_000n * 4n / 16n)
      expect(hybrid.perDevice.weights.bytes).toBe(1_001_000n * 4n / 8n)
      expect(planMemory(model, { gpus: 4, fsdp: 'shard_grad_op' }).perDevice.weights.bytes).toBe(1_001_000n * 4n)
    })
    it('moves offloaded state off the GPU and counts it per node', () => {
      const p = planMemory(model, { gpus: 8, zero: 2, offloadOptimizer: 'cpu', optimizer: 'Adam()', ...noOverhead })
      expect(p.perDevice.optimizerState.bytes).toBe(0n)
      expect(p.perDevice.gradients.bytes).toBe(0n)
      expect(p.perDevice.offloadedCpu.bytes).toBe((1_001_000n * 8n + 7n) / 8n + 1_001_000n * 4n / 8n)
      expect(p.perNode.cpuBytes).toBe(p.perDevice.offloadedCpu.bytes * 8n)
      const nvme = planMemory(model, { gpus: 8, zero: 3, offloadOptimizer: 'nvme', offloadParams: 'cpu' })
      expect(nvme.perDevice.offloadedNvme.bytes > 0n).toBe(true)
      expect(nvme.perDevice.weights.bytes).toBe(0n)
    })
    it('rejects impossible layouts', () => {
      expect(optionError(() => planMemory(model, { gpus: 6, tensorParallel: 4 })).message).toContain('must be a multiple of tensor × pipeline parallel')
      expect(optionError(() => planMemory(model, { gpus: 6, tensorParallel: 4 })).field).toBe('gpus')
      expect(optionError(() => planMemory(model, { zero: 2, fsdp: 'full_shard' })).message).toContain('not both')
      expect(optionError(() => planMemory(model, { offloadOptimizer: 'cpu' })).message).toContain('needs ZeRO stage 1, 2 or 3')
      expect(optionError(() => planMemory(model, { offloadOptimizer: 'cpu' })).field).toBe('offload')
      expect(optionError(() => planMemory(model, { zero: 2, offloadOptimizer: 'nvme' })).message).toContain('needs ZeRO-3')
      expect(optionError(() => planMemory(model, { zero: 2, offloadParams: 'cpu' })).message).toContain('Parameter offload needs ZeRO-3')
      expect(optionError(() => planMemory(model, { fsdp: 'full_shard', offloadOptimizer: 'cpu' })).message).toContain('FSDP offloads parameters')
      expect(optionError(() => planMemory(model, { zero: 4 as never })).message).toContain('`zero` must be one of')
      expect(optionError(() => planMemory(model, { zero: 4 as never })).field).toBe('sharding')
    })
  })

  describe('inference', () => {
    const model = analyze('nn.Sequential(nn.Linear(4096, 4096, bias=False), nn.LayerNorm(4096))'.replace('nn.LayerNorm(4096)', 'nn.Linear(4096, 16, bias=False)'))
    it('stores weights in the chosen format and adds the KV cache', () => {
      const p = planMemory(model, { mode: 'inference', weights: 'q4_k', kvCache: { layers: 80, kvHeads: 8, headDim: 128 }, contextLength: 32768, ...noOverhead })
      expect(p.memory.weights.bytes).toBe(4096n * 16n * 144n + 16n * 16n * 144n)
      expect(p.memory.kvCache.bytes).toBe(10n * GiB)
      expect(p.memory.gradients.bytes).toBe(0n)
      expect(p.memory.optimizerState.bytes).toBe(0n)
    })
    it('splits weights and KV cache over tensor-parallel GPUs', () => {
      const p = planMemory(model, { mode: 'inference', weights: 'bf16', gpus: 4, kvCache: { layers: 80, kvHeads: 8, headDim: 128 }, contextLength: 32768, ...noOverhead })
      expect(p.options.tensorParallel).toBe(4)
      expect(p.perDevice.kvCache.bytes).toBe((10n * GiB) / 4n)
    })
    it('takes the KV cache from a Hugging Face model: Llama-2-70B at 32,768 tokens in bf16 is 10 GiB', () => {
      const p = planMemory(analyze('llama-2-70b'), { mode: 'inference', weights: 'bf16', contextLength: 32768, ...noOverhead })
      expect(p.memory.kvCache.bytes).toBe(10n * GiB)
      expect(p.options.kvCache).toEqual({ layers: 80, kvHeads: 8, headDim: 128 })
      const unsized = planMemory(analyze('llama-2-70b'), { mode: 'inference' })
      expect(unsized.memory.kvCache.bytes).toBe(0n)
      expect(unsized.notes).toContainEqual({ code: 'kv-needs-context' })
      expect(cliNotes(unsized)).toContain('The KV cache is not counted: set `--seq` (tokens per sequence) to size it.')
    })
    it('gives Llama-3.1-8B 128 KiB per token and Gemma 2 a window on half its layers', () => {
      expect(planMemory(analyze('llama-3.1-8b'), { mode: 'inference', contextLength: 1 }).memory.kvCache.bytes).toBe(128n * 1024n)
      const gemma = planMemory(analyze('gemma-2-9b'), { mode: 'inference', contextLength: 8192 })
      expect(gemma.memory.kvCache.bytes).toBe((21n * 8192n + 21n * 4096n) * 2n * 8n * 256n * 2n)
    })
    it('holds the state of a state-space model per sequence, and a hybrid model\'s beside its KV cache', () => {
      // transformers 5.18, torch 2.13 (CPU forward with use_cache): a bfloat16 Mamba of hidden 64, state 16, 2 layers
      // holds, per sequence, conv states (128 × 4) in bfloat16 and SSM states (128 × 16) in float32: 18,432 bytes;
      // 3 sequences 55,296.
      const mamba = analyze({ model_type: 'mamba', vocab_size: 100, hidden_size: 64, state_size: 16, num_hidden_layers: 2, torch_dtype: 'bfloat16' })
      const p = planMemory(mamba, { mode: 'inference', batch: 3, ...noOverhead })
      expect(p.memory.kvCache.bytes).toBe(55_296n)
      expect(p.memory.total.bytes).toBe(p.memory.weights.bytes + 55_296n)
      expect(formula(p.memory.kvCache)).toBe('state of 2 layers × (conv 512 × 2 B + recurrent 2,048 × 4 B) × batch 3 = 54.00 KiB')
      // the same config in float32 keeps its conv states in float32: 20,480 bytes per sequence
      expect(planMemory(analyze({ model_type: 'mamba', vocab_size: 100, hidden_size: 64, state_size: 16, num_hidden_layers: 2 }), { mode: 'inference', ...noOverhead }).memory.kvCache.bytes).toBe(20_480n)
      expect(planMemory(mamba, { mode: 'training', ...noOverhead }).memory.kvCache.bytes).toBe(0n)
      // Jamba, 4 layers (attention at 1 and 3), bfloat16: the 2 Mamba layers hold 18,432 bytes per sequence
      const jamba = analyze({ model_type: 'jamba', vocab_size: 100, hidden_size: 64, intermediate_size: 96, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, num_experts: 2, num_experts_per_tok: 1, attn_layer_period: 2, attn_layer_offset: 1, torch_dtype: 'bfloat16' })
      const hybrid = planMemory(jamba, { mode: 'inference', batch: 2, contextLength: 10, ...noOverhead })
      expect(hybrid.memory.kvCache.bytes).toBe(2n * 2n * 10n * 2n * 2n * 16n * 2n + 2n * 18_432n)
      expect(formula(hybrid.memory.kvCache)).toContain(' + state of 2 layers × (conv 512 × 2 B + recurrent 2,048 × 4 B) × batch 2 = ')
    })
    it('needs a context length with a KV cache and refuses training-only options', () => {
      const noContext = optionError(() => planMemory(model, { mode: 'inference', kvCache: { layers: 1, kvHeads: 1, headDim: 1 } }))
      expect(noContext.message).toBe('A KV cache needs a context length (tokens per sequence).')
      expect(noContext.field).toBe('seq')
      expect(optionError(() => planMemory(model, { mode: 'inference', zero: 3 })).message).toContain('shard training state')
    })
  })

  describe('LoRA', () => {
    const llama = "nn.ModuleDict({'q_proj': nn.Linear(1024, 1024, bias=False), 'v_proj': nn.Linear(1024, 256, bias=False), 'mlp': nn.Linear(1024, 4096, bias=False)})"
    it('trains only the adapters: gradients and optimizer state on them, base frozen', () => {
      const p = planMemory(analyze(llama), { lora: { rank: 16, targets: ['q_proj', 'v_proj'] }, optimizer: 'AdamW()', precision: 'bf16', ...noOverhead })
      const adapters = 16n * (1024n + 1024n) + 16n * (1024n + 256n)
      expect(p.lora!.params).toBe(adapters)
      expect(p.memory.gradients.bytes).toBe(adapters * 4n)
      expect(p.memory.optimizerState.bytes).toBe(adapters * 8n)
      const base = 1024n * 1024n + 1024n * 256n + 1024n * 4096n
      expect(p.memory.weights.bytes).toBe(base * 2n + adapters * 4n)
    })
    it('holds the QLoRA base in NF4 with double quantisation', () => {
      const p = planMemory(analyze(llama), { lora: { rank: 16, targets: ['q_proj'], quantizeBase: true }, ...noOverhead })
      expect(formula(p.memory.weights)).toContain('NF4 with double quantisation')
      expect(p.memory.weights.bytes < 1024n * 6400n).toBe(true)
    })
    it('refuses targets that match nothing', () => {
      expect(optionError(() => planMemory(analyze(llama), { lora: { rank: 8, targets: ['k_proj'] } })).message).toContain('matches no module')
    })
  })

  describe('fit', () => {
    const model = analyze('nn.Sequential(nn.Linear(1000, 1000), nn.ReLU(), nn.Linear(1000, 10))', { input: '4,1000' })
    it('says how much is spare on a catalogue GPU', () => {
      const p = planMemory(model, { gpu: 'h100-80gb' })
      expect(p.fit!.fits).toBe(true)
      expect(fitSummary(p)!.sentence).toMatch(/^fits on NVIDIA H100 80GB with \d+\.\d\d GiB to spare/)
      expect(p.fit!.spareBytes).toBe(81559n * 1024n ** 2n - p.perDevice.total.bytes)
      expect(p.fit!.gpusNeeded).toBe(1)
      expect(p.fit!.shortfallBytes).toBe(0n)
    })
    it('says how much is missing, and how many GPUs ZeRO-3 needs', () => {
      const big = analyze('nn.Linear(50000, 150000, bias=False)')
      const p = planMemory(big, { gpu: 'a100-80gb', zero: 3, precision: 'mixed-bf16', optimizer: 'Adam()' })
      expect(p.fit!.fits).toBe(false)
      expect(fitSummary(p)!.sentence).toMatch(/^does not fit on NVIDIA A100 80GB: needs/)
      // 1 GiB overhead + 30 GB gathered + 120 GB / N ≤ 80 GiB → N = 3
      expect(p.fit!.gpusNeeded).toBe(3)
    })
    it('caps hybrid sharding at one node, so more nodes do not help', () => {
      const big = analyze('nn.Linear(50000, 150000, bias=False)')
      const p = planMemory(big, { gpu: 'a100-80gb', fsdp: 'hybrid_shard', gpusPerNode: 2, precision: 'mixed-bf16', optimizer: 'Adam()' })
      expect(p.fit!.gpusNeeded).toBeNull()
      expect(planMemory(big, { gpu: 'a100-80gb', fsdp: 'full_shard', precision: 'mixed-bf16', optimizer: 'Adam()' }).fit!.gpusNeeded).toBe(3)
    })
    it('finds no GPU count when nothing is sharded', () => {
      const big = analyze('nn.Linear(50000, 150000, bias=False)')
      const p = planMemory(big, { gpu: 'a100-80gb' })
      expect(p.fit!.gpusNeeded).toBeNull()
      expect(notes(p).some((n) => n.includes('More GPUs do not help without sharding'))).toBe(true)
    })
    it('finds the largest batch that fits', () => {
      const p = planMemory(model, { gpu: '2GiB', overheadBytes: 0n })
      const b = p.fit!.largestBatch!
      expect(b).toBeGreaterThan(100_000)
      expect(planMemory(model, { gpu: '2GiB', overheadBytes: 0n, batch: b }).fit!.fits).toBe(true)
      expect(planMemory(model, { gpu: '2GiB', overheadBytes: 0n, batch: b + 1 }).fit!.fits).toBe(false)
    })
    it('gives the tensor-parallel degree that serves a model', () => {
      const p = planMemory(analyze('nn.Linear(50000, 150000, bias=False)'), { mode: 'inference', weights: 'bf16', gpu: 'h100-80gb' })
      expect(p.fit!.gpusNeeded).toBe(1)
      const q = planMemory(analyze('nn.Linear(50000, 150000, bias=False)'), { mode: 'inference', weights: 'fp32', gpu: 'rtx-4090' })
      expect(q.fit!.gpusNeeded).toBe(2)
    })
  })

  describe('bad input', () => {
    const model = analyze('nn.Linear(4, 4)')
    const bad: Array<[MemoryOptions, string]> = [
      [{ batch: 0 }, '`batch` must be a whole number from 1'],
      [{ batch: -3 }, '`batch`'],
      [{ batch: 1.5 }, '`batch`'],
      [{ batch: Number.NaN }, '`batch`'],
      [{ gpus: 0 }, '`gpus`'],
      [{ gradAccumulation: Infinity }, '`gradAccumulation`'],
      [{ mode: 'serve' as never }, '`mode` must be one of'],
      [{ checkpointing: 'some' as never }, '`checkpointing`'],
      [{ gpu: 'h1000' }, 'Unknown GPU'],
      [{ gpu: '0GB' }, 'must be positive'],
      [{ precision: 'fp12' }, 'Unknown precision'],
      [{ weights: 'q4' }, 'Unknown weight format'],
      [{ optimizer: 'Adamm()' }, 'Unknown optimizer'],
      [{ overheadBytes: -1n }, 'cannot be negative'],
      [{ torch: '3.0' as never }, '`torch` must be one of'],
      [{ kvCacheDType: 'fp4' }, '`kvCacheDType`'],
    ]
    for (const [options, message] of bad) {
      it(`rejects ${JSON.stringify(options, (_, v) => (typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v))}`, () => {
        const e = optionError(() => planMemory(model, options))
        expect(e.code).toBe('option')
        expect(e.message).toContain(message)
      })
    }
    it('rejects a non-analysis', () => {
      expect(optionError(() => planMemory({} as never)).code).toBe('option')
    })
  })
})

describe('nodes', () => {
  const model = analyze('nn.Linear(1000, 1000)')
  it('derives the missing one of GPUs, GPUs per node and nodes from the other two', () => {
    expect(planMemory(model, { nodes: 2, gpusPerNode: 4 }).options).toMatchObject({ gpus: 8, gpusPerNode: 4, nodes: 2 })
    expect(planMemory(model, { nodes: 4, gpus: 32 }).options).toMatchObject({ gpus: 32, gpusPerNode: 8, nodes: 4 })
    expect(planMemory(model, { nodes: 2, gpus: 12, gpusPerNode: 6 }).options).toMatchObject({ gpus: 12, gpusPerNode: 6, nodes: 2 })
    expect(planMemory(model, { gpus: 12, gpusPerNode: 8 }).options).toMatchObject({ gpus: 12, gpusPerNode: 8, nodes: 2 })
    expect(describeMemoryOptions(planMemory(model, { nodes: 2, gpusPerNode: 4, zero: 3 }))).toBe('training · torch.optim.AdamW() · precision float32, as built · batch 1 · 8 GPUs on 2 nodes of 4 · ZeRO-3')
  })
  it('refuses conflicting or incomplete counts, naming the nodes field', () => {
    const conflict = optionError(() => planMemory(model, { nodes: 2, gpus: 12, gpusPerNode: 8 }))
    expect([conflict.field, conflict.message]).toEqual(['nodes', '2 nodes × 8 GPUs per node = 16 GPUs, but the number of GPUs given is 12; give two of the three.'])
    expect(optionError(() => planMemory(model, { nodes: 3, gpus: 8 })).message).toBe('8 GPUs do not divide evenly over 3 nodes.')
    expect(optionError(() => planMemory(model, { nodes: 2 })).field).toBe('nodes')
    expect(optionError(() => planMemory(model, { nodes: 0, gpus: 8 })).message).toContain('`nodes` must be a whole number from 1')
  })
  it('shards hybrid strategies within a node of the given size, and says when the size is the default', () => {
    const four = planMemory(model, { nodes: 4, gpusPerNode: 4, fsdp: 'hybrid_shard', ...noOverhead })
    expect(four.perDevice.weights.bytes).toBe((1_001_000n * 4n) / 4n)
    expect(four.notes.some((n) => n.code === 'hybrid-default-node')).toBe(false)
    const assumed = planMemory(model, { gpus: 16, fsdp: 'hybrid_shard', ...noOverhead })
    expect(assumed.perDevice.weights.bytes).toBe((1_001_000n * 4n) / 8n)
    expect(cliNotes(assumed)).toContain('Hybrid sharding shards within one node, taken as 8 GPUs; set `--gpusPerNode` or `--nodes` for your nodes.')
  })
})

describe('the DeepSpeed estimator', () => {
  const model = analyze('nn.Linear(1000, 1000)')
  it('covers ZeRO-2 and ZeRO-3 of training on whole nodes, and says so', () => {
    const stage1 = optionError(() => planMemory(model, { estimator: 'deepspeed', zero: 1, gpus: 8 }))
    expect([stage1.field, stage1.message]).toEqual(['estimator', "DeepSpeed's estimator covers ZeRO-2 and ZeRO-3 only; choose ZeRO stage 2 or 3 (got stage 1)."])
    expect(optionError(() => planMemory(model, { estimator: 'deepspeed', gpus: 8 })).message).toBe("DeepSpeed's estimator covers ZeRO-2 and ZeRO-3 only; choose ZeRO stage 2 or 3.")
    expect(optionError(() => planMemory(model, { estimator: 'deepspeed', fsdp: 'full_shard', gpus: 8 })).message).toContain('instead of FSDP')
    expect(optionError(() => planMemory(model, { estimator: 'deepspeed', mode: 'inference' })).field).toBe('estimator')
    expect(optionError(() => planMemory(model, { estimator: 'deepspeed', zero: 3, gpus: 12, gpusPerNode: 8 })).message).toContain('takes whole nodes')
    expect(optionError(() => planMemory(model, { estimator: 'other' as never })).field).toBe('estimator')
  })
  it('leaves the plan as it is and adds DeepSpeed\'s table', () => {
    const plain = planMemory(model, { zero: 3, gpus: 8 })
    const ds = planMemory(model, { zero: 3, gpus: 8, estimator: 'deepspeed' })
    expect(ds.perDevice.total.bytes).toBe(plain.perDevice.total.bytes)
    expect(plain.deepspeed).toBeUndefined()
    expect(ds.deepspeed).toMatchObject({ stage: 3, totalParams: 1_001_000n, largestLayerParams: 1_001_000n, largestLayerModule: '', nodes: 1, gpusPerNode: 8 })
    expect(notes(ds).some((n) => n.includes('for mixed-precision Adam') && !n.includes('whatever'))).toBe(true)
    expect(notes(planMemory(model, { zero: 3, gpus: 8, estimator: 'deepspeed', optimizer: 'SGD' })).some((n) => n.includes('whatever `optimizer` says'))).toBe(true)
  })
})
