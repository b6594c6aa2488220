import type { ModuleNode, TensorDef } from '../../../model/module.js'
import { defineFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { Child } from '../modules.js'
import { encoderOnlyNote, numLabels } from './bert.js'

/**
 * ModernBERT (`ModernBertConfig`: 768 wide, 22 layers, 12 heads, FFN 1152, vocabulary 50368, tied): no position
 * tables (rotary, with one pair of frequencies per attention type: every `global_attn_every_n_layers`-th layer (3)
 * is global, the others local), LayerNorms without bias unless `norm_bias`, fused `Wqkv`, a GeGLU `Wi` of
 * 2 × `intermediate_size`, and no attention norm in layer 0. The masked-LM `decoder` (biased) shares the
 * token embedding matrix.
 */
export const modernBert = defineFamily({
  name: 'ModernBERT',
  modelTypes: ['modernbert'],
  architectures: ['ModernBertForMaskedLM', 'ModernBertModel', 'ModernBertForSequenceClassification'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 50368)
    const hidden = c.int('hidden_size', 768)
    const layers = c.count('num_hidden_layers', 22)
    const heads = c.int('num_attention_heads', 12)
    const intermediate = c.int('intermediate_size', 1152)
    const { headDim } = c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
    const normBias = c.bool('norm_bias', false)
    const attentionBias = c.bool('attention_bias', false)
    const mlpBias = c.bool('mlp_bias', false)
    const globalEvery = c.count('global_attn_every_n_layers', 3)
    const types = c.strings('layer_types') ?? Array.from({ length: layers }, (_, i) => (i % globalEvery !== 0 ? 'sliding_attention' : 'full_attention'))
    f.reserve(layers * 10 + 20, `A ${layers}-layer ModernBERT`)
    const norm = (): ModuleNode => f.layerNorm(hidden, { bias: normBias })
    const tokens = f.embedding(vocab, hidden)
    const base = f.module('ModernBertModel', [
      ['embeddings', f.module('ModernBertEmbeddings', [['tok_embeddings', tokens], ['norm', norm()]])],
      [
        'layers',
        f.list(layers, (i) =>
          f.module('ModernBertEncoderLayer', [
            ...(i === 0 ? [] : ([['attn_norm', norm()]] as const)),
            ['attn', f.module('ModernBertAttention', [['Wqkv', f.linear(hidden, 3 * hidden, attentionBias)], ['Wo', f.linear(hidden, hidden, attentionBias)]])],
            ['mlp_norm', norm()],
            ['mlp', f.module('ModernBertMLP', [['Wi', f.linear(hidden, 2 * intermediate, mlpBias)], ['Wo', f.linear(intermediate, hidden, mlpBias)]])],
          ]),
        ),
      ],
      ['final_norm', norm()],
      ['rotary_emb', f.rotary('ModernBertRotaryEmbedding', headDim, { prefixes: [...new Set(types.slice(0, layers))].sort().map((t) => `${t}_`) })],
    ])
    const head = (): ModuleNode => f.module('ModernBertPredictionHead', [['dense', f.linear(hidden, hidden, c.bool('classifier_bias', false))], ['norm', norm()]])
    let headModules: Child[] = []
    let headParts: Array<readonly [string, readonly string[]]> = [['lm_head', []]]
    let tiedWeight: TensorDef | null = null
    if (architecture === 'ModernBertForMaskedLM') {
      const decoder = f.linear(hidden, vocab, c.bool('decoder_bias', true))
      if (c.bool('tie_word_embeddings', true)) tiedWeight = f.tie(decoder, tokens)
      headModules = [['head', head()], ['decoder', decoder]]
      headParts = [['lm_head', ['decoder.weight']], ['mlm_head', ['head', 'decoder']]]
    } else if (architecture === 'ModernBertForSequenceClassification') {
      headModules = [['head', head()], ['classifier', f.linear(hidden, numLabels(c), true)]]
      headParts = [['lm_head', []], ['classifier', ['head', 'classifier']]]
    }
    const root = architecture === 'ModernBertModel' ? base : f.module(architecture, [['model', base], ...headModules])
    const p = root === base ? '' : 'model.'
    const build: HFBuild = {
      root,
      parts: [['embeddings', [`${p}embeddings`]], ['layers', [`${p}layers`]], ['final_norm', [`${p}final_norm`]], ...headParts],
      perBlock: [['per_layer', `${p}layers.${layers > 1 ? 1 : 0}`]],
      tiedWeight,
      kvCache: null,
      kvCacheNote: encoderOnlyNote,
      notes: [],
    }
    return build
  },
})
