import { windowedByType } from './llama.js'
import { llamaStyle } from './llama-style.js'

/**
 * Ministral (`MinistralConfig`, `mistralai/Ministral-8B-Instruct-2410`: Mistral's sizes, `head_dim` from the config or
 * hidden / heads): Mistral's blocks; layers listed as `sliding_attention` in `layer_types` (all of them when there
 * is a `sliding_window` and no list) attend within `sliding_window` (4096).
 */
export const ministral = llamaStyle({
  name: 'Ministral',
  modelTypes: ['ministral'],
  cls: 'Ministral',
  defaults: { vocab: 32000, hidden: 4096, layers: 32, heads: 32, kvHeads: 8, intermediate: 14336 },
  tie: false,
  window: (c, s) => windowedByType(c, s, 4096, () => true),
})
