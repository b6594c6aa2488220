import { NnsizeError } from '../../../errors.js'
import type { ModuleNode } from '../../../model/module.js'
import { gpt2LayoutLM } from './gpt.js'
import { defineFamily } from '../family.js'
import { kvCache, kvCacheNote } from '../model.js'
import type { KVCacheShape } from '../model.js'

/**
 * GPT-BigCode: StarCoder and SantaCoder (`GPTBigCodeConfig`: `n_embd` 768, 12 layers, 12 heads, 1024 positions,
 * vocabulary 50257, `multi_query`, tied). GPT-2's layout with `nn.Linear` instead of `Conv1D`; with `multi_query` the
 * fused `c_attn` holds all query heads and one key and one value head. The model keeps its causal mask as a
 * non-persistent bool buffer `bias` of `n_positions` × `n_positions`.
 */
export const gptBigCode = defineFamily({
  name: 'GPT-BigCode',
  modelTypes: ['gpt_bigcode'],
  architectures: ['GPTBigCodeForCausalLM', 'GPTBigCodeModel'],
  build(c, architecture, f) {
    if (c.bool('add_cross_attention', false)) throw new NnsizeError('config', 'GPT-BigCode configs with `add_cross_attention` are not built: the cross-attention is not modelled (model type `gpt_bigcode`).')
    const vocab = c.int('vocab_size', 50257)
    const positions = c.int(['n_positions', 'max_position_embeddings'], 1024)
    const hidden = c.int(['n_embd', 'hidden_size'], 768)
    const layers = c.count(['n_layer', 'num_hidden_layers'], 12)
    const heads = c.int(['n_head', 'num_attention_heads'], 12)
    const inner = c.optionalInt('n_inner') ?? 4 * hidden
    const { headDim, rule } = c.headDim({ key: 'n_embd', value: hidden }, { key: 'n_head', value: heads }, null)
    const multiQuery = c.bool('multi_query', true)
    const kvHeads = multiQuery ? 1 : heads
    f.reserve(layers * 10 + 10, `A ${layers}-layer GPT-BigCode`)
    const block = (): ModuleNode =>
      f.module('GPTBigCodeBlock', [
        ['ln_1', f.layerNorm(hidden)],
        ['attn', f.module('GPTBigCodeAttention', [['c_attn', f.linear(hidden, hidden + 2 * kvHeads * headDim, true)], ['c_proj', f.linear(hidden, hidden, true)]])],
        ['ln_2', f.layerNorm(hidden)],
        ['mlp', f.module('GPTBigCodeMLP', [['c_fc', f.linear(hidden, inner, true)], ['c_proj', f.linear(inner, hidden, true)]])],
      ])
    const built = gpt2LayoutLM(f, { architecture, headClass: 'GPTBigCodeForCausalLM', baseClass: 'GPTBigCodeModel', vocab, positions, hidden, layers, block, tie: c.bool('tie_word_embeddings', true) })
    const base = built.prefix === '' ? built.root : built.root.children.get('transformer')!
    f.buffer(base, 'bias', [positions, positions], { dtype: 'bool' })
    const shape: KVCacheShape = { layers, kvHeads, headDim }
    return { ...built, kvCache: kvCache(shape), kvCacheNote: kvCacheNote(shape, rule, multiQuery ? 'multi_query' : 'n_head'), notes: [] }
  },
})
