import { NnsizeError } from '../../../errors.js'
import type { ModuleNode, TensorDef } from '../../../model/module.js'
import { defineFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { Child } from '../modules.js'
import { encoderOnlyNote, mlmDecoder, numLabels } from './bert.js'
import { conv1d } from '../../../layers/conv.js'

/**
 * DeBERTa-v2 and DeBERTa-v3 (`DebertaV2Config`: 1536 wide, 24 layers, 24 heads, FFN 6144, vocabulary 128100,
 * 512 positions, no token types). Embeddings: word table of `embedding_size` (default hidden), a position table
 * only with `position_biased_input` (default true; v3 sets false), token types when `type_vocab_size` > 0,
 * `embed_proj` when the embedding size differs, LayerNorm. Disentangled attention: `query_proj`/`key_proj`/
 * `value_proj`, and with `relative_attention` unless `share_att_key`, `pos_key_proj` (for `c2p`) and
 * `pos_query_proj` (for `p2c`). The encoder holds `rel_embeddings` (2 × `position_buckets`, or 2 ×
 * `max_relative_positions`, which defaults to `max_position_embeddings`), a LayerNorm when `norm_rel_ebd` has
 * `layer_norm`, and a `conv` layer when `conv_kernel_size` > 0.
 */
export const debertaV2 = defineFamily({
  name: 'DeBERTa-v2',
  modelTypes: ['deberta-v2'],
  architectures: ['DebertaV2ForMaskedLM', 'DebertaV2Model', 'DebertaV2ForSequenceClassification'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 128100)
    const hidden = c.int('hidden_size', 1536)
    const layers = c.count('num_hidden_layers', 24)
    const heads = c.int('num_attention_heads', 24)
    const intermediate = c.int('intermediate_size', 6144)
    const positions = c.int('max_position_embeddings', 512)
    const typeVocab = c.int('type_vocab_size', 0, { min: 0 })
    const embeddingSize = c.int('embedding_size', hidden)
    c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
    const allHead = heads * c.int('attention_head_size', hidden / heads)
    const relative = c.bool('relative_attention', false)
    const positionBiased = c.bool('position_biased_input', true)
    const shareKey = c.bool('share_att_key', false)
    const posAttType = attentionTypes(c.get('pos_att_type')?.value)
    const maxRelative = c.int('max_relative_positions', -1, { min: -Infinity })
    const buckets = c.int('position_buckets', -1, { min: -Infinity })
    const relEmbeddings = buckets > 0 ? 2 * buckets : 2 * (maxRelative < 1 ? positions : maxRelative)
    const normRel = c.str('norm_rel_ebd', 'none').toLowerCase().split('|').map((x) => x.trim())
    const convKernel = c.int('conv_kernel_size', 0, { min: 0 })
    const convGroups = c.int('conv_groups', 1)
    const legacy = c.bool('legacy', true)
    const poolerSize = c.int('pooler_hidden_size', hidden)
    f.reserve(layers * 16 + 20, `A ${layers}-layer DeBERTa-v2`)
    const word = f.embedding(vocab, embeddingSize)
    const embeddings = f.module('DebertaV2Embeddings', [
      ['word_embeddings', word],
      ...(positionBiased ? ([['position_embeddings', f.embedding(positions, embeddingSize)]] as const) : []),
      ...(typeVocab > 0 ? ([['token_type_embeddings', f.embedding(typeVocab, embeddingSize)]] as const) : []),
      ...(embeddingSize !== hidden ? ([['embed_proj', f.linear(embeddingSize, hidden, false)]] as const) : []),
      ['LayerNorm', f.layerNorm(hidden)],
    ])
    f.buffer(embeddings, 'position_ids', [1, positions], { dtype: 'int64' })
    const attention = (): ModuleNode =>
      f.module('DebertaV2Attention', [
        [
          'self',
          f.module('DisentangledSelfAttention', [
            ['query_proj', f.linear(hidden, allHead, true)],
            ['key_proj', f.linear(hidden, allHead, true)],
            ['value_proj', f.linear(hidden, allHead, true)],
            ...(relative && !shareKey && posAttType.includes('c2p') ? ([['pos_key_proj', f.linear(hidden, allHead, true)]] as const) : []),
            ...(relative && !shareKey && posAttType.includes('p2c') ? ([['pos_query_proj', f.linear(hidden, allHead, true)]] as const) : []),
          ]),
        ],
        ['output', f.module('DebertaV2SelfOutput', [['dense', f.linear(hidden, hidden, true)], ['LayerNorm', f.layerNorm(hidden)]])],
      ])
    const layer = (): ModuleNode =>
      f.module('DebertaV2Layer', [
        ['attention', attention()],
        ['intermediate', f.module('DebertaV2Intermediate', [['dense', f.linear(hidden, intermediate, true)]])],
        ['output', f.module('DebertaV2Output', [['dense', f.linear(intermediate, hidden, true)], ['LayerNorm', f.layerNorm(hidden)]])],
      ])
    const encoder = f.module('DebertaV2Encoder', [
      ['layer', f.list(layers, layer)],
      ...(relative ? ([['rel_embeddings', f.embedding(relEmbeddings, hidden)]] as const) : []),
      ...(normRel.includes('layer_norm') ? ([['LayerNorm', f.layerNorm(hidden)]] as const) : []),
      ...(convKernel > 0
        ? ([
            [
              'conv',
              f.module('ConvLayer', [
                ['conv', f.layer(conv1d, { in_channels: hidden, out_channels: hidden, kernel_size: [convKernel], padding: [Math.floor((convKernel - 1) / 2)], groups: convGroups })],
                ['LayerNorm', f.layerNorm(hidden)],
              ]),
            ],
          ] as const)
        : []),
    ])
    const base = f.module('DebertaV2Model', [
      ['embeddings', embeddings],
      ['encoder', encoder],
    ])
    const p = architecture === 'DebertaV2Model' ? '' : 'deberta.'
    let headModules: Child[] = []
    let headParts: Array<readonly [string, readonly string[]]> = [['lm_head', []]]
    let tiedWeight: TensorDef | null = null
    const notes: string[] = []
    if (architecture === 'DebertaV2ForMaskedLM') {
      if (legacy) {
        const predictions = f.module('LegacyDebertaV2LMPredictionHead')
        const made = mlmDecoder(f, embeddingSize, vocab, predictions, c.bool('tie_word_embeddings', true) ? word : null)
        predictions.children.set('transform', f.module('LegacyDebertaV2PredictionHeadTransform', [['dense', f.linear(hidden, embeddingSize, true)], ['LayerNorm', f.layerNorm(embeddingSize)]]))
        predictions.children.set('decoder', made.decoder)
        tiedWeight = made.tiedWeight
        headModules = [['cls', f.module('LegacyDebertaV2OnlyMLMHead', [['predictions', predictions]])]]
        headParts = [['lm_head', ['cls.predictions.decoder.weight']], ['mlm_head', ['cls']]]
      } else {
        const lmHead = f.module('DebertaV2LMPredictionHead', [['dense', f.linear(hidden, hidden, true)], ['LayerNorm', f.layerNorm(hidden)]], [['bias', [vocab]]])
        headModules = [['lm_predictions', f.module('DebertaV2OnlyMLMHead', [['lm_head', lmHead]])]]
        headParts = [['lm_head', []], ['mlm_head', ['lm_predictions']]]
        notes.push('With `legacy` false the masked-LM head multiplies by the word-embedding matrix itself: it has no decoder matrix of its own.')
      }
    } else if (architecture === 'DebertaV2ForSequenceClassification') {
      headModules = [
        ['pooler', f.module('ContextPooler', [['dense', f.linear(poolerSize, poolerSize, true)]])],
        // `ContextPooler.output_dim` is `hidden_size`, whatever `pooler_hidden_size` is.
        ['classifier', f.linear(hidden, numLabels(c), true)],
      ]
      headParts = [['lm_head', []], ['pooler', ['pooler']], ['classifier', ['classifier']]]
      if (poolerSize !== hidden) {
        notes.push(`\`pooler_hidden_size\` (${poolerSize}) differs from \`hidden_size\` (${hidden}): transformers builds the pooler (${poolerSize} → ${poolerSize}) and a classifier reading \`hidden_size\` as given, although the three widths must agree for a forward pass.`)
      }
    }
    const root = architecture === 'DebertaV2Model' ? base : f.module(architecture, [['deberta', base], ...headModules])
    const build: HFBuild = {
      root,
      parts: [
        ['embeddings', [`${p}embeddings`]],
        ['layers', [`${p}encoder.layer`]],
        ['relative_embeddings', [`${p}encoder.rel_embeddings`, `${p}encoder.LayerNorm`, `${p}encoder.conv`]],
        ['final_norm', []],
        ...headParts,
      ],
      perBlock: [['per_layer', `${p}encoder.layer.0`]],
      tiedWeight,
      kvCache: null,
      kvCacheNote: encoderOnlyNote,
      notes,
    }
    return build
  },
})

/** `pos_att_type` as a list (`["p2c", "c2p"]`) or, in older configs, a `|`-separated string (`"p2c|c2p"`). */
function attentionTypes(value: unknown): string[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'string') return value.toLowerCase().split('|').map((x) => x.trim())
  if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value.map((x) => (x as string).toLowerCase())
  throw new NnsizeError('config', '`pos_att_type` must be a list of attention types or a `|`-separated string, e.g. `["p2c", "c2p"]` (model type `deberta-v2`).')
}
