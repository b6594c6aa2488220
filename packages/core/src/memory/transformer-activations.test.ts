import { describe, expect, it } from 'vitest'
import { megatronLayerActivationBytes } from './transformer-activations.js'

// Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models" (arXiv:2205.05198).
// GPT-3 175B: s = 2048, h = 12288, a = 96 heads; the paper notes that for it 5as/h = 80, larger than 34.
const gpt3 = { seq: 2048, batch: 1, hidden: 12288, heads: 96 }
const sbh = 2048n * 12288n

describe('megatronLayerActivationBytes', () => {
  it('is sbh(34 + 5as/h) per layer without parallelism (table 2, first row)', () => {
    expect((5 * 96 * 2048) / 12288).toBe(80)
    expect(megatronLayerActivationBytes(gpt3)).toEqual({ bytes: sbh * (34n + 80n), linearBytes: 34n * sbh, attentionBytes: 80n * sbh })
  })
  it('divides as the paper\'s table 2 says under tensor and sequence parallelism', () => {
    // tensor parallel t = 8: sbh(10 + 24/t + 5as/(ht))
    expect(megatronLayerActivationBytes({ ...gpt3, tensorParallel: 8 }).bytes).toBe(sbh * 10n + (sbh * 24n) / 8n + (sbh * 80n) / 8n)
    // with sequence parallelism: sbh/t · (34 + 5as/h)
    expect(megatronLayerActivationBytes({ ...gpt3, tensorParallel: 8, sequenceParallel: true }).bytes).toBe((sbh * 114n) / 8n)
  })
  it('keeps sbh(10 + 24/t) with selective recomputation and 2sbh with full recomputation', () => {
    expect(megatronLayerActivationBytes({ ...gpt3, checkpointing: 'selective' }).bytes).toBe(34n * sbh)
    expect(megatronLayerActivationBytes({ ...gpt3, tensorParallel: 8, checkpointing: 'selective' }).bytes).toBe(10n * sbh + (24n * sbh) / 8n)
    expect(megatronLayerActivationBytes({ ...gpt3, tensorParallel: 8, sequenceParallel: true, checkpointing: 'selective' }).bytes).toBe((34n * sbh) / 8n)
    expect(megatronLayerActivationBytes({ ...gpt3, checkpointing: 'full' }).bytes).toBe(2n * sbh)
  })
  it('refuses sizes that are not whole and positive', () => {
    expect(() => megatronLayerActivationBytes({ ...gpt3, seq: 0 })).toThrow('`seq` must be a whole number of at least 1')
    expect(() => megatronLayerActivationBytes({ ...gpt3, heads: 1.5 })).toThrow('`heads`')
  })
})

import { analyze } from '../analyze.js'
import { planMemory } from './plan.js'
import { transformerActivationBytes, transformerInferenceBytes, transformerLayerTerms } from './transformer-activations.js'
import type { TransformerShape } from '../zoo/hf/transformer-shape.js'

const block = (over: Partial<TransformerShape>): TransformerShape => ({
  layers: 1, hidden: 64, heads: 4, kvHeads: 4, headDim: 16, intermediate: 256, glu: false, activationKeepsOutput: false,
  vocab: 1000, lmHead: false, attentionDropout: 0, hiddenDropout: 0, moe: null, ...over,
})

describe('transformerLayerTerms', () => {
  it('is Korthikanti et al.\'s sbh(34 + 5as/h) for a GPT-3-style block (LayerNorm, GELU MLP of 4h, dropout, eager attention)', () => {
    const shape = block({ hidden: 12288, heads: 96, headDim: 128, intermediate: 4 * 12288, attentionDropout: 0.1, hiddenDropout: 0.1 })
    const layer = transformerLayerTerms(shape, 2048, 1, 2, 'eager')
    expect(layer.bytes).toBe(megatronLayerActivationBytes(gpt3).bytes)
    expect(layer.scores).toBe(megatronLayerActivationBytes(gpt3).attentionBytes)
    const selective = transformerActivationBytes(shape, { seq: 2048, batch: 1, elementBytes: 2, attention: 'eager', checkpointing: 'selective' })
    expect(selective.keptPerLayer).toBe(megatronLayerActivationBytes({ ...gpt3, checkpointing: 'selective' }).bytes)
    const full = transformerActivationBytes(shape, { seq: 2048, batch: 1, elementBytes: 2, attention: 'eager', checkpointing: 'full' })
    expect(full.keptPerLayer).toBe(megatronLayerActivationBytes({ ...gpt3, checkpointing: 'full' }).bytes)
  })

  // The same block two ways: nn.TransformerEncoderLayer (pre-norm, batch-first, no dropout) traced on CUDA, where
  // PyTorch's multi-head attention runs scaled_dot_product_attention, and the formula in float32. Tolerance 2%: the
  // formula leaves out what is per token rather than per element — LayerNorm's mean and reciprocal std (2 floats per
  // token each norm, 512 B) and the kernel padding its log-sum-exp to 32 positions (512 B) — 1,024 of 99,840 bytes
  // here, a share that shrinks as h grows.
  it.each([
    ['relu', { activationKeepsOutput: true }],
    ['gelu', {}],
  ] as const)('agrees with the module tracer on a %s block within 2%%', (act, over) => {
    const traced = analyze(`nn.TransformerEncoderLayer(64, 4, 256, dropout=0.0, activation='${act}', batch_first=True, norm_first=True)`, { input: [2, 16, 64] }).forward!.savedBytes
    // the tracer leaves out the block's input (the first norm's input): so does this comparison
    const formula = transformerLayerTerms(block(over), 16, 2, 4, 'sdpa').bytes - 2n * 16n * 64n * 4n
    expect(Number(formula)).toBeGreaterThan(Number(traced) * 0.98)
    expect(Number(formula)).toBeLessThan(Number(traced) * 1.02)
  })

  it('counts four i-wide tensors in a gated MLP and k experts per token in a mixture of experts', () => {
    const t = 8n * 2n
    const dense = transformerLayerTerms(block({ glu: true }), 8, 2, 2, 'sdpa')
    expect(dense.mlp).toBe(t * 64n * 2n + 4n * t * 256n * 2n)
    const moe = transformerLayerTerms(block({ glu: true, moe: { experts: 8, topK: 2, intermediate: 128, sharedIntermediate: 0, layers: 1 } }), 8, 2, 2, 'sdpa')
    expect(moe.mlp).toBe(t * 64n * 2n + t * 8n * 4n + 2n * (t * 64n * 2n + 4n * t * 128n * 2n))
  })
})

describe('transformer activations of a Hugging Face config', () => {
  const plan = (extra: Record<string, unknown>) => planMemory(analyze('llama-3.1-8b'), { optimizer: 'AdamW()', precision: 'bf16-mixed', contextLength: 8192, ...extra })

  it('sizes Llama-3.1-8B at 8,192 tokens from its architecture, the float32 logits of its 128,256-token vocabulary the largest part', () => {
    const a = plan({}).memory.activations
    expect(a.basis.kind).toBe('activations-transformer')
    if (a.basis.kind !== 'activations-transformer') return
    const t = a.basis.terms
    const tokens = 8192n
    // h = 4096, 32 heads and 8 KV heads of 128, i = 14336 gated, V = 128256, bf16 activations
    expect(t.layer.attention).toBe(tokens * 4096n * 2n + tokens * (32n + 16n) * 128n * 2n + 2n * tokens * 4096n * 2n + 32n * tokens * 4n)
    expect(t.layer.mlp).toBe(tokens * 4096n * 2n + 4n * tokens * 14336n * 2n)
    expect(t.logits).toBe(tokens * 128256n * 2n)
    expect(t.loss).toBe(2n * tokens * 128256n * 4n)
    expect(a.bytes).toBe(32n * t.layer.bytes + tokens * 8n + 2n * tokens * 4096n * 2n + t.logits + t.loss)
    expect(t.loss > t.layer.bytes).toBe(true)
  })

  it('keeps less only under full checkpointing (SDPA keeps no scores for selective to drop), and divides by the tensor-parallel degree', () => {
    const none = plan({}).memory.activations.bytes
    expect(plan({ checkpointing: 'selective' }).memory.activations.bytes).toBe(none)
    const full = plan({ checkpointing: 'full' }).memory.activations.bytes
    expect(full < none).toBe(true)
    const tp = plan({ gpus: 8, tensorParallel: 8 }).perDevice.activations
    expect(tp.bytes).toBe((none + 7n) / 8n)
    // every term grows with the tokens s·b: a micro-batch of 2 doubles them
    expect(plan({ batch: 2 }).memory.activations.bytes).toBe(2n * none)
  })

  it('sizes inference as the prefill peak, with one decode step beside it', () => {
    const p = planMemory(analyze('llama-3.1-8b'), { mode: 'inference', contextLength: 8192 })
    const a = p.memory.activations
    expect(a.basis.kind).toBe('activations-transformer-inference')
    const shape = analyze('llama-3.1-8b').model!.transformer!
    const terms = transformerInferenceBytes(shape, { seq: 8192, batch: 1, elementBytes: 2 })
    expect(a.bytes).toBe(terms.prefill.bytes)
    expect(terms.decode.bytes < terms.prefill.bytes).toBe(true)
    expect(terms.prefill.logits).toBe(128256n * 4n)
  })

  it('asks for --seq in training instead of guessing a length', () => {
    const p = planMemory(analyze('llama-3.1-8b'), { optimizer: 'AdamW()' })
    expect(p.memory.activations.basis.kind).toBe('activations-need-seq')
    expect(p.notes).toContainEqual({ code: 'activations-need-seq' })
    expect(p.notes.some((n) => n.code === 'activations-not-counted')).toBe(false)
  })
})

describe('transformerShapeOf', () => {
  it('reads a config\'s sizes, dropout, gating and experts', () => {
    const gpt2 = analyze({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 50257, n_embd: 768, n_layer: 12, n_head: 12, attn_pdrop: 0.1, resid_pdrop: 0.1 }).model!.transformer!
    expect(gpt2).toEqual({ layers: 12, hidden: 768, heads: 12, kvHeads: 12, headDim: 64, intermediate: 3072, glu: false, activationKeepsOutput: false, vocab: 50257, lmHead: true, attentionDropout: 0.1, hiddenDropout: 0.1, moe: null })
    const mixtral = analyze('mixtral-8x7b').model!.transformer!
    expect(mixtral).toMatchObject({ layers: 32, hidden: 4096, kvHeads: 8, glu: true, vocab: 32000, moe: { experts: 8, topK: 2, intermediate: 14336, sharedIntermediate: 0, layers: 32 } })
  })

  it('takes the dropout a family\'s config class defaults to when config.json leaves it out', () => {
    // transformers 5.18: GPT2Config().attn_pdrop == resid_pdrop == 0.1, BertConfig().hidden_dropout_prob == 0.1,
    // OPTConfig().dropout == 0.1 with attention_dropout 0.0, LlamaConfig() none
    const gpt2 = analyze({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 1000, n_embd: 64, n_layer: 2, n_head: 4 }).model!.transformer!
    expect([gpt2.attentionDropout, gpt2.hiddenDropout]).toEqual([0.1, 0.1])
    const bert = analyze({ architectures: ['BertForMaskedLM'], model_type: 'bert', vocab_size: 1000, hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 256 }).model!.transformer!
    expect([bert.attentionDropout, bert.hiddenDropout]).toEqual([0.1, 0.1])
    // an encoder-decoder (T5: `dropout_rate`) is not sized from its architecture
    expect(analyze({ architectures: ['T5ForConditionalGeneration'], model_type: 't5', vocab_size: 1000, d_model: 64, d_ff: 256, d_kv: 16, num_layers: 2, num_heads: 4 }).model!.transformer).toBeUndefined()
    const opt = analyze({ architectures: ['OPTForCausalLM'], model_type: 'opt', vocab_size: 1000, hidden_size: 64, ffn_dim: 256, num_hidden_layers: 2, num_attention_heads: 4, word_embed_proj_dim: 64 }).model!.transformer!
    expect([opt.attentionDropout, opt.hiddenDropout]).toEqual([0, 0.1])
    // a value the config gives wins over the default
    expect(analyze({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 1000, n_embd: 64, n_layer: 2, n_head: 4, resid_pdrop: 0, attn_pdrop: 0 }).model!.transformer!.hiddenDropout).toBe(0)
    expect(analyze('llama-3.1-8b').model!.transformer!.hiddenDropout).toBe(0)
  })

  it('keeps 1-byte dropout masks for a GPT-2 config without dropout keys (native_dropout saves a bool mask on CUDA)', () => {
    const config = { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 1000, n_embd: 64, n_layer: 2, n_head: 4 }
    const terms = transformerActivationBytes(analyze(config).model!.transformer!, { seq: 16, batch: 2, elementBytes: 2 })
    expect(terms.layer.masks).toBe(2n * 32n * 64n)
    expect(terms.embeddings).toBe(32n * 8n + 32n * 64n)
  })

  it('sizes DeepSeek-V3\'s first three dense blocks with intermediate_size and the other 58 with experts', () => {
    const v3 = analyze('deepseek-v3')
    const shape = v3.model!.transformer!
    expect(shape.moe).toMatchObject({ experts: 256, topK: 8, intermediate: 2048, sharedIntermediate: 2048, layers: 58 })
    const t = transformerActivationBytes(shape, { seq: 4096, batch: 1, elementBytes: 2 })
    const tokens = 4096n
    expect(t.layers).toBe(58)
    expect(t.dense!.layers).toBe(3)
    // a dense block's MLP: its input and four 18,432-wide tensors (gated)
    expect(t.dense!.layer.mlp).toBe(tokens * 7168n * 2n + 4n * tokens * 18432n * 2n)
    // a MoE block: router input, float32 router probabilities, 8 experts per token and the shared expert
    expect(t.layer.mlp).toBe(tokens * 7168n * 2n + tokens * 256n * 4n + 8n * (tokens * 7168n * 2n + 4n * tokens * 2048n * 2n) + 4n * tokens * 2048n * 2n)
    expect(t.bytes).toBe(58n * t.layer.bytes + 3n * t.dense!.layer.bytes + t.embeddings + t.output + t.logits + t.loss)
    const full = transformerActivationBytes(shape, { seq: 4096, batch: 1, elementBytes: 2, checkpointing: 'full' })
    expect(full.recompute).toBe(t.layer.bytes > t.dense!.layer.bytes ? t.layer.bytes : t.dense!.layer.bytes)
    expect(full.keptPerLayer).toBe(tokens * 7168n * 2n)
    // the same model the planner sizes, and its formula names both kinds of block
    const plan = planMemory(v3, { contextLength: 4096, precision: 'bf16' })
    expect(plan.memory.activations.bytes).toBe(t.bytes)
    // inference: the peak holds the larger of the two kinds of block
    const inference = transformerInferenceBytes(shape, { seq: 4096, batch: 1, elementBytes: 2 })
    const moeBlock = transformerLayerTerms(shape, 4096, 1, 2, 'sdpa', false)
    const denseBlock = transformerLayerTerms(shape, 4096, 1, 2, 'sdpa', false, 'dense')
    expect(inference.prefill.layer.bytes).toBe(moeBlock.bytes > denseBlock.bytes ? moeBlock.bytes : denseBlock.bytes)
  })
})
