import type { ModuleNode, TensorDef } from '../../../model/module.js'
import { defineFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { Child } from '../modules.js'
import { bertBlockOptions, bertEncoder, bertSizes, encoderOnlyNote, numLabels } from './bert.js'

/**
 * ELECTRA (`ElectraConfig`: `embedding_size` 128, `hidden_size` 256, 12 layers, 4 heads, FFN 1024, vocabulary 30522,
 * tied): BERT's encoder fed by embeddings of `embedding_size`, projected by `embeddings_project` when that differs
 * from `hidden_size`. The discriminator (`ElectraForPreTraining`) scores each token with
 * `discriminator_predictions`; the generator (`ElectraForMaskedLM`) maps back to the embedding size and ties
 * `generator_lm_head` to the word embeddings.
 */
export const electra = defineFamily({
  name: 'ELECTRA',
  modelTypes: ['electra'],
  architectures: ['ElectraForPreTraining', 'ElectraModel', 'ElectraForMaskedLM', 'ElectraForSequenceClassification'],
  build(c, architecture, f) {
    const s = bertSizes(c, 30522, { hidden: 256, heads: 4, intermediate: 1024 })
    const embeddingSize = c.int('embedding_size', 128)
    f.reserve(s.layers * 16 + 20, `A ${s.layers}-layer ELECTRA`)
    const blocks = bertBlockOptions(c)
    const { embeddings, encoder, word } = bertEncoder(f, 'Electra', s, blocks.crossAttention, false, embeddingSize)
    const projected = embeddingSize !== s.hidden
    const base = f.module('ElectraModel', [
      ['embeddings', embeddings],
      ...(projected ? ([['embeddings_project', f.linear(embeddingSize, s.hidden, true)]] as const) : []),
      ['encoder', encoder],
    ])
    const p = architecture === 'ElectraModel' ? '' : 'electra.'
    let headModules: Child[] = []
    let headParts: Array<readonly [string, readonly string[]]> = [['lm_head', []]]
    let tiedWeight: TensorDef | null = null
    if (architecture === 'ElectraForPreTraining') {
      headModules = [['discriminator_predictions', f.module('ElectraDiscriminatorPredictions', [['dense', f.linear(s.hidden, s.hidden, true)], ['dense_prediction', f.linear(s.hidden, 1, true)]])]]
      headParts = [['lm_head', []], ['discriminator_head', ['discriminator_predictions']]]
    } else if (architecture === 'ElectraForMaskedLM') {
      const lmHead = f.linear(embeddingSize, s.vocab, true)
      if (c.bool('tie_word_embeddings', true)) tiedWeight = f.tie(lmHead, word)
      headModules = [
        ['generator_predictions', f.module('ElectraGeneratorPredictions', [['LayerNorm', f.layerNorm(embeddingSize)], ['dense', f.linear(s.hidden, embeddingSize, true)]])],
        ['generator_lm_head', lmHead],
      ]
      headParts = [['lm_head', ['generator_lm_head.weight']], ['mlm_head', ['generator_predictions', 'generator_lm_head']]]
    } else if (architecture === 'ElectraForSequenceClassification') {
      headModules = [['classifier', f.module('ElectraClassificationHead', [['dense', f.linear(s.hidden, s.hidden, true)], ['out_proj', f.linear(s.hidden, numLabels(c), true)]])]]
      headParts = [['lm_head', []], ['classifier', ['classifier']]]
    }
    const root: ModuleNode = architecture === 'ElectraModel' ? base : f.module(architecture, [['electra', base], ...headModules])
    const build: HFBuild = {
      root,
      parts: [
        ['embeddings', [`${p}embeddings`]],
        ...(projected ? ([['embed_projections', [`${p}embeddings_project`]]] as const) : []),
        ['layers', [`${p}encoder`]],
        ['final_norm', []],
        ...headParts,
      ],
      perBlock: [['per_layer', `${p}encoder.layer.0`]],
      tiedWeight,
      kvCache: null,
      kvCacheNote: encoderOnlyNote,
      notes: blocks.notes,
    }
    return build
  },
})
