import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'
import { NnsizeError } from '../../../errors.js'
import { findModel } from '../catalogue.js'

const tiny = { model_type: 't5', vocab_size: 10, d_model: 4, d_kv: 2, d_ff: 8, num_layers: 1, num_heads: 2, relative_attention_num_buckets: 3 }

describe('t5', () => {
  it('shares one embedding, puts relative_attention_bias only in block 0, and adds cross-attention to decoder blocks', () => {
    const names = analyze(tiny).tensors.filter((t) => t.kind === 'parameter').map((t) => t.name)
    expect(names).toEqual([
      'shared.weight',
      'encoder.block.0.layer.0.SelfAttention.q.weight',
      'encoder.block.0.layer.0.SelfAttention.k.weight',
      'encoder.block.0.layer.0.SelfAttention.v.weight',
      'encoder.block.0.layer.0.SelfAttention.o.weight',
      'encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight',
      'encoder.block.0.layer.0.layer_norm.weight',
      'encoder.block.0.layer.1.DenseReluDense.wi.weight',
      'encoder.block.0.layer.1.DenseReluDense.wo.weight',
      'encoder.block.0.layer.1.layer_norm.weight',
      'encoder.final_layer_norm.weight',
      'decoder.block.0.layer.0.SelfAttention.q.weight',
      'decoder.block.0.layer.0.SelfAttention.k.weight',
      'decoder.block.0.layer.0.SelfAttention.v.weight',
      'decoder.block.0.layer.0.SelfAttention.o.weight',
      'decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight',
      'decoder.block.0.layer.0.layer_norm.weight',
      'decoder.block.0.layer.1.EncDecAttention.q.weight',
      'decoder.block.0.layer.1.EncDecAttention.k.weight',
      'decoder.block.0.layer.1.EncDecAttention.v.weight',
      'decoder.block.0.layer.1.EncDecAttention.o.weight',
      'decoder.block.0.layer.1.layer_norm.weight',
      'decoder.block.0.layer.2.DenseReluDense.wi.weight',
      'decoder.block.0.layer.2.DenseReluDense.wo.weight',
      'decoder.block.0.layer.2.layer_norm.weight',
      'decoder.final_layer_norm.weight',
    ])
  })

  it('gates the feed-forward for gated-gelu, and for is_gated_act: true', () => {
    const gated = analyze({ ...tiny, feed_forward_proj: 'gated-gelu' }).tensors.map((t) => t.name)
    expect(gated).toContain('encoder.block.0.layer.1.DenseReluDense.wi_0.weight')
    expect(gated).toContain('encoder.block.0.layer.1.DenseReluDense.wi_1.weight')
    expect(analyze({ ...tiny, is_gated_act: true }).tensors.map((t) => t.name)).toContain('decoder.block.0.layer.2.DenseReluDense.wi_1.weight')
  })

  it('rejects a feed_forward_proj that T5Config rejects', () => {
    expect(() => analyze({ ...tiny, feed_forward_proj: 'fast-gelu' })).toThrow('`feed_forward_proj` is `fast-gelu`')
  })

  it('gives num_decoder_layers the value of num_layers by default', () => {
    const r = analyze({ ...tiny, num_layers: 2 })
    expect(r.tensors.some((t) => t.name.startsWith('decoder.block.1.'))).toBe(true)
    expect(analyze({ ...tiny, num_layers: 2, num_decoder_layers: 1 }).tensors.some((t) => t.name.startsWith('decoder.block.1.'))).toBe(false)
  })

  it('builds T5EncoderModel without a decoder', () => {
    const r = analyze({ ...tiny, architectures: ['T5EncoderModel'] })
    expect(r.tensors.some((t) => t.name.startsWith('decoder.'))).toBe(false)
    expect(r.model?.kvCacheNote).toBe('encoder-only model: no KV cache')
  })

  it('matches published T5 and Flan-T5 sizes', () => {
    expect(analyze('t5-small').params.total).toBe(60_506_624n)
    expect(analyze('t5-large').params.total).toBe(737_668_096n)
    expect(analyze('flan-t5-small').params.total).toBe(76_961_152n)
    expect(analyze('flan-t5-base').params.total).toBe(247_577_856n)
    expect(analyze('google/flan-t5-xl').params.total).toBe(2_849_757_184n)
  })

  it('reports the encoder-decoder KV cache as not available, with the reason', () => {
    const r = analyze('t5-small')
    expect(r.model?.kvCache).toBeNull()
    expect(r.model?.kvCacheNote).toContain('encoder-decoder')
  })
})

describe('mt5', () => {
  it('uses MT5Config defaults: tied as transformers 5 ties it, gated; an untied config keeps its own head', () => {
    const r = analyze({ model_type: 'mt5', vocab_size: 10, d_model: 4, d_kv: 2, d_ff: 8, num_layers: 1, num_heads: 2 })
    expect(r.model?.architecture).toBe('MT5ForConditionalGeneration')
    expect(r.model?.tiedEmbeddings).toBe(true)
    const untied = analyze({ model_type: 'mt5', vocab_size: 10, d_model: 4, d_kv: 2, d_ff: 8, num_layers: 1, num_heads: 2, tie_word_embeddings: false })
    expect(untied.model?.tiedEmbeddings).toBe(false)
    expect(untied.model?.notes.join(' ')).toContain('transformers 5 ties every T5 head')
    expect(r.tensors.map((t) => t.name)).toContain('encoder.block.0.layer.1.DenseReluDense.wi_0.weight')
    expect(analyze('mt5-small').params.total).toBe(300_176_768n)
  })
})

describe('bart', () => {
  it('matches the published bart-large and bart-base BartModel counts', () => {
    expect(analyze('facebook/bart-large').params.total).toBe(406_291_456n)
    expect(analyze('bart-base').params.total).toBe(139_420_416n)
  })

  it('ties the encoder and decoder embeddings and the head to model.shared, with a final_logits_bias buffer', () => {
    const r = analyze({ ...findModel('bart-base')!.config, architectures: ['BartForConditionalGeneration'] })
    expect(r.params.total).toBe(139_420_416n)
    expect(r.model?.tiedEmbeddings).toBe(true)
    expect(r.tensors.find((t) => t.kind === 'buffer')).toMatchObject({ name: 'final_logits_bias', shape: [1, 50265] })
    const attention = r.tensors.filter((t) => t.name.startsWith('model.encoder.layers.0.self_attn.') && t.name.endsWith('weight')).map((t) => t.name)
    expect(attention).toEqual(['k_proj', 'v_proj', 'q_proj', 'out_proj'].map((p) => `model.encoder.layers.0.self_attn.${p}.weight`))
  })

  it('gives each stack its own embed_tokens and the head its own matrix when untied', () => {
    // transformers 5.18 applies `_tied_weights_keys` only with tie_word_embeddings (torch 2.13, meta): 672 parameters
    // untied, 552 tied.
    const config = { model_type: 'bart', vocab_size: 10, d_model: 4, encoder_layers: 1, decoder_layers: 1, encoder_attention_heads: 2, decoder_attention_heads: 2, encoder_ffn_dim: 8, decoder_ffn_dim: 8, max_position_embeddings: 6 }
    const untied = analyze({ ...config, tie_word_embeddings: false })
    expect(untied.params.total).toBe(672n)
    expect(untied.tensors.filter((t) => /embed_tokens|shared|lm_head/.test(t.name)).map((t) => t.name)).toEqual(['model.shared.weight', 'model.encoder.embed_tokens.weight', 'model.decoder.embed_tokens.weight', 'lm_head.weight'])
    expect(analyze(config).params.total).toBe(552n)
  })

  it('rejects d_model not divisible by the attention heads', () => {
    try {
      analyze({ model_type: 'bart', d_model: 10, encoder_attention_heads: 3 })
      expect.unreachable()
    } catch (e) {
      expect(NnsizeError.isInstance(e) && e.code).toBe('config')
      expect((e as Error).message).toContain('`encoder_attention_heads` (3)')
    }
  })
})
