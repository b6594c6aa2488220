import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { model_type: 'electra', vocab_size: 10, embedding_size: 2, hidden_size: 4, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 8, max_position_embeddings: 6 }

describe('electra', () => {
  it('projects embeddings of embedding_size to the hidden size', () => {
    const r = analyze({ ...tiny, architectures: ['ElectraModel'] })
    expect(r.tensors.find((t) => t.name === 'embeddings_project.weight')?.shape).toEqual([4, 2])
    expect(r.model?.breakdown['embed_projections']).toBe(12n)
    expect(analyze({ ...tiny, embedding_size: 4, architectures: ['ElectraModel'] }).tensors.some((t) => t.name.startsWith('embeddings_project'))).toBe(false)
  })

  it('ties the generator head to the word embeddings and gives the discriminator one logit per token', () => {
    const generator = analyze({ ...tiny, architectures: ['ElectraForMaskedLM'] })
    expect(generator.model?.tiedEmbeddings).toBe(true)
    expect(generator.model?.paramsUntied).toBe(generator.params.total + 20n)
    const discriminator = analyze({ ...tiny, architectures: ['ElectraForPreTraining'] })
    expect(discriminator.tensors.find((t) => t.name === 'discriminator_predictions.dense_prediction.weight')?.shape).toEqual([1, 4])
  })
})
