import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'
import { findModel } from '../catalogue.js'

const names = (config: Record<string, unknown>) => analyze(config).tensors.filter((t) => t.kind === 'parameter').map((t) => t.name)
const tiny = { vocab_size: 10, hidden_size: 4, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 8, max_position_embeddings: 6, type_vocab_size: 2 }

describe('bert', () => {
  it('names BertForMaskedLM tensors as its checkpoints do; the prediction bias is the head\'s own parameter', () => {
    // modeling_bert.py: BertLMPredictionHead registers transform and decoder, then self.bias, and sets decoder.bias = self.bias;
    // named_parameters() lists a module's own parameters before its children's.
    expect(names({ ...tiny, architectures: ['BertForMaskedLM'], model_type: 'bert' })).toEqual([
      'bert.embeddings.word_embeddings.weight',
      'bert.embeddings.position_embeddings.weight',
      'bert.embeddings.token_type_embeddings.weight',
      'bert.embeddings.LayerNorm.weight',
      'bert.embeddings.LayerNorm.bias',
      'bert.encoder.layer.0.attention.self.query.weight',
      'bert.encoder.layer.0.attention.self.query.bias',
      'bert.encoder.layer.0.attention.self.key.weight',
      'bert.encoder.layer.0.attention.self.key.bias',
      'bert.encoder.layer.0.attention.self.value.weight',
      'bert.encoder.layer.0.attention.self.value.bias',
      'bert.encoder.layer.0.attention.output.dense.weight',
      'bert.encoder.layer.0.attention.output.dense.bias',
      'bert.encoder.layer.0.attention.output.LayerNorm.weight',
      'bert.encoder.layer.0.attention.output.LayerNorm.bias',
      'bert.encoder.layer.0.intermediate.dense.weight',
      'bert.encoder.layer.0.intermediate.dense.bias',
      'bert.encoder.layer.0.output.dense.weight',
      'bert.encoder.layer.0.output.dense.bias',
      'bert.encoder.layer.0.output.LayerNorm.weight',
      'bert.encoder.layer.0.output.LayerNorm.bias',
      'cls.predictions.bias',
      'cls.predictions.transform.dense.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.LayerNorm.bias',
    ])
  })

  it('adds the pooler for BertModel and the next-sentence head for BertForPreTraining', () => {
    const model = analyze({ ...tiny, architectures: ['BertModel'], model_type: 'bert' })
    expect(model.tensors.filter((t) => t.kind === 'parameter').at(-1)?.name).toBe('pooler.dense.bias')
    expect(model.tensors.filter((t) => t.kind === 'buffer').map((t) => `${t.name} ${t.dtype} ${t.shape.join('×')} ${t.persistent}`)).toEqual(['embeddings.position_ids int64 1×6 false', 'embeddings.token_type_ids int64 1×6 false'])
    expect(model.model?.breakdown['pooler']).toBe(20n)
    const pretraining = analyze({ ...tiny, architectures: ['BertForPreTraining'], model_type: 'bert' })
    // BertModel + MLM head (10 bias + 20 dense + 8 LayerNorm) + seq_relationship (4 × 2 + 2)
    expect(pretraining.params.total).toBe(model.params.total + 38n + 10n)
    expect(pretraining.model?.breakdown['nsp_head']).toBe(10n)
  })

  it('gives an untied decoder its own weight and bias beside the head\'s bias', () => {
    // transformers 5.18 ties `decoder.weight` and `decoder.bias` (`_tied_weights_keys`) only with tie_word_embeddings;
    // measured on the meta device with torch 2.13: 340 parameters untied, 290 tied.
    const untied = analyze({ ...tiny, architectures: ['BertForMaskedLM'], model_type: 'bert', tie_word_embeddings: false })
    expect(untied.params.total).toBe(340n)
    expect(untied.tensors.filter((t) => t.name.startsWith('cls.')).map((t) => t.name).slice(-3)).toEqual(['cls.predictions.transform.LayerNorm.bias', 'cls.predictions.decoder.weight', 'cls.predictions.decoder.bias'])
    expect(untied.model?.tiedEmbeddings).toBe(false)
    expect(analyze({ ...tiny, architectures: ['BertForMaskedLM'], model_type: 'bert' }).params.total).toBe(290n)
  })

  it('builds no distance_embedding for a relative position_embedding_type, and says so', () => {
    // transformers 5.18 reads no position_embedding_type: BertModel has 272 parameters either way (torch 2.13, meta).
    const r = analyze({ ...tiny, architectures: ['BertModel'], model_type: 'bert', position_embedding_type: 'relative_key' })
    expect(r.params.total).toBe(272n)
    expect(r.tensors.some((t) => t.name.includes('distance_embedding'))).toBe(false)
    expect(r.model?.notes).toContain(
      "The config's `position_embedding_type` `relative_key` is not applied: transformers 5.18 no longer builds relative-position tables (`distance_embedding`), so the model has only its absolute position table and a checkpoint's `distance_embedding` weights are not loaded.",
    )
  })

  it('adds a crossattention to every layer of a decoder with add_cross_attention, and refuses it without is_decoder', () => {
    // torch 2.13 + transformers 5.18 on meta: 360 parameters, `crossattention.self` a BertCrossAttention; without
    // is_decoder, BertLayer raises a ValueError.
    const r = analyze({ ...tiny, architectures: ['BertModel'], model_type: 'bert', is_decoder: true, add_cross_attention: true })
    expect(r.params.total).toBe(360n)
    expect(r.tensors.filter((t) => t.name.startsWith('encoder.layer.0.crossattention.')).map((t) => t.name)).toEqual(
      ['self.query', 'self.key', 'self.value', 'output.dense'].flatMap((m) => [`encoder.layer.0.crossattention.${m}.weight`, `encoder.layer.0.crossattention.${m}.bias`]).concat(['encoder.layer.0.crossattention.output.LayerNorm.weight', 'encoder.layer.0.crossattention.output.LayerNorm.bias']),
    )
    expect(() => analyze({ ...tiny, architectures: ['BertModel'], model_type: 'bert', add_cross_attention: true })).toThrow(/`add_cross_attention` is true but `is_decoder` is not/)
  })

  it('sizes the classifier from id2label', () => {
    const r = analyze({ ...tiny, architectures: ['BertForSequenceClassification'], model_type: 'bert', id2label: { 0: 'a', 1: 'b', 2: 'c' } })
    expect(r.tensors.find((t) => t.name === 'classifier.weight')?.shape).toEqual([3, 4])
  })

  it('matches the published bert-large-uncased BertModel count', () => {
    expect(analyze({ ...findModel('bert-large-uncased')!.config, architectures: ['BertModel'] }).params.total).toBe(335_141_888n)
  })

  it('reports no KV cache for an encoder', () => {
    const r = analyze('bert-base-uncased')
    expect(r.model?.kvCache).toBeNull()
    expect(r.model?.kvCacheNote).toBe('encoder-only model: no KV cache')
  })
})

describe('roberta', () => {
  it('has lm_head.{bias,dense,layer_norm} and no pooler in RobertaForMaskedLM', () => {
    const list = names({ ...tiny, architectures: ['RobertaForMaskedLM'], model_type: 'roberta' })
    expect(list.slice(-5)).toEqual(['lm_head.bias', 'lm_head.dense.weight', 'lm_head.dense.bias', 'lm_head.layer_norm.weight', 'lm_head.layer_norm.bias'])
    expect(list.some((n) => n.includes('pooler'))).toBe(false)
  })

  it('matches the published roberta-large RobertaModel count', () => {
    expect(analyze({ ...findModel('roberta-large')!.config, architectures: ['RobertaModel'] }).params.total).toBe(355_359_744n)
  })
})

describe('distilbert', () => {
  it('ties vocab_projector to the word embeddings and keeps its bias', () => {
    const r = analyze('distilbert-base-uncased')
    expect(r.params.total).toBe(66_985_530n)
    expect(r.model?.tiedEmbeddings).toBe(true)
    expect(r.tensors.filter((t) => t.kind === 'parameter').at(-1)?.name).toBe('vocab_projector.bias')
    // vocab_transform 768² + 768, vocab_layer_norm 2 × 768, vocab_projector.bias 30522
    expect(r.model?.breakdown['mlm_head']).toBe(768n * 768n + 768n + 1536n + 30522n)
    expect(r.tensors.some((t) => t.name.includes('token_type'))).toBe(false)
  })

  it('leaves sinusoidal position embeddings trainable, as transformers 5.18 does', () => {
    // transformers 5.18 marks a copy of the table as not requiring grad, not the parameter: requires_grad stays True
    // on the built model and after save_pretrained → from_pretrained (measured with torch 2.13).
    const r = analyze({ model_type: 'distilbert', vocab_size: 10, dim: 4, n_layers: 1, n_heads: 2, hidden_dim: 8, max_position_embeddings: 6, sinusoidal_pos_embds: true })
    expect(r.params.frozen).toBe(0n)
    expect(r.tensors.find((t) => t.name === 'distilbert.embeddings.position_embeddings.weight')?.trainable).toBe(true)
  })

  it('counts DistilBertModel as published', () => {
    expect(analyze({ ...findModel('distilbert-base-uncased')!.config, architectures: ['DistilBertModel'] }).params.total).toBe(66_362_880n)
  })
})

describe('albert', () => {
  it('counts one shared layer group, factorised embeddings and the MLM head', () => {
    const r = analyze('albert-base-v2')
    expect(r.params.total).toBe(11_221_680n)
    expect(analyze({ ...findModel('albert-base-v2')!.config, architectures: ['AlbertModel'] }).params.total).toBe(11_683_584n)
    // embedding_hidden_mapping_in: 128 → 768
    expect(r.model?.breakdown['embed_projections']).toBe(128n * 768n + 768n)
    expect(r.tensors.some((t) => t.name.startsWith('albert.encoder.albert_layer_groups.0.albert_layers.0.attention.query'))).toBe(true)
    expect(r.tensors.some((t) => t.name.includes('albert_layer_groups.1'))).toBe(false)
  })

  it('gives an untied decoder its own weight and bias', () => {
    // torch 2.13 + transformers 5.18 on meta: 1290 parameters untied (1260 tied); the decoder follows the head's dense.
    const config = { model_type: 'albert', vocab_size: 10, embedding_size: 2, hidden_size: 4, num_hidden_layers: 3, num_attention_heads: 2, intermediate_size: 8 }
    const untied = analyze({ ...config, tie_word_embeddings: false })
    expect(untied.params.total).toBe(1290n)
    expect(untied.tensors.filter((t) => t.kind === 'parameter').map((t) => t.name).slice(-2)).toEqual(['predictions.decoder.weight', 'predictions.decoder.bias'])
    expect(analyze(config).params.total).toBe(1260n)
  })

  it('lists the AlbertMLMHead bias before its LayerNorm', () => {
    const list = names({ model_type: 'albert', vocab_size: 10, embedding_size: 2, hidden_size: 4, num_hidden_layers: 3, num_attention_heads: 2, intermediate_size: 8 })
    expect(list.slice(-5)).toEqual(['predictions.bias', 'predictions.LayerNorm.weight', 'predictions.LayerNorm.bias', 'predictions.dense.weight', 'predictions.dense.bias'])
  })
})
