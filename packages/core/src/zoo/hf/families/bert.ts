import { NnsizeError } from '../../../errors.js'
import type { ModuleNode, TensorDef } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import { defineFamily } from '../family.js'
import type { HFFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { Child, ModuleFactory } from '../modules.js'

/** The KV-cache note of a model without a decoder. */
export const encoderOnlyNote = 'encoder-only model: no KV cache'

/** `num_labels` as `PretrainedConfig` derives it: the size of `id2label` when given, else `num_labels`, else 2. */
export function numLabels(c: HFConfig): number {
  const id2label = c.object('id2label')
  if (id2label) return Math.max(1, Object.keys(id2label).length)
  return c.int('num_labels', 2)
}

/** The sizes of a BERT-style encoder. */
export interface BertSizes {
  vocab: number
  hidden: number
  layers: number
  heads: number
  intermediate: number
  positions: number
  typeVocab: number
}

/** Reads a BERT-style config's sizes with `BertConfig`'s defaults (vocabulary `vocab`). */
export function bertSizes(c: HFConfig, vocab: number, defaults: { hidden?: number; heads?: number; intermediate?: number } = {}): BertSizes {
  const hidden = c.int('hidden_size', defaults.hidden ?? 768)
  const heads = c.int('num_attention_heads', defaults.heads ?? 12)
  const s = {
    vocab: c.int('vocab_size', vocab),
    hidden,
    layers: c.count('num_hidden_layers', 12),
    heads,
    intermediate: c.int('intermediate_size', defaults.intermediate ?? 3072),
    positions: c.int('max_position_embeddings', 512),
    typeVocab: c.int('type_vocab_size', 2),
  }
  c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
  return s
}

/**
 * The index buffers of BERT-style embeddings: `position_ids` and (unless `tokenTypes` is false) `token_type_ids`,
 * both int64 of shape (1, `max_position_embeddings`), not saved in the `state_dict`. Returns `node`.
 */
export function positionIdBuffers(f: ModuleFactory, node: ModuleNode, positions: number, tokenTypes = true): ModuleNode {
  f.buffer(node, 'position_ids', [1, positions], { dtype: 'int64' })
  if (tokenTypes) f.buffer(node, 'token_type_ids', [1, positions], { dtype: 'int64' })
  return node
}

/**
 * What a BERT-style config asks of its blocks beyond the sizes: `add_cross_attention` (which transformers allows
 * only with `is_decoder`), and a note when `position_embedding_type` asks for relative positions, which
 * transformers 5.18 no longer builds.
 */
export function bertBlockOptions(c: HFConfig): { crossAttention: boolean; notes: string[] } {
  const crossAttention = c.bool('add_cross_attention', false)
  if (crossAttention && !c.bool('is_decoder', false)) {
    throw new NnsizeError('config', `\`add_cross_attention\` is true but \`is_decoder\` is not: transformers adds cross-attention only to a decoder; set \`is_decoder\` to true, or \`add_cross_attention\` to false (model type \`${c.modelType}\`).`)
  }
  const positions = c.str('position_embedding_type', 'absolute')
  const notes = positions.startsWith('relative_key')
    ? [`The config's \`position_embedding_type\` \`${positions.slice(0, 40)}\` is not applied: transformers 5.18 no longer builds relative-position tables (\`distance_embedding\`), so the model has only its absolute position table and a checkpoint's \`distance_embedding\` weights are not loaded.`]
    : []
  return { crossAttention, notes }
}

/**
 * BERT-style encoder blocks (`BertLayer`: attention.self.{query,key,value}, attention.output, with
 * `crossAttention` a `crossattention` of the same shape, intermediate, output). RoBERTa's embeddings (and
 * XLM-RoBERTa's) register the position table after the LayerNorm, as transformers 5 does.
 */
export function bertEncoder(f: ModuleFactory, cls: string, s: BertSizes, crossAttention: boolean, positionsLast = false, embeddingSize = s.hidden): { embeddings: ModuleNode; encoder: ModuleNode; word: ModuleNode } {
  const word = f.embedding(s.vocab, embeddingSize)
  const position = ['position_embeddings', f.embedding(s.positions, embeddingSize)] as const
  const embeddings = positionIdBuffers(
    f,
    f.module(`${cls}Embeddings`, [
      ['word_embeddings', word],
      ...(positionsLast ? [] : [position]),
      ['token_type_embeddings', f.embedding(s.typeVocab, embeddingSize)],
      ['LayerNorm', f.layerNorm(embeddingSize)],
      ...(positionsLast ? [position] : []),
    ]),
    s.positions,
  )
  const attention = (kind: 'Self' | 'Cross'): ModuleNode =>
    f.module(`${cls}Attention`, [
      [
        'self',
        f.module(`${cls}${kind}Attention`, [
          ['query', f.linear(s.hidden, s.hidden, true)],
          ['key', f.linear(s.hidden, s.hidden, true)],
          ['value', f.linear(s.hidden, s.hidden, true)],
        ]),
      ],
      ['output', f.module(`${cls}SelfOutput`, [['dense', f.linear(s.hidden, s.hidden, true)], ['LayerNorm', f.layerNorm(s.hidden)]])],
    ])
  const layer = (): ModuleNode =>
    f.module(`${cls}Layer`, [
      ['attention', attention('Self')],
      ...(crossAttention ? ([['crossattention', attention('Cross')]] as const) : []),
      ['intermediate', f.module(`${cls}Intermediate`, [['dense', f.linear(s.hidden, s.intermediate, true)]])],
      ['output', f.module(`${cls}Output`, [['dense', f.linear(s.intermediate, s.hidden, true)], ['LayerNorm', f.layerNorm(s.hidden)]])],
    ])
  const encoder = f.module(`${cls}Encoder`, [['layer', f.list(s.layers, layer)]])
  return { embeddings, encoder, word }
}

/**
 * A masked-LM head's `bias` parameter (of `vocab`) and its `decoder` Linear. With `tiedTo` (the word embeddings,
 * when `tie_word_embeddings` is true) the decoder shares their weight and the head's `bias` (`_tied_weights_keys`:
 * `decoder.weight` → the embeddings, `decoder.bias` → `bias`); without, transformers ties neither and the decoder
 * keeps its own weight and bias. Returns the decoder and the tied weight.
 */
export function mlmDecoder(f: ModuleFactory, inFeatures: number, vocab: number, head: ModuleNode, tiedTo: ModuleNode | null): { decoder: ModuleNode; tiedWeight: TensorDef | null } {
  head.params.set('bias', f.parameter([vocab]))
  const decoder = f.linear(inFeatures, vocab, true)
  if (!tiedTo) return { decoder, tiedWeight: null }
  decoder.params.set('bias', head.params.get('bias')!)
  return { decoder, tiedWeight: f.tie(decoder, tiedTo) }
}

/**
 * A BERT-style family: `<cls>Model` and its masked-LM, pre-training and sequence-classification classes. `mlmHead`
 * `roberta` names the head `lm_head` and orders the embeddings as RoBERTa does; `headFirst` registers the head
 * before the encoder, as XLM-RoBERTa's classes do.
 */
export function bertLike(o: { name: string; cls: string; modelTypes: readonly string[]; prefix: string; vocab: number; mlmHead: 'bert' | 'roberta'; headFirst?: boolean }): HFFamily {
  const { cls, prefix } = o
  const classes = [`${cls}ForMaskedLM`, `${cls}Model`, ...(o.mlmHead === 'bert' ? [`${cls}ForPreTraining`] : []), `${cls}ForSequenceClassification`]
  return defineFamily({
    name: o.name,
    modelTypes: o.modelTypes,
    architectures: classes,
    build(c, architecture, f) {
      const s = bertSizes(c, o.vocab)
      f.reserve(s.layers * 16 + 20, `A ${s.layers}-layer ${o.name}`)
      const blocks = bertBlockOptions(c)
      const pooled = architecture === `${cls}Model` || architecture === `${cls}ForPreTraining` || (architecture === `${cls}ForSequenceClassification` && o.mlmHead === 'bert')
      const { embeddings, encoder, word } = bertEncoder(f, cls, s, blocks.crossAttention, o.mlmHead === 'roberta')
      const base = f.module(`${cls}Model`, [
        ['embeddings', embeddings],
        ['encoder', encoder],
        ['pooler', pooled ? f.module(`${cls}Pooler`, [['dense', f.linear(s.hidden, s.hidden, true)]]) : null],
      ])
      const tie = c.bool('tie_word_embeddings', true)
      let tiedWeight: TensorDef | null = null
      const children: Child[] = [[prefix, base]]
      const p = architecture === `${cls}Model` ? '' : `${prefix}.`
      let headParts: Array<readonly [string, readonly string[]]> = [['lm_head', []]]
      const makeMLM = (): [ModuleNode, string] => {
        if (o.mlmHead === 'bert') {
          const predictions = f.module(`${cls}LMPredictionHead`)
          const made = mlmDecoder(f, s.hidden, s.vocab, predictions, tie ? word : null)
          predictions.children.set('transform', f.module(`${cls}PredictionHeadTransform`, [['dense', f.linear(s.hidden, s.hidden, true)], ['LayerNorm', f.layerNorm(s.hidden)]]))
          predictions.children.set('decoder', made.decoder)
          tiedWeight = made.tiedWeight
          return [predictions, 'decoder']
        }
        const head = f.module(`${cls}LMHead`)
        head.children.set('dense', f.linear(s.hidden, s.hidden, true))
        head.children.set('layer_norm', f.layerNorm(s.hidden))
        const made = mlmDecoder(f, s.hidden, s.vocab, head, tie ? word : null)
        head.children.set('decoder', made.decoder)
        tiedWeight = made.tiedWeight
        return [head, 'decoder']
      }
      if (architecture === `${cls}ForMaskedLM` || architecture === `${cls}ForPreTraining`) {
        const [mlm] = makeMLM()
        if (o.mlmHead === 'bert') {
          const pretraining = architecture === `${cls}ForPreTraining`
          const heads = f.module(pretraining ? `${cls}PreTrainingHeads` : `${cls}OnlyMLMHead`, [
            ['predictions', mlm],
            ...(pretraining ? ([['seq_relationship', f.linear(s.hidden, 2, true)]] as const) : []),
          ])
          children.push(['cls', heads])
          headParts = [
            ['lm_head', ['cls.predictions.decoder.weight']],
            ['mlm_head', ['cls.predictions']],
            ...(pretraining ? ([['nsp_head', ['cls.seq_relationship']]] as const) : []),
          ]
        } else {
          children.push(['lm_head', mlm])
          headParts = [
            ['lm_head', ['lm_head.decoder.weight']],
            ['mlm_head', ['lm_head']],
          ]
        }
      } else if (architecture === `${cls}ForSequenceClassification`) {
        const labels = numLabels(c)
        children.push([
          'classifier',
          o.mlmHead === 'bert'
            ? f.linear(s.hidden, labels, true)
            : f.module(`${cls}ClassificationHead`, [['dense', f.linear(s.hidden, s.hidden, true)], ['out_proj', f.linear(s.hidden, labels, true)]]),
        ])
        headParts = [
          ['lm_head', []],
          ['classifier', ['classifier']],
        ]
      }
      if (o.headFirst) children.push(children.shift()!)
      const root = architecture === `${cls}Model` ? base : f.module(architecture, children)
      const build: HFBuild = {
        root,
        parts: [
          // With the head first, a tied matrix is named after the decoder; it still counts as the embeddings'.
          ['embeddings', [`${p}embeddings`, ...(o.headFirst && tiedWeight ? ['lm_head.decoder.weight'] : [])]],
          ['layers', [`${p}encoder`]],
          ['final_norm', []],
          ...headParts,
          ...(pooled ? ([['pooler', [`${p}pooler`]]] as const) : []),
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
}

/** BERT (`BertConfig`: 768 wide, 12 layers, 12 heads, 3072 FFN, 512 positions, 2 token types, vocabulary 30522). */
export const bert = bertLike({ name: 'BERT', cls: 'Bert', modelTypes: ['bert'], prefix: 'bert', vocab: 30522, mlmHead: 'bert' })

/** RoBERTa (`RobertaConfig`: BERT's sizes with vocabulary 50265; its MLM head is `lm_head`). */
export const roberta = bertLike({ name: 'RoBERTa', cls: 'Roberta', modelTypes: ['roberta'], prefix: 'roberta', vocab: 50265, mlmHead: 'roberta' })

/** DistilBERT (`DistilBertConfig`: `dim` 768, `n_layers` 6, `n_heads` 12, `hidden_dim` 3072; no token types). */
export const distilbert = defineFamily({
  name: 'DistilBERT',
  modelTypes: ['distilbert'],
  architectures: ['DistilBertForMaskedLM', 'DistilBertModel', 'DistilBertForSequenceClassification'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 30522)
    const dim = c.int('dim', 768)
    const layers = c.count('n_layers', 6)
    const heads = c.int('n_heads', 12)
    const hiddenDim = c.int('hidden_dim', 3072)
    const positions = c.int('max_position_embeddings', 512)
    c.headDim({ key: 'dim', value: dim }, { key: 'n_heads', value: heads }, null)
    f.reserve(layers * 12 + 20, `A ${layers}-layer DistilBERT`)
    const word = f.embedding(vocab, dim)
    // With `sinusoidal_pos_embds` transformers 5.18 fills the table with sines and cosines at initialisation but
    // leaves the parameter trainable (it marks a copy as not requiring grad), after `from_pretrained` too.
    const positionEmbeddings = f.embedding(positions, dim)
    const base = f.module('DistilBertModel', [
      ['embeddings', positionIdBuffers(f, f.module('Embeddings', [['word_embeddings', word], ['position_embeddings', positionEmbeddings], ['LayerNorm', f.layerNorm(dim)]]), positions, false)],
      [
        'transformer',
        f.module('Transformer', [
          [
            'layer',
            f.list(layers, () =>
              f.module('TransformerBlock', [
                [
                  'attention',
                  f.module('DistilBertSdpaAttention', [
                    ['q_lin', f.linear(dim, dim, true)],
                    ['k_lin', f.linear(dim, dim, true)],
                    ['v_lin', f.linear(dim, dim, true)],
                    ['out_lin', f.linear(dim, dim, true)],
                  ]),
                ],
                ['sa_layer_norm', f.layerNorm(dim)],
                ['ffn', f.module('FFN', [['lin1', f.linear(dim, hiddenDim, true)], ['lin2', f.linear(hiddenDim, dim, true)]])],
                ['output_layer_norm', f.layerNorm(dim)],
              ]),
            ),
          ],
        ]),
      ],
    ])
    let root = base
    let tiedWeight: TensorDef | null = null
    let headParts: Array<readonly [string, readonly string[]]> = [['lm_head', []]]
    if (architecture === 'DistilBertForMaskedLM') {
      const projector = f.linear(dim, vocab, true)
      if (c.bool('tie_word_embeddings', true)) tiedWeight = f.tie(projector, word)
      // The loss module registers a `weight` buffer of None (no class weights), as `nn.CrossEntropyLoss()` does.
      const loss = f.module('CrossEntropyLoss')
      loss.buffers.set('weight', null)
      root = f.module(architecture, [
        ['distilbert', base],
        ['vocab_transform', f.linear(dim, dim, true)],
        ['vocab_layer_norm', f.layerNorm(dim)],
        ['vocab_projector', projector],
        ['mlm_loss_fct', loss],
      ])
      headParts = [
        ['lm_head', ['vocab_projector.weight']],
        ['mlm_head', ['vocab_transform', 'vocab_layer_norm', 'vocab_projector.bias']],
      ]
    } else if (architecture === 'DistilBertForSequenceClassification') {
      root = f.module(architecture, [
        ['distilbert', base],
        ['pre_classifier', f.linear(dim, dim, true)],
        ['classifier', f.linear(dim, numLabels(c), true)],
      ])
      headParts = [
        ['lm_head', []],
        ['classifier', ['pre_classifier', 'classifier']],
      ]
    }
    const p = root === base ? '' : 'distilbert.'
    return {
      root,
      parts: [['embeddings', [`${p}embeddings`]], ['layers', [`${p}transformer`]], ['final_norm', []], ...headParts],
      perBlock: [['per_layer', `${p}transformer.layer.0`]],
      tiedWeight,
      kvCache: null,
      kvCacheNote: encoderOnlyNote,
      notes: [],
    }
  },
})

/**
 * ALBERT (`AlbertConfig`: vocabulary 30000, `embedding_size` 128, `hidden_size` 4096, 64 heads, FFN 16384,
 * `num_hidden_groups` 1, `inner_group_num` 1): factorised embeddings projected by
 * `embedding_hidden_mapping_in`; the `num_hidden_layers` blocks share the weights of the layer groups.
 */
export const albert = defineFamily({
  name: 'ALBERT',
  modelTypes: ['albert'],
  architectures: ['AlbertForMaskedLM', 'AlbertModel', 'AlbertForPreTraining'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 30000)
    const embeddingSize = c.int('embedding_size', 128)
    const hidden = c.int('hidden_size', 4096)
    c.count('num_hidden_layers', 12)
    const groups = c.count('num_hidden_groups', 1)
    const inner = c.count('inner_group_num', 1)
    const heads = c.int('num_attention_heads', 64)
    const intermediate = c.int('intermediate_size', 16384)
    const positions = c.int('max_position_embeddings', 512)
    const typeVocab = c.int('type_vocab_size', 2)
    c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
    f.reserve(groups * inner * 12 + 20, `An ALBERT of ${groups} × ${inner} layers`)
    const word = f.embedding(vocab, embeddingSize)
    const layer = (): ModuleNode =>
      f.module('AlbertLayer', [
        ['full_layer_layer_norm', f.layerNorm(hidden)],
        [
          'attention',
          f.module('AlbertSdpaAttention', [
            ['query', f.linear(hidden, hidden, true)],
            ['key', f.linear(hidden, hidden, true)],
            ['value', f.linear(hidden, hidden, true)],
            ['dense', f.linear(hidden, hidden, true)],
            ['LayerNorm', f.layerNorm(hidden)],
          ]),
        ],
        ['ffn', f.linear(hidden, intermediate, true)],
        ['ffn_output', f.linear(intermediate, hidden, true)],
      ])
    const pooled = architecture !== 'AlbertForMaskedLM'
    const base = f.module('AlbertModel', [
      [
        'embeddings',
        positionIdBuffers(
          f,
          f.module('AlbertEmbeddings', [
            ['word_embeddings', word],
            ['position_embeddings', f.embedding(positions, embeddingSize)],
            ['token_type_embeddings', f.embedding(typeVocab, embeddingSize)],
            ['LayerNorm', f.layerNorm(embeddingSize)],
          ]),
          positions,
        ),
      ],
      [
        'encoder',
        f.module('AlbertTransformer', [
          ['embedding_hidden_mapping_in', f.linear(embeddingSize, hidden, true)],
          ['albert_layer_groups', f.list(groups, () => f.module('AlbertLayerGroup', [['albert_layers', f.list(inner, layer)]]))],
        ]),
      ],
      ['pooler', pooled ? f.linear(hidden, hidden, true) : null],
    ])
    let root = base
    let tiedWeight: TensorDef | null = null
    let headParts: Array<readonly [string, readonly string[]]> = [['lm_head', []]]
    if (architecture !== 'AlbertModel') {
      const predictions = f.module('AlbertMLMHead')
      predictions.children.set('LayerNorm', f.layerNorm(embeddingSize))
      const made = mlmDecoder(f, embeddingSize, vocab, predictions, c.bool('tie_word_embeddings', true) ? word : null)
      predictions.children.set('dense', f.linear(hidden, embeddingSize, true))
      predictions.children.set('decoder', made.decoder)
      tiedWeight = made.tiedWeight
      const pretraining = architecture === 'AlbertForPreTraining'
      root = f.module(architecture, [
        ['albert', base],
        ['predictions', predictions],
        ...(pretraining ? ([['sop_classifier', f.module('AlbertSOPHead', [['classifier', f.linear(hidden, numLabels(c), true)]])]] as const) : []),
      ])
      headParts = [
        ['lm_head', ['predictions.decoder.weight']],
        ['mlm_head', ['predictions']],
        ...(pretraining ? ([['sop_head', ['sop_classifier']]] as const) : []),
      ]
    }
    const p = root === base ? '' : 'albert.'
    return {
      root,
      parts: [
        ['embeddings', [`${p}embeddings`]],
        ['embed_projections', [`${p}encoder.embedding_hidden_mapping_in`]],
        ['layers', [`${p}encoder.albert_layer_groups`]],
        ['final_norm', []],
        ...headParts,
        ...(pooled ? ([['pooler', [`${p}pooler`]]] as const) : []),
      ],
      perBlock: [['per_layer', `${p}encoder.albert_layer_groups.0.albert_layers.0`]],
      tiedWeight,
      kvCache: null,
      kvCacheNote: encoderOnlyNote,
      notes: ['ALBERT shares its layer groups across all `num_hidden_layers` blocks: each group is counted once.'],
    }
  },
})
