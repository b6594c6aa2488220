import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const config = {
  model_type: 'gemma3',
  text_config: { vocab_size: 10, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 4 },
  vision_config: { hidden_size: 6, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2, image_size: 16, patch_size: 8, vision_use_head: false },
}

describe('gemma3Multimodal', () => {
  it('builds the vision tower, the projector and the language model, and ties the head to the text embeddings', () => {
    const r = analyze(config)
    expect(r.model?.architecture).toBe('Gemma3ForConditionalGeneration')
    expect(r.tensors.find((t) => t.name === 'model.multi_modal_projector.mm_input_projection_weight')?.shape).toEqual([6, 8])
    expect(r.tensors.some((t) => t.name.startsWith('model.vision_tower.head'))).toBe(false)
    expect(r.model?.tiedEmbeddings).toBe(true)
    const text = analyze({ ...config.text_config, model_type: 'gemma3_text', architectures: ['Gemma3TextModel'] })
    // vision tower: patch conv 6 × 3 × 8 × 8 + 6, 4 positions × 6, one layer, post-norm; projector 6 × 8 + 6
    expect(r.model?.breakdown['vision_tower']).toBe(r.params.total - text.params.total - 54n)
    expect(r.model?.breakdown['multi_modal_projector']).toBe(54n)
    expect(r.model?.kvCache?.bytesPerTokenFp16).toBe(text.model?.kvCache?.bytesPerTokenFp16)
  })

  it('ties the head by the top-level tie_word_embeddings, not text_config\'s', () => {
    // torch 2.13 + transformers 5.18 on meta: 2730 parameters (tied) with only text_config untied; 2810 untied at the top.
    const textUntied = { ...config, text_config: { ...config.text_config, tie_word_embeddings: false } }
    expect(analyze(textUntied).params.total).toBe(2730n)
    expect(analyze(textUntied).model?.tiedEmbeddings).toBe(true)
    expect(analyze({ ...textUntied, tie_word_embeddings: false }).params.total).toBe(2810n)
  })

  it('reads the checkpoint dtype of the composite config', () => {
    expect(analyze({ ...config, torch_dtype: 'bfloat16' }).model?.dtype).toEqual({ dtype: 'bfloat16', source: 'config torch_dtype' })
  })
})
