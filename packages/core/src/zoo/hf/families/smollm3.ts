import { windowedByType } from './llama.js'
import { llamaStyle } from './llama-style.js'

/**
 * SmolLM3 (`SmolLM3Config`: 2048 wide, 36 layers, 16 heads, 4 KV heads, FFN 11008, vocabulary 128256, tied): Llama's
 * blocks; every `no_rope_layer_interval`-th layer (4) skips the rotary embedding, which changes no parameter. With
 * `use_sliding_window`, those layers attend within `sliding_window`.
 */
export const smollm3 = llamaStyle({
  name: 'SmolLM3',
  modelTypes: ['smollm3'],
  cls: 'SmolLM3',
  defaults: { vocab: 128256, hidden: 2048, layers: 36, heads: 16, kvHeads: 4, intermediate: 11008 },
  tie: true,
  bias: (c) => {
    const attention = c.bool('attention_bias', false)
    return { qkv: attention, o: attention, mlp: c.bool('mlp_bias', false) }
  },
  window: (c, s) => {
    if (!c.bool('use_sliding_window', false) && !c.has('layer_types')) return {}
    const noRope = c.ints('no_rope_layers')
    const interval = c.count('no_rope_layer_interval', 4)
    return windowedByType(c, s, undefined, (i) => (noRope.length > 0 ? noRope[i] === 0 : (i + 1) % interval === 0))
  },
})
