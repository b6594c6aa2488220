import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, image_size: 32, patch_size: 8 }

describe('vit', () => {
  it('learns a position for every patch and the class token, and pools only in ViTModel', () => {
    const model = analyze({ ...tiny, model_type: 'vit', architectures: ['ViTModel'] })
    expect(model.tensors.find((t) => t.name === 'embeddings.position_embeddings')?.shape).toEqual([1, 17, 8])
    expect(model.tensors.some((t) => t.name === 'pooler.dense.weight')).toBe(true)
    const classifier = analyze({ ...tiny, model_type: 'vit', architectures: ['ViTForImageClassification'], id2label: { 0: 'cat', 1: 'dog', 2: 'fox' } })
    expect(classifier.tensors.some((t) => t.name.includes('pooler'))).toBe(false)
    expect(classifier.tensors.find((t) => t.name === 'classifier.weight')?.shape).toEqual([3, 8])
    expect(model.model?.kvCache).toBeNull()
  })

  it('reads image and patch sizes given as [height, width]', () => {
    const r = analyze({ ...tiny, model_type: 'vit', architectures: ['ViTModel'], image_size: [32, 16], patch_size: [8, 4] })
    expect(r.tensors.find((t) => t.name === 'embeddings.position_embeddings')?.shape).toEqual([1, 17, 8])
    expect(r.tensors.find((t) => t.name === 'embeddings.patch_embeddings.projection.weight')?.shape).toEqual([8, 3, 8, 4])
  })
})

describe('deit', () => {
  it('adds a distillation token and, with a teacher, a second classifier', () => {
    const r = analyze({ ...tiny, model_type: 'deit', architectures: ['DeiTForImageClassificationWithTeacher'] })
    expect(r.tensors.find((t) => t.name === 'deit.embeddings.position_embeddings')?.shape).toEqual([1, 18, 8])
    expect(r.tensors.filter((t) => t.name.endsWith('classifier.weight')).map((t) => t.name)).toEqual(['cls_classifier.weight', 'distillation_classifier.weight'])
  })
})
